#!/bin/sh
# Rebuild tests/data/network/sysfs-bond-vlan: a host with two NICs in an active-backup
# bond, a VLAN on the bond and a bridge on the VLAN (the usual hypervisor layout), as
# sysfs and /proc show it. This machine's kernel has neither bonding nor 8021q, so the
# tree is written from the kernel's layout (drivers/net/bonding/bond_sysfs.c,
# net/8021q/vlanproc.c, net/bridge/br_sysfs_*.c, net/core/net-sysfs.c); the tree is committed.
set -eu
cd "$(dirname "$0")"
R=sysfs-bond-vlan
rm -rf $R
w() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }
l() { mkdir -p "$(dirname "$1")"; ln -sfn "$2" "$1"; }
dev() { # dev NAME DEVPATH IFINDEX MTU MAC OPERSTATE FLAGS CARRIER
    d=$R/sys/$2
    w $d/ifindex $3; w $d/iflink $3; w $d/mtu $4; w $d/address $5; w $d/addr_len 6
    w $d/operstate $6; w $d/flags $7; w $d/carrier $8; w $d/type 1
    w $d/uevent "INTERFACE=$1
IFINDEX=$3"
    l $R/sys/class/net/$1 ../../$2
}
dev lo devices/virtual/net/lo 1 65536 00:00:00:00:00:00 unknown 0x9 1
w $R/sys/devices/virtual/net/lo/type 772
for i in 1 2; do
    P=devices/pci0000:00/0000:00:0$((i+2)).0/net/eth$i
    dev eth$i $P $((i+1)) 9000 52:54:00:aa:00:0$i up 0x1803 1
    l $R/sys/$P/device ../../../0000:00:0$((i+2)).0
    l $R/sys/$P/master ../../../../virtual/net/bond0
    l $R/sys/$P/upper_bond0 ../../../../virtual/net/bond0
    w $R/sys/$P/bonding_slave/state $([ $i = 1 ] && echo active || echo backup)
done
B=devices/virtual/net/bond0
dev bond0 $B 4 9000 52:54:00:aa:00:01 up 0x1403 1
w $R/sys/$B/uevent 'DEVTYPE=bond
INTERFACE=bond0
IFINDEX=4'
w $R/sys/$B/bonding/mode 'active-backup 1'
w $R/sys/$B/bonding/slaves 'eth1 eth2'
l $R/sys/$B/lower_eth1 ../../../pci0000:00/0000:00:03.0/net/eth1
l $R/sys/$B/lower_eth2 ../../../pci0000:00/0000:00:04.0/net/eth2
V=devices/virtual/net/bond0.100
dev bond0.100 $V 5 9000 52:54:00:aa:00:01 up 0x1003 1
w $R/sys/$V/iflink 4
w $R/sys/$V/uevent 'DEVTYPE=vlan
INTERFACE=bond0.100
IFINDEX=5'
l $R/sys/$V/lower_bond0 ../bond0
l $R/sys/$V/master ../br-vm
w $R/sys/$V/brport/state 3
BR=devices/virtual/net/br-vm
dev br-vm $BR 6 9000 52:54:00:aa:00:01 up 0x1003 1
w $R/sys/$BR/uevent 'DEVTYPE=bridge
INTERFACE=br-vm
IFINDEX=6'
w $R/sys/$BR/bridge/stp_state 0
l $R/sys/$BR/brif/bond0.100 ../../bond0.100/brport
l $R/sys/$BR/lower_bond0.100 ../bond0.100
# a VM's tap on the bridge, and a wifi card that is down
T=devices/virtual/net/vnet3
dev vnet3 $T 7 9000 fe:54:00:12:34:56 unknown 0x1103 1
w $R/sys/$T/tun_flags 0x5002
l $R/sys/$T/master ../br-vm
w $R/sys/$T/brport/state 3
W=devices/pci0000:00/0000:00:14.3/net/wlp0s20f3
dev wlp0s20f3 $W 8 1500 a0:b1:c2:d3:e4:f5 down 0x1002 0
w $R/sys/$W/uevent 'DEVTYPE=wlan
INTERFACE=wlp0s20f3
IFINDEX=8'
rm $R/sys/$W/carrier # reading it fails while the link is down
l $R/sys/$W/device ../../../0000:00:14.3
mkdir -p $R/proc/net/vlan
printf '%s\n' 'VLAN Dev name	 | VLAN ID' 'Name-Type: VLAN_NAME_TYPE_RAW_PLUS_VID_NO_PAD' \
  'bond0.100      | 100  | bond0' > $R/proc/net/vlan/config
printf '%s\n' \
  'Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT' \
  'br-vm	00000000	FE0AFEA9	0003	0	0	0	00000000	0	0	0' \
  'br-vm	000AFEA9	00000000	0001	0	0	0	00FFFFFF	0	0	0' > $R/proc/net/route
printf '%s\n' 'Main:' '  +-- 0.0.0.0/0 3 0 5' '     |-- 0.0.0.0' '        /0 universe UNICAST' \
  '     +-- 127.0.0.0/8 2 0 2' '        +-- 127.0.0.0/31 1 0 0' '           |-- 127.0.0.0' \
  '              /8 host LOCAL' '           |-- 127.0.0.1' '              /32 host LOCAL' \
  '        |-- 127.255.255.255' '           /32 link BROADCAST' \
  '     +-- 169.254.10.0/24 2 0 2' '        +-- 169.254.10.0/28 2 0 2' \
  '           |-- 169.254.10.0' '              /24 link UNICAST' '           |-- 169.254.10.5' \
  '              /32 host LOCAL' '        |-- 169.254.10.255' '           /32 link BROADCAST' \
  'Local:' '  +-- 0.0.0.0/0 3 0 5' '     |-- 169.254.10.5' '        /32 host LOCAL' \
  > $R/proc/net/fib_trie
printf '%s\n' '00000000000000000000000000000001 01 80 10 80       lo' \
  'fe80000000000000505400fffeaa0001 06 40 20 80    br-vm' > $R/proc/net/if_inet6
printf '%s\n' \
  'fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001    br-vm' \
  '00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo' \
  'ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001    br-vm' \
  '00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo' \
  > $R/proc/net/ipv6_route
printf '%s\n' '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode' \
  '   0: 00000000:0010 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0' \
  '   1: 050AFEA9:C000 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0' \
  '   2: 050AFEA9:0016 0B0AFEA9:D431 01 00000000:00000000 02:0009ED2B 00000000     0        0 3 4 0 20 4 30 10 -1' \
  > $R/proc/net/tcp
printf '%s\n' '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode' \
  '   0: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4 1 0 100 0 0 10 0' \
  > $R/proc/net/tcp6

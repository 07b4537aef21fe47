#!/bin/sh
# Rebuild the sysfs fixture trees of tests/data/storage/{iscsi,fc-multipath,srp,gfs2}.
# Each tree is a host's file system as mc_source_fs(dir, false) reads it; class
# entries are relative symlinks into sys/devices as on a real kernel. See README.md
# for where each layout comes from. Run from this directory; the trees are committed.
set -eu
cd "$(dirname "$0")"

w() { mkdir -p "$(dirname "$1")"; printf '%s\n' "$2" > "$1"; }       # write an attribute
l() { mkdir -p "$(dirname "$1")"; ln -sfn "$2" "$1"; }               # make a symlink
disk() { # disk ROOT DEVDIR NAME MAJ:MIN SECTORS -> a SCSI disk under DEVDIR (the H:C:T:L dir)
    w "$1/$2/block/$3/dev" "$4"
    w "$1/$2/block/$3/size" "$5"
    l "$1/$2/block/$3/device" "../../../$(basename "$2")"
    l "$1/sys/class/block/$3" "../../${2#sys/}/block/$3"
    l "$1/sys/dev/block/$4" "../../${2#sys/}/block/$3"
    mkdir -p "$1/$2/block/$3/slaves"
}

rm -rf iscsi fc-multipath srp gfs2

# ---- iSCSI: one session (open-iscsi, iscsi_tcp) with two LUNs ------------------------------
R=iscsi
w $R/etc/iscsi/initiatorname.iscsi '## DO NOT EDIT OR REMOVE THIS FILE!
## If you remove this file, the iSCSI daemon will not start.
InitiatorName=iqn.1994-05.com.redhat:kvm1a2b3c4d'
S=sys/devices/platform/host2/session1
w $R/$S/iscsi_session/session1/targetname iqn.2003-01.org.linux-iscsi.stor1.x8664:sn.vmstore
w $R/$S/iscsi_session/session1/state LOGGED_IN
w $R/$S/iscsi_session/session1/initiatorname '(null)'
w $R/$S/iscsi_session/session1/tpgt 1
l $R/$S/iscsi_session/session1/device ../../../session1
l $R/sys/class/iscsi_session/session1 ../../devices/platform/host2/session1/iscsi_session/session1
w $R/$S/connection1:0/iscsi_connection/connection1:0/persistent_address 192.0.2.50
w $R/$S/connection1:0/iscsi_connection/connection1:0/persistent_port 3260
l $R/sys/class/iscsi_connection/connection1:0 \
  ../../devices/platform/host2/session1/connection1:0/iscsi_connection/connection1:0
for lun in 0 1; do
    D=$S/target2:0:0/2:0:0:$lun
    w $R/$D/vendor 'LIO-ORG '
    w $R/$D/model 'vmstore         '
    w $R/$D/wwid "naa.6001405a1b2c3d4e5f6a7b8c9d0e1f2$lun"
done
disk $R $S/target2:0:0/2:0:0:0 sdb 8:16 209715200
disk $R $S/target2:0:0/2:0:0:1 sdc 8:32 419430400
l $R/dev/disk/by-path/ip-192.0.2.50:3260-iscsi-iqn.2003-01.org.linux-iscsi.stor1.x8664:sn.vmstore-lun-1 ../../sdc
l $R/dev/disk/by-id/wwn-0x6001405a1b2c3d4e5f6a7b8c9d0e1f21 ../../sdc

# ---- FC with dm-multipath: host3 (qla2xxx), two target ports, one LUN seen twice -----------
R=fc-multipath
H=sys/devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3
w $R/$H/fc_host/host3/port_name 0x21000024ff3a1b2c
w $R/$H/fc_host/host3/node_name 0x20000024ff3a1b2c
w $R/$H/fc_host/host3/port_state Online
w $R/$H/fc_host/host3/fabric_name 0x100000051e0a0b0c
w $R/$H/fc_host/host3/speed '16 Gbit'
l $R/sys/class/fc_host/host3 ../../devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/fc_host/host3
n=0
for rp in 0 1; do
    P=$H/rport-3:0-$rp
    w $R/$P/fc_remote_ports/rport-3:0-$rp/port_name "0x500a09818df1c0d$rp"
    w $R/$P/fc_remote_ports/rport-3:0-$rp/node_name 0x500a09808df1c0d0
    w $R/$P/fc_remote_ports/rport-3:0-$rp/port_state Online
    w $R/$P/fc_remote_ports/rport-3:0-$rp/roles 'FCP Target'
    w $R/$P/fc_remote_ports/rport-3:0-$rp/scsi_target_id $rp
    l $R/sys/class/fc_remote_ports/rport-3:0-$rp \
      "../../devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-$rp/fc_remote_ports/rport-3:0-$rp"
    D=$P/target3:0:$rp/3:0:$rp:1
    w $R/$D/vendor 'NETAPP  '
    w $R/$D/model 'LUN C-Mode      '
    w $R/$D/wwid naa.600a098038303053453f463045727a4b
    name=$([ $rp = 0 ] && echo sdd || echo sde)
    disk $R $D $name "8:$((48 + 16 * rp))" 2147483648
done
# A remote port that is no SCSI target (the fabric's name server); belongs to no disk.
w $R/$H/rport-3:0-2/fc_remote_ports/rport-3:0-2/port_name 0xfffffc
w $R/$H/rport-3:0-2/fc_remote_ports/rport-3:0-2/port_state Online
w $R/$H/rport-3:0-2/fc_remote_ports/rport-3:0-2/roles 'Fabric'
w $R/$H/rport-3:0-2/fc_remote_ports/rport-3:0-2/scsi_target_id -1
l $R/sys/class/fc_remote_ports/rport-3:0-2 \
  ../../devices/pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-2/fc_remote_ports/rport-3:0-2
V=sys/devices/virtual/block/dm-0
w $R/$V/dev 253:0
w $R/$V/size 2147483648
w $R/$V/dm/name mpatha
w $R/$V/dm/uuid mpath-3600a098038303053453f463045727a4b
l $R/$V/slaves/sdd ../../../../pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-0/target3:0:0/3:0:0:1/block/sdd
l $R/$V/slaves/sde ../../../../pci0000:00/0000:00:03.0/0000:05:00.0/host3/rport-3:0-1/target3:0:1/3:0:1:1/block/sde
l $R/sys/class/block/dm-0 ../../devices/virtual/block/dm-0
l $R/sys/dev/block/253:0 ../../devices/virtual/block/dm-0
l $R/dev/mapper/mpatha ../dm-0
l $R/dev/disk/by-id/dm-uuid-mpath-3600a098038303053453f463045727a4b ../../dm-0

# ---- SRP (ib_srp over a ConnectX port): host5 logged in to one target ------------------------
R=srp
H=sys/devices/pci0000:00/0000:00:02.0/0000:03:00.0/host5
mkdir -p $R/$H/srp_host/host5
l $R/sys/class/srp_host/host5 ../../devices/pci0000:00/0000:00:02.0/0000:03:00.0/host5/srp_host/host5
w $R/$H/scsi_host/host5/local_ib_device mlx5_0
w $R/$H/scsi_host/host5/local_ib_port 1
l $R/sys/class/scsi_host/host5 ../../devices/pci0000:00/0000:00:02.0/0000:03:00.0/host5/scsi_host/host5
w $R/$H/port-5:1/srp_remote_ports/port-5:1/port_id 0x0002c90300a0b0c0:0x0002c90300a0b0c1
w $R/$H/port-5:1/srp_remote_ports/port-5:1/roles 'SRP Target'
l $R/sys/class/srp_remote_ports/port-5:1 \
  ../../devices/pci0000:00/0000:00:02.0/0000:03:00.0/host5/port-5:1/srp_remote_ports/port-5:1
w $R/sys/devices/virtual/infiniband_srp/srp-mlx5_0-1/ibdev mlx5_0
w $R/sys/devices/virtual/infiniband_srp/srp-mlx5_0-1/port 1
l $R/sys/class/infiniband_srp/srp-mlx5_0-1 ../../devices/virtual/infiniband_srp/srp-mlx5_0-1
D=$H/port-5:1/target5:0:0/5:0:0:0
w $R/$D/vendor 'SCST_BIO'
w $R/$D/model 'vmdisk0         '
w $R/$D/wwid 'eui.3834653634633037'
disk $R $D sdf 8:80 104857600

# ---- GFS2: a lock_dlm file system on dm-3, mounted, without a lock table in its options ----
R=gfs2
mkdir -p $R/sys/fs/gfs2/mycluster:vmstore
w $R/sys/fs/gfs2/mycluster:vmstore/id 253:3
mkdir -p $R/proc/self
printf '%s\n' \
  '22 1 253:0 / / rw,relatime shared:1 - xfs /dev/mapper/rhel-root rw,seclabel,attr2,inode64' \
  '98 22 253:3 / /var/lib/libvirt/images/gfs2 rw,relatime shared:50 - gfs2 /dev/mapper/vg_cluster-lv_gfs2 rw,seclabel' \
  > $R/proc/self/mountinfo
V=sys/devices/virtual/block/dm-3
w $R/$V/dev 253:3
w $R/$V/size 1073741824
w $R/$V/dm/name vg_cluster-lv_gfs2
w $R/$V/dm/uuid LVM-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV
mkdir -p $R/$V/slaves
l $R/sys/class/block/dm-3 ../../devices/virtual/block/dm-3
l $R/sys/dev/block/253:3 ../../devices/virtual/block/dm-3
l $R/dev/mapper/vg_cluster-lv_gfs2 ../dm-3
l $R/dev/vg_cluster/lv_gfs2 ../dm-3

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# (Re)creates the rpm-based host fixtures rhel9/, centos-stream9/ and fedora40/ (see README.md):
# hand-recorded from the distributions' packages and documentation, not captured from live
# hosts. Run from anywhere; it rewrites only those three directories.
#
# ROMs are zero-filled placeholders of the stated sizes (truncate: sparse here, and a few
# hundred bytes each in git). centos-stream9 and fedora40 link their firmware directories to
# rhel9's to keep the tree small; their qemu data directories have their own links.
set -euo pipefail
cd "$(dirname "$0")"

# file PATH CONTENT...: write a file, creating its directory
file() {
	local p=$1
	shift
	mkdir -p "$(dirname "$p")"
	printf '%s\n' "$@" >"$p"
}

# empty PATH: an empty file
empty() {
	mkdir -p "$(dirname "$1")"
	: >"$1"
}

# rom PATH SIZE: a zero-filled placeholder ROM
rom() {
	mkdir -p "$(dirname "$1")"
	rm -f "$1"
	truncate -s "$2" "$1"
}

# link PATH TARGET
link() {
	mkdir -p "$(dirname "$1")"
	ln -sfn "$2" "$1"
}

passwd_rh() {
	file "$1/etc/passwd" \
		'root:x:0:0:root:/root:/bin/bash' \
		'bin:x:1:1:bin:/bin:/sbin/nologin' \
		'daemon:x:2:2:daemon:/sbin:/sbin/nologin' \
		'adm:x:3:4:adm:/var/adm:/sbin/nologin' \
		'lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin' \
		'sync:x:5:0:sync:/sbin:/bin/sync' \
		'shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown' \
		'halt:x:7:0:halt:/sbin:/sbin/halt' \
		'mail:x:8:12:mail:/var/spool/mail:/sbin/nologin' \
		'operator:x:11:0:operator:/root:/sbin/nologin' \
		'games:x:12:100:games:/usr/games:/sbin/nologin' \
		'ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin' \
		'nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin' \
		'systemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin' \
		'dbus:x:81:81:System message bus:/:/sbin/nologin' \
		'polkitd:x:998:996:User for polkitd:/:/sbin/nologin' \
		'tss:x:59:59:Account used for TPM access:/dev/null:/sbin/nologin' \
		'sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin' \
		'chrony:x:997:995:chrony system user:/var/lib/chrony:/sbin/nologin' \
		'qemu:x:107:107:qemu user:/:/sbin/nologin' \
		'dnsmasq:x:991:991:Dnsmasq DHCP and DNS server:/var/lib/dnsmasq:/sbin/nologin' \
		'admin:x:1000:1000:admin:/home/admin:/bin/bash'
	file "$1/etc/group" \
		'root:x:0:' 'bin:x:1:' 'daemon:x:2:' 'sys:x:3:' 'adm:x:4:' 'tty:x:5:' 'disk:x:6:' \
		'lp:x:7:' 'mem:x:8:' 'kmem:x:9:' 'wheel:x:10:admin' 'cdrom:x:11:' 'mail:x:12:' \
		'man:x:15:' 'dialout:x:18:' 'floppy:x:19:' 'games:x:20:' 'tape:x:33:' 'video:x:39:' \
		'ftp:x:50:' 'lock:x:54:' 'audio:x:63:' 'users:x:100:' 'nobody:x:65534:' \
		'kvm:x:36:qemu' 'input:x:999:' 'render:x:998:' 'systemd-journal:x:190:' \
		'systemd-coredump:x:997:' 'dbus:x:81:' 'polkitd:x:996:' 'tss:x:59:' 'sshd:x:74:' \
		'chrony:x:995:' 'qemu:x:107:' 'libvirt:x:992:' 'dnsmasq:x:991:' 'admin:x:1000:'
}

selinux_enforcing() {
	file "$1/sys/fs/selinux/enforce" 1
	file "$1/etc/selinux/config" \
		'# This file controls the state of SELinux on the system.' \
		'# SELINUX= can take one of these three values:' \
		'#     enforcing - SELinux security policy is enforced.' \
		'#     permissive - SELinux prints warnings instead of enforcing.' \
		'#     disabled - No SELinux policy is loaded.' \
		'SELINUX=enforcing' \
		'# SELINUXTYPE= can take one of these three values:' \
		'#     targeted - Targeted processes are protected,' \
		'#     minimum - Modification of targeted policy.' \
		'#     mls - Multi Level Security protection.' \
		'SELINUXTYPE=targeted'
}

# QEMU's data directory as qemu-kvm.spec lays it out (pxe_link / rom_link): the NIC ROMs link
# into ipxe-roms-qemu's EFI directory, the VGA BIOSes into seavgabios-bin, the BIOS into
# seabios-bin; the rest are QEMU's own files.
qemu_datadir() {
	local d=$1
	local nic
	for nic in e1000:8086100e ne2k_pci:10ec8029 pcnet:10222000 rtl8139:10ec8139 \
		virtio:1af41000 e1000e:808610d3; do
		link "$d/efi-${nic%%:*}.rom" "../ipxe.efi/${nic#*:}.rom"
	done
	link "$d/vgabios.bin" ../seavgabios/vgabios-isavga.bin
	local v
	for v in cirrus qxl stdvga vmware virtio ramfb bochs-display ati; do
		link "$d/vgabios-$v.bin" "../seavgabios/vgabios-$v.bin"
	done
	link "$d/bios.bin" ../seabios/bios.bin
	link "$d/bios-256k.bin" ../seabios/bios-256k.bin
	rom "$d/kvmvapic.bin" 9216
	rom "$d/linuxboot.bin" 1024
	rom "$d/linuxboot_dma.bin" 1536
	rom "$d/multiboot_dma.bin" 1024
	rom "$d/pvh.bin" 1536
}

# The firmware packages' directories: ipxe-roms-qemu (EFI iPXE ROMs named by PCI id),
# seavgabios-bin, seabios-bin.
firmware_dirs() {
	local r=$1 id v
	for id in 8086100e 10ec8029 10222000 10ec8139 1af41000 808610d3; do
		rom "$r/usr/share/ipxe.efi/$id.rom" 262144
	done
	for v in isavga cirrus qxl stdvga vmware virtio ati; do
		rom "$r/usr/share/seavgabios/vgabios-$v.bin" 38912
	done
	rom "$r/usr/share/seavgabios/vgabios-ramfb.bin" 28672
	rom "$r/usr/share/seavgabios/vgabios-bochs-display.bin" 27648
	rom "$r/usr/share/seabios/bios.bin" 131072
	rom "$r/usr/share/seabios/bios-256k.bin" 262144
}

common() {
	local r=$1 host=$2 fqdn=$3 release=$4 version=$5 machine_id=$6
	file "$r/etc/machine-id" "$machine_id"
	file "$r/proc/sys/kernel/osrelease" "$release"
	file "$r/proc/sys/kernel/version" "$version"
	file "$r/proc/sys/kernel/hostname" "$host"
	file "$r/.commands/hostname-f" "$fqdn"
	file "$r/.commands/uname-m" x86_64
	passwd_rh "$r"
	selinux_enforcing "$r"
}

# ---- RHEL 9.4 ----
r=rhel9
rm -rf "$r"
file "$r/usr/lib/os-release" \
	'NAME="Red Hat Enterprise Linux"' \
	'VERSION="9.4 (Plow)"' \
	'ID="rhel"' \
	'ID_LIKE="fedora"' \
	'VERSION_ID="9.4"' \
	'PLATFORM_ID="platform:el9"' \
	'PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"' \
	'ANSI_COLOR="0;31"' \
	'LOGO="fedora-logo-icon"' \
	'CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"' \
	'HOME_URL="https://www.redhat.com/"' \
	'DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"' \
	'BUG_REPORT_URL="https://issues.redhat.com/"' \
	'' \
	'REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"' \
	'REDHAT_BUGZILLA_PRODUCT_VERSION=9.4' \
	'REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"' \
	'REDHAT_SUPPORT_PRODUCT_VERSION="9.4"'
link "$r/etc/os-release" ../usr/lib/os-release
common "$r" kvm1 kvm1.example.com 5.14.0-427.13.1.el9_4.x86_64 \
	'#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024' 4f2b9c1e8a7d4c3b9e6f0a1d2c3b4e5f
empty "$r/var/lib/rpm/rpmdb.sqlite"
qemu_datadir "$r/usr/share/qemu-kvm"
firmware_dirs "$r"
# rpm -q --qf '%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{ARCH}\n' <mc_os_rpm_packages>: one line
# per installed instance (two kernels: the running one and the previous), "is not installed"
# lines on stdout, exit status = the number of names not installed.
file "$r/.commands/rpm" \
	$'edk2-ovmf\t(none):20231122-6.el9_4\tnoarch' \
	$'ipxe-roms-qemu\t(none):20200823-9.git4bd064de.el9\tnoarch' \
	$'kernel\t(none):5.14.0-362.24.1.el9_3\tx86_64' \
	$'kernel\t(none):5.14.0-427.13.1.el9_4\tx86_64' \
	$'kernel-core\t(none):5.14.0-362.24.1.el9_3\tx86_64' \
	$'kernel-core\t(none):5.14.0-427.13.1.el9_4\tx86_64' \
	$'libvirt-daemon\t(none):10.0.0-6.el9_4\tx86_64' \
	$'libvirt-daemon-driver-qemu\t(none):10.0.0-6.el9_4\tx86_64' \
	$'libvirt-daemon-kvm\t(none):10.0.0-6.el9_4\tx86_64' \
	$'libvirt-libs\t(none):10.0.0-6.el9_4\tx86_64' \
	'package qemu-common is not installed' \
	$'qemu-img\t17:8.2.0-11.el9_4\tx86_64' \
	$'qemu-kvm\t17:8.2.0-11.el9_4\tx86_64' \
	$'qemu-kvm-common\t17:8.2.0-11.el9_4\tx86_64' \
	$'qemu-kvm-core\t17:8.2.0-11.el9_4\tx86_64' \
	'package qemu-system-x86 is not installed' \
	'package qemu-system-x86-core is not installed' \
	$'seabios\t(none):1.16.3-2.el9\tx86_64' \
	$'seabios-bin\t(none):1.16.3-2.el9\tnoarch' \
	$'seavgabios-bin\t(none):1.16.3-2.el9\tnoarch' \
	$'swtpm\t(none):0.8.0-1.el9\tx86_64'
file "$r/.commands/rpm.exit" 3

# ---- CentOS Stream 9 ----
r=centos-stream9
rm -rf "$r"
file "$r/usr/lib/os-release" \
	'NAME="CentOS Stream"' \
	'VERSION="9"' \
	'ID="centos"' \
	'ID_LIKE="rhel fedora"' \
	'VERSION_ID="9"' \
	'PLATFORM_ID="platform:el9"' \
	'PRETTY_NAME="CentOS Stream 9"' \
	'ANSI_COLOR="0;31"' \
	'LOGO="fedora-logo-icon"' \
	'CPE_NAME="cpe:/o:centos:centos:9"' \
	'HOME_URL="https://centos.org/"' \
	'BUG_REPORT_URL="https://issues.redhat.com/"' \
	'REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux 9"' \
	'REDHAT_SUPPORT_PRODUCT_VERSION="CentOS Stream"'
link "$r/etc/os-release" ../usr/lib/os-release
common "$r" kvm2 kvm2.example.com 5.14.0-503.el9.x86_64 \
	'#1 SMP PREEMPT_DYNAMIC Thu Aug 22 17:03:18 UTC 2024' 0c5d8e2f7b1a4d6e9f3c2b1a0e9d8c7b
empty "$r/var/lib/rpm/rpmdb.sqlite"
qemu_datadir "$r/usr/share/qemu-kvm"
link "$r/usr/share/ipxe.efi" ../../../rhel9/usr/share/ipxe.efi
link "$r/usr/share/seavgabios" ../../../rhel9/usr/share/seavgabios
link "$r/usr/share/seabios" ../../../rhel9/usr/share/seabios
file "$r/.commands/rpm" \
	$'edk2-ovmf\t(none):20240524-6.el9\tnoarch' \
	$'ipxe-roms-qemu\t(none):20200823-9.git4bd064de.el9\tnoarch' \
	$'kernel\t(none):5.14.0-503.el9\tx86_64' \
	$'kernel-core\t(none):5.14.0-503.el9\tx86_64' \
	$'libvirt-daemon\t(none):10.5.0-7.el9\tx86_64' \
	$'libvirt-daemon-driver-qemu\t(none):10.5.0-7.el9\tx86_64' \
	$'libvirt-daemon-kvm\t(none):10.5.0-7.el9\tx86_64' \
	$'libvirt-libs\t(none):10.5.0-7.el9\tx86_64' \
	'package qemu-common is not installed' \
	$'qemu-img\t17:9.0.0-10.el9\tx86_64' \
	$'qemu-kvm\t17:9.0.0-10.el9\tx86_64' \
	$'qemu-kvm-common\t17:9.0.0-10.el9\tx86_64' \
	$'qemu-kvm-core\t17:9.0.0-10.el9\tx86_64' \
	'package qemu-system-x86 is not installed' \
	'package qemu-system-x86-core is not installed' \
	$'seabios\t(none):1.16.3-2.el9\tx86_64' \
	$'seabios-bin\t(none):1.16.3-2.el9\tnoarch' \
	$'seavgabios-bin\t(none):1.16.3-2.el9\tnoarch' \
	'package swtpm is not installed'
file "$r/.commands/rpm.exit" 4

# ---- Fedora 40 (Server) ----
r=fedora40
rm -rf "$r"
file "$r/usr/lib/os-release" \
	'NAME="Fedora Linux"' \
	'VERSION="40 (Server Edition)"' \
	'ID=fedora' \
	'VERSION_ID=40' \
	'VERSION_CODENAME=""' \
	'PLATFORM_ID="platform:f40"' \
	'PRETTY_NAME="Fedora Linux 40 (Server Edition)"' \
	'ANSI_COLOR="0;38;2;60;110;180"' \
	'LOGO=fedora-logo-icon' \
	'CPE_NAME="cpe:/o:fedoraproject:fedora:40"' \
	'HOME_URL="https://fedoraproject.org/"' \
	'DOCUMENTATION_URL="https://docs.fedoraproject.org/en-US/fedora/f40/system-administrators-guide/"' \
	'SUPPORT_URL="https://ask.fedoraproject.org/"' \
	'BUG_REPORT_URL="https://bugzilla.redhat.com/"' \
	'REDHAT_BUGZILLA_PRODUCT="Fedora"' \
	'REDHAT_BUGZILLA_PRODUCT_VERSION=40' \
	'REDHAT_SUPPORT_PRODUCT="Fedora"' \
	'REDHAT_SUPPORT_PRODUCT_VERSION=40' \
	'SUPPORT_END=2025-05-13' \
	'VARIANT="Server Edition"' \
	'VARIANT_ID=server'
link "$r/etc/os-release" ../usr/lib/os-release
common "$r" kvm3 kvm3.example.com 6.11.5-200.fc40.x86_64 \
	'#1 SMP PREEMPT_DYNAMIC Tue Oct 22 20:43:51 UTC 2024' 7e6d5c4b3a2f4e1d8c9b0a7f6e5d4c3b
# Fedora keeps the rpm database in /usr/lib/sysimage/rpm; /var/lib/rpm links there.
empty "$r/usr/lib/sysimage/rpm/rpmdb.sqlite"
link "$r/var/lib/rpm" ../../usr/lib/sysimage/rpm
qemu_datadir "$r/usr/share/qemu"
link "$r/usr/share/ipxe.efi" ../../../rhel9/usr/share/ipxe.efi
link "$r/usr/share/seavgabios" ../../../rhel9/usr/share/seavgabios
link "$r/usr/share/seabios" ../../../rhel9/usr/share/seabios
file "$r/.commands/rpm" \
	$'edk2-ovmf\t(none):20240524-4.fc40\tnoarch' \
	$'ipxe-roms-qemu\t(none):20240119-1.gitde8a0821.fc40\tnoarch' \
	$'kernel\t(none):6.11.4-201.fc40\tx86_64' \
	$'kernel\t(none):6.11.5-200.fc40\tx86_64' \
	$'kernel-core\t(none):6.11.4-201.fc40\tx86_64' \
	$'kernel-core\t(none):6.11.5-200.fc40\tx86_64' \
	$'libvirt-daemon\t(none):10.1.0-4.fc40\tx86_64' \
	$'libvirt-daemon-driver-qemu\t(none):10.1.0-4.fc40\tx86_64' \
	$'libvirt-daemon-kvm\t(none):10.1.0-4.fc40\tx86_64' \
	$'libvirt-libs\t(none):10.1.0-4.fc40\tx86_64' \
	$'qemu-common\t2:8.2.7-1.fc40\tx86_64' \
	$'qemu-img\t2:8.2.7-1.fc40\tx86_64' \
	$'qemu-kvm\t2:8.2.7-1.fc40\tx86_64' \
	'package qemu-kvm-common is not installed' \
	'package qemu-kvm-core is not installed' \
	$'qemu-system-x86\t2:8.2.7-1.fc40\tx86_64' \
	$'qemu-system-x86-core\t2:8.2.7-1.fc40\tx86_64' \
	'package seabios is not installed' \
	$'seabios-bin\t(none):1.16.3-2.fc40\tnoarch' \
	$'seavgabios-bin\t(none):1.16.3-2.fc40\tnoarch' \
	$'swtpm\t(none):0.9.0-1.fc40\tx86_64'
file "$r/.commands/rpm.exit" 3

#!/bin/bash
# Build the migcheck lab's Linux guest: Debian's cloud kernel (fetched with
# apt-get download + dpkg-deb -x, cached) and an initramfs made of
# busybox-static, init and the static dirty load (dirty.c).
#
# Output (default cache dir /var/cache/migcheck-lab, MIGCHECK_LAB_CACHE to
# override; `labctl down` leaves it in place):
#   $CACHE/guest/vmlinuz      the kernel
#   $CACHE/guest/initrd.img   the initramfs (gzip'd newc cpio)
#   $CACHE/guest/kernel-version
# Quick when both exist and are newer than their sources.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${MIGCHECK_LAB_CACHE:-/var/cache/migcheck-lab}
out=$cache/guest
mkdir -p "$out"

die() { echo "guest/build.sh: $*" >&2; exit 1; }

fetch_kernel() {
	local tmp pkg deb
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [[ -z $pkg ]]; then
		apt-get update -qq || true
		pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	fi
	[[ -n $pkg ]] || die "cannot find the package behind linux-image-cloud-amd64 (apt-get update?)"
	echo "guest: downloading $pkg" >&2
	if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2); then
		apt-get update -qq || true
		(cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			die "apt-get download $pkg failed"
	fi
	deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n1)
	[[ -n $deb ]] || die "apt-get download $pkg produced no .deb"
	dpkg-deb -x "$deb" "$tmp/x"
	local k
	k=$(find "$tmp/x/boot" -maxdepth 1 -name 'vmlinuz-*' | head -n1)
	[[ -n $k ]] || die "no /boot/vmlinuz-* in $deb"
	cp "$k" "$out/vmlinuz.tmp.$$"
	basename "$k" | sed 's/^vmlinuz-//' > "$out/kernel-version"
	mv "$out/vmlinuz.tmp.$$" "$out/vmlinuz"
}

build_initrd() {
	local tmp busybox
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	busybox=/bin/busybox
	[[ -x $busybox ]] || die "$busybox missing (install busybox-static)"
	if command -v file >/dev/null && file -L "$busybox" | grep "dynamically linked" >/dev/null; then
		die "$busybox is dynamically linked (install busybox-static)"
	fi
	mkdir -p "$tmp/root/bin" "$tmp/root/proc" "$tmp/root/sys" "$tmp/root/dev" "$tmp/root/tmp"
	cp "$busybox" "$tmp/root/bin/busybox"
	ln -s busybox "$tmp/root/bin/sh"
	gcc -static -O2 -Wall -Wextra -o "$tmp/root/bin/dirty" "$here/dirty.c" ||
		die "gcc -static failed (install gcc and libc6-dev)"
	install -m 0755 "$here/init" "$tmp/root/init"
	# A name of its own: two labs starting from fresh checkouts at once build this together,
	# and one shared temporary file gave both a corrupt initramfs (a guest that cannot boot).
	(cd "$tmp/root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --quiet --owner=0:0) | gzip -9 > "$out/initrd.img.tmp.$$"
	mv "$out/initrd.img.tmp.$$" "$out/initrd.img"
}

if [[ ! -s $out/vmlinuz ]]; then
	fetch_kernel
fi
if [[ ! -s $out/initrd.img || $here/dirty.c -nt $out/initrd.img || $here/init -nt $out/initrd.img ||
	$here/build.sh -nt $out/initrd.img ]]; then
	build_initrd
fi
echo "guest: kernel $(cat "$out/kernel-version" 2>/dev/null) at $out/vmlinuz, initrd at $out/initrd.img" >&2

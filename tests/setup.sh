#!/bin/bash
# Install everything migcheck needs to build, test and run its lab on Debian 12, with apt,
# without letting package scripts start daemons. Idempotent and quick when all is installed.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")

BUILD_DEPS=(build-essential cmake pkg-config clang clang-format libclang-rt-14-dev chromium
	libvirt-dev libmount-dev libnl-3-dev libnl-route-3-dev libiscsi-dev libnfs-dev
	libxml2-dev libxml2-utils libjson-c-dev libyaml-dev libcmocka-dev nettle-dev mandoc
	dash busybox-static bash util-linux iproute2 openssh-client jq
	zsh fish rpm man-db bsdextrautils file dpkg-dev)

if [[ $(id -u) -ne 0 ]]; then
	echo "setup: run as root (it installs packages): sudo $0" >&2
	exit 1
fi
missing=()
for p in "${BUILD_DEPS[@]}"; do
	dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup: installing ${missing[*]}" >&2
	created_policy=0
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		created_policy=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null || apt-get update
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
	((created_policy)) && rm -f /usr/sbin/policy-rc.d
fi
# The lab's own packages (libvirtd, QEMU, nfs-ganesha, tgt, sshd, ...).
"$here/lab/labctl" deps

#!/bin/bash
# `migcheck facts --vm VM` inside a lab hypervisor (real libvirtd + QEMU),
# compared with what virsh says in the same host: versions, capabilities,
# node info, pools, networks, defined domains, the VM, and qemu.conf.
#
# usage: lab-facts-vs-virsh.sh LABCTL MIGCHECK [HOST]
# Needs the lab (ctest fixture "lab"). Creates a VM, a dir pool and an
# isolated network with names of its own and removes them on exit.
set -euo pipefail

labctl=$1
migcheck=$2
host=${3:-lab-a}
vm=mcvirt-vm-$$
pool=mcvirt-pool-$$
net=mcvirt-net-$$
tmp=$(mktemp -d)
fails=0

v() { "$labctl" exec "$host" virsh -q -c qemu:///system "$@"; }
cleanup() {
	"$labctl" undefine-vm "$host" "$vm" >/dev/null 2>&1 || true
	v pool-destroy "$pool" >/dev/null 2>&1 || true
	v pool-delete "$pool" >/dev/null 2>&1 || true
	v pool-undefine "$pool" >/dev/null 2>&1 || true
	"$labctl" del-network "$host" "$net" >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# x FILE XPATH: the string value, empty when absent
x() { xmllint --xpath "string($2)" "$1" 2>/dev/null || true; }
check() { # what migcheck virsh
	if [[ $2 == "$3" ]]; then
		printf 'ok   %-28s %s\n' "$1" "$2"
	else
		printf 'FAIL %-28s migcheck=%q virsh=%q\n' "$1" "$2" "$3"
		fails=$((fails + 1))
	fi
}
sorted() { tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' '; }
# names XPATH-TO-@name: the attribute values in the facts, sorted
names() { xmllint --xpath "$1" "$F" 2>/dev/null | sed 's/ name="\([^"]*\)"/\1 /g' | sorted; }
version() { awk -F. '{ printf "%d", $1 * 1000000 + $2 * 1000 + $3 }'; }

# ---- set up: something of every kind to gather
"$labctl" define-vm "$host" "$vm" --disk nfs --start --tcg >/dev/null
v pool-define-as "$pool" dir --target "/var/lib/libvirt/images/$pool" >/dev/null
v pool-build "$pool" >/dev/null
v pool-start "$pool" >/dev/null
v pool-autostart "$pool" >/dev/null
"$labctl" add-network "$host" "$net" >/dev/null

# ---- gather
start=$(date +%s.%N)
"$labctl" exec "$host" "$migcheck" facts --vm "$vm" >"$tmp/facts.xml"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN { printf "migcheck facts --vm took %.3f s (through labctl exec)\n", b - a }'
F=$tmp/facts.xml
v capabilities >"$tmp/caps.xml"

# ---- host
check uri "$(x "$F" /migcheck-facts/virt/@uri)" "$(v uri)"
check hostname "$(x "$F" /migcheck-facts/virt/@hostname)" "$(v hostname)"
check host-uuid "$(x "$F" /migcheck-facts/virt/@host-uuid)" "$(x "$tmp/caps.xml" /capabilities/host/uuid)"
check cpu-model "$(x "$F" /migcheck-facts/virt/@cpu-model)" "$(x "$tmp/caps.xml" /capabilities/host/cpu/model)"
check cpu-features "$(x "$F" 'count(/migcheck-facts/virt/cpu-feature)')" \
	"$(x "$tmp/caps.xml" 'count(/capabilities/host/cpu/feature)')"
check machines "$(x "$F" 'count(/migcheck-facts/virt/machine)')" \
	"$(x "$tmp/caps.xml" 'count(/capabilities/guest/arch/machine)')"
check guests "$(x "$F" 'count(/migcheck-facts/virt/guest)')" "$(x "$tmp/caps.xml" 'count(/capabilities/guest)')"
ver=$(v version --daemon)
check libvirt-version "$(x "$F" /migcheck-facts/virt/@libvirt-version)" \
	"$(sed -n 's/^Running against daemon: *//p' <<<"$ver" | version)"
check hv-version "$(x "$F" /migcheck-facts/virt/@hv-version)" \
	"$(sed -n 's/^Running hypervisor: *[A-Z]* *//p' <<<"$ver" | version)"
ni=$(v nodeinfo)
check memory-kib "$(x "$F" /migcheck-facts/virt/@memory-kib)" "$(sed -n 's/^Memory size: *\([0-9]*\).*/\1/p' <<<"$ni")"
check cpus "$(x "$F" /migcheck-facts/virt/@cpus)" "$(sed -n 's/^CPU(s): *//p' <<<"$ni")"

# ---- pools, networks, domains
check pools "$(names /migcheck-facts/virt/pool/@name)" \
	"$(v pool-list --all --name | sorted)"
check pool-target "$(x "$F" "/migcheck-facts/virt/pool[@name='$pool']/@target-path")" \
	"$(v pool-dumpxml "$pool" | xmllint --xpath 'string(/pool/target/path)' -)"
check pool-active "$(x "$F" "/migcheck-facts/virt/pool[@name='$pool']/@active")" yes
check pool-autostart "$(x "$F" "/migcheck-facts/virt/pool[@name='$pool']/@autostart")" \
	"$(v pool-info "$pool" | sed -n 's/^Autostart: *//p')"
check networks "$(names /migcheck-facts/virt/network/@name)" \
	"$(v net-list --all --name | sorted)"
check net-bridge "$(x "$F" "/migcheck-facts/virt/network[@name='$net']/@bridge")" \
	"$(v net-info "$net" | sed -n 's/^Bridge: *//p')"
check net-forward "$(x "$F" "/migcheck-facts/virt/network[@name='$net']/@forward-mode")" \
	"$(v net-dumpxml "$net" | xmllint --xpath 'string(/network/forward/@mode)' - | sed 's/^$/none/')"
check domains "$(names /migcheck-facts/virt/defined-domain/@name)" \
	"$(v list --all --name | sorted)"

# ---- the VM
v dumpxml "$vm" >"$tmp/dom.xml"
check vm-name "$(x "$F" /migcheck-facts/domain/@name)" "$vm"
check vm-uuid "$(x "$F" /migcheck-facts/domain/@uuid)" "$(v domuuid "$vm")"
check vm-state "$(x "$F" /migcheck-facts/domain/@state)" "$(v domstate "$vm")"
check vm-id "$(x "$F" /migcheck-facts/domain/@id)" "$(v domid "$vm")"
check vm-type "$(x "$F" /migcheck-facts/domain/@domain-type)" "$(x "$tmp/dom.xml" /domain/@type)"
check vm-machine "$(x "$F" /migcheck-facts/domain/@machine)" "$(x "$tmp/dom.xml" /domain/os/type/@machine)"
check vm-cpu-model "$(x "$F" /migcheck-facts/domain/@cpu-model)" "$(x "$tmp/dom.xml" /domain/cpu/model)"
check vm-disks "$(x "$F" 'count(/migcheck-facts/domain/disk)')" "$(x "$tmp/dom.xml" 'count(/domain/devices/disk)')"
check vm-disk-protocol "$(x "$F" '/migcheck-facts/domain/disk[1]/@protocol')" \
	"$(x "$tmp/dom.xml" '/domain/devices/disk[1]/source/@protocol')"
check vm-disk-name "$(x "$F" '/migcheck-facts/domain/disk[1]/@source-name')" \
	"$(x "$tmp/dom.xml" '/domain/devices/disk[1]/source/@name')"
check vm-disk-host "$(x "$F" '/migcheck-facts/domain/disk[1]/host[1]/@name')" \
	"$(x "$tmp/dom.xml" '/domain/devices/disk[1]/source/host[1]/@name')"
check vm-memory-kib "$(x "$F" /migcheck-facts/domain/@memory-kib)" "$(x "$tmp/dom.xml" /domain/memory)"
check vm-xml "$(x "$F" 'count(/migcheck-facts/domain/xml)')" 1

# ---- qemu.conf of this host, read by migcheck through the file system
qc=$("$labctl" exec "$host" cat /etc/libvirt/qemu.conf)
check qemu-conf-readable "$(x "$F" /migcheck-facts/virt/qemu-conf/@readable)" yes
check migration-address "$(x "$F" /migcheck-facts/virt/qemu-conf/@migration-address)" \
	"$(sed -n 's/^migration_address *= *"\(.*\)".*/\1/p' <<<"$qc" | head -1)"
check qemu-user "$(x "$F" /migcheck-facts/virt/qemu-conf/@user)" \
	"$(sed -n 's/^user *= *"\(.*\)".*/\1/p' <<<"$qc" | head -1)"

# ---- no gathering failure in libvirt's areas
errs=$(xmllint --xpath '/migcheck-facts/fact-error[starts-with(@area,"virt") or starts-with(@area,"vm")]/@message' "$F" 2>/dev/null || true)
check virt-errors "$errs" ""

if ((fails)); then
	echo "$fails check(s) failed; facts in $F:" >&2
	cat "$F" >&2
	exit 1
fi
echo "all checks passed"

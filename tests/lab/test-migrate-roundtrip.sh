#!/bin/bash
# lab.migrate-roundtrip: live-migrate an NFS-backed and an iSCSI-backed guest
# from lab-a to lab-b and back, through qemu+ssh from the root namespace, and
# check after every step that each guest runs on exactly one host.
# Needs a lab that is up (labctl up; ctest's "lab" fixture does that).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=${LABCTL:-$here/labctl}
A=qemu+ssh://root@lab-a/system
B=qemu+ssh://root@lab-b/system
VMS=(rt-nfs rt-iscsi)
declare -A DISK=([rt-nfs]=nfs [rt-iscsi]=iscsi)

t_start=$SECONDS
step() { printf '[%4ds] %s\n' $((SECONDS - t_start)) "$*"; }
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

uri_of() { if [[ $1 == lab-a ]]; then echo "$A"; else echo "$B"; fi; }

# state VM HOST: running, shut off, ... or "absent"
state() {
	local out
	if out=$(timeout 60 virsh -c "$(uri_of "$2")" domstate "$1" 2>&1); then
		printf '%s' "$(printf '%s' "$out" | head -n1)"
	elif [[ $out == *"ailed to get domain"* || $out == *"omain not found"* ]]; then
		printf 'absent'
	else
		fail "cannot ask $2 about $1: $out"
	fi
}

# assert_runs_on VM HOST: running on HOST, not running on the other one
assert_runs_on() {
	local vm=$1 want=$2 other s_want s_other
	if [[ $want == lab-a ]]; then other=lab-b; else other=lab-a; fi
	s_want=$(state "$vm" "$want")
	s_other=$(state "$vm" "$other")
	[[ $s_want == running ]] || fail "$vm should run on $want but is '$s_want' there ('$s_other' on $other)"
	[[ $s_other != running && $s_other != paused ]] ||
		fail "$vm runs on both hosts: '$s_want' on $want and '$s_other' on $other"
	step "ok: $vm running on $want only ($other: $s_other)"
}

assert_gone() {
	local vm=$1 h s
	for h in lab-a lab-b; do
		s=$(state "$vm" "$h")
		[[ $s == absent ]] || fail "$vm still present on $h after undefine-vm ('$s')"
	done
}

# the source QEMU must have ended because of the migration (not a crash or a
# restart): libvirt writes "shutting down, reason=migrated" to its log
assert_migrated_from() {
	local vm=$1 src=$2 line
	line=$("$LABCTL" exec "$src" tail -n 3 "/var/log/libvirt/qemu/$vm.log" | grep 'shutting down' | tail -n1 || true)
	[[ $line == *reason=migrated* ]] ||
		fail "$vm on $src: QEMU log does not end with 'reason=migrated' (last: '${line:-none}')"
}

migrate() {
	local vm=$1 src=$2 dst=$3 t0 out
	t0=$SECONDS
	if ! out=$(timeout 180 virsh -c "$(uri_of "$src")" migrate --live "$vm" "$(uri_of "$dst")" 2>&1); then
		fail "virsh migrate --live $vm $src -> $dst failed: $out"
	fi
	step "migrated $vm $src -> $dst in $((SECONDS - t0)) s"
	assert_migrated_from "$vm" "$src"
	assert_runs_on "$vm" "$dst"
}

cleanup() {
	local vm
	for vm in "${VMS[@]}"; do "$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true; done
}

"$LABCTL" status >/dev/null || fail "the lab is not up ($LABCTL status):
$("$LABCTL" status 2>&1)"

# leftovers of an earlier, aborted run
cleanup
trap cleanup EXIT

for vm in "${VMS[@]}"; do
	"$LABCTL" define-vm lab-a "$vm" --disk "${DISK[$vm]}" --start ||
		fail "cannot define and start $vm (--disk ${DISK[$vm]}) on lab-a"
	step "defined and started $vm (${DISK[$vm]} disk) on lab-a"
	assert_runs_on "$vm" lab-a
done

for vm in "${VMS[@]}"; do
	migrate "$vm" lab-a lab-b
	migrate "$vm" lab-b lab-a
done

trap - EXIT
for vm in "${VMS[@]}"; do
	"$LABCTL" undefine-vm lab-a "$vm" || fail "undefine-vm $vm failed"
	assert_gone "$vm"
done
step "roundtrip passed in $((SECONDS - t_start)) s"

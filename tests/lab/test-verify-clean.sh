#!/bin/bash
# lab.verify-clean-sees-lab: with the lab up, labctl verify-clean must fail
# and name every kind of trace it is meant to find (namespaces, bridge,
# veths, daemons, tgt target, /etc/hosts block, ssh snippet, state dir).
# This is what makes lab.down (down + verify-clean) able to fail at all.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=${LABCTL:-$here/labctl}
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

"$LABCTL" status >/dev/null || fail "the lab is not up ($LABCTL status)"
vm=vc-probe
"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true
trap '"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true' EXIT
# an iSCSI VM gives tgtd a target, and a QEMU process in lab-a
"$LABCTL" define-vm lab-a "$vm" --disk iscsi --start >/dev/null || fail "cannot start $vm on lab-a"

rc=0
out=$("$LABCTL" verify-clean 2>&1) || rc=$?
[[ $rc != 0 ]] || fail "verify-clean passed while the lab is up:
$out"
for want in "network namespace mclab-a" "network namespace mclab-b" "network namespace mclab-storage" \
	"link mclab0" "link mclab-a" "link mclab-st" "in lab host lab-a" "in lab host lab-storage" \
	"libvirtd" "sshd" "ganesha.nfsd" "tgtd" "tgt target" "qemu-system" "/etc/hosts block" \
	"ssh config snippet" "state dir"; do
	[[ $out == *"$want"* ]] || fail "verify-clean did not report '$want'; it said:
$out"
done
echo "ok: verify-clean fails on a live lab and names all its traces"

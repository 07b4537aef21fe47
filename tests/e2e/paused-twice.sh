#!/bin/bash
# e2e.paused-twice: the claim behind vm.state's WARN for a paused domain, against the real
# QEMU and libvirt of the lab.
#   1. A guest paused on lab-a (virsh suspend) migrates live to lab-b and arrives paused.
#   2. migcheck lab-b -> lab-a, native and sh agent: exit 0, vm.state WARN, the same causes.
#   3. The real migration back, before the guest ran on lab-b: QEMU on lab-b fails the assertion
#      in bdrv_inactivate_recurse at the end of it, virsh fails and the guest is gone. Should it
#      succeed (a fixed QEMU), this test fails: the WARN can then be limited to older QEMU.
#   4. A second guest, resumed and suspended again on lab-b before it goes back (the WARN's way
#      out): the migration back works and the guest is paused on lab-a.
# Usage: paused-twice.sh MIGCHECK     (tests/e2e/CMakeLists.txt registers it)
set -euo pipefail
MIGCHECK=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
VM=e2e-paused-twice
VM2=e2e-paused-resumed
A=lab-a
B=lab-b
LOG_TAG='e2e[paused-twice]'
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"

state_on() { # HOST VM -> "paused (user)", "shut off (crashed)", ... or "absent"
	local out
	if out=$(vsh "$1" domstate --reason "$2" 2>&1); then
		printf '%s' "${out%%$'\n'*}"
	else
		printf 'absent'
	fi
}
define() { # VM ARGS...: on lab-a, undefined on both hosts whatever happens
	"$LAB" define-vm "$A" "$1" "${@:2}"
	undo+=("'$LAB' undefine-vm $A $1; '$LAB' undefine-vm $B $1")
}
migrate() { # FROM TO VM: the real live migration; MRC its exit status, $TMP/migrate.out
	set +e
	timeout 120 virsh -c "qemu+ssh://root@$1/system" migrate --live "$3" \
		"qemu+ssh://root@$2/system" >"$TMP/migrate.out" 2>&1
	MRC=$?
	set -e
	log "virsh migrate --live $3 $1 -> $2: exit $MRC $(tr '\n' ' ' <"$TMP/migrate.out")"
}
paused_on() { # HOST VM: paused there, and nowhere else
	local other=$A s
	[[ $1 == "$A" ]] && other=$B
	s=$(state_on "$1" "$2")
	[[ $s == paused* ]] || fail "$2 is '$s' on $1, expected paused"
	s=$(state_on "$other" "$2")
	[[ $s != running* && $s != paused* ]] || fail "$2 is also '$s' on $other"
}
suspend_and_move() { # VM: start it on lab-a, pause it, migrate it paused to lab-b
	define "$1" --disk nfs --start
	vsh "$A" suspend "$1" >/dev/null || fail "virsh suspend $1 on $A failed"
	migrate "$A" "$B" "$1"
	((MRC == 0)) || fail "a paused $1 did not migrate $A -> $B: $(cat "$TMP/migrate.out")"
	paused_on "$B" "$1"
	log "$1 arrived on $B: $(state_on "$B" "$1")"
}

# ---- 1. a paused guest, migrated to lab-b ----
suspend_and_move "$VM"

# ---- 2. migcheck lab-b -> lab-a in both modes ----
run_migcheck() { # MODE REMOTE_COMMAND
	local rc=0
	"$MIGCHECK" check --format=json --remote-command="$2" --timeout=120 "$B" "$A" "$VM" \
		>"$TMP/$1.json" 2>"$TMP/$1.stderr" || rc=$?
	log "$1 agent: exit $rc, $(jq -r '"verdict \(.verdict)"' "$TMP/$1.json" 2>/dev/null || echo "no report")"
	jq -r '.findings[] | select(.status != "pass" and .status != "skip") |
		"  \(.status | ascii_upcase) \(.rule) \(.subject): \(.message)"' "$TMP/$1.json" >&2 2>/dev/null || true
	((rc == 0)) || fail "$1 agent: expected exit 0, got $rc: $(cat "$TMP/$1.stderr")"
	jq -e 'any(.findings[]; .rule == "vm.state" and .status == "warn")' "$TMP/$1.json" >/dev/null ||
		fail "$1 agent: vm.state is not a warn: $(jq -c '[.findings[] | select(.rule == "vm.state")]' "$TMP/$1.json" 2>/dev/null)"
}
# The findings that count, one per line: rule status subject (passes and skips left out).
causes() { jq -r '.findings[] | select(.status != "pass" and .status != "skip") |
	"\(.rule) \(.status) \(.subject)"' "$TMP/$1.json" | sort; }
run_migcheck native "$MIGCHECK"
run_migcheck sh ""
if ! diff <(causes native) <(causes sh) >"$TMP/causes.diff"; then
	fail "the native and the sh agent disagree on the causes (< native, > sh):
$(cat "$TMP/causes.diff")"
fi

# ---- 3. the real migration back, before the guest ran on lab-b ----
migrate "$B" "$A" "$VM"
if ((MRC == 0)); then
	fail "$VM, paused on $A, migrated to $B and migrated back before it ran there, migrated fine:
this QEMU ($("$LAB" exec $B qemu-system-x86_64 --version | head -n1)) no longer crashes: the WARN of vm.state for a paused domain can now be limited to older QEMU versions"
fi
qlog=$("$LAB" exec $B cat "/var/log/libvirt/qemu/$VM.log" 2>/dev/null || true)
if grep -q "bdrv_inactivate_recurse: Assertion" <<<"$qlog"; then
	log "QEMU on $B: $(grep -m1 "bdrv_inactivate_recurse: Assertion" <<<"$qlog")"
else
	# The log could not be read, or QEMU said it otherwise: what virsh and libvirt see must
	# then be the crash the WARN names.
	log "no assertion in $B's QEMU log of $VM; judging by virsh"
	grep -q "domain is not running" "$TMP/migrate.out" ||
		fail "the migration back failed for another reason than QEMU's crash: $(cat "$TMP/migrate.out")"
fi
s=$(state_on "$B" "$VM")
[[ $s != running* && $s != paused* ]] || fail "after the failed migration $VM is still '$s' on $B"
s=$(state_on "$A" "$VM")
[[ $s != running* && $s != paused* ]] || fail "after the failed migration $VM is '$s' on $A"
log "$VM is gone: $B '$(state_on "$B" "$VM")', $A '$s'"

# ---- 4. the way out: resumed and suspended again on lab-b, it migrates back ----
suspend_and_move "$VM2"
vsh "$B" resume "$VM2" >/dev/null || fail "virsh resume $VM2 on $B failed"
vsh "$B" suspend "$VM2" >/dev/null || fail "virsh suspend $VM2 on $B failed"
migrate "$B" "$A" "$VM2"
((MRC == 0)) || fail "$VM2, resumed and suspended again on $B, did not migrate back: $(cat "$TMP/migrate.out")"
paused_on "$A" "$VM2"
log "$VM2 is back on $A: $(state_on "$A" "$VM2")"
log "PASS"

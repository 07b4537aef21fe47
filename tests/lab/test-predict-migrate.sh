#!/bin/bash
# lab.predict-migrate: `migcheck migrate` predicts the convergence before it migrates, with the
# options it migrates with, and acts on it. The lab's Linux guest dirties 32 MiB/s of a 64 MiB
# working set on lab-a:
#
#  1. --bandwidth 16 with QEMU's default downtime limit (300 ms: 4.8 MiB may be left at the
#     switch-over, far less than the working set): the prediction says it does not converge,
#     migrate refuses before any change (exit 1) and prints a command line with an option that
#     would make it converge; the guest still runs on lab-a, nothing of it is on lab-b.
#  2. --bandwidth 16 --downtime-limit 8000 (128 MiB may be left: more than the working set): the
#     prediction says it converges and the migration converges live, with no timeout action
#     (--timeout-abort after 150 s as a bound: were the downtime limit not passed to QEMU, the
#     migration could not converge and would be aborted and rolled back, exit 4). The summary
#     sets the prediction beside libvirt's job statistics.
# Label sweep (one migration of a dirtying guest under TCG); the ASan stage covers check
# --predict with lab.predict-agents and the gate with unit.action.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=${LABCTL:-$here/labctl}
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
VM=pm-dirty
TMP=$(mktemp -d /tmp/migcheck-predict-migrate.XXXXXX)
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
cleanup() {
	"$LABCTL" undefine-vm lab-a $VM >/dev/null 2>&1 || true
	"$LABCTL" undefine-vm lab-b $VM >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT
vsh() { timeout 120 virsh -q -c "qemu+ssh://root@$1/system" "${@:2}"; }
state_on() { vsh "$1" domstate $VM 2>/dev/null | head -1 || echo absent; }
serial_log() {
	eval "$("$LABCTL" paths)"
	printf '%s/hosts/%s/root/var/log/libvirt/qemu/%s-serial.log' "$MIGCHECK_LAB_DIR" "$1" "$VM"
}

"$LABCTL" define-vm lab-a $VM --disk nfs --mem 256 --dirty-rate 32 --dirty-mib 64 --start >/dev/null
# Dirtying, not booting, when the prediction watches it (bounded: a loaded TCG host boots slowly).
deadline=$((SECONDS + 240))
until grep -q MIGCHECK-GUEST-UP "$(serial_log lab-a)" 2>/dev/null; do
	((SECONDS < deadline)) || fail "$VM did not boot within 240 s"
	sleep 1
done
sleep 10

run() { # OUT_PREFIX ARGS...: migcheck migrate, JSON lines; sets rc
	rc=0
	timeout 600 "$M" migrate --remote-command="$M" --host-timeout 120 --journal-dir "$TMP/j" \
		--format=json "${@:2}" lab-a lab-b $VM >"$TMP/$1.json" 2>"$TMP/$1.err" || rc=$?
}
event() { jq -c --arg e "$2" 'select(.event == $e)' "$TMP/$1.json"; }
conv() { event "$1" preflight | jq -r '.report.findings[] | select(.rule == "migration.convergence") | .'"$2"; }

# 1. Refused before any change.
run refused --bandwidth 16
st=$(conv refused status)
[[ $rc == 1 ]] || fail "--bandwidth 16: exit $rc, not 1 (refused): $(head -c 600 "$TMP/refused.err")"
[[ $st == fail ]] || fail "--bandwidth 16: migration.convergence is '$st': $(conv refused message)"
[[ $(event refused preflight | jq -r '.gate.refused[]') == migration.convergence:* ]] ||
	fail "--bandwidth 16: the gate did not refuse on migration.convergence: $(event refused preflight | jq -c .gate)"
cmd=$(event refused refused | jq -r '.command // empty')
[[ $cmd == *" --bandwidth "* || $cmd == *" --auto-converge "* || $cmd == *" --migration-timeout "* ]] ||
	fail "--bandwidth 16: the refusal suggests no option that converges: '$cmd'"
[[ $(state_on lab-a) == running ]] || fail "after the refusal the guest is '$(state_on lab-a)' on lab-a"
[[ $(state_on lab-b) == absent ]] || fail "after the refusal the guest is '$(state_on lab-b)' on lab-b"
echo "ok: refused: $(conv refused message)"
echo "    suggested: $cmd"

# 2. With a downtime limit above the working set: predicted to converge, and it does.
run converges --bandwidth 16 --downtime-limit 8000 --migration-timeout 150 --timeout-abort
st=$(conv converges status)
sum=$(event converges summary)
[[ $st == pass ]] || fail "--downtime-limit 8000: migration.convergence is '$st': $(conv converges message)"
[[ $rc == 0 ]] || fail "--downtime-limit 8000: exit $rc: $(jq -r '.error // empty' <<<"$sum") $(head -c 600 "$TMP/converges.err")"
[[ $(jq -r .convergence <<<"$sum") == none ]] ||
	fail "--downtime-limit 8000: converged by '$(jq -r .convergence <<<"$sum")', not live"
[[ $(jq -r .predicted.outcome <<<"$sum") == converges ]] ||
	fail "--downtime-limit 8000: the summary has no prediction: $sum"
for k in total_seconds measured_total_seconds measured_iterations; do
	v=$(jq -r ".predicted.$k // 0" <<<"$sum")
	awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "summary: predicted.$k is '$v'"
done
[[ $(state_on lab-b) == running ]] || fail "after the migration the guest is '$(state_on lab-b)' on lab-b"
echo "ok: converged: $(conv converges message)"
jq -r 'def r: . * 100 | round / 100; .predicted |
	"    predicted \(.total_seconds | r) s, \(.iterations) iterations, downtime <= \(.downtime_max_seconds | r) s;" +
	" measured \(.measured_total_seconds | r) s, \(.measured_iterations) iterations, downtime \(.measured_downtime_seconds // "?") s"' <<<"$sum"

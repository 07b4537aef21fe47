#!/bin/bash
# SIGINT and SIGTERM during a check, at each phase, in both modes (the migcheck agent on the
# hosts; the sh agent, nothing of migcheck there): afterwards nothing of the check is left.
#   - migcheck ends by the signal (exit status 128 + signal) and says it was interrupted;
#   - no canary file in the source's storage directory;
#   - no private directory (ssh sockets, helper) under the runtime directory it used;
#   - no ssh process of it, no agent on the hosts (migcheck __agent or the sh agent), no
#     listener (the sh agent's QEMU with -incoming) and no qemu-io.
# The phase is seen on standard error (-v: "opening", "agent answered", "canaries written",
# "listener on"); the signal goes at once. Remote processes end when their
# session does, or by their own short deadline (a listener: 6 s): the test waits up to 20 s.
# Usage: test-interrupt.sh MIGCHECK      (needs the lab: tests/lab/labctl up)
set -euo pipefail
M=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
LAB=$here/labctl
VM=intr-$$
TMP=$(mktemp -d /tmp/migcheck-intr.XXXXXX)
export XDG_RUNTIME_DIR=$TMP/rt
mkdir -m 0700 "$XDG_RUNTIME_DIR"
fail() {
	echo "interrupt: FAIL: $*" >&2
	exit 1
}
cleanup() {
	"$LAB" unfirewall lab-b >/dev/null 2>&1 || true
	"$LAB" undefine-vm lab-a "$VM" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT
"$LAB" define-vm lab-a "$VM" --disk local --start >/dev/null
# A firewall that drops the migration ports: the test connection waits for its deadline, so
# every phase lasts long enough to be interrupted in (and the timeout path runs too).
"$LAB" firewall lab-b 49152-49215 drop
images=/var/lib/libvirt/images

leftovers() {
	local out=
	[[ -z $(ls -A "$XDG_RUNTIME_DIR") ]] || out+=" private dir: $(ls -A "$XDG_RUNTIME_DIR");"
	local c
	c=$("$LAB" exec lab-a sh -c "ls -A $images | grep '^\.migcheck-canary-' || true")
	[[ -z $c ]] || out+=" canary on lab-a: $c;"
	# Every process of this sandbox (the lab hosts share its PID namespace).
	local p
	p=$(ps -eo pid=,args= | grep -E "ssh .*-S $XDG_RUNTIME_DIR|migcheck __agent|head -c [0-9]|-incoming tcp:|qemu-io " |
		grep -v -e grep || true)
	[[ -z $p ]] || out+=" processes: $p;"
	printf '%s' "$out"
}

run_phase() { # MODE SIGNAL PATTERN
	local mode=$1 sig=$2 pat=$3 rc_arg=$M
	[[ $mode == sh ]] && rc_arg=
	: >"$TMP/err"
	# --timeout: a loaded machine can take more than the default 30 s to greet (phases, not speed).
	"$M" -v --remote-command="$rc_arg" --timeout=120 -q lab-a lab-b "$VM" >/dev/null 2>"$TMP/err" &
	local pid=$! n=0
	until grep -qE "$pat" "$TMP/err"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid" || true
			fail "$mode: the check ended before '$pat': $(cat "$TMP/err")"
		fi
		n=$((n + 1))
		[[ $n -lt 12000 ]] || fail "$mode: '$pat' not seen in 120 s"
		sleep 0.01
	done
	kill -"$sig" "$pid"
	local rc=0
	wait "$pid" || rc=$?
	local want
	want=$((128 + $(kill -l "$sig")))
	[[ $rc == "$want" ]] || fail "$mode/$sig at '$pat': exit $rc, expected $want: $(tail -3 "$TMP/err")"
	grep -q "interrupted" "$TMP/err" || fail "$mode/$sig at '$pat': no word of the interruption"
	local left i
	for ((i = 0; i < 40; i++)); do
		left=$(leftovers)
		[[ -n $left ]] || break
		sleep 0.5
	done
	[[ -z $left ]] || fail "$mode/$sig at '$pat': left behind:$left"
	echo "interrupt: $mode agent, SIG$sig at '$pat': nothing left" >&2
}

for mode in native sh; do
	run_phase "$mode" INT "opening [0-9]+ hosts"
	run_phase "$mode" TERM "agent answered"
	run_phase "$mode" INT "canaries written"
	run_phase "$mode" TERM "listener on"
done
echo "interrupt: PASS" >&2

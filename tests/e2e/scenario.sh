#!/bin/bash
# One end-to-end scenario on the lab: set it up, run migcheck, then the real live migration
# with virsh, and check both agree:
#   - where the real migration fails, migcheck said "blocked" and named the expected rule;
#   - where it succeeds, migcheck said "migratable" (warnings allowed);
#   - after every step the guest runs on exactly one host.
# Usage: scenario.sh MIGCHECK NAME       (tests/e2e/CMakeLists.txt registers one test per NAME)
set -euo pipefail
MIGCHECK=$(readlink -f "$1")
NAME=$2
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
VM=e2e-$NAME
A=lab-a
B=lab-b
SRC_URI=qemu+ssh://root@$A/system
DST_URI=qemu+ssh://root@$B/system
TMP=$(mktemp -d /tmp/migcheck-e2e.XXXXXX)
undo=()

log() { printf 'e2e[%s]: %s\n' "$NAME" "$*" >&2; }
fail() {
	log "FAIL: $*"
	exit 1
}
cleanup() {
	local i
	for ((i = ${#undo[@]} - 1; i >= 0; i--)); do
		eval "${undo[i]}" >/dev/null 2>&1 || log "cleanup step failed: ${undo[i]}"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

running_on() {
	local st
	st=$(virsh -c "qemu+ssh://root@$1/system" domstate "$2" 2>/dev/null) || return 1
	[[ ${st%%$'\n'*} == running ]]
}
where_running() {
	local n=0 h
	for h in $A $B; do
		if running_on "$h" "$1"; then
			n=$((n + 1))
			echo "$h"
		fi
	done
	[[ $n -le 1 ]] || fail "guest $1 runs on $n hosts"
}

# ---- scenario setup: sets VM, EXPECT (migratable|blocked|unknown), RULE (for blocked),
#      WARN_RULE (a rule that must warn), MIG (yes: run the real migration), ARGS (extra) ----
EXPECT=migratable
RULE=
WARN_RULE=
MIG=yes
ARGS=()
DST=$B
SRC_OP=("$A")  # how migcheck is told the source
UNREACHABLE=() # hosts whose host.reachable must be UNKNOWN with the cause
define() {
	"$LAB" define-vm "$A" "$VM" "$@"
	undo+=("'$LAB' undefine-vm $A $VM; '$LAB' undefine-vm $B $VM")
}
case $NAME in
nfs-shared)
	define --disk nfs --start
	;;
iscsi-shared)
	define --disk iscsi --start
	;;
nfs-writeback)
	define --disk nfs --cache writeback --start
	;;
os-release-differs)
	define --disk nfs --start
	"$LAB" set-os-release $B VERSION_ID=13 'PRETTY_NAME=Debian GNU/Linux 13 (trixie)' VERSION_CODENAME=trixie
	undo+=("'$LAB' reset-os-release $B")
	WARN_RULE=os.release
	;;
local-disk)
	define --disk local --start
	EXPECT=blocked RULE=storage.disk-shared
	;;
local-disk-sh-agent)
	define --disk local --start
	EXPECT=blocked RULE=storage.disk-shared
	ARGS=(--remote-command=)
	;;
missing-bridge)
	"$LAB" add-bridge $A br-e2e
	undo+=("'$LAB' del-bridge $A br-e2e")
	define --disk nfs --bridge br-e2e --start
	EXPECT=blocked RULE=net.bridge
	;;
missing-network)
	"$LAB" add-network $A net-e2e
	undo+=("'$LAB' del-network $A net-e2e")
	define --disk nfs --network net-e2e --start
	EXPECT=blocked RULE=net.network
	;;
firewalled-ports)
	define --disk nfs --start
	"$LAB" firewall $B 49152-49215
	undo+=("'$LAB' unfirewall $B")
	EXPECT=blocked RULE=net.migration-port
	;;
name-collision)
	define --disk nfs --start
	"$LAB" define-vm $B "$VM" --disk nfs2
	undo+=("'$LAB' undefine-vm $B $VM")
	EXPECT=blocked RULE=virt.name-collision
	;;
cdrom-only-on-source)
	define --disk nfs --cdrom local --start
	EXPECT=blocked RULE=storage.disk-shared
	;;
iscsi-acl-source-only)
	define --disk iscsi --start
	"$LAB" iscsi-acl "$VM" $A
	EXPECT=blocked RULE=storage.disk-shared
	;;
different-path)
	define --disk shared-dir --start
	EXPECT=blocked RULE=storage.disk-path
	;;
shut-off)
	define --disk nfs
	EXPECT=blocked RULE=vm.state
	;;
dst-unreachable)
	# An address of the lab's link nobody answers on; the source named as virsh does (-c URI).
	define --disk nfs --start
	DST=169.254.42.99
	SRC_OP=(-c "qemu+ssh://root@$A/system")
	EXPECT=unknown
	UNREACHABLE=("$DST")
	# No route to the address: it fails at once; the source needs its usual time on a loaded
	# machine (a short --timeout would make it look unreachable too).
	ARGS=(--timeout=60)
	;;
both-unreachable)
	# Neither host answers: both causes are in the report, not only the first.
	SRC_OP=(169.254.42.98)
	DST=169.254.42.99
	EXPECT=unknown
	UNREACHABLE=(169.254.42.98 "$DST")
	MIG=no
	ARGS=(--timeout=5)
	;;
*)
	fail "unknown scenario '$NAME'"
	;;
esac

# ---- migcheck ----
set +e
"$MIGCHECK" check --format=json --remote-command="$MIGCHECK" "${ARGS[@]}" "${SRC_OP[@]}" "$DST" "$VM" \
	>"$TMP/report.json" 2>"$TMP/stderr"
rc=$?
set -e
"$MIGCHECK" check --color=never --remote-command="$MIGCHECK" "${ARGS[@]}" "${SRC_OP[@]}" "$DST" "$VM" \
	>"$TMP/report.txt" 2>&1 || true
cat "$TMP/report.txt" >&2
verdict=$(jq -r .verdict "$TMP/report.json" 2>/dev/null || true)
[[ -n $verdict ]] || verdict=none
log "migcheck: verdict $verdict, exit $rc"
case $EXPECT in
migratable) [[ $verdict == migratable && $rc == 0 ]] || fail "expected migratable (exit 0), got $verdict (exit $rc): $(cat "$TMP/stderr")" ;;
blocked) [[ $verdict == blocked && $rc == 1 ]] || fail "expected blocked (exit 1), got $verdict (exit $rc): $(cat "$TMP/stderr")" ;;
unknown) [[ $verdict == unknown && $rc == 3 ]] || fail "expected unknown (exit 3), got $verdict (exit $rc): $(cat "$TMP/stderr")" ;;
esac
has_status() { # rule status
	jq -e --arg r "$1" --arg s "$2" 'any(.findings[]; .rule == $r and .status == $s)' \
		"$TMP/report.json" >/dev/null
}
if [[ -n $RULE ]]; then
	has_status "$RULE" fail || fail "expected rule $RULE to fail"
fi
if [[ -n $WARN_RULE ]]; then
	has_status "$WARN_RULE" warn || fail "expected rule $WARN_RULE to warn"
fi

# A host that does not answer: still a whole report in every format, with the cause of each.
if ((${#UNREACHABLE[@]})); then
	set +e
	"$MIGCHECK" check --format=junit --remote-command="$MIGCHECK" "${ARGS[@]}" "${SRC_OP[@]}" "$DST" "$VM" \
		>"$TMP/report.junit" 2>/dev/null
	jrc=$?
	set -e
	[[ $jrc == "$rc" ]] || fail "JUnit run exited $jrc, JSON run $rc"
	xmllint --noout "$TMP/report.junit" || fail "the JUnit report is not well-formed"
	for h in "${UNREACHABLE[@]}"; do
		jq -e --arg h "$h" 'any(.findings[]; .rule == "host.reachable" and .status == "unknown"
			and .subject == $h and (.message | test("cannot reach")))' "$TMP/report.json" >/dev/null ||
			fail "no host.reachable UNKNOWN with the cause for $h"
		grep -q "cannot reach '$h'" "$TMP/stderr" || fail "stderr does not say why $h was not reached"
		grep -q "host.reachable: $h" "$TMP/report.junit" || fail "no JUnit test case for $h"
	done
	n=$(jq '[.findings[] | select(.rule == "host.reachable" and .status == "unknown")] | length' \
		"$TMP/report.json")
	[[ $n == "${#UNREACHABLE[@]}" ]] || fail "$n hosts reported unreachable, expected ${#UNREACHABLE[@]}"
	# The rules that need only the reachable source still judged the domain.
	if [[ ${#UNREACHABLE[@]} == 1 ]]; then
		has_status vm.state pass || fail "vm.state was not judged on the reachable source"
		[[ $(jq -r .agents.source "$TMP/report.json") != unreachable ]] || fail "the source (-c) was not reached"
	fi
fi
if [[ $MIG != yes ]]; then
	log "PASS"
	exit 0
fi

# ---- the real migration ----
[[ $(where_running "$VM") == "$A" || $EXPECT == blocked ]] || fail "guest not running on $A before the migration"
before=$(where_running "$VM")
set +e
timeout 120 virsh -c "$SRC_URI" migrate --live "$VM" "qemu+ssh://root@$DST/system" >"$TMP/migrate.out" 2>&1
mrc=$?
set -e
log "virsh migrate: exit $mrc: $(tr '\n' ' ' <"$TMP/migrate.out")"
after=$(where_running "$VM")
case $EXPECT in
migratable)
	[[ $mrc == 0 ]] || fail "migcheck said migratable but the migration failed: $(cat "$TMP/migrate.out")"
	[[ $after == "$B" ]] || fail "after the migration the guest runs on '${after:-no host}', not $B"
	# and back, so the next step starts clean and the way back works too
	timeout 120 virsh -c "$DST_URI" migrate --live "$VM" "$SRC_URI" >"$TMP/back.out" 2>&1 ||
		fail "migration back failed: $(cat "$TMP/back.out")"
	[[ $(where_running "$VM") == "$A" ]] || fail "after migrating back the guest is not on $A"
	;;
blocked | unknown)
	[[ $mrc != 0 ]] || fail "migcheck said $verdict but the real migration succeeded"
	[[ $after == "$before" ]] || fail "the failed migration moved the guest from '$before' to '$after'"
	;;
esac
log "PASS"

#!/bin/bash
# `migcheck migrate` on the lab, against the real thing.
#
#   migrate.sh MIGCHECK NAME        (tests/e2e/CMakeLists.txt registers one test per NAME)
#
# Moves (e2e.migrate-*): plain `virsh migrate --live` fails on the setup first; then migcheck
# migrate moves the guest with the fix the scenario needs, and afterwards the guest runs on the
# destination only, is defined there and nowhere else, and the destination XML migcheck sent
# validates against libvirt's own RNG schema.
#
# Faults (e2e.fault-*, label sweep): a migration that cannot finish on its own (a Linux guest
# dirtying memory behind a capped link) is broken mid-way: the destination's libvirtd killed by
# its pid, the link taken down, SIGINT or SIGKILL to migcheck, a disk the destination's QEMU
# cannot open, the timeout. Each must end with the guest running on the source only, nothing of
# it defined or created on the destination, the journal complete (rolled back or undone, with
# `migcheck undo JOURNAL` after a SIGKILL or an unreachable host), and a message that says what
# happened. Under TCG a guest that dirties memory may not survive a migration intact (LAB.md):
# these tests judge where the guest runs and what migcheck did, not the guest's integrity.
set -euo pipefail
MIGCHECK=$(readlink -f "$1")
NAME=$2
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
VM=mg-$NAME
A=lab-a
B=lab-b
A_URI=qemu+ssh://root@$A/system
B_URI=qemu+ssh://root@$B/system
LOG_TAG="migrate[$NAME]" TMP_PREFIX=migcheck-migrate
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"
JDIR=$TMP/journal
cleanup_extra() { [[ -z ${MPID:-} ]] || kill -KILL "$MPID" 2>/dev/null; }
state_on() { # HOST -> running / paused / shut off / absent
	local out
	if out=$(vsh "$1" domstate "$VM" 2>&1); then
		printf '%s' "${out%%$'\n'*}"
	else
		printf 'absent'
	fi
}
defined_on() { vsh "$1" dominfo "$VM" >/dev/null 2>&1; }
# The guest runs on exactly this host and is defined nowhere else.
only_on() { # HOST STATE
	local other=$A
	[[ $1 == "$A" ]] && other=$B
	local s
	s=$(state_on "$1")
	[[ $s == "$2" ]] || fail "the guest is '$s' on $1, expected '$2'"
	s=$(state_on "$other")
	[[ $s == absent ]] || fail "the guest is still '$s' on $other"
}
define() {
	"$LAB" define-vm "$A" "$VM" "$@"
	undo+=("'$LAB' undefine-vm $A $VM; '$LAB' undefine-vm $B $VM")
}
virsh_fails() { # ARGS...: plain virsh migrate --live must fail (or not finish) here
	set +e
	timeout "${VIRSH_TIMEOUT:-120}" virsh -c "$A_URI" migrate --live "$@" "$VM" "$B_URI" \
		>"$TMP/virsh.out" 2>&1
	local rc=$?
	set -e
	if ((rc == 124)); then
		vsh "$A" domjobabort "$VM" >/dev/null 2>&1 || true
		log "virsh migrate --live $*: did not finish within ${VIRSH_TIMEOUT:-120} s (aborted)"
	else
		((rc != 0)) || fail "plain virsh migrate --live succeeded: the scenario shows nothing"
		log "virsh migrate --live $*: fails: $(tr '\n' ' ' <"$TMP/virsh.out")"
	fi
	sleep 2
	only_on "$A" "${BEFORE:-running}"
}
journal() { ls "$JDIR"/migcheck-migrate-*.xml 2>/dev/null | head -n1; }
journal_state() { xmllint --xpath 'string(/migcheck-plan/@state)' "$(journal)" 2>/dev/null; }
step_state() { # KIND
	xmllint --xpath "string(/migcheck-plan/step[@kind='$1']/@state)" "$(journal)" 2>/dev/null
}
# A loaded machine (two cores shared by several labs) can take longer than the default 30 s to
# open a host: the scenarios judge migrate, not how fast ssh starts.
MOPTS=(--remote-command="$MIGCHECK" --journal-dir="$JDIR" --host-timeout=120 --color=never)
run_migcheck() { # ARGS...: runs migcheck migrate in the foreground; MRC its exit status
	set +e
	"$MIGCHECK" migrate "${MOPTS[@]}" "$@" \
		"$A" "$B" "$VM" >"$TMP/out" 2>"$TMP/err"
	MRC=$?
	set -e
	cat "$TMP/out" "$TMP/err" >&2
}
start_migcheck() { # ARGS...: in the background; MPID
	"$MIGCHECK" migrate "${MOPTS[@]}" "$@" \
		"$A" "$B" "$VM" >"$TMP/out" 2>"$TMP/err" &
	MPID=$!
}
wait_migrating() { # the migrate step has started and the job has moved data for a while
	local i
	for ((i = 0; i < 300; i++)); do
		if [[ -n $(journal) && $(step_state migrate) == started ]] &&
			vsh "$A" domjobinfo "$VM" 2>/dev/null | grep -q '^Data processed:.*[1-9]'; then
			sleep "${1:-3}"
			return 0
		fi
		kill -0 "$MPID" 2>/dev/null || fail "migcheck ended before the migration ran: $(cat "$TMP/err")"
		sleep 0.5
	done
	fail "the migration did not start within 150 s"
}
wait_migcheck() { # MRC = exit status, bounded
	local i
	for ((i = 0; i < 600; i++)); do
		if ! kill -0 "$MPID" 2>/dev/null; then
			set +e
			wait "$MPID"
			MRC=$?
			set -e
			MPID=
			cat "$TMP/out" "$TMP/err" >&2
			return 0
		fi
		sleep 0.5
	done
	fail "migcheck did not end within 300 s after the fault"
}
# After a fault: exit 4 (rolled back), or 5 and `migcheck undo` finishes once hosts answer.
settle() {
	log "migcheck exit $MRC, journal $(journal_state)"
	case $MRC in
	4) [[ $(journal_state) == rolled-back ]] || fail "exit 4 but the journal says '$(journal_state)'" ;;
	undone) ;; # migcheck undo already ran (after SIGKILL)
	5)
		grep -q "migcheck undo" "$TMP/out" || fail "exit 5 without naming the undo command"
		set +e
		"$MIGCHECK" undo --remote-command="$MIGCHECK" --timeout=120 "$(journal)" >&2
		local urc=$?
		set -e
		((urc == 0)) || fail "migcheck undo: exit $urc"
		[[ $(journal_state) == undone ]] || fail "after undo the journal says '$(journal_state)'"
		;;
	*) fail "expected exit 4 or 5 after the fault, got $MRC" ;;
	esac
	# libvirt removes an incoming domain whose migration died; give it a moment.
	local i
	for ((i = 0; i < 60; i++)); do
		[[ $(state_on "$B") == absent ]] && break
		sleep 1
	done
	only_on "$A" running
	local left
	left=$("$LAB" exec "$B" sh -c 'ls /var/lib/libvirt/images/ 2>/dev/null' | grep -F "$VM" || true)
	[[ -z $left ]] || fail "left on $B: $left"
}
rng_valid() { # the destination XML migcheck sent, against libvirt's schema
	local x=$TMP/dest.xml
	xmllint --xpath 'string(/migcheck-plan/destination-xml)' "$(journal)" >"$x"
	xmllint --noout --relaxng /usr/share/libvirt/schemas/domain.rng "$x" 2>"$TMP/rng" ||
		fail "the destination XML does not validate: $(cat "$TMP/rng")"
}
moved() { # STATE: the guest moved, the plan is done, the definition lives on B only
	[[ $MRC == 0 ]] || fail "migcheck migrate: exit $MRC"
	[[ $(journal_state) == done ]] || fail "the journal says '$(journal_state)', not done"
	only_on "$B" "$1"
	defined_on "$B" || fail "not defined on $B"
	[[ -n ${NO_RNG:-} ]] || rng_valid
	grep -q '^Done' "$TMP/out" || fail "no summary"
}

SLOW=(--linux --dirty-rate 8 --disk nfs --start)
# A migration of SLOW behind --bandwidth 2 cannot converge, and migrate's prediction says so: the
# gate refuses it unless the operator accepts (the fault scenarios want it to run and break).
GO=(--accept migration.convergence)
case $NAME in
copy-storage)
	define --disk local --start
	virsh_fails
	run_migcheck --copy-storage-all
	moved running
	"$LAB" exec "$B" sh -c 'ls /var/lib/libvirt/images/' | grep -qF "$VM" || fail "no copy on $B"
	;;
other-path)
	define --disk shared-dir --start
	virsh_fails
	run_migcheck
	[[ $MRC == 1 ]] || fail "without --fix: expected exit 1 (refused), got $MRC"
	grep -q -- '--fix' "$TMP/out" || fail "the refusal does not name --fix"
	only_on "$A" running
	[[ -z $(journal) ]] || fail "a refused run wrote a journal"
	run_migcheck --fix
	moved running
	x=$(vsh "$B" dumpxml "$VM")
	grep -q "/srv/shared-b/" <<<"$x" || fail "the disk path was not rewritten: $(grep 'source file' <<<"$x")"
	;;
proven-share)
	define --disk shared-same --start
	virsh_fails
	run_migcheck --fix
	moved running
	grep -q 'unsafe' "$(journal)" || fail "the plan did not migrate with VIR_MIGRATE_UNSAFE"
	;;
offline)
	define --disk nfs
	BEFORE="shut off" virsh_fails
	run_migcheck
	moved "shut off"
	defined_on "$A" && fail "still defined on $A"
	;;
bridge)
	"$LAB" add-bridge "$A" br-mga
	undo+=("'$LAB' del-bridge $A br-mga")
	"$LAB" add-bridge "$B" br-mgb
	undo+=("'$LAB' del-bridge $B br-mgb")
	define --disk nfs --bridge br-mga --start
	virsh_fails
	run_migcheck --map-bridge br-mga=br-mgb
	moved running
	x=$(vsh "$B" dumpxml "$VM")
	grep -q "bridge='br-mgb'" <<<"$x" || fail "the bridge was not rewritten: $(grep -A3 '<interface' <<<"$x")"
	;;
storage)
	# issue 8: a running guest on a host-local disk, its storage provisioned on lab-storage
	# (nfs-ganesha, QEMU's own NFS client), moved there live, then migrated, in one run; `migcheck
	# undo` takes it all back: the guest runs on lab-a from its own disk, nothing left anywhere.
	define --disk local --start
	orig=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	undo+=("j=\$(journal); [[ -z \$j ]] || '$MIGCHECK' undo --remote-command='$MIGCHECK' --timeout=120 \"\$j\"")
	virsh_fails
	run_migcheck --storage root@lab-storage --protocol nfs --attach network
	# libvirt's domain.rng wants an <identity> in an NFS network source, which libvirt's own parser
	# does not (it presents QEMU's user): the XML is judged by libvirt on both hosts instead, which
	# ran the block copy and the migration with it.
	NO_RNG=1 moved running
	x=$(vsh "$B" dumpxml "$VM")
	grep -q "protocol='nfs'" <<<"$x" || fail "vda is not on the NFS store on $B: $(grep -A4 '<disk' <<<"$x")"
	grep -q "^Timings: " "$TMP/out" || fail "no timings of the storage phases"
	ganesha=$("$LAB" paths | sed -n 's/^MIGCHECK_LAB_DIR=//p')/hosts/lab-storage/ganesha.conf
	grep -q "migcheck $VM-" "$ganesha" || fail "no export for $VM on lab-storage"
	"$MIGCHECK" undo --remote-command="$MIGCHECK" --timeout=120 "$(journal)" >&2 || fail "migcheck undo failed"
	[[ $(journal_state) == undone ]] || fail "after undo the journal says '$(journal_state)'"
	only_on "$A" running
	now=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	[[ $now == "$orig" ]] || fail "after undo vda is '$now', not '$orig'"
	! grep -q "migcheck $VM-" "$ganesha" || fail "the export for $VM is left on lab-storage"
	left=$("$LAB" exec lab-storage sh -c 'ls -R /var/lib/libvirt/images/ 2>/dev/null' | grep -F "$VM" || true)
	[[ -z $left ]] || fail "left on lab-storage: $left"
	;;
storage-iscsi-pool)
	# issue 8, the same move through iSCSI: a target on lab-storage's tgtd admitting exactly
	# lab-a and lab-b, libvirt iscsi-direct pools (persistent, autostarted) on both, the running
	# disk mirrored live onto the LUN; the guest ends up running on lab-b, its persistent
	# definition there naming the pool's volume. `migcheck undo` takes it all back.
	define --disk local --start
	orig=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	undo+=("j=\$(journal); [[ -z \$j ]] || '$MIGCHECK' undo --remote-command='$MIGCHECK' --timeout=120 \"\$j\"")
	virsh_fails
	run_migcheck --storage root@lab-storage --protocol iscsi --attach pool
	moved running
	pool=$(vsh "$B" dumpxml --inactive "$VM" | sed -n "s/.*<source pool='\([^']*\)' volume='unit:0:0:1'.*/\1/p")
	[[ $pool == migcheck-* ]] ||
		fail "the definition on $B does not name a pool volume: $(vsh "$B" dumpxml --inactive "$VM" | grep -A4 '<disk')"
	for h in "$A" "$B"; do
		info=$(vsh "$h" pool-info "$pool") || fail "no pool $pool on $h"
		if ! grep -q '^State: *running' <<<"$info" || ! grep -q '^Autostart: *yes' <<<"$info" ||
			! grep -q '^Persistent: *yes' <<<"$info"; then
			fail "pool $pool on $h is not running, persistent and autostarted: $info"
		fi
		x=$(vsh "$h" pool-dumpxml "$pool")
		grep -q "<pool type='iscsi-direct'" <<<"$x" || fail "pool $pool on $h is not iscsi-direct"
	done
	targets() { "$LAB" exec lab-storage tgtadm --lld iscsi --op show --mode target; }
	# (the answers are read whole, then searched: with pipefail, grep -q ending a pipe early
	# would fail it by the writer's SIGPIPE)
	x=$(targets)
	grep -qF "$VM" <<<"$x" || fail "no target for $VM on lab-storage"
	"$MIGCHECK" undo --remote-command="$MIGCHECK" --timeout=120 "$(journal)" >&2 || fail "migcheck undo failed"
	[[ $(journal_state) == undone ]] || fail "after undo the journal says '$(journal_state)'"
	only_on "$A" running
	now=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	[[ $now == "$orig" ]] || fail "after undo vda is '$now', not '$orig'"
	x=$(vsh "$A" dumpxml --inactive "$VM")
	grep -qF "<source file='$orig'" <<<"$x" ||
		fail "after undo the definition on $A does not name '$orig' for vda: $(grep -A3 '<disk' <<<"$x")"
	for h in "$A" "$B"; do
		! vsh "$h" pool-info "$pool" >/dev/null 2>&1 || fail "pool $pool is left on $h"
	done
	x=$(targets)
	! grep -qF "$VM" <<<"$x" || fail "the target for $VM is left on lab-storage"
	left=$("$LAB" exec lab-storage sh -c 'ls -R /var/lib/libvirt/images/ 2>/dev/null' | grep -F "$VM" || true)
	[[ -z $left ]] || fail "left on lab-storage: $left"
	;;
storage-offline)
	# issue 8, a shut-off guest: its disk copied offline (qemu-img, to the export through QEMU's
	# own NFS client) onto storage provisioned on lab-storage, its definition rewritten, then
	# moved offline to lab-b, where QEMU then opens the disk from the store (the guest starts).
	# `migcheck undo` takes it all back: the guest defined on lab-a only, on its own disk.
	define --disk local
	orig=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	undo+=("j=\$(journal); [[ -z \$j ]] || '$MIGCHECK' undo --remote-command='$MIGCHECK' --timeout=120 \"\$j\"")
	BEFORE="shut off" virsh_fails
	run_migcheck --storage root@lab-storage --protocol nfs --attach network
	grep -q "copy-image" "$(journal)" || fail "the disk was not copied offline (no copy-image step)"
	NO_RNG=1 moved "shut off"
	defined_on "$A" && fail "still defined on $A"
	x=$(vsh "$B" dumpxml --inactive "$VM")
	grep -q "protocol='nfs'" <<<"$x" || fail "vda is not on the NFS store on $B: $(grep -A4 '<disk' <<<"$x")"
	vsh "$B" start "$VM" >/dev/null || fail "$B cannot start the guest from the store"
	vsh "$B" destroy "$VM" >/dev/null
	"$MIGCHECK" undo --remote-command="$MIGCHECK" --timeout=120 "$(journal)" >&2 || fail "migcheck undo failed"
	[[ $(journal_state) == undone ]] || fail "after undo the journal says '$(journal_state)'"
	only_on "$A" "shut off"
	now=$(vsh "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
	[[ $now == "$orig" ]] || fail "after undo vda is '$now', not '$orig'"
	ganesha=$("$LAB" paths | sed -n 's/^MIGCHECK_LAB_DIR=//p')/hosts/lab-storage/ganesha.conf
	! grep -q "migcheck $VM-" "$ganesha" || fail "the export for $VM is left on lab-storage"
	left=$("$LAB" exec lab-storage sh -c 'ls -R /var/lib/libvirt/images/ 2>/dev/null' | grep -F "$VM" || true)
	[[ -z $left ]] || fail "left on lab-storage: $left"
	;;
converge)
	define "${SLOW[@]}"
	VIRSH_TIMEOUT=60 virsh_fails --bandwidth 2
	run_migcheck --bandwidth 2 --timeout 20 --timeout-suspend
	moved running
	grep -q 'convergence .*timeout: guest paused' "$TMP/out" || fail "the summary does not name the timeout action"
	;;
fault-libvirtd)
	define "${SLOW[@]}"
	start_migcheck "${GO[@]}" --bandwidth 2
	wait_migrating
	"$LAB" kill-daemon "$B" libvirtd
	wait_migcheck
	"$LAB" start-libvirtd "$B"
	settle
	;;
fault-link)
	define "${SLOW[@]}"
	start_migcheck "${GO[@]}" --bandwidth 2 --stall-timeout 20
	wait_migrating
	"$LAB" link "$B" down
	undo+=("'$LAB' link $B up")
	sleep 30
	"$LAB" link "$B" up
	wait_migcheck
	settle
	;;
fault-sigint)
	define "${SLOW[@]}"
	start_migcheck "${GO[@]}" --bandwidth 2
	wait_migrating
	kill -INT "$MPID"
	wait_migcheck
	[[ $MRC == 4 ]] || fail "SIGINT: expected exit 4 (rolled back), got $MRC"
	grep -q 'interrupted' "$TMP/out" "$TMP/err" || fail "no message says it was interrupted"
	settle
	;;
fault-sigkill)
	define "${SLOW[@]}"
	start_migcheck "${GO[@]}" --bandwidth 2
	wait_migrating
	kill -KILL "$MPID"
	wait_migcheck
	[[ $MRC == 137 ]] || fail "expected migcheck killed (137), got $MRC"
	[[ $(step_state migrate) == started ]] || fail "the journal does not show the migration started"
	"$MIGCHECK" undo --remote-command="$MIGCHECK" --timeout=120 "$(journal)" >&2 || fail "migcheck undo failed"
	[[ $(journal_state) == undone ]] || fail "after undo the journal says '$(journal_state)'"
	MRC=undone
	settle
	;;
fault-dst-disk)
	# The operator maps the shared directory to one where the destination has only an empty
	# file by that name: the preflight cannot know the image is bad; the destination's QEMU
	# cannot open it.
	define --disk shared-dir --start
	"$LAB" exec "$B" sh -c 'mkdir -p /srv/bogus && for f in /srv/shared-b/*.qcow2; do : >"/srv/bogus/${f##*/}"; done'
	undo+=("'$LAB' exec $B rm -rf /srv/bogus")
	run_migcheck --fix --map-path /srv/shared-a=/srv/bogus
	grep -qi 'qcow2\|image\|open' "$TMP/err" "$TMP/out" || fail "no message says the destination could not open the disk"
	settle
	;;
fault-timeout)
	define "${SLOW[@]}"
	# Aborted at the timeout before it converges: migrate's prediction says so, and without
	# --accept the gate refuses before any change.
	run_migcheck --bandwidth 2 --timeout 15 --timeout-abort
	[[ $MRC == 1 ]] || fail "a migration predicted to be aborted at its timeout: exit $MRC, not 1 (refused)"
	grep -q 'migration.convergence' "$TMP/out" || fail "the refusal does not name migration.convergence"
	only_on "$A" running
	run_migcheck "${GO[@]}" --bandwidth 2 --timeout 15 --timeout-abort
	grep -q 'timeout' "$TMP/out" "$TMP/err" || fail "no message names the timeout"
	settle
	;;
*)
	fail "unknown scenario '$NAME'"
	;;
esac
log "PASS"

#!/bin/bash
# lab.provision-*: `migcheck provision` against the real lab (lab-a -> lab-b, storage on
# lab-storage: nfs-ganesha and tgtd), end to end:
#   - a snapshot of everything provisioning may touch on the three hosts (ganesha's
#     configuration, /etc/exports.d, tgtd's targets, libvirt pools, the domain's live and
#     persistent definitions, the files under the images directory) is taken first;
#   - --dry-run prints a plan and changes nothing; storage on SRC itself is refused unless
#     --accept'ed, and changes nothing;
#   - the real run moves the disk (live block copy for a running guest, qemu-img for a shut-off
#     one) and the guest then live-migrates to lab-b and back WITHOUT copying storage (libvirt
#     refuses an unsafe migration of local disks, so this proves the storage is shared);
#   - a second run plans nothing; `migcheck undo JOURNAL` puts the disk back (copied back live)
#     and the snapshot afterwards equals the one before, byte for byte;
#   - sweep mode: a failure injected after every step in turn (MIGCHECK_TEST_FAULT=fail:N, a
#     fault the lab cannot produce on demand at each step) must roll back to the snapshot with
#     the guest as it was on lab-a; then SIGKILL of migcheck after every step (kill:N: the
#     journal then says step N "started", the steps before it "done") followed by `migcheck
#     undo JOURNAL` must do the same; sweep-migrate-live also kills right after each step is
#     journaled "started", before it runs (kill-before:N: the step's results are missing, the
#     undo must look at the hosts). One harness for every plan; the case names the plan:
#       sweep-nfs: provision, a running guest onto nfs-ganesha with QEMU's NFS client
#         (directories, image, export, verification from both hosts, block copy, pivot);
#       sweep-iscsi: provision onto tgtd with iscsi-direct pools, the longest provision plan
#         (directories, LUN file, target, LUN, verification, a pool defined and started on
#         each host, block copy, pivot, the definition naming the pool volume);
#       sweep-migrate-offline: `migrate --fix --storage root@lab-storage:DIR` of a shut-off
#         guest (the provisioning steps with an offline copy and the definition rewritten,
#         then the definition moved to lab-b and removed from lab-a);
#       sweep-migrate-live: the same of a running guest (block copy and pivot, then a live
#         migration and the definition removed from lab-a): the plan of
#         `migrate --fix --storage root@lab-storage:DIR --attach network`. Both run with
#         lab-storage's default directory present (another run's), DIR elsewhere.
#     A kill after the migrate step leaves the guest on lab-b (the migration finished, then
#     migcheck died before journaling it "done"): the sweep asserts exactly that, and that
#     `migcheck undo` brings it back (undo reverses a step journaled "started"), never "either".
#     The snapshot compares the guest's whole persistent definition on lab-a, and for a
#     shut-off guest its disk's contents too.
#
#   - nfs-pool: what this lab's kernel cannot do (it has no NFS client, so a netfs pool
#     cannot mount) is planned against the real libvirt and applied up to that step: the pools
#     are defined on both hosts, starting the first one fails (the mount), and the run rolls
#     back to the snapshot. Untested on real kernels past that step (migcheck(1) says so).
#
#   test-provision.sh MIGCHECK CASE     CASE: nfs-live | nfs-offline | nfs-pool |
#                                       iscsi-network | iscsi-pool | sweep-nfs | sweep-iscsi |
#                                       sweep-migrate-offline | sweep-migrate-live
# Needs a lab that is up (ctest's "lab" fixture).
set -euo pipefail
MIGCHECK=$(readlink -f "$1")
CASE=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$here/labctl
A=qemu+ssh://root@lab-a/system
B=qemu+ssh://root@lab-b/system
VM=pv-$CASE
TMP=$(mktemp -d /tmp/migcheck-provision.XXXXXX)
JDIR=$TMP/journals
STATE_DIR=$("$LAB" paths | sed -n 's/^MIGCHECK_LAB_DIR=//p')
[[ -d $STATE_DIR ]] || { echo "no lab state directory" >&2; exit 1; }
IMAGES=/var/lib/libvirt/images

t0=$SECONDS
log() { printf '[%4ds] provision[%s]: %s\n' $((SECONDS - t0)) "$CASE" "$*" >&2; }
fail() {
	log "FAIL: $*"
	exit 1
}
cleanup() {
	local j
	# a failed case leaves no provisioned storage behind: undo what its journals name
	for j in "$JDIR"/*.xml; do
		[[ -e $j ]] || continue
		grep -q '<migcheck-plan [^>]* state="\(undone\|rolled-back\)"' "$j" && continue
		mc undo "$j" >/dev/null 2>&1 || log "cleanup: undo $j failed"
	done
	"$LAB" undefine-vm lab-a "$VM" >/dev/null 2>&1 || log "cleanup: undefine-vm failed"
	# a failed migrate case may leave the guest on lab-b
	[[ ${VERB:-} != migrate ]] || "$LAB" undefine-vm lab-b "$VM" >/dev/null 2>&1 || true
	[[ -z ${made_default:-} ]] || "$LAB" exec lab-storage rmdir "$IMAGES/migcheck" ||
		log "cleanup: rmdir $IMAGES/migcheck on lab-storage failed"
	rm -rf "$TMP"
}
trap cleanup EXIT

mc() { # migcheck with the lab's settings; a loaded machine gathers slowly (--host-timeout:
	# in migrate, --timeout is virsh's migration timeout)
	"$MIGCHECK" "$1" --remote-command="$MIGCHECK" --host-timeout=300 "${@:2}"
}

# What provisioning may touch for this VM, on all three hosts, as text (the NFS exports both as
# configured and as the server offers them, with their clients). Everything a run makes
# carries the VM's name (files, the export's marker, the target's IQN, pools), so the snapshot
# keeps only lines naming it: cases may run side by side on one lab. The guest's persistent
# definition on lab-a is compared whole, and a shut-off guest's disk by its contents (SUMS).
# Not compared: an image's size (copying a disk back live rewrites its clusters) and
# libvirt's empty <backingStore/> (it adds one to a definition it rewrites; no backing chain
# either way). One `labctl exec` per
# host and one virsh there (its commands in one string, over the host's own libvirtd socket):
# the sweeps take a snapshot after every run, and an ssh connection per question made that
# most of their time.
# shellcheck disable=SC2016 # the scripts run inside the hosts, with VM and IMAGES as $1 $2
SNAP_STORAGE='
echo "== exports.d"
ls -1 /etc/exports.d 2>/dev/null | grep -F -- "$1"
echo "== exports served"
if o=$(showmount -e lab-storage 2>&1); then echo "$o" | grep -F -- "$1"; else echo "showmount failed: $o"; fi
echo "== tgt targets"
tgtadm --lld iscsi --op show --mode target | grep -F -- "$1"
echo "== files lab-storage"
find "$2" -printf "%p %y %m %u:%g\n" | grep -F -- "$1" | sort
true'
# shellcheck disable=SC2016
SNAP_HV='
echo "== files $3"
find "$2" -printf "%p %y %m %u:%g\n" | grep -F -- "$1" | sort
[ "$5" != sums ] || find "$2" -type f | grep -F -- "$1" | sort | xargs -r sha256sum
c="echo ==pools; pool-list --all --name; echo ==domains; list --all --name"
[ "$3" != lab-a ] ||
	c="$c; echo ==live; domblklist $1 --details; echo ==state; domstate $1; echo ==xml; dumpxml --inactive $1"
virsh -c qemu:///system "$c" 2>&1 | awk -v vm="$1" -v h="$3" "$4"'
# virsh's answers, in sections: only what names the VM; its state's first line; its definition
# shellcheck disable=SC2016
SNAP_AWK='
/^==pools$/ { s = 1; print "== pools " h; next }
/^==domains$/ { s = 2; print "== domains " h; next }
/^==live$/ { s = 3; print "== " vm " live"; next }
/^==state$/ { s = 4; next }
/^==xml$/ { s = 5; print "== " vm " persistent"; next }
s == 1 { if (index($0, vm)) print; next }
s == 2 { if ($0 == vm) print; next }
s == 4 { if ($0 != "" && !st++) print "state: " $0; next }
s == 5 { if ($0 !~ /^ *<backingStore\/>$/) print; next }
$0 != "" { print }'
snapshot() {
	local out=$1
	{
		echo "== ganesha.conf"
		awk -v m="# BEGIN migcheck $VM-" 'index($0, m) == 1 { on = 1 } on { print } /^# END migcheck / { on = 0 }' \
			"$STATE_DIR/hosts/lab-storage/ganesha.conf"
		"$LAB" exec lab-storage sh -c "$SNAP_STORAGE" sh "$VM" "$IMAGES"
		"$LAB" exec lab-a sh -c "$SNAP_HV" sh "$VM" "$IMAGES" lab-a "$SNAP_AWK" "$SUMS"
		"$LAB" exec lab-b sh -c "$SNAP_HV" sh "$VM" "$IMAGES" lab-b "$SNAP_AWK" ""
	} >"$out" 2>&1
}

same_as() { # FILE LABEL: the hosts are as in FILE
	snapshot "$TMP/now"
	if ! diff -u "$1" "$TMP/now" >"$TMP/diff"; then
		cat "$TMP/diff" >&2
		fail "$2: the hosts differ from before the run"
	fi
	log "ok: $2: the hosts are as before"
}

# The guest is on lab-a as it was before the run (running, or defined and shut off: WANT), and
# lab-b has no domain of its name, running or defined: read from snapshot FILE (after same_as:
# $TMP/now), or from a new one.
as_before() {
	local f=${1:-}
	[[ -n $f ]] || { f=$TMP/state && snapshot "$f"; }
	grep -qx "state: $WANT" "$f" || fail "$VM is not $WANT on lab-a: $(grep '^state:' "$f")"
	sed -n '/^== domains lab-b$/,/^==/p' "$f" | grep -qxF -- "$VM" && fail "$VM is on lab-b too"
	return 0
}

journal_of() { # the VM's journal (one run at a time: each case removes the last one's)
	local js=("$JDIR"/migcheck-"$VERB"-"$VM"-*.xml)
	[[ -e ${js[0]} ]] || fail "no journal in $JDIR"
	((${#js[@]} == 1)) || fail "${#js[@]} journals in $JDIR"
	printf '%s' "${js[0]}"
}
jget() { xmllint --xpath "string($2)" "$1" 2>/dev/null || true; } # JOURNAL XPATH

state_on() { # HOST: the guest's state there (running, shut off, ...) or "absent"
	local out
	if out=$(virsh -c "qemu+ssh://root@$1/system" domstate "$VM" 2>/dev/null); then
		printf '%s' "${out%%$'\n'*}"
	else
		printf absent
	fi
}

# After a SIGKILL at step I (kill: right after the step succeeded, before it is journaled
# "done"; kill-before: right after it was journaled "started", before it ran): the journal
# says the plan is applying, steps 1..I-1 done, step I started and nothing after it began.
# Where the guest is then follows from the steps that ran, and is
# asserted, not tolerated: before the migrate step it is on lab-a as before; once the migrate
# step ran, the migration has finished (the kill comes after its verification) so the guest is
# on lab-b (running, or defined and shut off for an offline move) and lab-a still holds the
# shut-off definition; once undefine-source ran, lab-a holds nothing. `migcheck undo` must
# bring it back in every one of these states (a step journaled "started" is undone).
killed_at() { # MODE JOURNAL I
	local mode=$1 j=$2 i=$3 k st want_a=$WANT want_b=absent migrated='' ran=$3
	[[ $mode == kill ]] || ran=$((i - 1))
	[[ $(jget "$j" /migcheck-plan/@state) == applying ]] ||
		fail "$mode:$i: the journal says '$(jget "$j" /migcheck-plan/@state)', not applying"
	for ((k = 1; k <= n; k++)); do
		st=$(jget "$j" "/migcheck-plan/step[$k]/@state")
		if ((k < i)); then
			[[ $st == 'done' ]] || fail "$mode:$i: step $k (${kinds[k - 1]}) is '$st' in the journal, not done"
		elif ((k == i)); then
			[[ $st == started ]] || fail "$mode:$i: step $k (${kinds[k - 1]}) is '$st' in the journal, not started"
		else
			[[ -z $st || $st == pending ]] || fail "$mode:$i: step $k (${kinds[k - 1]}) is '$st' in the journal"
		fi
		((k <= ran)) || continue
		case ${kinds[k - 1]} in
		migrate)
			migrated=1 want_a="shut off" want_b=$WANT
			;;
		undefine-source) want_a=absent ;;
		esac
	done
	[[ $(state_on lab-a) == "$want_a" && $(state_on lab-b) == "$want_b" ]] ||
		fail "$mode:$i: the guest is '$(state_on lab-a)' on lab-a and '$(state_on lab-b)' on lab-b," \
			"expected '$want_a' and '$want_b'"
	[[ -z $migrated ]] || log "$mode:$i: after the migrate step: the guest is $want_b on lab-b, $want_a on lab-a, as the journal says"
	return 0
}

# ---- the case ----
VERB=provision proto=nfs attach=network start=--start store=root@lab-storage SUMS='' modes="fail kill"
case $CASE in
nfs-live | sweep-nfs) ;;
nfs-offline) start= ;;
nfs-pool) attach=pool ;;
iscsi-network) proto=iscsi ;;
iscsi-pool | sweep-iscsi) proto=iscsi attach=pool ;;
sweep-migrate-offline | sweep-migrate-live)
	# migrate --fix --storage USER@HOST:DIR, DIR named for the guest (the snapshot sees it)
	VERB=migrate store=root@lab-storage:$IMAGES/$VM-store
	[[ $CASE == *-live ]] || start='' SUMS=sums
	# kill-before on the combined plan only (the superset of sweep-nfs's steps), for CI's
	# budget; SWEEP_MODES="fail kill kill-before" runs it on any plan (all four pass with it)
	[[ $CASE != *-live ]] || modes="fail kill kill-before"
	;;
*) fail "unknown case '$CASE'" ;;
esac
WANT=running
[[ -n $start ]] || WANT="shut off"
ARGS=(--journal-dir="$JDIR" --storage "$store" --protocol "$proto" --attach "$attach")
# migrate: --fix, and no convergence prediction (it changes nothing on the hosts and costs 4 s
# a run; lab.predict-migrate tests it)
[[ $VERB != migrate ]] || ARGS+=(--fix --no-predict)

# With DIR given, another run's directory in the default place ($IMAGES/migcheck on
# lab-storage) must not change the plan: DIR is made when it is missing (the plan was once made
# from the default directory's state, and then did not make DIR).
if [[ $store == *:* ]] && "$LAB" exec lab-storage mkdir "$IMAGES/migcheck" 2>/dev/null; then
	made_default=1
fi
"$LAB" define-vm lab-a "$VM" --disk local $start >/dev/null
orig=$(virsh -c "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
[[ $orig == "$IMAGES"/* ]] || fail "unexpected disk '$orig'"
snapshot "$TMP/before"
! grep -q "^showmount failed" "$TMP/before" || fail "cannot list what lab-storage exports: $(grep "^showmount" "$TMP/before")"

if [[ $CASE == sweep-* ]]; then
	# the steps of the plan, then a failure after each one, then a SIGKILL after each one
	fmt=xml
	[[ $VERB == provision ]] || fmt=json # migrate's JSON carries the plan's XML
	mc "$VERB" --dry-run --format=$fmt "${ARGS[@]}" lab-a lab-b "$VM" >"$TMP/plan" ||
		{ cat "$TMP/plan" >&2; fail "--dry-run failed"; }
	mapfile -t kinds < <(grep -o '<step kind=[\\]*"[a-z-]*' "$TMP/plan" | sed 's/.*"//')
	[[ $store != *:* ]] || grep -q "create directory ${store#*:} on" "$TMP/plan" ||
		fail "the plan does not make ${store#*:}"
	n=${#kinds[@]}
	((n >= 5)) || fail "the plan has $n steps"
	log "the plan has $n steps: ${kinds[*]}"
	as_before "$TMP/before"
	for mode in ${SWEEP_MODES:-$modes}; do
		t_mode=$SECONDS
		for ((i = 1; i <= n; i++)); do
			rc=0
			MIGCHECK_TEST_FAULT=$mode:$i mc "$VERB" "${ARGS[@]}" lab-a lab-b "$VM" \
				>"$TMP/out" 2>&1 || rc=$?
			j=$(journal_of)
			if [[ $mode == fail ]]; then
				[[ $rc == 4 ]] || { cat "$TMP/out" >&2; fail "fail:$i: exit $rc, not 4 (rolled back)"; }
				grep -q "failure injected after step $i" "$TMP/out" ||
					{ cat "$TMP/out" >&2; fail "fail:$i: the injected failure is not reported"; }
				[[ $(jget "$j" /migcheck-plan/@state) == rolled-back ]] ||
					fail "fail:$i: the journal says '$(jget "$j" /migcheck-plan/@state)', not rolled-back"
			else
				[[ $rc == 137 ]] || { cat "$TMP/out" >&2; fail "$mode:$i: exit $rc, not killed"; }
				killed_at "$mode" "$j" "$i"
				mc undo "$j" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "$mode:$i: undo failed"; }
				[[ $(jget "$j" /migcheck-plan/@state) == undone ]] ||
					fail "$mode:$i: after undo the journal says '$(jget "$j" /migcheck-plan/@state)'"
			fi
			rm -f "$JDIR"/*.xml
			same_as "$TMP/before" "$mode:$i (${kinds[i - 1]})"
			as_before "$TMP/now"
		done
		log "$mode:1..$n took $((SECONDS - t_mode)) s"
	done
	log "swept $n steps ($modes) in $((SECONDS - t0)) s"
	exit 0
fi

if [[ $CASE == nfs-pool ]]; then
	rc=0
	mc provision "${ARGS[@]}" lab-a lab-b "$VM" >"$TMP/out" 2>&1 || rc=$?
	cat "$TMP/out" >&2
	grep -q "define-pool .*netfs pool" "$TMP/out" || fail "no netfs pool in the plan"
	# this kernel has no NFS client: the first pool start (its mount) fails, then rollback
	[[ $rc == 4 ]] || fail "exit $rc, not 4 (rolled back at the pool's mount)"
	grep -q "step [0-9]*/[0-9]*: build, start and autostart pool" "$TMP/out" ||
		fail "the run did not get to starting the pool"
	# it failed at the mount (starting the pool), not before it (building its mount point)
	grep -q "(start-pool): cannot start pool" "$TMP/out" ||
		fail "the pool did not fail where this kernel stops it (its mount)"
	grep -q "undoing step [0-9]*: define netfs pool" "$TMP/out" || fail "the pool definition was not undone"
	same_as "$TMP/before" "netfs pool (kernel without NFS client): rolled back"
	as_before "$TMP/now"
	exit 0
fi

# --dry-run: a plan, no change
mc provision --dry-run "${ARGS[@]}" lab-a lab-b "$VM" >"$TMP/plan" || fail "--dry-run failed"
grep -q "Plan: shared storage for '$VM'" "$TMP/plan" || fail "--dry-run printed no plan"
if [[ $proto == nfs ]]; then
	grep -q "nfs-export .*nfs-ganesha.* to 169.254.42.11, 169.254.42.12," "$TMP/plan" ||
		{ cat "$TMP/plan" >&2; fail "the plan does not export to exactly lab-a and lab-b"; }
else
	grep -q "iscsi-target .*admitting 169.254.42.11 169.254.42.12\$" "$TMP/plan" ||
		{ cat "$TMP/plan" >&2; fail "the plan's target does not admit exactly lab-a and lab-b"; }
fi
[[ ! -e $JDIR ]] || fail "--dry-run wrote a journal"
same_as "$TMP/before" "--dry-run"

# storage on SRC itself: refused (exit 1) without --accept
rc=0
mc provision "${ARGS[@]/lab-storage/lab-a}" lab-a lab-b "$VM" >"$TMP/out" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "storage.separate-host" "$TMP/out" ||
	{ cat "$TMP/out" >&2; fail "storage on lab-a: exit $rc, not refused"; }
same_as "$TMP/before" "storage on SRC refused"

# the run
mc provision "${ARGS[@]}" lab-a lab-b "$VM" >"$TMP/out" 2>&1 ||
	{ cat "$TMP/out" >&2; fail "provision failed"; }
grep -q "^Timings: " "$TMP/out" || fail "no timings"
grep "^Timings: " "$TMP/out" >&2
now=$(virsh -c "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
[[ $now != "$orig" ]] || fail "disk vda is still on $orig"
log "vda: $orig -> $now"
if [[ -n $start ]]; then
	as_before
else
	virsh -c "$A" start "$VM" >/dev/null
fi
# shared now: a live migration without storage copy works there and back
virsh -c "$A" migrate --live "$VM" "$B" >"$TMP/mig" 2>&1 || { cat "$TMP/mig" >&2; fail "migration to lab-b failed"; }
virsh -c "$B" migrate --live "$VM" "$A" >"$TMP/mig" 2>&1 || { cat "$TMP/mig" >&2; fail "migration back failed"; }
WANT=running as_before
log "ok: migrated to lab-b and back on the provisioned storage"
[[ -n $start ]] || virsh -c "$A" destroy "$VM" >/dev/null

# idempotent: a second run plans nothing
mc provision "${ARGS[@]}" lab-a lab-b "$VM" >"$TMP/out2" 2>&1 || { cat "$TMP/out2" >&2; fail "second run failed"; }
grep -q "^Nothing to do" "$TMP/out2" || { cat "$TMP/out2" >&2; fail "the second run planned something"; }

# undo: everything as before
j=$(journal_of)
mc undo "$j" >"$TMP/out" 2>&1 || { cat "$TMP/out" >&2; fail "undo failed"; }
[[ -z $start ]] || as_before
same_as "$TMP/before" "undo"

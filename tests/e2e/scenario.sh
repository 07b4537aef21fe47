#!/bin/bash
# One end-to-end scenario on the lab: set it up, run migcheck in both modes (the native agent,
# migcheck on the hosts; and the sh agent, nothing of migcheck there: --remote-command=), then
# the real live migration with virsh, and check they all agree:
#   - where the real migration fails, migcheck said "blocked" and named the expected rule;
#   - where it succeeds, migcheck said "migratable" (warnings allowed);
#   - the two modes give the same verdict and the same causes (every finding that is not a
#     pass or a skip: rule, status, subject), unless the scenario says why the sh agent cannot
#     know (SH_UNKNOWN);
#   - after every step the guest runs on exactly one host.
# The migration runs once per phase: both modes judge the same setup. A scenario with FIX has
# a second phase: the same domain after FIX made the destination fit (one setup that fails,
# one that works, for the price of one guest).
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
LOG_TAG="e2e[$NAME]"
# shellcheck source=tests/e2e/lib.sh
source "$here/lib.sh"

running_on() { # running, or paused (a guest started paused: it runs nowhere else)
	local st
	st=$(virsh -c "qemu+ssh://root@$1/system" domstate "$2" 2>/dev/null) || return 1
	[[ ${st%%$'\n'*} == running || ${st%%$'\n'*} == paused ]]
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
SH_UNKNOWN=
DST=$B
SRC_OP=("$A")  # how migcheck is told the source
UNREACHABLE=() # hosts whose host.reachable must be UNKNOWN with the cause
MIG_ERR=       # a failing migration's virsh error must match this (extended regex)
FIX=()         # commands that make the destination fit: a second phase judges the same domain
EXPECT_FIXED=migratable
RULE_FIXED=
define() {
	"$LAB" define-vm "$A" "$VM" "$@"
	undo+=("'$LAB' undefine-vm $A $VM; '$LAB' undefine-vm $B $VM")
}
mkdir_on() { # HOST DIR: a directory on that host only (its private /var/lib/libvirt or /srv)
	"$LAB" exec "$1" mkdir -p "$2"
	undo+=("'$LAB' exec $1 rm -rf '$2'")
}
fix() { # COMMAND...: run between the phases (its undo is the scenario's own)
	local q
	printf -v q '%q ' "$@"
	FIX+=("$q")
}
shm_private() { # HOST: a /dev/shm of its own (the lab hosts share the machine's /dev, and so do
	# other sandboxes' labs: a file one host's QEMU makes there would be every host's)
	"$LAB" exec "$1" mount -t tmpfs -o size=16m,mode=1777 migcheck-e2e-shm /dev/shm
	undo+=("'$LAB' exec $1 umount /dev/shm")
}
QSD_DIR=/run/e2e-qsd
qsd_on() { # HOST: qemu-storage-daemon there, serving the shared raw image as a vhost-user-blk
	# export at $QSD_DIR/$VM.sock (locking off: both hosts' daemons serve the one image)
	"$LAB" exec "$1" mkdir -p "$QSD_DIR"
	"$LAB" exec "$1" qemu-storage-daemon --daemonize --pidfile "$QSD_DIR/$VM.pid" \
		--blockdev "driver=file,node-name=f0,filename=/srv/shared/$VM-vdb.raw,locking=off" \
		--export "type=vhost-user-blk,id=e0,node-name=f0,writable=on,addr.type=unix,addr.path=$QSD_DIR/$VM.sock"
}
qsd_kill() { # HOST [SIGNAL]: end that host's daemon (KILL leaves its socket behind: stale)
	"$LAB" exec "$1" sh -c "kill -${2:-TERM} \$(cat '$QSD_DIR/$VM.pid')"
}
secret_on() { # HOST UUID TYPE USAGE VALUE: a private libvirt secret on that host
	"$LAB" secret-define "$@"
	undo+=("'$LAB' secret-undefine $1 $2")
}
SECRET=$(cat /proc/sys/kernel/random/uuid)
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
chardev-file)
	# a serial port writing to a file in a directory only the source has, and a channel with a
	# log in libvirt's log directory: virtlogd on the destination cannot create the file there
	# and QEMU does not start; once the directory exists there, both are created and it migrates.
	# Throughout, a channel that reconnects to a UNIX socket no host has: QEMU starts without
	# its server on either host, so it only warns, and the working phase migrates with it
	mkdir_on $A /var/lib/libvirt/e2e-out
	define --disk nfs --serial-file "/var/lib/libvirt/e2e-out/$VM.out" \
		--chardev-log "/var/log/libvirt/qemu/$VM-channel.log" \
		--channel-reconnect "/run/$VM-peer.sock" --start
	EXPECT=blocked RULE=vm.created-files MIG_ERR='Unable to open file: /var/lib/libvirt/e2e-out/'
	WARN_RULE=vm.host-paths
	fix mkdir_on $B /var/lib/libvirt/e2e-out
	;;
luks-secret)
	# a LUKS-encrypted qcow2 on NFS whose passphrase secret (private) only the source has; then
	# the same secret on the destination too
	secret_on $A "$SECRET" volume "e2e/$VM" luks
	define --disk nfs --luks "$SECRET" --start
	EXPECT=blocked RULE=virt.secrets MIG_ERR="no secret with matching uuid '$SECRET'"
	fix secret_on $B "$SECRET" volume "e2e/$VM" luks
	;;
iscsi-chap)
	# a target that requires CHAP; the disk's <auth> names a private iscsi secret. On the
	# destination first with the same usage but another value: the target refuses its login, as
	# it will refuse QEMU's there (migcheck can only log in as the disk does through the
	# destination's libvirt); then with the right value
	secret_on $A "$SECRET" iscsi "e2e-chap-$VM" chap
	secret_on $B "$SECRET" iscsi "e2e-chap-$VM" not-the-password
	define --disk iscsi --chap "e2e-chap-$VM" --start
	EXPECT=blocked RULE=storage.disk-shared MIG_ERR='Authentication failure'
	fix "$LAB" secret-define $B "$SECRET" iscsi "e2e-chap-$VM" chap
	;;
nvram)
	# OVMF with its variables file in a directory only the source has: libvirt on the destination
	# cannot create the file from the template; once the directory exists there, it does and the
	# variables travel in the stream
	mkdir_on $A /var/lib/libvirt/e2e-nvram
	define --disk nfs --mem 128 --nvram "/var/lib/libvirt/e2e-nvram/${VM}_VARS.fd" --start
	EXPECT=blocked RULE=vm.created-files MIG_ERR="Failed to create file '/var/lib/libvirt/e2e-nvram/"
	fix mkdir_on $B /var/lib/libvirt/e2e-nvram
	;;
filesystem-9p)
	# a 9p export of a directory only the source has: QEMU does not start on the destination.
	# Once the directory exists there too (each host its own), QEMU migrates it unless the guest
	# has it mounted, which migcheck cannot see (this firmware-only guest never mounts)
	mkdir_on $A /srv/e2e-share
	define --disk nfs --filesystem /srv/e2e-share --start
	EXPECT=blocked RULE=vm.host-paths MIG_ERR="failed to open '/srv/e2e-share': No such file or directory"
	fix mkdir_on $B /srv/e2e-share
	EXPECT_FIXED=unknown-migrates RULE_FIXED=vm.9p-mount
	;;
memory-backing-file)
	# guest RAM in a file under the destination's memory_backing_dir. First that path (libvirt's
	# default there) is a file: libvirt cannot make the domain's directory under it, and QEMU
	# does not start on the destination. Then the directory as it was: libvirt makes the
	# domain's directory there, and the contents travel in the stream.
	ram=/var/lib/libvirt/qemu/ram
	mode=$("$LAB" exec $B stat -c %a "$ram")
	"$LAB" exec $B rmdir "$ram"
	undo+=("'$LAB' exec $B rm -f '$ram'; '$LAB' exec $B mkdir -p -m '$mode' '$ram'")
	"$LAB" exec $B touch "$ram"
	define --disk nfs --memory-backing file --start
	EXPECT=blocked RULE=vm.created-files MIG_ERR='Not a directory'
	fix "$LAB" exec $B rm -f "$ram"
	fix "$LAB" exec $B mkdir -m "$mode" "$ram"
	;;
memory-backing-room)
	# guest RAM (64 MiB) in a file under the destination's memory_backing_dir, preallocated
	# (<allocation mode='immediate'/>: QEMU fills the file when it starts). First that directory
	# is a tmpfs of 16 MiB in the destination's namespace: QEMU does not start there. Then the
	# directory as it was, on the host's file system: the migration works both ways.
	ram=/var/lib/libvirt/qemu/ram
	"$LAB" exec $B mount -t tmpfs -o size=16m,mode=0755 migcheck-e2e-ram "$ram"
	undo+=("! '$LAB' exec $B mountpoint -q '$ram' || '$LAB' exec $B umount '$ram'")
	define --disk nfs --memory-backing file --memory-prealloc --start
	EXPECT=blocked RULE=vm.created-files MIG_ERR='qemu_prealloc_mem: preallocating memory failed'
	fix "$LAB" exec $B umount "$ram"
	;;
usb-host)
	# A USB host device by vendor and product with startupPolicy optional. The lab's kernel has
	# no USB bus, so the lab cannot give a host the device: the source gets an empty USB bus
	# (labctl usb-sysfs), where libvirt starts the domain without it. The destination first has
	# no /sys/bus/usb at all: its libvirt fails to look up any USB device, whatever the policy.
	# Then it has an empty USB bus too: libvirt drops the optional device there, the migration
	# works both ways and migcheck warns that the guest loses the device.
	"$LAB" usb-sysfs $A empty
	undo+=("'$LAB' usb-sysfs $A none" "'$LAB' usb-sysfs $B none")
	define --disk nfs --usb 1d6b:0002:optional --start
	EXPECT=blocked RULE=vm.hostdev MIG_ERR="cannot open directory '/sys/bus/usb/devices'"
	fix "$LAB" usb-sysfs $B empty
	fix WARN_RULE=vm.hostdev
	;;
shmem-size)
	# An ivshmem-plain shmem (role master, libvirt's default 4 MiB): QEMU opens /dev/shm/NAME
	# read-write on the destination, or creates it. There it first finds a stale file of 1 MiB
	# of that name (a leftover: QEMU never removes the file): QEMU refuses a backing file smaller
	# than the size and does not start. Then the file has the shmem's size: QEMU maps it as it
	# is, the migration works both ways, and migcheck warns that the file is shared with
	# whatever maps it on the destination.
	shm_private $A
	shm_private $B
	define --disk nfs --shmem "$VM" --start
	"$LAB" exec $B truncate -s 1M "/dev/shm/$VM"
	EXPECT=blocked RULE=vm.created-files
	MIG_ERR="backing store size 0x100000 does not match 'size' option 0x400000"
	fix "$LAB" exec $B truncate -s 4M "/dev/shm/$VM"
	fix WARN_RULE=vm.created-files
	;;
vhost-user-blk)
	# A vhost-user-blk disk served by qemu-storage-daemon on each host (one raw image both see).
	# QEMU connects to the daemon's socket when it starts, on the destination too. There the
	# socket is first stale: its daemon was killed (SIGKILL: the file stays), QEMU's connection
	# is refused and it does not start; a stat of the socket alone would have passed. Then a
	# daemon listens there again: the migration works both ways. vhost-user needs the guest's
	# RAM shared (memfd).
	"$LAB" exec $A truncate -s 16M "/srv/shared/$VM-vdb.raw"
	undo+=("'$LAB' exec $A rm -f '/srv/shared/$VM-vdb.raw'")
	qsd_on $A
	undo+=("'$LAB' exec $A sh -c 'kill \$(cat $QSD_DIR/$VM.pid)'")
	qsd_on $B
	undo+=("'$LAB' exec $B sh -c 'kill \$(cat $QSD_DIR/$VM.pid)'; '$LAB' exec $B rm -rf $QSD_DIR")
	qsd_kill $B KILL
	define --disk nfs --memory-backing memfd --vhost-user-blk "$QSD_DIR/$VM.sock" --start
	EXPECT=blocked RULE=vm.host-paths
	MIG_ERR="Failed to connect to '$QSD_DIR/$VM.sock': Connection refused"
	fix qsd_on $B
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

# ---- migcheck in both modes, then the real migration ----
run_migcheck() { # MODE REMOTE_COMMAND
	local rc=0 t0
	t0=$(date +%s%N)
	# A long deadline per host: the scenario judges verdicts, not speed (that is the preflight
	# benchmark's), and on a loaded machine the sh agent's facts can take longer than the
	# default 30 s. A scenario's own --timeout (the unreachable ones) comes later and wins.
	"$MIGCHECK" check --format=json --remote-command="$2" --timeout=120 "${ARGS[@]}" "${SRC_OP[@]}" "$DST" "$VM" \
		>"$TMP/$1.json" 2>"$TMP/$1.stderr" || rc=$?
	echo "$rc" >"$TMP/$1.rc"
	echo $((($(date +%s%N) - t0) / 1000000)) >"$TMP/$1.ms" # what each mode costs the suite
}
# The findings that count, one per line: rule status subject (passes and skips left out).
causes() { jq -r '.findings[] | select(.status != "pass" and .status != "skip") |
	"\(.rule) \(.status) \(.subject)"' "$TMP/$1.json" 2>/dev/null | sort; }
has_status() { # MODE RULE STATUS
	jq -e --arg r "$2" --arg s "$3" 'any(.findings[]; .rule == $r and .status == $s)' \
		"$TMP/$1.json" >/dev/null
}
# A host that does not answer: still a whole report in every format, with the cause of each.
check_unreachable() { # MODE REMOTE_COMMAND
	local rc jrc h n
	rc=$(cat "$TMP/$1.rc")
	jrc=0
	"$MIGCHECK" check --format=junit --remote-command="$2" --timeout=120 "${ARGS[@]}" "${SRC_OP[@]}" "$DST" "$VM" \
		>"$TMP/$1.junit" 2>/dev/null || jrc=$?
	[[ $jrc == "$rc" ]] || fail "$1 agent: JUnit run exited $jrc, JSON run $rc"
	xmllint --noout "$TMP/$1.junit" || fail "$1 agent: the JUnit report is not well-formed"
	for h in "${UNREACHABLE[@]}"; do
		jq -e --arg h "$h" 'any(.findings[]; .rule == "host.reachable" and .status == "unknown"
			and .subject == $h and (.message | test("cannot reach")))' "$TMP/$1.json" >/dev/null ||
			fail "$1 agent: no host.reachable UNKNOWN with the cause for $h"
		grep -q "cannot reach '$h'" "$TMP/$1.stderr" || fail "$1 agent: stderr does not say why $h was not reached"
		grep -q "host.reachable: $h" "$TMP/$1.junit" || fail "$1 agent: no JUnit test case for $h"
	done
	n=$(jq '[.findings[] | select(.rule == "host.reachable" and .status == "unknown")] | length' \
		"$TMP/$1.json")
	[[ $n == "${#UNREACHABLE[@]}" ]] || fail "$1 agent: $n hosts reported unreachable, expected ${#UNREACHABLE[@]}"
	# The rules that need only the reachable source still judged the domain.
	if [[ ${#UNREACHABLE[@]} == 1 ]]; then
		has_status "$1" vm.state pass || fail "$1 agent: vm.state was not judged on the reachable source"
		[[ $(jq -r .agents.source "$TMP/$1.json") != unreachable ]] || fail "$1 agent: the source (-c) was not reached"
	fi
}
check_mode() { # MODE REMOTE_COMMAND
	local rc verdict
	rc=$(cat "$TMP/$1.rc")
	verdict=$(jq -r .verdict "$TMP/$1.json" 2>/dev/null || true)
	[[ -n $verdict ]] || verdict=none
	case $EXPECT in
	migratable) [[ $verdict == migratable && $rc == 0 ]] || fail "$1 agent: expected migratable (exit 0), got $verdict (exit $rc): $(cat "$TMP/$1.stderr")" ;;
	blocked) [[ $verdict == blocked && $rc == 1 ]] || fail "$1 agent: expected blocked (exit 1), got $verdict (exit $rc): $(cat "$TMP/$1.stderr")" ;;
	unknown) [[ $verdict == unknown && $rc == 3 ]] || fail "$1 agent: expected unknown (exit 3), got $verdict (exit $rc): $(cat "$TMP/$1.stderr")" ;;
	unknown-migrates)
		# could not decide for one stated reason (RULE unknown), and nothing failed
		[[ $verdict == unknown && $rc == 3 ]] || fail "$1 agent: expected unknown (exit 3), got $verdict (exit $rc): $(cat "$TMP/$1.stderr")"
		jq -e '[.findings[] | select(.status == "fail")] | length == 0' "$TMP/$1.json" >/dev/null ||
			fail "$1 agent: expected no failing rule"
		jq -e --arg r "$RULE" '[.findings[] | select(.status == "unknown") | .rule] | unique == [$r]' \
			"$TMP/$1.json" >/dev/null || fail "$1 agent: expected $RULE to be the only unknown rule"
		;;
	esac
	if [[ -n $RULE && $EXPECT != unknown-migrates ]]; then
		has_status "$1" "$RULE" fail || fail "$1 agent: expected rule $RULE to fail"
	fi
	if [[ -n $WARN_RULE ]]; then
		has_status "$1" "$WARN_RULE" warn || fail "$1 agent: expected rule $WARN_RULE to warn"
	fi
	if ((${#UNREACHABLE[@]})); then
		check_unreachable "$1" "$2"
	fi
}
judge() { # both modes on the same setup
	run_migcheck native "$MIGCHECK"
	run_migcheck sh ""
	for mode in native sh; do
		log "$mode agent: $(jq -r '"verdict \(.verdict), exit \(.exit_code)"' "$TMP/$mode.json" 2>/dev/null || echo "no report: $(cat "$TMP/$mode.stderr")"), $(cat "$TMP/$mode.ms") ms"
		jq -r '.findings[] | select(.status != "pass" and .status != "skip") |
			"  \(.status | ascii_upcase) \(.rule) \(.subject): \(.message)"' "$TMP/$mode.json" >&2 2>/dev/null || true
		# Which way each live probe went (agent operation, direct-tcpip channel, QEMU's block layer).
		jq -r '.findings[] | select(.rule | test("storage.disk-shared|net.migration-port")) |
			"  via: \(.rule): \(.evidence // "")"' "$TMP/$mode.json" >&2 2>/dev/null || true
	done
	check_mode native "$MIGCHECK"
	if [[ -n $SH_UNKNOWN ]]; then
		local rc
		rc=$(cat "$TMP/sh.rc")
		[[ $rc == 3 ]] || fail "sh agent: expected exit 3 ($SH_UNKNOWN), got exit $rc"
		log "sh agent: unknown, as expected: $SH_UNKNOWN"
	else
		check_mode sh ""
		if ! diff <(causes native) <(causes sh) >"$TMP/causes.diff"; then
			fail "the native and the sh agent disagree on the causes (< native, > sh):
$(cat "$TMP/causes.diff")"
		fi
	fi
}
migrate_real() {
	local before after mrc
	[[ $(where_running "$VM") == "$A" || $EXPECT == blocked ]] || fail "guest not running on $A before the migration"
	before=$(where_running "$VM")
	set +e
	timeout 120 virsh -c "$SRC_URI" migrate --live "$VM" "qemu+ssh://root@$DST/system" >"$TMP/migrate.out" 2>&1
	mrc=$?
	set -e
	log "virsh migrate: exit $mrc: $(tr '\n' ' ' <"$TMP/migrate.out")"
	after=$(where_running "$VM")
	case $EXPECT in
	migratable | unknown-migrates)
		[[ $mrc == 0 ]] || fail "migcheck said $EXPECT but the migration failed: $(cat "$TMP/migrate.out")"
		[[ $after == "$B" ]] || fail "after the migration the guest runs on '${after:-no host}', not $B"
		# and back, so the next step starts clean and the way back works too
		timeout 120 virsh -c "$DST_URI" migrate --live "$VM" "$SRC_URI" >"$TMP/back.out" 2>&1 ||
			fail "migration back failed: $(cat "$TMP/back.out")"
		[[ $(where_running "$VM") == "$A" ]] || fail "after migrating back the guest is not on $A"
		;;
	blocked | unknown)
		[[ $mrc != 0 ]] || fail "migcheck said $EXPECT but the real migration succeeded"
		[[ $after == "$before" ]] || fail "the failed migration moved the guest from '$before' to '$after'"
		[[ -z $MIG_ERR ]] || grep -Eq "$MIG_ERR" "$TMP/migrate.out" ||
			fail "the migration failed for another reason than the one expected ('$MIG_ERR')"
		;;
	esac
}

judge
[[ $MIG != yes ]] || migrate_real
if ((${#FIX[@]})); then
	log "making the destination fit: ${FIX[*]}"
	for c in "${FIX[@]}"; do
		eval "$c" || fail "could not make the destination fit: $c"
	done
	EXPECT=$EXPECT_FIXED RULE=$RULE_FIXED MIG_ERR=
	judge
	[[ $MIG != yes ]] || migrate_real
fi
log "PASS"

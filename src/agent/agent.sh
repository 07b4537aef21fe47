# SPDX-License-Identifier: LGPL-2.1-or-later
#
# migcheck's sh agent: answers `check` and `migrate` on a host where migcheck is not installed (or not
# wanted), over one ssh session. Built into migcheck after probe.sh (src/remote/), whose
# mcprobe_main answers the `facts` request; never installed on a host.
#
# ssh runs a fixed command:  sh -c 'eval "$(head -c N)"'
# and the client writes exactly N bytes of script (probe.sh, this file, and a first line
# MCAGENT_MC='<encoded path of migcheck>'), waits for the agent's hello line, and only then
# writes the requests: nothing follows the script in the pipe while head reads it, so head may
# read in blocks (dd bs=1, a system call per byte, cost a tenth of a second and more) and the
# requests stay in the pipe for `read` (shells buffer their own script input, which is why the
# script is not simply piped into `sh -s` ahead of the data).
#
# If MCAGENT_MC names a command that exists, the agent becomes `migcheck __agent` (same
# protocol, more probes). Otherwise it answers itself:
#
#   -> <id> <op> <arg>...       args encoded: \0ooo octal escapes, decoded with printf %b
#   <- <id> ok|fail|unsupported|error <word>...
#
# The operations and which function answers each are ONE table in src/agent/ops.c; the dispatch
# (mcagent_dispatch) is generated from it and sent after this file. A handler gets the request's
# words still encoded (decode with mcagent_dec). Input is data, never code: every expansion is
# quoted and no argument reaches eval.

# Decode an argument into mcagent_v (the trailing x keeps trailing newlines). Without a
# backslash there is nothing to decode: no subshell.
mcagent_dec() {
	case $1 in
	*\\*)
		mcagent_v=$(printf '%bx' "$1")
		mcagent_v=${mcagent_v%x}
		;;
	*) mcagent_v=$1 ;;
	esac
}

# Encode $1 as the protocol does (bytes outside [A-Za-z0-9._/:@,+=-] as \0ooo; empty: \0).
mcagent_enc() {
	if [ -z "$1" ]; then
		printf '\\0'
		return 0
	fi
	case $1 in
	*[!A-Za-z0-9._/:@,+=-]*) ;;
	*)
		printf '%s' "$1"
		return 0
		;;
	esac
	printf '%s' "$1" | LC_ALL=C awk 'BEGIN { for (i = 0; i < 256; i++) ord[sprintf("%c", i)] = i }
		{ line = (NR > 1 ? "\n" : "") $0; out = out line }
		END {
			s = out
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c ~ "^[A-Za-z0-9._/:@,+=-]$") printf "%s", c
				else printf "\\0%03o", ord[c]
			}
		}'
}

# This shell's effective uid and gid in mcagent_myuid and mcagent_mygid, once per session: from
# the kernel's /proc/self/status (read by the shell itself: its own), else one id(1) each.
mcagent_ids() {
	[ -z "$mcagent_myuid" ] || return 0
	mcagent_l=
	while IFS= read -r mcagent_l; do
		set -f
		IFS=' 	'
		# shellcheck disable=SC2086 # "Uid:" then real, effective, saved, fs: split on blanks
		set -- $mcagent_l
		unset IFS
		set +f
		# The name keeps its colon: "Uid:" and the effective id.
		case $1 in
		Uid:) mcagent_myuid=$3 ;;
		Gid:)
			mcagent_mygid=$3
			break
			;;
		esac
	done 2>/dev/null </proc/self/status
	case $mcagent_myuid:$mcagent_mygid in
	*[!0-9:]* | :* | *:)
		mcagent_myuid=$(id -u)
		mcagent_mygid=$(id -g)
		;;
	esac
}

# The errno name for why path $1 cannot be used, in mcagent_e.
mcagent_errno() {
	mcagent_m=$(ls -d -- "$1" 2>&1 >/dev/null)
	if [ -z "$mcagent_m" ]; then
		mcagent_e=EINVAL
	else
		mcprobe_errname "$mcagent_m"
		mcagent_e=$mcprobe_e
	fi
}

mcagent_type() {
	if [ -f "$1" ]; then
		mcagent_t=file
	elif [ -d "$1" ]; then
		mcagent_t=dir
	elif [ -b "$1" ]; then
		mcagent_t=block
	elif [ -c "$1" ]; then
		mcagent_t=char
	else
		mcagent_t=other
	fi
}

mcagent_stat() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	if [ -e "$mcagent_p" ]; then
		mcagent_type "$mcagent_p"
		# No stat(1), or one that fails: the type alone (sizes and ids unknown, never 0)
		if mcagent_s=$(stat -L -c '%s %u %g %a %Z %i' -- "$mcagent_p" 2>/dev/null); then
			printf '%s ok %s %s\n' "$mcagent_id" "$mcagent_t" "$mcagent_s"
		else
			printf '%s ok %s\n' "$mcagent_id" "$mcagent_t"
		fi
	else
		mcagent_errno "$mcagent_p"
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
	fi
}

# The answer for a test run through setpriv as another user, from its exit status: 73 is the
# inner shell's "denied"; anything else is setpriv's own failure (not root, or a setpriv without
# --reuid such as busybox's), which proves nothing about the file.
mcagent_as_answer() {
	case $1 in
	0) printf '%s ok\n' "$mcagent_id" ;;
	73) printf '%s fail EACCES\n' "$mcagent_id" ;;
	*)
		mcagent_ids
		if [ "$mcagent_myuid" = 0 ]; then
			printf '%s unsupported\n' "$mcagent_id"
		else
			printf '%s error EPERM\n' "$mcagent_id"
		fi
		;;
	esac
}

# Can uid:gid open the file? As ourselves with test; as another user through setpriv.
mcagent_open() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	mcagent_flag=-r
	[ "$4" = rw ] && mcagent_flag=-w
	if [ ! -e "$mcagent_p" ]; then
		mcagent_errno "$mcagent_p"
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	mcagent_ids
	if [ "$2" = "$mcagent_myuid" ]; then
		if [ "$mcagent_flag" "$mcagent_p" ] && { [ "$4" != rw ] || [ -r "$mcagent_p" ]; }; then
			printf '%s ok\n' "$mcagent_id"
		else
			printf '%s fail EACCES\n' "$mcagent_id"
		fi
	elif command -v setpriv >/dev/null 2>&1; then
		mcagent_g=--clear-groups
		getent passwd "$2" >/dev/null 2>&1 && mcagent_g=--init-groups
		# shellcheck disable=SC2016 # $1 and $2 are expanded by the inner shell
		setpriv --reuid="$2" --regid="$3" "$mcagent_g" -- \
			sh -c 'test -r "$2" && test "$1" "$2" || exit 73' sh "$mcagent_flag" "$mcagent_p" </dev/null 2>/dev/null
		mcagent_as_answer $?
	else
		printf '%s unsupported\n' "$mcagent_id"
	fi
}

# A token names a file migcheck makes: letters and digits only; anything else answers EINVAL.
mcagent_token_ok() {
	case $1 in
	'' | *[!A-Za-z0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 1
		;;
	esac
}

mcagent_canary_write() {
	mcagent_dec "$1"
	mcagent_d=$mcagent_v
	mcagent_token_ok "$2" || return 0
	mcagent_f=$mcagent_d/.migcheck-canary-$2
	if (set -C && printf '%s' "$2" >"$mcagent_f") 2>/dev/null; then
		printf '%s ok\n' "$mcagent_id"
	else
		mcagent_errno "$mcagent_d"
		[ "$mcagent_e" = EINVAL ] && mcagent_e=EACCES
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
	fi
}

mcagent_canary_read() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	# Revalidate the directory first (NFS caches negative lookups), as Nova does.
	touch -c -- "${mcagent_p%/*}" 2>/dev/null
	if [ -f "$mcagent_p" ]; then
		if [ "$(cat -- "$mcagent_p" 2>/dev/null)" = "$2" ]; then
			printf '%s ok match\n' "$mcagent_id"
		else
			printf '%s ok mismatch\n' "$mcagent_id"
		fi
	else
		mcagent_errno "$mcagent_p"
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
	fi
}

mcagent_rm_canary() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case ${mcagent_p##*/} in
	.migcheck-canary-*) ;;
	*)
		printf '%s error EPERM\n' "$mcagent_id"
		return 0
		;;
	esac
	if rm -f -- "$mcagent_p" 2>/dev/null; then
		printf '%s ok\n' "$mcagent_id"
	else
		printf '%s fail EACCES\n' "$mcagent_id"
	fi
}

# create-test DIR TOKEN UID GID: can uid:gid create a file in DIR, as QEMU or virtlogd will?
# Create DIR/.migcheck-create-TOKEN and remove it at once. As another user through setpriv (with
# that user's groups when it has a passwd entry).
mcagent_create_test() {
	mcagent_dec "$1"
	mcagent_d=$mcagent_v
	mcagent_token_ok "$2" || return 0
	case $3$4 in
	'' | *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_f=$mcagent_d/.migcheck-create-$2
	mcagent_ids
	if [ "$3" = "$mcagent_myuid" ] && [ "$4" = "$mcagent_mygid" ]; then
		if (set -C && : >"$mcagent_f") 2>/dev/null; then
			rm -f -- "$mcagent_f"
			printf '%s ok\n' "$mcagent_id"
		else
			mcagent_errno "$mcagent_d"
			[ "$mcagent_e" = EINVAL ] && mcagent_e=EACCES
			printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		fi
	elif command -v setpriv >/dev/null 2>&1; then
		mcagent_g=--clear-groups
		getent passwd "$3" >/dev/null 2>&1 && mcagent_g=--init-groups
		# The inner shell exits 73 when the file cannot be created: any other failure is
		# setpriv's own (not root, no such user), not the directory's.
		# shellcheck disable=SC2016 # $1 is expanded by the inner shell: the path is its argument
		setpriv --reuid="$3" --regid="$4" "$mcagent_g" -- \
			sh -c '(set -C && : >"$1") 2>/dev/null || exit 73; rm -f -- "$1"' sh "$mcagent_f" \
			</dev/null 2>/dev/null
		mcagent_as_answer $?
	else
		printf '%s unsupported\n' "$mcagent_id"
	fi
}

# statvfs DIR -> ok TOTAL_KIB AVAIL_KIB: the size of DIR's file system and the space available on
# it, from POSIX df -P -k: a header, then one line NAME TOTAL USED AVAILABLE CAPACITY MOUNTPOINT,
# where NAME and MOUNTPOINT may hold spaces. The numbers are the three before the first capacity
# field (NN% or -) that follows three numbers; anything else is an error, never a guess.
mcagent_statvfs() {
	mcagent_dec "$1"
	mcagent_d=$mcagent_v
	case $mcagent_d in
	/*) ;;
	*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	if ! command -v df >/dev/null 2>&1; then
		printf '%s unsupported\n' "$mcagent_id"
		return 0
	fi
	if ! mcagent_w=$(df -P -k "$mcagent_d" 2>/dev/null | awk '
		NR == 2 {
			for (i = 5; i <= NF; i++)
				if ($i ~ /^([0-9]+%|-)$/ && $(i - 3) ~ /^[0-9]+$/ &&
				    $(i - 2) ~ /^[0-9]+$/ && $(i - 1) ~ /^[0-9]+$/) {
					print $(i - 3), $(i - 1)
					found = 1
					exit
				}
		}
		END { if (!found) exit 1 }'); then
		if [ -e "$mcagent_d" ]; then
			printf '%s error EIO\n' "$mcagent_id"
		else
			mcagent_errno "$mcagent_d"
			printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		fi
		return 0
	fi
	printf '%s ok %s\n' "$mcagent_id" "$mcagent_w"
}

mcagent_resolve() {
	mcagent_dec "$1"
	if ! command -v getent >/dev/null 2>&1; then
		printf '%s unsupported\n' "$mcagent_id"
		return 0
	fi
	mcagent_a=$(getent ahosts -- "$mcagent_v" 2>/dev/null </dev/null |
		awk '{ if (!seen[$1]++) printf "%s%s", (n++ ? " " : ""), $1 }')
	if [ -n "$mcagent_a" ]; then
		printf '%s ok %s\n' "$mcagent_id" "$mcagent_a"
	else
		printf '%s fail ENOENT\n' "$mcagent_id"
	fi
}

# Run "$@" bounded by $mcagent_secs seconds where coreutils' (or busybox's) timeout exists.
mcagent_bounded() {
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 2 "$mcagent_secs" "$@"
	else
		"$@"
	fi
}

# qemu-open JSON r|rw EMULATOR UID GID: open a block device as QEMU on this host will, with
# QEMU's own block layer: qemu-io (read-only with -r -U) on the image options JSON, else the
# emulator itself with -blockdev (and QMP to quit). As uid:gid (QEMU's user) when we are root
# and it is another user (RUNUID says who it ran as). Opening changes nothing: no format layer,
# no write.
#   -> ok TOOL RUNUID                   opened
#   -> fail TOOL RUNUID EXIT TEXT       QEMU's words for the failure (the client reads them)
#   -> unsupported                  neither qemu-io nor the emulator is here
mcagent_qemu_open() {
	mcagent_dec "$1"
	mcagent_j=$mcagent_v
	case $mcagent_j:$2:$4:$5 in
	'{'*'}':r:[0-9]*:[0-9]* | '{'*'}':rw:[0-9]*:[0-9]*) ;;
	*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	case $4$5 in *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_dec "$3"
	mcagent_emu=$mcagent_v
	mcagent_secs=15
	mcagent_mode=$2
	mcagent_u=$4
	mcagent_g=$5
	set --
	mcagent_ids
	mcagent_runas=$mcagent_myuid
	if [ "$mcagent_runas" = 0 ] && [ "$mcagent_u" != 0 ] && command -v setpriv >/dev/null 2>&1; then
		# With the user's groups, as libvirt starts QEMU (none when the uid has no name). A
		# setpriv that cannot (busybox's applet has other options) leaves us as we are.
		mcagent_grp=--clear-groups
		getent passwd "$mcagent_u" >/dev/null 2>&1 && mcagent_grp=--init-groups
		if setpriv --reuid="$mcagent_u" --regid="$mcagent_g" "$mcagent_grp" -- true \
			</dev/null >/dev/null 2>&1; then
			set -- setpriv --reuid="$mcagent_u" --regid="$mcagent_g" "$mcagent_grp" --
			mcagent_runas=$mcagent_u
		fi
	fi
	if command -v qemu-io >/dev/null 2>&1; then
		mcagent_tool=qemu-io
		if [ "$mcagent_mode" = r ]; then
			mcagent_out=$(mcagent_bounded "$@" qemu-io -r -U -c quit "json:$mcagent_j" 2>&1 </dev/null)
		else
			mcagent_out=$(mcagent_bounded "$@" qemu-io -c quit "json:$mcagent_j" 2>&1 </dev/null)
		fi
		mcagent_rc=$?
	elif [ -n "$mcagent_emu" ] && [ -x "$mcagent_emu" ]; then
		mcagent_tool=$mcagent_emu
		mcagent_ro=false
		[ "$mcagent_mode" = r ] && mcagent_ro=true
		mcagent_out=$(printf '{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n' |
			mcagent_bounded "$@" "$mcagent_emu" -machine none -nodefaults -display none \
				-no-user-config -S -qmp stdio \
				-blockdev "{\"node-name\":\"migcheck-probe\",\"read-only\":$mcagent_ro,${mcagent_j#?}" 2>&1 >/dev/null)
		mcagent_rc=$?
	else
		printf '%s unsupported\n' "$mcagent_id"
		return 0
	fi
	if [ "$mcagent_rc" = 0 ]; then
		printf '%s ok %s %s\n' "$mcagent_id" "$(mcagent_enc "$mcagent_tool")" "$mcagent_runas"
	else
		printf '%s fail %s %s %s %s\n' "$mcagent_id" "$(mcagent_enc "$mcagent_tool")" \
			"$mcagent_runas" "$mcagent_rc" "$(mcagent_enc "$(printf '%s' "$mcagent_out" | tail -n 3)")"
	fi
}

# Is something listening on TCP port $1 (any address)? From /proc/net/tcp and tcp6, by one awk
# (a process costs more than the read on a loaded host).
mcagent_port_busy() {
	set -- "$1" /proc/net/tcp /proc/net/tcp6
	[ -r "$3" ] || set -- "$1" "$2"
	[ -r "$2" ] || return 1
	awk -v p="$1" 'BEGIN { p = sprintf("%04X", p) }
		$4 == "0A" && substr($2, index($2, ":") + 1) == p { f = 1 }
		END { exit !f }' "$2" ${3+"$3"} 2>/dev/null
}

# The listener's address (its characters checked: [0-9A-Za-z.:%_[]-]) as one protocol word in
# mcagent_w: only [ ] and % need escaping, so no awk on the listener's way.
mcagent_addr_word() {
	mcagent_w=
	mcagent_r=$1
	while [ -n "$mcagent_r" ]; do
		mcagent_c=${mcagent_r%"${mcagent_r#?}"}
		mcagent_r=${mcagent_r#?}
		case $mcagent_c in
		'[') mcagent_w=$mcagent_w'\0133' ;;
		']') mcagent_w=$mcagent_w'\0135' ;;
		%) mcagent_w=$mcagent_w'\0045' ;;
		*) mcagent_w=$mcagent_w$mcagent_c ;;
		esac
	done
}

# End the listener whose pid file is $mcagent_d/$1.pid, if that process is still the QEMU this
# listen started (its command line names that pid file: a pid used again is left alone).
mcagent_listen_kill() {
	mcagent_k=
	IFS= read -r mcagent_k <"$mcagent_d/$1.pid" 2>/dev/null
	case $mcagent_k in '' | *[!0-9]*) return 1 ;; esac
	# The shell's read drops the NUL bytes between the words: "-pidfile" and the path meet.
	mcagent_c=
	IFS= read -r mcagent_c <"/proc/$mcagent_k/cmdline" 2>/dev/null
	case $mcagent_c in
	*-pidfile"$mcagent_d/$1.pid"*) kill "$mcagent_k" 2>/dev/null ;;
	*) return 1 ;;
	esac
}

# listen's first part, the left side of a pipe (see mcagent_listen): QEMU started on the range's
# first free port, "PORT" written to the pipe once it listens, "-" when no port would do.
mcagent_listen_start() {
	mcagent_p=$1
	while [ "$mcagent_p" -le "$mcagent_pmax" ]; do
		if ! mcagent_port_busy "$mcagent_p"; then
			# -daemonize: QEMU's first process ends only once QEMU listens (0) or gave up (1).
			# The daemon keeps descriptor 3, the pipe, open until it ends. timeout(1), where
			# there is one, bounds a start that hangs.
			set -- "$mcagent_emu" -machine none -nodefaults -display none -no-user-config -S \
				-incoming "tcp:$mcagent_a:$mcagent_p" -daemonize -pidfile "$mcagent_d/$mcagent_p.pid"
			if command -v timeout >/dev/null 2>&1; then
				set -- timeout -k 2 $((mcagent_secs + 8)) "$@"
			fi
			if "$@" 3>&1 </dev/null >/dev/null 2>&1; then
				echo "$mcagent_p"
				return 0
			fi
			# A start that timed out may have left its daemon behind.
			mcagent_listen_kill "$mcagent_p"
		fi
		mcagent_p=$((mcagent_p + 1))
	done
	echo -
}

# listen's second part, the right side of the pipe: "listening PORT ADDRESS" at once, then, when
# the pipe ends (QEMU ended: every writer is gone), "accepted" when a connection came (QEMU ends
# after it: no migration stream) or "timeout" (QEMU was ended at the deadline). A subshell
# counts the deadline down in one-second sleeps: ended early, it leaves at most one such sleep
# behind for under a second (a single long sleep whose pid the subshell had not yet recorded
# when the signal came would outlive it by the whole deadline); it exits 3 when it ended QEMU.
# It holds no writing end of the pipe. Should the session be lost (the agent ended, answers
# going nowhere), this side and that subshell still end QEMU and remove the private directory.
mcagent_listen_wait() {
	trap '' PIPE
	mcagent_p=
	IFS= read -r mcagent_p
	case $mcagent_p in
	'' | *[!0-9]*)
		printf '%s fail EADDRINUSE\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_pid=
	IFS= read -r mcagent_pid <"$mcagent_d/$mcagent_p.pid" 2>/dev/null
	mcagent_addr_word "$mcagent_a"
	printf '%s listening %s %s\n' "$mcagent_id" "$mcagent_p" "$mcagent_w"
	(
		trap '' HUP PIPE
		mcagent_t=$mcagent_secs
		while [ "$mcagent_t" -gt 0 ]; do
			sleep 1
			[ -z "$mcagent_pid" ] || kill -0 "$mcagent_pid" 2>/dev/null || exit 0
			mcagent_t=$((mcagent_t - 1))
		done
		trap '' TERM
		mcagent_listen_kill "$mcagent_p" || exit 0
		rm -rf -- "$mcagent_d"
		exit 3
	) </dev/null >/dev/null 2>&1 &
	mcagent_killer=$!
	IFS= read -r mcagent_r
	kill "$mcagent_killer" 2>/dev/null
	wait "$mcagent_killer"
	if [ $? = 3 ]; then
		printf '%s timeout\n' "$mcagent_id"
	else
		printf '%s accepted -\n' "$mcagent_id"
	fi
	rm -rf -- "$mcagent_d"
}

# mcagent_emu_of [EMULATOR]: mcagent_emu, the QEMU an operation runs: the (encoded) emulator
# given when it is executable here, else the first of the usual names found; empty when none.
mcagent_emu_of() {
	mcagent_emu=
	if [ $# -ge 1 ]; then
		mcagent_dec "$1"
		[ -x "$mcagent_v" ] && mcagent_emu=$mcagent_v
	fi
	if [ -z "$mcagent_emu" ]; then
		for mcagent_c in "qemu-system-$(uname -m)" /usr/libexec/qemu-kvm qemu-kvm; do
			if command -v "$mcagent_c" >/dev/null 2>&1; then
				mcagent_emu=$(command -v "$mcagent_c")
				break
			fi
		done
	fi
}

# listen ADDRESS PORT_MIN PORT_MAX TIMEOUT_MS [EMULATOR]: the listener libvirt will start on
# this host for an incoming migration: QEMU with -incoming on the first free port of the range
# (-machine none -nodefaults, nothing else), answered "listening PORT ADDRESS" as soon as it
# listens, then "accepted" or "timeout" as soon as it ends. No polling: QEMU's -daemonize says
# when it listens, the end of a pipe it holds when it ends (mcagent_listen_start and
# mcagent_listen_wait, the two sides of that pipe). Its pid file lives in a private directory,
# removed afterwards.
mcagent_listen() {
	case $2:$3:$4 in *[!0-9:]* | :* | *::* | *:)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	if [ "$2" -lt 1 ] || [ "$3" -gt 65535 ] || [ "$2" -gt "$3" ] || [ "$4" -lt 1 ]; then
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
	fi
	mcagent_dec "$1"
	mcagent_a=$mcagent_v
	case $mcagent_a in
	'' | 0.0.0.0 | :: | '[::]')
		if [ -e /proc/net/if_inet6 ]; then mcagent_a='[::]'; else mcagent_a=0.0.0.0; fi
		;;
	*:*) mcagent_a="[$mcagent_a]" ;;
	esac
	case $mcagent_a in *[!0-9A-Za-z.:%_\[\]-]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_emu_of ${5+"$5"}
	if [ -z "$mcagent_emu" ]; then
		printf '%s unsupported\n' "$mcagent_id"
		return 0
	fi
	mcagent_pmax=$3
	mcagent_secs=$((($4 + 999) / 1000))
	case ${TMPDIR:-} in /?*) mcagent_d=$TMPDIR ;; *) mcagent_d=/tmp ;; esac
	if ! mcagent_d=$(mktemp -d -- "${mcagent_d%/}/migcheck-listen.XXXXXXXXXX" 2>/dev/null) ||
		[ ! -d "$mcagent_d" ]; then
		printf '%s error EACCES\n' "$mcagent_id"
		return 0
	fi
	mcagent_listen_start "$2" | mcagent_listen_wait
	[ -d "$mcagent_d" ] || return 0
	# No port, or a QEMU that outlived the answering side of the pipe (ended by a signal).
	for mcagent_f in "$mcagent_d"/*.pid; do
		[ -f "$mcagent_f" ] || continue
		mcagent_f=${mcagent_f##*/}
		mcagent_listen_kill "${mcagent_f%.pid}"
	done
	rm -rf -- "$mcagent_d"
}

# unix-connect PATH TIMEOUT_MS [EMULATOR]: a client connection to a UNIX socket, closed at once,
# as QEMU's chardev client makes it when it starts (a vhost-user backend's socket). With QEMU
# itself where there is one: -chardev socket,server=off connects while QEMU starts (-machine
# none, nothing else) and "quit" on its monitor ends it; a refused connection ends it at once,
# exit 1, "Failed to connect to 'PATH': Connection refused" (QEMU 7.2, 30 ms). Else OpenBSD nc
# -U -z. Neither: unsupported. "ok connected TOOL" or "fail ERRNO TOOL"; anything else is an
# error with the tool's words.
mcagent_unix_connect() {
	case $2 in '' | *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	if [ "$2" -lt 1 ] || [ "$2" -gt 600000 ]; then
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
	fi
	case $mcagent_p in /*) ;; *)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_s=$((($2 + 999) / 1000))
	mcagent_emu_of ${3+"$3"}
	if [ -n "$mcagent_emu" ]; then
		mcagent_tool=qemu
		# QEMU's option parser takes a doubled comma for a comma in a value.
		mcagent_q=$(printf '%s' "$mcagent_p" | sed 's/,/,,/g')
		set -- "$mcagent_emu" -machine none -nodefaults -display none -no-user-config \
			-chardev "socket,id=mcagent,path=$mcagent_q,server=off" -monitor stdio
	elif command -v nc >/dev/null 2>&1 && nc -h 2>&1 | grep -q -e '-U'; then
		mcagent_tool=nc
		set -- nc -U -z -w "$mcagent_s" "$mcagent_p"
	else
		printf '%s unsupported\n' "$mcagent_id"
		return 0
	fi
	# A connect that hangs (a full backlog: QEMU waits for the server to accept) ends at the
	# deadline, where timeout(1) exists.
	if command -v timeout >/dev/null 2>&1; then
		set -- timeout -k 2 "$mcagent_s" "$@"
	fi
	mcagent_o=$(printf 'quit\n' | "$@" 2>&1 >/dev/null)
	mcagent_rc=$?
	if [ "$mcagent_rc" -eq 0 ]; then
		printf '%s ok connected %s\n' "$mcagent_id" "$mcagent_tool"
		return 0
	fi
	case $mcagent_rc:$mcagent_o in
	124:* | 137:*)
		printf '%s error ETIMEDOUT %s\n' "$mcagent_id" "$mcagent_tool"
		return 0
		;;
	*'Connection refused'*) mcprobe_e=ECONNREFUSED ;;
	*) mcprobe_errname "$mcagent_o" ;;
	esac
	if [ "$mcprobe_e" = EIO ]; then
		printf '%s error EIO %s %s\n' "$mcagent_id" "$mcagent_tool" "$(mcagent_enc "$mcagent_o")"
	else
		printf '%s fail %s %s\n' "$mcagent_id" "$mcprobe_e" "$mcagent_tool"
	fi
}

mcagent_quit() {
	printf '%s ok\n' "$mcagent_id"
	mcagent_done=1
}

# facts and probe: the sh probe's dump of the raw sources (mcprobe_main reads the spec lines).
mcagent_facts() {
	printf '%s facts-begin dump\n' "$mcagent_id"
	mcprobe_main
}

# create-image PATH FORMAT BYTES [UID GID MODE [BACKING BACKING_FORMAT]]: claim the name
# (noclobber), then let qemu-img write the format; set the owner and mode when given.
mcagent_create_image() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p:$2:$3 in
	/*:raw:[1-9]* | /*:qcow2:[1-9]*) ;;
	*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	case $3 in *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_u=${4:--}
	mcagent_g=${5:--}
	mcagent_m=${6:--}
	mcagent_b=
	if [ $# -ge 7 ]; then
		mcagent_dec "$7"
		mcagent_b=$mcagent_v
		case $2:${8:-}:$mcagent_b in
		qcow2:raw:?* | qcow2:qcow2:?*) ;;
		*)
			printf '%s error EINVAL\n' "$mcagent_id"
			return 0
			;;
		esac
	fi
	if [ "$mcagent_u" != - ]; then
		case $mcagent_u:$mcagent_g in
		*[!0-9:]* | :* | *:)
			printf '%s error EINVAL\n' "$mcagent_id"
			return 0
			;;
		esac
	fi
	case $mcagent_m in
	- | [0-7] | [0-7][0-7] | [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;;
	*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	if ! (set -C && : >"$mcagent_p") 2>/dev/null; then
		if [ -e "$mcagent_p" ] || [ -L "$mcagent_p" ]; then
			mcagent_e=EEXIST
		else
			mcagent_errno "${mcagent_p%/*}"
			[ "$mcagent_e" = EINVAL ] && mcagent_e=EACCES
		fi
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	if [ -n "$mcagent_b" ]; then
		set -- qemu-img create -q -f "$2" -b "$mcagent_b" -F "$8" "$mcagent_p" "$3"
	else
		set -- qemu-img create -q -f "$2" "$mcagent_p" "$3"
	fi
	if ! "$@" >/dev/null 2>&1 </dev/null; then
		rm -f -- "$mcagent_p"
		printf '%s fail EIO\n' "$mcagent_id"
		return 0
	fi
	if { [ "$mcagent_u" != - ] && ! chown -- "$mcagent_u:$mcagent_g" "$mcagent_p" 2>/dev/null; } ||
		{ [ "$mcagent_m" != - ] && ! chmod -- "$mcagent_m" "$mcagent_p" 2>/dev/null; }; then
		rm -f -- "$mcagent_p"
		printf '%s fail EPERM\n' "$mcagent_id"
		return 0
	fi
	printf '%s ok %s\n' "$mcagent_id" "$(stat -c %i -- "$mcagent_p")"
}

# remove-image PATH INODE: only the file create-image made.
mcagent_remove_image() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $2 in '' | *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	if [ ! -e "$mcagent_p" ] && [ ! -L "$mcagent_p" ]; then
		printf '%s ok absent\n' "$mcagent_id"
		return 0
	fi
	if [ -L "$mcagent_p" ] || [ ! -f "$mcagent_p" ] ||
		[ "$(stat -c %i -- "$mcagent_p" 2>/dev/null)" != "$2" ]; then
		printf '%s fail ESTALE\n' "$mcagent_id"
		return 0
	fi
	if rm -f -- "$mcagent_p" 2>/dev/null; then
		printf '%s ok removed\n' "$mcagent_id"
	else
		printf '%s fail EACCES\n' "$mcagent_id"
	fi
}

# Answer "error EINVAL" and fail (for: check || { mcagent_inval; return 0; }).
mcagent_inval() {
	printf '%s error EINVAL\n' "$mcagent_id"
}

# Encode $1 as one word of the protocol (proto.h), in mcagent_w.
mcagent_encode() {
	mcagent_w=$(printf '%sx' "$1" | od -An -v -to1 | awk '
		{ for (i = 1; i <= NF; i++) {
			n = 0; s = $i
			for (j = 1; j <= length(s); j++) n = n * 8 + substr(s, j, 1)
			if ((n >= 48 && n <= 57) || (n >= 65 && n <= 90) || (n >= 97 && n <= 122) ||
			    n == 46 || n == 95 || n == 47 || n == 58 || n == 64 || n == 44 || n == 43 ||
			    n == 61 || n == 45)
				printf "%c", n
			else
				printf "\\0%03o", n
		} }')
	mcagent_w=${mcagent_w%x}
	[ -n "$mcagent_w" ] || mcagent_w='\0'
}

# The first line of a tool's output ($1) as one encoded word, in mcagent_w.
mcagent_firstline() {
	mcagent_w=${1%%"$mcprobe_nl"*}
	[ -n "$mcagent_w" ] || mcagent_w='failed'
	mcagent_encode "$mcagent_w"
}

# image-info PATH|URL -> ok JSON: qemu-img's description of the image and its backing chain
mcagent_image_info() {
	mcagent_dec "$1"
	mcagent_f=$mcagent_v
	mcagent_image_ok "$mcagent_f" || { mcagent_inval && return 0; }
	if ! command -v qemu-img >/dev/null 2>&1; then
		printf '%s fail ENOENT qemu-img\n' "$mcagent_id"
	elif mcagent_o=$(qemu-img info --output=json --backing-chain -U -- "$mcagent_f" 2>&1 </dev/null); then
		mcagent_encode "$mcagent_o"
		printf '%s ok %s\n' "$mcagent_id" "$mcagent_w"
	else
		mcagent_firstline "$mcagent_o"
		printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
	fi
}

# mkdir PATH MODE UID GID -> ok INODE
mcagent_mkdir() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p in /*) ;; *) mcagent_inval && return 0 ;; esac
	case $2 in [0-7] | [0-7][0-7] | [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;; *) mcagent_inval && return 0 ;; esac
	case $3:$4 in *[!0-9:]* | :* | *:) mcagent_inval && return 0 ;; esac
	if ! mkdir -m 700 -- "$mcagent_p" 2>/dev/null; then
		if [ -e "$mcagent_p" ] || [ -L "$mcagent_p" ]; then
			mcagent_e=EEXIST
		else
			mcagent_errno "${mcagent_p%/*}"
			[ "$mcagent_e" = EINVAL ] && mcagent_e=EACCES
		fi
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	if ! chown -- "$3:$4" "$mcagent_p" 2>/dev/null || ! chmod -- "$2" "$mcagent_p" 2>/dev/null; then
		rmdir -- "$mcagent_p" 2>/dev/null
		printf '%s fail EPERM\n' "$mcagent_id"
		return 0
	fi
	printf '%s ok %s\n' "$mcagent_id" "$(stat -c %i -- "$mcagent_p")"
}

# rmdir PATH INODE: only that directory, only when empty
mcagent_rmdir() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p in /*) ;; *) mcagent_inval && return 0 ;; esac
	case $2 in '' | *[!0-9]*) mcagent_inval && return 0 ;; esac
	if [ ! -e "$mcagent_p" ] && [ ! -L "$mcagent_p" ]; then
		printf '%s ok absent\n' "$mcagent_id"
	elif [ -L "$mcagent_p" ] || [ ! -d "$mcagent_p" ] ||
		[ "$(stat -c %i -- "$mcagent_p" 2>/dev/null)" != "$2" ]; then
		printf '%s fail ESTALE\n' "$mcagent_id"
	elif rmdir -- "$mcagent_p" 2>/dev/null; then
		printf '%s ok removed\n' "$mcagent_id"
	elif [ -n "$(ls -A -- "$mcagent_p" 2>/dev/null)" ]; then
		printf '%s fail ENOTEMPTY\n' "$mcagent_id"
	else
		printf '%s fail EACCES\n' "$mcagent_id"
	fi
}

# A regular file to rewrite ($mcagent_p): its errno in mcagent_e when it is not one.
mcagent_conf_ok() {
	if [ -L "$mcagent_p" ] || { [ -e "$mcagent_p" ] && [ ! -f "$mcagent_p" ]; }; then
		mcagent_e=EINVAL
		return 1
	fi
	if [ ! -f "$mcagent_p" ]; then
		mcagent_errno "$mcagent_p"
		return 1
	fi
	return 0
}

# Move the temporary file $mcagent_tmp over $mcagent_p with its mode and owner.
mcagent_conf_replace() {
	mcagent_s=$(stat -c '%a %u %g' -- "$mcagent_p" 2>/dev/null) &&
		chmod -- "${mcagent_s%% *}" "$mcagent_tmp" 2>/dev/null &&
		mcagent_s=${mcagent_s#* } &&
		chown -- "${mcagent_s% *}:${mcagent_s#* }" "$mcagent_tmp" 2>/dev/null &&
		{ sync -- "$mcagent_tmp" 2>/dev/null || sync; } &&
		mv -f -- "$mcagent_tmp" "$mcagent_p" 2>/dev/null && return 0
	rm -f -- "$mcagent_tmp"
	return 1
}

# conf-block-add PATH MARKER TEXT: append "# BEGIN migcheck MARKER" TEXT "# END migcheck MARKER"
mcagent_conf_block_add() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p in /*) ;; *) mcagent_inval && return 0 ;; esac
	case $2 in '' | *[!A-Za-z0-9._:-]*) mcagent_inval && return 0 ;; esac
	mcagent_dec "$3"
	mcagent_t=$mcagent_v
	if ! mcagent_conf_ok; then
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	if [ -s "$mcagent_p" ] && [ -n "$(tail -c 1 -- "$mcagent_p")" ]; then
		printf '%s fail EINVAL\n' "$mcagent_id"
		return 0
	fi
	if grep -x -F -e "# BEGIN migcheck $2" -- "$mcagent_p" >/dev/null 2>&1; then
		printf '%s fail EEXIST\n' "$mcagent_id"
		return 0
	fi
	if ! mcagent_tmp=$(mktemp -- "$mcagent_p.migcheck-XXXXXX" 2>/dev/null); then
		printf '%s fail EACCES\n' "$mcagent_id"
		return 0
	fi
	{
		cat -- "$mcagent_p"
		printf '# BEGIN migcheck %s\n%s' "$2" "$mcagent_t"
		case $mcagent_t in '' | *"$mcprobe_nl") ;; *) echo ;; esac
		printf '# END migcheck %s\n' "$2"
	} >"$mcagent_tmp" 2>/dev/null
	if mcagent_conf_replace; then
		printf '%s ok\n' "$mcagent_id"
	else
		printf '%s fail EACCES\n' "$mcagent_id"
	fi
}

# conf-block-remove PATH MARKER: cut the block conf-block-add made
mcagent_conf_block_remove() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p in /*) ;; *) mcagent_inval && return 0 ;; esac
	case $2 in '' | *[!A-Za-z0-9._:-]*) mcagent_inval && return 0 ;; esac
	if ! mcagent_conf_ok; then
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	if ! grep -x -F -e "# BEGIN migcheck $2" -- "$mcagent_p" >/dev/null 2>&1; then
		printf '%s ok absent\n' "$mcagent_id"
		return 0
	fi
	if ! awk -v b="# BEGIN migcheck $2" -v e="# END migcheck $2" '
		s == 0 && $0 == b { s = 1; next }
		s == 1 && $0 == e { s = 2; next }
		END { exit(s == 2 ? 0 : 1) }' "$mcagent_p" 2>/dev/null; then
		printf '%s fail EBADMSG\n' "$mcagent_id"
		return 0
	fi
	if ! mcagent_tmp=$(mktemp -- "$mcagent_p.migcheck-XXXXXX" 2>/dev/null); then
		printf '%s fail EACCES\n' "$mcagent_id"
		return 0
	fi
	awk -v b="# BEGIN migcheck $2" -v e="# END migcheck $2" '
		s == 0 && $0 == b { s = 1; next }
		s == 1 { if ($0 == e) s = 2; next }
		{ print }' "$mcagent_p" >"$mcagent_tmp" 2>/dev/null
	if mcagent_conf_replace; then
		printf '%s ok removed\n' "$mcagent_id"
	else
		printf '%s fail EACCES\n' "$mcagent_id"
	fi
}

# write-file PATH MODE TEXT -> ok INODE: a new file, never over one
mcagent_write_file() {
	mcagent_dec "$1"
	mcagent_p=$mcagent_v
	case $mcagent_p in /*) ;; *) mcagent_inval && return 0 ;; esac
	case $2 in [0-7] | [0-7][0-7] | [0-7][0-7][0-7] | [0-7][0-7][0-7][0-7]) ;; *) mcagent_inval && return 0 ;; esac
	mcagent_dec "$3"
	if ! (umask 077 && set -C && printf '%s' "$mcagent_v" >"$mcagent_p") 2>/dev/null; then
		if [ -e "$mcagent_p" ] || [ -L "$mcagent_p" ]; then
			mcagent_e=EEXIST
		else
			mcagent_errno "${mcagent_p%/*}"
			[ "$mcagent_e" = EINVAL ] && mcagent_e=EACCES
		fi
		printf '%s fail %s\n' "$mcagent_id" "$mcagent_e"
		return 0
	fi
	chmod -- "$2" "$mcagent_p" 2>/dev/null
	{ sync -- "$mcagent_p" 2>/dev/null || sync; }
	printf '%s ok %s\n' "$mcagent_id" "$(stat -c %i -- "$mcagent_p")"
}

# nfs-reload ganesha PID | kernel
mcagent_nfs_reload() {
	case $1 in
	ganesha)
		case ${2:-} in '' | 0 | 1 | *[!0-9]*) mcagent_inval && return 0 ;; esac
		if [ "$(cat "/proc/$2/comm" 2>/dev/null)" != ganesha.nfsd ]; then
			printf '%s fail ESRCH\n' "$mcagent_id"
		elif kill -HUP "$2" 2>/dev/null; then
			printf '%s ok\n' "$mcagent_id"
		else
			printf '%s fail EPERM\n' "$mcagent_id"
		fi
		;;
	kernel)
		if ! command -v exportfs >/dev/null 2>&1; then
			printf '%s fail ENOENT exportfs\n' "$mcagent_id"
		elif mcagent_o=$(exportfs -ra 2>&1 </dev/null); then
			printf '%s ok\n' "$mcagent_id"
		else
			mcagent_firstline "$mcagent_o"
			printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
		fi
		;;
	*) mcagent_inval ;;
	esac
}

# tgt ACTION TID ARG...: tgtd targets, LUNs and ACLs
mcagent_tgt() {
	case $2 in '' | 0 | *[!0-9]*) mcagent_inval && return 0 ;; esac
	[ "$2" -le 65535 ] || { mcagent_inval && return 0; }
	mcagent_del=
	mcagent_a3=
	[ $# -ge 3 ] && mcagent_dec "$3" && mcagent_a3=$mcagent_v
	case $1 in
	target-new | target-delete)
		case $mcagent_a3 in iqn.* | eui.*) ;; *) mcagent_inval && return 0 ;; esac
		case $mcagent_a3 in *[!A-Za-z0-9.:-]*) mcagent_inval && return 0 ;; esac
		;;
	lun-new | lun-delete)
		case $mcagent_a3 in '' | 0 | *[!0-9]*) mcagent_inval && return 0 ;; esac
		[ "$mcagent_a3" -le 16383 ] || { mcagent_inval && return 0; }
		;;
	bind | unbind)
		case $mcagent_a3 in '' | *[!0-9A-Fa-f.:/]*) mcagent_inval && return 0 ;; esac
		;;
	*) mcagent_inval && return 0 ;;
	esac
	if ! command -v tgtadm >/dev/null 2>&1; then
		printf '%s fail ENOENT tgtadm\n' "$mcagent_id"
		return 0
	fi
	case $1 in
	target-new) set -- --op new --mode target --tid "$2" -T "$mcagent_a3" ;;
	target-delete)
		if ! mcagent_o=$(tgtadm --lld iscsi --op show --mode target 2>&1 </dev/null); then
			mcagent_firstline "$mcagent_o"
			printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
			return 0
		fi
		mcagent_l=$(printf '%s\n' "$mcagent_o" | grep "^Target $2: ")
		if [ -z "$mcagent_l" ]; then
			printf '%s ok absent\n' "$mcagent_id"
			return 0
		fi
		if [ "$mcagent_l" != "Target $2: $mcagent_a3" ]; then
			printf '%s fail ESTALE\n' "$mcagent_id"
			return 0
		fi
		set -- --op delete --force --mode target --tid "$2"
		;;
	lun-new)
		[ $# -ge 4 ] || { mcagent_inval && return 0; }
		mcagent_dec "$4"
		case $mcagent_v in /*) ;; *) mcagent_inval && return 0 ;; esac
		set -- --op new --mode logicalunit --tid "$2" --lun "$mcagent_a3" -b "$mcagent_v"
		;;
	lun-delete)
		mcagent_del=1
		set -- --op delete --mode logicalunit --tid "$2" --lun "$mcagent_a3"
		;;
	bind) set -- --op bind --mode target --tid "$2" -I "$mcagent_a3" ;;
	unbind)
		mcagent_del=1
		set -- --op unbind --mode target --tid "$2" -I "$mcagent_a3"
		;;
	esac
	if mcagent_o=$(tgtadm --lld iscsi "$@" 2>&1 </dev/null); then
		printf '%s ok\n' "$mcagent_id"
		return 0
	fi
	case $mcagent_del:$mcagent_o in
	1:*"can't find"* | 1:*"No such"*) printf '%s ok absent\n' "$mcagent_id" ;;
	*)
		mcagent_firstline "$mcagent_o"
		printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
		;;
	esac
}

# An image argument: a local absolute path or an nfs:// or iscsi:// URL.
mcagent_image_ok() {
	case $1 in /* | nfs://* | iscsi://*) return 0 ;; esac
	return 1
}

# copy-image FROM FROM_FORMAT TO TO_FORMAT -> ok SECONDS: into an existing target
mcagent_copy_image() {
	mcagent_dec "$1"
	mcagent_f=$mcagent_v
	mcagent_dec "$3"
	mcagent_t=$mcagent_v
	if ! mcagent_image_ok "$mcagent_f" || ! mcagent_image_ok "$mcagent_t"; then
		mcagent_inval
		return 0
	fi
	case $2:$4 in raw:raw | raw:qcow2 | qcow2:raw | qcow2:qcow2) ;; *) mcagent_inval && return 0 ;; esac
	mcagent_s=$(date +%s)
	if mcagent_o=$(qemu-img convert -n -W -f "$2" -O "$4" "$mcagent_f" "$mcagent_t" 2>&1 </dev/null); then
		printf '%s ok %s\n' "$mcagent_id" "$(($(date +%s) - mcagent_s))"
	else
		mcagent_firstline "$mcagent_o"
		printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
	fi
}

# rebase-image IMAGE FORMAT BACKING BACKING_FORMAT: qemu-img rebase -u
mcagent_rebase_image() {
	mcagent_dec "$1"
	mcagent_f=$mcagent_v
	mcagent_dec "$3"
	mcagent_b=$mcagent_v
	mcagent_image_ok "$mcagent_f" || { mcagent_inval && return 0; }
	case $2:$4:$mcagent_b in qcow2:raw:?* | qcow2:qcow2:?*) ;; *) mcagent_inval && return 0 ;; esac
	case $mcagent_b in *"$mcprobe_nl"*) mcagent_inval && return 0 ;; esac
	if mcagent_o=$(qemu-img rebase -u -f "$2" -b "$mcagent_b" -F "$4" "$mcagent_f" 2>&1 </dev/null); then
		printf '%s ok\n' "$mcagent_id"
	else
		mcagent_firstline "$mcagent_o"
		printf '%s fail EIO %s\n' "$mcagent_id" "$mcagent_w"
	fi
}

# mem-rss <uuid> <ram-bytes> [<name>]: the resident part of the guest RAM mapping (read-write,
# not executable, exactly ram-bytes) of the QEMU whose command line has -uuid <uuid> (libvirt's
# pid file of domain <name> first, else every process): "ok RSS_BYTES PID", or fail ENOENT (no
# such QEMU) / ENODATA (no single such mapping).
mcagent_has_uuid() { # PID: does its command line carry -uuid $mcagent_u?
	# The shell's read drops the NUL bytes between the words (no process per candidate):
	# "-uuid" and the UUID end up next to each other.
	mcagent_c=
	IFS= read -r mcagent_c <"/proc/$1/cmdline" 2>/dev/null
	case $mcagent_c in
	*-uuid"$mcagent_u"*) return 0 ;;
	esac
	return 1
}

mcagent_mem_rss() {
	mcagent_dec "$1"
	mcagent_u=$mcagent_v
	mcagent_dec "$2"
	mcagent_r=$mcagent_v
	mcagent_dec "${3-}"
	mcagent_n=$mcagent_v
	case $mcagent_u in '' | *[!0-9a-fA-F-]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	case $mcagent_r in '' | *[!0-9]*)
		printf '%s error EINVAL\n' "$mcagent_id"
		return 0
		;;
	esac
	mcagent_u=$(printf '%s' "$mcagent_u" | tr 'A-F' 'a-f')
	mcagent_pid=
	case $mcagent_n in '' | */* | . | ..) ;;
	*)
		mcagent_p=$(cat "/run/libvirt/qemu/$mcagent_n.pid" 2>/dev/null)
		case $mcagent_p in '' | *[!0-9]*) ;;
		*) mcagent_has_uuid "$mcagent_p" && mcagent_pid=$mcagent_p ;;
		esac
		;;
	esac
	if [ -z "$mcagent_pid" ]; then
		for mcagent_d in /proc/[0-9]*; do
			if mcagent_has_uuid "${mcagent_d#/proc/}"; then
				mcagent_pid=${mcagent_d#/proc/}
				break
			fi
		done
	fi
	if [ -z "$mcagent_pid" ]; then
		printf '%s fail ENOENT\n' "$mcagent_id"
		return 0
	fi
	mcagent_s=$(awk -v want="$((mcagent_r / 1024))" '
		/^[0-9a-f]+-[0-9a-f]+ / { perms = $2; size = -1; next }
		$1 == "Size:" { size = $2; next }
		$1 == "Rss:" && size == want && perms ~ /^rw/ && perms !~ /x/ { n++; rss = $2 * 1024 }
		END { if (n == 1) print rss }
	' "/proc/$mcagent_pid/smaps" 2>/dev/null)
	if [ -n "$mcagent_s" ]; then
		printf '%s ok %s %s\n' "$mcagent_id" "$mcagent_s" "$mcagent_pid"
	else
		printf '%s fail ENODATA\n' "$mcagent_id"
	fi
}

mcagent_main() {
	LC_ALL=C
	export LC_ALL
	PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export PATH
	if [ -n "$MCAGENT_MC" ]; then
		mcagent_dec "$MCAGENT_MC"
		if command -v "$mcagent_v" >/dev/null 2>&1; then
			exec "$mcagent_v" __agent
		fi
	fi
	mcagent_done=
	mcagent_myuid=
	mcagent_mygid=
	printf 'HELLO sh 1 -\n'
	while IFS= read -r mcagent_line; do
		set -f
		IFS=' '
		# shellcheck disable=SC2086 # the words are the request; globbing is off
		set -- $mcagent_line
		unset IFS
		set +f
		[ $# -ge 2 ] || continue
		mcagent_id=$1
		mcagent_op=$2
		shift 2
		mcagent_dispatch "$@"
		[ -z "$mcagent_done" ] || return 0
	done
	return 0
}

# SPDX-License-Identifier: LGPL-2.1-or-later
#
# migcheck's sh probe: the raw sources of a host where migcheck is not installed, in one round
# trip. The same gatherers then read them through mc_source_dump() (src/util/source-dump.c
# documents the output). Built into migcheck (src/remote/probe.c); never installed on a host.
#
# The client sends, on the stdin of `sh -s` over ssh, this file and then
#
#   mcprobe_main <<'MCPROBE_<boundary>'
#   BOUNDARY=<boundary>
#   F <glob>            read every regular file that matches
#   T <glob>            read every regular file that matches, as F does, all of them with one
#                       awk at the end: text only (a NUL byte, and \001 at a file's end, may
#                       not come through)
#   L <glob>            read every symlink that matches (all of them, of every L and R line,
#                       with one readlink at the end)
#   D <glob>            list every directory that matches
#   S <glob>            list, with the sizes of the regular files
#   R <dir>             list as S does, and read every symlink in it as L does; all the R
#                       directories at the end, with one stat and one readlink for all of them
#   H <glob>            sha256 of every regular file that matches (record "C sha256:<path>")
#   C <key> [<arg>...]  one of the fixed commands below
#   END
#   MCPROBE_<boundary>
#
# The spec lines travel as a quoted here-document: dash and busybox sh read their script ahead
# of the commands they run, so a `read` could not take them from the rest of stdin.
#
# Must run under any POSIX sh (dash, busybox sh, bash): no bashisms, no `local`. Input is data
# and is never evaluated: every expansion is quoted, globs are expanded with field splitting
# off, commands come from a fixed list, and their arguments are checked. A glob that matches
# nothing gives nothing; a literal path that cannot be read gives an E record with its errno
# name (best effort, from the tools' messages in the C locale).

mcprobe_nl='
'

mcprobe_hdr() {
	printf '%s%s %s\n' '--' "$mcprobe_b" "$1"
}

# An error record: path (or command key), errno name, the kind of access it answers.
mcprobe_err() {
	printf '%s%s E %s %s %s\n\n' '--' "$mcprobe_b" "$1" "$2" "$3"
}

# The errno name of a tool's error message ($1) in mcprobe_e.
mcprobe_errname() {
	case $1 in
	*'No such file or directory'*) mcprobe_e=ENOENT ;;
	*'Permission denied'*) mcprobe_e=EACCES ;;
	*'Is a directory'*) mcprobe_e=EISDIR ;;
	*'Not a directory'*) mcprobe_e=ENOTDIR ;;
	*'Invalid argument'*) mcprobe_e=EINVAL ;;
	*'No such device or address'*) mcprobe_e=ENXIO ;;
	*'No such device'*) mcprobe_e=ENODEV ;;
	*'Operation not supported'*) mcprobe_e=EOPNOTSUPP ;;
	*'Operation not permitted'*) mcprobe_e=EPERM ;;
	*'No data available'*) mcprobe_e=ENODATA ;;
	*'Too many levels of symbolic links'*) mcprobe_e=ELOOP ;;
	*'Resource temporarily unavailable'*) mcprobe_e=EAGAIN ;;
	*) mcprobe_e=EIO ;;
	esac
}

# Why a literal path ($1) is not what the record needs, in mcprobe_e.
mcprobe_why() {
	if [ -d "$1" ]; then
		mcprobe_e=EISDIR
	elif [ -e "$1" ]; then
		mcprobe_e=EINVAL
	else
		mcprobe_e=ENOENT
	fi
}

# The text of file $1 in mcprobe_c, read by the shell itself: no process per file. Only for
# sysfs attributes and kernel parameters (short text, no NUL byte); nothing read (an empty file, an error) leaves
# mcprobe_c empty and the caller asks cat, which tells the two apart.
mcprobe_slurp() {
	mcprobe_c=
	mcprobe_ln=
	while IFS= read -r mcprobe_ln; do
		mcprobe_c=$mcprobe_c$mcprobe_ln$mcprobe_nl
		mcprobe_ln=
	done 2>/dev/null <"$1"
	mcprobe_c=$mcprobe_c$mcprobe_ln
}

# F: a regular file (symlinks followed, as open() does).
mcprobe_file() {
	if [ -f "$1" ]; then
		# A host has hundreds of sysfs attributes to read: a cat for each costs seconds.
		case $1 in
		/sys/* | /proc/sys/*)
			mcprobe_slurp "$1"
			if [ -n "$mcprobe_c" ]; then
				mcprobe_hdr "F $1"
				printf '%s\n' "$mcprobe_c"
				return 0
			fi
			;;
		esac
		mcprobe_hdr "F $1"
		if cat -- "$1" 2>/dev/null; then
			echo
		else
			# A later E record for the same path wins over the partial F record.
			echo
			mcprobe_m=$(cat -- "$1" 2>&1 >/dev/null)
			mcprobe_errname "$mcprobe_m"
			mcprobe_err "$1" "$mcprobe_e" F
		fi
	elif [ "$2" = 1 ]; then
		mcprobe_why "$1"
		mcprobe_err "$1" "$mcprobe_e" F
	fi
}

# T: a regular file, read with the others at the end (mcprobe_texts); what cannot be read
# takes mcprobe_file's way now, for its E record.
mcprobe_text() {
	if [ -f "$1" ] && [ -r "$1" ]; then
		mcprobe_tq=$mcprobe_tq$1$mcprobe_nl
	else
		mcprobe_file "$1" "$2"
	fi
}

# The T files, as F records, by one awk: a cat for each costs more than the reading (a host has
# a dozen config and /proc/net files). Records are \001-separated for awk, so newlines, the last
# one too, come through as they are. Without awk, or should it fail, a cat for each.
mcprobe_texts() {
	[ -n "$mcprobe_tq" ] || return 0
	set -f
	IFS=$mcprobe_nl
	# shellcheck disable=SC2086 # one path per line, globbing off
	set -- $mcprobe_tq
	unset IFS
	set +f
	mcprobe_tq=
	if command -v awk >/dev/null 2>&1 && awk -v b="$mcprobe_b" 'BEGIN {
		RS = "\001"
		for (i = 1; i < ARGC; i++) {
			f = ARGV[i]
			n = 0
			printf "--%s F %s\n", b, f
			while ((r = (getline l < f)) > 0)
				printf "%s%s", (n++ ? "\001" : ""), l
			printf "\n"
			if (r < 0)
				printf "--%s E %s EIO F\n\n", b, f
			close(f)
		}
	}' "$@" </dev/null 2>/dev/null; then
		return 0
	fi
	for mcprobe_f in "$@"; do
		mcprobe_file "$mcprobe_f" 1
	done
}

# L: a symbolic link's target.
mcprobe_link() {
	if [ -L "$1" ]; then
		if mcprobe_t=$(readlink -- "$1" 2>/dev/null) && [ -n "$mcprobe_t" ]; then
			:
		elif mcprobe_t=$(ls -ld -- "$1" 2>/dev/null) && [ "${mcprobe_t#*" -> "}" != "$mcprobe_t" ]; then
			mcprobe_t=${mcprobe_t#*" -> "}
		else
			mcprobe_err "$1" EIO L
			return 0
		fi
		mcprobe_hdr "L $1"
		printf '%s\n' "$mcprobe_t"
	elif [ "$2" = 1 ]; then
		if [ -e "$1" ]; then
			mcprobe_err "$1" EINVAL L
		else
			mcprobe_err "$1" ENOENT L
		fi
	fi
}

# L for every path given (all symbolic links): one readlink for all of them where it takes
# several (coreutils; busybox's takes one) and answers a line for each, else one at a time.
mcprobe_links() {
	if [ $# -gt 1 ] && mcprobe_t=$(readlink -- "$@" 2>/dev/null); then
		mcprobe_t=$mcprobe_t$mcprobe_nl
		mcprobe_n=0
		mcprobe_r=$mcprobe_t
		while [ -n "$mcprobe_r" ]; do
			mcprobe_r=${mcprobe_r#*"$mcprobe_nl"}
			mcprobe_n=$((mcprobe_n + 1))
		done
		if [ "$mcprobe_n" = $# ]; then
			for mcprobe_f in "$@"; do
				mcprobe_l=${mcprobe_t%%"$mcprobe_nl"*}
				mcprobe_t=${mcprobe_t#*"$mcprobe_nl"}
				if [ -n "$mcprobe_l" ]; then
					mcprobe_hdr "L $mcprobe_f"
					printf '%s\n' "$mcprobe_l"
				else
					mcprobe_link "$mcprobe_f" 0
				fi
			done
			return 0
		fi
	fi
	for mcprobe_f in "$@"; do
		mcprobe_link "$mcprobe_f" 0
	done
}

# D, S and R: each directory's entries as "<t> <size> <name>" (t: f d l o; size -1 unless S or
# R and a regular file), as one D record per directory. mcprobe_list LIT SIZES LINKS DIR...: the
# sizes of all the directories' regular files come from one `stat` (or `wc -c`), and with LINKS
# their symbolic links join the queue of links read at the end (L records, one readlink for
# all): a process costs more than the listing on a loaded host, and a host has a dozen firmware
# directories.
mcprobe_list() {
	mcprobe_lit=$1
	mcprobe_ws=$2
	mcprobe_wl=$3
	shift 3
	mcprobe_ds=
	for mcprobe_d in "$@"; do
		if [ ! -d "$mcprobe_d" ]; then
			if [ "$mcprobe_lit" = 1 ]; then
				if [ -e "$mcprobe_d" ]; then
					mcprobe_err "$mcprobe_d" ENOTDIR D
				else
					mcprobe_err "$mcprobe_d" ENOENT D
				fi
			fi
			continue
		fi
		if [ ! -r "$mcprobe_d" ] || [ ! -x "$mcprobe_d" ]; then
			mcprobe_err "$mcprobe_d" EACCES D
			continue
		fi
		case $mcprobe_d in
		*"$mcprobe_nl"*) continue ;;
		esac
		mcprobe_ds=$mcprobe_ds$mcprobe_d$mcprobe_nl
	done
	# The regular files (for their sizes) and the symbolic links of all of them.
	set --
	mcprobe_ls=
	mcprobe_sizes=
	set -f
	IFS=$mcprobe_nl
	for mcprobe_d in $mcprobe_ds; do
		IFS=
		set +f
		mcprobe_pre=${mcprobe_d%/}
		for mcprobe_f in "$mcprobe_pre"/* "$mcprobe_pre"/.[!.]* "$mcprobe_pre"/..?*; do
			case $mcprobe_f in
			*"$mcprobe_nl"*) continue ;;
			esac
			if [ -L "$mcprobe_f" ]; then
				[ "$mcprobe_wl" = 1 ] && mcprobe_ls=$mcprobe_ls$mcprobe_f$mcprobe_nl
			elif [ "$mcprobe_ws" = 1 ] && [ -f "$mcprobe_f" ]; then
				set -- "$@" "$mcprobe_f"
			fi
		done
	done
	IFS=
	set +f
	if [ $# -gt 0 ]; then
		# stat reads no data (busybox's wc reads whole firmware images); POSIX wc if no stat.
		mcprobe_sizes=$(stat -c '%s %n' -- "$@" 2>/dev/null)
		[ -n "$mcprobe_sizes" ] || mcprobe_sizes=$(wc -c -- "$@" 2>/dev/null)
		mcprobe_sizes=$mcprobe_sizes$mcprobe_nl
	fi
	set -f
	IFS=$mcprobe_nl
	for mcprobe_d in $mcprobe_ds; do
		IFS=
		set +f
		mcprobe_pre=${mcprobe_d%/}
		mcprobe_hdr "D $mcprobe_d"
		for mcprobe_f in "$mcprobe_pre"/* "$mcprobe_pre"/.[!.]* "$mcprobe_pre"/..?*; do
			if [ -L "$mcprobe_f" ]; then
				mcprobe_t=l
			elif [ -f "$mcprobe_f" ]; then
				mcprobe_t=f
			elif [ -d "$mcprobe_f" ]; then
				mcprobe_t=d
			elif [ -e "$mcprobe_f" ]; then
				mcprobe_t=o
			else
				continue
			fi
			case $mcprobe_f in
			*"$mcprobe_nl"*) continue ;;
			esac
			mcprobe_s=-1
			if [ "$mcprobe_t" = f ] && [ "$mcprobe_ws" = 1 ]; then
				# stat's (or wc's) lines come in argument order: "<spaces><size> <path>".
				mcprobe_l=${mcprobe_sizes%%"$mcprobe_nl"*}
				mcprobe_l=${mcprobe_l#"${mcprobe_l%%[! ]*}"}
				if [ -n "$mcprobe_l" ] && [ "${mcprobe_l#* }" = "$mcprobe_f" ]; then
					mcprobe_s=${mcprobe_l%% *}
					mcprobe_sizes=${mcprobe_sizes#*"$mcprobe_nl"}
				else
					# Out of step (a name the tool quoted, a file it could not read): ask alone.
					mcprobe_s=$(stat -c '%s' -- "$mcprobe_f" 2>/dev/null) ||
						mcprobe_s=$(wc -c <"$mcprobe_f" 2>/dev/null) || mcprobe_s=-1
					mcprobe_s=${mcprobe_s#"${mcprobe_s%%[! ]*}"}
				fi
				case $mcprobe_s in
				'' | *[!0-9]*) mcprobe_s=-1 ;;
				esac
			fi
			printf '%s %s %s\n' "$mcprobe_t" "$mcprobe_s" "${mcprobe_f##*/}"
		done
		echo
	done
	IFS=
	set +f
	# Read with every other link at the end (mcprobe_main).
	mcprobe_lq=$mcprobe_lq$mcprobe_ls
}

# H: sha256 of a regular file, as the output of a command keyed "sha256:<path>".
mcprobe_hash() {
	if [ -f "$1" ]; then
		mcprobe_o=$(sha256sum -- "$1" 2>/dev/null)
		mcprobe_r=$?
		mcprobe_hdr "C sha256:$1 $mcprobe_r"
		printf '%s\n' "${mcprobe_o%% *}"
	elif [ "$2" = 1 ]; then
		mcprobe_why "$1"
		mcprobe_err "sha256:$1" "$mcprobe_e" C
	fi
}

# The first executable $1 in PATH, in mcprobe_w. By path, so that busybox sh runs the real
# program rather than an applet of the same name (busybox's rpm knows no --qf).
mcprobe_which() {
	mcprobe_w=
	set -f
	IFS=:
	# shellcheck disable=SC2086 # split PATH on ':', globbing off
	for mcprobe_dir in $PATH; do
		case $mcprobe_dir in
		/*) ;;
		*) continue ;;
		esac
		if [ -f "$mcprobe_dir/$1" ] && [ -x "$mcprobe_dir/$1" ]; then
			mcprobe_w=$mcprobe_dir/$1
			break
		fi
	done
	unset IFS
	set +f
}

# Run a command; record its exit status and its exact output (NUL bytes aside).
mcprobe_run() {
	mcprobe_k=$1
	shift
	mcprobe_which "$1"
	if [ -z "$mcprobe_w" ]; then
		mcprobe_hdr "C $mcprobe_k 127"
		echo
		return 0
	fi
	shift
	set -- "$mcprobe_w" "$@"
	mcprobe_o=$(
		"$@" </dev/null 2>/dev/null
		mcprobe_r=$?
		echo x
		exit "$mcprobe_r"
	)
	mcprobe_r=$?
	mcprobe_hdr "C $mcprobe_k $mcprobe_r"
	printf '%s\n' "${mcprobe_o%x}"
}

# dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' NAME...
# answered from dpkg's database in the admin directory $1 by one awk, read as dpkg-query reads
# it: the status file, then the journal of an unfinished dpkg run (updates/NNNN, in order), a
# later record of a package (name and architecture) replacing an earlier one; a record for
# each name and architecture found, whatever its state, and dpkg-query's exit status (1 when a
# name matched no record). dpkg-query costs a loaded host a tenth of a second, the awk a
# fraction of it. Returns 1 without printing anything when it cannot answer so (no awk, a file
# it cannot read, a record of a named package it does not understand): dpkg-query then.
mcprobe_dpkg() {
	mcprobe_d=$1
	shift
	if [ ! -f "$mcprobe_d/status" ] || [ ! -r "$mcprobe_d/status" ] ||
		! command -v awk >/dev/null 2>&1; then
		return 1
	fi
	mcprobe_a=
	for mcprobe_f in "$@"; do
		mcprobe_a="$mcprobe_a $mcprobe_f"
	done
	set -- "$mcprobe_d/status"
	for mcprobe_f in "$mcprobe_d"/updates/*; do
		case ${mcprobe_f##*/} in
		'' | *[!0-9]*) ;;
		*)
			[ -f "$mcprobe_f" ] && [ -r "$mcprobe_f" ] || return 1
			set -- "$@" "$mcprobe_f"
			;;
		esac
	done
	# shellcheck disable=SC2016 # awk's own $0, not the shell's
	mcprobe_o=$(
		awk -v names="$mcprobe_a" '
		function record(   s, n, a) {
			if (have && (p in want)) {
				n = split(st, s, " ")
				if (n != 3 || !(s[1] in ws) || !(s[2] in es) || !(s[3] in ss) || ver ~ /[ \t]/)
					bad = 1
				a = ws[s[1]] ss[s[3]] es[s[2]]
				key = p SUBSEP ar
				if (!(key in line))
					keys[++nk] = key
				line[key] = p "\t" ver "\t" ar "\t" a
				found[p] = 1
			}
			have = 0
			p = ver = ar = st = ""
			ours = 1 # no field yet: a continuation line is malformed
		}
		BEGIN {
			n = split(names, w, " ")
			for (i = 1; i <= n; i++)
				want[w[i]] = 1
			ws["unknown"] = "u"; ws["install"] = "i"; ws["hold"] = "h"
			ws["deinstall"] = "r"; ws["purge"] = "p"
			es["ok"] = " "; es["reinstreq"] = "R"
			ss["not-installed"] = "n"; ss["config-files"] = "c"; ss["half-installed"] = "H"
			ss["unpacked"] = "U"; ss["half-configured"] = "F"; ss["triggers-awaited"] = "W"
			ss["triggers-pending"] = "t"; ss["installed"] = "i"
		}
		FNR == 1 { record() }
		$0 == "" { record(); next }
		/^[ \t]/ {
			# A continuation line: of a field of ours (or of none), or a blank line that is
			# not empty.
			if (ours || $0 ~ /^[ \t]+$/)
				bad = 1
			next
		}
		# One of our fields (the name is case-insensitive), read in full; any other field
		# only needs a name (most of the file: a regular expression is cheaper than cutting
		# every line).
		/^([Pp][Aa][Cc][Kk][Aa][Gg][Ee]|[Vv][Ee][Rr][Ss][Ii][Oo][Nn]|[Aa][Rr][Cc][Hh][Ii][Tt][Ee][Cc][Tt][Uu][Rr][Ee]|[Ss][Tt][Aa][Tt][Uu][Ss]):/ {
			i = index($0, ":")
			k = tolower(substr($0, 1, i - 1))
			v = substr($0, i + 1)
			sub(/^[ \t]+/, "", v)
			sub(/[ \t]+$/, "", v)
			have = 1
			ours = 1
			if (k == "package") p = v
			else if (k == "version") ver = v
			else if (k == "architecture") ar = v
			else st = v
			next
		}
		index($0, ":") < 2 { bad = 1; next }
		{ have = 1; ours = 0 }
		END {
			record()
			if (bad)
				exit 2
			for (i = 1; i <= nk; i++)
				printf "%s\n", line[keys[i]]
			for (i = 1; i <= n; i++)
				if (!(w[i] in found))
					miss = 1
			printf "x"
			exit miss
		}' "$@" </dev/null 2>/dev/null
	)
	mcprobe_r=$?
	case $mcprobe_r:$mcprobe_o in
	[01]:*x) ;;
	*) return 1 ;;
	esac
	mcprobe_hdr "C dpkg-query $mcprobe_r"
	printf '%s\n' "${mcprobe_o%x}"
}

# C: the fixed commands. Package names must be [A-Za-z0-9.+_-], starting with a letter or digit.
mcprobe_cmd() {
	mcprobe_k=$1
	shift
	case $mcprobe_k in
	dpkg-query | rpm)
		for mcprobe_a in "$@"; do
			case $mcprobe_a in
			[A-Za-z0-9]*) ;;
			*)
				mcprobe_err "$mcprobe_k" EINVAL C
				return 0
				;;
			esac
			case $mcprobe_a in
			*[!A-Za-z0-9.+_-]*)
				mcprobe_err "$mcprobe_k" EINVAL C
				return 0
				;;
			esac
		done
		;;
	hostname-f | uname-m | tgtadm-targets)
		if [ $# -gt 0 ]; then
			mcprobe_err "$mcprobe_k" EINVAL C
			return 0
		fi
		;;
	*)
		mcprobe_err "$mcprobe_k" EOPNOTSUPP C
		return 0
		;;
	esac
	case $mcprobe_k in
	dpkg-query)
		# The running kernel's package, as mc_os_dpkg_argv() adds it.
		mcprobe_kr=
		IFS= read -r mcprobe_kr </proc/sys/kernel/osrelease 2>/dev/null
		case $mcprobe_kr in
		'' | *[!A-Za-z0-9.+_-]*) ;;
		*) set -- "$@" "linux-image-$mcprobe_kr" "linux-image-unsigned-$mcprobe_kr" ;;
		esac
		mcprobe_dpkg /var/lib/dpkg "$@" && return 0
		# shellcheck disable=SC2016 # dpkg-query's own ${field} syntax, not the shell's
		mcprobe_run dpkg-query dpkg-query -W \
			-f '${Package}\t${Version}\t${Architecture}\t${db:Status-Abbrev}\n' "$@"
		;;
	rpm)
		# Only where mc_os_gather reads the answer (no dpkg status file, an rpm database
		# directory); no record otherwise. On a Debian host with the rpm tool installed, rpm
		# starts a login shell to find a per-user database: a second of a loaded host's time.
		if [ ! -f /var/lib/dpkg/status ] && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then
			mcprobe_run rpm rpm -q --qf '%{NAME}\t%{EPOCH}:%{VERSION}-%{RELEASE}\t%{ARCH}\n' "$@"
		fi
		;;
	hostname-f)
		mcprobe_run hostname-f hostname -f
		;;
	uname-m)
		# The kernel says it in /proc/sys/kernel/arch (Linux 5.10 and later): no process.
		mcprobe_slurp /proc/sys/kernel/arch
		case $mcprobe_c in
		?*"$mcprobe_nl")
			mcprobe_hdr "C uname-m 0"
			printf '%s\n' "$mcprobe_c"
			;;
		*) mcprobe_run uname-m uname -m ;;
		esac
		;;
	tgtadm-targets)
		mcprobe_run tgtadm-targets tgtadm --lld iscsi --op show --mode target
		;;
	esac
}

mcprobe_main() {
	LC_ALL=C
	export LC_ALL
	PATH=$PATH:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	export PATH
	IFS= read -r mcprobe_line || return 2
	case $mcprobe_line in
	BOUNDARY=*) mcprobe_b=${mcprobe_line#BOUNDARY=} ;;
	*)
		echo 'migcheck probe: no boundary on the first line' >&2
		return 2
		;;
	esac
	case $mcprobe_b in
	'' | *[!A-Za-z0-9]*)
		echo 'migcheck probe: invalid boundary' >&2
		return 2
		;;
	esac
	if [ "${#mcprobe_b}" -lt 8 ] || [ "${#mcprobe_b}" -gt 64 ]; then
		echo 'migcheck probe: invalid boundary' >&2
		return 2
	fi
	printf 'MCPROBE 1 %s\n' "$mcprobe_b"
	mcprobe_rs=
	mcprobe_tq=
	mcprobe_lq=
	while IFS= read -r mcprobe_line; do
		case $mcprobe_line in
		END) break ;;
		'F '?* | 'T '?* | 'L '?* | 'D '?* | 'S '?* | 'H '?* | 'C '?*) ;;
		'R '/*)
			# All together at the end (one stat and one readlink for all): literal paths only.
			case $mcprobe_line in
			*'*'* | *'?'* | *'['* | *"$mcprobe_nl"*) ;;
			*) mcprobe_rs=$mcprobe_rs${mcprobe_line#R }$mcprobe_nl ;;
			esac
			continue
			;;
		*) continue ;;
		esac
		mcprobe_kind=${mcprobe_line%% *}
		mcprobe_arg=${mcprobe_line#? }
		if [ "$mcprobe_kind" = C ]; then
			set -f
			IFS=' '
			# shellcheck disable=SC2086 # splitting the words is the point; globbing is off
			set -- $mcprobe_arg
			IFS=
			set +f
			[ $# -gt 0 ] && mcprobe_cmd "$@"
			continue
		fi
		case $mcprobe_arg in
		*'*'* | *'?'* | *'['*) mcprobe_lit=0 ;;
		*) mcprobe_lit=1 ;;
		esac
		set +f
		IFS=
		if [ "$mcprobe_kind" = L ]; then
			# shellcheck disable=SC2086 # pathname expansion with field splitting off (IFS empty)
			for mcprobe_p in $mcprobe_arg; do
				# /dev/fd/N: this shell's own descriptors, which no other process has (its
				# readlink would fail, and the one readlink for all with it): no host fact.
				case $mcprobe_p in
				*"$mcprobe_nl"* | /dev/fd/*) continue ;;
				esac
				if [ -L "$mcprobe_p" ]; then
					mcprobe_lq=$mcprobe_lq$mcprobe_p$mcprobe_nl
				elif [ "$mcprobe_lit" = 1 ]; then
					mcprobe_link "$mcprobe_p" 1
				fi
			done
			unset IFS
			continue
		fi
		# shellcheck disable=SC2086 # pathname expansion with field splitting off (IFS empty)
		for mcprobe_p in $mcprobe_arg; do
			if [ "$mcprobe_lit" = 0 ] && [ ! -e "$mcprobe_p" ] && [ ! -L "$mcprobe_p" ]; then
				continue
			fi
			case $mcprobe_p in
			*"$mcprobe_nl"*) continue ;;
			esac
			case $mcprobe_kind in
			F) mcprobe_file "$mcprobe_p" "$mcprobe_lit" ;;
			T) mcprobe_text "$mcprobe_p" "$mcprobe_lit" ;;
			L) mcprobe_link "$mcprobe_p" "$mcprobe_lit" ;;
			D) mcprobe_list "$mcprobe_lit" 0 0 "$mcprobe_p" ;;
			S) mcprobe_list "$mcprobe_lit" 1 0 "$mcprobe_p" ;;
			H) mcprobe_hash "$mcprobe_p" "$mcprobe_lit" ;;
			esac
		done
		unset IFS
	done
	if [ -n "$mcprobe_rs" ]; then
		set -f
		IFS=$mcprobe_nl
		# shellcheck disable=SC2086 # one path per line, globbing off
		set -- $mcprobe_rs
		unset IFS
		set +f
		mcprobe_list 1 1 1 "$@"
		unset IFS
	fi
	mcprobe_texts
	if [ -n "$mcprobe_lq" ]; then
		set -f
		IFS=$mcprobe_nl
		# shellcheck disable=SC2086 # one path per line, globbing off
		set -- $mcprobe_lq
		unset IFS
		set +f
		mcprobe_lq=
		mcprobe_links "$@"
	fi
	printf '%s%s END\n' '--' "$mcprobe_b"
	return 0
}

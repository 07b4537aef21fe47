#!/bin/bash
# The command line's contract: a report that cannot be written is a failure (exit non-zero,
# a message on stderr), usage errors exit 2, and `cmake --install` puts the binary, every man
# page and the three completions where distributions expect them.
# Usage: cli.sh MIGCHECK BUILD_DIR SOURCE_DIR
set -euo pipefail
M=$(realpath "$1")
BUILD=$2
SRC=$3
rc=0
fail() {
	echo "cli: $*" >&2
	rc=1
}
expect_exit() { # want, then the command
	local want=$1 got
	shift
	set +e
	"$@" >/dev/null 2>"$tmp/err"
	got=$?
	set -e
	[[ $got == "$want" ]] || fail "'$*' exited $got, expected $want ($(head -c 200 "$tmp/err"))"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# stdout write errors (git's run_builtin): every verb that prints.
for args in "facts --root $SRC/tests/data/hosts/rhel9 --no-virt" "rules" "--version" "--help" \
	"rules --format json"; do
	set +e
	# shellcheck disable=SC2086 # the words are the arguments
	"$M" $args >/dev/full 2>"$tmp/err"
	got=$?
	set -e
	[[ $got != 0 ]] || fail "'migcheck $args > /dev/full' exited 0"
	grep -q "cannot write to standard output" "$tmp/err" ||
		fail "'migcheck $args > /dev/full' did not say why: $(cat "$tmp/err")"
done
expect_exit 2 "$M" check onlyone
expect_exit 2 "$M" facts --format yaml
expect_exit 2 "$M" --color=sometimes rules
expect_exit 2 "$M" rules no.such-rule
expect_exit 2 "$M" check --src-facts /nonexistent --dst-facts /nonexistent
expect_exit 2 "$M" check "-oProxyCommand=x" b vm
expect_exit 0 "$M" rules vm.state

# A reader that goes away is not an error to complain about ("migcheck rules --format man |
# head"): the write end of a pipe whose read end is already closed, so the first write fails.
for args in "rules --format man" "rules" "--help"; do
	# shellcheck disable=SC2086 # the words are the arguments
	perl -e 'pipe(my $r, my $w) or die; close $r; open(STDOUT, ">&", $w) or die; exec @ARGV' \
		"$M" $args 2>"$tmp/err" || true
	[[ ! -s $tmp/err ]] || fail "'migcheck $args' into a closed pipe complained: $(cat "$tmp/err")"
done

# facts prints the snapshot it could make, says on stderr what failed, and exits non-zero when
# what was asked for is missing: libvirt unreachable (3), a domain libvirt does not have (2, as
# for check). The domain case uses libvirt's built-in test driver (test:///default), the
# unreachable one a socket that does not exist.
facts_case() { # want-rc stderr-pattern errno-in-snapshot args...
	local want=$1 pat=$2 errno=$3 got
	shift 3
	set +e
	"$M" facts --root "$SRC/tests/data/hosts/rhel9" --name x "$@" >"$tmp/facts.xml" 2>"$tmp/err"
	got=$?
	set -e
	[[ $got == "$want" ]] || fail "'migcheck facts $*' exited $got, expected $want"
	grep -q "$pat" "$tmp/err" || fail "'migcheck facts $*' did not say '$pat' on stderr: $(cat "$tmp/err")"
	grep -q '^<migcheck-facts version="1"' "$tmp/facts.xml" ||
		fail "'migcheck facts $*' printed no snapshot"
	if [[ -n $errno ]]; then
		grep -q "<fact-error area=\"virt\" errno=\"$errno\"" "$tmp/facts.xml" ||
			fail "'migcheck facts $*' did not record errno $errno: $(grep fact-error "$tmp/facts.xml")"
	fi
}
facts_case 3 "cannot connect to 'qemu+unix:///system?socket=/nonexistent/sock'.*No such file" ENOENT \
	--connect 'qemu+unix:///system?socket=/nonexistent/sock'
facts_case 3 "the snapshot has no libvirt facts and no domain" ENOENT \
	--connect 'qemu+unix:///system?socket=/nonexistent/sock' --vm web1
facts_case 2 "cannot find domain 'nosuchvm'" "" --connect test:///default --vm nosuchvm
facts_case 0 "could not be gathered" "" --connect test:///default --vm test
grep -q '<domain ' "$tmp/facts.xml" || fail "'migcheck facts --vm test' has no domain"

# 'migcheck version' is 'migcheck --version'.
[[ $("$M" version) == "$("$M" --version)" && $("$M" version) == "migcheck "* ]] ||
	fail "'migcheck version' does not print what 'migcheck --version' prints"

# On a terminal, the text report wraps at the terminal's width (here 80 columns, COLUMNS
# unset): the same as the golden CLI case width-80, which gives COLUMNS=80 to a pipe.
if command -v script >/dev/null; then
	(cd "$SRC/tests/golden/cases" && env -u COLUMNS -u NO_COLOR LC_ALL=C.UTF-8 TZ=UTC \
		script -qec "stty cols 80 rows 40; $M check --src-facts local-disk/src.xml \
		--dst-facts local-disk/dst.xml --policy= --color=never" /dev/null </dev/null |
		tr -d '\r' >"$tmp/tty.out") || true # exit status 1: the case is blocked
	diff -u "$SRC/tests/cli/expected/width-80.out" "$tmp/tty.out" >&2 ||
		fail "the report on an 80-column terminal is not wrapped at 80 columns"
else
	fail "script (util-linux) is not installed"
fi

# Installation.
DESTDIR="$tmp/root" cmake --install "$BUILD" --prefix /usr >/dev/null
for f in usr/bin/migcheck usr/share/man/man1/migcheck.1 usr/share/man/man5/migcheck-facts.5 \
	usr/share/man/man5/migcheck-policy.5 usr/share/man/man7/migcheck-rules.7 \
	usr/share/bash-completion/completions/migcheck usr/share/zsh/vendor-completions/_migcheck \
	usr/share/fish/vendor_completions.d/migcheck.fish; do
	[[ -s $tmp/root/$f ]] || fail "cmake --install did not install $f"
done
"$tmp/root/usr/bin/migcheck" --version | grep -q '^migcheck ' || fail "the installed binary does not run"
exit $rc

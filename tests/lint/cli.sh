#!/bin/bash
# The command line's contract: a report that cannot be written is a failure (exit non-zero,
# a message on stderr), usage errors exit 2, and `cmake --install` puts the binary, every man
# page and the three completions where distributions expect them.
# Usage: cli.sh MIGCHECK BUILD_DIR SOURCE_DIR
set -euo pipefail
M=$1
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

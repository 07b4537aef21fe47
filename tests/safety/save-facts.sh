#!/bin/bash
# --save-facts DIR writes into a directory that is the user's own and never through a symlink
# planted there (migcheck often runs as root): a planted src.xml/pair.xml symlink is replaced,
# not followed; another user's directory, a world-writable one, or DIR itself a symlink is
# refused as bad input (exit 2, before any host is reached) and nothing is written.
# Usage: save-facts.sh MIGCHECK GOLDEN_CASES_DIR
set -euo pipefail
M=$1
CASE=$2/base
tmp=$(mktemp -d /tmp/migcheck-save-facts.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "save-facts: FAIL: $*" >&2
	exit 1
}
victim=$tmp/victim
echo original >"$victim"
check() { "$M" check --src-facts "$CASE/src.xml" --dst-facts "$CASE/dst.xml" --save-facts "$1" >/dev/null 2>"$tmp/err"; }

# Our own directory with symlinks planted at the names migcheck writes.
mkdir "$tmp/own"
ln -s "$victim" "$tmp/own/src.xml"
ln -s "$victim" "$tmp/own/pair.xml"
check "$tmp/own" || true
[[ $(cat "$victim") == original ]] || fail "a planted symlink was followed: $(head -c 80 "$victim")"
for f in src.xml dst.xml pair.xml; do
	[[ -f $tmp/own/$f && ! -L $tmp/own/$f ]] || fail "$f was not written as a file of its own"
done
"$M" check --src-facts "$tmp/own/src.xml" --dst-facts "$tmp/own/dst.xml" \
	--pair-facts "$tmp/own/pair.xml" >/dev/null || [[ $? == 1 ]] || fail "the saved snapshots do not read back"
[[ -z $(find "$tmp/own" -name '.*' -type f) ]] || fail "temporary files left: $(ls -a "$tmp/own")"

# A new directory is created private.
check "$tmp/new"
[[ $(stat -c %a "$tmp/new") == 700 ]] || fail "a new directory is not private: $(stat -c %a "$tmp/new")"

# A world-writable directory (like /tmp itself): refused, nothing written.
mkdir -m 1777 "$tmp/shared"
chmod 1777 "$tmp/shared"
ln -s "$victim" "$tmp/shared/src.xml"
rc=0
check "$tmp/shared" || rc=$?
[[ $rc == 2 ]] || fail "a world-writable directory: exit $rc, expected 2"
grep -q "belong to you" "$tmp/err" || fail "no clear message: $(cat "$tmp/err")"
[[ $(cat "$victim") == original && ! -e $tmp/shared/pair.xml ]] || fail "written into a world-writable directory"

# DIR itself a symlink: refused.
ln -s "$tmp/own" "$tmp/link"
rc=0
check "$tmp/link" || rc=$?
[[ $rc == 2 ]] || fail "DIR a symlink: exit $rc, expected 2"

# Another user's directory (root can make one): refused.
if [[ $(id -u) == 0 ]]; then
	mkdir "$tmp/other"
	chown 65534:65534 "$tmp/other"
	rc=0
	check "$tmp/other" || rc=$?
	[[ $rc == 2 ]] || fail "another user's directory: exit $rc, expected 2"
	[[ -z $(ls -A "$tmp/other") ]] || fail "written into another user's directory"
fi
# cluster --save-facts: the same directory checks, before any host is reached (the address
# below answers nothing; a refusal that came after gathering would take the whole timeout).
for d in "$tmp/shared" "$tmp/link"; do
	rc=0
	timeout 60 "$M" cluster --save-facts "$d" --timeout 30 169.254.42.99 169.254.42.98 \
		>/dev/null 2>"$tmp/err" || rc=$?
	[[ $rc == 2 ]] || fail "cluster --save-facts $d: exit $rc, expected 2: $(cat "$tmp/err")"
done
[[ $(cat "$victim") == original && ! -e $tmp/shared/169.254.42.99.xml ]] ||
	fail "cluster wrote into a world-writable directory"
echo "save-facts: PASS"

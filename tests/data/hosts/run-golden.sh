#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Golden test of one recorded host: run-golden.sh MIGCHECK FIXTURE
#   `migcheck facts --root FIXTURE --no-virt` must exit 0, print nothing on stderr but the warning
#   that some facts could not be gathered (no /proc, /sys in a fixture), and print
#   FIXTURE.expected.xml on stdout once the generation timestamp and version are masked.
# MIGCHECK_TEST_REGENERATE=1 rewrites FIXTURE.expected.xml instead: review the diff.
set -u
migcheck=$(readlink -f "$1")
name=$2
cd "$(dirname "$0")" || exit 1
expected=$name.expected.xml
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

"$migcheck" facts --root "$name" --no-virt >"$out" 2>"$err"
rc=$?
sed -i -e 's/ generated="[^"]*"/ generated="TIMESTAMP"/' \
	-e 's/ generator="migcheck [^"]*"/ generator="migcheck VERSION"/' "$out"
status=0
if [ "$rc" -ne 0 ]; then
	echo "FAIL: exit status $rc, expected 0"
	status=1
fi
# A fixture has no /proc or /sys: the one warning that says some facts are missing is expected.
if grep -v -E '^migcheck: warning: [0-9]+ facts? could not be gathered \(' "$err" | grep -q .; then
	echo "FAIL: unexpected stderr:"
	cat "$err"
	status=1
fi
if [ "${MIGCHECK_TEST_REGENERATE:-0}" = 1 ]; then
	[ "$status" -eq 0 ] || exit "$status"
	cp "$out" "$expected"
	echo "regenerated $expected: review it with git diff"
	exit "$status"
fi
if ! diff -u "$expected" "$out"; then
	echo "FAIL: output differs from $expected (MIGCHECK_TEST_REGENERATE=1 rewrites it for review)"
	status=1
fi
exit "$status"

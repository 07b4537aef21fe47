#!/bin/bash
# A generated cluster of 30 hosts and 150 domains (rare events made common) judged with
# --verify: every cell judged on its own as check judges it must agree with what the
# equivalence classes gave (exit 0); any difference is reported and exits 3.
# usage: verify.sh MIGCHECK GEN-CLUSTER CASES-DIR SEED
set -euo pipefail
m=$1 gen=$2 cases=$3 seed=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" --seed "$seed" --hosts 30 --vms 5 --rare 4 --specials --cases "$cases" --out "$tmp/facts"
rc=0
"$m" cluster --facts "$tmp/facts" --policy= --verify -v >"$tmp/out" 2>"$tmp/err" || rc=$?
cat "$tmp/err" >&2
# exit 3 is also what an unreachable host gives: the verification says which it was
if grep -q 'differ from their class' "$tmp/err"; then
	exit 1
fi
grep -q -- '--verify: every one of 4350 cells judged on its own agrees' "$tmp/err"
[[ $rc -eq 0 || $rc -eq 3 ]]

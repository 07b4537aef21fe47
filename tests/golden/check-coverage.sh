#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every rule of the table has a golden case where it passes and one where it
# finds a problem (FAIL or WARN; UNKNOWN for host.reachable), in all three formats (run-golden.sh runs
# each case in text, JSON and JUnit). The rule ids come from the binary
# (migcheck rules --format json), the statuses from the expected JSON output.
#
#   check-coverage.sh MIGCHECK GOLDEN_DIR
set -u
migcheck=$1
golden=$2

mapfile -t ids < <("$migcheck" rules --format json | sed -n 's/^    "id": "\(.*\)",$/\1/p')
if ((${#ids[@]} == 0)); then
    echo "coverage: 'migcheck rules --format json' listed no rules" >&2
    exit 1
fi

# "rule status" for every finding of every expected JSON output.
seen=$(awk '/^      "rule": "/ { r = $2; gsub(/[",]/, "", r) }
            /^      "status": "/ { s = $2; gsub(/[",]/, "", s); print r, s }' \
    "$golden"/expected/*.json.out | sort -u)

missing=0
for id in "${ids[@]}"; do
    if ! grep -qx "$id pass" <<<"$seen"; then
        echo "coverage: no golden case where rule '$id' passes" >&2
        missing=1
    fi
    problem='fail|warn'
    # host.reachable never fails or warns: a host that does not answer makes it UNKNOWN.
    [[ $id == host.reachable ]] && problem='unknown'
    if ! grep -Eqx "$id ($problem)" <<<"$seen"; then
        echo "coverage: no golden case where rule '$id' finds a problem" >&2
        missing=1
    fi
done
if ((missing == 0)); then
    echo "coverage: all ${#ids[@]} rules pass in one golden case and fail or warn in another"
fi
exit $missing

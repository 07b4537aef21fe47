#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every rule of the table has a golden case where it passes and one where it
# finds a problem (FAIL or WARN), in all three formats (run-golden.sh runs
# each case in text, JSON and JUnit). A rule whose problem the hosts cannot
# see (listed in undecidable below, with the reason) says UNKNOWN instead, and
# needs a case where it does. The rule ids come from the binary
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

# host.reachable: a host that does not answer makes it UNKNOWN, never FAIL or WARN.
# vm.9p-mount: QEMU tells whether the guest mounted a 9p share only to its own monitor.
undecidable=" host.reachable vm.9p-mount "

missing=0
for id in "${ids[@]}"; do
    if ! grep -qx "$id pass" <<<"$seen"; then
        echo "coverage: no golden case where rule '$id' passes" >&2
        missing=1
    fi
    problem="fail|warn"
    [[ $undecidable != *" $id "* ]] || problem=unknown
    if ! grep -Eqx "$id ($problem)" <<<"$seen"; then
        echo "coverage: no golden case where rule '$id' finds a problem" >&2
        missing=1
    fi
done
if ((missing == 0)); then
    echo "coverage: all ${#ids[@]} rules pass in one golden case and fail or warn in another"
fi
exit $missing

# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
#
# Sourced by the golden runners (tests/golden/run-golden.sh, tests/cluster/run-golden.sh,
# tests/cli/run-cli.sh): one run's stdout, stderr and exit status against what a person last
# reviewed.
#
#   golden_compare WHO EXPECTED ACTUAL [CONTEXT]
#
# compares ACTUAL.out, .err and .rc with EXPECTED.out, .err and .rc (diff -u on stderr), or,
# with MIGCHECK_TEST_REGENERATE=1, copies them there. WHO starts each message ("golden: CASE
# (FMT)"), CONTEXT ends the one that says what differs. Returns 1 on a difference or a missing
# expected file.
golden_compare() {
    local who=$1 expected=$2 actual=$3 context=${4:+ $4} kind exp status=0
    for kind in out err rc; do
        exp=$expected.$kind
        if [[ ${MIGCHECK_TEST_REGENERATE:-0} == 1 ]]; then
            mkdir -p "${exp%/*}"
            cp "$actual.$kind" "$exp"
        elif [[ ! -e $exp ]]; then
            echo "$who: missing $exp (MIGCHECK_TEST_REGENERATE=1 writes it)" >&2
            status=1
        elif ! diff -u --label "expected/${exp##*/}" --label actual "$exp" "$actual.$kind" >&2; then
            echo "$who: $kind differs$context" >&2
            status=1
        fi
    done
    return $status
}

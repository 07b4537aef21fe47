#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Golden CLI cases: what migcheck prints for a command line (help, messages, usage errors, the
# report under a given terminal width), compared with what a person last reviewed.
#
#   run-cli.sh MIGCHECK CLI_DIR CASE...
#
# A case is a file CLI_DIR/cases/CASE:
#   # what the case shows (at least one comment line)
#   env NAME=VALUE ...      (optional: environment for the command)
#   ARGS                    (one line: the arguments, as bash words)
# The command runs in tests/golden/cases (so ARGS can name base/src.xml) with LC_ALL=C.UTF-8,
# without NO_COLOR, COLUMNS or a terminal; stdout, stderr and the exit status are compared
# separately with CLI_DIR/expected/CASE.out, .err, .rc. MIGCHECK_TEST_REGENERATE=1 rewrites
# the expected files instead, for review (git diff tests/cli/expected).
set -u
if (($# < 3)); then
    echo "usage: run-cli.sh MIGCHECK CLI_DIR CASE..." >&2
    exit 2
fi
migcheck=$(realpath "$1")
dir=$(realpath "$2")
shift 2
# shellcheck source=SCRIPTDIR/../golden/compare.sh
. "$(dirname "$0")/../golden/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for case in "$@"; do
    f=$dir/cases/$case
    if [[ ! -f $f ]]; then
        echo "cli: no case '$case'" >&2
        failed=1
        continue
    fi
    grep -q '^#' "$f" || {
        echo "cli: case '$case' has no comment saying what it shows" >&2
        failed=1
    }
    envs=()
    line=
    while IFS= read -r l; do
        case $l in
        '#'* | '') ;;
        'env '*) read -r -a e <<<"${l#env }" && envs+=("${e[@]}") ;;
        *) line=$l ;;
        esac
    done <"$f"
    eval "args=($line)"
    (cd "$dir/../golden/cases" && exec env -u NO_COLOR -u COLUMNS LC_ALL=C.UTF-8 TZ=UTC \
        "${envs[@]}" "$migcheck" "${args[@]}" >"$tmp/run.out" 2>"$tmp/run.err" </dev/null)
    echo $? >"$tmp/run.rc"
    golden_compare "cli: $case" "$dir/expected/$case" "$tmp/run" "(migcheck ${args[*]})" ||
        failed=1
done
exit $failed

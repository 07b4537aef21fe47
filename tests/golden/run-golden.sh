#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Golden CLI tests over snapshot pairs (tests/golden/README.md).
#
#   run-golden.sh MIGCHECK GOLDEN_DIR CASE...
#
# For each case directory GOLDEN_DIR/cases/CASE (args, src.xml, dst.xml and
# optionally vm.xml, pair.xml, policy.xml) and each format (text, json,
# junit), runs (a case with a file 'migrate' runs migcheck migrate --dry-run
# with its arguments instead, in text and json)
#   migcheck check ARGS --src-facts src.xml --dst-facts dst.xml
#            [--vm-xml vm.xml] [--pair-facts pair.xml] [--policy policy.xml]
#            --format FMT --color=never
# inside the case directory, and compares stdout, stderr and the exit status
# separately with GOLDEN_DIR/expected/CASE.FMT.out|.err|.rc. JSON output
# must parse (jq) and JUnit output must be well-formed (xmllint) when those
# tools are installed.
#
# MIGCHECK_TEST_REGENERATE=1 rewrites the expected files instead, for a
# person to review (git diff tests/golden/expected).
set -u

if (($# < 3)); then
    echo "usage: run-golden.sh MIGCHECK GOLDEN_DIR CASE..." >&2
    exit 2
fi
migcheck=$(realpath "$1")
golden=$(realpath "$2")
shift 2
formats=(text json junit)

# The default policy would change every verdict; a machine that has one cannot run these.
if [[ -n ${MIGCHECK_DEFAULT_POLICY:-} && -e $MIGCHECK_DEFAULT_POLICY ]]; then
    echo "golden: $MIGCHECK_DEFAULT_POLICY exists and would change the results; move it away" >&2
    exit 1
fi

# shellcheck source=SCRIPTDIR/compare.sh
. "$(dirname "$0")/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_jq=0
command -v jq >/dev/null 2>&1 && have_jq=1
have_xmllint=0
command -v xmllint >/dev/null 2>&1 && have_xmllint=1

failed=0
for case in "$@"; do
    dir=$golden/cases/$case
    if [[ ! -d $dir ]]; then
        echo "golden: no case '$case'" >&2
        failed=1
        continue
    fi
    if [[ ! -s $dir/README ]]; then
        echo "golden: case '$case' has no README saying what it is" >&2
        failed=1
    fi
    args=()
    if [[ -s $dir/args ]]; then
        read -r -a args <"$dir/args"
    fi
    opt=(--src-facts src.xml --dst-facts dst.xml)
    [[ -e $dir/vm.xml ]] && opt+=(--vm-xml vm.xml)
    [[ -e $dir/pair.xml ]] && opt+=(--pair-facts pair.xml)
    [[ -e $dir/policy.xml ]] && opt+=(--policy policy.xml)
    # A case with a file 'migrate' is a plan: migrate --dry-run with those arguments (options,
    # SRC DST VM), in text and JSON lines.
    verb=(check)
    fmts=("${formats[@]}")
    if [[ -e $dir/migrate ]]; then
        read -r -a margs <"$dir/migrate"
        verb=(migrate --dry-run)
        args=("${margs[@]}")
        fmts=(text json)
    fi

    for fmt in "${fmts[@]}"; do
        out=$tmp/$case.$fmt
        (cd "$dir" && exec env -u NO_COLOR LC_ALL=C.UTF-8 TZ=UTC \
            "$migcheck" "${verb[@]}" "${args[@]}" "${opt[@]}" --format "$fmt" --color=never \
            >"$out.out" 2>"$out.err")
        echo $? >"$out.rc"

        if [[ -s $out.out && $fmt == json && $have_jq == 1 ]] && ! jq -e . "$out.out" >/dev/null; then
            echo "golden: $case: the JSON output does not parse" >&2
            failed=1
        fi
        if [[ -s $out.out && $fmt == junit && $have_xmllint == 1 ]] &&
            ! xmllint --noout "$out.out"; then
            echo "golden: $case: the JUnit output is not well-formed XML" >&2
            failed=1
        fi

        golden_compare "golden: $case ($fmt)" "$golden/expected/$case.$fmt" "$out" || failed=1
    done
done
exit $failed

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Golden tests of `migcheck cluster` over generated clusters (tests/cluster/README.md).
#
#   run-golden.sh MIGCHECK GEN-CLUSTER CLUSTER_DIR CASE...
#
# A case is CLUSTER_DIR/cases/CASE with a README (what it is), args (extra arguments, may be
# empty), and either gen (gen-cluster arguments: the snapshots are generated, with the golden
# cases of tests/golden as templates) or a directory facts/ of snapshot files, and optionally
# vm.xml (a domain for --vm-xml, copied next to facts/). For each format
# (text, json, junit, html) the runner calls, in a scratch directory holding facts/,
#   migcheck cluster --facts facts --policy= ARGS --format FMT --color=never
# with COLUMNS=100, and compares stdout, stderr and the exit status with
# CLUSTER_DIR/expected/CASE.FMT.out|.err|.rc. JSON must parse (jq); JUnit must validate against
# the JUnit schema CLUSTER_DIR/junit.xsd (xmllint); HTML must be a whole page.
#
# MIGCHECK_TEST_REGENERATE=1 rewrites the expected files for review (git diff).
set -u
if (($# < 4)); then
    echo "usage: run-golden.sh MIGCHECK GEN-CLUSTER CLUSTER_DIR CASE..." >&2
    exit 2
fi
migcheck=$(realpath "$1")
gen=$(realpath "$2")
dir=$(realpath "$3")
shift 3
templates=$(realpath "$dir/../golden/cases")
formats=(text json junit html)
# shellcheck source=SCRIPTDIR/../golden/compare.sh
. "$(dirname "$0")/../golden/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for case in "$@"; do
    c=$dir/cases/$case
    if [[ ! -s $c/README ]]; then
        echo "golden: case '$case' has no README" >&2
        failed=1
        continue
    fi
    args=()
    [[ -s $c/args ]] && read -r -a args <"$c/args"
    work=$tmp/$case
    mkdir -p "$work"
    if [[ -s $c/gen ]]; then
        read -r -a g <"$c/gen"
        "$gen" "${g[@]}" --cases "$templates" --out "$work/facts" || { failed=1; continue; }
    elif [[ -d $c/facts ]]; then
        cp -r "$c/facts" "$work/facts"
    fi
    [[ -e $c/vm.xml ]] && cp "$c/vm.xml" "$work/vm.xml"
    for fmt in "${formats[@]}"; do
        out=$tmp/$case.$fmt
        (cd "$work" && exec env -u NO_COLOR LC_ALL=C.UTF-8 TZ=UTC COLUMNS=100 \
            "$migcheck" cluster --facts facts --policy= "${args[@]}" --format "$fmt" \
            --color=never >"$out.out" 2>"$out.err")
        echo $? >"$out.rc"
        if [[ -s $out.out && $fmt == json ]] && ! jq -e . "$out.out" >/dev/null; then
            echo "golden: $case: the JSON output does not parse" >&2
            failed=1
        fi
        if [[ -s $out.out && $fmt == junit ]] &&
            ! xmllint --noout --schema "$dir/junit.xsd" "$out.out" 2>"$out.xsd"; then
            cat "$out.xsd" >&2
            echo "golden: $case: the JUnit output does not validate against junit.xsd" >&2
            failed=1
        fi
        # HTML5 is beyond libxml2's HTML parser: cluster.html-chromium renders it; here, whole.
        if [[ -s $out.out && $fmt == html ]] &&
            ! { head -n1 "$out.out" | grep -qx '<!DOCTYPE html>' &&
                tail -n1 "$out.out" | grep -qx '</body></html>'; }; then
            echo "golden: $case: the HTML output is not a whole page" >&2
            failed=1
        fi
        golden_compare "golden: $case ($fmt)" "$dir/expected/$case.$fmt" "$out" || failed=1
    done
done
exit $failed

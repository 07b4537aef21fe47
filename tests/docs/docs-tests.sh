#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Documentation checked against the binary (ctest label "docs").
#
#   docs-tests.sh TEST MIGCHECK SOURCE_DIR
#
# TEST is one of:
#   lint        mandoc -Tlint (or groff -ww) is clean for every man page
#   cli         every verb, long option and exit code is in migcheck(1)
#   rules-man   man/migcheck-rules.7 is what 'migcheck rules --format man' prints, names every
#               rule, and 'migcheck rules ID' explains each of them
#   examples    the example output in the man pages is what the golden cases print, and the
#               policy example is the golden cases' policy
#   json-schema the keys of the JSON report are the ones migcheck(1) documents
#   units       the systemd units in migcheck(1) EXAMPLES pass systemd-analyze verify
#   wording     user-facing text (help, the rule catalogue, man pages, README, every golden
#               output, the string literals of rules/ and src/) cites guides and libvirt by
#               name: never the project's private words "seeds" or "failure N"
#   cluster-json-schema  the same for the cluster verb's JSON
set -u

test=$1
migcheck=$2
src=$3
man=$src/man
golden=$src/tests/golden
fail=0

err() {
    echo "docs ($test): $*" >&2
    fail=1
}

# Roff source to plain text lines: \- and \e and \(aq unescaped, \& and font escapes dropped.
unroff() {
    sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' -e 's/\\&//g' \
        -e 's/\\f[BIRP]//g' -e 's/\\e/\\/g' "$@"
}

# The lines of a roff section ".SH NAME" up to the next .SH.
section() {
    awk -v want=".SH $2" '$0 == want { on = 1; next } /^\.SH / { on = 0 } on' "$1"
}

case $test in
lint)
    pages=("$man"/migcheck.1 "$man"/migcheck-facts.5 "$man"/migcheck-policy.5
        "$man"/migcheck-rules.7)
    for p in "${pages[@]}"; do
        [[ -e $p ]] || err "missing man page $p"
    done
    if command -v mandoc >/dev/null 2>&1; then
        for p in "${pages[@]}"; do
            out=$(mandoc -Tlint "$p" 2>&1) || err "mandoc -Tlint $p: $out"
            [[ -z $out ]] || err "mandoc -Tlint $p: $out"
        done
    elif command -v groff >/dev/null 2>&1; then
        for p in "${pages[@]}"; do
            out=$(groff -ww -z -man "$p" 2>&1)
            [[ -z $out ]] || err "groff -ww $p: $out"
        done
    else
        echo "docs (lint): neither mandoc nor groff is installed" >&2
        exit 77
    fi
    ;;

cli)
    page=$man/migcheck.1
    text=$(unroff "$page")
    synopsis=$(section "$page" SYNOPSIS | unroff)
    mapfile -t verbs < <("$migcheck" __complete --list-verbs)
    ((${#verbs[@]} > 0)) || err "'migcheck __complete --list-verbs' listed nothing"
    for v in "${verbs[@]}"; do
        grep -qxF ".B migcheck $v" <<<"$synopsis" || err "verb '$v' is not in the SYNOPSIS"
        grep -qxF ".B $v" <<<"$text" || err "verb '$v' has no entry (.B $v) in migcheck(1)"
    done
    # Options of every verb, and the global ones.
    for v in "" "${verbs[@]}"; do
        while IFS= read -r opt; do
            [[ -n $opt ]] || continue
            grep -qE -- "(^|[^a-z0-9-])${opt}([^a-z0-9-]|\$)" <<<"$text" ||
                err "option '$opt'${v:+ of '$v'} is not in migcheck(1)"
        done < <("$migcheck" __complete --list-options $v)
    done
    # Exit codes: every MC_EXIT_* value has an entry in EXIT STATUS, and nothing else does.
    mapfile -t codes < <(sed -n 's/^ *MC_EXIT_[A-Z_]* *= *\([0-9][0-9]*\),.*/\1/p' \
        "$src/src/exit-codes.h")
    ((${#codes[@]} > 0)) || err "no MC_EXIT_* values found in src/exit-codes.h"
    exit_section=$(section "$page" "EXIT STATUS")
    for c in "${codes[@]}"; do
        grep -qxF ".B $c" <<<"$exit_section" || err "exit status $c is not in EXIT STATUS"
    done
    while read -r tag; do
        [[ " ${codes[*]} " == *" $tag "* ]] ||
            err "EXIT STATUS documents $tag, which src/exit-codes.h does not have"
    done < <(awk '/^\.TP/ { getline; if ($1 == ".B") print $2 }' <<<"$exit_section")
    ;;

rules-man)
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    "$migcheck" rules --format man >"$tmp" || err "'migcheck rules --format man' failed"
    if ! cmp -s "$tmp" "$man/migcheck-rules.7"; then
        diff -u "$man/migcheck-rules.7" "$tmp" >&2
        err "man/migcheck-rules.7 differs from the rule table: regenerate it with" \
            "'cmake --build BUILD --target man-rules' and commit the result"
    fi
    mapfile -t ids < <("$migcheck" rules --format json | sed -n 's/^    "id": "\(.*\)",$/\1/p')
    ((${#ids[@]} > 0)) || err "'migcheck rules --format json' listed no rules"
    page=$(unroff "$man/migcheck-rules.7")
    for id in "${ids[@]}"; do
        grep -qxF ".SS $id" <<<"$page" || err "rule '$id' has no section in migcheck-rules(7)"
        out=$("$migcheck" rules "$id") || err "'migcheck rules $id' failed"
        grep -q "^Rule: *$id\$" <<<"$out" || err "'migcheck rules $id' does not explain $id"
    done
    "$migcheck" rules no.such-rule >/dev/null 2>&1
    rc=$?
    ((rc == 2)) || err "'migcheck rules no.such-rule' exits $rc, not 2"
    ;;

examples)
    # Output blocks: ".\" begin output CASE FORMAT" ... ".\" end output", each a contiguous
    # run of lines of tests/golden/expected/CASE.FORMAT.out.
    tmpd=$(mktemp -d)
    trap 'rm -rf "$tmpd"' EXIT
    for page in "$man"/*.[157]; do
        awk -v page="$tmpd/${page##*/}" '
            /^\.\\" begin output / { name = $4; fmt = ($5 == "" ? "text" : $5); n++;
                                     file = sprintf("%s.%d.%s.%s", page, n, name, fmt); next }
            /^\.\\" end output/ { file = ""; next }
            file != "" && !/^\./ { print > file }' "$page"
    done
    shopt -s nullglob
    blocks=("$tmpd"/*.[157].*.*.*)
    ((${#blocks[@]} > 0)) || err "no example output blocks found in the man pages"
    for b in "${blocks[@]}"; do
        base=${b##*/}
        fmt=${base##*.}
        rest=${base%.*}
        name=${rest##*.}
        exp=$golden/expected/$name.$fmt.out
        if [[ ! -e $exp ]]; then
            err "$base: no golden output $exp"
            continue
        fi
        mapfile -t want < <(unroff "$b")
        mapfile -t have <"$exp"
        found=0
        for ((i = 0; i + ${#want[@]} <= ${#have[@]} && !found; i++)); do
            found=1
            for ((k = 0; k < ${#want[@]}; k++)); do
                if [[ ${have[i + k]} != "${want[k]}" ]]; then
                    found=0
                    break
                fi
            done
        done
        ((found)) || err "${base%%.[0-9]*}: the example output of golden case '$name' ($fmt)" \
            "is not what it prints now; copy it from $exp"
    done
    # The policy example of migcheck-policy(5) is the policy of the site-policy cases.
    ex=$(awk '/^\.\\" begin example site-policy/ { on = 1; next }
              /^\.\\" end example/ { on = 0 } on && !/^\./' "$man/migcheck-policy.5" | unroff)
    [[ -n $ex ]] || err "migcheck-policy(5) has no 'begin example site-policy' block"
    for c in site-policy site-policy-met; do
        [[ $ex == "$(cat "$golden/cases/$c/policy.xml")" ]] ||
            err "the policy of golden case '$c' is not the example of migcheck-policy(5)"
    done
    # The further expressions are the tests of the site-policy-more case.
    mapfile -t exprs < <(awk '/^More expressions/ { on = 1 } /^\.SH/ { on = 0 }
                               on && prev == ".TP" && /^\.B / { print substr($0, 4) }
                               { prev = $0 }' "$man/migcheck-policy.5" | unroff)
    ((${#exprs[@]} > 0)) || err "migcheck-policy(5) has no 'More expressions'"
    for e in "${exprs[@]}"; do
        x=${e//&/&amp;}
        x=${x//</&lt;}
        grep -qF "test=\"$x\"" "$golden/cases/site-policy-more/policy.xml" ||
            err "the expression '$e' of migcheck-policy(5) is not run by golden case" \
                "'site-policy-more' (run tests/golden/derive-cases.py)"
    done
    ;;

json-schema)
    page=$man/migcheck.1
    doc=$(section "$page" "OUTPUT" | awk '/^\.SS JSON OUTPUT/ { on = 1; next } /^\.SS/ { on = 0 } on' |
        unroff | grep -o '"[a-z_]*":' | sort -u)
    [[ -n $doc ]] || err "migcheck(1) has no JSON OUTPUT section with keys"
    got=$(cat "$golden"/expected/*.json.out | grep -o '"[a-z_]*":' | sort -u)
    if [[ $doc != "$got" ]]; then
        diff <(echo "$doc") <(echo "$got") >&2
        err "the JSON keys documented in migcheck(1) (<) are not the ones migcheck prints (>)"
    fi
    ;;

units)
    command -v systemd-analyze >/dev/null || {
        echo "docs (units): systemd-analyze is not installed" >&2
        exit 77
    }
    tmpd=$(mktemp -d)
    trap 'rm -rf "$tmpd"' EXIT
    awk -v dir="$tmpd" '/^\.\\" begin unit / { file = dir "/" $4; next }
                        /^\.\\" end unit/ { file = ""; next }
                        file != "" && !/^\./ { print > file }' "$man/migcheck.1"
    shopt -s nullglob
    units=("$tmpd"/*.service "$tmpd"/*.timer)
    ((${#units[@]} >= 2)) || err "migcheck(1) has no service and timer example"
    for u in "${units[@]}"; do
        unroff "$u" >"$u.tmp" && mv "$u.tmp" "$u"
    done
    out=$(cd "$tmpd" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "${units[@]}" 2>&1)
    # A unit the host lacks (libvirtd.service where libvirt is not installed) is not the example's fault.
    out=$(grep -v -e "libvirtd.service" <<<"$out" || true)
    [[ -z $out ]] || err "systemd-analyze verify: $out"
    ;;

wording)
    tmpd=$(mktemp -d)
    trap 'rm -rf "$tmpd"' EXIT
    bad='(^|[^a-z_])seeds?([^a-z_]|$)|failures? [0-9]'
    {
        "$migcheck" --help
        for v in $("$migcheck" __complete --list-verbs); do
            "$migcheck" "$v" --help
        done
        "$migcheck" rules
        "$migcheck" rules --format json
        for id in $("$migcheck" rules --format json | sed -n 's/^    "id": "\(.*\)",$/\1/p'); do
            "$migcheck" rules "$id"
        done
    } >"$tmpd/binary" 2>&1
    [[ $(wc -l <"$tmpd/binary") -gt 100 ]] || err "the binary printed too little to check"
    if grep -inE "$bad" "$tmpd/binary" >&2; then
        err "the binary's own text says 'seeds' or 'failure N'"
    fi
    grep -inE "$bad" "$src"/man/*.[1-9] "$src/README.md" "$golden"/expected/* >&2 &&
        err "man pages, README or golden outputs say 'seeds' or 'failure N'"
    # String literals in the code that builds user-facing text.
    grep -nE "\"[^\"]*($bad)" "$src"/rules/*.c "$src"/src/*.c "$src"/checker/*.c >&2 &&
        err "a string literal says 'seeds' or 'failure N'"
    ;;

cluster-json-schema)
    page=$man/migcheck.1
    doc=$(section "$page" "OUTPUT" | awk '/^\.SS CLUSTER JSON OUTPUT/ { on = 1; next } /^\.SS/ { on = 0 } on' |
        unroff | grep -o '"[a-z_]*":' | sort -u)
    [[ -n $doc ]] || err "migcheck(1) has no CLUSTER JSON OUTPUT section with keys"
    got=$(cat "$src"/tests/cluster/expected/*.json.out | grep -o '"[a-z_]*":' | sort -u)
    if [[ $doc != "$got" ]]; then
        diff <(echo "$doc") <(echo "$got") >&2
        err "the cluster JSON keys documented in migcheck(1) (<) are not the ones migcheck prints (>)"
    fi
    ;;

*)
    echo "usage: docs-tests.sh lint|cli|rules-man|examples|json-schema|cluster-json-schema|wording|units MIGCHECK SOURCE_DIR" >&2
    exit 2
    ;;
esac
exit $fail

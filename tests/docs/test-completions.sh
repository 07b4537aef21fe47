#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The shell completions (completions/) offer exactly what the binary offers
# (migcheck __complete), with the built binary first in PATH.
#
#   test-completions.sh bash|zsh|fish MIGCHECK_DIR SOURCE_DIR
#
# bash: sources completions/migcheck.bash, sets COMP_WORDS/COMP_CWORD as bash
#       does (it splits "--format=j" at the '=') and calls _migcheck.
# zsh:  zsh -n, then runs _migcheck with words/CURRENT set and compadd/_files
#       replaced by functions that print what they are given.
# fish: fish -n, then 'complete -C' (fish's own completion machinery).
# A shell that is not installed is a failure: tests/setup.sh installs all three, and CI runs
# them all.
set -u
shell=$1
bindir=$(realpath "$2")
src=$(realpath "$3")
export PATH=$bindir:$PATH
fail=0

# The words after "migcheck", the last one being the word under the cursor.
cases=(
    ""
    "--form"
    "--format=j"
    "rules "
    "rules net.m"
    "--transport "
    "check --rule storage.d"
    "facts --"
    "--tr"
    "--format json rules net.m"
    "--format json rules --"
    "rules --format "
    "facts --format="
    "check --format "
    "kvm1 --format "
)

need() {
    command -v "$1" >/dev/null || {
        echo "$1 is not installed: tests/setup.sh installs it" >&2
        exit 1
    }
}

expected() { # words... -> what the binary offers, sorted
    migcheck __complete -- "$@" | sort
}

split_words() { # "a b " -> words, keeping an empty last word
    local line=$1
    read -r -a W <<<"$line"
    [[ -z $line || $line == *" " ]] && W+=("")
}

case $shell in
bash)
    need bash
    # shellcheck source=/dev/null
    source "$src/completions/migcheck.bash"
    for c in "${cases[@]}"; do
        split_words "$c"
        want=$(expected "${W[@]}")
        # As bash does: COMP_WORDBREAKS splits "--format=j" into "--format" "=" "j", and the
        # completion replaces only the part after the '='.
        COMP_WORDS=(migcheck)
        for w in "${W[@]}"; do
            if [[ $w == --*=* ]]; then
                COMP_WORDS+=("${w%%=*}" "=" "${w#*=}")
                want=$(sed 's/^[^=]*=//' <<<"$want")
            else
                COMP_WORDS+=("$w")
            fi
        done
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _migcheck
        got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort)
        if [[ -z $want ]]; then
            echo "bash: the binary offers nothing for '$c'; the test would prove nothing" >&2
            fail=1
        elif [[ $got != "$want" ]]; then
            echo "bash: 'migcheck $c<TAB>' offers:" >&2
            diff <(echo "$want") <(echo "$got") >&2
            fail=1
        fi
    done
    ;;
zsh)
    need zsh
    zsh -n "$src/completions/_migcheck" || fail=1
    for c in "${cases[@]}"; do
        split_words "$c"
        want=$(expected "${W[@]}")
        export MC_COMPLETION=$src/completions/_migcheck
        got=$(zsh -f -c '
            compadd() {
                local -a names; local skip=0
                while (( $# )); do
                    case $1 in
                        -Q) ;;
                        -S) shift ;;
                        -a) skip=1 ;;
                        *) names+=("$1") ;;
                    esac
                    shift
                done
                local n; for n in $names; do print -rl -- "${(@P)n}"; done
            }
            _files() { print -r -- "FILES" }
            words=(migcheck "$@"); CURRENT=${#words}
            source "$MC_COMPLETION"
        ' zsh "${W[@]}" | sort)
        [[ $got == "$want" ]] || {
            echo "zsh: 'migcheck $c<TAB>' offers:" >&2
            diff <(echo "$want") <(echo "$got") >&2
            fail=1
        }
    done
    ;;
fish)
    need fish
    fish -n "$src/completions/migcheck.fish" || fail=1
    for c in "${cases[@]}"; do
        split_words "$c"
        want=$(expected "${W[@]}")
        got=$(fish --no-config -c "source $src/completions/migcheck.fish; complete -C 'migcheck $c'" |
            cut -f1 | sort)
        [[ $got == "$want" ]] || {
            echo "fish: 'migcheck $c<TAB>' offers:" >&2
            diff <(echo "$want") <(echo "$got") >&2
            fail=1
        }
    done
    ;;
*)
    echo "usage: test-completions.sh bash|zsh|fish MIGCHECK_DIR SOURCE_DIR" >&2
    exit 2
    ;;
esac
exit $fail

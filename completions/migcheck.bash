# SPDX-License-Identifier: LGPL-2.1-or-later
# bash completion for migcheck(1).
#
# A thin shim: every candidate comes from the binary itself
#   migcheck __complete -- WORD... CURRENT
# (verbs, options, option values, rule ids), so this file holds no list that
# could drift from the program. When the binary offers nothing (a file name,
# a host name), readline's default completion takes over (-o default).

_migcheck()
{
    local cword=${COMP_CWORD:-0}
    local cur=${COMP_WORDS[cword]}
    local -a words=()
    local i w

    # bash splits "--format=j" into "--format" "=" "j" (COMP_WORDBREAKS);
    # glue those pieces back together before asking the binary.
    for ((i = 1; i <= cword; i++)); do
        w=${COMP_WORDS[i]}
        if ((${#words[@]} > 0)) && [[ $w == "=" || ${words[-1]} == *= ]] &&
            [[ ${words[-1]} == -* ]]; then
            words[-1]+=$w
        else
            words+=("$w")
        fi
    done
    ((${#words[@]} == 0)) && words=("")
    local full=${words[-1]}
    [[ $cur == "=" ]] && cur=""

    local cmd=${COMP_WORDS[0]}
    command -v -- "$cmd" >/dev/null 2>&1 || cmd=migcheck

    local -a cands=()
    local line
    while IFS= read -r line; do
        cands+=("$line")
    done < <("$cmd" __complete -- "${words[@]}" 2>/dev/null)

    # Candidates are whole words ("--format=json"); bash replaces only what
    # follows the last word break, so drop the part it keeps.
    local keep=${full%"$cur"}
    COMPREPLY=()
    local nospace=0
    for w in "${cands[@]}"; do
        [[ $w == *= ]] && nospace=1
        COMPREPLY+=("${w#"$keep"}")
    done
    if ((nospace)); then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -o default -F _migcheck migcheck

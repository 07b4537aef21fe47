# SPDX-License-Identifier: LGPL-2.1-or-later
# fish completion for migcheck(1).
#
# A thin shim: every candidate comes from the binary itself
#   migcheck __complete -- WORD... CURRENT
# (verbs, options, option values, rule ids), so this file holds no list that
# could drift from the program. When the binary offers nothing (a file name,
# a host name), file names are offered.

function __migcheck_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l cmd $tokens[1]
    if not command -q -- $cmd
        set cmd migcheck
    end
    set -l args $tokens
    set -e args[1]
    set -l cands (command $cmd __complete -- $args "$cur" 2>/dev/null)
    if test (count $cands) -gt 0
        printf '%s\n' $cands
    else
        __fish_complete_path "$cur"
    end
end

complete -c migcheck -f -a '(__migcheck_complete)'

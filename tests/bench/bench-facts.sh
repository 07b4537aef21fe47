#!/bin/bash
# Benchmark: wall time of `migcheck facts` with a local libvirt included. This machine runs no
# libvirtd in its root namespace, so the run happens inside the lab host lab-a, where libvirtd
# (with QEMU) is local. Prints figures; it is not a pass/fail test. Bar: under 150 ms.
# Usage: bench-facts.sh [MIGCHECK] [RUNS]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
RUNS=${2:-30}
LAB=$here/../lab/labctl
"$LAB" status >/dev/null || { echo "bench-facts: the lab is not up (tests/lab/labctl up)" >&2; exit 1; }
"$LAB" define-vm lab-a bench-facts --disk nfs --start >/dev/null
trap '"$LAB" undefine-vm lab-a bench-facts >/dev/null 2>&1 || true' EXIT
run() { # args: migcheck arguments; prints milliseconds of each run
	local i s e
	"$LAB" exec lab-a "$M" "$@" >/dev/null # warm the page cache once
	for ((i = 0; i < RUNS; i++)); do
		s=$(date +%s%N)
		"$LAB" exec lab-a "$M" "$@" >/dev/null
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{ a[NR] = $1 } END {
		printf "min %.1f ms  median %.1f ms  max %.1f ms  (%d runs)\n", a[1] / 1000, a[int((NR + 1) / 2)] / 1000, a[NR] / 1000, NR }'
}
# nsenter itself costs a little; measure it so the figure can be read without it.
base() {
	local i s e
	for ((i = 0; i < RUNS; i++)); do
		s=$(date +%s%N)
		"$LAB" exec lab-a true
		e=$(date +%s%N)
		echo $(((e - s) / 1000))
	done | sort -n | awk '{ a[NR] = $1 } END { printf "median %.1f ms\n", a[int((NR + 1) / 2)] / 1000 }'
}
echo "labctl exec overhead:               $(base)"
echo "migcheck facts:                     $(run facts)"
echo "migcheck facts --vm bench-facts:    $(run facts --vm bench-facts)"
echo "migcheck facts --format json:       $(run facts --format json)"

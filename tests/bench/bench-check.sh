#!/bin/bash
# Benchmark: wall time of `migcheck lab-a lab-b VM` on the lab, next to the floor: `virsh -c
# qemu+ssh://HOST/system hostname` to both hosts in parallel, what touching both hosts' libvirt
# costs at the least. No connection is reused between runs (each migcheck run opens its own
# ssh connections; no ControlMaster survives it). Prints figures and which probes ran.
# Both modes: the native agent (migcheck on the hosts) and the sh agent (nothing of migcheck
# there: --remote-command=). Bar: each at most 1.5 x the floor.
# Usage: bench-check.sh [MIGCHECK] [RUNS]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
RUNS=${2:-10}
LAB=$here/../lab/labctl
"$LAB" status >/dev/null || { echo "bench-check: the lab is not up (tests/lab/labctl up)" >&2; exit 1; }
VM=bench-check
"$LAB" define-vm lab-a $VM --disk nfs --start >/dev/null
trap '"$LAB" undefine-vm lab-a $VM >/dev/null 2>&1 || true' EXIT

ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%d", a[int((NR + 1) / 2)] }'; }

floor=() check=() check_sh=() rc_sh=()
for ((i = 0; i < RUNS; i++)); do
	s=$(date +%s%N)
	virsh -c qemu+ssh://root@lab-a/system hostname >/dev/null &
	virsh -c qemu+ssh://root@lab-b/system hostname >/dev/null &
	wait
	e=$(date +%s%N)
	floor+=("$(ms "$s" "$e")")
	s=$(date +%s%N)
	"$M" --remote-command="$M" -q lab-a lab-b $VM >/dev/null
	e=$(date +%s%N)
	check+=("$(ms "$s" "$e")")
	s=$(date +%s%N)
	rc=0
	"$M" --remote-command= -q lab-a lab-b $VM >/dev/null || rc=$?
	e=$(date +%s%N)
	check_sh+=("$(ms "$s" "$e")")
	rc_sh+=("$rc")
done
f=$(printf '%s\n' "${floor[@]}" | median)
c=$(printf '%s\n' "${check[@]}" | median)
c2=$(printf '%s\n' "${check_sh[@]}" | median)
echo "runs:                                   $RUNS"
echo "floor (2 x virsh hostname, parallel):   ${f} ms (median; ${floor[*]})"
echo "migcheck, migcheck agents:              ${c} ms (median; ${check[*]})"
echo "migcheck, sh agents (no migcheck there): ${c2} ms (median; ${check_sh[*]}; exit codes ${rc_sh[*]})"
awk -v c="$c" -v f="$f" 'BEGIN { printf "ratio (migcheck agents / floor):         %.2f (bar: 1.50)\n", c / f }'
awk -v c="$c2" -v f="$f" 'BEGIN { printf "ratio (sh agents / floor):               %.2f (bar: 1.50)\n", c / f }'
# Each run's three figures come one after the other, under about the same load: the median of
# each run's own ratio, and their spread, say more on a busy machine than the ratio of medians.
paired() {
	local -n num=$1
	local r=()
	for ((i = 0; i < RUNS; i++)); do
		r+=("$(awk -v c="${num[i]}" -v f="${floor[i]}" 'BEGIN { printf "%.2f", c / f }')")
	done
	printf '%s\n' "${r[@]}" | sort -n | awk -v what="$2" '{ a[NR] = $1 }
		END { printf "per-run ratio, %s: %.2f (median; %.2f-%.2f)\n", what, a[int((NR + 1) / 2)], a[1], a[NR] }'
}
paired check "migcheck agents / floor"
paired check_sh "sh agents / floor      "
for mode in native sh; do
	rc=$M
	[[ $mode == sh ]] && rc=
	echo "probes that ran, $mode agents (one run, -v):"
	"$M" -v --remote-command="$rc" -q --format=json lab-a lab-b $VM 2>&1 >/dev/null | sed 's/^/  /'
	"$M" --remote-command="$rc" --format=json lab-a lab-b $VM |
		jq -r '.findings[] | select(.rule | test("cpu.compatible|storage.disk-shared|storage.qemu-access|net.migration-port|net.dst-hostname|virt.rom-size")) | "  \(.rule): \(.status): \(.message)\n    evidence: \(.evidence // "-")"'
done

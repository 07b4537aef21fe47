#!/bin/bash
# Benchmark: migcheck's convergence prediction against real live migrations on the lab, and
# what the prediction costs a check.
#
# 1. The grid (tests/lab/predict-grid.sh): the lab's memory-dirtying guest at several dirty
#    rates x bandwidth caps x downtime limits, each run predicted (`migcheck check --predict`)
#    and then migrated for real (`virsh migrate --live --bandwidth --timeout --timeout-suspend`,
#    job statistics from libvirt's job-completed event); a table of prediction against
#    outcome and the figures the issue's bar names: converge / not-converge right (>= 97 %),
#    no "converges" for a run that did not, median |error| of the total time (<= 10 %), 90th
#    percentile (<= 20 %), predicted downtime an upper bound (>= 95 %).
# 2. The cost: `migcheck check` with and without --predict on the same guest (bar: at most
#    --predict-time + 1 s more).
#
# Usage: bench-predict.sh [--migcheck PATH] [--quick] [--cost-only] [grid options of predict-grid.sh]
# Needs the lab up (tests/lab/labctl up) and root. Takes about an hour on two shared cores
# (--quick: a few minutes).
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
M=$(readlink -f "$here/../../build/src/migcheck")
grid=(--rates "0 4 12 24" --caps "16 32 64" --downtimes "100 300 1000" --timeout 45)
extra=()
cost_only=0
while (($#)); do
	case $1 in
	--migcheck) M=$(readlink -f "$2"); shift 2 ;;
	--quick) grid=(--rates "0 16" --caps "16 64" --downtimes "300" --timeout 45); shift ;;
	--cost-only) cost_only=1; shift ;;
	*) extra+=("$1"); shift ;;
	esac
done
"$LAB" status >/dev/null || { echo "bench-predict: the lab is not up (tests/lab/labctl up)" >&2; exit 1; }
# The grid runs a copy, so that a rebuild meanwhile cannot pull the binary from under it.
bin=$(mktemp /tmp/migcheck-bench.XXXXXX)
cp "$M" "$bin"
chmod 755 "$bin"
VM=bench-predict
trap 'rm -f "$bin"; "$LAB" undefine-vm lab-a $VM >/dev/null 2>&1 || true' EXIT

if ((!cost_only)); then
	echo "== prediction against outcome"
	"$here/../lab/predict-grid.sh" --migcheck "$bin" "${grid[@]}" "${extra[@]}"
	echo
fi
echo "== what --predict adds to a check (guest dirtying 8 MiB/s, --predict-time 4)"
"$LAB" define-vm lab-a $VM --disk nfs --dirty-rate 8 --start >/dev/null
sleep 8
ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%d", a[int((NR + 1) / 2)] }'; }
plain=() pred=()
for _ in 1 2 3 4 5; do
	s=$(date +%s%N)
	"$bin" --remote-command="$bin" --timeout 120 -q lab-a lab-b $VM >/dev/null || true
	e=$(date +%s%N)
	plain+=("$(ms "$s" "$e")")
	s=$(date +%s%N)
	"$bin" --remote-command="$bin" --timeout 120 -q --predict-time 4 lab-a lab-b $VM >/dev/null || true
	e=$(date +%s%N)
	pred+=("$(ms "$s" "$e")")
done
p=$(printf '%s\n' "${plain[@]}" | median)
q=$(printf '%s\n' "${pred[@]}" | median)
echo "check:                      ${p} ms (median; ${plain[*]})"
echo "check --predict-time 4:     ${q} ms (median; ${pred[*]})"
awk -v p="$p" -v q="$q" 'BEGIN { printf "added by the prediction:    %d ms (bar: 4000 + 1000 ms)\n", q - p }'

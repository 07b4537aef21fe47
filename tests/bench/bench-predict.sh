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
# 2. The cost: `migcheck check` without --predict, with --predict-time 4, and with the default
#    watch (--predict --bandwidth 16) on the same guest, N runs each (median and spread); bar:
#    at most the watch + 1 s more.
#
# Usage: bench-predict.sh [--migcheck PATH] [--quick] [--cost-only] [--repeat N]
#                         [grid options of predict-grid.sh]
# Needs the lab up (tests/lab/labctl up) and root. Takes about an hour on two shared cores
# (--quick: a few minutes).
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
M=$(readlink -f "$here/../../build/src/migcheck")
grid=(--rates "0 4 12 24" --caps "16 32 64" --downtimes "100 300 1000" --timeout 45 --predict-time default)
extra=()
cost_only=0
REPEAT=5
while (($#)); do
	case $1 in
	--migcheck) M=$(readlink -f "$2"); shift 2 ;;
	--quick) grid=(--rates "0 16" --caps "16 64" --downtimes "300" --timeout 45 --predict-time default); shift ;;
	--cost-only) cost_only=1; shift ;;
	--repeat) REPEAT=$2; shift 2 ;;
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
echo "== what --predict adds to a check (guest dirtying 8 MiB/s; $REPEAT runs each, interleaved)"
"$LAB" define-vm lab-a $VM --disk nfs --dirty-rate 8 --start >/dev/null
sleep 8
ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%d", a[int((NR + 1) / 2)] }'; }
spread() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%d-%d", lo, hi }'; }
plain=() pred=() dflt=() watch=()
for _ in $(seq 1 "$REPEAT"); do
	s=$(date +%s%N)
	"$bin" --remote-command="$bin" --timeout 120 -q lab-a lab-b $VM >/dev/null || true
	e=$(date +%s%N)
	plain+=("$(ms "$s" "$e")")
	s=$(date +%s%N)
	"$bin" --remote-command="$bin" --timeout 120 -q --predict-time 4 lab-a lab-b $VM >/dev/null || true
	e=$(date +%s%N)
	pred+=("$(ms "$s" "$e")")
	# The default watch, behind a 16 MiB/s limit: as long as the first pass, 4 s to 15 s.
	s=$(date +%s%N)
	out=$("$bin" --remote-command="$bin" --timeout 120 --format=json --predict --bandwidth 16 \
		lab-a lab-b $VM 2>/dev/null || true)
	e=$(date +%s%N)
	dflt+=("$(ms "$s" "$e")")
	watch+=("$(jq -r '[.findings[] | select(.rule == "migration.convergence") | .data.watch_seconds // 0][0] * 1000 | floor' <<<"$out" 2>/dev/null || echo 0)")
done
p=$(printf '%s\n' "${plain[@]}" | median)
q=$(printf '%s\n' "${pred[@]}" | median)
echo "check:                        ${p} ms (median; spread $(printf '%s\n' "${plain[@]}" | spread); ${plain[*]})"
echo "check --predict-time 4:       ${q} ms (median; spread $(printf '%s\n' "${pred[@]}" | spread); ${pred[*]})"
awk -v p="$p" -v q="$q" 'BEGIN { printf "added by --predict-time 4:    %d ms (bar: 4000 + 1000 ms)\n", q - p }'
# The default watch varies with the guest's resident memory: its excess over the watch, run by run.
excess=()
for i in "${!dflt[@]}"; do excess+=($((dflt[i] - p - watch[i]))); done
echo "check --predict --bandwidth 16: $(printf '%s\n' "${dflt[@]}" | median) ms (median; ${dflt[*]}); watch ${watch[*]} ms"
echo "added beyond its watch:       $(printf '%s\n' "${excess[@]}" | median) ms (median; spread $(printf '%s\n' "${excess[@]}" | spread); bar 1000 ms)"

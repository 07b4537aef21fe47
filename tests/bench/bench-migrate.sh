#!/bin/bash
# Benchmark: `migcheck migrate` against `virsh migrate --live --persistent --undefinesource` on
# the same guest (an NFS disk), alternating, back and forth between lab-a and lab-b. Prints the
# wall times, migcheck's preflight time (from its JSON summary), the transfer rate each reached,
# and the lab link's capacity measured with a plain TCP stream between the two hosts.
# Bar: migcheck's time <= virsh's + migcheck's preflight + 0.3 s (medians).
# Usage: bench-migrate.sh [MIGCHECK] [RUNS]        (the lab must be up: tests/lab/labctl up)
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
RUNS=${2:-5}
LAB=$here/../lab/labctl
"$LAB" status >/dev/null || { echo "bench-migrate: the lab is not up (tests/lab/labctl up)" >&2; exit 1; }
VM=bench-migrate
TMP=$(mktemp -d /tmp/migcheck-bench.XXXXXX)
"$LAB" define-vm lab-a $VM --disk nfs --start >/dev/null
trap '"$LAB" undefine-vm lab-a $VM >/dev/null 2>&1; "$LAB" undefine-vm lab-b $VM >/dev/null 2>&1; rm -rf "$TMP"' EXIT

ms() { echo $((($2 - $1) / 1000000)); }
median() { sort -n | awk '{ a[NR] = $1 } END { printf "%d", a[int((NR + 1) / 2)] }'; }
uri() { echo "qemu+ssh://root@$1/system"; }

# The link: 256 MiB over one TCP connection from lab-a to lab-b.
"$LAB" exec lab-b sh -c 'nc -l -p 5999 >/dev/null' &
lpid=$!
sleep 0.5
s=$(date +%s%N)
"$LAB" exec lab-a sh -c 'head -c 268435456 /dev/zero | nc -N lab-b 5999'
e=$(date +%s%N)
wait "$lpid" || true
link=$(awk -v ms="$(ms "$s" "$e")" 'BEGIN { printf "%.0f", 256 / (ms / 1000) }')

virsh_ms=() mig_ms=() pre_ms=() mig_rate=() virsh_rate=()
from=lab-a to=lab-b
for ((i = 0; i < RUNS; i++)); do
	s=$(date +%s%N)
	virsh -c "$(uri $from)" migrate --live --persistent --undefinesource $VM "$(uri $to)" >/dev/null
	e=$(date +%s%N)
	virsh_ms+=("$(ms "$s" "$e")")
	# virsh's own rate: the completed job on the destination
	virsh_rate+=("$(virsh -c "$(uri $to)" domjobinfo --completed $VM 2>/dev/null |
		awk '/^Memory bandwidth:/ { print $3 }' | head -n1)")
	tmp=$from from=$to to=$tmp
	s=$(date +%s%N)
	"$M" migrate --remote-command="$M" --journal-dir="$TMP" --format=json $from $to $VM >"$TMP/out.json"
	e=$(date +%s%N)
	mig_ms+=("$(ms "$s" "$e")")
	pre_ms+=("$(jq -r 'select(.event == "preflight") | .seconds * 1000 | floor' "$TMP/out.json")")
	mig_rate+=("$(jq -r 'select(.event == "summary") | .rate_bps / 1048576 | . * 10 | floor / 10' "$TMP/out.json")")
	tmp=$from from=$to to=$tmp
done
v=$(printf '%s\n' "${virsh_ms[@]}" | median)
m=$(printf '%s\n' "${mig_ms[@]}" | median)
p=$(printf '%s\n' "${pre_ms[@]}" | median)
echo "runs:                                        $RUNS (alternating directions, one guest)"
echo "lab link (TCP stream lab-a -> lab-b):         ${link} MiB/s"
echo "virsh migrate --live --persistent --undefinesource: ${v} ms (median; ${virsh_ms[*]})"
echo "  memory bandwidth virsh reports:            ${virsh_rate[*]} MiB/s"
echo "migcheck migrate (preflight + plan + move):   ${m} ms (median; ${mig_ms[*]})"
echo "  of which preflight:                        ${p} ms (median; ${pre_ms[*]})"
echo "  transfer rate migcheck reached:            ${mig_rate[*]} MiB/s (link ${link} MiB/s)"
awk -v m="$m" -v v="$v" -v p="$p" 'BEGIN {
	printf "bar: migcheck <= virsh + preflight + 300 ms: %d <= %d: %s\n", m, v + p + 300,
	       m <= v + p + 300 ? "met" : "NOT met" }'

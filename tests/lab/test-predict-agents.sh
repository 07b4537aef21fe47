#!/bin/bash
# lab.predict-agents: `check --predict` on a live pair, with migcheck on the hosts and with the
# sh agent only. With migcheck there, the measurements are all made (memory sampled on the
# source, libvirt's dirty-rate windows, the probe domain on the destination, the bandwidth
# probe) and migration.convergence decides; with the sh agent, the guest is watched through
# libvirt only and the bandwidth cannot be measured: UNKNOWN, saying why, never a guess.
# Needs a lab that is up (labctl up; ctest's "lab" fixture does that) and the build.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=${LABCTL:-$here/labctl}
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
VM=pa-idle
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}
trap '"$LABCTL" undefine-vm lab-a $VM >/dev/null 2>&1 || true' EXIT
"$LABCTL" define-vm lab-a $VM --disk nfs --dirty-rate 2 --start >/dev/null
sleep 8

field() { jq -r --arg k "$1" '.findings[] | select(.rule == "migration.convergence") | .[$k]'; }
data() { jq -r --arg k "$1" '.findings[] | select(.rule == "migration.convergence") | .data[$k]'; }

out=$("$M" --remote-command="$M" --timeout 120 --format=json --rule migration.convergence --predict-time 2 \
	--bandwidth 64 lab-a lab-b $VM || true)
st=$(field status <<<"$out")
[[ $st == pass ]] || fail "with migcheck on both hosts: migration.convergence is '$st': $(field message <<<"$out")"
for k in total_seconds downtime_max_seconds link_bps nonzero_bytes dirty_window_bytes dst_start_seconds; do
	v=$(data "$k" <<<"$out")
	awk -v v="$v" 'BEGIN { exit !(v > 0) }' || fail "with migcheck: data.$k is '$v'"
done
echo "ok: migcheck agents: $(field message <<<"$out")"

out=$("$M" --remote-command= --timeout 120 --format=json --rule migration.convergence --predict-time 2 \
	--bandwidth 64 lab-a lab-b $VM || true)
st=$(field status <<<"$out")
ev=$(field evidence <<<"$out")
[[ $st == unknown ]] || fail "with the sh agent: migration.convergence is '$st', not unknown"
[[ $ev == *"needs migcheck on"* ]] || fail "with the sh agent: the evidence does not say why: '$ev'"
[[ $(field hint <<<"$out") == *"if the link carries the 64 MiB/s limit"* ]] ||
	fail "with the sh agent: no conditional prediction in the hint: $(field hint <<<"$out")"
echo "ok: sh agents: $(field message <<<"$out") ($ev)"

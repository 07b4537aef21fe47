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
# Dirtying at its rate, not booting, when the prediction watches it (bounded: a loaded TCG host
# boots slowly, and a guest still booting dirties tens of MiB/s).
eval "$("$LABCTL" paths)"
serial=$MIGCHECK_LAB_DIR/hosts/lab-a/root/var/log/libvirt/qemu/$VM-serial.log
deadline=$((SECONDS + 240))
until grep -q MIGCHECK-GUEST-UP "$serial" 2>/dev/null; do
	((SECONDS < deadline)) || fail "$VM did not boot within 240 s"
	sleep 1
done
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
[[ $(data watch_seconds <<<"$out") == 2 ]] || fail "--predict-time 2 watched $(data watch_seconds <<<"$out") s"
echo "ok: migcheck agents: $(field message <<<"$out")"

# The default watch lasts the first pass: the guest's resident memory at the bandwidth limit,
# 4 s to 15 s (the resident memory read back from the facts, after the watch: it may have grown
# a little meanwhile).
facts=$(mktemp -d)
trap 'rm -rf "$facts"; "$LABCTL" undefine-vm lab-a $VM >/dev/null 2>&1 || true' EXIT
out=$("$M" --remote-command="$M" --timeout 120 --format=json --rule migration.convergence --predict \
	--bandwidth 16 --save-facts "$facts/f" lab-a lab-b $VM || true)
w=$(data watch_seconds <<<"$out")
rss=$(grep -o ' rss-bytes="[0-9]*"' "$facts/f/pair.xml" | grep -o '[0-9]*' || true)
[[ -n $rss ]] || fail "default watch: no rss-bytes in the pair facts"
awk -v w="$w" -v rss="$rss" 'BEGIN { e = rss / (16 * 1048576); if (e < 4) e = 4; if (e > 15) e = 15
	exit !(w >= 4 && w <= 15 && w >= 0.85 * e && w <= 1.15 * e) }' ||
	fail "default watch: $w s for $rss resident bytes at 16 MiB/s"
n=$(data dst_stop_seconds <<<"$out")
awk -v v="$n" 'BEGIN { exit !(v > 0) }' || fail "default watch: data.dst_stop_seconds is '$n'"
echo "ok: default watch $w s ($rss resident bytes at 16 MiB/s): $(field message <<<"$out")"

out=$("$M" --remote-command= --timeout 120 --format=json --rule migration.convergence --predict-time 2 \
	--bandwidth 64 lab-a lab-b $VM || true)
st=$(field status <<<"$out")
ev=$(field evidence <<<"$out")
[[ $st == unknown ]] || fail "with the sh agent: migration.convergence is '$st', not unknown"
[[ $ev == *"needs migcheck on"* ]] || fail "with the sh agent: the evidence does not say why: '$ev'"
[[ $(field hint <<<"$out") == *"if the link carries the 64 MiB/s limit"* ]] ||
	fail "with the sh agent: no conditional prediction in the hint: $(field hint <<<"$out")"
echo "ok: sh agents: $(field message <<<"$out") ($ev)"

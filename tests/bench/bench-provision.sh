#!/bin/bash
# Benchmark: the phases of `migcheck provision` for a running guest with a 1 GiB disk full of
# data (every cluster written, so nothing is skipped as zero) on the lab: plan (open the three
# hosts, gather, plan), export (directory, image, export, reload), verify (libnfs or libiscsi
# from both hosts), copy (the live block copy and pivot), then the live migration to lab-b
# that the shared storage allows. The copy's rate is printed next to the link's: the rate of
# 512 MiB sent from lab-a to lab-storage over TCP with nc, measured just before.
# Usage: bench-provision.sh [MIGCHECK] [nfs|iscsi] [SIZE_MIB]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
M=$(readlink -f "${1:-$here/../../build/src/migcheck}")
PROTO=${2:-nfs}
MIB=${3:-1024}
LAB=$here/../lab/labctl
"$LAB" status >/dev/null || { echo "bench-provision: the lab is not up (tests/lab/labctl up)" >&2; exit 1; }
VM=bench-prov-$PROTO
TMP=$(mktemp -d /tmp/migcheck-bench-provision.XXXXXX)
A=qemu+ssh://root@lab-a/system
B=qemu+ssh://root@lab-b/system
cleanup() {
	local j
	virsh -c "$B" migrate --live "$VM" "$A" >/dev/null 2>&1 || true
	for j in "$TMP"/migcheck-provision-*.xml; do
		[[ -e $j ]] && "$M" undo --remote-command="$M" --timeout=300 "$j" >/dev/null 2>&1
	done
	"$LAB" undefine-vm lab-a "$VM" >/dev/null 2>&1 || true
	rm -rf "$TMP"
}
trap cleanup EXIT

now() { date +%s.%N; }
"$LAB" define-vm lab-a "$VM" --disk local >/dev/null
img=$(virsh -c "$A" domblklist "$VM" | awk '$1 == "vda" { print $2 }')
"$LAB" exec lab-a qemu-img resize -q "$img" "${MIB}M"
"$LAB" exec lab-a qemu-io -f qcow2 -c "write -P 0x5a 0 ${MIB}M" "$img" >/dev/null
virsh -c "$A" start "$VM" >/dev/null

# the link: 512 MiB from lab-a to lab-storage over TCP
port=5999
"$LAB" exec lab-storage sh -c "nc -l -p $port >/dev/null 2>&1 || nc -l $port >/dev/null" &
sleep 1
t0=$(now)
"$LAB" exec lab-a sh -c "head -c 536870912 /dev/zero | nc -N lab-storage $port"
t1=$(now)
wait
link=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print 512 / (b - a) }')

t0=$(now)
"$M" provision --remote-command="$M" --timeout=300 --journal-dir="$TMP" --storage root@lab-storage \
	--protocol "$PROTO" --attach network lab-a lab-b "$VM" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/out" "$TMP/err" >&2; exit 1; }
t1=$(now)
t2=$(now)
virsh -c "$A" migrate --live "$VM" "$B" >/dev/null
t3=$(now)

timings=$(grep '^Timings: ' "$TMP/out")
printf 'bench-provision (%s, %d MiB disk, running guest, --attach network)\n' "$PROTO" "$MIB"
printf '  %s\n' "$timings"
printf '  provision total %.2f s; migrate (virsh migrate --live, shared storage) %.2f s\n' \
	"$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
	"$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')"
rate=$(sed -n 's/.* at \([0-9.]*\) MiB\/s.*/\1/p' <<<"$timings")
printf '  copy rate %s MiB/s; link lab-a -> lab-storage (nc, 512 MiB) %.1f MiB/s\n' "${rate:-?}" "$link"

#!/bin/bash
# bench-lab.sh: lab timings as plain figures (not a test).
#   lab-up-seconds           labctl up right after labctl down (cold lab, warm
#                            machine: packages installed, guest kernel cached)
#   lab-up-again-seconds     labctl up on a lab that is already up
#   migration-seconds        wall time of one virsh migrate --live of an idle
#                            NFS-backed guest, lab-a -> lab-b over qemu+ssh
#   migration-qemu-ms        QEMU's own time for it (domjobinfo --completed)
#   lab-down-seconds         labctl down (only when the lab was down before)
# Leaves the lab as it found it (up or down).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=$here/labctl
A=qemu+ssh://root@lab-a/system
B=qemu+ssh://root@lab-b/system

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

was_up=0
"$LABCTL" status >/dev/null 2>&1 && was_up=1

"$LABCTL" down >/dev/null
t0=$(now)
"$LABCTL" up >/dev/null
t1=$(now)
echo "lab-up-seconds: $(secs "$t0" "$t1")"

t0=$(now)
"$LABCTL" up >/dev/null 2>&1
t1=$(now)
echo "lab-up-again-seconds: $(secs "$t0" "$t1")"

vm=bench-idle
"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true
trap '"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true' EXIT
"$LABCTL" define-vm lab-a "$vm" --disk nfs --start >/dev/null 2>&1
t0=$(now)
virsh -c "$A" migrate --live "$vm" "$B" >/dev/null
t1=$(now)
echo "migration-seconds: $(secs "$t0" "$t1")"
ms=$(virsh -c "$B" domjobinfo --completed "$vm" | awk '/^Time elapsed:/ { print $3; exit }')
echo "migration-qemu-ms: ${ms:-unknown}"
"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1
trap - EXIT

if ((was_up == 0)); then
	t0=$(now)
	"$LABCTL" down >/dev/null
	t1=$(now)
	echo "lab-down-seconds: $(secs "$t0" "$t1")"
fi

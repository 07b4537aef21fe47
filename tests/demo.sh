#!/bin/bash
# The README's first command: set up everything (packages, the build, the lab of real
# libvirt/QEMU hosts in namespaces with NFS and iSCSI storage) and run migcheck's main job
# against the lab hosts: one guest that will migrate and one that will not.
# The lab stays up afterwards for you to explore: tests/lab/labctl status | down.
set -euo pipefail
top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"
"$top/tests/setup.sh"
build=${MIGCHECK_BUILD_DIR:-build}
cmake -S . -B "$build" >/dev/null
cmake --build "$build" -j"$(nproc)" --target migcheck
M=$(readlink -f "$build/src/migcheck")
LAB=$top/tests/lab/labctl
"$LAB" up
"$LAB" define-vm lab-a demo-nfs --disk nfs --start
"$LAB" define-vm lab-a demo-local --disk local --start

show() {
	printf '\n$ %s\n' "$*"
	"$@" && rc=0 || rc=$?
	printf '(exit status %d)\n' "$rc"
}
# The hosts run this build of migcheck as their agent (the lab shares /usr and this tree).
show "$M" --remote-command="$M" lab-a lab-b demo-nfs
show "$M" --remote-command="$M" lab-a lab-b demo-local
# Without migcheck on the hosts: the embedded sh probe, and UNKNOWN for what it cannot probe.
show "$M" --remote-command= -q lab-a lab-b demo-local
cat <<EOT

The lab is up: tests/lab/labctl status, tests/lab/labctl ssh lab-a, and
tests/lab/labctl down when you are done. See README.md for more.
EOT

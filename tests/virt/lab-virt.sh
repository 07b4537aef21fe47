#!/bin/bash
# Run the C tests of src/virt that need a real libvirtd + QEMU (test-virt-lab)
# inside a lab hypervisor. usage: lab-virt.sh LABCTL TEST-BINARY [HOST]
set -euo pipefail
exec "$1" exec "${3:-lab-b}" "$2"

#!/bin/bash
# Random tokens (frame boundaries, canary and test file names, probe tokens) come from one
# generator, util/random.c: getrandom(2), the process stops when the kernel gives none. No
# other code may make its own (rand(), random(), drand48(), reading /dev/urandom, its own
# getrandom loop with a fallback). Fails with the offending lines.
set -euo pipefail
top=$(readlink -f "${1:-$(dirname "$0")/../..}")
cd "$top"
# Calls (not man-page references such as getrandom(2) in comments), and opening the devices.
hits=$(grep -nP '\b(s?rand|s?random|[dlm]rand48|arc4random\w*|getrandom|getentropy)\s*\((?!\d\))|\bf?open(at)?\s*\([^;]*"/dev/u?random"' \
	--include='*.c' --include='*.h' -r src checker rules storage network |
	grep -v -e '^src/util/random\.[ch]:' || true)
if [[ -n $hits ]]; then
	echo "random: tokens must come from util/random.h (mc_random_bytes, mc_random_hex):" >&2
	echo "$hits" >&2
	exit 1
fi

#!/bin/bash
# Benchmark: `migcheck cluster --facts DIR` on generated clusters of 10, 100 and 1,000 hosts with
# 10 domains each (tests/cluster/gen-cluster: recorded lab snapshots with seeded variation).
# Prints wall and CPU time of each phase and the peak memory, as migcheck measures them itself
# (-v), and the wall time and peak RSS from /usr/bin/time when it is installed. Not a pass/fail
# test. Bar: 1,000 hosts x 10,000 domains under 10 s on 2 cores and under 1 GiB, about linear in
# hosts + domains.
# Usage: bench-cluster.sh [BUILD_DIR] [SIZES...]
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
build=$(readlink -f "${1:-$here/../../build}")
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(10 100 1000)
m=$build/src/migcheck
gen=$build/tests/cluster/gen-cluster
cases=$here/../golden/cases
for f in "$m" "$gen"; do
	[[ -x $f ]] || { echo "bench-cluster: build first ($f is missing)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "cores: $(nproc); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
	"$gen" --seed 1 --hosts "$n" --vms 10 --cases "$cases" --out "$tmp/c$n"
	du=$(du -sm "$tmp/c$n" | cut -f1)
	cat "$tmp/c$n"/*.xml >/dev/null # the page cache, as for a nightly directory
	for fmt in text json; do
		t=""
		if [[ -x /usr/bin/time ]]; then
			/usr/bin/time -f '%e %M' -o "$tmp/time" "$m" cluster --facts "$tmp/c$n" --policy= \
				--format "$fmt" -v >"$tmp/out" 2>"$tmp/err" || true
			read -r wall rss <"$tmp/time"
			t=$(printf '(time: %s s, %d MiB)' "$wall" $((rss / 1024)))
		else
			"$m" cluster --facts "$tmp/c$n" --policy= --format "$fmt" -v >"$tmp/out" \
				2>"$tmp/err" || true
		fi
		line=$(grep 'debug: .* hosts, ' "$tmp/err" | sed 's/^migcheck: debug: //')
		echo "$n hosts, ${du} MiB of snapshots, --format $fmt $t"
		echo "  $line"
	done
done

#!/bin/bash
# Fuzz budget (not run by CI): every libFuzzer target of a -DMIGCHECK_FUZZ=ON build (clang,
# ASan+UBSan) for a given time, one after the other, each from a copy of its corpus in
# tests/fuzz/corpus; prints executions, executions per second and crashes per target. Inputs
# that crash are kept in the work directory (crash-*, leak-*, oom-*, timeout-*), with the
# command that reproduces each; slow inputs (slow-unit-*, over 10 s of wall time) are counted
# apart, as they need not be the target's: do not SIGSTOP a run, its clock keeps going.
#
#   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DMIGCHECK_FUZZ=ON -DMIGCHECK_WERROR=ON
#   cmake --build build-fuzz -j2
#
# For long runs, a throughput build adds -DMIGCHECK_FUZZ_SANITIZERS=undefined (UBSan only: more
# executions a second; an over-read is then found only when it faults, so replay what it adds to the
# corpus with the ASan build).
#   tests/fuzz/budget.sh [-j JOBS] [-r RUNS] [-w WORKDIR] BUILD_DIR SECONDS [TARGET...]
#
# SECONDS per target (libFuzzer's -max_total_time); -r stops a target earlier after RUNS
# executions; -j runs that many targets at once (default 1: the machine is shared). A target
# stops at its first crash (libFuzzer's way); the table says so. Exit status 1 when any target
# crashed.
set -euo pipefail
here=$(dirname "$(readlink -f "$0")")
jobs=1 runs=0 work=
while getopts j:r:w: o; do
	case $o in
	j) jobs=$OPTARG ;;
	r) runs=$OPTARG ;;
	w) work=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [[ $# -lt 2 ]]; then
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
	exit 2
fi
build=$(readlink -f "$1")
secs=$2
shift 2
[[ $secs =~ ^[0-9]+$ && $runs =~ ^[0-9]+$ && $jobs =~ ^[1-9][0-9]*$ ]] || {
	echo "budget: SECONDS, RUNS and JOBS are numbers" >&2
	exit 2
}
targets=("$@")
if [[ ${#targets[@]} == 0 ]]; then
	while IFS= read -r f; do
		targets+=("${f##*/fuzz-}")
	done < <(find "$build/tests/fuzz" -maxdepth 1 -type f -name 'fuzz-*' -perm -u+x | sort)
fi
[[ ${#targets[@]} -gt 0 ]] || {
	echo "budget: no fuzz-* targets in $build/tests/fuzz (configure with -DMIGCHECK_FUZZ=ON)" >&2
	exit 2
}
work=${work:-$(mktemp -d /tmp/migcheck-fuzz-budget.XXXXXX)}
mkdir -p "$work"
limit=
[[ $runs -gt 0 ]] && limit=" (at most $runs runs)"
echo "budget: ${#targets[@]} targets, ${secs} s each$limit, $jobs at a time; work in $work" >&2

run_one() {
	local t=$1 bin=$build/tests/fuzz/fuzz-$1 d=$work/$1
	mkdir -p "$d/corpus" "$d/artifacts"
	[[ -d $here/corpus/$t ]] && cp -n "$here/corpus/$t"/* "$d/corpus/" 2>/dev/null || true
	local extra=()
	[[ $runs -gt 0 ]] && extra+=(-runs="$runs")
	local start end
	start=$(date +%s)
	# libFuzzer's own limit, and a hard one in case a target hangs outside its control.
	# ASan's default 256 MB quarantine of freed blocks makes every allocation touch fresh
	# pages (page faults were a third of the run time); 16 MB still holds far more than one
	# input's frees, so use-after-free within an execution is caught as before. 2-6x faster.
	# UBSan's findings are recoverable in this build: without halt_on_error they are printed and
	# the run goes on, uncounted (a float-to-integer overflow in the prediction's parser went by so).
	ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} timeout -k 30 $((secs + 120)) "$bin" -max_total_time="$secs" -print_final_stats=1 \
		-rss_limit_mb=2048 -timeout=30 -artifact_prefix="$d/artifacts/" "${extra[@]}" \
		"$d/corpus" >"$d/log" 2>&1 || true
	end=$(date +%s)
	local execs
	execs=$(awk '/^stat::number_of_executed_units:/ { n = $NF } END { print n + 0 }' "$d/log")
	if [[ $execs == 0 ]]; then
		# Stopped by a crash before the final stats: the last status line has the count.
		execs=$(grep -o '^#[0-9]*' "$d/log" | tail -1 | tr -d '#')
		execs=${execs:-0}
	fi
	# Findings: crash-, leak-, oom- and timeout- inputs. A slow-unit- input is not one: libFuzzer
	# writes it when an input took more than 10 s of wall time, which a starved or stopped
	# (SIGSTOP) process also does. Timeouts count by wall time too, so each is replayed once
	# and the line says whether it finishes within the limit.
	local crashes slow a
	crashes=$(find "$d/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' \
		-o -name 'timeout-*' \) | wc -l)
	slow=$(find "$d/artifacts" -type f -name 'slow-unit-*' | wc -l)
	local secs_ran=$((end - start > 0 ? end - start : 1))
	printf '%s %s %s %s %s\n' "$t" "$execs" "$((execs / secs_ran))" "$crashes" "$slow" >"$d/result"
	for a in "$d"/artifacts/*; do
		[[ -f $a ]] || continue
		case ${a##*/} in
		timeout-* | slow-unit-*)
			if timeout 60 "$bin" -timeout=30 "$a" >/dev/null 2>&1; then
				echo "reproduce: $bin $a (replayed once within the limit: the machine, not the target?)"
			else
				echo "reproduce: $bin $a (replayed once: still over the limit)"
			fi
			;;
		*) echo "reproduce: $bin $a" ;;
		esac >>"$d/result.repro"
	done
}

running=0
for t in "${targets[@]}"; do
	[[ -x $build/tests/fuzz/fuzz-$t ]] || {
		echo "budget: no target fuzz-$t in $build/tests/fuzz" >&2
		exit 2
	}
	run_one "$t" &
	running=$((running + 1))
	if [[ $running -ge $jobs ]]; then
		wait -n || true
		running=$((running - 1))
	fi
done
wait

total_crashes=0
printf '%-20s %15s %10s %8s %6s\n' target executions exec/s crashes slow
for t in "${targets[@]}"; do
	read -r name execs rate crashes slow <"$work/$t/result"
	printf '%-20s %15s %10s %8s %6s\n' "$name" "$execs" "$rate" "$crashes" "${slow:-0}"
	total_crashes=$((total_crashes + crashes))
	[[ -f $work/$t/result.repro ]] && sed 's/^/  /' "$work/$t/result.repro"
done
echo "seconds per target: $secs; work directory: $work"
[[ $total_crashes == 0 ]]

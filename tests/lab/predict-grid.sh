#!/bin/bash
# predict-grid.sh: migcheck's convergence prediction against real live migrations.
#
# For each dirty rate, the lab's memory-dirtying Linux guest runs on lab-a; for each
# bandwidth cap x downtime limit it is first predicted (`migcheck check --predict`, JSON),
# then migrated for real with `virsh migrate --live --bandwidth CAP --timeout T
# --timeout-suspend` to the other host (so a migration that does not converge ends: the
# guest is paused at T and the migration finishes as a non-live one), and the job statistics
# (libvirt's job-completed event) are read. Prints one row per run and a summary:
# prediction against outcome, the time error, whether the predicted downtime was an upper
# bound, and what the prediction added to a check.
#
#   predict-grid.sh [--migcheck PATH] [--rates "0 4 16"] [--caps "16 64"]
#                   [--downtimes "100 300"] [--timeout S] [--predict-time S|default] [--mem MiB]
#                   [--dirty-mib MiB] [--rows FILE] [--cells "RATE:CAP:DOWNTIME ..."] [--assert]
#                   [--json-dir DIR]
#
# --predict-time default: check --predict without --predict-time (the watch lasts the first
# pass, 4 s to 15 s).
#
# --json-dir keeps each run's prediction (migcheck's JSON, with the measurements in its
# evidence and data) as DIR/RATE-CAP-DOWNTIME.json, its facts (check --save-facts: the
# measurements are in pair.xml) in DIR/RATE-CAP-DOWNTIME.facts/, and the source's events with
# libvirt's job statistics as DIR/RATE-CAP-DOWNTIME.events, so that a model can be checked
# again offline (check --facts ... --pair-facts) against the same measurements and outcomes.
#
# --cells runs exactly these rate:cap:downtime points instead of the rates x caps x downtimes
# grid (the suite's sweep: a few points, each far enough from the edge of convergence that a
# loaded machine, where a TCG guest dirties and QEMU sends slower, cannot move it across).
#
# --assert (the suite's sweep): exit 1 when the prediction said "converges" for a run that
# did not converge, or "does not converge" for one that did (borderline is declared, so it
# never counts), or when a run could not be made, or when fewer than half of the runs were
# decided (a model that only ever says "borderline" predicts nothing). Timing figures are
# printed, not asserted.
# Needs a lab that is up (labctl up, or ctest's lab fixture). Every wait is bounded.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LABCTL=${LABCTL:-$here/labctl}
M=$(readlink -f "$here/../../build/src/migcheck")
RATES="0 4 16"
CAPS="16 64"
DOWNTIMES="100 300"
TIMEOUT=30
PREDICT_TIME=4
MEM=256
DIRTY_MIB=64
ROWS=
CELLS=
ASSERT=0
JSON_DIR=
while (($#)); do
	case $1 in
	--migcheck) M=$(readlink -f "$2"); shift 2 ;;
	--rates) RATES=$2; shift 2 ;;
	--caps) CAPS=$2; shift 2 ;;
	--downtimes) DOWNTIMES=$2; shift 2 ;;
	--timeout) TIMEOUT=$2; shift 2 ;;
	--predict-time) PREDICT_TIME=$2; shift 2 ;;
	--mem) MEM=$2; shift 2 ;;
	--dirty-mib) DIRTY_MIB=$2; shift 2 ;;
	--rows) ROWS=$2; shift 2 ;;
	--cells) CELLS=$2; shift 2 ;;
	--assert) ASSERT=1; shift ;;
	--json-dir) JSON_DIR=$2; shift 2 ;;
	*) echo "predict-grid: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[[ -x $M ]] || { echo "predict-grid: no migcheck at $M (build first)" >&2; exit 2; }
"$LABCTL" status >/dev/null || { echo "predict-grid: the lab is not up (labctl up)" >&2; exit 2; }
eval "$("$LABCTL" paths)"

uri() { printf 'qemu+ssh://root@%s/system' "$1"; }
other() { if [[ $1 == lab-a ]]; then echo lab-b; else echo lab-a; fi; }
now() { date +%s.%N; }
serial_log() { printf '%s/hosts/%s/root/var/log/libvirt/qemu/%s-serial.log' "$MIGCHECK_LAB_DIR" "$1" "$2"; }
ups() { grep -c MIGCHECK-GUEST-UP "$(serial_log "$1" "$2")" 2>/dev/null || true; }
log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

# Wait until the guest on HOST has booted and dirtied for a while: first boot (BEFORE 0), or
# after a migration, when the lab's TCG guest can panic and reboot right after resuming
# (LAB.md); a prediction must watch a guest that is dirtying, not one that is booting.
# Prints "rebooted" when it did.
panics() { grep -c -e "Kernel panic" -e "Fatal exception" "$(serial_log "$1" "$2")" 2>/dev/null || true; }
settle() {
	local h=$1 vm=$2 before=$3 pbefore=${4:-0} deadline=$((SECONDS + 240))
	if [[ ${5:-} == boot ]]; then
		while [[ $(ups "$h" "$vm") -le $before ]]; do
			((SECONDS < deadline)) || { log "$vm on $h did not boot within 240 s"; return 1; }
			sleep 0.5
		done
		# a fresh guest's memory keeps filling for a while after boot
		sleep 10
		return 0
	fi
	sleep 3
	if [[ $(ups "$h" "$vm") -gt $before || $(panics "$h" "$vm") -gt $pbefore ]]; then
		while [[ $(ups "$h" "$vm") -le $before ]]; do
			((SECONDS < deadline)) || { log "$vm on $h did not boot again within 240 s"; return 1; }
			sleep 0.5
		done
		sleep 4
		echo rebooted
	fi
}

# The runs: per dirty rate (one guest each, in the order given), its cap:downtime points.
declare -A points=()
order=()
if [[ -z $CELLS ]]; then
	for r in $RATES; do for c in $CAPS; do for d in $DOWNTIMES; do CELLS+=" $r:$c:$d"; done; done; done
fi
for cell in $CELLS; do
	[[ $cell =~ ^([0-9]+):([0-9]+):([0-9]+)$ ]] ||
		{ echo "predict-grid: a cell is RATE:CAP:DOWNTIME (MiB/s, MiB/s, ms), not '$cell'" >&2; exit 2; }
	r=${BASH_REMATCH[1]}
	[[ -n ${points[$r]+x} ]] || order+=("$r")
	points[$r]+=" ${BASH_REMATCH[2]}:${BASH_REMATCH[3]}"
done

rows=${ROWS:-$(mktemp)}
: >"$rows"
evpid=
cleanup() {
	[[ -n $evpid ]] && kill "$evpid" 2>/dev/null || true
	for r in "${order[@]}"; do "$LABCTL" undefine-vm lab-a "pg-$r" >/dev/null 2>&1 || true; done
	[[ -n $ROWS ]] || rm -f "$rows"
}
trap cleanup EXIT

failures=0
printf '%-5s %-4s %-5s | %-18s %7s %7s %6s %6s | %-10s %7s %6s %3s | %s\n' \
	rate cap dtime predicted p_total p_dtmax p_it chk_s outcome total dtime it notes
for rate in "${order[@]}"; do
	vm=pg-$rate
	"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true
	if ! "$LABCTL" define-vm lab-a "$vm" --disk nfs --mem "$MEM" --dirty-rate "$rate" \
		--dirty-mib "$DIRTY_MIB" --start >/dev/null; then
		log "$vm: labctl define-vm failed"
		failures=$((failures + 1))
		continue
	fi
	loc=lab-a
	settle "$loc" "$vm" 0 0 boot >/dev/null || { failures=$((failures + 1)); continue; }
	for point in ${points[$rate]}; do
		cap=${point%%:*} dt=${point#*:}
		{
			dst=$(other "$loc")
			# Every step of a run is bounded and a failed step is a failed run, said so (set -e
			# would end the whole grid without a word).
			if ! timeout 180 virsh -q -c "$(uri "$loc")" migrate-setmaxdowntime "$vm" --downtime "$dt" >/dev/null; then
				log "$vm: setting the downtime limit on $loc failed or took over 180 s"
				printf '%s\t%s\t%s\terror\t0\t0\t0\t0\tfailed\n' "$rate" "$cap" "$dt" >>"$rows"
				failures=$((failures + 1))
				continue
			fi
			# Predict.
			t0=$(now)
			# --timeout 120: on a loaded machine opening a host can take longer than the default 30 s.
			save=()
			[[ -z $JSON_DIR ]] || save=(--save-facts "$JSON_DIR/$rate-$cap-$dt.facts")
			watch=(--predict)
			[[ $PREDICT_TIME == default ]] || watch=(--predict-time "$PREDICT_TIME")
			pj=$(timeout 300 "$M" --remote-command="$M" --timeout 120 --format=json --rule migration.convergence \
				"${watch[@]}" --bandwidth "$cap" --migration-timeout "$TIMEOUT" \
				--timeout-suspend "${save[@]}" "$loc" "$dst" "$vm" || true)
			chk=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
			[[ -z $JSON_DIR ]] || printf '%s\n' "$pj" >"$JSON_DIR/$rate-$cap-$dt.json"
			pd=$(jq -r '.findings[] | select(.rule == "migration.convergence") |
				if .data then [.data.outcome, .data.total_seconds, .data.downtime_max_seconds,
				.data.iterations, .data.downtime_seconds, .data.setup_seconds, .data.precopy_seconds,
				.data.dst_start_seconds, .data.src_rtt_seconds, .data.dst_rtt_seconds,
				(.data.watch_seconds // 0)] | @tsv
				else ["unknown", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] | @tsv end' <<<"$pj" 2>/dev/null || echo "error")
			read -r p_out p_total p_dtmax p_it p_dt p_setup p_pre p_q p_rs p_rd p_w <<<"$pd" || true
			# Migrate, watching the source's events.
			ev=$(mktemp)
			before=$(ups "$dst" "$vm")
			pbefore=$(panics "$dst" "$vm")
			timeout $((TIMEOUT + 240)) virsh -c "$(uri "$loc")" event --domain "$vm" --all --loop \
				--timestamp >"$ev" 2>&1 &
			evpid=$!
			sleep 1
			mrc=0
			timeout $((TIMEOUT + 150)) virsh -q -c "$(uri "$loc")" migrate --live --bandwidth "$cap" \
				--timeout "$TIMEOUT" --timeout-suspend "$vm" "$(uri "$dst")" >/dev/null 2>"$ev.err" || mrc=$?
			for _ in $(seq 1 150); do
				grep -q "time_elapsed:" "$ev" && break
				sleep 0.2
			done
			kill "$evpid" 2>/dev/null || true
			wait "$evpid" 2>/dev/null || true
			evpid=
			jt() { awk -v k="$1:" '$1 == k { print $2; exit }' "$ev"; }
			elapsed=$(jt time_elapsed)
			downtime=$(jt downtime)
			iters=$(jt memory_iteration)
			notes=
			if ((mrc != 0)) || [[ -z $elapsed ]]; then
				outcome=failed
				notes="virsh rc=$mrc: $(head -c 200 "$ev.err" | tr '\n' ' ')"
				failures=$((failures + 1))
			elif awk -v el="${elapsed:-0}" -v T="$TIMEOUT" '
				# virsh suspends the guest T seconds after it started the migration job (the libvirt
				# job start: its end minus time_elapsed). A stop that late is the timeout, not the
				# switch-over of a converged pre-copy (both say "Suspended Migrated").
				function sec(x,   t) { split(x, t, ":"); return t[1] * 3600 + t[2] * 60 + t[3] }
				/lifecycle/ && /Suspended/ && !susp { susp = sec($2) }
				/job-completed/ { done = sec($2) }
				END { if (!susp || !done) exit 1; d = susp - (done - el / 1000); if (d < 0) d += 86400
				      exit !(d >= T - 2) }' "$ev"; then
				outcome=suspended
			else
				outcome=converged
			fi
			# Phases from the events: libvirt's job start to QEMU's first iteration (setup), the
			# first pass, pre-copy until the guest stops, and from there to the job's end.
			read -r setup pass1 precopy finish < <(awk -v el="${elapsed:-0}" '
				function ts(   t) { split($2, t, ":"); return t[1] * 3600 + t[2] * 60 + t[3] }
				/migration-iteration/ && /iteration: .1./ && !it1 { it1 = ts() }
				/migration-iteration/ && /iteration: .2./ && !it2 { it2 = ts() }
				/lifecycle/ && /Suspended/ && !susp { susp = ts() }
				/job-completed/ { done = ts() }
				END {
					if (!(it1 && done && susp)) { print "- - - -"; exit }
					printf "%.2f %.2f %.2f %.2f\n", it1 - (done - el / 1000), it2 ? it2 - it1 : 0, susp - it1, done - susp
				}' "$ev") || true
			[[ -z $JSON_DIR ]] || cp "$ev" "$JSON_DIR/$rate-$cap-$dt.events"
			rm -f "$ev" "$ev.err"
			if [[ $outcome != failed ]]; then
				loc=$dst
				rb=$(settle "$loc" "$vm" "$before" "$pbefore" || true)
				[[ -n $rb ]] && notes="guest rebooted after the migration (TCG)"
			fi
			tot_s=$(awk -v e="${elapsed:-0}" 'BEGIN { printf "%.2f", e / 1000 }')
			dt_s=$(awk -v e="${downtime:-0}" 'BEGIN { printf "%.3f", e / 1000 }')
			printf '%-5s %-4s %-5s | %-18s %7.2f %7.3f %6s %6s | %-10s %7s %6s %3s | %s\n' \
				"$rate" "$cap" "$dt" "${p_out:-error}" "${p_total:-0}" "${p_dtmax:-0}" "${p_it:-0}" "$chk" \
				"$outcome" "$tot_s" "$dt_s" "${iters:--}" "setup ${setup:--}/${p_setup:-?} s, pre-copy ${precopy:--}/${p_pre:-?} s, watch ${p_w:-?} s $notes"
			# What the prediction said and saw, for a row that is not a decided, right prediction.
			if [[ ${p_out:-error} != converges && ${p_out:-error} != does-not-converge ]] ||
				[[ ${p_out:-} == converges && $outcome != converged ]] ||
				[[ ${p_out:-} == does-not-converge && $outcome == converged ]]; then
				said=$(jq -r '.findings[] | select(.rule == "migration.convergence") |
					"      \(.status): \(.message)\n      measured: \(.evidence)"' <<<"$pj" 2>/dev/null || true)
				[[ -n $said ]] || said="      no prediction (migcheck said: $(head -c 300 <<<"$pj" | tr '\n' ' '))"
				printf '%s\n' "$said"
			fi
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
				"$rate" "$cap" "$dt" "${p_out:-error}" "${p_total:-0}" "${p_dtmax:-0}" "${p_it:-0}" "$chk" \
				"$outcome" "$tot_s" "$dt_s" "${iters:-0}" "${setup:--}" "${p_setup:-0}" "${pass1:--}" \
				"${precopy:--}" "${finish:--}" "${p_pre:-0}" "${p_dt:-0}" "${p_q:-0}" "${p_rs:-0}" \
				"${p_rd:-0}" >>"$rows"
		}
	done
	"$LABCTL" undefine-vm lab-a "$vm" >/dev/null 2>&1 || true
done

# Summary. Rows: rate cap dt predicted p_total p_dtmax p_it check_s outcome total downtime it
# setup p_setup pass1 precopy finish p_precopy p_downtime p_dst_start p_src_rtt p_dst_rtt
awk -F'\t' -v predict_time="$PREDICT_TIME" '
function pct(a, n, q,   i, j, t, k) {
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	k = int(q * n + 0.999999); if (k < 1) k = 1; if (k > n) k = n; return a[k]
}
$9 == "failed" { failed++; next }
{
	runs++
	real_conv = $9 == "converged"
	if ($4 == "borderline") border++
	else if ($4 == "converges" || $4 == "does-not-converge") {
		decided++
		pc = $4 == "converges"
		if (pc == real_conv) right++
		if (pc && !real_conv) false_conv++
		if (!pc && real_conv) false_noconv++
	} else unknown++
	if ($5 > 0 && $10 > 0) { ne++; err[ne] = ($5 - $10) / $10; aerr[ne] = err[ne] < 0 ? -err[ne] : err[ne] }
	if ($6 > 0) { nd++; if ($11 <= $6) bound++ }
}
END {
	printf "\nruns %d (failed to run: %d); decided predictions %d, borderline %d, unknown %d\n", runs, failed, decided, border, unknown
	if (decided) printf "converge / not-converge right: %d of %d (%.1f %%; bar 97 %%); said converges but did not: %d; said does not but did: %d\n", right, decided, 100 * right / decided, false_conv, false_noconv
	if (ne) {
		for (i = 1; i <= ne; i++) b[i] = aerr[i]
		med = pct(b, ne, 0.5)
		for (i = 1; i <= ne; i++) b[i] = aerr[i]
		p90 = pct(b, ne, 0.9)
		s = 0; for (i = 1; i <= ne; i++) s += err[i]
		printf "total time |error|: median %.1f %%, 90th percentile %.1f %% (bar 10 %% / 20 %%), mean signed %+.1f %% over %d runs\n", 100 * med, 100 * p90, 100 * s / ne, ne
	}
	if (nd) printf "predicted downtime an upper bound: %d of %d (%.1f %%; bar 95 %%)\n", bound, nd, 100 * bound / nd
}' "$rows"
if ((ASSERT)); then
	bad=$(awk -F'\t' '($4 == "converges" && $9 != "converged") || ($4 == "does-not-converge" && $9 == "converged")' "$rows" | wc -l)
	runs=$(awk -F'\t' '$9 != "failed"' "$rows" | wc -l)
	decided=$(awk -F'\t' '$9 != "failed" && ($4 == "converges" || $4 == "does-not-converge")' "$rows" | wc -l)
	if ((bad > 0 || failures > 0 || runs == 0 || 2 * decided < runs)); then
		echo "predict-grid: $bad wrong decided prediction(s), $failures run(s) that could not be made," \
			"$decided of $runs run(s) decided" >&2
		exit 1
	fi
fi

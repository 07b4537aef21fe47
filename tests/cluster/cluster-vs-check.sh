#!/bin/bash
# One engine: every cell of `migcheck cluster` is what `migcheck check --src-facts A
# --dst-facts B VM` says for that pair. A generated cluster (seeded, with rare events made
# common: clones, stale definitions, deviant hosts, shut-off domains) is judged by the cluster
# verb, then every domain against every other host by the check verb, and the two compared:
# verdict, exit status, and the causes (rule, status, severity, subject); messages too for the
# cell each situation was judged on.
#
# With VM-XML, the domain given as XML on each host in turn (--vm-xml), against check --vm-xml.
#
# usage: cluster-vs-check.sh MIGCHECK GEN-CLUSTER CASES-DIR SEED HOSTS VMS [VM-XML]
set -euo pipefail
m=$1 gen=$2 cases=$3 seed=$4 hosts=$5 vms=$6 vmxml=${7:-}
xml=()
[[ -n $vmxml ]] && xml=(--vm-xml "$(readlink -f "$vmxml")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$gen" --seed "$seed" --hosts "$hosts" --vms "$vms" --rare 4 --specials --cases "$cases" --out "$tmp/facts"
rc=0
"$m" cluster --facts "$tmp/facts" --policy= "${xml[@]}" --format json >"$tmp/cluster.json" || rc=$?
if [[ $rc -gt 3 || $rc -eq 2 ]]; then
	echo "FAIL: cluster exited $rc" >&2
	exit 1
fi
sel='select(.status == "fail" or .status == "warn" or .status == "unknown")'
key='[.rule, .status, .severity, (.subject // "")]'
cells=0 failures=0 with_messages=0
while IFS=$'\t' read -r vm src dst verdict first got_causes got_messages; do
	cells=$((cells + 1))
	crc=0
	"$m" check --policy= --src-facts "$tmp/facts/$src.xml" --dst-facts "$tmp/facts/$dst.xml" \
		"${xml[@]}" --format json "$src" "$dst" "$vm" >"$tmp/check.json" 2>"$tmp/check.err" ||
		crc=$?
	IFS=$'\t' read -r want want_causes want_messages < <(jq -r \
		"[.verdict, ([.findings[] | $sel | $key] | sort | tojson),
		  ([.findings[] | $sel | .message] | sort | tojson)] | @tsv" "$tmp/check.json")
	case $verdict in migratable) erc=0 ;; blocked) erc=1 ;; *) erc=3 ;; esac
	if [[ $want != "$verdict" || $crc -ne $erc || $got_causes != "$want_causes" ]]; then
		echo "FAIL: $vm $src -> $dst: check says $want (exit $crc) $want_causes;" \
			"cluster says $verdict $got_causes" >&2
		failures=$((failures + 1))
		continue
	fi
	if [[ $dst == "$first" ]]; then
		with_messages=$((with_messages + 1))
		if [[ $got_messages != "$want_messages" ]]; then
			echo "FAIL: $vm $src -> $dst: messages differ: $got_messages / $want_messages" >&2
			failures=$((failures + 1))
		fi
	fi
done < <(jq -r '[.hosts[].name] as $all
	| (.situations | map({key: (.id | tostring), value: .}) | from_entries) as $sit
	| .domains[] | .name as $vm | .host as $src
	| .groups as $groups
	| $all[] | select(. != $src) | . as $dst
	| ([$groups[] | select(.hosts | index($dst))] | first) as $g
	| if $g == null then [$vm, $src, $dst, "migratable", "-", "[]", "[]"]
	  else $sit[$g.situation | tostring] as $s
	  | [$vm, $src, $dst, $g.verdict,
	     (if $s.judged_on.domain == $vm and $s.judged_on.source == $src then
	        $s.judged_on.destination else "-" end),
	     ([$g.causes[] | '"$key"'] | sort | tojson),
	     ([$s.causes[] | .message] | sort | tojson)] end
	| @tsv' "$tmp/cluster.json")
expected=$(jq '[.domains[] | .destinations | .migratable + .blocked + .unknown] | add' \
	"$tmp/cluster.json")
clean=$(jq '[.domains[].destinations.clean] | add' "$tmp/cluster.json")
if [[ $cells -ne $expected || $cells -eq 0 ]]; then
	echo "FAIL: compared $cells cells, the cluster has $expected" >&2
	exit 1
fi
verdicts=$(jq -r '[.domains[].groups[].verdict] + (if '"$clean"' > 0 then ["migratable"] else [] end)
	| unique | join(" ")' "$tmp/cluster.json")
echo "compared $cells cells ($with_messages with messages); verdicts met: $verdicts"
if [[ -z $vmxml && $verdicts != "blocked migratable unknown" ]]; then
	echo "FAIL: the generated cluster does not have every verdict" >&2
	exit 1
fi
if ((failures)); then
	echo "$failures cells differ" >&2
	exit 1
fi

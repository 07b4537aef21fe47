#!/bin/bash
# End to end on the lab: `migcheck cluster lab-a lab-b` with several domains on each host (one
# on shared NFS, one on a local disk, one on a bridge only lab-a has) says for every domain what
# `migcheck check` says for each direction: live without probes (against check --no-probe), live
# with --probe (against a plain check), and from the snapshots it saved (against check
# --src-facts --dst-facts); the hosts are given on the command line and as an Ansible YAML
# inventory; `--drain lab-a` places the NFS domain on lab-b and names the stranded ones (exit 1).
# `migcheck facts --all-vms` on lab-a holds all its domains.
# usage: lab-cluster.sh MIGCHECK
set -euo pipefail
M=$(readlink -f "$1")
here=$(dirname "$(readlink -f "$0")")
LAB=$here/../lab/labctl
LOG_TAG=lab-cluster TMP_PREFIX=migcheck-cluster
# shellcheck source=tests/e2e/lib.sh
source "$here/../e2e/lib.sh"

"$LAB" add-bridge lab-a br-only-a
undo+=("'$LAB' del-bridge lab-a br-only-a")
define() { # HOST VM OPTIONS...
	local h=$1 vm=$2
	shift 2
	"$LAB" define-vm "$h" "$vm" "$@" --start
	undo+=("'$LAB' undefine-vm $h $vm")
}
define lab-a cl-nfs-a --disk nfs
define lab-a cl-local-a --disk local
define lab-a cl-br-a --disk nfs --bridge br-only-a
define lab-b cl-nfs-b --disk nfs
define lab-b cl-local-b --disk local
declare -A home=([cl-nfs-a]=lab-a [cl-local-a]=lab-a [cl-br-a]=lab-a [cl-nfs-b]=lab-b
	[cl-local-b]=lab-b)
declare -A expect=([cl-nfs-a]=migratable [cl-local-a]=blocked [cl-br-a]=blocked
	[cl-nfs-b]=migratable [cl-local-b]=blocked)
other() { [[ $1 == lab-a ]] && echo lab-b || echo lab-a; }
# A generous host timeout: the comparison is of verdicts, and a loaded machine is slow.
R=(--remote-command="$M" --timeout=120)

# facts --all-vms on a host holds every domain (a snapshot of version 2).
"$LAB" exec lab-a "$M" facts --all-vms >"$TMP/lab-a-all.xml"
head -c 200 "$TMP/lab-a-all.xml" | grep -q '<migcheck-facts version="2"' ||
	fail "facts --all-vms did not write version 2"
for vm in cl-nfs-a cl-local-a cl-br-a; do
	grep -q "<domain name=\"$vm\"" "$TMP/lab-a-all.xml" || fail "facts --all-vms misses $vm"
done

# The verdict and causes of one domain's cell in a cluster report (its only other host).
cluster_cell() { # JSON VM -> "verdict<TAB>causes"
	jq -r --arg vm "$1" '
		(.domains[] | select(.name == $vm)) as $d
		| if ($d.groups | length) == 0 then "migratable\t[]"
		  else ($d.groups[0] | .verdict + "\t" +
		        ([.causes[] | .rule + ":" + .status] | sort | join(","))) end' "$2"
}
check_cell() { # JSON -> "verdict<TAB>causes"
	jq -r '.verdict + "\t" + ([.findings[] | select(.status == "fail" or .status == "warn" or
	       .status == "unknown") | .rule + ":" + .status] | sort | join(","))' "$1"
}
agree() { # LABEL CLUSTER-JSON CHECK-ARGS...
	local label=$1 cj=$2
	shift 2
	local vm src dst got want rc
	for vm in "${!home[@]}"; do
		src=${home[$vm]}
		dst=$(other "$src")
		rc=0
		"$M" check "$@" --format json "$src" "$dst" "$vm" >"$TMP/check.json" || rc=$?
		[[ $rc -le 3 ]] || fail "$label: check $src $dst $vm exited $rc"
		want=$(check_cell "$TMP/check.json")
		got=$(cluster_cell "$vm" "$cj")
		[[ $got == "$want" ]] || fail "$label: $vm $src -> $dst: cluster says '$got', check '$want'"
		[[ ${got%%$'\t'*} == "${expect[$vm]}" ]] ||
			fail "$label: $vm $src -> $dst is ${got%%$'\t'*}, expected ${expect[$vm]}"
		log "$label: $vm $src -> $dst: ${got%%$'\t'*} (${got#*$'\t'})"
	done
}

# Live, without probes, hosts on the command line; the snapshots saved into a directory of our
# own where a symlink is planted at a name cluster writes: replaced, never followed.
mkdir -m 700 "$TMP/facts"
echo original >"$TMP/victim"
ln -s "$TMP/victim" "$TMP/facts/lab-a.xml"
rc=0
"$M" cluster "${R[@]}" --save-facts "$TMP/facts" --format json lab-a lab-b >"$TMP/live.json" || rc=$?
[[ $rc -eq 0 ]] || fail "cluster lab-a lab-b exited $rc"
[[ $(jq '.summary.domains' "$TMP/live.json") -ge 5 ]] || fail "the cluster has too few domains"
agree "live" "$TMP/live.json" "${R[@]}" --no-probe --policy=

# From the saved snapshots.
for h in lab-a lab-b; do
	[[ -s $TMP/facts/$h.xml && ! -L $TMP/facts/$h.xml ]] || fail "--save-facts wrote no $h.xml"
done
[[ $(cat "$TMP/victim") == original ]] || fail "--save-facts followed a planted symlink"
"$M" cluster --facts "$TMP/facts" --policy= --format json >"$TMP/snap.json" || fail "cluster --facts failed"
for vm in "${!home[@]}"; do
	src=${home[$vm]}
	dst=$(other "$src")
	rc=0
	"$M" check --policy= --src-facts "$TMP/facts/$src.xml" --dst-facts "$TMP/facts/$dst.xml" \
		--format json "$src" "$dst" "$vm" >"$TMP/check.json" || rc=$?
	want=$(check_cell "$TMP/check.json")
	got=$(cluster_cell "$vm" "$TMP/snap.json")
	[[ $got == "$want" ]] || fail "snapshots: $vm: cluster says '$got', check '$want'"
	[[ ${got%%$'\t'*} == "${expect[$vm]}" ]] || fail "snapshots: $vm is ${got%%$'\t'*}"
	log "snapshots: $vm $src -> $dst: ${got%%$'\t'*}"
done

# Live with probes, the hosts from an Ansible YAML inventory (addresses, user).
cat >"$TMP/inventory.yml" <<EOF
all:
  children:
    hypervisors:
      hosts:
        lab-a:
          ansible_host: 169.254.42.11
        lab-b:
          ansible_host: 169.254.42.12
      vars:
        ansible_user: root
EOF
rc=0
"$M" cluster "${R[@]}" --probe --policy= --hosts "$TMP/inventory.yml" --format json \
	>"$TMP/probe.json" || rc=$?
[[ $rc -eq 0 ]] || fail "cluster --probe --hosts exited $rc"
[[ $(jq -r '[.hosts[].name] | join(" ")' "$TMP/probe.json") == "lab-a lab-b" ]] ||
	fail "the inventory's host names are not the report's"
agree "probes" "$TMP/probe.json" "${R[@]}" --policy=

# Drain lab-a: the NFS domain goes to lab-b, the others are stranded, exit 1.
rc=0
"$M" cluster --facts "$TMP/facts" --policy= --drain lab-a --format json >"$TMP/drain.json" || rc=$?
[[ $rc -eq 1 ]] || fail "--drain lab-a exited $rc, not 1"
[[ $(jq -r '.drain.placements[] | select(.domain == "cl-nfs-a") | .destination' \
	"$TMP/drain.json") == lab-b ]] || fail "cl-nfs-a is not placed on lab-b"
for vm in cl-local-a cl-br-a; do
	jq -e --arg vm "$vm" '.drain.stranded[] | select(.domain == $vm)' "$TMP/drain.json" \
		>/dev/null || fail "$vm is not stranded"
done
jq -r '.drain.stranded[] | select(.domain == "cl-br-a") | .reason' "$TMP/drain.json" |
	grep -q 'net.bridge' || fail "cl-br-a's reason does not name net.bridge"
rc=0
"$M" cluster "${R[@]}" --policy= --drain lab-a lab-a lab-b >"$TMP/drain.txt" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || fail "live --drain lab-a exited $rc, not 1"
grep -q 'STRANDED cl-local-a' "$TMP/drain.txt" || fail "live drain text names no stranded domain"
log "drain: $(jq -c '[.drain.placements[] | .domain + "->" + .destination]' "$TMP/drain.json"),"\
"stranded $(jq -c '[.drain.stranded[].domain]' "$TMP/drain.json")"
log "PASS"

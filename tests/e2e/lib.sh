# shellcheck shell=bash
# What the lab's shell tests share; sourced after `set -euo pipefail`, with LOG_TAG set (the
# prefix of every log line) and TMP_PREFIX optionally (default migcheck-e2e). It gives:
#   TMP        a private directory under /tmp, removed at exit
#   undo       commands the EXIT trap evals, the last added first; one that fails is logged and
#              the others still run
#   log, fail  a timed line on stderr (what a step costs); fail then exits 1
#   vsh HOST ARGS...  virsh against HOST's system libvirt over ssh, 60 s at most
# A script with more to end at exit (a process it started) defines cleanup_extra, which the
# trap runs before the undo steps.
TMP=$(mktemp -d "/tmp/${TMP_PREFIX:-migcheck-e2e}.XXXXXX")
undo=()

log() { printf '%s %(%T)T: %s\n' "$LOG_TAG" -1 "$*" >&2; }
fail() {
	log "FAIL: $*"
	exit 1
}
cleanup() {
	local i
	if declare -F cleanup_extra >/dev/null; then
		cleanup_extra || true
	fi
	for ((i = ${#undo[@]} - 1; i >= 0; i--)); do
		eval "${undo[i]}" >/dev/null 2>&1 || log "cleanup step failed: ${undo[i]}"
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

vsh() { timeout 60 virsh -c "qemu+ssh://root@$1/system" "${@:2}"; }

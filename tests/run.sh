#!/bin/bash
# The README's test command: set up everything, build with -Werror, run the whole test suite
# (unit, golden, docs, fuzz corpus replay, and the lab end-to-end tests on real libvirt/QEMU
# hosts in namespaces). Options go to ctest (e.g. -LE lab to skip the lab).
#   MIGCHECK_BUILD_DIR  build directory (default: build)
#   MIGCHECK_CMAKE_ARGS extra cmake arguments (e.g. -DMIGCHECK_SANITIZE=ON)
#   MIGCHECK_TEST_JOBS  tests run at once (default: the cores, at most 2)
set -euo pipefail
top=$(dirname "$(dirname "$(readlink -f "$0")")")
cd "$top"
"$top/tests/setup.sh"
build=${MIGCHECK_BUILD_DIR:-build}
# shellcheck disable=SC2086 # the extra arguments are words on purpose
cmake -S . -B "$build" -DMIGCHECK_WERROR=ON ${MIGCHECK_CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
# The lab tests hold one lab (RESOURCE_LOCK lab) and run one at a time; the rest (unit, golden,
# docs, fuzz corpora) run beside them. At most 2 at once: what the suite has been run with.
jobs=${MIGCHECK_TEST_JOBS:-$(($(nproc) < 2 ? $(nproc) : 2))}
ctest --test-dir "$build" --output-on-failure --timeout 1800 -j"$jobs" "$@"

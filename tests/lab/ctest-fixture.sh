#!/bin/bash
# ctest glue for the lab fixture (tests/lab/CMakeLists.txt).
#   ctest-fixture.sh up     labctl deps && labctl up          (FIXTURES_SETUP lab)
#   ctest-fixture.sh down   labctl down && labctl verify-clean (FIXTURES_CLEANUP lab)
# Exits 77 (ctest SKIP_RETURN_CODE) when not root: the lab needs root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [[ $(id -u) != 0 ]]; then
	echo "skip: the migcheck lab needs root"
	exit 77
fi
case ${1:-} in
up)
	"$here/labctl" deps
	"$here/labctl" up
	"$here/labctl" status
	;;
down)
	rc=0
	"$here/labctl" down || rc=$?
	# a leftover fails the test even when down itself did not notice it
	"$here/labctl" verify-clean || rc=1
	exit "$rc"
	;;
*)
	echo "usage: ctest-fixture.sh up|down" >&2
	exit 2
	;;
esac

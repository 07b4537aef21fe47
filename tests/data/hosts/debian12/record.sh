#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Re-records probe.out from the machine this runs on: record.sh BUILD_DIR
# Then regenerate ../debian12.expected.xml (MIGCHECK_TEST_REGENERATE=1 ctest -R unit.probe)
# and review both diffs.
set -euo pipefail
build=${1:?usage: record.sh BUILD_DIR}
cd "$(dirname "$0")"
"$build/tests/unit/probe-record" dash >probe.out.new
mv probe.out.new probe.out

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# README command (b): set up, build with ASan/UBSan, and run the whole test
# suite through ctest — including the real vmcore corpus (downloaded and
# generated into ${PMTRACE_CACHE:-$HOME/.cache/pmtrace} on first use, reused
# afterwards). Extra arguments go to ctest (e.g. -L corpus, -R ringbuf).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMTRACE_BUILD:-$ROOT/build-test}
JOBS=$(nproc)

"$ROOT/scripts/setup-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DPMTRACE_SANITIZE=address,undefined >/dev/null
cmake --build "$BUILD" -j"$JOBS"
cd "$BUILD"
status=0
ctest --output-on-failure -j"$JOBS" --timeout 2400 --output-junit "$BUILD/ctest-junit.xml" "$@" ||
	status=$?
# A skip is allowed only where tests/expected-skips.txt says why (the kernel
# or the machine lacks something); any other skip fails the run. Not for runs
# narrowed with ctest arguments (-R, -L, ...), which skip by design.
if [ $# -eq 0 ]; then
	python3 "$ROOT/scripts/check-skips.py" "$BUILD/ctest-junit.xml" \
		"$ROOT/tests/expected-skips.txt" || status=1
fi
exit $status

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
ctest --output-on-failure -j"$JOBS" --timeout 2400 "$@"

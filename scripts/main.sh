#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# README command (a): set up, build, and run the main job — extract the
# trace from the committed sample vmcore (no debuginfo download needed).
# The full text goes to build-release/sample-trace.txt; the summary and the
# first lines are shown.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PMTRACE_BUILD:-$ROOT/build-release}

"$ROOT/scripts/setup-deps.sh"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target pmtrace

PMTRACE="$BUILD/extractor/pmtrace"
SAMPLE="$ROOT/vmcores/sample"
echo "== pmtrace info $SAMPLE/vmcore"
"$PMTRACE" info --profile "$SAMPLE/profile" "$SAMPLE/vmcore"
echo
echo "== pmtrace show $SAMPLE/vmcore (first 25 lines; all in $BUILD/sample-trace.txt)"
"$PMTRACE" show --profile "$SAMPLE/profile" "$SAMPLE/vmcore" >"$BUILD/sample-trace.txt"
head -n 25 "$BUILD/sample-trace.txt"
if cmp -s "$BUILD/sample-trace.txt" "$SAMPLE/truth/global/trace"; then
	echo "== identical to what the kernel printed ($(grep -vc '^#' "$BUILD/sample-trace.txt") events)"
else
	echo "== differs from what the kernel printed (vmcores/sample/truth/global/trace)" >&2
	exit 1
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/tracedat/run.sh [CELL_DIR [REPEAT]]: trace.dat writing speed, release
# build, one core. Default cell: the corpus dump with the most events (the
# sweep of every cell's ELF dump is printed first). The issue's target:
# `dump -t --compress none` at >= 10 M events/s on large buffers, which is
# the "page path alone" line (pages repeated REPEAT times, default 100).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
BUILD=${PMTRACE_BUILD:-$ROOT/build-release}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2 --target pmtrace bench_tracedat >/dev/null
cell=${1:-}
if [ -z "$cell" ]; then
	best=0
	for d in "$CACHE"/corpus/*/*/; do
		[ -r "$d/vmcore.elf" ] || continue
		n=$("$BUILD/extractor/pmtrace" show -q --json --instance all "$d/vmcore.elf" 2>/dev/null |
			grep -c '"buffer"' || true)
		echo "  $(basename "$(dirname "$d")")/$(basename "$d"): $n events"
		if [ "$n" -gt "$best" ]; then best=$n cell=$d; fi
	done
fi
release=$(basename "$(dirname "$cell")")
echo "$release/$(basename "$cell") (vmcore.elf):"
out=$(mktemp -u "${TMPDIR:-/tmp}/bench-tracedat.XXXXXX")
taskset -c 0 "$BUILD/bench/tracedat/bench_tracedat" --vmlinux "$CACHE/kernels/$release/vmlinux" \
	"$cell/vmcore.elf" "$out" "${2:-100}"

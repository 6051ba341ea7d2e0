#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# coverage-dumpfile.sh BIN CORPUS_DIR...
#
# Line and branch coverage of pmtrace's dump code (extractor/dump*.c,
# flattened.c) reached by a fuzz_dumpfile corpus: builds the harness with
# clang source-based coverage (no sanitizers, Debian's libkdumpfile) into
# BIN, replays every input once (-runs=0) and prints llvm-cov's report. The
# numbers for libkdumpfile itself are libFuzzer's "cov:" edges of the
# instrumented run (docs/hostile.md).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${1:?usage: coverage-dumpfile.sh BIN CORPUS_DIR...}
shift
mkdir -p "$BIN"
srcs=(dump.c dump_target.c dump_truncated.c dump_validate.c flattened.c)
clang -std=gnu11 -O1 -g -D_GNU_SOURCE -fsanitize=fuzzer -fprofile-instr-generate \
	-fcoverage-mapping -I"$ROOT/include" -I"$ROOT/lib" -I"$ROOT/extractor" \
	"$ROOT/tests/fuzz/fuzz_dumpfile.c" "${srcs[@]/#/$ROOT/extractor/}" \
	"$ROOT/lib/error.c" "$ROOT/lib/target.c" -lkdumpfile -laddrxlat -o "$BIN/fuzz_dumpfile-cov"
rm -f "$BIN"/cov-*.profraw
# one process per input keeps a crash from hiding the rest; timeouts bound it
n=0
for dir in "$@"; do
	for f in "$dir"/*; do
		LLVM_PROFILE_FILE="$BIN/cov-%p.profraw" timeout 30 "$BIN/fuzz_dumpfile-cov" \
			-runs=1 "$f" >/dev/null 2>&1 || true
		n=$((n + 1))
	done
done
llvm-profdata merge -sparse "$BIN"/cov-*.profraw -o "$BIN/cov.profdata"
rm -f "$BIN"/cov-*.profraw
echo "coverage-dumpfile: $n inputs"
llvm-cov report "$BIN/fuzz_dumpfile-cov" -instr-profile="$BIN/cov.profdata" \
	"${srcs[@]/#/$ROOT/extractor/}"

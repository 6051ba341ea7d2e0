#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/extract/run.sh [SUITE [SCENARIO [FORMAT]]]   (default bookworm basic elf)
#
# On one corpus dump, measured side by side in one run (median of 3, wall
# seconds, release build):
#   cold    pmtrace show > /dev/null with an empty cache (types from DWARF)
#   warm    the same with the profile cache filled by the cold run
#   btf     pmtrace show --types btf --no-cache: no vmlinux, no profile
#           (--types btf looks for neither); types from the dump's own BTF,
#           symbols from its kallsyms
#   crash   crash -s vmlinux vmcore doing only `quit` (the floor any crash
#           extension pays before it can run)
#   io      reading only the ring-buffer pages through libkdumpfile
#   info    pmtrace info > /dev/null, warm: by default (--find auto) it also
#           scans all physical memory for pmtrace regions when pmtrace.ko is
#           not loaded; --find symbol is the ftrace part alone
# and the ratios the goals are set in: the extractor issue's cold <= 1/5
# crash, warm <= 1/20 crash; issue 13's warm show <= 3x (io + the events
# formatted at 2 M events/s), warm info <= 2x io, cold <= 0.5 s.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=${1:-bookworm} SCENARIO=${2:-basic} FORMAT=${3:-elf}
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
BUILD=${PMTRACE_BUILD:-$ROOT/build-release}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target pmtrace bench_io >/dev/null
dir=$("$ROOT/vmcores/corpus.sh" --kernels "$SUITE" --scenarios "$SCENARIO" | tail -1)
release=$(basename "$(dirname "$dir")")
vmlinux=$CACHE/kernels/$release/vmlinux
dump=$dir/$(awk -F'\t' -v f="$FORMAT" '$3 == f {print $4}' "$dir/manifest.tsv")
P=$BUILD/extractor/pmtrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

t() { # seconds taken by "$@"
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l
}
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

# the dump and the vmlinux in the page cache for everyone alike (after a
# test run has evicted them, a "cold" run also measures the disk)
cat "$dump" "$vmlinux" >/dev/null
cold=() warm=() btf=() crash=() io=() info=() infos=()
for i in 1 2 3; do
	rm -rf "$tmp/cache"
	cold+=("$(PMTRACE_CACHE=$tmp/cache t "$P" show --vmlinux "$vmlinux" "$dump")")
	warm+=("$(PMTRACE_CACHE=$tmp/cache t "$P" show --vmlinux "$vmlinux" "$dump")")
	info+=("$(PMTRACE_CACHE=$tmp/cache t "$P" info --vmlinux "$vmlinux" "$dump")")
	infos+=("$(PMTRACE_CACHE=$tmp/cache t "$P" info --find symbol --vmlinux "$vmlinux" "$dump")")
	btf+=("$(PMTRACE_CACHE=$tmp/cache t "$P" show --types btf --no-cache "$dump")")
	crash+=("$(echo quit | t crash -s --no_crashrc "$vmlinux" "$dump")")
	"$P" profile --vmlinux "$vmlinux" -o "$tmp/prof" "$dump" 2>/dev/null
	io+=("$("$BUILD/bench/extract/bench_io" "$dump" "$tmp/prof" | cut -d' ' -f1)")
done
c=$(median "${cold[@]}") w=$(median "${warm[@]}") k=$(median "${crash[@]}") o=$(median "${io[@]}")
b=$(median "${btf[@]}") f=$(median "${info[@]}") fs=$(median "${infos[@]}")
# the events of every buffer (one JSON record each)
events=$(PMTRACE_CACHE=$tmp/cache "$P" show --json --instance all --vmlinux "$vmlinux" "$dump" 2>/dev/null |
	grep -c '^{"buffer":' || true)
printf '%s %s %s (%s)\n' "$release" "$SCENARIO" "$FORMAT" "$(du -h "$dump" | cut -f1)"
printf '  %-34s %8.3f s\n' "pmtrace show, cold (DWARF)" "$c" "pmtrace show, warm (profile cache)" "$w" \
	"crash -s vmlinux vmcore; quit" "$k" "read the buffer pages (libkdumpfile)" "$o"
printf '  cold / crash = %.3f (goal <= 0.200)\n' "$(echo "$c / $k" | bc -l)"
printf '  warm / crash = %.3f (goal <= 0.050)\n' "$(echo "$w / $k" | bc -l)"
printf '  %-34s %8.3f s\n' "pmtrace info, warm" "$f"
printf '  events (every buffer)              %8d\n' "$events"
floor=$(echo "$o + $events / 2000000" | bc -l)
printf '  warm show / (io + events at 2 M/s) = %.2f (goal <= 3; that sum %.4f s)\n' \
	"$(echo "$w / $floor" | bc -l)" "$floor"
printf '  %-34s %8.3f s\n' "pmtrace info --find symbol, warm" "$fs"
printf '  warm info / io = %.2f, --find symbol / io = %.2f (goal <= 2)\n' \
	"$(echo "$f / $o" | bc -l)" "$(echo "$fs / $o" | bc -l)"
printf '  cold = %.3f s (goal <= 0.5)\n' "$c"
# a cold load reads the units the hints name; a question no hint covers
# scans every unit (seconds): the count says which happened
rm -rf "$tmp/cache"
PMTRACE_CACHE=$tmp/cache "$P" show -v --vmlinux "$vmlinux" "$dump" 2>&1 >/dev/null |
	sed -n 's/^pmtrace: DWARF: /  cold DWARF load: /p'
printf '  %-34s %8.3f s\n' "pmtrace show --types btf (no file)" "$b"
printf '  btf / cold   = %.3f\n' "$(echo "$b / $c" | bc -l)"
printf '  btf / warm   = %.3f\n' "$(echo "$b / $w" | bc -l)"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/extract/triage.sh [SUITE [SCENARIO [FORMAT]]]   (default bookworm basic elf)
#
# The triage-side figures of issue 13, measured side by side in one run on
# one corpus dump (median of 3, wall seconds, release build):
#   show         pmtrace show > /dev/null, warm (profile cache)
#   tail         show --tail 100 (the last 100 events of each CPU)
#   last         show --last 10ms
#   peak RSS     of the warm show and of a cold one (DWARF), in MiB
#   crash-ext    crash session with `trace` once (types through gdb, empty
#                cache) and again (types from the build-id profile cache),
#                against crash's own start-up (`quit` only)
#   batch        info --json over 10 dumps of the kernel in one call:
#                dumps/hour/core
# Speed targets belong here, not in tests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=${1:-bookworm} SCENARIO=${2:-basic} FORMAT=${3:-elf}
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
BUILD=${PMTRACE_BUILD:-$ROOT/build-release}

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target pmtrace pmtrace_crash >/dev/null
dir=$("$ROOT/vmcores/corpus.sh" --kernels "$SUITE" --scenarios "$SCENARIO" | tail -1)
release=$(basename "$(dirname "$dir")")
vmlinux=$CACHE/kernels/$release/vmlinux
dump=$dir/$(awk -F'\t' -v f="$FORMAT" '$3 == f {print $4}' "$dir/manifest.tsv")
P=$BUILD/extractor/pmtrace
EXT=$BUILD/crash-ext/pmtrace.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

t() { # seconds taken by "$@"
	local s e
	s=$(date +%s.%N)
	"$@" >/dev/null 2>&1 || true
	e=$(date +%s.%N)
	echo "$e - $s" | bc -l
}
rss() { # peak RSS in MiB of "$@"
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'
}
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

cat "$dump" "$vmlinux" >/dev/null # both in the page cache for every run alike
export PMTRACE_CACHE=$tmp/cache
"$P" show --vmlinux "$vmlinux" "$dump" >/dev/null 2>&1 || true # fills the profile cache
show=() tail=() last=() crash0=() crash1=() crash2=()
printf 'extend %s\ntrace\nquit\n' "$EXT" >"$tmp/cmds"
for i in 1 2 3; do
	show+=("$(t "$P" show --vmlinux "$vmlinux" "$dump")")
	tail+=("$(t "$P" show --tail 100 --vmlinux "$vmlinux" "$dump")")
	last+=("$(t "$P" show --last 10ms --vmlinux "$vmlinux" "$dump")")
	crash0+=("$(echo quit | t crash -s --no_crashrc "$vmlinux" "$dump")")
	rm -rf "$tmp/ccache"
	crash1+=("$(PMTRACE_CACHE=$tmp/ccache t crash -s --no_crashrc -i "$tmp/cmds" "$vmlinux" "$dump")")
	crash2+=("$(PMTRACE_CACHE=$tmp/ccache t crash -s --no_crashrc -i "$tmp/cmds" "$vmlinux" "$dump")")
done
rss_warm=$(rss "$P" show --vmlinux "$vmlinux" "$dump")
rss_cold=$(PMTRACE_CACHE=$tmp/empty rss "$P" show --vmlinux "$vmlinux" "$dump")
events=$("$P" info --json --vmlinux "$vmlinux" "$dump" | python3 -c '
import json, sys
print(sum(r["decoded"] for r in map(json.loads, sys.stdin) if r["type"] == "cpu"))')
# the default cells of the kernel (corpus.sh --list), not the bench-only
# `large` one: its 1 GiB trace alone would be the batch's time
mapfile -t dumps < <(PMTRACE_CACHE=$CACHE "$ROOT/vmcores/corpus.sh" --list 2>/dev/null | grep -F "/$release/" |
	while read -r c; do ls "$c"/vmcore.elf "$c"/vmcore.mdf-zlib 2>/dev/null; done | head -n 10)
rm -rf "$tmp/cache"
b=$(t "$P" info --json --vmlinux "$vmlinux" "${dumps[@]}")

s=$(median "${show[@]}") tl=$(median "${tail[@]}") ls=$(median "${last[@]}")
c0=$(median "${crash0[@]}") c1=$(median "${crash1[@]}") c2=$(median "${crash2[@]}")
printf '%s %s %s (%s, %s events)\n' "$release" "$SCENARIO" "$FORMAT" "$(du -h "$dump" | cut -f1)" "$events"
printf '  %-44s %8.3f s  (%.2f M events/s)\n' "pmtrace show, warm" "$s" "$(echo "$events / $s / 1000000" | bc -l)"
printf '  %-44s %8.3f s  (%.2f of show)\n' "show --tail 100" "$tl" "$(echo "$tl / $s" | bc -l)"
printf '  %-44s %8.3f s  (%.2f of show)\n' "show --last 10ms" "$ls" "$(echo "$ls / $s" | bc -l)"
printf '  %-44s %8s MiB cold, %s MiB warm\n' "peak RSS, show" "$rss_cold" "$rss_warm"
printf '  %-44s %8.3f s\n' "crash start-up (quit)" "$c0"
printf '  %-44s %8.3f s  (first trace %.2f s after start-up)\n' "crash + trace, types via gdb" "$c1" "$(echo "$c1 - $c0" | bc -l)"
printf '  %-44s %8.3f s  (first trace %.2f s after start-up)\n' "crash + trace, profile cache" "$c2" "$(echo "$c2 - $c0" | bc -l)"
printf '  %-44s %8.3f s  (%.0f dumps/hour/core, %d dumps, cold cache)\n' "info --json batch" "$b" \
	"$(echo "${#dumps[@]} * 3600 / $b" | bc -l)" "${#dumps[@]}"

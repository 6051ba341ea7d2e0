#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/extract/large.sh [SUITE [FORMAT]]   (default bookworm elf)
#
# Scale: pmtrace on the corpus' "large" cell (vmcores/scenarios/large.sh:
# 1 GiB of trace data, every page full, generated once and cached like any
# cell; not part of the test suite). Release build; every pmtrace run pinned
# to one core (its output is counted by bench/extract/measure.py on the
# other), measured once each, side by side in this run:
#   io          the floor: read the buffer's pages through libkdumpfile only
#   cold show   empty cache, types from the vmlinux's DWARF, text to a pipe
#   warm show   the profile cache filled by the cold run, text / --json
#   dump -o     the tracefs-shaped tree: trace_pipe_raw (binary), and the
#               text twice (trace and per_cpu/cpuN/trace), so text-bound
#   dump -t     trace.dat, --compress none (binary)
#   info        --json
#   tail/last   show --tail 100, show --last 10ms
# For each: wall and CPU seconds, events, events/s, peak anonymous memory
# (the mmapped vmlinux and dump are file pages and do not count) and peak
# RSS, against the goals of issue 13 (text >= 2 M events/s, binary >= 10 M
# events/s, peak anonymous memory <= 64 MiB warm, <= 128 MiB cold). The
# event counts are checked against the kernel's own per-CPU "entries".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=${1:-bookworm} FORMAT=${2:-elf}
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
BUILD=${PMTRACE_BUILD:-$ROOT/build-release}
M=$ROOT/bench/extract/measure.py

cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target pmtrace bench_io >/dev/null
dir=$("$ROOT/vmcores/corpus.sh" --kernels "$SUITE" --scenarios large | tail -1)
[ -n "$dir" ] || { echo "large.sh: no large cell for $SUITE" >&2; exit 1; }
release=$(basename "$(dirname "$dir")")
vmlinux=$CACHE/kernels/$release/vmlinux
dump=$dir/$(awk -F'\t' -v f="$FORMAT" '$3 == f {print $4}' "$dir/manifest.tsv")
P=$BUILD/extractor/pmtrace
tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-large.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# what the kernel said: events in the buffer, per CPU, summed
expected=$(cat "$dir"/truth/global/per_cpu/cpu*/stats | awk '$1 == "entries:" { n += $2 } END { print n }')
kib=$(cat "$dir"/truth/global/per_cpu/cpu*/buffer_size_kb | awk '{ n += $1 } END { print n }')
cpus=$(ls -d "$dir"/truth/global/per_cpu/cpu* | wc -l)

cat "$dump" "$vmlinux" >/dev/null # both in the page cache for every run alike
"$P" profile --vmlinux "$vmlinux" -o "$tmp/prof" "$dump" 2>/dev/null
read -r io_s io_pages io_bytes < <("$BUILD/bench/extract/bench_io" "$dump" "$tmp/prof" |
	awk '{ print $1, $2, $4 }')

rows=()
fails=0
# run NAME KIND(text|json|binary|none) GOAL_ANON_MIB CMD...: one measured row
run() {
	local name=$1 kind=$2 goal=$3 wall cpu hwm anon lines comments rc ev rate note=
	shift 3
	local count=()
	case $kind in text | json) count=(--count "$tmp/$name.tail") ;; esac
	read -r wall cpu hwm anon lines comments rc < <(python3 "$M" --core 0 "${count[@]}" -- "$@")
	case $kind in
	text) ev=$((lines - comments)) ;;
	json) ev=$lines ;;
	*) ev=$expected ;;
	esac
	rate=$(echo "$ev / $wall / 1000000" | bc -l)
	if [ "$rc" -gt 1 ]; then
		note="exit $rc"
		fails=$((fails + 1))
	fi
	if [ "$goal" != - ] && [ $((anon / 1024)) -gt "$goal" ]; then
		note="$note anon > $goal MiB"
		fails=$((fails + 1))
	fi
	rows+=("$(printf '%-26s %8.2f %8.2f %10s %7.2f %8d %8d  %s' "$name" "$wall" "$cpu" "$ev" \
		"$rate" $((anon / 1024)) $((hwm / 1024)) "$note")")
	LAST_EV=$ev LAST_WALL=$wall
}

run "show, cold (DWARF)" text 128 env PMTRACE_CACHE="$tmp/cache" "$P" show --vmlinux "$vmlinux" "$dump"
cold_ev=$LAST_EV
run "show, warm" text 64 env PMTRACE_CACHE="$tmp/cache" "$P" show --vmlinux "$vmlinux" "$dump"
text_ev=$LAST_EV text_wall=$LAST_WALL
run "show --json, warm" json 64 env PMTRACE_CACHE="$tmp/cache" "$P" show --json --vmlinux "$vmlinux" "$dump"
json_ev=$LAST_EV
run "dump -o (tree), warm" binary 64 env PMTRACE_CACHE="$tmp/cache" "$P" dump -q --vmlinux "$vmlinux" -o "$tmp/tree" "$dump"
tree_wall=$LAST_WALL
rm -rf "$tmp/tree"
run "dump -t --compress none" binary 64 env PMTRACE_CACHE="$tmp/cache" "$P" dump -q --vmlinux "$vmlinux" -t "$tmp/t.dat" --compress none "$dump"
dat_wall=$LAST_WALL
dat_size=$(stat -c %s "$tmp/t.dat")
rm -f "$tmp/t.dat"
run "info --json" none 64 env PMTRACE_CACHE="$tmp/cache" "$P" info --json --vmlinux "$vmlinux" "$dump"
info_wall=$LAST_WALL
run "show --tail 100" text 64 env PMTRACE_CACHE="$tmp/cache" "$P" show --tail 100 --vmlinux "$vmlinux" "$dump"
tail_wall=$LAST_WALL
run "show --last 10ms" text 64 env PMTRACE_CACHE="$tmp/cache" "$P" show --last 10ms --vmlinux "$vmlinux" "$dump"

# the tail of the full show ends like show --tail (same last line)
[ "$(tail -n1 "$tmp/show, warm.tail")" = "$(tail -n1 "$tmp/show --tail 100.tail")" ] || {
	echo "MISMATCH: the last line of show --tail 100 is not the last line of show"
	fails=$((fails + 1))
}

printf '%s %s %s: %s CPUs, %s MiB of buffer, %s events in the kernel'"'"'s stats\n' \
	"$release" large "$FORMAT" "$cpus" $((kib / 1024)) "$expected"
printf '  dump %s MiB; io floor %.2f s for %s pages (%s MiB)\n' \
	$(($(stat -c %s "$dump") >> 20)) "$io_s" "$io_pages" $((io_bytes >> 20))
printf '%-26s %8s %8s %10s %7s %8s %8s\n' run wall-s cpu-s events Mev/s anon-MiB rss-MiB
printf '%s\n' "${rows[@]}"
for c in "cold text:$cold_ev" "warm text:$text_ev" "json:$json_ev"; do
	[ "${c#*:}" = "$expected" ] || {
		echo "MISMATCH: ${c%%:*} printed ${c#*:} events, the kernel's stats say $expected"
		fails=$((fails + 1))
	}
done
printf '  text     %6.2f M events/s (goal >= 2)\n' "$(echo "$text_ev / $text_wall / 1000000" | bc -l)"
printf '  dump -o  %6.2f M events/s (writes the text twice besides the raw pages)\n' \
	"$(echo "$expected / $tree_wall / 1000000" | bc -l)"
printf '  dump -t  %6.2f M events/s (goal >= 10), %s MiB; the io floor alone: %.2f M events/s\n' \
	"$(echo "$expected / $dat_wall / 1000000" | bc -l)" $((dat_size >> 20)) \
	"$(echo "$expected / $io_s / 1000000" | bc -l)"
printf '  info / io = %.1f, show / io = %.1f, tail / show = %.3f\n' \
	"$(echo "$info_wall / $io_s" | bc -l)" "$(echo "$text_wall / $io_s" | bc -l)" \
	"$(echo "$tail_wall / $text_wall" | bc -l)"
[ $fails -eq 0 ] || { echo "$fails check(s) failed"; exit 1; }

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/tracedat/cells.sh [PMTRACE]: the per-cell table of trace.dat writing
# on the corpus (the ELF dump of every kernel x scenario in this tree's
# corpus): events per buffer (pmtrace show --json --instance all), file size
# per compression (v7 zstd, zlib, none; v6) and the wall time of each write,
# one run each, as a markdown table. PMTRACE defaults to the release build's
# binary (build-rel/extractor/pmtrace); timings from a loaded machine are
# noisy: the sizes and counts are exact.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PMTRACE=${1:-$ROOT/build-rel/extractor/pmtrace}
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# seconds, to the millisecond, of one command (its output discarded)
timed() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || true
	t1=$(date +%s%N)
	printf '%d.%03d' $(((t1 - t0) / 1000000000)) $((((t1 - t0) / 1000000) % 1000))
}

size_of() { [ -f "$1" ] && stat -c %s "$1" || echo "-"; }

echo "| kernel | scenario | events per buffer | v7 zstd | v7 zlib | v7 none | v6 |"
echo "|---|---|---|---|---|---|---|"
"$ROOT/vmcores/corpus.sh" --list | while read -r d; do
	dump=$d/vmcore.elf
	[ -f "$dump" ] || continue
	sc=$(basename "$d") rel=$(basename "$(dirname "$d")")
	vmlinux=$CACHE/kernels/$rel/vmlinux
	[ -s "$vmlinux" ] || vmlinux=
	args=()
	[ -n "$vmlinux" ] && args=(--vmlinux "$vmlinux")
	per=$("$PMTRACE" show --json --instance all "${args[@]}" "$dump" 2>/dev/null |
		python3 -c '
import json, sys, collections
c = collections.Counter()
for l in sys.stdin:
    r = json.loads(l)
    if "event" in r or "id" in r:
        c[r.get("buffer", "global")] += 1
print(" ".join("%s %d" % kv for kv in sorted(c.items())))')
	row="| ${rel%%-cloud-amd64} | $sc | $per |"
	for v in zstd zlib none v6; do
		f=$tmp/$v.dat
		rm -f "$f"
		if [ "$v" = v6 ]; then
			t=$(timed "$PMTRACE" dump "${args[@]}" --v6 -t "$f" "$dump")
		else
			t=$(timed "$PMTRACE" dump "${args[@]}" --compress "$v" -t "$f" "$dump")
		fi
		s=$(size_of "$f")
		if [ "$s" = - ]; then
			row="$row refused ($t s) |"
		else
			row="$row $((s / 1024)) KiB, $t s |"
		fi
	done
	echo "$row"
done

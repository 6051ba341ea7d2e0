#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# sample-test.sh PMTRACE REPO: the committed sample dump, with only its
# profile (no vmlinux, no corpus): `show` must print exactly what the kernel
# printed, `info` must agree with the kernel's per-CPU stats, and `dump` must
# rebuild the event formats tracefs showed.
set -uo pipefail
PMTRACE=$1 S=$2/vmcores/sample
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PMTRACE_CACHE=$tmp/cache # nothing cached may help

"$PMTRACE" show --profile "$S/profile" "$S/vmcore" >"$tmp/show" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$tmp/show" "$S/truth/global/trace"; then
	ok "show == truth/global/trace ($(grep -vc '^#' "$tmp/show") events)"
else
	bad "show: exit $rc; $(diff "$S/truth/global/trace" "$tmp/show" | head -5) $(head -3 "$tmp/err")"
fi

"$PMTRACE" info --json --profile "$S/profile" "$S/vmcore" >"$tmp/info" 2>"$tmp/err"
for st in "$S"/truth/global/per_cpu/cpu*/stats; do
	cpu=$(basename "$(dirname "$st")" | sed 's/cpu//')
	want_e=$(sed -n 's/^entries: //p' "$st")
	want_o=$(sed -n 's/^overrun: //p' "$st")
	line=$(grep "\"type\":\"cpu\",\"buffer\":\"global\",\"cpu\":$cpu," "$tmp/info")
	got_e=$(echo "$line" | sed -n 's/.*"in_buffer":\([0-9]*\).*/\1/p')
	got_o=$(echo "$line" | sed -n 's/.*"overrun":\([0-9]*\).*/\1/p')
	if [ -n "$got_e" ] && [ "$got_e" = "$want_e" ] && [ "$got_o" = "$want_o" ]; then
		ok "cpu $cpu: entries $got_e, overrun $got_o as the kernel's stats"
	else
		bad "cpu $cpu: info says entries '$got_e' overrun '$got_o', stats $want_e/$want_o"
	fi
done

"$PMTRACE" dump --profile "$S/profile" -o "$tmp/tree" "$S/vmcore" 2>"$tmp/err"
n=0
for f in $(cd "$S/truth" && find events -name format) events/header_page events/header_event; do
	if ! cmp -s "$S/truth/$f" "$tmp/tree/$f"; then
		bad "dump: $f differs from tracefs"
	fi
	n=$((n + 1))
done
[ $n -gt 10 ] && ok "dump: $n format files checked"
raw=$(stat -c %s "$tmp/tree/per_cpu/cpu0/trace_pipe_raw" 2>/dev/null || echo 0)
if [ "$raw" -gt 0 ] && [ $((raw % 4096)) -eq 0 ]; then
	ok "dump: per_cpu/cpu0/trace_pipe_raw is $raw bytes of whole pages"
else
	bad "dump: per_cpu/cpu0/trace_pipe_raw is $raw bytes"
fi

# Tail-first: the last N events of each CPU are exactly the last N lines of
# that CPU's whole trace, and --last D exactly the events (by raw time stamp)
# within D of the newest event of the buffer.
for c in 0 1; do
	grep -v '^#' "$S/truth/global/trace" | grep -F " [00$c] " >"$tmp/cpu$c"
done
for n in 1 7 250 100000; do
	"$PMTRACE" show --profile "$S/profile" --tail $n "$S/vmcore" >"$tmp/tail" 2>"$tmp/err"
	rc=$?
	{ tail -n $n "$tmp/cpu0"; tail -n $n "$tmp/cpu1"; } | sort >"$tmp/want"
	grep -v '^#' "$tmp/tail" | sort >"$tmp/got"
	if [ $rc -eq 0 ] && cmp -s "$tmp/want" "$tmp/got"; then
		ok "show --tail $n: the last $n events of each CPU ($(wc -l <"$tmp/got") lines)"
	else
		bad "show --tail $n: exit $rc; $(diff "$tmp/want" "$tmp/got" | head -4)"
	fi
done
"$PMTRACE" show --profile "$S/profile" --json "$S/vmcore" >"$tmp/all.json" 2>/dev/null
for d in 1us 2ms 40ms 1s 1000s; do
	"$PMTRACE" show --profile "$S/profile" --json --last $d "$S/vmcore" >"$tmp/last.json" 2>"$tmp/err"
	rc=$?
	if [ $rc -eq 0 ] && python3 - "$tmp/all.json" "$tmp/last.json" "$d" <<'PY'; then
import json, sys
units = {"us": 1000, "ms": 1000000, "s": 1000000000}
d = sys.argv[3]
num = d.rstrip("usm")
ns = int(float(num) * units[d[len(num):]])
ev = [json.loads(l) for l in open(sys.argv[1])]
newest = max(e["timestamp"] for e in ev)
want = [e for e in ev if e["timestamp"] >= newest - ns]
got = [json.loads(l) for l in open(sys.argv[2])]
if want != got or not got:
    print(f"want {len(want)} events, got {len(got)}")
    sys.exit(1)
PY
		ok "show --last $d: exactly the events within $d of the newest ($(wc -l <"$tmp/last.json"))"
	else
		bad "show --last $d: exit $rc $(head -2 "$tmp/err")"
	fi
done

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

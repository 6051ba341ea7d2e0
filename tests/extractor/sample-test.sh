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

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tracedat-files.sh PMTRACE KSHARK_COUNT DIR [--newer-tracecmd]: the readers
# on the files test_tracedat left in DIR (from the committed sample dump):
#   sample*.dat    trace-cmd report (and libkshark) == sample.json
#   damaged*.dat   one page filtered out: the readers see every other event
#                  (damaged.json) and trace-cmd report --stat shows CPU 1's
#                  lost page
#   lastboot*.dat  an instance with LAST_BOOT_INFO (option 24): Debian 12's
#                  trace-cmd 3.1.6 still reads the file (it only warns
#                  about the option); with --newer-tracecmd, sid's trace-cmd
#                  (3.4, in a cached chroot) shows the option in dump --options
#                  and reads the events too
# and the command on the sample: `pmtrace dump -t` into a directory that does
# not exist fails (exit 2) with the path in the message and leaves nothing;
# `--v6 --compress` is refused as a usage error.
set -u

pmtrace=$1 kshark=$2 dir=$3 newer=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cmp_py=$here/compare_report.py
command -v trace-cmd >/dev/null || { echo "SKIP: no trace-cmd" >&2; exit 77; }
failures=0
bad() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
sid_tc() {
	"$repo/vmcores/suite-chroot.sh" sid --pkgs trace-cmd --bind "$dir" --run trace-cmd "$@"
}

check() { # FILE JSON [sid]
	local f=$1 json=$2 who=${3:-host} out
	out=$(mktemp)
	if [ "$who" = sid ]; then
		sid_tc report -N -t -i "$f" >"$out" 2>"$out.err" || bad "$f: sid trace-cmd report failed"
	else
		trace-cmd report -N -t -i "$f" >"$out" 2>"$out.err" || bad "$f: trace-cmd report failed: $(tail -1 "$out.err")"
	fi
	python3 "$cmp_py" report "$json" "$out" | sed "s|^|$(basename "$f") ($who): |" | tee "$out.cmp"
	grep -q MISMATCH "$out.cmp" && bad "$f: events differ ($who)"
	if [ "$who" = host ]; then
		ASAN_OPTIONS=detect_leaks=0 "$kshark" "$f" >"$out.ks" 2>"$out.ks.err" || bad "$f: libkshark cannot open it: $(tail -2 "$out.ks.err")"
		python3 "$cmp_py" kshark "$json" "$out.ks" | sed "s|^|$(basename "$f") (libkshark): |" | tee "$out.kcmp"
		grep -q MISMATCH "$out.kcmp" && bad "$f: libkshark counts differ"
	fi
	cat "$out.err" >"$out.last-err"
	rm -f "$out" "$out.err" "$out.cmp" "$out.ks" "$out.ks.err" "$out.kcmp"
	LAST_ERR=$out.last-err
}

sample=$repo/vmcores/sample
"$pmtrace" dump -q --profile "$sample/profile" -t "$dir/no/such/dir/x.dat" "$sample/vmcore" 2>"$dir/cli.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "$dir/no/such/dir/x.dat" "$dir/cli.err" && [ ! -e "$dir/no" ]; then
	echo "ok: pmtrace dump -t into a missing directory: exit 2, $(cat "$dir/cli.err")"
else
	bad "pmtrace dump -t into a missing directory: exit $rc, $(cat "$dir/cli.err")"
fi
"$pmtrace" dump -q --profile "$sample/profile" --v6 --compress zstd -t "$dir/x.dat" "$sample/vmcore" 2>"$dir/cli.err"
rc=$?
[ $rc -eq 2 ] && [ ! -e "$dir/x.dat" ] || bad "--v6 --compress: exit $rc, $(cat "$dir/cli.err")"
"$pmtrace" dump -q --profile "$sample/profile" -t "$dir/cli.dat" "$sample/vmcore" ||
	bad "pmtrace dump -t on the sample: exit $?"
cmp -s "$dir/cli.dat" "$dir/sample.dat" && echo "ok: pmtrace dump -t == the library's sample.dat" ||
	bad "pmtrace dump -t differs from test_tracedat's sample.dat"

for f in sample.dat sample.none.dat sample.v6.dat; do
	check "$dir/$f" "$dir/sample.json"
done
for f in damaged.dat damaged.none.dat; do
	check "$dir/$f" "$dir/damaged.json"
done
trace-cmd report --stat -i "$dir/damaged.dat" 2>/dev/null | grep -q '^pmtrace: lost page 0x' ||
	bad "damaged.dat: report --stat does not show the lost page"
trace-cmd report --stat -i "$dir/damaged.dat" 2>/dev/null | grep '^pmtrace:'
for f in lastboot.dat lastboot.v6.dat; do
	check "$dir/$f" "$dir/lastboot.json"
	grep -i 'option' "$LAST_ERR" | head -2 | sed "s|^|$f (3.1.6 says): |"
	rm -f "$LAST_ERR"
done
if [ "$newer" = --newer-tracecmd ]; then
	for f in lastboot.dat lastboot.v6.dat; do
		sid_tc dump --options -i "$dir/$f" >"$dir/$f.options" 2>&1 || bad "$f: sid trace-cmd dump --options failed"
		if grep -A1 'LAST_BOOT_INFO' "$dir/$f.options" | grep -q 'boot_mapped:'; then
			echo "ok: $f: sid's trace-cmd shows $(grep -A1 LAST_BOOT_INFO "$dir/$f.options" | tail -1)"
		else
			bad "$f: sid's trace-cmd does not show LAST_BOOT_INFO: $(grep -i -m2 'boot\|unknown' "$dir/$f.options")"
		fi
		check "$dir/$f" "$dir/lastboot.json" sid
	done
	for f in sample.dat damaged.dat; do
		check "$dir/$f" "$dir/${f%.dat}.json" sid
	done
fi
[ $failures -eq 0 ] || { echo "FAIL: $failures check(s)"; exit 1; }
echo PASS

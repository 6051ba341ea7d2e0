#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# trace.dat on the vmcore corpus: what `pmtrace dump -t` writes must read, in
# trace-cmd and in KernelShark's library, as exactly the events `pmtrace show`
# prints for the same dump.
#
#   tracedat-test.sh PMTRACE KSHARK_COUNT TRACEDAT_CELL KERNEL [--newer-tracecmd]
#
#   KERNEL   5.10 | 6.1 | 6.12 | sid   (the release is read from the corpus)
#
# Every scenario's ELF dump and every dump format of the basic cell get v7
# (zstd, the default), written with the JSON from one load (tracedat_cell:
# the library calls of `pmtrace show --json` and `pmtrace dump -t`); the
# other formats of the other scenarios differ from their ELF dump only in the
# dump reader, which the truth tests compare event by event. For each file:
#   - trace-cmd report -N -t (no plugins: one line per record): per buffer
#     (the "name: " prefix) the sequence of (CPU, time stamp, pid) equals
#     pmtrace show --json --instance all, same order, same count per buffer
#     and CPU (compare_report.py report)
#   - kshark_count (libkshark, every buffer as a stream) has the same number
#     of entries, first and last time stamps per buffer and CPU
# and on the basic, instances and subbuf ELF dumps (the other files differ
# from those only in which events they hold, which the two checks above
# compare) also:
#   - the plain `report` (with plugins) succeeds
#   - trace-cmd report --cpu N (per CPU; trace-cmd applies it to the top
#     buffer) and --first-event agree with pmtrace
#   - trace-cmd dump --summary, --options and --flyrecord accept the file
# A dump format whose file is byte-identical to the ELF dump's (the pages are
# all there) is not read again: identical bytes read identically.
# One cell per kernel (instances, ELF; and subbuf, ELF where it exists) gets every variant: v7 none and v6 with
# the checks above (Debian 12's trace-cmd 3.1.6, libkshark 2.2.1), and with
# --newer-tracecmd also v7 zlib (3.1.6 has no zlib) plus zstd, none and v6
# read by sid's trace-cmd in a cached chroot (vmcores/suite-chroot.sh).
#
# Environment: PMTRACE_CACHE (default ~/.cache/pmtrace), PMTRACE_KEEP_TMP=1.
set -u

pmtrace=$1 kshark=$2 celltool=$3 kernel=$4
newer=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
cmp_py=$here/compare_report.py

skip() {
	echo "SKIP: $*" >&2
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

command -v trace-cmd >/dev/null || skip "no trace-cmd (scripts/setup-deps.sh installs it)"
[ -x "$pmtrace" ] || fail "pmtrace not built ($pmtrace)"
[ -x "$kshark" ] || fail "kshark_count not built ($kshark)"
[ -x "$celltool" ] || fail "tracedat_cell not built ($celltool)"

release=
for d in "$cache"/corpus/*/; do
	r=$(basename "$d")
	case $kernel in
	sid) case $r in [7-9].*) release=$r ;; esac ;;
	*) case $r in "$kernel".*) release=$r ;; esac ;;
	esac
done
[ -n "$release" ] || fail "no $kernel release in $cache/corpus (the corpus fixture should have made it)"
vmlinux=$cache/kernels/$release/vmlinux
[ -r "$vmlinux" ] || fail "no vmlinux at $vmlinux"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-tracedat.XXXXXX")
if [ -n "${PMTRACE_KEEP_TMP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

failures=0
bad() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# run_checks LABEL FILE JSON [READER [light]]: every reader check on one
# file. READER "sid" runs trace-cmd in sid's chroot (no KernelShark there).
# "light" (the cells outside the per-kernel cross-product, see below): only
# the record sequence (report -N -t, per buffer and CPU) and KernelShark's
# counts, the checks that depend on the dump's content; the readers' other
# views of the same file structure are checked on the full cells.
run_checks() {
	local label=$1 f=$2 json=$3 reader=${4:-host} light=${5:-}
	local out=$tmp/$label
	# bounded: a reader that hangs on a file fails the check, not the suite
	local tc=(timeout 300 trace-cmd)
	if [ "$reader" = sid ]; then
		tc=(timeout 300 "$repo/vmcores/suite-chroot.sh" sid --pkgs trace-cmd --bind "$tmp" --run trace-cmd)
	fi
	"${tc[@]}" report -N -t -i "$f" >"$out.report" 2>"$out.report.err" ||
		bad "$label: trace-cmd report failed: $(tail -2 "$out.report.err")"
	python3 "$cmp_py" report "$json" "$out.report" | sed "s|^|$label: |" >"$out.cmp"
	cat "$out.cmp"
	grep -q '^[^ ]*: MISMATCH' "$out.cmp" && bad "$label: report differs from pmtrace show"
	[ "$light" = light ] && { kshark_check "$label" "$f" "$json"; return; }
	# and as users see it, with the plugins (function-graph merges leaf entries)
	"${tc[@]}" report -i "$f" >/dev/null 2>"$out.plugins.err"
	local prc=$?
	if [ $prc -eq 139 ] && [ "$reader" = host ] &&
		"$repo/vmcores/suite-chroot.sh" sid --pkgs trace-cmd --bind "$tmp" --run \
			trace-cmd report -i "$f" >/dev/null 2>&1; then
		# Known, one cell (sid's instances dump, v7 uncompressed): Debian 12's
		# trace-cmd 3.1.6 segfaults inside libtraceevent 1.7's printing
		# (tep_print_fields) partway through; the records themselves read
		# identically (-N below), v6 and zstd files of the same trace print,
		# and trace-cmd 3.4 prints this file.
		echo "known: $label: trace-cmd 3.1.6 report (with plugins) segfaults in libtraceevent; trace-cmd 3.4 prints the file"
	elif [ $prc -ne 0 ]; then
		bad "$label: trace-cmd report (with plugins) failed ($prc): $(tail -2 "$out.plugins.err")"
	fi
	for what in summary options flyrecord; do
		"${tc[@]}" dump --$what -i "$f" >"$out.$what" 2>&1 ||
			bad "$label: trace-cmd dump --$what failed: $(tail -2 "$out.$what")"
		grep -qiE 'error|cannot|failed' "$out.$what" &&
			bad "$label: trace-cmd dump --$what complains: $(grep -m1 -iE 'error|cannot|failed' "$out.$what")"
	done
	for cpu in $(python3 -c 'import json,sys
cpus=set()
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e.get("buffer")=="global": cpus.add(e["cpu"])
print(" ".join(map(str,sorted(cpus))))' "$json"); do
		"${tc[@]}" report -N -t --cpu "$cpu" -i "$f" >"$out.cpu$cpu" 2>/dev/null ||
			bad "$label: trace-cmd report --cpu $cpu failed"
		python3 "$cmp_py" report "$json" "$out.cpu$cpu" --cpu "$cpu" | grep -v '^note:' |
			sed "s|^|$label: |" | tee "$out.cpu$cpu.cmp"
		grep -q 'MISMATCH' "$out.cpu$cpu.cmp" && bad "$label: report --cpu $cpu differs"
	done
	"${tc[@]}" report --first-event -i "$f" >"$out.first" 2>&1 || bad "$label: --first-event failed"
	python3 "$cmp_py" first "$json" "$out.first" | sed "s|^|$label: |" | tee "$out.first.cmp"
	grep -q 'MISMATCH' "$out.first.cmp" && bad "$label: --first-event differs"
	[ "$reader" = host ] && kshark_check "$label" "$f" "$json"
}

# kshark_check LABEL FILE JSON: libkshark's entries per buffer and CPU
kshark_check() {
	local label=$1 f=$2 json=$3 out=$tmp/$1
	# (libkshark's own leaks are not ours to report)
	ASAN_OPTIONS=detect_leaks=0 "$kshark" "$f" >"$out.kshark" 2>"$out.kshark.err" ||
		bad "$label: KernelShark's library cannot open it: $(tail -2 "$out.kshark.err")"
	python3 "$cmp_py" kshark "$json" "$out.kshark" | sed "s|^|$label: |" | tee "$out.kshark.cmp"
	grep -q 'MISMATCH' "$out.kshark.cmp" && bad "$label: KernelShark counts differ"
	return 0
}

# dump_tracedat OUT ARGS... VMCORE: pmtrace dump -t; partial (1) is a result
dump_tracedat() {
	local out=$1 rc
	shift
	"$pmtrace" dump -q --vmlinux "$vmlinux" -t "$out" "$@" 2>"$out.err"
	rc=$?
	[ $rc -le 1 ] || { bad "pmtrace dump -t $*: exit $rc: $(tail -1 "$out.err")"; return 1; }
	[ -s "$out" ] || { bad "pmtrace dump -t $*: no file"; return 1; }
	return 0
}

# table_rows JSON SCENARIO FORMAT ZSTD NONE ZLIB V6 SECONDS: one row per buffer
table_rows() {
	python3 - "$@" >>"$tmp/table" <<'EOF'
import json, sys
js, sc, fmt, z, n, zl, v6, secs = sys.argv[1:]
counts = {}
for l in open(js):
    e = json.loads(l)
    if "buffer" in e:
        counts[e["buffer"]] = counts.get(e["buffer"], 0) + 1
for b in sorted(counts, key=lambda b: (b != "global", b)):
    print(f"{sc:<12} {fmt:<10} {b:<8} {counts[b]:>8} {z:>10} {n:>10} {zl:>10} {v6:>10} {secs:>7}")
EOF
}

printf '%-12s %-10s %-8s %8s %10s %10s %10s %10s %7s\n' scenario format buffer events \
	v7-zstd v7-none v7-zlib v6 time-s >"$tmp/table"
# every variant on the instances cell (several buffers) and, where the kernel
# has them, on 16 KiB sub-buffers; v7 zstd everywhere
full_cells="instances.elf subbuf.elf"
ncells=0
start=$(date +%s)
# the cells of this tree's default scenarios (corpus.sh --list), not every
# cell a shared cache holds (the opt-in pmring cells are checked elsewhere)
for scdir in $("$repo/vmcores/corpus.sh" --list | grep -F "/$release/"); do
	sc=$(basename "$scdir")
	for fmt in elf kdump-zlib mdf-zlib mdf-lzo; do
		vmcore=$scdir/vmcore.$fmt
		[ -r "$vmcore" ] || continue
		[ "$sc" = basic ] || [ "$fmt" = elf ] || continue
		cell=$sc.$fmt
		t0=$(date +%s.%N)
		"$celltool" --vmlinux "$vmlinux" "$vmcore" "$tmp/$cell.json" v7-zstd="$tmp/$cell.dat" \
			2>"$tmp/$cell.err"
		rc=$?
		t1=$(date +%s.%N)
		if [ $rc -gt 1 ] || [ ! -s "$tmp/$cell.dat" ]; then
			bad "$cell: tracedat_cell failed ($rc): $(tail -1 "$tmp/$cell.err")"
			continue
		fi
		ncells=$((ncells + 1))
		secs=$(printf '%.2f' "$(echo "$t1 - $t0" | bc)")
		if [ "$fmt" != elf ] && [ -f "$tmp/$sc.elf.dat" ] && cmp -s "$tmp/$sc.elf.dat" "$tmp/$cell.dat"; then
			echo "ok: $release/$cell: byte-identical to the ELF dump's trace.dat (checked there)"
			table_rows "$tmp/$cell.json" "$sc" "$fmt" "$(stat -c %s "$tmp/$cell.dat")" - - - "$secs"
			continue
		fi
		case " $full_cells basic.elf " in
		*" $cell "*) run_checks "$cell.v7-zstd" "$tmp/$cell.dat" "$tmp/$cell.json" ;;
		*) run_checks "$cell.v7-zstd" "$tmp/$cell.dat" "$tmp/$cell.json" host light ;;
		esac
		sizes=("$(stat -c %s "$tmp/$cell.dat")" - - -)
		case " $full_cells " in
		*" $cell "*)
			# the command itself writes the same bytes as the library calls
			if dump_tracedat "$tmp/$cell.cli.dat" "$vmcore"; then
				cmp -s "$tmp/$cell.cli.dat" "$tmp/$cell.dat" ||
					bad "$cell: pmtrace dump -t differs from the library's trace.dat"
			fi
			if dump_tracedat "$tmp/$cell.none.dat" --compress none "$vmcore"; then
				sizes[1]=$(stat -c %s "$tmp/$cell.none.dat")
				run_checks "$cell.v7-none" "$tmp/$cell.none.dat" "$tmp/$cell.json"
			fi
			if dump_tracedat "$tmp/$cell.v6.dat" --v6 "$vmcore"; then
				sizes[3]=$(stat -c %s "$tmp/$cell.v6.dat")
				run_checks "$cell.v6" "$tmp/$cell.v6.dat" "$tmp/$cell.json"
			fi
			if [ "$newer" = --newer-tracecmd ] &&
				dump_tracedat "$tmp/$cell.zlib.dat" --compress zlib "$vmcore"; then
				sizes[2]=$(stat -c %s "$tmp/$cell.zlib.dat")
				if trace-cmd report -i "$tmp/$cell.zlib.dat" >/dev/null 2>&1; then
					bad "$cell: Debian 12's trace-cmd read a zlib file: is it still 3.1.6?"
				fi
				for v in zlib dat none v6; do
					f=$tmp/$cell.$v.dat
					[ $v = dat ] && f=$tmp/$cell.dat
					[ -s "$f" ] && run_checks "$cell.$v.sid-trace-cmd" "$f" "$tmp/$cell.json" sid
				done
			fi
			;;
		esac
		table_rows "$tmp/$cell.json" "$sc" "$fmt" "${sizes[@]}" "$secs"
	done
done
echo
echo "$release: $ncells dump(s) in $(($(date +%s) - start)) s (sizes in bytes; time = pmtrace dump -t, this build):"
cat "$tmp/table"
[ $ncells -gt 0 ] || fail "no dump of $release in the corpus"
[ $failures -eq 0 ] || fail "$failures check(s) failed"
echo "PASS: $release: $ncells dump(s)"

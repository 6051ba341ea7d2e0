#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-truth.sh VMCORES_DIR SUITES
#
# Consistency of the ground truth the guest kernels printed, for every corpus
# cell of SUITES (comma list). Per cell:
#  - truth/uname is the cell's release, truth/nproc is 2, KASLR was on
#    (kaslr_offset != 0, no "nokaslr" on the command line) and the offset
#    agrees with truth/kallsyms_text;
#  - manifest.tsv has its header and 4 rows whose sizes match the files;
#  - for every buffer (global, instances/*) and CPU: the per-CPU trace has
#    events, and "entries:" in stats equals its number of event lines; the
#    buffer's whole trace has exactly the sum of the per-CPU event lines and
#    its "entries-in-buffer" header says the same;
#  - every event in a buffer's set_event has its events/<sys>/<event>/format;
#  - the guest CPU offered la57 exactly in the la57 scenario;
#  - warm-reboot cells (truth/boot1, truth/boot2): the checks above on boot
#    2, the dumped kernel, and for persist boot 1's markers in `boot`, boot
#    2 keeping all of them as the previous boot's, distinct KASLR offsets and
#    the saved ranges;
#  - scenario specifics: basic, la57 and subbuf keep all 10/5/15 marker rounds
#    per CPU on that CPU with nothing overwritten; instances has buffers
#    foo and bar with their clocks and sizes, start markers and no overrun;
#    overwrite has overrun > 0 on
#    every CPU and cpu0 "read events" equal to the event lines of the one
#    trace_pipe read the scenario made (trace_pipe_consumed); vocab has its
#    tracers, options and clocks, function_graph lines, kernel and user
#    stacks, raw_data entries and each marker on its CPU (its buffers print
#    several lines per event, or none: the line counts are not checked there).
# The "live" scenario moves while it is captured: only files and stats are
# checked there. Prints one line per cell; exits 1 on the first bad cell
# after listing all problems.
set -uo pipefail

VMCORES=${1:?usage: check-truth.sh VMCORES_DIR SUITES}
SUITES=${2:?usage: check-truth.sh VMCORES_DIR SUITES}
bad=0
problems=0

err() {
	echo "  FAIL $cell: $*"
	problems=$((problems + 1))
}

events_in() { grep -vc '^#' "$1" || true; }
stat_of() { sed -n "s/^$2: *//p" "$1"; }

check_buffer() { # buffer-dir live(0|1)
	local b=$1 live=$2 sum=0 c n e hdr se f
	for c in "$b"/per_cpu/cpu*; do
		[ -f "$c/trace" ] && [ -f "$c/stats" ] || { err "${c#$cell/} lacks trace/stats"; continue; }
		n=$(events_in "$c/trace")
		e=$(stat_of "$c/stats" entries)
		[ -n "$e" ] || err "${c#$cell/}/stats has no entries line"
		[ "$live" = 1 ] && continue
		[ "$n" -gt 0 ] || err "${c#$cell/}/trace has no events"
		[ "$n" = "$e" ] || err "${c#$cell/}: stats entries $e != $n event lines"
		sum=$((sum + n))
	done
	[ "$(ls -d "$b"/per_cpu/cpu* 2>/dev/null | wc -l)" = 2 ] ||
		err "${b#$cell/}: expected per_cpu/cpu0 and cpu1"
	for f in $(sed 's/:/\//' "$b/set_event"); do
		[ -s "${ev:-$t/events}/$f/format" ] || err "no events/$f/format"
	done
	[ "$live" = 1 ] && return
	n=$(events_in "$b/trace")
	[ "$n" = "$sum" ] || err "${b#$cell/}/trace: $n event lines, per-CPU sum $sum"
	hdr=$(sed -n 's/^# entries-in-buffer\/entries-written: \([0-9]*\)\/.*/\1/p' "$b/trace")
	[ "$hdr" = "$sum" ] || err "${b#$cell/}/trace header says $hdr entries, counted $sum"
}

check_markers() { # buffer-dir tag rounds
	local b=$1 tag=$2 rounds=$3 c cpu n
	for c in "$b"/per_cpu/cpu*; do
		cpu=${c##*cpu}
		n=$(grep -c "tracing_mark_write: pmtrace $tag cpu$cpu round " "$c/trace" || true)
		[ "$n" = "$rounds" ] || err "${c#$cell/}: $n of $rounds '$tag' markers"
		[ "$(stat_of "$c/stats" overrun)" = 0 ] || err "${c#$cell/}: overrun in $tag"
	done
}

while read -r cell; do
	problems=0
	t=$cell/truth
	# warm-reboot cells: truth/boot1 and truth/boot2, the dumped kernel's
	[ -d "$t/boot2" ] && t=$t/boot2
	scen=${cell##*/}
	rel=${cell%/*}
	rel=${rel##*/}
	if [ ! -f "$cell/manifest.tsv" ]; then
		echo "  FAIL $cell: no manifest.tsv (corpus fixture not run?)"
		bad=1
		continue
	fi
	[ "$(cat "$t/uname")" = "$rel" ] || err "truth/uname $(cat "$t/uname") != $rel"
	[ "$(cat "$t/nproc")" = 2 ] || err "truth/nproc is $(cat "$t/nproc")"
	grep -qw nokaslr "$t/cmdline" && err "booted with nokaslr"
	kaslr=$(cat "$cell/kaslr_offset")
	[ "$((kaslr))" != 0 ] || err "kaslr_offset is 0"
	# Link-time _text of every Debian x86_64 kernel: __START_KERNEL_map +
	# CONFIG_PHYSICAL_START (0x1000000); boot-scenario.sh read it with nm.
	[ "$(printf '%x' $((0xffffffff81000000 + kaslr)))" = "$(cat "$t/kallsyms_text")" ] ||
		err "kaslr_offset $kaslr does not match _text $(cat "$t/kallsyms_text")"
	[ "$(head -n1 "$cell/manifest.tsv")" = "$(printf 'release\tscenario\tformat\tfile\tsize\tsha256\tkaslr_offset')" ] ||
		err "manifest header"
	[ "$(tail -n +2 "$cell/manifest.tsv" | wc -l)" = 4 ] || err "manifest has not 4 rows"
	while IFS=$'\t' read -r mrel mscen fmt file size sha koff; do
		[ "$mrel $mscen $koff" = "$rel $scen $kaslr" ] || err "manifest row for $file: $mrel $mscen $koff"
		[ "$(stat -c %s "$cell/$file" 2>/dev/null)" = "$size" ] || err "$file size != manifest $size"
	done < <(tail -n +2 "$cell/manifest.tsv")
	for f in events/header_page events/header_event saved_cmdlines \
		events/ftrace/function/format events/ftrace/print/format; do
		[ -s "$t/$f" ] || err "missing truth/$f"
	done
	[ -e "$t/errors" ] && err "guest could not read: $(head -n3 "$t/errors" | tr '\n' ' ')"
	if [ "$scen" = la57 ]; then
		grep -qw la57 "$t/cpu_flags" || err "la57: the guest CPU lacks la57"
	else
		grep -qw la57 "$t/cpu_flags" && err "la57 offered outside the la57 scenario"
	fi
	live=0
	[ "$scen" = live ] && live=1
	# vocab prints stacks, graphs, hex: lines are not events there
	[ "$scen" = vocab ] && live=1
	for b in "$t/global" "$t"/instances/*; do
		[ -d "$b" ] && check_buffer "$b" $live
	done
	case "$scen" in
	basic)
		check_markers "$t/global" basic 10
		grep -q '^function$' "$t/global/current_tracer" || err "basic: tracer not function"
		[ "$(cat "$t/global/buffer_size_kb")" -ge 1024 ] || err "basic: buffer_size_kb"
		;;
	la57)
		check_markers "$t/global" la57 5
		;;
	subbuf)
		check_markers "$t/global" subbuf 15
		[ "$(cat "$t/global/buffer_subbuf_size_kb")" = 16 ] || err "subbuf: buffer_subbuf_size_kb"
		;;
	instances)
		[ -d "$t/instances/foo" ] && [ -d "$t/instances/bar" ] || err "instances foo/bar missing"
		grep -q '\[x86-tsc\]' "$t/instances/foo/trace_clock" || err "foo clock"
		grep -q '\[mono\]' "$t/instances/bar/trace_clock" || err "bar clock"
		[ "$(cat "$t/instances/bar/buffer_size_kb")" -lt "$(cat "$t/instances/foo/buffer_size_kb")" ] ||
			err "bar buffer not smaller than foo"
		for i in global instances/foo instances/bar; do
			grep -q "tracing_mark_write: pmtrace instances start $i" "$t/$i/trace" ||
				err "$i lacks its start marker"
			for c in "$t/$i"/per_cpu/cpu*; do
				[ "$(stat_of "$c/stats" overrun)" = 0 ] || err "${c#$cell/}: overrun"
			done
		done
		;;
	persist)
		# boot 1 traced into `boot`, every marker round on each CPU; boot 2
		# kept all of it (the kernel's own view) and says it is the
		# previous boot's; both ranges were saved
		b1=$cell/truth/boot1
		ev=$b1/events check_buffer "$b1/instances/boot" 0
		check_markers "$b1/instances/boot" boot1 5
		[ "$(events_in "$t/instances/boot/trace")" = "$(events_in "$b1/instances/boot/trace")" ] ||
			err "persist: boot 2 shows $(events_in "$t/instances/boot/trace") of boot 1's $(events_in "$b1/instances/boot/trace") events"
		grep -q '\[kernel\]' "$t/instances/boot/last_boot_info" ||
			awk '/^text delta:/ && $3 != 0 { f = 1 } END { exit !f }' "$t/instances/boot/last_boot_info" ||
			err "persist: boot 2's last_boot_info does not name a previous boot"
		[ "$(cat "$cell/kaslr_offset")" != "$(cat "$cell/kaslr_offset.boot1")" ] ||
			err "persist: both boots have the KASLR offset $(cat "$cell/kaslr_offset")"
		for r in boot1 boot2; do
			[ "$(stat -c %s "$cell/range.$r.raw" 2>/dev/null)" = $((0x400000)) ] ||
				err "persist: range.$r.raw is not the 4 MiB range"
		done
		;;
	overwrite)
		for c in "$t"/global/per_cpu/cpu*; do
			[ "$(stat_of "$c/stats" overrun)" -gt 0 ] || err "overwrite: ${c##*/} overrun 0"
		done
		n=$(stat_of "$t/global/per_cpu/cpu0/stats" "read events")
		[ "$n" -gt 0 ] || err "overwrite: cpu0 read events is 0"
		[ "$(grep -vc '^CPU:' "$t/global/per_cpu/cpu0/trace_pipe_consumed")" = "$n" ] ||
			err "overwrite: trace_pipe_consumed lines != read events $n"
		;;
	vocab)
		grep -qx function_graph "$t/global/current_tracer" || err "vocab: global tracer"
		grep -q '\[tai\]\|\[mono\]' "$t/global/trace_clock" || err "vocab: global clock"
		grep -q '|  *[a-z_0-9]*() {$' "$t/global/trace" || err "vocab: no graph call"
		grep -q '/\* # 3 buf: 76 6f 63 61 62' "$t/global/trace" || err "vocab: no raw_data"
		grep -q '<stack trace>' "$t/global/trace" || err "vocab: no kernel stack"
		grep -q '^ ----------' "$t/global/trace" || err "vocab: no task switch"
		grep -q '<user stack trace>' "$t/instances/opts/trace" || err "vocab: no user stack"
		grep -q 'pmt_printk round 0 ' "$t/global/trace" ||
			err "vocab: no module trace_printk (bprint)"
		grep -q 'pmt_printk puts' "$t/global/trace" || err "vocab: no module trace_puts"
		for i in opts:counter lat:uptime verb:perf raw:local hex:mono_raw noctx:boot; do
			grep -q "\[${i#*:}\]" "$t/instances/${i%%:*}/trace_clock" ||
				err "vocab: ${i%%:*} clock not ${i#*:}"
		done
		grep -q '^# nop latency trace v1.1.5 on' "$t/instances/lat/trace" ||
			err "vocab: lat has no latency header"
		for c in "$t"/global/per_cpu/cpu* "$t"/instances/*/per_cpu/cpu*; do
			[ "$(stat_of "$c/stats" overrun)" = 0 ] || err "vocab: ${c#$cell/}: overrun"
		done
		;;
	esac
	if [ "$problems" = 0 ]; then
		echo "ok $rel/$scen"
	else
		bad=1
	fi
done < <("$VMCORES/corpus.sh" --kernels "$SUITES" --list)
exit $bad

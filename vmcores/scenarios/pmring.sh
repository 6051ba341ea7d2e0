# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "pmring": pmtrace's own ring buffer (pmtrace.ko, page-allocator
# memory, 128 KiB per CPU: small enough that cpu0 overwrites its oldest
# pages, so overrun > 0 there) traces the workload: sched_switch, sched_wakeup, irq_handler_entry,
# irq_handler_exit and markers from every CPU. The kernel's ftrace records the
# same four tracepoints into its global buffer at the same time (truth/global/,
# a cross-check: both probes see the same tracepoint hits).
#
# Phases, all with tracing on:
#   0. the zero-copy reader (tests/kmod/guest/pmt_mmap_read.c) maps cpu0's
#      meta area and pages, swaps reader pages with the ioctl while a workload
#      runs on cpu0, and checks every event it decodes (pmtrace/mmap);
#   1. two long consuming reads of per_cpu/cpu1/trace_pipe_raw while a
#      workload runs on cpu1: the per-CPU stats before and after each are in
#      pmtrace/raw/, with the bytes read (pool_page_allocs: the first read
#      takes one spare page from the pool, the second none);
#   2. the main workload (20 rounds per CPU, markers "pmtrace pmring ...");
#   3. one read(2) of trace_pipe (consumed lines in pmtrace/trace_pipe_consumed).
# Then tracing stops (both), and the module's files are the truth in pmtrace/:
# trace, stats, per_cpu/cpuN/{trace,stats} (seq_next: how many events each
# CPU numbered). The dump holds the region: its chunk table lets a scanner
# without debuginfo reassemble it; kmod/pmtrace.ko has the module's DWARF.
# pmt-mem-mb: 256
# pmt-opt-in: 1
# pmt-kmod: pmtrace ringbuf/kmod
# pmt-guest-bin: pmt_mmap_read tests/kmod/guest/pmt_mmap_read.c
# pmt-key-files: ringbuf/*.c ringbuf/*.h ringbuf/kmod/Kbuild ringbuf/kmod/*.c ringbuf/kmod/*.h ringbuf/kmod/stage.sh include/pmtrace/*.h tests/kmod/guest/*.c

# a consuming trace_pipe_raw read in the background, stopped by pmt_raw_stop
pmt_raw_read() { # out cpu
	dd if=$PMT/per_cpu/cpu$2/trace_pipe_raw of="$1" bs=4096 2>/dev/null &
	RAW_PID=$!
}

pmt_raw_stop() {
	sleep 0.5
	kill $RAW_PID 2>/dev/null
	wait $RAW_PID 2>/dev/null
	return 0
}

scenario_run() {
	local r=$TRUTH_EXTRA/pmtrace/raw
	tr_set 0 tracing_on || return 1
	tr_set nop current_tracer || return 1
	tr_set 1024 buffer_size_kb || return 1
	: >$TRACEFS/trace
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup irq/irq_handler_entry \
		irq/irq_handler_exit || return 1
	tr_set 1 tracing_on || return 1
	pmt_load buffer_kb=128 || return 1
	mkdir -p $r || return 1
	pmt_workload 0 20 mmap &
	/bin/pmt_mmap_read 0 80 >$TRUTH_EXTRA/pmtrace/mmap || {
		cat $TRUTH_EXTRA/pmtrace/mmap
		return 1
	}
	wait
	cat $PMT/per_cpu/cpu1/stats >$r/stats_before || return 1
	pmt_raw_read $r/pages 1
	pmt_workload 1 40 raw
	pmt_raw_stop
	cat $PMT/per_cpu/cpu1/stats >$r/stats_after || return 1
	stat -c %s $r/pages >$r/bytes
	rm -f $r/pages
	# the steady state: a second long read allocates nothing from the pool
	pmt_raw_read $r/pages2 1
	pmt_workload 1 40 raw2
	pmt_raw_stop
	cat $PMT/per_cpu/cpu1/stats >$r/stats_after2 || return 1
	stat -c %s $r/pages2 >$r/bytes2
	rm -f $r/pages2
	echo "pmtrace pmring start" >$PMT/marker
	pmt_workload_all 20 pmring
	echo "pmtrace pmring end" >$PMT/marker
	timeout 20 dd if=$PMT/trace_pipe bs=2048 count=1 \
		of=$TRUTH_EXTRA/pmtrace/trace_pipe_consumed 2>/dev/null
	echo 0 >$PMT/tracing_on
	tr_set 0 tracing_on
	pmt_truth pmtrace || return 1
	[ -s $TRUTH_EXTRA/pmtrace/trace_pipe_consumed ]
}

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "overwrite": a 64 KiB/CPU global buffer and far more events than
# fit, so pages wrap (stats "overrun" > 0 on every CPU). Then, with tracing
# off, ONE read(2) of per_cpu/cpu0/trace_pipe consumes the events whose text
# fits in a page (~50-70; the kernel consumes every event it formats for that
# read, so "head -n 50" would consume more than it shows): cpu0's reader page
# then holds consumed events ("read events: N" in stats). The text of that read
# is kept as truth/global/per_cpu/cpu0/trace_pipe_consumed: N event lines,
# possibly preceded by a "CPU:0 [LOST n EVENTS]" line.
# pmt-mem-mb: 256

scenario_run() {
	tr_set 0 tracing_on || return 1
	tr_set 64 buffer_size_kb || return 1
	tr_set vfs_read set_ftrace_filter || return 1
	echo vfs_write >>$TRACEFS/set_ftrace_filter || return 1
	tr_set function current_tracer || return 1
	tr_events $TRACEFS sched irq timer syscalls/sys_enter_read \
		syscalls/sys_exit_read syscalls/sys_enter_write \
		syscalls/sys_exit_write || return 1
	tr_set 1 tracing_on || return 1
	workload_all 40 overwrite
	tr_set 0 tracing_on || return 1
	mkdir -p $TRUTH_EXTRA/global/per_cpu/cpu0 || return 1
	# Bounded: trace_pipe blocks when it runs out of events.
	timeout 20 dd if=$TRACEFS/per_cpu/cpu0/trace_pipe bs=65536 count=1 \
		of=$TRUTH_EXTRA/global/per_cpu/cpu0/trace_pipe_consumed 2>/dev/null
	[ -s $TRUTH_EXTRA/global/per_cpu/cpu0/trace_pipe_consumed ]
}

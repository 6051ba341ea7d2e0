# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "overwrite": a 64 KiB/CPU global buffer and far more events than
# fit, so pages wrap (stats "overrun" > 0 on every CPU). Then, with tracing
# off, the first 50 lines of per_cpu/cpu0/trace_pipe are consumed, so cpu0's
# reader page holds consumed events ("read events: 50"). The consumed lines are
# kept as truth/global/per_cpu/cpu0/trace_pipe_consumed.
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
	timeout 20 head -n 50 $TRACEFS/per_cpu/cpu0/trace_pipe \
		>$TRUTH_EXTRA/global/per_cpu/cpu0/trace_pipe_consumed
	[ "$(wc -l <$TRUTH_EXTRA/global/per_cpu/cpu0/trace_pipe_consumed)" = 50 ]
}

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "basic": the global buffer, 1 MiB per CPU, function tracer limited
# by set_ftrace_filter, plus sched, irq, timer and a few syscall events and
# trace_marker lines, with work on every CPU. Sized so nothing is overwritten.
# This is the source of the committed 6.1 sample dump (256 MiB guest).
# pmt-mem-mb: 256

scenario_run() {
	tr_set 0 tracing_on || return 1
	tr_set nop current_tracer || return 1
	tr_set 1024 buffer_size_kb || return 1
	: >$TRACEFS/trace
	tr_set vfs_read set_ftrace_filter || return 1
	for f in vfs_write do_sys_openat2 kernel_clone; do
		echo $f >>$TRACEFS/set_ftrace_filter || return 1
	done
	tr_set function current_tracer || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup \
		sched/sched_wakeup_new sched/sched_process_fork \
		sched/sched_process_exec sched/sched_process_exit \
		irq timer \
		syscalls/sys_enter_openat syscalls/sys_exit_openat \
		syscalls/sys_enter_read syscalls/sys_exit_read \
		syscalls/sys_enter_write syscalls/sys_exit_write || return 1
	tr_set 1 tracing_on || return 1
	echo "pmtrace basic start" >$TRACEFS/trace_marker
	workload_all 10 basic
	echo "pmtrace basic end" >$TRACEFS/trace_marker
	tr_set 0 tracing_on
}

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "instances": the global buffer plus two instances with different
# events, buffer sizes and clocks:
#   global          512 KiB/CPU, default clock (global under TCG: the TSC is
#                   marked unstable), sched_switch/sched_wakeup
#   instances/foo   384 KiB/CPU, clock x86-tsc, irq + sys_{enter,exit}_write
#   instances/bar   256 KiB/CPU, clock mono,   timer
# Sized so nothing is overwritten even on 7.2, whose timer events are about
# twice as many as 6.12's (hrtimer_rearm).
# Each buffer also gets trace_marker lines of its own.
# pmt-mem-mb: 256

scenario_run() {
	local i
	tr_set 0 tracing_on || return 1
	tr_set 512 buffer_size_kb || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup || return 1
	for i in foo bar; do
		mkdir $TRACEFS/instances/$i || return 1
		tr_set 0 instances/$i/tracing_on || return 1
	done
	tr_set 384 instances/foo/buffer_size_kb || return 1
	tr_set x86-tsc instances/foo/trace_clock || return 1
	tr_events $TRACEFS/instances/foo irq syscalls/sys_enter_write \
		syscalls/sys_exit_write || return 1
	tr_set 256 instances/bar/buffer_size_kb || return 1
	tr_set mono instances/bar/trace_clock || return 1
	tr_events $TRACEFS/instances/bar timer || return 1
	for i in "" instances/foo/ instances/bar/; do
		tr_set 1 ${i}tracing_on || return 1
	done
	for i in "" instances/foo/ instances/bar/; do
		echo "pmtrace instances start ${i:-global}" >$TRACEFS/${i}trace_marker
	done
	workload_all 10 instances
	for i in "" instances/foo/ instances/bar/; do
		echo "pmtrace instances end ${i:-global}" >$TRACEFS/${i}trace_marker
		tr_set 0 ${i}tracing_on
	done
}

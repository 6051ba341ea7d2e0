# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "subbuf": ring-buffer sub-buffers of 16 KiB instead of one page
# (buffer_subbuf_size_kb, Linux 6.8+), 1 MiB/CPU, sched switch/wakeup/fork/
# exit, irq and timer events and trace_marker lines; nothing overwritten
# (7.2 logs ~2x the events of 6.12: no sched_stat_*). Skipped on older
# kernels.
# pmt-mem-mb: 256
# pmt-min-kernel: 6.8

scenario_run() {
	tr_set 0 tracing_on || return 1
	tr_set 16 buffer_subbuf_size_kb || return 1
	tr_set 1024 buffer_size_kb || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup \
		sched/sched_process_fork sched/sched_process_exit irq timer || return 1
	tr_set 1 tracing_on || return 1
	workload_all 15 subbuf
	tr_set 0 tracing_on
}

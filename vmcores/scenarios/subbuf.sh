# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "subbuf": ring-buffer sub-buffers of 16 KiB instead of one page
# (buffer_subbuf_size_kb, Linux 6.8+), 512 KiB/CPU, sched/irq/timer events and
# trace_marker lines. Skipped on older kernels.
# pmt-mem-mb: 256
# pmt-min-kernel: 6.8

scenario_run() {
	tr_set 0 tracing_on || return 1
	tr_set 16 buffer_subbuf_size_kb || return 1
	tr_set 512 buffer_size_kb || return 1
	tr_events $TRACEFS sched irq timer || return 1
	tr_set 1 tracing_on || return 1
	workload_all 15 subbuf
	tr_set 0 tracing_on
}

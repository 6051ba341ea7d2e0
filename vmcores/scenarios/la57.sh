# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "la57": the guest CPU offers LA57, so the kernel runs with 5-level
# page tables (skipped where CONFIG_X86_5LEVEL is off: Debian's 5.10).
# Otherwise a small "basic": 512 KiB/CPU, sched, irq and timer events, 5
# rounds of work and trace_marker lines per CPU, nothing overwritten.
# pmt-mem-mb: 256
# pmt-cpu: max
# pmt-needs-config: CONFIG_X86_5LEVEL

scenario_run() {
	tr_set 0 tracing_on || return 1
	tr_set 512 buffer_size_kb || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup irq timer || return 1
	tr_set 1 tracing_on || return 1
	workload_all 5 la57
	tr_set 0 tracing_on
}

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "live": tracing stays on while the ground truth is read and while
# QEMU dumps the guest; a background workload keeps writing events on every
# CPU. There is no exact ground truth (the buffers move between the capture
# and the dumps, and between the ELF and the kdump-zlib dump); stats and
# files are still captured, for plausibility checks and for exercising a
# writer caught mid-commit.
# pmt-mem-mb: 256

TRUTH_KEEP_TRACING=1

scenario_run() {
	local cpu=0
	tr_set 0 tracing_on || return 1
	tr_set 256 buffer_size_kb || return 1
	tr_set vfs_read set_ftrace_filter || return 1
	tr_set function current_tracer || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup irq timer || return 1
	tr_set 1 tracing_on || return 1
	while [ $cpu -lt "$(nproc)" ]; do
		(while :; do workload $cpu 5 live; done) &
		cpu=$((cpu + 1))
	done
	sleep 2
}

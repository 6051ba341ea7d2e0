# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "large": the bench's big buffer (bench/extract/large.sh), not a
# test cell. The global buffer holds 512 MiB per CPU (1 GiB of trace data on
# the corpus' 2 vCPUs), the function tracer on every function plus the sched
# and irq events, and the workload runs until every CPU has overwritten its
# oldest pages (overrun > 0 in per_cpu/cpuN/stats), so every page is full.
#
# The truth keeps what the kernel says of the buffer (per-CPU stats: entries,
# overrun; sizes, tracer, options, formats) but not its text: printing tens of
# millions of events under TCG would take the better part of an hour and the
# text (several GiB) would not fit in the guest. The bench checks pmtrace's
# per-CPU event counts against "entries" instead.
# pmt-mem-mb: 2048
# pmt-opt-in: 1

scenario_run() {
	local i cpu full
	tr_set 0 tracing_on || return 1
	tr_set nop current_tracer || return 1
	tr_set 524288 buffer_size_kb || return 1
	: >$TRACEFS/trace
	: >$TRACEFS/set_ftrace_filter
	tr_set function current_tracer || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup irq || return 1
	tr_set 1 tracing_on || return 1
	echo "pmtrace large start" >$TRACEFS/trace_marker
	# bounded: 200 rounds of the workload are far more than 1 GiB of
	# function events under TCG
	i=0
	while [ $i -lt 100 ]; do
		workload_all 2 "large $i"
		full=1
		for cpu in $TRACEFS/per_cpu/cpu*; do
			[ "$(sed -n 's/^overrun: *//p' "$cpu/stats")" -gt 0 ] || full=0
		done
		[ $full = 1 ] && break
		i=$((i + 1))
	done
	echo "pmtrace large end" >$TRACEFS/trace_marker
	tr_set 0 tracing_on
	[ $full = 1 ] || {
		echo "pmtrace-guest: large: buffers not full after $i rounds"
		return 1
	}
}

# The truth of every buffer without its trace text (see above).
truth_buffer() { # tracefs-buffer-dir out-dir
	local src=$1 dst=$2 f c se
	for f in buffer_size_kb buffer_total_size_kb current_tracer trace_clock \
		trace_options tracing_on set_event set_ftrace_filter; do
		[ -e "$src/$f" ] && truth_cp "$src/$f" "$dst/$f"
	done
	for c in "$src"/per_cpu/cpu*; do
		for f in stats buffer_size_kb; do
			truth_cp "$c/$f" "$dst/per_cpu/${c##*/}/$f"
		done
	done
	while read -r se; do
		f=${se%%:*}/${se#*:}
		truth_cp "$TRACEFS/events/$f/format" "$TRUTH/events/$f/format"
	done <"$src/set_event"
}

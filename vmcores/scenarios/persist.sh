# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "persist": Linux's persistent ring buffer across a warm reboot.
# Two reserved ranges hold boot-mapped instances (memmap= keeps them out of
# the kernel's hands, trace_instance= puts an instance on each):
#   instances/boot  0x10000000, 4 MiB: traced in boot 1 only, so boot 2 (the
#                   dumped kernel) holds boot 1's events there
#   instances/cur   0x10400000, 2 MiB: traced in both boots; boot 2 starts
#                   tracing into it, which clears boot 1's data: it holds the
#                   current boot's events
# Boot 1: function tracer (set_ftrace_filter) + sched, irq, softirq,
# workqueue_execute_start (a %ps field) and marker lines in `boot`, hash-ptr
# off (a previous boot's pointer hash key is gone after the reboot, so only
# raw pointers can be reproduced); saved_cmdlines enlarged so that boot 1's
# own `trace` names every task. Then QMP system_reset. The instance keeps its
# default clock: measured on 7.2.13, a recorded clock that differs from the
# new boot's default makes the next kernel switch clocks at boot
# (setup_trace_scratch() -> tracing_set_clock()), which resets the buffers of
# the CPUs online then and so erases the boot CPU's share of the previous
# boot's data (with clock mono, boot 2 kept 1823 of 3712 events, CPU 1's).
# Boot 2: leaves `boot` alone (tracing into it, enabling its events or
# changing its tracer would clear it), traces the global buffer and `cur`.
# The range of `boot` is saved with pmemsave after boot 1 (what survived the
# reset) and before the dumps (after boot 2 validated and rebased it).
# Kernels with read-only backup instances (7.x: trace_instance=NAME=ORIGINAL,
# found by their autoremove code) also get `backup`, boot 2's vmalloc'ed copy
# of `boot` taken before anything could clear it.
# Runs on kernels that have boot-mapped ring buffers (__ring_buffer_alloc_range,
# 6.12+); the 1-in-~500 chance that both boots get the same KASLR base (6.12
# then cannot tell a previous boot's data) is answered with another reset.
# pmt-mem-mb: 384
# pmt-reboot: 1
# pmt-needs-symbol: __ring_buffer_alloc_range
# pmt-append: memmap=4M$0x10000000 memmap=2M$0x10400000
# pmt-append: trace_instance=boot@0x10000000:4M trace_instance=cur@0x10400000:2M
# pmt-append-if-symbol: trace_array_autoremove trace_instance=backup=boot
# pmt-pmemsave: range 0x10000000 0x400000

BOOT_DIR=$TRACEFS/instances/boot
CUR=$TRACEFS/instances/cur

# 2 when `boot` holds a previous boot's data: 7.x prints that boot's _text
# ("<hex>\t[kernel]"; 0 on a fresh range, "# Current" once started), 6.12 a
# non-zero "text delta".
scenario_boot() {
	local f=$BOOT_DIR/last_boot_info
	if [ -r "$f" ] && { grep -q '^0*[1-9a-f][0-9a-f]*[[:space:]]*\[kernel\]' "$f" ||
		awk '/^text delta:/ && $3 != 0 { found = 1 } END { exit !found }' "$f"; }; then
		echo 2
	else
		echo 1
	fi
}

# persist_work CPU ROUNDS TAG MARKER-FILE: like workload(), markers into one buffer
persist_work() {
	local cpu=$1 rounds=$2 tag=$3 marker=$4
	taskset -c "$cpu" sh -c '
		i=0
		while [ $i -lt '"$rounds"' ]; do
			echo "pmtrace '"$tag"' cpu'"$cpu"' round $i" >'"$marker"'
			dd if=/dev/zero of=/tmp/pw.'"$cpu"' bs=4k count=8 2>/dev/null
			cat /tmp/pw.'"$cpu"' | md5sum >/dev/null
			ls /proc/self/ >/dev/null
			sleep 0.01
			i=$((i + 1))
		done
		rm -f /tmp/pw.'"$cpu"'
	'
}

persist_work_all() { # ROUNDS TAG MARKER-FILE
	local cpu=0 n pids=
	n=$(nproc)
	while [ $cpu -lt "$n" ]; do
		persist_work $cpu "$1" "$2" "$3" &
		pids="$pids $!"
		cpu=$((cpu + 1))
	done
	wait $pids
}

scenario_run() {
	local f
	[ -d "$BOOT_DIR" ] && [ -d "$CUR" ] || {
		echo "pmtrace-guest: no boot-mapped instances (cmdline: $(cat /proc/cmdline))"
		dmesg | grep -i -E 'tracing|boot instance|memmap|e820|ring.buffer' | tail -n 20 |
			sed 's/^/pmtrace-guest: dmesg: /'
		return 1
	}
	tr_set 4096 saved_cmdlines_size || return 1
	tr_set 0 tracing_on || return 1
	for f in "$BOOT_DIR" "$CUR"; do
		tr_set 0 "$f/tracing_on" || return 1
	done
	tr_set 0 "$BOOT_DIR/options/hash-ptr" || return 1
	tr_set vfs_read "$BOOT_DIR/set_ftrace_filter" || return 1
	for f in vfs_write do_sys_openat2 kernel_clone; do
		echo $f >>"$BOOT_DIR/set_ftrace_filter" || return 1
	done
	tr_set function "$BOOT_DIR/current_tracer" || return 1
	tr_events "$BOOT_DIR" sched/sched_switch sched/sched_wakeup sched/sched_wakeup_new \
		sched/sched_process_fork sched/sched_process_exec sched/sched_process_exit \
		irq/irq_handler_entry irq/irq_handler_exit irq/softirq_entry irq/softirq_exit \
		workqueue/workqueue_execute_start || return 1
	tr_events "$CUR" sched/sched_switch || return 1
	tr_set 1 "$BOOT_DIR/tracing_on" || return 1
	tr_set 1 "$CUR/tracing_on" || return 1
	echo "pmtrace persist boot1 start" >"$BOOT_DIR/trace_marker"
	echo "pmtrace persist boot1 start cur" >"$CUR/trace_marker"
	persist_work_all 5 boot1 "$BOOT_DIR/trace_marker"
	echo "pmtrace persist boot1 end" >"$BOOT_DIR/trace_marker"
	echo "pmtrace persist boot1 end cur" >"$CUR/trace_marker"
	tr_set 0 "$BOOT_DIR/tracing_on"
	tr_set 0 "$CUR/tracing_on"
}

scenario_run_boot2() {
	# `cur`: tracing into it again makes it the current boot's buffer
	tr_set 0 tracing_on || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup || return 1
	tr_events "$CUR" sched/sched_switch || return 1
	tr_set 1 tracing_on || return 1
	tr_set 1 "$CUR/tracing_on" || return 1
	echo "pmtrace persist boot2 start" >$TRACEFS/trace_marker
	echo "pmtrace persist boot2 start cur" >"$CUR/trace_marker"
	persist_work_all 3 boot2 $TRACEFS/trace_marker
	echo "pmtrace persist boot2 end" >$TRACEFS/trace_marker
	echo "pmtrace persist boot2 end cur" >"$CUR/trace_marker"
	tr_set 0 tracing_on
	tr_set 0 "$CUR/tracing_on"
	# can /dev/mem read the range? (CONFIG_STRICT_DEVMEM refuses System
	# RAM; memmap= makes the range reserved, not RAM)
	mkdir -p $TRUTH_EXTRA
	if dd if=/dev/mem of=/tmp/devmem.bin bs=4096 skip=$((0x10000000 / 4096)) count=1 \
		2>/tmp/devmem.err; then
		echo "read $(md5sum </tmp/devmem.bin | cut -c1-32)" >$TRUTH_EXTRA/devmem
	else
		echo "refused: $(tr '\n' ' ' </tmp/devmem.err)" >$TRUTH_EXTRA/devmem
	fi
	rm -f /tmp/devmem.bin /tmp/devmem.err
}

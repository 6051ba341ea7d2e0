# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "vocab": the kernel's own printers, options and clocks, on every
# kernel (features a kernel lacks are left out, not failed):
#
#   global          function_graph on a few VFS/open functions, clock tai
#                   (mono where there is no tai: 5.10);
#                   sched_switch/wakeup (comments, task-switch blocks), a
#                   stacktrace trigger on sched_process_exec (kernel_stack),
#                   trace_marker (comments) and trace_marker_raw (raw_data)
#   instances/opts  function tracer + func_stack_trace (a kernel stack after
#                   every call), clock counter, sym-offset, sym-addr,
#                   record-tgid, noirq-info; userstacktrace on exec/fork
#   instances/lat   latency-format, clock uptime, nohash-ptr; sched, timer,
#                   syscalls with user strings and buffers (7.x prints them)
#   instances/verb  verbose + latency-format, clock perf; the same syscalls
#   instances/raw   raw, clock local; function tracer, sched_switch, markers
#   instances/hex   hex, clock mono_raw; function tracer, sched_switch
#   instances/noctx nocontext-info, clock boot; wakeups, markers, syscalls
#   instances/fld   the fields option (6.5+ only), sched_switch + syscalls
#   instances/graph function_graph with funcgraph-proc/abstime/tail and
#                   nofuncgraph-cpu (6.12+: instances may run function_graph)
#
# Work on every CPU: markers (text and raw), dd, md5sum, ls, mkdir, mv, ln,
# rm, and a round of trace_printk() from a module (vmcores/kmod-printk: bprint
# with the module's own formats and symbols, bputs, print) into the global
# buffer; sized so nothing is overwritten.
# pmt-mem-mb: 256
# pmt-kmod: pmt_printk vmcores/kmod-printk
# pmt-key-files: vmcores/kmod-printk/*.c vmcores/kmod-printk/Kbuild

# Enable whatever of the events exist (syscalls differ between kernels).
vocab_events() { # buffer-dir sys/event...
	local dir=$1 e
	shift
	for e in "$@"; do
		[ -e "$dir/events/$e/enable" ] && echo 1 >"$dir/events/$e/enable"
	done
	return 0
}

# Append the functions that exist to a set_ftrace_filter.
vocab_filter() { # file func...
	local f=$1 fn
	shift
	for fn in "$@"; do
		echo "$fn" >>"$f" 2>/dev/null
	done
	# tracefs files have no size: read it back
	[ -n "$(cat "$f")" ] || {
		echo "pmtrace-guest: none of $* in $f"
		return 1
	}
}

vocab_clock() { # file clock...: the first clock this kernel has (tai: 5.11+)
	local f=$1 c
	shift
	for c in "$@"; do
		echo "$c" >"$f" 2>/dev/null && return 0
	done
	echo "pmtrace-guest: none of the clocks $* in $f"
	return 1
}

vocab_opt() { # buffer-dir option [value]: set an option the kernel has
	[ -e "$1/options/$2" ] && echo "${3:-1}" >"$1/options/$2"
	return 0
}

vocab_work() { # CPU ROUNDS
	local cpu=$1 rounds=$2
	taskset -c "$cpu" sh -c '
		T='"$TRACEFS"'
		i=0
		while [ $i -lt '"$rounds"' ]; do
			echo "pmtrace vocab cpu'"$cpu"' round $i" >$T/trace_marker
			for b in opts lat verb raw hex noctx fld graph; do
				[ -e $T/instances/$b/trace_marker ] &&
					echo "pmtrace vocab $b cpu'"$cpu"' round $i" >$T/instances/$b/trace_marker
			done
			d=/tmp/vw.'"$cpu"'
			mkdir -p $d
			# trace_marker_raw: a 4-byte id (3) and the data, in one write
			{ printf "\003"; dd if=/dev/zero bs=1 count=3 2>/dev/null
			  printf "vocab-raw'"$cpu"'-$i"; } >$d.raw
			cat $d.raw >$T/trace_marker_raw
			dd if=/dev/zero of=$d/a bs=4k count=4 2>/dev/null
			cat $d/a | md5sum >/dev/null
			mv $d/a $d/b
			ln -s $d/b $d/c
			ls $d /proc/self >/dev/null
			rm -r $d $d.raw
			echo $i >/sys/module/pmt_printk/parameters/round
			sleep 0.01
			i=$((i + 1))
		done
	'
}

scenario_run() {
	local cpu=0 n pids= i b
	local sc="syscalls/sys_enter_openat syscalls/sys_exit_openat syscalls/sys_enter_write \
		syscalls/sys_enter_read syscalls/sys_exit_read syscalls/sys_enter_execve \
		syscalls/sys_enter_unlinkat syscalls/sys_enter_mkdirat syscalls/sys_enter_rename \
		syscalls/sys_enter_renameat2 syscalls/sys_enter_symlinkat syscalls/sys_enter_symlink \
		syscalls/sys_enter_newfstatat syscalls/sys_enter_getcwd"
	tr_set 0 tracing_on || return 1
	tr_set nop current_tracer || return 1
	: >$TRACEFS/trace

	# global: function_graph
	tr_set 1024 buffer_size_kb || return 1
	vocab_clock $TRACEFS/trace_clock tai mono || return 1
	: >$TRACEFS/set_ftrace_filter
	vocab_filter $TRACEFS/set_ftrace_filter do_sys_openat2 do_filp_open path_openat \
		getname_flags ksys_read ksys_write vfs_read vfs_write rw_verify_area \
		do_mkdirat do_symlinkat do_renameat2 do_unlinkat || return 1
	tr_set function_graph current_tracer || return 1
	tr_events $TRACEFS sched/sched_switch sched/sched_wakeup sched/sched_process_exec ||
		return 1
	tr_set stacktrace events/sched/sched_process_exec/trigger || return 1

	for i in opts lat verb raw hex noctx; do
		mkdir $TRACEFS/instances/$i || return 1
		tr_set 0 instances/$i/tracing_on || return 1
		tr_set 256 instances/$i/buffer_size_kb || return 1
	done
	# opts: function tracer with a stack per call
	b=$TRACEFS/instances/opts
	tr_set counter $b/trace_clock || return 1
	vocab_filter $b/set_ftrace_filter vfs_write do_mkdirat || return 1
	tr_set function $b/current_tracer || return 1
	for i in sym-offset sym-addr record-tgid func_stack_trace userstacktrace; do
		tr_set 1 $b/options/$i || return 1
	done
	tr_set 0 $b/options/irq-info || return 1
	tr_events $b sched/sched_process_exec sched/sched_process_fork || return 1
	# lat
	b=$TRACEFS/instances/lat
	tr_set uptime $b/trace_clock || return 1
	tr_set 1 $b/options/latency-format || return 1
	vocab_opt $b hash-ptr 0
	tr_events $b sched/sched_switch timer/timer_start || return 1
	vocab_events $b $sc
	# verb
	b=$TRACEFS/instances/verb
	tr_set perf $b/trace_clock || return 1
	tr_set 1 $b/options/verbose || return 1
	tr_set 1 $b/options/latency-format || return 1
	tr_events $b sched/sched_wakeup || return 1
	vocab_events $b $sc
	# raw
	b=$TRACEFS/instances/raw
	tr_set local $b/trace_clock || return 1
	vocab_filter $b/set_ftrace_filter vfs_read || return 1
	tr_set function $b/current_tracer || return 1
	tr_set 1 $b/options/raw || return 1
	tr_events $b sched/sched_switch || return 1
	# hex
	b=$TRACEFS/instances/hex
	tr_set mono_raw $b/trace_clock || return 1
	vocab_filter $b/set_ftrace_filter vfs_read || return 1
	tr_set function $b/current_tracer || return 1
	tr_set 1 $b/options/hex || return 1
	tr_events $b sched/sched_switch || return 1
	# noctx
	b=$TRACEFS/instances/noctx
	tr_set boot $b/trace_clock || return 1
	tr_set 0 $b/options/context-info || return 1
	tr_events $b sched/sched_wakeup || return 1
	vocab_events $b $sc
	# fld: the fields option (6.5+)
	if mkdir $TRACEFS/instances/fld; then
		b=$TRACEFS/instances/fld
		tr_set 0 $b/tracing_on || return 1
		if [ -e $b/options/fields ]; then
			tr_set 256 $b/buffer_size_kb || return 1
			tr_set 1 $b/options/fields || return 1
			tr_events $b sched/sched_switch || return 1
			vocab_events $b $sc
		else
			rmdir $b || return 1
		fi
	fi
	# graph: function_graph in an instance, non-default options (6.12+)
	if mkdir $TRACEFS/instances/graph; then
		b=$TRACEFS/instances/graph
		tr_set 0 $b/tracing_on || return 1
		tr_set 512 $b/buffer_size_kb || return 1
		vocab_filter $b/set_ftrace_filter do_sys_openat2 do_filp_open path_openat \
			getname_flags ksys_write vfs_write || return 1
		if echo function_graph >$b/current_tracer 2>/dev/null; then
			vocab_opt $b funcgraph-proc 1
			vocab_opt $b funcgraph-abstime 1
			vocab_opt $b funcgraph-tail 1
			vocab_opt $b funcgraph-cpu 0
			tr_events $b sched/sched_switch || return 1
		else
			rmdir $b || return 1
		fi
	fi

	for b in $TRACEFS $TRACEFS/instances/*; do
		tr_set 1 $b/tracing_on || return 1
	done
	# trace_printk() from a module: its init prints round -1
	insmod /modules/pmt_printk.ko || {
		echo "pmtrace-guest: insmod pmt_printk.ko failed"
		return 1
	}
	n=$(nproc)
	while [ $cpu -lt "$n" ]; do
		vocab_work $cpu 6 &
		pids="$pids $!"
		cpu=$((cpu + 1))
	done
	wait $pids
	for b in $TRACEFS $TRACEFS/instances/*; do
		tr_set 0 $b/tracing_on
	done
	return 0
}

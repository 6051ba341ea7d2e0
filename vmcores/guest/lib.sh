# SPDX-License-Identifier: GPL-2.0-or-later
#
# Helpers for the corpus scenarios, sourced by /init in the guest (busybox ash).
#
# Scenario helpers: tr_set (write a tracefs file, failing loudly), tr_events
# (enable events), workload (real activity pinned to a CPU).
# Ground truth: truth_capture copies what the kernel itself reports into
# /tmp/truth (tracefs files have no size, so they are read with cat, never
# archived directly); truth_send streams it to the host over ttyS1.
#
# Layout of /tmp/truth (unpacked as truth/ on the host):
#   global/ and instances/<name>/   one per ring buffer:
#       trace, buffer_size_kb, buffer_total_size_kb, current_tracer,
#       trace_clock, trace_options, tracing_on, set_event, set_ftrace_filter,
#       buffer_subbuf_size_kb (6.8+), last_boot_info (boot-mapped instances,
#       6.12+), per_cpu/cpuN/{trace,stats,buffer_size_kb}
#   events/<sys>/<event>/format     every event enabled in any buffer, plus
#                                   all of events/ftrace/ (function, print...)
#   events/header_page, events/header_event, saved_cmdlines
#   uname (uname -r), cmdline (/proc/cmdline), version (/proc/version),
#   kallsyms_text (hex _text of the running kernel: KASLR check), nproc,
#   cpu_flags (the "flags" line of cpu0 in /proc/cpuinfo: la57 or not),
#   scenario, dmesg, errors (only when some file could not be read)
#   plus whatever the scenario left in $TRUTH_EXTRA (copied as is), e.g.
#   the lines it consumed from a trace_pipe

TRACEFS=/sys/kernel/tracing
TRUTH=/tmp/truth
TRUTH_EXTRA=/tmp/truth-extra

tr_set() { # value file-relative-to-TRACEFS-or-absolute
	local f=$2
	case "$f" in /*) ;; *) f=$TRACEFS/$f ;; esac
	echo "$1" >"$f" || {
		echo "pmtrace-guest: cannot write '$1' to $f"
		return 1
	}
}

tr_events() { # buffer-dir sys/event...   (sys/event may be a whole "sys")
	local dir=$1 e
	shift
	for e in "$@"; do
		tr_set 1 "$dir/events/$e/enable" || return 1
	done
}

# workload CPU ROUNDS TAG: busybox activity pinned to CPU, with trace_marker
# lines "pmtrace <TAG> cpu<CPU> round <i>" written from that CPU.
workload() {
	local cpu=$1 rounds=$2 tag=$3
	taskset -c "$cpu" sh -c '
		i=0
		while [ $i -lt '"$rounds"' ]; do
			echo "pmtrace '"$tag"' cpu'"$cpu"' round $i" >'"$TRACEFS"'/trace_marker
			dd if=/dev/zero of=/tmp/wl.'"$cpu"' bs=4k count=16 2>/dev/null
			cat /tmp/wl.'"$cpu"' | md5sum >/dev/null
			ls /proc/self/ /sys/kernel >/dev/null
			cat /proc/version /proc/loadavg >/dev/null
			sleep 0.01
			i=$((i + 1))
		done
		rm -f /tmp/wl.'"$cpu"'
	'
}

# Run workload on every CPU in parallel and wait for all of them.
workload_all() { # ROUNDS TAG
	local cpu=0 n pids=
	n=$(nproc)
	while [ $cpu -lt "$n" ]; do
		workload $cpu "$1" "$2" &
		pids="$pids $!"
		cpu=$((cpu + 1))
	done
	wait $pids
}

truth_cp() { # src dst
	mkdir -p "${2%/*}"
	cat "$1" >"$2" 2>/dev/null || echo "cannot read $1" >>$TRUTH/errors
}

truth_buffer() { # tracefs-buffer-dir out-dir
	local src=$1 dst=$2 f c se
	for f in trace buffer_size_kb buffer_total_size_kb buffer_subbuf_size_kb \
		current_tracer trace_clock trace_options tracing_on set_event \
		set_ftrace_filter last_boot_info; do
		[ -e "$src/$f" ] && truth_cp "$src/$f" "$dst/$f"
	done
	for c in "$src"/per_cpu/cpu*; do
		for f in trace stats buffer_size_kb; do
			truth_cp "$c/$f" "$dst/per_cpu/${c##*/}/$f"
		done
	done
	# Formats of the enabled events ("sys:event" lines of set_event).
	while read -r se; do
		f=${se%%:*}/${se#*:}
		truth_cp "$TRACEFS/events/$f/format" "$TRUTH/events/$f/format"
	done <"$src/set_event"
}

truth_capture() {
	local i f
	rm -rf $TRUTH
	mkdir -p $TRUTH/events || return 1
	truth_buffer $TRACEFS $TRUTH/global
	for i in $TRACEFS/instances/*; do
		[ -d "$i" ] && truth_buffer "$i" "$TRUTH/instances/${i##*/}"
	done
	for f in $TRACEFS/events/ftrace/*/format; do
		i=${f#$TRACEFS/}
		truth_cp "$f" "$TRUTH/$i"
	done
	truth_cp $TRACEFS/events/header_page $TRUTH/events/header_page
	truth_cp $TRACEFS/events/header_event $TRUTH/events/header_event
	truth_cp $TRACEFS/saved_cmdlines $TRUTH/saved_cmdlines
	uname -r >$TRUTH/uname
	truth_cp /proc/cmdline $TRUTH/cmdline
	truth_cp /proc/version $TRUTH/version
	awk '$3 == "_text" { print $1; exit }' /proc/kallsyms >$TRUTH/kallsyms_text
	nproc >$TRUTH/nproc
	awk '/^flags/ { print; exit }' /proc/cpuinfo >$TRUTH/cpu_flags
	echo "$PMT_SCENARIO" >$TRUTH/scenario
	dmesg >$TRUTH/dmesg
	[ -d $TRUTH_EXTRA ] && cp -r $TRUTH_EXTRA/. $TRUTH/
	[ -s $TRUTH/kallsyms_text ] || return 1
	return 0
}

truth_send() {
	local size sum
	(cd $TRUTH && tar -cf - .) | gzip -1 >/tmp/truth.tgz || return 1
	size=$(stat -c %s /tmp/truth.tgz)
	sum=$(sha256sum /tmp/truth.tgz)
	sum=${sum%% *}
	stty -F /dev/ttyS1 raw -echo || return 1
	{
		printf 'PMTRACE-TRUTH-BEGIN %s %s\n' "$size" "$sum"
		cat /tmp/truth.tgz
		printf '\nPMTRACE-TRUTH-END\n'
	} >/dev/ttyS1 || return 1
	echo "pmtrace-guest: sent $size bytes of ground truth"
}

# ---- pmtrace's own ring buffer (pmtrace.ko; scenarios pmring*) ----------
# pmt_load ARGS...: mount debugfs, insmod /modules/pmtrace.ko with this boot's
# id and ARGS; pmt_truth DIR: copy what the module prints (trace, stats,
# per_cpu/cpuN/{trace,stats}, and previous/{trace,stats,region} when there is
# a previous region) into $TRUTH_EXTRA/DIR; pmt_workload CPU ROUNDS TAG: like
# workload, with the markers written to the module's marker file.
PMT=/sys/kernel/debug/pmtrace

pmt_load() {
	grep -q ' /sys/kernel/debug ' /proc/mounts ||
		mount -t debugfs debugfs /sys/kernel/debug || return 1
	insmod /modules/pmtrace.ko boot_id="$(cat /proc/sys/kernel/random/boot_id)" "$@" || {
		echo "pmtrace-guest: insmod pmtrace.ko $* failed"
		dmesg | tail -n 20
		return 1
	}
	[ -d $PMT ] || return 1
}

pmt_truth() { # out-dir (relative to the truth)
	local d=$TRUTH_EXTRA/$1 c
	mkdir -p "$d" || return 1
	cat $PMT/trace >"$d/trace" || return 1
	cat $PMT/stats >"$d/stats" || return 1
	for c in $PMT/per_cpu/cpu*; do
		mkdir -p "$d/per_cpu/${c##*/}"
		cat "$c/trace" >"$d/per_cpu/${c##*/}/trace" || return 1
		cat "$c/stats" >"$d/per_cpu/${c##*/}/stats" || return 1
	done
	if [ -d $PMT/previous ]; then
		mkdir -p "$d/previous"
		cat $PMT/previous/trace >"$d/previous/trace" || return 1
		cat $PMT/previous/stats >"$d/previous/stats" || return 1
		gzip -1 <$PMT/previous/region >"$d/previous/region.gz" || return 1
	fi
	dmesg | grep 'pmtrace' >"$d/dmesg"
	return 0
}

pmt_workload() {
	local cpu=$1 rounds=$2 tag=$3
	taskset -c "$cpu" sh -c '
		i=0
		while [ $i -lt '"$rounds"' ]; do
			echo "pmtrace '"$tag"' cpu'"$cpu"' round $i" >'"$PMT"'/marker
			dd if=/dev/zero of=/tmp/wl.'"$cpu"' bs=4k count=16 2>/dev/null
			cat /tmp/wl.'"$cpu"' | md5sum >/dev/null
			ls /proc/self/ /sys/kernel >/dev/null
			sleep 0.01
			i=$((i + 1))
		done
		rm -f /tmp/wl.'"$cpu"'
	'
}

pmt_workload_all() { # ROUNDS TAG
	local cpu=0 n pids=
	n=$(nproc)
	while [ $cpu -lt "$n" ]; do
		pmt_workload $cpu "$1" "$2" &
		pids="$pids $!"
		cpu=$((cpu + 1))
	done
	wait $pids
}

pmt_stat() { # file key
	sed -n "s/^$2: *//p" "$1"
}

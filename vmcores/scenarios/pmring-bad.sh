# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "pmring-bad": damaged regions in reserved RAM. In one boot, for
# each kind of damage: load pmtrace.ko over the range (debug=1), trace a
# little, stop, keep the trace (truth/bad/<kind>/before/), damage the live
# region with debug_corrupt, unload, and load again over the same range: the
# module validates what it finds, says in dmesg what it rejected (CPU, page,
# reason) and keeps the rest as previous/ (truth/bad/<kind>/after/). Kinds:
#   event 0   a byte inside the first event of cpu0's oldest page (checksum)
#   page 0    cpu0's oldest page's commit word overwritten (page skipped)
#   torn 1    cpu1's tail page commit cut into its last event (torn commit)
#   meta 1    cpu1's meta magic broken (the whole CPU skipped)
#   abi       the header claims ABI 99 (region refused; the older slot is used)
#   garbage   the whole region overwritten with pseudo-random bytes
# pmt-mem-mb: 512
# pmt-append: memmap=16M$0x10000000
# pmt-opt-in: 1
# pmt-kmod: pmtrace ringbuf/kmod
# pmt-key-files: ringbuf/*.c ringbuf/*.h ringbuf/kmod/Kbuild ringbuf/kmod/*.c ringbuf/kmod/*.h ringbuf/kmod/stage.sh include/pmtrace/*.h tests/kmod/guest/*.c

PMT_RANGE="phys_addr=0x10000000 size=0x1000000"

scenario_run() {
	local k
	for k in "event 0" "page 0" "torn 1" "meta 1" "abi" "garbage"; do
		set -- $k
		pmt_load $PMT_RANGE debug=1 || return 1
		pmt_workload_all 3 "$1"
		echo 0 >$PMT/tracing_on
		pmt_truth "bad/$1/before" || return 1
		echo "$k" >$PMT/debug_corrupt || return 1
		rmmod pmtrace || return 1
		dmesg -c >/dev/null
		pmt_load $PMT_RANGE debug=1 || return 1
		pmt_truth "bad/$1/after" || return 1
		rmmod pmtrace || return 1
	done
}

# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scenario "pmring-reboot": pmtrace.ko on reserved RAM (memmap=16M$0x10000000,
# two 8 MiB slots) across a warm reboot. Boot 1 traces a workload and prints
# its trace (truth/boot1/pmtrace/); QMP system_reset keeps the RAM; boot 2
# loads the module over the same range, which validates and keeps boot 1's
# region as previous/ (truth/boot2/pmtrace/previous/: trace, stats, the raw
# region), traces its own workload in the other slot (truth/boot2/pmtrace/),
# and the dump after boot 2 holds both regions (boot_seq 1 and 2).
# The range is far from where QEMU reloads -kernel/-initrd at the reset (the
# initrd goes to the top of RAM), and KASLR avoids memmap= ranges.
# pmt-mem-mb: 512
# pmt-append: memmap=16M$0x10000000
# pmt-reboot: 1
# pmt-opt-in: 1
# pmt-kmod: pmtrace ringbuf/kmod
# pmt-key-files: ringbuf/*.c ringbuf/*.h ringbuf/kmod/Kbuild ringbuf/kmod/*.c ringbuf/kmod/*.h ringbuf/kmod/stage.sh include/pmtrace/*.h tests/kmod/guest/*.c

PMT_RANGE="phys_addr=0x10000000 size=0x1000000"

# which boot: the module finds boot 1's region in the range only in boot 2
scenario_boot() {
	pmt_load $PMT_RANGE >&2 || return 1
	if [ -d $PMT/previous ]; then echo 2; else echo 1; fi
}

scenario_run() {
	echo "pmtrace reboot boot1 start" >$PMT/marker
	pmt_workload_all 10 boot1
	echo "pmtrace reboot boot1 end" >$PMT/marker
	echo 0 >$PMT/tracing_on
	pmt_truth pmtrace
}

scenario_run_boot2() {
	echo "pmtrace reboot boot2 start" >$PMT/marker
	pmt_workload_all 5 boot2
	echo "pmtrace reboot boot2 end" >$PMT/marker
	echo 0 >$PMT/tracing_on
	pmt_truth pmtrace
}

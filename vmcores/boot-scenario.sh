#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# boot-scenario.sh RELEASE SCENARIO OUTDIR
#
# Boot $CACHE/kernels/RELEASE/vmlinuz under QEMU with a busybox initramfs that
# runs vmcores/scenarios/SCENARIO.sh, receive the guest's ground truth, dump
# the guest's memory and write into OUTDIR (which must not exist yet; it is
# built under a temporary name next to it and renamed at the very end):
#
#   vmcore.elf          QMP dump-guest-memory, ELF, paging=false
#   vmcore.kdump-zlib   QMP dump-guest-memory format=kdump-zlib (QEMU writes
#                       makedumpfile's *flattened* format; kept as is)
#   vmcore.mdf-zlib     makedumpfile -d 31 -c  from the ELF (headers moved)
#   vmcore.mdf-lzo      makedumpfile -d 31 -l  from the ELF (headers moved)
#   truth/              what the guest kernel printed (see guest/lib.sh)
#   console.log         the guest's serial console
#   kaslr_offset        guest _text minus the vmlinux's link-time _text (hex)
#   timings             seconds per step
#   kmod/NAME.ko        the modules the guest loaded (scenario header pmt-kmod)
#   NAME[.bootN].raw    pmt-pmemsave images; kaslr_offset.boot1, resets
#                       (warm-reboot cells)
#
# Scenario header lines (besides pmt-mem-mb / pmt-cpu, see below):
#   # pmt-append: ARGS     appended to the kernel command line, e.g.
#                          memmap=64M$0x30000000 (reserved RAM that survives
#                          a reset) or trace_instance=boot@...
#   # pmt-kmod: NAME DIR   a kernel module built for this kernel from the
#                          kbuild directory DIR (relative to the repository;
#                          DIR/stage.sh, when present, first makes a self-
#                          contained copy) with vmcores/kmod-build.sh (cached),
#                          put into the initramfs as /modules/NAME.ko
#   # pmt-guest-bin: NAME SRC  a C program (repository path) compiled static
#                          with the host's cc (-I include -I ringbuf) into
#                          the initramfs as /bin/NAME (e.g. a test reader)
#   # pmt-reboot: 1        a warm reboot: the guest runs scenario_run in boot 1,
#                          sends its truth and prints PMTRACE-REBOOT; the host
#                          receives it as truth/boot1/, QMP system_reset keeps
#                          the guest's RAM, boot 2 runs scenario_run_boot2, sends
#                          truth/boot2/ and PMTRACE-READY, and that is what is
#                          dumped. The guest tells the boots apart with the
#                          scenario's scenario_boot function (prints 1 or 2:
#                          the kernel command line is the same after a reset,
#                          so it must look at what survived in RAM). The top of
#                          truth/ also holds boot 2's uname, kallsyms_text, ...
#                          QEMU runs without -no-reboot (which would turn the
#                          reset into a shutdown); -kernel/-initrd are reloaded
#                          at the reset, so reserved RAM must stay clear of them.
#                          A boot 1 seen again (its reserved data did not
#                          survive, or the scenario could not tell: 6.12 when
#                          both boots got the same KASLR base) is answered with
#                          another reset, at most PMTRACE_MAX_RESETS (3) times;
#                          truth/boot1/ is then the last first boot's.
#   # pmt-append-if-symbol: SYMBOL ARGS  like pmt-append, only when the
#                          kernel's vmlinux defines SYMBOL (a feature only some
#                          kernels have)
#   # pmt-pmemsave: NAME ADDR SIZE  QMP pmemsave of guest-physical
#                          [ADDR, ADDR+SIZE) (hex) into NAME.raw; with
#                          pmt-reboot NAME.boot1.raw just before the reset and
#                          NAME.boot2.raw just before the dumps
#
# Every wait is bounded; on failure the message names the step, kernel and
# scenario, QEMU is killed by the exit trap and nothing is left in OUTDIR.
#
# Environment: PMTRACE_CACHE, PMTRACE_ACCEL (kvm|tcg; default: probed),
# PMTRACE_BOOT_TIMEOUT (seconds until READY, default 600).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
REL=${1:?usage: boot-scenario.sh RELEASE SCENARIO OUTDIR}
SCEN=${2:?usage: boot-scenario.sh RELEASE SCENARIO OUTDIR}
OUT=${3:?usage: boot-scenario.sh RELEASE SCENARIO OUTDIR}
KDIR=$CACHE/kernels/$REL
SCRIPT=$HERE/scenarios/$SCEN.sh
STEP=setup

die() {
	echo "boot-scenario[$REL/$SCEN] $STEP: $*" >&2
	exit 1
}
log() { echo "boot-scenario[$REL/$SCEN] $*" >&2; }

[ -f "$SCRIPT" ] || die "no scenario script $SCRIPT"
for f in vmlinuz vmlinux qemu_fw_cfg.ko; do
	[ -s "$KDIR/$f" ] || die "missing $KDIR/$f (run vmcores/fetch-kernel.sh)"
done
[ -e "$OUT" ] && die "$OUT already exists"
mkdir -p "$(dirname "$OUT")"
WORK=$(mktemp -d "$(dirname "$OUT")/.$(basename "$OUT").tmp.XXXXXX")
QPID=
cleanup() {
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null || true
		sleep 0.5
		kill -9 "$QPID" 2>/dev/null || true
	fi
	[ -n "$WORK" ] && rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TIMINGS=$WORK/timings
t_step=$(date +%s.%N)
timing() { # name: record seconds since the previous call
	local now
	now=$(date +%s.%N)
	awk -v a="$t_step" -v b="$now" -v n="$1" 'BEGIN { printf "%s %.1f\n", n, b - a }' >>"$TIMINGS"
	t_step=$now
}

# Header lines of the scenario script: "# pmt-mem-mb: N" (guest RAM),
# "# pmt-cpu: MODEL" (QEMU -cpu; default max,la57=off: 4-level paging),
MEM=$(sed -n 's/^# pmt-mem-mb: *\([0-9]*\).*/\1/p' "$SCRIPT" | head -n1)
MEM=${MEM:-256}
CPU=$(sed -n 's/^# pmt-cpu: *\([a-z0-9,=_-]*\).*/\1/p' "$SCRIPT" | head -n1)
CPU=${CPU:-max,la57=off}
APPEND=$(sed -n 's/^# pmt-append: *//p' "$SCRIPT" | tr '\n' ' ' | sed 's/ *$//')
while read -r sym args; do
	[ -n "$sym" ] || continue
	if nm "$KDIR/vmlinux" 2>/dev/null | awk -v s="$sym" '$3 == s { f = 1 } END { exit !f }'; then
		APPEND="${APPEND:+$APPEND }$args"
	fi
done < <(sed -n 's/^# pmt-append-if-symbol: *//p' "$SCRIPT")
REBOOT=$(sed -n 's/^# pmt-reboot: *\([01]\).*/\1/p' "$SCRIPT" | head -n1)
REBOOT=${REBOOT:-0}
PMEMSAVE=$(sed -n 's/^# pmt-pmemsave: *\([a-z0-9_-]* 0x[0-9a-fA-F]* 0x[0-9a-fA-F]*\).*/\1/p' "$SCRIPT")
REPO=$(cd "$HERE/.." && pwd)

# --- initramfs -------------------------------------------------------------
STEP=initramfs
R=$WORK/root
mkdir -p "$R/bin"
cp /bin/busybox "$R/bin/busybox"
file "$R/bin/busybox" 2>/dev/null | grep -q 'dynamically linked' &&
	die "/bin/busybox is dynamic; install busybox-static"
install -m 0755 "$HERE/guest/init" "$R/init"
cp "$HERE/guest/lib.sh" "$R/lib.sh"
{
	echo "PMT_SCENARIO=$SCEN"
	echo "PMT_REBOOT=$REBOOT"
	cat "$SCRIPT"
} >"$R/scenario.sh"
cp "$KDIR/qemu_fw_cfg.ko" "$R/qemu_fw_cfg.ko"
# Modules the scenario loads, built for this kernel with its own compiler.
mkdir -p "$R/modules" "$WORK/kmod"
while read -r kname kdir; do
	[ -n "$kname" ] || continue
	STEP=kmod-$kname
	[ -d "$REPO/$kdir" ] || die "pmt-kmod: no directory $kdir"
	ksrc=$REPO/$kdir
	if [ -x "$ksrc/stage.sh" ]; then
		"$ksrc/stage.sh" "$WORK/kmod-src/$kname" || die "staging $kdir failed"
		ksrc=$WORK/kmod-src/$kname
	fi
	"$HERE/kmod-build.sh" "$REL" "$ksrc" "$WORK/kmod-out" >/dev/null ||
		die "building $kname for $REL failed"
	[ -s "$WORK/kmod-out/$kname.ko" ] || die "no $kname.ko built from $kdir"
	cp "$WORK/kmod-out/$kname.ko" "$R/modules/$kname.ko"
	cp "$WORK/kmod-out/$kname.ko" "$WORK/kmod/$kname.ko"
done < <(sed -n 's/^# pmt-kmod: *//p' "$SCRIPT")
while read -r bname bsrc; do
	[ -n "$bname" ] || continue
	STEP=guest-bin-$bname
	cc -static -O2 -Wall -I"$REPO/include" -I"$REPO/ringbuf" "$REPO/$bsrc" -o "$R/bin/$bname" \
		>"$WORK/cc-$bname.log" 2>&1 || { cat "$WORK/cc-$bname.log" >&2; die "cannot compile $bsrc"; }
done < <(sed -n 's/^# pmt-guest-bin: *//p' "$SCRIPT")
STEP=initramfs
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initrd" ||
	die "cpio failed"
rm -rf "$R"
timing initramfs

# --- accelerator -------------------------------------------------------------
STEP=accel
ACCEL=${PMTRACE_ACCEL:-}
if [ -z "$ACCEL" ]; then
	ACCEL=$("$HERE/probe-accel.sh" "$KDIR/vmlinuz") || die "accelerator probe failed"
fi
log "accel=$ACCEL cpu=$CPU mem=${MEM}M"
timing accel

# --- boot ------------------------------------------------------------------
STEP=boot
QMP=$WORK/qmp.sock
NOREBOOT=-no-reboot
[ "$REBOOT" = 1 ] && NOREBOOT=
qemu-system-x86_64 \
	-accel "$ACCEL" -cpu "$CPU" -smp 2 -m "$MEM" \
	-nodefaults -display none $NOREBOOT \
	-kernel "$KDIR/vmlinuz" -initrd "$WORK/initrd" \
	-append "console=ttyS0 loglevel=4 panic=-1 pmt.scenario=$SCEN${APPEND:+ $APPEND}" \
	-chardev "file,id=con,path=$WORK/console.log" -serial chardev:con \
	-chardev "file,id=truth,path=$WORK/truth.raw" -serial chardev:truth \
	-device vmcoreinfo \
	-qmp "unix:$QMP,server=on,wait=off" \
	>"$WORK/qemu.log" 2>&1 &
QPID=$!

# wait_marker N: wait until the console holds N markers READY/REBOOT in all
# (every boot prints one); prints the Nth.
wait_marker() {
	local n=$1 m deadline=$(($(date +%s) + ${PMTRACE_BOOT_TIMEOUT:-600}))
	while :; do
		m=$(grep -a -o '^PMTRACE-\(READY\|REBOOT\)' "$WORK/console.log" 2>/dev/null | sed -n "${n}p")
		if [ -n "$m" ]; then
			echo "${m#PMTRACE-}"
			return 0
		fi
		if grep -aq '^PMTRACE-FAIL' "$WORK/console.log" 2>/dev/null; then
			tail -n 30 "$WORK/console.log" >&2
			die "guest: $(grep -a '^PMTRACE-FAIL' "$WORK/console.log" | head -n1)"
		fi
		if ! kill -0 "$QPID" 2>/dev/null; then
			tail -n 30 "$WORK/console.log" "$WORK/qemu.log" >&2 || true
			die "qemu exited before the guest was ready"
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			tail -n 30 "$WORK/console.log" >&2 || true
			die "guest not ready within ${PMTRACE_BOOT_TIMEOUT:-600} s"
		fi
		sleep 0.5
	done
}

# receive_truth N DIR: the Nth truth transfer on ttyS1 (one per boot),
# checked against its size and sha256, unpacked into DIR.
receive_truth() {
	local n=$1 dir=$2 hdr off size sum start got deadline=$(($(date +%s) + 60))
	until [ "$(grep -a -c '^PMTRACE-TRUTH-END' "$WORK/truth.raw" 2>/dev/null)" -ge "$n" ]; do
		[ "$(date +%s)" -lt "$deadline" ] || die "no PMTRACE-TRUTH-END #$n on ttyS1 within 60 s"
		sleep 0.5
	done
	hdr=$(grep -a -b '^PMTRACE-TRUTH-BEGIN ' "$WORK/truth.raw" | sed -n "${n}p")
	[ -n "$hdr" ] || die "no PMTRACE-TRUTH-BEGIN #$n"
	off=${hdr%%:*}
	read -r _ size sum <<<"${hdr#*:}"
	[[ "$size" =~ ^[0-9]+$ ]] && [[ "$sum" =~ ^[0-9a-f]{64}$ ]] || die "bad header: ${hdr#*:}"
	start=$((off + ${#hdr} - ${#off} - 1 + 1)) # byte after the header's newline
	tail -c +$((start + 1)) "$WORK/truth.raw" | head -c "$size" >"$WORK/truth.tgz"
	got=$(sha256sum "$WORK/truth.tgz" | cut -d' ' -f1)
	[ "$got" = "$sum" ] || die "ground truth corrupted in transfer (sha256 $got, guest said $sum)"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xzf "$WORK/truth.tgz" -C "$dir" || die "cannot unpack ground truth"
	[ -s "$dir/uname" ] || die "ground truth lacks uname"
	[ "$(cat "$dir/uname")" = "$REL" ] || die "guest runs $(cat "$dir/uname"), expected $REL"
	log "ground truth #$n: $size bytes compressed"
}

# pmemsave SUFFIX: the scenario's pmt-pmemsave ranges into out/NAME$SUFFIX.raw
pmemsave() {
	local name addr size
	[ -n "$PMEMSAVE" ] || return 0
	while read -r name addr size; do
		python3 "$HERE/qmp.py" "$QMP" 120 pmemsave \
			"{\"val\": $((addr)), \"size\": $((size)), \"filename\": \"$WORK/out/$name$1.raw\"}" \
			>/dev/null || die "QMP pmemsave $name $addr $size failed"
		chmod 0644 "$WORK/out/$name$1.raw"
	done <<<"$PMEMSAVE"
}

mkdir -p "$WORK/out"
TRUTH_DIR=$WORK/out/truth
[ "$REBOOT" = 1 ] && TRUTH_DIR=$WORK/out/truth/boot2
boots=1
resets=0
while :; do
	marker=$(wait_marker $boots)
	if [ "$REBOOT" = 1 ]; then timing "boot${boots}_and_scenario"; else timing boot_and_scenario; fi
	STEP=truth
	if [ "$marker" = READY ]; then
		receive_truth $boots "$TRUTH_DIR"
		break
	fi
	[ "$REBOOT" = 1 ] || die "guest asked for a reboot, but the scenario has no pmt-reboot"
	[ "$resets" -lt "${PMTRACE_MAX_RESETS:-3}" ] ||
		die "still in boot 1 after $resets resets (the guest never saw its previous boot)"
	receive_truth $boots "$WORK/out/truth/boot1"
	cp "$WORK/out/truth/boot1/kallsyms_text" "$WORK/kallsyms_text.boot1"
	pmemsave .boot1
	STEP=reset
	python3 "$HERE/qmp.py" "$QMP" 60 system_reset >/dev/null || die "QMP system_reset failed"
	resets=$((resets + 1))
	boots=$((boots + 1))
	timing "reset$resets"
	STEP=boot
done
if [ "$REBOOT" = 1 ]; then
	[ -d "$WORK/out/truth/boot1" ] ||
		die "the guest went to its second boot's scenario without a first boot"
	# the dumped boot's identity at the top, as in every cell
	for f in uname cmdline version kallsyms_text nproc cpu_flags scenario; do
		[ -e "$WORK/out/truth/boot2/$f" ] && cp "$WORK/out/truth/boot2/$f" "$WORK/out/truth/$f"
	done
fi
pmemsave "$([ "$REBOOT" = 1 ] && echo .boot2)"
timing truth
if [ -n "$(ls "$WORK/kmod")" ]; then
	mkdir -p "$WORK/out/kmod"
	cp "$WORK/kmod"/*.ko "$WORK/out/kmod/"
fi

# --- dumps -----------------------------------------------------------------
STEP=dump-elf
python3 "$HERE/qmp.py" "$QMP" 600 dump-guest-memory \
	"{\"paging\": false, \"protocol\": \"file:$WORK/out/vmcore.elf\"}" >/dev/null ||
	die "QMP dump-guest-memory (elf) failed"
timing dump_elf
STEP=dump-kdump-zlib
python3 "$HERE/qmp.py" "$QMP" 600 dump-guest-memory \
	"{\"paging\": false, \"format\": \"kdump-zlib\", \"protocol\": \"file:$WORK/out/vmcore.kdump-zlib\"}" >/dev/null ||
	die "QMP dump-guest-memory (kdump-zlib) failed"
timing dump_kdump_zlib
STEP=quit
python3 "$HERE/qmp.py" "$QMP" 30 quit >/dev/null || true
for _ in $(seq 1 40); do
	kill -0 "$QPID" 2>/dev/null || break
	sleep 0.25
done
cp "$WORK/console.log" "$WORK/out/console.log"
chmod 0644 "$WORK/out/vmcore.elf" "$WORK/out/vmcore.kdump-zlib"

# --- makedumpfile ----------------------------------------------------------
STEP=makedumpfile
python3 "$HERE/elf-phdrs-first.py" "$WORK/out/vmcore.elf" "$WORK/phdrs-first.elf" ||
	die "cannot rewrite the ELF for makedumpfile"
# The guest's VMCOREINFO note (via the vmcoreinfo device) is all makedumpfile
# needs; it then produces byte-identical output to "-x vmlinux" (checked on
# 6.1) in under a second instead of ~20 s of DWARF reading. -x vmlinux stays
# as the fallback for an ELF without the note.
XOPT=(-x "$KDIR/vmlinux")
notes=$(readelf -n "$WORK/phdrs-first.elf" 2>/dev/null || true)
if grep -q VMCOREINFO <<<"$notes"; then
	XOPT=()
fi
for c in zlib:-c lzo:-l; do
	name=${c%%:*}
	flag=${c#*:}
	timeout 600 makedumpfile -d 31 "$flag" "${XOPT[@]}" \
		"$WORK/phdrs-first.elf" "$WORK/out/vmcore.mdf-$name" >"$WORK/mdf-$name.log" 2>&1 ||
		{ tail -n 20 "$WORK/mdf-$name.log" >&2; die "makedumpfile -d 31 $flag failed"; }
	cp "$WORK/mdf-$name.log" "$WORK/out/makedumpfile-$name.log"
	chmod 0644 "$WORK/out/vmcore.mdf-$name"
done
rm -f "$WORK/phdrs-first.elf"
timing makedumpfile

# --- KASLR offset ----------------------------------------------------------
STEP=kaslr
link=$(nm "$KDIR/vmlinux" 2>/dev/null | awk '$3 == "_text" { a = $1 } END { print a }')
run=$(cat "$TRUTH_DIR/kallsyms_text")
[ -n "$link" ] && [ -n "$run" ] || die "cannot read _text (vmlinux '$link', guest '$run')"
printf '0x%x\n' $((0x$run - 0x$link)) >"$WORK/out/kaslr_offset"
if [ "$REBOOT" = 1 ]; then
	printf '0x%x\n' $((0x$(cat "$WORK/kallsyms_text.boot1") - 0x$link)) >"$WORK/out/kaslr_offset.boot1"
	echo "$resets" >"$WORK/out/resets"
fi
echo "$ACCEL" >"$WORK/out/accel"
qemu-system-x86_64 --version | head -n1 >"$WORK/out/qemu_version"
timing kaslr
cp "$TIMINGS" "$WORK/out/timings"

STEP=finish
mv "$WORK/out" "$OUT"
log "done: $OUT ($(tr '\n' ' ' <"$TIMINGS"))"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmod-guest.sh RELEASE LOG [--script FILE] [--append ARGS] [--mem MB] [--smp N] KO...
#
# Boot the corpus kernel RELEASE ($CACHE/kernels/RELEASE/vmlinuz) under QEMU
# with a busybox initramfs holding the given .ko files, load them in order
# with insmod, optionally run FILE (a busybox sh script, run as /guest.sh
# after the modules are loaded), print the kernel log, and power off. The
# serial console goes to LOG. Exit status 0 when every insmod (and the
# script) succeeded, 1 otherwise (the reason is printed); the guest's own
# markers, one line each on the console:
#
#   PMT-KMOD-INSMOD-OK <name>      / PMT-KMOD-INSMOD-FAIL <name> <status>
#   PMT-KMOD-SCRIPT-OK             / PMT-KMOD-SCRIPT-FAIL <status>
#   PMT-KMOD-DMESG-BEGIN, the kernel log, PMT-KMOD-DMESG-END
#   PMT-KMOD-DONE
#
# Used by tests/kmod/ (pmt_hello on every corpus kernel) and meant for any
# module test: check LOG for what the module printed. Bounded: the guest must
# finish within PMTRACE_KMOD_BOOT_TIMEOUT seconds (default 300); QEMU is
# killed on every exit path. Accelerator as for the corpus
# (vmcores/probe-accel.sh; PMTRACE_ACCEL overrides).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
REL=${1:-}
LOG=${2:-}
die() {
	echo "kmod-guest[$REL]: $*" >&2
	exit 1
}
[ -n "$REL" ] && [ -n "$LOG" ] || die "usage: kmod-guest.sh RELEASE LOG [--script FILE] [--append ARGS] [--mem MB] KO..."
shift 2
SCRIPT=
APPEND=
MEM=256
SMP=2
while [ $# -gt 0 ]; do
	case $1 in
	--script) SCRIPT=${2:?}; shift 2 ;;
	--append) APPEND=${2:?}; shift 2 ;;
	--mem) MEM=${2:?}; shift 2 ;;
	--smp) SMP=${2:?}; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || die "no .ko given"
K=$CACHE/kernels/$REL
[ -s "$K/vmlinuz" ] || die "no $K/vmlinuz (run vmcores/fetch-kernel.sh)"
[ -z "$SCRIPT" ] || [ -r "$SCRIPT" ] || die "cannot read $SCRIPT"
file /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
	die "/bin/busybox must be static (busybox-static)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pmt-kmod-guest.XXXXXX")
QPID=
cleanup() {
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null || true
		sleep 0.3
		kill -9 "$QPID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

R=$WORK/root
mkdir -p "$R/bin" "$R/mods"
cp /bin/busybox "$R/bin/busybox"
order=
for ko in "$@"; do
	[ -r "$ko" ] || die "cannot read $ko"
	cp "$ko" "$R/mods/"
	order="$order ${ko##*/}"
done
[ -z "$SCRIPT" ] || cp "$SCRIPT" "$R/guest.sh"
cat >"$R/init" <<EOF
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec </dev/console >/dev/console 2>&1
echo PMT-KMOD-START \$(uname -r)
for m in$order; do
	if insmod /mods/\$m; then echo "PMT-KMOD-INSMOD-OK \$m"
	else echo "PMT-KMOD-INSMOD-FAIL \$m \$?"; fi
done
if [ -f /guest.sh ]; then
	if sh /guest.sh; then echo PMT-KMOD-SCRIPT-OK
	else echo "PMT-KMOD-SCRIPT-FAIL \$?"; fi
fi
echo PMT-KMOD-DMESG-BEGIN
dmesg
echo PMT-KMOD-DMESG-END
echo PMT-KMOD-DONE
poweroff -f
EOF
chmod 0755 "$R/init"
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initrd" || die "cpio failed"

ACCEL=${PMTRACE_ACCEL:-}
[ -n "$ACCEL" ] || ACCEL=$("$HERE/probe-accel.sh" "$K/vmlinuz") || die "accelerator probe failed"
: >"$LOG"
t0=$(date +%s)
qemu-system-x86_64 -accel "$ACCEL" -cpu max,la57=off -smp "$SMP" -m "$MEM" \
	-nodefaults -display none -no-reboot \
	-kernel "$K/vmlinuz" -initrd "$WORK/initrd" \
	-append "console=ttyS0 loglevel=4 panic=-1 $APPEND" \
	-serial "file:$LOG" >"$WORK/qemu.log" 2>&1 &
QPID=$!
deadline=$((t0 + ${PMTRACE_KMOD_BOOT_TIMEOUT:-300}))
while ! grep -aq '^PMT-KMOD-DONE' "$LOG"; do
	if ! kill -0 "$QPID" 2>/dev/null; then
		grep -aq '^PMT-KMOD-DONE' "$LOG" && break
		tail -n 20 "$LOG" "$WORK/qemu.log" >&2 || true
		die "QEMU exited before the guest was done"
	fi
	[ "$(date +%s)" -lt "$deadline" ] ||
		{ tail -n 20 "$LOG" >&2; die "guest not done within ${PMTRACE_KMOD_BOOT_TIMEOUT:-300} s"; }
	sleep 0.3
done
echo "kmod-guest[$REL]: guest done in $(($(date +%s) - t0)) s ($ACCEL)" >&2
# The console may carry \r; markers are matched without it.
if grep -aq -e '^PMT-KMOD-INSMOD-FAIL' -e '^PMT-KMOD-SCRIPT-FAIL' "$LOG"; then
	grep -a -e '^PMT-KMOD-INSMOD-FAIL' -e '^PMT-KMOD-SCRIPT-FAIL' "$LOG" | tr -d '\r' >&2
	die "loading in the guest failed"
fi
exit 0

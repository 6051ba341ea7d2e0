#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# probe-accel.sh VMLINUZ  ->  prints "kvm" or "tcg"
#
# /dev/kvm existing is not enough: on some machines QEMU aborts or hangs when
# it uses KVM. So boot VMLINUZ with KVM, no initramfs and panic=-1: a working
# KVM reaches "Kernel panic" (no root fs) and QEMU exits by -no-reboot within
# a few seconds. Anything else within the bound means TCG. The answer is
# remembered per host boot and QEMU version in $CACHE/accel-probe.
set -euo pipefail

CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
KERNEL=${1:?usage: probe-accel.sh VMLINUZ}
mkdir -p "$CACHE"
key="$(cat /proc/sys/kernel/random/boot_id) $(qemu-system-x86_64 --version | head -n1)"
memo=$CACHE/accel-probe
if [ -f "$memo" ] && [ "$(sed -n 1p "$memo")" = "$key" ]; then
	sed -n 2p "$memo"
	exit 0
fi

accel=tcg
if [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	if timeout -k 2 20 qemu-system-x86_64 -accel kvm -cpu max,la57=off -smp 2 -m 256 \
		-nodefaults -display none -no-reboot -kernel "$KERNEL" \
		-append "console=ttyS0 panic=-1 loglevel=4" \
		-serial "file:$tmp/console.log" >"$tmp/qemu.log" 2>&1 &&
		grep -aq 'Kernel panic' "$tmp/console.log"; then
		accel=kvm
	else
		echo "probe-accel: KVM unusable ($(tail -n1 "$tmp/qemu.log" 2>/dev/null)), using TCG" >&2
	fi
fi
printf '%s\n%s\n' "$key" "$accel" >"$memo.tmp.$$"
mv "$memo.tmp.$$" "$memo"
echo "$accel"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/kmod/run.sh [SUITE...]   (default: bookworm)
#
# pmtrace's kernel writer against the kernel's ring buffer (pmt_bench.ko,
# see bench_main.c), in a QEMU guest of each suite's corpus kernel: the
# module is built with the kernel's compiler (vmcores/kmod-build.sh), loaded
# once, and prints one line per (payload size, CPUs) with both writers'
# ns/event and the ratio pmtrace / kernel (below 1: pmtrace is faster).
# Under TCG the absolute numbers are slow and noisy; the ratio is what the
# side-by-side run measures (100000 events per CPU per case, best of 3).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VM=$HERE/../../vmcores
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for suite in "${@:-bookworm}"; do
	rel=$("$VM/fetch-kernel.sh" "$suite")
	"$HERE/stage.sh" "$tmp/src/pmt_bench"
	ko=$("$VM/kmod-build.sh" "$rel" "$tmp/src/pmt_bench" "$tmp/out/$rel")
	# the module refuses to stay loaded once it has printed its results:
	# kmod-guest.sh reports a failed insmod, which is expected
	"$VM/kmod-guest.sh" "$rel" "$tmp/console.log" --mem 512 $ko >/dev/null 2>&1 || true
	echo "== $suite $rel"
	tr -d '\r' <"$tmp/console.log" | sed -n 's/^\[ *[0-9.]*\] pmt_bench: //p' | awk '!seen[$0]++'
	grep -q "pmt_bench: done" "$tmp/console.log" || { echo "bench did not finish"; exit 1; }
done

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# with-vmlinux.sh SUITE CMD ARGS...: run CMD ARGS... VMLINUX, where VMLINUX is
# the -dbg vmlinux of the kernel the corpus holds for SUITE (resolved now, at
# test time, from what vmcores/fetch-kernel.sh recorded: never a pinned ABI
# name, so a Debian point release changes nothing). The test's fixture made
# the corpus; a missing vmlinux after it is a failure, not a skip.
set -euo pipefail
suite=$1
shift
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
rel=$(cat "$CACHE/kernels/suite-$suite" 2>/dev/null || true)
if [ -z "$rel" ] || [ ! -s "$CACHE/kernels/$rel/vmlinux" ]; then
	echo "FAIL: no $suite vmlinux in $CACHE/kernels (suite-$suite says '${rel}'): the corpus fixture should have fetched it" >&2
	exit 1
fi
vmlinux=$CACHE/kernels/$rel/vmlinux
# Independent oracles for the test: binutils' view of the same file.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm "$vmlinux" >"$tmp/nm" || { echo "FAIL: nm $vmlinux" >&2; exit 1; }
export PMT_VMLINUX_NM=$tmp/nm
export PMT_VMLINUX_RELEASE=$rel
PMT_VMLINUX_BUILD_ID=$(readelf -n "$vmlinux" | sed -n 's/.*Build ID: *\([0-9a-f]*\).*/\1/p' | head -n1)
export PMT_VMLINUX_BUILD_ID
"$@" "$vmlinux"

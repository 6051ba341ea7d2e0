#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmod-build-all.sh SRCDIR OUTBASE [SUITES]
#
# Build the module source SRCDIR for the corpus kernel of every suite in
# SUITES (comma-separated; default bullseye,bookworm,trixie,sid) with
# vmcores/kmod-build.sh, into OUTBASE/<release>/*.ko, and check each .ko:
#   - its vermagic starts with "<release> " (what the kernel's module loader
#     compares);
#   - its .comment names the compiler of the kernel: same gcc major version
#     as CONFIG_CC_VERSION_TEXT (the exact text of both is printed; a newer
#     point release of the suite's gcc is reported, not refused).
# Then OUTBASE/releases lists "<suite> <release> <ko>..." per kernel (written
# last, atomically): what tests use to find the modules. The releases come
# from vmcores/fetch-kernel.sh (the corpus kernels), never from this script.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
SRC=${1:?usage: kmod-build-all.sh SRCDIR OUTBASE [SUITES]}
OUTBASE=${2:?usage: kmod-build-all.sh SRCDIR OUTBASE [SUITES]}
SUITES=${3:-bullseye,bookworm,trixie,sid}
mkdir -p "$OUTBASE"
fail=0
: >"$OUTBASE/.releases.tmp"
for suite in ${SUITES//,/ }; do
	t0=$(date +%s.%N)
	rel=$("$HERE/fetch-kernel.sh" "$suite") || { echo "FAIL $suite: no corpus kernel"; fail=1; continue; }
	rm -rf "$OUTBASE/$rel"
	if ! kos=$("$HERE/kmod-build.sh" "$rel" "$SRC" "$OUTBASE/$rel"); then
		echo "FAIL $suite $rel: build failed (message above)"
		fail=1
		continue
	fi
	cctext=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$CACHE/kernels/$rel/config")
	kmajor=$(sed -n 's/^[^ ]*gcc-\([0-9]*\) .*/\1/p' <<<"$cctext")
	names=
	for ko in $kos; do
		vm=$(strings -a "$ko" | sed -n 's/^vermagic=//p' | head -n1)
		comment=$(readelf -p .comment "$ko" 2>/dev/null | sed -n 's/^ *\[ *[0-9a-f]*\] *//p' |
			grep -m1 '^GCC: ' || true)
		mmajor=$(sed -n 's/^GCC: ([^)]*) \([0-9]*\)\..*/\1/p' <<<"$comment")
		if [ "${vm%% *}" != "$rel" ]; then
			echo "FAIL $suite $rel: ${ko##*/} has vermagic '$vm'"
			fail=1
		elif [ -z "$kmajor" ] || [ "$mmajor" != "$kmajor" ]; then
			echo "FAIL $suite $rel: ${ko##*/} built by '$comment', kernel by '$cctext'"
			fail=1
		else
			echo "ok $suite $rel: ${ko##*/} vermagic '$vm'; module: '${comment#GCC: }'; kernel: '$cctext'"
		fi
		names="$names ${ko##*/}"
	done
	echo "$suite $rel$names" >>"$OUTBASE/.releases.tmp"
	awk -v a="$t0" -v b="$(date +%s.%N)" -v r="$rel" 'BEGIN { printf "   %s: %.1f s\n", r, b - a }'
done
mv "$OUTBASE/.releases.tmp" "$OUTBASE/releases"
exit $fail

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# stage.sh OUTDIR: pmtrace.ko's self-contained copy (ringbuf/kmod/stage.sh),
# with this directory's Kbuild and benchmark instead of the module's main files.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: stage.sh OUTDIR}
"$HERE/../../ringbuf/kmod/stage.sh" "$OUT"
rm -f "$OUT"/pmtrace_*.c "$OUT"/Makefile
for f in Kbuild bench_main.c; do
	cmp -s "$HERE/$f" "$OUT/$f" || cp "$HERE/$f" "$OUT/$f"
done

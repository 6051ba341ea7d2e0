#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# stage.sh OUTDIR: a self-contained copy of the module's sources, for
# builders that copy the module directory alone (vmcores/kmod-build.sh):
#   OUTDIR/            Kbuild, Makefile, the module's own files
#   OUTDIR/core/       the ring-buffer core (ringbuf/*.c, *.h) and
#                      core/kmod/platform_kernel.h
#   OUTDIR/include/pmtrace/   the public headers
# Files are only rewritten when their content changed, and files no longer
# in the source are removed, so the builder's source hash is stable.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:?usage: stage.sh OUTDIR}
mkdir -p "$OUT"
TMP=$(mktemp -d "$OUT/../.stage.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/core/kmod" "$TMP/include/pmtrace"
for f in "$HERE"/Kbuild "$HERE"/Makefile "$HERE"/*.c "$HERE"/*.h; do
	case "$f" in *.mod.c) continue ;; esac
	cp "$f" "$TMP/"
done
cp "$ROOT"/ringbuf/*.c "$ROOT"/ringbuf/*.h "$TMP/core/"
cp "$HERE/platform_kernel.h" "$TMP/core/kmod/"
cp "$ROOT"/include/pmtrace/*.h "$TMP/include/pmtrace/"
# sync: keep unchanged files (and their mtimes), drop stale ones
(cd "$TMP" && find . -type f) | while read -r f; do
	if ! cmp -s "$TMP/$f" "$OUT/$f"; then
		mkdir -p "$(dirname "$OUT/$f")"
		cp "$TMP/$f" "$OUT/$f"
	fi
done
(cd "$OUT" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '.*' ! -name '*.mod*' \
	! -name 'Module.symvers' ! -name 'modules.order') | while read -r f; do
	[ -e "$TMP/$f" ] || rm -f "$OUT/$f"
done

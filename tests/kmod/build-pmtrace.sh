#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-pmtrace.sh REPO OUTBASE SUITES
#
# pmtrace.ko for every corpus kernel of SUITES: a self-contained copy of the
# module's sources (ringbuf/kmod/stage.sh: the module, the ring-buffer core,
# the public headers) built by vmcores/kmod-build-all.sh with each kernel's
# own compiler in its suite's chroot (cached by source hash: a warm run only
# stages, hashes and copies). Results: OUTBASE/<release>/pmtrace.ko and
# OUTBASE/releases.
set -euo pipefail
REPO=${1:?usage: build-pmtrace.sh REPO OUTBASE SUITES}
OUT=${2:?}
SUITES=${3:?}
mkdir -p "$OUT/src"
"$REPO/ringbuf/kmod/stage.sh" "$OUT/src/pmtrace"
exec "$REPO/vmcores/kmod-build-all.sh" "$OUT/src/pmtrace" "$OUT" "$SUITES"

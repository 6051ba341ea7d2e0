#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# persist-test.sh PMTRACE SUITE
#
# The corpus cell of SUITE's kernel for the warm-reboot scenario "persist"
# and its vmlinux, checked by persist-corpus.py. Exit 77 only when the
# kernel has no boot-mapped ring buffers (corpus.sh lists no such cell).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PMTRACE=$1 SUITE=$2
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}

dir=$("$ROOT/vmcores/corpus.sh" --list --kernels "$SUITE" --scenarios persist 2>/dev/null | tail -1 || true)
if [ -z "$dir" ]; then
	echo "SKIP: $SUITE's kernel has no boot-mapped ring buffers (no persist cell)"
	exit 77
fi
if [ ! -f "$dir/manifest.tsv" ]; then
	echo "FAIL: no persist cell at $dir (the corpus_matrix fixture should have made it)"
	exit 1
fi
release=$(basename "$(dirname "$dir")")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/persist-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
python3 "$HERE/persist-corpus.py" --pmtrace "$PMTRACE" --cell "$dir" \
	--vmlinux "$CACHE/kernels/$release/vmlinux" --tmp "$tmp"

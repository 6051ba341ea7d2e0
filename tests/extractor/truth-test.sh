#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# truth-test.sh PMTRACE SUITE SCENARIO [compare_truth.py options]
#
# Finds the corpus cell of (SUITE's kernel, SCENARIO) and its vmlinux, and
# compares pmtrace's extraction of every dump format with the ground truth
# the kernel printed (compare_truth.py). Exit 77 (skip) when the cell is not
# in the cache, e.g. a scenario the kernel is too old for.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PMTRACE=$1 SUITE=$2 SCENARIO=$3
shift 3
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}

dir=$("$ROOT/vmcores/corpus.sh" --list --kernels "$SUITE" --scenarios "$SCENARIO" 2>/dev/null | tail -1 || true)
if [ -z "$dir" ] || [ ! -f "$dir/manifest.tsv" ]; then
	echo "SKIP: no $SUITE/$SCENARIO cell in the corpus cache"
	exit 77
fi
release=$(basename "$(dirname "$dir")")
vmlinux=$CACHE/kernels/$release/vmlinux
if [ ! -f "$vmlinux" ]; then
	echo "SKIP: no vmlinux for $release at $vmlinux"
	exit 77
fi
exec python3 "$HERE/compare_truth.py" --pmtrace "$PMTRACE" --scenario-dir "$dir" \
	--vmlinux "$vmlinux" "$@"

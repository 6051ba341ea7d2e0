#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/ringbuf/run.sh BENCH_RINGBUF [EVENTS]
#
# The userspace writer benchmark with LTTng-UST recording as a reference:
# starts a private lttng-sessiond (its own LTTNG_HOME under a temp dir, so no
# system session is touched), creates a session with one per-UID overwrite
# channel and the pmt_bench:* events enabled, runs BENCH_RINGBUF (built with
# liblttng-ust-dev), and tears everything down (the session daemon is
# stopped by its pid). Without lttng-tools, runs the benchmark alone.
set -euo pipefail
BENCH=${1:?usage: run.sh BENCH_RINGBUF [EVENTS]}
EVENTS=${2:-4000000}
if ! command -v lttng >/dev/null || ! command -v lttng-sessiond >/dev/null; then
	echo "run.sh: lttng-tools not installed: no LTTng-UST reference" >&2
	exec "$BENCH" "$EVENTS"
fi
tmp=$(mktemp -d)
export LTTNG_HOME=$tmp/home
mkdir -p "$LTTNG_HOME"
SPID=
cleanup() {
	lttng destroy pmtbench >/dev/null 2>&1 || true
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill "$SPID" 2>/dev/null || true
		sleep 0.5
		kill -9 "$SPID" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
lttng-sessiond --no-kernel >"$tmp/sessiond.log" 2>&1 &
SPID=$!
for _ in $(seq 1 50); do
	lttng list >/dev/null 2>&1 && break
	sleep 0.1
done
lttng create pmtbench --output="$tmp/trace" >/dev/null
lttng enable-channel -u ch --overwrite --subbuf-size=64K --num-subbuf=16 >/dev/null
lttng enable-event -u -c ch 'pmt_bench:*' >/dev/null
lttng start >/dev/null
LTTNG_UST_REGISTER_TIMEOUT=5000 "$BENCH" "$EVENTS"
lttng stop >/dev/null

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-crash.sh VMCORES_DIR SUITE [--light] [--expect-fail REASON]
#                [--crash BIN] [--crash-args "ARGS"]
#
# Open corpus dumps of SUITE with crash in batch mode (crash -s VMLINUX DUMP
# -i CMDS, CMDS = "sys", "exit") and require "RELEASE: <release>" in its
# output. QEMU's flattened kdump-zlib is tried directly and, if crash refuses
# it, again after reassembly with makedumpfile -R into a temporary file.
#
# Which dumps: every format of the "basic" cell, the makedumpfile zlib dump
# of every other cell (crash spends ~10 s per dump loading the DWARF of the
# vmlinux, so all 4 formats of every cell would blow the test budget); set
# PMTRACE_CORPUS_CRASH_ALL=1 for every dump of every cell.
# --light: only the ELF and makedumpfile zlib dumps of "basic" (used for the
# kernel matrix; dump formats are covered on 6.1).
#
# --known-fail FORMAT REASON: the dumps of that format are known not to open
# with this crash: a failure there is listed with REASON, not counted; if
# one opens, it says so (drop the option).
#
# --expect-fail REASON: crash is known not to support this kernel; if the
# first dump fails the test stops there and is skipped (exit 77) with REASON;
# if dumps work, it says so and passes, so the expectation can be updated.
#
# --crash BIN: that crash instead of the one in PATH (crash 9 for 6.12 and
# 7.x, built by the crash9 fixture); --crash-args: extra options (7.x needs
# --no_modules with crash 9.0.2).
set -uo pipefail

VMCORES=${1:?usage: check-crash.sh VMCORES_DIR SUITE [--expect-fail REASON]}
SUITE=${2:?usage: check-crash.sh VMCORES_DIR SUITE [--expect-fail REASON]}
shift 2
EXPECT_FAIL=
LIGHT=0
CRASH=crash
CRASH_ARGS=
KNOWN_FMT=
KNOWN_WHY=
while [ $# -gt 0 ]; do
	case "$1" in
	--light) LIGHT=1; shift ;;
	--expect-fail) EXPECT_FAIL=${2:?--expect-fail needs a reason}; shift 2 ;;
	--crash) CRASH=${2:?--crash needs a binary}; shift 2 ;;
	--crash-args) CRASH_ARGS=$2; shift 2 ;;
	--known-fail) KNOWN_FMT=${2:?}; KNOWN_WHY=${3:?}; shift 3 ;;
	*) echo "check-crash.sh: unknown argument $1"; exit 2 ;;
	esac
done
[ "${PMTRACE_CORPUS_CRASH_ALL:-0}" = 1 ] && LIGHT=0
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'sys\nexit\n' >"$tmp/cmds"

rel=$("$VMCORES/fetch-kernel.sh" "$SUITE") || { echo "FAIL: no kernel for $SUITE"; exit 1; }
vmlinux=$CACHE/kernels/$rel/vmlinux

run_crash() { # dump -> 0 when crash shows the right release
	local st=0
	# shellcheck disable=SC2086
	timeout -k 5 240 "$CRASH" -s $CRASH_ARGS "$vmlinux" "$1" -i "$tmp/cmds" </dev/null >"$tmp/out" 2>&1 || st=$?
	grep -q "RELEASE: $rel\$" "$tmp/out" && return 0
	[ -s "$tmp/out" ] || echo "(crash printed nothing, exit status $st)" >"$tmp/out"
	return 1
}

ok=0
failed=0
while read -r cell; do
	if [ ! -f "$cell/manifest.tsv" ]; then
		echo "FAIL $cell: no manifest.tsv (corpus fixture not run?)"
		failed=$((failed + 1))
		continue
	fi
	scen=${cell##*/}
	while IFS=$'\t' read -r _ _ fmt file _; do
		if [ "${PMTRACE_CORPUS_CRASH_ALL:-0}" != 1 ]; then
			[ "$scen" != basic ] && [ "$fmt" != mdf-zlib ] && continue
			[ "$LIGHT" = 1 ] && { [ "$scen" != basic ] ||
				{ [ "$fmt" != elf ] && [ "$fmt" != mdf-zlib ]; }; } && continue
		fi
		how=direct
		t0=$(date +%s)
		if ! run_crash "$cell/$file"; then
			if [ "$fmt" = kdump-zlib-flat ]; then
				how=reassembled
				makedumpfile -R "$tmp/reassembled" <"$cell/$file" >/dev/null 2>&1 &&
					run_crash "$tmp/reassembled" || how=
				rm -f "$tmp/reassembled"
			else
				how=
			fi
		fi
		if [ -n "$how" ]; then
			echo "ok $rel/$scen/$file ($fmt, $how, $(($(date +%s) - t0)) s)"
			[ "$fmt" != "$KNOWN_FMT" ] || echo "NOTE: $fmt opens now: drop --known-fail $fmt"
			ok=$((ok + 1))
		elif [ "$fmt" = "$KNOWN_FMT" ]; then
			echo "known: $rel/$scen/$file ($fmt) does not open: $KNOWN_WHY"
			grep -v '^$' "$tmp/out" | tail -n 2 | sed 's/^/    /'
		else
			echo "FAIL $rel/$scen/$file ($fmt): crash did not show RELEASE: $rel"
			grep -v '^$' "$tmp/out" | tail -n 5 | sed 's/^/    /'
			failed=$((failed + 1))
			# An expected failure is confirmed by one dump; don't spend
			# another 10-20 s per dump proving it again.
			[ -n "$EXPECT_FAIL" ] && [ "$ok" = 0 ] && break 2
		fi
	done < <(tail -n +2 "$cell/manifest.tsv")
done < <("$VMCORES/corpus.sh" --kernels "$SUITE" --list)

echo "crash on $rel: $ok ok, $failed failed"
if [ -n "$EXPECT_FAIL" ]; then
	if [ "$ok" = 0 ] && [ "$failed" -gt 0 ]; then
		echo "SKIP: expected failure on $rel: $EXPECT_FAIL"
		exit 77
	fi
	[ "$failed" = 0 ] && echo "NOTE: crash now works on $rel; drop --expect-fail"
	exit 0
fi
[ "$failed" = 0 ] && [ "$ok" -gt 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Drive the real crash binary with pmtrace.so on the vmcore corpus and compare
# with the standalone CLI.
#
#   crash_ext_test.sh MODE KERNEL FORMAT POLICY
#
#   MODE    show  `trace show` == `pmtrace show`, byte for byte, and
#                 `trace dump -t FILE` == `pmtrace dump -t FILE` (trace.dat)
#           dump  `trace dump DIR` writes the same tree as `pmtrace dump -o DIR`,
#                 and `trace dump -t [-z none|-6] FILE` the same trace.dat bytes
#                 as `pmtrace dump -t FILE [--compress none|--v6]`
#           bad   a copy of the ELF dump with one ring-buffer pointer aimed at
#                 unmapped memory: one line per problem, the rest printed, and
#                 `sys` and `trace` still work afterwards in the same session
#   KERNEL  5.10 | 6.1 | 6.12 | sid   (a release under $CACHE/corpus)
#   FORMAT  elf | mdf-zlib | mdf-lzo | kdump-zlib   (vmcore.FORMAT)
#   POLICY  run          crash must open this dump
#           probe        skip (77) if crash cannot open this dump at all
#           skip:REASON  skip (77) with REASON
#
# Environment (set by ctest): CRASH, PMTRACE_CRASH_EXT (pmtrace.so),
# PMTRACE_CLI (the pmtrace binary); PMTRACE_KEEP_TMP=1 keeps the
# outputs for a look; PMTRACE_CACHE as for the
# corpus (default ~/.cache/pmtrace). The corpus is looked up now, at test
# time: a missing release, vmlinux or vmcore skips with a message.
set -u

mode=$1 kernel=$2 format=$3 policy=$4

# On stderr: these may run where stdout is redirected to a result file.
skip() {
	echo "SKIP: $*" >&2
	exit 77
}
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

case $policy in
skip:*) skip "${policy#skip:}" ;;
run | probe) ;;
*) fail "bad policy '$policy'" ;;
esac

: "${CRASH:?}" "${PMTRACE_CRASH_EXT:?}" "${PMTRACE_CLI:?}"
cache=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
corpus=$cache/corpus

[ -x "$CRASH" ] || skip "no crash binary ($CRASH)"
[ -r "$PMTRACE_CRASH_EXT" ] || fail "pmtrace.so not built ($PMTRACE_CRASH_EXT)"
if [ "$mode" != bad ] && [ ! -x "$PMTRACE_CLI" ]; then
	skip "standalone CLI not built ($PMTRACE_CLI)"
fi

# The release directory for a kernel key: 6.1 -> 6.1.0-56-cloud-amd64, ...
# "sid" is whatever is newer than 6.12 (7.x).
release=
for d in "$corpus"/*/; do
	r=$(basename "$d")
	case $kernel in
	sid) case $r in [7-9].*) release=$r ;; esac ;;
	*) case $r in "$kernel".*) release=$r ;; esac ;;
	esac
done
[ -n "$release" ] || skip "no $kernel release in $corpus (corpus not generated yet)"
vmlinux=$cache/kernels/$release/vmlinux
[ -r "$vmlinux" ] || skip "no vmlinux at $vmlinux"

# crash spends 10-30 s loading the vmlinux DWARF per session, so only the
# ELF cells and the bad-input test go through every scenario; the other
# formats (which differ only in how crash reads pages) take "basic" alone.
# PMTRACE_CRASH_EXT_ALL=1: every scenario everywhere.
# By default (to keep the suite's warm run short) the ELF show cells take the
# scenarios that exercise different walker paths — basic, instances and
# overwrite (consumed reader page, wrapped ring) — and the dump cells basic
# and overwrite; la57 and live differ only in what crash itself reads.
scenarios=()
for d in "$corpus/$release"/*/; do
	sc=$(basename "$d")
	[ -r "$d/vmcore.$format" ] || continue
	if [ -z "${PMTRACE_CRASH_EXT_ALL:-}" ]; then
		case "$format/$mode/$sc" in
		elf/show/basic | elf/show/instances | elf/show/overwrite) ;;
		elf/dump/basic | elf/dump/overwrite) ;;
		elf/bad/*) ;;
		*/show/basic) [ "$format" != elf ] || continue ;;
		*) continue ;;
		esac
	fi
	scenarios+=("$sc")
done
[ ${#scenarios[@]} -gt 0 ] || skip "no vmcore.$format under $corpus/$release"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-crash-ext.XXXXXX")
if [ -n "${PMTRACE_KEEP_TMP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# The dump crash opens: the corpus file itself (crash 8.0.2 reads
# makedumpfile's flattened format, vmcore.kdump-zlib, directly).
crash_dump() {
	ln -s "$1" "$2"
}

# run_crash DUMP LOG CMD...: run the commands in one crash session. Each
# command's output is redirected by crash itself (">" in the command), so
# LOG has only crash's own chatter.
run_crash() {
	local dump=$1 log=$2
	shift 2
	{
		echo "extend $PMTRACE_CRASH_EXT"
		printf '%s\n' "$@"
		echo "q"
	} >"$tmp/cmds"
	crash_rc=0
	env $asan_env timeout 600 "$CRASH" -s --no_crashrc --no_scroll -i "$tmp/cmds" \
		"$vmlinux" "$dump" </dev/null >"$log" 2>&1 || crash_rc=$?
}

# A sanitizer build of pmtrace.so needs the ASan runtime loaded first in
# crash (which is not built with it); crash's own leaks are not ours.
asan_env=
asan_lib=$(ldd "$PMTRACE_CRASH_EXT" 2>/dev/null | awk '/libasan/ {print $3; exit}')
ubsan_lib=$(ldd "$PMTRACE_CRASH_EXT" 2>/dev/null | awk '/libubsan/ {print $3; exit}')
if [ -n "$asan_lib" ]; then
	asan_env="LD_PRELOAD=$asan_lib${ubsan_lib:+:$ubsan_lib} ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:alloc_dealloc_mismatch=0:detect_odr_violation=0:replace_str=0:intercept_strstr=0:intercept_strchr=0:intercept_strspn=0:intercept_strpbrk=0:intercept_memcmp=0"
fi

# crash could not open the dump at all (before any command ran)?
crash_unusable() {
	local log=$1 marker=$2
	[ ! -e "$marker" ] || return 1
	if [ "$policy" = probe ]; then
		why=$(grep -m1 -iE 'crash:|error|invalid' "$log")
		skip "crash $("$CRASH" --version | awk '/^crash /{print $2; exit}') cannot open" \
			"$release $format: ${why:-it exits $crash_rc without a message}"
	fi
	cat "$log"
	fail "crash did not run the commands on $release $format"
}

# Leading "trace: ..." lines are the extension's diagnostics; the CLI
# prints its own on stderr. Split them off for the byte comparison.
strip_diags() {
	awk 'body || !/^trace: /{body=1; print}' "$1"
}

# cli SCENARIO ARGS...: the standalone CLI; exit 1 (partial) is a result
# too, only 2 (nothing usable) stops the test.
cli() {
	local sc=$1 rc
	shift
	"$PMTRACE_CLI" "$@" 2>"$tmp/$sc.cli.err"
	rc=$?
	[ $rc -le 1 ] || fail "$sc: pmtrace $1 failed ($rc): $(tail -1 "$tmp/$sc.cli.err")"
}

# The diagnostics of both, for the log: the CLI's on stderr
# ("pmtrace: warning: X"), the extension's as leading "trace: X" lines.
show_diags() {
	local sc=$1 out=$2
	sed -n 's/^pmtrace: warning: //p' "$tmp/$sc.cli.err" >"$tmp/$sc.cli.diag"
	awk '!/^trace: /{exit} {sub(/^trace: /, ""); print}' "$out" >"$tmp/$sc.ext.diag"
	if ! cmp -s "$tmp/$sc.cli.diag" "$tmp/$sc.ext.diag"; then
		echo "note: $sc: diagnostics differ (< pmtrace, > trace):"
		diff "$tmp/$sc.cli.diag" "$tmp/$sc.ext.diag" | head -10
	fi
}

failures=0
for sc in "${scenarios[@]}"; do
	src=$corpus/$release/$sc/vmcore.$format
	dump=$tmp/$sc.dump
	crash_dump "$src" "$dump"
	case $mode in
	show)
		run_crash "$dump" "$tmp/$sc.log" "trace show > $tmp/$sc.actual" \
			"trace show -j > $tmp/$sc.json" "trace dump -t $tmp/$sc.crash.dat > $tmp/$sc.dat.out"
		crash_unusable "$tmp/$sc.log" "$tmp/$sc.actual"
		# trace.dat from the same session (every buffer, instances included)
		cli "$sc" dump --vmlinux "$vmlinux" "$src" -t "$tmp/$sc.cli.dat"
		if cmp "$tmp/$sc.cli.dat" "$tmp/$sc.crash.dat"; then
			echo "ok: $release/$sc/$format: trace dump -t == pmtrace dump -t ($(stat -c %s "$tmp/$sc.crash.dat") bytes)"
		else
			echo "MISMATCH: $release/$sc/$format: trace.dat of crash and pmtrace differ"
			failures=$((failures + 1))
		fi
		cli "$sc" show --vmlinux "$vmlinux" "$src" >"$tmp/$sc.expected"
		# the JSON lines too (the walk is cached: no second walk in crash)
		cli "$sc" show --json --vmlinux "$vmlinux" "$src" >"$tmp/$sc.expected.json"
		strip_diags "$tmp/$sc.json" >"$tmp/$sc.json.body"
		if ! cmp -s "$tmp/$sc.expected.json" "$tmp/$sc.json.body"; then
			echo "MISMATCH: $release/$sc/$format JSON (< pmtrace show --json, > trace show -j)"
			diff "$tmp/$sc.expected.json" "$tmp/$sc.json.body" | head -5
			failures=$((failures + 1))
		fi
		show_diags "$sc" "$tmp/$sc.actual"
		strip_diags "$tmp/$sc.actual" >"$tmp/$sc.body"
		if cmp -s "$tmp/$sc.expected" "$tmp/$sc.body"; then
			echo "ok: $release/$sc/$format: $(wc -l <"$tmp/$sc.body") lines identical"
		else
			echo "MISMATCH: $release/$sc/$format (< pmtrace show, > crash trace show)"
			diff "$tmp/$sc.expected" "$tmp/$sc.body" | head -20
			failures=$((failures + 1))
		fi
		;;
	dump)
		# the tree and trace.dat (v7 zstd, v7 none, v6) in one crash session
		run_crash "$dump" "$tmp/$sc.log" "trace dump $tmp/$sc.crash-tree > $tmp/$sc.actual" \
			"trace dump -t $tmp/$sc.crash.dat > $tmp/$sc.dat.out" \
			"trace dump -t -z none $tmp/$sc.crash.none.dat > $tmp/$sc.none.out" \
			"trace dump -t -6 $tmp/$sc.crash.v6.dat > $tmp/$sc.v6.out"
		crash_unusable "$tmp/$sc.log" "$tmp/$sc.actual"
		cli "$sc" dump --vmlinux "$vmlinux" "$src" -o "$tmp/$sc.cli-tree" -t "$tmp/$sc.cli.dat" >/dev/null
		cli "$sc" dump --vmlinux "$vmlinux" "$src" --compress none -t "$tmp/$sc.cli.none.dat"
		cli "$sc" dump --vmlinux "$vmlinux" "$src" --v6 -t "$tmp/$sc.cli.v6.dat"
		if diff -r "$tmp/$sc.cli-tree" "$tmp/$sc.crash-tree" >"$tmp/$sc.diff"; then
			echo "ok: $release/$sc/$format: $(find "$tmp/$sc.crash-tree" -type f | wc -l) files identical"
		else
			echo "MISMATCH: $release/$sc/$format trees differ"
			head -20 "$tmp/$sc.diff"
			failures=$((failures + 1))
		fi
		for v in "" .none .v6; do
			if cmp "$tmp/$sc.cli$v.dat" "$tmp/$sc.crash$v.dat"; then
				echo "ok: $release/$sc/$format: trace dump -t${v:+ ($v)} == pmtrace dump -t, $(stat -c %s "$tmp/$sc.crash$v.dat") bytes"
			else
				echo "MISMATCH: $release/$sc/$format: trace.dat$v of crash and pmtrace differ"
				failures=$((failures + 1))
			fi
		done
		;;
	bad)
		[ "$format" = elf ] || fail "bad mode works on the ELF dump"
		[ "$sc" = basic ] || continue
		# A truncated ELF dump stops crash itself (its per-CPU areas are
		# at the top of memory), so damage one pointer instead: CPU 1's
		# reader_page in the global buffer now points into unmapped
		# vmalloc space. Find where it lives with crash on the intact
		# dump (direct map: physical = virtual - page_offset_base).
		run_crash "$src" "$tmp/$sc.find.log" \
			"p/x &global_trace.array_buffer.buffer->buffers[1]->reader_page > $tmp/$sc.field" \
			"p/x page_offset_base > $tmp/$sc.pob"
		crash_unusable "$tmp/$sc.find.log" "$tmp/$sc.pob"
		field=$(sed -n 's/^\$[0-9]* = 0x//p' "$tmp/$sc.field")
		pob=$(sed -n 's/^\$[0-9]* = 0x//p' "$tmp/$sc.pob")
		[ -n "$field" ] && [ -n "$pob" ] || fail "$sc: cannot locate reader_page: $(cat "$tmp/$sc.field")"
		paddr=$((16#$field - 16#$pob))
		off=
		while read -r _ o _ p fs _; do
			o=$((o)) p=$((p)) fs=$((fs))
			if [ "$paddr" -ge "$p" ] && [ "$paddr" -lt $((p + fs)) ]; then
				off=$((o + paddr - p))
			fi
		done < <(readelf -lW "$src" | awk '$1 == "LOAD"')
		[ -n "$off" ] || fail "$sc: physical $paddr is in no PT_LOAD"
		rm -f "$dump"
		cp "$src" "$dump"
		# 0xffffc9ffdead0000, little-endian
		printf '\x00\x00\xad\xde\xff\xc9\xff\xff' |
			dd of="$dump" bs=1 seek="$off" conv=notrunc status=none
		echo "$sc: reader_page of cpu 1 at $field (file offset $off) := 0xffffc9ffdead0000"
		run_crash "$dump" "$tmp/$sc.log" \
			"trace show > $tmp/$sc.show" "sys > $tmp/$sc.sys" "trace > $tmp/$sc.info"
		crash_unusable "$tmp/$sc.log" "$tmp/$sc.sys"
		ndiag=$(awk '!/^trace: /{exit} {n++} END{print n+0}' "$tmp/$sc.show")
		nbody=$(strip_diags "$tmp/$sc.show" | grep -c '^ ')
		echo "$release/$sc: damaged dump: $ndiag diagnostic line(s), $nbody event line(s):"
		head -n "$ndiag" "$tmp/$sc.show"
		[ "$ndiag" -ge 1 ] || {
			echo "FAIL: $sc: no diagnostic for the damaged buffer"
			failures=$((failures + 1))
		}
		grep -q '0xffffc9ffdead0000' "$tmp/$sc.show" || {
			echo "FAIL: $sc: no diagnostic names the bad address"
			failures=$((failures + 1))
		}
		# CPU 0's events are still there.
		grep -q '^ .* \[000\] ' "$tmp/$sc.show" || {
			echo "FAIL: $sc: nothing salvaged (no CPU 0 event)"
			failures=$((failures + 1))
		}
		grep -q '^ *RELEASE: ' "$tmp/$sc.sys" || {
			echo "FAIL: $sc: \`sys\` after \`trace show\` printed no RELEASE line"
			cat "$tmp/$sc.sys"
			failures=$((failures + 1))
		}
		grep -q '^trace: .*0xffffc9ffdead0000' "$tmp/$sc.info" && grep -q '^buffer global' "$tmp/$sc.info" || {
			echo "FAIL: $sc: second \`trace\` did not show the buffers and the problem"
			cat "$tmp/$sc.info"
			failures=$((failures + 1))
		}
		;;
	*) fail "bad mode '$mode'" ;;
	esac
done

[ "$failures" -eq 0 ] || fail "$failures scenario(s) differ"
echo "PASS: $mode $release $format: ${#scenarios[@]} scenario(s)"

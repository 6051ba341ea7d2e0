#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Drive the real crash binary with pmtrace.so on the vmcore corpus and compare
# every verb with the standalone CLI, byte for byte.
#
#   crash_ext_test.sh [--bad] [--crash-args "ARGS"] [--scenarios A,B] KERNEL FORMAT POLICY
#
#   KERNEL  5.10 | 6.1 | 6.12 | sid   (a release under $CACHE/corpus; "sid"
#           is whatever is newer than 6.12)
#   FORMAT  elf | mdf-zlib | mdf-lzo | kdump-zlib   (vmcore.FORMAT)
#   POLICY  run          crash must open this dump
#           probe        skip (77) if crash cannot open this dump at all,
#                        with crash's own message as the reason
#   --bad   also the damaged-dump check (ELF, "basic"): a copy of the dump
#           with one ring-buffer pointer aimed at unmapped memory must give
#           one diagnostic naming the address, the rest salvaged, and `sys`
#           and `trace` still working afterwards in the same session
#   --crash-args  extra crash options (e.g. --no_modules for 7.x, see
#           CMakeLists.txt)
#   --scenarios A,B  only these scenarios
#
# ONE crash session per dump runs every verb, each redirected by crash to
# its own file:
#   trace          == pmtrace info (less the "dump:"/"types:" lines)
#   trace -j       == pmtrace info --json
#   trace show     == pmtrace show          trace report == trace show
#   trace show -j  == pmtrace show --json
#   trace show -c 0      == pmtrace show --cpu 0
#   trace show -i all    == pmtrace show --instance all
#   trace show -n 100 -l 1s  == pmtrace show --tail 100 --last 1s
#   trace show -e sched:sched_switch  == pmtrace show --event sched:sched_switch
#   trace dump DIR       == pmtrace dump -o DIR (diff -r)
#   trace dump -t [-z none | -6] FILE == pmtrace dump -t FILE [--compress none | --v6] (cmp)
#   sys            shows "RELEASE: <release>"
# and on the pmtrace.ko cells (--scenarios pmring, pmring-reboot: the
# module's regions, found through its pmtrace_kstate as `pmtrace` does):
#   trace show -i pmtrace       == pmtrace show --instance pmtrace
#                               == the module's truth/pmtrace/trace
#   trace show -i pmtrace -j    == pmtrace show --instance pmtrace --json
#   trace show -i pmtrace -c 1  == pmtrace show --instance pmtrace --cpu 1
#   trace show -i pmtrace-previous, -i pmtrace -b previous (pmring-reboot)
#                               == pmtrace show --instance pmtrace --boot previous
# The extension's diagnostics ("trace: ..." lines) and crash's own warnings
# (e.g. "sparsemem: invalid section number", printed to the same file) come
# before a command's output: the output starts at the first line of what the
# CLI printed; before it, "trace:" lines are diagnostics (compared with the
# CLI's "pmtrace: warning:" lines, a difference is a note), anything else is
# crash's and only logged.
#
# Scenarios: by default (light) the ELF dump of basic, instances, overwrite
# and subbuf (the walker paths: consumed reader page, wrapped ring, instances,
# 16 KiB sub-buffers) and "basic" of the other formats (they differ only in
# how crash reads pages). PMTRACE_CRASH_EXT_ALL=1: every scenario.
#
# Environment (set by ctest): CRASH (the crash binary), PMTRACE_CRASH_EXT
# (pmtrace.so), PMTRACE_CLI (pmtrace); PMTRACE_KEEP_TMP=1 keeps the outputs;
# PMTRACE_CACHE as for the corpus. The corpus is looked up at test time.
set -u

BAD=0
CRASH_ARGS=
ONLY=
while [ $# -gt 0 ]; do
	case $1 in
	--bad) BAD=1; shift ;;
	--crash-args) CRASH_ARGS=$2; shift 2 ;;
	--scenarios) ONLY=,$2,; shift 2 ;;
	*) break ;;
	esac
done
kernel=${1:?} format=${2:?} policy=${3:?}

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
run | probe) ;;
*) fail "bad policy '$policy'" ;;
esac

: "${CRASH:?}" "${PMTRACE_CRASH_EXT:?}" "${PMTRACE_CLI:?}"
cache=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
corpus=$cache/corpus

[ -x "$CRASH" ] || fail "no crash binary ($CRASH): its fixture did not build it"
[ -r "$PMTRACE_CRASH_EXT" ] || fail "pmtrace.so not built ($PMTRACE_CRASH_EXT)"
[ -x "$PMTRACE_CLI" ] || fail "standalone CLI not built ($PMTRACE_CLI)"
crash_version=$("$CRASH" --version 2>/dev/null | awk '/^crash /{print $2; exit}')

# The release directory for a kernel key (6.1 -> the 6.1 release the corpus holds, ...)
release=
for d in "$corpus"/*/; do
	r=$(basename "$d")
	case $kernel in
	sid) case $r in [7-9].*) release=$r ;; esac ;;
	*) case $r in "$kernel".*) release=$r ;; esac ;;
	esac
done
# The tests declare the corpus fixture that makes these cells: a missing
# release is a failure, not a skip.
[ -n "$release" ] || fail "no $kernel release in $corpus (the corpus fixture should have made it)"
vmlinux=$cache/kernels/$release/vmlinux
[ -r "$vmlinux" ] || fail "no vmlinux at $vmlinux"

scenarios=()
for d in "$corpus/$release"/*/; do
	sc=$(basename "$d")
	[ -r "$d/vmcore.$format" ] || continue
	if [ -n "$ONLY" ]; then
		case $ONLY in *",$sc,"*) ;; *) continue ;; esac
	elif [ -z "${PMTRACE_CRASH_EXT_ALL:-}" ]; then
		case "$format/$sc" in
		elf/basic | elf/instances | elf/overwrite | elf/subbuf) ;;
		*/basic) ;;
		*) continue ;;
		esac
	fi
	scenarios+=("$sc")
done
[ ${#scenarios[@]} -gt 0 ] || fail "no vmcore.$format under $corpus/$release"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmtrace-crash-ext.XXXXXX")
if [ -n "${PMTRACE_KEEP_TMP:-}" ]; then
	echo "keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT
fi

# A sanitizer build of pmtrace.so needs the ASan runtime loaded first in
# crash (which is not built with it); crash's own leaks are not ours.
asan_env=
asan_lib=$(ldd "$PMTRACE_CRASH_EXT" 2>/dev/null | awk '/libasan/ {print $3; exit}')
ubsan_lib=$(ldd "$PMTRACE_CRASH_EXT" 2>/dev/null | awk '/libubsan/ {print $3; exit}')
if [ -n "$asan_lib" ]; then
	asan_env="LD_PRELOAD=$asan_lib${ubsan_lib:+:$ubsan_lib} ASAN_OPTIONS=detect_leaks=0:verify_asan_link_order=0:alloc_dealloc_mismatch=0:detect_odr_violation=0:replace_str=0:intercept_strstr=0:intercept_strchr=0:intercept_strspn=0:intercept_strpbrk=0:intercept_memcmp=0:intercept_strlen=0:intercept_strndup=0"
fi

# gdb's index cache: crash's embedded gdb reads ~/.gdbinit, so this test's
# sessions get a HOME of their own whose .gdbinit turns it on. The first
# session of a kernel build writes the vmlinux's symbol index (about 5 MiB,
# named by build-id) under the cache; every later one loads it instead of
# scanning all of the DWARF: crash's start-up on the 6.1 corpus went from
# 13.7 s to 5.3 s. It changes how fast gdb finds symbols, not what it finds.
gdb_home=$tmp/home
mkdir -p "$gdb_home" "$cache/gdb-index"
case $crash_version in
[0-8].*) index_on="set index-cache on" ;; # gdb 10 (crash 8)
*) index_on="set index-cache enabled on" ;; # gdb 11 and later
esac
printf 'set index-cache directory %s\n%s\n' "$cache/gdb-index" "$index_on" >"$gdb_home/.gdbinit"

# run_crash DUMP LOG CMD...: the commands in one crash session. Each command's
# output is redirected by crash itself (">" in the command), so LOG has only
# crash's own chatter.
crash_seconds=0
run_crash() {
	local dump=$1 log=$2 t0
	shift 2
	{
		echo "extend $PMTRACE_CRASH_EXT"
		printf '%s\n' "$@"
		echo "q"
	} >"$log.cmds"
	crash_rc=0
	t0=$(date +%s)
	# shellcheck disable=SC2086
	env HOME="$gdb_home" PMTRACE_CACHE="${ext_cache:-$cache}" $asan_env \
		timeout 900 "$CRASH" -s --no_crashrc --no_scroll $CRASH_ARGS \
		-i "$log.cmds" "$vmlinux" "$dump" </dev/null >"$log" 2>&1 || crash_rc=$?
	crash_seconds=$(($(date +%s) - t0))
}

# crash could not open the dump at all (before any command ran)?
crash_unusable() {
	local log=$1 marker=$2 why
	[ ! -e "$marker" ] || return 1
	why=$(grep -m1 -iE 'crash:|error|invalid' "$log")
	[ -n "$why" ] || why=$(grep -v '^ *$' "$log" | tail -n 1 | sed 's/^/exits '"$crash_rc"' after: /')
	if [ "$policy" = probe ]; then
		skip "crash $crash_version ${CRASH_ARGS:+($CRASH_ARGS) }cannot open $release $format:" \
			"${why:-it exits $crash_rc without a message}"
	fi
	tail -n 20 "$log"
	fail "crash $crash_version did not run the commands on $release $format (exit $crash_rc): ${why:-no message}"
}

# split OUT EXPECTED: OUT.body = OUT from the first line equal to the first
# line of EXPECTED; OUT.diag = the "trace: " lines before it (without the
# prefix); OUT.noise = the other lines before it (crash's own warnings).
split_out() {
	local out=$1 first
	# (through the environment: awk -v would interpret JSON's backslashes)
	# An empty EXPECTED: no body at all.
	first=$(head -n 1 "$2")
	FIRST=$first EMPTY=$([ -s "$2" ] || echo 1) awk -v body="$out.body" -v diag="$out.diag" -v noise="$out.noise" '
		!inbody && !ENVIRON["EMPTY"] && $0 == ENVIRON["FIRST"] { inbody = 1 }
		inbody { print > body; next }
		/^trace: / { sub(/^trace: /, ""); print > diag; next }
		{ print > noise }
		END { printf "" > body; printf "" > diag; printf "" > noise }' "$out"
}

# cli NAME ARGS...: the standalone CLI into $tmp/NAME (stderr $tmp/NAME.err).
# Every documented status is a result to compare with: 1 (partial) and 2
# (nothing of what was asked could be read, e.g. `--cpu 0` when makedumpfile
# filtered all of CPU 0's pages: the extension must then print its
# diagnostics and nothing else too); anything else stops the test.
cli() {
	local name=$1 rc
	shift
	"$PMTRACE_CLI" "$@" >"$tmp/$name" 2>"$tmp/$name.err"
	rc=$?
	[ $rc -le 2 ] || fail "pmtrace $1 died ($rc): $(tail -1 "$tmp/$name.err")"
	[ $rc -lt 2 ] || echo "note: pmtrace $* exits 2: $(tail -1 "$tmp/$name.err")"
}

# gdb_types INFO EXT_CACHE: the session's types came from gdb (an empty
# profile cache) and the profile it wrote answers every question as the
# DWARF reader does, but for the differences listed in gdb-profile-known.txt.
profile_answers() { # KEY<TAB>ANSWER per question of a profile, sorted
	sed -nE 's/^(member [^ ]+ [^ ]+|size [^ ]+|enum [^ ]+|sym [^ ]+) (.*)$/\1\t\2/p' "$1" | LC_ALL=C sort
}
gdb_types() {
	local info=$1 ext=$2 gprof dprof key gv dv known n=0
	grep -qE "^types: crash's gdb \([0-9]+ queries, answers cached in $ext/profiles/" "$info" ||
		{ mismatch "basic: types not from gdb: $(grep -m1 '^types:' "$info")"; return; }
	echo "ok: basic: $(sed -nE "s/^types: crash's gdb \(([0-9]+) queries.*/\1/p" "$info") gdb queries"
	gprof=$(ls "$ext"/profiles/*.profile 2>/dev/null | head -n 1)
	[ -n "$gprof" ] || { mismatch "basic: pmtrace.so wrote no profile under $ext"; return; }
	# the DWARF reader's answers: the CLI with a cache of its own
	PMTRACE_CACHE=$tmp/dwarf-cache "$PMTRACE_CLI" info --vmlinux "$vmlinux" "$o/dump" >/dev/null 2>&1
	dprof=$tmp/dwarf-cache/profiles/$(basename "$gprof")
	[ -r "$dprof" ] || { mismatch "basic: the CLI wrote no profile $dprof"; return; }
	while IFS=$'\t' read -r key gv dv; do
		known=$(awk -F'\t' -v r="$release" -v k="$key" '
			!/^#/ && NF >= 3 && $2 == k { p = $1; gsub(/\./, "\\.", p); gsub(/\*/, ".*", p)
				if (r ~ "^" p "$") { print $3; exit } }' "$(dirname "$0")/gdb-profile-known.txt")
		if [ -n "$known" ]; then
			echo "known: $key: gdb '$gv', DWARF '$dv': $known"
		else
			mismatch "gdb and DWARF answer $key differently: gdb '$gv', DWARF '$dv'"
		fi
	done < <(LC_ALL=C join -t $'\t' -a 1 -a 2 -e '(not asked)' -o 0,1.2,2.2 \
		<(profile_answers "$gprof") <(profile_answers "$dprof") | awk -F'\t' '$2 != $3')
	n=$(profile_answers "$gprof" | wc -l)
	[ "$n" -gt 100 ] || mismatch "the gdb profile has $n answers"
	echo "ok: basic: $n type answers of gdb compared with DWARF's"
}

failures=0
mismatch() {
	echo "MISMATCH: $*"
	failures=$((failures + 1))
}

# A problem's last words are the target's own for the lowest-level cause
# (see `trace` below): "...: [address ]0x..: <cause>" -> "...: 0x..: (cause)".
norm_cause() {
	sed -E 's/^(.*): (address )?(0x[0-9a-f]+): [^:]*$/\1: \3: (cause)/'
}

# compare LABEL CRASH_OUT CLI_OUT [nodiag]: CRASH_OUT (split) against
# CLI_OUT; the diagnostics too unless nodiag (info lists them in its body).
compare() {
	local label=$1 out=$2 exp=$3
	split_out "$out" "$exp"
	if [ -s "$out.noise" ]; then
		echo "note: $label: crash printed before the output (not compared):"
		head -n 3 "$out.noise" | sed 's/^/    /'
	fi
	if [ -f "$exp.err" ] && [ -z "${4:-}" ]; then
		# (the target's own words for the cause left out, as for `trace`)
		sed -n 's/^pmtrace: warning: //p' "$exp.err" | norm_cause >"$exp.diag"
		norm_cause <"$out.diag" >"$out.diag.n"
		mv "$out.diag.n" "$out.diag"
		if ! cmp -s "$exp.diag" "$out.diag"; then
			echo "note: $label: diagnostics differ (< pmtrace, > trace):"
			diff "$exp.diag" "$out.diag" | head -n 6
		fi
	fi
	if cmp -s "$exp" "$out.body"; then
		echo "ok: $label: $(wc -l <"$exp") lines identical"
	else
		mismatch "$label (< pmtrace, > crash)"
		diff "$exp" "$out.body" | head -n 10
	fi
}

for sc in "${scenarios[@]}"; do
	src=$corpus/$release/$sc/vmcore.$format
	o=$tmp/$sc
	mkdir -p "$o"
	# crash reads every format directly, makedumpfile's flattened one too.
	ln -s "$src" "$o/dump"
	extra=()
	locate=0
	if [ "$BAD" = 1 ] && [ "$sc" = basic ]; then
		[ "$format" = elf ] || fail "--bad works on the ELF dump"
		locate=1
		# where CPU 1's reader_page pointer lives (damaged below)
		extra=("p/x &global_trace.array_buffer.buffer->buffers[1]->reader_page > $o/field"
			"p/x page_offset_base > $o/pob")
	fi
	pm=()
	case $sc in
	pmring | pmring-reboot)
		pm=("trace show -i pmtrace > $o/pm.show" "trace show -i pmtrace -j > $o/pm.json"
			"trace show -i pmtrace -c 1 > $o/pm.cpu1")
		[ "$sc" = pmring ] ||
			pm+=("trace show -i pmtrace-previous > $o/pm.prev"
				"trace show -i pmtrace -b previous > $o/pm.bprev")
		;;
	esac
	# basic on the ELF dump: types from gdb (an empty profile cache), the
	# other cells from the profile the CLI wrote
	ext_cache=
	if [ "$sc" = basic ] && [ "$format" = elf ]; then
		ext_cache=$tmp/gdb-cache
		mkdir -p "$ext_cache"
	fi
	run_crash "$o/dump" "$o/crash.log" \
		"trace > $o/info" "trace -j > $o/info.json" "${pm[@]}" \
		"trace show > $o/show" "trace show -j > $o/show.json" \
		"trace report > $o/report" \
		"trace show -c 0 > $o/show.cpu0" "trace show -i all > $o/show.all" \
		"trace show -n 100 -l 1s > $o/show.tail" \
		"trace show -e sched:sched_switch > $o/show.event" \
		"trace dump $o/crash-tree > $o/dump.out" \
		"trace dump -t $o/crash.dat > $o/dat.out" \
		"trace dump -t -z none $o/crash.none.dat > $o/dat.none.out" \
		"trace dump -t -6 $o/crash.v6.dat > $o/dat.v6.out" \
		"sys > $o/sys" "${extra[@]}"
	crash_unusable "$o/crash.log" "$o/sys"
	grep -qF "$PMTRACE_CRASH_EXT: shared object loaded" "$o/crash.log" ||
		fail "crash $crash_version did not load the extension: $(grep -m1 'extend' "$o/crash.log")"
	echo "$release/$sc/$format: one crash $crash_version session, $crash_seconds s"
	[ -z "$ext_cache" ] || gdb_types "$o/info" "$ext_cache"

	grep -q "^ *RELEASE: $release\$" "$o/sys" || mismatch "$sc: \`sys\` shows no 'RELEASE: $release'"
	cli "$sc.info" info --vmlinux "$vmlinux" "$src"
	# Known differences of `trace` / `pmtrace info`, by design:
	#  - both name their type source first ("types: crash's gdb ..." /
	#    "types: <vmlinux or profile>"; in JSON the "types" record), the
	#    CLI the dump file too;
	#  - the problems they list end with the target's own words for the
	#    lowest-level cause of an unreadable page (libkdumpfile: "address
	#    0x..: filtered out of the dump (excluded by the dump file's page
	#    bitmap)"; crash: "0x..: page filtered out of the dump"): kind,
	#    buffer, CPU, page and address are compared, that tail is not.
	sed -i -E '1,2{/^(dump|types): /d}' "$tmp/$sc.info"
	sed -E '/^types: /d' "$o/info" >"$o/info.cmp"
	for f in "$tmp/$sc.info" "$o/info.cmp"; do
		sed -i -E 's/^( *\[[a-z]+\] .*): (address )?(0x[0-9a-f]+): [^:]*$/\1: \3: (cause)/' "$f"
	done
	compare "$release/$sc/$format trace" "$o/info.cmp" "$tmp/$sc.info" nodiag
	cli "$sc.info.json" info --json --vmlinux "$vmlinux" "$src"
	for f in "$tmp/$sc.info.json" "$o/info.json"; do
		grep -v '^{"type":"types",' "$f" |
			sed -E 's/("message":"[^"]*): (address )?(0x[0-9a-f]+): [^":]*"/\1: \3: (cause)"/g' \
			>"$f.cmp"
	done
	compare "$release/$sc/$format trace -j" "$o/info.json.cmp" "$tmp/$sc.info.json.cmp" nodiag
	cli "$sc.show" show --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show" "$o/show" "$tmp/$sc.show"
	compare "$release/$sc/$format trace report" "$o/report" "$tmp/$sc.show"
	cli "$sc.json" show --json --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show -j" "$o/show.json" "$tmp/$sc.json"
	cli "$sc.cpu0" show --cpu 0 --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show -c 0" "$o/show.cpu0" "$tmp/$sc.cpu0"
	cli "$sc.all" show --instance all --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show -i all" "$o/show.all" "$tmp/$sc.all"
	cli "$sc.tail" show --tail 100 --last 1s --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show -n 100 -l 1s" "$o/show.tail" "$tmp/$sc.tail"
	cli "$sc.event" show --event sched:sched_switch --vmlinux "$vmlinux" "$src"
	compare "$release/$sc/$format trace show -e sched:sched_switch" "$o/show.event" "$tmp/$sc.event"
	cli "$sc.dump" dump --vmlinux "$vmlinux" "$src" -o "$tmp/$sc.cli-tree"
	grep -q "^trace: wrote $o/crash-tree\$" "$o/dump.out" ||
		mismatch "$sc: trace dump did not say it wrote the tree: $(tail -n 1 "$o/dump.out")"
	if diff -r "$tmp/$sc.cli-tree" "$o/crash-tree" >"$o/tree.diff"; then
		echo "ok: $release/$sc/$format trace dump: $(find "$o/crash-tree" -type f | wc -l) files identical"
	else
		mismatch "$release/$sc/$format trace dump: trees differ"
		head -n 10 "$o/tree.diff"
	fi
	# trace.dat (v7 zstd, v7 uncompressed, v6): the same bytes as the CLI's
	cli "$sc.dat" dump --vmlinux "$vmlinux" "$src" -t "$tmp/$sc.cli.dat"
	cli "$sc.dat.none" dump --vmlinux "$vmlinux" "$src" --compress none -t "$tmp/$sc.cli.none.dat"
	cli "$sc.dat.v6" dump --vmlinux "$vmlinux" "$src" --v6 -t "$tmp/$sc.cli.v6.dat"
	for v in "" .none .v6; do
		if cmp "$tmp/$sc.cli$v.dat" "$o/crash$v.dat"; then
			echo "ok: $release/$sc/$format trace dump -t${v:+ ($v)}: == pmtrace dump -t, $(stat -c %s "$o/crash$v.dat") bytes"
		else
			mismatch "$release/$sc/$format: trace.dat$v of crash and pmtrace differ"
		fi
	done

	if [ ${#pm[@]} -gt 0 ]; then
		truth=$corpus/$release/$sc/truth/pmtrace
		[ "$sc" = pmring ] || truth=$corpus/$release/$sc/truth/boot2/pmtrace
		cli "$sc.pm.show" show --instance pmtrace --vmlinux "$vmlinux" "$src"
		compare "$release/$sc/$format trace show -i pmtrace" "$o/pm.show" "$tmp/$sc.pm.show"
		if cmp -s "$tmp/$sc.pm.show" "$truth/trace"; then
			echo "ok: $release/$sc/$format: pmtrace show --instance pmtrace == the module's trace"
		else
			mismatch "$release/$sc/$format: pmtrace show --instance pmtrace != $truth/trace"
		fi
		cli "$sc.pm.json" show --instance pmtrace --json --vmlinux "$vmlinux" "$src"
		compare "$release/$sc/$format trace show -i pmtrace -j" "$o/pm.json" "$tmp/$sc.pm.json"
		cli "$sc.pm.cpu1" show --instance pmtrace --cpu 1 --vmlinux "$vmlinux" "$src"
		compare "$release/$sc/$format trace show -i pmtrace -c 1" "$o/pm.cpu1" "$tmp/$sc.pm.cpu1"
		if [ "$sc" = pmring-reboot ]; then
			cli "$sc.pm.prev" show --instance pmtrace --boot previous --vmlinux "$vmlinux" "$src"
			compare "$release/$sc/$format trace show -i pmtrace-previous" "$o/pm.prev" "$tmp/$sc.pm.prev"
			compare "$release/$sc/$format trace show -i pmtrace -b previous" "$o/pm.bprev" "$tmp/$sc.pm.prev"
		fi
	fi

	[ "$locate" = 1 ] || continue
	# --- the damaged dump ----------------------------------------------------
	# A truncated ELF dump stops crash itself (its per-CPU areas are at the
	# top of memory), so damage one pointer instead: CPU 1's reader_page in
	# the global buffer now points into unmapped vmalloc space. Its place in
	# the file: direct map (physical = virtual - page_offset_base), PT_LOAD.
	field=$(sed -n 's/^\$[0-9]* = 0x//p' "$o/field")
	pob=$(sed -n 's/^\$[0-9]* = 0x//p' "$o/pob")
	[ -n "$field" ] && [ -n "$pob" ] || fail "$sc: cannot locate reader_page: $(cat "$o/field" "$o/pob")"
	paddr=$((16#$field - 16#$pob))
	off=
	while read -r _ fo _ p fs _; do
		fo=$((fo)) p=$((p)) fs=$((fs))
		if [ "$paddr" -ge "$p" ] && [ "$paddr" -lt $((p + fs)) ]; then
			off=$((fo + paddr - p))
		fi
	done < <(readelf -lW "$src" | awk '$1 == "LOAD"')
	[ -n "$off" ] || fail "$sc: physical $paddr is in no PT_LOAD"
	b=$tmp/bad
	mkdir -p "$b"
	cp "$src" "$b/dump"
	# 0xffffc9ffdead0000, little-endian
	printf '\x00\x00\xad\xde\xff\xc9\xff\xff' |
		dd of="$b/dump" bs=1 seek="$off" conv=notrunc status=none
	echo "$sc: reader_page of cpu 1 at $field (file offset $off) := 0xffffc9ffdead0000"
	run_crash "$b/dump" "$b/crash.log" \
		"trace show > $b/show" "sys > $b/sys" "trace > $b/info"
	crash_unusable "$b/crash.log" "$b/sys"
	echo "$release/$sc: damaged dump: one crash session, $crash_seconds s"
	# The diagnostics may come after crash's own warnings: look everywhere
	# before the header.
	awk '/^# tracer: /{exit} {print}' "$b/show" >"$b/show.pre"
	ndiag=$(grep -c '^trace: ' "$b/show.pre")
	nbody=$(awk '/^# tracer: /{b=1} b' "$b/show" | grep -c '^ ')
	echo "$release/$sc: damaged dump: $ndiag diagnostic line(s), $nbody event line(s):"
	grep '^trace: ' "$b/show.pre" | head -n 5
	grep -v '^trace: ' "$b/show.pre" | head -n 3 | sed 's/^/    (crash) /'
	[ "$ndiag" -ge 1 ] || mismatch "$sc: no diagnostic for the damaged buffer"
	grep -q '^trace: .*0xffffc9ffdead0000' "$b/show.pre" ||
		mismatch "$sc: no diagnostic names the bad address"
	# CPU 0's events are still there.
	grep -q '^ .* \[000\] ' "$b/show" || mismatch "$sc: nothing salvaged (no CPU 0 event)"
	grep -q '^ *RELEASE: ' "$b/sys" || mismatch "$sc: \`sys\` after \`trace show\` printed no RELEASE line"
	{ grep -q '^trace: .*0xffffc9ffdead0000' "$b/info" && grep -q '^buffer global' "$b/info"; } ||
		mismatch "$sc: second \`trace\` did not show the buffers and the problem"
done

[ "$failures" -eq 0 ] || fail "$failures comparison(s) differ"
echo "PASS: crash $crash_version on $release $format: ${#scenarios[@]} scenario(s), every verb identical"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# btf-test.sh PMTRACE COMPARE REPO SUITE: types from the dump's own BTF, no
# vmlinux. COMPARE is test_btf_corpus (test_btf_corpus.c).
#
# On every corpus cell of SUITE's kernel and every dump format of the cell:
#   the trace with --types btf must print exactly the bytes (text and JSON)
#   the vmlinux run prints, with the same status and diagnostics
#   (test_btf_corpus, one process for all dumps). Once per kernel (basic
#   cell, ELF), through the command itself with an empty PMTRACE_CACHE (no
#   profile, no kernels/: nothing to fall back to, and --types btf never
#   looks):
#   - `pmtrace show --types btf`, text and --json, == `--vmlinux`, exit
#     status and stderr included;
#   - `info` (text and JSON) says the types came from BTF, with module BTF,
#     in auto mode for the text when no vmlinux is installed (empty cache);
#   - a true DWARF run (--types dwarf, no cached profile read) prints the
#     same bytes;
#   - `pmtrace profile -o` from the dump alone records the same answers as
#     the DWARF run (the profile it cached), except the known differences
#     listed below; and
#     `show --profile` of it prints the same bytes again.
# Kernels whose VMCOREINFO has no kallsyms (5.10) must fail with a message
# naming --vmlinux, --profile and the build-id needed.
#
# The vmlinux runs use a private cache holding the profile this test's own
# DWARF run recorded (the shared one may have been written by another pmtrace
# build); rebuilt flattened dumps are shared through a symlink, nothing else.
# The fixture makes the corpus: a missing cell or vmlinux is a failure, not a
# skip.
set -uo pipefail
PMTRACE=$1 COMPARE=$2 REPO=$3 SUITE=$4
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
HERE=$(cd "$(dirname "$0")" && pwd)
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }

mapfile -t cells < <("$REPO/vmcores/corpus.sh" --list --kernels "$SUITE" 2>/dev/null)
if [ "${#cells[@]}" -eq 0 ] || [ ! -f "${cells[0]}/manifest.tsv" ]; then
	echo "FAIL: no $SUITE cells in the corpus cache (the fixture should have made them)"
	exit 1
fi
release=$(basename "$(dirname "${cells[0]}")")
VMLINUX=$CACHE/kernels/$release/vmlinux
if [ ! -f "$VMLINUX" ]; then
	echo "FAIL: no vmlinux for $release at $VMLINUX (the fixture should have fetched it)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/cache" "$tmp/dwcache"
if [ -d "$CACHE/flattened" ]; then
	ln -s "$CACHE/flattened" "$tmp/cache/flattened"
	ln -s "$CACHE/flattened" "$tmp/dwcache/flattened"
fi
# the BTF runs: nothing cached; the vmlinux runs: a cache of their own, whose
# profile the first (DWARF) run below writes, so the reference never depends
# on what other pmtrace builds left in the shared cache
btf() { PMTRACE_CACHE=$tmp/cache "$PMTRACE" "$@"; }
vml() { PMTRACE_CACHE=$tmp/dwcache "$PMTRACE" "$@"; }
start=$(date +%s.%N)

basic=
for c in "${cells[@]}"; do [ "$(basename "$c")" = basic ] && basic=$c; done
[ -n "$basic" ] || basic=${cells[0]}
bid=$(readelf -n "$VMLINUX" 2>/dev/null | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -1)

# Kernels before 6.0: no kallsyms in VMCOREINFO, so no BTF without debuginfo.
major=${release%%.*}
if [ "$major" -lt 6 ]; then
	btf show --types btf "$basic/vmcore.elf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	msg=$(cat "$tmp/err")
	if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [[ $msg == *"--vmlinux"* ]] &&
		[[ $msg == *"--profile"* ]] && [[ $msg == *"kallsyms"* ]] &&
		{ [ -z "$bid" ] || [[ $msg == *"$bid"* ]]; }; then
		ok "$release: --types btf refused: $msg"
	else
		bad "$release: --types btf: exit $rc, message: $msg"
	fi
	btf show "$basic/vmcore.elf" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	msg=$(cat "$tmp/err")
	if [ -e "/usr/lib/debug/boot/vmlinux-$release" ] || [ -e "/usr/lib/debug/lib/modules/$release/vmlinux" ]; then
		ok "$release: auto mode not checked (a vmlinux is installed under /usr/lib/debug)"
	elif [ $rc -eq 2 ] && [[ $msg == *"no debuginfo"* ]] && [[ $msg == *"--vmlinux"* ]]; then
		ok "$release: auto mode with nothing cached: $msg"
	else
		bad "$release: auto mode: exit $rc, message: $msg"
	fi
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ]
	exit
fi

# ---- once per kernel ----
D=$basic/vmcore.elf
# auto mode with nothing cached; where nothing is installed either, it must
# come to BTF (else force it: the rest of the checks are the same)
auto=(--types btf)
if [ -e "/usr/lib/debug/boot/vmlinux-$release" ] || [ -e "/usr/lib/debug/lib/modules/$release/vmlinux" ] ||
	{ [ -n "$bid" ] && [ -e "/usr/lib/debug/.build-id/${bid:0:2}/${bid:2}.debug" ]; }; then
	ok "auto mode not checked: a vmlinux of $release is installed under /usr/lib/debug"
else
	auto=(--no-cache)
fi
btf info "${auto[@]}" "$D" >"$tmp/info" 2>"$tmp/err"
if grep -q '^types: BTF in the dump (vmlinux [0-9]* bytes, [0-9]* types; [1-9][0-9]* module BTF' "$tmp/info" &&
	! grep -q '^types: not usable' "$tmp/info"; then
	ok "info ${auto[*]}: $(grep '^types:' "$tmp/info")"
else
	bad "info ${auto[*]}: $(head -3 "$tmp/info") $(head -3 "$tmp/err")"
fi
btf info --types btf --json "$D" >"$tmp/info.json" 2>"$tmp/err"
if head -1 "$tmp/info.json" | grep -q '^{"type":"types","source":"btf","detail":"BTF in the dump.*"not_usable":\[\]}$'; then
	ok "info --json: types source btf"
else
	bad "info --json: $(head -1 "$tmp/info.json")"
fi

btf show --types btf "$D" >"$tmp/btf.txt" 2>"$tmp/btf.err"
rb=$?
# DWARF itself (no cached profile read); what it answered is recorded in a
# cache of its own: the DWARF profile compared below
vml show --types dwarf --vmlinux "$VMLINUX" "$D" >"$tmp/dwarf.txt" 2>"$tmp/err"
rd=$?
if [ $rb -eq $rd ] && cmp -s "$tmp/btf.txt" "$tmp/dwarf.txt"; then
	ok "basic elf: --types btf == --types dwarf ($(wc -l <"$tmp/btf.txt") lines, exit $rb)"
else
	bad "basic elf: btf (exit $rb) vs dwarf (exit $rd): $(diff "$tmp/dwarf.txt" "$tmp/btf.txt" | head -5)"
fi

# Profiles: answer by answer. Known difference, one by one:
#  - trace_array.array_buffer.buffer elem_size (pointee size): struct
#    trace_buffer is opaque in kernel/trace/trace.c (declared in trace.h,
#    defined in ring_buffer.c), so that unit's DWARF does not know its size
#    (0, "unknown" per target.h); BTF dedup merged the declaration with the
#    definition and knows it. Nothing reads that field.
#  - enumerators MMIO_READ / MMIO_WRITE (asked for mmiotrace entries): the
#    cloud kernels are built without CONFIG_MMIOTRACE, so enum mm_io_opcode
#    is in neither; DWARF still answers them from a same-named enumerator of
#    some other enum in a unit whose types BTF does not keep (MMIO_PROBE and
#    the others stay unanswered there too). Such a kernel records no
#    mmiotrace entry, so nothing prints with these values. (On 6.12 and 7.2
#    both answer the same: those lines are then equal anyway.)
btf profile -o "$tmp/btf.prof" "$D" 2>"$tmp/err" || bad "profile from BTF: $(cat "$tmp/err")"
cp "$tmp"/dwcache/profiles/*.profile "$tmp/dwarf.prof" 2>/dev/null || bad "the DWARF run cached no profile"
known='^member struct%20trace_array array_buffer.buffer 32 8 0 0 pointer 0 '
if [ "$(grep -c . "$tmp/btf.prof")" -gt 100 ] &&
	mmio='^enum MMIO_(READ|WRITE) '
	diff <(grep -v "$known" "$tmp/dwarf.prof" | grep -Ev "$mmio") \
		<(grep -v "$known" "$tmp/btf.prof" | grep -Ev "$mmio") >"$tmp/pdiff" &&
	grep -q "${known}0\$" "$tmp/dwarf.prof" && grep -q "${known}[1-9][0-9]*\$" "$tmp/btf.prof"; then
	ok "profile from BTF == profile from DWARF: $(grep -c . "$tmp/btf.prof") lines, 1 known difference ($(grep "$known" "$tmp/btf.prof" | awk '{print $NF}') vs 0)"
else
	bad "profiles differ: $(head -10 "$tmp/pdiff")"
fi
vml show --profile "$tmp/btf.prof" "$D" >"$tmp/prof.txt" 2>"$tmp/err"
if cmp -s "$tmp/prof.txt" "$tmp/dwarf.txt"; then
	ok "show --profile (made from BTF) == --types dwarf"
else
	bad "show --profile (from BTF) differs: $(diff "$tmp/dwarf.txt" "$tmp/prof.txt" | head -5)"
fi

# The basic ELF dump, through the command: text and JSON, exit codes, stderr.
vml show --vmlinux "$VMLINUX" "$D" >"$tmp/v" 2>"$tmp/ve"
rv=$?
if [ $rb -eq $rv ] && [ -s "$tmp/btf.txt" ] && cmp -s "$tmp/btf.txt" "$tmp/v" && cmp -s "$tmp/btf.err" "$tmp/ve"; then
	ok "pmtrace show --types btf == --vmlinux ($(wc -l <"$tmp/v") lines, exit $rb, same stderr)"
else
	bad "pmtrace show: btf exit $rb, vmlinux exit $rv: $(diff "$tmp/v" "$tmp/btf.txt" | head -4) $(head -2 "$tmp/btf.err")"
fi
btf show --types btf --json "$D" >"$tmp/b" 2>"$tmp/be"
rb=$?
vml show --vmlinux "$VMLINUX" --json "$D" >"$tmp/v" 2>"$tmp/ve"
rv=$?
if [ $rb -eq $rv ] && [ -s "$tmp/b" ] && cmp -s "$tmp/b" "$tmp/v" && cmp -s "$tmp/be" "$tmp/ve"; then
	ok "pmtrace show --json --types btf == --vmlinux ($(wc -l <"$tmp/b") lines, exit $rb, same stderr)"
else
	bad "pmtrace show --json: btf exit $rb, vmlinux exit $rv: $(diff "$tmp/v" "$tmp/b" | head -4) $(head -2 "$tmp/be")"
fi

# --types: conflicting options refused; the profile the BTF run cached serves
# --types profile (and so the next auto run)
if [ "$SUITE" = bookworm ]; then
	for args in "--types btf --vmlinux $VMLINUX" "--types dwarf --profile /nonexistent" \
		"--types profile --vmlinux $VMLINUX" "--types bogus"; do
		# shellcheck disable=SC2086
		btf info $args "$D" >/dev/null 2>"$tmp/err"
		rc=$?
		if [ $rc -eq 2 ] && grep -q -- "--types" "$tmp/err"; then
			ok "info $args: refused: $(head -1 "$tmp/err")"
		else
			bad "info $args: exit $rc: $(head -2 "$tmp/err")"
		fi
	done
	btf info --types profile "$D" >"$tmp/info" 2>"$tmp/err"
	if grep -q "^types: profile $tmp/cache/profiles/$bid.profile\$" "$tmp/info"; then
		ok "--types profile: the profile cached by the BTF run"
	else
		bad "--types profile: $(grep '^types' "$tmp/info") $(head -2 "$tmp/err")"
	fi
fi

# Bad input, on 6.1 only (the code is the same for every kernel): the BTF
# pages left out of the dump, and a blob with a broken magic. --types btf must
# refuse with the reason; the vmlinux run, which needs no BTF, is unharmed.
if [ "$SUITE" = bookworm ]; then
	range=$(nm "$VMLINUX" | awk '$3 == "__start_BTF" {s = $1} $3 == "__stop_BTF" {e = $1} END {print s, e}')
	for mode in missing magic; do
		want="not in the dump"
		[ $mode = magic ] && want="no BTF magic"
		# shellcheck disable=SC2086
		if ! "$HERE/btf-damage.py" $mode "$D" "$tmp/damaged.elf" $range; then
			bad "btf-damage.py $mode failed"
			continue
		fi
		btf show --types btf "$tmp/damaged.elf" >"$tmp/b" 2>"$tmp/be"
		rb=$?
		vml show --vmlinux "$VMLINUX" "$tmp/damaged.elf" >"$tmp/v" 2>/dev/null
		if [ $rb -eq 2 ] && [ ! -s "$tmp/b" ] && grep -q "BTF at 0x[0-9a-f]*.*$want" "$tmp/be" &&
			cmp -s "$tmp/v" "$tmp/dwarf.txt"; then
			ok "BTF $mode: refused ($(cat "$tmp/be")); --vmlinux unharmed"
		else
			bad "BTF $mode: exit $rb: $(head -2 "$tmp/be"); vmlinux run same: $(cmp -s "$tmp/v" "$tmp/dwarf.txt" && echo yes || echo no)"
		fi
		rm -f "$tmp/damaged.elf"
	done
fi

# ---- every cell, every format: text and JSON, in one process ----
dumps=()
for cell in "${cells[@]}"; do
	[ -f "$cell/manifest.tsv" ] || continue
	while IFS=$'\t' read -r _rel _scen fmt file _rest; do
		[ "$fmt" = format ] && continue
		[ -f "$cell/$file" ] && dumps+=("$cell/$file")
	done <"$cell/manifest.tsv"
done
if [ "${#dumps[@]}" -eq 0 ]; then
	bad "no dumps to compare"
elif PMTRACE_CACHE=$tmp/dwcache "$COMPARE" "$VMLINUX" "${dumps[@]}" >"$tmp/cmp"; then
	ok "${#dumps[@]} dumps: --types btf == --vmlinux, text and JSON"
else
	bad "$(grep -c '^FAIL' "$tmp/cmp") of ${#dumps[@]} dumps differ"
fi
cat "$tmp/cmp"
echo "$passes passed, $fails failed in $(echo "$(date +%s.%N) - $start" | bc) s"
[ "$fails" -eq 0 ]

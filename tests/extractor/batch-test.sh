#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# batch-test.sh PMTRACE REPO: fleet batches.
#  1. `info --json` and `show --json` over several dumps in one call: one
#     stream, every record tagged with its dump, a {"type":"dump"} record per
#     dump with its status, {"type":"error"} for a missing, unreadable or
#     non-dump file, the others unaffected; exit status the worst of the batch.
#  2. The same work as an array job under GNU parallel (docs/fleet.md): one
#     pmtrace per dump of the 6.1 corpus, records equal to the single batch's.
#  3. A mapped ELF dump whose file fails under its map (SHIM, shrink_shim.c:
#     mapped from a copy of its first 64 KiB, so reading it raises SIGBUS):
#     that dump alone fails with one "io" error record, the dumps before and
#     after it give the records they give alone, the stream stays whole
#     lines of JSON, and the batch exits 2.
set -uo pipefail
PMTRACE=$1 REPO=$2 SHIM=$3
S=$REPO/vmcores/sample
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'hello\n' >"$tmp/text"
"$PMTRACE" info --json --profile "$S/profile" "$S/vmcore" "$tmp/missing" "$tmp/text" \
	"$S/vmcore" >"$tmp/b.json" 2>"$tmp/b.err"
rc=$?
python3 - "$tmp/b.json" "$S/vmcore" "$tmp/missing" "$tmp/text" <<'PY' >"$tmp/check" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
sample, missing, text = sys.argv[2:5]
assert all("dump" in r for r in recs), "an untagged record"
dumps = [r for r in recs if r["type"] == "dump"]
errors = [r for r in recs if r["type"] == "error"]
assert [d["dump"] for d in dumps] == [sample, sample], dumps
assert all(d["status"] == "complete" and d["exit"] == 0 for d in dumps), dumps
assert [(e["dump"], e["kind"]) for e in errors] == [(missing, "io"), (text, "format")], errors
cpus = [r for r in recs if r["type"] == "cpu"]
assert len(cpus) == 4 and cpus[:2] == cpus[2:], cpus
print("records:", len(recs))
PY
py=$?
if [ $rc -eq 2 ] && [ $py -eq 0 ] && grep -q records "$tmp/check"; then
	ok "info --json batch: tagged stream, two errors named, exit 2 ($(cat "$tmp/check"))"
else
	bad "info --json batch: exit $rc: $(cat "$tmp/check") $(head -3 "$tmp/b.err")"
fi

"$PMTRACE" show --json --profile "$S/profile" "$S/vmcore" "$S/vmcore" >"$tmp/s.json" 2>/dev/null
rc=$?
"$PMTRACE" show --json --profile "$S/profile" "$S/vmcore" >"$tmp/one.json" 2>/dev/null
n1=$(wc -l <"$tmp/one.json")
n2=$(grep -vc '"type":"dump"' "$tmp/s.json")
tagged=$(grep -c "^{\"dump\":\"$S/vmcore\"," "$tmp/s.json")
if [ $rc -eq 0 ] && [ "$n2" -eq $((2 * n1)) ] && [ "$tagged" -eq $((2 * n1 + 2)) ]; then
	ok "show --json batch: 2 x $n1 events, all tagged"
else
	bad "show --json batch: exit $rc, $n2 event records for 2 x $n1, $tagged tagged"
fi

# 2. GNU parallel over the 6.1 corpus, against one batch call
rel=$(cat "$CACHE/kernels/suite-bookworm" 2>/dev/null)
vmlinux=$CACHE/kernels/$rel/vmlinux
# the cells of this tree's default scenarios (corpus.sh --list), not every
# cell a shared cache holds (opt-in ones such as pmring-bad are damaged on
# purpose)
mapfile -t dumps < <("$REPO/vmcores/corpus.sh" --list | grep -F "/$rel/" |
	while read -r c; do ls "$c"/vmcore.elf "$c"/vmcore.mdf-zlib 2>/dev/null; done)
if [ ${#dumps[@]} -lt 4 ] || [ ! -s "$vmlinux" ]; then
	bad "no 6.1 corpus for the parallel batch (${#dumps[@]} dumps, vmlinux '$vmlinux')"
else
	export PMTRACE_CACHE=$tmp/cache # an empty type cache shared by the batch
	t0=$(date +%s.%N)
	"$PMTRACE" info --json --vmlinux "$vmlinux" "${dumps[@]}" >"$tmp/batch.json" 2>/dev/null
	brc=$?
	t1=$(date +%s.%N)
	parallel -j2 --halt never "$PMTRACE" info --json --vmlinux "$vmlinux" {} \
		::: "${dumps[@]}" >"$tmp/par.json" 2>/dev/null
	prc=$?
	python3 - "$tmp/batch.json" "$tmp/par.json" <<'PY' >"$tmp/cmp" 2>&1
import json, sys
batch = [json.loads(l) for l in open(sys.argv[1])]
par = [json.loads(l) for l in open(sys.argv[2])]
strip = lambda r: {k: v for k, v in r.items() if k != "dump"}
# "types" says where this run took types from (DWARF, or the profile an
# earlier dump of the batch cached): a fact of the run, not of the dump
b = sorted(json.dumps(strip(r), sort_keys=True) for r in batch if r["type"] not in ("dump", "types"))
p = sorted(json.dumps(r, sort_keys=True) for r in par if r["type"] != "types")
assert b == p, f"batch {len(b)} records vs parallel {len(p)}"
assert all(r["status"] == "complete" for r in batch if r["type"] == "dump")
print(len(b))
PY
	py=$?
	if [ $brc -eq 0 ] && [ $prc -eq 0 ] && [ $py -eq 0 ] && [ -s "$tmp/cmp" ] && ! grep -q Error "$tmp/cmp"; then
		ok "parallel over ${#dumps[@]} corpus dumps == one batch ($(cat "$tmp/cmp") records; batch $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s)"
	else
		bad "parallel vs batch: exit $brc/$prc: $(cat "$tmp/cmp")"
	fi
fi

# 3. SIGBUS in the middle of a batch
mapfile -t three < <(ls "$CACHE/corpus/$rel"/{basic,instances,overwrite}/vmcore.elf 2>/dev/null)
if [ ${#three[@]} -ne 3 ] || [ ! -r "$SHIM" ]; then
	bad "no basic/instances/overwrite ELF dumps of $rel, or no shim '$SHIM'"
else
	for verb in info show; do
		for d in "${three[0]}" "${three[2]}"; do
			"$PMTRACE" "$verb" --json --vmlinux "$vmlinux" "$d" >"$tmp/alone.$verb.$(basename "$(dirname "$d")")" 2>/dev/null
		done
		# the abandoned dump's state is not freed, by design: no leak check
		env LD_PRELOAD="$SHIM" PMT_SHRINK_FILE="${three[1]}" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0" \
			"$PMTRACE" "$verb" --json --vmlinux "$vmlinux" "${three[@]}" >"$tmp/bus.json" 2>"$tmp/bus.err"
		rc=$?
		python3 - "$tmp/bus.json" "${three[@]}" "$tmp/alone.$verb.basic" "$tmp/alone.$verb.overwrite" <<'PY' >"$tmp/bus.check" 2>&1
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]  # every line whole JSON
a, b, c, alone_a, alone_c = sys.argv[2:7]
strip = lambda r: {k: v for k, v in r.items() if k != "dump"}
of = lambda d: [strip(r) for r in recs if r["dump"] == d and r.get("type") != "dump"]
solo = lambda f: [r for r in map(json.loads, open(f)) if r.get("type") != "dump"]
assert of(a) == solo(alone_a), f"{a}: {len(of(a))} records, alone {len(solo(alone_a))}"
assert of(c) == solo(alone_c), f"{c}: {len(of(c))} records, alone {len(solo(alone_c))}"
errs = [r for r in recs if r["dump"] == b]
assert len(errs) == 1 and errs[0]["type"] == "error" and errs[0]["kind"] == "io" \
	and "memory map" in errs[0]["message"], errs
print(len(recs), "records")
PY
		py=$?
		if [ $rc -eq 2 ] && [ $py -eq 0 ] && grep -q records "$tmp/bus.check" &&
			grep -q "mapped short" "$tmp/bus.err"; then
			ok "$verb --json batch with a SIGBUS in its second dump: that dump failed (io), the others whole ($(cat "$tmp/bus.check"))"
		else
			bad "$verb --json batch with a SIGBUS: exit $rc: $(tail -3 "$tmp/bus.check") $(grep -v '^ ' "$tmp/bus.err" | head -3)"
		fi
	done
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

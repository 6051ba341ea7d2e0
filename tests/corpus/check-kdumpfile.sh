#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-kdumpfile.sh KDUMP_PROBE VMCORES_DIR SUITES
#
# Every ELF and makedumpfile dump of every corpus cell of SUITES (comma list)
# must open with libkdumpfile and agree with the ground truth (see
# kdump_probe.c: VMCOREINFO OSRELEASE = truth/uname, KERNELOFFSET = the
# manifest's kaslr_offset, init_uts_ns release read through page tables).
# libkdumpfile 0.5.1 cannot read makedumpfile's flattened format, so QEMU's
# kdump-zlib is checked after reassembly with makedumpfile -R (its header
# lacks what libkdumpfile needs for arch.name; the probe then sets x86_64).
set -uo pipefail

PROBE=${1:?usage: check-kdumpfile.sh KDUMP_PROBE VMCORES_DIR SUITES}
VMCORES=${2:?usage: check-kdumpfile.sh KDUMP_PROBE VMCORES_DIR SUITES}
SUITES=${3:?usage: check-kdumpfile.sh KDUMP_PROBE VMCORES_DIR SUITES}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok=0
failed=0
cells=0
while read -r cell; do
	cells=$((cells + 1))
	if [ ! -f "$cell/manifest.tsv" ]; then
		echo "FAIL $cell: no manifest.tsv (corpus fixture not run?)"
		failed=$((failed + 1))
		continue
	fi
	rel=$(cat "$cell/truth/uname" 2>/dev/null || cat "$cell/truth/boot2/uname")
	while IFS=$'\t' read -r _ _ fmt file _ _ kaslr; do
		dump=$cell/$file
		if [ "$fmt" = kdump-zlib-flat ]; then
			if ! makedumpfile -R "$tmp/reassembled" <"$dump" >"$tmp/R.log" 2>&1; then
				echo "FAIL $dump: makedumpfile -R cannot reassemble it"
				failed=$((failed + 1))
				continue
			fi
			dump=$tmp/reassembled
		fi
		if timeout -k 5 120 "$PROBE" "$dump" "$rel" "$kaslr" 2>"$tmp/err"; then
			ok=$((ok + 1))
		else
			echo "FAIL $cell/$file ($fmt)"
			cat "$tmp/err"
			failed=$((failed + 1))
		fi
		rm -f "$tmp/reassembled"
	done < <(tail -n +2 "$cell/manifest.tsv")
done < <("$VMCORES/corpus.sh" --kernels "$SUITES" --list)
echo "libkdumpfile: $ok dumps ok, $failed failed, $cells cells"
[ "$failed" = 0 ] && [ "$ok" -gt 0 ]

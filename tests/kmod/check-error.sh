#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-error.sh VMCORES_DIR: kmod-build.sh on a module that does not compile
# (for the bookworm corpus kernel) must exit 1 with a message naming the
# release, the compiler and the compiler's error line.
set -uo pipefail
VMCORES=${1:?}
rel=$("$VMCORES/fetch-kernel.sh" bookworm) || { echo "FAIL: no bookworm kernel"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/broken"
echo 'obj-m += pmt_broken.o' >"$tmp/broken/Kbuild"
# A unique token per run: the cache must not hold a result for it.
printf '#include <linux/module.h>\nint pmt_broken_%s(void) { return undeclared_thing; }\nMODULE_LICENSE("GPL");\n' \
	"$$" >"$tmp/broken/pmt_broken.c"
rc=0
"$VMCORES/kmod-build.sh" "$rel" "$tmp/broken" "$tmp/out" >"$tmp/out.txt" 2>"$tmp/err.txt" || rc=$?
cat "$tmp/err.txt"
rm -f "$(sed -n 's/.*full log: //p' "$tmp/err.txt")"
[ "$rc" = 1 ] || { echo "FAIL: exit status $rc, expected 1"; exit 1; }
grep -q "kmod-build\[$rel\]: building broken with gcc-[0-9]* " "$tmp/err.txt" ||
	{ echo "FAIL: the message does not name the release and the compiler"; exit 1; }
grep -q "'undeclared_thing' undeclared" "$tmp/err.txt" ||
	{ echo "FAIL: the compiler's error is not shown"; exit 1; }
[ ! -s "$tmp/out.txt" ] || { echo "FAIL: printed modules for a failed build"; exit 1; }
echo "ok: the failure names $rel, the compiler and the error"

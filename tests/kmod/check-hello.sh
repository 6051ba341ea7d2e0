#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-hello.sh VMCORES_DIR KMOD_DIR SUITE
#
# Boot SUITE's corpus kernel with pmt_hello.ko (built by the kmod_build_hello
# fixture into KMOD_DIR/<release>/) and require, in the guest's kernel log,
# exactly the line the module prints:
#   pmt_hello: loaded on <release>, built by gcc <version>
# where <version> is the one in the module's own .comment (the chroot's gcc).
set -uo pipefail
VMCORES=${1:?} KMOD=${2:?} SUITE=${3:?}
fail() {
	echo "FAIL: $*"
	exit 1
}
[ -f "$KMOD/releases" ] || fail "no $KMOD/releases (fixture kmod_build_hello did not run)"
read -r _ rel kos < <(awk -v s="$SUITE" '$1 == s' "$KMOD/releases") ||
	fail "no $SUITE line in $KMOD/releases"
ko=$KMOD/$rel/pmt_hello.ko
[ -f "$ko" ] || fail "no $ko"
ver=$(readelf -p .comment "$ko" | sed -n 's/.*GCC: ([^)]*) //p' | head -n1)
want="pmt_hello: loaded on $rel, built by gcc $ver"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$VMCORES/kmod-guest.sh" "$rel" "$tmp/console.log" --smp 1 "$ko" || {
	tail -n 20 "$tmp/console.log"
	fail "$rel: the guest did not load pmt_hello.ko"
}
got=$(tr -d '\r' <"$tmp/console.log" | sed -n 's/^\[ *[0-9.]*\] //p' | grep '^pmt_hello: loaded' || true)
if [ "$got" != "$want" ]; then
	tr -d '\r' <"$tmp/console.log" | sed -n '/PMT-KMOD-DMESG-BEGIN/,$p' | tail -n 15
	fail "$rel: expected '$want', got '${got:-nothing}'"
fi
echo "ok $SUITE $rel: $got"

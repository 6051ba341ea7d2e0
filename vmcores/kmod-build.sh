#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# kmod-build.sh RELEASE SRCDIR OUTDIR
#
# Build the out-of-tree kernel module source SRCDIR (a kbuild directory: a
# Kbuild or Makefile with obj-m) for the corpus kernel RELEASE, and copy the
# resulting .ko files into OUTDIR (created; the paths are printed on stdout,
# one per line). For people with real headers installed, `make -C SRCDIR
# KDIR=<build dir>` does the same without this driver.
#
# How:
#  - headers: vmcores/fetch-headers.sh RELEASE (Debian's linux-headers-*,
#    unpacked only, made relocatable), which also names the kernel's suite;
#  - compiler: the one the kernel was built with, read from
#    CONFIG_CC_VERSION_TEXT in the kernel's .config ("gcc-12 (Debian ...)",
#    "x86_64-linux-gnu-gcc-14 (Debian ...)"): package gcc-<N> of the suite;
#  - the build runs in the suite's chroot (vmcores/suite-chroot.sh, packages
#    gcc-<N> make libelf-dev dwarves bc kmod libc6-dev), with the headers and a
#    copy of SRCDIR bound at their own paths: kbuild's helpers (fixdep,
#    modpost, objtool) are binaries of that suite and need its libc, and
#    newer kernels pass flags older compilers reject (6.12:
#    -fmin-function-alignment=16, unknown to Debian 12's gcc-12);
#    make -C KDIR M=<copy> CC=<compiler> HOSTCC=<compiler> modules.
#
# Cache: $CACHE/kmod/<release>/<name>-<key>/{*.ko,build.log}, key = sha256 of
# the release, the compiler text, RECIPE and every source file (path and
# content, build products excluded). A warm run hashes the sources and copies
# the .ko files: no chroot, no compiler. Built under a temporary name and
# renamed, under flock (bounded wait).
#
# Failure: exit 1 with a message naming the release, the compiler and the
# compiler's own error lines (the full log stays in
# $CACHE/kmod/<release>/<name>-<key>.failed.log).
#
# Environment: PMTRACE_CACHE; PMTRACE_KMOD_JOBS (make -j, default 2).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
RECIPE=1
REL=${1:-}
SRC=${2:-}
OUT=${3:-}

die() {
	echo "kmod-build[$REL]: $*" >&2
	exit 1
}
log() { echo "kmod-build[$REL]: $*" >&2; }
[ -n "$REL" ] && [ -n "$SRC" ] && [ -n "$OUT" ] ||
	die "usage: kmod-build.sh RELEASE SRCDIR OUTDIR"
[ -d "$SRC" ] || die "$SRC is not a directory"
[ -f "$SRC/Kbuild" ] || [ -f "$SRC/Makefile" ] || die "$SRC has neither Kbuild nor Makefile"
SRC=$(realpath "$SRC")
NAME=$(basename "$SRC")

KDIR=$("$HERE/fetch-headers.sh" "$REL") || die "no headers for $REL"
SUITE=$("$HERE/fetch-headers.sh" "$REL" --suite)

# The kernel's compiler, e.g. "x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0".
CC_TEXT=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$/\1/p' "$KDIR/.config")
[ -n "$CC_TEXT" ] || die "no CONFIG_CC_VERSION_TEXT in $KDIR/.config"
grep -q '^CONFIG_CC_IS_GCC=y' "$KDIR/.config" ||
	die "kernel built with '$CC_TEXT': only gcc-built kernels are supported"
CC=${CC_TEXT%% *}
GCC_N=$(sed -n 's/.*gcc-\([0-9][0-9]*\)$/\1/p' <<<"$CC")
[ -n "$GCC_N" ] || die "cannot tell the gcc version from '$CC_TEXT'"
PKGS="gcc-$GCC_N make libelf-dev dwarves bc kmod libc6-dev"

# Source hash: relative path and content of every file, build products left out.
src_files() {
	(cd "$SRC" && find . -type f ! -name '*.o' ! -name '*.ko' ! -name '*.mod' \
		! -name '*.mod.c' ! -name '.*.cmd' ! -name '.*.d' ! -name 'Module.symvers' \
		! -name 'modules.order' ! -name '*.a' ! -path './.tmp_*' -print0 | sort -z)
}
key=$({
	printf 'recipe %s\nrelease %s\ncc %s\n' "$RECIPE" "$REL" "$CC_TEXT"
	src_files | (cd "$SRC" && xargs -0 -r sha256sum)
} | sha256sum | cut -c1-16)
BASE=$CACHE/kmod/$REL
DONE=$BASE/$NAME-$key

deliver() {
	local f
	mkdir -p "$OUT"
	for f in "$DONE"/*.ko; do
		cp "$f" "$OUT/.${f##*/}.tmp"
		mv "$OUT/.${f##*/}.tmp" "$OUT/${f##*/}"
		echo "$(realpath "$OUT/${f##*/}")"
	done
	exit 0
}
[ -f "$DONE/build.log" ] && deliver

mkdir -p "$BASE"
exec 9>"$BASE/.$NAME-$key.lock"
flock -w 1800 9 || die "timeout (1800 s) waiting for $BASE/.$NAME-$key.lock"
[ -f "$DONE/build.log" ] && deliver

t0=$(date +%s)
tmp=$(mktemp -d "$BASE/.$NAME-$key.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/src"
src_files | (cd "$SRC" && xargs -0 -r cp --parents -t "$tmp/src")
ROOT=$(dirname "$(dirname "$(dirname "$KDIR")")") # .../headers/<rel>/root
log "building $NAME with $CC in the $SUITE chroot"
"$HERE/suite-chroot.sh" "$SUITE" --pkgs "$PKGS" >/dev/null ||
	die "no $SUITE chroot with '$PKGS' (needed for $CC, the compiler of $REL)"
rc=0
timeout 1800 "$HERE/suite-chroot.sh" "$SUITE" --pkgs "$PKGS" \
	--bind "$ROOT" --bind "$tmp" --cwd "$tmp/src" --run \
	make -j"${PMTRACE_KMOD_JOBS:-2}" -C "$KDIR" M="$tmp/src" CC="$CC" HOSTCC="$CC" \
	modules >"$tmp/build.log" 2>&1 || rc=$?
kos=$(cd "$tmp/src" && find . -name '*.ko' | sort)
if [ "$rc" != 0 ] || [ -z "$kos" ]; then
	cp "$tmp/build.log" "$DONE.failed.log"
	{
		echo "kmod-build[$REL]: building $NAME with $CC ($CC_TEXT) in the $SUITE chroot failed" \
			"(make exit $rc${kos:+, }${kos:-, no .ko produced}); compiler/kbuild errors:"
		grep -E 'error|Error|unrecognized|not found|No such' "$tmp/build.log" | head -n 15 | sed 's/^/    /'
		echo "    full log: $DONE.failed.log"
	} >&2
	exit 1
fi
mkdir "$tmp/done"
for k in $kos; do
	# A module name is unique within a build: flatten sub-directories.
	cp "$tmp/src/$k" "$tmp/done/"
done
printf 'release %s\ncompiler %s\nsuite %s\nseconds %s\n' "$REL" "$CC_TEXT" "$SUITE" \
	"$(($(date +%s) - t0))" >"$tmp/done/build.info"
mv "$tmp/build.log" "$tmp/done/build.log"
rm -rf "$DONE"
mv "$tmp/done" "$DONE"
rm -f "$DONE.failed.log"
log "built $(echo $kos | wc -w) module(s) in $(($(date +%s) - t0)) s: $DONE"
deliver

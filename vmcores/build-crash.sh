#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-crash.sh [SUITE] [--refresh]
#
# Build crash(8) from Debian's own source package of SUITE (default sid) on
# this machine, once, and print the directory it is in:
#
#   $CACHE/tools/crash-<version>/bin/crash             the binary
#   $CACHE/tools/crash-<version>/include/crash/defs.h  for extensions
#   $CACHE/tools/crash-<version>/gdb-macro             e.g. GDB_16_3: what
#                      defs.h must be compiled with (crash's configure passes
#                      -DGDB_<version of its embedded gdb>)
#   $CACHE/tools/crash-<version>/build.log, build.info
#
# Why: Debian 12's crash 8.0.2 cannot open 6.12 and 7.x dumps, and the newer
# crash binaries of trixie/sid need a newer libc. sid's source package ships
# crash's gdb as a second upstream tarball (orig-gdb) and patches the
# Makefile to use it, so the build downloads nothing beyond Debian's
# packages. It is built the way debian/rules does (make, then make lzo snappy
# zstd for the compressed kdump formats) with this machine's compiler and
# libraries (build dependencies: scripts/setup-deps.sh); ~7 min on 2 cores.
#
# Cache: the source version is resolved once (private apt tree of deb-src
# lines in $CACHE/apt/crash-src-<suite>/, derived from the machine's apt
# sources) and remembered in $CACHE/tools/crash-src-<suite>; --refresh
# resolves again. Sources stay in $CACHE/debs/src/. The build runs under a
# temporary name and is renamed when complete, under
# flock $CACHE/tools/.crash-<suite>.lock (bounded wait).
#
# Environment: PMTRACE_CACHE; PMTRACE_CRASH_JOBS (make -j, default nproc).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
SUITE=sid
REFRESH=0
for a in "$@"; do
	case $a in
	--refresh) REFRESH=1 ;;
	bullseye | bookworm | trixie | sid) SUITE=$a ;;
	*) echo "usage: build-crash.sh [SUITE] [--refresh]" >&2; exit 2 ;;
	esac
done
die() {
	echo "build-crash[$SUITE]: $*" >&2
	exit 1
}
log() { echo "build-crash[$SUITE]: $*" >&2; }

T=$CACHE/tools
VFILE=$T/crash-src-$SUITE
# Debian version 9.0.2+~16.3-1 -> $T/crash-9.0.2+~16.3 (no epoch, no revision)
dir_of() {
	local u=${1#*:}
	echo "$T/crash-${u%-*}"
}
ready() { [ -x "$1/bin/crash" ] && [ -f "$1/build.info" ]; }
if [ "$REFRESH" = 0 ] && [ -s "$VFILE" ] && ready "$(dir_of "$(cat "$VFILE")")"; then
	dir_of "$(cat "$VFILE")"
	exit 0
fi

mkdir -p "$T" "$CACHE/debs/src"
exec 9>"$T/.crash-$SUITE.lock"
flock -w 3600 9 || die "timeout (3600 s) waiting for $T/.crash-$SUITE.lock"

# shellcheck source=vmcores/suite-apt.sh
. "$HERE/suite-apt.sh"
apt_ready=0
src_apt() {
	[ "$apt_ready" = 1 ] && return 0
	suite_private_apt "$SUITE" "$CACHE/apt/crash-src-$SUITE" deb-src
	apt_ready=1
}

ver=
[ "$REFRESH" = 0 ] && [ -s "$VFILE" ] && ver=$(cat "$VFILE")
if [ -z "$ver" ]; then
	src_apt
	ver=$(apt-cache "${SUITE_APT_OPTS[@]}" showsrc crash 2>/dev/null |
		sed -n 's/^Version: //p' | sort -rV | head -n1)
	[ -n "$ver" ] || die "no crash source package in $SUITE"
fi
uver=${ver#*:} # no epoch: file names
dir=$(dir_of "$ver")
remember() { echo "$ver" >"$VFILE.tmp" && mv "$VFILE.tmp" "$VFILE"; }
if ready "$dir"; then
	remember
	echo "$dir"
	exit 0
fi

# Sources: .dsc + tarballs, reused when present.
dsc=$CACHE/debs/src/crash_$uver.dsc
if [ ! -s "$dsc" ]; then
	src_apt
	tmp=$(mktemp -d "$CACHE/debs/src/.dl.XXXXXX")
	log "downloading the crash $ver source package"
	(cd "$tmp" && timeout 1200 apt-get -q "${SUITE_APT_OPTS[@]}" source --download-only \
		"crash=$ver" >"$tmp/log" 2>&1) ||
		{ tail -n 3 "$tmp/log" >&2; rm -rf "$tmp"; die "apt-get source crash=$ver failed"; }
	# The .dsc last: it is what marks the set complete.
	find "$tmp" -maxdepth 1 -type f -name 'crash_*' ! -name '*.dsc' -exec mv -t "$CACHE/debs/src/" {} +
	mv "$tmp/crash_$uver.dsc" "$dsc"
	rm -rf "$tmp"
fi

t0=$(date +%s)
b=$(mktemp -d "$T/.${dir##*/}.build.XXXXXX")
trap 'rm -rf "$b"' EXIT
log "unpacking and building crash $ver (log: $b/build.log; ~7 min on 2 cores)"
dpkg-source --no-check -x "$dsc" "$b/src" >"$b/build.log" 2>&1 ||
	{ tail -n 5 "$b/build.log" >&2; die "dpkg-source -x $dsc failed"; }
[ -d "$b/src/gdb" ] || die "the source package has no gdb/ component (orig-gdb tarball)"
jobs=${PMTRACE_CRASH_JOBS:-$(nproc)}
# make runs crash's configure and builds gdb (the long part); the lzo,
# snappy and zstd targets re-configure with that support and relink.
if ! (cd "$b/src" && timeout 3000 make -j"$jobs" >>"$b/build.log" 2>&1 &&
	timeout 1200 make lzo snappy zstd >>"$b/build.log" 2>&1); then
	grep -E 'error|Error' "$b/build.log" | head -n 10 >&2 || true
	tail -n 5 "$b/build.log" >&2
	cp "$b/build.log" "$dir.failed.log"
	die "building crash $ver failed (log: $dir.failed.log)"
fi
gdbv=$(sed -n 's/^GDB=gdb-\([0-9.]*\)$/\1/p' "$b/src/Makefile" | head -n1)
[ -n "$gdbv" ] || die "cannot tell crash's gdb version from its Makefile"
"$b/src/crash" --version >"$b/version" 2>&1 || die "the new crash does not run: $(head -n 3 "$b/version")"
mkdir -p "$b/out/bin" "$b/out/include/crash"
cp "$b/src/crash" "$b/out/bin/crash"
cp "$b/src/defs.h" "$b/out/include/crash/defs.h"
echo "GDB_${gdbv//./_}" >"$b/out/gdb-macro"
mv "$b/build.log" "$b/out/build.log"
{
	echo "source crash $ver ($SUITE)"
	grep -m1 "^crash " "$b/version"
	echo "gdb $gdbv"
	echo "built $(date -u +%FT%TZ) in $(($(date +%s) - t0)) s with make -j$jobs"
} >"$b/out/build.info"
rm -rf "$dir"
mv "$b/out" "$dir"
remember
log "built $dir in $(($(date +%s) - t0)) s"
echo "$dir"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# build-libkdumpfile-asan.sh [--refresh]
#
# Build libkdumpfile from Debian's source package with clang,
# -fsanitize=address,undefined,fuzzer-no-link and coverage, once, and print
# the directory it is in:
#
#   $CACHE/tools/libkdumpfile-asan/lib/libkdumpfile.a, libaddrxlat.a
#   $CACHE/tools/libkdumpfile-asan/include/libkdumpfile/*.h
#   $CACHE/tools/libkdumpfile-asan/build.info   what was built, from what, how
#
# Why: the crashes a hostile dump causes are inside libkdumpfile, and Debian's
# binary is not instrumented, so neither ASan nor libFuzzer's coverage sees
# into it. tests/fuzz/fuzz_dumpfile links this copy (statically); everything
# else keeps Debian's libkdumpfile10.
#
# Which source: the machine's own suite first (bookworm: 0.5.1, the version
# pmtrace links), then trixie, then sid, through a private apt tree of deb-src
# lines derived at run time from the machine's apt sources (no host name in
# the repository). A suite counts when apt fetches its upstream tarball; the
# Debian patches are applied when its .debian.tar.* came too (else the
# upstream tarball is built as is, and build.info says so). Measured on this
# machine's mirror (2025): bookworm's 0.5.1 .orig.tar.gz answers 404, trixie's
# 0.5.4 upstream tarball downloads (its .dsc and .debian.tar.xz do not), so
# the fuzzer runs 0.5.4 while pmtrace links 0.5.1; the fuzzer's second mode
# (PMT_FUZZ_SYSTEM_KDUMPFILE=1 in run-fuzz.cmake) runs Debian's own 0.5.1.
#
# Cache discipline: sources in $CACHE/debs/src/ (reused), the build under a
# temporary name renamed into place when complete, all under
# flock $CACHE/tools/.libkdumpfile-asan.lock (bounded wait). ~1 min on 2
# cores. Build dependencies: scripts/setup-deps.sh (clang, autoconf, automake,
# libtool, zlib1g-dev, liblzo2-dev, libsnappy-dev, libzstd-dev, dpkg-dev).
set -euo pipefail

CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
T=$CACHE/tools
OUT=$T/libkdumpfile-asan
REFRESH=0
[ "${1:-}" = "--refresh" ] && REFRESH=1
die() {
	echo "build-libkdumpfile-asan: $*" >&2
	exit 1
}
log() { echo "build-libkdumpfile-asan: $*" >&2; }
# UBSan recoverable in the library, so that tests/fuzz/ubsan-libkdumpfile.supp
# can name its known harmless reports; everything else halts (halt_on_error=1).
flags="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link -fsanitize-recover=undefined"
ready() {
	[ -f "$OUT/lib/libkdumpfile.a" ] && grep -qxF "CFLAGS=$flags" "$OUT/build.info" 2>/dev/null
}

if [ "$REFRESH" = 0 ] && ready; then
	echo "$OUT"
	exit 0
fi
mkdir -p "$T" "$CACHE/debs/src"
exec 9>"$T/.libkdumpfile-asan.lock"
flock -w 1800 9 || die "timeout (1800 s) waiting for $T/.libkdumpfile-asan.lock"
if [ "$REFRESH" = 0 ] && ready; then # built by someone else meanwhile
	echo "$OUT"
	exit 0
fi
command -v clang >/dev/null || die "clang is missing (scripts/setup-deps.sh)"
command -v autoreconf >/dev/null || die "autoreconf is missing (scripts/setup-deps.sh)"

# --- the archive, from the machine's own apt sources -------------------------
uris() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }'
	} | grep . || true
}
main_uri=$(uris | grep -v -- '-security/*$' | head -n1)
sec_uri=$(uris | grep -- '-security/*$' | head -n1 || true)
[ -n "$main_uri" ] || die "no main archive URI in the machine's apt sources"

APT_OPTS=()
private_apt() { # suite
	local suite=$1 base=$CACHE/apt/libkdumpfile-src-$1
	mkdir -p "$base/lists/partial" "$base/cache/archives/partial"
	{
		echo "deb-src ${main_uri%/} $suite main"
		if [ "$suite" != sid ]; then
			echo "deb-src ${main_uri%/} $suite-updates main"
			[ -n "$sec_uri" ] && echo "deb-src ${sec_uri%/} $suite-security main"
		fi
	} >"$base/sources.list.tmp"
	mv "$base/sources.list.tmp" "$base/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$base/sources.list" -o "Dir::Etc::SourceParts=-"
		-o "Dir::State::Lists=$base/lists" -o "Dir::Cache=$base/cache"
		-o "Dir::State::status=/dev/null" -o "APT::Sandbox::User=root")
	timeout 600 apt-get -q "${APT_OPTS[@]}" update >"$base/update.log" 2>&1
}

own=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
suites=()
for s in "$own" bookworm trixie sid; do
	[ -n "$s" ] || continue
	case " ${suites[*]} " in *" $s "*) ;; *) suites+=("$s") ;; esac
done

src_dir=
notes=()
for suite in "${suites[@]}"; do
	if ! private_apt "$suite"; then
		notes+=("$suite: apt-get update failed")
		continue
	fi
	ver=$(apt-cache "${APT_OPTS[@]}" showsrc libkdumpfile 2>/dev/null |
		sed -n 's/^Version: //p' | sort -rV | head -n1)
	[ -n "$ver" ] || { notes+=("$suite: no libkdumpfile source"); continue; }
	uver=${ver#*:}
	upver=${uver%-*}
	orig=$(ls "$CACHE/debs/src/libkdumpfile_$upver.orig.tar."* 2>/dev/null | head -n1 || true)
	dsc=$CACHE/debs/src/libkdumpfile_$uver.dsc
	deb=$(ls "$CACHE/debs/src/libkdumpfile_$uver.debian.tar."* 2>/dev/null | head -n1 || true)
	if [ -z "$orig" ] || [ -z "$deb" ] || [ ! -s "$dsc" ]; then
		log "apt-get source --download-only libkdumpfile=$ver ($suite)"
		tmp=$(mktemp -d "$CACHE/debs/src/.dl.XXXXXX")
		(cd "$tmp" && timeout 600 apt-get -q "${APT_OPTS[@]}" source --download-only \
			"libkdumpfile=$ver" >"$tmp/log" 2>&1) || true
		# keep whatever arrived whole (apt removes partial files)
		find "$tmp" -maxdepth 1 -type f -name 'libkdumpfile_*' -exec mv -t "$CACHE/debs/src/" {} +
		grep -h '^E:' "$tmp/log" | sed "s/^/build-libkdumpfile-asan: $suite: /" >&2 || true
		rm -rf "$tmp"
		orig=$(ls "$CACHE/debs/src/libkdumpfile_$upver.orig.tar."* 2>/dev/null | head -n1 || true)
		deb=$(ls "$CACHE/debs/src/libkdumpfile_$uver.debian.tar."* 2>/dev/null | head -n1 || true)
	fi
	if [ -z "$orig" ]; then
		notes+=("$suite: the archive did not serve libkdumpfile_$upver.orig.tar.*")
		continue
	fi
	src_suite=$suite src_ver=$ver
	break
done
[ -n "${src_ver:-}" ] || die "no libkdumpfile source package could be fetched: ${notes[*]}"

t0=$(date +%s)
b=$(mktemp -d "$T/.libkdumpfile-asan.build.XXXXXX")
trap 'rm -rf "$b"' EXIT
if [ -n "$deb" ] && [ -s "$dsc" ]; then
	dpkg-source --no-check -x "$dsc" "$b/src" >"$b/build.log" 2>&1 ||
		die "dpkg-source -x $dsc failed"
	how="Debian source package $src_ver ($src_suite), Debian patches applied"
else
	mkdir -p "$b/src"
	tar -xf "$orig" -C "$b/src" --strip-components=1 >"$b/build.log" 2>&1 ||
		die "cannot unpack $orig"
	how="upstream tarball of Debian's source package $src_ver ($src_suite): the archive served no .dsc/.debian.tar, so no Debian patches"
fi
log "building $src_ver ($src_suite) with clang $flags (log: $b/build.log)"
if ! (cd "$b/src" && timeout 600 autoreconf -fi >>"$b/build.log" 2>&1 &&
	CC=clang CFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
		timeout 600 ./configure --prefix="$b/out" --disable-shared --enable-static \
		--without-python >>"$b/build.log" 2>&1 &&
	timeout 1200 make -j"${PMTRACE_JOBS:-$(nproc)}" -C src >>"$b/build.log" 2>&1 &&
	make -C src install >>"$b/build.log" 2>&1 &&
	make -C include install >>"$b/build.log" 2>&1); then
	tail -n 15 "$b/build.log" >&2
	cp "$b/build.log" "$OUT.failed.log"
	die "building libkdumpfile $src_ver failed (log: $OUT.failed.log)"
fi
[ -f "$b/out/lib/libkdumpfile.a" ] && [ -f "$b/out/lib/libaddrxlat.a" ] ||
	die "the build did not produce libkdumpfile.a and libaddrxlat.a"
grep -q 'define USE_ZLIB 1' "$b/src/config.h" || log "warning: built without zlib"
{
	echo "libkdumpfile $src_ver: $how"
	for n in "${notes[@]}"; do echo "skipped $n"; done
	echo "compression: $(grep -E '^#define USE_(ZLIB|LZO|SNAPPY|ZSTD) 1' "$b/src/config.h" | awk '{print $2}' | tr '\n' ' ')"
	echo "CC=clang ($(clang --version | head -n1))"
	echo "CFLAGS=$flags"
	echo "static libraries; link with -lz -llzo2 -lsnappy -lzstd -lpthread"
	echo "built $(date -u +%FT%TZ) in $(($(date +%s) - t0)) s"
} >"$b/out/build.info"
mv "$b/build.log" "$b/out/build.log"
rm -rf "$OUT"
mv "$b/out" "$OUT"
log "built $OUT in $(($(date +%s) - t0)) s: $(head -n1 "$OUT/build.info")"
echo "$OUT"

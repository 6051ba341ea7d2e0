#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-headers.sh RELEASE [--suite]
#
# Make Debian's kernel headers for RELEASE (a kernel of the corpus, i.e. one
# that vmcores/fetch-kernel.sh put in $CACHE/kernels/) usable as a kbuild
# KDIR, and print that directory:
#
#   $CACHE/headers/<release>/root/        the unpacked packages (dpkg-deb -x):
#       usr/src/linux-headers-<release>/  <- KDIR (printed)
#       usr/src/linux-headers-<...>-common/, usr/lib/linux-kbuild-<...>/
#   $CACHE/headers/<release>/debs         the .debs unpacked (name version)
#   $CACHE/headers/<release>/suite        the suite the kernel came from
#
# --suite prints the suite instead (kmod-build.sh uses it to pick the chroot).
#
# Which packages: linux-headers-<release> at the version of the kernel image
# in the cache, plus every linux-headers-* and linux-kbuild-* package among its
# Depends (names differ per suite: linux-headers-5.10.0-32-common +
# linux-kbuild-5.10 on bullseye, linux-headers-6.12.118+deb13-common +
# linux-kbuild-6.12.118+deb13 on trixie, ...), all at that version when the
# archive has it. The compiler and linux-base dependencies are not fetched: the
# build runs in the suite's chroot, which has the compiler (kmod-build.sh).
#
# Nothing is installed. The packages' absolute references are made relative
# so the tree works wherever it lies (on the host, or bound into a chroot):
#  - symlinks pointing to an absolute path that exists inside root/ (e.g.
#    lib/modules/<rel>/build -> /usr/src/linux-headers-<rel>) are rewritten as
#    relative links;
#  - the arch Makefile's "include /usr/src/linux-headers-X-common/Makefile"
#    becomes "include ../linux-headers-X-common/Makefile": kbuild is run as
#    make -C KDIR, so the include is read relative to KDIR, and the kernel's
#    top Makefile derives its source tree from the realpath of the included
#    file, exactly as with the installed packages; 7.x's
#    "KBUILD_OUTPUT=/usr/src/linux-headers-<release>" becomes $(CURDIR).
# The kbuild helpers (fixdep, modpost, objtool, ...) are binaries of the
# kernel's suite: they run on the host only when its libc is new enough
# (bookworm's on this Debian 12); kmod-build.sh always builds in the suite's
# chroot.
#
# Cached: a warm call reads one marker. Built under a temporary name and
# renamed, under flock $CACHE/headers/.<release>.lock (bounded wait). .debs
# are kept in $CACHE/debs/. The archive is the machine's own apt source
# (vmcores/suite-apt.sh), in a private apt tree $CACHE/apt/headers-<suite>/.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
REL=${1:-}
WANT=kdir
[ "${2:-}" = --suite ] && WANT=suite

die() {
	echo "fetch-headers[$REL]: $*" >&2
	exit 1
}
log() { echo "fetch-headers[$REL]: $*" >&2; }

[ -n "$REL" ] && [ "${REL#-}" = "$REL" ] || die "usage: fetch-headers.sh RELEASE [--suite]"
D=$CACHE/headers/$REL
KDIR=$D/root/usr/src/linux-headers-$REL

answer() {
	if [ "$WANT" = suite ]; then cat "$D/suite"; else echo "$KDIR"; fi
	exit 0
}
[ -f "$D/debs" ] && answer

# The suite: the one whose remembered kernel is RELEASE (fetch-kernel.sh).
suite=
for f in "$CACHE"/kernels/suite-*; do
	[ -f "$f" ] && [ "$(cat "$f")" = "$REL" ] && suite=${f##*/suite-}
done
[ -n "$suite" ] || die "no suite has kernel $REL in $CACHE/kernels (run vmcores/fetch-kernel.sh SUITE first)"

mkdir -p "$CACHE/headers" "$CACHE/debs"
exec 9>"$CACHE/headers/.$REL.lock"
flock -w 1800 9 || die "timeout (1800 s) waiting for $CACHE/headers/.$REL.lock"
[ -f "$D/debs" ] && answer

t0=$(date +%s)
# The version of the kernel we boot: from its image .deb in the cache.
ver=$(ls "$CACHE"/debs/linux-image-"$REL"_*_amd64.deb 2>/dev/null | head -n1 |
	sed 's/.*_\([^_]*\)_amd64\.deb$/\1/')
# shellcheck source=vmcores/suite-apt.sh
. "$HERE/suite-apt.sh"
suite_private_apt "$suite" "$CACHE/apt/headers-$suite"
APT=(apt-get -q "${SUITE_APT_OPTS[@]}")
show() { apt-cache "${SUITE_APT_OPTS[@]}" show "$@" 2>/dev/null; }
[ -n "$ver" ] || ver=$(show "linux-headers-$REL" | sed -n 's/^Version: //p' | sort -rV | head -n1)
[ -n "$ver" ] || die "linux-headers-$REL not in the $suite archive"
deps=$(show "linux-headers-$REL=$ver" | sed -n 's/^Depends: //p' | head -n1)
[ -n "$deps" ] || die "linux-headers-$REL=$ver not in the $suite archive"
# "a (>= 1), b | c, d" -> the first alternative of each, names only.
pkgs=("linux-headers-$REL")
for p in $(tr ',' '\n' <<<"$deps" | sed 's/|.*//; s/(.*)//; s/:any//' | tr -d ' '); do
	case $p in linux-headers-* | linux-kbuild-*) pkgs+=("$p") ;; esac
done
log "$suite: ${pkgs[*]} (version $ver)"

fetch_deb() { # package -> path of its .deb (version $ver when available)
	local p=$1 v f tmp
	v=$ver
	show "$p=$v" | grep -q '^Package:' ||
		v=$(show "$p" | sed -n 's/^Version: //p' | sort -rV | head -n1)
	[ -n "$v" ] || die "package $p is not in the $suite archive"
	f=$(ls "$CACHE/debs/${p}_${v//:/%3a}_"*.deb 2>/dev/null | head -n1 || true)
	if [ -z "$f" ]; then
		tmp=$(mktemp -d "$CACHE/debs/.dl.XXXXXX")
		(cd "$tmp" && timeout 900 "${APT[@]}" download "$p=$v" >&2) ||
			{ rm -rf "$tmp"; die "apt-get download $p=$v failed"; }
		f=$(ls "$tmp/${p}_"*.deb | head -n1)
		mv "$f" "$CACHE/debs/"
		rm -rf "$tmp"
		f=$CACHE/debs/${f##*/}
	fi
	echo "$f"
}

tmp=$(mktemp -d "$CACHE/headers/.$REL.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for p in "${pkgs[@]}"; do
	deb=$(fetch_deb "$p")
	dpkg-deb -x "$deb" "$tmp/root" || die "dpkg-deb -x $deb failed"
	echo "$p $(dpkg-deb -f "$deb" Version)" >>"$tmp/debs.tmp"
done

# Absolute symlinks -> relative, when the target is inside the tree.
root=$(realpath "$tmp/root")
while IFS= read -r -d '' l; do
	t=$(readlink "$l")
	[ -e "$root$t" ] || [ -L "$root$t" ] || continue
	ln -sfn "$(realpath -s --relative-to="$(dirname "$l")" "$root$t")" "$l"
done < <(find "$root" -type l -lname '/*' -print0)

k=$tmp/root/usr/src/linux-headers-$REL
[ -f "$k/Makefile" ] || die "linux-headers-$REL has no usr/src/linux-headers-$REL/Makefile"
[ -f "$k/.config" ] || die "linux-headers-$REL has no .config"
# 7.x's also says KBUILD_OUTPUT=/usr/src/linux-headers-<release>: the
# directory itself, which under make -C KDIR is $(CURDIR).
sed -i -e 's|^include /usr/src/\(linux-headers-[^/]*\)/Makefile$|include ../\1/Makefile|' \
	-e "s|^\\(KBUILD_OUTPUT *:\\{0,1\\}= *\\)/usr/src/linux-headers-$REL/*\$|\\1\$(CURDIR)|" \
	"$k/Makefile"
if grep -q '/usr/src/' "$k/Makefile"; then
	die "unexpected absolute path left in $k/Makefile: $(grep '/usr/src/' "$k/Makefile")"
fi
# Every symlink of the kbuild tree must resolve inside it.
while IFS= read -r -d '' l; do
	[ -e "$l" ] || die "dangling symlink ${l#"$root"/} -> $(readlink "$l") after unpacking"
done < <(find "$root/usr/src" -type l -print0)

echo "$suite" >"$tmp/suite"
mv "$tmp/debs.tmp" "$tmp/debs"
rm -rf "$D"
mv "$tmp" "$D"
trap - EXIT
log "unpacked into $D in $(($(date +%s) - t0)) s"
answer

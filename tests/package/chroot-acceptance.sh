#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# chroot-acceptance.sh [REV]     (by hand, as root; not part of ctest)
#
# The packages on a fresh Debian 12, without touching this machine's own
# installation:
#
#  base   debootstrap --variant=minbase bookworm, once, kept in
#         $PMTRACE_CACHE/scratch-deb/bookworm (mirror: the first URIs of this
#         machine's apt sources that is not a -security one)
#  build  a copy of base: exactly the Build-Depends of debian/control
#         (apt-get satisfy), dpkg-checkbuilddeps, dpkg-buildpackage -us -uc -b
#         of `git archive REV` (default HEAD)
#  run    another clean copy of base: apt install ./pmtrace_*.deb
#         ./crash-pmtrace_*.deb man-db; man pmtrace; pmtrace show on the
#         sample dump; crash with `extend pmtrace.so` (no path) and
#         `trace show` on the 6.1 corpus ELF dump, compared with its truth
#
# The copies are deleted at the end (PMTRACE_KEEP_TMP=1 keeps them). /proc is
# mounted in a copy while it is used, and always unmounted.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REV=${1:-HEAD}
cache=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
scratch=$cache/scratch-deb
base=$scratch/bookworm
log() { echo "== $*"; }
[ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot)" >&2; exit 1; }

mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
	tr ' ' '\n' | grep -v -- '-security/*$' | grep . | head -n 1 || true)
[ -n "$mirror" ] || { echo "no URIs: in /etc/apt/sources.list.d/*.sources" >&2; exit 1; }
mkdir -p "$scratch"
if [ ! -x "$base/usr/bin/apt-get" ]; then
	log "debootstrap --variant=minbase bookworm $base"
	rm -rf "$base.tmp"
	debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$scratch/debootstrap.log" 2>&1
	mv "$base.tmp" "$base"
fi

mounted=()
cleanup() {
	for m in "${mounted[@]}"; do umount "$m" 2>/dev/null || true; done
	if [ -z "${PMTRACE_KEEP_TMP:-}" ]; then
		rm -rf "$scratch/build" "$scratch/run"
	fi
}
trap cleanup EXIT
in_root() { # DIR CMD...
	local dir=$1
	shift
	chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}
fresh_copy() { # NAME -> a clean copy of base with /proc mounted
	rm -rf "${scratch:?}/$1"
	cp -a "$base" "$scratch/$1"
	mount -t proc proc "$scratch/$1/proc"
	mounted+=("$scratch/$1/proc")
	in_root "$scratch/$1" apt-get -q update >/dev/null
}

# --- build -------------------------------------------------------------------
log "build: fresh copy, exactly the Build-Depends"
fresh_copy build
b=$scratch/build
version=$(git -C "$ROOT" show "$REV:debian/changelog" | sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p')
mkdir -p "$b/src"
git -C "$ROOT" archive --format=tar --prefix="pmtrace-$version/" "$REV" | tar -x -C "$b/src"
deps=$(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$b/src/pmtrace-$version/debian/control" |
	sed '1s/^Build-Depends://; /^[A-Z]/d' | tr -d '\n' |
	sed 's/,[[:space:]]*$//; s/\[[^]]*\]//g; s/<[^>]*>//g')
echo "Build-Depends: $deps"
in_root "$b" apt-get -q -y --no-install-recommends install build-essential >/dev/null
in_root "$b" apt-get -q -y --no-install-recommends satisfy "$deps" >/dev/null
in_root "$b" sh -c "cd /src/pmtrace-$version && dpkg-checkbuilddeps && echo dpkg-checkbuilddeps: ok"
start=$SECONDS
in_root "$b" sh -c "cd /src/pmtrace-$version && dpkg-buildpackage -us -uc -b" >"$scratch/build.log" 2>&1 ||
	{ tail -30 "$scratch/build.log"; exit 1; }
echo "dpkg-buildpackage: $((SECONDS - start)) s; $(grep -E 'tests passed' "$scratch/build.log")"
ls -l "$b"/src/*.deb

# --- run ---------------------------------------------------------------------
log "run: another fresh copy, apt install the two packages"
fresh_copy run
r=$scratch/run
mkdir -p "$r/debs" "$r/sample" "$r/dump"
cp "$b"/src/*.deb "$r/debs/"
in_root "$r" sh -c 'apt-get -q -y install ./debs/pmtrace_*.deb ./debs/crash-pmtrace_*.deb man-db' |
	grep -E '^(Setting up|The following NEW)|^  ' | tail -40
log "man pmtrace"
in_root "$r" sh -c 'MANWIDTH=80 man pmtrace 2>&1 | head -n 12'
in_root "$r" sh -c 'MANWIDTH=80 man 7 crash-pmtrace 2>&1 | sed -n 1,6p'
log "pmtrace show on the sample dump"
cp "$ROOT"/vmcores/sample/{vmcore,profile} "$r/sample/"
in_root "$r" sh -c 'pmtrace show --profile /sample/profile /sample/vmcore' >"$scratch/show.txt"
head -n 16 "$scratch/show.txt"
if cmp "$scratch/show.txt" "$ROOT/vmcores/sample/truth/global/trace"; then
	echo "identical to vmcores/sample/truth/global/trace ($(grep -vc '^#' "$scratch/show.txt") events)"
fi
log "crash: extend pmtrace.so, trace show (6.1 corpus dump)"
rel=
for d in "$cache"/corpus/6.1.*/; do [ -r "$d/basic/vmcore.elf" ] && rel=$(basename "$d"); done
if [ -z "$rel" ] || [ ! -r "$cache/kernels/$rel/vmlinux" ]; then
	echo "no 6.1 corpus dump and vmlinux in $cache: crash step not run"
	exit 0
fi
# hard links: the same file system, nothing copied, the cache untouched
ln "$cache/kernels/$rel/vmlinux" "$r/dump/vmlinux"
ln "$cache/corpus/$rel/basic/vmcore.elf" "$r/dump/vmcore"
printf 'extend pmtrace.so\ntrace\ntrace show > /dump/show.txt\nq\n' >"$r/dump/cmds"
in_root "$r" sh -c 'cd /dump && crash -s --no_crashrc --no_scroll -i /dump/cmds /dump/vmlinux /dump/vmcore' |
	head -n 20
head -n 14 "$r/dump/show.txt"
if cmp "$r/dump/show.txt" "$cache/corpus/$rel/basic/truth/global/trace"; then
	echo "trace show identical to $rel basic truth/global/trace ($(grep -vc '^#' "$r/dump/show.txt") events)"
fi

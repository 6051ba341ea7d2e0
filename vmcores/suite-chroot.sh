#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# suite-chroot.sh SUITE [--pkgs "p1 p2 ..."] [--print]
# suite-chroot.sh SUITE [--pkgs "..."] [--bind SRC[:DST]]... [--env VAR=VALUE]...
#                 [--cwd DIR] --run CMD [ARG...]
#
# A Debian chroot of SUITE (bullseye, bookworm, trixie, sid), made once with
# `debootstrap --variant=minbase` plus the given packages (apt-get install
# --no-install-recommends inside it), kept in the cache and reused:
#
#   $CACHE/chroots/<suite>-<hash>/      the root; <hash> covers the suite,
#                                       the sorted package set and RECIPE
#   $CACHE/chroots/<suite>-<hash>/.pmt-chroot   what it holds (suite, asked
#                                       packages, installed versions, time)
#   $CACHE/chroots/<suite>-<hash>.log   the build log
#
# Without --run it prints the root's path on stdout (progress on stderr).
# With --run it runs CMD inside the chroot and exits with its status:
#   - in a private mount namespace (unshare -m): /proc, /dev (rbind), a fresh
#     tmpfs on /tmp and every --bind SRC at DST (default: the same path) are
#     mounted there only, so they vanish with the command, whatever happens
#     to it, and concurrent runs in one chroot never see each other's mounts;
#   - with a clean environment (PATH, HOME=/root, LC_ALL=C.UTF-8, plus every
#     --env), in --cwd (default /; a bound path usually);
#   - the chroot itself is shared: commands must write only into binds.
#
# Building: the archive is the machine's own apt source (vmcores/suite-apt.sh;
# no host name in the repository). The root is built under a temporary name
# next to the final one and renamed when complete, under
# flock $CACHE/chroots/.<suite>-<hash>.lock (bounded wait); a second caller
# waits and then finds it done. A warm call checks one marker file and takes
# a few milliseconds. Every network step is bounded by a timeout.
#
# Environment: PMTRACE_CACHE (default ~/.cache/pmtrace).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
# Bump when the way a chroot is made changes (forces new roots).
RECIPE=1

SUITE=${1:-}
die() {
	echo "suite-chroot[$SUITE]: $*" >&2
	exit 1
}
log() { echo "suite-chroot[$SUITE]: $*" >&2; }
usage() {
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

case "$SUITE" in
bullseye | bookworm | trixie | sid) shift ;;
-h | --help) usage ;;
*) die "unknown suite '$SUITE' (bullseye, bookworm, trixie, sid)" ;;
esac

PKGS=
RUN=0
CWD=/
BINDS=()
ENVS=()
while [ $# -gt 0 ]; do
	case "$1" in
	--pkgs) PKGS=${2?--pkgs needs a list}; shift 2 ;;
	--pkgs=*) PKGS=${1#*=}; shift ;;
	--bind) BINDS+=("${2:?--bind needs SRC[:DST]}"); shift 2 ;;
	--env) ENVS+=("${2:?--env needs VAR=VALUE}"); shift 2 ;;
	--cwd) CWD=${2:?--cwd needs a directory}; shift 2 ;;
	--print) shift ;;
	--run) RUN=1; shift; break ;;
	-h | --help) usage ;;
	*) die "unknown argument '$1'" ;;
	esac
done
[ "$RUN" = 0 ] || [ $# -gt 0 ] || die "--run needs a command"

# The package set, canonical: sorted, unique, whitespace-normalised.
PKGS=$(printf '%s\n' $PKGS | sort -u | paste -sd' ' -)
HASH=$(printf 'recipe %s\nsuite %s\npkgs %s\n' "$RECIPE" "$SUITE" "$PKGS" |
	sha256sum | cut -c1-12)
NAME=$SUITE-$HASH
ROOT=$CACHE/chroots/$NAME
MARK=$ROOT/.pmt-chroot

# --- build (cold path) -------------------------------------------------------
# in_root SECONDS ROOT CMD...: CMD in ROOT with /proc, /dev and /tmp mounted
# in a private mount namespace, killed after SECONDS.
in_root() {
	local secs=$1 root=$2
	shift 2
	timeout "$secs" unshare --mount --propagation private -- /bin/bash -c '
		set -e
		r=$1; shift
		mount -t proc proc "$r/proc"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
		exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	' in_root "$root" "$@"
}

build_root() {
	local tmp t0 mirror
	t0=$(date +%s)
	[ "$(id -u)" = 0 ] || die "building a chroot needs root (debootstrap, chroot)"
	command -v debootstrap >/dev/null || die "debootstrap missing (scripts/setup-deps.sh)"
	# shellcheck source=vmcores/suite-apt.sh
	. "$HERE/suite-apt.sh"
	mirror=$(suite_mirror)
	tmp=$(mktemp -d "$CACHE/chroots/.$NAME.tmp.XXXXXX")
	chmod 0755 "$tmp"
	# Whatever fails below, no half-built root is left (the temporary name
	# is never looked at by warm calls anyway).
	trap 'rm -rf --one-file-system "$tmp"' EXIT
	log "debootstrap --variant=minbase $SUITE (log: $ROOT.log)"
	timeout 1800 debootstrap --variant=minbase --arch=amd64 --components=main \
		"$SUITE" "$tmp" "$mirror" >"$ROOT.log" 2>&1 ||
		{ tail -n 5 "$ROOT.log" >&2; die "debootstrap failed (see $ROOT.log)"; }
	suite_sources "$SUITE" >"$tmp/etc/apt/sources.list"
	# The host's own settings for reaching that archive (proxies; a
	# snapshot mirror's expired Valid-Until accepted), as apt-config says.
	apt-config dump 2>/dev/null | grep -E \
		'^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy|ftp::Proxy|Retries)( |::)' \
		>"$tmp/etc/apt/apt.conf.d/90pmtrace-host" || true
	cp /etc/resolv.conf "$tmp/etc/resolv.conf" 2>/dev/null || true
	# No daemons may start from postinst scripts inside the chroot.
	printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"
	chmod 0755 "$tmp/usr/sbin/policy-rc.d"
	if [ -n "$PKGS" ]; then
		log "apt-get install $PKGS"
		# shellcheck disable=SC2086
		{ in_root 600 "$tmp" apt-get -q update &&
			in_root 1800 "$tmp" apt-get -q -y --no-install-recommends \
				install $PKGS; } >>"$ROOT.log" 2>&1 ||
			{ tail -n 5 "$ROOT.log" >&2; die "apt-get install of '$PKGS' failed (see $ROOT.log)"; }
	fi
	in_root 60 "$tmp" apt-get clean >>"$ROOT.log" 2>&1 || true
	rm -rf "$tmp/var/lib/apt/lists/"* 2>/dev/null || true
	{
		echo "suite $SUITE"
		echo "recipe $RECIPE"
		echo "pkgs $PKGS"
		echo "built $(date -u +%FT%TZ) in $(($(date +%s) - t0)) s"
		in_root 60 "$tmp" dpkg-query -W -f '${Package} ${Version}\n' | sed 's/^/installed /'
	} >"$tmp/.pmt-chroot.tmp"
	mv "$tmp/.pmt-chroot.tmp" "$tmp/.pmt-chroot"
	rm -rf --one-file-system "$ROOT"
	mv "$tmp" "$ROOT"
	trap - EXIT
	log "built $ROOT in $(($(date +%s) - t0)) s"
}

if [ ! -f "$MARK" ]; then
	mkdir -p "$CACHE/chroots"
	exec 9>"$CACHE/chroots/.$NAME.lock"
	flock -w 3600 9 || die "timeout (3600 s) waiting for $CACHE/chroots/.$NAME.lock"
	[ -f "$MARK" ] || build_root
	exec 9>&-
fi

if [ "$RUN" = 0 ]; then
	echo "$ROOT"
	exit 0
fi

# --- run -----------------------------------------------------------------------
[ "$(id -u)" = 0 ] || die "--run needs root (unshare -m, chroot)"
specs=()
for b in "${BINDS[@]}"; do
	src=${b%%:*}
	dst=$src
	case $b in *:*) dst=${b#*:} ;; esac
	[ -e "$src" ] || die "--bind: $src does not exist"
	case $dst in /*) ;; *) die "--bind: destination '$dst' is not absolute" ;; esac
	case $dst in /proc | /proc/* | /dev | /dev/* | /tmp | /) die "--bind: cannot bind over $dst" ;; esac
	specs+=("$(realpath "$src")" "$dst")
done
envs=()
for e in "${ENVS[@]}"; do
	case $e in [A-Za-z_]*=*) envs+=("$e") ;; *) die "--env: '$e' is not VAR=VALUE" ;; esac
done

# Arguments to the inner shell: root, cwd, nbinds, src dst ..., nenv, env...,
# then the command.
exec unshare --mount --propagation private -- /bin/bash -c '
	set -e
	r=$1 cwd=$2 n=$3
	shift 3
	mount -t proc proc "$r/proc"
	mount --rbind /dev "$r/dev"
	mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
	while [ "$n" -gt 0 ]; do
		src=$1 dst=$2
		shift 2
		n=$((n - 1))
		if [ -d "$src" ]; then mkdir -p "$r$dst"; else
			mkdir -p "$(dirname "$r$dst")"; [ -e "$r$dst" ] || : >"$r$dst"; fi
		mount --bind "$src" "$r$dst"
	done
	n=$1
	shift
	envs=()
	while [ "$n" -gt 0 ]; do envs+=("$1"); shift; n=$((n - 1)); done
	exec chroot "$r" /usr/bin/env -i \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 "${envs[@]}" \
		/bin/sh -c "cd \"\$1\" && shift && exec \"\$@\"" sh "$cwd" "$@"
' suite-chroot "$ROOT" "$CWD" $((${#specs[@]} / 2)) "${specs[@]}" "${#envs[@]}" "${envs[@]}" "$@"

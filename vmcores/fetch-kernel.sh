#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch-kernel.sh SUITE [--refresh]
#
# Make sure the current Debian cloud-amd64 kernel of SUITE (bookworm, bullseye,
# trixie, sid) is in the cache as
#
#   $CACHE/kernels/<release>/vmlinuz   bootable image
#   $CACHE/kernels/<release>/vmlinux   the -dbg vmlinux with full DWARF
#   $CACHE/kernels/<release>/config    the kernel's .config
#   $CACHE/kernels/<release>/qemu_fw_cfg.ko  (decompressed) the fw_cfg driver:
#                                      the guest needs it to hand its
#                                      VMCOREINFO note to QEMU's vmcoreinfo
#                                      device, so QEMU dumps carry it
#
# and print <release> on stdout (everything else goes to stderr).
#
# Design:
#  - The suite's meta-package linux-image-cloud-amd64 is resolved to the
#    versioned package (linux-image-<release>) once; the answer is remembered
#    in $CACHE/kernels/suite-<SUITE> so warm runs never touch the network.
#    --refresh resolves again (a new kernel upload gives a new release dir).
#  - bookworm uses the machine's own apt configuration. Other suites get a
#    private apt tree in $CACHE/apt/<SUITE>/ whose sources list is derived at
#    run time from the machine's own deb822 sources (its URIs), so no mirror
#    host name is ever written into the repository.
#  - .debs land in $CACHE/debs/ (shared with the coordinator's downloads, which
#    are reused when present). Only the needed members are extracted, each to a
#    temporary name and renamed, all under flock $CACHE/kernels/.lock, because
#    other tools may populate the very same paths concurrently. An existing
#    file is never rewritten.
set -euo pipefail

CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
SUITE=${1:-}
REFRESH=0
[ "${2:-}" = "--refresh" ] && REFRESH=1

die() {
	echo "fetch-kernel[$SUITE]: $*" >&2
	exit 1
}
log() { echo "fetch-kernel[$SUITE]: $*" >&2; }

case "$SUITE" in
bookworm | bullseye | trixie | sid) ;;
*) die "usage: fetch-kernel.sh bookworm|bullseye|trixie|sid [--refresh]" ;;
esac

mkdir -p "$CACHE/kernels" "$CACHE/debs"
SUITE_FILE=$CACHE/kernels/suite-$SUITE

# Fast path: release known and all three files present.
if [ "$REFRESH" = 0 ] && [ -s "$SUITE_FILE" ]; then
	rel=$(cat "$SUITE_FILE")
	d=$CACHE/kernels/$rel
	if [ -s "$d/vmlinuz" ] && [ -s "$d/vmlinux" ] && [ -s "$d/config" ] &&
		[ -s "$d/qemu_fw_cfg.ko" ]; then
		echo "$rel"
		exit 0
	fi
fi

# Everything from here on (apt lists, downloads, extraction) is serialized.
exec 9>"$CACHE/kernels/.lock"
flock -w 1800 9 || die "timeout waiting for $CACHE/kernels/.lock"

# --- apt access ------------------------------------------------------------
APT_OPTS=()
private_apt() {
	# First URIs: of the machine's sources that serves the main archive and
	# the one serving the security archive (a URI ending in -security).
	local srcs main_uri sec_uri base
	srcs=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
	main_uri=$(printf '%s\n' "$srcs" | sed -n 's/^URIs:[[:space:]]*//p' |
		tr ' ' '\n' | grep -v -- '-security/*$' | grep . | head -n1 || true)
	sec_uri=$(printf '%s\n' "$srcs" | sed -n 's/^URIs:[[:space:]]*//p' |
		tr ' ' '\n' | grep -- '-security/*$' | head -n1 || true)
	[ -n "$main_uri" ] || die "no URIs: line in /etc/apt/sources.list.d/*.sources"
	base=$CACHE/apt/$SUITE
	mkdir -p "$base/lists/partial" "$base/cache/archives/partial"
	{
		echo "deb $main_uri $SUITE main"
		if [ "$SUITE" != sid ]; then
			echo "deb $main_uri $SUITE-updates main"
			[ -n "$sec_uri" ] && echo "deb $sec_uri $SUITE-security main"
		fi
	} >"$base/sources.list.tmp"
	mv "$base/sources.list.tmp" "$base/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$base/sources.list"
		-o "Dir::Etc::SourceParts=-"
		-o "Dir::State::Lists=$base/lists"
		-o "Dir::Cache=$base/cache"
		-o "Dir::State::status=/dev/null"
		-o "APT::Architecture=amd64"
		-o "APT::Sandbox::User=root")
	log "apt-get update (private tree $base)"
	timeout 600 apt-get -q "${APT_OPTS[@]}" update >"$base/update.log" 2>&1 ||
		die "apt-get update failed, see $base/update.log"
}
if [ "$SUITE" = bookworm ]; then
	APT_OPTS=(-o "APT::Sandbox::User=root")
else
	private_apt
fi

# Candidate releases, newest first, from every version of the -dbg
# meta-package the sources offer ("<version> <release>" lines). The newest one
# whose -dbg .deb can actually be downloaded wins: mirrors sometimes lag on the
# big debug packages (seen: bullseye-security's newest -dbg answering 404).
candidates=$(apt-cache "${APT_OPTS[@]}" show linux-image-cloud-amd64-dbg 2>/dev/null |
	awk '/^Version:/ { v = $2 }
	     /^Depends:/ { if (match($0, /linux-image-[^ ,]*-cloud-amd64-dbg/)) {
			p = substr($0, RSTART + 12, RLENGTH - 16); print v, p } }' |
	sort -rV -k1,1 | uniq)
[ -n "$candidates" ] || die "cannot resolve linux-image-cloud-amd64-dbg to a versioned package"
# --- download (reusing debs already in the cache) --------------------------
fetch_deb() { # package -> path of its .deb
	local p=$1 f
	f=$(ls "$CACHE/debs/${p}_"*_amd64.deb 2>/dev/null | head -n1 || true)
	if [ -z "$f" ]; then
		log "downloading $p"
		local tmp
		tmp=$(mktemp -d "$CACHE/debs/.dl.XXXXXX")
		if ! (cd "$tmp" && timeout 1200 apt-get -q "${APT_OPTS[@]}" download "$p" >&2); then
			rm -rf "$tmp"
			log "apt-get download $p failed"
			return 1
		fi
		f=$(ls "$tmp/${p}_"*_amd64.deb | head -n1)
		mv "$f" "$CACHE/debs/"
		rm -rf "$tmp"
		f=$CACHE/debs/$(basename "$f")
	fi
	echo "$f"
}

# Extract one member of a .deb to DEST (temp name + rename). Caller holds lock.
extract_member() { # deb member dest
	local deb=$1 member=$2 dest=$3 tmpd
	[ -s "$dest" ] && return 0
	tmpd=$(mktemp -d "$(dirname "$dest")/.x.XXXXXX")
	if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmpd" "$member"; then
		rm -rf "$tmpd"
		die "extracting $member from $(basename "$deb") failed"
	fi
	# Sid's -dbg ships boot/vmlinux-<rel> as a relative symlink to
	# lib/modules/<rel>/vmlinux: follow it (inside the package) once.
	if [ -L "$tmpd/$member" ]; then
		local target
		target=$(realpath -m "$tmpd/$(dirname "$member")/$(readlink "$tmpd/$member")")
		target=./${target#"$(realpath "$tmpd")"/}
		rm -f "$tmpd/$member"
		if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmpd" "$target"; then
			rm -rf "$tmpd"
			die "extracting $target (link target of $member) failed"
		fi
		member=$target
	fi
	[ -f "$tmpd/$member" ] && [ ! -L "$tmpd/$member" ] ||
		{ rm -rf "$tmpd"; die "$member is not a regular file"; }
	mv "$tmpd/$member" "$dest"
	rm -rf "$tmpd"
}

# Extract module NAME (.ko, .ko.xz or .ko.zst, wherever the package keeps
# its modules tree) decompressed to DEST. Caller holds the lock.
extract_module() { # deb name dest
	local deb=$1 name=$2 dest=$3 tmpd f
	[ -s "$dest" ] && return 0
	tmpd=$(mktemp -d "$(dirname "$dest")/.x.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmpd" --wildcards "*/$name.ko*" 2>/dev/null || true
	f=$(find "$tmpd" -name "$name.ko*" -type f | head -n1)
	[ -n "$f" ] || { rm -rf "$tmpd"; die "no $name.ko* in $(basename "$deb")"; }
	case "$f" in
	*.ko) mv "$f" "$tmpd/m" ;;
	*.ko.xz) xz -dc "$f" >"$tmpd/m" ;;
	*.ko.zst) zstd -q -dc "$f" >"$tmpd/m" ;;
	*.ko.gz) gzip -dc "$f" >"$tmpd/m" ;;
	*) rm -rf "$tmpd"; die "unknown module compression: $f" ;;
	esac
	mv "$tmpd/m" "$dest"
	rm -rf "$tmpd"
}

rel=
while read -r ver cand; do
	d=$CACHE/kernels/$cand
	if [ -s "$d/vmlinux" ] || dbg=$(fetch_deb "linux-image-$cand-dbg"); then
		rel=$cand
		break
	fi
	log "no usable -dbg for $cand ($ver), trying an older release"
done <<<"$candidates"
[ -n "$rel" ] || die "no release with a downloadable -dbg package"
log "kernel: $rel"
d=$CACHE/kernels/$rel
mkdir -p "$d"
if [ ! -s "$d/vmlinux" ]; then
	t0=$(date +%s)
	extract_member "$dbg" "./usr/lib/debug/boot/vmlinux-$rel" "$d/vmlinux"
	log "extracted vmlinux in $(($(date +%s) - t0)) s"
fi
# Locate a member (by extended regex on its path) in the image package or,
# for newer sid kernels whose linux-image-<rel> is a shell, in the packages
# that carry the files: linux-binary-<rel> (vmlinuz) and linux-base-<rel>
# (config) and linux-modules-<rel> (modules). Prints "<deb> <member>".
IMG_PKGS=("linux-image-$rel" "linux-binary-$rel" "linux-base-$rel" "linux-modules-$rel")
declare -A LISTING
find_member() { # regex
	local p deb m
	for p in "${IMG_PKGS[@]}"; do
		if [ -z "${LISTING[$p]:-}" ]; then
			deb=$(fetch_deb "$p") || continue
			LISTING[$p]="$deb"$'\n'"$(dpkg-deb -c "$deb" | awk '{ print $6 }')" ||
				die "cannot list $deb"
		fi
		deb=$(head -n1 <<<"${LISTING[$p]}")
		m=$(tail -n +2 <<<"${LISTING[$p]}" | grep -E "$1" | head -n1 || true)
		if [ -n "$m" ]; then
			echo "$deb $m"
			return 0
		fi
	done
	return 1
}
if [ ! -s "$d/vmlinuz" ] || [ ! -s "$d/config" ] || [ ! -s "$d/qemu_fw_cfg.ko" ]; then
	t0=$(date +%s)
	rq=${rel//+/\\+}
	read -r deb m < <(find_member "/(boot/vmlinuz-$rq|modules/$rq/vmlinuz)\$") ||
		die "no vmlinuz for $rel in ${IMG_PKGS[*]}"
	extract_member "$deb" "$m" "$d/vmlinuz"
	read -r deb m < <(find_member "/(boot/config-$rq|modules/$rq/config)\$") ||
		die "no config for $rel in ${IMG_PKGS[*]}"
	extract_member "$deb" "$m" "$d/config"
	read -r deb m < <(find_member "/qemu_fw_cfg\\.ko(\\.xz|\\.zst|\\.gz)?\$") ||
		die "no qemu_fw_cfg module for $rel in ${IMG_PKGS[*]}"
	extract_module "$deb" qemu_fw_cfg "$d/qemu_fw_cfg.ko"
	log "extracted vmlinuz, config, qemu_fw_cfg.ko in $(($(date +%s) - t0)) s"
fi
flock -u 9
echo "$rel" >"$SUITE_FILE.tmp"
mv "$SUITE_FILE.tmp" "$SUITE_FILE"
echo "$rel"

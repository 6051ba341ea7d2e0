#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install everything pmtrace needs from Debian's packages. Idempotent: when every
# package is already installed it does nothing; otherwise it runs `apt-get update`
# once and installs what is missing.
set -euo pipefail

PKGS=(
	build-essential cmake pkg-config clang git ca-certificates curl
	libkdumpfile-dev libdwarf-dev libelf-dev libtraceevent-dev libcmocka-dev libbpf-dev
	crash trace-cmd makedumpfile qemu-system-x86 busybox-static
	cpio xz-utils zstd binutils python3 libclang-rt-14-dev bc parallel
	scdoc man-db groff-base dpkg-dev debhelper fakeroot lintian debootstrap kmod
	# to build crash 9 from Debian's source package (vmcores/build-crash.sh)
	g++ bison flex gawk texinfo binutils-dev zlib1g-dev libncurses-dev
	liblzo2-dev libsnappy-dev libzstd-dev libmpfr-dev libgmp-dev
	# LTTng-UST: the reference writer of bench/ringbuf (run.sh records a session)
	liblttng-ust-dev lttng-tools
	# trace.dat: compression, and KernelShark's library and GUI to read it back
	libzstd-dev zlib1g-dev kernelshark libkshark-dev libjson-c-dev libtracecmd-dev
	libtracefs-dev xvfb xauth x11-apps netpbm
	# tests/fuzz: libkdumpfile's build dependencies (build-libkdumpfile-asan.sh),
	# the compressors of the seed dumps (mkdumps), setpriv (tests/hostile)
	autoconf automake libtool zlib1g-dev liblzo2-dev libsnappy-dev libzstd-dev
	util-linux
)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup-deps: all ${#PKGS[@]} packages present"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup-deps: installing ${missing[*]}"
if ! $SUDO apt-get update -q >/tmp/pmtrace-apt-update.log 2>&1; then
	echo "setup-deps: apt-get update failed (registry unreachable?); see /tmp/pmtrace-apt-update.log" >&2
	tail -5 /tmp/pmtrace-apt-update.log >&2
	exit 1
fi
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	echo "setup-deps: apt-get install failed for: ${missing[*]}" >&2
	exit 1
fi

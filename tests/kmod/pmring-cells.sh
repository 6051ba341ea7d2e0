#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# pmring-cells.sh VMCORES SUITES --generate
# pmring-cells.sh VMCORES SUITES --check PMT_REGION_TOOL
# pmring-cells.sh VMCORES SUITE --reader PMTRACE VMLINUX
#
# The pmtrace.ko corpus cells: pmring and pmring-reboot on every suite of
# SUITES, pmring-bad on bookworm (the damage handling is the same code on
# every kernel; one boot shows it). --generate makes them (vmcores/corpus.sh,
# cached); --check runs check-pmring.py on them; --reader runs
# check-pmring-reader.py (pmtrace itself on the cells; VMLINUX is appended by
# tests/extractor/with-vmlinux.sh).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
VMCORES=${1:?}
SUITES=${2:?}
MODE=${3:?}
cells() { # suite
	"$VMCORES/corpus.sh" --kernels "$1" --scenarios pmring,pmring-reboot "${@:2}"
	if [ "$1" = bookworm ]; then
		"$VMCORES/corpus.sh" --kernels "$1" --scenarios pmring-bad "${@:2}"
	fi
}
case $MODE in
--generate)
	for s in ${SUITES//,/ }; do
		cells "$s" >/dev/null
	done
	;;
--check)
	TOOL=${4:?}
	mapfile -t dirs < <(for s in ${SUITES//,/ }; do cells "$s" --list; done)
	for d in "${dirs[@]}"; do
		[ -f "$d/manifest.tsv" ] || { echo "FAIL: $d was not generated (fixture kmod_pmring)"; exit 1; }
	done
	exec python3 "$HERE/check-pmring.py" --tool "$TOOL" "${dirs[@]}"
	;;
--reader)
	PMTRACE=${4:?}
	VMLINUX=${5:?}
	mapfile -t dirs < <(for s in ${SUITES//,/ }; do cells "$s" --list; done)
	for d in "${dirs[@]}"; do
		[ -f "$d/manifest.tsv" ] || { echo "FAIL: $d was not generated (fixture kmod_pmring)"; exit 1; }
	done
	exec python3 "$HERE/check-pmring-reader.py" --pmtrace "$PMTRACE" --vmlinux "$VMLINUX" "${dirs[@]}"
	;;
*) exit 2 ;;
esac

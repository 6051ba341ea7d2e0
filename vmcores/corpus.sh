#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# corpus.sh [--kernels bookworm,bullseye,trixie,sid] [--scenarios basic,...]
#           [--list] [--refresh-kernels]
#
# The one entry point of the vmcore corpus: make sure every requested
# (kernel, scenario) cell exists in the cache and print its directory, one per
# line, on stdout (progress goes to stderr). A warm run does no work beyond
# hashing the generator scripts.
#
#   $CACHE/corpus/<release>/<scenario>/
#       vmcore.elf vmcore.kdump-zlib vmcore.mdf-zlib vmcore.mdf-lzo truth/
#       manifest.tsv   header + one line per dump:
#                      release scenario format file size sha256 kaslr_offset
#       key            cache key: sha256 over the release, the scenario script
#                      and every generator file that shapes the dumps; the
#                      cell is regenerated when it differs
#   $CACHE/corpus/STATUS  one line appended per generated cell
#
# Cells are generated under flock($CACHE/corpus/<release>/.<scenario>.lock)
# so concurrent runs (parallel ctest, colleagues) never build one twice or
# see a half-written cell: the new cell is completed under a temporary name
# and only then swapped in. A scenario may declare "# pmt-min-kernel: X.Y"
# and "# pmt-needs-config: CONFIG_FOO" (skipped when the kernel's config says
# "# CONFIG_FOO is not set"; an absent option counts as present, as options
# that became unconditional vanish, e.g. X86_5LEVEL in 6.16); elsewhere it is
# skipped (reported on stderr, no directory); likewise
# "# pmt-needs-symbol: NAME" when the kernel's vmlinux lacks the symbol.
# "# pmt-opt-in: 1" keeps a scenario out of the default list (it runs only
# when named in --scenarios); "# pmt-key-files: GLOB..." adds those
# repository files to the cell's key.
#
# Defaults: all four suites, all scenarios in vmcores/scenarios/.
# --list      print the cells that would be produced, generate nothing.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${PMTRACE_CACHE:-$HOME/.cache/pmtrace}
KERNELS=bookworm,bullseye,trixie,sid
SCENARIOS=
LIST=0
REFRESH=

while [ $# -gt 0 ]; do
	case "$1" in
	--kernels) KERNELS=${2:?--kernels needs a list}; shift 2 ;;
	--kernels=*) KERNELS=${1#*=}; shift ;;
	--scenarios) SCENARIOS=${2:?--scenarios needs a list}; shift 2 ;;
	--scenarios=*) SCENARIOS=${1#*=}; shift ;;
	--list) LIST=1; shift ;;
	--refresh-kernels) REFRESH=--refresh; shift ;;
	-h | --help) sed -n '3,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "corpus.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
if [ -z "$SCENARIOS" ]; then
	# scenarios marked "# pmt-opt-in: 1" (the kernel-module ones) only when named
	SCENARIOS=$(cd "$HERE/scenarios" && { grep -L '^# pmt-opt-in: *1' *.sh || true; } | sed 's/\.sh$//' | paste -sd, -)
fi

log() { echo "corpus: $*" >&2; }
die() {
	echo "corpus: $*" >&2
	exit 1
}

# Files whose content shapes the dumps; probe-accel.sh and this script do not.
GEN_FILES=(boot-scenario.sh guest/init guest/lib.sh qmp.py elf-phdrs-first.py)
gen_hash=$(cd "$HERE" && cat "${GEN_FILES[@]}" | sha256sum | cut -d' ' -f1)

# version_ge A B: kernel release A (e.g. 6.12.117+deb13-cloud-amd64) >= B (X.Y)
version_ge() {
	local a=${1%%[-+]*}
	[ "$(printf '%s\n%s\n' "$2" "$a" | sort -V | head -n1)" = "$2" ]
}

write_manifest() { # dir release scenario
	local dir=$1 rel=$2 scen=$3 kaslr f fmt
	kaslr=$(cat "$dir/kaslr_offset")
	{
		printf 'release\tscenario\tformat\tfile\tsize\tsha256\tkaslr_offset\n'
		for f in elf:vmcore.elf kdump-zlib-flat:vmcore.kdump-zlib \
			mdf-zlib:vmcore.mdf-zlib mdf-lzo:vmcore.mdf-lzo; do
			fmt=${f%%:*}
			f=${f#*:}
			[ -s "$dir/$f" ] || die "$dir/$f missing"
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rel" "$scen" "$fmt" "$f" \
				"$(stat -c %s "$dir/$f")" \
				"$(sha256sum "$dir/$f" | cut -d' ' -f1)" "$kaslr"
		done
	} >"$dir/manifest.tsv.tmp"
	mv "$dir/manifest.tsv.tmp" "$dir/manifest.tsv"
}

# has_symbol release name: the kernel's vmlinux defines the symbol (nm; the
# answer is remembered in $CACHE/corpus/<release>/.symbol.<name>, as cached
# kernels never change)
has_symbol() {
	local memo=$CACHE/corpus/$1/.symbol.$2 ans
	if [ ! -f "$memo" ]; then
		[ -s "$CACHE/kernels/$1/vmlinux" ] || return 1
		ans=0
		nm "$CACHE/kernels/$1/vmlinux" 2>/dev/null |
			awk -v s="$2" '$3 == s { f = 1 } END { exit !f }' && ans=1
		mkdir -p "$CACHE/corpus/$1"
		echo "$ans" >"$memo.tmp.$$" && mv "$memo.tmp.$$" "$memo"
	fi
	[ "$(cat "$memo")" = 1 ]
}

ensure_cell() { # release scenario -> prints dir (or nothing when skipped)
	local rel=$1 scen=$2 script=$HERE/scenarios/$2.sh min opt key dir new t0
	[ -f "$script" ] || die "unknown scenario $scen (no $script)"
	min=$(sed -n 's/^# pmt-min-kernel: *\([0-9.]*\).*/\1/p' "$script" | head -n1)
	if [ -n "$min" ] && ! version_ge "$rel" "$min"; then
		log "skip $rel/$scen: needs kernel >= $min"
		return 0
	fi
	for opt in $(sed -n 's/^# pmt-needs-config: *\(CONFIG_[A-Z0-9_]*\).*/\1/p' "$script"); do
		if grep -qx "# $opt is not set" "$CACHE/kernels/$rel/config"; then
			log "skip $rel/$scen: $opt is not set"
			return 0
		fi
	done
	for opt in $(sed -n 's/^# pmt-needs-symbol: *\([A-Za-z0-9_.]*\).*/\1/p' "$script"); do
		if ! has_symbol "$rel" "$opt"; then
			log "skip $rel/$scen: its vmlinux has no symbol $opt"
			return 0
		fi
	done
	# "# pmt-key-files: GLOB..." (repository-relative): sources that shape
	# the cell besides the generator, e.g. a kernel module the guest loads
	key_files=$(sed -n 's/^# pmt-key-files: *//p' "$script" | tr '\n' ' ')
	key=$( (echo "$rel" && cat "$script" && echo "$gen_hash" &&
		if [ -n "$key_files" ]; then
			(cd "$HERE/.." && for g in $key_files; do ls -d $g 2>/dev/null; done | sort -u |
				xargs -r sha256sum)
		fi) | sha256sum | cut -d' ' -f1)
	dir=$CACHE/corpus/$rel/$scen
	if [ "$LIST" = 1 ]; then
		echo "$dir"
		return 0
	fi
	if [ -f "$dir/manifest.tsv" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
		echo "$dir"
		return 0
	fi
	mkdir -p "$CACHE/corpus/$rel"
	exec 8>"$CACHE/corpus/$rel/.$scen.lock"
	flock -w 3600 8 || die "timeout waiting for the lock of $rel/$scen"
	# Someone else may have built it while we waited.
	if [ -f "$dir/manifest.tsv" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
		exec 8>&-
		echo "$dir"
		return 0
	fi
	new=$CACHE/corpus/$rel/.$scen.new
	rm -rf "$new"
	t0=$(date +%s)
	log "generating $rel/$scen"
	"$HERE/boot-scenario.sh" "$rel" "$scen" "$new" ||
		die "generating $rel/$scen failed"
	write_manifest "$new" "$rel" "$scen"
	echo "$key" >"$new/key"
	rm -rf "$dir"
	mv "$new" "$dir"
	exec 8>&-
	echo "$rel $scen ok $dir $(($(date +%s) - t0))s $(date -u +%FT%TZ)" >>"$CACHE/corpus/STATUS"
	echo "$dir"
}

mkdir -p "$CACHE/corpus"
for suite in ${KERNELS//,/ }; do
	rel=$("$HERE/fetch-kernel.sh" "$suite" $REFRESH) || die "fetching the $suite kernel failed"
	for scen in ${SCENARIOS//,/ }; do
		ensure_cell "$rel" "$scen"
	done
done

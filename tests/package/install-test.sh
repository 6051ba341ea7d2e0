#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-test.sh BUILD_DIR CMAKE (run from the top of the source tree)
#
# What `cmake --install` (and `make install`) put where, as docs/install.md
# says: with --prefix /usr and DESTDIR, with another prefix, and with the
# configured one through make; the man pages render without groff warnings
# (lintian checks the same); every installed file is claimed by a
# debian/*.install file or debian/not-installed, so the .deb build's
# dh_missing cannot fail on a new install() rule.
set -uo pipefail
BUILD=$(realpath "$1") CMAKE=$2
fails=0 passes=0
ok() { passes=$((passes + 1)); echo "ok: $*"; }
bad() { fails=$((fails + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ext=false
[ -e "$BUILD/crash-ext/pmtrace.so" ] && ext=true

# expect_files ROOT PREFIX: everything pmtrace installs, under ROOT/PREFIX
expect_files() {
	local root=$1 p=$2 f missing=()
	local want=(bin/pmtrace share/man/man1/pmtrace.1 share/man/man5/pmtrace-json.5
		share/bash-completion/completions/pmtrace share/doc/pmtrace/README.md
		share/doc/pmtrace/json.md share/doc/pmtrace/install.md)
	$ext && want+=(lib/crash/extensions/pmtrace.so share/man/man7/crash-pmtrace.7)
	for f in "${want[@]}"; do
		[ -s "$root$p/$f" ] || missing+=("$p/$f")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "prefix $p: all ${#want[@]} files in place (bin, crash extension, man 1/5/7, completion, docs)"
	else
		bad "prefix $p: missing ${missing[*]} (installed: $(cd "$root" && find . -type f | head -20 | tr '\n' ' '))"
	fi
	[ -x "$root$p/bin/pmtrace" ] && "$root$p/bin/pmtrace" --help >/dev/null ||
		bad "$p/bin/pmtrace --help does not run"
}

DESTDIR=$tmp/usr "$CMAKE" --install "$BUILD" --prefix /usr >"$tmp/log" 2>&1 ||
	bad "cmake --install --prefix /usr failed: $(tail -3 "$tmp/log")"
expect_files "$tmp/usr" /usr
DESTDIR=$tmp/opt "$CMAKE" --install "$BUILD" --prefix /opt/pmtrace >"$tmp/log" 2>&1 ||
	bad "cmake --install --prefix /opt/pmtrace failed: $(tail -3 "$tmp/log")"
expect_files "$tmp/opt" /opt/pmtrace
if [ -e "$BUILD/Makefile" ]; then
	prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD/CMakeCache.txt")
	make -C "$BUILD" install DESTDIR="$tmp/make" >"$tmp/log" 2>&1 ||
		bad "make install failed: $(tail -3 "$tmp/log")"
	expect_files "$tmp/make" "$prefix"
fi

# the man pages render cleanly, as man(1) and lintian render them
for page in "$tmp"/usr/usr/share/man/man*/*; do
	warn=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
		"$page" 2>&1 >/dev/null)
	if [ -z "$warn" ]; then
		ok "man ${page##*/} renders without warnings"
	else
		bad "man ${page##*/}: $warn"
	fi
done

# every installed file is claimed by the Debian packaging
claims=$(cat debian/*.install debian/not-installed 2>/dev/null | sed 's/[[:space:]].*//; s:^/::; s:/$::')
unclaimed=()
while IFS= read -r f; do
	f=${f#./}
	claimed=false
	for c in $claims; do
		# shellcheck disable=SC2053
		if [[ $f == $c || $f == $c/* ]]; then
			claimed=true
			break
		fi
	done
	$claimed || unclaimed+=("$f")
done < <(cd "$tmp/usr" && find . -type f -o -type l)
if [ ${#unclaimed[@]} -eq 0 ]; then
	ok "every installed file is in a debian/*.install"
else
	for f in "${unclaimed[@]}"; do
		bad "cmake --install installs /$f, which no debian/*.install lists: add it to" \
			"debian/pmtrace.install (or crash-pmtrace.install; or to debian/not-installed if" \
			"no package should ship it), else the .deb build's dh_missing fails"
	done
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

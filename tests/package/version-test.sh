#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# version-test.sh PROJECT_VERSION (run from the top of the source tree)
#
# The Debian package's version is the project's: the newest entry of
# debian/changelog must be CMakeLists.txt's project(VERSION) (a native
# package: no Debian revision).
set -uo pipefail
want=$1
got=$(dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null ||
	sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' debian/changelog)
if [ "$got" = "$want" ]; then
	echo "ok: debian/changelog's version $got is project(VERSION)"
	echo "1 passed, 0 failed"
	exit 0
fi
echo "FAIL: debian/changelog's newest entry is version '$got', CMakeLists.txt's project(VERSION) is '$want':"
echo "  add an entry at the top of debian/changelog for $want (dch -v $want, or by hand: the"
echo "  format is 'pmtrace ($want) unstable; urgency=medium', the changes, the signature line)"
echo "0 passed, 1 failed"
exit 1

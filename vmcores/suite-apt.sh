# SPDX-License-Identifier: GPL-2.0-or-later
#
# suite-apt.sh: sourced, not run. The Debian archive of another suite, derived
# at run time from this machine's own apt sources, so that no mirror host name
# is ever written into the repository (the same rule as fetch-kernel.sh).
#
#   suite_mirror            the first URIs: entry of the machine's deb822
#                           sources that serves the main archive
#   suite_security_mirror   the one serving the security archive (a URI
#                           ending in -security), empty if none
#   suite_sources SUITE [deb|deb-src|both]
#                           apt sources.list lines for SUITE (main, plus
#                           -updates and -security except for sid)
#   suite_private_apt SUITE BASE [deb|deb-src|both]
#                           a private apt tree under BASE (lists, cache,
#                           sources.list; the host's state untouched) and
#                           its options in the array SUITE_APT_OPTS;
#                           `apt-get update` into it, bounded, once per call
#
# Callers provide die() and log().

_suite_uris() {
	# deb822 sources (Debian 12's default) and classic one-line ones.
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
			sed -n 's/^URIs:[[:space:]]*//p' | tr ' ' '\n'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) { print $i; break } }'
	} | grep . || true
}

suite_mirror() {
	local m
	m=$(_suite_uris | grep -v -- '-security/*$' | head -n1)
	[ -n "$m" ] || die "no main archive URI in the machine's apt sources"
	echo "${m%/}"
}

suite_security_mirror() {
	local m
	m=$(_suite_uris | grep -- '-security/*$' | head -n1)
	echo "${m%/}"
}

suite_sources() { # SUITE [deb|deb-src|both]
	local suite=$1 kinds=${2:-deb} main sec k
	main=$(suite_mirror)
	sec=$(suite_security_mirror)
	case $kinds in both) kinds="deb deb-src" ;; esac
	for k in $kinds; do
		echo "$k $main $suite main"
		if [ "$suite" != sid ] && [ "$suite" != unstable ]; then
			echo "$k $main $suite-updates main"
			[ -n "$sec" ] && echo "$k $sec $suite-security main"
		fi
	done
}

SUITE_APT_OPTS=()
suite_private_apt() { # SUITE BASE [kinds]
	local suite=$1 base=$2 kinds=${3:-deb}
	mkdir -p "$base/lists/partial" "$base/cache/archives/partial"
	suite_sources "$suite" "$kinds" >"$base/sources.list.tmp"
	mv "$base/sources.list.tmp" "$base/sources.list"
	SUITE_APT_OPTS=(-o "Dir::Etc::SourceList=$base/sources.list"
		-o "Dir::Etc::SourceParts=-"
		-o "Dir::State::Lists=$base/lists"
		-o "Dir::Cache=$base/cache"
		-o "Dir::State::status=/dev/null"
		-o "APT::Architecture=amd64"
		-o "APT::Sandbox::User=root")
	log "apt-get update ($suite, private tree $base)"
	timeout 600 apt-get -q "${SUITE_APT_OPTS[@]}" update >"$base/update.log" 2>&1 ||
		die "apt-get update for $suite failed, see $base/update.log"
}

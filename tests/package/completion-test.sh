#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# completion-test.sh PMTRACE COMPLETION_FILE
#
# The bash completion completes what the program has: the commands of
# `pmtrace --help`, each command's options from its --help, directories for
# -o DIR of dump, files for --vmlinux FILE and the VMCORE, nothing for
# --cpu LIST. Runs the completion function the way bash does (COMP_WORDS,
# COMP_CWORD), in a scratch directory holding one file and one directory.
set -uo pipefail
PMTRACE=$(realpath "$1") COMPLETION=$(realpath "$2")
fails=0 passes=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" "$tmp/wd" "$tmp/wd/adir"
ln -s "$PMTRACE" "$tmp/bin/pmtrace"
: >"$tmp/wd/afile"
export PATH=$tmp/bin:$PATH
cd "$tmp/wd" || exit 2

# shellcheck source=/dev/null
. "$COMPLETION"
if complete -p pmtrace 2>/dev/null | grep -q -- '-F _pmtrace'; then
	passes=$((passes + 1))
	echo "ok: sourcing $2 registers _pmtrace for pmtrace"
else
	echo "FAIL: sourcing $2 does not register a completion for pmtrace"
	exit 1
fi

# expect "WORDS..." "EXPECTED (sorted, space-separated)": the last word is
# the one being completed.
expect() {
	local words=$1 want=$2 got
	read -r -a COMP_WORDS <<<"$words"
	[[ $words == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_pmtrace
	got=$(printf '%s\n' "${COMPREPLY[@]}" | grep . | sort -u | tr '\n' ' ' | sed 's/ $//')
	if [ "$got" = "$want" ]; then
		passes=$((passes + 1))
		echo "ok: '$words<TAB>' -> ${want:-(nothing)}"
	else
		fails=$((fails + 1))
		echo "FAIL: '$words<TAB>' completes to '${got}', expected '${want}'"
	fi
}

# the commands, as the program lists them
cmds=$("$PMTRACE" --help | awk '/^commands:/ {c=1; next} c && /^  [a-z]/ {print $1}' |
	sort | tr '\n' ' ')
[ -n "$cmds" ] || { echo "FAIL: no commands in pmtrace --help"; exit 1; }
expect "pmtrace " "$(echo "--help $cmds" | tr ' ' '\n' | grep . | sort | tr '\n' ' ' | sed 's/ $//')"
expect "pmtrace sh" "show"
# every option show --help lists, and only those (plus --help)
show_opts=$("$PMTRACE" show --help | grep -oE -- '(^|[^[:alnum:]/._-])--?[[:alpha:]][[:alnum:]-]*' |
	sed 's/^[^-]*//' | { cat; echo --help; } | sort -u | tr '\n' ' ' | sed 's/ $//')
expect "pmtrace show -" "$show_opts"
expect "pmtrace show --c" "--cpu"
expect "pmtrace show --j" "--json"
expect "pmtrace show --cpu " ""
expect "pmtrace show --vmlinux a" "adir afile"
expect "pmtrace show --json a" "adir afile"
expect "pmtrace dump -o a" "adir"
expect "pmtrace info --profile af" "afile"
expect "pmtrace nosuchcommand -" ""

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]

# SPDX-License-Identifier: GPL-2.0-or-later
# bash completion for pmtrace(1), installed as
# /usr/share/bash-completion/completions/pmtrace.
#
# The commands and options are read from the program's own `pmtrace --help`
# and `pmtrace COMMAND --help` when completing, so a new command or option
# completes without a change here. An option's argument is completed by the
# name --help gives it: DIR as a directory, FILE/VMCORE/VMLINUX/PROFILE as a
# file, any other name (LIST, SECS, NAME, ...) not at all.

# The commands of `pmtrace --help` (the lines under "commands:").
_pmtrace_commands()
{
	"$1" --help 2>/dev/null | awk '
		/^commands:/ { c = 1; next }
		c && /^  [a-z]/ { print $1; n++; next }
		c && n && /^$/ { exit }'
}

# The options a usage text names: --long or -x, not inside a word or path.
_pmtrace_options()
{
	printf '%s\n' "$1" | grep -oE -- '(^|[^[:alnum:]/._-])--?[[:alpha:]][[:alnum:]-]*' |
		sed 's/^[^-]*//' | sort -u
}

# The argument name the usage text gives option $2 ("--cpu LIST" -> LIST),
# empty for an option without one.
_pmtrace_argname()
{
	printf '%s\n' "$1" | grep -oE -- "(^|[^[:alnum:]-])$2[ =][A-Z][A-Z0-9_:|]*" |
		head -n 1 | sed 's/.*[ =]//'
}

_pmtrace()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local prog=${COMP_WORDS[0]} cmd usage arg

	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$(_pmtrace_commands "$prog") --help" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	usage=$("$prog" "$cmd" --help 2>/dev/null) || return

	if [[ $prev == -* ]]; then
		arg=$(_pmtrace_argname "$usage" "$prev")
		case $arg in
		'') ;;
		DIR | *DIR) COMPREPLY=($(compgen -d -- "$cur")); return ;;
		FILE | *FILE | VMCORE | VMLINUX | PROFILE) COMPREPLY=($(compgen -f -- "$cur")); return ;;
		*) COMPREPLY=(); return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_pmtrace_options "$usage") --help" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -- "$cur")) # the VMCORE
}
complete -o filenames -F _pmtrace pmtrace

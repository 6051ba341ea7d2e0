#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-man-options.py PMTRACE MAN_SOURCE BUILT_MAN_PAGE

pmtrace(1) must document exactly what the program says it has:

  * the commands of `pmtrace --help` are the '## NAME' subsections of
    '# COMMANDS', and no others;
  * every option `pmtrace CMD --help` lists is documented under '## CMD' or
    under '# OPTIONS' (the options every command accepts);
  * every option documented under '## CMD' is listed by `pmtrace CMD --help`;
  * every documented option exists: `pmtrace CMD OPTION [ARG] --help` is
    not refused as an unknown option, an option of another command, or one
    missing (or given) an argument (the parser reads OPTION, then prints the
    usage; a refused sample value is fine) -- for the '# OPTIONS' ones, with
    every command.

An option term is a paragraph at the option level that starts with '-'
(in scdoc: "*--cpu* _LIST_" followed by a tab-indented description); a term
naming several options ("*-o* _DIR_, *--output* _DIR_") is satisfied by any.
Failure messages say what to add where.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import manlib  # noqa: E402

pmtrace, man_src, man_page = sys.argv[1:4]
fails = passes = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL: " + msg)


def ok(msg):
    global passes
    passes += 1
    print("ok: " + msg)


def run(args):
    p = subprocess.run([pmtrace] + args, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PMTRACE_CACHE="/nonexistent/pmtrace-cache"))
    return p.returncode, p.stdout, p.stderr


rc, top, err = run(["--help"])
if rc != 0:
    sys.exit(f"FAIL: `pmtrace --help` exits {rc}: {err.strip()}")
commands = []
in_cmds = False
for line in top.splitlines():
    if line.strip() == "commands:":
        in_cmds = True
    elif in_cmds and re.match(r"^  [a-z]", line):
        commands.append(line.split()[0])
    elif in_cmds and not line.strip():
        in_cmds = bool(not commands)
if not commands:
    sys.exit(f"FAIL: no 'commands:' list in `pmtrace --help`:\n{top}")

secs = manlib.sections(manlib.render(man_page))
for need in ("COMMANDS", "OPTIONS"):
    if need not in secs:
        sys.exit(f"FAIL: {man_src} has no '# {need}' section")
subs = manlib.subsections(secs["COMMANDS"])
common = manlib.option_groups(secs["OPTIONS"])
common_opts = {o for g in common for o in g}

for cmd in commands:
    if cmd not in subs:
        fail(f"`pmtrace --help` lists the command '{cmd}', which {man_src} does not document: "
             f"add a '## {cmd}' subsection to '# COMMANDS' (usage line, what it does, its "
             f"options) and a '*pmtrace {cmd}* ...' line to '# SYNOPSIS'")
for sub in subs:
    if sub not in commands:
        fail(f"{man_src} documents a command '{sub}' (## {sub}) that `pmtrace --help` does not "
             f"list: remove the subsection, or add the command to extractor/main.c")


def probe(cmd, term, opt):
    """`pmtrace CMD OPT [ARG] --help` must exit 0."""
    # the option's argument, if the term gives one: "--cpu LIST" -> "1",
    # "--boot current|previous" -> "current"
    m = re.search(re.escape(opt) + r"[ =]([^\s,]+)", term)
    args = [opt]
    if m and not m.group(1).startswith("-"):
        metavar = m.group(1).strip("[]")
        args.append("1" if metavar.upper() == metavar else metavar.split("|")[0])
    if len(args) == 1:
        # documented without an argument: getopt would take "--help" as one
        _, _, err = run([cmd, opt])
        if re.search(r"requires an argument", err):
            fail(f"{man_src} documents `{opt}` for '{cmd}' without an argument, but "
                 f"`pmtrace {cmd} {opt}` says: {err.strip().splitlines()[0]}: write its "
                 f"argument after it, as --help names it")
            return False
    rc, _, err = run([cmd] + args + ["--help"])
    # A refused value ("bad duration '1'") still proves the option exists;
    # getopt's and the CLI's own refusals of the option itself do not.
    if rc != 0 and re.search(r"unrecognized option|invalid option|does not apply|"
                             r"requires an argument|doesn't allow an argument", err):
        fail(f"{man_src} documents `{opt}` for '{cmd}' but `pmtrace {cmd} {' '.join(args)} "
             f"--help` says: {err.strip().splitlines()[0]}: the option does not exist, or "
             f"takes an argument other than as written")
        return False
    return True


for cmd in commands:
    if cmd not in subs:
        continue
    rc, usage, err = run([cmd, "--help"])
    if rc != 0:
        fail(f"`pmtrace {cmd} --help` exits {rc}: {err.strip()}")
        continue
    listed = set(manlib.OPTION_RE.findall(usage))
    groups = manlib.option_groups(subs[cmd])
    documented = {o for g in groups for o in g} | common_opts
    bad = False
    for opt in sorted(listed - documented):
        bad = True
        m = re.search(re.escape(opt) + r"[ =]([A-Z][A-Z0-9_:|*]*)\b", usage)
        term = f"*{opt}*" + (f" _{m.group(1)}_" if m else "")
        fail(f"`pmtrace {cmd} --help` lists {opt}, which {man_src} does not document: add "
             f"a line \"{term}\" followed by a tab-indented description to '## {cmd}' "
             f"under '# COMMANDS' (to '# OPTIONS' instead if every command accepts it)")
    for g in groups:
        if not set(g) & listed:
            bad = True
            fail(f"{man_src} documents {', '.join(g)} under '## {cmd}', which "
                 f"`pmtrace {cmd} --help` does not list: add it to the usage text of '{cmd}' "
                 f"(extractor/cmd_{cmd}.c), or remove it from the man page")
    # every documented option must parse, for this command
    term_of = {}
    for ind, text in subs[cmd]:
        if ind == 7 and text.startswith("-"):
            for o in manlib.OPTION_RE.findall(text):
                term_of[o] = text
    for ind, text in secs["OPTIONS"]:
        if ind == 7 and text.startswith("-"):
            for o in manlib.OPTION_RE.findall(text):
                term_of.setdefault(o, text)
    for opt, term in sorted(term_of.items()):
        bad |= not probe(cmd, term, opt)
    if not bad:
        ok(f"{cmd}: --help lists {len(listed)} options, all documented; "
           f"{len(groups)} option entries under '## {cmd}' and {len(common)} common ones, "
           f"all listed and accepted")

print(f"{passes} passed, {fails} failed")
sys.exit(1 if fails else 0)

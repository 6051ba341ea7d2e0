#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-crash-help.py TRACE_CMD_C MAN_SOURCE BUILT_MAN_PAGE

crash's `help trace` (the help_trace[] array of crash-ext/trace_cmd.c) and
the crash-pmtrace(7) man page must say the same, word for word (line breaks,
indentation and markup aside):

  help_trace[0] - help_trace[1]        NAME, after "crash-pmtrace, "
  help_trace[0] help_trace[2]          SYNOPSIS
  help_trace[3..] up to "\\nEXAMPLE"    DESCRIPTION
  after "\\nEXAMPLE"                    EXAMPLES
  any other "\\nHEADING" element        the man section HEADING

The man page is read as rendered (BUILT_MAN_PAGE, the built roff), so what
is compared is what a reader of either sees. On a difference the message
names both places, the first differing words and what to change.
"""
import difflib
import re
import sys

sys.path.insert(0, __import__("os").path.dirname(__file__))
import manlib  # noqa: E402

c_file, man_src, man_page = sys.argv[1:4]
help_ = manlib.c_string_array(c_file, "help_trace")
if len(help_) < 3:
    sys.exit(f"FAIL: {c_file}: help_trace[] has {len(help_)} elements, crash needs at least 3")
name_line, name = help_[0]

# help sections: {heading: [(c line, text)]}
hsec = {"NAME": [(help_[1][0], f"{name} - {help_[1][1]}")],
        "SYNOPSIS": [(help_[2][0], f"{name} {help_[2][1]}")],
        "DESCRIPTION": []}
cur = "DESCRIPTION"
for line, s in help_[3:]:
    m = re.fullmatch(r"\n*([A-Z][A-Z ]*[A-Z])\n*", s)
    if m:
        cur = "EXAMPLES" if m.group(1) == "EXAMPLE" else m.group(1)
        hsec[cur] = []
        continue
    hsec[cur].append((line, s))

msec = manlib.sections(manlib.render(man_page))
fails = 0


def source_words(path):
    """The man source as (line, word) pairs, scdoc markup removed."""
    out = []
    for n, raw in enumerate(open(path, encoding="utf-8"), 1):
        if raw.startswith(";"):
            continue
        plain = re.sub(r"\\(.)", r"\1", re.sub(r"(?<!\\)[*_]|\+\+$", "", raw.rstrip("\n")))
        out += [(n, w) for w in plain.split()]
    return out


def man_line(mwords, i):
    """The man source line of rendered word i (found by its neighbours)."""
    src = source_words(man_src)
    sw = [w for _, w in src]
    for before in (3, 2, 1, 0):
        if i - before < 0:
            continue
        seq = mwords[i - before:i + 2]
        for k in range(len(sw) - len(seq) + 1):
            if sw[k:k + len(seq)] == seq:
                return src[k + before][0]
    return None


def quote(ws):
    return " ".join(ws) if len(ws) <= 16 else " ".join(ws[:16]) + " ..."


for heading, items in hsec.items():
    hwords, hline_of = [], []
    for line, s in items:
        for w in s.split():
            hwords.append(w)
            hline_of.append((line, s))
    if heading not in msec:
        fails += 1
        print(f"FAIL: {man_src} has no section '# {heading}', which crash's help has "
              f"({c_file}:{items[0][0] if items else name_line}): add it, saying "
              f"\"{quote(hwords)}\"")
        continue
    mtext = " ".join(t for _, t in msec[heading] if t)
    if heading == "NAME":
        mtext = re.sub(r"^crash-pmtrace,\s*", "", mtext)
    mwords = mtext.split()
    if hwords == mwords:
        print(f"ok: {heading}: {len(hwords)} words equal")
        continue
    fails += 1
    op = next(o for o in difflib.SequenceMatcher(None, hwords, mwords, autojunk=False)
              .get_opcodes() if o[0] != "equal")
    tag, h0, h1, m0, m1 = op
    cline = hline_of[min(h0, len(hline_of) - 1)][0] if hline_of else name_line
    mline = man_line(mwords, m0) if m0 < len(mwords) else None
    at = f"{man_src}:{mline}" if mline else f"{man_src} (section # {heading})"
    prefix = f"FAIL: {heading}: crash's help ({c_file}:{cline}) and {man_src} differ:\n  "
    if tag == "insert":
        print(prefix + f"the man page has \"{quote(mwords[m0:m1])}\" ({at}), which "
              f"help_trace[] does not: remove it there, or add it to help_trace[] at "
              f"{c_file}:{cline}")
    elif tag == "delete":
        print(prefix + f"help_trace[] has \"{quote(hwords[h0:h1])}\" ({c_file}:{cline}), "
              f"which the man page does not: add it to {at} (before "
              f"\"{quote(mwords[m0:m0 + 4])}\")" if m0 < len(mwords) else
              prefix + f"help_trace[] has \"{quote(hwords[h0:h1])}\" ({c_file}:{cline}), "
              f"which the man page does not: add it at the end of section # {heading} "
              f"of {man_src}")
    else:
        print(prefix + f"help_trace[] says \"{quote(hwords[h0:h1])}\" ({c_file}:{cline}) "
              f"where the man page says \"{quote(mwords[m0:m1])}\" ({at}): make the man "
              f"page say what help_trace[] says, or change both")

print(f"{len(hsec) - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)

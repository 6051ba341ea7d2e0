# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers of the documentation drift tests (tests/package/check-*.py).

The man pages are checked as a reader sees them: rendered by groff (the
formatter man(1) uses) to plain text on one very long line per paragraph, so
the checks do not depend on the source format (scdoc today) or on line
breaks, only on the words and the layout man(7) gives them:

  NAME                      section heading, column 0
     show                   subsection (.SS), column 3
         --cpu LIST         paragraph or option term, column 7
             Only these...  option description, column 11
"""
import os
import re
import subprocess

# An option as --help and the man pages write it: --long or -x, not part of a
# word (tracefs-shaped, 0,2-3) or a path.
OPTION_RE = re.compile(r"(?<![\w/.-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")


def render(man_file):
    """The man page as a list of (indent, text) lines, markup removed."""
    out = subprocess.run(
        ["groff", "-man", "-Tascii", "-rLL=4000n", "-rHY=0", "-P-cbou", man_file],
        check=True, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C")).stdout
    lines = []
    for raw in out.splitlines():
        text = raw.rstrip()
        if not text:
            lines.append((None, ""))
            continue
        lines.append((len(text) - len(text.lstrip(" ")), text.strip()))
    # drop the running header and footer lines (first and last non-empty)
    nonempty = [i for i, (ind, t) in enumerate(lines) if t]
    if nonempty:
        del lines[nonempty[-1]]
        del lines[nonempty[0]]
    return lines


def sections(lines):
    """{SECTION: [(indent, text), ...]} of a rendered page, in order."""
    out, cur = {}, None
    for ind, text in lines:
        if ind == 0 and text:
            cur = text
            out[cur] = []
        elif cur is not None:
            out[cur].append((ind, text))
    return out


def subsections(body):
    """{name: [(indent, text), ...]} of the .SS subsections (column 3)."""
    out, cur = {}, None
    for ind, text in body:
        if ind == 3:
            cur = text
            out[cur] = []
        elif cur is not None:
            out[cur].append((ind, text))
    return out


def option_groups(body):
    """The options a section documents: each option term (a line at column 7
    starting with '-') as the tuple of the options it names, e.g.
    ('-o', '--output') for "-o DIR, --output DIR"."""
    groups = []
    for ind, text in body:
        if ind == 7 and text.startswith("-"):
            groups.append(tuple(OPTION_RE.findall(text)))
    return groups


def words(text):
    return text.split()


def c_string_array(c_file, name):
    """The elements of `static char *NAME[] = { "...", ..., NULL };` in a C
    file, adjacent literals joined, escapes decoded: [(line, string)]."""
    src = open(c_file, encoding="utf-8").read()
    m = re.search(r"\b" + re.escape(name) + r"\s*\[\s*\]\s*=\s*\{", src)
    if not m:
        raise ValueError(f"{c_file}: no array {name}[]")
    pos, elems, cur, cur_line = m.end(), [], None, None
    while pos < len(src):
        c = src[pos]
        if c == '"':
            end = pos + 1
            while src[end] != '"':
                end += 2 if src[end] == "\\" else 1
            lit = src[pos + 1:end].encode("latin-1", "backslashreplace").decode("unicode_escape")
            if cur is None:
                cur, cur_line = "", src.count("\n", 0, pos) + 1
            cur += lit
            pos = end + 1
        elif c == ",":
            if cur is not None:
                elems.append((cur_line, cur))
            cur = None
            pos += 1
        elif src.startswith("NULL", pos) or c == "}":
            if cur is not None:
                elems.append((cur_line, cur))
            return elems
        elif src.startswith("/*", pos):
            pos = src.index("*/", pos) + 2
        elif src.startswith("//", pos):
            pos = src.index("\n", pos)
        else:
            pos += 1
    raise ValueError(f"{c_file}: {name}[] does not end")

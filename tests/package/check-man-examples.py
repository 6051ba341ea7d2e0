#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-man-examples.py PMTRACE SOURCE_ROOT MAN_SOURCE...

The examples of the man pages are real: in every literal block (``` ... ```)
of the scdoc sources, a line "$ COMMAND" is run with bash, from a scratch
directory where vmcores/ is the source tree's (so "vmcores/sample/vmcore"
works) and `pmtrace` is PMTRACE, with an empty PMTRACE_CACHE; its standard
output must be the lines that follow, up to the next "$ " line or the end of
the block, byte for byte. On a difference the message gives the source line
and the output to paste there.
"""
import difflib
import os
import subprocess
import sys
import tempfile

pmtrace, root = sys.argv[1:3]
fails = passes = 0

with tempfile.TemporaryDirectory(prefix="pmtrace-man-examples.") as tmp:
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    os.symlink(os.path.abspath(pmtrace), os.path.join(bindir, "pmtrace"))
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""),
               PMTRACE_CACHE=os.path.join(tmp, "cache"), LC_ALL="C")
    for man_src in sys.argv[3:]:
        examples, block, cur = [], False, None
        for n, line in enumerate(open(man_src, encoding="utf-8"), 1):
            line = line.rstrip("\n")
            if line.strip() == "```":
                block = not block
                cur = None
                continue
            if not block:
                continue
            if line.startswith("$ "):
                cur = [n, line[2:], []]
                examples.append(cur)
            elif cur is not None:
                cur[2].append(line)
        for n, cmd, want in examples:
            work = tempfile.mkdtemp(dir=tmp)
            os.symlink(os.path.join(os.path.abspath(root), "vmcores"),
                       os.path.join(work, "vmcores"))
            p = subprocess.run(["bash", "-c", cmd], cwd=work, env=env, capture_output=True,
                               text=True, timeout=300)
            got = p.stdout.splitlines()
            if got == want and got:
                passes += 1
                print(f"ok: {man_src}:{n}: {cmd[:70]}{'...' if len(cmd) > 70 else ''} "
                      f"({len(got)} lines)")
                continue
            fails += 1
            print(f"FAIL: {man_src}:{n}: `{cmd}` does not print what the page shows "
                  f"(exit {p.returncode}; stderr: {p.stderr.strip()[:300]!r}).\n"
                  f"  Paste its real output after line {n} (from the top of the source tree), "
                  f"or fix pmtrace. Difference (- page, + now):")
            for d in list(difflib.unified_diff(want, got, "page", "now", lineterm="", n=1))[:30]:
                print("    " + d)

print(f"{passes} passed, {fails} failed")
sys.exit(1 if fails or not passes else 0)

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# hostile-test.py PMTRACE SRC WORKDIR files|sample|nondump|types
#
# Run `pmtrace info` and `pmtrace show` on hostile inputs (tests/hostile/
# README.md lists them with what must happen) and check, for each: the exit
# status (2, or 1 where something was salvageable), that the kind of problem
# and the field appear on stderr (for info: or in its "could not read" list), that no signal or sanitizer report ended
# the process, and that it finished within the timeout. Sanitizer reports get
# exit codes of their own (ASAN 99, LSAN 97; UBSan aborts), so they can never
# pass for pmtrace's own 1 or 2. Prints one line per run with its time.
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PMTRACE, SRC, WORK, WHAT = sys.argv[1:5]
HERE = os.path.join(SRC, "tests", "hostile")
SAMPLE = os.path.join(SRC, "vmcores", "sample")
TIMEOUT_SMALL = 10  # seconds, for files refused from their headers
TIMEOUT_SAMPLE = 120  # the sample dump is read whole (ASan build: ~10 s)

env = dict(os.environ)
env["ASAN_OPTIONS"] = "exitcode=99:detect_leaks=1:" + env.get("ASAN_OPTIONS", "")
env["LSAN_OPTIONS"] = ("exitcode=97:suppressions=%s/tests/extractor/lsan-libkdumpfile.supp"
                       % SRC)
env["UBSAN_OPTIONS"] = "halt_on_error=1:print_stacktrace=1"
env["PMTRACE_CACHE"] = os.path.join(WORK, "cache")  # rebuilt flattened files
os.makedirs(WORK, exist_ok=True)

failures = []


def table(title):
    """Rows of the markdown table under '## title' in the README."""
    rows, inside = [], False
    with open(os.path.join(HERE, "README.md")) as f:
        for line in f:
            if line.startswith("## "):
                inside = line[3:].strip() == title
                continue
            if inside and line.startswith("| `"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                cells[0] = cells[0].strip("`")
                rows.append(cells)
    if not rows:
        sys.exit(f"hostile-test: no rows under '## {title}' in README.md")
    return rows


def run(label, args, exits, words, timeout, user=None, binary=PMTRACE):
    cmd = [binary] + args
    if user is not None:
        cmd = ["setpriv", "--reuid=%d" % user, "--regid=%d" % user, "--clear-groups"] + cmd
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=timeout)
        rc, err = p.returncode, p.stderr.decode(errors="replace")
        if args[0] == "info":  # info lists what it could not read on stdout
            err += "\n" + "\n".join(l for l in p.stdout.decode(errors="replace").splitlines()
                                   if l.startswith("  [") or "could not read" in l)
    except subprocess.TimeoutExpired as e:
        rc, err = "timeout", (e.stderr or b"").decode(errors="replace")
    dt = time.monotonic() - t0
    problems = []
    if rc == "timeout":
        problems.append(f"did not finish within {timeout} s")
    elif rc < 0:
        problems.append(f"killed by signal {-rc}")
    elif rc not in exits:
        problems.append(f"exit {rc}, want {'/'.join(map(str, exits))}")
    if re.search(r"Sanitizer|runtime error:", err):
        problems.append("sanitizer report")
    for w in words:
        if w.lower() not in err.lower():
            problems.append(f"stderr does not name '{w}'")
    status = "ok" if not problems else "FAIL: " + "; ".join(problems)
    print(f"{label:55s} exit {rc!s:>7}  {dt:6.2f} s  {status}")
    if problems:
        failures.append(label)
        sys.stdout.write("    stderr: " + err.strip().replace("\n", "\n    stderr: ")[:3000] + "\n")


def both(name, path, exits, words, timeout, extra=()):
    for verb in ("info", "show"):
        run(f"{verb} {name}", [verb, *extra, path], exits, words, timeout)


def exits_of(cell):
    return [int(x) for x in cell.split("/")]


if WHAT == "files":
    for name, ex, kind, field, _ in table("Files"):
        both(name, os.path.join(HERE, name + ".vmcore"), exits_of(ex), [kind, field],
             TIMEOUT_SMALL)
elif WHAT == "sample":
    base = os.path.join(SAMPLE, "vmcore")
    with open(base, "rb") as f:
        data = f.read()
    for name, patch, ex, kind, field, _ in table("Damaged copies of the sample dump"):
        d = bytearray(data)
        for op in patch.split(","):
            m = re.fullmatch(r"u32@(\d+)=(0x[0-9a-f]+|\d+)", op)
            if m:
                d[int(m[1]):int(m[1]) + 4] = int(m[2], 0).to_bytes(4, "little")
            elif op.startswith("cut="):
                d = d[: int(len(d) * float(op[4:]))]
            else:
                sys.exit(f"hostile-test: bad patch {op!r}")
        path = os.path.join(WORK, name)
        with open(path, "wb") as f:
            f.write(d)
        both(name, path, exits_of(ex), [kind, field], TIMEOUT_SAMPLE,
             ["--profile", os.path.join(SAMPLE, "profile")])
elif WHAT == "nondump":
    empty = os.path.join(WORK, "empty")
    open(empty, "wb").close()
    both("empty file", empty, [2], ["empty"], TIMEOUT_SMALL)
    d = os.path.join(WORK, "a-directory")
    os.makedirs(d, exist_ok=True)
    both("directory", d, [2], ["directory"], TIMEOUT_SMALL)
    both("/dev/zero", "/dev/zero", [2], ["character device"], TIMEOUT_SMALL)
    fifo = os.path.join(WORK, "fifo")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    both("FIFO (no writer)", fifo, [2], ["FIFO"], TIMEOUT_SMALL)
    both("/proc/self/mem (EIO)", "/proc/self/mem", [2], ["Input/output error"],
         TIMEOUT_SMALL)
    both("missing file", os.path.join(WORK, "no-such-file"), [2], ["No such file"],
         TIMEOUT_SMALL)
    # A file that cannot be read. Root reads mode-000 files, so as root the
    # run is made as nobody, from a world-readable temporary directory
    # holding a copy of pmtrace (nothing else changes permissions).
    tmp = tempfile.mkdtemp(prefix="pmt-hostile-")
    try:
        os.chmod(tmp, 0o755)
        unreadable = os.path.join(tmp, "unreadable")
        shutil.copy(os.path.join(HERE, "not-a-dump.vmcore"), unreadable)
        os.chmod(unreadable, 0)
        user, binary = None, PMTRACE
        if os.geteuid() == 0:
            user, binary = 65534, os.path.join(tmp, "pmtrace")
            shutil.copy(PMTRACE, binary)
            os.chmod(binary, 0o755)
        for verb in ("info", "show"):
            run(f"{verb} unreadable file", [verb, unreadable], [2], ["Permission denied"],
                TIMEOUT_SMALL, user, binary)
    finally:
        shutil.rmtree(tmp)
    both("vmlinux given as the dump", os.path.join(HERE, "elf-not-a-core.vmcore"), [2],
         ["not a core dump"], TIMEOUT_SMALL)
    both("profile given as the dump", os.path.join(SAMPLE, "profile"), [2], ["not a dump"],
         TIMEOUT_SMALL)
else:
    sys.exit("usage: hostile-test.py PMTRACE SRC WORKDIR files|sample|nondump")

if failures:
    print(f"{len(failures)} FAILED: {', '.join(failures)}")
    sys.exit(1)
print("all passed")

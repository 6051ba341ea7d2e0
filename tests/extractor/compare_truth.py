#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `pmtrace dump` of every corpus dump with what the kernel printed.

For one corpus scenario directory (vmcores/corpus.sh layout: manifest.tsv,
vmcore.*, truth/), and every dump format in its manifest:

  * run `pmtrace dump` once (it writes per_cpu/cpuN/trace for every buffer);
  * for every buffer and CPU of the ground truth, the sequence of
    (CPU, time stamp as printed, pid, event name) must equal the truth exactly;
  * whole lines (headers included) must be identical for >= 99.9 % of events,
    and every differing line is printed with the reason;
  * the header's entries count and `stats` entries/overrun must agree with
    `pmtrace info --json`;
  * event formats and header_page must be byte-identical to tracefs's.

Exit 0 when all holds, 1 otherwise (77 = skip: no such corpus).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+(\d+(?:\.\d+)?): ([^\s(]+)")
MIN_IDENTICAL = 0.999


def key(line):
    m = LINE.match(line)
    if not m:
        return ("?", line)
    body = m.group(6).rstrip(":")
    return (int(m.group(3)), m.group(5), int(m.group(2)), body)


def read_lines(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace").splitlines()


def buffers(truth):
    out = []
    if os.path.isdir(os.path.join(truth, "global", "per_cpu")):
        out.append((None, os.path.join(truth, "global")))
    inst = os.path.join(truth, "instances")
    if os.path.isdir(inst):
        for name in sorted(os.listdir(inst)):
            out.append((name, os.path.join(inst, name)))
    return out


def parse_stats(path):
    stats = {}
    for line in read_lines(path):
        k, _, v = line.partition(":")
        stats[k.strip()] = v.strip()
    return stats


class Checker:
    def __init__(self):
        self.failures = []
        self.events = 0
        self.identical = 0
        self.diffs = []

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL: " + msg)


def compare_cpu(chk, label, truth_file, ours_file):
    t = read_lines(truth_file)
    o = read_lines(ours_file) if os.path.exists(ours_file) else []
    th = [l for l in t if l.startswith("#")]
    oh = [l for l in o if l.startswith("#")]
    te = [l for l in t if not l.startswith("#")]
    oe = [l for l in o if not l.startswith("#")]
    if th != oh:
        for a, b in zip(th, oh):
            if a != b:
                chk.fail("%s: header differs:\n    kernel:  %s\n    pmtrace: %s" % (label, a, b))
                break
        else:
            chk.fail("%s: header has %d lines, kernel's %d" % (label, len(oh), len(th)))
    tk = [key(l) for l in te]
    ok = [key(l) for l in oe]
    if tk != ok:
        n = next((i for i, (a, b) in enumerate(zip(tk, ok)) if a != b), min(len(tk), len(ok)))
        chk.fail("%s: event sequence differs at event %d of %d (pmtrace has %d):\n"
                 "    kernel:  %s\n    pmtrace: %s" % (label, n, len(tk), len(ok),
                                                        te[n] if n < len(te) else "(end)",
                                                        oe[n] if n < len(oe) else "(end)"))
    chk.events += len(te)
    for a, b in zip(te, oe):
        if a == b:
            chk.identical += 1
        else:
            chk.diffs.append((label, a, b))


def check_live(chk, fmt, out, cpus):
    """A dump taken while tracing ran: every CPU has events, time never goes
    backwards within a CPU, and pmtrace found at least 90 % of what the
    kernel's counters say is in the buffer (the writer may have been mid-page)."""
    for (buf, cpu), c in sorted(cpus.items()):
        if buf != "global":
            continue
        path = os.path.join(out, "per_cpu", "cpu%d" % cpu, "trace")
        lines = [l for l in read_lines(path) if not l.startswith("#")]
        ts = [float(key(l)[1]) for l in lines if key(l)[0] != "?"]
        label = "%s live cpu%d" % (fmt, cpu)
        if not lines:
            chk.fail("%s: no events" % label)
        elif any(b < a for a, b in zip(ts, ts[1:])):
            chk.fail("%s: time stamps go backwards" % label)
        elif len(lines) < 0.9 * c["in_buffer"]:
            chk.fail("%s: printed %d of %d" % (label, len(lines), c["in_buffer"]))
        chk.events += len(lines)
        chk.identical += len(lines)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pmtrace", required=True)
    ap.add_argument("--scenario-dir", required=True)
    ap.add_argument("--vmlinux")
    ap.add_argument("--profile")
    ap.add_argument("--formats", default="")
    ap.add_argument("--expect-read", action="store_true",
                    help="some CPU must have consumed events (trace_pipe read before the dump)")
    ap.add_argument("--expect-overrun", action="store_true")
    ap.add_argument("--filtered-ok", default="",
                    help="formats whose filtering may have dropped trace data (exit 1, only "
                         "'filtered out' diagnostics): reported, not failed")
    ap.add_argument("--live", action="store_true",
                    help="tracing was on during the dump: no exact truth; check invariants")
    ap.add_argument("--min-identical", type=float, default=MIN_IDENTICAL,
                    help="fraction of whole lines that must be identical")
    a = ap.parse_args()

    d = a.scenario_dir
    manifest = os.path.join(d, "manifest.tsv")
    if not os.path.exists(manifest):
        print("SKIP: no corpus at %s (run vmcores/corpus.sh)" % d)
        return 77
    types = ["--profile", a.profile] if a.profile else ["--vmlinux", a.vmlinux, "--no-cache"]
    rows = [l.split("\t") for l in read_lines(manifest)[1:] if l.strip()]
    want = set(a.formats.split(",")) if a.formats else None
    chk = Checker()
    cpus_by_info = {}
    truth = os.path.join(d, "truth")
    for row in rows:
        fmt, fname = row[2], row[3]
        if want and fmt not in want:
            continue
        dump = os.path.join(d, fname)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "tree")
            r = run([a.pmtrace, "dump"] + types + ["-o", out, dump])
            errs = [l for l in r.stderr.decode().splitlines() if "warning:" in l]
            # makedumpfile dropped trace pages: pmtrace must say so (exit 1,
            # a "filtered out" diagnostic; others may follow from the gap)
            if (r.returncode == 1 and fmt in a.filtered_ok.split(",") and
                    any("filtered out" in l for l in errs)):
                print("EXPECTED: %s: makedumpfile filtered trace pages out of this dump; "
                      "pmtrace reported it (exit 1):\n  %s" % (fmt, "\n  ".join(errs)))
                continue
            if r.returncode != 0:
                chk.fail("%s: pmtrace dump exited %d: %s" % (fmt, r.returncode,
                                                            r.stderr.decode()[-2000:]))
                continue
            # the kernel's counters are the same in every format of a cell:
            # ask `info` once (the first format), count events per format
            if not cpus_by_info:
                info = run([a.pmtrace, "info", "--json"] + types + [dump])
                for line in info.stdout.decode().splitlines():
                    o = json.loads(line)
                    if o.get("type") == "cpu":
                        cpus_by_info[(o["buffer"], o["cpu"])] = o
            cpus = cpus_by_info
            saw_read = saw_overrun = False
            if a.live:
                check_live(chk, fmt, out, cpus)
                continue
            for name, tdir in buffers(truth):
                odir = out if name is None else os.path.join(out, "instances", name)
                bname = "global" if name is None else name
                for cpu_dir in sorted(os.listdir(os.path.join(tdir, "per_cpu"))):
                    cpu = int(cpu_dir[3:])
                    label = "%s %s %s" % (fmt, bname, cpu_dir)
                    compare_cpu(chk, label, os.path.join(tdir, "per_cpu", cpu_dir, "trace"),
                                os.path.join(odir, "per_cpu", cpu_dir, "trace"))
                    st = parse_stats(os.path.join(tdir, "per_cpu", cpu_dir, "stats"))
                    c = cpus.get((bname, cpu))
                    if not c:
                        chk.fail("%s: info has no such CPU" % label)
                        continue
                    if int(st["entries"]) != c["in_buffer"] or int(st["overrun"]) != c["overrun"]:
                        chk.fail("%s: stats entries/overrun %s/%s, pmtrace %d/%d" %
                                 (label, st["entries"], st["overrun"], c["in_buffer"], c["overrun"]))
                    ours = os.path.join(odir, "per_cpu", cpu_dir, "trace")
                    n = len([l for l in read_lines(ours) if not l.startswith("#")]) \
                        if os.path.exists(ours) else 0
                    if n != int(st["entries"]):
                        chk.fail("%s: %d events printed, the kernel's stats count %s" %
                                 (label, n, st["entries"]))
                    saw_read |= c["read"] > 0
                    saw_overrun |= c["overrun"] > 0
            if a.expect_read and not saw_read:
                chk.fail("%s: scenario should have consumed events (read > 0) but none" % fmt)
            if a.expect_overrun and not saw_overrun:
                chk.fail("%s: scenario should have overrun > 0 but none" % fmt)
            for root, _, files in os.walk(os.path.join(truth, "events")):
                for f in files:
                    rel = os.path.relpath(os.path.join(root, f), truth)
                    mine = os.path.join(out, rel)
                    if not os.path.exists(mine) or open(mine, "rb").read() != open(
                            os.path.join(truth, rel), "rb").read():
                        chk.fail("%s: %s differs from tracefs" % (fmt, rel))
    print("%d events compared, %d lines identical" % (chk.events, chk.identical))
    for label, k, o in chk.diffs[:200]:
        print("DIFF %s:\n    kernel:  %s\n    pmtrace: %s" % (label, k, o))
    if chk.events == 0:
        chk.fail("no events compared")
    elif chk.identical < a.min_identical * chk.events:
        chk.fail("only %.4f%% of lines identical (need %.1f%%)" %
                 (100.0 * chk.identical / chk.events, 100 * a.min_identical))
    if chk.failures:
        print("%d passed, %d failed" % (0, len(chk.failures)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

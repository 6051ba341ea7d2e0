#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare `pmtrace dump` of every corpus dump with what the kernel printed.

For one corpus scenario directory (vmcores/corpus.sh layout: manifest.tsv,
vmcore.*, truth/), and every dump format in its manifest:

  * run `pmtrace dump` once (it writes trace and per_cpu/cpuN/trace for every
    buffer);
  * every line of every buffer's `trace` and every `per_cpu/cpuN/trace`
    must be identical to the kernel's, headers included; a line that differs
    passes only if it matches an entry of KNOWN_DIFFERENCES (which says why
    pmtrace cannot print it as the kernel did), and any other difference,
    missing or extra line fails the test;
  * the header's entries count and `stats` entries/overrun must agree with
    `pmtrace info --json`, and for buffers printed one line per event the
    number of event lines must equal the kernel's entry count;
  * event formats must be byte-identical to tracefs's;
  * pmtrace must exit 0, or 1 with only diagnostics listed in KNOWN_DIAGNOSTICS
    (or, with --filtered-ok, makedumpfile's filtering reported as such).

Prints, per run, the lines compared, identical and listed (with reasons).
Exit 0 when all holds, 1 otherwise (77 = skip: no such corpus).
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys
import tempfile

LINE = re.compile(r"^\s*(.*)-(\d+)\s+\[(\d+)\]\s+(\S+)\s+(\d+(?:\.\d+)?): ([^\s(]+)")

# Lines pmtrace cannot print as the kernel did, each with the reason. A
# differing line is accepted only if the kernel's line matches `kernel` and
# pmtrace's matches `pmtrace` (both regular expressions, searched).
KNOWN_DIFFERENCES = [
    {
        "name": "fields-ptr-string",
        "kernel": r"=\(0x[0-9a-f]{16}\)",
        "pmtrace": r"=\(0x[0-9a-f]{16}",
        "reason": "the fields option prints a string pointer it cannot read as the address "
                  "of the field inside the kernel's iterator buffer (a kernel allocation "
                  "freed after the read); pmtrace prints the pointer itself",
    },
    {
        "name": "latency-preempt-model",
        "kernel": r"^# latency: .*\(M:(server|desktop|NONE|VOLUNTARY) ",
        "pmtrace": r"^# latency: .*\(M:unknown ",
        "reason": "kernels without PREEMPT_DYNAMIC record the preemption model (none or "
                  "voluntary) nowhere in memory: pmtrace prints 'unknown'",
    },
]

# Diagnostics that come with the known differences (pmtrace exits 1 for them).
KNOWN_DIAGNOSTICS = [
    r"option fields: string pointers print the string's address",
]


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


def known(kline, oline):
    for k in KNOWN_DIFFERENCES:
        if re.search(k["kernel"], kline) and re.search(k["pmtrace"], oline):
            return k
    return None


class Checker:
    def __init__(self):
        self.failures = []
        self.lines = 0
        self.identical = 0
        self.listed = collections.Counter()
        self.examples = {}

    def fail(self, msg):
        self.failures.append(msg)
        print("FAIL: " + msg)


def compare_file(chk, label, truth_file, ours_file):
    """Every line exact, or a listed difference. Returns the kernel's lines."""
    t = read_lines(truth_file)
    o = read_lines(ours_file) if os.path.exists(ours_file) else []
    bad = 0
    for i in range(max(len(t), len(o))):
        a = t[i] if i < len(t) else None
        b = o[i] if i < len(o) else None
        if a is not None:
            chk.lines += 1
        if a == b:
            chk.identical += 1
            continue
        k = known(a, b) if a is not None and b is not None else None
        if k:
            chk.listed[k["name"]] += 1
            chk.examples.setdefault(k["name"], (label, a, b))
            continue
        bad += 1
        if bad <= 5:
            chk.fail("%s: line %d differs:\n    kernel:  %s\n    pmtrace: %s" %
                     (label, i + 1, "(end)" if a is None else a, "(end)" if b is None else b))
    if bad > 5:
        chk.fail("%s: %d more differing lines" % (label, bad - 5))
    return t


def one_line_per_event(lines):
    """The default layout: every non-header line is one event."""
    return all(LINE.match(l) for l in lines if not l.startswith("#"))


def check_live(chk, fmt, out, cpus):
    """A dump taken while tracing ran: every CPU has events, time never goes
    backwards within a CPU, and pmtrace found at least 90 % of what the
    kernel's counters say is in the buffer (the writer may have been mid-page)."""
    for (buf, cpu), c in sorted(cpus.items()):
        if buf != "global":
            continue
        path = os.path.join(out, "per_cpu", "cpu%d" % cpu, "trace")
        lines = [l for l in read_lines(path) if not l.startswith("#")]
        ts = [float(LINE.match(l).group(5)) for l in lines if LINE.match(l)]
        label = "%s live cpu%d" % (fmt, cpu)
        if not lines:
            chk.fail("%s: no events" % label)
        elif any(b < a for a, b in zip(ts, ts[1:])):
            chk.fail("%s: time stamps go backwards" % label)
        elif len(lines) < 0.9 * c["in_buffer"]:
            chk.fail("%s: printed %d of %d" % (label, len(lines), c["in_buffer"]))
        chk.lines += len(lines)
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
    ap.add_argument("--cold", action="store_true",
                    help="start from an empty profile cache (types from DWARF first)")
    ap.add_argument("--live", action="store_true",
                    help="tracing was on during the dump: no exact truth; check invariants")
    a = ap.parse_args()

    d = a.scenario_dir
    manifest = os.path.join(d, "manifest.tsv")
    if not os.path.exists(manifest):
        print("SKIP: no corpus at %s (run vmcores/corpus.sh)" % d)
        return 77
    # --cold (with --vmlinux): a profile cache of this run's own, empty at
    # first, so the first format's types come from the vmlinux's DWARF and
    # the others' from the profile that run wrote (the two paths users take,
    # cold and warm, both compared with the kernel; DWARF is read once, not
    # per format). One scenario per kernel takes it: the types are the same
    # for every cell of a kernel build. Without it the shared cache of the
    # environment (PMTRACE_CACHE) answers, as it does for users; a profile
    # another build of pmtrace wrote is rebuilt from the vmlinux (profiles
    # carry the digest of lib/'s questions).
    own_cache = tempfile.TemporaryDirectory()
    env = dict(os.environ, PMTRACE_CACHE=own_cache.name) if a.cold else dict(os.environ)
    types = ["--profile", a.profile] if a.profile else ["--vmlinux", a.vmlinux]
    rows = [l.split("\t") for l in read_lines(manifest)[1:] if l.strip()]
    want = set(a.formats.split(",")) if a.formats else None
    chk = Checker()
    cpus_by_info = {}
    seen_formats = 0
    truth = os.path.join(d, "truth")
    for row in rows:
        fmt, fname = row[2], row[3]
        if want and fmt not in want:
            continue
        dump = os.path.join(d, fname)
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "tree")
            r = run([a.pmtrace, "dump"] + types + ["-o", out, dump], env=env)
            print("%s: %s" % (fmt, "--profile" if a.profile else
                              "the shared profile cache" if not a.cold else
                              "the profile cache the first format's run wrote" if seen_formats
                              else "an empty profile cache (types from DWARF)"))
            seen_formats += 1
            errs = [l for l in r.stderr.decode().splitlines() if "warning:" in l]
            # makedumpfile dropped trace pages: pmtrace must say so (exit 1,
            # a "filtered out" diagnostic; others may follow from the gap)
            if (r.returncode == 1 and fmt in a.filtered_ok.split(",") and
                    any("filtered out" in l for l in errs)):
                print("EXPECTED: %s: makedumpfile filtered trace pages out of this dump; "
                      "pmtrace reported it (exit 1):\n  %s" % (fmt, "\n  ".join(errs)))
                continue
            unknown = [l for l in errs if not any(re.search(p, l) for p in KNOWN_DIAGNOSTICS)]
            if r.returncode not in (0, 1) or (r.returncode == 1 and (unknown or not errs)):
                chk.fail("%s: pmtrace dump exited %d: %s" % (fmt, r.returncode,
                                                            r.stderr.decode()[-2000:]))
                continue
            for l in errs:
                print("EXPECTED: %s: %s" % (fmt, l))
            # the kernel's counters are the same in every format of a cell:
            # ask `info` once (the first format), count events per format
            if not cpus_by_info:
                info = run([a.pmtrace, "info", "--json"] + types + [dump], env=env)
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
                compare_file(chk, "%s %s trace" % (fmt, bname), os.path.join(tdir, "trace"),
                             os.path.join(odir, "trace"))
                for cpu_dir in sorted(os.listdir(os.path.join(tdir, "per_cpu"))):
                    cpu = int(cpu_dir[3:])
                    label = "%s %s %s" % (fmt, bname, cpu_dir)
                    t = compare_file(chk, label, os.path.join(tdir, "per_cpu", cpu_dir, "trace"),
                                     os.path.join(odir, "per_cpu", cpu_dir, "trace"))
                    st = parse_stats(os.path.join(tdir, "per_cpu", cpu_dir, "stats"))
                    c = cpus.get((bname, cpu))
                    if not c:
                        chk.fail("%s: info has no such CPU" % label)
                        continue
                    if int(st["entries"]) != c["in_buffer"] or int(st["overrun"]) != c["overrun"]:
                        chk.fail("%s: stats entries/overrun %s/%s, pmtrace %d/%d" %
                                 (label, st["entries"], st["overrun"], c["in_buffer"], c["overrun"]))
                    if one_line_per_event(t):
                        n = len([l for l in t if not l.startswith("#")])
                        if n != int(st["entries"]):
                            chk.fail("%s: the kernel printed %d events, its stats count %s" %
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
    listed = sum(chk.listed.values())
    print("%d lines compared, %d identical, %d listed as known differences" %
          (chk.lines, chk.identical, listed))
    for k in KNOWN_DIFFERENCES:
        if chk.listed[k["name"]]:
            label, kl, ol = chk.examples[k["name"]]
            print("LISTED %d x %s: %s\n    e.g. %s\n    kernel:  %s\n    pmtrace: %s" %
                  (chk.listed[k["name"]], k["name"], k["reason"], label, kl, ol))
    if chk.lines == 0:
        chk.fail("no lines compared")
    if chk.failures:
        print("0 passed, %d failed" % len(chk.failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

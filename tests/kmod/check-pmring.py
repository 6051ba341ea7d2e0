#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host-side checks of the pmtrace.ko corpus cells (vmcores/scenarios/pmring*).

check-pmring.py --tool PMT_REGION_TOOL CELL...

Each CELL is a corpus cell directory; its scenario (truth/scenario) decides:

pmring
  - the module's trace: the header's entries == its event lines == the sum of
    the per-CPU traces; each CPU's stats `entries` == its event lines; cpu0
    overwrote its oldest pages and entries-written == entries + overrun
  - the mmap reader (meta area + pages, reader-page ioctl) decoded events,
    every checksum right, no seq twice
  - trace_pipe_raw: the second long read took no page from the pool
    (pool_page_allocs unchanged) while reading pages; the first at most one
  - the dump (vmcore.elf) scanned as physical memory without debuginfo holds
    exactly one region (page allocator, chunk table); printed from its bytes
    it equals the module's trace and per-CPU traces byte for byte
  - seq numbers: no duplicate, no checksum failure, the unread events are
    exactly `entries` many and the newest ones, seq_next == committed + lost
  - trace_pipe_consumed: lines that are not in trace any more
  - ftrace cross-check: per CPU, the kernel's own sched/irq events of the same
    tracepoints (truth/global) in the window pmtrace still holds equal
    pmtrace's events line for line, time stamps left out; known
    differences, each with its reason, are normalised away (see FTRACE_DIFFS)
pmring-reboot
  - boot 2's previous/trace == boot 1's trace; the raw previous/region printed
    == boot 1's trace; boot 2's boot_seq == boot 1's + 1, different boot ids
  - the dump after boot 2 holds both regions: printed from the dump, boot 1's
    == boot 1's trace, boot 2's == boot 2's trace; seq checks on both
pmring-bad
  - per damage kind: dmesg names the rejection (CPU, page, reason) and
    previous/trace keeps exactly what was not damaged (see BAD)
Prints one line per check; exit 1 if any failed.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile

failures = 0


def ok(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1
    return cond


def read(p):
    with open(p, "rb") as f:
        return f.read()


def lines(p):
    return [l for l in read(p).decode("utf-8", "replace").split("\n") if l and not l.startswith("#")]


def stat(p, key):
    m = re.search(r"^%s: *(\S+)" % re.escape(key), read(p).decode(), re.M)
    return m.group(1) if m else None


def header_entries(p):
    m = re.search(rb"entries-in-buffer/entries-written: (\d+)/(\d+)", read(p))
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def check_trace_dir(d, what):
    """The module's files in d: header entries == lines == per-CPU lines."""
    tr = os.path.join(d, "trace")
    ev = lines(tr)
    e, _ = header_entries(tr)
    ok(e == len(ev), "%s: trace header entries %s == %d event lines" % (what, e, len(ev)))
    tot = 0
    cpus = sorted(os.listdir(os.path.join(d, "per_cpu")), key=lambda c: int(c[3:]))
    for c in cpus:
        n = len(lines(os.path.join(d, "per_cpu", c, "trace")))
        s = stat(os.path.join(d, "per_cpu", c, "stats"), "entries")
        ok(s is not None and int(s) == n, "%s: %s stats entries %s == %d lines" % (what, c, s, n))
        tot += n
    ok(tot == len(ev), "%s: per-CPU lines %d == trace lines %d" % (what, tot, len(ev)))
    return cpus


def scan(tool, vmcore, tmp):
    r = run([tool, "scan", vmcore, os.path.join(tmp, "r")])
    regions = {}
    for l in r.stdout.decode().splitlines():
        m = re.match(r"region boot_seq (\d+) phys (\S+) size (\d+) chunks (\d+) label (\S+) .* -> (\S+)", l)
        if m:
            regions[int(m.group(1))] = dict(phys=m.group(2), chunks=int(m.group(4)), label=m.group(5),
                                             path=m.group(6))
    return regions, r.stdout.decode() + r.stderr.decode()


def text(tool, region, cpu=None):
    a = [tool, "text", region] + ([str(cpu)] if cpu is not None else [])
    return run(a).stdout


def seqcheck(tool, region, d, cpus, what):
    r = run([tool, "seqcheck", region] + [os.path.join(d, "per_cpu", c, "stats") for c in cpus])
    for l in r.stdout.decode().splitlines():
        if not l.endswith("FAIL"):
            print("     " + l)
    ok(r.returncode == 0, "%s: seq numbers complete, no duplicates, no torn events%s" %
       (what, "" if r.returncode == 0 else ": " + r.stdout.decode().strip()))


# Known, explained differences between ftrace's text and pmtrace's for the
# same tracepoint hit (the time stamps are taken by each probe: never equal).
FTRACE_DIFFS = [
    # the kernel prints irq_handler_exit's ret as a word, pmtrace as %d
    (re.compile(r"irq_handler_exit: irq=(\d+) ret=handled$"), r"irq_handler_exit: irq=\1 ret=1"),
    (re.compile(r"irq_handler_exit: irq=(\d+) ret=unhandled$"), r"irq_handler_exit: irq=\1 ret=0"),
]
LINE = re.compile(r"^(.{16})-(\d+) +\[(\d{3})\] (\S{4,5}) +(\d+\.\d{6}): (\w+): (.*)$")


def norm(l, ftrace):
    m = LINE.match(l)
    if not m:
        return None
    comm, pid, cpu, flags, ts, ev, body = m.groups()
    s = "%s: %s" % (ev, body)
    if ftrace:
        for rx, rep in FTRACE_DIFFS:
            s = rx.sub(rep, s)
    # pmtrace always prints 5 flag characters; 5.10 prints 4 (no migrate-disable)
    return (int(cpu), float(ts), "%s-%s %s %s" % (comm.strip(), pid, flags[:4], s))


def ftrace_cross(truth, what):
    pm = [norm(l, False) for l in lines(os.path.join(truth, "pmtrace", "trace"))]
    ft = [norm(l, True) for l in lines(os.path.join(truth, "global", "trace"))]
    pm = [x for x in pm if x and not x[2].split(" ", 2)[2].startswith("marker:")]
    ft = [x for x in ft if x and x[2].split(" ", 2)[2].split(":")[0] in
          ("sched_switch", "sched_wakeup", "irq_handler_entry", "irq_handler_exit")]
    for cpu in sorted({x[0] for x in pm}):
        ps = [x[2] for x in pm if x[0] == cpu]
        fs = [x[2] for x in ft if x[0] == cpu]
        # ftrace's clock is not pmtrace's (under TCG the kernel switches
        # ftrace to "global"; pmtrace uses trace_clock_local): align on
        # content, at the start where the longest run of events agrees
        best, start = -1, None
        for k in [i for i, x in enumerate(fs) if x == ps[0]]:
            n = 0
            while n < len(ps) and k + n < len(fs) and fs[k + n] == ps[n]:
                n += 1
            if n > best:
                best, start = n, k
        if start is None:
            ok(False, "%s: cpu%d: pmtrace's first event not in ftrace's buffer: %s" % (what, cpu, ps[0]))
            continue
        fs = fs[start:start + len(ps)]
        diff = [(a, b) for a, b in zip(ps, fs) if a != b]
        # only the comm may differ: ftrace's saved_cmdlines vs pmtrace's table
        comm_only = [(a, b) for a, b in diff if a.split(" ", 1)[1] == b.split(" ", 1)[1]]
        real = [(a, b) for a, b in diff if (a, b) not in comm_only]
        ok(len(fs) == len(ps) and not real,
           "%s: cpu%d: %d pmtrace events == ftrace's line for line (time stamps aside; %d differ "
           "only in the comm of the pid prefix)%s" %
           (what, cpu, len(ps), len(comm_only),
            "" if not real else "; first of %d differences: pmtrace '%s' ftrace '%s'" %
            (len(real), real[0][0], real[0][1])))


def check_pmring(cell, tool, tmp):
    t = os.path.join(cell, "truth")
    d = os.path.join(t, "pmtrace")
    what = os.path.relpath(cell, os.path.dirname(os.path.dirname(cell)))
    cpus = check_trace_dir(d, what)
    e, w = header_entries(os.path.join(d, "trace"))
    ovr = [int(stat(os.path.join(d, "per_cpu", c, "stats"), "overrun")) for c in cpus]
    ok(ovr[0] > 0 and w == e + sum(ovr),
       "%s: flight recorder: overrun %s, entries-written %s == entries %s + overrun" % (what, ovr, w, e))
    mm = read(os.path.join(d, "mmap")).decode().strip()
    m = re.match(r"mmap cpu0: swaps (\d+) pages (\d+) events (\d+) bad_csum (\d+) duplicates (\d+)", mm)
    ok(m and int(m.group(3)) > 0 and m.group(4) == "0" and m.group(5) == "0",
       "%s: zero-copy mmap reader: %s" % (what, mm))
    r = os.path.join(d, "raw")
    p0, p1, p2 = (int(stat(os.path.join(r, f), "pool_page_allocs")) for f in
                  ("stats_before", "stats_after", "stats_after2"))
    n1, n2 = (int(stat(os.path.join(r, f), "raw_pages_read")) for f in ("stats_after", "stats_after2"))
    ok(p1 - p0 <= 1, "%s: first trace_pipe_raw read: %d pages, %d pool allocation(s)" % (what, n1, p1 - p0))
    ok(p2 == p1 and n2 - n1 >= 10,
       "%s: steady state: second read of %d pages, %d pool allocations (must be 0)" % (what, n2 - n1, p2 - p1))
    regions, log = scan(tool, os.path.join(cell, "vmcore.elf"), tmp)
    if not ok(len(regions) == 1, "%s: the dump holds one region (%s)" % (what, log.strip().replace("\n", "; "))):
        return
    reg = list(regions.values())[0]
    ok(reg["label"] == "pages" and reg["chunks"] >= 1,
       "%s: page-allocator region in %d physical chunks" % (what, reg["chunks"]))
    ok(text(tool, reg["path"]) == read(os.path.join(d, "trace")),
       "%s: region from the dump printed == the module's trace (byte for byte)" % what)
    for c in cpus:
        ok(text(tool, reg["path"], int(c[3:])) == read(os.path.join(d, "per_cpu", c, "trace")),
           "%s: region from the dump, %s == per_cpu/%s/trace" % (what, c, c))
    seqcheck(tool, reg["path"], d, cpus, what)
    consumed = [l for l in read(os.path.join(d, "trace_pipe_consumed")).decode().split("\n")[:-1] if l]
    tr = set(lines(os.path.join(d, "trace")))
    ok(consumed and not any(l in tr for l in consumed),
       "%s: %d lines consumed through trace_pipe, none still in trace" % (what, len(consumed)))
    ftrace_cross(t, what)


def check_reboot(cell, tool, tmp):
    t = os.path.join(cell, "truth")
    b1, b2 = os.path.join(t, "boot1", "pmtrace"), os.path.join(t, "boot2", "pmtrace")
    what = os.path.relpath(cell, os.path.dirname(os.path.dirname(cell)))
    cpus1 = check_trace_dir(b1, what + " boot1")
    cpus2 = check_trace_dir(b2, what + " boot2")
    tr1 = read(os.path.join(b1, "trace"))
    ok(read(os.path.join(b2, "previous", "trace")) == tr1, "%s: boot 2's previous/trace == boot 1's trace" % what)
    raw = os.path.join(tmp, "previous.bin")
    with open(raw, "wb") as f:
        f.write(gzip.decompress(read(os.path.join(b2, "previous", "region.gz"))))
    ok(text(tool, raw) == tr1, "%s: boot 2's previous/region printed == boot 1's trace" % what)
    s1, s2 = int(stat(os.path.join(b1, "stats"), "boot_seq")), int(stat(os.path.join(b2, "stats"), "boot_seq"))
    ok(s2 == s1 + 1 and stat(os.path.join(b1, "stats"), "boot_id") != stat(os.path.join(b2, "stats"), "boot_id"),
       "%s: boot_seq %d -> %d, boot ids differ" % (what, s1, s2))
    regions, log = scan(tool, os.path.join(cell, "vmcore.elf"), tmp)
    if not ok(s1 in regions and s2 in regions, "%s: the dump after boot 2 holds both boots' regions (%s)" %
              (what, log.strip().replace("\n", "; "))):
        return
    ok(text(tool, regions[s1]["path"]) == tr1, "%s: boot 1's region from the dump == boot 1's trace" % what)
    ok(text(tool, regions[s2]["path"]) == read(os.path.join(b2, "trace")),
       "%s: boot 2's region from the dump == boot 2's trace" % what)
    seqcheck(tool, regions[s1]["path"], b1, cpus1, what + " boot1")
    seqcheck(tool, regions[s2]["path"], b2, cpus2, what + " boot2")


def cpu_of(l):
    m = LINE.match(l)
    return int(m.group(3)) if m else None


def subsequence(small, big):
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


# What each damage must leave: (dmesg pattern, check(before, after) -> (bool, detail)).
def bad_event(b, a):
    missing = [l for l in b if l not in set(a)]
    return len(a) == len(b) - 1 and subsequence(a, b) and all(cpu_of(l) == 0 for l in missing), \
        "%d -> %d lines, the missing one on cpu0" % (len(b), len(a))


def bad_page(b, a):
    sa = set(a)
    missing = [i for i, l in enumerate(b) if l not in sa]
    c0 = [l for l in b if cpu_of(l) == 0]
    m0 = [l for l in c0 if l not in sa]
    contiguous = m0 == c0[c0.index(m0[0]):c0.index(m0[0]) + len(m0)] if m0 else False
    return subsequence(a, b) and missing and all(cpu_of(b[i]) == 0 for i in missing) and contiguous, \
        "%d -> %d lines: one run of %d cpu0 events missing" % (len(b), len(a), len(m0))


def bad_torn(b, a):
    sa = set(a)
    c1 = [l for l in b if cpu_of(l) == 1]
    m1 = [l for l in c1 if l not in sa]
    return subsequence(a, b) and m1 and c1[-len(m1):] == m1 and \
        all(cpu_of(l) == 1 for l in b if l not in sa), \
        "%d -> %d lines: the last %d cpu1 event(s) (after the cut) missing" % (len(b), len(a), len(m1))


def bad_meta(b, a):
    return a == [l for l in b if cpu_of(l) != 1], "%d -> %d lines: all of cpu1 missing" % (len(b), len(a))


BAD = {
    "event": (r"cpu 0 page \d+: 1 event\(s\) fail their checksum", bad_event),
    "page": (r"cpu 0 page \d+: commit word 0xe+ has high bits set", bad_page),
    "torn": (r"cpu 1 page \d+: event at data offset \d+: record runs past commit; the \d+ events before it are kept",
             bad_torn),
    "meta": (r"cpu 1: cpu 1 meta: bad meta magic", bad_meta),
    "abi": (r"region rejected: region ABI 99\.0 is newer than this reader's 2\.0", None),
    "garbage": (r"no region \(not a pmtrace region: bad magic", None),
}


def check_bad(cell, tool, tmp):
    t = os.path.join(cell, "truth", "bad")
    what = os.path.relpath(cell, os.path.dirname(os.path.dirname(cell)))
    for kind, (pat, fn) in BAD.items():
        bdir, adir = os.path.join(t, kind, "before"), os.path.join(t, kind, "after")
        dm = read(os.path.join(adir, "dmesg")).decode()
        ok(re.search(pat, dm) is not None, "%s: %s: dmesg says '%s'" % (what, kind, pat.replace("\\", "")))
        prev = os.path.join(adir, "previous", "trace")
        if not ok(os.path.exists(prev), "%s: %s: a previous region was kept" % (what, kind)):
            continue
        pl = lines(prev)
        e, _ = header_entries(prev)
        ok(e == len(pl), "%s: %s: previous/trace header entries %s == %d lines" % (what, kind, e, len(pl)))
        sb = int(stat(os.path.join(bdir, "stats"), "boot_seq"))
        sp = int(stat(os.path.join(adir, "previous", "stats"), "boot_seq"))
        if fn:
            good, detail = fn(lines(os.path.join(bdir, "trace")), pl)
            ok(good and sp == sb, "%s: %s: previous (boot_seq %d) keeps everything undamaged: %s" %
               (what, kind, sp, detail))
        else:
            # the damaged region is refused whole; the other slot's older one is used
            ok(sp == sb - 1, "%s: %s: the damaged region (boot_seq %d) refused, the older one (%d) kept" %
               (what, kind, sb, sp))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("cells", nargs="+")
    a = ap.parse_args()
    for cell in a.cells:
        scen = read(os.path.join(cell, "truth", "scenario")).decode().strip()
        with tempfile.TemporaryDirectory() as tmp:
            {"pmring": check_pmring, "pmring-reboot": check_reboot, "pmring-bad": check_bad}[scen](cell, a.tool, tmp)
    print("%d check(s) failed" % failures if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The pmtrace.ko corpus cells read by `pmtrace` itself (issue 8, acceptance).

check-pmring-reader.py --pmtrace PMTRACE --vmlinux VMLINUX CELL...

Ground truth is the module's own debugfs files (truth/pmtrace/...); every
comparison is byte for byte, every exit status is checked. Two ways of
finding the region, on every dump format of the cell (manifest.tsv):

  symbol  --vmlinux and --find symbol: pmtrace.ko's pmtrace_kstate through
          the dump's module list
  scan    --find scan, no vmlinux and an empty PMTRACE_CACHE (no profile, no
          vmlinux from the cache): the physical scan; types (for the ftrace
          side only) come from the dump's BTF where it has one

pmring         show --instance pmtrace == trace; --cpu N == per_cpu/cpuN/trace;
               --json: one record per trace line, in order, its text the
               line's; info: the region, where and how it was found, per-CPU
               unread/overrun/lost/read == per_cpu/cpuN/stats
pmring-reboot  --boot previous == boot 1's trace (truth/boot1/pmtrace/trace,
               the same bytes as boot 2's previous/trace, check-pmring.py),
               --boot current == boot 2's trace; show --region FILE (no dump)
               on boot 2's previous/region == previous/trace, and per CPU
pmring-bad     the module's previous/region after each damage: printed ==
               the module's previous/trace, the damage named (kind, CPU, page),
               exit status 1; ABI and garbage damage applied to a copy of a real
               region: refused (exit 2) naming why; the dump: both regions
               == the last round's trace and previous/trace

The per-CPU and JSON checks run on the ELF dump only (what they check does
not depend on how the dump stores its pages; the plain show does, and runs
on every format both ways); info runs on every format by the scan (its
answer for makedumpfile's filtered pages is per format), by the symbol on
the ELF dump only.
Prints one line per check; exit 1 if any failed.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

failures = 0
compared = 0


def ok(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        failures += 1
    return cond


def read(p):
    with open(p, "rb") as f:
        return f.read()


def events(b):
    return [l for l in b.decode("utf-8", "replace").split("\n") if l and not l.startswith("#")]


def stat(p, key):
    m = re.search(r"^%s: *(\S+)" % re.escape(key), read(p).decode(), re.M)
    return m.group(1) if m else None


class Pmtrace:
    def __init__(self, exe, vmlinux, empty_cache):
        self.exe, self.vmlinux, self.empty = exe, vmlinux, empty_cache

    def run(self, mode, args, vmcore=None):
        env = dict(os.environ)
        a = [self.exe] + args
        if mode == "symbol":
            a += ["--find", "symbol", "--vmlinux", self.vmlinux]
        elif mode == "scan":
            a += ["--find", "scan"]
            env["PMTRACE_CACHE"] = self.empty
        if vmcore:
            a.append(vmcore)
        r = subprocess.run(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, check=False,
                           timeout=300)
        return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def err_summary(rc, err):
    e = err.strip().replace("\n", "; ")
    return "" if rc == 0 and not e else " [exit %d%s]" % (rc, ": " + e[:400] if e else "")


def same(got, want_path, rc, err, what, want_rc=0):
    """Byte-identical output and the exit status; on a difference, the first line."""
    global compared
    want = read(want_path)
    if got == want and rc == want_rc:
        compared += len(events(want))
        return ok(True, "%s: %d events == %s" % (what, len(events(want)), os.path.basename(want_path)))
    g, w = got.decode("utf-8", "replace").split("\n"), want.decode("utf-8", "replace").split("\n")
    first = next((i for i in range(max(len(g), len(w))) if i >= len(g) or i >= len(w) or g[i] != w[i]), None)
    detail = "" if first is None else " first difference line %d: got %r want %r" % (
        first + 1, g[first] if first < len(g) else None, w[first] if first < len(w) else None)
    return ok(False, "%s: output != %s (exit %d, want %d)%s%s" % (what, want_path, rc, want_rc, detail,
                                                                 err_summary(rc, err)))


def formats(cell):
    rows = [l.split("\t") for l in read(os.path.join(cell, "manifest.tsv")).decode().splitlines()[1:] if l]
    return [(r[2], os.path.join(cell, r[3])) for r in rows]


def cpus_of(d):
    return sorted((int(c[3:]) for c in os.listdir(os.path.join(d, "per_cpu"))))


def check_json(pm, mode, vmcore, trace_path, what, extra=()):
    rc, out, err = pm.run(mode, ["show", "--instance", "pmtrace", "--json"] + list(extra), vmcore)
    lines = events(read(trace_path))
    recs = []
    for l in out.decode().splitlines():
        try:
            recs.append(json.loads(l))
        except ValueError:
            recs.append(None)
    # each line's text after "<time stamp>: " is the event's "text"
    texts = [l.split(": ", 1)[1] if ": " in l else None for l in lines]
    good = rc == 0 and len(recs) == len(lines) and all(
        r is not None and r.get("buffer", "").startswith("pmtrace") and r.get("text") == t
        for r, t in zip(recs, texts))
    ok(good, "%s: --json: %d records == %d trace lines, in order, same text%s" %
       (what, len(recs), len(lines), err_summary(rc, err)))


def check_info(pm, mode, vmcore, d, label, boot, what):
    rc, out, err = pm.run(mode, ["info"], vmcore)
    o = out.decode()
    found = "pmtrace.ko's pmtrace_kstate" if mode == "symbol" else "physical scan"
    m = re.search(r"^pmtrace region %s \(%s boot\): .*found by (.*)$" % (re.escape(label), boot), o, re.M)
    # info answers for the whole dump: makedumpfile -d 31 filters some of the
    # kernel's own ftrace pages (exit 1, each named); none may be pmtrace's
    theirs = [l for l in err.splitlines() + o.splitlines() if re.search(r"\] pmtrace[-@:]", l)]
    ok(rc in (0, 1) and not theirs and m is not None and m.group(1).startswith(found),
       "%s: info: region %s (%s boot) found by %s%s" % (what, label, boot, m.group(1) if m else "-",
                                                       err_summary(rc, err)))
    if not m:
        return
    tail = o[m.end():].split("\n")[1:]
    for c in cpus_of(d):
        st = os.path.join(d, "per_cpu", "cpu%d" % c, "stats")
        want = "  cpu %d: unread %s, overrun %s, lost %s, read %s, bad checksum 0" % (
            c, stat(st, "entries"), stat(st, "overrun"), stat(st, "lost"), stat(st, "read"))
        ok(c < len(tail) and tail[c] == want, "%s: info: '%s' (per_cpu/cpu%d/stats)%s" %
           (what, want.strip(), c, "" if c < len(tail) and tail[c] == want else
            ", got '%s'" % (tail[c] if c < len(tail) else "")))


def check_pmring(pm, cell, what):
    d = os.path.join(cell, "truth", "pmtrace")
    for fmt, vmcore in formats(cell):
        for mode in ("symbol", "scan"):
            w = "%s %s %s" % (what, fmt, mode)
            rc, out, err = pm.run(mode, ["show", "--instance", "pmtrace"], vmcore)
            same(out, os.path.join(d, "trace"), rc, err, w)
            if mode == "symbol" and fmt != "elf":
                continue
            if fmt == "elf":
                for c in cpus_of(d):
                    rc, out, err = pm.run(mode, ["show", "--instance", "pmtrace", "--cpu", str(c)], vmcore)
                    same(out, os.path.join(d, "per_cpu", "cpu%d" % c, "trace"), rc, err, "%s --cpu %d" % (w, c))
                check_json(pm, mode, vmcore, os.path.join(d, "trace"), w)
            check_info(pm, mode, vmcore, d, "pmtrace", "current", w)


def check_reboot(pm, cell, what, tmp):
    t = os.path.join(cell, "truth")
    b1, b2 = os.path.join(t, "boot1", "pmtrace"), os.path.join(t, "boot2", "pmtrace")
    for fmt, vmcore in formats(cell):
        for mode in ("symbol", "scan"):
            w = "%s %s %s" % (what, fmt, mode)
            for boot, want in (("previous", os.path.join(b1, "trace")), ("current", os.path.join(b2, "trace"))):
                rc, out, err = pm.run(mode, ["show", "--instance", "pmtrace", "--boot", boot], vmcore)
                same(out, want, rc, err, "%s --boot %s" % (w, boot))
            if mode == "symbol" and fmt != "elf":
                continue
            if fmt == "elf":
                check_json(pm, mode, vmcore, os.path.join(b1, "trace"), w + " --boot previous",
                           ["--boot", "previous"])
            check_info(pm, mode, vmcore, b1, "pmtrace-previous", "previous", w)
            check_info(pm, mode, vmcore, b2, "pmtrace", "current", w)
    raw = os.path.join(tmp, "previous.region")
    with open(raw, "wb") as f:
        f.write(gzip.decompress(read(os.path.join(b2, "previous", "region.gz"))))
    rc, out, err = pm.run(None, ["show", "--region", raw])
    same(out, os.path.join(b2, "previous", "trace"), rc, err, "%s: show --region previous/region" % what)
    for c in cpus_of(b1):
        rc, out, err = pm.run(None, ["show", "--region", raw, "--cpu", str(c)])
        same(out, os.path.join(b1, "per_cpu", "cpu%d" % c, "trace"), rc, err,
             "%s: show --region previous/region --cpu %d" % (what, c))


# What pmtrace must say about each damaged region the module kept (the same
# damage its dmesg names: check-pmring.py's BAD).
BAD = {
    "event": r"\[corrupt\] pmtrace: cpu 0: page id \d+: 1 event\(s\) fail their checksum",
    "page": r"\[corrupt\] pmtrace: cpu 0: page id \d+: commit word 0xe+ has high bits set",
    "torn": r"\[corrupt\] pmtrace: cpu 1: page id \d+: event at data offset \d+: record runs past commit",
    "meta": r"\[corrupt\] pmtrace: cpu 1: buffer skipped: cpu 1 meta: bad meta magic",
}


def check_bad(pm, cell, what, tmp):
    t = os.path.join(cell, "truth", "bad")
    for kind, pat in BAD.items():
        adir = os.path.join(t, kind, "after", "previous")
        raw = os.path.join(tmp, kind + ".region")
        with open(raw, "wb") as f:
            f.write(gzip.decompress(read(os.path.join(adir, "region.gz"))))
        rc, out, err = pm.run(None, ["show", "--region", raw])
        same(out, os.path.join(adir, "trace"), rc, err, "%s: %s: damaged region printed" % (what, kind), 1)
        ok(re.search(pat, err) is not None and "partial result" in err,
           "%s: %s: pmtrace names the damage '%s'%s" % (what, kind, pat.replace("\\", ""), err_summary(rc, err)))
    # the header damage the module refuses whole, applied to a copy of a
    # real region (the module kept the older slot, so the cell has none)
    good = gzip.decompress(read(os.path.join(t, "event", "before", "previous", "region.gz"))) if \
        os.path.exists(os.path.join(t, "event", "before", "previous", "region.gz")) else \
        gzip.decompress(read(os.path.join(t, "page", "before", "previous", "region.gz")))
    abi = bytearray(good)
    abi[8:10] = (99).to_bytes(2, "little")
    garbage = bytearray(good)
    x = 0x2545F491
    for i in range(len(garbage)):
        x = (x * 1103515245 + 12345) & 0xffffffff
        garbage[i] = x >> 24
    for kind, data, pat in (("abi", abi, r"\[unsupported\].*region ABI 99"),
                            ("garbage", garbage, r"no pmtrace region magic")):
        raw = os.path.join(tmp, kind + ".region")
        with open(raw, "wb") as f:
            f.write(data)
        rc, out, err = pm.run(None, ["show", "--region", raw])
        ok(rc == 2 and out == b"" and re.search(pat, err) is not None,
           "%s: %s: region refused, exit 2, saying '%s'%s" % (what, kind, pat.replace("\\", ""),
                                                             err_summary(rc, err)))
    # The dump: the last round (garbage) kept the older slot as previous,
    # frozen since: == its previous/trace. Known difference, not compared:
    # the current region of that round went on tracing after its truth was
    # taken (no tracing_on=0 before the dump), so only its exit status and a
    # header are checked.
    last = os.path.join(t, "garbage", "after")
    for fmt, vmcore in formats(cell):
        rc, out, err = pm.run("scan", ["show", "--instance", "pmtrace", "--boot", "previous"], vmcore)
        same(out, os.path.join(last, "previous", "trace"), rc, err, "%s %s scan --boot previous" % (what, fmt))
        rc, out, err = pm.run("scan", ["show", "--instance", "pmtrace", "--boot", "current"], vmcore)
        ok(rc == 0 and out.startswith(b"# tracer: pmtrace") and len(events(out)) >= len(events(read(
            os.path.join(last, "trace")))), "%s %s scan --boot current: %d events, at least the %d of the "
           "truth taken earlier%s" % (what, fmt, len(events(out)), len(events(read(os.path.join(last, "trace")))),
                                      err_summary(rc, err)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pmtrace", required=True)
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("cells", nargs="+")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        empty = os.path.join(tmp, "empty-cache")
        os.mkdir(empty)
        pm = Pmtrace(a.pmtrace, a.vmlinux, empty)
        for cell in a.cells:
            scen = read(os.path.join(cell, "truth", "scenario")).decode().strip()
            what = os.path.relpath(cell, os.path.dirname(os.path.dirname(cell)))
            before = compared
            if scen == "pmring":
                check_pmring(pm, cell, what)
            elif scen == "pmring-reboot":
                check_reboot(pm, cell, what, tmp)
            elif scen == "pmring-bad":
                check_bad(pm, cell, what, tmp)
            print("     %s: %d event lines compared" % (what, compared - before))
    print("%d check(s) failed" % failures if failures else "all checks passed (%d event lines compared)" % compared)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

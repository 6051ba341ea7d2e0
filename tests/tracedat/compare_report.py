#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare what trace-cmd (or KernelShark) read from a trace.dat with what
`pmtrace show --json --instance all` printed for the same dump.

  compare_report.py report  JSON REPORT [--cpu N]
      REPORT is `trace-cmd report -N -t -i FILE` (-N: no plugins, one line
      per record; the function-graph plugin would merge an entry with its
      exit for leaf functions), optionally with --cpu N, which
      trace-cmd applies to the top buffer only). Per buffer (a line's
      "name: " prefix, none for the global buffer) the sequence of (CPU, time
      stamp, pid) must equal pmtrace's, in the same order; so must the count
      per buffer and CPU.
  compare_report.py first   JSON FIRST
      FIRST is `trace-cmd report --first-event`: per CPU of the global buffer
      the first event's time stamp (to the microsecond, as printed).
  compare_report.py kshark  JSON COUNTS
      COUNTS is kshark_count's "buffer cpu n first last" lines.

Exit 0 when everything agrees; else the differences are printed, 1.
"""
import json
import re
import sys


def load_json(path):
    """buffer -> list of (cpu, ts, pid) in pmtrace's order."""
    bufs = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            e = json.loads(line)
            if "buffer" not in e or "timestamp" not in e:
                continue  # a diagnostic line, not an event
            bufs.setdefault(e["buffer"], []).append((e["cpu"], e["timestamp"], e["pid"]))
    return bufs


def parse_ts(s):
    # -t prints seconds.nanoseconds for ns clocks, the raw count otherwise
    if "." in s:
        sec, frac = s.split(".", 1)
        return int(sec) * 10**9 + int(frac.ljust(9, "0")[:9])
    return int(s)


def load_report(path, instances):
    """buffer -> list of (cpu, ts, pid) in trace-cmd's order; unparsed lines."""
    names = "|".join(re.escape(n) for n in sorted(instances, key=len, reverse=True))
    # instance names are right-aligned to the longest one (" cur:", "boot:")
    prefix = r"\s*(?:(?P<buf>%s): )?" % names if names else r"(?P<buf>)"
    event = re.compile(
        r"^" + prefix + r"\s*(?P<comm>.*)-(?P<pid>\d+)\s+\[(?P<cpu>\d+)\]\s+"
        # newer trace-cmd prints the latency flags ("d.h1.") before the time
        r"(?:[^\s:]+\s+)?(?P<ts>\d+(?:\.\d+)?):\s")
    bufs, other = {}, []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = event.match(line)
            if not m:
                other.append(line.rstrip("\n"))
                continue
            b = m.group("buf") or "global"
            bufs.setdefault(b, []).append(
                (int(m.group("cpu")), parse_ts(m.group("ts")), int(m.group("pid"))))
    return bufs, other


def per_cpu(seq):
    counts = {}
    for cpu, _, _ in seq:
        counts[cpu] = counts.get(cpu, 0) + 1
    return counts


def compare_seqs(label, want, got):
    """Print the first difference; True when equal."""
    if want == got:
        return True
    wc, gc = per_cpu(want), per_cpu(got)
    print(f"MISMATCH {label}: pmtrace {len(want)} events {sorted(wc.items())}, "
          f"trace.dat reader {len(got)} {sorted(gc.items())}")
    for i, (w, g) in enumerate(zip(want, got)):
        if w != g:
            print(f"  first difference at event {i}: pmtrace (cpu, ts, pid) {w}, reader {g}")
            break
    else:
        print(f"  one is a prefix of the other (lengths {len(want)}, {len(got)})")
    return False


def cmd_report(args):
    want = load_json(args[0])
    cpu = None
    if len(args) > 2 and args[2] == "--cpu":
        cpu = int(args[3])
    instances = [b for b in want if b != "global"]
    got, other = load_report(args[1], instances)
    ok = True
    if cpu is not None:
        # trace-cmd 3.1.6 applies --cpu to the top buffer only
        want = {"global": [e for e in want.get("global", []) if e[0] == cpu]}
        extra = {b: s for b, s in got.items() if b != "global" and s}
        if extra:
            print(f"note: --cpu {cpu} also printed {sorted((b, len(s)) for b, s in extra.items())}")
        got = {"global": got.get("global", [])}
    for b in sorted(set(want) | set(got)):
        w, g = want.get(b, []), got.get(b, [])
        if compare_seqs(f"buffer {b}" + (f" --cpu {cpu}" if cpu is not None else ""), w, g):
            print(f"ok: buffer {b}: {len(w)} events {sorted(per_cpu(w).items())} identical"
                  + (f" (--cpu {cpu})" if cpu is not None else ""))
        else:
            ok = False
    noise = [l for l in other if l.strip() and not re.match(r"^(cpus=\d+|version = \d+)$", l)]
    if noise:
        print(f"note: {len(noise)} other line(s) from the reader, e.g. {noise[:3]}")
    return ok


def cmd_first(args):
    want = load_json(args[0]).get("global", [])
    first = {}
    for cpu, ts, _ in want:
        first.setdefault(cpu, ts)
    got = {}
    with open(args[1]) as f:
        for line in f:
            m = re.match(r"^\s*(\d+)\s+First event:\s*(\d+(?:\.\d+)?)", line)
            if m:
                got[int(m.group(1))] = m.group(2)
    ok = True
    for cpu in sorted(set(first) | set(got)):
        if cpu not in first or cpu not in got:
            print(f"MISMATCH first event cpu {cpu}: pmtrace {first.get(cpu)}, reader {got.get(cpu)}")
            ok = False
            continue
        g = got[cpu]
        # printed rounded to the microsecond (ns clocks), or raw
        us = (first[cpu] + 500) // 1000
        want_s = f"{us // 10**6}.{us % 10**6:06d}" if "." in g else str(first[cpu])
        if want_s != g:
            print(f"MISMATCH first event cpu {cpu}: pmtrace {want_s}, reader {g}")
            ok = False
    if ok:
        print(f"ok: --first-event agrees on {len(first)} CPU(s)")
    return ok


def cmd_kshark(args):
    want = load_json(args[0])
    got = {}
    with open(args[1]) as f:
        for line in f:
            p = line.split()
            if len(p) == 5:
                got[(p[0], int(p[1]))] = (int(p[2]), int(p[3]), int(p[4]))
    ok = True
    keys = {(b, cpu) for b, seq in want.items() for cpu, _, _ in seq}
    keys |= {k for k, v in got.items() if v[0]}
    for b, cpu in sorted(keys):
        seq = [e for e in want.get(b, []) if e[0] == cpu]
        w = (len(seq), seq[0][1] if seq else 0, seq[-1][1] if seq else 0)
        g = got.get((b, cpu), (0, 0, 0))
        if w != g:
            print(f"MISMATCH kshark {b} cpu {cpu}: pmtrace (n, first, last) {w}, KernelShark {g}")
            ok = False
    if ok:
        print(f"ok: KernelShark entries per buffer and CPU agree ({len(keys)} streams x CPUs)")
    return ok


def main():
    cmds = {"report": cmd_report, "first": cmd_first, "kshark": cmd_kshark}
    if len(sys.argv) < 4 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    return 0 if cmds[sys.argv[1]](sys.argv[2:]) else 1


if __name__ == "__main__":
    sys.exit(main())

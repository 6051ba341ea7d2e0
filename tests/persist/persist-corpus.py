#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# persist-corpus.py --pmtrace PMTRACE --cell DIR --vmlinux VMLINUX --tmp DIR
#
# Linux's persistent ring buffer on a real warm reboot (corpus scenario
# "persist", vmcores/scenarios/persist.sh): boot 1 traced into the
# boot-mapped instance `boot`, QEMU reset the machine, boot 2 left `boot`
# alone and was dumped. Checks, against what the kernels printed:
#
#  1. the previous boot's events, from the vmcore, every dump format
#     (`show --instance boot`; `--boot previous` selects it, with its
#     read-only backup copy on 7.x), equal boot 1's own `trace` of the
#     instance line for line; header lines equal except those listed below
#     with their reason; per CPU on the ELF dump likewise, the backup copy
#     too, and with types from the dump's BTF; JSON: one object per event,
#     the same comm/text;
#  2. `info --json`: `boot` holds the previous boot's data, the range is
#     where the command line put it, the previous boot's KASLR offset and
#     text delta are the kernels' own (kaslr_offset.boot1, last_boot_info),
#     clock and modules where the layout records them; `cur` holds the
#     current boot's; `dump -o` writes last_boot_info exactly as boot 2's
#     tracefs printed it, for both instances;
#  3. the current boot's buffers (global, cur) print as boot 2 printed them;
#  4. the raw images of the range (pmemsave after boot 1 and before the
#     dumps) give the same bytes as the vmcore with the vmlinux's static
#     data and boot 1's tracefs formats; without any type source the range
#     still validates and every event is listed (raw);
#  5. damaged real images: a half-written range (truncated) and a bad
#     magic, each reported with its kind and the CPU concerned, everything
#     valid still printed, exit status 1 or 2 (the other damage, every
#     layout and the checks for another build: test_persist_synthetic).
# Prints one line per check; exits 1 on any failure, 77 when the cell is
# missing (the kernel has no boot-mapped buffers).
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)
    return ok


def run(args, ok_codes=(0,)):
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode not in ok_codes:
        check(False, "%s exited %d: %s" % (" ".join(args[1:4]), p.returncode,
                                          p.stderr.strip()[-600:]))
    return p


def events(text):
    return [l for l in text.splitlines() if not l.startswith("#")]


def headers(text):
    return [l for l in text.splitlines() if l.startswith("#") and not l.startswith("# instance:")]


# Header lines that cannot equal boot 1's, with the reason. Anything else
# must be identical.
HEADER_REASONS = {
    "# tracer:": "the range does not record the tracer; the dumped kernel's instance "
                 "shows its own current tracer (boot 2 set none)",
}


def compare_text(got, truth, what):
    ge, te = events(got), events(truth)
    if ge != te:
        first = next((i for i, (a, b) in enumerate(zip(ge, te)) if a != b), min(len(ge), len(te)))
        check(False, "%s: %d events, boot 1 printed %d; first difference at event %d:\n"
              "       pmtrace: %s\n       boot 1:  %s" % (
                  what, len(ge), len(te), first,
                  ge[first] if first < len(ge) else "(none)",
                  te[first] if first < len(te) else "(none)"))
        return False
    gh, th = headers(got), headers(truth)
    listed = []
    ok = len(gh) == len(th)
    for a, b in zip(gh, th):
        if a == b:
            continue
        reason = next((r for p, r in HEADER_REASONS.items() if a.startswith(p) and b.startswith(p)),
                      None)
        if reason is None:
            ok = False
            check(False, "%s: header line differs: %r vs boot 1's %r" % (what, a, b))
        else:
            listed.append("%r vs %r (%s)" % (a, b, reason))
    check(ok, "%s: all %d events identical to boot 1's trace, headers identical%s" % (
        what, len(ge), "" if not listed else " except: " + "; ".join(listed)))
    return ok


def diag_kinds(stderr):
    return re.findall(r"warning: \[(\w+)\] (.*)", stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pmtrace", required=True)
    ap.add_argument("--cell", required=True)
    ap.add_argument("--vmlinux", required=True)
    ap.add_argument("--tmp", required=True)
    a = ap.parse_args()
    P, cell, V = a.pmtrace, a.cell, a.vmlinux
    if not os.path.isfile(os.path.join(cell, "manifest.tsv")):
        print("SKIP: no persist cell at %s" % cell)
        return 77
    os.makedirs(a.tmp, exist_ok=True)
    t0 = time.time()
    t1 = os.path.join(cell, "truth", "boot1")
    t2 = os.path.join(cell, "truth", "boot2")
    truth_boot = open(os.path.join(t1, "instances/boot/trace")).read()
    kaslr = int(open(os.path.join(cell, "kaslr_offset")).read(), 16)
    kaslr1 = int(open(os.path.join(cell, "kaslr_offset.boot1")).read(), 16)
    check(kaslr != kaslr1, "the two boots have different KASLR bases (%#x, %#x)" % (kaslr1, kaslr))

    # types once, from the vmlinux: every later run uses the profile
    prof = os.path.join(a.tmp, "persist.profile")
    run([P, "profile", "--vmlinux", V, "-o", prof, os.path.join(cell, "vmcore.elf")])
    tprof = time.time() - t0

    # 7.x has a read-only backup copy of `boot` (trace_instance=backup=boot)
    backup = os.path.isdir(os.path.join(t2, "instances/backup"))

    # 1. the previous boot's events from every dump format
    elf_out = None
    for fmt in ("elf", "kdump-zlib", "mdf-zlib", "mdf-lzo"):
        dump = os.path.join(cell, "vmcore." + fmt)
        p = run([P, "show", "--profile", prof, "--instance", "boot", dump], ok_codes=(0, 1))
        compare_text(p.stdout, truth_boot, "%s --instance boot" % fmt)
        # makedumpfile may filter kernel structures out: allowed only when
        # pmtrace names it, and the range was then read from physical memory
        kinds = diag_kinds(p.stderr)
        bad = [k for k in kinds if k[0] not in ("filtered", "nodata")]
        check(p.returncode == 0 or (fmt.startswith("mdf") and not bad),
              "%s: exit %d%s" % (fmt, p.returncode,
                                 "" if not kinds else ", reported: " + "; ".join(
                                     "[%s] %s" % k for k in kinds)[:400]))
        if fmt == "elf":
            elf_out = p.stdout
            q = run([P, "show", "--profile", prof, "--boot", "previous", dump])
            if backup:
                parts = dict(x.split("\n", 1) for x in q.stdout.split("# instance: ")[1:])
                check(sorted(parts) == ["backup", "boot"] and parts["boot"] == p.stdout,
                      "elf --boot previous: boot and its backup copy, each under its "
                      "# instance: line")
                compare_text(parts.get("backup", ""), truth_boot,
                             "elf backup (read-only copy of boot)")
            else:
                check(q.stdout == p.stdout, "elf --boot previous == --instance boot")
            q = run([P, "show", "--types", "btf", "--no-cache", "--instance", "boot", dump])
            check(q.stdout == p.stdout, "elf --types btf (no vmlinux, no profile): the same bytes")
            for cpu in (0, 1):
                q = run([P, "show", "--profile", prof, "--instance", "boot", "--cpu", str(cpu),
                         dump])
                compare_text(q.stdout,
                             open(os.path.join(t1, "instances/boot/per_cpu/cpu%d/trace" %
                                               cpu)).read(),
                             "elf --instance boot --cpu %d" % cpu)
            q = run([P, "show", "--json", "--profile", prof, "--instance", "boot", dump])
            objs = [json.loads(l) for l in q.stdout.splitlines()]
            ev = events(truth_boot)
            check(len(objs) == len(ev) and all(o["buffer"] == "boot" for o in objs),
                  "elf --json: %d objects for %d events, all of buffer boot" % (len(objs), len(ev)))
            same = sum(1 for o, l in zip(objs, ev)
                       if l.split(": ", 1)[1] == o["text"] and l.lstrip().startswith(o["comm"] + "-"))
            check(same == len(ev), "elf --json: comm and text of %d/%d events as boot 1 printed"
                  % (same, len(ev)))

    # 2. info, last_boot_info
    elf = os.path.join(cell, "vmcore.elf")
    p = run([P, "info", "--json", "--profile", prof, elf])
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    pers = {r["buffer"]: r for r in recs if r.get("type") == "persistent"}
    bufs = {r["buffer"]: r for r in recs if r.get("type") == "buffer"}
    b = pers.get("boot", {})
    check(b.get("boot") == "previous" and bufs.get("boot", {}).get("previous_boot") is True,
          "info: boot holds the previous boot's data")
    check(b.get("range_phys") == 0x10000000 and b.get("range_size") == 0x400000,
          "info: boot's range at physical %#x, %#x bytes (the command line's)" % (
              b.get("range_phys", 0), b.get("range_size", 0)))
    check(b.get("prev_kaslr_offset") == kaslr1,
          "info: the previous boot's KASLR offset %#x (boot 1's _text says %#x)" % (
              b.get("prev_kaslr_offset", 0), kaslr1))
    check(b.get("text_delta") == kaslr - kaslr1,
          "info: text delta %d = %#x - %#x" % (b.get("text_delta", 0), kaslr, kaslr1))
    check(b.get("valid") is True and b.get("invalid_subbufs") == 0 and b.get("cpus") == 2,
          "info: the range validates (%s, %s CPUs, %s invalid sub-buffers)" % (
              b.get("layout"), b.get("cpus"), b.get("invalid_subbufs")))
    lbi = open(os.path.join(t2, "instances/boot/last_boot_info")).read()
    if "[kernel]" in lbi:
        # 7.x: trace_scratch records the clock and the modules
        check(b.get("clock_recorded") is True and b.get("clock") == "local",
              "info: the recorded clock %s" % b.get("clock"))
        mods = [l.split("\t") for l in lbi.splitlines()[1:]]
        got = [(m["name"], m["addr"]) for m in b.get("modules", [])]
        check(got == [(n, int(x, 16)) for x, n in mods],
              "info: the previous boot's modules %s" % got)
    else:
        check(b.get("clock_recorded") is False, "info: no clock recorded (6.12 layout)")
    if backup:
        k = pers.get("backup", {})
        check(k.get("boot") == "previous" and k.get("backup") is True and
              k.get("prev_kaslr_offset") == kaslr1 and k.get("valid") is True,
              "info: backup is a read-only copy of the previous boot's range")
    c = pers.get("cur", {})
    check(c.get("boot") == "current" and bufs.get("cur", {}).get("previous_boot") is False,
          "info: cur holds the current boot's data")
    tree = os.path.join(a.tmp, "tree")
    shutil.rmtree(tree, ignore_errors=True)
    run([P, "dump", "--profile", prof, "-o", tree, elf])
    for inst in ("boot", "cur"):
        got = open(os.path.join(tree, "instances", inst, "last_boot_info")).read()
        want = open(os.path.join(t2, "instances", inst, "last_boot_info")).read()
        check(got == want, "dump: instances/%s/last_boot_info as boot 2 printed it: %r" %
              (inst, got))

    # 3. the current boot's buffers
    p = run([P, "show", "--profile", prof, elf])
    check(p.stdout == open(os.path.join(t2, "global/trace")).read(),
          "global buffer (current boot) byte for byte as boot 2 printed it")
    p = run([P, "show", "--profile", prof, "--instance", "cur", elf])
    check(p.stdout == open(os.path.join(t2, "instances/cur/trace")).read(),
          "cur (current boot's, boot-mapped) byte for byte as boot 2 printed it")
    p = run([P, "show", "--profile", prof, "--boot", "current", "--instance", "all", elf])
    check("# instance: boot" not in p.stdout and "# instance: backup" not in p.stdout and
          "# instance: cur" in p.stdout,
          "--boot current --instance all leaves the previous boot's buffers out")

    # 4. raw images of the range
    for img in ("boot1", "boot2"):
        spec = os.path.join(cell, "range.%s.raw" % img) + "@0x10000000"
        p = run([P, "show", "--profile", prof, "--vmlinux", V, "--formats",
                 os.path.join(t1, "events"), "--range-image", spec])
        check(p.stdout == elf_out,
              "raw image %s (vmlinux static data, boot 1's tracefs formats): the same bytes "
              "as the vmcore" % img)
        p = run([P, "show", "--range-image", spec])
        check(len(events(p.stdout)) == len(events(truth_boot)),
              "raw image %s without any type source: %d events listed raw (boot 1: %d)" % (
                  img, len(events(p.stdout)), len(events(truth_boot))))
    p = run([P, "info", "--json", "--range-image", os.path.join(cell, "range.boot1.raw") +
             "@0x10000000"])
    r = next(json.loads(l) for l in p.stdout.splitlines() if '"persistent"' in l)
    check(r["valid"] and r["cpus"] == 2, "raw image without types: recognised (%s)" % r["layout"])

    # what /dev/mem gave the guest (boot 2) is the range pmemsave saved
    dm = open(os.path.join(t2, "devmem")).read().split()
    import hashlib
    page = hashlib.md5(open(os.path.join(cell, "range.boot2.raw"), "rb").read(4096)).hexdigest()
    check(dm[:1] == ["read"] and dm[1] == page,
          "/dev/mem in boot 2 read the memmap= range, the same bytes as pmemsave (%s)" %
          " ".join(dm)[:120])

    # 5. damaged images
    data = open(os.path.join(cell, "range.boot1.raw"), "rb").read()
    half = os.path.join(a.tmp, "half.raw")
    # cut in the middle of CPU 1's data: its meta starts just after 2 MiB
    open(half, "wb").write(data[:len(data) // 2 + 0x6000])
    p = run([P, "show", "--profile", prof, "--vmlinux", V, "--formats",
             os.path.join(t1, "events"), "--range-image", half + "@0x10000000",
             "--range", "0x10000000:0x400000"], ok_codes=(1,))
    kinds = diag_kinds(p.stderr)
    n = len(events(p.stdout))

    # an event without its comm column: the names come from the events that
    # survived, so a task whose later name was in the lost part keeps an older one
    def nocomm(l):
        m = re.match(r"^\s*.*-(\d+)\s+(\[\d+\].*)$", l)
        return m.groups() if m else l

    check(p.returncode == 1 and any(k == "truncated" and "cpu 1" in m for k, m in kinds) and
          0 < n < len(events(truth_boot)) and
          {nocomm(l) for l in events(p.stdout)} <= {nocomm(l) for l in events(truth_boot)},
          "half-written image: [truncated] on cpu 1, %d of %d events printed, all of them "
          "boot 1's (comms from the surviving events)" % (n, len(events(truth_boot))))
    bad = bytearray(data)
    bad[0:4] = b"\0\0\0\0"
    badf = os.path.join(a.tmp, "magic.raw")
    open(badf, "wb").write(bad)
    p = run([P, "show", "--profile", prof, "--range-image", badf + "@0x10000000"],
            ok_codes=(1, 2))
    check(p.returncode == 2 and "magic" in p.stderr,
          "bad magic: exit %d, %s" % (p.returncode, p.stderr.strip().splitlines()[-1][:200]))
    print("persist: %s in %.1f s (profile %.1f s)" % (os.path.basename(os.path.dirname(cell)),
                                                      time.time() - t0, tprof))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

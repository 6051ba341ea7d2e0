#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""measure.py [--core N] [--count FILE] -- CMD...: run CMD once and print
"wall cpu hwm_kib anon_kib lines comments rc" on stdout.

  wall      seconds, start to exit
  cpu       user + system seconds of CMD (wait4's rusage)
  hwm_kib   peak resident set (VmHWM: anonymous and file-backed pages,
            e.g. the mmapped vmlinux and dump)
  anon_kib  peak anonymous resident memory (RssAnon of /proc/PID/status,
            sampled every 5 ms: what the issue's memory goals count)
  lines     with --count FILE: CMD's stdout goes through a pipe to this
            process, which counts its lines on another core and keeps the
            last 200 000 bytes in FILE (the tail of the output); otherwise
            stdout is /dev/null and lines is 0
  comments  of those lines, how many start with '#' (text headers and
            "##### CPU N buffer started ####")
  rc        CMD's exit status

--core N pins CMD to CPU N (one core, as the throughput goals say); the
line counting runs pinned to another CPU when the machine has one.
"""
import os
import subprocess
import sys
import threading
import time


def status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    args = sys.argv[1:]
    core = None
    count = None
    while args and args[0] != "--":
        if args[0] == "--core":
            core = int(args[1])
            args = args[2:]
        elif args[0] == "--count":
            count = args[1]
            args = args[2:]
        else:
            sys.exit(f"measure.py: unknown argument {args[0]}")
    cmd = args[1:]
    if not cmd:
        sys.exit("usage: measure.py [--core N] [--count FILE] -- CMD...")
    preexec = None
    if core is not None:
        def preexec():
            os.sched_setaffinity(0, {core})
        others = os.sched_getaffinity(0) - {core}
        if others:
            os.sched_setaffinity(0, others)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE if count else subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=preexec)
    lines = comments = 0
    tail = b""
    done = threading.Event()
    peak = [0, 0]

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], status_kib(proc.pid, "RssAnon"))
            peak[1] = max(peak[1], status_kib(proc.pid, "VmHWM"))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    if count:
        # readinto a fixed buffer: the reader must keep up with pmtrace on
        # a text of several GiB (copying the data around here would make
        # the pipe, not pmtrace, the bottleneck)
        buf = bytearray(4 << 20)
        view = memoryview(buf)
        last = b"\n"  # the byte before the chunk: "start of output" at first
        while True:
            n = proc.stdout.raw.readinto(view)  # unbuffered: no extra copy
            if not n:
                break
            chunk = view[:n]
            lines += buf.count(b"\n", 0, n)
            # a '#' after a newline, the previous chunk's last byte included
            comments += buf.count(b"\n#", 0, n) + (1 if last == b"\n" and buf[0:1] == b"#" else 0)
            last = bytes(buf[n - 1:n])
            tail = (tail + bytes(chunk[-200000:]))[-200000:]
    # the last samples before the process is reaped
    _, st, ru = os.wait4(proc.pid, 0)
    wall = time.monotonic() - t0
    done.set()
    sampler.join()
    if count:
        with open(count, "wb") as f:
            f.write(tail)
    rc = os.waitstatus_to_exitcode(st)
    hwm = max(peak[1], ru.ru_maxrss)
    print(f"{wall:.3f} {ru.ru_utime + ru.ru_stime:.3f} {hwm} {peak[0]} {lines} {comments} {rc}")


main()

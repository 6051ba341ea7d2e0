#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# qmp.py SOCKET TIMEOUT COMMAND [JSON-ARGUMENTS]
#
# Minimal QMP client for the corpus generator: connect to QEMU's QMP unix
# socket, negotiate capabilities, run one command, wait (bounded by TIMEOUT
# seconds in total) for its reply, skipping asynchronous events. Prints the
# "return" value as JSON; exits 1 with QEMU's error message otherwise.
# "quit" is special: the socket closing before a reply counts as success.
import json
import socket
import sys
import time


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: qmp.py SOCKET TIMEOUT COMMAND [JSON-ARGUMENTS]")
    path, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    args = json.loads(sys.argv[4]) if len(sys.argv) == 5 else None
    deadline = time.monotonic() + timeout

    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(path)
    buf = b""

    def read_msg():
        nonlocal buf
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no QMP reply to {cmd} within {timeout} s")
            sock.settimeout(left)
            chunk = sock.recv(65536)
            if not chunk:
                raise EOFError("QMP socket closed")
            buf += chunk
        line, buf = buf.split(b"\n", 1)
        return json.loads(line)

    def execute(name, arguments=None):
        req = {"execute": name}
        if arguments is not None:
            req["arguments"] = arguments
        sock.sendall(json.dumps(req).encode() + b"\n")
        while True:
            msg = read_msg()
            if "event" in msg:
                continue
            if "error" in msg:
                err = msg["error"]
                sys.exit(f"qmp {name}: {err.get('class')}: {err.get('desc')}")
            if "return" in msg:
                return msg["return"]

    try:
        greeting = read_msg()
        if "QMP" not in greeting:
            sys.exit(f"qmp: unexpected greeting {greeting}")
        execute("qmp_capabilities")
        try:
            ret = execute(cmd, args)
        except EOFError:
            if cmd == "quit":
                return
            raise
        print(json.dumps(ret))
    except (OSError, EOFError, TimeoutError, ValueError) as e:
        sys.exit(f"qmp {cmd}: {e}")


if __name__ == "__main__":
    main()

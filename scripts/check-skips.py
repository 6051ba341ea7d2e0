#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""check-skips.py JUNIT EXPECTED: fail when a test skipped that should have run.

JUNIT is ctest's --output-junit file. EXPECTED (tests/expected-skips.txt) lists
the tests that may skip, one per line: "<test name regex>  <reason>" — each a
thing the kernel or the machine genuinely lacks. Any other skip fails the run,
with the test's own skip message, so a suite can never go green by skipping.
Tests listed but not skipping are reported too (the list must not rot).
"""
import re
import sys
import xml.etree.ElementTree as ET


def main():
    junit, expected = sys.argv[1], sys.argv[2]
    allowed = []
    with open(expected) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            pat, _, reason = line.partition(" ")
            allowed.append((re.compile(pat + "$"), reason.strip()))
    root = ET.parse(junit).getroot()
    skipped, ran = [], []
    for tc in root.iter("testcase"):
        name = tc.get("name")
        sk = tc.find("skipped")
        if sk is not None or tc.get("status") == "notrun":
            msg = (sk.get("message") if sk is not None else "") or ""
            out = tc.find("system-out")
            text = out.text if out is not None and out.text else ""
            why = [l for l in text.splitlines() if "SKIP" in l]
            skipped.append((name, why[-1] if why else msg))
        else:
            ran.append(name)
    bad = []
    for name, why in skipped:
        reason = next((r for p, r in allowed if p.match(name)), None)
        if reason is None:
            bad.append((name, why))
        else:
            print(f"check-skips: expected skip {name}: {reason}")
    print(f"check-skips: {len(ran)} tests ran, {len(skipped)} skipped "
          f"({len(skipped) - len(bad)} expected)")
    if bad:
        print("check-skips: FAIL: these tests skipped but should have run:")
        for name, why in bad:
            print(f"  {name}: {why}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

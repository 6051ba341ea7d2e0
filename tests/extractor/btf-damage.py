#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""btf-damage.py MODE IN.elf OUT.elf START STOP

Copy an ELF vmcore (sparse) with the kernel's BTF, link-time addresses
START..STOP (hex, from nm of the vmlinux), damaged:

  missing  the physical pages holding the BTF are left out of the dump: the
           PT_LOAD covering them is split around them (the unused last
           program header, the BIOS ROM's, is taken for the second half), as
           a dump tool that filtered them would;
  magic    the BTF's magic number is overwritten (an inconsistent blob).

Physical address = link + KERNELOFFSET - 0xffffffff80000000 + phys_base, both
read from the dump's VMCOREINFO note.
"""
import re
import shutil
import struct
import sys

PAGE = 4096


def main():
    mode, src, dst, start, stop = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 16), int(sys.argv[5], 16)
    with open(src, "rb") as f:
        head = f.read(1 << 20)
    kaslr = int(re.search(rb"KERNELOFFSET=([0-9a-f]+)", head).group(1), 16)
    pbase = int(re.search(rb"NUMBER\(phys_base\)=(-?[0-9]+)", head).group(1))
    pstart = start + kaslr - 0xffffffff80000000 + pbase
    pstop = stop + kaslr - 0xffffffff80000000 + pbase
    phoff, = struct.unpack_from("<Q", head, 32)
    phentsize, phnum = struct.unpack_from("<HH", head, 54)
    ph = [list(struct.unpack_from("<IIQQQQQQ", head, phoff + i * phentsize)) for i in range(phnum)]
    with open(src, "rb") as fi, open(dst, "wb") as fo:  # sparse copy
        while True:
            buf = fi.read(1 << 20)
            if not buf:
                break
            if buf.count(0) == len(buf):
                fo.seek(len(buf), 1)
            else:
                fo.write(buf)
        fo.truncate()
    with open(dst, "r+b") as f:
        if mode == "magic":
            for p in ph:
                if p[0] == 1 and p[4] <= pstart < p[4] + p[5]:
                    f.seek(p[2] + pstart - p[4])
                    f.write(b"\0\0")
                    return 0
            return 1
        lo, hi = pstart & ~(PAGE - 1), (pstop + PAGE - 1) & ~(PAGE - 1)
        loads = [i for i, p in enumerate(ph) if p[0] == 1]
        cover = [i for i in loads if ph[i][4] <= lo and hi <= ph[i][4] + ph[i][5]]
        spare = [i for i in loads if i not in cover]
        if not cover or not spare:
            return 1
        c, s = ph[cover[0]], spare[-1]
        # p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        after = [1, c[1], c[2] + (hi - c[4]), 0, hi, c[4] + c[5] - hi, c[4] + c[6] - hi, c[7]]
        c[5] = c[6] = lo - c[4]
        ph[s] = after
        for i in (cover[0], s):
            f.seek(phoff + i * phentsize)
            f.write(struct.pack("<IIQQQQQQ", *ph[i]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

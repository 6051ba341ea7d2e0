#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# elf-phdrs-first.py IN.elf OUT.elf
#
# Rewrite an ELF64 core file so its program headers directly follow the ELF
# header, with no section headers, and the segment contents laid out after
# them (PT_LOAD data page aligned). makedumpfile 1.7.2 insists on that layout
# and rejects QEMU 7.2's dump-guest-memory ELF ("Can't get the number of
# PT_LOAD"), which places the headers elsewhere. Contents are copied
# unchanged; only offsets move. Handles PN_XNUM (real e_phnum in sh_info of
# section 0). Input is validated (bounds of every header and segment).
import os
import struct
import sys

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
SHDR = struct.Struct("<IIQQQQIIQQ")
PN_XNUM = 0xFFFF
PAGE = 4096


def die(msg):
    sys.exit(f"elf-phdrs-first: {msg}")


def main():
    if len(sys.argv) != 3:
        die("usage: elf-phdrs-first.py IN.elf OUT.elf")
    src, dst = sys.argv[1], sys.argv[2]
    size = os.path.getsize(src)
    with open(src, "rb") as f:
        eh = list(EHDR.unpack(f.read(EHDR.size)))
        ident = eh[0]
        if ident[:4] != b"\x7fELF" or ident[4] != 2 or ident[5] != 1:
            die(f"{src}: not a little-endian ELF64 file")
        phoff, shoff, phentsize, phnum = eh[5], eh[6], eh[9], eh[10]
        shentsize, shnum = eh[11], eh[12]
        if phentsize != PHDR.size:
            die(f"{src}: e_phentsize {phentsize} != {PHDR.size}")
        if phnum == PN_XNUM:
            if shoff == 0 or shnum == 0 or shentsize != SHDR.size or shoff + SHDR.size > size:
                die(f"{src}: PN_XNUM without a valid section header 0")
            f.seek(shoff)
            phnum = SHDR.unpack(f.read(SHDR.size))[7]
        if phnum == 0 or phoff + phnum * PHDR.size > size:
            die(f"{src}: program headers out of bounds")
        f.seek(phoff)
        phdrs = [list(PHDR.unpack(f.read(PHDR.size))) for _ in range(phnum)]

    for p in phdrs:
        if p[2] + p[5] > size:
            die(f"{src}: segment at offset {p[2]:#x} size {p[5]:#x} beyond EOF")

    # New layout: notes (and anything non-LOAD) first, then page-aligned LOADs.
    pos = EHDR.size + phnum * PHDR.size
    moves = []
    order = sorted(range(phnum), key=lambda i: (phdrs[i][0] == 1, i))
    for i in order:
        p = phdrs[i]
        if p[5] == 0:
            p[2] = 0
            continue
        if p[0] == 1:
            pos = (pos + PAGE - 1) // PAGE * PAGE
        moves.append((p[2], pos, p[5]))
        p[2] = pos
        pos += p[5]

    eh[5] = EHDR.size  # e_phoff
    eh[6] = 0  # e_shoff
    eh[10] = phnum if phnum < PN_XNUM else die("too many segments for e_phnum")
    eh[11] = eh[12] = eh[13] = 0  # no section headers
    tmp = dst + ".tmp"
    with open(src, "rb") as fi, open(tmp, "wb") as fo:
        fo.write(EHDR.pack(*eh))
        for p in phdrs:
            fo.write(PHDR.pack(*p))
        for old, new, n in moves:
            fo.seek(new)
            fi.seek(old)
            left = n
            while left:
                done = os.copy_file_range(fi.fileno(), fo.fileno(), left)
                if done <= 0:
                    die(f"short copy from {src}")
                left -= done
        fo.truncate(pos)
    os.rename(tmp, dst)


if __name__ == "__main__":
    main()

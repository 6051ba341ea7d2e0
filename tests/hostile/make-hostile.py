#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-hostile.py SEEDS OUTDIR
#
# Write the crafted dumps of tests/hostile/ from the seeds of tests/fuzz/mkdumps
# (SEEDS is its output directory). Each is one seed with one thing wrong (the
# README says what); the committed *.vmcore files are this script's output,
# kept so that the regression inputs never change under the tests. Files that
# are refused from their headers are cut after them, to stay a few KiB.
import os
import struct
import sys

seeds, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def seed(name):
    with open(os.path.join(seeds, name), "rb") as f:
        return bytearray(f.read())


def save(name, data):
    with open(os.path.join(out, name + ".vmcore"), "wb") as f:
        f.write(bytes(data))


# --- kdump-compressed (64-bit little-endian header, version 6) -------------
BS_OFF, SUB_OFF, BMP_OFF, MAPNR_OFF = 428, 432, 436, 440
kd = seed("kdump-zlib")
bs, sub, bmp, mapnr = struct.unpack_from("<iiII", kd, BS_OFF)
hdr_end = (1 + sub + bmp) * bs
SH = bs  # the sub-header
desc = hdr_end  # the page descriptors


def kdump(name, edits, cut=None):
    d = bytearray(kd)
    for off, fmt, val in edits:
        struct.pack_into(fmt, d, off, val)
    save(name, d[:cut] if cut else d)


hdr_only = hdr_end  # refused from the headers: no page data needed
kdump("kdump-max_mapnr-ffffffff", [(MAPNR_OFF, "<I", 0xFFFFFFFF)], hdr_only)
kdump("kdump-max_mapnr_64-huge", [(SH + 96, "<Q", 1 << 40)], hdr_only)
kdump("kdump-block_size-0", [(BS_OFF, "<i", 0)], hdr_only)
kdump("kdump-block_size-12288", [(BS_OFF, "<i", 12288)], hdr_only)
kdump("kdump-bitmap_blocks-odd", [(BMP_OFF, "<I", 3)], hdr_only)
kdump("kdump-bitmap_blocks-huge", [(BMP_OFF, "<I", 0x7FFFFFFE)], hdr_only)
kdump("kdump-sub_hdr_size-negative", [(SUB_OFF, "<i", -1)], hdr_only)
kdump("kdump-header_version-negative", [(8, "<i", -2)], hdr_only)
kdump("kdump-size_note-huge", [(SH + 56, "<Q", 1 << 45)], hdr_only)
kdump("kdump-offset_note-beyond", [(SH + 48, "<Q", 1 << 50)], hdr_only)
kdump("kdump-size_eraseinfo-huge", [(SH + 64, "<Q", 4096), (SH + 72, "<Q", 1 << 40)], hdr_only)
kdump("kdump-split-reversed", [(SH + 12, "<i", 1), (SH + 80, "<Q", 100), (SH + 88, "<Q", 10)],
      hdr_only)
# version 3 reads VMCOREINFO by offset: 4 GiB of it took libkdumpfile > 60 s
kdump("kdump-v3-size_vmcoreinfo-4g", [(8, "<i", 3), (SH + 40, "<Q", 0xFFFFFFFF)], hdr_only)
# an empty one makes libkdumpfile return an uninitialised status
kdump("kdump-v3-size_vmcoreinfo-0", [(8, "<i", 3), (SH + 40, "<Q", 0)], hdr_only)
# a non-zero tv_usec of 8192 makes libkdumpfile read the header in the 32-bit
# layout first (block_size at 416): here it is inconsistent
kdump("kdump-layout-32bit-misread", [(416, "<Q", 8192)], hdr_only)
# found by the fuzzer (against Debian's 0.5.1): a compressed page larger than
# the block overflows libkdumpfile's page buffer
lz = seed("kdump-lzo")
struct.pack_into("<I", lz, desc + 3 * 24 + 8, 4352)  # init_top_pgt: read at open
save("kdump-desc-lzo-4352", lz)
# cut inside the bitmaps: consistent headers, nothing locatable
save("kdump-cut-in-bitmap", kd[: (1 + sub) * bs + 100])
# cut in the 464-byte header itself
save("kdump-cut-in-header", kd[:300])


def note_edit(d, name, fn):
    """Apply fn(d, desc_offset, descsz_offset) to the named note of a kdump seed."""
    note_off, note_sz = struct.unpack_from("<QQ", d, SH + 48)
    p, end = note_off, note_off + note_sz
    while p + 12 <= end:
        namesz, descsz, _ = struct.unpack_from("<III", d, p)
        nm = bytes(d[p + 12 : p + 12 + namesz]).rstrip(b"\0").decode()
        dpos = p + 12 + ((namesz + 3) & ~3)
        if nm == name:
            fn(d, dpos, p + 4)
            return
        p = dpos + ((descsz + 3) & ~3)
    raise SystemExit(f"make-hostile: no {name} note")


def vmcoreinfo_edit(name, old, new, seedname="kdump-zlib"):
    d = seed(seedname)
    assert len(old) == len(new)
    i = d.find(old)
    assert i > 0, old
    d[i : i + len(old)] = new
    save(name, d[:hdr_only] if seedname == "kdump-zlib" else d)


# libkdumpfile refuses a short PRSTATUS: a failed open, which 0.5.1 then
# turns into a use-after-free in kdump_free()
d = seed("kdump-zlib")
note_edit(d, "CORE", lambda d, dp, szp: struct.pack_into("<I", d, szp, 100))
save("kdump-prstatus-short", d[:hdr_only])
vmcoreinfo_edit("kdump-vmcoreinfo-pagesize", b"PAGESIZE=4096\n", b"PAGESIZE=8192\n")
vmcoreinfo_edit("kdump-vmcoreinfo-pagesize-empty", b"PAGESIZE=4096\n", b"PAGESIZE=\nX=1\n")
# "OFFSET(page)" next to "OFFSET(page.flags)": a value and a directory
vmcoreinfo_edit("kdump-vmcoreinfo-keyclash", b"SIZE(page)=64\n", b"OFFSET(page)=\n")
vmcoreinfo_edit("kdump-vmcoreinfo-nul", b"KERNELOFFSET=0\n", b"KERNELOFFSE\x00=0\n")

# --- ELF64 ---------------------------------------------------------------------
el = seed("elf64-vaddr")
E_PHOFF, E_PHENTSIZE, E_PHNUM, E_SHOFF, E_SHENTSIZE, E_SHNUM, E_SHSTRNDX = 32, 54, 56, 40, 58, 60, 62
phoff = struct.unpack_from("<Q", el, E_PHOFF)[0]
phnum = struct.unpack_from("<H", el, E_PHNUM)[0]


def elf(name, edits, base=None, cut=None):
    d = bytearray(base if base is not None else el)
    for off, fmt, val in edits:
        struct.pack_into(fmt, d, off, val)
    save(name, d[:cut] if cut else d)


PH1 = phoff + 56  # the first PT_LOAD
elf("elf-not-a-core", [(16, "<H", 2)])  # ET_EXEC: a vmlinux given as the dump
elf("elf-e_phentsize-8", [(E_PHENTSIZE, "<H", 8)])
elf("elf-e_phoff-huge", [(E_PHOFF, "<Q", 1 << 60)])
elf("elf-cut-in-phdrs", [], cut=phoff + 56 + 20)
elf("elf-pt_note-filesz-huge", [(phoff + 32, "<Q", 1 << 40)])
elf("elf-pt_note-misaligned", [(phoff + 8, "<Q", struct.unpack_from("<Q", el, phoff + 8)[0] + 1)])
elf("elf-pt_load-paddr-wraps", [(PH1 + 24, "<Q", 0xFFFFFFFFFFFFF000), (PH1 + 40, "<Q", 0x2000)])
elf("elf-pt_load-filesz-gt-memsz", [(PH1 + 32, "<Q", 0x10000)])
elf("elf-no-pt_load", [(PH1 + 56 * i, "<I", 6) for i in range(phnum - 1)])  # all PT_PHDR
# extended numbering: e_phnum PN_XNUM, the count in section 0's sh_info
x = bytearray(el) + bytes(64)
struct.pack_into("<Q", x, E_SHOFF, len(el))
struct.pack_into("<H", x, E_SHENTSIZE, 64)
struct.pack_into("<H", x, E_SHNUM, 1)
struct.pack_into("<H", x, E_PHNUM, 0xFFFF)
struct.pack_into("<I", x, len(el) + 44, 0xFFFFFFFF)  # sh_info
save("elf-pn_xnum-phnum-4g", x)
# section headers smaller than Elf64_Shdr
elf("elf-e_shentsize-8", [(E_SHOFF, "<Q", 64), (E_SHENTSIZE, "<H", 8), (E_SHNUM, "<H", 2)])


def with_sections(names, terminate=True):
    """elf64-vaddr plus a section table naming `names` (plus the strtab)."""
    d = bytearray(el)
    strtab = b"\0" + b"".join(n + b"\0" for n in names) + b".shstrtab\0"
    if not terminate:
        strtab = strtab[:-1] + b"X"
    str_off = len(d)
    d += strtab
    while len(d) % 8:
        d += b"\0"
    sh_off = len(d)
    n = len(names) + 2
    d += bytes(64 * n)
    pos = 1
    for i, nm in enumerate(names):
        struct.pack_into("<II", d, sh_off + 64 * (i + 1), pos, 1)
        pos += len(nm) + 1
    s = sh_off + 64 * (n - 1)
    struct.pack_into("<IIQQQQ", d, s, pos, 3, 0, 0, str_off, len(strtab))
    struct.pack_into("<Q", d, E_SHOFF, sh_off)
    struct.pack_into("<HHH", d, E_SHENTSIZE, 64, n, n - 1)
    return d


# found by the fuzzer: 18 KiB section headers, many of them, past the end of
# the file: libkdumpfile looped over them for 28 s
elf("elf-e_shentsize-18k", [(E_SHOFF, "<Q", 1000), (E_SHENTSIZE, "<H", 17999),
                             (E_SHNUM, "<H", 60)])
# 60000 section headers past the end of a 1.5 KiB file
elf("elf-shdrs-beyond-eof", [(E_SHOFF, "<Q", 4096), (E_SHENTSIZE, "<H", 64),
                              (E_SHNUM, "<H", 60000)])
# found by the fuzzer: notes cut by the end of the file
notes_off = struct.unpack_from("<Q", el, phoff + 8)[0]
elf("elf-pt_note-cut", [], cut=notes_off + 40)
save("elf-xen-section", with_sections([b".xen_p2m"]))
save("elf-shstrtab-unterminated", with_sections([b".data"], terminate=False))
# found by the fuzzer once dumps were memory-mapped: the name table lies past
# the end of the file (read as zeros through read(2), a SIGBUS through a map)
st = with_sections([b".data"])
struct.pack_into("<Q", st, struct.unpack_from("<Q", st, E_SHOFF)[0] + 64 * 2 + 24, len(st) + 4096)
save("elf-shstrtab-beyond-eof", st)
vmcoreinfo_edit("elf-vmcoreinfo-keyclash", b"SIZE(page)=64\n", b"OFFSET(page)=\n", "elf64-vaddr")

# --- flattened -------------------------------------------------------------------
fl = seed("flat-kdump")


def flat(name, edits, cut=None):
    d = bytearray(fl)
    for off, fmt, val in edits:
        struct.pack_into(fmt, d, off, val)
    save(name, d[:cut] if cut else d)


flat("flat-record-size-negative", [(4096 + 8, ">q", -5)], 4096 + 64)
flat("flat-record-offset-huge", [(4096, ">Q", 1 << 50)], 4096 + 64)
flat("flat-cut-in-record", [], 4096 + 16 + 700)
flat("flat-no-end-record", [], len(fl) - 16)

# --- other formats ---------------------------------------------------------------
sa = seed("sadump")
SAH = 4096
d = bytearray(sa)
struct.pack_into("<I", d, SAH + 80, 0)  # nr_cpus 0: libkdumpfile divides by it (SIGFPE)
save("sadump-nr_cpus-0", d[: SAH + 2 * 4096])
s3 = seed("s390")
d = bytearray(s3)
struct.pack_into(">I", d, 20, 3000)  # page_size
save("s390-page_size-3000", d[:4096])
d = bytearray(s3)
d[-16:-8] = b"DUMP_NOT"  # found by the fuzzer: no end marker
save("s390-no-end-marker", d)
save("lkcd", bytes([0xED, 0x23, 0x8F, 0x61, 0x73, 0x01, 0x19, 0xA8]) + bytes(4088))
save("qemu-savevm", b"QEVM\0\0\0\3" + bytes(504))
save("not-a-dump", b"This is not a vmcore but a text file.\n" * 8)

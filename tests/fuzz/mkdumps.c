// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkdumps DIR: write tiny synthetic vmcores of every format libkdumpfile
 * reads, as seeds for tests/fuzz/fuzz_dumpfile and as the base of the
 * crafted files in tests/hostile/.
 *
 * Each holds the same small x86_64 "machine": a kernel text page with
 * init_uts_ns, 4-level page tables (init_top_pgt) mapping the kernel text
 * with a 2 MiB page and the direct map with a 1 GiB page, a data page, a
 * direct-map page, a VMCOREINFO note and one CPU's PRSTATUS. Virtual reads
 * therefore go through libkdumpfile's page-table walk (or, in ELF files with
 * p_vaddr, through the segments), and a mutated page table or header reaches
 * libaddrxlat as well as the format code.
 *
 * Files (all a few KiB; the kdump-compressed ones are mostly the 4 KiB
 * blocks the format needs):
 *   elf64-vaddr      ELF64 LE, PT_LOADs with p_vaddr (kexec style), trimmed
 *   elf64-qemu       ELF64 LE, p_vaddr 0 (QEMU style): virtual reads walk the
 *                    page tables
 *   elf32-vaddr      ELF32 LE, i386
 *   elf64-be         ELF64 BE, s390x machine
 *   kdump-{none,zlib,lzo,snappy,zstd}  kdump-compressed, header version 6,
 *                    makedumpfile-like utsname
 *   kdump-filtered   zlib, the data page excluded by the second bitmap
 *   kdump-qemu       zlib, QEMU-like utsname (only "machine" set)
 *   kdump-v3         header version 3: VMCOREINFO by offset, no notes
 *   kdump-32bit      the 32-bit header layout (i386)
 *   flat-kdump       kdump-qemu in makedumpfile's flattened format
 *   flat-elf         elf64-qemu in the flattened format
 *   s390             s390 stand-alone dump
 *   sadump           sadump single partition
 */
#include <errno.h>
#include <inttypes.h>
#include <lzo/lzo1x.h>
#include <snappy-c.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#define PAGE		 4096u
#define START_KERNEL_MAP UINT64_C(0xffffffff80000000)
#define KTEXT_VA	 UINT64_C(0xffffffff81000000)
#define KTEXT_PA	 UINT64_C(0x1000000)
#define PAGE_OFFSET	 UINT64_C(0xffff888000000000)
#define DIRECT_PA	 UINT64_C(0x2000)
#define RELEASE		 "6.1.0-synthetic"
#define MAX_MAPNR	 0x1008u /* pages 0 .. 0x1007 */
#define NPAGES		 8

/* ---- the machine ------------------------------------------------------- */

struct page {
	uint64_t pa;
	uint8_t data[PAGE];
	size_t used; /* bytes up to the last non-zero one */
};

static struct page mem[NPAGES];
static size_t nmem;
static char vmcoreinfo[2048];
static size_t vmcoreinfo_len;

static struct page *page_at(uint64_t pa)
{
	for (size_t i = 0; i < nmem; i++)
		if (mem[i].pa == pa)
			return &mem[i];
	if (nmem == NPAGES) {
		fprintf(stderr, "mkdumps: too many pages\n");
		exit(1);
	}
	mem[nmem].pa = pa;
	return &mem[nmem++];
}

static void put(uint64_t pa, const void *src, size_t len)
{
	struct page *p = page_at(pa & ~(uint64_t)(PAGE - 1));

	memcpy(p->data + (pa & (PAGE - 1)), src, len);
}

static void put64(uint64_t pa, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	put(pa, b, 8);
}

static int cmp_page(const void *a, const void *b)
{
	const struct page *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

static void build_machine(void)
{
	static const char *const uts[6] = { "Linux",  "synth",
					    RELEASE,  "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0",
					    "x86_64", "(none)" };
	const uint64_t pgd = KTEXT_PA + 0x2000, pud_k = KTEXT_PA + 0x3000,
		       pmd_k = KTEXT_PA + 0x4000, pud_d = KTEXT_PA + 0x5000;
	uint8_t pattern[64];

	put(KTEXT_PA, "\x0f\x1f\x44\x00\x00\xc3", 6); /* _stext: nopl; ret */
	for (int i = 0; i < 6; i++)		      /* init_uts_ns: kref, then new_utsname */
		put(KTEXT_PA + 0x1000 + 4 + 65 * (uint64_t)i, uts[i], strlen(uts[i]) + 1);
	put64(pgd + 8 * 511, pud_k | 0x63);			    /* kernel text */
	put64(pgd + 8 * ((PAGE_OFFSET >> 39) & 511), pud_d | 0x63); /* direct map */
	put64(pud_k + 8 * 510, pmd_k | 0x63);
	put64(pmd_k + 8 * ((KTEXT_VA >> 21) & 511), KTEXT_PA | 0xe3); /* 2 MiB page */
	put64(pud_d, 0 | 0xe3);					      /* 1 GiB page */
	for (int i = 0; i < 64; i++)
		pattern[i] = (uint8_t)(i * 37 + 11);
	put(KTEXT_PA + 0x6000, pattern, sizeof(pattern));
	put(DIRECT_PA, pattern, sizeof(pattern));
	qsort(mem, nmem, sizeof(mem[0]), cmp_page);
	for (size_t i = 0; i < nmem; i++) {
		size_t u = PAGE;

		while (u && !mem[i].data[u - 1])
			u--;
		mem[i].used = u;
	}
	vmcoreinfo_len = (size_t)snprintf(
		vmcoreinfo, sizeof(vmcoreinfo),
		"OSRELEASE=%s\nBUILD-ID=5e1f0c0ffee0123456789abcdef0123456789ab\nPAGESIZE=4096\n"
		"SYMBOL(init_uts_ns)=%" PRIx64 "\nSYMBOL(_stext)=%" PRIx64
		"\nSYMBOL(init_top_pgt)=%" PRIx64 "\nSYMBOL(swapper_pg_dir)=%" PRIx64
		"\nOFFSET(uts_namespace.name)=4\nSIZE(page)=64\nOFFSET(page.flags)=0\n"
		"NUMBER(pgtable_l5_enabled)=0\nNUMBER(phys_base)=0\nKERNELOFFSET=0\n"
		"CRASHTIME=1700000000\n",
		RELEASE, KTEXT_VA + 0x1000, KTEXT_VA, KTEXT_VA + 0x2000, KTEXT_VA + 0x2000);
}

/* ---- output buffer ------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void reserve(struct buf *b, size_t len)
{
	if (len <= b->cap)
		return;
	b->cap = len * 2;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		perror("mkdumps");
		exit(1);
	}
}

/* Write len bytes at off, zero-filling any gap. */
static void at(struct buf *b, size_t off, const void *src, size_t len)
{
	reserve(b, off + len);
	if (off > b->len)
		memset(b->p + b->len, 0, off - b->len);
	memcpy(b->p + off, src, len);
	if (off + len > b->len)
		b->len = off + len;
}

static void wint(struct buf *b, size_t off, uint64_t v, size_t n, bool be)
{
	uint8_t t[8];

	for (size_t i = 0; i < n; i++)
		t[be ? n - 1 - i : i] = (uint8_t)(v >> (8 * i));
	at(b, off, t, n);
}

static void save(const char *dir, const char *name, const struct buf *b)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f)) {
		fprintf(stderr, "mkdumps: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* ---- notes -------------------------------------------------------------- */

/* A note; returns its size (4-byte aligned). */
static size_t note(struct buf *b, size_t off, const char *name, uint32_t type, const void *desc,
		   size_t descsz, bool be)
{
	size_t namesz = strlen(name) + 1, pos = off + 12;

	wint(b, off, namesz, 4, be);
	wint(b, off + 4, descsz, 4, be);
	wint(b, off + 8, type, 4, be);
	at(b, pos, name, namesz);
	pos += (namesz + 3) & ~3u;
	at(b, pos, desc, descsz);
	pos += (descsz + 3) & ~3u;
	at(b, pos, "", 0); /* the padding */
	return pos - off;
}

/* PRSTATUS + VMCOREINFO; *vmci_off gets the VMCOREINFO text's offset. */
static size_t notes(struct buf *b, size_t off, size_t prstatus_size, bool be, size_t *vmci_off)
{
	uint8_t prstatus[504] = { 0 };
	size_t n;

	prstatus[32] = 1; /* pr_pid */
	n = note(b, off, "CORE", 1, prstatus, prstatus_size, be);
	*vmci_off = off + n + 12 + 12; /* after the note header and "VMCOREINFO\0\0" */
	n += note(b, off + n, "VMCOREINFO", 0, vmcoreinfo, vmcoreinfo_len, be);
	return n;
}

/* ---- ELF ---------------------------------------------------------------- */

enum elf_style { ELF_VADDR, ELF_QEMU };

static uint64_t kv_of(uint64_t pa)
{
	return pa >= KTEXT_PA ? pa - KTEXT_PA + KTEXT_VA : pa + PAGE_OFFSET;
}

static void write_elf(const char *dir, const char *name, bool is64, bool be, unsigned machine,
		      enum elf_style style)
{
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, nph = 1, off, noff, nsz, vmci;
	struct buf b = { 0 };
	size_t idx[NPAGES], nl = 0;

	for (size_t i = 0; i < nmem; i++) /* page tables only where walked */
		if (style == ELF_QEMU || mem[i].pa < KTEXT_PA + 0x2000 ||
		    mem[i].pa > KTEXT_PA + 0x5000)
			idx[nl++] = i;
	nph += nl;
	at(&b, 0, "\177ELF", 4);
	wint(&b, 4, is64 ? 2 : 1, 1, false); /* EI_CLASS */
	wint(&b, 5, be ? 2 : 1, 1, false);   /* EI_DATA */
	wint(&b, 6, 1, 1, false);	     /* EI_VERSION */
	wint(&b, 16, 4, 2, be);		     /* ET_CORE */
	wint(&b, 18, machine, 2, be);
	wint(&b, 20, 1, 4, be);
	wint(&b, is64 ? 32 : 28, eh, is64 ? 8 : 4, be); /* e_phoff */
	wint(&b, is64 ? 52 : 40, eh, 2, be);
	wint(&b, is64 ? 54 : 42, ph, 2, be);
	wint(&b, is64 ? 56 : 44, nph, 2, be);
	noff = eh + nph * ph;
	nsz = notes(&b, noff, is64 ? (machine == 22 ? 336 : 336) : 144, be, &vmci);
	/* PT_NOTE */
	wint(&b, eh, 4, 4, be);
	wint(&b, eh + (is64 ? 8 : 4), noff, is64 ? 8 : 4, be);
	wint(&b, eh + (is64 ? 32 : 16), nsz, is64 ? 8 : 4, be);
	wint(&b, eh + (is64 ? 40 : 20), nsz, is64 ? 8 : 4, be);
	off = noff + nsz;
	for (size_t k = 0; k < nl; k++) {
		const struct page *p = &mem[idx[k]];
		size_t pho = eh + (k + 1) * ph;
		uint64_t va = style == ELF_VADDR ? kv_of(p->pa) : 0;

		if (!is64 && style == ELF_VADDR) /* i386: 3G/1G split */
			va = p->pa + UINT64_C(0xc0000000);
		wint(&b, pho, 1, 4, be);
		if (is64) {
			wint(&b, pho + 4, 7, 4, be);
			wint(&b, pho + 8, off, 8, be);
			wint(&b, pho + 16, va, 8, be);
			wint(&b, pho + 24, p->pa, 8, be);
			wint(&b, pho + 32, p->used, 8, be);
			wint(&b, pho + 40, PAGE, 8, be);
			wint(&b, pho + 48, PAGE, 8, be);
		} else {
			wint(&b, pho + 4, off, 4, be);
			wint(&b, pho + 8, va, 4, be);
			wint(&b, pho + 12, p->pa, 4, be);
			wint(&b, pho + 16, p->used, 4, be);
			wint(&b, pho + 20, PAGE, 4, be);
			wint(&b, pho + 24, 7, 4, be);
			wint(&b, pho + 28, PAGE, 4, be);
		}
		at(&b, off, p->data, p->used);
		off += p->used;
	}
	save(dir, name, &b);
	free(b.p);
}

/* ---- kdump-compressed ------------------------------------------------------ */

enum comp { C_NONE, C_ZLIB, C_LZO, C_SNAPPY, C_ZSTD };
static const uint32_t comp_flag[] = { 0, 0x1, 0x2, 0x4, 0x20 };

static size_t compress_page(enum comp c, const uint8_t *in, uint8_t *out, size_t cap)
{
	switch (c) {
	case C_ZLIB: {
		uLongf n = cap;

		return compress2(out, &n, in, PAGE, 6) == Z_OK ? n : 0;
	}
	case C_LZO: {
		static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
		lzo_uint n = cap;

		return lzo1x_1_compress(in, PAGE, out, &n, wrk) == LZO_E_OK ? n : 0;
	}
	case C_SNAPPY: {
		size_t n = cap;

		return snappy_compress((const char *)in, PAGE, (char *)out, &n) == SNAPPY_OK ? n
											     : 0;
	}
	case C_ZSTD: {
		size_t n = ZSTD_compress(out, cap, in, PAGE, 3);

		return ZSTD_isError(n) ? 0 : n;
	}
	default:
		return 0;
	}
}

struct kdump_opts {
	enum comp comp;
	bool filtered; /* leave the data page out of bitmap 2 */
	bool qemu_uts; /* only utsname.machine */
	int version;   /* 3 or 6 */
	bool is32;     /* 32-bit header layout, i386 */
};

static void make_kdump(const struct kdump_opts *o, struct buf *b)
{
	const uint64_t blk = PAGE, excluded = KTEXT_PA + 0x6000;
	static const char *const uts[6] = { "Linux",	     "synth",  RELEASE,
					    "#1 SMP Debian", "x86_64", "(none)" };
	size_t sub_off = blk, notes_off, nsz = 0, vmci = 0, sub_blocks, bmp_off, desc_off, data;
	uint8_t bitmap[PAGE], cbuf[2 * PAGE];
	size_t base = o->is32 ? 416 : 428, ndesc = 0;

	at(b, 0, "KDUMP   ", 8);
	wint(b, 8, (uint64_t)o->version, 4, false);
	for (int i = 0; i < 6; i++) {
		const char *s =
			o->qemu_uts ? (i == 4 ? (o->is32 ? "i686" : "x86_64") : "") : uts[i];

		if (!o->qemu_uts && o->is32 && i == 4)
			s = "i686";
		at(b, 12 + 65 * (size_t)i, s, strlen(s));
	}
	/* sub-header, then the notes (version 6) or VMCOREINFO (version 3) */
	notes_off = sub_off + (o->is32 ? 80 : 104);
	if (o->version >= 4) {
		nsz = notes(b, notes_off, o->is32 ? 144 : 336, false, &vmci);
	} else {
		at(b, notes_off, vmcoreinfo, vmcoreinfo_len);
		vmci = notes_off;
		nsz = vmcoreinfo_len;
	}
	sub_blocks = (notes_off + nsz - sub_off + blk - 1) / blk;
	bmp_off = (1 + sub_blocks) * blk;
	desc_off = bmp_off + 2 * blk;
	wint(b, base - 4, comp_flag[o->comp], 4, false); /* status */
	wint(b, base, blk, 4, false);
	wint(b, base + 4, sub_blocks, 4, false);
	wint(b, base + 8, 2, 4, false); /* bitmap_blocks */
	wint(b, base + 12, MAX_MAPNR, 4, false);
	wint(b, base + 28, 0, 4, false); /* current_cpu */
	wint(b, base + 32, 1, 4, false); /* nr_cpus */
	if (o->is32) {			 /* kdump_sub_header_32pack */
		wint(b, sub_off + 4, o->filtered ? 31 : 1, 4, false);
		wint(b, sub_off + 20, vmci, 8, false);
		wint(b, sub_off + 28, vmcoreinfo_len, 4, false);
		if (o->version >= 4) {
			wint(b, sub_off + 32, notes_off, 8, false);
			wint(b, sub_off + 40, nsz, 4, false);
		}
		wint(b, sub_off + 72, MAX_MAPNR, 8, false);
	} else {
		wint(b, sub_off + 8, o->filtered ? 31 : 1, 4, false); /* dump_level */
		wint(b, sub_off + 32, vmci, 8, false);
		wint(b, sub_off + 40, vmcoreinfo_len, 8, false);
		if (o->version >= 4) {
			wint(b, sub_off + 48, notes_off, 8, false);
			wint(b, sub_off + 56, nsz, 8, false);
		}
		if (o->version >= 6)
			wint(b, sub_off + 96, MAX_MAPNR, 8, false);
	}
	/* bitmap 1: the pages that exist; bitmap 2: the pages dumped */
	memset(bitmap, 0, sizeof(bitmap));
	for (size_t i = 0; i < nmem; i++)
		bitmap[mem[i].pa / PAGE / 8] |= (uint8_t)(1u << (mem[i].pa / PAGE % 8));
	at(b, bmp_off, bitmap, blk);
	if (o->filtered)
		bitmap[excluded / PAGE / 8] &= (uint8_t) ~(1u << (excluded / PAGE % 8));
	at(b, bmp_off + blk, bitmap, blk);
	for (size_t i = 0; i < nmem; i++)
		ndesc += !(o->filtered && mem[i].pa == excluded);
	data = desc_off + ndesc * 24;
	for (size_t i = 0, d = 0; i < nmem; i++) {
		size_t n = o->comp == C_NONE
				   ? 0
				   : compress_page(o->comp, mem[i].data, cbuf, sizeof(cbuf));
		uint32_t flags = comp_flag[o->comp];

		if (o->filtered && mem[i].pa == excluded)
			continue;
		if (!n || n >= PAGE) { /* store it raw, as makedumpfile does */
			memcpy(cbuf, mem[i].data, PAGE);
			n = PAGE;
			flags = 0;
		}
		wint(b, desc_off + d * 24, data, 8, false);
		wint(b, desc_off + d * 24 + 8, n, 4, false);
		wint(b, desc_off + d * 24 + 12, flags, 4, false);
		wint(b, desc_off + d * 24 + 16, 0, 8, false);
		at(b, data, cbuf, n);
		data += n;
		d++;
	}
}

static void write_kdump(const char *dir, const char *name, const struct kdump_opts *o)
{
	struct buf b = { 0 };

	make_kdump(o, &b);
	save(dir, name, &b);
	free(b.p);
}

/* ---- flattened ------------------------------------------------------------ */

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* Records of at most 1500 bytes, the first block rewritten at the end as
 * makedumpfile and QEMU do. */
static void write_flat(const char *dir, const char *name, const struct buf *in)
{
	struct buf b = { 0 };
	uint8_t h[16];
	size_t pos = 4096, head = in->len < 512 ? in->len : 512;

	at(&b, 0, "makedumpfile", 12);
	be64(h, 1);
	at(&b, 16, h, 8);
	at(&b, 24, h, 8);
	for (size_t off = 0; off < in->len; off += 1500) {
		size_t n = in->len - off < 1500 ? in->len - off : 1500;

		be64(h, off);
		be64(h + 8, n);
		at(&b, pos, h, 16);
		at(&b, pos + 16, in->p + off, n);
		pos += 16 + n;
	}
	be64(h, 0);
	be64(h + 8, head);
	at(&b, pos, h, 16);
	at(&b, pos + 16, in->p, head);
	pos += 16 + head;
	be64(h, UINT64_MAX);
	be64(h + 8, UINT64_MAX);
	at(&b, pos, h, 16);
	save(dir, name, &b);
	free(b.p);
}

/* ---- s390 and sadump ------------------------------------------------------- */

static void write_s390(const char *dir, const char *name)
{
	struct buf b = { 0 };
	const uint64_t npages = 3, tod = UINT64_C(0xd000000000000000);

	wint(&b, 0, UINT64_C(0xa8190173618f23fd), 8, true);
	wint(&b, 8, 5, 4, true);	      /* version */
	wint(&b, 12, 4096, 4, true);	      /* hdr_size */
	wint(&b, 20, PAGE, 4, true);	      /* page_size */
	wint(&b, 24, npages * PAGE, 8, true); /* mem_size */
	wint(&b, 40, npages * PAGE - 1, 8, true);
	wint(&b, 48, npages, 4, true);
	wint(&b, 56, tod, 8, true);
	wint(&b, 72, 2, 4, true); /* s390x */
	at(&b, 4096 + PAGE, mem[nmem - 1].data, 64);
	at(&b, 4096 + npages * PAGE, "DUMP_END", 8);
	wint(&b, 4096 + npages * PAGE + 8, tod + 1, 8, true);
	save(dir, name, &b);
	free(b.p);
}

static void write_sadump(const char *dir, const char *name)
{
	struct buf b = { 0 };
	const uint64_t bs = PAGE, hdr = bs, cpus = 1, mapnr = 16;
	const uint64_t sub = 1, bmp = 1, dbmp = 1, data = hdr + bs * (1 + sub + bmp + dbmp);
	uint32_t m = 0x1234;
	uint8_t bits[2] = { 0xa0, 0x00 }; /* MSB first: pages 0 and 2 */

	wint(&b, 0, 0x75646173, 4, false);
	wint(&b, 4, 0x0000706d, 4, false);
	wint(&b, 8, 1, 4, false);		       /* enable */
	wint(&b, 160, data + 2 * bs, 8, false);	       /* used_device */
	for (uint64_t off = 168; off < bs; off += 4) { /* the magic-number run */
		wint(&b, off, m, 4, false);
		m = 11 * (m + 7);
	}
	at(&b, hdr, "sadump\0\0", 8);
	wint(&b, hdr + 8, 1, 4, false); /* header_version */
	wint(&b, hdr + 40, bs, 4, false);
	wint(&b, hdr + 48, sub, 4, false);
	wint(&b, hdr + 52, bmp, 4, false);
	wint(&b, hdr + 56, dbmp, 4, false);
	wint(&b, hdr + 60, mapnr, 4, false);
	wint(&b, hdr + 80, cpus, 4, false);
	wint(&b, hdr + 88, mapnr, 8, false);
	/* sub-header: CPU state size, APIC states, SMRAM states (EFER.LMA) */
	wint(&b, hdr + bs, cpus * 0x400, 4, false);
	wint(&b, hdr + bs + 4 + cpus * 16 + 992, UINT64_C(1) << 10, 8, false);
	at(&b, hdr + bs * (1 + sub), bits, sizeof(bits));
	at(&b, hdr + bs * (1 + sub + bmp), bits, sizeof(bits));
	at(&b, data, mem[0].data, PAGE);
	at(&b, data + bs, mem[nmem - 1].data, PAGE);
	save(dir, name, &b);
	free(b.p);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		struct kdump_opts o;
	} kd[] = {
		{ "kdump-none", { C_NONE, false, false, 6, false } },
		{ "kdump-zlib", { C_ZLIB, false, false, 6, false } },
		{ "kdump-lzo", { C_LZO, false, false, 6, false } },
		{ "kdump-snappy", { C_SNAPPY, false, false, 6, false } },
		{ "kdump-zstd", { C_ZSTD, false, false, 6, false } },
		{ "kdump-filtered", { C_ZLIB, true, false, 6, false } },
		{ "kdump-qemu", { C_ZLIB, false, true, 6, false } },
		{ "kdump-v3", { C_ZLIB, false, false, 3, false } },
		{ "kdump-32bit", { C_ZLIB, false, false, 6, true } },
	};
	const struct kdump_opts qemu = { C_ZLIB, false, true, 6, false };
	struct buf b = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: mkdumps DIR\n");
		return 2;
	}
	if (lzo_init() != LZO_E_OK)
		return 1;
	build_machine();
	write_elf(argv[1], "elf64-vaddr", true, false, 62, ELF_VADDR);
	write_elf(argv[1], "elf64-qemu", true, false, 62, ELF_QEMU);
	write_elf(argv[1], "elf32-vaddr", false, false, 3, ELF_VADDR);
	write_elf(argv[1], "elf64-be", true, true, 22, ELF_VADDR);
	for (size_t i = 0; i < sizeof(kd) / sizeof(kd[0]); i++)
		write_kdump(argv[1], kd[i].name, &kd[i].o);
	make_kdump(&qemu, &b);
	write_flat(argv[1], "flat-kdump", &b);
	free(b.p);
	{
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/elf64-qemu", argv[1]);
		f = fopen(path, "rb");
		if (!f)
			return 1;
		b = (struct buf){ 0 };
		reserve(&b, 1 << 20);
		b.len = fread(b.p, 1, 1 << 20, f);
		fclose(f);
		write_flat(argv[1], "flat-elf", &b);
		free(b.p);
	}
	write_s390(argv[1], "s390");
	write_sadump(argv[1], "sadump");
	return 0;
}

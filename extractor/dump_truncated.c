// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding the physical memory a truncated vmcore has lost (see
 * dump_truncated.h for why libkdumpfile cannot be trusted with it).
 *
 * ELF: each PT_LOAD says "p_filesz bytes of memory at p_paddr are stored at
 * p_offset"; whatever part of that lies beyond the end of the file is a hole.
 *
 * kdump-compressed ("diskdump", 64-bit layout): block 0 is the header, then
 * sub_hdr_size blocks of sub-header, bitmap_blocks blocks holding two bitmaps
 * of max_mapnr bits (the second marks the pages that were dumped), then one
 * 24-byte page descriptor {int64 offset; u32 size; u32 flags; u64 page_flags}
 * per dumped page, in PFN order, then the page data. A dumped page is a hole
 * when its descriptor or its data lies beyond the end of the file. The writers
 * (makedumpfile, QEMU) write page data in PFN order, so the file is complete
 * iff the descriptor table fits and the data of the last descriptor that
 * does not share the zero page (see last_data_end()) does; only when it does
 * not are all descriptors walked. Header fields are trusted only
 * as far as the file can back them: the bitmap is clamped to its blocks, every
 * read is bounded. A header whose block size, bitmap size or sub-header size
 * the file cannot back is refused as CORRUPT before libkdumpfile sees it:
 * libkdumpfile 0.5.1 allocates from those fields (bitmap_blocks = 0x7fffffff
 * makes it ask for 32 GiB).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_truncated.h"
#include "dump_validate.h"
#include "flattened.h"

#define DD_SIG		 "KDUMP   "
#define DD_BLOCK_SIZE	 428 /* offsets in the 64-bit struct disk_dump_header */
#define DD_SUB_HDR_SIZE	 432
#define DD_BITMAP_BLOCKS 436
#define DD_MAX_MAPNR	 440
#define DD_HDR_BYTES	 444
#define DD_SUB_MAPNR_64	 96 /* max_mapnr_64 in struct kdump_sub_header */
#define DD_DESC_SIZE	 24
#define SCAN_CHUNK	 (1u << 20)

static uint64_t get_uint(const uint8_t *p, size_t n, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static struct pmt_err *io_err(const char *name, uint64_t off)
{
	return pmt_err_new(PMT_ERR_IO, "%s: cannot read at offset %" PRIu64 ": %s", name, off,
			   strerror(errno));
}

/* Append [start, end) to a hole list, merging with the previous hole when
 * they touch. */
static struct pmt_err *add_to(struct phys_hole **holes, size_t *n, size_t *cap, uint64_t start,
			      uint64_t end)
{
	if (start >= end)
		return NULL;
	if (*n && (*holes)[*n - 1].end == start) {
		(*holes)[*n - 1].end = end;
		return NULL;
	}
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct phys_hole *h = realloc(*holes, ncap * sizeof(*h));

		if (!h)
			return &pmt_err_nomem;
		*holes = h;
		*cap = ncap;
	}
	(*holes)[(*n)++] = (struct phys_hole){ start, end };
	return NULL;
}

static struct pmt_err *add_hole(struct trunc_map *m, size_t *cap, uint64_t start, uint64_t end)
{
	return add_to(&m->holes, &m->n, cap, start, end);
}

static int cmp_hole(const void *a, const void *b)
{
	const struct phys_hole *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Does [off, off + len) lie inside a file of `size` bytes? */
static bool in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/*
 * Do the section headers and every section's contents lie inside the file?
 * Extended numbering (e_shnum 0 with a table, e_phnum PN_XNUM) keeps the real
 * counts in section 0; it is not followed here and counts as "not proven".
 */
static bool elf_sections_in_file(int fd, const uint8_t *eh, bool is64, bool be, uint64_t size)
{
	uint64_t shoff = is64 ? get_uint(eh + 40, 8, be) : get_uint(eh + 32, 4, be);
	unsigned shentsize = (unsigned)get_uint(eh + (is64 ? 58 : 46), 2, be);
	unsigned shnum = (unsigned)get_uint(eh + (is64 ? 60 : 48), 2, be);
	unsigned want = is64 ? 64u : 40u;
	uint8_t sh[64];

	if (!shnum)
		return !shoff;
	/* libkdumpfile reads a table of e_shnum entries even at e_shoff 0 */
	if (shentsize < want || !in_file(shoff, (uint64_t)shnum * shentsize, size))
		return false;
	for (unsigned i = 0; i < shnum; i++) {
		uint64_t off = shoff + (uint64_t)i * shentsize, s_off, s_size;

		if (pread_full(fd, sh, want, off) != (ssize_t)want)
			return false;
		if (get_uint(sh + 4, 4, be) == 8 /* SHT_NOBITS */)
			continue;
		s_off = get_uint(sh + (is64 ? 24 : 16), is64 ? 8 : 4, be);
		s_size = get_uint(sh + (is64 ? 32 : 20), is64 ? 8 : 4, be);
		if (!in_file(s_off, s_size, size))
			return false;
	}
	return true;
}

static struct pmt_err *scan_elf(int fd, const char *name, const uint8_t *eh, struct trunc_map *m)
{
	bool is64 = eh[4] == 2, be = eh[5] == 2;
	uint64_t phoff = is64 ? get_uint(eh + 32, 8, be) : get_uint(eh + 28, 4, be);
	unsigned phentsize = (unsigned)get_uint(eh + (is64 ? 54 : 42), 2, be);
	unsigned phnum = (unsigned)get_uint(eh + (is64 ? 56 : 44), 2, be);
	size_t cap = 0, vcap = 0;
	uint8_t ph[56];

	if (phentsize < (is64 ? 56u : 32u) || phnum == 0)
		return NULL;
	/* cleared below by the first range found outside the file */
	m->elf_in_file = phnum != 0xffff /* PN_XNUM */ &&
			 in_file(phoff, (uint64_t)phnum * phentsize, m->file_size) &&
			 elf_sections_in_file(fd, eh, is64, be, m->file_size);
	for (unsigned i = 0; i < phnum; i++) {
		uint64_t off = phoff + (uint64_t)i * phentsize, p_off, p_paddr, p_vaddr, p_filesz,
			 end;
		uint64_t skip;
		struct pmt_err *err;
		ssize_t n = pread_full(fd, ph, is64 ? 56 : 32, off);

		if (n < 0)
			return io_err(name, off);
		if (n < (is64 ? 56 : 32))
			break; /* the headers themselves are cut: libkdumpfile's call */
		p_off = get_uint(ph + (is64 ? 8 : 4), is64 ? 8 : 4, be);
		p_filesz = get_uint(ph + (is64 ? 32 : 16), is64 ? 8 : 4, be);
		if (!in_file(p_off, p_filesz, m->file_size))
			m->elf_in_file = false; /* notes too, not only PT_LOAD */
		if (get_uint(ph, 4, be) != 1 /* PT_LOAD */)
			continue;
		p_vaddr = get_uint(ph + (is64 ? 16 : 8), is64 ? 8 : 4, be);
		p_paddr = get_uint(ph + (is64 ? 24 : 12), is64 ? 8 : 4, be);
		end = p_off + p_filesz < p_off ? UINT64_MAX : p_off + p_filesz;
		if (end > m->need_size)
			m->need_size = end;
		if (end <= m->file_size)
			continue;
		/* the part of the segment from the end of the file on */
		skip = p_off < m->file_size ? m->file_size - p_off : 0;
		err = add_hole(m, &cap, p_paddr + skip,
			       p_paddr + p_filesz < p_paddr ? UINT64_MAX : p_paddr + p_filesz);
		if (!err && p_vaddr)
			err = add_to(&m->vholes, &m->nv, &vcap, p_vaddr + skip,
				     p_vaddr + p_filesz < p_vaddr ? UINT64_MAX
								  : p_vaddr + p_filesz);
		if (err)
			return err;
	}
	return NULL;
}

/* Count set bits of the dumped-pages bitmap below `bits`. */
static struct pmt_err *count_bits(int fd, const char *name, uint64_t off, uint64_t bits,
				  uint8_t *buf, uint64_t *count)
{
	uint64_t bytes = (bits + 7) / 8, done = 0;

	*count = 0;
	while (done < bytes) {
		size_t chunk = bytes - done > SCAN_CHUNK ? SCAN_CHUNK : bytes - done;
		ssize_t n = pread_full(fd, buf, chunk, off + done);

		if (n < 0)
			return io_err(name, off + done);
		for (ssize_t i = 0; i < n; i++) {
			uint8_t b = buf[i];

			if (done + (uint64_t)i == bytes - 1 && bits % 8)
				b &= (uint8_t)((1u << (bits % 8)) - 1);
			*count += (uint64_t)__builtin_popcount(b);
		}
		if ((size_t)n < chunk)
			break; /* bitmap cut: the descriptors after it are too */
		done += chunk;
	}
	return NULL;
}

/* Walk every dumped PFN and its descriptor; a hole per page that is lost. */
static struct pmt_err *walk_descs(int fd, const char *name, uint64_t bmp_off, uint64_t bits,
				  uint64_t desc_off, uint64_t page_size, uint8_t *buf,
				  struct trunc_map *m)
{
	uint8_t *dbuf = malloc(SCAN_CHUNK);
	uint64_t idx = 0, dbuf_first = 0, dbuf_count = 0;
	size_t cap = 0, have = 0, pos = 0;
	struct pmt_err *err = NULL;

	if (!dbuf)
		return &pmt_err_nomem;
	for (uint64_t pfn = 0; pfn < bits; pfn++) {
		uint64_t dpos, doff, dsize;
		bool lost;

		if (pos == have) { /* refill the bitmap window */
			uint64_t boff = bmp_off + pfn / 8;
			uint64_t left = (bits - pfn + 7) / 8;
			ssize_t n =
				pread_full(fd, buf, left > SCAN_CHUNK ? SCAN_CHUNK : left, boff);

			if (n < 0) {
				err = io_err(name, boff);
				break;
			}
			if (n == 0)
				break; /* bitmap cut: nothing more is known */
			have = (size_t)n * 8;
			pos = 0;
		}
		if (!(buf[pos / 8] & (1u << (pos % 8)))) {
			pos++;
			continue;
		}
		pos++;
		dpos = desc_off + idx * DD_DESC_SIZE;
		if (idx < dbuf_first || idx >= dbuf_first + dbuf_count) {
			ssize_t n =
				dpos < m->file_size ? pread_full(fd, dbuf, SCAN_CHUNK, dpos) : 0;

			if (n < 0) {
				err = io_err(name, dpos);
				break;
			}
			dbuf_first = idx;
			dbuf_count = (uint64_t)n / DD_DESC_SIZE;
		}
		if (idx - dbuf_first < dbuf_count) {
			const uint8_t *d = dbuf + (idx - dbuf_first) * DD_DESC_SIZE;

			doff = get_uint(d, 8, false);
			dsize = get_uint(d + 8, 4, false);
			lost = doff > m->file_size || dsize > m->file_size - doff;
		} else {
			lost = true; /* the descriptor itself is gone */
		}
		if (lost) {
			err = add_hole(m, &cap, pfn * page_size, (pfn + 1) * page_size);
			if (err)
				break;
		}
		idx++;
	}
	free(dbuf);
	return err;
}

/*
 * The end of the page data, from the last descriptor that does not point at
 * the shared zero page: makedumpfile writes one page of zeros at the start of
 * the data (right after the descriptor table) and points every page found to
 * be zero at write time there, so the last descriptors may all point back to
 * the start. Scans backwards; *need is raised to the end found.
 */
static struct pmt_err *last_data_end(int fd, const char *name, uint64_t desc_off, uint64_t ndesc,
				     uint8_t *buf, uint64_t *need)
{
	uint64_t zero_page = desc_off + ndesc * DD_DESC_SIZE, left = ndesc;

	while (left) {
		uint64_t n = left > SCAN_CHUNK / DD_DESC_SIZE ? SCAN_CHUNK / DD_DESC_SIZE : left;
		uint64_t first = left - n, off = desc_off + first * DD_DESC_SIZE;
		ssize_t got = pread_full(fd, buf, n * DD_DESC_SIZE, off);

		if (got < 0)
			return io_err(name, off);
		if ((uint64_t)got < n * DD_DESC_SIZE)
			return NULL; /* cannot happen: the table was checked to fit */
		for (uint64_t i = n; i-- > 0;) {
			uint64_t doff = get_uint(buf + i * DD_DESC_SIZE, 8, false);
			uint64_t dsize = get_uint(buf + i * DD_DESC_SIZE + 8, 4, false);

			if (doff == zero_page)
				continue;
			if (doff + dsize > *need || doff + dsize < doff)
				*need = doff + dsize < doff ? UINT64_MAX : doff + dsize;
			return NULL;
		}
		left = first;
	}
	return NULL;
}

static struct pmt_err *scan_diskdump(int fd, const char *name, const uint8_t *hdr,
				     struct trunc_map *m)
{
	uint64_t block = get_uint(hdr + DD_BLOCK_SIZE, 4, false);
	uint64_t sub_blocks = get_uint(hdr + DD_SUB_HDR_SIZE, 4, false);
	uint64_t bmp_blocks = get_uint(hdr + DD_BITMAP_BLOCKS, 4, false);
	uint64_t bits = get_uint(hdr + DD_MAX_MAPNR, 4, false);
	uint64_t version = get_uint(hdr + 8, 4, false);
	uint64_t bmp2_off, desc_off, ndesc, need;
	struct pmt_err *err;
	uint8_t *buf, sub[8];
	bool is64, be;

	/* Only the 64-bit little-endian layout (x86_64's) is mapped here; a
	 * header libkdumpfile reads in another layout (dump_validate.c) is
	 * left to it. */
	if (!dump_diskdump_layout(hdr, &is64, &be) || !is64 || be)
		return NULL;
	/* libkdumpfile sizes its allocations from these fields, so a layout
	 * the file cannot back is refused here, before it gets the file. */
	if (block < 512 || block > (1u << 20) || (block & (block - 1)))
		return pmt_err_new(PMT_ERR_CORRUPT, "%s: kdump header: block_size %" PRIu64, name,
				   block);
	if (bmp_blocks < 2 || bmp_blocks % 2)
		return pmt_err_new(PMT_ERR_CORRUPT, "%s: kdump header: bitmap_blocks %" PRIu64,
				   name, bmp_blocks);
	if ((1 + sub_blocks + bmp_blocks) * block > m->file_size)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "%s: kdump header: %" PRIu64 " sub-header and %" PRIu64
				   " bitmap blocks of %" PRIu64 " bytes end beyond the end of the "
				   "file (%" PRIu64 " bytes; truncated?)",
				   name, sub_blocks, bmp_blocks, block, m->file_size);
	if (version >= 6 && sub_blocks && pread_full(fd, sub, 8, block + DD_SUB_MAPNR_64) == 8)
		bits = get_uint(sub, 8, false);
	/* the bitmap cannot describe more pages than it has bits */
	if (bits > bmp_blocks / 2 * block * 8)
		bits = bmp_blocks / 2 * block * 8;
	bmp2_off = (1 + sub_blocks + bmp_blocks / 2) * block;
	desc_off = (1 + sub_blocks + bmp_blocks) * block;
	buf = malloc(SCAN_CHUNK);
	if (!buf)
		return &pmt_err_nomem;
	err = count_bits(fd, name, bmp2_off, bits, buf, &ndesc);
	if (err)
		goto out;
	need = desc_off + ndesc * DD_DESC_SIZE;
	if (ndesc && need <= m->file_size) {
		err = last_data_end(fd, name, desc_off, ndesc, buf, &need);
		if (err)
			goto out;
	}
	m->need_size = need;
	if (need > m->file_size || bmp2_off >= m->file_size)
		err = walk_descs(fd, name, bmp2_off, bits, desc_off, block, buf, m);
out:
	free(buf);
	return err;
}

struct pmt_err *trunc_scan(int fd, const char *name, struct trunc_map *out)
{
	uint8_t hdr[DD_HDR_BYTES];
	struct pmt_err *err = NULL;
	struct stat sb;
	ssize_t n;

	memset(out, 0, sizeof(*out));
	if (fstat(fd, &sb))
		return pmt_err_new(PMT_ERR_IO, "%s: cannot stat: %s", name, strerror(errno));
	out->file_size = out->need_size = (uint64_t)sb.st_size;
	n = pread_full(fd, hdr, sizeof(hdr), 0);
	if (n < 0)
		return io_err(name, 0);
	if (n >= 64 && !memcmp(hdr, "\177ELF", 4) && (hdr[4] == 1 || hdr[4] == 2) &&
	    (hdr[5] == 1 || hdr[5] == 2))
		err = scan_elf(fd, name, hdr, out);
	else if (n == (ssize_t)sizeof(hdr) && !memcmp(hdr, DD_SIG, 8))
		err = scan_diskdump(fd, name, hdr, out);
	if (!err && out->n > 1)
		qsort(out->holes, out->n, sizeof(out->holes[0]), cmp_hole);
	if (!err && out->nv > 1)
		qsort(out->vholes, out->nv, sizeof(out->vholes[0]), cmp_hole);
	if (err)
		trunc_free(out);
	return err;
}

static bool find_in(const struct phys_hole *h, size_t n, uint64_t addr, uint64_t len,
		    uint64_t *first)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;

	for (size_t i = 0; i < n; i++) {
		if (h[i].end <= addr)
			continue;
		if (h[i].start >= end)
			break;
		*first = h[i].start > addr ? h[i].start : addr;
		return true;
	}
	return false;
}

bool trunc_find(const struct trunc_map *m, uint64_t addr, uint64_t len, uint64_t *first)
{
	return find_in(m->holes, m->n, addr, len, first);
}

bool trunc_find_virt(const struct trunc_map *m, uint64_t addr, uint64_t len, uint64_t *first)
{
	return find_in(m->vholes, m->nv, addr, len, first);
}

void trunc_free(struct trunc_map *m)
{
	free(m->holes);
	free(m->vholes);
	memset(m, 0, sizeof(*m));
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finding pmtrace regions in a dump and copying them out (see region_find.h).
 *
 * The scan reads physical memory in runs of SCAN_RUN bytes (one read per run
 * is what makes scanning a compressed dump bearable) and looks at the first
 * eight bytes of every page; a run the dump does not hold entirely is read
 * again page by page, so a filtered page costs one failed read and nothing
 * more. The only thing searched for is the region magic, which this file
 * holds only as its complement.
 *
 * The header checks here are the ones needed to copy a region safely
 * (sizes, counts, the chunk table's sum); the full validation of header,
 * meta areas and pages is ringbuf/region.c's, run on the copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmtrace/layout.h"
#include "pmtrace/region.h"
#include "region_find.h"

#define SCAN_RUN    (256u * 1024)
#define MAX_REGIONS 64

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* The fields of a region header needed to copy it (little-endian writers). */
struct hdr_facts {
	uint32_t page_size, nr_cpus, hdr_size, nr_chunks, chunks_off;
	uint64_t total_size, phys_addr;
};

static struct pmt_err *hdr_facts(const uint8_t *h, struct hdr_facts *f)
{
	f->page_size = (uint32_t)le(h + 20, 4);
	f->nr_cpus = (uint32_t)le(h + 24, 4);
	f->total_size = le(h + 32, 8);
	f->hdr_size = (uint32_t)le(h + 40, 4);
	f->nr_chunks = (uint32_t)le(h + 64, 4);
	f->chunks_off = (uint32_t)le(h + 68, 4);
	f->phys_addr = le(h + 120, 8);
	if (le(h + 8, 2) != PMT_REGION_ABI_MAJOR)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "region ABI %u, this pmtrace reads %u",
				   (unsigned int)le(h + 8, 2), PMT_REGION_ABI_MAJOR);
	if (le(h + 12, 4) != PMT_REGION_ENDIAN || le(h + 16, 4) != 8)
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "region of another byte order or word size");
	if (f->page_size < PMT_REGION_MIN_PAGE || f->page_size > PMT_REGION_MAX_PAGE ||
	    (f->page_size & (f->page_size - 1)))
		return pmt_err_new(PMT_ERR_CORRUPT, "region page size %u", f->page_size);
	if (!f->nr_cpus || f->nr_cpus > PMT_REGION_MAX_CPUS || f->nr_chunks > PMT_REGION_MAX_CHUNKS)
		return pmt_err_new(PMT_ERR_CORRUPT, "region with %u CPUs, %u chunks", f->nr_cpus,
				   f->nr_chunks);
	if (f->chunks_off != PMT_REGION_HDR_FIXED + 8 * f->nr_cpus ||
	    f->hdr_size != f->chunks_off + 16 * f->nr_chunks)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region header size %u does not match its tables", f->hdr_size);
	if (!f->total_size || f->total_size % f->page_size || f->total_size > REGION_MAX_SIZE ||
	    f->total_size < f->hdr_size)
		return pmt_err_new(PMT_ERR_CORRUPT, "region size %" PRIu64, f->total_size);
	return NULL;
}

static bool is_magic(const uint8_t *p)
{
	return le(p, 8) == pmt_region_magic();
}

static struct pmt_err *add_loc(struct region_loc **locs, size_t *n, const struct region_loc *l)
{
	struct region_loc *nl;

	if (*n >= MAX_REGIONS)
		return NULL; /* more are ignored; a dump with 64 regions is hostile */
	nl = realloc(*locs, (*n + 1) * sizeof(*nl));
	if (!nl)
		return &pmt_err_nomem;
	*locs = nl;
	nl[(*n)++] = *l;
	return NULL;
}

/*
 * A magic at physical `pa`. A header that records another physical address
 * as its own is a copy (pmtrace.ko keeps the previous region's header in
 * kernel memory, and a freed page may still hold one): it holds no events
 * and the region it names is found at its own address, so it is passed
 * over. A header this reader cannot copy (another ABI, damaged sizes) is
 * still a candidate when its byte-order mark is a region's: region_copy()
 * then says why, so a region that is there but unreadable is reported, not
 * skipped. Magic followed by anything else is a stray eight bytes.
 */
static struct pmt_err *scan_hit(struct pmt_target *t, uint64_t pa, struct region_loc **locs,
				size_t *n)
{
	uint8_t h[PMT_REGION_HDR_FIXED];
	struct hdr_facts f;
	struct region_loc l = { .how = REGION_BY_SCAN, .phys = pa };
	struct pmt_err *err = pmt_read_phys(t, pa, h, sizeof(h));

	if (err) { /* the first 8 bytes were read: a dump oddity, not a region */
		pmt_err_free(err);
		return NULL;
	}
	err = hdr_facts(h, &f);
	if (!err && f.phys_addr != PMT_NO_PHYS && f.phys_addr != pa)
		return NULL; /* a copy of the header of the region at f.phys_addr */
	if (err && le(h + 12, 4) != PMT_REGION_ENDIAN) {
		pmt_err_free(err);
		return NULL;
	}
	l.size = err ? 0 : f.total_size;
	pmt_err_free(err);
	return add_loc(locs, n, &l);
}

struct pmt_err *region_scan(struct pmt_target *t, struct region_loc **locs, size_t *n)
{
	uint64_t page = t->page_size ? t->page_size : 4096, start = 0, end;
	uint8_t *run = malloc(SCAN_RUN);
	struct pmt_err *err = NULL;

	if (!run)
		return &pmt_err_nomem;
	while (!err && pmt_phys_next(t, &start, &end)) {
		for (uint64_t a = start; !err && a < end; a += SCAN_RUN) {
			uint64_t len = end - a < SCAN_RUN ? end - a : SCAN_RUN;
			struct pmt_err *rerr = pmt_read_phys(t, a, run, len);

			if (!rerr) {
				for (uint64_t o = 0; !err && o + 8 <= len; o += page)
					if (is_magic(run + o))
						err = scan_hit(t, a + o, locs, n);
				continue;
			}
			pmt_err_free(rerr);
			for (uint64_t o = 0; !err && o < len; o += page) {
				uint8_t w[8];

				rerr = pmt_read_phys(t, a + o, w, sizeof(w));
				if (rerr)
					pmt_err_free(rerr);
				else if (is_magic(w))
					err = scan_hit(t, a + o, locs, n);
			}
		}
		if (end <= start)
			break;
		start = end;
	}
	free(run);
	return err;
}

static struct pmt_err *image_alloc(struct region_image *img, uint64_t size, uint32_t page)
{
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (m == MAP_FAILED)
		return pmt_err_new(PMT_ERR_NOMEM, "cannot map %" PRIu64 " bytes for a region: %s",
				   size, strerror(errno));
	img->mem = m;
	img->size = size;
	img->page_size = page;
	return NULL;
}

static int by_page(const void *a, const void *b)
{
	const struct region_missing *x = a, *y = b;

	return x->page < y->page ? -1 : x->page > y->page;
}

/* Chunks may come in any physical order, not region order: sort for lookups. */
static void sort_missing(struct region_image *img)
{
	if (img->nmissing > 1)
		qsort(img->missing, img->nmissing, sizeof(*img->missing), by_page);
}

static struct pmt_err *note_missing(struct region_image *img, uint64_t page, enum pmt_err_code code)
{
	struct region_missing *m;

	if (img->nmissing && img->missing[img->nmissing - 1].page == page)
		return NULL;
	m = realloc(img->missing, (img->nmissing + 1) * sizeof(*m));
	if (!m)
		return &pmt_err_nomem;
	img->missing = m;
	m[img->nmissing++] = (struct region_missing){ .page = page, .code = code };
	return NULL;
}

/* Copy `len` region bytes from `off` on, one page at a time, physically at
 * `pa` (phys true) or virtually at `va`. */
static struct pmt_err *copy_range(struct pmt_target *t, struct region_image *img, uint64_t off,
				  uint64_t len, uint64_t at, bool phys)
{
	for (uint64_t o = 0; o < len; o += img->page_size) {
		struct pmt_err *err =
			phys ? pmt_read_phys(t, at + o, img->mem + off + o, img->page_size)
			     : pmt_read(t, at + o, img->mem + off + o, img->page_size);

		if (err) {
			enum pmt_err_code code = err->code;

			pmt_err_free(err);
			if (code == PMT_ERR_NOMEM)
				return &pmt_err_nomem;
			memset(img->mem + off + o, 0, img->page_size);
			err = note_missing(img, (off + o) / img->page_size, code);
			if (err)
				return err;
		}
	}
	return NULL;
}

struct pmt_err *region_copy(struct pmt_target *t, const struct region_loc *loc,
			    struct region_image *out)
{
	bool phys = loc->how == REGION_BY_SCAN || !loc->vaddr;
	uint64_t base = phys ? loc->phys : loc->vaddr;
	uint8_t h[PMT_REGION_HDR_FIXED];
	struct hdr_facts f;
	struct pmt_err *err;

	memset(out, 0, sizeof(*out));
	out->loc = *loc;
	err = phys ? pmt_read_phys(t, base, h, sizeof(h)) : pmt_read(t, base, h, sizeof(h));
	if (!err && !is_magic(h))
		err = pmt_err_addr(PMT_ERR_CORRUPT, base, "no region magic at %s %#" PRIx64,
				   phys ? "physical" : "address", base);
	if (!err)
		err = hdr_facts(h, &f);
	if (!err && loc->size && loc->size != f.total_size)
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "region at %#" PRIx64 ": %" PRIu64
				  " bytes, its header says %" PRIu64,
				  base, loc->size, f.total_size);
	if (!err)
		err = image_alloc(out, f.total_size, f.page_size);
	if (err)
		return pmt_err_prefix(err, "pmtrace region at %s %#" PRIx64,
				      phys ? "physical" : "address", base);
	out->loc.size = f.total_size;
	if (!phys || !f.nr_chunks) {
		/* virtually contiguous (the module's vmap/memremap address), or a
		 * reserved range without a table: one run */
		if (phys && f.phys_addr != PMT_NO_PHYS && f.phys_addr != base)
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "region at physical %#" PRIx64
					   " says it is at %#" PRIx64,
					   base, f.phys_addr);
		return copy_range(t, out, 0, f.total_size, base, phys);
	}
	/* physically in chunks: first the static area (in chunk 0, which
	 * starts here), then every chunk from the table it holds */
	err = copy_range(t, out, 0, (f.hdr_size + f.page_size - 1) / f.page_size * f.page_size,
			 base, true);
	if (err)
		return err;
	if (region_page_missing(out, 0) || region_page_missing(out, (f.hdr_size - 1) / f.page_size))
		return pmt_err_new(PMT_ERR_NODATA,
				   "pmtrace region at physical %#" PRIx64
				   ": its chunk table is not in the dump",
				   base);
	{
		const uint8_t *c = out->mem + f.chunks_off;
		uint64_t off = 0;

		if (le(c, 8) != base)
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "pmtrace region at physical %#" PRIx64
					   ": chunk 0 is at %#" PRIx64,
					   base, le(c, 8));
		for (uint32_t i = 0; i < f.nr_chunks; i++) {
			uint64_t pa = le(c + 16 * i, 8), len = le(c + 16 * i + 8, 8);

			if (!len || len % f.page_size || len > f.total_size - off || pa + len < pa)
				return pmt_err_new(PMT_ERR_CORRUPT,
						   "pmtrace region at physical %#" PRIx64
						   ": chunk %u (%#" PRIx64 ", %" PRIu64
						   " bytes) does not fit the region",
						   base, i, pa, len);
			err = copy_range(t, out, off, len, pa, true);
			if (err)
				return err;
			off += len;
		}
		if (off != f.total_size)
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "pmtrace region at physical %#" PRIx64
					   ": chunks cover %" PRIu64 " of %" PRIu64 " bytes",
					   base, off, f.total_size);
	}
	sort_missing(out);
	return NULL;
}

struct pmt_err *region_copy_file(const char *path, struct region_image *out)
{
	uint8_t h[PMT_REGION_HDR_FIXED];
	struct hdr_facts f;
	struct pmt_err *err;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	memset(out, 0, sizeof(*out));
	out->loc = (struct region_loc){ .how = REGION_BY_FILE, .phys = UINT64_MAX };
	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || pread(fd, h, sizeof(h), 0) != sizeof(h)) {
		err = pmt_err_new(PMT_ERR_FORMAT,
				  "%s: not a region image (too short or not a file)", path);
		goto out;
	}
	if (!is_magic(h)) {
		err = pmt_err_new(PMT_ERR_FORMAT, "%s: no pmtrace region magic at offset 0", path);
		goto out;
	}
	err = hdr_facts(h, &f);
	if (!err)
		err = image_alloc(out, f.total_size, f.page_size);
	if (err)
		goto out;
	out->loc.size = f.total_size;
	out->loc.phys = f.phys_addr == PMT_NO_PHYS ? UINT64_MAX : f.phys_addr;
	for (uint64_t o = 0; o < f.total_size; o += f.page_size) {
		ssize_t got = (uint64_t)st.st_size > o
				      ? pread(fd, out->mem + o, f.page_size, (off_t)o)
				      : 0;

		if (got != (ssize_t)f.page_size) {
			err = note_missing(out, o / f.page_size, PMT_ERR_TRUNCATED);
			if (err)
				break;
		}
	}
out:
	close(fd);
	if (err)
		err = pmt_err_prefix(err, "region image");
	return err;
}

void region_image_free(struct region_image *img)
{
	if (img->mem)
		munmap(img->mem, img->size);
	free(img->missing);
	memset(img, 0, sizeof(*img));
}

enum pmt_err_code region_page_missing(const struct region_image *img, uint64_t page)
{
	size_t lo = 0, hi = img->nmissing;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (img->missing[mid].page < page)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < img->nmissing && img->missing[lo].page == page)
		return img->missing[lo].code;
	return 0;
}

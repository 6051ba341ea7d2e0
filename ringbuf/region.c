// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Read-only validation and recovery of pmtrace regions.
 *
 * This is the post-mortem half of the ring buffer: given bytes that claim to
 * be a region (a reopened file, a read-only mapping, memory out of a vmcore),
 * decide what can be trusted without writing to them. It follows the shape of
 * the kernel's persistent ring buffer check (rb_meta_valid() and the per-page
 * event walk in kernel/trace/ring_buffer.c, 6.12+), adapted to our layout:
 *
 *   header   magic -> byte order -> ABI major -> word size -> geometry ->
 *            length (truncation) -> checksum.            Any failure: fatal.
 *   meta     for each CPU: offset in bounds and page aligned, magic, cpu
 *            index, sizes, sub-arrays inside the meta area, page array inside
 *            the region, no overlap with the header or another CPU.
 *                                                     Failure: skip the CPU.
 *   ring     every slot's page id < nr_pages, no id twice (a bitmap), the
 *            reader page not in the ring.            Failure: skip the slot.
 *   pages    commit length <= data area, high bits clear, every event inside
 *            the committed length (pmt_walk_next()).  Failure: skip the page.
 *
 * Every read is bounds-checked against `len`, every structure is copied once
 * before use (a live writer may change it), and every loop is bounded by a
 * count that was itself checked (nr_cpus, nr_ring, len / 4 events per page).
 *
 * Event order inside a CPU: the reader page, then the ring from head to tail.
 * The writer keeps time stamps monotonic per CPU (see ringbuf.c), so pages
 * are also sorted by their time_stamp, which makes the order robust against
 * a meta page torn by a crash in the middle of a page turn.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtrace/region.h"
#include "event.h"
#include "region_view.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t fnv_step(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t pmt_region_hdr_csum(const void *hdr, uint32_t hdr_size)
{
	static const unsigned char zero[8];
	const unsigned char *p = hdr;
	uint64_t h = FNV_OFFSET;

	h = fnv_step(h, p, 56);
	h = fnv_step(h, zero, 8);
	return fnv_step(h, p + 64, hdr_size - 64);
}

uint32_t pmt_meta_size(uint32_t page_size, uint32_t nr_ring, uint32_t nr_pages)
{
	uint64_t need = sizeof(struct pmt_cpu_meta) + 4ull * nr_ring + nr_pages;

	return (uint32_t)((need + page_size - 1) / page_size * page_size);
}

struct pmt_err *pmt_region_check_header(const void *mem, size_t len, struct pmt_region_info *info)
{
	const uint64_t magic = pmt_region_magic();
	struct pmt_region_hdr h;
	uint64_t csum;

	if (len < sizeof(h))
		return pmt_err_new(PMT_ERR_NODATA,
				   "region truncated: %zu bytes, the header alone needs %zu", len,
				   sizeof(h));
	memcpy(&h, mem, sizeof(h));
	if (h.magic != magic) {
		if (h.magic == __builtin_bswap64(magic))
			return pmt_err_new(
				PMT_ERR_UNSUPPORTED,
				"region is in the other byte order (%s-endian writer); "
				"this reader is %s-endian",
				__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "big" : "little",
				__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? "little" : "big");
		return pmt_err_new(PMT_ERR_FORMAT, "not a pmtrace region: bad magic %#" PRIx64,
				   h.magic);
	}
	if (h.endian != PMT_REGION_ENDIAN)
		return pmt_err_new(PMT_ERR_CORRUPT, "region endianness marker is %#x, expected %#x",
				   h.endian, PMT_REGION_ENDIAN);
	if (h.abi_major != PMT_REGION_ABI_MAJOR)
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "region ABI %u.%u is %s than this reader's %u.%u", h.abi_major,
				   h.abi_minor,
				   h.abi_major > PMT_REGION_ABI_MAJOR ? "newer" : "older",
				   PMT_REGION_ABI_MAJOR, PMT_REGION_ABI_MINOR);
	if (h.word_size != sizeof(long))
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "region written with %u-byte words, this reader handles %zu",
				   h.word_size, sizeof(long));
	if (h.page_size < PMT_REGION_MIN_PAGE || h.page_size > PMT_REGION_MAX_PAGE ||
	    (h.page_size & (h.page_size - 1)))
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region page size %u is not a power of two in "
				   "[%u, %u]",
				   h.page_size, PMT_REGION_MIN_PAGE, PMT_REGION_MAX_PAGE);
	if (!h.nr_cpus || h.nr_cpus > PMT_REGION_MAX_CPUS)
		return pmt_err_new(PMT_ERR_CORRUPT, "region CPU count %u out of range [1, %u]",
				   h.nr_cpus, PMT_REGION_MAX_CPUS);
	if (h.hdr_size != PMT_REGION_HDR_FIXED + 8u * h.nr_cpus)
		return pmt_err_new(PMT_ERR_CORRUPT, "region header size %u does not match %u CPUs",
				   h.hdr_size, h.nr_cpus);
	if (h.total_size < h.hdr_size || h.total_size % h.page_size)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region total size %" PRIu64
				   " is not a multiple of the page size %u",
				   h.total_size, h.page_size);
	if (h.total_size > len)
		return pmt_err_new(PMT_ERR_NODATA,
				   "region truncated: header says %" PRIu64
				   " bytes, only %zu present",
				   h.total_size, len);
	if (h.clock_id > PMT_CLOCK_TSC)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "region clock %u unknown", h.clock_id);
	csum = pmt_region_hdr_csum(mem, h.hdr_size);
	if (csum != h.hdr_csum)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region header checksum %#" PRIx64 " does not match %#" PRIx64,
				   h.hdr_csum, csum);
	if (info) {
		info->abi_major = h.abi_major;
		info->abi_minor = h.abi_minor;
		info->word_size = h.word_size;
		info->page_size = h.page_size;
		info->nr_cpus = h.nr_cpus;
		info->flags = h.flags;
		info->clock_id = h.clock_id;
		info->total_size = h.total_size;
	}
	return NULL;
}

struct pmt_err *pmt_region_find(const void *mem, size_t len, size_t *pos,
				struct pmt_region_info *info)
{
	const uint64_t magic = pmt_region_magic();
	const unsigned char *p = mem;
	size_t off = (*pos + 7) & ~(size_t)7;

	for (; len >= 8 && off <= len - 8; off += 8) {
		uint64_t v;
		struct pmt_err *err;

		memcpy(&v, p + off, 8);
		if (v != magic)
			continue;
		err = pmt_region_check_header(p + off, len - off, info);
		if (!err) {
			*pos = off;
			return NULL;
		}
		pmt_err_free(err);
	}
	return pmt_err_new(PMT_ERR_ABSENT, "no valid pmtrace region found");
}

struct pmt_err *pmt_cpu_view_get(const void *mem, size_t len, const struct pmt_region_hdr *h,
				 uint32_t cpu, struct pmt_cpu_view *v)
{
	const unsigned char *base = mem;
	struct pmt_cpu_meta *m = &v->meta;
	uint64_t off, pages_end, ring_end;

	memcpy(&off, base + PMT_REGION_HDR_FIXED + 8ull * cpu, 8);
	if (off % h->page_size ||
	    off < (h->hdr_size + h->page_size - 1ull) / h->page_size * h->page_size ||
	    off > h->total_size - sizeof(struct pmt_cpu_meta))
		return pmt_err_new(PMT_ERR_CORRUPT, "meta offset %#" PRIx64 " out of bounds", off);
	memcpy(m, base + off, sizeof(*m));
	v->meta_off = off;
	if (m->magic != (uint32_t)~PMT_META_MAGIC_NOT)
		return pmt_err_new(PMT_ERR_CORRUPT, "bad meta magic %#x", m->magic);
	if (m->cpu != cpu)
		return pmt_err_new(PMT_ERR_CORRUPT, "meta says cpu %u", m->cpu);
	if (!m->meta_page_size || m->meta_page_size % h->page_size ||
	    m->meta_page_size > h->total_size - off)
		return pmt_err_new(PMT_ERR_CORRUPT, "meta page size %u invalid", m->meta_page_size);
	if (m->nr_ring < 2 || m->nr_pages <= m->nr_ring || m->nr_pages > (1u << 24))
		return pmt_err_new(PMT_ERR_CORRUPT, "page counts ring %u / pool %u invalid",
				   m->nr_ring, m->nr_pages);
	ring_end = (uint64_t)m->data_start + 4ull * m->nr_ring;
	if (m->data_start < sizeof(*m) || (m->data_start & 3) || ring_end > m->meta_page_size)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "page-ID array at %u (%u slots) outside the meta", m->data_start,
				   m->nr_ring);
	if (m->state_start < ring_end || (uint64_t)m->state_start + m->nr_pages > m->meta_page_size)
		return pmt_err_new(PMT_ERR_CORRUPT, "page-state array at %u outside the meta",
				   m->state_start);
	pages_end = m->pages_off + (uint64_t)m->nr_pages * h->page_size;
	if (m->pages_off < m->meta_page_size || m->pages_off % h->page_size ||
	    pages_end > h->total_size - off)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "data pages at +%#" PRIx64 " outside the region", m->pages_off);
	if (m->head_slot >= m->nr_ring || m->tail_slot >= m->nr_ring)
		return pmt_err_new(PMT_ERR_CORRUPT, "head slot %u / tail slot %u out of range",
				   m->head_slot, m->tail_slot);
	if (m->reader_id != PMT_NO_PAGE && m->reader_id >= m->nr_pages)
		return pmt_err_new(PMT_ERR_CORRUPT, "reader page id %u out of range", m->reader_id);
	v->pages = base + off + m->pages_off;
	v->ring = base + off + m->data_start;
	v->state = base + off + m->state_start;
	return NULL;
}

/* The extent [start, end) a CPU buffer occupies, for the overlap check. */
struct extent {
	uint64_t start, end;
	uint32_t cpu;
};

static int extent_cmp(const void *a, const void *b)
{
	const struct extent *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct page_ref {
	uint32_t id;
	uint32_t order; /* ring order, to keep sorting stable */
	uint64_t ts;
	uint32_t len;
};

static int page_ref_cmp(const void *a, const void *b)
{
	const struct page_ref *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

struct pmt_err *pmt_rb_page_check(const void *page, uint32_t page_size, uint32_t *nr_events,
				  uint32_t *commit_len)
{
	const struct pmt_rb_data_page64 *pg = page;
	uint32_t cap = page_size - (uint32_t)sizeof(*pg), n = 0, len;
	uint64_t commit;
	struct pmt_walk w;
	struct pmt_walk_ev ev;
	const char *why;
	int r;

	memcpy(&commit, &pg->commit, 8);
	if (commit >> 32)
		return pmt_err_new(PMT_ERR_CORRUPT, "commit word %#" PRIx64 " has high bits set",
				   commit);
	len = (uint32_t)commit & ~PMT_RB_MISSED_FLAGS;
	if (len > cap)
		return pmt_err_new(PMT_ERR_CORRUPT, "commit length %u exceeds the data area %u",
				   len, cap);
	pmt_walk_init(&w, pg->data, len, 0);
	while ((r = pmt_walk_next_data(&w, &ev, &why)) == 1)
		n++;
	if (r < 0)
		return pmt_err_new(PMT_ERR_CORRUPT, "event at data offset %u: %s", w.off, why);
	*nr_events = n;
	if (commit_len)
		*commit_len = len;
	return NULL;
}

static void report_bad(const struct pmt_recover_ops *ops, void *arg, uint32_t cpu, uint32_t id,
		       const char *reason)
{
	if (ops && ops->bad)
		ops->bad(arg, cpu, id, reason);
}

/* Recover one CPU buffer; returns non-zero when the callback asked to stop. */
static int recover_cpu(const struct pmt_region_hdr *h, const struct pmt_cpu_view *v, uint32_t cpu,
		       const struct pmt_recover_ops *ops, void *arg, struct pmt_recover_stats *st)
{
	const struct pmt_cpu_meta *m = &v->meta;
	uint64_t words = (m->nr_pages + 63) / 64;
	uint64_t *seen = calloc(words, 8);
	struct page_ref *refs = calloc(m->nr_ring + 1, sizeof(*refs));
	uint32_t nrefs = 0, order = 0;
	int stop = 0;
	char msg[160];

	if (!seen || !refs) {
		free(seen);
		free(refs);
		report_bad(ops, arg, cpu, PMT_NO_PAGE, "out of memory");
		return 0;
	}
	/* the reader page first, then the ring from head, once around */
	for (uint32_t i = 0; i <= m->nr_ring; i++) {
		uint32_t id, slot;
		uint8_t state;

		if (i == 0) {
			id = m->reader_id;
			if (id == PMT_NO_PAGE)
				continue;
		} else {
			slot = (m->head_slot + i - 1) % m->nr_ring;
			id = pmt_view_ring(v, slot);
		}
		if (id >= m->nr_pages) {
			snprintf(msg, sizeof(msg), "ring slot holds page id %u >= %u", id,
				 m->nr_pages);
			report_bad(ops, arg, cpu, id, msg);
			st->bad_pages++;
			continue;
		}
		if (seen[id / 64] & (1ull << (id % 64))) {
			report_bad(ops, arg, cpu, id, "page id appears twice in the ring");
			st->bad_pages++;
			continue;
		}
		seen[id / 64] |= 1ull << (id % 64);
		state = v->state[id];
		if (state == PMT_PAGE_REPORTED || state == PMT_PAGE_SPARE ||
		    state == PMT_PAGE_TAKEN || state == PMT_PAGE_UNUSED)
			continue; /* not data: never decode */
		if (state != PMT_PAGE_DATA && state != PMT_PAGE_READER) {
			snprintf(msg, sizeof(msg), "unknown page state %u", state);
			report_bad(ops, arg, cpu, id, msg);
			st->bad_pages++;
			continue;
		}
		{
			const unsigned char *pg = v->pages + (uint64_t)id * h->page_size;
			uint32_t n, len;
			struct pmt_err *err = pmt_rb_page_check(pg, h->page_size, &n, &len);

			if (err) {
				report_bad(ops, arg, cpu, id, err->msg);
				pmt_err_free(err);
				st->bad_pages++;
				continue;
			}
			if (!len)
				continue;
			refs[nrefs].id = id;
			refs[nrefs].order = order++;
			refs[nrefs].len = len;
			memcpy(&refs[nrefs].ts, pg, 8);
			nrefs++;
		}
	}
	qsort(refs, nrefs, sizeof(*refs), page_ref_cmp);
	for (uint32_t i = 0; i < nrefs && !stop; i++) {
		const unsigned char *pg = v->pages + (uint64_t)refs[i].id * h->page_size;
		struct pmt_walk w;
		struct pmt_walk_ev ev;
		const char *why;

		st->pages++;
		pmt_walk_init(&w, pg + PMT_RB_PAGE_DATA_OFFSET(8), refs[i].len, refs[i].ts);
		while (pmt_walk_next_data(&w, &ev, &why) == 1) {
			struct pmt_rb_event e = {
				.ts = ev.ts,
				.data = ev.payload,
				.len = ev.len,
				.cpu = cpu,
				.page_id = refs[i].id,
			};
			st->events++;
			if (ops && ops->event && ops->event(arg, &e)) {
				stop = 1;
				break;
			}
		}
	}
	free(seen);
	free(refs);
	return stop;
}

struct pmt_err *pmt_region_recover(const void *mem, size_t len, const struct pmt_recover_ops *ops,
				   void *arg, struct pmt_recover_stats *stats)
{
	struct pmt_recover_stats local = { 0 };
	struct pmt_recover_stats *st = stats ? stats : &local;
	struct pmt_region_hdr h;
	struct pmt_cpu_view *views;
	struct extent *ext;
	uint32_t next = 0;
	struct pmt_err *err;

	memset(st, 0, sizeof(*st));
	err = pmt_region_check_header(mem, len, NULL);
	if (err)
		return err;
	memcpy(&h, mem, sizeof(h));
	views = calloc(h.nr_cpus, sizeof(*views));
	ext = calloc(h.nr_cpus, sizeof(*ext));
	if (!views || !ext) {
		free(views);
		free(ext);
		return &pmt_err_nomem;
	}
	for (uint32_t cpu = 0; cpu < h.nr_cpus; cpu++) {
		err = pmt_cpu_view_get(mem, h.total_size, &h, cpu, &views[cpu]);
		if (err) {
			char msg[200];

			snprintf(msg, sizeof(msg), "cpu %u meta: %s", cpu, err->msg);
			report_bad(ops, arg, cpu, PMT_NO_PAGE, msg);
			pmt_err_free(err);
			st->bad_cpus++;
			continue;
		}
		ext[next].start = views[cpu].meta_off;
		ext[next].end = views[cpu].meta_off + views[cpu].meta.pages_off +
				(uint64_t)views[cpu].meta.nr_pages * h.page_size;
		ext[next].cpu = cpu;
		next++;
	}
	/* CPU buffers must not overlap: both of an overlapping pair are dropped */
	qsort(ext, next, sizeof(*ext), extent_cmp);
	for (uint32_t i = 0; i + 1 < next; i++) {
		if (ext[i].end > ext[i + 1].start) {
			for (uint32_t k = i; k <= i + 1; k++) {
				if (views[ext[k].cpu].pages) {
					views[ext[k].cpu].pages = NULL;
					report_bad(ops, arg, ext[k].cpu, PMT_NO_PAGE,
						   "cpu buffer overlaps another cpu's");
					st->bad_cpus++;
				}
			}
		}
	}
	for (uint32_t cpu = 0; cpu < h.nr_cpus; cpu++) {
		if (!views[cpu].pages)
			continue;
		st->lost += views[cpu].meta.lost;
		st->overrun += views[cpu].meta.overrun;
		if (recover_cpu(&h, &views[cpu], cpu, ops, arg, st))
			break;
	}
	free(views);
	free(ext);
	return NULL;
}

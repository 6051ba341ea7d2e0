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
 * With PMT_REGION_F_ENTRIES every event's checksum is verified too; a
 * failing event is counted and skipped, its page kept.
 *
 * Event order inside a CPU: the reader page, then the ring from head to tail.
 * The writer keeps time stamps monotonic per CPU (see ringbuf.c), so pages
 * are also sorted by their time_stamp, which makes the order robust against
 * a meta page torn by a crash in the middle of a page turn.
 */
#include "platform.h"

#include "pmtrace/events.h"
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

uint64_t pmt_fnv64(const void *p, size_t n)
{
	return fnv_step(FNV_OFFSET, p, n);
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

/* End of everything before the first meta area: header, tables, events, comms. */
static uint64_t static_end(const struct pmt_region_hdr *h)
{
	uint64_t end = h->hdr_size;

	if (h->events_size && (uint64_t)h->events_off + h->events_size > end)
		end = (uint64_t)h->events_off + h->events_size;
	if (h->nr_comms && h->comms_off + (uint64_t)sizeof(struct pmt_comm) * h->nr_comms > end)
		end = h->comms_off + (uint64_t)sizeof(struct pmt_comm) * h->nr_comms;
	return (end + h->page_size - 1) / h->page_size * h->page_size;
}

static void copy_cstr(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n - 1] = '\0';
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
	if (h.nr_chunks > PMT_REGION_MAX_CHUNKS)
		return pmt_err_new(PMT_ERR_CORRUPT, "region chunk count %u above %u", h.nr_chunks,
				   PMT_REGION_MAX_CHUNKS);
	if (h.chunks_off != PMT_REGION_HDR_FIXED + 8u * h.nr_cpus)
		return pmt_err_new(PMT_ERR_CORRUPT, "region chunk table at %u, expected %u",
				   h.chunks_off, PMT_REGION_HDR_FIXED + 8u * h.nr_cpus);
	if (h.hdr_size != h.chunks_off + 16u * h.nr_chunks)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region header size %u does not match %u CPUs and %u chunks",
				   h.hdr_size, h.nr_cpus, h.nr_chunks);
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
	if (h.clock_id > PMT_CLOCK_MAX)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "region clock %u unknown", h.clock_id);
	if (h.hdr_size > len)
		return pmt_err_new(PMT_ERR_NODATA, "region truncated inside its header");
	csum = pmt_region_hdr_csum(mem, h.hdr_size);
	if (csum != h.hdr_csum)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region header checksum %#" PRIx64 " does not match %#" PRIx64,
				   h.hdr_csum, csum);
	/* covered by the checksum, so only a broken writer gets these wrong */
	if (h.events_size && (h.events_off < h.hdr_size || h.events_off % 8 ||
			      h.events_size > PMT_REGION_MAX_EVENTS_SIZE ||
			      (uint64_t)h.events_off + h.events_size > h.total_size))
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "event descriptions at %u (%u bytes) out of bounds",
				   h.events_off, h.events_size);
	if (h.nr_comms &&
	    (h.nr_comms > PMT_REGION_MAX_COMMS || (h.nr_comms & (h.nr_comms - 1)) ||
	     h.comms_off < h.hdr_size || h.comms_off % 8 ||
	     h.comms_off + (uint64_t)sizeof(struct pmt_comm) * h.nr_comms > h.total_size))
		return pmt_err_new(PMT_ERR_CORRUPT, "comm table at %u (%u entries) out of bounds",
				   h.comms_off, h.nr_comms);
	if (static_end(&h) + h.page_size > h.total_size)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "region of %" PRIu64 " bytes has no room for CPU data",
				   h.total_size);
	if (info) {
		memset(info, 0, sizeof(*info));
		info->abi_major = h.abi_major;
		info->abi_minor = h.abi_minor;
		info->word_size = h.word_size;
		info->page_size = h.page_size;
		info->nr_cpus = h.nr_cpus;
		info->flags = h.flags;
		info->clock_id = h.clock_id;
		info->total_size = h.total_size;
		info->hdr_size = h.hdr_size;
		info->nr_chunks = h.nr_chunks;
		info->events_off = h.events_size ? h.events_off : 0;
		info->events_size = h.events_size;
		info->comms_off = h.nr_comms ? h.comms_off : 0;
		info->nr_comms = h.nr_comms;
		info->create_time = h.create_time;
		info->boot_seq = h.boot_seq;
		memcpy(info->boot_id, h.boot_id, 16);
		info->phys_addr = h.phys_addr;
		copy_cstr(info->release, h.release, sizeof(info->release));
		copy_cstr(info->writer, h.writer, sizeof(info->writer));
		copy_cstr(info->label, h.label, sizeof(info->label));
	}
	return NULL;
}

struct pmt_err *pmt_region_chunks(const void *mem, size_t len,
				  const struct pmt_region_chunk **chunks, uint32_t *n)
{
	struct pmt_region_info info;
	struct pmt_err *err = pmt_region_check_header(mem, len, &info);
	const unsigned char *p = mem;
	uint64_t sum = 0, first_meta;
	uint32_t i;

	if (err)
		return err;
	*chunks = (const struct pmt_region_chunk *)(p + PMT_REGION_HDR_FIXED + 8 * info.nr_cpus);
	*n = info.nr_chunks;
	memcpy(&first_meta, p + PMT_REGION_HDR_FIXED, 8);
	for (i = 0; i < info.nr_chunks; i++) {
		struct pmt_region_chunk c;

		memcpy(&c, &(*chunks)[i], sizeof(c));
		if (!c.len || c.len % info.page_size || c.phys % info.page_size ||
		    c.len > info.total_size - sum)
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "chunk %u (phys %#" PRIx64 ", %" PRIu64
					   " bytes) is not whole pages inside the region",
					   i, c.phys, c.len);
		if (i == 0 && (c.phys != info.phys_addr || c.len < first_meta))
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "chunk 0 at %#" PRIx64
					   " does not hold the header (at %#" PRIx64 ")",
					   c.phys, info.phys_addr);
		sum += c.len;
	}
	if (info.nr_chunks && sum != info.total_size)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "chunks cover %" PRIu64 " of the region's %" PRIu64 " bytes",
				   sum, info.total_size);
	return NULL;
}

struct pmt_err *pmt_region_events(const void *mem, size_t len, const void **area, uint32_t *size)
{
	struct pmt_region_info info;
	struct pmt_region_hdr h;
	struct pmt_events_area a;
	struct pmt_err *err = pmt_region_check_header(mem, len, &info);

	if (err)
		return err;
	if (!info.events_size)
		return pmt_err_new(PMT_ERR_ABSENT, "region has no event descriptions");
	memcpy(&h, mem, sizeof(h));
	*area = (const unsigned char *)mem + info.events_off;
	*size = info.events_size;
	if (pmt_fnv64(*area, *size) != h.events_csum)
		return pmt_err_new(PMT_ERR_CORRUPT, "event descriptions fail their checksum");
	if (*size < sizeof(a))
		return pmt_err_new(PMT_ERR_CORRUPT, "event description area of %u bytes", *size);
	memcpy(&a, *area, sizeof(a));
	if (a.magic != PMT_EVENTS_MAGIC)
		return pmt_err_new(PMT_ERR_CORRUPT, "event description magic %#x", a.magic);
	return NULL;
}

int pmt_region_event_next(const void *area, uint32_t size, uint32_t *pos,
			  struct pmt_region_event_desc *d)
{
	const unsigned char *p = area;
	struct pmt_event_rec r;
	uint64_t end;

	if (*pos == 0)
		*pos = sizeof(struct pmt_events_area);
	if (*pos >= size)
		return 0;
	if (size - *pos < sizeof(r))
		return -1;
	memcpy(&r, p + *pos, sizeof(r));
	end = (uint64_t)*pos + sizeof(r) + r.sys_len + r.fmt_len;
	if (end > size)
		return -1;
	d->id = r.id;
	d->system = (const char *)p + *pos + sizeof(r);
	d->sys_len = r.sys_len;
	d->format = d->system + r.sys_len;
	d->fmt_len = r.fmt_len;
	end = (end + 7) & ~7ull;
	*pos = end > size ? size : (uint32_t)end;
	return 1;
}

bool pmt_region_comm(const void *mem, size_t len, int32_t pid, char comm[17])
{
	struct pmt_region_hdr h;
	struct pmt_comm e;
	uint64_t off;

	comm[0] = '\0';
	if (len < sizeof(h))
		return false;
	memcpy(&h, mem, sizeof(h));
	if (!h.nr_comms || (h.nr_comms & (h.nr_comms - 1)) || h.nr_comms > PMT_REGION_MAX_COMMS)
		return false;
	off = h.comms_off + (uint64_t)sizeof(e) * ((uint32_t)pid & (h.nr_comms - 1));
	if (off + sizeof(e) > len)
		return false;
	memcpy(&e, (const unsigned char *)mem + off, sizeof(e));
	if (e.pid != (uint32_t)pid || e.check != pmt_comm_check(e.pid, e.comm))
		return false;
	memcpy(comm, e.comm, 16);
	comm[16] = '\0';
	return true;
}

void pmt_region_comm_name(const void *mem, size_t len, int32_t pid, char comm[17])
{
	if (!pid)
		memcpy(comm, "<idle>", 7);
	else if (!pmt_region_comm(mem, len, pid, comm))
		memcpy(comm, "<...>", 6);
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
	if (off % h->page_size || off < static_end(h) ||
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

/* A page with events, in delivery order. */
struct page_ref {
	uint32_t id;
	uint32_t order; /* ring order, to keep sorting stable */
	uint64_t ts;
	uint32_t len;  /* bytes of data to walk (the valid prefix of the commit) */
	uint32_t read; /* data bytes a live consumer had already read */
};

static int page_ref_cmp(const void *a, const void *b)
{
	const struct page_ref *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/*
 * Walk a page's committed data. Returns -1 when the page header itself is
 * unusable (msg says why), 0 when every event is well formed, 1 when a
 * malformed event cuts the page: *good is then the valid prefix.
 */
static int page_scan(const void *page, uint32_t page_size, uint32_t *nr_events, uint32_t *len,
		     uint32_t *good, char *msg, size_t msize)
{
	const struct pmt_rb_data_page64 *pg = page;
	uint32_t cap = page_size - (uint32_t)sizeof(*pg), n = 0;
	uint64_t commit;
	struct pmt_walk w;
	struct pmt_walk_ev ev;
	const char *why = "";
	int r;

	memcpy(&commit, &pg->commit, 8);
	*nr_events = 0;
	*len = *good = 0;
	if (commit >> 32) {
		snprintf(msg, msize, "commit word %#" PRIx64 " has high bits set", commit);
		return -1;
	}
	*len = (uint32_t)commit & ~PMT_RB_MISSED_FLAGS;
	if (*len > cap) {
		snprintf(msg, msize, "commit length %u exceeds the data area %u", *len, cap);
		*len = 0;
		return -1;
	}
	pmt_walk_init(&w, pg->data, *len, 0);
	while ((r = pmt_walk_next_data(&w, &ev, &why)) == 1)
		n++;
	*nr_events = n;
	if (r < 0) {
		snprintf(msg, msize, "event at data offset %u: %s", w.off, why);
		*good = w.off;
		return 1;
	}
	*good = *len;
	return 0;
}

struct pmt_err *pmt_rb_page_check(const void *page, uint32_t page_size, uint32_t *nr_events,
				  uint32_t *commit_len)
{
	char msg[128];
	uint32_t len, good;
	int r = page_scan(page, page_size, nr_events, &len, &good, msg, sizeof(msg));

	if (r)
		return pmt_err_new(PMT_ERR_CORRUPT, "%s", msg);
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

/*
 * The pages of one CPU buffer that hold events, validated, sorted into
 * delivery order (time stamps; see the top of the file), with what a live
 * consumer had read. *refsp is allocated (nr_ring + 1 entries at most).
 */
static uint32_t collect_pages(const struct pmt_region_hdr *h, const struct pmt_cpu_view *v,
			      uint32_t cpu, const struct pmt_recover_ops *ops, void *arg,
			      struct pmt_recover_stats *st, struct page_ref **refsp)
{
	const struct pmt_cpu_meta *m = &v->meta;
	uint64_t words = (m->nr_pages + 63) / 64;
	uint64_t *seen = pmt_zalloc(words * 8);
	struct page_ref *refs = pmt_zalloc((m->nr_ring + 1) * sizeof(*refs));
	uint32_t nrefs = 0, order = 0, i;
	char msg[200];

	*refsp = NULL;
	if (!seen || !refs) {
		pmt_free(seen);
		pmt_free(refs);
		report_bad(ops, arg, cpu, PMT_NO_PAGE, "out of memory");
		return 0;
	}
	/* the reader page first, then the ring from head, once around */
	for (i = 0; i <= m->nr_ring; i++) {
		const unsigned char *pg;
		uint32_t id, slot, n, len, good, read = 0;
		uint8_t state;
		int r;

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
		pg = v->pages + (uint64_t)id * h->page_size;
		r = page_scan(pg, h->page_size, &n, &len, &good, msg, sizeof(msg));
		if (r < 0) {
			report_bad(ops, arg, cpu, id, msg);
			st->bad_pages++;
			continue;
		}
		if (r > 0) {
			char full[260];

			snprintf(full, sizeof(full), "%s; the %u events before it are kept", msg,
				 n);
			report_bad(ops, arg, cpu, id, full);
			st->bad_pages++;
		}
		if (!good)
			continue;
		if (i == 0)
			read = (uint32_t)(m->reader_read < good ? m->reader_read : good);
		else if (id == m->tail_read_id)
			read = m->tail_read_off < good ? m->tail_read_off : good;
		refs[nrefs].id = id;
		refs[nrefs].order = order++;
		refs[nrefs].len = good;
		refs[nrefs].read = read;
		memcpy(&refs[nrefs].ts, pg, 8);
		nrefs++;
	}
	pmt_free(seen);
	pmt_sort(refs, nrefs, sizeof(*refs), page_ref_cmp);
	*refsp = refs;
	return nrefs;
}

/* Does the event pass its pmt_entry checksum? */
static bool entry_ok(const struct pmt_walk_ev *ev)
{
	uint32_t c;

	if (ev->len < sizeof(struct pmt_entry))
		return false;
	memcpy(&c, (const unsigned char *)ev->payload + 12, 4);
	return c == pmt_entry_csum(ev->payload, ev->len);
}

/* Recover one CPU buffer; returns non-zero when the callback asked to stop. */
static int recover_cpu(const struct pmt_region_hdr *h, const struct pmt_cpu_view *v, uint32_t cpu,
		       const struct pmt_recover_ops *ops, void *arg, struct pmt_recover_stats *st)
{
	struct page_ref *refs;
	uint32_t nrefs = collect_pages(h, v, cpu, ops, arg, st, &refs), i;
	bool entries = h->flags & PMT_REGION_F_ENTRIES;
	int stop = 0;

	for (i = 0; i < nrefs && !stop; i++) {
		const unsigned char *pg = v->pages + (uint64_t)refs[i].id * h->page_size;
		struct pmt_walk w;
		struct pmt_walk_ev ev;
		const char *why;
		uint32_t bad = 0;

		st->pages++;
		pmt_walk_init(&w, pg + PMT_RB_PAGE_DATA_OFFSET(8), refs[i].len, refs[i].ts);
		while (pmt_walk_next_data(&w, &ev, &why) == 1) {
			struct pmt_rb_event e;

			if (entries && !entry_ok(&ev)) {
				st->bad_csum++;
				bad++;
				continue;
			}
			e.ts = ev.ts;
			e.data = ev.payload;
			e.len = ev.len;
			e.cpu = cpu;
			e.page_id = refs[i].id;
			e.consumed = ev.off < refs[i].read;
			st->events++;
			st->consumed += e.consumed;
			if (ops && ops->event && ops->event(arg, &e)) {
				stop = 1;
				break;
			}
		}
		if (bad) {
			char msg[96];

			snprintf(msg, sizeof(msg), "%u event(s) fail their checksum (skipped)",
				 bad);
			report_bad(ops, arg, cpu, refs[i].id, msg);
		}
	}
	pmt_free(refs);
	return stop;
}

/* Validate every CPU's meta; views[cpu].pages is NULL for the unusable ones. */
static struct pmt_err *get_views(const void *mem, const struct pmt_region_hdr *h,
				 const struct pmt_recover_ops *ops, void *arg,
				 struct pmt_recover_stats *st, struct pmt_cpu_view **viewsp)
{
	struct pmt_cpu_view *views = pmt_zalloc(h->nr_cpus * sizeof(*views));
	struct extent *ext = pmt_zalloc(h->nr_cpus * sizeof(*ext));
	uint32_t next = 0, cpu, i, k;

	if (!views || !ext) {
		pmt_free(views);
		pmt_free(ext);
		return &pmt_err_nomem;
	}
	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		struct pmt_err *err = pmt_cpu_view_get(mem, h->total_size, h, cpu, &views[cpu]);

		if (err) {
			char msg[200];

			snprintf(msg, sizeof(msg), "cpu %u meta: %s", cpu, err->msg);
			report_bad(ops, arg, cpu, PMT_NO_PAGE, msg);
			pmt_err_free(err);
			st->bad_cpus++;
			views[cpu].pages = NULL;
			continue;
		}
		ext[next].start = views[cpu].meta_off;
		ext[next].end = views[cpu].meta_off + views[cpu].meta.pages_off +
				(uint64_t)views[cpu].meta.nr_pages * h->page_size;
		ext[next].cpu = cpu;
		next++;
	}
	/* CPU buffers must not overlap: both of an overlapping pair are dropped */
	pmt_sort(ext, next, sizeof(*ext), extent_cmp);
	for (i = 0; i + 1 < next; i++) {
		if (ext[i].end <= ext[i + 1].start)
			continue;
		for (k = i; k <= i + 1; k++) {
			if (views[ext[k].cpu].pages) {
				views[ext[k].cpu].pages = NULL;
				report_bad(ops, arg, ext[k].cpu, PMT_NO_PAGE,
					   "cpu buffer overlaps another cpu's");
				st->bad_cpus++;
			}
		}
	}
	pmt_free(ext);
	for (cpu = 0; cpu < h->nr_cpus; cpu++) {
		if (!views[cpu].pages)
			continue;
		st->lost += views[cpu].meta.lost;
		st->overrun += views[cpu].meta.overrun;
		st->read += views[cpu].meta.read;
	}
	*viewsp = views;
	return NULL;
}

struct pmt_err *pmt_region_recover(const void *mem, size_t len, const struct pmt_recover_ops *ops,
				   void *arg, struct pmt_recover_stats *stats)
{
	struct pmt_recover_stats local;
	struct pmt_recover_stats *st = stats ? stats : &local;
	struct pmt_region_hdr h;
	struct pmt_cpu_view *views;
	struct pmt_err *err;
	uint32_t cpu;

	memset(st, 0, sizeof(*st));
	err = pmt_region_check_header(mem, len, NULL);
	if (err)
		return err;
	memcpy(&h, mem, sizeof(h));
	err = get_views(mem, &h, ops, arg, st, &views);
	if (err)
		return err;
	for (cpu = 0; cpu < h.nr_cpus; cpu++) {
		if (!views[cpu].pages)
			continue;
		if (recover_cpu(&h, &views[cpu], cpu, ops, arg, st))
			break;
	}
	pmt_free(views);
	return NULL;
}

/* ---- merged read-only iteration ---- */

struct ri_cpu {
	struct pmt_cpu_view view;
	struct page_ref *refs;
	uint32_t nrefs, next;
	struct pmt_walk w;
	uint32_t read; /* of the page being walked */
	uint32_t page_id;
	bool walking, has;
	struct pmt_rb_event ev; /* the peeked event */
};

struct pmt_region_iter {
	struct pmt_region_hdr h;
	bool unread, entries;
	struct ri_cpu *c;
	struct pmt_recover_stats *st;
	struct pmt_recover_stats local;
};

struct pmt_err *pmt_region_iter_start(const void *mem, size_t len, uint32_t flags,
				      const struct pmt_recover_ops *ops, void *arg,
				      struct pmt_recover_stats *stats, struct pmt_region_iter **itp)
{
	struct pmt_region_iter *it;
	struct pmt_cpu_view *views = NULL;
	struct pmt_err *err = pmt_region_check_header(mem, len, NULL);
	uint32_t cpu, only = flags >> 16;

	if (err)
		return err;
	it = pmt_zalloc(sizeof(*it));
	if (!it)
		return &pmt_err_nomem;
	memcpy(&it->h, mem, sizeof(it->h));
	it->st = stats ? stats : &it->local;
	memset(it->st, 0, sizeof(*it->st));
	it->unread = flags & PMT_RI_UNREAD;
	it->entries = it->h.flags & PMT_REGION_F_ENTRIES;
	it->c = pmt_zalloc(it->h.nr_cpus * sizeof(*it->c));
	if (!it->c) {
		pmt_free(it);
		return &pmt_err_nomem;
	}
	err = get_views(mem, &it->h, ops, arg, it->st, &views);
	if (err) {
		pmt_region_iter_free(it);
		return err;
	}
	for (cpu = 0; cpu < it->h.nr_cpus; cpu++) {
		struct ri_cpu *c = &it->c[cpu];

		c->view = views[cpu];
		if (!c->view.pages || ((flags & PMT_RI_ONE_CPU) && cpu != only)) {
			c->view.pages = NULL;
			continue;
		}
		c->nrefs = collect_pages(&it->h, &c->view, cpu, ops, arg, it->st, &c->refs);
	}
	pmt_free(views);
	*itp = it;
	return NULL;
}

/* Peek the next event of one CPU into c->ev; false at its end. */
static bool ri_fill(struct pmt_region_iter *it, uint32_t cpu)
{
	struct ri_cpu *c = &it->c[cpu];
	struct pmt_walk_ev ev;
	const char *why;

	if (c->has)
		return true;
	if (!c->view.pages)
		return false;
	for (;;) {
		if (c->walking) {
			int r = pmt_walk_next_data(&c->w, &ev, &why);

			if (r == 1) {
				bool consumed = ev.off < c->read;

				if (it->unread && consumed)
					continue;
				if (it->entries && !entry_ok(&ev)) {
					it->st->bad_csum++;
					continue;
				}
				c->ev.ts = ev.ts;
				c->ev.data = ev.payload;
				c->ev.len = ev.len;
				c->ev.cpu = cpu;
				c->ev.page_id = c->page_id;
				c->ev.consumed = consumed;
				it->st->events++;
				it->st->consumed += consumed;
				c->has = true;
				return true;
			}
			c->walking = false;
		}
		if (c->next >= c->nrefs)
			return false;
		{
			const struct page_ref *ref = &c->refs[c->next++];
			const unsigned char *pg =
				c->view.pages + (uint64_t)ref->id * it->h.page_size;

			pmt_walk_init(&c->w, pg + PMT_RB_PAGE_DATA_OFFSET(8), ref->len, ref->ts);
			c->read = ref->read;
			c->page_id = ref->id;
			c->walking = true;
			it->st->pages++;
		}
	}
}

int pmt_region_iter_next(struct pmt_region_iter *it, struct pmt_rb_event *ev)
{
	uint32_t cpu, best = UINT32_MAX;

	for (cpu = 0; cpu < it->h.nr_cpus; cpu++) {
		if (!ri_fill(it, cpu))
			continue;
		/* strictly earlier wins: on equal stamps the lower CPU goes first */
		if (best == UINT32_MAX || it->c[cpu].ev.ts < it->c[best].ev.ts)
			best = cpu;
	}
	if (best == UINT32_MAX)
		return 0;
	*ev = it->c[best].ev;
	it->c[best].has = false;
	return 1;
}

void pmt_region_iter_free(struct pmt_region_iter *it)
{
	uint32_t cpu;

	if (!it)
		return;
	if (it->c)
		for (cpu = 0; cpu < it->h.nr_cpus; cpu++)
			pmt_free(it->c[cpu].refs);
	pmt_free(it->c);
	pmt_free(it);
}

/* ---- the text of a region ---- */

long pmt_region_text(const void *mem, size_t len, uint32_t cpu, bool header,
		     const struct pmt_event_desc *d, uint32_t n,
		     void (*out)(void *arg, const char *text, size_t len), void *arg)
{
	uint32_t flags = PMT_RI_UNREAD | (cpu == UINT32_MAX ? 0 : PMT_RI_CPU(cpu));
	struct pmt_recover_stats st;
	struct pmt_region_iter *it;
	struct pmt_rb_event ev;
	struct pmt_region_hdr h;
	uint64_t entries = 0, overrun = 0;
	long lines = 0;
	char *line;
	uint32_t c;
	struct pmt_err *err = pmt_region_iter_start(mem, len, flags, NULL, NULL, &st, &it);

	if (err) {
		pmt_err_free(err);
		return -1;
	}
	memcpy(&h, mem, sizeof(h));
	line = pmt_zalloc(PMT_MARKER_MAX + 512);
	if (!line) {
		pmt_region_iter_free(it);
		return -1;
	}
	while (pmt_region_iter_next(it, &ev))
		entries++;
	for (c = 0; c < h.nr_cpus; c++)
		if (it->c[c].view.pages)
			overrun += it->c[c].view.meta.overrun;
	pmt_region_iter_free(it);
	if (header) {
		int k = pmt_text_header(line, PMT_MARKER_MAX + 512, entries, entries + overrun,
					h.nr_cpus);

		out(arg, line, (size_t)k);
	}
	err = pmt_region_iter_start(mem, len, flags, NULL, NULL, &st, &it);
	if (err) {
		pmt_err_free(err);
		pmt_free(line);
		return -1;
	}
	while (pmt_region_iter_next(it, &ev)) {
		struct pmt_entry e;
		char comm[17];
		int k;

		memset(&e, 0, sizeof(e));
		memcpy(&e, ev.data, ev.len < sizeof(e) ? ev.len : sizeof(e));
		pmt_region_comm_name(mem, len, e.pid, comm);
		k = pmt_text_line(line, PMT_MARKER_MAX + 512, pmt_text_event(d, n, e.type), comm,
				  ev.cpu, ev.ts, h.clock_id, ev.data, ev.len);
		if (k > PMT_MARKER_MAX + 511)
			k = PMT_MARKER_MAX + 511;
		out(arg, line, (size_t)k);
		lines++;
	}
	pmt_region_iter_free(it);
	pmt_free(line);
	return lines;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Laying a region out and bringing it to life, on any memory: the part of
 * creating and reopening that is the same in userspace (create.c adds
 * anonymous memory, files and DAX devices) and in the kernel module (which
 * hands in vmap'ed page-allocator chunks or reserved RAM).
 *
 *	plan      geometry from the options, or the largest ring that fits
 *	init      every CPU's meta area and page headers, then the static
 *	          area: chunk table, event descriptions, comm table, identity,
 *	          and the header LAST (magic included, checksum stored last),
 *	          so a region interrupted while being created is "not a region"
 *	reattach  the private state of a region that pmt_region_recover()
 *	          validated: pages that failed are emptied, impossible ring
 *	          slots get a free page, and writing continues on a fresh page
 *	          with time stamps no earlier than the last recovered one
 */
#include "rb_internal.h"
#include "region_view.h"

#include "pmtrace/events.h"

static uint32_t round_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < PMT_REGION_MAX_COMMS)
		p <<= 1;
	return p;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* The layout for a given ring size (everything but nr_ring already in g). */
static void plan_ring(const struct pmt_rb_opts *o, uint32_t nr_ring, struct pmt_rb_geometry *g)
{
	g->nr_ring = nr_ring;
	g->nr_pages = nr_ring + 1 + (o && o->nr_spare ? o->nr_spare : 4);
	/* the ring array has room for every page but the reader: resize can grow */
	g->meta_size = pmt_meta_size(g->page_size, g->nr_pages - 1, g->nr_pages);
	g->per_cpu = g->meta_size + (uint64_t)g->nr_pages * g->page_size;
	g->total = g->hdr_bytes + g->nr_cpus * g->per_cpu;
}

struct pmt_err *pmt_rb_plan(const struct pmt_rb_opts *o, uint64_t fit, struct pmt_rb_geometry *g)
{
	uint64_t end;
	uint32_t i;

	memset(g, 0, sizeof(*g));
	g->nr_cpus = o && o->nr_cpus ? o->nr_cpus : pmt_plat_nr_cpus();
	g->page_size = o && o->page_size ? o->page_size : 4096;
	if (g->nr_cpus > PMT_REGION_MAX_CPUS)
		return pmt_err_new(PMT_ERR_INVALID, "%u CPUs, at most %u", g->nr_cpus,
				   PMT_REGION_MAX_CPUS);
	if (g->page_size < PMT_REGION_MIN_PAGE || g->page_size > PMT_REGION_MAX_PAGE ||
	    (g->page_size & (g->page_size - 1)) || g->page_size % pmt_plat_page_size())
		return pmt_err_new(PMT_ERR_INVALID, "page size %u: need a power of two in [%u, %u]",
				   g->page_size, PMT_REGION_MIN_PAGE, PMT_REGION_MAX_PAGE);
	if (o && o->clock_id > PMT_CLOCK_MAX)
		return pmt_err_new(PMT_ERR_INVALID, "unknown clock %u", o->clock_id);
#ifndef __x86_64__
	if (o && o->clock_id == PMT_CLOCK_TSC)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "TSC clock only on x86-64");
#endif
	if (o && o->nr_events) {
		if (!o->events)
			return pmt_err_new(PMT_ERR_INVALID, "%u events but no descriptions",
					   o->nr_events);
		for (i = 0; i < o->nr_events; i++) {
			const char *why = pmt_event_desc_check(&o->events[i]);

			if (why)
				return pmt_err_new(
					PMT_ERR_INVALID, "event %u (%s): %s", o->events[i].id,
					o->events[i].name ? o->events[i].name : "?", why);
		}
	}
	g->max_chunks = o ? o->max_chunks : 0;
	if (g->max_chunks > PMT_REGION_MAX_CHUNKS)
		return pmt_err_new(PMT_ERR_INVALID, "%u chunks, at most %u", g->max_chunks,
				   PMT_REGION_MAX_CHUNKS);
	/* the static area, then the event descriptions, then the comm table */
	g->chunks_off = PMT_REGION_HDR_FIXED + 8 * g->nr_cpus;
	end = g->chunks_off + 16ull * g->max_chunks;
	if (o && o->nr_events) {
		g->events_off = (uint32_t)align_up(end, 8);
		g->events_size = pmt_events_area_size(o->events, o->nr_events);
		if (g->events_size > PMT_REGION_MAX_EVENTS_SIZE)
			return pmt_err_new(PMT_ERR_INVALID,
					   "event descriptions of %u bytes, at most %u",
					   g->events_size, PMT_REGION_MAX_EVENTS_SIZE);
		end = g->events_off + g->events_size;
	}
	if (o && o->nr_comms) {
		g->nr_comms = round_pow2(o->nr_comms);
		g->comms_off = (uint32_t)align_up(end, 8);
		end = g->comms_off + (uint64_t)sizeof(struct pmt_comm) * g->nr_comms;
	}
	g->hdr_bytes = align_up(end, g->page_size);
	if (!fit) {
		uint32_t nr_ring = o && o->nr_ring ? o->nr_ring : 16;

		if (nr_ring < 2 || nr_ring > (1u << 24) - 64)
			return pmt_err_new(PMT_ERR_INVALID, "ring of %u pages: need 2 .. 2^24",
					   nr_ring);
		plan_ring(o, nr_ring, g);
		return NULL;
	}
	plan_ring(o, 2, g);
	if (g->total > fit)
		return pmt_err_new(PMT_ERR_NOMEM,
				   "%" PRIu64 " bytes do not hold %u CPUs of 2 ring pages (%" PRIu64
				   " needed)",
				   fit, g->nr_cpus, g->total);
	{
		uint32_t lo = 2, hi = (1u << 24) - 64; /* lo fits; find the largest that fits */

		while (lo < hi) {
			uint32_t mid = lo + (hi - lo + 1) / 2;

			plan_ring(o, mid, g);
			if (g->total <= fit)
				lo = mid;
			else
				hi = mid - 1;
		}
		plan_ring(o, lo, g);
	}
	return NULL;
}

struct pmt_rb *pmt_rb_alloc(const struct pmt_rb_opts *o, uint32_t nr_cpus)
{
	struct pmt_rb *rb = pmt_zalloc(sizeof(*rb));

	if (!rb)
		return NULL;
	rb->fd = -1;
	rb->cpus = pmt_zalloc_aligned(sizeof(struct pmt_cpu) * nr_cpus);
	if (!rb->cpus) {
		pmt_free(rb);
		return NULL;
	}
	rb->nr_cpus = nr_cpus;
	/* defaults: keep 2 spares resident, report the others after a second idle */
	rb->spare_keep = o && o->spare_keep ? o->spare_keep : 2;
	rb->report_delay_ns = (o && o->report_delay_ms ? o->report_delay_ms : 1000) * 1000000ull;
	return rb;
}

void pmt_rb_free_private(struct pmt_rb *rb)
{
	uint32_t i;

	if (!rb)
		return;
	if (rb->cpus) {
		for (i = 0; i < rb->nr_cpus; i++) {
			pmt_free_aligned(rb->cpus[i].pgs);
			pmt_free(rb->cpus[i].spares);
			pmt_free(rb->cpus[i].scratch);
			pmt_free(rb->cpus[i].tcopy);
		}
		pmt_free_aligned(rb->cpus);
	}
	pmt_free(rb);
}

/* Private per-CPU state for the CPU whose meta is already in the region. */
static struct pmt_err *cpu_attach(struct pmt_rb *rb, uint32_t i, uint64_t meta_off)
{
	struct pmt_cpu *c = &rb->cpus[i];
	struct pmt_cpu_meta *m = (struct pmt_cpu_meta *)(rb->mem + meta_off);
	uint32_t id;

	c->rb = rb;
	c->cpu = i;
	c->meta = m;
	c->nr_ring = m->nr_ring;
	c->nr_pages = m->nr_pages;
	c->ring_cap = (m->state_start - m->data_start) / 4;
	if (c->ring_cap > m->nr_pages - 1)
		c->ring_cap = m->nr_pages - 1;
	c->ring = (uint32_t *)((unsigned char *)m + m->data_start);
	c->pstate = (unsigned char *)m + m->state_start;
	c->pgs = pmt_zalloc_aligned(sizeof(struct pmt_pg) * c->nr_pages);
	c->spares = pmt_zalloc(c->nr_pages * sizeof(uint32_t));
	c->scratch = pmt_zalloc(c->nr_pages * sizeof(uint32_t));
	c->tcopy = pmt_zalloc(rb->page_size);
	c->tp_id = PMT_NO_PAGE;
	if (!c->pgs || !c->spares || !c->scratch || !c->tcopy)
		return &pmt_err_nomem;
	for (id = 0; id < c->nr_pages; id++) {
		c->pgs[id].id = id;
		c->pgs[id].addr = (unsigned char *)m + m->pages_off + (uint64_t)id * rb->page_size;
		c->pgs[id].state = ST_QUIESCENT;
	}
	return NULL;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	memset(dst, 0, size);
	if (n)
		memcpy(dst, src, n);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void write_static(struct pmt_rb *rb, const struct pmt_rb_opts *o,
			 const struct pmt_rb_geometry *g, const struct pmt_region_chunk *chunks,
			 uint32_t nr_chunks)
{
	struct pmt_region_hdr *h = (struct pmt_region_hdr *)rb->mem;
	const struct pmt_rb_ident *id = o ? o->ident : NULL;
	const char *writer = NULL;
	uint8_t boot_id[16];
	char release[64];
	uint64_t now;
	uint32_t i;

	pmt_plat_ident(boot_id, release, &now, &writer);
	h->abi_major = PMT_REGION_ABI_MAJOR;
	h->abi_minor = PMT_REGION_ABI_MINOR;
	h->endian = PMT_REGION_ENDIAN;
	h->word_size = sizeof(long);
	h->page_size = g->page_size;
	h->nr_cpus = g->nr_cpus;
	h->flags = (rb->flags & PMT_RB_OVERWRITE ? PMT_REGION_F_OVERWRITE : 0) |
		   (o && o->nr_events ? PMT_REGION_F_ENTRIES : 0) | (id ? id->flags : 0);
	h->total_size = g->total;
	h->nr_chunks = nr_chunks;
	h->chunks_off = g->chunks_off;
	h->hdr_size = g->chunks_off + 16 * nr_chunks;
	h->clock_id = rb->clock_id;
	h->create_time = id && id->create_time ? id->create_time : now;
	h->boot_seq = id && id->boot_seq ? id->boot_seq : 1;
	memcpy(h->boot_id, id && !all_zero(id->boot_id, 16) ? id->boot_id : boot_id, 16);
	h->phys_addr = id && id->phys_addr ? id->phys_addr
		       : nr_chunks	   ? chunks[0].phys
					   : PMT_NO_PHYS;
	copy_str(h->release, sizeof(h->release), id && id->release ? id->release : release);
	copy_str(h->writer, sizeof(h->writer), id && id->writer ? id->writer : writer);
	copy_str(h->label, sizeof(h->label), id && id->label ? id->label : "mem");
	for (i = 0; i < g->nr_cpus; i++) {
		uint64_t off = g->hdr_bytes + i * g->per_cpu;

		memcpy(rb->mem + PMT_REGION_HDR_FIXED + 8 * i, &off, 8);
	}
	if (nr_chunks)
		memcpy(rb->mem + g->chunks_off, chunks, 16 * (size_t)nr_chunks);
	if (g->events_size) {
		pmt_events_area_write(rb->mem + g->events_off, o->events, o->nr_events);
		h->events_off = g->events_off;
		h->events_size = g->events_size;
		h->events_csum = pmt_fnv64(rb->mem + g->events_off, g->events_size);
	}
	if (g->nr_comms) {
		h->comms_off = g->comms_off;
		h->nr_comms = g->nr_comms;
		rb->comms = (struct pmt_comm *)(rb->mem + g->comms_off);
		rb->nr_comms = g->nr_comms;
	}
	h->magic = pmt_region_magic();
	h->hdr_csum = 0;
	/* the checksum covers the magic; stored last so a torn header fails it */
	__atomic_store_n(&h->hdr_csum, pmt_region_hdr_csum(h, h->hdr_size), __ATOMIC_RELEASE);
}

struct pmt_err *pmt_rb_init_region(struct pmt_rb *rb, const struct pmt_rb_opts *o,
				   const struct pmt_rb_geometry *g,
				   const struct pmt_region_chunk *chunks, uint32_t nr_chunks)
{
	uint64_t now = pmt_clock_read(rb->clock_id);
	uint32_t i, s, id;

	if (nr_chunks > g->max_chunks)
		return pmt_err_new(PMT_ERR_INVALID, "%u chunks, room for %u", nr_chunks,
				   g->max_chunks);
	rb->page_size = g->page_size;
	rb->cap = g->page_size - PMT_RB_PAGE_DATA_OFFSET(8);
	/* the header goes last: until then this is not a region */
	memset(rb->mem, 0, g->hdr_bytes);
	for (i = 0; i < g->nr_cpus; i++) {
		uint64_t off = g->hdr_bytes + i * g->per_cpu;
		struct pmt_cpu_meta *m = (struct pmt_cpu_meta *)(rb->mem + off);
		struct pmt_cpu *c = &rb->cpus[i];
		struct pmt_err *err;

		memset(m, 0, g->meta_size);
		m->magic = ~PMT_META_MAGIC_NOT;
		m->cpu = i;
		m->meta_page_size = g->meta_size;
		m->data_start = sizeof(*m);
		m->state_start = sizeof(*m) + 4 * (g->nr_pages - 1);
		m->nr_pages = g->nr_pages;
		m->nr_ring = g->nr_ring;
		m->pages_off = g->meta_size;
		m->tail_read_id = PMT_NO_PAGE;
		err = cpu_attach(rb, i, off);
		if (err)
			return err;
		for (s = 0; s < g->nr_ring; s++) {
			c->ring[s] = s;
			c->pstate[s] = PMT_PAGE_DATA;
			memset(c->pgs[s].addr, 0, PMT_RB_PAGE_DATA_OFFSET(8));
		}
		/* the reader page starts empty; the rest are untouched spares */
		c->reader = g->nr_ring;
		c->pstate[c->reader] = PMT_PAGE_READER;
		memset(c->pgs[c->reader].addr, 0, PMT_RB_PAGE_DATA_OFFSET(8));
		for (id = g->nr_pages; id-- > g->nr_ring + 1;) {
			c->spares[c->nr_spares++] = id;
			/* stale bytes of reused memory must never look like data */
			memset(c->pgs[id].addr, 0, PMT_RB_PAGE_DATA_OFFSET(8));
		}
		c->page_allocs = g->nr_ring + 1;
		c->head_slot = c->tail_slot = 0;
		pmt_pg_reset_locked(rb, c, &c->pgs[0], now);
		c->tail = &c->pgs[0];
		pmt_meta_begin(c);
		pmt_meta_end(c);
	}
	write_static(rb, o, g, chunks, nr_chunks);
	return NULL;
}

struct pmt_err *pmt_rb_create_mem(void *mem, size_t len, const struct pmt_rb_opts *opts,
				  const struct pmt_region_chunk *chunks, uint32_t nr_chunks,
				  struct pmt_rb **rbp)
{
	struct pmt_rb_opts o = { 0 };
	struct pmt_rb_geometry g;
	struct pmt_rb *rb;
	struct pmt_err *err;

	if (opts)
		o = *opts;
	if (o.max_chunks < nr_chunks)
		o.max_chunks = nr_chunks;
	if ((uintptr_t)mem % 64)
		return pmt_err_new(PMT_ERR_INVALID, "region memory must be 64-byte aligned");
	err = pmt_rb_plan(&o, len, &g);
	if (err)
		return err;
	rb = pmt_rb_alloc(&o, g.nr_cpus);
	if (!rb)
		return &pmt_err_nomem;
	rb->mem = mem;
	rb->len = g.total;
	rb->flags = o.flags;
	rb->clock_id = o.clock_id;
	err = pmt_rb_init_region(rb, &o, &g, chunks, nr_chunks);
	if (err) {
		pmt_rb_free_private(rb);
		return err;
	}
	*rbp = rb;
	return NULL;
}

/* Rebuild the private state of a validated CPU buffer; repairs what is broken. */
static struct pmt_err *cpu_reattach(struct pmt_rb *rb, uint32_t i, uint64_t meta_off)
{
	struct pmt_cpu *c = &rb->cpus[i];
	struct pmt_err *err = cpu_attach(rb, i, meta_off);
	unsigned char *used;
	uint64_t last = 0;
	uint32_t s, id;

	if (err)
		return err;
	used = pmt_zalloc(c->nr_pages);
	if (!used)
		return &pmt_err_nomem;
	c->reader = c->meta->reader_id;
	if (c->reader != PMT_NO_PAGE)
		used[c->reader] = 1;
	for (s = 0; s < c->nr_ring; s++) {
		id = c->ring[s];
		if (id >= c->nr_pages || used[id]) {
			c->ring[s] = PMT_NO_PAGE; /* filled below with a free page */
			continue;
		}
		used[id] = 1;
	}
	for (s = 0; s < c->nr_ring; s++) {
		if (c->ring[s] != PMT_NO_PAGE)
			continue;
		for (id = 0; id < c->nr_pages; id++) {
			if (!used[id]) {
				used[id] = 1;
				c->ring[s] = id;
				pmt_pg_set_commit(&c->pgs[id], 0);
				c->pstate[id] = PMT_PAGE_DATA;
				break;
			}
		}
	}
	for (id = 0; id < c->nr_pages; id++) {
		struct pmt_pg *pg = &c->pgs[id];
		uint32_t n, len;
		struct pmt_err *e;
		struct pmt_walk w;
		struct pmt_walk_ev ev;
		const char *why;

		if (!used[id]) {
			if (c->pstate[id] != PMT_PAGE_REPORTED && c->pstate[id] != PMT_PAGE_UNUSED)
				c->pstate[id] = PMT_PAGE_SPARE;
			c->spares[c->nr_spares++] = id;
			continue;
		}
		if (c->pstate[id] != PMT_PAGE_DATA && c->pstate[id] != PMT_PAGE_READER)
			c->pstate[id] = id == c->reader ? PMT_PAGE_READER : PMT_PAGE_DATA;
		e = pmt_rb_page_check(pg->addr, rb->page_size, &n, &len);
		if (e) {
			pmt_err_free(e);
			pmt_pg_set_commit(pg, 0); /* reported by the validator; emptied */
			continue;
		}
		pg->nr_events = n;
		pmt_walk_init(&w, pg->addr + PMT_RB_PAGE_DATA_OFFSET(8), len,
			      pmt_pg_time_stamp(pg));
		while (pmt_walk_next(&w, &ev, &why) == 0 && ev.kind != PMT_WALK_END)
			;
		if (len && w.ts > last)
			last = w.ts;
	}
	pmt_free(used);
	c->head_slot = c->meta->head_slot;
	c->tail_slot = c->meta->tail_slot;
	c->overrun = c->meta->overrun;
	c->read = c->meta->read;
	c->pages_touched = c->meta->pages_touched;
	c->page_allocs = c->meta->page_allocs;
	c->lost = c->meta->lost;
	c->missed_seen = c->overrun + c->meta->lost;
	/* the in-place consumer position does not survive: everything is unread */
	c->meta->tail_read_id = PMT_NO_PAGE;
	c->meta->tail_read_off = 0;
	/* the tail is sealed: the first write turns the page, stamps >= last */
	c->pgs[c->ring[c->tail_slot]].base_ts = last;
	c->tail = &c->pgs[c->ring[c->tail_slot]];
	pmt_meta_begin(c);
	pmt_meta_end(c);
	return NULL;
}

struct pmt_err *pmt_rb_reattach(struct pmt_rb *rb, const struct pmt_region_info *info)
{
	struct pmt_err *err = NULL;
	uint32_t i;

	rb->flags = info->flags & PMT_REGION_F_OVERWRITE ? PMT_RB_OVERWRITE : 0;
	rb->clock_id = info->clock_id;
	rb->page_size = info->page_size;
	rb->cap = info->page_size - PMT_RB_PAGE_DATA_OFFSET(8);
	rb->len = info->total_size;
	if (info->nr_comms) {
		rb->comms = (struct pmt_comm *)(rb->mem + info->comms_off);
		rb->nr_comms = info->nr_comms;
	}
	for (i = 0; i < info->nr_cpus && !err; i++) {
		uint64_t off;

		memcpy(&off, rb->mem + PMT_REGION_HDR_FIXED + 8 * i, 8);
		err = cpu_reattach(rb, i, off);
	}
	return err;
}

const void *pmt_rb_region(const struct pmt_rb *rb, size_t *len)
{
	if (len)
		*len = rb->len;
	return rb->mem;
}

uint32_t pmt_rb_nr_cpus(const struct pmt_rb *rb)
{
	return rb->nr_cpus;
}

uint32_t pmt_rb_page_size(const struct pmt_rb *rb)
{
	return rb->page_size;
}

uint32_t pmt_rb_max_payload(const struct pmt_rb *rb)
{
	/* a type_len 0 event: 8 bytes of header, payload rounded to 4 */
	return (rb->cap - 8) & ~3u;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating a region, reopening a persistent one, and tearing down.
 *
 * Creation lays the region out (layout.h part 2), fills every CPU's meta
 * area and page headers, and writes the header last, magic included, so a
 * region interrupted while being created is simply "not a region".
 *
 * Reopening never writes before it has validated: the backing is mapped
 * read-only, checked with pmt_region_recover() (which also delivers the
 * recovered events and reports bad pages), and only then remapped
 * read-write. Pages that failed validation are emptied; ring slots holding an
 * impossible or duplicate id get a free page; every page is marked sealed so
 * that the first write turns to a fresh page after the recovered tail, with
 * time stamps no earlier than the last recovered one.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rb_internal.h"
#include "region_view.h"

struct geometry {
	uint32_t nr_cpus, page_size, nr_ring, nr_pages, meta_size;
	uint64_t hdr_bytes, per_cpu, total;
};

static struct pmt_err *plan(const struct pmt_rb_opts *o, struct geometry *g)
{
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);

	g->nr_cpus = o && o->nr_cpus ? o->nr_cpus : (uint32_t)(ncpu > 0 ? ncpu : 1);
	g->page_size = o && o->page_size ? o->page_size : 4096;
	g->nr_ring = o && o->nr_ring ? o->nr_ring : 16;
	g->nr_pages = g->nr_ring + 1 + (o && o->nr_spare ? o->nr_spare : 4);
	if (g->nr_cpus > PMT_REGION_MAX_CPUS)
		return pmt_err_new(PMT_ERR_INVALID, "%u CPUs, at most %u", g->nr_cpus,
				   PMT_REGION_MAX_CPUS);
	if (g->page_size < PMT_REGION_MIN_PAGE || g->page_size > PMT_REGION_MAX_PAGE ||
	    (g->page_size & (g->page_size - 1)) || g->page_size % (uint32_t)getpagesize())
		return pmt_err_new(PMT_ERR_INVALID, "page size %u: need a power of two in [%u, %u]",
				   g->page_size, PMT_REGION_MIN_PAGE, PMT_REGION_MAX_PAGE);
	if (g->nr_ring < 2 || g->nr_pages > (1u << 24))
		return pmt_err_new(PMT_ERR_INVALID, "ring of %u pages: need 2 .. 2^24", g->nr_ring);
	if (o && o->clock_id > PMT_CLOCK_TSC)
		return pmt_err_new(PMT_ERR_INVALID, "unknown clock %u", o->clock_id);
#ifndef __x86_64__
	if (o && o->clock_id == PMT_CLOCK_TSC)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "TSC clock only on x86-64");
#endif
	/* the ring array has room for every page but the reader: resize can grow */
	g->meta_size = pmt_meta_size(g->page_size, g->nr_pages - 1, g->nr_pages);
	g->hdr_bytes = (PMT_REGION_HDR_FIXED + 8ull * g->nr_cpus + g->page_size - 1) /
		       g->page_size * g->page_size;
	g->per_cpu = g->meta_size + (uint64_t)g->nr_pages * g->page_size;
	g->total = g->hdr_bytes + g->nr_cpus * g->per_cpu;
	return NULL;
}

static struct pmt_rb *rb_alloc(const struct pmt_rb_opts *o, uint32_t nr_cpus)
{
	struct pmt_rb *rb = calloc(1, sizeof(*rb));

	if (!rb)
		return NULL;
	rb->fd = -1;
	rb->cpus = aligned_alloc(64, ((sizeof(struct pmt_cpu) * nr_cpus) + 63) / 64 * 64);
	if (!rb->cpus) {
		free(rb);
		return NULL;
	}
	memset(rb->cpus, 0, sizeof(struct pmt_cpu) * nr_cpus);
	rb->nr_cpus = nr_cpus;
	/* defaults: keep 2 spares resident, report the others after a second idle */
	rb->spare_keep = o && o->spare_keep ? o->spare_keep : 2;
	rb->report_delay_ns = (o && o->report_delay_ms ? o->report_delay_ms : 1000) * 1000000ull;
	return rb;
}

/* Private per-CPU state for the CPU whose meta is already in the region. */
static struct pmt_err *cpu_attach(struct pmt_rb *rb, uint32_t i, uint64_t meta_off)
{
	struct pmt_cpu *c = &rb->cpus[i];
	struct pmt_cpu_meta *m = (struct pmt_cpu_meta *)(rb->mem + meta_off);

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
	c->pgs = aligned_alloc(64, sizeof(struct pmt_pg) * c->nr_pages);
	c->spares = calloc(c->nr_pages, sizeof(uint32_t));
	c->scratch = calloc(c->nr_pages, sizeof(uint32_t));
	c->tcopy = malloc(rb->page_size);
	c->tp_id = PMT_NO_PAGE;
	if (!c->pgs || !c->spares || !c->scratch || !c->tcopy)
		return &pmt_err_nomem;
	memset(c->pgs, 0, sizeof(struct pmt_pg) * c->nr_pages);
	for (uint32_t id = 0; id < c->nr_pages; id++) {
		c->pgs[id].id = id;
		c->pgs[id].addr = (unsigned char *)m + m->pages_off + (uint64_t)id * rb->page_size;
		atomic_init(&c->pgs[id].state, ST_QUIESCENT);
	}
	return NULL;
}

static void write_header(struct pmt_rb *rb, const struct geometry *g)
{
	struct pmt_region_hdr *h = (struct pmt_region_hdr *)rb->mem;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	h->abi_major = PMT_REGION_ABI_MAJOR;
	h->abi_minor = PMT_REGION_ABI_MINOR;
	h->endian = PMT_REGION_ENDIAN;
	h->word_size = sizeof(long);
	h->page_size = g->page_size;
	h->nr_cpus = g->nr_cpus;
	h->flags = rb->flags & PMT_RB_OVERWRITE ? PMT_REGION_F_OVERWRITE : 0;
	h->total_size = g->total;
	h->hdr_size = PMT_REGION_HDR_FIXED + 8 * g->nr_cpus;
	h->clock_id = rb->clock_id;
	h->create_time = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	for (uint32_t i = 0; i < g->nr_cpus; i++) {
		uint64_t off = g->hdr_bytes + i * g->per_cpu;

		memcpy(rb->mem + PMT_REGION_HDR_FIXED + 8 * i, &off, 8);
	}
	h->magic = pmt_region_magic();
	h->hdr_csum = 0;
	/* the checksum covers the magic; stored last so a torn header fails it */
	__atomic_store_n(&h->hdr_csum, pmt_region_hdr_csum(h, h->hdr_size), __ATOMIC_RELEASE);
}

static struct pmt_err *init_region(struct pmt_rb *rb, const struct geometry *g)
{
	uint64_t now = pmt_clock_read(rb->clock_id);

	rb->page_size = g->page_size;
	rb->cap = g->page_size - PMT_RB_PAGE_DATA_OFFSET(8);
	memset(rb->mem, 0, g->hdr_bytes);
	for (uint32_t i = 0; i < g->nr_cpus; i++) {
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
		err = cpu_attach(rb, i, off);
		if (err)
			return err;
		for (uint32_t s = 0; s < g->nr_ring; s++) {
			c->ring[s] = s;
			c->pstate[s] = PMT_PAGE_DATA;
			memset(c->pgs[s].addr, 0, PMT_RB_PAGE_DATA_OFFSET(8));
		}
		/* the reader page starts empty; the rest are untouched spares */
		c->reader = g->nr_ring;
		c->pstate[c->reader] = PMT_PAGE_READER;
		memset(c->pgs[c->reader].addr, 0, PMT_RB_PAGE_DATA_OFFSET(8));
		for (uint32_t id = g->nr_pages; id-- > g->nr_ring + 1;)
			c->spares[c->nr_spares++] = id;
		c->page_allocs = g->nr_ring + 1;
		c->head_slot = c->tail_slot = 0;
		pmt_pg_reset_locked(rb, c, &c->pgs[0], now);
		atomic_init(&c->tail, &c->pgs[0]);
		pmt_meta_begin(c);
		pmt_meta_end(c);
	}
	write_header(rb, g);
	return NULL;
}

static struct pmt_err *create_common(const struct pmt_rb_opts *opts, int fd, struct pmt_rb **rbp)
{
	struct geometry g = { 0 };
	struct pmt_rb *rb;
	struct pmt_err *err = plan(opts, &g);

	if (err)
		return err;
	rb = rb_alloc(opts, g.nr_cpus);
	if (!rb)
		return &pmt_err_nomem;
	rb->flags = opts ? opts->flags : 0;
	rb->clock_id = opts ? opts->clock_id : 0;
	rb->len = g.total;
	if (fd < 0) {
		err = pmt_backing_anon(g.total, &rb->mem);
	} else {
		rb->fd = fd;
		rb->file_backed = true;
		err = pmt_backing_size(fd, g.total, true);
		if (!err)
			err = pmt_backing_map(fd, g.total, true, &rb->mem);
	}
	if (!err)
		err = init_region(rb, &g);
	if (err) {
		rb->fd = -1; /* the caller still owns it */
		pmt_rb_destroy(rb);
		return err;
	}
	*rbp = rb;
	return NULL;
}

struct pmt_err *pmt_rb_create(const struct pmt_rb_opts *opts, struct pmt_rb **rbp)
{
	return create_common(opts, -1, rbp);
}

struct pmt_err *pmt_rb_create_fd(int fd, const struct pmt_rb_opts *opts, struct pmt_rb **rbp)
{
	if (fd < 0)
		return pmt_err_new(PMT_ERR_INVALID, "bad fd %d", fd);
	return create_common(opts, fd, rbp);
}

struct pmt_err *pmt_rb_create_path(const char *path, const struct pmt_rb_opts *opts,
				   struct pmt_rb **rbp)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct pmt_err *err;

	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", path, strerror(errno));
	err = create_common(opts, fd, rbp);
	if (err) {
		close(fd);
		return pmt_err_prefix(err, "%s", path);
	}
	(*rbp)->own_fd = true;
	return NULL;
}

/* Rebuild the private state of a validated CPU buffer; repairs what is broken. */
static struct pmt_err *cpu_reattach(struct pmt_rb *rb, uint32_t i, uint64_t meta_off)
{
	struct pmt_cpu *c = &rb->cpus[i];
	struct pmt_err *err = cpu_attach(rb, i, meta_off);
	unsigned char *used;
	uint64_t last = 0;

	if (err)
		return err;
	used = calloc(c->nr_pages, 1);
	if (!used)
		return &pmt_err_nomem;
	c->reader = c->meta->reader_id;
	if (c->reader != PMT_NO_PAGE)
		used[c->reader] = 1;
	for (uint32_t s = 0; s < c->nr_ring; s++) {
		uint32_t id = c->ring[s];

		if (id >= c->nr_pages || used[id]) {
			c->ring[s] = PMT_NO_PAGE; /* filled below with a free page */
			continue;
		}
		used[id] = 1;
	}
	for (uint32_t s = 0; s < c->nr_ring; s++) {
		if (c->ring[s] != PMT_NO_PAGE)
			continue;
		for (uint32_t id = 0; id < c->nr_pages; id++) {
			if (!used[id]) {
				used[id] = 1;
				c->ring[s] = id;
				pmt_pg_set_commit(&c->pgs[id], 0);
				c->pstate[id] = PMT_PAGE_DATA;
				break;
			}
		}
	}
	for (uint32_t id = 0; id < c->nr_pages; id++) {
		struct pmt_pg *pg = &c->pgs[id];
		uint32_t n, len;
		struct pmt_err *e;

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
		{
			uint64_t ts = pmt_pg_time_stamp(pg);
			struct pmt_walk w;
			struct pmt_walk_ev ev;
			const char *why;

			pmt_walk_init(&w, pg->addr + PMT_RB_PAGE_DATA_OFFSET(8), len, ts);
			while (pmt_walk_next(&w, &ev, &why) == 0 && ev.kind != PMT_WALK_END)
				;
			if (len && w.ts > last)
				last = w.ts;
		}
	}
	free(used);
	c->head_slot = c->meta->head_slot;
	c->tail_slot = c->meta->tail_slot;
	c->overrun = c->meta->overrun;
	c->read = c->meta->read;
	c->pages_touched = c->meta->pages_touched;
	atomic_init(&c->lost, c->meta->lost);
	c->missed_seen = c->overrun + c->meta->lost;
	/* the tail is sealed: the first write turns the page, stamps >= last */
	atomic_init(&c->pgs[c->ring[c->tail_slot]].base_ts, last);
	atomic_init(&c->tail, &c->pgs[c->ring[c->tail_slot]]);
	pmt_meta_begin(c);
	pmt_meta_end(c);
	return NULL;
}

static struct pmt_err *open_fd(int fd, bool own_fd, const struct pmt_recover_ops *ops, void *arg,
			       struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	struct pmt_recover_stats local;
	struct pmt_region_info info;
	struct pmt_region_hdr h;
	struct pmt_rb *rb = NULL;
	unsigned char *ro = NULL;
	struct pmt_err *err;
	off_t size;

	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 && pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
	    h.total_size < (1ull << 48))
		size = (off_t)h.total_size; /* a device (DAX) reports no size: trust, then check */
	if (size < (off_t)sizeof(h)) {
		err = pmt_err_new(PMT_ERR_NODATA, "region truncated: %jd bytes", (intmax_t)size);
		goto fail;
	}
	/* validate read-only first: nothing is written to a region that fails */
	err = pmt_backing_map(fd, (size_t)size, false, &ro);
	if (err)
		goto fail;
	err = pmt_region_check_header(ro, (size_t)size, &info);
	if (!err)
		err = pmt_region_recover(ro, (size_t)size, ops, arg, stats ? stats : &local);
	if (!err && (stats ? stats : &local)->bad_cpus)
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "%" PRIu64 " cpu buffer(s) have unusable meta "
				  "data; recover read-only with pmt_region_recover()",
				  (stats ? stats : &local)->bad_cpus);
	if (err)
		goto fail;
	memcpy(&h, ro, sizeof(h));
	munmap(ro, (size_t)size);
	ro = NULL;

	rb = rb_alloc(NULL, info.nr_cpus);
	if (!rb) {
		err = &pmt_err_nomem;
		goto fail;
	}
	rb->flags = info.flags & PMT_REGION_F_OVERWRITE ? PMT_RB_OVERWRITE : 0;
	rb->clock_id = info.clock_id;
	rb->page_size = info.page_size;
	rb->cap = info.page_size - PMT_RB_PAGE_DATA_OFFSET(8);
	rb->len = info.total_size;
	rb->fd = fd;
	rb->own_fd = own_fd;
	rb->file_backed = true;
	err = pmt_backing_map(fd, rb->len, true, &rb->mem);
	if (err)
		goto fail;
	for (uint32_t i = 0; i < info.nr_cpus && !err; i++) {
		uint64_t off;

		memcpy(&off, rb->mem + PMT_REGION_HDR_FIXED + 8 * i, 8);
		err = cpu_reattach(rb, i, off);
	}
	if (err)
		goto fail;
	*rbp = rb;
	return NULL;
fail:
	if (ro)
		munmap(ro, (size_t)size);
	if (rb)
		pmt_rb_destroy(rb); /* closes fd if owned */
	else if (own_fd)
		close(fd);
	return err;
}

struct pmt_err *pmt_rb_open_fd(int fd, const struct pmt_recover_ops *ops, void *arg,
			       struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	if (fd < 0)
		return pmt_err_new(PMT_ERR_INVALID, "bad fd %d", fd);
	return open_fd(fd, false, ops, arg, stats, rbp);
}

struct pmt_err *pmt_rb_open_path(const char *path, const struct pmt_recover_ops *ops, void *arg,
				 struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", path, strerror(errno));
	return pmt_err_prefix(open_fd(fd, true, ops, arg, stats, rbp), "%s", path);
}

void pmt_rb_destroy(struct pmt_rb *rb)
{
	if (!rb)
		return;
	if (rb->mem)
		munmap(rb->mem, rb->len);
	for (uint32_t i = 0; i < rb->nr_cpus; i++) {
		free(rb->cpus[i].pgs);
		free(rb->cpus[i].spares);
		free(rb->cpus[i].scratch);
		free(rb->cpus[i].tcopy);
	}
	free(rb->cpus);
	if (rb->fd >= 0 && rb->own_fd)
		close(rb->fd);
	free(rb);
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

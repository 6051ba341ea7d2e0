// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pmtrace ring buffer: readers.
 *
 * A reader never reads a page that writers may still write. It takes the
 * oldest page (head) out of the ring in one step and puts another page in its
 * slot, exactly like the kernel's reader-page swap:
 *
 *	before:  ring = [ H  A  B  T ]   reader = R
 *	after:   ring = [ R' A  B  T ]   reader = H      (R' = R, emptied)
 *	                  ^head moved to A
 *
 * The emptied page goes back into the ring behind the tail, so consuming any
 * number of events allocates nothing. pmt_rb_read_page() hands the page itself
 * to the caller instead, putting a spare page in the slot; pmt_rb_put_page()
 * returns it to the spare pool (the kernel's free_page cache, which took
 * splice reads from 9968 page allocations to 4). Only the spare pool can ever
 * need fresh memory from the OS, and pmt_rb_stats().page_allocs counts it.
 *
 * A page is taken only when it is quiescent (sealed, no writer in flight), so
 * its commit word is final. An event-level consumer that has caught up with
 * the writers does not close the tail page: it copies the newly published
 * bytes of the tail page under the lock and decodes the copy, remembering
 * (page id, generation, offset) so that when the page later comes out of the
 * ring, reading resumes where it stopped, and so that a page overwritten in
 * the meantime counts only its unread events as overrun. When the only page with data is the tail,
 *PMT_RB_ FLUSH seals it (the reader acts as the writer that crossed the page end) and turns the
 *tail first. Lost and overrun events since the previous hand-over are flagged on the page as the
 *kernel does (MISSED_EVENTS, and MISSED_STORED with the count after the data when it fits).
 */
#include "rb_internal.h"

uint32_t pmt_spare_pop_locked(struct pmt_cpu *c)
{
	uint32_t id;

	if (!c->nr_spares)
		return PMT_NO_PAGE;
	id = c->spares[--c->nr_spares];
	if (c->pstate[id] == PMT_PAGE_REPORTED || c->pstate[id] == PMT_PAGE_UNUSED)
		c->page_allocs++; /* the OS supplies a fresh page on first touch */
	c->meta->page_allocs = c->page_allocs;
	return id;
}

void pmt_spare_push_locked(struct pmt_cpu *c, uint32_t id)
{
	c->pstate[id] = PMT_PAGE_SPARE;
	c->pgs[id].spare_since = pmt_mono_ns();
	c->spares[c->nr_spares++] = id;
}

/* Seal the tail page as a reader would flush it; true if it had data. */
static bool seal_tail_locked(struct pmt_rb *rb, struct pmt_cpu *c)
{
	struct pmt_pg *t = PMT_LOAD(&c->tail, RELAXED);
	uint64_t s = PMT_LOAD(&t->state, ACQUIRE);

	for (;;) {
		if (s & ST_SEALED)
			return true;
		if (!(s & ST_OFF_MASK))
			return false; /* empty: nothing to flush */
		if (ST_INFL(s) == ST_INFL_MAX)
			return false;
		if (PMT_CAS(&t->state, &s, (s | ST_SEALED) + ST_INFL_ONE, ACQ_REL))
			break;
	}
	pmt_ev_write_pad(t->addr + PMT_RB_PAGE_DATA_OFFSET(8) + (s & ST_OFF_MASK),
			 rb->cap - (uint32_t)(s & ST_OFF_MASK));
	t->real_end = (uint32_t)(s & ST_OFF_MASK);
	pmt_pg_commit(rb, t);
	return true;
}

/*
 * Find the head page to take out: PMT_ERR_NODATA if there is none or it has
 * a writer in flight. Caller holds the lock.
 */
static struct pmt_err *head_page_locked(struct pmt_rb *rb, struct pmt_cpu *c, uint32_t flags,
					struct pmt_pg **out)
{
	struct pmt_pg *h;
	uint64_t s;

	if (c->head_slot == c->tail_slot) {
		if (!(flags & PMT_RB_FLUSH) || !seal_tail_locked(rb, c))
			return pmt_err_new(PMT_ERR_NODATA, "cpu %u: no complete page", c->cpu);
		if (!pmt_advance_tail_locked(rb, c))
			return pmt_err_new(PMT_ERR_NODATA, "cpu %u: tail page busy", c->cpu);
	}
	h = &c->pgs[c->ring[c->head_slot]];
	s = PMT_LOAD(&h->state, ACQUIRE);
	if (!(s & ST_SEALED) || ST_INFL(s))
		return pmt_err_new(PMT_ERR_NODATA, "cpu %u: writer in flight on page %u", c->cpu,
				   h->id);
	*out = h;
	return NULL;
}

/* Is `pg` the page the consumer has partly read in place? */
static bool is_tp(struct pmt_cpu *c, struct pmt_pg *pg)
{
	return c->tp_id == pg->id && c->tp_gen == pg->gen;
}

/*
 * Account the events of a quiescent page leaving the ring: handed to a reader
 * (read), or overwritten (overrun) except what the consumer already read in
 * place. Caller holds the lock.
 */
void pmt_leave_ring_locked(struct pmt_cpu *c, struct pmt_pg *pg, bool overrun)
{
	uint32_t done = is_tp(c, pg) ? c->tp_count : 0;

	if (overrun) {
		c->overrun += pg->nr_events - done;
		c->read += done;
	} else {
		c->read += pg->nr_events;
	}
	if (is_tp(c, pg))
		c->tp_id = PMT_NO_PAGE;
}

/* Account a page leaving the ring for a reader; flag missed events. */
static void hand_over_locked(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_pg *h)
{
	uint64_t missed = c->overrun + PMT_LOAD(&c->lost, RELAXED);
	uint64_t commit = pmt_pg_commit_word(h);

	/* a page partly consumed in place: the reader page resumes after that */
	c->rstart_off = is_tp(c, h) ? c->tp_off : 0;
	c->rstart_ts = is_tp(c, h) ? c->tp_ts : pmt_pg_time_stamp(h);
	pmt_leave_ring_locked(c, h, false);
	if (missed != c->missed_seen) {
		uint32_t len = (uint32_t)commit & ~PMT_RB_MISSED_FLAGS;

		/* like the kernel, drop the closing padding to make room for the count */
		if (h->real_end && h->real_end < len)
			len = h->real_end;
		commit = len | PMT_RB_MISSED_EVENTS;
		if (len + 8 <= rb->cap) {
			uint64_t n = missed - c->missed_seen;

			memcpy(h->addr + PMT_RB_PAGE_DATA_OFFSET(8) + len, &n, 8);
			commit |= PMT_RB_MISSED_STORED;
		}
		pmt_pg_set_commit(h, commit);
		c->missed_seen = missed;
	}
	c->head_slot = (c->head_slot + 1) % c->nr_ring;
}

/* Put page `id` into ring slot `slot` as an empty, sealed page. */
static void into_ring_locked(struct pmt_cpu *c, uint32_t slot, uint32_t id)
{
	struct pmt_pg *pg = &c->pgs[id];

	pmt_pg_set_commit(pg, 0);
	PMT_STORE(&pg->state, ST_QUIESCENT, RELEASE);
	pg->gen++;
	pg->real_end = 0;
	pg->nr_events = 0;
	c->pstate[id] = PMT_PAGE_DATA;
	c->ring[slot] = id;
}

static struct pmt_err *swap_locked(struct pmt_rb *rb, struct pmt_cpu *c, uint32_t flags)
{
	struct pmt_pg *h = NULL;
	uint32_t slot, fill;
	struct pmt_err *err = head_page_locked(rb, c, flags, &h);

	if (err)
		return err;
	fill = c->reader;
	if (fill == PMT_NO_PAGE) {
		fill = pmt_spare_pop_locked(c);
		if (fill == PMT_NO_PAGE)
			return pmt_err_new(PMT_ERR_NODATA, "cpu %u: no page to swap in", c->cpu);
	}
	pmt_meta_begin(c);
	slot = c->head_slot;
	hand_over_locked(rb, c, h);
	into_ring_locked(c, slot, fill);
	c->reader = h->id;
	c->pstate[h->id] = PMT_PAGE_READER;
	c->meta->reader_swaps++;
	c->meta->reader_read = c->rstart_off; /* consumed in place before */
	pmt_meta_end(c);
	return NULL;
}

struct pmt_err *pmt_rb_swap_reader(struct pmt_rb *rb, uint32_t cpu, uint32_t flags,
				   uint32_t *reader_id)
{
	pmt_irqflags_t fl;
	struct pmt_cpu *c;
	struct pmt_err *err;

	if (cpu >= rb->nr_cpus)
		return pmt_err_new(PMT_ERR_INVALID, "cpu %u >= %u", cpu, rb->nr_cpus);
	c = &rb->cpus[cpu];
	pmt_cpu_lock(c, &fl);
	err = swap_locked(rb, c, flags);
	c->rwalk_valid = false;
	if (!err && reader_id)
		*reader_id = c->reader;
	pmt_cpu_unlock(c, fl);
	return err;
}

struct pmt_err *pmt_rb_read_page(struct pmt_rb *rb, uint32_t cpu, uint32_t flags,
				 struct pmt_rb_page *page)
{
	pmt_irqflags_t fl;
	struct pmt_cpu *c;
	struct pmt_pg *h = NULL;
	struct pmt_err *err;
	uint32_t spare, slot;

	if (cpu >= rb->nr_cpus)
		return pmt_err_new(PMT_ERR_INVALID, "cpu %u >= %u", cpu, rb->nr_cpus);
	c = &rb->cpus[cpu];
	pmt_cpu_lock(c, &fl);
	err = head_page_locked(rb, c, flags, &h);
	if (err)
		goto out;
	spare = pmt_spare_pop_locked(c);
	if (spare == PMT_NO_PAGE) {
		err = pmt_err_new(PMT_ERR_NOMEM,
				  "cpu %u: no spare page; hand pages back with "
				  "pmt_rb_put_page()",
				  cpu);
		goto out;
	}
	pmt_meta_begin(c);
	slot = c->head_slot;
	hand_over_locked(rb, c, h);
	into_ring_locked(c, slot, spare);
	c->pstate[h->id] = PMT_PAGE_TAKEN;
	pmt_meta_end(c);
	page->cpu = cpu;
	page->id = h->id;
	page->data = h->addr;
out:
	pmt_cpu_unlock(c, fl);
	return err;
}

void pmt_rb_put_page(struct pmt_rb *rb, const struct pmt_rb_page *page)
{
	pmt_irqflags_t fl;
	struct pmt_cpu *c;

	if (page->cpu >= rb->nr_cpus)
		return;
	c = &rb->cpus[page->cpu];
	pmt_cpu_lock(c, &fl);
	if (page->id < c->nr_pages && c->pstate[page->id] == PMT_PAGE_TAKEN) {
		pmt_meta_begin(c);
		pmt_spare_push_locked(c, page->id);
		pmt_meta_end(c);
	}
	pmt_report_idle_cpu(rb, c, pmt_mono_ns());
	pmt_cpu_unlock(c, fl);
}

static void set_event(struct pmt_cpu *c, struct pmt_rb_event *ev, const struct pmt_walk_ev *wev,
		      uint32_t page_id)
{
	ev->ts = wev->ts;
	ev->data = wev->payload;
	ev->len = wev->len;
	ev->cpu = c->cpu;
	ev->page_id = page_id;
}

/*
 * The consumer has caught up with the tail page: read its newly published
 * events from a private copy instead of closing the page. Caller holds the
 * lock; 1 = event, 0 = nothing new, -1 = corrupt.
 */
static int tail_in_place_locked(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_rb_event *ev,
				const char **why)
{
	struct pmt_pg *t = &c->pgs[c->ring[c->tail_slot]];
	struct pmt_walk_ev wev;
	uint32_t len;
	int r;

	if (!is_tp(c, t)) {
		c->tp_id = t->id;
		c->tp_gen = t->gen;
		c->tp_off = 0;
		c->tp_count = 0;
		c->tp_ts = pmt_pg_time_stamp(t);
	}
	len = (uint32_t)pmt_pg_commit_word(t) & ~PMT_RB_MISSED_FLAGS;
	if (len > rb->cap || len <= c->tp_off)
		return 0;
	/* only the new bytes: what is below tp_off is in the copy already */
	memcpy(c->tcopy + PMT_RB_PAGE_DATA_OFFSET(8) + c->tp_off,
	       t->addr + PMT_RB_PAGE_DATA_OFFSET(8) + c->tp_off, len - c->tp_off);
	pmt_walk_init(&c->twalk, c->tcopy + PMT_RB_PAGE_DATA_OFFSET(8), len, c->tp_ts);
	c->twalk.off = c->tp_off;
	r = pmt_walk_next_data(&c->twalk, &wev, why);
	if (r == 1) {
		c->tp_off = c->twalk.off;
		c->tp_ts = c->twalk.ts;
		c->tp_count++;
		set_event(c, ev, &wev, t->id);
	} else if (r == 0) {
		c->tp_off = len; /* only padding or extends were new */
		c->tp_ts = c->twalk.ts;
	}
	/* what was consumed in place, for a post-mortem reader */
	PMT_STORE(&c->meta->tail_read_off, c->tp_off, RELAXED);
	PMT_STORE(&c->meta->tail_read_id, c->tp_id, RELEASE);
	return r;
}

static struct pmt_err *consume_cpu(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_rb_event *ev)
{
	pmt_irqflags_t fl;
	struct pmt_walk_ev wev;
	const char *why;

	for (int round = 0; round < 4; round++) {
		struct pmt_err *err;
		struct pmt_pg *r;
		int in_place = 0;

		if (c->rwalk_valid) {
			int res = pmt_walk_next_data(&c->rwalk, &wev, &why);

			if (res < 0)
				return pmt_err_new(PMT_ERR_CORRUPT, "cpu %u reader page %u: %s",
						   c->cpu, c->reader, why);
			if (res == 1) {
				set_event(c, ev, &wev, c->reader);
				__atomic_store_n(&c->meta->reader_read, c->rwalk.off,
						 __ATOMIC_RELAXED);
				return NULL;
			}
			c->rwalk_valid = false;
		}
		pmt_cpu_lock(c, &fl);
		err = swap_locked(rb, c, 0);
		if (err && err->code == PMT_ERR_NODATA && c->head_slot == c->tail_slot) {
			pmt_err_free(err);
			err = NULL;
			in_place = tail_in_place_locked(rb, c, ev, &why);
			if (!in_place)
				err = pmt_err_new(PMT_ERR_NODATA, "cpu %u: no event", c->cpu);
			else if (in_place < 0)
				err = pmt_err_new(PMT_ERR_CORRUPT, "cpu %u tail page %u: %s",
						  c->cpu, c->tp_id, why);
		}
		pmt_cpu_unlock(c, fl);
		if (err || in_place)
			return err;
		r = &c->pgs[c->reader];
		pmt_walk_init(&c->rwalk, r->addr + PMT_RB_PAGE_DATA_OFFSET(8),
			      (uint32_t)pmt_pg_commit_word(r) & ~PMT_RB_MISSED_FLAGS, c->rstart_ts);
		c->rwalk.off = c->rstart_off;
		c->rwalk_valid = true;
	}
	return pmt_err_new(PMT_ERR_NODATA, "cpu %u: no event", c->cpu);
}

struct pmt_err *pmt_rb_consume(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_event *ev)
{
	struct pmt_cpu *c;

	if (cpu >= rb->nr_cpus)
		return pmt_err_new(PMT_ERR_INVALID, "cpu %u >= %u", cpu, rb->nr_cpus);
	c = &rb->cpus[cpu];
	if (c->has_pending) {
		*ev = c->pending;
		c->has_pending = false;
		return NULL;
	}
	return consume_cpu(rb, c, ev);
}

struct pmt_err *pmt_rb_consume_merged(struct pmt_rb *rb, struct pmt_rb_event *ev)
{
	struct pmt_cpu *best = NULL;

	for (uint32_t i = 0; i < rb->nr_cpus; i++) {
		struct pmt_cpu *c = &rb->cpus[i];

		if (!c->has_pending) {
			struct pmt_err *err = consume_cpu(rb, c, &c->pending);

			if (err) {
				if (err->code != PMT_ERR_NODATA)
					return err;
				pmt_err_free(err);
				continue;
			}
			c->has_pending = true;
		}
		if (!best || c->pending.ts < best->pending.ts)
			best = c;
	}
	if (!best)
		return pmt_err_new(PMT_ERR_NODATA, "no event on any cpu");
	*ev = best->pending;
	best->has_pending = false;
	return NULL;
}

/* ---- non-consuming iterator ---- */

struct pmt_rb_iter {
	struct pmt_rb *rb;
	struct pmt_cpu *c;
	uint32_t *ids;	/* pages to visit, oldest first */
	uint64_t *gens; /* their generation when the iterator started */
	uint32_t nr, next;
	uint32_t first_skip; /* bytes of the reader page already consumed */
	uint32_t tp_id;	     /* tail page partly consumed in place ... */
	uint64_t tp_gen;
	uint32_t tp_off;     /* ... up to here */
	unsigned char *copy; /* private copy of the current page */
	struct pmt_walk walk;
	bool walking;
	uint32_t cur_id;
};

struct pmt_err *pmt_rb_iter_start(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_iter **itp)
{
	pmt_irqflags_t fl;
	struct pmt_rb_iter *it;
	struct pmt_cpu *c;
	uint32_t slot;

	if (cpu >= rb->nr_cpus)
		return pmt_err_new(PMT_ERR_INVALID, "cpu %u >= %u", cpu, rb->nr_cpus);
	c = &rb->cpus[cpu];
	it = pmt_zalloc(sizeof(*it));
	if (!it)
		return &pmt_err_nomem;
	it->rb = rb;
	it->c = c;
	it->ids = pmt_zalloc((c->nr_ring + 1) * sizeof(*it->ids));
	it->gens = pmt_zalloc((c->nr_ring + 1) * sizeof(*it->gens));
	it->copy = pmt_zalloc(rb->page_size);
	if (!it->ids || !it->gens || !it->copy) {
		pmt_rb_iter_free(it);
		return &pmt_err_nomem;
	}
	pmt_cpu_lock(c, &fl);
	/* the reader page after what the consumer has read (meta reader_read) */
	if (c->reader != PMT_NO_PAGE) {
		it->first_skip = (uint32_t)c->meta->reader_read;
		if (c->rwalk_valid)
			it->first_skip = c->rwalk.off;
		it->ids[it->nr] = c->reader;
		it->gens[it->nr++] = c->pgs[c->reader].gen;
	}
	it->tp_id = c->tp_id;
	it->tp_gen = c->tp_gen;
	it->tp_off = c->tp_off;
	for (slot = c->head_slot;; slot = (slot + 1) % c->nr_ring) {
		it->ids[it->nr] = c->ring[slot];
		it->gens[it->nr++] = c->pgs[c->ring[slot]].gen;
		if (slot == c->tail_slot)
			break;
	}
	pmt_cpu_unlock(c, fl);
	*itp = it;
	return NULL;
}

struct pmt_err *pmt_rb_iter_next(struct pmt_rb_iter *it, struct pmt_rb_event *ev)
{
	pmt_irqflags_t fl;
	struct pmt_walk_ev wev;
	const char *why;

	for (;;) {
		if (it->walking) {
			int r = pmt_walk_next_data(&it->walk, &wev, &why);

			if (r < 0)
				return pmt_err_new(PMT_ERR_CORRUPT, "cpu %u page %u: %s",
						   it->c->cpu, it->cur_id, why);
			if (r == 1) {
				ev->ts = wev.ts;
				ev->data = wev.payload;
				ev->len = wev.len;
				ev->cpu = it->c->cpu;
				ev->page_id = it->cur_id;
				return NULL;
			}
			it->walking = false;
		}
		if (it->next >= it->nr)
			return pmt_err_new(PMT_ERR_NODATA, "end of cpu %u", it->c->cpu);
		{
			uint32_t i = it->next++, id = it->ids[i], len = 0, skip = 0;
			struct pmt_pg *pg = &it->c->pgs[id];
			uint64_t ts = 0;
			bool ok;

			/* copy under the lock: a page turn cannot reuse it meanwhile */
			pmt_cpu_lock(it->c, &fl);
			ok = pg->gen == it->gens[i];
			if (ok) {
				len = (uint32_t)pmt_pg_commit_word(pg) & ~PMT_RB_MISSED_FLAGS;
				if (len > it->rb->cap)
					len = 0;
				ts = pmt_pg_time_stamp(pg);
				memcpy(it->copy, pg->addr, PMT_RB_PAGE_DATA_OFFSET(8) + len);
			}
			pmt_cpu_unlock(it->c, fl);
			if (!ok)
				continue; /* overwritten since the iterator started */
			it->cur_id = id;
			pmt_walk_init(&it->walk, it->copy + PMT_RB_PAGE_DATA_OFFSET(8), len, ts);
			if (i == 0 && it->first_skip)
				skip = it->first_skip;
			else if (id == it->tp_id && it->gens[i] == it->tp_gen)
				skip = it->tp_off;
			/* skip what the consumer already read, keeping the time stamps */
			while (it->walk.off < skip && pmt_walk_next(&it->walk, &wev, &why) == 0 &&
			       wev.kind != PMT_WALK_END)
				;
			it->walking = true;
		}
	}
}

void pmt_rb_iter_free(struct pmt_rb_iter *it)
{
	if (!it)
		return;
	pmt_free(it->ids);
	pmt_free(it->gens);
	pmt_free(it->copy);
	pmt_free(it);
}

/* ---- statistics ---- */

static bool entries_tp_valid(struct pmt_cpu *c)
{
	return c->tp_id != PMT_NO_PAGE && c->tp_id < c->nr_pages &&
	       c->pgs[c->tp_id].gen == c->tp_gen && c->pstate[c->tp_id] == PMT_PAGE_DATA;
}

static void stats_cpu(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_rb_stats *st)
{
	pmt_irqflags_t fl;
	uint64_t entries = 0;

	pmt_cpu_lock(c, &fl);
	for (uint32_t slot = c->head_slot;; slot = (slot + 1) % c->nr_ring) {
		entries += pmt_pg_count(rb, &c->pgs[c->ring[slot]]);
		if (slot == c->tail_slot)
			break;
	}
	/* events already read in place are still in the ring but not entries */
	if (entries_tp_valid(c))
		entries -= c->tp_count;
	st->entries += entries;
	st->overrun += c->overrun;
	st->read += c->read + (entries_tp_valid(c) ? c->tp_count : 0);
	st->committed += entries + c->overrun + c->read + (entries_tp_valid(c) ? c->tp_count : 0);
	st->lost += PMT_LOAD(&c->lost, RELAXED);
	st->pages_touched += c->pages_touched;
	st->page_allocs += c->page_allocs;
	st->reported += c->reported;
	c->meta->entries = entries + c->overrun + c->read;
	pmt_cpu_unlock(c, fl);
}

void pmt_rb_stats(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (uint32_t i = 0; i < rb->nr_cpus; i++)
		if (cpu == UINT32_MAX || cpu == i)
			stats_cpu(rb, &rb->cpus[i], st);
}

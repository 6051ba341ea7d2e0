// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pmtrace ring buffer: the writer.
 *
 * WHERE THE DATA LIVES
 *
 * The kernel's ring buffer keeps its pages on a list linked through the page
 * frames, which is very hard to find from crash. pmtrace keeps, per CPU, a
 * pool of page-sized slots inside one self-describing region (layout.h,
 * docs/format.md) and names pages by id:
 *
 *	meta: ring[] = { 4, 1, 2, 3 }   reader_id = 0   spares: 5, 6
 *
 *	          head                tail
 *	           |                   |
 *	  slot:    0      1      2     3
 *	        +------+------+------+------+      +------+
 *	        | id 4 | id 1 | id 2 | id 3 |      | id 0 |  reader page
 *	        +------+------+------+------+      +------+
 *	           ^                      |
 *	           +----------------------+  (the ring wraps)
 *
 * The ring array is the list; head/tail are slots; everything an external
 * reader needs (ids, slots, page states, counters) is in the meta page and is
 * updated under a seqcount at every page turn.
 *
 * RESERVING WITHOUT LOCKS, WITH PREEMPTION AND MIGRATION
 *
 * Each CPU has a buffer; a writer picks the buffer of the CPU it runs on
 * (pmt_this_cpu(): glibc's rseq area in userspace; exact in the kernel,
 * where writers run with preemption disabled) but may be preempted
 * or migrated at any moment, and a signal handler may write while the
 * interrupted code is in the middle of a reservation. So a buffer is never
 * assumed to have one writer: all writer state changes are atomic
 * read-modify-writes on one 64-bit word per page (rb_internal.h):
 *
 *	state = { off:16, sealed:1, inflight:7, last:40 }
 *
 *   reserve  CAS: off += size, inflight++, last = now - base_ts. The CAS
 *            carries the time stamp of the newest reservation, so the delta
 *            to the previous event in the page (the kernel's 27-bit
 *            time_delta, or a time extend before it) is computed from the
 *            very state the reservation was made against: events are in
 *            time order inside a page even with several writers.
 *   commit   CAS: inflight--. The writer that brings inflight from 1 to 0
 *            is the last one in the page: everything below `off` is written.
 *            It stores the commit word of the data page (the kernel's
 *            `commit`, what readers and the recovery trust) BEFORE its CAS,
 *            while it still holds the page: a page is never reset while
 *            inflight > 0, so a late commit can never land on a recycled
 *            page, and the stores are monotonic because the next publisher
 *            can only exist after this CAS.
 *   seal     When an event does not fit, the one writer whose CAS sets
 *            `sealed` pads the page end (a discarded event, or a 4-byte
 *            end marker that the commit word excludes, as the kernel does)
 *            and commits like any writer. A sealed page takes no more
 *            reservations; writers that see it take the per-CPU lock and
 *            turn the page (pmt_advance_tail_locked()).
 *
 * A writer therefore costs two uncontended atomic instructions on a cache
 * line it owns plus the clock read; migration between reserve and commit
 * only means the commit CAS runs on another CPU. Events whose writer is
 * preempted are invisible until it commits (like a nested kernel writer);
 * the page cannot be reused meanwhile: the page turn refuses to move onto a
 * page with writers in flight and drops the new event instead (`lost`), as
 * the kernel does when the tail would overrun the commit page.
 *
 * PAGE TURNS
 *
 * Under the per-CPU spin lock (a nested writer that interrupted its own
 * thread's page turn only trylocks and drops the event rather than
 * deadlocking): in producer/consumer mode the tail may not step onto the
 * head (the event is lost); in overwrite mode the head page is pushed forward
 * and its events counted as overrun. The next page is reset (commit 0, base
 * time stamp = max(now, last stamp of the old tail), so stamps stay monotonic
 * per CPU), the meta page updated, and the tail pointer published.
 *
 * Persistence: the only thing a reader must trust is a page's commit word,
 * which covers only complete events; a writer killed at any instant leaves
 * its in-flight event outside the committed length, so it is absent, never
 * half there.
 */
#include "rb_internal.h"

uint64_t pmt_rb_now(const struct pmt_rb *rb)
{
	return pmt_clock_read(rb->clock_id);
}

bool pmt_cpu_lock(struct pmt_cpu *c, pmt_irqflags_t *flags)
{
	return pmt_plat_lock(&c->lock, flags);
}

void pmt_cpu_unlock(struct pmt_cpu *c, pmt_irqflags_t flags)
{
	pmt_plat_unlock(&c->lock, flags);
}

void pmt_meta_begin(struct pmt_cpu *c)
{
	/* acquire on the RMW: the meta stores that follow cannot move above it */
	__atomic_fetch_add(&c->meta->seq, 1, __ATOMIC_ACQ_REL);
}

void pmt_meta_end(struct pmt_cpu *c)
{
	struct pmt_cpu_meta *m = c->meta;

	m->nr_ring = c->nr_ring;
	m->head_slot = c->head_slot;
	m->head_id = c->ring[c->head_slot];
	m->tail_slot = c->tail_slot;
	m->tail_id = c->ring[c->tail_slot];
	m->commit_id = m->tail_id;
	m->reader_id = c->reader;
	m->overrun = c->overrun;
	m->lost = PMT_LOAD(&c->lost, RELAXED);
	m->read = c->read;
	m->pages_touched = c->pages_touched;
	m->page_allocs = c->page_allocs;
	m->tail_read_id = c->tp_id;
	m->tail_read_off = c->tp_id == PMT_NO_PAGE ? 0 : c->tp_off;
	__atomic_store_n(&m->seq, m->seq + 1, __ATOMIC_RELEASE);
}

/* Publish the commit word if we are the last writer in flight, then leave. */
static inline __attribute__((always_inline)) void pg_commit(struct pmt_rb *rb, struct pmt_pg *pg)
{
	uint64_t s = PMT_LOAD(&pg->state, ACQUIRE);

	for (;;) {
		if (ST_INFL(s) == 1) {
			uint32_t off = (uint32_t)(s & ST_OFF_MASK);
			uint32_t len = off;

			/* a sealed page ends with a discarded event unless < 8 bytes were left */
			if ((s & ST_SEALED) && rb->cap - off >= PMT_RB_MIN_PAD_EVENT)
				len = rb->cap;
			/* last writer out of a sealed page: the page is final, count it
			 * now while it is in our cache (overrun/read accounting) */
			if (s & ST_SEALED)
				pg->nr_events = pmt_count_events(
					pg->addr + PMT_RB_PAGE_DATA_OFFSET(8), len);
			pmt_pg_set_commit(pg, len);
		}
		if (PMT_CAS(&pg->state, &s, s - ST_INFL_ONE, ACQ_REL))
			return;
	}
}

void pmt_pg_commit(struct pmt_rb *rb, struct pmt_pg *pg)
{
	pg_commit(rb, pg);
}

/* Number of data events up to the published commit of any page. */
uint32_t pmt_pg_count(struct pmt_rb *rb, struct pmt_pg *pg)
{
	uint32_t len = (uint32_t)pmt_pg_commit_word(pg) & ~PMT_RB_MISSED_FLAGS;

	if (len > rb->cap)
		return 0;
	return pmt_count_events(pg->addr + PMT_RB_PAGE_DATA_OFFSET(8), len);
}

/* Make `pg` an empty, open page starting at `base`. Caller holds the lock. */
void pmt_pg_reset_locked(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_pg *pg, uint64_t base)
{
	(void)rb;
	(void)c;
	pg->gen++;
	pg->real_end = 0;
	pg->nr_events = 0;
	pmt_pg_set_commit(pg, 0);
	__atomic_store_n((uint64_t *)pg->addr, base, __ATOMIC_RELAXED);
	PMT_STORE(&pg->base_ts, base, RELAXED);
	/* release: a writer that sees the open state also sees base_ts */
	PMT_STORE(&pg->state, 0, RELEASE);
}

static bool pg_quiescent(struct pmt_pg *pg)
{
	uint64_t s = PMT_LOAD(&pg->state, ACQUIRE);

	return (s & ST_SEALED) && ST_INFL(s) == 0;
}

bool pmt_advance_tail_locked(struct pmt_rb *rb, struct pmt_cpu *c)
{
	struct pmt_pg *old = PMT_LOAD(&c->tail, RELAXED);
	uint32_t next = (c->tail_slot + 1) % c->nr_ring;
	struct pmt_pg *np;
	uint64_t s, last, base;

	if (next == c->head_slot) {
		struct pmt_pg *h = &c->pgs[c->ring[c->head_slot]];

		if (!(rb->flags & PMT_RB_OVERWRITE) || !pg_quiescent(h))
			return false;
		pmt_leave_ring_locked(c, h, true);
		c->head_slot = (c->head_slot + 1) % c->nr_ring;
	}
	np = &c->pgs[c->ring[next]];
	if (!pg_quiescent(np))
		return false; /* a writer is still in that page (preempted a whole ring ago) */

	s = PMT_LOAD(&old->state, ACQUIRE);
	last = PMT_LOAD(&old->base_ts, RELAXED) + (s >> ST_TS_SHIFT);
	base = pmt_clock_read(rb->clock_id);
	if (base < last)
		base = last;
	pmt_meta_begin(c);
	pmt_pg_reset_locked(rb, c, np, base);
	c->tail_slot = next;
	c->pstate[np->id] = PMT_PAGE_DATA;
	c->pages_touched++;
	pmt_meta_end(c);
	PMT_STORE(&c->tail, np, RELEASE);
	return true;
}

/* A writer found `seen` sealed: turn the page unless someone already did. */
static bool slow_advance(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_pg *seen)
{
	pmt_irqflags_t fl;
	bool ok = true;

	if (!pmt_cpu_lock(c, &fl))
		return false;
	if (PMT_LOAD(&c->tail, RELAXED) == seen && (PMT_LOAD(&seen->state, ACQUIRE) & ST_SEALED))
		ok = pmt_advance_tail_locked(rb, c);
	pmt_cpu_unlock(c, fl);
	return ok;
}

static inline __attribute__((always_inline)) void *reserve(struct pmt_rb *rb, struct pmt_cpu *c,
							   uint32_t len, struct pmt_rb_res *res)
{
	uint32_t total = pmt_ev_size(len);
	uint64_t now;

	if (total > rb->cap || len > rb->cap)
		goto lost;
	now = pmt_clock_read(rb->clock_id);
	/* bounded: each round either reserves, or turns a page, or gives up */
	for (int round = 0; round < 8; round++) {
		struct pmt_pg *pg = PMT_LOAD(&c->tail, ACQUIRE);
		uint64_t s = PMT_LOAD(&pg->state, ACQUIRE);
		uint64_t base = PMT_LOAD(&pg->base_ts, RELAXED);

		while (!(s & ST_SEALED)) {
			uint64_t last = s >> ST_TS_SHIFT;
			uint64_t rel = now > base ? now - base : 0;
			uint32_t off = (uint32_t)(s & ST_OFF_MASK);
			uint64_t delta, ns;
			uint32_t need;

			if (ST_INFL(s) == ST_INFL_MAX)
				goto lost;
			if (rel < last)
				rel = last;
			delta = rel - last;
			need = total + (delta > PMT_RB_TS_DELTA_MASK ? PMT_RB_LEN_TIME_EXTEND : 0);
			if (rel <= ST_TS_MAX && off + need <= rb->cap) {
				ns = (off + need) | (s & (ST_INFL_MAX << ST_INFL_SHIFT)) |
				     (rel << ST_TS_SHIFT);
				ns += ST_INFL_ONE;
				if (PMT_CAS(&pg->state, &s, ns, ACQ_REL)) {
					unsigned char *p =
						pg->addr + PMT_RB_PAGE_DATA_OFFSET(8) + off;
					uint32_t d = (uint32_t)delta;

					if (delta > PMT_RB_TS_DELTA_MASK) {
						pmt_ev_write_extend(p, delta);
						p += PMT_RB_LEN_TIME_EXTEND;
						d = 0;
					}
					res->pg = pg;
					res->cpu = c;
					res->ev = p;
					res->total = total;
					return pmt_ev_write_data(p, total, d);
				}
				continue;
			}
			/* does not fit (or the page is too old for a 40-bit stamp): seal */
			ns = (s | ST_SEALED) + ST_INFL_ONE;
			if (PMT_CAS(&pg->state, &s, ns, ACQ_REL)) {
				pmt_ev_write_pad(pg->addr + PMT_RB_PAGE_DATA_OFFSET(8) + off,
						 rb->cap - off);
				pg->real_end = off;
				pmt_pg_commit(rb, pg);
				break;
			}
		}
		if (!slow_advance(rb, c, pg))
			goto lost;
	}
lost:
	__atomic_fetch_add(&c->lost, 1, __ATOMIC_RELAXED);
	return NULL;
}

static inline struct pmt_cpu *this_cpu(struct pmt_rb *rb)
{
	uint32_t cpu = pmt_this_cpu();

	/* a division costs more than the rest of the lookup: only when needed */
	if (cpu >= rb->nr_cpus)
		cpu %= rb->nr_cpus;
	return &rb->cpus[cpu];
}

void *pmt_rb_reserve(struct pmt_rb *rb, uint32_t len, struct pmt_rb_res *res)
{
	return reserve(rb, this_cpu(rb), len, res);
}

void *pmt_rb_reserve_cpu(struct pmt_rb *rb, uint32_t cpu, uint32_t len, struct pmt_rb_res *res)
{
	return reserve(rb, &rb->cpus[cpu < rb->nr_cpus ? cpu : cpu % rb->nr_cpus], len, res);
}

void pmt_rb_commit(struct pmt_rb *rb, struct pmt_rb_res *res)
{
	pg_commit(rb, res->pg);
}

void pmt_rb_discard(struct pmt_rb *rb, struct pmt_rb_res *res)
{
	/* readers skip a discarded event's delta: move it into a time extend */
	pmt_ev_write_discard(res->ev, res->total);
	pg_commit(rb, res->pg);
}

bool pmt_rb_write_cpu(struct pmt_rb *rb, uint32_t cpu, const void *data, uint32_t len)
{
	struct pmt_rb_res res;
	void *p = reserve(rb, &rb->cpus[cpu < rb->nr_cpus ? cpu : cpu % rb->nr_cpus], len, &res);

	if (!p)
		return false;
	memcpy(p, data, len);
	pg_commit(rb, res.pg);
	return true;
}

bool pmt_rb_write(struct pmt_rb *rb, const void *data, uint32_t len)
{
	struct pmt_rb_res res;
	void *p = reserve(rb, this_cpu(rb), len, &res);

	if (!p)
		return false;
	memcpy(p, data, len);
	pg_commit(rb, res.pg);
	return true;
}

bool pmt_rb_write_entry(struct pmt_rb *rb, uint32_t cpu, const struct pmt_entry *hdr,
			const void *fields, uint32_t len)
{
	struct pmt_cpu *c = cpu == PMT_RB_THIS_CPU
				    ? this_cpu(rb)
				    : &rb->cpus[cpu < rb->nr_cpus ? cpu : cpu % rb->nr_cpus];
	uint32_t total = (uint32_t)sizeof(struct pmt_entry) + len, len4 = (total + 3) & ~3u;
	struct pmt_entry e = *hdr;
	struct pmt_rb_res res;
	unsigned char *p;

	/* numbered before reserving: a dropped event leaves a gap */
	e.seq = (uint32_t)pmt_local_fetch_inc(&c->meta->seq_next);
	e.csum = 0;
	p = reserve(rb, c, len4, &res);
	if (!p)
		return false;
	memcpy(p, &e, sizeof(e));
	if (len)
		memcpy(p + sizeof(e), fields, len);
	if (len4 != total)
		memset(p + total, 0, len4 - total);
	e.csum = pmt_entry_csum(p, len4);
	memcpy(p + 12, &e.csum, 4);
	pg_commit(rb, res.pg);
	return true;
}

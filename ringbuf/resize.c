// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resizing a CPU's ring while writers run.
 *
 * Writers never look at the ring array on their fast path (they only follow
 * the tail page pointer), and page turns read it under the per-CPU lock, so
 * resize can rebuild the array in one go under that lock:
 *
 *	before (8 slots):  [ F  D1 D2 D3 F  F  F  F ]   head = D1, tail = D3
 *	after  (4 slots):  [ D1 D2 D3 F ]               head slot 0, tail slot 2
 *	                   removed F pages -> spare pool -> reported when idle
 *
 * Data pages keep their order (oldest first), empty pages follow the tail.
 * Page ids never change, so the meta page stays meaningful throughout (it is
 * rewritten under its seqcount).
 */
#include "rb_internal.h"

struct pmt_err *pmt_rb_resize(struct pmt_rb *rb, uint32_t cpu, uint32_t nr_ring)
{
	struct pmt_cpu *c;
	pmt_irqflags_t fl;
	struct pmt_err *err = NULL;
	uint32_t used, nfree, nr, head, keep_from = 0, n = 0;

	if (cpu >= rb->nr_cpus)
		return pmt_err_new(PMT_ERR_INVALID, "cpu %u >= %u", cpu, rb->nr_cpus);
	c = &rb->cpus[cpu];
	if (nr_ring < 2 || nr_ring > c->ring_cap)
		return pmt_err_new(PMT_ERR_INVALID, "ring of %u pages: cpu %u allows 2 .. %u",
				   nr_ring, cpu, c->ring_cap);
	pmt_cpu_lock(c, &fl);
	nr = c->nr_ring;
	head = c->head_slot;
	used = (c->tail_slot + nr - c->head_slot) % nr + 1;
	nfree = nr - used;
	if (nr_ring > nr && c->nr_spares < nr_ring - nr) {
		err = pmt_err_new(PMT_ERR_NOMEM,
				  "cpu %u: growing to %u pages needs %u spares, "
				  "%u available",
				  cpu, nr_ring, nr_ring - nr, c->nr_spares);
		goto out;
	}
	if (nr_ring < nr && nr - nr_ring > nfree) {
		uint32_t drop = nr - nr_ring - nfree;

		if (!(rb->flags & PMT_RB_OVERWRITE)) {
			err = pmt_err_new(PMT_ERR_INVALID,
					  "cpu %u: %u pages hold unread data; "
					  "cannot shrink to %u in producer/consumer mode",
					  cpu, used, nr_ring);
			goto out;
		}
		/* overwrite mode: the oldest pages go, as if overwritten */
		for (uint32_t k = 0; k < drop; k++) {
			struct pmt_pg *h = &c->pgs[c->ring[(head + k) % nr]];
			uint64_t s = PMT_LOAD(&h->state, ACQUIRE);

			if (!(s & ST_SEALED) || ST_INFL(s)) {
				err = pmt_err_new(PMT_ERR_NODATA,
						  "cpu %u: page %u has a writer in "
						  "flight; try again",
						  cpu, h->id);
				goto out;
			}
		}
		keep_from = drop;
	}
	pmt_meta_begin(c);
	/* data pages, oldest first */
	for (uint32_t k = 0; k < used; k++) {
		uint32_t id = c->ring[(head + k) % nr];

		if (k < keep_from) {
			pmt_leave_ring_locked(c, &c->pgs[id], true);
			pmt_spare_push_locked(c, id);
		} else {
			c->scratch[n++] = id;
		}
	}
	c->head_slot = 0;
	c->tail_slot = n - 1;
	/* then empty pages: the old ones while they fit, then spares */
	for (uint32_t k = used; k < nr; k++) {
		uint32_t id = c->ring[(head + k) % nr];

		if (n < nr_ring)
			c->scratch[n++] = id;
		else
			pmt_spare_push_locked(c, id);
	}
	while (n < nr_ring) {
		uint32_t id = pmt_spare_pop_locked(c);
		struct pmt_pg *pg = &c->pgs[id];

		pmt_pg_set_commit(pg, 0);
		pg->nr_events = 0;
		pg->real_end = 0;
		pg->gen++;
		PMT_STORE(&pg->state, ST_QUIESCENT, RELEASE);
		c->scratch[n++] = id;
	}
	for (uint32_t k = 0; k < nr_ring; k++) {
		c->ring[k] = c->scratch[k];
		c->pstate[c->scratch[k]] = PMT_PAGE_DATA;
	}
	c->nr_ring = nr_ring;
	pmt_meta_end(c);
out:
	pmt_cpu_unlock(c, fl);
	return err;
}

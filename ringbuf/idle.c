// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Idle-page reporting (userspace only: the module's pages stay resident).
 *
 * Pages that leave the ring and sit in the spare pool beyond what the buffer
 * keeps resident (opts.spare_keep) are handed back to the OS once they have
 * been idle for opts.report_delay_ms, in one batch per call: contiguous page
 * ids are contiguous in the region, so each run costs one madvise(). A
 * reported page is marked PMT_PAGE_REPORTED in the meta page's state array so
 * no reader ever decodes it (its bytes read as zero, or are not in a dump at
 * all), and the mark is cleared when the page is reused (which is counted in
 * page_allocs, since the OS has to supply the memory again).
 *
 *	spares (stack, newest on top):  [ 7 8 9 | 4 5 6 ]
 *	                                  keep    idle >= delay -> madvise 4..6
 */
#include <stdlib.h>

#include "rb_internal.h"

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

uint32_t pmt_report_idle_cpu(struct pmt_rb *rb, struct pmt_cpu *c, uint64_t now)
{
	uint32_t batch[64], n = 0, resident = 0, done = 0;

	/* the stack's bottom holds the longest-idle spares */
	for (uint32_t i = c->nr_spares; i-- > 0;)
		if (c->pstate[c->spares[i]] == PMT_PAGE_SPARE)
			resident++;
	for (uint32_t i = 0; i < c->nr_spares && resident > rb->spare_keep && n < 64; i++) {
		uint32_t id = c->spares[i];

		if (c->pstate[id] != PMT_PAGE_SPARE ||
		    now - c->pgs[id].spare_since < rb->report_delay_ns)
			continue;
		batch[n++] = id;
		resident--;
	}
	if (!n)
		return 0;
	qsort(batch, n, sizeof(batch[0]), id_cmp);
	pmt_meta_begin(c);
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i + 1;

		while (j < n && batch[j] == batch[j - 1] + 1)
			j++;
		/* mark first: a reader must never decode a page being released */
		for (uint32_t k = i; k < j; k++)
			c->pstate[batch[k]] = PMT_PAGE_REPORTED;
		if (pmt_backing_release(rb, c->pgs[batch[i]].addr,
					(size_t)(j - i) * rb->page_size) == 0)
			done += j - i;
		i = j;
	}
	c->reported += done;
	pmt_meta_end(c);
	return done;
}

uint32_t pmt_rb_report_idle(struct pmt_rb *rb)
{
	uint64_t now = pmt_mono_ns();
	uint32_t n = 0;

	for (uint32_t i = 0; i < rb->nr_cpus; i++) {
		struct pmt_cpu *c = &rb->cpus[i];

		pmt_irqflags_t fl;

		pmt_cpu_lock(c, &fl);
		n += pmt_report_idle_cpu(rb, c, now);
		pmt_cpu_unlock(c, fl);
	}
	return n;
}

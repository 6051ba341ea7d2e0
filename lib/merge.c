// SPDX-License-Identifier: GPL-2.0-or-later
/* k-way merge by (time stamp, CPU); see merge.h. */
#include <stdlib.h>

#include "merge.h"

bool filter_has_cpu(const struct pmt_filter *filter, int cpu)
{
	bool any = false;

	if (!filter)
		return true;
	for (size_t i = 0; i < sizeof(filter->cpu_mask) / sizeof(filter->cpu_mask[0]); i++)
		any |= filter->cpu_mask[i] != 0;
	if (!any)
		return true;
	if (cpu < 0 || cpu >= 512)
		return false;
	return (filter->cpu_mask[cpu / 64] >> (cpu % 64)) & 1;
}

static bool before(const struct merge_item *a, const struct merge_item *b)
{
	uint64_t ta = a->cs->events[a->pos].ts, tb = b->cs->events[b->pos].ts;

	if (ta != tb)
		return ta < tb;
	return a->cs->cpu < b->cs->cpu;
}

static void sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		struct merge_item tmp;

		if (l < m->n && before(&m->heap[l], &m->heap[best]))
			best = l;
		if (r < m->n && before(&m->heap[r], &m->heap[best]))
			best = r;
		if (best == i)
			return;
		tmp = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = tmp;
		i = best;
	}
}

struct pmt_err *merge_init(struct merge *m, const struct trace_buf *b,
			   const struct pmt_filter *filter)
{
	m->n = 0;
	m->heap = calloc(b->nr_cpus ? (size_t)b->nr_cpus : 1, sizeof(*m->heap));
	if (!m->heap)
		return &pmt_err_nomem;
	for (int c = 0; c < b->nr_cpus; c++) {
		if (!b->cpus[c].nevents || !filter_has_cpu(filter, c))
			continue;
		m->heap[m->n].cs = &b->cpus[c];
		m->heap[m->n].pos = 0;
		m->n++;
	}
	for (size_t i = m->n / 2; i-- > 0;)
		sift_down(m, i);
	return NULL;
}

bool merge_next(struct merge *m, const struct cpu_stream **cs, const struct cpu_event **ev)
{
	struct merge_item *top;

	if (!m->n)
		return false;
	top = &m->heap[0];
	*cs = top->cs;
	*ev = &top->cs->events[top->pos];
	if (++top->pos == top->cs->nevents)
		m->heap[0] = m->heap[--m->n];
	if (m->n)
		sift_down(m, 0);
	return true;
}

void merge_free(struct merge *m)
{
	free(m->heap);
	m->heap = NULL;
	m->n = 0;
}

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

static bool before(const struct merge_src *a, const struct merge_src *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts;
	return a->cpu < b->cpu;
}

static void sift_down(struct merge_heap *h, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i;
		struct merge_src tmp;

		if (l < h->n && before(&h->src[l], &h->src[best]))
			best = l;
		if (r < h->n && before(&h->src[r], &h->src[best]))
			best = r;
		if (best == i)
			return;
		tmp = h->src[i];
		h->src[i] = h->src[best];
		h->src[best] = tmp;
		i = best;
	}
}

void merge_heap_build(struct merge_heap *h)
{
	for (size_t i = h->n / 2; i-- > 0;)
		sift_down(h, i);
}

struct merge_src *merge_heap_top(struct merge_heap *h)
{
	return h->n ? &h->src[0] : NULL;
}

void merge_heap_pop(struct merge_heap *h)
{
	if (!h->n)
		return;
	if (!h->advance(h->src[0].arg, &h->src[0].ts))
		h->src[0] = h->src[--h->n];
	if (h->n)
		sift_down(h, 0);
}

static bool cursor_advance(void *arg, uint64_t *ts)
{
	struct cpu_cursor *c = arg;

	if (!cpu_cursor_next(c))
		return false;
	*ts = c->ev.ts;
	return true;
}

struct pmt_err *merge_init(struct merge *m, struct pmt_trace *tr, struct trace_buf *b,
			   const struct pmt_filter *filter)
{
	size_t n = b->nr_cpus > 0 ? (size_t)b->nr_cpus : 1;
	uint64_t newest = 0, min_ts = 0;
	struct pmt_err *err;

	m->started = false;
	m->ncursors = 0;
	m->heap.n = 0;
	m->heap.advance = cursor_advance;
	m->cursors = calloc(n, sizeof(*m->cursors));
	m->heap.src = calloc(n, sizeof(*m->heap.src));
	if (!m->cursors || !m->heap.src) {
		merge_free(m);
		return &pmt_err_nomem;
	}
	/* --last: relative to the newest event of the buffer across the selected CPUs */
	if (filter && filter->have_last) {
		uint64_t ts;

		for (int c = 0; c < b->nr_cpus; c++)
			if (b->cpus[c].present && filter_has_cpu(filter, c) &&
			    stream_newest_ts(tr, b, &b->cpus[c], &ts) && ts > newest)
				newest = ts;
		min_ts = newest > filter->last_ns ? newest - filter->last_ns : 0;
	}
	for (int c = 0; c < b->nr_cpus; c++) {
		struct cpu_cursor *cur = &m->cursors[m->ncursors];
		struct cpu_stream *cs = &b->cpus[c];
		size_t first = 0, at;
		uint64_t skip = 0;

		if (!cs->present || !cs->npages || !filter_has_cpu(filter, c))
			continue;
		if (filter && filter->tail)
			first = stream_tail_start(tr, b, cs, filter->tail, &skip);
		if (min_ts) {
			at = stream_page_at(tr, b, cs, min_ts);
			if (at > first) { /* the window starts later than the tail */
				first = at;
				skip = 0;
			}
		}
		err = cpu_cursor_init(cur, tr, b, cs, first);
		if (err) {
			merge_free(m);
			return err;
		}
		cur->skip = skip;
		cur->min_ts = min_ts;
		m->ncursors++;
		if (cpu_cursor_next(cur))
			m->heap.src[m->heap.n++] =
				(struct merge_src){ .ts = cur->ev.ts, .cpu = c, .arg = cur };
	}
	merge_heap_build(&m->heap);
	return NULL;
}

bool merge_next(struct merge *m, struct cpu_stream **cs, const struct cpu_event **ev)
{
	struct merge_src *top;

	/* the previous event's cursor moves on only now: its payload was
	 * valid until this call */
	if (m->started)
		merge_heap_pop(&m->heap);
	m->started = true;
	top = merge_heap_top(&m->heap);
	if (!top)
		return false;
	*cs = ((struct cpu_cursor *)top->arg)->cs;
	*ev = &((struct cpu_cursor *)top->arg)->ev;
	return true;
}

void merge_free(struct merge *m)
{
	for (size_t i = 0; m->cursors && i < m->ncursors; i++)
		cpu_cursor_free(&m->cursors[i]);
	free(m->cursors);
	free(m->heap.src);
	m->cursors = NULL;
	m->heap.src = NULL;
	m->heap.n = m->ncursors = 0;
}

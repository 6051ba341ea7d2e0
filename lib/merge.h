/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * k-way merge of per-CPU event streams by time stamp, in the order the
 * kernel's `trace` file uses (__find_next_entry()): the smallest time stamp
 * first, and on equal time stamps the lowest CPU first. A binary heap over
 * the selected CPUs; each stream is already in time order.
 */
#ifndef PMTRACE_MERGE_H
#define PMTRACE_MERGE_H

#include <stdbool.h>
#include <stddef.h>

#include "trace_internal.h"

struct merge_item {
	const struct cpu_stream *cs;
	size_t pos;
};

struct merge {
	struct merge_item *heap;
	size_t n;
};

/* Streams of `b` whose CPU is selected by `filter` (NULL = all). */
struct pmt_err *merge_init(struct merge *m, const struct trace_buf *b,
			   const struct pmt_filter *filter);
/* Next event, or false at the end. */
bool merge_next(struct merge *m, const struct cpu_stream **cs, const struct cpu_event **ev);
void merge_free(struct merge *m);

bool filter_has_cpu(const struct pmt_filter *filter, int cpu);

#endif

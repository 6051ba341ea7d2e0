/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * k-way merge of per-CPU event streams by time stamp, in the order the
 * kernel's `trace` file uses (__find_next_entry()): the smallest time stamp
 * first, and on equal time stamps the lowest CPU first. A binary heap over
 * one cursor per selected CPU (stream.h): memory is one page per CPU.
 */
#ifndef PMTRACE_MERGE_H
#define PMTRACE_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stream.h"
#include "trace_internal.h"

/* A heap over anything that yields (time stamp, cpu) in order. */
struct merge_src {
	uint64_t ts; /* of the source's current item */
	int cpu;
	void *arg;
};

struct merge_heap {
	struct merge_src *src;
	size_t n;
	/* advance source `arg`: false when it has no more items, else sets *ts */
	bool (*advance)(void *arg, uint64_t *ts);
};

/* Build the heap from sources whose current item is already set. */
void merge_heap_build(struct merge_heap *h);
/* The source with the next item (NULL when empty); call merge_heap_pop()
 * after using its item to move on. */
struct merge_src *merge_heap_top(struct merge_heap *h);
void merge_heap_pop(struct merge_heap *h);
/* Restore the heap after the top source's item changed in place. */
void merge_heap_sift_top(struct merge_heap *h);

/* The merge of one buffer's selected CPUs. */
struct merge {
	struct merge_heap heap;
	struct cpu_cursor *cursors;
	size_t ncursors;
	bool started;
	/* merge_lookahead() moved the current event's cursor on (1), and
	 * merge_consume_lookahead() took that event too (2) */
	int lookahead;
	bool lookahead_end; /* the cursor had nothing after the current event */
};

/* Streams of `b` whose CPU is selected by `filter` (NULL = all). */
struct pmt_err *merge_init(struct merge *m, struct pmt_trace *tr, struct trace_buf *b,
			   const struct pmt_filter *filter);
/* Next event, or false at the end; the event stays valid until the next call. */
bool merge_next(struct merge *m, struct cpu_stream **cs, const struct cpu_event **ev);
void merge_free(struct merge *m);

/*
 * Look ahead on the current event's CPU, as the kernel's printers peek at a
 * CPU's next entry (function_graph pairs a call with its return). The
 * current event's payload becomes invalid: copy it first. Returns the next
 * event of that CPU, NULL at its end; merge_next() then goes on from it
 * (unless merge_consume_lookahead() took it).
 */
const struct cpu_event *merge_lookahead(struct merge *m);
void merge_consume_lookahead(struct merge *m);
/* The time stamp of the event merge_next() would return next (any CPU), as
 * trace_find_next_entry() sees it; false at the end. Looks ahead itself. */
bool merge_next_ts(struct merge *m, uint64_t *ts);

bool filter_has_cpu(const struct pmt_filter *filter, int cpu);

#endif

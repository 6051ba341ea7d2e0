/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a CPU's unread data one page at a time.
 *
 * A loaded trace knows, per CPU, only where its unread data pages are
 * (struct page_ref, in reading order: the reader page first, then the ring
 * from the head page to the commit page). Everything that needs events or
 * page bytes goes through here:
 *
 *	stream_read_page()  one page copied out of the target, header parsed
 *	stream_raw_page()   one page as trace_pipe_raw would hand it out
 *	cpu_cursor_*()      the events of one CPU in order, one page in memory
 *
 * so the memory a writer needs is one sub-buffer per CPU it merges, whatever
 * the size of the buffers.
 *
 * A page that cannot be read, or whose events stop making sense, is
 * diagnosed the first time it is decoded (page_ref.state remembers it), with
 * the buffer, CPU and address; everything before the problem is kept. A
 * second pass over the same page (the tree writer prints each CPU's text and
 * the merged text) reports nothing new.
 */
#ifndef PMTRACE_LIB_STREAM_H
#define PMTRACE_LIB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "page_decode.h"
#include "trace_internal.h"

/* Append a page reference to a CPU stream (false: out of memory). */
bool stream_add_page(struct cpu_stream *cs, uint64_t addr, uint64_t bpage, uint32_t start);

/* A page as read from the target. */
struct stream_page {
	uint8_t *buf; /* subbuf_size bytes, owned by the caller */
	struct pmt_page_header hdr;
	uint32_t start; /* first unread data offset (clamped to the commit) */
};

/*
 * Read page `i` of `cs` into p->buf and parse its header. False when the page
 * could not be read or holds nothing usable (diagnosed once, state LOST); a
 * damaged header is diagnosed and the page is still returned with its commit
 * clamped to the data area.
 */
bool stream_read_page(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs, size_t i,
		      struct stream_page *p);

enum raw_page_result {
	RAW_PAGE_DATA,	/* `out` holds the page */
	RAW_PAGE_EMPTY, /* nothing unread on it */
	RAW_PAGE_LOST,	/* could not be read (diagnosed); leave it out and count it */
};

/*
 * Page `i` as ring_buffer_read_page() would hand it to trace_pipe_raw: the
 * unread events moved to the front, the page time stamp set to the reader's
 * time stamp at that point and commit reduced to match; a page damaged in the
 * middle ends after its last good event. `out` needs subbuf_size bytes.
 */
enum raw_page_result stream_raw_page(struct pmt_trace *tr, struct trace_buf *b,
				     struct cpu_stream *cs, size_t i, uint8_t *out);

/* The events of one CPU, in order; one page in memory at a time. */
struct cpu_cursor {
	struct pmt_trace *tr;
	struct trace_buf *b;
	struct cpu_stream *cs;
	struct stream_page page;
	struct pmt_page_cursor pc;
	size_t first;	  /* the page it started at */
	size_t next_page; /* index of the page to read after this one */
	bool in_page;
	uint64_t skip;	       /* data events to pass over first (--tail) */
	uint64_t min_ts;       /* then events before this time stamp (--last) */
	uint64_t nevents;      /* data events delivered so far */
	uint64_t missed_pages; /* pages read so far that carry MISSED_EVENTS */
	struct cpu_event ev;   /* the current event, after cpu_cursor_next() */
};

/* Start at page `first` (0 = the oldest unread page). */
struct pmt_err *cpu_cursor_init(struct cpu_cursor *c, struct pmt_trace *tr, struct trace_buf *b,
				struct cpu_stream *cs, size_t first);
/* Advance to the next event (c->ev); false at the end of the stream. */
bool cpu_cursor_next(struct cpu_cursor *c);
/* Free the cursor; one that went through a whole stream leaves its counts
 * (nevents, missed_pages, lost_pages) in the cpu_stream. */
void cpu_cursor_free(struct cpu_cursor *c);

/*
 * Tail-first starts, reading pages backwards from the newest (the cost
 * follows what is printed, not the buffer):
 *	stream_tail_start()  the page and the number of events to skip there
 *	                     so that exactly the last `n` events follow
 *	stream_newest_ts()   the time stamp of the CPU's newest readable event
 *	stream_page_at()     the first page that may hold events at >= ts
 * Damaged pages on the way are diagnosed and passed over.
 */
size_t stream_tail_start(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			 uint64_t n, uint64_t *skip);
bool stream_newest_ts(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
		      uint64_t *ts);
size_t stream_page_at(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
		      uint64_t ts);

/* Decode the whole stream once: fills cs->nevents, missed_pages, lost_pages
 * and diagnoses every damaged page. */
void stream_scan(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal state of a loaded trace (struct pmt_trace), shared by the walker,
 * the event database and the output writers. Not a public header.
 *
 * Ownership: a pmt_trace owns every buffer below it. No data page is kept:
 * a CPU stream is a list of page references, decoded on demand (stream.h).
 */
#ifndef PMTRACE_TRACE_INTERNAL_H
#define PMTRACE_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftrace_layout.h"
#include "modules.h"
#include "page_decode.h"
#include "pmtrace/trace.h"

struct event_db;
struct kallsyms;
struct cmdlines;
struct region_buf;
struct header_page_facts;

/*
 * Where one data page of a CPU's unread data is. Loading a trace records
 * only these; the pages themselves are read when output needs them
 * (stream.h), so memory does not grow with the size of the buffer.
 */
enum page_state {
	PAGE_UNSEEN = 0, /* not decoded yet */
	PAGE_GOOD,	 /* decoded without problems */
	PAGE_DAMAGED,	 /* decoded up to a problem, which was diagnosed */
	PAGE_LOST,	 /* could not be read at all; diagnosed */
};

struct page_ref {
	uint64_t addr;	/* the data page (struct buffer_data_page) */
	uint64_t bpage; /* the struct buffer_page pointing at it, 0 if none */
	uint32_t start; /* data offset where unread data begins (reader page), else 0 */
	uint8_t state;	/* enum page_state */
};

/* One event of a CPU stream: the payload is valid until the cursor that
 * produced it moves to another page. */
struct cpu_event {
	uint64_t ts;
	const uint8_t *data; /* payload */
	uint32_t len;	     /* payload length (multiple of 4) */
	size_t page;	     /* index into cpu_stream.pages */
};

struct cpu_stream {
	int cpu;
	bool present;  /* the kernel had a per-CPU buffer here */
	uint64_t addr; /* struct ring_buffer_per_cpu */
	/* counters as the kernel kept them */
	uint64_t entries, overrun, read, commit_overrun, dropped_events, lost_events;
	uint64_t nr_pages;
	/* the unread pages in reading order: reader page first */
	struct page_ref *pages;
	size_t npages, pages_cap;
	/* filled by a full decoding pass (pmt_trace_scan()) */
	bool scanned;
	uint64_t nevents;      /* data events decoded */
	uint64_t missed_pages; /* pages flagged MISSED_EVENTS */
	uint64_t lost_pages;   /* pages that could not be read */
	bool damaged;	       /* something on this CPU could not be read */
};

struct persist_info;
struct persist_state;

struct trace_buf {
	char *name;	  /* NULL for the global buffer, else the instance name */
	char *tracer;	  /* current_tracer name */
	uint64_t addr;	  /* struct trace_array */
	uint64_t rb_addr; /* the ring buffer (struct trace_buffer / ring_buffer) */
	uint64_t trace_flags;
	char *clock;	  /* trace_clock name, NULL if unknown */
	bool clock_in_ns; /* time stamps print as seconds.micros, else raw */
	uint32_t subbuf_size;
	struct pmt_page_format fmt;
	int nr_cpus;
	struct cpu_stream *cpus;
	/*
	 * Whose data: true when the buffer holds a previous boot's events (a
	 * boot-mapped ftrace instance not yet cleared, a raw image of one, ...):
	 * `--boot previous` selects these. `persist` is set for boot-mapped
	 * buffers (lib/persistent.h: the range, the previous boot's KASLR offset,
	 * clock and modules; persist_last_boot_info() gives the text of tracefs
	 * last_boot_info, for trace.dat's LAST_BOOT_INFO), NULL otherwise.
	 */
	bool previous_boot;
	/* a raw image of a range: there is no trace_array (addr 0), so no
	 * options were read: they print as the kernel's defaults */
	bool no_trace_array;
	struct persist_info *persist;
	/* where the page addresses are read, when not tr->t (a range found in
	 * physical memory: persistent.c); not owned */
	struct pmt_target *t;
};

struct pmt_trace {
	struct pmt_target *t;
	struct ftrace_layout L;
	struct trace_buf *bufs;
	size_t nbufs;
	struct event_db *events;
	struct kallsyms *ksyms;
	struct cmdlines *cmds;
	struct kmodules modules; /* the loaded modules */
	struct persist_state *persist; /* persistent ring buffer layouts (persistent.c) */
	struct region_buf *regions; /* pmtrace's own buffers found (region_trace.h) */
	size_t nregions;
	bool no_ftrace; /* no kernel types: only regions (found by scan or given as files) */
	struct pmt_target *own_target; /* pmt_trace_load_files()'s empty target */
	int nr_online; /* #P in the header */
	struct pmt_diag *diags;
	size_t ndiags, diags_cap;
	bool partial;
	bool failed;
	/* header_page facts (header_page.h), found on first use */
	struct header_page_facts *hp_facts;
	/* a copy: diagnostics may be reported long after pmt_trace_load() */
	struct pmt_load_opts opts;
};

/* The label of a buffer in messages and JSON: "global" or the instance name. */
static inline const char *buf_label(const struct trace_buf *b)
{
	return b->name ? b->name : "global";
}

struct pmt_err *ftrace_walk_buffers(struct pmt_trace *tr);
/* The name of trace_clocks[clock_id] and whether it counts nanoseconds. */
struct pmt_err *ftrace_clock_name(struct pmt_trace *tr, uint64_t clock_id, char **name,
				  bool *in_ns);

#endif

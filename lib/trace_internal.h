/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal state of a loaded trace (struct pmt_trace), shared by the walker,
 * the event database and the output writers. Not a public header.
 *
 * Ownership: a pmt_trace owns every buffer below it. Event records do not
 * copy payloads; they point into the per-CPU page copies (`pages`), which
 * live as long as the trace.
 */
#ifndef PMTRACE_TRACE_INTERNAL_H
#define PMTRACE_TRACE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ftrace_layout.h"
#include "page_decode.h"
#include "pmtrace/trace.h"

struct event_db;
struct kallsyms;
struct cmdlines;

/* One event as found in a CPU's pages. */
struct cpu_event {
	uint64_t ts;
	uint32_t page;	/* index into cpu_stream.page_addrs / pages */
	uint32_t off;	/* payload offset from the start of that page copy */
	uint32_t len;	/* payload length (multiple of 4) */
};

struct cpu_stream {
	int cpu;
	bool present;	/* the kernel had a per-CPU buffer here */
	uint64_t addr;	/* struct ring_buffer_per_cpu */
	/* counters as the kernel kept them */
	uint64_t entries, overrun, read, commit_overrun, dropped_events, lost_events;
	uint64_t nr_pages;
	/* pages copied out, in reading order: reader page first */
	size_t npages;
	uint8_t *pages;		/* npages * subbuf_size bytes */
	uint64_t *page_addrs;	/* kernel address of each buffer_data_page */
	uint32_t *page_start;	/* data offset where unread data begins (reader page) */
	uint64_t *page_start_ts; /* running time stamp at page_start */
	size_t nevents;
	struct cpu_event *events;
	uint64_t missed_pages;	/* pages flagged MISSED_EVENTS */
	bool damaged;		/* something on this CPU could not be read */
};

struct trace_buf {
	char *name;	/* NULL for the global buffer, else the instance name */
	char *tracer;	/* current_tracer name */
	uint64_t addr;	/* struct trace_array */
	uint64_t rb_addr; /* the ring buffer (struct trace_buffer / ring_buffer) */
	uint64_t trace_flags;
	char *clock;	    /* trace_clock name, NULL if unknown */
	bool clock_in_ns;   /* time stamps print as seconds.micros, else raw */
	uint32_t subbuf_size;
	struct pmt_page_format fmt;
	int nr_cpus;
	struct cpu_stream *cpus;
};

struct pmt_trace {
	struct pmt_target *t;
	struct ftrace_layout L;
	struct trace_buf *bufs;
	size_t nbufs;
	struct event_db *events;
	struct kallsyms *ksyms;
	struct cmdlines *cmds;
	int nr_online; /* #P in the header */
	char **diags;
	size_t ndiags, diags_cap;
	bool partial;
	bool failed;
	const struct pmt_load_opts *opts;
};

/* Record a diagnostic; marks the trace partial. */
void trace_diag(struct pmt_trace *tr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record an error as a diagnostic (consumes err) with a context prefix. */
void trace_diag_err(struct pmt_trace *tr, struct pmt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

struct pmt_err *ftrace_walk_buffers(struct pmt_trace *tr);

#endif

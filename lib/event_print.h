/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One event as tracefs prints it: the context columns (comm-pid, CPU, the
 * latency flags, the time stamp) and the body. Ordinary events are printed
 * by libtraceevent from their print_fmt; the events the kernel prints with
 * its own C code (trace_output.c, trace_syscalls.c) are printed here the same
 * way the kernel does.
 */
#ifndef PMTRACE_EVENT_PRINT_H
#define PMTRACE_EVENT_PRINT_H

#include <stdint.h>

#include <traceevent/trace-seq.h>

#include "event_db.h"
#include "trace_internal.h"

struct print_opts;

struct event_view {
	const struct trace_buf *buf;
	const struct event_fmt *fmt;   /* NULL for an unknown type */
	const struct print_opts *opts; /* the buffer's trace options */
	int type;
	int pid;
	unsigned int flags, preempt_count;
	const uint8_t *data;
	uint32_t len;
	uint64_t ts;
	int cpu;
	/* for latency-format: the next event's time stamp (as
	 * trace_find_next_entry() gives it) and the event's index */
	bool have_next;
	uint64_t next_ts, idx;
	uint64_t time_start; /* the buffer's array_buffer.time_start */
};

void event_view_init(const struct pmt_trace *tr, const struct trace_buf *b,
		     const struct cpu_stream *cs, const struct cpu_event *ev, struct event_view *v);
/* The latency flags column ("d..2."), NUL-terminated; out needs 8 bytes. */
void event_lat_flags(const struct pmt_trace *tr, const struct event_view *v, char *out);
/* Time stamp as printed: "%5lu.%06lu" (rounded to the microsecond) for
 * clocks in nanoseconds, else "%12llu" raw. out needs 32 bytes. */
void event_format_ts(const struct event_view *v, char *out, size_t size);
/* "comm-pid [cpu] flags ts: " */
void event_print_context(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s);
/* trace_print_lat_context(): the latency-format context columns. */
void event_print_lat_context(const struct pmt_trace *tr, const struct event_view *v,
			     struct trace_seq *s);
/* The body, ending with the kernel's newline: what follows the context in
 * print_trace_fmt() (the event's own printer, or the fields option). */
void event_print_body(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
/* One whole line as print_trace_line() writes it, for the buffer's options
 * (raw, hex, bin, printk-msg-only, context-info, latency-format...), the
 * function_graph tracer's layout excepted (print_graph.c). */
void event_print_line(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
/* The comm for a pid (never NULL). */
const char *event_comm(const struct pmt_trace *tr, int pid);
/* The same for an event of buffer b: a previous boot's buffer names its
 * tasks from its own events (persist_comm()), others use the saved cmdlines. */
const char *event_buf_comm(const struct pmt_trace *tr, const struct trace_buf *b, int pid);
/* Whether the kernel's trace output has the migrate-disable column: derived
 * from the dump (see ftrace_layout.has_trace_osnoise), not from a release. */
bool trace_has_migrate_column(const struct pmt_trace *tr);

#endif

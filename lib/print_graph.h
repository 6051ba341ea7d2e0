/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The function_graph tracer's text layout (print_graph.c): one graph_state
 * per pass over a buffer, fed every event in the order of the output.
 */
#ifndef PMTRACE_PRINT_GRAPH_H
#define PMTRACE_PRINT_GRAPH_H

#include <stdbool.h>
#include <stdio.h>

#include <traceevent/trace-seq.h>

#include "event_print.h"

struct graph_state;
struct merge;
struct print_opts;

struct graph_state *graph_state_new(const struct pmt_trace *tr, const struct trace_buf *b);
void graph_state_free(struct graph_state *g);
/*
 * print_graph_function_flags(): the line(s) for v, looking ahead on v's CPU
 * through m (a call followed by its return prints as one line and the
 * return is consumed). False for the entries the kernel leaves to the normal
 * layout (function, kernel stack): the caller prints those.
 */
bool print_graph_line(struct graph_state *g, const struct event_view *v, struct merge *m,
		      struct trace_seq *s);
/* The column header of the function_graph tracer. */
void print_graph_header(const struct print_opts *o, FILE *out);
/* A graph entry in a buffer whose tracer is not function_graph. */
void print_graph_event(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Helpers shared by the output writers (text, JSON, info, tree). */
#ifndef PMTRACE_OUTPUT_H
#define PMTRACE_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "event_print.h"
#include "trace_internal.h"

void output_text_header(const struct pmt_trace *tr, const struct trace_buf *b,
			const struct pmt_filter *filter, FILE *out);
bool output_event_selected(const struct pmt_filter *filter, const struct event_view *v);
bool output_buffer_selected(const struct pmt_filter *filter, const struct trace_buf *b);
struct pmt_err *output_check_instance(struct pmt_trace *tr, const struct pmt_filter *filter);
/* Write s as a JSON string literal (with quotes). */
void output_json_string(FILE *out, const char *s, size_t len);


#endif

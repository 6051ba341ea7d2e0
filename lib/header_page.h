/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The ring buffer's self-description, as tracefs prints it in
 * events/header_page (ring_buffer_print_page_header()) and
 * events/header_event (ring_buffer_print_entry_header()), rebuilt from the
 * dump. Shared by the tree writer (output_tree.c) and the trace.dat writer
 * (output_tracedat.c): readers such as libtraceevent take the commit word's
 * size and the sub-buffer's data size from this text, so it must describe
 * the dumped kernel, not a guess from its release number.
 *
 * Two lines of header_page differ between kernels in ways no layout member
 * shows, so they are found in the dump itself:
 *
 *   signed:N of "char data" (and of "char overwrite"): is_signed_type(char)
 *       of the kernel's build (-funsigned-char since 6.2 on x86). The target
 *       interface carries no signedness, but the kernel answered the same
 *       question for its own event fields: every ftrace_event_field of type
 *       `char` (sched_switch.prev_comm, ftrace:print.buf, ...) has is_signed
 *       = is_signed_type(char), compiled by the same build. The first such
 *       field of the loaded event formats gives it.
 *
 *   "int overwrite; signed:1" or "char overwrite; signed:<char>": the
 *       kernel prints one or the other from a string literal of
 *       ring_buffer.c, which lives in the kernel image's .rodata, in the
 *       dump. [__start_rodata, __end_rodata) (kallsyms of the dump, else the
 *       target's symbols) is searched for the two literals.
 *
 * When either cannot be found (no event formats, .rodata not in the dump),
 * the classic form is written (signed char, "int overwrite") and a degraded
 * diagnostic says so. The answers are found once per loaded trace.
 */
#ifndef PMTRACE_LIB_HEADER_PAGE_H
#define PMTRACE_LIB_HEADER_PAGE_H

#include <stdbool.h>
#include <stdio.h>

#include "trace_internal.h"

struct header_page_facts {
	int char_signed;     /* is_signed_type(char) of the dumped kernel */
	bool overwrite_char; /* "char overwrite" rather than "int overwrite" */
};

/* The facts of tr's kernel, found on first use and kept in tr. */
const struct header_page_facts *header_page_facts(struct pmt_trace *tr);

/* events/header_page of buffer `b` (its own sub-buffer size). */
void header_page_write(struct pmt_trace *tr, const struct trace_buf *b, FILE *out);

/* events/header_event (the same text on every kernel pmtrace reads). */
void header_event_write(FILE *out);

#endif

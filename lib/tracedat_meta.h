/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The text files trace.dat carries besides the pages, rebuilt from the dump
 * the way tracefs prints them (output_tracedat.c puts them in the file):
 *
 *	printk_formats   trace_printk() formats: "0x<addr> : \"<fmt>\"" per
 *	                 line, from __start/__stop___trace_bprintk_fmt,
 *	                 __start/__stop___tracepoint_str and the modules'
 *	                 trace_bprintk_fmt_list, in that order (find_next() in
 *	                 trace_printk.c), escaped as t_show() does
 *	trace_clock      "local [global] counter ...": trace_clocks[] with the
 *	                 buffer's clock in brackets
 *	uname            "sysname nodename release machine" of init_uts_ns
 *	kallsyms         /proc/kallsyms: the kernel image's symbols, then each
 *	                 loaded module's ("addr type name\t[module]"), from the
 *	                 module's own symbol table (mod->kallsyms) with the types
 *	                 the kernel computed (typetab)
 *
 * Problems are diagnosed (degraded: the events are all there, some print
 * less well) and whatever could be read is still written.
 */
#ifndef PMTRACE_LIB_TRACEDAT_META_H
#define PMTRACE_LIB_TRACEDAT_META_H

#include <stdio.h>

#include "trace_internal.h"

void tracedat_printk_formats(struct pmt_trace *tr, FILE *out);
void tracedat_trace_clock(struct pmt_trace *tr, const struct trace_buf *b, FILE *out);
void tracedat_uname(struct pmt_trace *tr, FILE *out);
void tracedat_kallsyms(struct pmt_trace *tr, FILE *out);

#endif

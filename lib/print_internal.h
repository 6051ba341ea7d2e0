/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the printers of the kernel's own entries share (not a public header):
 * the options of the buffer being printed, field access by name, and symbol
 * printing the way seq_print_ip_sym() does it.
 *
 * The kernel prints every ftrace entry (kernel/trace/trace_entries.h) and
 * the syscall events with C code rather than from their print_fmt:
 *
 *	trace_output.c            function, context_switch, wakeup, stacks,
 *	                          print, bprint, bputs, raw_data, hwlat,
 *	                          osnoise, timerlat, func_repeats  (print_ftrace.c)
 *	trace_functions_graph.c   funcgraph_entry/exit             (print_graph.c)
 *	trace_syscalls.c          sys_enter_* / sys_exit_*         (print_syscall.c)
 *	trace_branch.c, trace_mmiotrace.c  branch, mmiotrace       (print_ftrace.c)
 *
 * and each of them honours the buffer's trace options (print_opts.c). The
 * printers here follow those functions statement by statement; where
 * kernels differ, the difference is chosen by what the dump's kernel has (an
 * event field, a member, an enumerator), never by its release string.
 */
#ifndef PMTRACE_PRINT_INTERNAL_H
#define PMTRACE_PRINT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <traceevent/trace-seq.h>

#include "event_db.h"
#include "event_print.h"
#include "ftrace_layout.h"
#include "trace_internal.h"

/* The function_graph tracer's options, as bits of print_opts.gflags. */
enum graph_opt {
	GO_OVERRUN = 1u << 0,
	GO_CPU = 1u << 1,
	GO_OVERHEAD = 1u << 2,
	GO_PROC = 1u << 3,
	GO_DURATION = 1u << 4,
	GO_ABS_TIME = 1u << 5,
	GO_IRQS = 1u << 6,
	GO_TAIL = 1u << 7,
	GO_RETVAL = 1u << 8,
	GO_RETVAL_HEX = 1u << 9,
	GO_RETADDR = 1u << 10,
	GO_ARGS = 1u << 11,
};

/* The options of one buffer, as its `trace` file applies them. */
struct print_opts {
	bool on[TI_COUNT]; /* trace_options, trace_iter_info[] order */
	/* the current tracer prints lines itself (print_line): */
	bool graph;	     /* function_graph */
	unsigned int gflags; /* enum graph_opt, from the tracer's options */
	uint64_t time_start; /* array_buffer.time_start (latency-format) */
	/* options the kernel has but we could not read: named once */
	bool warned;
};

/* The buffer of the event being printed (set by every entry point with
 * print_begin()): a previous boot's addresses and task names are its own. */
void print_begin(const struct pmt_trace *tr, const struct event_view *v);
const struct trace_buf *print_buf(const struct pmt_trace *tr);

/* sym_flags of seq_print_ip_sym() (TRACE_ITER_SYM_MASK) */
enum sym_flag {
	SYMF_PARENT = 1,
	SYMF_OFFSET = 2,
	SYMF_ADDR = 4,
};

/* The options of buffer b (computed once per buffer, then cached). */
const struct print_opts *print_opts_get(const struct pmt_trace *tr, const struct trace_buf *b);
void print_opts_free(struct event_db *db);
/* sym_flags for the buffer's options */
unsigned int print_symf(const struct print_opts *o);
/* trace_find_tgid(): 0 when not recorded */
int print_find_tgid(const struct pmt_trace *tr, int pid);

/* A field of the event by name, NULL if absent. */
const struct event_field *ev_field(const struct event_fmt *e, const char *name);
/* An unsigned field value; false if missing or outside the record. */
bool ev_u(const struct pmt_trace *tr, const struct event_view *v, const char *name, uint64_t *out);
/* The same, sign-extended from the field's size. */
bool ev_s(const struct pmt_trace *tr, const struct event_view *v, const char *name, int64_t *out);
/* A field value or 0. */
uint64_t ev_u0(const struct pmt_trace *tr, const struct event_view *v, const char *name);

/*
 * The symbol holding addr (module symbols included), with its offset and
 * size: kallsyms_lookup() + kallsyms_lookup_size_offset(); NULL if none.
 * All symbol printing goes through here.
 */
const char *print_sym_lookup(const struct pmt_trace *tr, uint64_t addr, uint64_t *off,
			     uint64_t *size, const char **mod);
/* The module symbol holding addr (print_modsyms.c). */
const char *modsym_lookup(const struct pmt_trace *tr, uint64_t addr, uint64_t *off,
			  uint64_t *size, const char **mod);
void modsym_free(struct event_db *db);
/* seq_print_ip_sym(): "0", the symbol ("name+0x1c/0x80" with sym-offset,
 * " <addr>" after it with sym-addr) or "0x%08lx". */
void print_ip_sym(const struct pmt_trace *tr, struct trace_seq *s, uint64_t ip, unsigned int symf);
/* %ps / %pS as vsprintf prints them ("name", "name+0x1c/0x80 [mod]"). */
void print_ps(const struct pmt_trace *tr, struct trace_seq *s, uint64_t addr, bool offset);

/* SEQ_PUT_HEX_FIELD(): "%0<2*size>x " */
void print_put_hex(struct trace_seq *s, uint64_t value, unsigned int size);
/* SEQ_PUT_FIELD(): the value's bytes in the target's byte order */
void print_put_bin(const struct pmt_trace *tr, struct trace_seq *s, uint64_t value,
		   unsigned int size);

/* The entries the kernel prints with its own code. */
void print_ftrace_entry(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s,
			unsigned int symf);
/* The same in the raw / hex / bin options (the event's raw/hex/binary funcs;
 * "type: N" where the kernel has none). */
void print_entry_raw(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
void print_entry_hex(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
void print_entry_bin(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
/* The message of print / bprint / bputs alone (printk-msg-only, comments in
 * the function graph). */
void print_msg_only(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
/* trace_seq_bprintf(): a trace_printk() format applied to its binary args. */
void print_bprintf(const struct pmt_trace *tr, struct trace_seq *s, const char *fmt,
		   const uint8_t *buf, size_t len);

void print_syscall_enter(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s);
void print_syscall_exit(const struct pmt_trace *tr, const struct event_view *v,
			struct trace_seq *s);

/* A graph entry outside the function_graph tracer (print_graph.c). */
void print_graph_event(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);
/* The mmiotrace tracer's lines (its print_line()). */
void print_mmiotrace_line(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s);

/* The fields option (print_event_fields()). */
void print_event_fields(const struct pmt_trace *tr, const struct event_view *v,
			struct trace_seq *s);

/* The time stamp as trace_print_time() prints it: " %5lu.%06lu" or " %12llu". */
void print_time(const struct event_view *v, uint64_t ts, struct trace_seq *s);
/* trace_print_lat_fmt(): "d..2." */
void print_lat_fmt(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s);

/* Once per trace and option/type: an event printed in a lesser form. */
void print_warn_once(const struct pmt_trace *tr, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's own entries (kernel/trace/trace_entries.h) as the trace
 * output functions of trace_output.c, trace_branch.c and trace_mmiotrace.c
 * print them, in the default, raw, hex and bin forms (struct
 * trace_event_functions .trace/.raw/.hex/.binary; where the kernel has no
 * function, register_trace_event() put trace_nop_print: "type: N").
 *
 * Fields are read by name from the entry's format in the dump (events/ftrace/
 * <name>/format), never at fixed offsets, and every read is bounded by the
 * record: a field beyond it reads as 0. An entry type this file does not
 * know prints its raw fields, with one warning naming it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "event_db.h"
#include "persistent.h"
#include "print_internal.h"

#define FTRACE_STACK_ENTRIES 8
/* FTRACE_TRAMPOLINE_MARKER: ((unsigned long) INT_MAX) */
#define TRAMPOLINE_MARKER 0x7fffffffULL

static uint64_t ulong_max(const struct pmt_trace *tr)
{
	return tr->t->word_size == 8 ? UINT64_MAX : UINT32_MAX;
}

/* The bytes of a field that runs to the end of the record (buf[]). */
static const uint8_t *tail(const struct event_view *v, const char *name, uint32_t *len)
{
	const struct event_field *f = ev_field(v->fmt, name);

	*len = 0;
	if (!f || f->offset > v->len)
		return NULL;
	*len = v->len - f->offset;
	return v->data + f->offset;
}

/* A NUL-terminated string in the record (char buf[]). */
static void put_tail_str(const struct event_view *v, const char *name, struct trace_seq *s)
{
	uint32_t len;
	const uint8_t *p = tail(v, name, &len);

	if (p)
		trace_seq_printf(s, "%.*s", (int)strnlen((const char *)p, len), (const char *)p);
}

/* A string the record points to (bputs' str, bprint's fmt): in the dump. */
static char *kernel_string(const struct pmt_trace *tr, uint64_t addr)
{
	char *text = NULL;
	/* a previous boot's string is where the reading view has it */
	struct pmt_err *err = pmt_read_string(tr->t, persist_addr(tr, print_buf(tr), addr), 4096, &text);

	if (err) {
		print_warn_once(tr, "kernel string",
				"a trace_printk()/bputs string at %#" PRIx64
				" is not in the dump (%s): printed as its address",
				addr, err->msg);
		pmt_err_free(err);
		return NULL;
	}
	return text;
}

static void print_fn(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s,
		     unsigned int symf, const char *ip_name, const char *parent_name)
{
	uint64_t ip = ev_u0(tr, v, ip_name), parent = ev_u0(tr, v, parent_name);

	print_ip_sym(tr, s, ip, symf);
	if ((symf & SYMF_PARENT) && parent) {
		trace_seq_puts(s, " <-");
		print_ip_sym(tr, s, parent, symf);
	}
}

/* task_index_to_char(): TASK_REPORT states */
static char state_char(uint64_t state)
{
	static const char chars[] = "RSDTtXZPI";

	return state < sizeof(chars) - 1 ? chars[state] : '?';
}

static void print_ctxwake(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s, const char *delim)
{
	int next_pid = (int)(int32_t)ev_u0(tr, v, "next_pid");

	trace_seq_printf(
		s, " %7d:%3d:%c %s [%03d] %7d:%3d:%c %s\n", (int)(int32_t)ev_u0(tr, v, "prev_pid"),
		(int)ev_u0(tr, v, "prev_prio"), state_char(ev_u0(tr, v, "prev_state")), delim,
		(int)(int32_t)ev_u0(tr, v, "next_cpu"), next_pid, (int)ev_u0(tr, v, "next_prio"),
		state_char(ev_u0(tr, v, "next_state")), event_buf_comm(tr, v->buf, next_pid));
}

/* The callers of a stack entry: the array up to the record's end. */
static void print_stack(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s,
			unsigned int symf)
{
	unsigned int ws = tr->t->word_size;
	uint32_t len;
	const uint8_t *p = tail(v, "caller", &len);

	trace_seq_puts(s, "<stack trace>\n");
	for (uint32_t i = 0; p && i + ws <= len; i += ws) {
		uint64_t ip = pmt_get_uint(tr->t, p + i, ws);

		if (ip == ulong_max(tr))
			break;
		trace_seq_puts(s, " => ");
		if (ip == TRAMPOLINE_MARKER) {
			trace_seq_puts(s, "[FTRACE TRAMPOLINE]\n");
			continue;
		}
		print_ip_sym(tr, s, ip, symf);
		trace_seq_putc(s, '\n');
	}
}

static void print_user_stack(const struct pmt_trace *tr, const struct event_view *v,
			     struct trace_seq *s, unsigned int symf)
{
	unsigned int ws = tr->t->word_size;
	uint32_t len;
	const uint8_t *p = tail(v, "caller", &len);

	(void)symf;
	if (v->opts && v->opts->on[TI_SYM_USEROBJ])
		print_warn_once(tr, "sym-userobj",
				"option sym-userobj is set: user stack entries print their "
				"addresses only (the tasks' mappings are not looked up)");
	trace_seq_puts(s, "<user stack trace>\n");
	for (uint32_t i = 0; p && i < FTRACE_STACK_ENTRIES && (i + 1) * ws <= len; i++) {
		uint64_t ip = pmt_get_uint(tr->t, p + i * ws, ws);

		if (!ip)
			break;
		/* seq_print_user_ip() without the task's mm: " <%016lx>" */
		trace_seq_printf(s, " =>  <%0*" PRIx64 ">\n", (int)ws * 2, ip);
	}
}

static void print_hwlat(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	uint64_t nmi_count = ev_u0(tr, v, "nmi_count");
	int64_t sec = 0, nsec = 0;

	ev_s(tr, v, "tv_sec", &sec);
	ev_s(tr, v, "tv_nsec", &nsec);
	trace_seq_printf(s,
			 "#%-5u inner/outer(us): %4" PRIu64 "/%-5" PRIu64 " ts:%" PRId64
			 ".%09" PRId64 " count:%d",
			 (unsigned int)ev_u0(tr, v, "seqnum"), ev_u0(tr, v, "duration"),
			 ev_u0(tr, v, "outer_duration"), sec, nsec,
			 (int)(int32_t)ev_u0(tr, v, "count"));
	if (nmi_count) {
		/* only without CONFIG_GENERIC_SCHED_CLOCK (which x86 lacks) */
		if (!tr->L.sym_sched_clock_register.ok)
			trace_seq_printf(s, " nmi-total:%" PRIu64, ev_u0(tr, v, "nmi_total_ts"));
		trace_seq_printf(s, " nmi-count:%u", (unsigned int)nmi_count);
	}
	trace_seq_putc(s, '\n');
}

static void print_osnoise(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s)
{
	uint64_t runtime = ev_u0(tr, v, "runtime"), noise = ev_u0(tr, v, "noise");
	uint64_t ratio = 0, ratio_dec;

	/* the available % of CPU time; do_div by 0 is the kernel's problem */
	if (runtime)
		ratio = (runtime - noise) * 10000000 / runtime;
	ratio_dec = ratio % 100000;
	ratio /= 100000;
	trace_seq_printf(s, "%" PRIu64 " %10" PRIu64 " %3" PRIu64 ".%05" PRIu64 " %7" PRIu64,
			 runtime, noise, ratio, ratio_dec, ev_u0(tr, v, "max_sample"));
	trace_seq_printf(s, " %6u", (unsigned int)ev_u0(tr, v, "hw_count"));
	trace_seq_printf(s, " %6u", (unsigned int)ev_u0(tr, v, "nmi_count"));
	trace_seq_printf(s, " %6u", (unsigned int)ev_u0(tr, v, "irq_count"));
	trace_seq_printf(s, " %6u", (unsigned int)ev_u0(tr, v, "softirq_count"));
	trace_seq_printf(s, " %6u", (unsigned int)ev_u0(tr, v, "thread_count"));
	trace_seq_putc(s, '\n');
}

static void print_timerlat(const struct pmt_trace *tr, const struct event_view *v,
			   struct trace_seq *s)
{
	int64_t context = 0;
	const char *name;

	ev_s(tr, v, "context", &context);
	/* timerlat_lat_context[] (6.3+) names three contexts; before, anything
	 * but 0 was "thread" */
	if (tr->L.sym_timerlat_lat_context.ok)
		name = context == 0 ? "irq" : context == 1 ? "thread" : "user-ret";
	else
		name = context ? "thread" : "irq";
	trace_seq_printf(s, "#%-5u context %6s timer_latency %9" PRIu64 " ns\n",
			 (unsigned int)ev_u0(tr, v, "seqnum"), name, ev_u0(tr, v, "timer_latency"));
}

static void print_func_repeats(const struct pmt_trace *tr, const struct event_view *v,
			       struct trace_seq *s, unsigned int symf)
{
	uint64_t delta = (ev_u0(tr, v, "top_delta_ts") << 32) | ev_u0(tr, v, "bottom_delta_ts");

	print_fn(tr, v, s, symf, "ip", "parent_ip");
	trace_seq_printf(s, " (repeats: %u, last_ts:", (unsigned int)ev_u0(tr, v, "count"));
	print_time(v, v->ts - delta, s);
	trace_seq_puts(s, ")\n");
}

static void print_raw_data(const struct pmt_trace *tr, const struct event_view *v,
			   struct trace_seq *s)
{
	uint32_t len;
	const uint8_t *p = tail(v, "buf", &len);

	trace_seq_printf(s, "# %x buf:", (unsigned int)ev_u0(tr, v, "id"));
	for (uint32_t i = 0; p && i < len; i++)
		trace_seq_printf(s, " %02x", p[i]);
	trace_seq_putc(s, '\n');
}

/* The message of bputs / bprint / print (trace_print_*_msg_only()). */
void print_msg_only(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	switch (v->fmt->kind) {
	case EV_BPUTS: {
		uint64_t str = ev_u0(tr, v, "str");
		char *text = kernel_string(tr, str);

		if (text)
			trace_seq_puts(s, text);
		else
			trace_seq_printf(s, "<%#" PRIx64 ">\n", str);
		free(text);
		return;
	}
	case EV_BPRINT: {
		uint64_t fmt = ev_u0(tr, v, "fmt");
		char *text = kernel_string(tr, fmt);
		uint32_t len;
		const uint8_t *buf = tail(v, "buf", &len);

		if (text && buf)
			print_bprintf(tr, s, text, buf, len);
		else
			trace_seq_printf(s, "<%#" PRIx64 ">\n", fmt);
		free(text);
		return;
	}
	case EV_PRINT:
		put_tail_str(v, "buf", s);
		return;
	default:
		return;
	}
}

/* enum mm_io_opcode, from the dump (ftrace_layout.mmio_op) */
static bool mmio_op(const struct pmt_trace *tr, uint64_t op, int which)
{
	return op == (uint64_t)tr->L.mmio_op[which];
}

/* mmio_print_rw() / mmio_print_map(): the mmiotrace tracer's lines */
static void print_mmio(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	uint64_t t = (v->ts + 500) / 1000, op = ev_u0(tr, v, "opcode");
	unsigned int secs = (unsigned int)(t / 1000000);
	unsigned long usec = (unsigned long)(t % 1000000);
	int map_id = (int)(int32_t)ev_u0(tr, v, "map_id");
	uint64_t phys = ev_u0(tr, v, "phys");

	if (v->fmt->kind == EV_MMIO_RW) {
		uint64_t value = ev_u0(tr, v, "value"), pc = ev_u0(tr, v, "pc");
		int width = (int)ev_u0(tr, v, "width");

		if (mmio_op(tr, op, 0) || mmio_op(tr, op, 1))
			trace_seq_printf(s,
					 "%c %d %u.%06lu %d 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
					 " %d\n",
					 mmio_op(tr, op, 0) ? 'R' : 'W', width, secs, usec, map_id,
					 phys, value, pc, 0);
		else if (mmio_op(tr, op, 4))
			trace_seq_printf(s,
					 "UNKNOWN %u.%06lu %d 0x%" PRIx64 " %02" PRIx64
					 ",%02" PRIx64 ",%02" PRIx64 " 0x%" PRIx64 " %d\n",
					 secs, usec, map_id, phys, (value >> 16) & 0xff,
					 (value >> 8) & 0xff, value & 0xff, pc, 0);
		else
			trace_seq_puts(s, "rw what?\n");
		return;
	}
	if (mmio_op(tr, op, 2))
		trace_seq_printf(
			s, "MAP %u.%06lu %d 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%lx %d\n",
			secs, usec, map_id, phys, ev_u0(tr, v, "virt"), ev_u0(tr, v, "len"), 0UL,
			0);
	else if (mmio_op(tr, op, 3))
		trace_seq_printf(s, "UNMAP %u.%06lu %d 0x%lx %d\n", secs, usec, map_id, 0UL, 0);
	else
		trace_seq_puts(s, "map what?\n");
}

/*
 * An entry we cannot print the kernel's way: its fields, as the kernel prints
 * an event whose format it does not know (the fields option's form).
 */
static void print_unknown_entry(const struct pmt_trace *tr, const struct event_view *v,
				struct trace_seq *s)
{
	print_warn_once(tr, v->fmt->name,
			"ftrace entry type %s (id %d) is not known to pmtrace: printed as its "
			"raw fields",
			v->fmt->name, v->type);
	print_event_fields(tr, v, s);
}

void print_ftrace_entry(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s,
			unsigned int symf)
{
	const struct event_fmt *e = v->fmt;

	switch (e->kind) {
	case EV_FUNCTION: {
		uint32_t len;

		print_fn(tr, v, s, symf, "ip", "parent_ip");
		/* func-args (7.x): the arguments follow, printed from BTF */
		if (tail(v, "args", &len) && len >= 6 * tr->t->word_size) {
			print_warn_once(tr, "func-args",
					"function entries carry arguments (func-args): their "
					"values are not printed");
		}
		trace_seq_putc(s, '\n');
		return;
	}
	case EV_FUNC_REPEATS:
		print_func_repeats(tr, v, s, symf);
		return;
	case EV_CONTEXT_SWITCH:
		print_ctxwake(tr, v, s, "==>");
		return;
	case EV_WAKEUP:
		print_ctxwake(tr, v, s, "  +");
		return;
	case EV_KERNEL_STACK:
		print_stack(tr, v, s, symf);
		return;
	case EV_USER_STACK:
		print_user_stack(tr, v, s, symf);
		return;
	case EV_PRINT:
		print_ip_sym(tr, s, ev_u0(tr, v, "ip"), symf);
		trace_seq_puts(s, ": ");
		put_tail_str(v, "buf", s);
		return;
	case EV_BPUTS:
	case EV_BPRINT:
		print_ip_sym(tr, s, ev_u0(tr, v, "ip"), symf);
		trace_seq_puts(s, ": ");
		print_msg_only(tr, v, s);
		return;
	case EV_RAW_DATA:
		print_raw_data(tr, v, s);
		return;
	case EV_HWLAT:
		print_hwlat(tr, v, s);
		return;
	case EV_OSNOISE:
		print_osnoise(tr, v, s);
		return;
	case EV_TIMERLAT:
		print_timerlat(tr, v, s);
		return;
	case EV_BRANCH: {
		const struct event_field *fn = ev_field(e, "func"), *file = ev_field(e, "file");

		trace_seq_printf(s, "[%s] %.*s:%.*s:%d\n",
				 ev_u0(tr, v, "correct") ? "  ok  " : " MISS ",
				 fn && fn->offset + fn->size <= v->len ? (int)fn->size : 0,
				 fn ? (const char *)v->data + fn->offset : "",
				 file && file->offset + file->size <= v->len ? (int)file->size : 0,
				 file ? (const char *)v->data + file->offset : "",
				 (int)ev_u0(tr, v, "line"));
		return;
	}
	case EV_MMIO_RW:
	case EV_MMIO_MAP:
		/* without the mmiotrace tracer the kernel registers no printer */
		trace_seq_printf(s, "Unknown type %d\n", v->type);
		return;
	case EV_FUNCGRAPH_ENTRY:
	case EV_FGRAPH_RETADDR:
	case EV_FUNCGRAPH_EXIT:
		print_graph_event(tr, v, s);
		return;
	default:
		print_unknown_entry(tr, v, s);
		return;
	}
}

/* mmiotrace's print_line(), used when it is the current tracer */
void print_mmiotrace_line(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s)
{
	uint64_t t = (v->ts + 500) / 1000;

	switch (v->fmt ? v->fmt->kind : EV_GENERIC) {
	case EV_MMIO_RW:
	case EV_MMIO_MAP:
		print_mmio(tr, v, s);
		return;
	case EV_PRINT:
		trace_seq_printf(s, "MARK %u.%06lu ", (unsigned int)(t / 1000000),
				 (unsigned long)(t % 1000000));
		put_tail_str(v, "buf", s);
		return;
	default:
		return; /* other entries print nothing */
	}
}

/* trace_nop_print() */
static void nop(const struct event_view *v, struct trace_seq *s)
{
	trace_seq_printf(s, "type: %d\n", v->type);
}

void print_entry_raw(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;

	switch (e->kind) {
	case EV_FUNCTION:
		trace_seq_printf(s, "%" PRIx64 " %" PRIx64 "\n", ev_u0(tr, v, "ip"),
				 ev_u0(tr, v, "parent_ip"));
		return;
	case EV_CONTEXT_SWITCH:
	case EV_WAKEUP:
		trace_seq_printf(
			s, "%d %d %c %d %d %d %c\n", (int)(int32_t)ev_u0(tr, v, "prev_pid"),
			(int)ev_u0(tr, v, "prev_prio"),
			e->kind == EV_WAKEUP ? '+' : state_char(ev_u0(tr, v, "prev_state")),
			(int)(int32_t)ev_u0(tr, v, "next_cpu"),
			(int)(int32_t)ev_u0(tr, v, "next_pid"), (int)ev_u0(tr, v, "next_prio"),
			state_char(ev_u0(tr, v, "next_state")));
		return;
	case EV_PRINT:
		trace_seq_printf(s, "# %" PRIx64 " ", ev_u0(tr, v, "ip"));
		put_tail_str(v, "buf", s);
		return;
	case EV_BPUTS:
	case EV_BPRINT:
		trace_seq_printf(s, ": %" PRIx64 " : ", ev_u0(tr, v, "ip"));
		print_msg_only(tr, v, s);
		return;
	case EV_RAW_DATA:
		print_raw_data(tr, v, s);
		return;
	case EV_HWLAT: {
		int64_t sec = 0, nsec = 0;

		ev_s(tr, v, "tv_sec", &sec);
		ev_s(tr, v, "tv_nsec", &nsec);
		trace_seq_printf(s, "%" PRIu64 " %" PRId64 " %" PRId64 " %09" PRId64 " %u\n",
				 ev_u0(tr, v, "duration"), (int64_t)ev_u0(tr, v, "outer_duration"),
				 sec, nsec, (unsigned int)ev_u0(tr, v, "seqnum"));
		return;
	}
	case EV_OSNOISE:
		trace_seq_printf(s, "%" PRId64 " %" PRIu64 " %" PRIu64 " %u %u %u %u %u\n",
				 (int64_t)ev_u0(tr, v, "runtime"), ev_u0(tr, v, "noise"),
				 ev_u0(tr, v, "max_sample"), (unsigned int)ev_u0(tr, v, "hw_count"),
				 (unsigned int)ev_u0(tr, v, "nmi_count"),
				 (unsigned int)ev_u0(tr, v, "irq_count"),
				 (unsigned int)ev_u0(tr, v, "softirq_count"),
				 (unsigned int)ev_u0(tr, v, "thread_count"));
		return;
	case EV_TIMERLAT: {
		int64_t context = 0;

		ev_s(tr, v, "context", &context);
		trace_seq_printf(s, "%u %d %" PRIu64 "\n", (unsigned int)ev_u0(tr, v, "seqnum"),
				 (int)context, ev_u0(tr, v, "timer_latency"));
		return;
	}
	case EV_FUNC_REPEATS:
		trace_seq_printf(s, "%" PRIu64 " %" PRIu64 " %u %" PRIu64 "\n", ev_u0(tr, v, "ip"),
				 ev_u0(tr, v, "parent_ip"), (unsigned int)ev_u0(tr, v, "count"),
				 (ev_u0(tr, v, "top_delta_ts") << 32) |
					 ev_u0(tr, v, "bottom_delta_ts"));
		return;
	case EV_MMIO_RW:
	case EV_MMIO_MAP:
		trace_seq_printf(s, "%d ?\n", v->type);
		return;
	case EV_FTRACE_UNKNOWN:
		print_unknown_entry(tr, v, s);
		return;
	default:
		nop(v, s);
		return;
	}
}

void print_entry_hex(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	unsigned int ws = tr->t->word_size;

	switch (e->kind) {
	case EV_FUNCTION:
		print_put_hex(s, ev_u0(tr, v, "ip"), ws);
		print_put_hex(s, ev_u0(tr, v, "parent_ip"), ws);
		return;
	case EV_CONTEXT_SWITCH:
	case EV_WAKEUP:
		/* trace_ctxwake_hex(): the fields as declared, S and T as int */
		print_put_hex(s, ev_u0(tr, v, "prev_pid"), 4);
		print_put_hex(s, ev_u0(tr, v, "prev_prio"), 1);
		print_put_hex(s,
			      (uint32_t)(e->kind == EV_WAKEUP
						 ? '+'
						 : state_char(ev_u0(tr, v, "prev_state"))),
			      4);
		print_put_hex(s, ev_u0(tr, v, "next_cpu"), 4);
		print_put_hex(s, ev_u0(tr, v, "next_pid"), 4);
		print_put_hex(s, ev_u0(tr, v, "next_prio"), 1);
		print_put_hex(s, (uint32_t)state_char(ev_u0(tr, v, "next_state")), 4);
		return;
	case EV_FTRACE_UNKNOWN:
		print_unknown_entry(tr, v, s);
		return;
	default:
		nop(v, s);
		return;
	}
}

void print_entry_bin(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	unsigned int ws = tr->t->word_size;

	switch (e->kind) {
	case EV_FUNCTION:
		print_put_bin(tr, s, ev_u0(tr, v, "ip"), ws);
		print_put_bin(tr, s, ev_u0(tr, v, "parent_ip"), ws);
		return;
	case EV_CONTEXT_SWITCH:
	case EV_WAKEUP:
		print_put_bin(tr, s, ev_u0(tr, v, "prev_pid"), 4);
		print_put_bin(tr, s, ev_u0(tr, v, "prev_prio"), 1);
		print_put_bin(tr, s, ev_u0(tr, v, "prev_state"), 1);
		print_put_bin(tr, s, ev_u0(tr, v, "next_cpu"), 4);
		print_put_bin(tr, s, ev_u0(tr, v, "next_pid"), 4);
		print_put_bin(tr, s, ev_u0(tr, v, "next_prio"), 1);
		print_put_bin(tr, s, ev_u0(tr, v, "next_state"), 1);
		return;
	case EV_FTRACE_UNKNOWN:
		print_unknown_entry(tr, v, s);
		return;
	default:
		nop(v, s);
		return;
	}
}

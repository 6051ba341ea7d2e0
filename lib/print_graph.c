// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The function_graph tracer's output (kernel/trace/trace_functions_graph.c,
 * print_graph_function_flags() and its helpers), line for line:
 *
 *   - a call whose return is the very next entry of its CPU (same pid, same
 *     function) is a leaf: "func();" with its duration, the return consumed;
 *     otherwise "func() {" and later "}" (or "} /\* func *\/" when the call
 *     was not seen, or with funcgraph-tail);
 *   - per CPU the pid of the last line: a change prints the
 *     "------------------------------------------" task-switch block;
 *   - every other entry (events, trace_marker, ...) is a comment at the
 *     current depth; function and stack entries print in the normal layout;
 *   - the columns (abstime, CPU, task, latency flags, overhead mark,
 *     duration) follow the funcgraph-* and latency-format options, and calls
 *     into the irq entry text are marked "==========>" / "<==========" (or
 *     skipped without funcgraph-irqs).
 *
 * The state the kernel keeps per CPU while it prints (struct
 * fgraph_cpu_data: last pid, depth, irq depth, the function entered at each
 * depth) lives in struct graph_state, one per pass over a buffer.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "print_graph.h"
#include "print_internal.h"

#define GRAPH_INDENT	2
#define RETFUNC_DEPTH	50 /* FTRACE_RETFUNC_DEPTH */
#define PROCINFO_LENGTH 14

struct graph_cpu {
	int last_pid;
	int depth;
	int depth_irq;
	uint64_t enter_funcs[RETFUNC_DEPTH];
};

struct graph_state {
	const struct pmt_trace *tr;
	const struct trace_buf *b;
	int max_bytes_for_cpu; /* digits of nr_cpu_ids - 1 */
	int ncpus;
	struct graph_cpu *cpu;
	uint8_t *copy; /* the current entry, kept across the look-ahead */
	uint32_t copy_cap;
};

struct graph_state *graph_state_new(const struct pmt_trace *tr, const struct trace_buf *b)
{
	struct graph_state *g = calloc(1, sizeof(*g));
	uint32_t nr_cpu_ids = 0;

	if (!g)
		return NULL;
	g->tr = tr;
	g->b = b;
	g->ncpus = b->nr_cpus > 0 ? b->nr_cpus : 1;
	g->cpu = calloc((size_t)g->ncpus, sizeof(*g->cpu));
	g->copy_cap = b->subbuf_size ? b->subbuf_size : 4096;
	g->copy = malloc(g->copy_cap);
	if (!g->cpu || !g->copy) {
		graph_state_free(g);
		return NULL;
	}
	for (int c = 0; c < g->ncpus; c++) {
		g->cpu[c].last_pid = -1;
		g->cpu[c].depth_irq = -1;
	}
	/* max_bytes_for_cpu = snprintf(NULL, 0, "%u", nr_cpu_ids - 1) */
	if (!tr->L.sym_nr_cpu_ids.ok ||
	    !pmt_ok(pmt_read_u32(tr->t, tr->L.sym_nr_cpu_ids.addr, &nr_cpu_ids)) || !nr_cpu_ids)
		nr_cpu_ids = (uint32_t)g->ncpus;
	g->max_bytes_for_cpu = snprintf(NULL, 0, "%u", nr_cpu_ids - 1);
	return g;
}

void graph_state_free(struct graph_state *g)
{
	if (!g)
		return;
	free(g->cpu);
	free(g->copy);
	free(g);
}

static struct graph_cpu *gcpu(struct graph_state *g, int cpu)
{
	return g && cpu >= 0 && cpu < g->ncpus ? &g->cpu[cpu] : NULL;
}

static bool context_info(const struct event_view *v)
{
	return !v->opts || v->opts->on[TI_CONTEXT_INFO];
}

static bool in_irqentry(const struct pmt_trace *tr, uint64_t addr)
{
	const struct ftrace_layout *L = &tr->L;

	return L->sym_irqentry_start.ok && L->sym_irqentry_end.ok &&
	       addr >= L->sym_irqentry_start.addr && addr < L->sym_irqentry_end.addr;
}

static void print_cpu(struct graph_state *g, struct trace_seq *s, int cpu)
{
	trace_seq_printf(s, " %*d) ", g ? g->max_bytes_for_cpu : 1, cpu);
}

/* print_graph_proc(): "comm-pid" centred in 14 columns, comm cut to 7 */
static void print_proc(const struct pmt_trace *tr, struct trace_seq *s, int pid)
{
	char comm[8], pid_str[12];
	int spaces = 0, len;

	snprintf(comm, sizeof(comm), "%s", event_buf_comm(tr, print_buf(tr), pid));
	snprintf(pid_str, sizeof(pid_str), "%d", pid);
	len = (int)(strlen(comm) + strlen(pid_str) + 1);
	if (len < PROCINFO_LENGTH)
		spaces = PROCINFO_LENGTH - len;
	for (int i = 0; i < spaces / 2; i++)
		trace_seq_putc(s, ' ');
	trace_seq_printf(s, "%s-%s", comm, pid_str);
	for (int i = 0; i < spaces - spaces / 2; i++)
		trace_seq_putc(s, ' ');
}

/* verif_pid(): the task-switch block when this CPU's pid changed */
static void verif_pid(struct graph_state *g, struct trace_seq *s, int pid, int cpu)
{
	struct graph_cpu *c = gcpu(g, cpu);
	int prev;

	if (!c || c->last_pid == pid)
		return;
	prev = c->last_pid;
	c->last_pid = pid;
	if (prev == -1)
		return;
	trace_seq_puts(s, " ------------------------------------------\n");
	print_cpu(g, s, cpu);
	print_proc(g->tr, s, prev);
	trace_seq_puts(s, " => ");
	print_proc(g->tr, s, pid);
	trace_seq_puts(s, "\n ------------------------------------------\n\n");
}

static void print_abs_time(uint64_t t, struct trace_seq *s)
{
	/* nanoseconds cut (not rounded) to microseconds */
	trace_seq_printf(s, "%5lu.%06lu |  ", (unsigned long)(t / 1000000000ULL),
			 (unsigned long)(t % 1000000000ULL / 1000));
}

/* trace_find_mark() */
static char find_mark(uint64_t d)
{
	static const uint64_t val[] = { 1000000000ULL, 100000000ULL, 10000000ULL,
					1000000ULL,    100000ULL,    10000ULL };
	static const char sym[] = "$@*#!+";

	for (size_t i = 0; i < sizeof(val) / sizeof(val[0]); i++)
		if (d > val[i])
			return sym[i];
	return ' ';
}

/* trace_print_graph_duration() */
static void print_duration_value(uint64_t duration, struct trace_seq *s)
{
	unsigned long nsecs_rem = (unsigned long)(duration % 1000);
	char usecs_str[21], nsecs_str[5];
	int len;

	duration /= 1000;
	snprintf(usecs_str, sizeof(usecs_str), "%lu", (unsigned long)duration);
	trace_seq_puts(s, usecs_str);
	len = (int)strlen(usecs_str);
	/* nanoseconds, so that no more than 7 digits show */
	if (len < 7) {
		size_t slen = sizeof(nsecs_str) < (size_t)(8 - len) ? sizeof(nsecs_str)
								    : (size_t)(8 - len);

		snprintf(nsecs_str, slen, "%03lu", nsecs_rem);
		trace_seq_printf(s, ".%s", nsecs_str);
		len += (int)strlen(nsecs_str) + 1;
	}
	trace_seq_puts(s, " us ");
	for (int i = len; i < 8; i++)
		trace_seq_putc(s, ' ');
}

enum fill { FILL_NONE, FILL_FULL, FILL_START, FILL_END };

/* print_graph_duration() */
static void print_duration(const struct event_view *v, uint64_t duration, struct trace_seq *s,
			   unsigned int gflags, enum fill fill)
{
	if (!(gflags & GO_DURATION) || !context_info(v))
		return;
	switch (fill) {
	case FILL_FULL:
		trace_seq_puts(s, "              |  ");
		return;
	case FILL_START:
		trace_seq_puts(s, "  ");
		return;
	case FILL_END:
		trace_seq_puts(s, " |");
		return;
	case FILL_NONE:
		break;
	}
	if (gflags & GO_OVERHEAD)
		trace_seq_printf(s, "%c ", find_mark(duration));
	else
		trace_seq_puts(s, "  ");
	print_duration_value(duration, s);
	trace_seq_puts(s, "|  ");
}

static void print_lat_cols(const struct pmt_trace *tr, const struct event_view *v,
			   struct trace_seq *s)
{
	trace_seq_putc(s, ' ');
	print_lat_fmt(tr, v, s);
	trace_seq_puts(s, " | ");
}

/* print_graph_irq(): the "==========>" / "<==========" line */
static void print_irq(struct graph_state *g, const struct event_view *v, struct trace_seq *s,
		      uint64_t addr, bool entry, unsigned int gflags)
{
	const struct pmt_trace *tr = g ? g->tr : NULL;

	if (!tr || !in_irqentry(tr, addr))
		return;
	if (context_info(v)) {
		if (gflags & GO_ABS_TIME)
			print_abs_time(v->ts, s);
		if (gflags & GO_CPU)
			print_cpu(g, s, v->cpu);
		if (gflags & GO_PROC) {
			print_proc(tr, s, v->pid);
			trace_seq_puts(s, " | ");
		}
		if (v->opts && v->opts->on[TI_LATENCY_FMT])
			print_lat_cols(tr, v, s);
	}
	print_duration(v, 0, s, gflags, FILL_START);
	trace_seq_puts(s, entry ? "==========>" : "<==========");
	print_duration(v, 0, s, gflags, FILL_END);
	trace_seq_putc(s, '\n');
}

/* print_graph_prologue() */
static void prologue(struct graph_state *g, const struct event_view *v, struct trace_seq *s,
		     bool irq_entry, uint64_t addr, unsigned int gflags)
{
	if (g)
		verif_pid(g, s, v->pid, v->cpu);
	if (irq_entry)
		print_irq(g, v, s, addr, true, gflags);
	if (!context_info(v))
		return;
	if (gflags & GO_ABS_TIME)
		print_abs_time(v->ts, s);
	if (gflags & GO_CPU)
		print_cpu(g, s, v->cpu);
	if (gflags & GO_PROC) {
		print_proc(g ? g->tr : NULL, s, v->pid);
		trace_seq_puts(s, " | ");
	}
	if (v->opts && v->opts->on[TI_LATENCY_FMT])
		print_lat_cols(g->tr, v, s);
}

static int field_int(const struct pmt_trace *tr, const struct event_view *v, const char *name)
{
	return (int)(int32_t)ev_u0(tr, v, name);
}

/* The return value of funcgraph-retval (CONFIG_FUNCTION_GRAPH_RETVAL). */
static void print_retval(const struct pmt_trace *tr, const struct event_view *ret,
			 struct trace_seq *s, unsigned int gflags)
{
	uint64_t retval = 0, err_code = 0;

	if (!(gflags & GO_RETVAL) || !ev_u(tr, ret, "retval", &retval))
		return;
	if (retval && !(gflags & GO_RETVAL_HEX)) {
		/* a negative int in a 64-bit long: sign-extend from bit 31 */
		if (tr->t->word_size == 8 && (retval & (1ULL << 31)) && !(retval >> 32))
			err_code = (uint64_t)(int64_t)(int32_t)retval;
		else
			err_code = retval;
		if (err_code < (uint64_t)-4095)
			err_code = 0; /* !IS_ERR_VALUE() */
	}
	if ((gflags & GO_RETVAL_HEX) || !err_code)
		trace_seq_printf(s, " ret=0x%" PRIx64, retval);
	else
		trace_seq_printf(s, " ret=%" PRId64, (int64_t)err_code);
}

static bool is_kind(const struct pmt_trace *tr, const struct cpu_event *ev, enum event_kind k)
{
	const struct event_db *db = tr->events;
	const struct event_fmt *e;

	if (!db || (uint32_t)db->common_type_off + (uint32_t)db->common_type_size > ev->len)
		return false;
	e = event_db_find(db, (int)pmt_get_uint(tr->t, ev->data + db->common_type_off,
						(size_t)db->common_type_size));
	return e && e->kind == k;
}

static void print_entry(struct graph_state *g, const struct event_view *v, struct merge *m,
			struct trace_seq *s, unsigned int gflags)
{
	const struct pmt_trace *tr = g->tr;
	struct graph_cpu *c = gcpu(g, v->cpu);
	uint64_t func = ev_u0(tr, v, "func");
	int depth = field_int(tr, v, "depth");
	const struct cpu_event *next = NULL;
	struct event_view ret;
	bool leaf = false;

	/* check_irq_entry(): inside irq code the graph skips lines */
	if (!(gflags & GO_IRQS) && c) {
		if (c->depth_irq >= 0)
			return;
		if (in_irqentry(tr, func)) {
			c->depth_irq = depth;
			return;
		}
	}
	prologue(g, v, s, true, func, gflags);

	/* get_return_for_leaf(): the CPU's next entry is this call's return */
	if (m)
		next = merge_lookahead(m);
	if (next && is_kind(tr, next, EV_FUNCGRAPH_EXIT)) {
		struct cpu_stream dummy = { .cpu = v->cpu };

		event_view_init(tr, v->buf, &dummy, next, &ret);
		if (ret.pid == v->pid && ev_u0(tr, &ret, "func") == func)
			leaf = true;
	}
	if (leaf) {
		uint64_t duration = ev_u0(tr, &ret, "rettime") - ev_u0(tr, &ret, "calltime");

		if (c) {
			/* comments show at depth + 1: a leaf keeps them at its own */
			c->depth = depth - 1;
			if (depth >= 0 && depth < RETFUNC_DEPTH)
				c->enter_funcs[depth] = 0;
		}
		print_duration(v, duration, s, gflags, FILL_NONE);
		for (int i = 0; i < depth * GRAPH_INDENT; i++)
			trace_seq_putc(s, ' ');
		print_ps(tr, s, func, false);
		trace_seq_puts(s, "();");
		if ((gflags & GO_RETVAL) && ev_field(ret.fmt, "retval")) {
			trace_seq_puts(s, " /*");
			print_retval(tr, &ret, s, gflags);
			trace_seq_puts(s, " */");
		}
		trace_seq_putc(s, '\n');
		print_irq(g, v, s, func, false, gflags);
		merge_consume_lookahead(m);
		return;
	}
	if (c) {
		c->depth = depth;
		if (depth >= 0 && depth < RETFUNC_DEPTH)
			c->enter_funcs[depth] = func;
	}
	print_duration(v, 0, s, gflags, FILL_FULL);
	for (int i = 0; i < depth * GRAPH_INDENT; i++)
		trace_seq_putc(s, ' ');
	print_ps(tr, s, func, false);
	trace_seq_puts(s, "() {\n");
}

static void print_return(struct graph_state *g, const struct event_view *v, struct trace_seq *s,
			 unsigned int gflags)
{
	const struct pmt_trace *tr = g->tr;
	struct graph_cpu *c = gcpu(g, v->cpu);
	uint64_t func = ev_u0(tr, v, "func");
	uint64_t duration = ev_u0(tr, v, "rettime") - ev_u0(tr, v, "calltime");
	int depth = field_int(tr, v, "depth");
	bool func_match = true;

	/* check_irq_return() */
	if (!(gflags & GO_IRQS) && c && c->depth_irq != -1) {
		if (c->depth_irq >= depth)
			c->depth_irq = -1;
		return;
	}
	if (c) {
		c->depth = depth - 1;
		if (depth >= 0 && depth < RETFUNC_DEPTH) {
			if (c->enter_funcs[depth] != func)
				func_match = false;
			c->enter_funcs[depth] = 0;
		}
	}
	prologue(g, v, s, false, 0, gflags);
	print_duration(v, duration, s, gflags, FILL_NONE);
	for (int i = 0; i < depth * GRAPH_INDENT; i++)
		trace_seq_putc(s, ' ');
	if ((gflags & GO_RETVAL) && ev_field(v->fmt, "retval")) {
		trace_seq_puts(s, "} /* ");
		print_ps(tr, s, func, false);
		print_retval(tr, v, s, gflags);
		trace_seq_puts(s, " */");
	} else if (func_match && !(gflags & GO_TAIL)) {
		trace_seq_puts(s, "}");
	} else {
		trace_seq_puts(s, "} /* ");
		print_ps(tr, s, func, false);
		trace_seq_puts(s, " */");
	}
	trace_seq_putc(s, '\n');
	if (gflags & GO_OVERRUN)
		trace_seq_printf(s, " (Overruns: %u)\n", (unsigned int)ev_u0(tr, v, "overrun"));
	print_irq(g, v, s, func, false, gflags);
}

/* print_graph_comment(): any other entry, as a C comment at the depth */
static void print_comment(struct graph_state *g, const struct event_view *v, struct trace_seq *s,
			  unsigned int gflags)
{
	const struct pmt_trace *tr = g->tr;
	struct graph_cpu *c = gcpu(g, v->cpu);
	int depth = c ? c->depth : 0;
	const struct event_fmt *e = v->fmt;

	prologue(g, v, s, false, 0, gflags);
	print_duration(v, 0, s, gflags, FILL_FULL);
	if (depth > 0)
		for (int i = 0; i < (depth + 1) * GRAPH_INDENT; i++)
			trace_seq_putc(s, ' ');
	trace_seq_puts(s, "/* ");
	if (e && (e->kind == EV_BPUTS || e->kind == EV_BPRINT || e->kind == EV_PRINT))
		print_msg_only(tr, v, s);
	else if (e)
		event_print_body(tr, v, s);
	else
		trace_seq_printf(s, "Unknown type %d\n", v->type); /* kernel: unhandled */
	/* strip the ending newline */
	if (s->len && s->buffer[s->len - 1] == '\n')
		s->len--;
	trace_seq_puts(s, " */\n");
}

bool print_graph_line(struct graph_state *g, const struct event_view *cv, struct merge *m,
		      struct trace_seq *s)
{
	const struct event_fmt *e = cv->fmt;
	unsigned int gflags =
		cv->opts ? cv->opts->gflags : GO_CPU | GO_OVERHEAD | GO_DURATION | GO_IRQS;
	struct event_view v = *cv;

	print_begin(g->tr, cv);
	if (e && (e->kind == EV_FUNCTION || e->kind == EV_KERNEL_STACK))
		return false; /* not as comments: the normal layout */
	/* the entry is copied: looking ahead may move its page away */
	if (v.len <= g->copy_cap) {
		memcpy(g->copy, v.data, v.len);
		v.data = g->copy;
	}
	if (e && (e->kind == EV_FUNCGRAPH_ENTRY || e->kind == EV_FGRAPH_RETADDR))
		print_entry(g, &v, m, s, gflags);
	else if (e && e->kind == EV_FUNCGRAPH_EXIT)
		print_return(g, &v, s, gflags);
	else
		print_comment(g, &v, s, gflags);
	return true;
}

/* A graph entry printed outside the function_graph tracer (its .trace
 * function): no per-CPU state and no look-ahead. */
void print_graph_event(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	struct graph_state g = { .tr = tr, .b = v->buf, .max_bytes_for_cpu = 1 };
	unsigned int gflags = GO_CPU | GO_OVERHEAD | GO_DURATION | GO_IRQS;

	if (v->fmt->kind == EV_FUNCGRAPH_EXIT)
		print_return(&g, v, s, gflags);
	else
		print_entry(&g, v, NULL, s, gflags);
}

/* print_lat_header() + __print_graph_headers_flags() */
void print_graph_header(const struct print_opts *o, FILE *out)
{
	static const char spaces[] = "                "	  /* 16 */
				     "    "		  /* 4 */
				     "                 "; /* 17 */
	unsigned int f = o->gflags;
	bool lat = o->on[TI_LATENCY_FMT];
	int size = 0;

	if (lat) {
		if (f & GO_ABS_TIME)
			size += 16;
		if (f & GO_CPU)
			size += 4;
		if (f & GO_PROC)
			size += 17;
		fprintf(out, "#%.*s  _-----=> irqs-off        \n", size, spaces);
		fprintf(out, "#%.*s / _----=> need-resched    \n", size, spaces);
		fprintf(out, "#%.*s| / _---=> hardirq/softirq \n", size, spaces);
		fprintf(out, "#%.*s|| / _--=> preempt-depth   \n", size, spaces);
		fprintf(out, "#%.*s||| /                      \n", size, spaces);
	}
	fputc('#', out);
	if (f & GO_ABS_TIME)
		fputs("     TIME       ", out);
	if (f & GO_CPU)
		fputs(" CPU", out);
	if (f & GO_PROC)
		fputs("  TASK/PID       ", out);
	if (lat)
		fputs("||||   ", out);
	if (f & GO_DURATION)
		fputs("  DURATION   ", out);
	fputs("               FUNCTION CALLS\n", out);
	fputc('#', out);
	if (f & GO_ABS_TIME)
		fputs("      |         ", out);
	if (f & GO_CPU)
		fputs(" |  ", out);
	if (f & GO_PROC)
		fputs("   |    |        ", out);
	if (lat)
		fputs("||||   ", out);
	if (f & GO_DURATION)
		fputs("   |   |      ", out);
	fputs("               |   |   |   |\n", out);
}

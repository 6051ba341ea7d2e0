// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trace options of each buffer, as its `trace` file applies them, read
 * from the dump: trace_array.trace_flags with the masks of the dump's own
 * enum trace_iterator_flags (ftrace_layout.c), and the current tracer's
 * options (function_graph's funcgraph-*) matched by name through the
 * tracer's struct tracer_opt table, so that no bit value is assumed.
 *
 * Computed once per buffer and kept with the event formats; an option the
 * dump cannot tell falls back to the kernel's default and is named once.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "print_internal.h"

#define MAX_TRACER_OPTS 64

struct print_warned {
	struct print_warned *next;
	char what[];
};

void print_warn_once(const struct pmt_trace *ctr, const char *what, const char *fmt, ...)
{
	struct pmt_trace *tr = (struct pmt_trace *)ctr; /* diagnostics are a log */
	struct event_db *db = tr->events;
	struct print_warned *w;
	char msg[256];
	va_list ap;

	if (db) {
		for (w = db->warned; w; w = w->next)
			if (!strcmp(w->what, what))
				return;
		w = calloc(1, sizeof(*w) + strlen(what) + 1);
		if (w) {
			strcpy(w->what, what);
			w->next = db->warned;
			db->warned = w;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_degraded(tr, pmt_err_new(PMT_ERR_UNSUPPORTED, "%s", msg), "%s", what);
}

static const struct {
	const char *name;
	unsigned int bit;
} graph_opts[] = {
	{ "funcgraph-overrun", GO_OVERRUN },   { "funcgraph-cpu", GO_CPU },
	{ "funcgraph-overhead", GO_OVERHEAD }, { "funcgraph-proc", GO_PROC },
	{ "funcgraph-duration", GO_DURATION }, { "funcgraph-abstime", GO_ABS_TIME },
	{ "funcgraph-irqs", GO_IRQS },	       { "funcgraph-tail", GO_TAIL },
	{ "funcgraph-retval", GO_RETVAL },     { "funcgraph-retval-hex", GO_RETVAL_HEX },
	{ "funcgraph-retaddr", GO_RETADDR },   { "funcgraph-args", GO_ARGS },
};

/* funcgraph-* options the output does not depend on */
static bool graph_opt_harmless(const char *name)
{
	return !strcmp(name, "sleep-time") || !strcmp(name, "graph-time");
}

/*
 * The current tracer's option values: 7.x keeps them per instance
 * (trace_array.current_trace_flags), older kernels in the tracer
 * (tracer.flags). Each option is a tracer_opt { name, bit } in the dump.
 */
static bool read_graph_flags(const struct pmt_trace *tr, const struct trace_buf *b,
			     unsigned int *gflags)
{
	const struct ftrace_layout *L = &tr->L;
	struct pmt_target *t = tr->t;
	uint64_t tracer, flags = 0, opts, val = 0;

	*gflags = GO_CPU | GO_OVERHEAD | GO_DURATION | GO_IRQS; /* the kernel's default */
	if (!L->ta_current_trace.ok || !L->tflags_val.ok || !L->tflags_opts.ok ||
	    !L->topt_name.ok || !L->topt_bit.ok || !L->topt.ok || !L->topt.size)
		return false;
	if (!pmt_ok(pmt_read_ulong(t, b->addr + L->ta_current_trace.m.offset, &tracer)) || !tracer)
		return false;
	if (L->ta_current_trace_flags.ok) {
		if (!pmt_ok(pmt_read_ulong(t, b->addr + L->ta_current_trace_flags.m.offset, &flags)))
			return false;
	} else if (!L->tracer_flags.ok ||
		   !pmt_ok(pmt_read_ulong(t, tracer + L->tracer_flags.m.offset, &flags))) {
		return false;
	}
	if (!flags || !pmt_ok(pmt_read_member(t, flags, &L->tflags_val.m, &val)) ||
	    !pmt_ok(pmt_read_ulong(t, flags + L->tflags_opts.m.offset, &opts)) || !opts)
		return false;
	*gflags = 0;
	for (unsigned int i = 0; i < MAX_TRACER_OPTS; i++) {
		uint64_t o = opts + i * L->topt.size, name_ptr, bit;
		char *name = NULL;
		bool known = false;

		if (!pmt_ok(pmt_read_ulong(t, o + L->topt_name.m.offset, &name_ptr)) || !name_ptr)
			break;
		if (!pmt_ok(pmt_read_member(t, o, &L->topt_bit.m, &bit)) ||
		    !pmt_ok(pmt_read_string(t, name_ptr, 64, &name)))
			break;
		for (size_t k = 0; k < sizeof(graph_opts) / sizeof(graph_opts[0]); k++) {
			if (!strcmp(name, graph_opts[k].name)) {
				known = true;
				if ((val & bit) == bit && bit)
					*gflags |= graph_opts[k].bit;
			}
		}
		if (!known && !graph_opt_harmless(name) && (val & bit) && bit)
			print_warn_once(tr, name,
					"function_graph option '%s' is set, which pmtrace does not "
					"know: lines print as if it were not",
					name);
		free(name);
	}
	return true;
}

static void opts_init(const struct pmt_trace *tr, const struct trace_buf *b, struct print_opts *o)
{
	const struct ftrace_layout *L = &tr->L;

	/* trace_flags read from the buffer's trace_array; a raw range image
	 * has none */
	bool flags_read = L->ta_trace_flags.ok && !b->no_trace_array;

	memset(o, 0, sizeof(*o));
	for (int i = 0; i < TI_COUNT; i++)
		o->on[i] = flags_read && L->iter_known[i] ? (b->trace_flags & L->iter[i]) != 0
							  : trace_iter_info[i].dflt;
	/* a previous boot's options were never recorded (a raw range image has
	 * no trace_array at all): the defaults are the design, not a guess */
	if (!flags_read && !b->previous_boot) {
		print_warn_once(tr, "trace_flags",
				"the dump does not say which trace options were set: "
				"the kernel's defaults are assumed");
	}
	if (L->ta_time_start.ok && b->addr) {
		struct pmt_err *err = pmt_read_member(tr->t, b->addr, &L->ta_time_start.m,
						      &o->time_start);

		if (err) {
			pmt_err_free(err);
			o->time_start = 0;
		}
	}
	o->graph = b->tracer && !strcmp(b->tracer, "function_graph");
	if (o->graph && !read_graph_flags(tr, b, &o->gflags))
		print_warn_once(tr, "funcgraph options",
				"%s: the function_graph options are not readable from the dump: "
				"the defaults are assumed",
				buf_label(b));
}

const struct print_opts *print_opts_get(const struct pmt_trace *tr, const struct trace_buf *b)
{
	static struct print_opts fallback;
	struct event_db *db = tr->events;
	size_t i = (size_t)(b - tr->bufs);

	if (!db || b < tr->bufs || i >= tr->nbufs) {
		/* no formats: print with the defaults (never cached, rare) */
		for (int k = 0; k < TI_COUNT; k++)
			fallback.on[k] = trace_iter_info[k].dflt;
		return &fallback;
	}
	if (db->nopts < tr->nbufs) {
		struct print_opts **n = realloc(db->opts, tr->nbufs * sizeof(*n));

		if (!n)
			return &fallback;
		memset(n + db->nopts, 0, (tr->nbufs - db->nopts) * sizeof(*n));
		db->opts = n;
		db->nopts = tr->nbufs;
	}
	if (!db->opts[i]) {
		struct print_opts *o = malloc(sizeof(*o));

		if (!o)
			return &fallback;
		opts_init(tr, b, o);
		db->opts[i] = o;
	}
	return db->opts[i];
}

void print_opts_free(struct event_db *db)
{
	for (size_t i = 0; i < db->nopts; i++)
		free(db->opts[i]);
	free(db->opts);
	db->opts = NULL;
	db->nopts = 0;
	while (db->warned) {
		struct print_warned *n = db->warned->next;

		free(db->warned);
		db->warned = n;
	}
}

unsigned int print_symf(const struct print_opts *o)
{
	return (o->on[TI_PRINT_PARENT] ? SYMF_PARENT : 0) |
	       (o->on[TI_SYM_OFFSET] ? SYMF_OFFSET : 0) | (o->on[TI_SYM_ADDR] ? SYMF_ADDR : 0);
}

/* trace_find_tgid(): tgid_map[pid] for 0 < pid <= tgid_map_max */
int print_find_tgid(const struct pmt_trace *tr, int pid)
{
	const struct ftrace_layout *L = &tr->L;
	struct event_db *db = tr->events;
	uint64_t map = 0, max = 0;
	uint32_t tgid;

	if (!db || !L->sym_tgid_map.ok || pid <= 0)
		return 0;
	if (!db->tgid_loaded) {
		db->tgid_loaded = true;
		if (!pmt_ok(pmt_read_ulong(tr->t, L->sym_tgid_map.addr, &map)) ||
		    (L->sym_tgid_map_max.ok &&
		     !pmt_ok(pmt_read_ulong(tr->t, L->sym_tgid_map_max.addr, &max))))
			map = 0;
		/* not copied (pid_max entries): read per pid */
		db->tgid_max = map ? (size_t)max : 0;
		db->tgid_map_addr = map;
	}
	if (!db->tgid_map_addr || (size_t)pid > db->tgid_max)
		return 0;
	if (!pmt_ok(pmt_read_u32(tr->t, db->tgid_map_addr + (uint64_t)pid * 4, &tgid)))
		return 0;
	return (int)tgid;
}

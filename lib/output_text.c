// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tracefs `trace` text: the header (print_trace_header() /
 * print_func_help_header_irq() in kernel/trace/trace.c) and one line per
 * event, merged across CPUs. With a single CPU selected the output is that
 * CPU's per_cpu/cpuN/trace, header counts included.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "event_print.h"
#include "merge.h"
#include "output.h"
#include "print_graph.h"
#include "print_internal.h"
#include "region_trace.h"

/* get_total_entries(): always the whole buffer, even in per_cpu/cpuN/trace. */
static void entry_counts(const struct trace_buf *b, uint64_t *entries, uint64_t *total)
{
	*entries = *total = 0;
	for (int c = 0; c < b->nr_cpus; c++) {
		const struct cpu_stream *cs = &b->cpus[c];
		uint64_t count;

		if (!cs->present)
			continue;
		/* ring_buffer_entries_cpu(): entries - (overrun + read) */
		count = cs->entries - (cs->overrun + cs->read);
		*entries += count;
		*total += count + cs->overrun;
	}
}

static void func_help_header(const struct pmt_trace *tr, const struct trace_buf *b,
			     const struct print_opts *o, FILE *out)
{
	static const char space[] = "            ";
	uint64_t entries, total;
	bool tgid = o->on[TI_RECORD_TGID];
	int prec = tgid ? 12 : 2;

	entry_counts(b, &entries, &total);
	/* print_event_info() */
	fprintf(out, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%d\n#\n",
		entries, total, tr->nr_online);
	if (!o->on[TI_IRQ_INFO]) {
		/* print_func_help_header() */
		fprintf(out, "#           TASK-PID    %s CPU#     TIMESTAMP  FUNCTION\n",
			tgid ? "   TGID   " : "");
		fprintf(out, "#              | |      %s   |         |         |\n",
			tgid ? "     |    " : "");
		return;
	}
	/* print_func_help_header_irq() */
	if (trace_has_migrate_column(tr)) {
		fprintf(out, "#                            %.*s  _-----=> irqs-off%s\n", prec,
			space, tr->L.tf_bh_off ? "/BH-disabled" : "");
		fprintf(out, "#                            %.*s / _----=> need-resched\n", prec,
			space);
		fprintf(out, "#                            %.*s| / _---=> hardirq/softirq\n", prec,
			space);
		fprintf(out, "#                            %.*s|| / _--=> preempt-depth\n", prec,
			space);
		fprintf(out, "#                            %.*s||| / _-=> migrate-disable\n", prec,
			space);
		fprintf(out, "#                            %.*s|||| /     delay\n", prec, space);
		fprintf(out, "#           TASK-PID  %.*s CPU#  |||||  TIMESTAMP  FUNCTION\n", prec,
			"     TGID   ");
		fprintf(out, "#              | |    %.*s   |   |||||     |         |\n", prec,
			"       |    ");
	} else {
		fprintf(out, "#                            %.*s  _-----=> irqs-off\n", prec, space);
		fprintf(out, "#                            %.*s / _----=> need-resched\n", prec,
			space);
		fprintf(out, "#                            %.*s| / _---=> hardirq/softirq\n", prec,
			space);
		fprintf(out, "#                            %.*s|| / _--=> preempt-depth\n", prec,
			space);
		fprintf(out, "#                            %.*s||| /     delay\n", prec, space);
		fprintf(out, "#           TASK-PID  %.*s CPU#  ||||   TIMESTAMP  FUNCTION\n", prec,
			"     TGID   ");
		fprintf(out, "#              | |    %.*s   |   ||||      |         |\n", prec,
			"       |    ");
	}
}

/* print_lat_help_header() */
static void lat_help_header(const struct pmt_trace *tr, FILE *out)
{
	if (trace_has_migrate_column(tr)) {
		fprintf(out,
			"#                    _------=> CPU#            \n"
			"#                   / _-----=> irqs-off%s\n"
			"#                  | / _----=> need-resched    \n"
			"#                  || / _---=> hardirq/softirq \n"
			"#                  ||| / _--=> preempt-depth   \n"
			"#                  |||| / _-=> migrate-disable \n"
			"#                  ||||| /     delay           \n"
			"#  cmd     pid     |||||| time  |   caller     \n"
			"#     \\   /        ||||||  \\    |    /       \n",
			tr->L.tf_bh_off ? "/BH-disabled" : "        ");
	} else {
		fprintf(out, "#                    _------=> CPU#            \n"
			     "#                   / _-----=> irqs-off        \n"
			     "#                  | / _----=> need-resched    \n"
			     "#                  || / _---=> hardirq/softirq \n"
			     "#                  ||| / _--=> preempt-depth   \n"
			     "#                  |||| /     delay            \n"
			     "#  cmd     pid     ||||| time  |   caller      \n"
			     "#     \\   /        |||||  \\    |   /         \n");
	}
}

/* The preemption model as print_trace_header() names it. */
static void preempt_model(const struct pmt_trace *tr, char *out, size_t n)
{
	const struct ftrace_layout *L = &tr->L;
	struct pmt_target *t = tr->t;
	char *version = NULL, *mode_name = NULL;
	bool dynamic = false, rt, full;
	uint32_t mode = 0;

	if (L->sym_init_uts_ns.ok && L->uts_version.ok) {
		struct pmt_err *err = pmt_read_string(
			t, L->sym_init_uts_ns.addr + L->uts_version.m.offset, 65, &version);

		if (err)
			pmt_err_free(err);
	}
	/* UTS_VERSION says "PREEMPT", "PREEMPT_RT" or "PREEMPT_DYNAMIC" */
	rt = version && strstr(version, "PREEMPT_RT");
	full = version && strstr(version, "PREEMPT");
	if (L->sym_preempt_dynamic_mode.ok &&
	    pmt_ok(pmt_read_u32(t, L->sym_preempt_dynamic_mode.addr, &mode)))
		dynamic = true;
	if (L->sym_preempt_model_str.ok) {
		/* 7.x: "PREEMPT(voluntary)", "PREEMPT_RT", "NONE", ... */
		uint64_t name = 0;

		if (dynamic && (int32_t)mode >= 0 && L->sym_preempt_modes.ok &&
		    pmt_ok(pmt_read_ulong(
			    t, L->sym_preempt_modes.addr + (uint64_t)mode * t->word_size, &name)) &&
		    name) {
			struct pmt_err *err = pmt_read_string(t, name, 32, &mode_name);

			if (err)
				pmt_err_free(err);
		}
		if (dynamic)
			snprintf(out, n, "PREEMPT%s(%s)%s", rt ? "_{RT," : "",
				 mode_name ? mode_name : "undef", rt ? "}" : "");
		else if (rt)
			snprintf(out, n, "PREEMPT_RT");
		else if (full)
			snprintf(out, n, "PREEMPT");
		else {
			print_warn_once(
				tr, "preempt model",
				"the preemption model (none or voluntary) is not recorded in "
				"the dump: the latency header says NONE");
			snprintf(out, n, "NONE");
		}
	} else if (dynamic) {
		int32_t m = (int32_t)mode;

		snprintf(out, n, "%s",
			 m == 0	  ? "server"
			 : m == 1 ? "desktop"
			 : m == 2 ? "preempt"
			 : rt	  ? "preempt_rt"
				  : "unknown");
	} else if (rt) {
		snprintf(out, n, "preempt_rt");
	} else if (full) {
		snprintf(out, n, "preempt");
	} else {
		/* none ("server") or voluntary ("desktop") is only in the
		 * kernel's build config: the kernel's own fallback word */
		snprintf(out, n, "unknown");
	}
	free(version);
	free(mode_name);
}

static uint64_t tac_val(const struct pmt_trace *tr, uint64_t data, const struct fl_field *f)
{
	uint64_t v = 0;

	if (!data || !f->ok || !pmt_ok(pmt_read_member(tr->t, data, &f->m, &v)))
		return 0;
	return v;
}

/* print_trace_header(): the latency-format header */
void output_latency_header(const struct pmt_trace *tr, const struct trace_buf *b, FILE *out)
{
	const struct ftrace_layout *L = &tr->L;
	uint64_t entries, total, data = 0, cpu = 0, off = 0, start, end;
	char model[64], *comm = NULL;

	entry_counts(b, &entries, &total);
	if (L->ta_buf_cpu.ok)
		pmt_read_member(tr->t, b->addr, &L->ta_buf_cpu.m, &cpu);
	if (L->ta_buf_data.ok && L->sym_per_cpu_offset.ok && cpu < 4096 &&
	    pmt_ok(pmt_read_ulong(tr->t, b->addr + L->ta_buf_data.m.offset, &data)) && data &&
	    pmt_ok(pmt_read_ulong(tr->t, L->sym_per_cpu_offset.addr + cpu * tr->t->word_size,
				  &off)))
		data += off;
	else
		data = 0;
	preempt_model(tr, model, sizeof(model));
	fprintf(out, "# %s latency trace v1.1.5 on %s\n", b->tracer ? b->tracer : "nop",
		tr->t->release);
	fprintf(out, "# -----------------------------------"
		     "---------------------------------\n");
	fprintf(out,
		"# latency: %" PRIu64 " us, #%" PRIu64 "/%" PRIu64
		", CPU#%d | (M:%s VP:%d, KP:%d, SP:%d HP:%d",
		tac_val(tr, data, &L->tac_saved_latency) / 1000, entries, total, (int)cpu, model, 0,
		0, 0, 0);
	fprintf(out, " #P:%d)\n", tr->nr_online);
	fprintf(out, "#    -----------------\n");
	if (data && L->tac_comm.ok) {
		struct pmt_err *err =
			pmt_read_string(tr->t, data + L->tac_comm.m.offset, 16, &comm);

		if (err)
			pmt_err_free(err);
	}
	fprintf(out, "#    | task: %.16s-%d (uid:%d nice:%ld policy:%ld rt_prio:%ld)\n",
		comm ? comm : "", (int)(int32_t)tac_val(tr, data, &L->tac_pid),
		(int)(int32_t)tac_val(tr, data, &L->tac_uid), (long)tac_val(tr, data, &L->tac_nice),
		(long)tac_val(tr, data, &L->tac_policy),
		(long)tac_val(tr, data, &L->tac_rt_priority));
	free(comm);
	fprintf(out, "#    -----------------\n");
	start = tac_val(tr, data, &L->tac_critical_start);
	end = tac_val(tr, data, &L->tac_critical_end);
	if (start) {
		struct trace_seq s;
		unsigned int symf = print_symf(print_opts_get(tr, &tr->bufs[0]));

		trace_seq_init(&s);
		trace_seq_puts(&s, "#  => started at: ");
		print_ip_sym(tr, &s, start, symf);
		trace_seq_puts(&s, "\n#  => ended at:   ");
		print_ip_sym(tr, &s, end, symf);
		trace_seq_puts(&s, "\n#\n");
		trace_seq_terminate(&s);
		fwrite(s.buffer, 1, s.len, out);
		trace_seq_destroy(&s);
	}
	fprintf(out, "#\n");
}

static bool buffer_empty(const struct trace_buf *b)
{
	for (int c = 0; c < b->nr_cpus; c++)
		if (b->cpus[c].present && b->cpus[c].npages &&
		    b->cpus[c].entries > b->cpus[c].overrun + b->cpus[c].read)
			return false;
	return true;
}

void output_text_header(const struct pmt_trace *tr, const struct trace_buf *b,
			const struct pmt_filter *filter, FILE *out)
{
	const struct print_opts *o = print_opts_get(tr, b);
	const char *tracer = b->tracer ? b->tracer : "nop";
	bool lat = o->on[TI_LATENCY_FMT];

	(void)filter;
	fprintf(out, "# tracer: %s\n#\n", tracer);
	if (!o->on[TI_CONTEXT_INFO])
		return;
	if (o->graph) {
		/* print_graph_headers_flags() */
		if (lat) {
			if (buffer_empty(b))
				return;
			output_latency_header(tr, b, out);
		}
		print_graph_header(o, out);
		return;
	}
	if (!strcmp(tracer, "branch")) {
		fputs("#           TASK-PID    CPU#    TIMESTAMP  CORRECT  FUNC:FILE:LINE\n"
		      "#              | |       |          |         |       |\n",
		      out);
		return;
	}
	/* trace_default_header() */
	if (lat) {
		if (buffer_empty(b))
			return;
		output_latency_header(tr, b, out);
		if (!o->on[TI_VERBOSE])
			lat_help_header(tr, out);
		return;
	}
	if (!o->on[TI_VERBOSE])
		func_help_header(tr, b, o, out);
}

bool output_event_selected(const struct pmt_filter *filter, const struct event_view *v)
{
	if (!filter)
		return true;
	if (filter->have_since || filter->have_until) {
		/*
		 * Compare what is printed: microseconds rounded as ns2usecs() does
		 * for clocks in nanoseconds; for raw clocks (counter, x86-tsc) the
		 * user's number is the raw count.
		 */
		bool ns = !v->buf || v->buf->clock_in_ns;
		uint64_t t = ns ? (v->ts + 500) / 1000 : v->ts;
		uint64_t since = ns ? filter->since_ns / 1000 : filter->since_ns / 1000000000ULL;
		uint64_t until = ns ? filter->until_ns / 1000 : filter->until_ns / 1000000000ULL;

		if (filter->have_since && t < since)
			return false;
		if (filter->have_until && t > until)
			return false;
	}
	if (filter->events) {
		for (const char **p = filter->events; *p; p++) {
			const char *spec = *p, *colon = strchr(spec, ':');

			if (!v->fmt)
				continue;
			if (colon ? strlen(v->fmt->system) == (size_t)(colon - spec) &&
					    !strncmp(v->fmt->system, spec,
						     (size_t)(colon - spec)) &&
					    (!strcmp(colon + 1, v->fmt->name) ||
					     !strcmp(colon + 1, "*"))
				  : !strcmp(spec, v->fmt->name))
				return true;
		}
		return false;
	}
	return true;
}

/*
 * Buffers the filter selects: the global one, one instance (named exactly:
 * whatever the boot), or all of the boot asked for; with --boot previous
 * and no instance, every buffer that holds a previous boot's data.
 */
bool output_buffer_selected(const struct pmt_filter *filter, const struct trace_buf *b)
{
	const char *want = filter ? filter->instance : NULL;
	bool previous = filter && filter->boot == PMT_BOOT_PREVIOUS;

	if (!want || !*want)
		return previous ? b->previous_boot : b->name == NULL;
	if (!strcmp(want, "global"))
		return b->name == NULL;
	if (!strcmp(want, "all"))
		return filter->boot == PMT_BOOT_ANY || previous == b->previous_boot;
	return b->name && !strcmp(b->name, want);
}

struct pmt_err *output_check_instance(struct pmt_trace *tr, const struct pmt_filter *filter)
{
	for (size_t i = 0; i < tr->nbufs; i++)
		if (output_buffer_selected(filter, &tr->bufs[i]))
			return NULL;
	for (size_t i = 0; i < tr->nregions; i++)
		if (region_selected(filter, &tr->regions[i]))
			return NULL;
	if (filter && filter->instance && !strncmp(filter->instance, "pmtrace", 7))
		return pmt_err_new(
			PMT_ERR_NODATA,
			"no pmtrace region of the %s boot was found (%zu region(s) in all)",
			filter->boot == PMT_BOOT_PREVIOUS ? "previous" : "current", tr->nregions);
	if (filter && filter->boot == PMT_BOOT_PREVIOUS &&
	    (!filter->instance || !*filter->instance))
		return pmt_err_new(PMT_ERR_INVALID,
				   "no buffer in this dump holds a previous boot's data");
	return pmt_err_new(PMT_ERR_INVALID, "no trace instance named '%s' in this dump",
			   filter->instance);
}

/*
 * The kernel marks where each CPU's data begins when the buffer has
 * overrun (TRACE_FILE_ANNOTATE) and the annotate option is on.
 */
static bool annotating(const struct pmt_trace *tr, const struct trace_buf *b)
{
	uint64_t overruns = 0;

	if (!tr->L.iter_annotate || !(b->trace_flags & tr->L.iter_annotate))
		return false;
	for (int c = 0; c < b->nr_cpus; c++)
		overruns += b->cpus[c].overrun;
	return overruns > 0;
}

struct pmt_err *pmt_write_text(struct pmt_trace *tr, const struct pmt_filter *filter, FILE *out)
{
	uint64_t started[8], idx;
	bool annotate;
	struct trace_seq s;
	struct pmt_err *err = output_check_instance(tr, filter);
	bool all = filter && filter->instance && !strcmp(filter->instance, "all");
	size_t nsel = 0;
	uint8_t *copy = NULL;

	if (err)
		return err;
	/* several buffers selected by --boot: each gets its "# instance:" line */
	for (size_t i = 0; i < tr->nbufs; i++)
		nsel += output_buffer_selected(filter, &tr->bufs[i]);
	all |= nsel > 1;
	trace_seq_init(&s);
	for (size_t i = 0; i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		const struct print_opts *o;
		struct graph_state *graph = NULL;
		bool mmio;
		struct cpu_stream *cs;
		const struct cpu_event *ev;
		struct merge m;

		if (!output_buffer_selected(filter, b))
			continue;
		if (all)
			fprintf(out, "# instance: %s\n", b->name ? b->name : "(global)");
		output_text_header(tr, b, filter, out);
		o = print_opts_get(tr, b);
		mmio = b->tracer && !strcmp(b->tracer, "mmiotrace");
		err = merge_init(&m, tr, b, filter);
		if (err)
			break;
		if (o->graph) {
			graph = graph_state_new(tr, b);
			if (!graph) {
				merge_free(&m);
				err = &pmt_err_nomem;
				break;
			}
		}
		free(copy);
		copy = malloc(b->subbuf_size ? b->subbuf_size : 4096);
		annotate = annotating(tr, b);
		memset(started, 0, sizeof(started));
		idx = 0;
		while (merge_next(&m, &cs, &ev)) {
			struct event_view v;
			bool first = false;

			if (cs->cpu < 512 && !(started[cs->cpu / 64] & (1ULL << (cs->cpu % 64)))) {
				started[cs->cpu / 64] |= 1ULL << (cs->cpu % 64);
				first = true;
			}
			idx++;
			event_view_init(tr, b, cs, ev, &v);
			v.idx = idx - 1;
			if (!output_event_selected(filter, &v))
				continue;
			trace_seq_reset(&s);
			/* test_cpu_buff_start(): not for the trace's first entry */
			if (annotate && first && idx > 1)
				trace_seq_printf(&s, "##### CPU %d buffer started ####\n", cs->cpu);
			if (mmio) {
				print_mmiotrace_line(tr, &v, &s);
			} else if (!graph || !print_graph_line(graph, &v, &m, &s)) {
				if (o->on[TI_LATENCY_FMT] && o->on[TI_CONTEXT_INFO] && copy &&
				    v.len <= (b->subbuf_size ? b->subbuf_size : 4096)) {
					/* the next event's time: look ahead, the payload copied */
					memcpy(copy, v.data, v.len);
					v.data = copy;
					v.have_next = merge_next_ts(&m, &v.next_ts);
				}
				event_print_line(tr, &v, &s);
			}
			trace_seq_terminate(&s);
			fwrite_unlocked(s.buffer, 1, s.len, out); /* one thread writes */
		}
		graph_state_free(graph);
		merge_free(&m);
	}
	free(copy);
	trace_seq_destroy(&s);
	for (size_t i = 0; !err && i < tr->nregions; i++) {
		if (!region_selected(filter, &tr->regions[i]))
			continue;
		if (all)
			fprintf(out, "# instance: %s\n", tr->regions[i].label);
		err = region_write_text(tr, &tr->regions[i], filter, out);
	}
	if (!err && ferror(out))
		err = pmt_err_new(PMT_ERR_IO, "writing the trace text failed");
	return err;
}

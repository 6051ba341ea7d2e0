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

void output_text_header(const struct pmt_trace *tr, const struct trace_buf *b,
			const struct pmt_filter *filter, FILE *out)
{
	static const char space[] = "            ";
	uint64_t entries, total;
	const int prec = 2; /* record-tgid off: the TGID column is not shown */

	entry_counts(b, &entries, &total);
	(void)filter;
	fprintf(out, "# tracer: %s\n#\n", b->tracer ? b->tracer : "nop");
	fprintf(out, "# entries-in-buffer/entries-written: %" PRIu64 "/%" PRIu64 "   #P:%d\n#\n",
		entries, total, tr->nr_online);
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
		fprintf(out, "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n");
		fprintf(out, "#              | |         |   |||||     |         |\n");
	} else {
		fprintf(out, "#                            %.*s  _-----=> irqs-off\n", prec, space);
		fprintf(out, "#                            %.*s / _----=> need-resched\n", prec,
			space);
		fprintf(out, "#                            %.*s| / _---=> hardirq/softirq\n", prec,
			space);
		fprintf(out, "#                            %.*s|| / _--=> preempt-depth\n", prec,
			space);
		fprintf(out, "#                            %.*s||| /     delay\n", prec, space);
		fprintf(out, "#           TASK-PID     CPU#  ||||   TIMESTAMP  FUNCTION\n");
		fprintf(out, "#              | |         |   ||||      |         |\n");
	}
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
		return previous == b->previous_boot;
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

	if (err)
		return err;
	/* several buffers selected by --boot: each gets its "# instance:" line */
	for (size_t i = 0; i < tr->nbufs; i++)
		nsel += output_buffer_selected(filter, &tr->bufs[i]);
	all |= nsel > 1;
	trace_seq_init(&s);
	for (size_t i = 0; i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		struct cpu_stream *cs;
		const struct cpu_event *ev;
		struct merge m;

		if (!output_buffer_selected(filter, b))
			continue;
		if (all)
			fprintf(out, "# instance: %s\n", b->name ? b->name : "(global)");
		output_text_header(tr, b, filter, out);
		err = merge_init(&m, tr, b, filter);
		if (err)
			break;
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
			if (!output_event_selected(filter, &v))
				continue;
			/* test_cpu_buff_start(): not for the trace's first entry */
			if (annotate && first && idx > 1)
				fprintf(out, "##### CPU %d buffer started ####\n", cs->cpu);
			trace_seq_reset(&s);
			event_print_context(tr, &v, &s);
			event_print_body(tr, &v, &s);
			trace_seq_terminate(&s);
			fwrite(s.buffer, 1, s.len, out);
		}
		merge_free(&m);
	}
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

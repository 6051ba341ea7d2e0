// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `info`: what the dump holds — kernel, buffers, per-CPU counters — and what
 * could not be read. Text for people, JSON lines for scripts (docs/json.md).
 */
#include <inttypes.h>
#include <string.h>

#include "event_db.h"
#include "kallsyms.h"
#include "output.h"
#include "stream.h"

static const char *status_name(enum pmt_status st)
{
	switch (st) {
	case PMT_STATUS_COMPLETE:
		return "complete";
	case PMT_STATUS_PARTIAL:
		return "partial";
	default:
		return "failed";
	}
}

static uint64_t in_buffer(const struct cpu_stream *cs)
{
	return cs->entries - (cs->overrun + cs->read);
}

static void info_text(struct pmt_trace *tr, FILE *out)
{
	fprintf(out, "kernel: %s\n", tr->t->release[0] ? tr->t->release : "(unknown)");
	fprintf(out, "kaslr offset: %#" PRIx64 "\n", tr->t->kaslr_offset);
	fprintf(out, "page size: %" PRIu64 ", word size: %u, %s-endian\n", tr->t->page_size,
		tr->t->word_size, tr->t->big_endian ? "big" : "little");
	fprintf(out, "online cpus: %d\n", tr->nr_online);
	fprintf(out, "kallsyms: %zu symbols\n", kallsyms_count(tr->ksyms));
	fprintf(out, "event formats: %zu\n", tr->events ? tr->events->n : 0);
	fprintf(out, "modules: %zu", tr->modules.n);
	for (size_t i = 0; i < tr->modules.n; i++)
		fprintf(out, "%s%s", i ? ", " : " (", tr->modules.mod[i].name);
	fprintf(out, "%s\n", tr->modules.n ? ")" : "");
	for (size_t i = 0; i < tr->nbufs; i++) {
		const struct trace_buf *b = &tr->bufs[i];

		fprintf(out, "buffer %s: tracer %s, sub-buffer %u bytes, %d cpus\n",
			b->name ? b->name : "global", b->tracer, b->subbuf_size, b->nr_cpus);
		for (int c = 0; c < b->nr_cpus; c++) {
			const struct cpu_stream *cs = &b->cpus[c];

			if (!cs->present)
				continue;
			fprintf(out,
				"  cpu %d: entries %" PRIu64 " (in buffer %" PRIu64
				", decoded %" PRIu64 "), overrun %" PRIu64 ", read %" PRIu64
				", commit overrun %" PRIu64 ", dropped %" PRIu64 ", pages %" PRIu64
				" (%zu with data",
				c, cs->entries, in_buffer(cs), cs->nevents, cs->overrun, cs->read,
				cs->commit_overrun, cs->dropped_events, cs->nr_pages, cs->npages);
			if (cs->lost_pages)
				fprintf(out, ", %" PRIu64 " unreadable", cs->lost_pages);
			fprintf(out, ")%s\n", cs->damaged ? ", DAMAGED" : "");
		}
	}
	if (tr->ndiags) {
		fprintf(out, "could not read (%zu):\n", tr->ndiags);
		for (size_t i = 0; i < tr->ndiags; i++)
			fprintf(out, "  [%s] %s\n", pmt_err_code_id(tr->diags[i].code),
				tr->diags[i].msg);
	}
}

static void info_json(struct pmt_trace *tr, FILE *out)
{
	fputs("{\"type\":\"kernel\",\"release\":", out);
	output_json_string(out, tr->t->release, strlen(tr->t->release));
	fprintf(out,
		",\"kaslr_offset\":%" PRIu64 ",\"page_size\":%" PRIu64 ",\"word_size\":%u"
		",\"big_endian\":%s,\"online_cpus\":%d,\"kallsyms\":%zu,\"event_formats\":%zu"
		",\"status\":\"%s\"}\n",
		tr->t->kaslr_offset, tr->t->page_size, tr->t->word_size,
		tr->t->big_endian ? "true" : "false", tr->nr_online, kallsyms_count(tr->ksyms),
		tr->events ? tr->events->n : 0, status_name(pmt_trace_status(tr, NULL)));
	for (size_t i = 0; i < tr->modules.n; i++) {
		const struct kmodule *m = &tr->modules.mod[i];

		fputs("{\"type\":\"module\",\"name\":", out);
		output_json_string(out, m->name, strlen(m->name));
		fprintf(out, ",\"address\":%" PRIu64 ",\"base\":%" PRIu64 ",\"symbols\":%u}\n",
			m->addr, m->base, m->nsyms);
	}
	for (size_t i = 0; i < tr->nbufs; i++) {
		const struct trace_buf *b = &tr->bufs[i];
		const char *name = b->name ? b->name : "global";

		fputs("{\"type\":\"buffer\",\"buffer\":", out);
		output_json_string(out, name, strlen(name));
		fputs(",\"tracer\":", out);
		output_json_string(out, b->tracer, strlen(b->tracer));
		fprintf(out, ",\"subbuf_size\":%u,\"cpus\":%d}\n", b->subbuf_size, b->nr_cpus);
		for (int c = 0; c < b->nr_cpus; c++) {
			const struct cpu_stream *cs = &b->cpus[c];

			if (!cs->present)
				continue;
			fputs("{\"type\":\"cpu\",\"buffer\":", out);
			output_json_string(out, name, strlen(name));
			fprintf(out,
				",\"cpu\":%d,\"entries\":%" PRIu64 ",\"in_buffer\":%" PRIu64
				",\"decoded\":%" PRIu64 ",\"overrun\":%" PRIu64 ",\"read\":%" PRIu64
				",\"commit_overrun\":%" PRIu64 ",\"dropped_events\":%" PRIu64
				",\"nr_pages\":%" PRIu64
				",\"data_pages\":%zu,\"lost_pages\":%" PRIu64
				",\"missed_pages\":%" PRIu64 ",\"damaged\":%s}\n",
				c, cs->entries, in_buffer(cs), cs->nevents, cs->overrun, cs->read,
				cs->commit_overrun, cs->dropped_events, cs->nr_pages, cs->npages,
				cs->lost_pages, cs->missed_pages, cs->damaged ? "true" : "false");
		}
	}
	for (size_t i = 0; i < tr->ndiags; i++)
		pmt_write_json_diag(out, &tr->diags[i]);
}

struct pmt_err *pmt_write_info(struct pmt_trace *tr, bool json, FILE *out)
{
	/* the decoded counts need every page read once */
	for (size_t i = 0; i < tr->nbufs; i++)
		for (int c = 0; c < tr->bufs[i].nr_cpus; c++)
			if (tr->bufs[i].cpus[c].present && !tr->bufs[i].cpus[c].scanned)
				stream_scan(tr, &tr->bufs[i], &tr->bufs[i].cpus[c]);
	if (json)
		info_json(tr, out);
	else
		info_text(tr, out);
	return ferror(out) ? pmt_err_new(PMT_ERR_IO, "writing info failed") : NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_trace_load(): the one entry point that turns a target into a loaded
 * trace. Order matters only for messages: layouts first (a kernel we cannot
 * walk fails here, before any memory is read), then the buffers, then what
 * is needed to print events (formats, kallsyms, saved cmdlines). Each later
 * stage degrades gracefully: without formats we still have raw pages,
 * without kallsyms addresses print in hex, without cmdlines comms are <...>.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdlines.h"
#include "diag.h"
#include "event_db.h"
#include "kallsyms.h"
#include "merge.h"
#include "output.h"
#include "persistent.h"
#include "region_trace.h"
#include "stream.h"
#include "trace_internal.h"

struct pmt_err *pmt_trace_resolve_types(struct pmt_target *t)
{
	struct ftrace_layout L;
	struct pmt_err *err = ftrace_layout_resolve(t, &L);

	if (err)
		return err;
	modules_resolve_types(t);
	persist_resolve_types(t);
	return event_db_resolve_types(t);
}

static void read_online_cpus(struct pmt_trace *tr)
{
	uint32_t n;
	struct pmt_err *err;

	tr->nr_online = 0;
	if (!tr->L.sym_num_online_cpus.ok)
		return;
	err = pmt_read_u32(tr->t, tr->L.sym_num_online_cpus.addr, &n);
	if (err) {
		diag_degraded(tr, err, "__num_online_cpus (the header's #P is 0)");
		return;
	}
	tr->nr_online = (int)n;
}

/* Does the target have no kernel types at all (no debuginfo)? Then there is
 * no ftrace to read, which is not a problem of the dump. */
static bool no_types(struct pmt_target *t)
{
	uint64_t size;
	struct pmt_err *err = pmt_type_size(t, "struct list_head", &size);
	bool none = err && err->code == PMT_ERR_ABSENT;

	pmt_err_free(err);
	return none;
}

/* pmtrace's own buffers: found in the dump as asked, plus the given files. */
static void load_regions(struct pmt_trace *tr)
{
	unsigned int how = tr->opts.flags & PMT_LOAD_REGIONS_AUTO;

	if (tr->no_ftrace)
		how &= ~(unsigned int)(PMT_LOAD_REGIONS_SYMBOL | PMT_LOAD_REGIONS_SCAN_IF_NONE);
	if (how)
		region_trace_find(tr, how);
	for (const char *const *f = tr->opts.region_files; f && *f; f++) {
		struct pmt_err *err = region_trace_add_file(tr, *f);

		if (err)
			diag_err(tr, err, DIAG_NOWHERE, "region file");
	}
}

struct pmt_err *pmt_trace_load(struct pmt_target *t, const struct pmt_load_opts *opts,
			       struct pmt_trace **out)
{
	struct pmt_trace *tr;
	struct pmt_err *err;

	*out = NULL;
	if (!t->page_size || (t->word_size != 4 && t->word_size != 8))
		return pmt_err_new(PMT_ERR_INVALID, "target has no page size or word size");
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return &pmt_err_nomem;
	tr->t = t;
	if (opts)
		tr->opts = *opts;
	err = ftrace_layout_resolve(t, &tr->L);
	if (err && (tr->opts.flags & PMT_LOAD_REGIONS_SCAN) && no_types(t)) {
		/* no kernel types at all (no debuginfo): pmtrace's own buffers are
		 * still found by the scan; there is no ftrace to read */
		tr->no_ftrace = true;
		pmt_err_free(err);
		load_regions(tr);
		*out = tr;
		return NULL;
	}
	if (err) {
		pmt_trace_free(tr);
		return err;
	}
	persist_attach(tr);
	err = ftrace_walk_buffers(tr);
	if (err) {
		pmt_trace_free(tr);
		return err;
	}
	read_online_cpus(tr);
	if (!(tr->opts.flags & PMT_LOAD_NO_KALLSYMS)) {
		err = kallsyms_load(t, &tr->L, &tr->ksyms);
		if (err)
			diag_degraded(tr, err, "kallsyms (addresses print in hex)");
	}
	/* Types without struct module (an old profile) just mean no module
	 * list; damage in the list is a problem. */
	err = modules_load(t, &tr->modules);
	if (err && err->code == PMT_ERR_ABSENT)
		pmt_err_free(err);
	else if (err)
		diag_degraded(tr, err, "modules (module symbols unknown)");
	err = cmdlines_load(t, &tr->L, &tr->cmds);
	if (err)
		diag_degraded(tr, err, "saved cmdlines (comms print as <...>)");
	if (!(tr->opts.flags & PMT_LOAD_NO_EVENTS)) {
		err = event_db_load(tr, &tr->events);
		if (err)
			diag_degraded(tr, err, "event formats (events print raw)");
	}
	persist_finish(tr);
	load_regions(tr);
	if (tr->opts.flags & PMT_LOAD_SCAN)
		pmt_trace_scan(tr);
	*out = tr;
	return NULL;
}

struct pmt_err *pmt_trace_load_files(const struct pmt_load_opts *opts, struct pmt_trace **out)
{
	struct pmt_trace *tr = calloc(1, sizeof(*tr));
	struct pmt_err *err;

	*out = NULL;
	if (!tr)
		return &pmt_err_nomem;
	err = pmt_target_none(&tr->own_target);
	if (err) {
		free(tr);
		return err;
	}
	tr->t = tr->own_target;
	tr->no_ftrace = true;
	if (opts)
		tr->opts = *opts;
	tr->opts.flags &= ~(unsigned int)PMT_LOAD_REGIONS_AUTO;
	load_regions(tr);
	if (!tr->nregions) {
		pmt_trace_free(tr);
		return pmt_err_new(PMT_ERR_FORMAT,
				   "no pmtrace region could be read from the files");
	}
	*out = tr;
	return NULL;
}

void pmt_trace_free(struct pmt_trace *tr)
{
	if (!tr)
		return;
	for (size_t i = 0; i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];

		for (int c = 0; c < b->nr_cpus; c++) {
			struct cpu_stream *cs = &b->cpus[c];

			free(cs->pages);
		}
		free(b->cpus);
		persist_info_free(b->persist);
		free(b->name);
		free(b->tracer);
		free(b->clock);
	}
	free(tr->bufs);
	event_db_free(tr->events);
	kallsyms_free(tr->ksyms);
	cmdlines_free(tr->cmds);
	free(tr->hp_facts);
	modules_free(&tr->modules);
	persist_detach(tr);
	region_trace_free(tr);
	diag_free_all(tr);
	pmt_target_destroy(tr->own_target);
	free(tr);
}

void pmt_trace_load_formats(struct pmt_trace *tr)
{
	event_db_load_all(tr->events);
}

void pmt_trace_scan(struct pmt_trace *tr)
{
	for (size_t i = 0; i < tr->nbufs; i++)
		for (int c = 0; c < tr->bufs[i].nr_cpus; c++)
			if (tr->bufs[i].cpus[c].present)
				stream_scan(tr, &tr->bufs[i], &tr->bufs[i].cpus[c]);
}

/* Does a diagnostic concern what `filter` selects? */
static bool diag_selected(const struct pmt_trace *tr, const struct pmt_diag *d,
			  const struct pmt_filter *filter)
{
	if (!filter)
		return true;
	if (!d->buffer) {
		/* A degraded print is about the kernel's event formats, addresses
		 * or strings: it concerns ftrace buffers only (a region prints
		 * from its own event descriptions), so not a request that selects
		 * no ftrace buffer (--instance pmtrace). */
		if (!d->degraded)
			return true;
		for (size_t i = 0; i < tr->nbufs; i++)
			if (output_buffer_selected(filter, &tr->bufs[i]))
				return true;
		return false;
	}
	for (size_t i = 0; i < tr->nregions; i++)
		if (!strcmp(tr->regions[i].label, d->buffer))
			return region_selected(filter, &tr->regions[i]) &&
			       (d->cpu < 0 || filter_has_cpu(filter, d->cpu));
	for (size_t i = 0; i < tr->nbufs; i++) {
		const struct trace_buf *b = &tr->bufs[i];

		if (strcmp(buf_label(b), d->buffer))
			continue;
		return output_buffer_selected(filter, b) &&
		       (d->cpu < 0 || filter_has_cpu(filter, d->cpu));
	}
	return true; /* a buffer we never got hold of (e.g. an unreadable instance) */
}

enum pmt_status pmt_trace_status(const struct pmt_trace *tr, const struct pmt_filter *filter)
{
	uint64_t held = 0, recovered = 0;
	bool partial = false, scanned = true;

	if (!tr || tr->failed)
		return PMT_STATUS_FAILED;
	for (size_t i = 0; i < tr->ndiags; i++)
		partial |= diag_selected(tr, &tr->diags[i], filter);
	if (!partial)
		return PMT_STATUS_COMPLETE;
	/* Nothing recovered of what the kernel still held: failed. */
	for (size_t i = 0; i < tr->nbufs; i++) {
		const struct trace_buf *b = &tr->bufs[i];

		if (filter && !output_buffer_selected(filter, b))
			continue;
		for (int c = 0; c < b->nr_cpus; c++) {
			const struct cpu_stream *cs = &b->cpus[c];

			if (!cs->present || !filter_has_cpu(filter, c))
				continue;
			held += cs->entries - (cs->overrun + cs->read);
			recovered += cs->nevents;
			scanned &= cs->scanned;
		}
	}
	if (scanned && held && !recovered)
		return PMT_STATUS_FAILED;
	return PMT_STATUS_PARTIAL;
}

size_t pmt_trace_diag_count(const struct pmt_trace *tr)
{
	return tr ? tr->ndiags : 0;
}

const struct pmt_diag *pmt_trace_diag(const struct pmt_trace *tr, size_t i)
{
	return tr && i < tr->ndiags ? &tr->diags[i] : NULL;
}

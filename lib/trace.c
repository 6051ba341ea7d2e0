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
#include "event_db.h"
#include "kallsyms.h"
#include "trace_internal.h"

static void diag_push(struct pmt_trace *tr, char *msg)
{
	if (!msg)
		return;
	if (tr->ndiags == tr->diags_cap) {
		size_t cap = tr->diags_cap ? tr->diags_cap * 2 : 16;
		char **d = realloc(tr->diags, cap * sizeof(*d));

		if (!d) {
			free(msg);
			return;
		}
		tr->diags = d;
		tr->diags_cap = cap;
	}
	tr->diags[tr->ndiags++] = msg;
	tr->partial = true;
	if (tr->opts && tr->opts->on_diag)
		tr->opts->on_diag(tr->opts->diag_arg, msg);
}

void trace_diag(struct pmt_trace *tr, const char *fmt, ...)
{
	char *msg;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	diag_push(tr, msg);
}

void trace_diag_err(struct pmt_trace *tr, struct pmt_err *err, const char *fmt, ...)
{
	char *ctx, *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	if (asprintf(&msg, "%s: %s%s", ctx ? ctx : "?", err->msg,
		     err->code == PMT_ERR_NODATA && !strstr(err->msg, "filtered")
			     ? " (filtered out of the dump)"
			     : "") < 0)
		msg = NULL;
	free(ctx);
	pmt_err_free(err);
	diag_push(tr, msg);
}

struct pmt_err *pmt_trace_resolve_types(struct pmt_target *t)
{
	struct ftrace_layout L;
	struct pmt_err *err = ftrace_layout_resolve(t, &L);

	if (err)
		return err;
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
		trace_diag_err(tr, err, "__num_online_cpus");
		return;
	}
	tr->nr_online = (int)n;
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
	tr->opts = opts;
	err = ftrace_layout_resolve(t, &tr->L);
	if (err) {
		pmt_trace_free(tr);
		return err;
	}
	err = ftrace_walk_buffers(tr);
	if (err) {
		pmt_trace_free(tr);
		return err;
	}
	read_online_cpus(tr);
	if (!opts || !(opts->flags & PMT_LOAD_NO_KALLSYMS)) {
		err = kallsyms_load(t, &tr->L, &tr->ksyms);
		if (err)
			trace_diag_err(tr, err, "kallsyms (addresses print in hex)");
	}
	err = cmdlines_load(t, &tr->L, &tr->cmds);
	if (err)
		trace_diag_err(tr, err, "saved cmdlines (comms print as <...>)");
	if (!opts || !(opts->flags & PMT_LOAD_NO_EVENTS)) {
		err = event_db_load(tr, &tr->events);
		if (err)
			trace_diag_err(tr, err, "event formats (events print raw)");
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
			free(cs->page_addrs);
			free(cs->page_start);
			free(cs->page_start_ts);
			free(cs->events);
		}
		free(b->cpus);
		free(b->name);
		free(b->tracer);
		free(b->clock);
	}
	free(tr->bufs);
	event_db_free(tr->events);
	kallsyms_free(tr->ksyms);
	cmdlines_free(tr->cmds);
	for (size_t i = 0; i < tr->ndiags; i++)
		free(tr->diags[i]);
	free(tr->diags);
	free(tr);
}

enum pmt_status pmt_trace_status(const struct pmt_trace *tr)
{
	if (!tr || tr->failed)
		return PMT_STATUS_FAILED;
	return tr->partial ? PMT_STATUS_PARTIAL : PMT_STATUS_COMPLETE;
}

size_t pmt_trace_diag_count(const struct pmt_trace *tr)
{
	return tr ? tr->ndiags : 0;
}

const char *pmt_trace_diag(const struct pmt_trace *tr, size_t i)
{
	return tr && i < tr->ndiags ? tr->diags[i] : NULL;
}

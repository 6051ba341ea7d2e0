// SPDX-License-Identifier: GPL-2.0-or-later
/* Typed diagnostics of a loaded trace (see diag.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "trace_internal.h"

static void diag_push(struct pmt_trace *tr, enum pmt_err_code code, struct diag_where w,
		      uint64_t addr, bool degraded, char *ctx, const char *detail)
{
	struct pmt_diag *d;
	char cpu[32] = "";
	char *msg;

	if (!ctx)
		return;
	if (tr->ndiags == tr->diags_cap) {
		size_t cap = tr->diags_cap ? tr->diags_cap * 2 : 16;
		struct pmt_diag *nd = realloc(tr->diags, cap * sizeof(*nd));

		if (!nd) {
			free(ctx);
			tr->partial = true;
			return;
		}
		tr->diags = nd;
		tr->diags_cap = cap;
	}
	if (w.cpu >= 0)
		snprintf(cpu, sizeof(cpu), "cpu %d: ", w.cpu);
	if (asprintf(&msg, "%s%s%s%s%s%s", w.buffer ? w.buffer : "", w.buffer ? ": " : "", cpu, ctx,
		     detail ? ": " : "", detail ? detail : "") < 0) {
		free(ctx);
		tr->partial = true;
		return;
	}
	free(ctx);
	d = &tr->diags[tr->ndiags];
	memset(d, 0, sizeof(*d));
	d->code = code;
	d->buffer = w.buffer ? strdup(w.buffer) : NULL;
	d->cpu = w.cpu;
	d->page = w.page;
	d->addr = addr;
	d->degraded = degraded;
	d->msg = msg;
	tr->ndiags++;
	tr->partial = true;
	if (tr->opts.on_diag)
		tr->opts.on_diag(tr->opts.diag_arg, d);
}

void diag_add(struct pmt_trace *tr, enum pmt_err_code code, struct diag_where w, uint64_t addr,
	      const char *fmt, ...)
{
	char *ctx;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	diag_push(tr, code, w, addr, false, ctx, NULL);
}

void diag_err(struct pmt_trace *tr, struct pmt_err *err, struct diag_where w, const char *fmt, ...)
{
	char *ctx;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	diag_push(tr, err->code, w, err->addr, false, ctx, err->msg);
	pmt_err_free(err);
}

void diag_degraded(struct pmt_trace *tr, struct pmt_err *err, const char *fmt, ...)
{
	char *ctx;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0)
		ctx = NULL;
	va_end(ap);
	diag_push(tr, err->code, DIAG_NOWHERE, err->addr, true, ctx, err->msg);
	pmt_err_free(err);
}

void diag_free_all(struct pmt_trace *tr)
{
	for (size_t i = 0; i < tr->ndiags; i++) {
		free((char *)tr->diags[i].buffer);
		free((char *)tr->diags[i].msg);
	}
	free(tr->diags);
	tr->diags = NULL;
	tr->ndiags = tr->diags_cap = 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The writer's page walker: the one page decoder (page_decoder.h) on our own
 * little-endian pages, shaped for the writer's accounting, the consumers and
 * the recovery validator. It refuses anything that does not fit in the
 * committed length; every step advances by at least 4 bytes, so a walk ends
 * after at most len / 4 steps whatever the bytes are.
 */
#include "event.h"

int pmt_walk_next(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why)
{
	struct pmt_pd_cursor c;
	struct pmt_pd_rec r;
	uint32_t need;
	int rc;

	pmt_pd_init(&c, w->data, w->len, w->ts, false);
	c.pos = w->off;
	c.done = w->done;
	rc = pmt_pd_next(&c, &r, why, &need);
	ev->off = w->off;
	ev->ts = c.ts;
	ev->payload = NULL;
	ev->len = 0;
	w->done = c.done;
	if (rc)
		return -1;
	w->ts = c.ts;
	switch (r.kind) {
	case PMT_PD_DATA:
		ev->kind = PMT_WALK_DATA;
		ev->payload = r.payload;
		ev->len = r.len;
		break;
	case PMT_PD_DISCARD:
		ev->kind = PMT_WALK_DISCARD;
		break;
	case PMT_PD_EXTEND:
		ev->kind = PMT_WALK_EXTEND;
		break;
	case PMT_PD_ABS:
		ev->kind = PMT_WALK_STAMP;
		break;
	case PMT_PD_PADDING:
	case PMT_PD_END:
	default:
		ev->kind = PMT_WALK_END;
		w->off = w->len;
		w->done = true;
		return 0;
	}
	w->off = c.pos;
	return 0;
}

int pmt_walk_next_data(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why)
{
	for (;;) {
		if (pmt_walk_next(w, ev, why))
			return -1;
		if (ev->kind == PMT_WALK_END)
			return 0;
		if (ev->kind == PMT_WALK_DATA)
			return 1;
	}
}

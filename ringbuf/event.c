// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The bounded page walker shared by the writer's accounting, the consumers
 * and the recovery validator. It decodes exactly the kernel's event format
 * (see event.h and layout.h) and refuses anything that does not fit in the
 * committed length: an event header that would be read past the end, a
 * length of zero, or a padding event that claims more than is left. Every
 * step advances by at least 4 bytes, so a walk ends after at most len / 4
 * steps whatever the bytes are.
 */
#include "event.h"

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int pmt_walk_next(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why)
{
	const unsigned char *p;
	uint32_t left, word, type, delta, a0, size;

	ev->off = w->off;
	if (w->off >= w->len) {
		ev->kind = PMT_WALK_END;
		return 0;
	}
	left = w->len - w->off;
	if (left < 4 || (w->off & 3)) {
		*why = "event header runs past the committed length";
		return -1;
	}
	p = w->data + w->off;
	word = get32(p);
	type = word & ((1u << PMT_RB_TYPE_LEN_BITS) - 1);
	delta = word >> PMT_RB_TYPE_LEN_BITS;
	ev->payload = NULL;
	ev->len = 0;

	switch (type) {
	case PMT_RB_TYPE_PADDING:
		if (!delta) {
			/* rest of the committed area is padding */
			ev->kind = PMT_WALK_END;
			w->off = w->len;
			return 0;
		}
		if (left < 8) {
			*why = "discarded event header runs past the committed length";
			return -1;
		}
		a0 = get32(p + 4);
		if (a0 < 4 || a0 > left - 4 || (a0 & 3)) {
			*why = "discarded event length is out of bounds";
			return -1;
		}
		w->ts += delta;
		ev->kind = PMT_WALK_DISCARD;
		ev->ts = w->ts;
		w->off += 4 + a0;
		return 0;
	case PMT_RB_TYPE_TIME_EXTEND:
		if (left < 8) {
			*why = "time extend runs past the committed length";
			return -1;
		}
		w->ts += ((uint64_t)get32(p + 4) << PMT_RB_TS_SHIFT) | delta;
		ev->kind = PMT_WALK_EXTEND;
		ev->ts = w->ts;
		w->off += 8;
		return 0;
	case PMT_RB_TYPE_TIME_STAMP:
		if (left < 8) {
			*why = "absolute time stamp runs past the committed length";
			return -1;
		}
		/* the kernel keeps the bits above 59 of the running stamp */
		w->ts = (w->ts & ~((1ull << 59) - 1)) |
			((uint64_t)get32(p + 4) << PMT_RB_TS_SHIFT) | delta;
		ev->kind = PMT_WALK_STAMP;
		ev->ts = w->ts;
		w->off += 8;
		return 0;
	case 0:
		if (left < 8) {
			*why = "large event header runs past the committed length";
			return -1;
		}
		a0 = get32(p + 4);
		/* array[0] counts itself; the kernel's payload is >= 1 byte */
		if (a0 < 8 || a0 > left - 4) {
			*why = "large event length is out of bounds";
			return -1;
		}
		size = 4 + a0;
		ev->payload = p + 8;
		ev->len = a0 - 4;
		break;
	default:
		size = 4 + type * 4;
		if (size > left) {
			*why = "event runs past the committed length";
			return -1;
		}
		ev->payload = p + 4;
		ev->len = type * 4;
		break;
	}
	w->ts += delta;
	ev->kind = PMT_WALK_DATA;
	ev->ts = w->ts;
	w->off += (size + 3) & ~3u;
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

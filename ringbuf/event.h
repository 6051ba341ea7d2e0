/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel ring-buffer event encoding (writer side) and a bounded page walker.
 *
 * The writer only ever produces four shapes (little-endian bit layout, the
 * header word is type_len in bits 0..4, time_delta in bits 5..31):
 *
 *	data, payload <= 112:  [ len4/4 | delta ] [ payload, len4 bytes ]
 *	data, payload  > 112:  [ 0      | delta ] [ array0 = len4 + 4 ] [ payload ]
 *	time extend:           [ 30     | d&mask] [ d >> 27 ]
 *	discarded (padding):   [ 29     | 1     ] [ rem - 4 ]   rem >= 8 bytes
 *	end padding:           [ 29     | 0     ]               rem == 4 bytes
 *
 * where len4 is the payload rounded up to 4 (0 counts as 1) and an event of
 * 12 bytes total is grown to 16 (rb_calculate_event_length()).
 */
#ifndef PMTRACE_RINGBUF_EVENT_H
#define PMTRACE_RINGBUF_EVENT_H

#include "platform.h"

#include "pmtrace/layout.h"
#include "page_decoder.h"

/* Total bytes of a data event carrying `len` payload bytes. */
static inline uint32_t pmt_ev_size(uint32_t len)
{
	uint32_t total;

	if (!len)
		len = 1;
	if (len > PMT_RB_MAX_SMALL_DATA)
		total = ((len + 3) & ~3u) + 8;
	else
		total = ((len + 3) & ~3u) + 4;
	if (total == PMT_RB_LEN_TIME_EXTEND + PMT_RB_ALIGNMENT)
		total += PMT_RB_ALIGNMENT;
	return total;
}

static inline uint32_t pmt_ev_word(uint32_t type_len, uint32_t delta)
{
	return type_len | (delta << PMT_RB_TYPE_LEN_BITS);
}

static inline void pmt_ev_put32(void *at, uint32_t v)
{
	memcpy(at, &v, 4);
}

/* Write a data event header for a `total`-byte event; returns the payload. */
static inline void *pmt_ev_write_data(void *at, uint32_t total, uint32_t delta)
{
	unsigned char *p = at;

	if (total - 4 > PMT_RB_MAX_SMALL_DATA) {
		pmt_ev_put32(p, pmt_ev_word(0, delta));
		pmt_ev_put32(p + 4, total - 4);
		return p + 8;
	}
	pmt_ev_put32(p, pmt_ev_word((total - 4) / 4, delta));
	return p + 4;
}

/* A time extend carrying a delta of up to 59 bits; 8 bytes. */
static inline void pmt_ev_write_extend(void *at, uint64_t delta)
{
	unsigned char *p = at;

	pmt_ev_put32(
		p, pmt_ev_word(PMT_RB_TYPE_TIME_EXTEND, (uint32_t)(delta & PMT_RB_TS_DELTA_MASK)));
	pmt_ev_put32(p + 4, (uint32_t)(delta >> PMT_RB_TS_SHIFT));
}

/* Fill the `rem` bytes at the end of a page (rem is 0, 4, or >= 8). */
static inline void pmt_ev_write_pad(void *at, uint32_t rem)
{
	unsigned char *p = at;

	if (rem >= PMT_RB_MIN_PAD_EVENT) {
		pmt_ev_put32(p, pmt_ev_word(PMT_RB_TYPE_PADDING, 1));
		pmt_ev_put32(p + 4, rem - 4);
	} else if (rem >= 4) {
		pmt_ev_put32(p, pmt_ev_word(PMT_RB_TYPE_PADDING, 0));
	}
}

/*
 * Count the data events in `len` committed bytes of our own page, fast (the
 * writer calls it on a page it just filled, while it is still in cache):
 * the decoder's fast path, equal to what the walker yields.
 */
static inline uint32_t pmt_count_events(const unsigned char *data, uint32_t len)
{
	return pmt_pd_count_le(data, len);
}

/*
 * Turn a reserved data event of `total` bytes into nothing a reader shows,
 * keeping its time delta (readers do not add a discarded event's delta, as
 * the kernel's rb_update_read_stamp()): a time extend carrying the delta,
 * then a discarded event over the rest (total is 8 or >= 16, never 12).
 */
static inline void pmt_ev_write_discard(void *at, uint32_t total)
{
	unsigned char *p = at;
	uint32_t word, delta;

	memcpy(&word, p, 4);
	delta = word >> PMT_RB_TYPE_LEN_BITS;
	pmt_ev_write_extend(p, delta);
	if (total > PMT_RB_LEN_TIME_EXTEND)
		pmt_ev_write_pad(p + PMT_RB_LEN_TIME_EXTEND, total - PMT_RB_LEN_TIME_EXTEND);
}

/* What a walk step found. */
enum pmt_walk_kind {
	PMT_WALK_END = 0,
	PMT_WALK_DATA,
	PMT_WALK_DISCARD,
	PMT_WALK_EXTEND,
	PMT_WALK_STAMP,
};

/* A walk over one of our own (little-endian) pages: the decoder's cursor. */
struct pmt_walk {
	const unsigned char *data; /* first event */
	uint32_t len;		   /* committed bytes */
	uint32_t off;		   /* next event */
	uint64_t ts;		   /* running time stamp */
	bool done;
};

struct pmt_walk_ev {
	enum pmt_walk_kind kind;
	uint32_t off; /* of the event in the data area */
	uint64_t ts;
	const void *payload;
	uint32_t len;
};

/*
 * Start walking a data page whose data area is `data`, `len` committed bytes,
 * base time stamp `ts`.
 */
static inline void pmt_walk_init(struct pmt_walk *w, const void *data, uint32_t len, uint64_t ts)
{
	w->data = data;
	w->len = len;
	w->off = 0;
	w->ts = ts;
	w->done = false;
}

/*
 * One step (pmt_pd_next() on the page). Returns 0 and fills *ev (kind END at
 * the end, padding included), or -1 with *why set to a static description
 * of the encoding error at w->off. Reads only [data, data + len).
 */
int pmt_walk_next(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why);

/* Next data event (skips padding/extends); 1 found, 0 end, -1 error. */
int pmt_walk_next_data(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why);

#endif

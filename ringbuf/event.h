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

#include <stdint.h>
#include <string.h>

#include "pmtrace/layout.h"

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
 * writer calls it on a page it just filled, while it is still in cache).
 * Bounded like the walker: stops at the first malformed event.
 */
static inline uint32_t pmt_count_events(const unsigned char *data, uint32_t len)
{
	uint32_t off = 0, n = 0;

	while (off + 4 <= len) {
		uint32_t word, type, size;

		memcpy(&word, data + off, 4);
		type = word & 31;
		if (type >= 1 && type <= PMT_RB_TYPE_DATA_MAX) {
			size = 4 + type * 4;
			n++;
		} else if (type == PMT_RB_TYPE_TIME_EXTEND || type == PMT_RB_TYPE_TIME_STAMP) {
			size = 8;
		} else if (type == PMT_RB_TYPE_PADDING && !(word >> PMT_RB_TYPE_LEN_BITS)) {
			break;
		} else {
			if (off + 8 > len)
				break;
			memcpy(&size, data + off + 4, 4);
			if (size < 4 || size > len - off - 4)
				break;
			size = (size + 4 + 3) & ~3u;
			n += type == 0;
		}
		if (size > len - off)
			break;
		off += size;
	}
	return n;
}

/* What a walk step found. */
enum pmt_walk_kind {
	PMT_WALK_END = 0,
	PMT_WALK_DATA,
	PMT_WALK_DISCARD,
	PMT_WALK_EXTEND,
	PMT_WALK_STAMP,
};

struct pmt_walk {
	const unsigned char *data; /* first event */
	uint32_t len;		   /* committed bytes */
	uint32_t off;		   /* next event */
	uint64_t ts;		   /* running time stamp */
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
}

/*
 * One step. Returns 0 and fills *ev (kind END at the end), or -1 with *why
 * set to a static description of the encoding error at w->off. Reads only
 * [data, data + len).
 */
int pmt_walk_next(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why);

/* Next data event (skips padding/extends); 1 found, 0 end, -1 error. */
int pmt_walk_next_data(struct pmt_walk *w, struct pmt_walk_ev *ev, const char **why);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * THE decoder of ring-buffer data pages in the Linux kernel's format
 * (include/pmtrace/layout.h part 1). Everything that reads such a page goes
 * through it: the writer's own walker (ringbuf/event.c), the recovery
 * validator (ringbuf/region.c), the kernel module, and the reader side
 * (lib/page_decode.c is a thin wrapper that turns its verdicts into
 * struct pmt_err). It allocates nothing and reports errors as static
 * strings, so it builds unchanged in the kernel module.
 *
 * Time stamps follow the kernel's reader, rb_update_read_stamp(): a page
 * starts at its time_stamp; a data event adds its time_delta; a time extend
 * adds (array[0] << 27 | time_delta); an absolute time stamp replaces the
 * running value (bits 59..63 restored from it, rb_fix_abs_ts()); padding and
 * discarded events do NOT move the clock.
 *
 * Bounds: every length is checked against the committed size before the
 * bytes are read; a record that would run past `commit` is corrupt and ends
 * the page, leaving the records before it intact. Every record advances the
 * cursor by at least 4 bytes, so a page ends after at most commit / 4 steps.
 */
#ifndef PMTRACE_RINGBUF_PAGE_DECODER_H
#define PMTRACE_RINGBUF_PAGE_DECODER_H

#include "platform.h"

#include "pmtrace/layout.h"

enum pmt_pd_kind {
	PMT_PD_END = 0, /* nothing more on this page */
	PMT_PD_DATA,	/* a data event: payload in payload/len */
	PMT_PD_DISCARD, /* a discarded event (padding with a length) */
	PMT_PD_PADDING, /* padding to the end of the committed data; the page ends */
	PMT_PD_EXTEND,	/* time extend */
	PMT_PD_ABS,	/* absolute time stamp */
};

struct pmt_pd_rec {
	enum pmt_pd_kind kind;
	uint32_t off;		/* of the event header, from the start of data[] */
	uint32_t length;	/* whole record, header included */
	uint64_t ts;		/* running time stamp after this record */
	const uint8_t *payload; /* PMT_PD_DATA only */
	uint32_t len;		/* payload bytes, a multiple of 4 (PMT_PD_DATA only) */
};

struct pmt_pd_cursor {
	const uint8_t *data; /* data[] of the page */
	uint32_t commit;     /* committed bytes of data[] */
	uint32_t pos;	     /* next record */
	uint64_t ts;	     /* running time stamp */
	bool big_endian;
	bool done;
};

static inline void pmt_pd_init(struct pmt_pd_cursor *c, const void *data, uint32_t commit,
			       uint64_t ts, bool big_endian)
{
	c->data = (const uint8_t *)data;
	c->commit = commit;
	c->pos = 0;
	c->ts = ts;
	c->big_endian = big_endian;
	c->done = false;
}

/* Bits 59..63 of the running stamp that an absolute time stamp does not carry. */
#define PMT_PD_TS_MSB (0x1full << 59)

static inline uint64_t pmt_pd_fix_abs_ts(uint64_t abs, uint64_t running)
{
	if (running & PMT_PD_TS_MSB) {
		abs |= running & PMT_PD_TS_MSB;
		if (abs < running) /* the low bits wrapped since the running value */
			abs += 1ull << 59;
	}
	return abs;
}

static inline uint32_t pmt_pd_get32(const struct pmt_pd_cursor *c, const uint8_t *p)
{
	if (c->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/*
 * Decode the next record into *r. Returns 0 with r->kind set (PMT_PD_END
 * when the page is done; the cursor stays done), or -1 when the record at
 * c->pos is malformed: *why is a static description, *need the bytes the
 * record would need, and the cursor is done.
 */
static inline int pmt_pd_next(struct pmt_pd_cursor *c, struct pmt_pd_rec *r, const char **why,
			      uint32_t *need)
{
	const uint8_t *p;
	uint32_t word, type_len, delta, array0 = 0;
	uint64_t length;

	r->kind = PMT_PD_END;
	r->off = c->pos;
	r->length = 0;
	r->ts = c->ts;
	r->payload = NULL;
	r->len = 0;
	if (c->done || c->pos > c->commit || c->commit - c->pos < PMT_RB_EVNT_HDR_SIZE) {
		c->done = true;
		return 0;
	}
	p = c->data + c->pos;
	word = pmt_pd_get32(c, p);
	if (c->big_endian) {
		type_len = word >> (32 - PMT_RB_TYPE_LEN_BITS);
		delta = word & PMT_RB_TS_DELTA_MASK;
	} else {
		type_len = word & ((1u << PMT_RB_TYPE_LEN_BITS) - 1);
		delta = word >> PMT_RB_TYPE_LEN_BITS;
	}
	/* everything but a short data event and a null padding has array[0] */
	if (type_len == 0 || type_len > PMT_RB_TYPE_DATA_MAX) {
		if (c->commit - c->pos < 8) {
			if (type_len == PMT_RB_TYPE_PADDING && delta == 0)
				goto padding;
			*why = "header runs past commit";
			*need = 8;
			goto bad;
		}
		array0 = pmt_pd_get32(c, p + 4);
	}
	switch (type_len) {
	case PMT_RB_TYPE_PADDING:
		if (delta == 0) {
		padding:
			r->kind = PMT_PD_PADDING;
			r->length = c->commit - c->pos;
			c->done = true;
			return 0;
		}
		/* a discarded event: skipped, and its delta is not added */
		length = (uint64_t)array0 + PMT_RB_EVNT_HDR_SIZE;
		r->kind = PMT_PD_DISCARD;
		break;
	case PMT_RB_TYPE_TIME_EXTEND:
		length = PMT_RB_LEN_TIME_EXTEND;
		r->kind = PMT_PD_EXTEND;
		c->ts += ((uint64_t)array0 << PMT_RB_TS_SHIFT) | delta;
		break;
	case PMT_RB_TYPE_TIME_STAMP:
		length = PMT_RB_LEN_TIME_STAMP;
		r->kind = PMT_PD_ABS;
		c->ts = pmt_pd_fix_abs_ts(((uint64_t)array0 << PMT_RB_TS_SHIFT) | delta, c->ts);
		break;
	case 0:
		/* array[0] counts itself and the payload */
		if (array0 < 4) {
			*why = "data length below 4";
			*need = 8;
			goto bad;
		}
		length = (uint64_t)array0 + PMT_RB_EVNT_HDR_SIZE;
		r->kind = PMT_PD_DATA;
		r->payload = p + 8;
		r->len = array0 - 4;
		c->ts += delta;
		break;
	default:
		length = (uint64_t)type_len * PMT_RB_ALIGNMENT + PMT_RB_EVNT_HDR_SIZE;
		r->kind = PMT_PD_DATA;
		r->payload = p + 4;
		r->len = type_len * PMT_RB_ALIGNMENT;
		c->ts += delta;
		break;
	}
	if (length < 8 && r->kind != PMT_PD_DATA) {
		*why = "record shorter than its header";
		*need = (uint32_t)length;
		goto bad;
	}
	if (length > c->commit - c->pos) {
		*why = "record runs past commit";
		*need = length > 0xffffffffull ? 0xffffffffu : (uint32_t)length;
		goto bad;
	}
	if (length % PMT_RB_ALIGNMENT) {
		*why = "misaligned record length";
		*need = (uint32_t)length;
		goto bad;
	}
	r->length = (uint32_t)length;
	r->ts = c->ts;
	c->pos += (uint32_t)length;
	return 0;
bad:
	r->kind = PMT_PD_END;
	c->done = true;
	return -1;
}

/*
 * The fast path: the number of data events the decoder yields on a
 * little-endian page before it ends or finds a malformed record (the writer
 * counts a page it just filled, while it is hot in the cache). Must agree
 * with pmt_pd_next() on every input: tests/ringbuf/fuzz_count.c checks it.
 */
static inline uint32_t pmt_pd_count_le(const uint8_t *data, uint32_t commit)
{
	uint32_t pos = 0, n = 0;

	while (commit - pos >= 4) {
		uint32_t word, type, size;

		memcpy(&word, data + pos, 4);
		type = word & 31;
		if (type >= 1 && type <= PMT_RB_TYPE_DATA_MAX) {
			size = 4 + type * 4;
			if (size > commit - pos)
				break;
			n++;
		} else if (type == PMT_RB_TYPE_PADDING && !(word >> PMT_RB_TYPE_LEN_BITS)) {
			break;
		} else {
			uint32_t a0;

			if (commit - pos < 8)
				break;
			if (type == PMT_RB_TYPE_TIME_EXTEND || type == PMT_RB_TYPE_TIME_STAMP) {
				size = 8;
			} else {
				memcpy(&a0, data + pos + 4, 4);
				/* type 0 needs array[0] >= 4; padding's length must cover its
				 * header */
				if (a0 < 4 || a0 > commit - pos - 4 || (a0 & 3))
					break;
				size = a0 + 4;
				n += type == 0;
			}
		}
		pos += size;
	}
	return n;
}

#endif

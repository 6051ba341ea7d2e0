// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ring-buffer page decoder (see page_decode.h for the contract and
 * include/pmtrace/layout.h for the encoding).
 *
 * Every length is checked against the committed size before the bytes are
 * touched: a record that would run past `commit` is CORRUPT and ends the
 * page, leaving the records decoded before it intact (salvage). The loop is
 * bounded because every record advances `pos` by at least 4 bytes.
 */
#include <inttypes.h>
#include <string.h>

#include "page_decode.h"
#include "pmtrace/layout.h"

/* The kernel keeps the top 5 bits of the 64-bit clock out of absolute
 * time-stamp events (TS_MSB in ring_buffer.c). */
#define TS_MSB_SHIFT 59
#define TS_MSB	     (0xfULL << TS_MSB_SHIFT)

static uint64_t get(const struct pmt_page_format *f, const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	if (f->big_endian) {
		for (unsigned int i = 0; i < n; i++)
			v = (v << 8) | p[i];
	} else {
		for (unsigned int i = n; i-- > 0;)
			v = (v << 8) | p[i];
	}
	return v;
}

void pmt_page_format_init(struct pmt_page_format *f, bool big_endian, unsigned int word_size,
			  uint32_t subbuf_size)
{
	f->big_endian = big_endian;
	f->commit_size = word_size;
	f->data_offset = PMT_RB_PAGE_DATA_OFFSET(word_size);
	f->subbuf_size = subbuf_size;
}

uint64_t pmt_fix_abs_ts(uint64_t abs, uint64_t running)
{
	if (running & TS_MSB) {
		abs |= running & TS_MSB;
		/* the low bits wrapped since the running value */
		if (abs < running)
			abs += 1ULL << TS_MSB_SHIFT;
	}
	return abs;
}

struct pmt_err *pmt_page_parse_header(const struct pmt_page_format *f, const uint8_t *page,
				      struct pmt_page_header *hdr)
{
	uint32_t area = f->subbuf_size > f->data_offset ? f->subbuf_size - f->data_offset : 0;
	uint64_t commit_word;

	memset(hdr, 0, sizeof(*hdr));
	hdr->time_stamp = get(f, page + PMT_RB_PAGE_TS_OFFSET, 8);
	commit_word = get(f, page + PMT_RB_PAGE_COMMIT_OFFSET, f->commit_size);
	/* The flags live in bits 30/31 of the commit word on every word size. */
	hdr->missed_events = commit_word & PMT_RB_MISSED_EVENTS;
	hdr->missed_stored = commit_word & PMT_RB_MISSED_STORED;
	commit_word &= ~(uint64_t)PMT_RB_MISSED_FLAGS;
	if (commit_word > area) {
		hdr->commit = area;
		return pmt_err_addr(PMT_ERR_CORRUPT, PMT_RB_PAGE_COMMIT_OFFSET,
				    "commit %" PRIu64 " beyond the %u-byte data area", commit_word,
				    area);
	}
	hdr->commit = (uint32_t)commit_word;
	if (hdr->missed_stored && hdr->commit + f->commit_size <= area)
		hdr->missed_count = get(f, page + f->data_offset + hdr->commit, f->commit_size);
	return NULL;
}

void pmt_page_cursor_init(struct pmt_page_cursor *c, const struct pmt_page_format *f,
			  const uint8_t *page, const struct pmt_page_header *hdr)
{
	c->fmt = f;
	c->page = page;
	c->commit = hdr->commit;
	c->pos = 0;
	c->ts = hdr->time_stamp;
	c->done = false;
}

static struct pmt_err *bad(struct pmt_page_cursor *c, const char *what, uint32_t need)
{
	uint32_t off = c->pos;

	c->done = true;
	return pmt_err_addr(PMT_ERR_CORRUPT, c->fmt->data_offset + off,
			    "event at data offset %u: %s (needs %u bytes, %u committed)", off, what,
			    need, c->commit);
}

struct pmt_err *pmt_page_next(struct pmt_page_cursor *c, struct pmt_page_record *rec, bool *got)
{
	const struct pmt_page_format *f = c->fmt;
	const uint8_t *data = c->page + f->data_offset;
	uint32_t hdr, type_len, delta, array0 = 0;
	uint64_t length;

	*got = false;
	if (c->done || c->pos + PMT_RB_EVNT_HDR_SIZE > c->commit) {
		c->done = true;
		return NULL;
	}
	hdr = (uint32_t)get(f, data + c->pos, 4);
	if (f->big_endian) {
		type_len = hdr >> (32 - PMT_RB_TYPE_LEN_BITS);
		delta = hdr & PMT_RB_TS_DELTA_MASK;
	} else {
		type_len = hdr & ((1u << PMT_RB_TYPE_LEN_BITS) - 1);
		delta = hdr >> PMT_RB_TYPE_LEN_BITS;
	}
	/* Everything but a short data event has array[0]. */
	if (type_len == 0 || type_len > PMT_RB_TYPE_DATA_MAX) {
		if (c->pos + 8 > c->commit) {
			if (type_len == PMT_RB_TYPE_PADDING && delta == 0)
				goto padding; /* a null pad needs no array[0] */
			return bad(c, "header runs past commit", 8);
		}
		array0 = (uint32_t)get(f, data + c->pos + 4, 4);
	}

	memset(rec, 0, sizeof(*rec));
	rec->offset = c->pos;
	switch (type_len) {
	case PMT_RB_TYPE_PADDING:
		if (delta == 0) {
		padding:
			/* rest of the page is padding */
			memset(rec, 0, sizeof(*rec));
			rec->kind = PMT_REC_PADDING;
			rec->offset = c->pos;
			rec->length = c->commit - c->pos;
			rec->ts = c->ts;
			c->done = true;
			*got = true;
			return NULL;
		}
		length = (uint64_t)array0 + PMT_RB_EVNT_HDR_SIZE;
		rec->kind = PMT_REC_DISCARDED;
		break;
	case PMT_RB_TYPE_TIME_EXTEND:
		length = 8;
		rec->kind = PMT_REC_EXTEND;
		c->ts += ((uint64_t)array0 << PMT_RB_TS_SHIFT) | delta;
		break;
	case PMT_RB_TYPE_TIME_STAMP:
		length = 8;
		rec->kind = PMT_REC_ABS_TIME;
		c->ts = pmt_fix_abs_ts(((uint64_t)array0 << PMT_RB_TS_SHIFT) | delta, c->ts);
		break;
	case 0:
		/* array[0] counts itself and the payload */
		if (array0 < 4)
			return bad(c, "data length below 4", 8);
		length = (uint64_t)array0 + PMT_RB_EVNT_HDR_SIZE;
		rec->kind = PMT_REC_DATA;
		rec->data = data + c->pos + 8;
		rec->len = array0 - 4;
		c->ts += delta;
		break;
	default:
		length = (uint64_t)type_len * PMT_RB_ALIGNMENT + PMT_RB_EVNT_HDR_SIZE;
		rec->kind = PMT_REC_DATA;
		rec->data = data + c->pos + 4;
		rec->len = type_len * PMT_RB_ALIGNMENT;
		c->ts += delta;
		break;
	}
	if (length < 8 && rec->kind != PMT_REC_DATA)
		return bad(c, "record shorter than its header", (uint32_t)length);
	if (c->pos + length > c->commit)
		return bad(c, "record runs past commit",
			   length > UINT32_MAX ? UINT32_MAX : (uint32_t)length);
	if (length % PMT_RB_ALIGNMENT)
		return bad(c, "misaligned record length", (uint32_t)length);
	rec->length = (uint32_t)length;
	rec->ts = c->ts;
	c->pos += (uint32_t)length;
	*got = true;
	return NULL;
}

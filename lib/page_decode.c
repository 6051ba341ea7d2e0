// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ring-buffer page decoder for the reader side (see page_decode.h for the
 * contract and include/pmtrace/layout.h for the encoding).
 *
 * The decoding itself is THE page decoder shared with the writer and the
 * kernel module (ringbuf/page_decoder.h); this file only adapts it to the
 * reader's API: it parses the page header for a target's word size and byte
 * order, and turns the decoder's verdicts into struct pmt_err values with
 * the offset in the page. A record that would run past `commit` is CORRUPT
 * and ends the page, leaving the records decoded before it intact.
 */
#include <inttypes.h>
#include <string.h>

#include "page_decode.h"
#include "pmtrace/layout.h"
#include "../ringbuf/page_decoder.h"

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
	return pmt_pd_fix_abs_ts(abs, running);
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

struct pmt_err *pmt_page_next(struct pmt_page_cursor *c, struct pmt_page_record *rec, bool *got)
{
	const struct pmt_page_format *f = c->fmt;
	struct pmt_pd_cursor pd;
	struct pmt_pd_rec r;
	const char *why = "";
	uint32_t need = 0;

	*got = false;
	pmt_pd_init(&pd, c->page + f->data_offset, c->commit, c->ts, f->big_endian);
	pd.pos = c->pos;
	pd.done = c->done;
	if (pmt_pd_next(&pd, &r, &why, &need)) {
		uint32_t off = c->pos;

		c->done = true;
		return pmt_err_addr(PMT_ERR_CORRUPT, f->data_offset + off,
				    "event at data offset %u: %s (needs %u bytes, %u committed)",
				    off, why, need, c->commit);
	}
	c->done = pd.done;
	if (r.kind == PMT_PD_END)
		return NULL;
	c->pos = pd.pos;
	c->ts = pd.ts;
	memset(rec, 0, sizeof(*rec));
	rec->offset = r.off;
	rec->length = r.length;
	rec->ts = r.ts;
	switch (r.kind) {
	case PMT_PD_DATA:
		rec->kind = PMT_REC_DATA;
		rec->data = r.payload;
		rec->len = r.len;
		break;
	case PMT_PD_DISCARD:
		rec->kind = PMT_REC_DISCARDED;
		break;
	case PMT_PD_PADDING:
		rec->kind = PMT_REC_PADDING;
		break;
	case PMT_PD_EXTEND:
		rec->kind = PMT_REC_EXTEND;
		break;
	case PMT_PD_ABS:
	default:
		rec->kind = PMT_REC_ABS_TIME;
		break;
	}
	*got = true;
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Page-at-a-time reading of CPU streams (see stream.h).
 *
 * Time stamps: a page is always decoded from its first record, even when
 * only the part from `start` on is unread, because the running time stamp at
 * `start` is the sum of everything before it (rb_update_read_stamp()).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "pmtrace/layout.h"
#include "stream.h"

bool stream_add_page(struct cpu_stream *cs, uint64_t addr, uint64_t bpage, uint32_t start)
{
	if (cs->npages == cs->pages_cap) {
		size_t cap = cs->pages_cap ? cs->pages_cap * 2 : 16;
		struct page_ref *p = realloc(cs->pages, cap * sizeof(*p));

		if (!p)
			return false;
		cs->pages = p;
		cs->pages_cap = cap;
	}
	cs->pages[cs->npages++] = (struct page_ref){ .addr = addr, .bpage = bpage, .start = start };
	return true;
}

static void put_uint(const struct pmt_page_format *f, uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (f->big_endian ? 8 * (n - 1 - i) : 8 * i));
}

static struct diag_where where(const struct trace_buf *b, const struct cpu_stream *cs,
			       const struct page_ref *r)
{
	return (struct diag_where){ .buffer = buf_label(b), .cpu = cs->cpu, .page = r->addr };
}

/* Report a problem on a page the first time the page is decoded. */
static void page_problem(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			 struct page_ref *r, struct pmt_err *err, const char *what,
			 enum page_state state)
{
	if (r->state == PAGE_UNSEEN) {
		diag_err(tr, err, where(b, cs, r), "%s page %#" PRIx64 "%s",
			 r->start ? "reader" : "data", r->addr, what);
		cs->damaged = true;
		r->state = (uint8_t)state;
	} else {
		pmt_err_free(err);
	}
}

bool stream_read_page(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs, size_t i,
		      struct stream_page *p)
{
	struct page_ref *r = &cs->pages[i];
	struct pmt_err *err;

	if (r->state == PAGE_LOST)
		return false;
	err = pmt_read(tr->t, r->addr, p->buf, b->subbuf_size);
	if (err) {
		page_problem(tr, b, cs, r, err, " skipped", PAGE_LOST);
		return false;
	}
	/* a bad commit is clamped: decode what the data area holds */
	err = pmt_page_parse_header(&b->fmt, p->buf, &p->hdr);
	if (err)
		page_problem(tr, b, cs, r, err, "", PAGE_DAMAGED);
	p->start = r->start;
	if (p->start > p->hdr.commit) {
		page_problem(tr, b, cs, r,
			     pmt_err_addr(PMT_ERR_CORRUPT, r->addr,
					  "read offset %u beyond commit %u", p->start,
					  p->hdr.commit),
			     "", PAGE_DAMAGED);
		p->start = p->hdr.commit;
	}
	return true;
}

enum raw_page_result stream_raw_page(struct pmt_trace *tr, struct trace_buf *b,
				     struct cpu_stream *cs, size_t i, uint8_t *out)
{
	const struct pmt_page_format *f = &b->fmt;
	struct stream_page p = { .buf = malloc(b->subbuf_size) };
	struct page_ref *r = &cs->pages[i];
	struct pmt_page_cursor pc;
	uint32_t good_end = 0;
	uint64_t start_ts;
	bool clean, got;

	if (!p.buf) {
		diag_err(tr, &pmt_err_nomem, where(b, cs, r), "raw page");
		return RAW_PAGE_LOST;
	}
	if (!stream_read_page(tr, b, cs, i, &p)) {
		free(p.buf);
		return RAW_PAGE_LOST;
	}
	clean = r->state != PAGE_DAMAGED;
	start_ts = p.hdr.time_stamp;
	pmt_page_cursor_init(&pc, f, p.buf, &p.hdr);
	for (;;) {
		struct pmt_page_record rec;
		struct pmt_err *err = pmt_page_next(&pc, &rec, &got);

		if (err) {
			page_problem(tr, b, cs, r, err, ": rest of page skipped", PAGE_DAMAGED);
			clean = false;
			break;
		}
		if (!got)
			break;
		if (rec.offset < p.start)
			start_ts = rec.ts;
		good_end = rec.offset + rec.length;
	}
	if (clean && r->state == PAGE_UNSEEN)
		r->state = PAGE_GOOD;
	if (good_end <= p.start) {
		free(p.buf);
		return RAW_PAGE_EMPTY;
	}
	if (p.start == 0 && clean) {
		memcpy(out, p.buf, b->subbuf_size);
	} else {
		memset(out, 0, b->subbuf_size);
		put_uint(f, out + PMT_RB_PAGE_TS_OFFSET, start_ts, 8);
		put_uint(f, out + PMT_RB_PAGE_COMMIT_OFFSET, good_end - p.start, f->commit_size);
		memcpy(out + f->data_offset, p.buf + f->data_offset + p.start, good_end - p.start);
	}
	free(p.buf);
	return RAW_PAGE_DATA;
}

struct pmt_err *cpu_cursor_init(struct cpu_cursor *c, struct pmt_trace *tr, struct trace_buf *b,
				struct cpu_stream *cs, size_t first)
{
	memset(c, 0, sizeof(*c));
	c->tr = tr;
	c->b = b;
	c->cs = cs;
	c->first = first;
	c->next_page = first;
	c->page.buf = malloc(b->subbuf_size ? b->subbuf_size : 1);
	return c->page.buf ? NULL : &pmt_err_nomem;
}

bool cpu_cursor_next(struct cpu_cursor *c)
{
	struct cpu_stream *cs = c->cs;

	for (;;) {
		struct pmt_page_record rec;
		struct page_ref *r;
		struct pmt_err *err;
		bool got;

		if (!c->in_page) {
			if (c->next_page >= cs->npages)
				return false;
			c->ev.page = c->next_page++;
			if (!stream_read_page(c->tr, c->b, cs, c->ev.page, &c->page))
				continue;
			pmt_page_cursor_init(&c->pc, &c->b->fmt, c->page.buf, &c->page.hdr);
			c->missed_pages += c->page.hdr.missed_events;
			c->in_page = true;
		}
		r = &cs->pages[c->ev.page];
		err = pmt_page_next(&c->pc, &rec, &got);
		if (err) {
			page_problem(c->tr, c->b, cs, r, err, ": rest of page skipped",
				     PAGE_DAMAGED);
			c->in_page = false;
			continue;
		}
		if (!got) {
			if (r->state == PAGE_UNSEEN)
				r->state = PAGE_GOOD;
			c->in_page = false;
			continue;
		}
		if (rec.kind != PMT_REC_DATA || rec.offset < c->page.start)
			continue;
		/* the tail is counted over all events, then the window applies */
		if (c->skip) {
			c->skip--;
			continue;
		}
		if (rec.ts < c->min_ts)
			continue;
		c->ev.ts = rec.ts;
		c->ev.data = rec.data;
		c->ev.len = rec.len;
		c->nevents++;
		return true;
	}
}

void cpu_cursor_free(struct cpu_cursor *c)
{
	struct cpu_stream *cs = c->cs;

	/* a pass over the whole stream leaves its counts behind */
	if (cs && c->first == 0 && c->next_page >= cs->npages && !c->in_page) {
		cs->nevents = c->nevents;
		cs->missed_pages = c->missed_pages;
		cs->lost_pages = 0;
		for (size_t i = 0; i < cs->npages; i++)
			cs->lost_pages += cs->pages[i].state == PAGE_LOST;
		cs->scanned = true;
	}
	free(c->page.buf);
	c->page.buf = NULL;
	c->cs = NULL;
}

void stream_scan(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs)
{
	struct cpu_cursor c;
	struct pmt_err *err = cpu_cursor_init(&c, tr, b, cs, 0);

	if (err) {
		diag_err(tr, err, (struct diag_where){ buf_label(b), cs->cpu, 0 }, "decoding");
		return;
	}
	while (cpu_cursor_next(&c))
		;
	cpu_cursor_free(&c);
}

/* Decode page i on its own: its unread data events and the newest one's time
 * stamp (false if the page could not be read). */
static bool page_summary(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs, size_t i,
			 uint64_t *count, uint64_t *last_ts)
{
	struct cpu_cursor c;

	*count = 0;
	if (cpu_cursor_init(&c, tr, b, cs, i))
		return false;
	while (cpu_cursor_next(&c) && c.ev.page == i) {
		(*count)++;
		*last_ts = c.ev.ts;
	}
	cpu_cursor_free(&c);
	return cs->pages[i].state != PAGE_LOST;
}

size_t stream_tail_start(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			 uint64_t n, uint64_t *skip)
{
	uint64_t have = 0, count, ts;

	*skip = 0;
	for (size_t i = cs->npages; i-- > 0;) {
		if (!page_summary(tr, b, cs, i, &count, &ts))
			continue;
		have += count;
		if (have >= n) {
			*skip = have - n;
			return i;
		}
	}
	return 0;
}

bool stream_newest_ts(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
		      uint64_t *ts)
{
	uint64_t count;

	for (size_t i = cs->npages; i-- > 0;)
		if (page_summary(tr, b, cs, i, &count, ts) && count)
			return true;
	return false;
}

size_t stream_page_at(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs, uint64_t ts)
{
	struct stream_page p = { .buf = malloc(b->subbuf_size) };
	size_t i = cs->npages;

	if (!p.buf)
		return 0;
	/* A page's header time stamp is at or before its first event, and at or
	 * after every event of the page before it: from the last page whose
	 * header is before `ts`, nothing earlier can be at >= ts. */
	while (i-- > 0)
		if (stream_read_page(tr, b, cs, i, &p) && p.hdr.time_stamp < ts)
			break;
	free(p.buf);
	return i == SIZE_MAX ? 0 : i;
}

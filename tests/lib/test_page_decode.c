// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel page decoder on hand-built pages: every record type, the
 * kernel's time-stamp rules, boundary lengths, and malformed pages (which
 * must stop with CORRUPT after keeping what came before).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "page_decode.h"
#include "pmtrace/layout.h"

#define PAGE 4096

struct builder {
	uint8_t page[PAGE];
	uint32_t pos; /* offset in data[] */
	bool be;
};

static void put32(struct builder *b, uint32_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->page[off + i] = (uint8_t)(b->be ? v >> (24 - 8 * i) : v >> (8 * i));
}

static void put64(struct builder *b, uint32_t off, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		b->page[off + i] = (uint8_t)(b->be ? v >> (56 - 8 * i) : v >> (8 * i));
}

static void hdr(struct builder *b, uint32_t type_len, uint32_t delta)
{
	uint32_t w = b->be ? (type_len << 27) | delta : (delta << 5) | type_len;

	put32(b, 16 + b->pos, w);
}

static void data_event(struct builder *b, uint32_t delta, uint32_t len, uint8_t fill)
{
	uint32_t padded = (len + 3) & ~3u;

	if (padded <= PMT_RB_MAX_SMALL_DATA) {
		hdr(b, padded / 4, delta);
		memset(b->page + 16 + b->pos + 4, fill, padded);
		b->pos += 4 + padded;
	} else {
		hdr(b, 0, delta);
		put32(b, 16 + b->pos + 4, padded + 4);
		memset(b->page + 16 + b->pos + 8, fill, padded);
		b->pos += 8 + padded;
	}
}

static void extend(struct builder *b, uint64_t delta)
{
	hdr(b, PMT_RB_TYPE_TIME_EXTEND, (uint32_t)(delta & PMT_RB_TS_DELTA_MASK));
	put32(b, 16 + b->pos + 4, (uint32_t)(delta >> 27));
	b->pos += 8;
}

static void abs_ts(struct builder *b, uint64_t ts)
{
	hdr(b, PMT_RB_TYPE_TIME_STAMP, (uint32_t)(ts & PMT_RB_TS_DELTA_MASK));
	put32(b, 16 + b->pos + 4, (uint32_t)(ts >> 27));
	b->pos += 8;
}

static void discarded(struct builder *b, uint32_t delta, uint32_t total)
{
	hdr(b, PMT_RB_TYPE_PADDING, delta);
	put32(b, 16 + b->pos + 4, total - 4);
	b->pos += total;
}

static void finish(struct builder *b, uint64_t ts, uint32_t flags)
{
	put64(b, 0, ts);
	put64(b, 8, (uint64_t)b->pos | flags);
}

struct rec_list {
	struct pmt_page_record r[256];
	int n;
	struct pmt_err *err;
};

static void decode(struct builder *b, struct rec_list *out)
{
	struct pmt_page_format f;
	struct pmt_page_header h;
	struct pmt_page_cursor c;
	bool got;

	pmt_page_format_init(&f, b->be, 8, PAGE);
	memset(out, 0, sizeof(*out));
	out->err = pmt_page_parse_header(&f, b->page, &h);
	if (out->err)
		return;
	pmt_page_cursor_init(&c, &f, b->page, &h);
	while (out->n < 256) {
		out->err = pmt_page_next(&c, &out->r[out->n], &got);
		if (out->err || !got)
			return;
		out->n++;
	}
}

static void test_small_and_large_data(void **state)
{
	struct builder b = { 0 };
	struct rec_list l;

	(void)state;
	data_event(&b, 10, 8, 0xa1);   /* type_len 2 */
	data_event(&b, 20, 112, 0xa2); /* largest type_len (28) */
	data_event(&b, 30, 116, 0xa3); /* first array[0] length */
	finish(&b, 1000, 0);
	decode(&b, &l);
	assert_null(l.err);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[0].kind, PMT_REC_DATA);
	assert_int_equal(l.r[0].len, 8);
	assert_int_equal(l.r[0].ts, 1010);
	assert_int_equal(l.r[0].data[0], 0xa1);
	assert_int_equal(l.r[1].len, 112);
	assert_int_equal(l.r[1].ts, 1030);
	assert_int_equal(l.r[1].length, 116);
	assert_int_equal(l.r[2].len, 116);
	assert_int_equal(l.r[2].length, 124);
	assert_int_equal(l.r[2].data[0], 0xa3);
	assert_int_equal(l.r[2].data[115], 0xa3);
	assert_int_equal(l.r[2].ts, 1060);
}

static void test_time_rules(void **state)
{
	struct builder b = { 0 };
	struct rec_list l;
	uint64_t big = (5ULL << 27) | 7;

	(void)state;
	data_event(&b, 1, 4, 1);
	extend(&b, big);	  /* adds (array0 << 27) | delta */
	data_event(&b, 2, 4, 2);
	discarded(&b, 999, 16);	  /* padding does not move the clock */
	data_event(&b, 3, 4, 3);
	abs_ts(&b, 123456789012ULL); /* replaces the running value */
	data_event(&b, 4, 4, 4);
	finish(&b, 100, 0);
	decode(&b, &l);
	assert_null(l.err);
	assert_int_equal(l.n, 7);
	assert_int_equal(l.r[0].ts, 101);
	assert_int_equal(l.r[1].kind, PMT_REC_EXTEND);
	assert_int_equal(l.r[2].ts, 101 + big + 2);
	assert_int_equal(l.r[3].kind, PMT_REC_DISCARDED);
	assert_int_equal(l.r[3].length, 16);
	assert_int_equal(l.r[4].ts, 101 + big + 2 + 3);
	assert_int_equal(l.r[5].kind, PMT_REC_ABS_TIME);
	assert_int_equal(l.r[6].ts, 123456789012ULL + 4);
}

static void test_padding_to_end(void **state)
{
	struct builder b = { 0 };
	struct rec_list l;

	(void)state;
	data_event(&b, 5, 16, 9);
	hdr(&b, PMT_RB_TYPE_PADDING, 0); /* null padding: the rest of the page */
	b.pos = PAGE - 16;		 /* commit covers the whole data area */
	finish(&b, 0, 0);
	decode(&b, &l);
	assert_null(l.err);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.r[1].kind, PMT_REC_PADDING);
	assert_int_equal(l.r[1].length, PAGE - 16 - 20);
}

static void test_full_page_of_events(void **state)
{
	struct builder b = { 0 };
	struct rec_list l;

	(void)state;
	/* 4080 bytes of data area filled exactly by one array[0] event */
	data_event(&b, 1, PAGE - 16 - 8, 0x55);
	finish(&b, 7, 0);
	assert_int_equal(b.pos, PAGE - 16);
	decode(&b, &l);
	assert_null(l.err);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.r[0].len, PAGE - 16 - 8);
	assert_int_equal(l.r[0].data[PAGE - 16 - 9], 0x55);
}

static void test_missed_flags(void **state)
{
	struct builder b = { 0 };
	struct pmt_page_format f;
	struct pmt_page_header h;

	(void)state;
	data_event(&b, 1, 4, 1);
	put64(&b, 16 + b.pos, 42); /* stored missed count after the data */
	finish(&b, 0, PMT_RB_MISSED_EVENTS | PMT_RB_MISSED_STORED);
	pmt_page_format_init(&f, false, 8, PAGE);
	assert_null(pmt_page_parse_header(&f, b.page, &h));
	assert_true(h.missed_events);
	assert_true(h.missed_stored);
	assert_int_equal(h.commit, 8);
	assert_int_equal(h.missed_count, 42);
}

static void test_big_endian(void **state)
{
	struct builder b = { .be = true };
	struct rec_list l;

	(void)state;
	data_event(&b, 3, 12, 0x77);
	extend(&b, 1ULL << 30);
	data_event(&b, 1, 200, 0x78);
	finish(&b, 50, 0);
	decode(&b, &l);
	assert_null(l.err);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.r[0].ts, 53);
	assert_int_equal(l.r[0].len, 12);
	assert_int_equal(l.r[2].ts, 53 + (1ULL << 30) + 1);
	assert_int_equal(l.r[2].len, 200);
}

static void test_commit_beyond_page(void **state)
{
	struct builder b = { 0 };
	struct pmt_page_format f;
	struct pmt_page_header h;
	struct pmt_err *err;

	(void)state;
	data_event(&b, 1, 4, 1);
	finish(&b, 0, 0);
	put64(&b, 8, PAGE); /* more than the 4080-byte data area */
	pmt_page_format_init(&f, false, 8, PAGE);
	err = pmt_page_parse_header(&f, b.page, &h);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_CORRUPT);
	assert_int_equal(h.commit, PAGE - 16); /* clamped for salvage */
	pmt_err_free(err);
}

static void test_record_past_commit_keeps_earlier(void **state)
{
	struct builder b = { 0 };
	struct rec_list l;

	(void)state;
	data_event(&b, 1, 8, 1);
	data_event(&b, 1, 8, 2);
	hdr(&b, 0, 1);
	put32(&b, 16 + b.pos + 4, 4000); /* claims far more than committed */
	b.pos += 8;
	finish(&b, 0, 0);
	decode(&b, &l);
	assert_int_equal(l.n, 2);
	assert_non_null(l.err);
	assert_int_equal(l.err->code, PMT_ERR_CORRUPT);
	pmt_err_free(l.err);
}

static void test_abs_ts_top_bits(void **state)
{
	uint64_t running = (3ULL << 59) | 1000;

	(void)state;
	assert_int_equal(pmt_fix_abs_ts(2000, running), (3ULL << 59) | 2000);
	/* the low bits wrapped: carry into the top bits */
	assert_int_equal(pmt_fix_abs_ts(500, running), (4ULL << 59) | 500);
	assert_int_equal(pmt_fix_abs_ts(500, 1000), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_and_large_data),
		cmocka_unit_test(test_time_rules),
		cmocka_unit_test(test_padding_to_end),
		cmocka_unit_test(test_full_page_of_events),
		cmocka_unit_test(test_missed_flags),
		cmocka_unit_test(test_big_endian),
		cmocka_unit_test(test_commit_beyond_page),
		cmocka_unit_test(test_record_past_commit_keeps_earlier),
		cmocka_unit_test(test_abs_ts_top_bits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

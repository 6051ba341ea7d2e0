// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Byte-exact checks of the kernel event encoding the writer produces: sizes,
 * type_len / array[0] boundaries, page-filling events, padding and discarded
 * events, time extends, absolute stamps (walker), and missed-event flags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pmtrace/ringbuf.h"
#include "event.h"

static uint32_t rd32(const void *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static struct pmt_rb *mk(uint32_t flags, uint32_t nr_ring)
{
	struct pmt_rb_opts o = { .nr_cpus = 1, .nr_ring = nr_ring, .flags = flags };
	struct pmt_rb *rb = NULL;

	assert_null(pmt_rb_create(&o, &rb));
	return rb;
}

/* The page currently written on cpu 0 (slot tail_slot of the ring). */
static const unsigned char *tail_page(struct pmt_rb *rb)
{
	size_t len;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	uint64_t moff = rd64(mem + PMT_REGION_HDR_FIXED);
	const struct pmt_cpu_meta *m = (const void *)(mem + moff);

	return mem + moff + m->pages_off + (uint64_t)m->tail_id * 4096;
}

static void test_sizes(void **state)
{
	(void)state;
	assert_int_equal(pmt_ev_size(0), 8);
	assert_int_equal(pmt_ev_size(1), 8);
	assert_int_equal(pmt_ev_size(4), 8);
	assert_int_equal(pmt_ev_size(5), 16); /* 12 is grown to 16 */
	assert_int_equal(pmt_ev_size(8), 16);
	assert_int_equal(pmt_ev_size(12), 16);
	assert_int_equal(pmt_ev_size(13), 20);
	assert_int_equal(pmt_ev_size(112), 116); /* largest type_len 28 */
	assert_int_equal(pmt_ev_size(113), 124); /* array[0] form */
	assert_int_equal(pmt_ev_size(116), 124);
	assert_int_equal(pmt_ev_size(117), 128);
}

static void test_small_and_large(void **state)
{
	struct pmt_rb *rb = mk(0, 4);
	unsigned char pay[200];
	const unsigned char *pg, *d;

	(void)state;
	for (unsigned i = 0; i < sizeof(pay); i++)
		pay[i] = (unsigned char)i;
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 112));
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 113));
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 8));
	pg = tail_page(rb);
	d = pg + 16;
	assert_int_equal(rd64(pg + 8), 116 + 124 + 16); /* commit */
	/* 112 bytes: type_len 28 */
	assert_int_equal(rd32(d) & 31, 28);
	assert_memory_equal(d + 4, pay, 112);
	/* 113 bytes: type_len 0, array[0] = 4 + 116 = 120 (counts itself) */
	assert_int_equal(rd32(d + 116) & 31, 0);
	assert_int_equal(rd32(d + 120), 120);
	assert_memory_equal(d + 124, pay, 113);
	/* 8 bytes: grown to 16 total, type_len 3 */
	assert_int_equal(rd32(d + 240) & 31, 3);
	assert_int_equal(rd32(d + 240) >> 5 < (1u << 27), 1);
	/* the first event's delta is relative to the page time stamp */
	{
		struct pmt_rb_event ev;

		assert_null(pmt_rb_consume(rb, 0, &ev));
		assert_int_equal(ev.len, 112);
		assert_int_equal(ev.ts, rd64(pg) + (rd32(d) >> 5));
		assert_null(pmt_rb_consume(rb, 0, &ev));
		assert_int_equal(ev.len, 113 + 3); /* rounded as the kernel reports it */
		assert_null(pmt_rb_consume(rb, 0, &ev));
		assert_int_equal(ev.len, 12);
		{
			struct pmt_err *err = pmt_rb_consume(rb, 0, &ev);

			assert_non_null(err);
			assert_int_equal(err->code, PMT_ERR_NODATA);
			pmt_err_free(err);
		}
	}
	pmt_rb_destroy(rb);
}

static void test_page_filling(void **state)
{
	struct pmt_rb *rb = mk(0, 4);
	static unsigned char pay[4096];
	const unsigned char *pg;
	struct pmt_rb_event ev;
	struct pmt_err *err;

	(void)state;
	assert_int_equal(pmt_rb_max_payload(rb), 4072);
	assert_false(pmt_rb_write_cpu(rb, 0, pay, 4073)); /* too big: dropped */
	memset(pay, 0xab, sizeof(pay));
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 4072));
	pg = tail_page(rb);
	assert_int_equal(rd64(pg + 8), 4080);
	assert_int_equal(rd32(pg + 16) & 31, 0);
	assert_int_equal(rd32(pg + 20), 4076);
	assert_null(pmt_rb_consume(rb, 0, &ev));
	assert_int_equal(ev.len, 4072);
	err = pmt_rb_consume(rb, 0, &ev);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_NODATA);
	pmt_err_free(err);
	pmt_rb_destroy(rb);
}

static void test_padding(void **state)
{
	struct pmt_rb *rb = mk(0, 4);
	static unsigned char pay[4096];
	const unsigned char *pg;
	struct pmt_rb_stats st;

	(void)state;
	/* 4000-byte payload = 4008 bytes; 72 left; a 100-byte event does not fit */
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 4000));
	pg = tail_page(rb);
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 100));
	/* old page: discarded event of 72 bytes, array[0] = 68, commit = 4080 */
	assert_int_equal(rd64(pg + 8), 4080);
	assert_int_equal(rd32(pg + 16 + 4008) & 31, 29);
	assert_int_equal(rd32(pg + 16 + 4008) >> 5, 1);
	assert_int_equal(rd32(pg + 16 + 4012), 68);
	assert_ptr_not_equal(tail_page(rb), pg);

	/* exactly 4 bytes left: end padding beyond the commit */
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 4068)); /* 4076 bytes on the new page? */
	pg = tail_page(rb);
	/* the 100-byte event (104) + 4068 (4076) do not fit together: new page */
	assert_int_equal(rd64(pg + 8), 4076);
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 4));
	assert_int_equal(rd64(pg + 8), 4076);
	assert_int_equal(rd32(pg + 16 + 4076), 29); /* type 29, delta 0 */
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.committed, 4);
	assert_int_equal(st.lost, 0);
	pmt_rb_destroy(rb);
}

static void test_discard(void **state)
{
	struct pmt_rb *rb = mk(0, 4);
	struct pmt_rb_res res;
	struct pmt_rb_event ev;
	const unsigned char *pg;
	uint32_t v = 7;
	void *p;

	(void)state;
	p = pmt_rb_reserve_cpu(rb, 0, 20, &res);
	assert_non_null(p);
	pmt_rb_discard(rb, &res);
	assert_true(pmt_rb_write_cpu(rb, 0, &v, 4));
	pg = tail_page(rb);
	/*
	 * Readers do not add a discarded event's delta (rb_update_read_stamp()),
	 * so the 24-byte event became a time extend carrying its delta and a
	 * 16-byte discarded event (delta 1, array[0] = 12).
	 */
	assert_int_equal(rd32(pg + 16) & 31, 30);
	assert_int_equal(rd32(pg + 24) & 31, 29);
	assert_int_equal(rd32(pg + 24) >> 5, 1);
	assert_int_equal(rd32(pg + 28), 12);
	assert_int_equal(rd32(pg + 40) & 31, 1); /* the next event, 4 bytes */
	assert_null(pmt_rb_consume(rb, 0, &ev));
	assert_int_equal(ev.len, 4);
	assert_int_equal(rd32(ev.data), 7);
	/* its time stamp: page + the discarded event's delta + its own */
	assert_int_equal(ev.ts, rd64(pg) + ((uint64_t)rd32(pg + 20) << 27 | rd32(pg + 16) >> 5) +
					(rd32(pg + 40) >> 5));
	pmt_rb_destroy(rb);
}

/* A discarded event's delta does not move the clock (the kernel's reader). */
static void test_discard_delta(void **state)
{
	uint32_t words[8] = { 0 };
	struct pmt_walk w;
	struct pmt_walk_ev ev;
	const char *why;

	(void)state;
	words[0] = 29 | (50u << 5); /* discarded, delta 50 */
	words[1] = 4;		    /* 8 bytes */
	words[2] = 1 | (7u << 5);   /* data, delta 7 */
	words[3] = 0xcccc;
	pmt_walk_init(&w, words, 16, 1000);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), 1);
	assert_int_equal(ev.ts, 1007);
	assert_int_equal(rd32(ev.payload), 0xcccc);
}

static void test_time_extend(void **state)
{
	struct pmt_rb *rb = mk(0, 4);
	struct timespec d = { 0, 150 * 1000 * 1000 }; /* > 2^27 ns */
	const unsigned char *pg;
	struct pmt_rb_event e1, e2;
	uint32_t v = 1, w;

	(void)state;
	assert_true(pmt_rb_write_cpu(rb, 0, &v, 4));
	nanosleep(&d, NULL);
	assert_true(pmt_rb_write_cpu(rb, 0, &v, 4));
	pg = tail_page(rb);
	assert_int_equal(rd64(pg + 8), 8 + 8 + 8);
	w = rd32(pg + 16 + 8);
	assert_int_equal(w & 31, 30);
	assert_int_equal(rd32(pg + 16 + 16) >> 5, 0); /* the data event after it: delta 0 */
	assert_null(pmt_rb_consume(rb, 0, &e1));
	assert_null(pmt_rb_consume(rb, 0, &e2));
	assert_int_equal(e2.ts - e1.ts, ((uint64_t)rd32(pg + 16 + 12) << 27) | (w >> 5));
	assert_true(e2.ts - e1.ts >= 150000000ull);
	pmt_rb_destroy(rb);
}

static void test_abs_stamp_walk(void **state)
{
	/* a hand-made page: data, absolute stamp, data, end padding */
	uint32_t words[16] = { 0 };
	struct pmt_walk w;
	struct pmt_walk_ev ev;
	const char *why;
	uint64_t abs = (5ull << 27) | 1234;

	(void)state;
	words[0] = 1 | (10u << 5);
	words[1] = 0xaaaa;
	words[2] = 31 | ((uint32_t)(abs & ((1u << 27) - 1)) << 5);
	words[3] = (uint32_t)(abs >> 27);
	words[4] = 1 | (3u << 5);
	words[5] = 0xbbbb;
	words[6] = 29; /* end padding */
	pmt_walk_init(&w, words, 28, 100);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), 1);
	assert_int_equal(ev.ts, 110);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), 1);
	assert_int_equal(ev.ts, abs + 3);
	assert_int_equal(rd32(ev.payload), 0xbbbb);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), 0);
	/* corrupt: an event claiming more than is committed */
	words[0] = 28;
	pmt_walk_init(&w, words, 28, 0);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), -1);
	/* corrupt: array[0] of a large event too short */
	words[0] = 0;
	words[1] = 2;
	pmt_walk_init(&w, words, 28, 0);
	assert_int_equal(pmt_walk_next_data(&w, &ev, &why), -1);
}

static void test_missed_flags(void **state)
{
	struct pmt_rb *rb = mk(0, 2);
	static unsigned char pay[4096];
	struct pmt_rb_page page;
	uint64_t commit;
	unsigned ok = 0, dropped = 0;

	(void)state;
	/* two ring pages of two 2008-byte events each; the rest is dropped */
	for (int i = 0; i < 7; i++) {
		if (pmt_rb_write_cpu(rb, 0, pay, 2000))
			ok++;
		else
			dropped++;
	}
	assert_int_equal(ok, 4);
	assert_int_equal(dropped, 3);
	assert_null(pmt_rb_read_page(rb, 0, 0, &page));
	commit = rd64((unsigned char *)page.data + 8);
	/* the closing padding (64 bytes) is dropped and the count stored there */
	assert_int_equal(commit, PMT_RB_MISSED_FLAGS | 4016u);
	assert_int_equal(rd64((unsigned char *)page.data + 16 + 4016), 3);
	pmt_rb_put_page(rb, &page);
	/* nothing new missed: no flags, padding kept */
	assert_null(pmt_rb_read_page(rb, 0, PMT_RB_FLUSH, &page));
	commit = rd64((unsigned char *)page.data + 8);
	assert_int_equal(commit, 4080);
	pmt_rb_put_page(rb, &page);
	pmt_rb_destroy(rb);

	/* an end with only 4 bytes free: flag, but no room for the count */
	rb = mk(0, 2);
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 2060)); /* 2068: 4076 used, 4 left */
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	assert_false(pmt_rb_write_cpu(rb, 0, pay, 2000));
	assert_null(pmt_rb_read_page(rb, 0, 0, &page));
	commit = rd64((unsigned char *)page.data + 8);
	assert_int_equal(commit, PMT_RB_MISSED_EVENTS | 4076u);
	pmt_rb_put_page(rb, &page);
	pmt_rb_destroy(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),	     cmocka_unit_test(test_small_and_large),
		cmocka_unit_test(test_page_filling), cmocka_unit_test(test_padding),
		cmocka_unit_test(test_discard),	     cmocka_unit_test(test_discard_delta),
		cmocka_unit_test(test_time_extend),  cmocka_unit_test(test_abs_stamp_walk),
		cmocka_unit_test(test_missed_flags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

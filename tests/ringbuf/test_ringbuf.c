// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Functional tests of the ring buffer: consuming and merged reads, the
 * non-consuming iterator, overwrite accounting, reader-page swaps and page
 * allocations, the external-reader meta protocol, idle-page reporting,
 * persistent reopen, and bad regions (truncated, garbage, foreign byte order,
 * other word size, newer ABI) which must fail cleanly without being written.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "pmtrace/ringbuf.h"
#include "region_view.h"

static struct pmt_rb *mk(uint32_t cpus, uint32_t ring, uint32_t flags)
{
	struct pmt_rb_opts o = { .nr_cpus = cpus, .nr_ring = ring, .flags = flags };
	struct pmt_rb *rb = NULL;

	assert_null(pmt_rb_create(&o, &rb));
	return rb;
}

static void test_consume_order(void **state)
{
	struct pmt_rb *rb = mk(1, 8, 0);
	struct pmt_rb_event ev;
	struct pmt_rb_stats st;
	struct pmt_err *err;
	uint64_t prev = 0;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++)
		assert_true(pmt_rb_write_cpu(rb, 0, &i, sizeof(i)));
	for (uint32_t i = 0; i < 1000; i++) {
		uint32_t v;

		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, i);
		assert_true(ev.ts >= prev);
		prev = ev.ts;
	}
	err = pmt_rb_consume(rb, 0, &ev);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_NODATA);
	pmt_err_free(err);
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.committed, 1000);
	assert_int_equal(st.read, 1000);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.lost, 0);
	pmt_rb_destroy(rb);
}

static void test_merged(void **state)
{
	struct pmt_rb *rb = mk(3, 8, 0);
	struct pmt_rb_event ev;
	uint64_t prev = 0;
	unsigned seen[3] = { 0 };

	(void)state;
	for (uint32_t i = 0; i < 300; i++)
		assert_true(pmt_rb_write_cpu(rb, (i * 7) % 3, &i, sizeof(i)));
	for (uint32_t i = 0; i < 300; i++) {
		uint32_t v;

		assert_null(pmt_rb_consume_merged(rb, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, i); /* written in order, so merged order is write order */
		assert_int_equal(ev.cpu, (i * 7) % 3);
		assert_true(ev.ts >= prev);
		prev = ev.ts;
		seen[ev.cpu]++;
	}
	assert_int_equal(seen[0], 100);
	assert_int_equal(seen[1], 100);
	assert_int_equal(seen[2], 100);
	pmt_err_free(pmt_rb_consume_merged(rb, &ev));
	pmt_rb_destroy(rb);
}

static void test_iterator(void **state)
{
	struct pmt_rb *rb = mk(1, 4, PMT_RB_OVERWRITE);
	struct pmt_rb_iter *it;
	struct pmt_rb_event ev;
	struct pmt_rb_stats st;
	uint32_t n = 0, first = 0, v;

	(void)state;
	/* 4 pages of 255 events (16 bytes each) hold 1020; write 3000 */
	for (uint32_t i = 0; i < 3000; i++) {
		uint32_t rec[3] = { i, ~i, 0 };

		assert_true(pmt_rb_write_cpu(rb, 0, rec, 12));
	}
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.committed, 3000);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.entries + st.overrun, 3000);
	assert_null(pmt_rb_iter_start(rb, 0, &it));
	for (struct pmt_err *err; !(err = pmt_rb_iter_next(it, &ev)) || (pmt_err_free(err), 0);) {
		memcpy(&v, ev.data, 4);
		if (!n)
			first = v;
		assert_int_equal(v, first + n);
		n++;
	}
	pmt_rb_iter_free(it);
	assert_int_equal(n, st.entries);
	assert_int_equal(first + n, 3000);
	assert_int_equal(first, st.overrun);
	/* the iterator did not consume: a consumer still sees them all */
	for (uint32_t i = 0; i < n; i++) {
		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, first + i);
	}
	pmt_rb_destroy(rb);
}

/* 1,000,000 events consumed page by page: allocations stay O(1). */
static void test_page_allocs(void **state)
{
	struct pmt_rb *rb = mk(1, 8, 0);
	struct pmt_rb_stats st0, st;
	struct pmt_rb_page page;
	uint64_t got = 0;
	uint32_t written = 0, pages = 0;

	(void)state;
	pmt_rb_stats(rb, 0, &st0);
	while (written < 1000000) {
		uint32_t i;

		for (i = 0; i < 2000 && written < 1000000; i++, written++)
			assert_true(pmt_rb_write_cpu(rb, 0, &written, 4));
		for (;;) {
			struct pmt_err *err = pmt_rb_read_page(rb, 0, PMT_RB_FLUSH, &page);
			uint32_t n;

			if (err) {
				assert_int_equal(err->code, PMT_ERR_NODATA);
				pmt_err_free(err);
				break;
			}
			assert_null(pmt_rb_page_check(page.data, 4096, &n, NULL));
			got += n;
			pages++;
			pmt_rb_put_page(rb, &page);
		}
	}
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(got, 1000000);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.read, 1000000);
	assert_true(pages >= 1000000 / 510);
	/* only the first spare ever needed memory from the OS */
	assert_int_equal(st.page_allocs - st0.page_allocs, 1);
	pmt_rb_destroy(rb);
}

static void test_swap_reader_meta(void **state)
{
	struct pmt_rb *rb = mk(1, 4, 0);
	size_t len;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	uint64_t moff;
	const struct pmt_cpu_meta *m;
	uint32_t id, total = 0;

	(void)state;
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED, 8);
	m = (const void *)(mem + moff);
	for (uint32_t i = 0; i < 600; i++)
		assert_true(pmt_rb_write_cpu(rb, 0, &i, 4));
	for (;;) {
		struct pmt_err *err = pmt_rb_swap_reader(rb, 0, PMT_RB_FLUSH, &id);
		uint32_t n;

		if (err) {
			pmt_err_free(err);
			break;
		}
		assert_int_equal(m->reader_id, id);
		assert_int_equal(mem[moff + m->state_start + id], PMT_PAGE_READER);
		assert_int_equal(m->seq % 2, 0);
		assert_null(pmt_rb_page_check(mem + moff + m->pages_off + (uint64_t)id * 4096, 4096,
					      &n, NULL));
		total += n;
	}
	assert_int_equal(total, 600);
	assert_int_equal(m->read, 600);
	pmt_rb_destroy(rb);
}

static void test_idle_reporting(void **state)
{
	struct pmt_rb_opts o = { .nr_cpus = 1, .nr_ring = 4, .nr_spare = 6, .spare_keep = 1 };
	struct pmt_rb *rb;
	struct pmt_rb_page pages[6];
	struct pmt_rb_stats st;
	size_t len;
	const unsigned char *mem;
	uint64_t moff;
	const struct pmt_cpu_meta *m;
	static unsigned char pay[4000];
	uint32_t reported = 0;

	(void)state;
	o.report_delay_ms = 50;
	assert_null(pmt_rb_create(&o, &rb));
	mem = pmt_rb_region(rb, &len);
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED, 8);
	m = (const void *)(mem + moff);
	/* take 4 pages out (each replaced by a spare), then give them back */
	for (int i = 0; i < 4; i++) {
		assert_true(pmt_rb_write_cpu(rb, 0, pay, 4000));
		assert_null(pmt_rb_read_page(rb, 0, PMT_RB_FLUSH, &pages[i]));
	}
	for (int i = 0; i < 4; i++)
		pmt_rb_put_page(rb, &pages[i]);
	/* not yet idle long enough */
	assert_int_equal(pmt_rb_report_idle(rb), 0);
	usleep(80 * 1000);
	reported = pmt_rb_report_idle(rb);
	/* 4 returned + 2 never used spares... only resident ones count: 4 - keep 1 */
	assert_int_equal(reported, 3);
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.reported, 3);
	{
		unsigned n = 0;

		for (uint32_t id = 0; id < m->nr_pages; id++)
			if (mem[moff + m->state_start + id] == PMT_PAGE_REPORTED)
				n++;
		assert_int_equal(n, 3);
	}
	/* reuse clears the mark and counts an allocation */
	{
		uint64_t allocs = st.page_allocs;
		struct pmt_recover_stats rs;

		for (int i = 0; i < 3; i++) {
			assert_true(pmt_rb_write_cpu(rb, 0, pay, 4000));
			assert_null(pmt_rb_read_page(rb, 0, PMT_RB_FLUSH, &pages[i]));
		}
		pmt_rb_stats(rb, 0, &st);
		assert_true(st.page_allocs > allocs);
		/* a reported page is never decoded by the validator */
		assert_null(pmt_region_recover(mem, len, NULL, NULL, &rs));
		assert_int_equal(rs.bad_pages, 0);
		for (int i = 0; i < 3; i++)
			pmt_rb_put_page(rb, &pages[i]);
	}
	pmt_rb_destroy(rb);
}

static void test_resize(void **state)
{
	struct pmt_rb_opts o = {
		.nr_cpus = 1, .nr_ring = 8, .nr_spare = 2, .spare_keep = 1, .report_delay_ms = 30
	};
	struct pmt_rb *rb;
	struct pmt_rb_stats st;
	struct pmt_rb_event ev;
	struct pmt_err *err;
	size_t len;
	const unsigned char *mem;
	const struct pmt_cpu_meta *m;
	uint64_t moff;
	static unsigned char pay[2000];
	uint32_t v;

	(void)state;
	assert_null(pmt_rb_create(&o, &rb));
	mem = pmt_rb_region(rb, &len);
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED, 8);
	m = (const void *)(mem + moff);
	/* 5 events of 2000 bytes: 3 pages used (2 + 2 + 1) */
	for (uint32_t i = 0; i < 5; i++) {
		memcpy(pay, &i, 4);
		assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	}
	err = pmt_rb_resize(rb, 0, 2); /* producer/consumer: would drop data */
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	pmt_err_free(err);
	assert_null(pmt_rb_resize(rb, 0, 4));
	assert_int_equal(m->nr_ring, 4);
	assert_int_equal(m->head_slot, 0);
	assert_int_equal(m->tail_slot, 2);
	/* the 4 dropped empty pages idle, then 3 of them (keep 1) are reported */
	usleep(50 * 1000);
	assert_int_equal(pmt_rb_report_idle(rb), 3);
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.reported, 3);
	assert_int_equal(st.entries, 5);
	/* grow beyond the original: 4 + 4 spares (1 resident, 3 reported, 2 unused) */
	err = pmt_rb_resize(rb, 0, 11);
	assert_non_null(err);
	pmt_err_free(err);
	assert_null(pmt_rb_resize(rb, 0, 10));
	assert_int_equal(m->nr_ring, 10);
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.page_allocs, 9 + 5); /* 9 at creation, 5 came back from the OS */
	for (uint32_t i = 5; i < 19; i++) {
		memcpy(pay, &i, 4);
		assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	}
	for (uint32_t i = 0; i < 19; i++) {
		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, i);
	}
	pmt_rb_destroy(rb);

	/* overwrite mode: shrinking a full ring drops the oldest pages as overrun */
	o.flags = PMT_RB_OVERWRITE;
	assert_null(pmt_rb_create(&o, &rb));
	for (uint32_t i = 0; i < 40; i++) {
		memcpy(pay, &i, 4);
		assert_true(pmt_rb_write_cpu(rb, 0, pay, 2000));
	}
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.entries, 16); /* 8 pages x 2 (the tail page holds the 40th) */
	assert_null(pmt_rb_resize(rb, 0, 3));
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.entries, 6);
	assert_int_equal(st.overrun, 34);
	assert_int_equal(st.committed, 40);
	for (uint32_t i = 34; i < 40; i++) {
		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, i);
	}
	pmt_rb_destroy(rb);
}

/* A consumer that keeps up reads the tail page in place instead of closing it. */
static void test_in_place(void **state)
{
	struct pmt_rb *rb = mk(1, 4, PMT_RB_OVERWRITE);
	struct pmt_rb_event ev;
	struct pmt_rb_stats st;
	struct pmt_rb_iter *it;
	struct pmt_err *err;
	uint32_t v, n = 0;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++) {
		assert_true(pmt_rb_write_cpu(rb, 0, &i, 4));
		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, i);
		err = pmt_rb_consume(rb, 0, &ev);
		assert_int_equal(err->code, PMT_ERR_NODATA);
		pmt_err_free(err);
	}
	pmt_rb_stats(rb, 0, &st);
	/* 1000 x 8 bytes fit in 2 pages: a turn per page, not per read */
	assert_int_equal(st.pages_touched, 1);
	assert_int_equal(st.read, 1000);
	assert_int_equal(st.entries, 0);
	/* the iterator does not show what was consumed in place */
	for (uint32_t i = 1000; i < 1010; i++)
		assert_true(pmt_rb_write_cpu(rb, 0, &i, 4));
	assert_null(pmt_rb_iter_start(rb, 0, &it));
	while (!(err = pmt_rb_iter_next(it, &ev))) {
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, 1000 + n);
		n++;
	}
	pmt_err_free(err);
	pmt_rb_iter_free(it);
	assert_int_equal(n, 10);
	/* consume 5 in place, then overwrite the whole ring: the 5 stay "read" */
	for (uint32_t i = 0; i < 5; i++)
		assert_null(pmt_rb_consume(rb, 0, &ev));
	for (uint32_t i = 1010; i < 5000; i++)
		assert_true(pmt_rb_write_cpu(rb, 0, &i, 4));
	pmt_rb_stats(rb, 0, &st);
	assert_int_equal(st.committed, 5000);
	assert_int_equal(st.read, 1005);
	assert_int_equal(st.entries + st.overrun, 5000 - 1005);
	/* the consumer resumes with the oldest surviving event */
	assert_null(pmt_rb_consume(rb, 0, &ev));
	memcpy(&v, ev.data, 4);
	assert_int_equal(v, 5000 - st.entries);
	pmt_rb_destroy(rb);
}

/* A large page array: the meta area spans several pages and still validates. */
static void test_large_meta(void **state)
{
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 3000, .nr_spare = 100 };
	struct pmt_rb *rb;
	struct pmt_recover_stats rs;
	size_t len;
	const unsigned char *mem;
	const struct pmt_cpu_meta *m;
	uint64_t moff;

	(void)state;
	assert_null(pmt_rb_create(&o, &rb));
	mem = pmt_rb_region(rb, &len);
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8, 8);
	m = (const void *)(mem + moff);
	/* 192 + 4 * 3100 + 3101 bytes -> 4 pages */
	assert_int_equal(m->meta_page_size, 4 * 4096);
	assert_int_equal(m->nr_pages, 3101);
	assert_int_equal(m->pages_off, 4 * 4096);
	for (uint32_t i = 0; i < 300000; i++)
		assert_true(pmt_rb_write_cpu(rb, 1, &i, 4));
	assert_null(pmt_region_recover(mem, len, NULL, NULL, &rs));
	assert_int_equal(rs.events, 300000);
	assert_int_equal(rs.bad_pages + rs.bad_cpus, 0);
	pmt_rb_destroy(rb);
}

struct collect {
	uint32_t n;
	uint32_t bad;
	uint32_t vals[4096];
};

static int on_event(void *arg, const struct pmt_rb_event *ev)
{
	struct collect *c = arg;

	if (c->n < 4096)
		memcpy(&c->vals[c->n], ev->data, 4);
	c->n++;
	return 0;
}

static void on_bad(void *arg, uint32_t cpu, uint32_t id, const char *why)
{
	struct collect *c = arg;

	(void)cpu;
	(void)id;
	(void)why;
	c->bad++;
}

static const struct pmt_recover_ops ops = { on_event, on_bad };

static char *tmp_path(void)
{
	static char path[256];
	const char *dir = getenv("TMPDIR");

	snprintf(path, sizeof(path), "%s/pmt-rb-test-%d", dir ? dir : "/tmp", getpid());
	return path;
}

static void test_persistent_reopen(void **state)
{
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 4 };
	struct pmt_rb *rb;
	struct collect *c = calloc(1, sizeof(*c));
	struct pmt_recover_stats rs;
	char *path = tmp_path();
	struct pmt_rb_event ev;
	uint32_t v;

	(void)state;
	assert_null(pmt_rb_create_path(path, &o, &rb));
	for (uint32_t i = 0; i < 500; i++)
		assert_true(pmt_rb_write_cpu(rb, i % 2, &i, 4));
	pmt_rb_destroy(rb);
	assert_null(pmt_rb_open_path(path, &ops, c, &rs, &rb));
	assert_int_equal(c->n, 500);
	assert_int_equal(c->bad, 0);
	assert_int_equal(rs.events, 500);
	/* per cpu in order */
	for (uint32_t i = 0, k = 0; i < 500; i += 2, k++)
		assert_int_equal(c->vals[k], i);
	/* writing continues after the recovered data, readable in order */
	v = 9999;
	assert_true(pmt_rb_write_cpu(rb, 0, &v, 4));
	for (uint32_t i = 0; i < 250; i++) {
		assert_null(pmt_rb_consume(rb, 0, &ev));
		memcpy(&v, ev.data, 4);
		assert_int_equal(v, 2 * i);
	}
	assert_null(pmt_rb_consume(rb, 0, &ev));
	memcpy(&v, ev.data, 4);
	assert_int_equal(v, 9999);
	pmt_rb_destroy(rb);

	/* a corrupted page is reported and skipped, the rest recovered */
	{
		int fd = open(path, O_RDWR);
		size_t len = (size_t)lseek(fd, 0, SEEK_END);
		unsigned char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		uint64_t moff;
		const struct pmt_cpu_meta *m;
		unsigned char *pg;
		uint32_t n;

		memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8, 8); /* cpu 1 */
		m = (const void *)(mem + moff);
		memcpy(&n, mem + moff + m->data_start + 4 * m->head_slot, 4);
		pg = mem + moff + m->pages_off + (uint64_t)n * 4096;
		assert_null(pmt_rb_page_check(pg, 4096, &n, NULL));
		assert_true(n > 0);
		memset(pg + 16, 0xff, 8); /* type_len 31 ... then garbage lengths */
		pg[16] = 0;		  /* type_len 0 with array[0] = 0xffffffff */
		memset(c, 0, sizeof(*c));
		assert_null(pmt_region_recover(mem, len, &ops, c, &rs));
		assert_int_equal(rs.bad_pages, 1);
		assert_int_equal(c->bad, 1);
		/* cpu 0: the reader page (250 consumed events, still in memory) and
		 * the tail page holding 9999 (read in place, so also still there);
		 * cpu 1: its only page is the corrupted one */
		assert_int_equal(n, 250);
		assert_int_equal(rs.events, 251);
		assert_int_equal(c->vals[0], 0);
		assert_int_equal(c->vals[249], 498);
		assert_int_equal(c->vals[250], 9999);
		munmap(mem, len);
		close(fd);
	}
	unlink(path);
	free(c);
}

/* Opening bad regions: clear error, and the file is not modified. */
static void check_bad(unsigned char *img, size_t len, enum pmt_err_code code, const char *needle)
{
	char *path = tmp_path();
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	struct pmt_rb *rb = NULL;
	struct pmt_err *err;
	unsigned char *back = malloc(len ? len : 1);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, len), (ssize_t)len);
	close(fd);
	err = pmt_rb_open_path(path, NULL, NULL, NULL, &rb);
	assert_non_null(err);
	if (!strstr(err->msg, needle) || err->code != code)
		fail_msg("expected '%s' (%d), got '%s' (%d)", needle, code, err->msg, err->code);
	pmt_err_free(err);
	fd = open(path, O_RDONLY);
	assert_int_equal(read(fd, back, len), (ssize_t)len);
	close(fd);
	assert_memory_equal(back, img, len);
	unlink(path);
	free(back);
}

static void test_bad_regions(void **state)
{
	struct pmt_rb *rb = mk(1, 2, 0);
	size_t len;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	unsigned char *img = malloc(len);
	struct pmt_region_hdr *h = (struct pmt_region_hdr *)img;

	(void)state;
	memcpy(img, mem, len);
	check_bad(img, 40, PMT_ERR_NODATA, "truncated");
	check_bad(img, len - 4096, PMT_ERR_NODATA, "truncated");
	memset(img, 0x5a, 4096);
	check_bad(img, len, PMT_ERR_FORMAT, "not a pmtrace region");
	memcpy(img, mem, len);
	h->magic = __builtin_bswap64(h->magic);
	check_bad(img, len, PMT_ERR_UNSUPPORTED, "byte order");
	memcpy(img, mem, len);
	h->word_size = 4;
	check_bad(img, len, PMT_ERR_UNSUPPORTED, "4-byte words");
	memcpy(img, mem, len);
	h->abi_major = PMT_REGION_ABI_MAJOR + 1;
	check_bad(img, len, PMT_ERR_UNSUPPORTED, "newer");
	memcpy(img, mem, len);
	h->nr_cpus = 7; /* fields fine, checksum not */
	check_bad(img, len, PMT_ERR_CORRUPT, "chunk table");
	memcpy(img, mem, len);
	h->create_time ^= 1;
	check_bad(img, len, PMT_ERR_CORRUPT, "checksum");
	/* a minor-version bump is accepted (compatible additions) */
	memcpy(img, mem, len);
	h->abi_minor = 9;
	h->hdr_csum = pmt_region_hdr_csum(img, h->hdr_size);
	assert_null(pmt_region_check_header(img, len, NULL));
	free(img);
	pmt_rb_destroy(rb);
}

static void test_find(void **state)
{
	struct pmt_rb *rb = mk(1, 2, 0);
	size_t len, pos = 0;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	size_t big = len + 3 * 4096 + 16;
	unsigned char *img = calloc(1, big);
	struct pmt_region_info info;
	struct pmt_err *err;
	uint64_t magic = pmt_region_magic();

	(void)state;
	memcpy(img + 64, &magic, 8); /* a stray magic with no valid header */
	memcpy(img + 3 * 4096 + 8, mem, len);
	assert_null(pmt_region_find(img, big, &pos, &info));
	assert_int_equal(pos, 3 * 4096 + 8);
	assert_int_equal(info.nr_cpus, 1);
	assert_int_equal(info.total_size, len);
	pos += 8;
	err = pmt_region_find(img, big, &pos, &info);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_ABSENT);
	pmt_err_free(err);
	free(img);
	pmt_rb_destroy(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_consume_order),
		cmocka_unit_test(test_merged),
		cmocka_unit_test(test_iterator),
		cmocka_unit_test(test_page_allocs),
		cmocka_unit_test(test_swap_reader_meta),
		cmocka_unit_test(test_idle_reporting),
		cmocka_unit_test(test_persistent_reopen),
		cmocka_unit_test(test_bad_regions),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_large_meta),
		cmocka_unit_test(test_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

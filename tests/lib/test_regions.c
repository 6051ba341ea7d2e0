// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The reader of pmtrace regions (lib/region_trace.c) against regions the
 * writer (ringbuf/) made, with no kernel and no debuginfo:
 *  - a region image file prints exactly what the writer's own printer
 *    (pmt_region_text(), the module's `trace` code) prints, merged and per CPU;
 *  - JSON has one record per unread event, fields decoded by name;
 *  - in a fake physical memory, the scan finds regions by their magic,
 *    reassembles one whose chunks are scattered, tells the previous boot's
 *    (lower boot_seq) from the current one, and reports a lost data page that
 *    held events (FILTERED, with CPU and address) but not a lost empty one.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "pmtrace/events.h"
#include "pmtrace/ringbuf.h"
#include "pmtrace/trace.h"
#include "trace_internal.h"

#define PAGE 4096u

#include "pmtrace/layout.h"

struct region {
	uint8_t *mem;
	size_t len;
	struct pmt_rb *rb;
};

static void put_event(struct pmt_rb *rb, uint32_t cpu, uint16_t type, int32_t pid, const void *f,
		      uint32_t len)
{
	struct pmt_entry h = { .type = type, .pid = pid, .flags = 0x01, .preempt_count = 1 };

	assert_true(pmt_rb_write_entry(rb, cpu, &h, f, len));
}

static void marker(struct pmt_rb *rb, uint32_t cpu, int32_t pid, const char *text)
{
	uint8_t buf[256];
	uint32_t n = (uint32_t)strlen(text) + 1, loc = (n << 16) | 20;

	memcpy(buf, &loc, 4);
	memcpy(buf + 4, text, n);
	put_event(rb, cpu, PMT_EV_MARKER, pid, buf, 4 + n);
}

/* A 2-CPU region in `mem` (len bytes), physically at `phys` in chunks of
 * `chunk` bytes (0: one), with events on both CPUs and some consumed. */
static void make(struct region *r, size_t len, uint64_t boot_seq, int rounds,
		 const struct pmt_region_chunk *chunks, uint32_t nchunks)
{
	struct pmt_rb_ident id = { .boot_seq = boot_seq, .release = "6.1.0-test" };
	struct pmt_rb_opts o = { .nr_cpus = 2,
				 .nr_ring = 4,
				 .events = pmt_std_events,
				 .nr_events = PMT_EV_NR_STD,
				 .nr_comms = 64,
				 .ident = &id,
				 .clock_id = PMT_CLOCK_LOCAL_NS };
	struct pmt_rb_event ev;

	r->len = len;
	r->mem = aligned_alloc(PAGE, len);
	assert_non_null(r->mem);
	memset(r->mem, 0, len);
	assert_null(pmt_rb_create_mem(r->mem, len, &o, chunks, nchunks, &r->rb));
	pmt_rb_set_comm(r->rb, 42, "bash");
	pmt_rb_set_comm(r->rb, 7, "kworker/0:1");
	for (int i = 0; i < rounds; i++) {
		struct pmt_ev_irq_exit x = { .irq = 4, .ret = 1 };
		struct pmt_ev_sched_wakeup w = { .comm = "bash", .pid = 42, .prio = 120 };
		char text[64];

		put_event(r->rb, (uint32_t)i % 2, PMT_EV_IRQ_EXIT, 0, &x.irq, 8);
		put_event(r->rb, 1, PMT_EV_SCHED_WAKEUP, 7, w.comm, 28);
		snprintf(text, sizeof(text), "round %d of the test", i);
		marker(r->rb, (uint32_t)i % 2, 42, text);
	}
	/* a consumer read two events of CPU 0: `trace` must not show them */
	assert_null(pmt_rb_consume(r->rb, 0, &ev));
	assert_null(pmt_rb_consume(r->rb, 0, &ev));
}

static void to_file(void *arg, const char *t, size_t n)
{
	fwrite(t, 1, n, arg);
}

/* What the writer's own printer (the module's `trace` code) prints. */
static char *region_text(const struct region *r, uint32_t cpu)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_true(pmt_region_text(r->mem, r->len, cpu, true, pmt_std_events, PMT_EV_NR_STD,
				    to_file, f) > 0);
	fclose(f);
	return buf;
}

/* Region offset of the data page holding the last unread event of `cpu`. */
static uint64_t page_of_last_event(const struct region *r, uint32_t cpu)
{
	struct pmt_recover_stats st;
	struct pmt_region_iter *it;
	struct pmt_rb_event ev;
	uint32_t id = PMT_NO_PAGE;
	uint64_t meta, pages_off;

	assert_null(pmt_region_iter_start(r->mem, r->len, PMT_RI_UNREAD | PMT_RI_CPU(cpu), NULL,
					  NULL, &st, &it));
	while (pmt_region_iter_next(it, &ev) == 1)
		id = ev.page_id;
	pmt_region_iter_free(it);
	assert_true(id != PMT_NO_PAGE);
	memcpy(&meta, r->mem + PMT_REGION_HDR_FIXED + 8 * cpu, 8);
	memcpy(&pages_off, r->mem + meta + 112, 8);
	return meta + pages_off + (uint64_t)id * PAGE;
}

/* Equal texts, or both written to /tmp/pmt-test-{got,want}.txt for a diff. */
static void same(const char *got, const char *want)
{
	if (strcmp(got, want)) {
		FILE *g = fopen("/tmp/pmt-test-got.txt", "w"),
		     *w = fopen("/tmp/pmt-test-want.txt", "w");

		if (g && w) {
			fputs(got, g);
			fputs(want, w);
		}
		if (g)
			fclose(g);
		if (w)
			fclose(w);
		fail_msg("texts differ: diff /tmp/pmt-test-want.txt /tmp/pmt-test-got.txt");
	}
}

static char *show(struct pmt_trace *tr, const struct pmt_filter *flt, bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_null(json ? pmt_write_json(tr, flt, f) : pmt_write_text(tr, flt, f));
	fclose(f);
	return buf;
}

static void test_file(void **state)
{
	char path[] = "/tmp/pmt-region-XXXXXX";
	const char *files[] = { path, NULL };
	struct pmt_load_opts o = { .region_files = files };
	struct pmt_filter flt = { .instance = "pmtrace" };
	struct pmt_trace *tr;
	struct region r;
	char *want, *got;
	int fd = mkstemp(path);

	(void)state;
	make(&r, 64 * PAGE, 1, 40, NULL, 0);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, r.mem, r.len), (ssize_t)r.len);
	close(fd);
	assert_null(pmt_trace_load_files(&o, &tr));
	unlink(path);
	assert_int_equal(pmt_trace_status(tr, &flt), PMT_STATUS_COMPLETE);

	want = region_text(&r, UINT32_MAX);
	got = show(tr, &flt, false);
	same(got, want);
	free(want);
	free(got);
	for (uint32_t c = 0; c < 2; c++) {
		assert_null(pmt_filter_parse_cpus(&flt, c ? "1" : "0"));
		want = region_text(&r, c);
		got = show(tr, &flt, false);
		same(got, want);
		free(want);
		free(got);
	}
	memset(flt.cpu_mask, 0, sizeof(flt.cpu_mask));
	got = show(tr, &flt, true);
	{
		size_t lines = 0;

		for (char *p = got; *p; p++)
			lines += *p == '\n';
		/* 40 rounds x 3 events, 2 consumed */
		assert_int_equal(lines, 40 * 3 - 2);
		assert_non_null(strstr(got, "\"event\":\"marker\""));
		assert_non_null(strstr(got, "\"buf\":\"round 39 of the test\""));
		assert_non_null(strstr(got, "\"comm\":\"bash\",\"pid\":42"));
	}
	free(got);
	pmt_trace_free(tr);
	pmt_rb_destroy(r.rb);
	free(r.mem);
}

/* ---- a fake physical memory -------------------------------------------- */

#define PHYS_SIZE (4u << 20)

struct phys {
	uint8_t *mem;
	uint64_t hole; /* a page that is "filtered out of the dump" (0: none) */
};

static struct pmt_err *ph_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct phys *p = pmt_target_data(t);

	if (addr + len > PHYS_SIZE || addr + len < addr)
		return pmt_err_addr(PMT_ERR_NODATA, addr, "beyond memory");
	if (p->hole && addr < p->hole + PAGE && addr + len > p->hole)
		return pmt_err_addr(PMT_ERR_FILTERED, p->hole, "filtered (test)");
	memcpy(buf, p->mem + addr, len);
	return NULL;
}

static bool ph_next(struct pmt_target *t, uint64_t *start, uint64_t *end)
{
	if (*start >= PHYS_SIZE)
		return false;
	*end = PHYS_SIZE;
	return true;
}

static const struct pmt_target_ops phys_layer = { .read_phys = ph_read, .phys_next = ph_next };

/* Region r laid out at the physical addresses of its chunks. */
static void place(struct phys *p, const struct region *r, const struct pmt_region_chunk *c,
		  uint32_t n)
{
	uint64_t off = 0;

	for (uint32_t i = 0; i < n; i++) {
		memcpy(p->mem + c[i].phys, r->mem + off, c[i].len);
		off += c[i].len;
	}
}

static struct pmt_trace *scan(struct phys *p)
{
	struct pmt_load_opts o = { .flags = PMT_LOAD_REGIONS_SCAN };
	struct pmt_target *none, *t;
	struct pmt_trace *tr;

	assert_null(pmt_target_none(&none));
	assert_null(pmt_target_stack(none, true, &phys_layer, p, &t));
	assert_null(pmt_trace_load(t, &o, &tr));
	tr->own_target = t; /* freed with the trace */
	return tr;
}

static void test_scan(void **state)
{
	/* region A (boot 1) scattered in three chunks, region B (boot 2) in one */
	const struct pmt_region_chunk ca[] = { { 0x300000, 16 * PAGE },
					       { 0x100000, 16 * PAGE },
					       { 0x208000, 32 * PAGE } };
	const struct pmt_region_chunk cb[] = { { 0x0c0000, 64 * PAGE } };
	struct pmt_filter cur = { .instance = "pmtrace" };
	struct pmt_filter prev = { .instance = "pmtrace", .boot = PMT_BOOT_PREVIOUS };
	struct phys p = { .mem = calloc(1, PHYS_SIZE) };
	struct region a, b;
	struct pmt_trace *tr;
	char *want, *got;

	(void)state;
	assert_non_null(p.mem);
	for (size_t i = 0; i < PHYS_SIZE; i += 8) /* noise, and a stray magic */
		p.mem[i] = (uint8_t)(i * 131);
	memcpy(p.mem + 0x3ff000, "PMTRACE\x01", 8);
	make(&a, 64 * PAGE, 1, 30, ca, 3);
	make(&b, 64 * PAGE, 2, 50, cb, 1);
	place(&p, &a, ca, 3);
	place(&p, &b, cb, 1);

	tr = scan(&p);
	assert_int_equal(tr->nregions, 2);
	assert_int_equal(pmt_trace_status(tr, &cur), PMT_STATUS_COMPLETE);
	want = region_text(&b, UINT32_MAX);
	got = show(tr, &cur, false);
	same(got, want);
	free(want);
	free(got);
	want = region_text(&a, UINT32_MAX);
	got = show(tr, &prev, false);
	same(got, want);
	free(want);
	free(got);
	pmt_trace_free(tr);

	/* a data page of B that holds events is filtered out: named, and the
	 * rest printed; B's last data page (never written) may be lost freely */
	p.hole = 0x0c0000 + page_of_last_event(&b, 1);
	tr = scan(&p);
	{
		bool found = false;

		for (size_t i = 0; i < pmt_trace_diag_count(tr); i++) {
			const struct pmt_diag *d = pmt_trace_diag(tr, i);

			print_message("  diag [%s] %s cpu %d: %s\n", pmt_err_code_id(d->code),
				      d->buffer ? d->buffer : "-", d->cpu, d->msg);
			if (d->code == PMT_ERR_FILTERED && d->cpu >= 0 && d->addr == p.hole)
				found = true;
		}
		assert_true(found);
		assert_int_equal(pmt_trace_status(tr, &cur), PMT_STATUS_PARTIAL);
		/* the previous boot's region is untouched: complete */
		assert_int_equal(pmt_trace_status(tr, &prev), PMT_STATUS_COMPLETE);
	}
	pmt_trace_free(tr);
	p.hole = 0x0c0000 + 63 * PAGE;
	tr = scan(&p);
	assert_int_equal(pmt_trace_status(tr, &cur), PMT_STATUS_COMPLETE);
	pmt_trace_free(tr);

	pmt_rb_destroy(a.rb);
	pmt_rb_destroy(b.rb);
	free(a.mem);
	free(b.mem);
	free(p.mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

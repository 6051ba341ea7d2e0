// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Region ABI 2.0 from the userspace library: identity in the header, the
 * chunk table, event descriptions, the comm table, pmt_entry events (seq,
 * checksum), what counts as unread, the merged read-only iterator and the
 * text of a region (pmt_region_text) against an independent rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pmtrace/events.h"
#include "pmtrace/ringbuf.h"
#include "region_view.h"

static struct pmt_rb *mk_std(uint32_t cpus, uint32_t ring, uint32_t flags)
{
	static const struct pmt_rb_ident id = {
		.boot_seq = 7,
		.boot_id = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.release = "6.1.0-synthetic",
		.writer = "pmtrace.ko 0.2.0",
		.label = "memmap",
		.create_time = 1234567890,
		.flags = PMT_REGION_F_KERNEL,
	};
	struct pmt_rb_opts o = { .nr_cpus = cpus,
				 .nr_ring = ring,
				 .flags = flags,
				 .clock_id = PMT_CLOCK_MONO_NS,
				 .events = pmt_std_events,
				 .nr_events = PMT_EV_NR_STD,
				 .nr_comms = 100,
				 .ident = &id };
	struct pmt_rb *rb = NULL;

	assert_null(pmt_rb_create(&o, &rb));
	return rb;
}

static void test_header_identity(void **state)
{
	struct pmt_rb *rb = mk_std(2, 4, 0);
	struct pmt_region_info info;
	size_t len;
	const void *mem = pmt_rb_region(rb, &len);

	(void)state;
	assert_null(pmt_region_check_header(mem, len, &info));
	assert_int_equal(info.abi_major, 2);
	assert_int_equal(info.boot_seq, 7);
	assert_int_equal(info.boot_id[15], 16);
	assert_string_equal(info.release, "6.1.0-synthetic");
	assert_string_equal(info.writer, "pmtrace.ko 0.2.0");
	assert_string_equal(info.label, "memmap");
	assert_int_equal(info.create_time, 1234567890);
	assert_int_equal(info.flags, PMT_REGION_F_KERNEL | PMT_REGION_F_ENTRIES);
	assert_int_equal(info.nr_comms, 128); /* rounded up to a power of two */
	assert_int_equal(info.nr_chunks, 0);
	assert_int_equal(info.phys_addr, PMT_NO_PHYS);
	assert_int_equal(info.hdr_size, 256 + 8 * 2);
	pmt_rb_destroy(rb);
}

static void test_event_area(void **state)
{
	struct pmt_rb *rb = mk_std(1, 2, 0);
	size_t len;
	const void *mem = pmt_rb_region(rb, &len);
	const void *area;
	uint32_t size, pos = 0, n = 0;
	struct pmt_region_event_desc d;
	char want[4096];

	(void)state;
	assert_null(pmt_region_events(mem, len, &area, &size));
	assert_int_equal(size, pmt_events_area_size(pmt_std_events, PMT_EV_NR_STD));
	while (pmt_region_event_next(area, size, &pos, &d) == 1) {
		int k = pmt_event_format(&pmt_std_events[n], want, sizeof(want));

		assert_int_equal(d.id, n + 1);
		assert_int_equal(d.sys_len, 7);
		assert_memory_equal(d.system, "pmtrace", 7);
		assert_int_equal(d.fmt_len, (uint32_t)k);
		assert_memory_equal(d.format, want, (size_t)k);
		n++;
	}
	assert_int_equal(n, PMT_EV_NR_STD);
	/* the sched_switch format, byte for byte as tracefs would show it */
	pmt_event_format(&pmt_std_events[0], want, sizeof(want));
	assert_string_equal(
		want, "name: sched_switch\nID: 1\nformat:\n"
		      "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
		      "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
		      "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
		      "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"
		      "\tfield:unsigned int common_seq;\toffset:8;\tsize:4;\tsigned:0;\n"
		      "\tfield:unsigned int common_csum;\toffset:12;\tsize:4;\tsigned:0;\n\n"
		      "\tfield:char prev_comm[16];\toffset:16;\tsize:16;\tsigned:0;\n"
		      "\tfield:pid_t prev_pid;\toffset:32;\tsize:4;\tsigned:1;\n"
		      "\tfield:int prev_prio;\toffset:36;\tsize:4;\tsigned:1;\n"
		      "\tfield:char prev_state[4];\toffset:40;\tsize:4;\tsigned:0;\n"
		      "\tfield:char next_comm[16];\toffset:44;\tsize:16;\tsigned:0;\n"
		      "\tfield:pid_t next_pid;\toffset:60;\tsize:4;\tsigned:1;\n"
		      "\tfield:int next_prio;\toffset:64;\tsize:4;\tsigned:1;\n\n"
		      "print fmt: \"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> "
		      "next_comm=%s next_pid=%d next_prio=%d\", REC->prev_comm, REC->prev_pid, "
		      "REC->prev_prio, REC->prev_state, REC->next_comm, REC->next_pid, "
		      "REC->next_prio\n");
	/* a flipped byte fails the area's checksum, and only that */
	{
		unsigned char *img = malloc(len);
		struct pmt_region_hdr *h = (struct pmt_region_hdr *)img;
		struct pmt_err *err;

		memcpy(img, mem, len);
		img[h->events_off + 40] ^= 1;
		assert_null(pmt_region_check_header(img, len, NULL));
		err = pmt_region_events(img, len, &area, &size);
		assert_non_null(err);
		assert_int_equal(err->code, PMT_ERR_CORRUPT);
		pmt_err_free(err);
		free(img);
	}
	pmt_rb_destroy(rb);
}

static void test_desc_check(void **state)
{
	struct pmt_event_desc d = pmt_std_events[3];

	(void)state;
	for (uint32_t i = 0; i < PMT_EV_NR_STD; i++)
		assert_null(pmt_event_desc_check(&pmt_std_events[i]));
	d.print_fmt = "\"irq=%d ret=%d\", REC->irq";
	assert_non_null(pmt_event_desc_check(&d));
	d.print_fmt = "\"irq=%p\", REC->irq";
	assert_non_null(pmt_event_desc_check(&d));
	d.print_fmt = "\"irq=%s\", REC->irq";
	assert_non_null(pmt_event_desc_check(&d));
	d.print_fmt = "\"irq=%d\", REC->nope";
	assert_non_null(pmt_event_desc_check(&d));
	d.print_fmt = "\"irq=%d pid=%u\", REC->irq, REC->common_pid";
	assert_null(pmt_event_desc_check(&d));
}

static void test_comms(void **state)
{
	struct pmt_rb *rb = mk_std(1, 2, 0);
	size_t len;
	const void *mem = pmt_rb_region(rb, &len);
	char c[17];

	(void)state;
	pmt_rb_set_comm(rb, 42, "bash");
	pmt_rb_set_comm(rb, 43, "a-sixteen-chars!");
	pmt_rb_set_comm(rb, 42 + 128, "evicts-42"); /* same slot */
	assert_false(pmt_region_comm(mem, len, 42, c));
	assert_true(pmt_region_comm(mem, len, 170, c));
	assert_string_equal(c, "evicts-42");
	assert_true(pmt_region_comm(mem, len, 43, c));
	assert_string_equal(c, "a-sixteen-chars!");
	pmt_region_comm_name(mem, len, 0, c);
	assert_string_equal(c, "<idle>");
	pmt_region_comm_name(mem, len, 99, c);
	assert_string_equal(c, "<...>");
	pmt_rb_destroy(rb);
}

static void test_chunks(void **state)
{
	struct pmt_rb_geometry g;
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 4, .max_chunks = 8 };
	struct pmt_region_chunk ch[3];
	const struct pmt_region_chunk *got;
	struct pmt_region_info info;
	struct pmt_rb *rb;
	uint32_t n;
	void *mem;
	struct pmt_err *err;

	(void)state;
	assert_null(pmt_rb_plan(&o, 0, &g));
	assert_int_equal(g.hdr_bytes, 4096);
	mem = aligned_alloc(4096, g.total);
	memset(mem, 0xa5, g.total); /* stale memory */
	ch[0].phys = 0x30000000;
	ch[0].len = 2 * 4096;
	ch[1].phys = 0x7000000;
	ch[1].len = g.total - 3 * 4096;
	ch[2].phys = 0x1000;
	ch[2].len = 4096;
	assert_null(pmt_rb_create_mem(mem, g.total, &o, ch, 3, &rb));
	assert_null(pmt_region_check_header(mem, g.total, &info));
	assert_int_equal(info.phys_addr, 0x30000000);
	assert_null(pmt_region_chunks(mem, g.total, &got, &n));
	assert_int_equal(n, 3);
	assert_memory_equal(got, ch, sizeof(ch));
	/* the region still works, on stale memory */
	for (uint32_t i = 0; i < 500; i++)
		assert_true(pmt_rb_write_cpu(rb, i % 2, &i, 4));
	{
		struct pmt_recover_stats st;

		assert_null(pmt_region_recover(mem, g.total, NULL, NULL, &st));
		assert_int_equal(st.events, 500);
		assert_int_equal(st.bad_pages, 0);
	}
	pmt_rb_destroy(rb);
	/* chunks that do not cover the region are refused by the validator */
	{
		struct pmt_region_hdr *h = mem;
		struct pmt_region_chunk *c = (void *)((char *)mem + h->chunks_off);

		c[2].len = 8192;
		h->hdr_csum = pmt_region_hdr_csum(mem, h->hdr_size);
		err = pmt_region_chunks(mem, g.total, &got, &n);
		assert_non_null(err);
		assert_int_equal(err->code, PMT_ERR_CORRUPT);
		pmt_err_free(err);
	}
	/* too small for the geometry */
	err = pmt_rb_create_mem(mem, 3 * 4096, &o, ch, 3, &rb);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_NOMEM);
	pmt_err_free(err);
	/* fit: the largest ring that fits */
	assert_null(pmt_rb_plan(&o, 1 << 20, &g));
	assert_true(g.total <= 1 << 20);
	assert_true(g.total + 2 * 4096 > 1 << 20);
	free(mem);
}

struct seen {
	uint32_t n, bad;
	uint32_t seq[2][4096];
	uint32_t nseq[2];
};

static int on_event(void *arg, const struct pmt_rb_event *ev)
{
	struct seen *s = arg;
	struct pmt_entry e;

	memcpy(&e, ev->data, sizeof(e));
	assert_int_equal(e.csum, pmt_entry_csum(ev->data, ev->len));
	s->seq[ev->cpu][s->nseq[ev->cpu]++] = e.seq;
	s->n++;
	return 0;
}

static void on_bad(void *arg, uint32_t cpu, uint32_t id, const char *why)
{
	struct seen *s = arg;

	(void)cpu;
	(void)id;
	assert_non_null(strstr(why, "checksum"));
	s->bad++;
}

static void irq_exit(struct pmt_rb *rb, uint32_t cpu, int32_t pid, int32_t irq)
{
	struct pmt_entry h = { .type = PMT_EV_IRQ_EXIT, .pid = pid, .flags = PMT_EF_IRQS_OFF };
	int32_t f[2] = { irq, 1 };

	assert_true(pmt_rb_write_entry(rb, cpu, &h, f, sizeof(f)));
}

static void test_entries_seq_csum(void **state)
{
	struct pmt_rb *rb = mk_std(2, 4, 0);
	struct seen *s = calloc(1, sizeof(*s));
	struct pmt_recover_ops ops = { on_event, on_bad };
	struct pmt_recover_stats st;
	size_t len;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	unsigned char *img;

	(void)state;
	for (int i = 0; i < 600; i++)
		irq_exit(rb, (uint32_t)i % 2, 100 + i, i);
	assert_null(pmt_region_recover(mem, len, &ops, s, &st));
	assert_int_equal(s->n, 600);
	for (int c = 0; c < 2; c++)
		for (uint32_t i = 0; i < s->nseq[c]; i++)
			assert_int_equal(s->seq[c][i], i);
	/* seq_next in the meta */
	{
		uint64_t moff;
		const struct pmt_cpu_meta *m;

		memcpy(&moff, mem + PMT_REGION_HDR_FIXED, 8);
		m = (const void *)(mem + moff);
		assert_int_equal(m->seq_next, 300);
	}
	/* damage one payload byte: that event fails its checksum and is skipped */
	img = malloc(len);
	memcpy(img, mem, len);
	{
		uint64_t moff;
		const struct pmt_cpu_meta *m;

		memcpy(&moff, img + PMT_REGION_HDR_FIXED, 8);
		m = (const void *)(img + moff);
		img[moff + m->pages_off + (uint64_t)m->head_id * 4096 + 16 + 4 + 17] ^= 0x40;
	}
	memset(s, 0, sizeof(*s));
	assert_null(pmt_region_recover(img, len, &ops, s, &st));
	assert_int_equal(st.bad_csum, 1);
	assert_int_equal(s->n, 599);
	assert_int_equal(s->bad, 1);
	free(img);
	free(s);
	pmt_rb_destroy(rb);
}

struct text {
	char *buf;
	size_t len;
};

static void text_out(void *arg, const char *t, size_t n)
{
	struct text *x = arg;

	x->buf = realloc(x->buf, x->len + n + 1);
	memcpy(x->buf + x->len, t, n);
	x->len += n;
	x->buf[x->len] = '\0';
}

struct expect {
	struct text t;
	const void *mem;
	size_t len;
	uint64_t last_ts;
	uint32_t last_cpu;
	int n;
};

/* An independent rendering of one line (docs/format.md "Text"). */
static int expect_event(void *arg, const struct pmt_rb_event *ev)
{
	struct expect *x = arg;
	struct pmt_entry e;
	char line[2048], comm[17];
	const char *c;
	uint64_t us = (ev->ts + 500) / 1000;

	memcpy(&e, ev->data, sizeof(e));
	if (ev->consumed)
		return 0;
	if (e.pid == 0)
		c = "<idle>";
	else if (pmt_region_comm(x->mem, x->len, e.pid, comm))
		c = comm;
	else
		c = "<...>";
	snprintf(line, sizeof(line), "%16s-%-7d [%03u] %c%c%c%c%c %5lu.%06lu: ", c, e.pid, ev->cpu,
		 e.flags & 1 ? 'd' : '.', '.', e.flags & PMT_EF_HARDIRQ ? 'h' : '.',
		 e.preempt_count ? '0' + e.preempt_count : '.', '.', (unsigned long)(us / 1000000),
		 (unsigned long)(us % 1000000));
	text_out(&x->t, line, strlen(line));
	if (e.type == PMT_EV_IRQ_EXIT) {
		int32_t f[2];

		memcpy(f, (const char *)ev->data + 16, 8);
		snprintf(line, sizeof(line), "irq_handler_exit: irq=%d ret=%d\n", f[0], f[1]);
	} else if (e.type == PMT_EV_MARKER) {
		snprintf(line, sizeof(line), "marker: %s\n", (const char *)ev->data + 20);
	} else if (e.type == PMT_EV_SCHED_WAKEUP) {
		const struct pmt_ev_sched_wakeup *w = ev->data;

		snprintf(line, sizeof(line),
			 "sched_wakeup: comm=%s pid=%d prio=%d target_cpu=%03d\n", w->comm, w->pid,
			 w->prio, w->target_cpu);
	} else {
		snprintf(line, sizeof(line), "Unknown type %u\n", e.type);
	}
	text_out(&x->t, line, strlen(line));
	x->n++;
	return 0;
}

static void marker(struct pmt_rb *rb, uint32_t cpu, int32_t pid, const char *text)
{
	struct pmt_entry h = { .type = PMT_EV_MARKER, .pid = pid, .preempt_count = 1 };
	unsigned char f[256];
	uint32_t n = (uint32_t)strlen(text) + 1, loc = (n << 16) | 20;

	memcpy(f, &loc, 4);
	memcpy(f + 4, text, n);
	assert_true(pmt_rb_write_entry(rb, cpu, &h, f, 4 + n));
}

static void test_text(void **state)
{
	struct pmt_rb *rb = mk_std(2, 4, 0);
	size_t len;
	const void *mem = pmt_rb_region(rb, &len);
	struct text got = { 0 };
	struct expect want = { .mem = mem, .len = len };
	struct pmt_rb_event ev;
	long lines;
	char *body;

	(void)state;
	pmt_rb_set_comm(rb, 42, "bash");
	pmt_rb_set_comm(rb, 7, "kworker/0:1");
	for (int i = 0; i < 200; i++) {
		char t[64];

		snprintf(t, sizeof(t), "pmtrace test round %d", i);
		if (i % 3 == 0)
			marker(rb, (uint32_t)i % 2, 42, t);
		else if (i % 3 == 1)
			irq_exit(rb, (uint32_t)i % 2, i % 2 ? 0 : 7, i);
		else {
			struct pmt_entry h = { .type = PMT_EV_SCHED_WAKEUP,
					       .pid = 42,
					       .flags = PMT_EF_HARDIRQ };
			struct pmt_ev_sched_wakeup w = { .pid = 7, .prio = 120, .target_cpu = 1 };

			memcpy(w.comm, "kworker/0:1", 12);
			assert_true(pmt_rb_write_entry(rb, 1, &h, (char *)&w + 16, sizeof(w) - 16));
		}
	}
	/* consume some of cpu 0 with the event-level consumer: not unread any more */
	for (int i = 0; i < 5; i++)
		assert_null(pmt_rb_consume(rb, 0, &ev));
	lines = pmt_region_text(mem, len, UINT32_MAX, true, pmt_std_events, PMT_EV_NR_STD, text_out,
				&got);
	assert_int_equal(lines, 195);
	/* the header, with E/W and #P */
	assert_non_null(strstr(got.buf, "# tracer: pmtrace\n#\n"
					"# entries-in-buffer/entries-written: 195/195   #P:2\n"));
	body = strstr(got.buf, "#              | |         |   |||||     |         |\n");
	assert_non_null(body);
	body += strlen("#              | |         |   |||||     |         |\n");
	/* every line equals the independent rendering, in merged order */
	{
		struct pmt_region_iter *it;
		struct pmt_rb_event e;
		uint64_t last = 0;
		uint32_t lastc = 0;

		assert_null(pmt_region_iter_start(mem, len, PMT_RI_UNREAD, NULL, NULL, NULL, &it));
		while (pmt_region_iter_next(it, &e)) {
			assert_true(e.ts > last || (e.ts == last && e.cpu >= lastc));
			last = e.ts;
			lastc = e.cpu;
			expect_event(&want, &e);
		}
		pmt_region_iter_free(it);
	}
	assert_int_equal(want.n, 195);
	assert_string_equal(body, want.t.buf);
	/* the same lines as the live non-consuming iterators see */
	{
		struct pmt_rb_iter *it;
		struct pmt_err *err;
		int n = 0;

		assert_null(pmt_rb_iter_start(rb, 0, &it));
		while (!(err = pmt_rb_iter_next(it, &ev)))
			n++;
		assert_int_equal(err->code, PMT_ERR_NODATA);
		pmt_err_free(err);
		pmt_rb_iter_free(it);
		/* cpu 0 holds the markers and irq events of the even rounds */
		assert_int_equal(n, 67 - 5);
	}
	free(got.buf);
	free(want.t.buf);
	/* one CPU only, no header */
	memset(&got, 0, sizeof(got));
	lines = pmt_region_text(mem, len, 1, false, pmt_std_events, PMT_EV_NR_STD, text_out, &got);
	assert_int_equal(lines, 200 - 67);
	assert_non_null(strstr(got.buf, "            bash-42      [001] ..h.. "));
	assert_non_null(
		strstr(got.buf, "sched_wakeup: comm=kworker/0:1 pid=7 prio=120 target_cpu=001\n"));
	assert_non_null(strstr(got.buf, "          <idle>-0       [001] d.... "));
	free(got.buf);
	pmt_rb_destroy(rb);
}

/* The in-place consumer position (tail_read_id/off) is in the meta area. */
static void test_unread_tail(void **state)
{
	struct pmt_rb *rb = mk_std(1, 4, 0);
	size_t len;
	const unsigned char *mem = pmt_rb_region(rb, &len);
	struct pmt_rb_event ev;
	struct text got = { 0 };
	uint64_t moff;
	const struct pmt_cpu_meta *m;

	(void)state;
	for (int i = 0; i < 10; i++)
		irq_exit(rb, 0, 1, i);
	for (int i = 0; i < 4; i++)
		assert_null(pmt_rb_consume(rb, 0, &ev)); /* read in place from the tail */
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED, 8);
	m = (const void *)(mem + moff);
	assert_int_equal(m->tail_read_id, m->tail_id);
	assert_int_equal(m->tail_read_off, 4 * 28);
	assert_int_equal(
		pmt_region_text(mem, len, 0, false, pmt_std_events, PMT_EV_NR_STD, text_out, &got),
		6);
	assert_non_null(strstr(got.buf, "irq=4 ret=1\n"));
	assert_null(strstr(got.buf, "irq=3 ret=1\n"));
	free(got.buf);
	pmt_rb_destroy(rb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_identity),
		cmocka_unit_test(test_event_area),
		cmocka_unit_test(test_desc_check),
		cmocka_unit_test(test_comms),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_entries_seq_csum),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_unread_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

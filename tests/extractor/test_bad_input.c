// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Damaged dumps: the committed sample vmcore read through a target that
 * damages it on the way — a page filtered out, a corrupted page header, a
 * page list with a cycle or a pointer outside the kernel, a reader page
 * pointer to nowhere, an instance list that never ends, a buffer_page
 * filtered out. Every case must load (no crash, no hang), say PARTIAL, give a
 * diagnostic of the right kind naming the CPU (and page), and keep every
 * event that the damage did not touch — salvaging around broken lists.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dump_target.h"
#include "profile.h"
#include "pmtrace/trace.h"
#include "stream.h"
#include "trace_internal.h"

#ifndef PMT_SAMPLE_DIR
#error "PMT_SAMPLE_DIR must name vmcores/sample"
#endif

/* ---- a target that damages reads ---- */

struct patch {
	uint64_t addr;
	uint8_t bytes[8];
	size_t len;
};

#define MAX_HOLES 4096

struct damage {
	/* [holes[i], holes[i] + hole_len[i]): FILTERED, as makedumpfile leaves pages out */
	uint64_t holes[MAX_HOLES], hole_len[MAX_HOLES];
	size_t nholes;
	struct patch patches[4];
	size_t npatches;
};

static struct pmt_err *dmg_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct damage *d = pmt_target_data(t);
	struct pmt_err *err;

	for (size_t i = 0; i < d->nholes; i++)
		if (addr < d->holes[i] + d->hole_len[i] && addr + len > d->holes[i])
			return pmt_err_addr(PMT_ERR_FILTERED, d->holes[i],
					    "address %#" PRIx64 ": filtered out (test hole)",
					    d->holes[i]);
	err = pmt_read(pmt_target_inner(t), addr, buf, len);
	if (err)
		return err;
	for (size_t i = 0; i < d->npatches; i++) {
		const struct patch *p = &d->patches[i];

		for (size_t k = 0; k < p->len; k++)
			if (p->addr + k >= addr && p->addr + k < addr + len)
				((uint8_t *)buf)[p->addr + k - addr] = p->bytes[k];
	}
	return NULL;
}

static const struct pmt_target_ops dmg_layer = { .read = dmg_read };

struct fixture {
	struct dump *dump;
	struct pmt_target *real;
	struct pmt_trace *base; /* undamaged load, for addresses and counts */
	struct damage d;
	struct pmt_target *t;
};

static const struct pmt_load_opts scan = { .flags = PMT_LOAD_SCAN };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pmt_target *types;
	char release[65], build_id[129];

	assert_non_null(f);
	assert_null(pmt_profile_open(PMT_SAMPLE_DIR "/profile", &types, release, build_id));
	assert_null(dump_open(PMT_SAMPLE_DIR "/vmcore", &f->dump));
	assert_null(dump_target(f->dump, types, &f->real));
	assert_null(pmt_trace_load(f->real, &scan, &f->base));
	assert_int_equal(pmt_trace_status(f->base, NULL), PMT_STATUS_COMPLETE);
	assert_true(f->base->nbufs >= 1 && f->base->bufs[0].nr_cpus >= 2);
	assert_null(pmt_target_stack(f->real, false, &dmg_layer, &f->d, &f->t));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pmt_trace_free(f->base);
	pmt_target_destroy(f->t);
	pmt_target_destroy(f->real);
	dump_close(f->dump);
	free(f);
	return 0;
}

static void reset(struct fixture *f)
{
	memset(&f->d, 0, sizeof(f->d));
}

static void patch_u64(struct fixture *f, uint64_t addr, uint64_t v)
{
	struct patch *p = &f->d.patches[f->d.npatches++];

	p->addr = addr;
	p->len = 8;
	for (int i = 0; i < 8; i++)
		p->bytes[i] = (uint8_t)(v >> (8 * i)); /* the sample is x86_64 */
}

static void hole_range(struct fixture *f, uint64_t addr, uint64_t len)
{
	assert_true(f->d.nholes < MAX_HOLES);
	f->d.holes[f->d.nholes] = addr;
	f->d.hole_len[f->d.nholes++] = len;
}

static void hole(struct fixture *f, uint64_t addr)
{
	hole_range(f, addr & ~4095ULL, 4096);
}

/*
 * Load through the damage (every page decoded); check the status, that a
 * diagnostic of kind `code` about `cpu` (-1: any) names `needle` (and
 * `page`, if not 0, in its page field), and that CPU `intact` kept all its
 * events. Returns the damaged trace.
 */
static struct pmt_trace *load_damaged(struct fixture *f, int intact, enum pmt_err_code code,
				      int cpu, uint64_t page, const char *needle)
{
	struct pmt_trace *tr = NULL;
	bool found = false;

	assert_null(pmt_trace_load(f->t, &scan, &tr));
	assert_int_equal(pmt_trace_status(tr, NULL), PMT_STATUS_PARTIAL);
	for (size_t i = 0; i < pmt_trace_diag_count(tr); i++) {
		const struct pmt_diag *d = pmt_trace_diag(tr, i);

		print_message("  diag [%s] cpu %d page %#" PRIx64 ": %s\n",
			      pmt_err_code_id(d->code), d->cpu, d->page, d->msg);
		if (d->code == code && (cpu < 0 || d->cpu == cpu) && (!page || d->page == page) &&
		    (!needle || strstr(d->msg, needle)))
			found = true;
	}
	assert_true(found);
	if (intact >= 0)
		assert_int_equal(tr->bufs[0].cpus[intact].nevents,
				 f->base->bufs[0].cpus[intact].nevents);
	return tr;
}

/* The time stamp of a CPU's newest event (0 if none). */
static uint64_t newest_ts(struct pmt_trace *tr, int cpu)
{
	struct cpu_cursor c;
	uint64_t ts = 0;

	assert_null(cpu_cursor_init(&c, tr, &tr->bufs[0], &tr->bufs[0].cpus[cpu], 0));
	while (cpu_cursor_next(&c))
		ts = c.ev.ts;
	cpu_cursor_free(&c);
	return ts;
}

static void test_page_filtered_out(void **state)
{
	struct fixture *f = *state;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[1];
	uint64_t page = cs->pages[cs->npages / 2].addr;
	struct pmt_trace *tr;

	reset(f);
	hole(f, page);
	tr = load_damaged(f, 0, PMT_ERR_FILTERED, 1, page, NULL);
	/* only that page's events are gone */
	assert_true(tr->bufs[0].cpus[1].nevents < cs->nevents);
	assert_true(tr->bufs[0].cpus[1].nevents > 0);
	assert_int_equal(tr->bufs[0].cpus[1].lost_pages, 1);
	assert_int_equal(newest_ts(tr, 1), newest_ts(f->base, 1));
	/* about CPU 1 only: a request for CPU 0 is complete */
	{
		struct pmt_filter only0 = { 0 };

		assert_null(pmt_filter_parse_cpus(&only0, "0"));
		assert_int_equal(pmt_trace_status(tr, &only0), PMT_STATUS_COMPLETE);
	}
	pmt_trace_free(tr);
}

static void test_every_page_filtered_out(void **state)
{
	struct fixture *f = *state;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[1];
	struct pmt_filter only1 = { 0 };
	struct pmt_trace *tr;

	reset(f);
	for (size_t i = 0; i < cs->npages; i++)
		hole(f, cs->pages[i].addr);
	tr = load_damaged(f, 0, PMT_ERR_FILTERED, 1, cs->pages[0].addr, NULL);
	assert_int_equal(tr->bufs[0].cpus[1].nevents, 0);
	/* nothing of CPU 1 could be read: asking for it alone fails */
	assert_null(pmt_filter_parse_cpus(&only1, "1"));
	assert_int_equal(pmt_trace_status(tr, &only1), PMT_STATUS_FAILED);
	assert_int_equal(pmt_trace_status(tr, NULL), PMT_STATUS_PARTIAL);
	pmt_trace_free(tr);
}

static void test_corrupt_page_header(void **state)
{
	struct fixture *f = *state;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[0];
	uint64_t page = cs->pages[1].addr;
	struct pmt_trace *tr;

	reset(f);
	patch_u64(f, page + 8, 0x7fff0); /* commit far beyond the 4 KiB page */
	tr = load_damaged(f, 1, PMT_ERR_CORRUPT, 0, page, "commit");
	/* decoding stops at the first undecodable record past the real data:
	 * everything before it is kept */
	assert_true(tr->bufs[0].cpus[0].nevents <= cs->nevents);
	assert_true(tr->bufs[0].cpus[0].nevents >= cs->nevents - 200);
	pmt_trace_free(tr);
}

/* The buffer_page n steps after the head page on a CPU (list.next). */
static uint64_t ring_page(struct fixture *f, int cpu, int n)
{
	const struct ftrace_layout *L = &f->base->L;
	uint64_t rbc = f->base->bufs[0].cpus[cpu].addr, head, p;

	assert_null(pmt_read_ulong(f->real, rbc + L->rbc_head_page.m.offset, &head));
	p = head;
	for (int i = 0; i < n; i++) {
		assert_null(
			pmt_read_ulong(f->real, p + L->bp_list.m.offset + L->lh_next.m.offset, &p));
		p = (p & ~3ULL) - L->bp_list.m.offset;
	}
	return p;
}

static void test_page_list_cycle(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	uint64_t p3 = ring_page(f, 1, 3), p1 = ring_page(f, 1, 1);
	struct pmt_trace *tr;

	reset(f);
	/* page 3 points back to page 1: a loop that never reaches the start */
	patch_u64(f, p3 + L->bp_list.m.offset + L->lh_next.m.offset, p1 + L->bp_list.m.offset);
	tr = load_damaged(f, 0, PMT_ERR_CORRUPT, 1, 0, "cycle");
	/* salvaged: the head part forwards, the rest back from the commit page
	 * along list.prev, which the damage did not touch */
	assert_int_equal(tr->bufs[0].cpus[1].nevents, f->base->bufs[0].cpus[1].nevents);
	pmt_trace_free(tr);
}

static void test_pointer_outside_kernel(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	uint64_t p2 = ring_page(f, 0, 2);
	char want[64];
	struct pmt_trace *tr;

	reset(f);
	patch_u64(f, p2 + L->bp_list.m.offset + L->lh_next.m.offset, 0x0000dead0000b000ULL);
	snprintf(want, sizeof(want), "page %#" PRIx64 ": list.next", p2);
	tr = load_damaged(f, 1, PMT_ERR_CORRUPT, 0, 0, want);
	assert_int_equal(tr->bufs[0].cpus[0].nevents, f->base->bufs[0].cpus[0].nevents);
	pmt_trace_free(tr);
}

/*
 * The 6.12 case: the slab page holding buffer_page structs in the middle of
 * the ring was filtered out of the dump (makedumpfile 1.7.2 does not know
 * 6.12's page flags). Here only one buffer_page between the head and the
 * commit page is made unreadable (the sample's buffer_pages share slab pages
 * with the head and commit pages). The ring cannot be walked round, but the
 * commit page is reached from ring_buffer_per_cpu and the list is followed
 * back from it: the newest events are printed, the gap is reported.
 */
static void test_buffer_page_filtered_out(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[1];
	uint64_t victim;
	struct pmt_trace *tr;

	/* the middle of the unread ring pages (the first is the reader page) */
	assert_true(cs->npages >= 5);
	victim = cs->pages[cs->npages / 2].bpage;
	reset(f);
	hole_range(f, victim, L->bp.size);
	tr = load_damaged(f, 0, PMT_ERR_FILTERED, 1, 0, NULL);
	assert_true(tr->bufs[0].cpus[1].nevents > 0);
	assert_true(tr->bufs[0].cpus[1].nevents < cs->nevents);
	assert_int_equal(newest_ts(tr, 1), newest_ts(f->base, 1));
	pmt_trace_free(tr);
}

static void test_reader_page_nowhere(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	uint64_t rbc = f->base->bufs[0].cpus[1].addr;
	struct pmt_trace *tr;

	reset(f);
	patch_u64(f, rbc + L->rbc_reader_page.m.offset, 0xffffc9ffdead0000ULL);
	tr = load_damaged(f, 0, PMT_ERR_CORRUPT, 1, 0, "reader page");
	pmt_trace_free(tr);
}

static void test_instance_list_never_ends(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	uint64_t head = L->sym_ftrace_trace_arrays.addr, first;
	struct pmt_trace *tr;

	reset(f);
	/* the first entry's next points to itself: the list never comes back */
	assert_null(pmt_read_ulong(f->real, head + L->lh_next.m.offset, &first));
	patch_u64(f, first + L->lh_next.m.offset, first);
	tr = load_damaged(f, 0, PMT_ERR_CORRUPT, -1, 0, "instance list has a cycle");
	assert_int_equal(tr->bufs[0].cpus[1].nevents, f->base->bufs[0].cpus[1].nevents);
	pmt_trace_free(tr);
}

static void test_nr_pages_lies(void **state)
{
	struct fixture *f = *state;
	const struct ftrace_layout *L = &f->base->L;
	uint64_t rbc = f->base->bufs[0].cpus[0].addr;
	struct pmt_trace *tr;

	reset(f);
	/* fewer pages than the ring has: the walk must stop, not run on */
	patch_u64(f, rbc + L->rbc_nr_pages.m.offset, 5);
	tr = load_damaged(f, 1, PMT_ERR_CORRUPT, 0, 0, "5 pages");
	pmt_trace_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_filtered_out),
		cmocka_unit_test(test_every_page_filtered_out),
		cmocka_unit_test(test_buffer_page_filtered_out),
		cmocka_unit_test(test_corrupt_page_header),
		cmocka_unit_test(test_page_list_cycle),
		cmocka_unit_test(test_pointer_outside_kernel),
		cmocka_unit_test(test_reader_page_nowhere),
		cmocka_unit_test(test_instance_list_never_ends),
		cmocka_unit_test(test_nr_pages_lies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

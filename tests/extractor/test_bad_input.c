// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Damaged dumps: the committed sample vmcore read through a target that
 * damages it on the way — a page filtered out, a corrupted page header, a
 * page list with a cycle or a pointer outside the kernel, a reader page
 * pointer to nowhere, an instance list that never ends. Every case must load
 * (no crash, no hang), say PARTIAL, name the CPU and page in a diagnostic,
 * and keep every event that the damage did not touch.
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

struct damage {
	struct pmt_target *inner;
	uint64_t hole_lo, hole_hi; /* [lo, hi): NODATA */
	struct patch patches[4];
	size_t npatches;
};

static struct damage *dmg_of(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *dmg_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct damage *d = dmg_of(t);
	struct pmt_err *err;

	if (d->hole_hi && addr < d->hole_hi && addr + len > d->hole_lo)
		return pmt_err_addr(PMT_ERR_NODATA, d->hole_lo,
				    "address %#" PRIx64 ": not in the dump (test hole)", d->hole_lo);
	err = pmt_read(d->inner, addr, buf, len);
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

static struct pmt_err *dmg_symbol(struct pmt_target *t, const char *n, uint64_t *a)
{
	return pmt_symbol(dmg_of(t)->inner, n, a);
}

static struct pmt_err *dmg_size(struct pmt_target *t, const char *n, uint64_t *s)
{
	return pmt_type_size(dmg_of(t)->inner, n, s);
}

static struct pmt_err *dmg_member(struct pmt_target *t, const char *ty, const char *p,
				  struct pmt_member *m)
{
	return pmt_member(dmg_of(t)->inner, ty, p, m);
}

static struct pmt_err *dmg_enum(struct pmt_target *t, const char *n, int64_t *v)
{
	return pmt_enumerator(dmg_of(t)->inner, n, v);
}

static const struct pmt_target_ops dmg_ops = {
	.read = dmg_read,
	.symbol = dmg_symbol,
	.type_size = dmg_size,
	.member = dmg_member,
	.enumerator = dmg_enum,
};

struct fixture {
	struct dump *dump;
	struct pmt_target *real;
	struct pmt_trace *base; /* undamaged load, for addresses and counts */
	struct damage d;
	struct pmt_target t;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pmt_target *types;
	char release[65], build_id[129];

	assert_non_null(f);
	assert_null(pmt_profile_open(PMT_SAMPLE_DIR "/profile", &types, release, build_id));
	assert_null(dump_open(PMT_SAMPLE_DIR "/vmcore", &f->dump));
	assert_null(dump_target(f->dump, types, &f->real));
	assert_null(pmt_trace_load(f->real, NULL, &f->base));
	assert_int_equal(pmt_trace_status(f->base), PMT_STATUS_COMPLETE);
	assert_true(f->base->nbufs >= 1 && f->base->bufs[0].nr_cpus >= 2);
	f->t = *f->real;
	f->t.ops = &dmg_ops;
	f->t.priv = &f->d;
	f->d.inner = f->real;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pmt_trace_free(f->base);
	pmt_target_destroy(f->real);
	dump_close(f->dump);
	free(f);
	return 0;
}

static void reset(struct fixture *f)
{
	memset(&f->d, 0, sizeof(f->d));
	f->d.inner = f->real;
}

static void patch_u64(struct fixture *f, uint64_t addr, uint64_t v)
{
	struct patch *p = &f->d.patches[f->d.npatches++];

	p->addr = addr;
	p->len = 8;
	for (int i = 0; i < 8; i++)
		p->bytes[i] = (uint8_t)(v >> (8 * i)); /* the sample is x86_64 */
}

/* Load through the damage; check PARTIAL, a diagnostic with every needle,
 * and that CPU `intact` kept all its events. Returns the damaged trace. */
static struct pmt_trace *load_damaged(struct fixture *f, int intact, const char *needle1,
				      const char *needle2)
{
	struct pmt_trace *tr = NULL;
	bool found = false;

	assert_null(pmt_trace_load(&f->t, NULL, &tr));
	assert_int_equal(pmt_trace_status(tr), PMT_STATUS_PARTIAL);
	for (size_t i = 0; i < pmt_trace_diag_count(tr); i++) {
		const char *m = pmt_trace_diag(tr, i);

		print_message("  diag: %s\n", m);
		if (strstr(m, needle1) && (!needle2 || strstr(m, needle2)))
			found = true;
	}
	assert_true(found);
	if (intact >= 0)
		assert_int_equal(tr->bufs[0].cpus[intact].nevents,
				 f->base->bufs[0].cpus[intact].nevents);
	return tr;
}

static void test_page_filtered_out(void **state)
{
	struct fixture *f = *state;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[1];
	uint64_t page = cs->page_addrs[cs->npages / 2];
	char want[64];
	struct pmt_trace *tr;

	reset(f);
	f->d.hole_lo = page;
	f->d.hole_hi = page + 4096;
	snprintf(want, sizeof(want), "%#" PRIx64, page);
	tr = load_damaged(f, 0, "cpu 1", want);
	/* only that page's events are gone */
	assert_true(tr->bufs[0].cpus[1].nevents < cs->nevents);
	assert_int_equal(tr->bufs[0].cpus[1].npages, cs->npages - 1);
	pmt_trace_free(tr);
}

static void test_corrupt_page_header(void **state)
{
	struct fixture *f = *state;
	const struct cpu_stream *cs = &f->base->bufs[0].cpus[0];
	uint64_t page = cs->page_addrs[1];
	char want[64];
	struct pmt_trace *tr;

	reset(f);
	patch_u64(f, page + 8, 0x7fff0); /* commit far beyond the 4 KiB page */
	snprintf(want, sizeof(want), "%#" PRIx64, page);
	tr = load_damaged(f, 1, want, "commit");
	/* decoding stops at the first undecodable record past the real data:
	 * everything before it is kept */
	assert_true(tr->bufs[0].cpus[0].nevents <= cs->nevents);
	assert_true(tr->bufs[0].cpus[0].nevents >= cs->nevents - 200);
	pmt_trace_free(tr);
}

/* The buffer_page of the n-th page the walker read on a CPU, found by
 * following list.next from the reader page's successor. */
static uint64_t ring_page(struct fixture *f, int cpu, int n)
{
	const struct ftrace_layout *L = &f->base->L;
	uint64_t rbc = f->base->bufs[0].cpus[cpu].addr, head, p;

	assert_null(pmt_read_ulong(f->real, rbc + L->rbc_head_page.m.offset, &head));
	p = head;
	for (int i = 0; i < n; i++) {
		assert_null(pmt_read_ulong(f->real, p + L->bp_list.m.offset + L->lh_next.m.offset, &p));
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
	tr = load_damaged(f, 0, "cpu 1", "cycle");
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
	tr = load_damaged(f, 1, "cpu 0", want);
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
	tr = load_damaged(f, 0, "cpu 1", "reader page");
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
	tr = load_damaged(f, 0, "instance list", "cycle");
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
	tr = load_damaged(f, 1, "cpu 0", "5 pages");
	pmt_trace_free(tr);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_filtered_out),
		cmocka_unit_test(test_corrupt_page_header),
		cmocka_unit_test(test_page_list_cycle),
		cmocka_unit_test(test_pointer_outside_kernel),
		cmocka_unit_test(test_reader_page_nowhere),
		cmocka_unit_test(test_instance_list_never_ends),
		cmocka_unit_test(test_nr_pages_lies),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* CPU lists, times and the merge order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "merge.h"
#include "pmtrace/trace.h"

static void test_cpu_lists(void **state)
{
	struct pmt_filter f;
	struct pmt_err *err;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_null(pmt_filter_parse_cpus(&f, "0,2-4,511"));
	assert_int_equal(f.cpu_mask[0], 0x1d);
	assert_int_equal(f.cpu_mask[7], 1ULL << 63);
	assert_true(filter_has_cpu(&f, 3));
	assert_false(filter_has_cpu(&f, 1));
	err = pmt_filter_parse_cpus(&f, "3-2");
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	pmt_err_free(err);
	err = pmt_filter_parse_cpus(&f, "512");
	assert_non_null(err);
	pmt_err_free(err);
	err = pmt_filter_parse_cpus(&f, "1,,2");
	assert_non_null(err);
	pmt_err_free(err);
	memset(&f, 0, sizeof(f));
	assert_true(filter_has_cpu(&f, 100)); /* empty mask: every CPU */
}

static void test_seconds(void **state)
{
	uint64_t ns;
	struct pmt_err *err;

	(void)state;
	assert_null(pmt_parse_seconds("1234.567890", &ns));
	assert_int_equal(ns, 1234567890000ULL);
	assert_null(pmt_parse_seconds("7", &ns));
	assert_int_equal(ns, 7000000000ULL);
	assert_null(pmt_parse_seconds("0.0000000019", &ns));
	assert_int_equal(ns, 1);
	err = pmt_parse_seconds("1.2x", &ns);
	assert_non_null(err);
	pmt_err_free(err);
	err = pmt_parse_seconds("-1", &ns);
	assert_non_null(err);
	pmt_err_free(err);
}

/* A source over a fixed array of time stamps. */
struct array_src {
	const uint64_t *ts;
	size_t n, pos;
};

static bool array_advance(void *arg, uint64_t *ts)
{
	struct array_src *a = arg;

	if (++a->pos >= a->n)
		return false;
	*ts = a->ts[a->pos];
	return true;
}

static void test_merge_order(void **state)
{
	/* equal time stamps: the lower CPU first, as __find_next_entry() does */
	const uint64_t t0[] = { 5, 9 }, t1[] = { 5, 6, 9 };
	struct array_src a0 = { t0, 2, 0 }, a1 = { t1, 3, 0 };
	struct merge_src src[2] = { { .ts = 5, .cpu = 1, .arg = &a1 },
				    { .ts = 5, .cpu = 0, .arg = &a0 } };
	struct merge_heap h = { .src = src, .n = 2, .advance = array_advance };
	const int want_cpu[] = { 0, 1, 1, 0, 1 };
	const uint64_t want_ts[] = { 5, 5, 6, 9, 9 };
	struct merge_src *top;
	int i = 0;

	(void)state;
	merge_heap_build(&h);
	while ((top = merge_heap_top(&h))) {
		assert_true(i < 5);
		assert_int_equal(top->cpu, want_cpu[i]);
		assert_int_equal(top->ts, want_ts[i]);
		i++;
		merge_heap_pop(&h);
	}
	assert_int_equal(i, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_merge_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

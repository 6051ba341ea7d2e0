// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lib/ftrace_layout.c's mmiotrace opcodes (enum mm_io_opcode) through a
 * profile target: the committed sample's (DWARF: 1..5) kept; a consistent
 * set of other values kept (they are the target's, not defaults); the mix
 * crash's gdb gives on 6.1 (MMIO_READ and MMIO_WRITE from x86's enum
 * mmio_type: 3 and 1, beside MMIO_PROBE 3) dropped for mm_io_opcode's 1..5.
 *
 *   test_layout_mmio SAMPLE_PROFILE
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ftrace_layout.h"
#include "profile.h"

static const char *sample;

/* The sample profile with its MMIO_* answers replaced by v[0..4]. */
static void resolve_with(const int64_t v[5], int64_t out[5])
{
	static const char *const names[] = { "MMIO_READ", "MMIO_WRITE", "MMIO_PROBE",
					     "MMIO_UNPROBE", "MMIO_UNKNOWN_OP" };
	char path[] = "/tmp/pmt-mmio-XXXXXX", line[4096], rel[65], bid[129];
	int fd = mkstemp(path);
	FILE *in = fopen(sample, "r"), *o = fdopen(fd, "w");
	struct ftrace_layout *L = calloc(1, sizeof(*L));
	struct pmt_target *t;
	struct pmt_err *err;

	assert_non_null(in);
	assert_non_null(o);
	assert_non_null(L);
	while (fgets(line, sizeof(line), in)) {
		int k = -1;

		for (int i = 0; i < 5; i++) {
			size_t n = strlen("enum ") + strlen(names[i]);

			if (!strncmp(line, "enum ", 5) && !strncmp(line + 5, names[i], n - 5) &&
			    line[n] == ' ')
				k = i;
		}
		if (k >= 0)
			fprintf(o, "enum %s %lld\n", names[k], (long long)v[k]);
		else
			fputs(line, o);
	}
	fclose(in);
	fclose(o);
	err = pmt_profile_open(path, &t, rel, bid);
	unlink(path);
	assert_null(err);
	err = ftrace_layout_resolve(t, L);
	assert_null(err);
	memcpy(out, L->mmio_op, sizeof(L->mmio_op));
	pmt_target_destroy(t);
	free(L);
}

static void dwarf_values_kept(void **state)
{
	static const int64_t v[5] = { 1, 2, 3, 4, 5 };
	int64_t out[5];

	(void)state;
	resolve_with(v, out);
	assert_memory_equal(out, v, sizeof(v));
}

static void other_consistent_values_kept(void **state)
{
	static const int64_t v[5] = { 11, 12, 13, 14, 15 };
	int64_t out[5];

	(void)state;
	resolve_with(v, out);
	assert_memory_equal(out, v, sizeof(v));
}

static void gdb_mix_dropped(void **state)
{
	static const int64_t mix[5] = { 3, 1, 3, 4, 5 }, want[5] = { 1, 2, 3, 4, 5 };
	int64_t out[5];

	(void)state;
	resolve_with(mix, out);
	assert_memory_equal(out, want, sizeof(want));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dwarf_values_kept),
		cmocka_unit_test(other_consistent_values_kept),
		cmocka_unit_test(gdb_mix_dropped),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_layout_mmio SAMPLE_PROFILE\n");
		return 2;
	}
	sample = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}

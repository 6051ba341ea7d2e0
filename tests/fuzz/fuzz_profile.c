// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the type-profile parser (lib/profile.c) on arbitrary
 * files. The input is written to a memfd and opened by path with
 * pmt_profile_open(), as `pmtrace --profile FILE` does; a profile that opens
 * is then asked the questions a trace load starts with (symbols, sizes,
 * members with nested paths, enumerators, names it does not hold), so that
 * what the parser stored is also used. Seed: vmcores/sample/profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const syms[] = { "global_trace", "_text", "kallsyms_addresses",
					    "nosuch" };
	static const char *const types[] = { "struct trace_array", "struct buffer_page",
					     "struct nosuch" };
	static const char *const members[][2] = {
		{ "struct trace_array", "array_buffer.buffer" },
		{ "struct trace_buffer", "subbuf_size" },
		{ "struct list_head", "next" },
		{ "struct nosuch", "x.y.z" },
	};
	static const char *const enums[] = { "TRACE_FLAG_IRQS_OFF", "NOSUCH" };
	static int fd = -1;
	static char path[64];
	char release[65], build_id[129];
	struct pmt_target *t = NULL;
	struct pmt_member m;
	uint64_t v;
	int64_t e;

	if (fd < 0) {
		fd = memfd_create("pmt-fuzz-profile", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	pmt_err_free(pmt_profile_open(path, &t, release, build_id));
	if (!t)
		return 0;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++)
		pmt_err_free(pmt_symbol(t, syms[i], &v));
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		pmt_err_free(pmt_type_size(t, types[i], &v));
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		pmt_err_free(pmt_member(t, members[i][0], members[i][1], &m));
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		pmt_err_free(pmt_enumerator(t, enums[i], &e));
	(void)pmt_profile_misses(t);
	pmt_target_destroy(t);
	return 0;
}

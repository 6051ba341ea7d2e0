// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of lib/profile.c: record through a fake target, write, reopen and
 * compare every answer (ABSENT included); every truncation and many byte
 * corruptions of a valid file must be rejected cleanly or parse, never crash.
 *
 *   test_profile                     fake target only
 *   test_profile vmlinux <path>      record the walker's questions against the
 *                                    bookworm vmlinux and replay them (77 = skip)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_types.h"
#include "profile.h"

#define KASLR 0x1200000ull

static char tmpdir[64];

/* ---- a fake inner target ---- */

static struct pmt_err *fake_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	memset(buf, 0xab, len);
	return NULL;
}

static struct pmt_err *fake_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	if (!strcmp(name, "global_trace")) {
		*addr = 0xffffffff82b39d40ull + KASLR;
		return NULL;
	}
	if (!strcmp(name, "broken"))
		return pmt_err_new(PMT_ERR_CORRUPT, "broken symbol table");
	return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
}

static struct pmt_err *fake_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	if (!strcmp(type, "struct trace_array")) {
		*size = 7752;
		return NULL;
	}
	if (!strcmp(type, "unsigned int")) {
		*size = 4;
		return NULL;
	}
	return pmt_err_new(PMT_ERR_ABSENT, "no type %s", type);
}

static const struct pmt_member fake_bits = {
	.offset = 36,
	.size = 4,
	.bit_offset = 291,
	.bit_size = 5,
	.kind = PMT_KIND_INT,
};
static const struct pmt_member fake_arr = {
	.offset = 0,
	.size = 131076,
	.kind = PMT_KIND_ARRAY,
	.array_len = 32769,
	.elem_size = 4,
};

static struct pmt_err *fake_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *out)
{
	if (!strcmp(type, "struct trace_array") && !strcmp(path, "f2")) {
		*out = fake_bits;
		return NULL;
	}
	if (!strcmp(type, "struct saved_cmdlines_buffer") && !strcmp(path, "map_pid_to_cmdline")) {
		*out = fake_arr;
		return NULL;
	}
	return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
}

static struct pmt_err *fake_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	if (!strcmp(name, "TRACE_NEG")) {
		*value = -3;
		return NULL;
	}
	if (!strcmp(name, "TRACE_FLAG_BH_OFF")) {
		*value = 128;
		return NULL;
	}
	return pmt_err_new(PMT_ERR_ABSENT, "no enumerator %s", name);
}

static const struct pmt_target_ops fake_ops = {
	.read = fake_read,
	.symbol = fake_symbol,
	.type_size = fake_type_size,
	.member = fake_member,
	.enumerator = fake_enumerator,
};

static struct pmt_target fake = {
	.ops = &fake_ops,
	.word_size = 8,
	.page_size = 4096,
	.kaslr_offset = KASLR,
	.release = "6.1.0-56-cloud-amd64",
};

static void absent(struct pmt_err *err, const char *needle)
{
	assert_non_null(err);
	if (err->code != PMT_ERR_ABSENT)
		fail_msg("expected ABSENT: %s", err->msg);
	if (needle && !strstr(err->msg, needle))
		fail_msg("'%s' not in '%s'", needle, err->msg);
	pmt_err_free(err);
}

static void record_some(struct pmt_target *r)
{
	struct pmt_member m;
	uint64_t v;
	int64_t s;
	char b;
	struct pmt_err *err;

	assert_null(pmt_symbol(r, "global_trace", &v));
	assert_int_equal(v, 0xffffffff82b39d40ull + KASLR); /* run-time through the recorder */
	absent(pmt_symbol(r, "kallsyms_addresses", &v), NULL);
	err = pmt_symbol(r, "broken", &v); /* a failure: passed on, not recorded */
	assert_int_equal(err->code, PMT_ERR_CORRUPT);
	pmt_err_free(err);
	assert_null(pmt_type_size(r, "struct trace_array", &v));
	assert_null(pmt_type_size(r, "unsigned int", &v));
	assert_null(pmt_type_size(r, "struct trace_array", &v)); /* asked twice: one record */
	absent(pmt_type_size(r, "struct ring_buffer", &v), NULL);
	assert_null(pmt_member(r, "struct trace_array", "f2", &m));
	assert_null(pmt_member(r, "struct saved_cmdlines_buffer", "map_pid_to_cmdline", &m));
	absent(pmt_member(r, "struct trace_array", "trace_buffer", &m), NULL);
	assert_null(pmt_enumerator(r, "TRACE_NEG", &s));
	assert_null(pmt_enumerator(r, "TRACE_FLAG_BH_OFF", &s));
	absent(pmt_enumerator(r, "TRACE_FLAG_NEED_RESCHED_LAZY", &s), NULL);
	assert_null(pmt_read(r, 0x1000, &b, 1)); /* memory passes through */
	assert_int_equal((unsigned char)b, 0xab);
	assert_int_equal(pmt_profile_recorded(r), 11);
}

static void write_profile(const char *path)
{
	struct pmt_target *r;

	assert_null(pmt_profile_recorder(&fake, &r));
	assert_int_equal(r->word_size, 8);
	assert_int_equal(r->kaslr_offset, KASLR);
	record_some(r);
	assert_null(pmt_profile_write(r, path, NULL, "3b43fad5034874490492495d552c0af6a5fab235"));
	pmt_target_destroy(r);
}

static void test_roundtrip(void **state)
{
	char path[128], rel[65], bid[129];
	struct pmt_target *p;
	struct pmt_member m;
	uint64_t v;
	int64_t s;
	char b;
	struct pmt_err *err;

	snprintf(path, sizeof(path), "%s/profiles/sub/x.profile", tmpdir); /* dirs created */
	write_profile(path);
	assert_null(pmt_profile_open(path, &p, rel, bid));
	assert_string_equal(rel, "6.1.0-56-cloud-amd64");
	assert_string_equal(bid, "3b43fad5034874490492495d552c0af6a5fab235");
	assert_string_equal(p->release, "6.1.0-56-cloud-amd64");
	assert_int_equal(p->word_size, 8);
	assert_int_equal(p->page_size, 4096);
	assert_false(p->big_endian);
	assert_int_equal(p->kaslr_offset, 0);

	assert_null(pmt_symbol(p, "global_trace", &v));
	assert_int_equal(v, 0xffffffff82b39d40ull); /* link-time */
	absent(pmt_symbol(p, "kallsyms_addresses", &v), "absent (profile)");
	absent(pmt_symbol(p, "broken", &v), "not in the profile");
	absent(pmt_symbol(p, "never_asked", &v), "not in the profile");
	assert_null(pmt_type_size(p, "struct trace_array", &v));
	assert_int_equal(v, 7752);
	assert_null(pmt_type_size(p, "unsigned int", &v));
	assert_int_equal(v, 4);
	absent(pmt_type_size(p, "struct ring_buffer", &v), "absent (profile)");
	assert_null(pmt_member(p, "struct trace_array", "f2", &m));
	assert_memory_equal(&m, &fake_bits, sizeof(m));
	assert_null(pmt_member(p, "struct saved_cmdlines_buffer", "map_pid_to_cmdline", &m));
	assert_memory_equal(&m, &fake_arr, sizeof(m));
	absent(pmt_member(p, "struct trace_array", "trace_buffer", &m), "absent (profile)");
	absent(pmt_member(p, "struct trace_array", "name", &m), "not in the profile");
	assert_null(pmt_enumerator(p, "TRACE_NEG", &s));
	assert_int_equal(s, -3);
	assert_null(pmt_enumerator(p, "TRACE_FLAG_BH_OFF", &s));
	assert_int_equal(s, 128);
	absent(pmt_enumerator(p, "TRACE_FLAG_NEED_RESCHED_LAZY", &s), "absent (profile)");
	err = pmt_read(p, 0x1000, &b, 1);
	assert_int_equal(err->code, PMT_ERR_UNSUPPORTED);
	pmt_err_free(err);
	pmt_target_destroy(p);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(1 << 16);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_format_text(void **state)
{
	char path[128];
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/text.profile", tmpdir);
	write_profile(path);
	buf = slurp(path, &len);
	buf[len] = '\0';
	/* the documented spelling (docs/profile.md) */
	assert_non_null(strstr(buf, "pmtrace-profile 1\nrelease 6.1.0-56-cloud-amd64\n"
				    "build-id 3b43fad5034874490492495d552c0af6a5fab235\n"
				    "word-size 8\nbig-endian 0\npage-size 4096\n"));
	assert_non_null(strstr(buf, "\nsym global_trace 0xffffffff82b39d40\n"));
	assert_non_null(strstr(buf, "\nsym kallsyms_addresses -\n"));
	assert_non_null(strstr(buf, "\nsize unsigned%20int 4\n"));
	assert_non_null(strstr(buf, "\nmember struct%20trace_array f2 36 4 291 5 int 0 0\n"));
	assert_non_null(strstr(buf, "\nenum TRACE_NEG -3\n"));
	assert_non_null(strstr(buf, "\nend 11\n"));
	free(buf);
}

static void expect_bad(const char *path, enum pmt_err_code code)
{
	struct pmt_target *p = NULL;
	struct pmt_err *err = pmt_profile_open(path, &p, NULL, NULL);

	if (!err)
		fail_msg("damaged profile accepted");
	if (err->code != code)
		fail_msg("expected %s, got %s: %s", pmt_err_code_name(code),
			 pmt_err_code_name(err->code), err->msg);
	assert_null(p);
	pmt_err_free(err);
}

static void test_damaged(void **state)
{
	char good[128], bad[128];
	size_t len;
	char *buf, *copy;

	snprintf(good, sizeof(good), "%s/good.profile", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.profile", tmpdir);
	write_profile(good);
	buf = slurp(good, &len);
	/* every truncation is detected */
	for (size_t cut = 0; cut < len; cut++) {
		spit(bad, buf, cut);
		expect_bad(bad, PMT_ERR_FORMAT);
	}
	/* byte corruption: rejected or parsed, never a crash or a hang */
	copy = malloc(len);
	assert_non_null(copy);
	for (size_t i = 0; i < len; i++) {
		static const char repl[] = { '\0', ' ', '\n', '%', '-', 'x', '9', (char)0xff };

		for (size_t k = 0; k < sizeof(repl); k++) {
			struct pmt_target *p = NULL;
			struct pmt_err *err;
			uint64_t v;

			memcpy(copy, buf, len);
			copy[i] = repl[k];
			spit(bad, copy, len);
			err = pmt_profile_open(bad, &p, NULL, NULL);
			if (err) {
				assert_null(p);
				assert_true(err->code == PMT_ERR_FORMAT ||
					    err->code == PMT_ERR_UNSUPPORTED);
				pmt_err_free(err);
				continue;
			}
			pmt_err_free(pmt_symbol(p, "global_trace", &v));
			pmt_target_destroy(p);
		}
	}
	free(copy);
	/* specific damage */
	spit(bad, "pmtrace-profile 2\n", 18);
	expect_bad(bad, PMT_ERR_UNSUPPORTED);
	spit(bad, "ELF\n", 4);
	expect_bad(bad, PMT_ERR_FORMAT);
	spit(bad, buf, len);
	{
		FILE *f = fopen(bad, "a");

		fputs("sym extra 0x1\n", f); /* after the end line */
		fclose(f);
	}
	expect_bad(bad, PMT_ERR_FORMAT);
	snprintf(bad, sizeof(bad), "%s/missing.profile", tmpdir);
	expect_bad(bad, PMT_ERR_ABSENT); /* no cached profile yet */
	free(buf);
}

static void test_cache_path(void **state)
{
	char *p;
	struct pmt_err *err;

	assert_null(pmt_profile_cache_path("/c", "3b43fad5", &p));
	assert_string_equal(p, "/c/profiles/3b43fad5.profile");
	free(p);
	err = pmt_profile_cache_path("/c", "../../etc/passwd", &p);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	assert_null(p);
	pmt_err_free(err);
	err = pmt_profile_write(&fake, "/tmp/x", NULL, NULL); /* not a recorder */
	assert_int_equal(err->code, PMT_ERR_INVALID);
	pmt_err_free(err);
}

/* ---- against the vmlinux ---- */

static const char *vmlinux_arg;

static void test_vmlinux_replay(void **state)
{
	static const char *const members[][2] = {
		{ "struct trace_array", "array_buffer.buffer" },
		{ "struct trace_array", "trace_buffer" },
		{ "struct trace_event_call", "tp" },
		{ "struct ring_buffer_per_cpu", "reader_page" },
		{ "struct buffer_page", "order" },
		{ "struct saved_cmdlines_buffer", "saved_cmdlines" },
	};
	struct vmlinux *vm;
	struct pmt_target *t, *r, *p;
	char path[128], rel[65], bid[129], *cp;

	assert_null(vmlinux_open(vmlinux_arg, &vm));
	assert_null(dwarf_types_target(vm, &t));
	assert_null(pmt_profile_recorder(t, &r));
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		struct pmt_member m;

		pmt_err_free(pmt_member(r, members[i][0], members[i][1], &m));
	}
	assert_null(pmt_profile_cache_path(tmpdir, vmlinux_build_id(vm), &cp));
	snprintf(path, sizeof(path), "%s", cp);
	free(cp);
	assert_null(pmt_profile_write(r, path, vmlinux_release(vm), vmlinux_build_id(vm)));
	assert_null(pmt_profile_open(path, &p, rel, bid));
	assert_non_null(getenv("PMT_VMLINUX_RELEASE"));
	assert_string_equal(rel, getenv("PMT_VMLINUX_RELEASE"));
	assert_string_equal(bid, getenv("PMT_VMLINUX_BUILD_ID"));
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		struct pmt_member a, b;
		struct pmt_err *ea = pmt_member(t, members[i][0], members[i][1], &a);
		struct pmt_err *eb = pmt_member(p, members[i][0], members[i][1], &b);

		assert_int_equal(ea ? ea->code : 0, eb ? eb->code : 0);
		if (!ea)
			assert_memory_equal(&a, &b, sizeof(a));
		pmt_err_free(ea);
		pmt_err_free(eb);
	}
	pmt_target_destroy(p);
	pmt_target_destroy(r);
	pmt_target_destroy(t);
	vmlinux_close(vm);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pmt-profile-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "vmlinux")) {
		const struct CMUnitTest tests[] = { cmocka_unit_test(test_vmlinux_replay) };

		if (argc < 3 || access(argv[2], R_OK)) {
			printf("SKIP: no vmlinux at %s\n", argc >= 3 ? argv[2] : "(none)");
			return 77;
		}
		vmlinux_arg = argv[2];
		return cmocka_run_group_tests_name("profile_vmlinux", tests, setup, teardown);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_format_text),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_cache_path),
	};

	return cmocka_run_group_tests_name("profile", tests, setup, teardown);
}

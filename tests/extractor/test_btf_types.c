// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of the BTF types target (extractor/btf_types.c) on blobs written with
 * libbpf's writer (btf__new_empty + btf__add_*): every kind of answer the
 * walkers use (sizes, dotted paths, anonymous unions and structs looked
 * through, bit fields in both encodings and in packed structs, arrays,
 * pointee sizes, signed/unsigned/64-bit enums, duplicate names), module
 * (split) BTF, and damaged blobs: truncations, each inconsistency the checker
 * knows, and random mutations, which must be refused or answered without a
 * read outside the blob (ASan). The mutation run also counts what libbpf 1.1
 * alone accepts that the checker refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>

#include "btf_types.h"

/* ---- the sample ---- */

struct sample {
	uint8_t *blob;
	size_t size;
	int legacy_int; /* id of the INT patched into a legacy bit field */
};

static int must_at(int id, int line)
{
	if (id <= 0) {
		fprintf(stderr, "test_btf_types.c:%d: libbpf's writer failed (%d)\n", line, id);
		exit(1);
	}
	return id;
}
#define must(x) must_at((x), __LINE__)
/* the btf__add_field()-like calls return 0 */
#define fine(x) must_at((x) == 0 ? 1 : (x), __LINE__)

/*
 * struct inner { int a; union { u32 b; char c[4]; }; struct { u32 x:3, y:5; }; };
 * struct outer {
 *	u64 head; struct inner in; struct inner *p; struct fwd_only *f; void *v;
 *	int (*fn)(int); enum e en; const volatile u32 cv; u64 arr2[3][4];
 *	char name[16]; u64 lo:4, hi:60;
 *	union { struct { int pad0; int deep; }; u64 whole; };
 *	unsigned long flex[];
 * };                                                      (192 bytes)
 * struct packed { char c; u32 w:30; } __packed;           (5 bytes)
 * struct legacy { u32 m:3 at bit 10, INT-encoded };       (4 bytes)
 */
static void make_sample(struct sample *s)
{
	struct btf *b = btf__new_empty();
	int t_int, t_uint, t_char, t_ulong, t_u32, t_u64, t_fwd, t_c4, t_union, t_anon, t_inner;
	int t_pinner, t_pfwd, t_pvoid, t_proto, t_pfn, t_enum, t_a34, t_a3, t_const, t_cv, t_c16;
	int t_flex, t_s3, t_u3, t_outer, t_packed, t_leg_int, t_legacy, t_e64, t_eu, t;
	const void *raw;
	uint32_t size;

	assert_non_null(b);
	t_int = must(btf__add_int(b, "int", 4, BTF_INT_SIGNED));
	t_uint = must(btf__add_int(b, "unsigned int", 4, 0));
	t_char = must(btf__add_int(b, "char", 1, BTF_INT_SIGNED));
	t_ulong = must(btf__add_int(b, "long unsigned int", 8, 0));
	must(btf__add_int(b, "_Bool", 1, BTF_INT_BOOL));
	must(btf__add_float(b, "double", 8));
	t_u32 = must(btf__add_typedef(b, "u32", t_uint));
	t_u64 = must(btf__add_typedef(b, "u64", t_ulong));
	t_fwd = must(btf__add_fwd(b, "fwd_only", BTF_FWD_STRUCT));
	must(btf__add_fwd(b, "inner", BTF_FWD_STRUCT)); /* loses to the definition */
	t_c4 = must(btf__add_array(b, t_int, t_char, 4));

	t_union = must(btf__add_union(b, NULL, 4));
	fine(btf__add_field(b, "b", t_u32, 0, 0));
	fine(btf__add_field(b, "c", t_c4, 0, 0));
	t_anon = must(btf__add_struct(b, NULL, 4));
	fine(btf__add_field(b, "x", t_u32, 0, 3));
	fine(btf__add_field(b, "y", t_u32, 3, 5));
	t_inner = must(btf__add_struct(b, "inner", 12));
	fine(btf__add_field(b, "a", t_int, 0, 0));
	fine(btf__add_field(b, NULL, t_union, 32, 0));
	fine(btf__add_field(b, NULL, t_anon, 64, 0));

	t_pinner = must(btf__add_ptr(b, t_inner));
	t_pfwd = must(btf__add_ptr(b, t_fwd));
	t_pvoid = must(btf__add_ptr(b, 0));
	t_proto = must(btf__add_func_proto(b, t_int));
	fine(btf__add_func_param(b, "x", t_int));
	t_pfn = must(btf__add_ptr(b, t_proto));
	t_enum = must(btf__add_enum(b, "e", 4));
	fine(btf__add_enum_value(b, "A", 1));
	fine(btf__add_enum_value(b, "B", -2));
	t_a34 = must(btf__add_array(b, t_int, t_u64, 4));
	t_a3 = must(btf__add_array(b, t_int, t_a34, 3));
	t_const = must(btf__add_const(b, t_u32));
	t_cv = must(btf__add_volatile(b, t_const));
	t_c16 = must(btf__add_array(b, t_int, t_char, 16));
	t_flex = must(btf__add_array(b, t_int, t_ulong, 0));
	t_s3 = must(btf__add_struct(b, NULL, 8));
	fine(btf__add_field(b, "pad0", t_int, 0, 0));
	fine(btf__add_field(b, "deep", t_int, 32, 0));
	t_u3 = must(btf__add_union(b, NULL, 8));
	fine(btf__add_field(b, NULL, t_s3, 0, 0));
	fine(btf__add_field(b, "whole", t_u64, 0, 0));

	t_outer = must(btf__add_struct(b, "outer", 192));
	fine(btf__add_field(b, "head", t_u64, 0, 0));
	fine(btf__add_field(b, "in", t_inner, 64, 0));
	fine(btf__add_field(b, "p", t_pinner, 192, 0));
	fine(btf__add_field(b, "f", t_pfwd, 256, 0));
	fine(btf__add_field(b, "v", t_pvoid, 320, 0));
	fine(btf__add_field(b, "fn", t_pfn, 384, 0));
	fine(btf__add_field(b, "en", t_enum, 448, 0));
	fine(btf__add_field(b, "cv", t_cv, 480, 0));
	fine(btf__add_field(b, "arr2", t_a3, 512, 0));
	fine(btf__add_field(b, "name", t_c16, 1280, 0));
	fine(btf__add_field(b, "lo", t_u64, 1408, 4));
	fine(btf__add_field(b, "hi", t_u64, 1412, 60));
	fine(btf__add_field(b, NULL, t_u3, 1472, 0));
	fine(btf__add_field(b, "flex", t_flex, 1536, 0));
	(void)t_outer;

	t_packed = must(btf__add_struct(b, "packed", 5));
	fine(btf__add_field(b, "c", t_char, 0, 0));
	fine(btf__add_field(b, "w", t_u32, 8, 30));
	(void)t_packed;

	/* the pre-kind_flag encoding: the INT itself says "3 bits at bit 2" */
	t_leg_int = must(btf__add_int(b, "unsigned int", 4, 0));
	t_legacy = must(btf__add_struct(b, "legacy", 4));
	fine(btf__add_field(b, "m", t_leg_int, 8, 0));
	(void)t_legacy;

	t_e64 = must(btf__add_enum64(b, "big", 8, false));
	fine(btf__add_enum64_value(b, "BIG", 0x100000000ull));
	fine(btf__add_enum64_value(b, "HUGE", ~0ull));
	t_eu = must(btf__add_enum(b, "u", 4));
	fine(btf__add_enum_value(b, "HIGH", 0x80000000ll));
	(void)t_e64;
	(void)t_eu;
	must(btf__add_enum(b, "x", 4));
	fine(btf__add_enum_value(b, "DUP", 1));
	must(btf__add_enum(b, "y", 4));
	fine(btf__add_enum_value(b, "DUP", 2));
	must(btf__add_enum(b, "z", 4));
	fine(btf__add_enum_value(b, "SAME", 3));
	must(btf__add_enum(b, "w", 4));
	fine(btf__add_enum_value(b, "SAME", 3));
	must(btf__add_enum(b, "decl_only", 4)); /* no enumerators: a declaration */

	for (int i = 0; i < 2; i++) { /* same layout twice: not ambiguous */
		must(btf__add_struct(b, "twin", 4));
		fine(btf__add_field(b, "a", t_int, 0, 0));
	}
	must(btf__add_struct(b, "clash", 4));
	fine(btf__add_field(b, "a", t_int, 0, 0));
	must(btf__add_struct(b, "clash", 8));
	fine(btf__add_field(b, "a", t_u64, 0, 0));

	t = must(btf__add_typedef(b, "loop_a", 0)); /* loop_a -> loop_b -> loop_a */
	must(btf__add_typedef(b, "loop_b", t));

	/* patch what the writer will not write */
	{
		struct btf_type *ty = (struct btf_type *)btf__type_by_id(b, t);

		ty->type = t + 1;
		ty = (struct btf_type *)btf__type_by_id(b, t_leg_int);
		*(uint32_t *)(ty + 1) = (2u << 16) | 3u; /* offset 2, 3 bits */
	}
	raw = btf__raw_data(b, &size);
	assert_non_null(raw);
	s->blob = malloc(size);
	assert_non_null(s->blob);
	memcpy(s->blob, raw, size);
	s->size = size;
	s->legacy_int = t_leg_int;
	btf__free(b);
}

static struct sample S;

static struct pmt_target *open_sample(void)
{
	struct pmt_target *t = NULL;
	struct pmt_err *err = btf_types_target(S.blob, S.size, &t);

	if (err)
		fail_msg("sample refused: %s", err->msg);
	return t;
}

static void expect_member(struct pmt_target *t, const char *type, const char *path,
			  const struct pmt_member *want)
{
	struct pmt_member m;
	struct pmt_err *err = pmt_member(t, type, path, &m);

	if (err)
		fail_msg("%s.%s: %s", type, path, err->msg);
	if (memcmp(&m, want, sizeof(m)))
		fail_msg("%s.%s: got off %llu size %llu bit %llu/%u kind %d len %llu elem %llu, "
			 "want off %llu size %llu bit %llu/%u kind %d len %llu elem %llu",
			 type, path, (unsigned long long)m.offset, (unsigned long long)m.size,
			 (unsigned long long)m.bit_offset, m.bit_size, m.kind,
			 (unsigned long long)m.array_len, (unsigned long long)m.elem_size,
			 (unsigned long long)want->offset, (unsigned long long)want->size,
			 (unsigned long long)want->bit_offset, want->bit_size, want->kind,
			 (unsigned long long)want->array_len, (unsigned long long)want->elem_size);
}

#define M(...) (&(struct pmt_member){ __VA_ARGS__ })

static void expect_code(struct pmt_err *err, enum pmt_err_code code, const char *needle)
{
	if (!err)
		fail_msg("expected %s (%s), got success", pmt_err_code_name(code),
			 needle ? needle : "any message");
	if (err->code != code || (needle && !strstr(err->msg, needle)))
		fail_msg("expected %s with '%s', got %s: %s", pmt_err_code_name(code),
			 needle ? needle : "any message",
			 pmt_err_code_name(err->code), err->msg);
	pmt_err_free(err);
}

static void test_members(void **state)
{
	struct pmt_target *t = open_sample();
	const enum pmt_type_kind I = PMT_KIND_INT, P = PMT_KIND_POINTER, A = PMT_KIND_ARRAY;
	struct pmt_member m;

	expect_member(t, "struct inner", "a", M(.offset = 0, .size = 4, .kind = I));
	expect_member(t, "struct inner", "b", M(.offset = 4, .size = 4, .kind = I));
	expect_member(t, "struct inner", "c",
		      M(.offset = 4, .size = 4, .kind = A, .array_len = 4, .elem_size = 1));
	expect_member(t, "struct inner", "x",
		      M(.offset = 8, .size = 4, .bit_offset = 64, .bit_size = 3, .kind = I));
	expect_member(t, "struct inner", "y",
		      M(.offset = 8, .size = 4, .bit_offset = 67, .bit_size = 5, .kind = I));
	expect_member(t, "struct outer", "in", M(.offset = 8, .size = 12, .kind = PMT_KIND_STRUCT));
	expect_member(t, "struct outer", "in.b", M(.offset = 12, .size = 4, .kind = I));
	expect_member(t, "struct outer", "in.y",
		      M(.offset = 16, .size = 4, .bit_offset = 131, .bit_size = 5, .kind = I));
	expect_member(t, "struct outer", "p",
		      M(.offset = 24, .size = 8, .kind = P, .elem_size = 12));
	expect_member(t, "struct outer", "f", M(.offset = 32, .size = 8, .kind = P));
	expect_member(t, "struct outer", "v", M(.offset = 40, .size = 8, .kind = P));
	expect_member(t, "struct outer", "fn", M(.offset = 48, .size = 8, .kind = P));
	expect_member(t, "struct outer", "en", M(.offset = 56, .size = 4, .kind = I));
	expect_member(t, "struct outer", "cv", M(.offset = 60, .size = 4, .kind = I));
	expect_member(t, "struct outer", "arr2",
		      M(.offset = 64, .size = 96, .kind = A, .array_len = 3, .elem_size = 32));
	expect_member(t, "struct outer", "name",
		      M(.offset = 160, .size = 16, .kind = A, .array_len = 16, .elem_size = 1));
	expect_member(t, "struct outer", "lo",
		      M(.offset = 176, .size = 8, .bit_offset = 1408, .bit_size = 4, .kind = I));
	expect_member(t, "struct outer", "hi",
		      M(.offset = 176, .size = 8, .bit_offset = 1412, .bit_size = 60, .kind = I));
	expect_member(t, "struct outer", "deep", M(.offset = 188, .size = 4, .kind = I));
	expect_member(t, "struct outer", "whole", M(.offset = 184, .size = 8, .kind = I));
	expect_member(t, "struct outer", "flex", M(.offset = 192, .kind = A, .elem_size = 8));
	/* packed: no aligned u32 holds bits 8..37, so the byte of its first bit */
	expect_member(t, "struct packed", "w",
		      M(.offset = 1, .size = 4, .bit_offset = 8, .bit_size = 30, .kind = I));
	expect_member(t, "struct legacy", "m",
		      M(.offset = 0, .size = 4, .bit_offset = 10, .bit_size = 3, .kind = I));
	expect_member(t, "struct twin", "a", M(.offset = 0, .size = 4, .kind = I));

	expect_code(pmt_member(t, "struct outer", "nope", &m), PMT_ERR_ABSENT, "no member 'nope'");
	expect_code(pmt_member(t, "struct outer", "in.nope", &m), PMT_ERR_ABSENT, "in.nope");
	expect_code(pmt_member(t, "struct outer", "p.a", &m), PMT_ERR_ABSENT, "not inside");
	expect_code(pmt_member(t, "struct outer", "head.x", &m), PMT_ERR_ABSENT, "not inside");
	expect_code(pmt_member(t, "struct outer", "f.x", &m), PMT_ERR_ABSENT, "not inside");
	expect_code(pmt_member(t, "struct fwd_only", "x", &m), PMT_ERR_ABSENT, "not inside");
	expect_code(pmt_member(t, "struct nope", "x", &m), PMT_ERR_ABSENT, "not in the BTF");
	expect_code(pmt_member(t, "struct clash", "a", &m), PMT_ERR_ABSENT, "ambiguous");
	expect_code(pmt_member(t, "struct outer", "in..a", &m), PMT_ERR_INVALID, NULL);
	expect_code(pmt_member(t, "struct outer",
			       "in.in.in.in.in.in.in.in.in.in.in.in.in.in.in.in.in", &m),
		    PMT_ERR_ABSENT, NULL);
	pmt_target_destroy(t);
}

static void test_sizes_enums(void **state)
{
	struct pmt_target *t = open_sample();
	uint64_t size;
	int64_t v;

	assert_null(pmt_type_size(t, "struct outer", &size));
	assert_int_equal(size, 192);
	assert_null(pmt_type_size(t, "struct inner", &size)); /* not the FWD of that name */
	assert_int_equal(size, 12);
	assert_null(pmt_type_size(t, "u32", &size));
	assert_int_equal(size, 4);
	assert_null(pmt_type_size(t, "long unsigned int", &size));
	assert_int_equal(size, 8);
	assert_null(pmt_type_size(t, "double", &size));
	assert_int_equal(size, 8);
	assert_null(pmt_type_size(t, "enum big", &size));
	assert_int_equal(size, 8);
	assert_null(pmt_type_size(t, "struct twin", &size));
	assert_int_equal(size, 4);
	expect_code(pmt_type_size(t, "struct fwd_only", &size), PMT_ERR_ABSENT, "only declared");
	expect_code(pmt_type_size(t, "enum decl_only", &size), PMT_ERR_ABSENT, "only declared");
	expect_code(pmt_type_size(t, "union inner", &size), PMT_ERR_ABSENT, NULL);
	expect_code(pmt_type_size(t, "struct clash", &size), PMT_ERR_ABSENT, "ambiguous");
	expect_code(pmt_type_size(t, "loop_a", &size), PMT_ERR_CORRUPT, "chain");
	expect_code(pmt_type_size(t, "", &size), PMT_ERR_INVALID, NULL);

	assert_null(pmt_enumerator(t, "A", &v));
	assert_int_equal(v, 1);
	assert_null(pmt_enumerator(t, "B", &v));
	assert_int_equal(v, -2);
	assert_null(pmt_enumerator(t, "HIGH", &v)); /* an unsigned enum's top bit */
	assert_int_equal(v, 0x80000000ll);
	assert_null(pmt_enumerator(t, "BIG", &v));
	assert_int_equal(v, 0x100000000ll);
	assert_null(pmt_enumerator(t, "HUGE", &v));
	assert_int_equal(v, -1);
	assert_null(pmt_enumerator(t, "SAME", &v));
	assert_int_equal(v, 3);
	expect_code(pmt_enumerator(t, "DUP", &v), PMT_ERR_ABSENT, "ambiguous");
	expect_code(pmt_enumerator(t, "NOPE", &v), PMT_ERR_ABSENT, NULL);
	expect_code(pmt_symbol(t, "global_trace", &size), PMT_ERR_ABSENT, "no addresses");
	pmt_target_destroy(t);
}

/* ---- modules ---- */

struct loader_state {
	int calls;
	uint8_t *good, *bad;
	uint32_t good_size, bad_size;
};

static void loader(void *arg, struct pmt_target *t)
{
	struct loader_state *ls = arg;
	struct pmt_err *err;

	ls->calls++;
	assert_null(btf_types_add_module(t, "good", ls->good, ls->good_size));
	err = btf_types_add_module(t, "bad", ls->bad, ls->bad_size);
	assert_non_null(err);
	btf_types_note(t, "%s", err->msg);
	pmt_err_free(err);
}

static void test_modules(void **state)
{
	struct pmt_target *t = open_sample();
	struct btf *base = btf__new(S.blob, S.size), *split;
	struct loader_state ls = { 0 };
	struct btf_types_stats st;
	const void *raw;
	int64_t v;
	int e, s;

	assert_non_null(base);
	split = btf__new_empty_split(base);
	e = must(btf__add_enum(split, "mod_e", 4));
	fine(btf__add_enum_value(split, "MOD_ONLY", 7));
	e = must(btf__add_ptr(split, 1)); /* int *: a base id */
	s = must(btf__add_struct(split, "mod_s", 8));
	fine(btf__add_field(split, "p", e, 0, 0));
	(void)e;
	(void)s;
	raw = btf__raw_data(split, &ls.good_size);
	ls.good = malloc(ls.good_size);
	memcpy(ls.good, raw, ls.good_size);
	/* the same module with a member type beyond every id */
	ls.bad = malloc(ls.good_size);
	memcpy(ls.bad, raw, ls.good_size);
	ls.bad_size = ls.good_size;
	{
		uint32_t hdr_len, type_off, n;
		uint8_t *p;

		memcpy(&hdr_len, ls.bad + 4, 4);
		memcpy(&type_off, ls.bad + 8, 4);
		/* types: enum (12 + 8), ptr (12), struct (12 + 12: member type at +4) */
		p = ls.bad + hdr_len + type_off + 20 + 12 + 12 + 4;
		n = 999999;
		memcpy(p + 0, &n, 4);
	}
	btf__free(split);
	btf__free(base);
	btf_types_set_module_loader(t, loader, &ls, NULL);

	/* layout questions never look at modules */
	expect_code(pmt_enumerator(t, "MOD_ONLY", &v), PMT_ERR_ABSENT, NULL);
	assert_int_equal(ls.calls, 0);
	pmt_scope(t, "some_event_output_func");
	assert_null(pmt_enumerator(t, "MOD_ONLY", &v));
	assert_int_equal(v, 7);
	assert_null(pmt_enumerator(t, "A", &v)); /* vmlinux still first */
	expect_code(pmt_enumerator(t, "NOPE", &v), PMT_ERR_ABSENT, NULL);
	pmt_scope(t, NULL);
	assert_int_equal(ls.calls, 1);
	btf_types_load_modules(t);
	assert_int_equal(ls.calls, 1);
	btf_types_get_stats(t, &st);
	assert_int_equal(st.modules, 1);
	assert_int_equal(st.modules_refused, 1);
	assert_true(st.modules_loaded);
	assert_non_null(strstr(btf_types_notes(t), "BTF of module bad"));
	assert_non_null(strstr(btf_types_notes(t), "beyond the last type"));
	free(ls.good);
	free(ls.bad);
	pmt_target_destroy(t);
}

/* ---- damaged blobs ---- */

static struct pmt_err *try_blob(const uint8_t *p, size_t n)
{
	struct pmt_target *t = NULL;
	struct pmt_err *err = btf_types_target(p, n, &t);

	pmt_target_destroy(t);
	return err;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Blob offset of type `id`'s record (walks the records like the checker). */
static size_t type_at(const uint8_t *b, uint32_t id)
{
	size_t pos = rd32(b + 4) + rd32(b + 8);

	for (uint32_t i = 1; i < id; i++) {
		uint32_t info = rd32(b + pos + 4), kind = (info >> 24) & 0x1f, vlen = info & 0xffff;
		size_t extra =
			kind == BTF_KIND_INT || kind == BTF_KIND_VAR || kind == BTF_KIND_DECL_TAG
				? 4
			: kind == BTF_KIND_ARRAY ? 12
			: kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION ||
					kind == BTF_KIND_DATASEC || kind == BTF_KIND_ENUM64
				? 12 * vlen
			: kind == BTF_KIND_ENUM || kind == BTF_KIND_FUNC_PROTO ? 8 * vlen
									       : 0;
		pos += 12 + extra;
	}
	return pos;
}

static void test_truncated(void **state)
{
	for (size_t n = 0; n < S.size; n++) {
		struct pmt_err *err = try_blob(S.blob, n);

		if (!err)
			fail_msg("a blob cut to %zu of %zu bytes was accepted", n, S.size);
		pmt_err_free(err);
	}
}

static void test_inconsistent(void **state)
{
	uint8_t *b = malloc(S.size);
	size_t t1 = type_at(S.blob, 1);
	uint32_t str_len = rd32(S.blob + 20), ntypes = 0;

	assert_null(btf_check_blob(S.blob, S.size, 0, 0, &ntypes));
	assert_true(ntypes > 40);
#define DAMAGE(code, needle, ...)                               \
	do {                                                    \
		memcpy(b, S.blob, S.size);                      \
		__VA_ARGS__;                                    \
		expect_code(try_blob(b, S.size), code, needle); \
	} while (0)
	DAMAGE(PMT_ERR_CORRUPT, "magic", b[0] ^= 0x55);
	DAMAGE(PMT_ERR_UNSUPPORTED, "version 2", b[2] = 2);
	DAMAGE(PMT_ERR_UNSUPPORTED, "flags", b[3] = 1);
	DAMAGE(PMT_ERR_CORRUPT, "header length", wr32(b + 4, 12));
	DAMAGE(PMT_ERR_CORRUPT, "header length", wr32(b + 4, (uint32_t)S.size + 1));
	DAMAGE(PMT_ERR_CORRUPT, "do not fit", wr32(b + 20, str_len + 1));
	DAMAGE(PMT_ERR_CORRUPT, "do not fit", wr32(b + 12, rd32(b + 12) + 4));
	DAMAGE(PMT_ERR_CORRUPT, "do not fit", wr32(b + 8, 2));
	DAMAGE(PMT_ERR_CORRUPT, "end with NUL", b[S.size - 1] = 'x');
	DAMAGE(PMT_ERR_CORRUPT, "start with NUL", b[24 + rd32(b + 16)] = 'x');
	/* type 1 ("int"): its name past the strings, a bad INT, an unknown kind */
	DAMAGE(PMT_ERR_CORRUPT, "past the string section", wr32(b + t1, str_len));
	DAMAGE(PMT_ERR_CORRUPT, "INT of 33 bits", wr32(b + t1 + 12, 33));
	DAMAGE(PMT_ERR_UNSUPPORTED, "unknown kind 20", wr32(b + t1 + 4, 20u << 24));
	DAMAGE(PMT_ERR_CORRUPT, "unused info bits", wr32(b + t1 + 4, rd32(b + t1 + 4) | 1u << 20));
	{
		/* struct inner's member a: type id out of range; a bit field wider
		 * than 128 bits; a member outside the struct */
		uint32_t id = 0;
		struct btf *p = btf__new(S.blob, S.size);

		id = (uint32_t)btf__find_by_name_kind(p, "inner", BTF_KIND_STRUCT);
		btf__free(p);
		size_t m0 = type_at(S.blob, id) + 12;

		DAMAGE(PMT_ERR_CORRUPT, "beyond the last type", wr32(b + m0 + 4, 100000));
		DAMAGE(PMT_ERR_CORRUPT, "past the string section", wr32(b + m0, 0x7ffffff0));
		DAMAGE(PMT_ERR_CORRUPT, "outside the 12-byte type", wr32(b + m0 + 8, 97));
		DAMAGE(PMT_ERR_CORRUPT, "refers to itself",
		       wr32(b + type_at(b, id + 1) + 8, id + 1)); /* struct inner * -> itself */
	}
	free(b);
}

/* Ask everything of a target that accepted a (mutated) blob. */
static void ask_all(struct pmt_target *t)
{
	static const char *const types[] = { "struct outer",  "struct inner",  "u32",
					     "struct packed", "struct legacy", "enum e",
					     "loop_a",	      "struct twin" };
	static const char *const paths[] = { "in.y", "deep", "lo", "hi",   "p",	   "arr2", "flex",
					     "w",    "m",    "a",  "in.b", "name", "whole" };
	static const char *const enums[] = { "A", "B", "HIGH", "BIG", "DUP", "SAME" };
	struct pmt_member m;
	uint64_t size;
	int64_t v;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		pmt_err_free(pmt_type_size(t, types[i], &size));
		for (size_t k = 0; k < sizeof(paths) / sizeof(paths[0]); k++)
			pmt_err_free(pmt_member(t, types[i], paths[k], &m));
	}
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++)
		pmt_err_free(pmt_enumerator(t, enums[i], &v));
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

/*
 * Random mutations: 1..4 bytes overwritten (half of them inside the header
 * and type records). Each blob goes to libbpf alone (btf__new, then every
 * name and type id looked up through libbpf's accessors, as a caller without
 * our checker would) and to the target. Counted: blobs libbpf accepts that
 * the checker refuses, i.e. what libbpf 1.1 does not check.
 */
static void test_mutations(void **state)
{
	size_t runs = getenv("PMTRACE_BTF_FUZZ_RUNS")
			      ? strtoul(getenv("PMTRACE_BTF_FUZZ_RUNS"), NULL, 0)
			      : 20000;
	size_t accepted = 0, lib_ok = 0, lib_ok_refused = 0, lib_ok_bad_name = 0, lib_ok_bad_id = 0;
	size_t types_end = 24 + rd32(S.blob + 8) + rd32(S.blob + 12);
	uint8_t *b = malloc(S.size);

	for (size_t r = 0; r < runs; r++) {
		struct pmt_target *t = NULL;
		struct pmt_err *err;
		struct btf *lb;
		unsigned int n = 1 + next_rand() % 4;

		memcpy(b, S.blob, S.size);
		for (unsigned int i = 0; i < n; i++) {
			size_t at =
				next_rand() % 2 ? next_rand() % types_end : next_rand() % S.size;

			b[at] = next_rand() % 3 ? (uint8_t)next_rand() : (uint8_t)(b[at] ^ 0x80);
		}
		lb = btf__new(b, (uint32_t)S.size);
		if (lb) {
			bool bad_name = false, bad_id = false;

			lib_ok++;
			for (uint32_t id = 1; id < btf__type_cnt(lb); id++) {
				const struct btf_type *ty = btf__type_by_id(lb, id);

				if (!btf__name_by_offset(lb, ty->name_off))
					bad_name = true;
				if (btf_is_composite(ty)) {
					for (unsigned int k = 0; k < btf_vlen(ty); k++) {
						if (!btf__name_by_offset(
							    lb, btf_members(ty)[k].name_off))
							bad_name = true;
						if (!btf__type_by_id(lb, btf_members(ty)[k].type))
							bad_id = true;
					}
				} else if (btf_is_ptr(ty) || btf_is_typedef(ty) || btf_is_mod(ty)) {
					if (!btf__type_by_id(lb, ty->type))
						bad_id = true;
				}
			}
			err = btf_check_blob(b, S.size, 0, 0, NULL);
			if (err) {
				lib_ok_refused++;
				lib_ok_bad_name += bad_name;
				lib_ok_bad_id += bad_id;
				pmt_err_free(err);
			}
			btf__free(lb);
		}
		err = btf_types_target(b, S.size, &t);
		if (!err) {
			accepted++;
			ask_all(t);
			pmt_target_destroy(t);
		} else {
			pmt_err_free(err);
		}
	}
	free(b);
	printf("mutations: %zu blobs; libbpf 1.1 accepted %zu, of which the checker refused %zu "
	       "(%zu with a name offset libbpf's accessors reject, %zu with a type id beyond the "
	       "last); the target accepted %zu and answered everything asked of them\n",
	       runs, lib_ok, lib_ok_refused, lib_ok_bad_name, lib_ok_bad_id, accepted);
	assert_true(accepted < runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_members),	     cmocka_unit_test(test_sizes_enums),
		cmocka_unit_test(test_modules),	     cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_inconsistent), cmocka_unit_test(test_mutations),
	};
	int rc;

	libbpf_set_print(NULL);
	make_sample(&S);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(S.blob);
	return rc;
}

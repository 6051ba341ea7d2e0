// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistent ring buffer ranges built here from the kernel's struct
 * definitions (persist_layout_builtin()): every layout the kernel has used,
 * including those no corpus kernel has (6.13's kaslr_addr in the per-CPU
 * meta, the split meta with kaslr_addr, 7.x's nr_invalid), read both with a
 * type source that describes them (chosen by what the types say) and
 * without any (recognised by the range's own sizes); then damaged on purpose:
 * each problem must be reported with its kind and CPU, everything valid must
 * still print, and no read may leave the range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "persistent.h"
#include "pmtrace/trace.h"

#define BASE	   0x40000000ULL /* physical address of the range */
#define SUBBUF	   4096u
#define NCPUS	   2
#define NSUB	   8 /* sub-buffers per CPU: reader + 7 in the ring */
#define RANGE_SIZE (NCPUS * (NSUB + 1) * SUBBUF + 4 * SUBBUF)
#define LINK_TEXT  0xffffffff81000000ULL
#define PREV_KASLR 0x2a00000ULL		 /* the writer's KASLR offset */
#define RB_TEXT	   0xffffffff8120d8e0ULL /* link address of rb_meta_init_text_addr */

/* ---- a target over the image ---------------------------------------------- */

struct img {
	uint8_t *mem;
	uint64_t size;			    /* bytes that exist (a truncated image has fewer) */
	uint64_t outside;		    /* reads that asked for bytes outside the range */
	const struct persist_layout *types; /* NULL: no type source */
};

static struct pmt_err *img_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct img *im = t->priv;

	if (addr < BASE || addr - BASE >= RANGE_SIZE || len > RANGE_SIZE - (addr - BASE)) {
		im->outside++;
		return pmt_err_addr(PMT_ERR_NODATA, addr, "outside the range");
	}
	if (addr - BASE + len > im->size)
		return pmt_err_addr(PMT_ERR_TRUNCATED, addr, "beyond the image");
	memcpy(buf, im->mem + (addr - BASE), len);
	return NULL;
}

static const struct fl_field *find_member(const struct persist_layout *PL, const char *type,
					  const char *path)
{
	static const struct {
		const char *type, *path;
		size_t off;
	} tab[] = {
#define F(t, p, m) { t, p, offsetof(struct persist_layout, m) }
		F("struct ring_buffer_meta", "magic", m_magic),
		F("struct ring_buffer_meta", "struct_size", m_struct_size),
		F("struct ring_buffer_meta", "struct_sizes", m_struct_sizes),
		F("struct ring_buffer_meta", "text_addr", m_text_addr),
		F("struct ring_buffer_meta", "data_addr", m_data_addr),
		F("struct ring_buffer_meta", "kaslr_addr", m_kaslr_addr),
		F("struct ring_buffer_meta", "first_buffer", m_first_buffer),
		F("struct ring_buffer_meta", "head_buffer", m_head_buffer),
		F("struct ring_buffer_meta", "commit_buffer", m_commit_buffer),
		F("struct ring_buffer_meta", "subbuf_size", m_subbuf_size),
		F("struct ring_buffer_meta", "nr_subbufs", m_nr_subbufs),
		F("struct ring_buffer_meta", "buffers", m_buffers),
		F("struct ring_buffer_meta", "total_size", m_total_size),
		F("struct ring_buffer_meta", "buffers_offset", m_buffers_offset),
		F("struct ring_buffer_cpu_meta", "kaslr_addr", c_kaslr_addr),
		F("struct ring_buffer_cpu_meta", "first_buffer", c_first_buffer),
		F("struct ring_buffer_cpu_meta", "head_buffer", c_head_buffer),
		F("struct ring_buffer_cpu_meta", "commit_buffer", c_commit_buffer),
		F("struct ring_buffer_cpu_meta", "subbuf_size", c_subbuf_size),
		F("struct ring_buffer_cpu_meta", "nr_subbufs", c_nr_subbufs),
		F("struct ring_buffer_cpu_meta", "nr_invalid", c_nr_invalid),
		F("struct ring_buffer_cpu_meta", "entry_bytes", c_entry_bytes),
		F("struct ring_buffer_cpu_meta", "buffers", c_buffers),
		F("struct trace_scratch", "clock_id", s_clock_id),
		F("struct trace_scratch", "text_addr", s_text_addr),
		F("struct trace_scratch", "kaslr_addr", s_kaslr_addr),
		F("struct trace_scratch", "nr_entries", s_nr_entries),
		F("struct trace_scratch", "entries", s_entries),
		F("struct trace_mod_entry", "mod_addr", e_mod_addr),
		F("struct trace_mod_entry", "mod_name", e_mod_name),
#undef F
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		const struct fl_field *f = (const void *)((const char *)PL + tab[i].off);

		if (!strcmp(tab[i].type, type) && !strcmp(tab[i].path, path))
			return f->ok ? f : NULL;
	}
	return NULL;
}

static struct pmt_err *img_member(struct pmt_target *t, const char *type, const char *path,
				  struct pmt_member *out)
{
	struct img *im = t->priv;
	const struct fl_field *f;

	/* the question that says the kernel has boot-mapped buffers */
	if (im->types && !strcmp(type, "struct trace_array") && !strcmp(path, "range_addr_start")) {
		memset(out, 0, sizeof(*out));
		out->size = 8;
		return NULL;
	}
	f = im->types ? find_member(im->types, type, path) : NULL;
	if (!f)
		return pmt_err_new(PMT_ERR_ABSENT, "no %s.%s", type, path);
	*out = f->m;
	return NULL;
}

static struct pmt_err *img_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	struct img *im = t->priv;
	const struct persist_layout *PL = im->types;
	const struct fl_struct *s = NULL;

	if (PL && !strcmp(type, "struct ring_buffer_meta"))
		s = &PL->meta;
	else if (PL && !strcmp(type, "struct ring_buffer_cpu_meta"))
		s = &PL->cmeta;
	else if (PL && !strcmp(type, "struct trace_scratch"))
		s = &PL->scratch;
	else if (PL && !strcmp(type, "struct trace_mod_entry"))
		s = &PL->mod_entry;
	if (!s || !s->ok)
		return pmt_err_new(PMT_ERR_ABSENT, "no %s", type);
	*size = s->size;
	return NULL;
}

static struct pmt_err *img_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct img *im = t->priv;

	if (im->types && !strcmp(name, "_text"))
		*addr = LINK_TEXT;
	else if (im->types && !strcmp(name, "_end"))
		*addr = LINK_TEXT + 0x4000000;
	else if (im->types && !strcmp(name, "rb_meta_init_text_addr"))
		*addr = RB_TEXT;
	else
		return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
	return NULL;
}

static struct pmt_err *img_enum(struct pmt_target *t, const char *name, int64_t *v)
{
	(void)t, (void)v;
	return pmt_err_new(PMT_ERR_ABSENT, "no %s", name);
}

static const struct pmt_target_ops img_ops = {
	.read = img_read,
	.symbol = img_symbol,
	.type_size = img_size,
	.member = img_member,
	.enumerator = img_enum,
};

/* ---- building ranges -------------------------------------------------------- */

struct built {
	struct persist_layout PL;
	uint8_t *mem;
	uint64_t cpu_meta[NCPUS]; /* offsets of each CPU's meta */
	uint64_t subbufs[NCPUS];  /* of its slot 0 */
	uint64_t scratch_off;
	int events; /* data events written in all */
};

static void put(uint8_t *p, uint64_t v, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_field(uint8_t *base, const struct fl_field *f, uint64_t v)
{
	if (f->ok)
		put(base + f->m.offset, v, f->m.size);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) / a * a;
}

/* A sub-buffer of `n` events: a 12-byte payload each (trace_entry + seq). */
static int fill_subbuf(uint8_t *page, uint64_t ts, int cpu, int seq0, int n)
{
	uint8_t *d = page + 16;

	put(page, ts, 8);
	for (int i = 0; i < n; i++) {
		uint32_t delta = 1000;

		/* type_len 3 = 12 bytes of payload, time delta in the top 27 bits */
		put(d, 3 | (delta << 5), 4);
		put(d + 4, 7, 2);		      /* common_type */
		put(d + 8, (uint64_t)(100 + cpu), 4); /* common_pid */
		put(d + 12, (uint64_t)(seq0 + i), 4);
		d += 16;
	}
	put(page + 8, (uint64_t)(d - page - 16), 8); /* commit */
	return n;
}

/*
 * A range of NCPUS CPUs, each with its ring: the reader page empty, the head
 * at position 1, data in positions 1..3 (4 events each), the commit at 3.
 */
static void build(struct built *B, enum persist_kind kind, int variant)
{
	struct persist_layout *PL = &B->PL;
	uint64_t off = 0, msize;

	memset(B, 0, sizeof(*B));
	persist_layout_builtin(PL, kind, variant, 8);
	B->mem = calloc(1, RANGE_SIZE);
	assert_non_null(B->mem);
	if (kind == PERSIST_SPLIT_META) {
		uint64_t boff;

		put_field(B->mem, &PL->m_magic, PERSIST_META_MAGIC);
		put_field(B->mem, &PL->m_struct_sizes, PL->cmeta.size | PL->meta.size << 16);
		put_field(B->mem, &PL->m_total_size, RANGE_SIZE);
		B->scratch_off = align_up(PL->meta.size, 8);
		boff = B->scratch_off + 3 * 8 + 64 * 2; /* scratch with room for 2 modules */
		put_field(B->mem, &PL->m_buffers_offset, boff);
		if (PL->scratch.ok) {
			uint8_t *s = B->mem + B->scratch_off;

			put_field(s, &PL->s_clock_id, 0);
			put_field(s, &PL->s_text_addr, LINK_TEXT + PREV_KASLR);
			put_field(s, &PL->s_nr_entries, 1);
			put(s + PL->s_entries.m.offset, 0xffffffffc0400000ULL, 8);
			memcpy(s + PL->s_entries.m.offset + 8, "fakemod", 8);
		}
		off = boff;
	}
	msize = kind == PERSIST_SPLIT_META ? PL->cmeta.size : PL->meta.size;
	for (int c = 0; c < NCPUS; c++) {
		uint8_t *m = B->mem + off;
		uint64_t sub = align_up(off + msize + 4 * NSUB, SUBBUF);
		uint64_t first = 0xffffc90000100000ULL + (uint64_t)c * 0x100000; /* writer's VA */
		const struct fl_field *f_first, *f_head, *f_commit, *f_ss, *f_nr, *f_buf;

		B->cpu_meta[c] = off;
		B->subbufs[c] = sub;
		if (kind == PERSIST_SPLIT_META) {
			f_first = &PL->c_first_buffer, f_head = &PL->c_head_buffer;
			f_commit = &PL->c_commit_buffer, f_ss = &PL->c_subbuf_size;
			f_nr = &PL->c_nr_subbufs, f_buf = &PL->c_buffers;
			put_field(m, &PL->c_kaslr_addr, PREV_KASLR);
		} else {
			put_field(m, &PL->m_magic, PERSIST_META_MAGIC);
			put_field(m, &PL->m_struct_size, PL->meta.size);
			put_field(m, &PL->m_text_addr, RB_TEXT + PREV_KASLR);
			put_field(m, &PL->m_data_addr, 0xffffffff83769088ULL + PREV_KASLR);
			put_field(m, &PL->m_kaslr_addr, PREV_KASLR);
			f_first = &PL->m_first_buffer, f_head = &PL->m_head_buffer;
			f_commit = &PL->m_commit_buffer, f_ss = &PL->m_subbuf_size;
			f_nr = &PL->m_nr_subbufs, f_buf = &PL->m_buffers;
		}
		put_field(m, f_first, first);
		put_field(m, f_head, first + 1 * SUBBUF);
		put_field(m, f_commit, first + 3 * SUBBUF);
		put_field(m, f_ss, SUBBUF);
		put_field(m, f_nr, NSUB);
		for (int i = 0; i < NSUB; i++)
			put(m + f_buf->m.offset + 4 * (uint64_t)i, (uint64_t)i, 4);
		for (int p = 1; p <= 3; p++)
			B->events += fill_subbuf(B->mem + sub + (uint64_t)p * SUBBUF,
						 1000000ULL * (uint64_t)p + (uint64_t)c * 10, c,
						 c * 100 + p * 4, 4);
		off = sub + NSUB * (uint64_t)SUBBUF;
	}
}

/* ---- running the reader ------------------------------------------------------ */

struct result {
	struct pmt_trace *tr;
	struct img im;
	struct pmt_target t;
	char *text;
	int lines;  /* event lines printed */
	char *info; /* info --json */
	enum pmt_status status;
};

static void load(struct result *R, struct built *B, bool with_types, uint64_t size)
{
	size_t len;
	FILE *f;

	memset(R, 0, sizeof(*R));
	R->im = (struct img){ .mem = B->mem, .size = size, .types = with_types ? &B->PL : NULL };
	R->t = (struct pmt_target){
		.ops = &img_ops, .priv = &R->im, .word_size = 8, .page_size = 4096
	};
	assert_null(pmt_trace_load_range(&R->t, BASE, RANGE_SIZE, "boot", NULL, &R->tr));
	f = open_memstream(&R->text, &len);
	assert_null(pmt_write_text(R->tr, &(struct pmt_filter){ .instance = "boot" }, f));
	fclose(f);
	for (char *p = R->text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		R->lines += *p != '#' && *p != '\n';
	f = open_memstream(&R->info, &len);
	assert_null(pmt_write_info(R->tr, true, f));
	fclose(f);
	R->status = pmt_trace_status(R->tr, NULL);
	assert_int_equal(R->im.outside, 0); /* nothing is read outside the range */
}

static void unload(struct result *R)
{
	pmt_trace_free(R->tr);
	free(R->text);
	free(R->info);
}

/* A diagnostic of this kind, on this CPU (-1: any), whose message has `what`. */
static bool has_diag(const struct result *R, enum pmt_err_code code, int cpu, const char *what)
{
	for (size_t i = 0; i < pmt_trace_diag_count(R->tr); i++) {
		const struct pmt_diag *d = pmt_trace_diag(R->tr, i);

		if (d->code == code && (cpu < 0 || d->cpu == cpu) && strstr(d->msg, what))
			return true;
	}
	for (size_t i = 0; i < pmt_trace_diag_count(R->tr); i++)
		print_message("  diag [%s] cpu %d: %s\n",
			      pmt_err_code_id(pmt_trace_diag(R->tr, i)->code),
			      pmt_trace_diag(R->tr, i)->cpu, pmt_trace_diag(R->tr, i)->msg);
	return false;
}

/* ---- every layout ------------------------------------------------------------- */

static void one_layout(enum persist_kind kind, int variant, const char *layout_word,
		       bool expect_kaslr)
{
	for (int types = 0; types < 2; types++) {
		struct built B;
		struct result R;

		build(&B, kind, variant);
		load(&R, &B, types, RANGE_SIZE);
		if (R.status != PMT_STATUS_COMPLETE || R.lines != B.events)
			print_message("layout %d/%d types %d:\n%s\n%s\n", kind, variant, types,
				      R.text, R.info);
		assert_int_equal(R.status, PMT_STATUS_COMPLETE);
		assert_int_equal(R.lines, B.events);
		assert_non_null(strstr(R.info, layout_word));
		assert_non_null(strstr(R.info, "\"valid\":true,\"cpus\":2,\"subbufs\":8"));
		/* with types the writer's KASLR offset is known: 6.12's text_addr
		 * needs the symbol, kaslr_addr is the offset itself */
		if (types && expect_kaslr)
			assert_non_null(strstr(R.info, "\"prev_kaslr_offset\":44040192"));
		/* events in order: CPU 0's first event (seq 4) before CPU 1's */
		assert_true(strstr(R.text, "100 ") == NULL ||
			    strstr(R.text, "-100") < strstr(R.text, "-101"));
		unload(&R);
		free(B.mem);
	}
}

static void test_cpu_meta_text_addr(void **s)
{
	(void)s;
	one_layout(PERSIST_CPU_META, 0, "ring_buffer_meta per CPU", true);
}

static void test_cpu_meta_kaslr_addr(void **s)
{
	(void)s;
	one_layout(PERSIST_CPU_META, 1, "ring_buffer_meta per CPU", true);
}

static void test_split_scratch(void **s)
{
	(void)s;
	one_layout(PERSIST_SPLIT_META, 0, "ring_buffer_cpu_meta per CPU", true);
}

static void test_split_kaslr_addr(void **s)
{
	(void)s;
	one_layout(PERSIST_SPLIT_META, 1, "ring_buffer_cpu_meta per CPU", true);
}

static void test_split_nr_invalid(void **s)
{
	(void)s;
	one_layout(PERSIST_SPLIT_META, 2, "ring_buffer_cpu_meta per CPU", true);
}

/* The types decide: the same bytes read as the layout they describe. */
static void test_types_decide(void **s)
{
	struct built B;
	struct result R;

	(void)s;
	build(&B, PERSIST_SPLIT_META, 1); /* kaslr_addr in the CPU meta */
	load(&R, &B, true, RANGE_SIZE);
	assert_non_null(strstr(R.info, "\"prev_text_of\":\"kaslr_offset\""));
	unload(&R);
	/* described as 7.x's (nr_invalid) layout, the same-sized meta reads
	 * other fields: the types are believed and the damage reported */
	persist_layout_builtin(&B.PL, PERSIST_SPLIT_META, 2, 8);
	load(&R, &B, true, RANGE_SIZE);
	assert_true(R.status != PMT_STATUS_COMPLETE);
	unload(&R);
	free(B.mem);
}

/* ---- damage -------------------------------------------------------------------- */

static void damage_case(enum persist_kind kind, int variant, void (*harm)(struct built *B),
			uint64_t size, enum pmt_err_code code, int cpu, const char *what,
			int min_lines, enum pmt_status want)
{
	struct built B;
	struct result R;

	build(&B, kind, variant);
	harm(&B);
	load(&R, &B, true, size ? size : RANGE_SIZE);
	if (!has_diag(&R, code, cpu, what) || R.lines < min_lines || R.status != want)
		print_message("text:\n%s\ninfo:\n%s\n", R.text, R.info);
	assert_true(has_diag(&R, code, cpu, what));
	assert_true(R.lines >= min_lines);
	assert_int_equal(R.status, want);
	unload(&R);
	free(B.mem);
}

static void harm_magic(struct built *B)
{
	put(B->mem, 0x12345678, 4);
}

static void harm_struct_sizes(struct built *B)
{
	put(B->mem + 4, (B->PL.cmeta.size + 8) | B->PL.meta.size << 16, 4);
}

static void harm_struct_size(struct built *B)
{
	put(B->mem + 4, B->PL.meta.size + 8, 4);
}

static void harm_head(struct built *B)
{
	/* CPU 1's head pointer outside its sub-buffers */
	put_field(B->mem + B->cpu_meta[1], &B->PL.c_head_buffer, 0xffffc90000900000ULL);
}

static void harm_commit_cpu_meta(struct built *B)
{
	put_field(B->mem + B->cpu_meta[1], &B->PL.m_commit_buffer, 0xffffc90000201001ULL);
}

static void harm_dup(struct built *B)
{
	/* CPU 0's buffers[] lists sub-buffer 2 twice */
	put(B->mem + B->cpu_meta[0] + B->PL.c_buffers.m.offset + 4 * 3, 2, 4);
}

static void harm_big_commit(struct built *B)
{
	/* CPU 0's second data sub-buffer claims more than a sub-buffer */
	put(B->mem + B->subbufs[0] + 2 * SUBBUF + 8, SUBBUF * 2, 8);
}

static void harm_events(struct built *B)
{
	/* CPU 1's first data sub-buffer: the third event's length runs past the commit */
	put(B->mem + B->subbufs[1] + 1 * SUBBUF + 16 + 2 * 16, 0 | (1000u << 5), 4);
	put(B->mem + B->subbufs[1] + 1 * SUBBUF + 16 + 2 * 16 + 4, 0x1000, 4);
}

static void harm_discarded(struct built *B)
{
	/* what 7.x's validation leaves of an invalid page */
	put(B->mem + B->subbufs[0] + 3 * SUBBUF + 8, 1ULL << 31, 8);
}

static void harm_other_build(struct built *B)
{
	/* the recorded text address is not this build's moved by whole pages */
	put_field(B->mem + B->scratch_off, &B->PL.s_text_addr, LINK_TEXT + PREV_KASLR + 0x123);
}

static void harm_nr_invalid(struct built *B)
{
	put_field(B->mem + B->cpu_meta[0], &B->PL.c_nr_invalid, 1);
	harm_discarded(B);
}

static void harm_module_name(struct built *B)
{
	memcpy(B->mem + B->scratch_off + B->PL.s_entries.m.offset + 8, "bad\x01name", 9);
}

static void harm_none(struct built *B)
{
	(void)B;
}

static void test_bad_magic(void **s)
{
	(void)s;
	damage_case(PERSIST_SPLIT_META, 0, harm_magic, 0, PMT_ERR_CORRUPT, -1, "bad magic", 0,
		    PMT_STATUS_FAILED);
	damage_case(PERSIST_CPU_META, 0, harm_magic, 0, PMT_ERR_CORRUPT, 0, "bad meta magic", 0,
		    PMT_STATUS_FAILED);
}

static void test_other_build_sizes(void **s)
{
	(void)s;
	damage_case(PERSIST_SPLIT_META, 0, harm_struct_sizes, 0, PMT_ERR_MISMATCH, -1,
		    "a different kernel build", 0, PMT_STATUS_FAILED);
	damage_case(PERSIST_CPU_META, 0, harm_struct_size, 0, PMT_ERR_MISMATCH, 0,
		    "a different kernel build", 0, PMT_STATUS_FAILED);
}

static void test_other_build_text(void **s)
{
	(void)s;
	/* every event still prints; only the addresses stay unresolved */
	damage_case(PERSIST_SPLIT_META, 0, harm_other_build, 0, PMT_ERR_MISMATCH, -1,
		    "a different kernel build", 24, PMT_STATUS_PARTIAL);
}

static void test_head_out_of_range(void **s)
{
	(void)s;
	/* CPU 1 is salvaged in the order of its sub-buffers' time stamps */
	damage_case(PERSIST_SPLIT_META, 0, harm_head, 0, PMT_ERR_CORRUPT, 1, "head_buffer", 24,
		    PMT_STATUS_PARTIAL);
	damage_case(PERSIST_SPLIT_META, 0, harm_head, 0, PMT_ERR_CORRUPT, 1,
		    "order of their own time stamps", 24, PMT_STATUS_PARTIAL);
	damage_case(PERSIST_CPU_META, 0, harm_commit_cpu_meta, 0, PMT_ERR_CORRUPT, 1,
		    "commit_buffer", 24, PMT_STATUS_PARTIAL);
}

static void test_duplicate_index(void **s)
{
	(void)s;
	damage_case(PERSIST_SPLIT_META, 0, harm_dup, 0, PMT_ERR_CORRUPT, 0, "listed twice", 24,
		    PMT_STATUS_PARTIAL);
}

static void test_commit_too_big(void **s)
{
	(void)s;
	/* that sub-buffer's 4 events are lost, the other 20 print */
	damage_case(PERSIST_SPLIT_META, 0, harm_big_commit, 0, PMT_ERR_CORRUPT, 0,
		    "is invalid, skipped", 20, PMT_STATUS_PARTIAL);
}

static void test_bad_events(void **s)
{
	(void)s;
	/* the first two events of that sub-buffer are kept */
	damage_case(PERSIST_SPLIT_META, 0, harm_events, 0, PMT_ERR_CORRUPT, 1,
		    "its first events kept", 22, PMT_STATUS_PARTIAL);
}

static void test_discarded_and_nr_invalid(void **s)
{
	(void)s;
	damage_case(PERSIST_SPLIT_META, 0, harm_discarded, 0, PMT_ERR_CORRUPT, 0,
		    "discarded by the kernel", 20, PMT_STATUS_PARTIAL);
	damage_case(PERSIST_SPLIT_META, 2, harm_nr_invalid, 0, PMT_ERR_CORRUPT, 0, "nr_invalid", 20,
		    PMT_STATUS_PARTIAL);
}

static void test_half_written(void **s)
{
	struct built B;
	uint64_t cut;

	(void)s;
	/* the image ends inside CPU 1's second data sub-buffer */
	build(&B, PERSIST_SPLIT_META, 0);
	cut = B.subbufs[1] + 2 * SUBBUF + 100;
	free(B.mem);
	damage_case(PERSIST_SPLIT_META, 0, harm_none, cut, PMT_ERR_TRUNCATED, 1, "sub-buffer", 16,
		    PMT_STATUS_PARTIAL);
}

static void test_bad_module_name(void **s)
{
	(void)s;
	damage_case(PERSIST_SPLIT_META, 0, harm_module_name, 0, PMT_ERR_CORRUPT, -1,
		    "no valid name", 24, PMT_STATUS_PARTIAL);
}

/* Random damage anywhere in the meta area never reads outside the range. */
static void test_random_damage(void **s)
{
	(void)s;
	srand(12345);
	for (int i = 0; i < 400; i++) {
		struct built B;
		struct result R;
		int kind = i % 2 ? PERSIST_SPLIT_META : PERSIST_CPU_META;

		build(&B, kind, 0);
		for (int k = 0; k < 8; k++) {
			uint64_t off = (uint64_t)rand() % (B.subbufs[0] + 4 * SUBBUF);

			B.mem[off] ^= (uint8_t)(1 + rand() % 255);
		}
		load(&R, &B, i % 4 < 2, RANGE_SIZE); /* asserts nothing outside */
		unload(&R);
		free(B.mem);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_meta_text_addr),
		cmocka_unit_test(test_cpu_meta_kaslr_addr),
		cmocka_unit_test(test_split_scratch),
		cmocka_unit_test(test_split_kaslr_addr),
		cmocka_unit_test(test_split_nr_invalid),
		cmocka_unit_test(test_types_decide),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_other_build_sizes),
		cmocka_unit_test(test_other_build_text),
		cmocka_unit_test(test_head_out_of_range),
		cmocka_unit_test(test_duplicate_index),
		cmocka_unit_test(test_commit_too_big),
		cmocka_unit_test(test_bad_events),
		cmocka_unit_test(test_discarded_and_nr_invalid),
		cmocka_unit_test(test_half_written),
		cmocka_unit_test(test_bad_module_name),
		cmocka_unit_test(test_random_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

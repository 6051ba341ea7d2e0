// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tests of extractor/vmlinux.c, dwarf_index.c and dwarf_types.c.
 *
 *   test_dwarf_types synthetic        compile a two-CU sample into a shared
 *       object with the C compiler (DWARF 5, 4 and strict 2) and check every
 *       answer; the same type definitions are compiled into this test, so
 *       expected offsets and sizes come from the compiler (offsetof/sizeof),
 *       bit fields from hand-computed values.
 *   test_dwarf_types vmlinux <path>   the Debian bookworm vmlinux: exact
 *       values from `gdb -batch -ex 'ptype /o struct X' vmlinux` and
 *       `info address`, hinted answers equal to whole-file scan answers, and
 *       the cold cost of the ~120 walker questions (time, CUs, peak RSS).
 *       Exit 77 (skip) when the file is missing.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_types.h"
#include "vmlinux.h"

#define STR_(...) #__VA_ARGS__
#define STR(...)  STR_(__VA_ARGS__)

/* Types of the first CU (the one of "tracing_open", a hinted function). */
#define SAMPLE_TYPES                                                       \
	typedef unsigned long local_t;                                     \
	struct list_head {                                                 \
		struct list_head *next, *prev;                             \
	};                                                                 \
	struct buffer_data_page {                                          \
		unsigned long long time_stamp;                             \
		local_t commit;                                            \
		unsigned char data[];                                      \
	};                                                                 \
	struct trace_buffer {                                              \
		int cpus;                                                  \
	};                                                                 \
	struct trace_array {                                               \
		struct list_head list;                                     \
		const char *name;                                          \
		union {                                                    \
			int a;                                             \
			struct {                                           \
				short lo;                                  \
				short hi;                                  \
			};                                                 \
		};                                                         \
		struct {                                                   \
			int x;                                             \
			int y;                                             \
		} named;                                                   \
		unsigned int f1 : 3;                                       \
		unsigned int f2 : 5;                                       \
		unsigned int f3 : 24;                                      \
		int arr[4][3];                                             \
		const volatile local_t cv;                                 \
		struct buffer_data_page *page;                             \
		struct trace_buffer *buffer;                               \
		void (*fn)(void);                                          \
		char tail[0];                                              \
	};                                                                 \
	typedef struct trace_array trace_array_t;                          \
	enum trace_type { TRACE_FN = 1, TRACE_PRINT = 5, TRACE_NEG = -3 }; \
	enum { TRACE_FLAG_IRQS_OFF = 0x01, TRACE_FLAG_BH_OFF = 0x80 } anon_flags;

SAMPLE_TYPES

static const char sample_a[] =
	STR(SAMPLE_TYPES) "\n"
			  "trace_array_t ta; enum trace_type tt; struct buffer_data_page bdp;\n"
			  "int tracing_open(void) { return ta.f1 + tt + anon_flags; }\n";

/* Second CU (of "ring_buffer_read_page"): declares what the first defines. */
static const char sample_b[] = "struct trace_buffer; struct trace_array;\n"
			       "struct trace_buffer *tb; struct trace_array *tp;\n"
			       "struct scanned_only { long q; char c; } so;\n"
			       "enum only_here { ONLY_HERE = 77 } oh;\n"
			       "int ring_buffer_read_page(void) { return tb != 0 && tp != 0; }\n";

static char tmpdir[64];
static char so_path[3][128];
static const char *const variants[3] = { "-gdwarf-5", "-gdwarf-4", "-gdwarf-2 -gstrict-dwarf" };

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static int build_samples(void **state)
{
	char a[96], b[96], cmd[1024];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pmt-dwarf-XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(a, sizeof(a), "%s/a.c", tmpdir);
	snprintf(b, sizeof(b), "%s/b.c", tmpdir);
	if (write_file(a, sample_a) || write_file(b, sample_b))
		return -1;
	for (int i = 0; i < 3; i++) {
		snprintf(so_path[i], sizeof(so_path[i]), "%s/sample%d.so", tmpdir, i);
		snprintf(cmd, sizeof(cmd),
			 "%s %s -O0 -fPIC -shared -nostdlib -fno-sanitize=all -o %s %s %s",
			 PMT_TEST_CC, variants[i], so_path[i], a, b);
		if (system(cmd) != 0) {
			fprintf(stderr, "failed: %s\n", cmd);
			return -1;
		}
	}
	return 0;
}

static int remove_samples(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

struct opened {
	struct vmlinux *vm;
	struct pmt_target *t;
};

static struct opened open_target(const char *path)
{
	struct opened o = { 0 };
	struct pmt_err *err = vmlinux_open(path, &o.vm);

	if (err)
		fail_msg("vmlinux_open: %s", err->msg);
	err = dwarf_types_target(o.vm, &o.t);
	if (err)
		fail_msg("dwarf_types_target: %s", err->msg);
	return o;
}

static void close_target(struct opened *o)
{
	pmt_target_destroy(o->t);
	vmlinux_close(o->vm);
}

static struct pmt_member member_ok(struct pmt_target *t, const char *type, const char *path)
{
	struct pmt_member m;
	struct pmt_err *err = pmt_member(t, type, path, &m);

	if (err)
		fail_msg("%s.%s: %s", type, path, err->msg);
	return m;
}

static void expect_member(struct pmt_target *t, const char *type, const char *path, uint64_t offset,
			  uint64_t size, enum pmt_type_kind kind, uint64_t len, uint64_t elem)
{
	struct pmt_member m = member_ok(t, type, path);

	if (m.offset != offset || m.size != size || m.kind != kind || m.array_len != len ||
	    m.elem_size != elem || m.bit_size != 0 || m.bit_offset != 0)
		fail_msg("%s.%s: got off %lu size %lu kind %d len %lu elem %lu bits %u@%lu, want "
			 "off %lu size %lu kind %d len %lu elem %lu",
			 type, path, (unsigned long)m.offset, (unsigned long)m.size, m.kind,
			 (unsigned long)m.array_len, (unsigned long)m.elem_size, m.bit_size,
			 (unsigned long)m.bit_offset, (unsigned long)offset, (unsigned long)size,
			 kind, (unsigned long)len, (unsigned long)elem);
}

static void expect_bits(struct pmt_target *t, const char *path, uint64_t offset,
			uint64_t bit_offset, uint32_t bits)
{
	struct pmt_member m = member_ok(t, "struct trace_array", path);

	assert_int_equal(m.kind, PMT_KIND_INT);
	assert_int_equal(m.size, 4);
	assert_int_equal(m.offset, offset);
	assert_int_equal(m.bit_offset, bit_offset);
	assert_int_equal(m.bit_size, bits);
}

static void expect_absent(struct pmt_err *err)
{
	if (!err)
		fail_msg("expected ABSENT, got an answer");
	if (err->code != PMT_ERR_ABSENT)
		fail_msg("expected ABSENT, got %s: %s", pmt_err_code_name(err->code), err->msg);
	pmt_err_free(err);
}

static int64_t enum_ok(struct pmt_target *t, const char *name)
{
	int64_t v;
	struct pmt_err *err = pmt_enumerator(t, name, &v);

	if (err)
		fail_msg("%s: %s", name, err->msg);
	return v;
}

static void check_sample(const char *path, enum dwarf_types_mode mode)
{
	struct opened o = open_target(path);
	struct pmt_target *t = o.t;
	struct dwarf_types_stats st;
	struct pmt_member m;
	uint64_t v;

	dwarf_types_set_mode(t, mode);
	assert_int_equal(t->word_size, sizeof(long));
	assert_false(t->big_endian);
	assert_string_equal(t->release, "");
	assert_int_equal(strlen(vmlinux_build_id(o.vm)), 40); /* gcc's default sha1 build-id */

#define S "struct trace_array"
	expect_member(t, S, "list", offsetof(struct trace_array, list), sizeof(struct list_head),
		      PMT_KIND_STRUCT, 0, 0);
	expect_member(t, S, "list.prev", offsetof(struct trace_array, list.prev), sizeof(void *),
		      PMT_KIND_POINTER, 0, sizeof(struct list_head));
	expect_member(t, S, "name", offsetof(struct trace_array, name), sizeof(char *),
		      PMT_KIND_POINTER, 0, 1);
	/* anonymous union and anonymous struct inside it */
	expect_member(t, S, "a", offsetof(struct trace_array, a), sizeof(int), PMT_KIND_INT, 0, 0);
	expect_member(t, S, "hi", offsetof(struct trace_array, hi), sizeof(short), PMT_KIND_INT, 0,
		      0);
	expect_member(t, S, "named.y", offsetof(struct trace_array, named.y), sizeof(int),
		      PMT_KIND_INT, 0, 0);
	expect_member(t, S, "arr", offsetof(struct trace_array, arr),
		      sizeof(((struct trace_array *)0)->arr), PMT_KIND_ARRAY, 4, 3 * sizeof(int));
	expect_member(t, S, "cv", offsetof(struct trace_array, cv), sizeof(local_t), PMT_KIND_INT,
		      0, 0);
	expect_member(t, S, "page", offsetof(struct trace_array, page), sizeof(void *),
		      PMT_KIND_POINTER, 0, sizeof(struct buffer_data_page));
	expect_member(t, S, "fn", offsetof(struct trace_array, fn), sizeof(void *),
		      PMT_KIND_POINTER, 0, 0);
	expect_member(t, S, "tail", offsetof(struct trace_array, tail), 0, PMT_KIND_ARRAY, 0, 1);
	if (mode == DWARF_TYPES_HINTED) {
		/* Hinted to ring_buffer_read_page, whose CU (b.c) does not
		 * mention it: ABSENT without a scan, by design. */
		expect_absent(pmt_member(t, "struct buffer_data_page", "data", &m));
	} else {
		expect_member(t, "struct buffer_data_page", "data",
			      offsetof(struct buffer_data_page, data), 0, PMT_KIND_ARRAY, 0, 1);
	}
	/* bit fields: f1 f2 f3 share the unsigned int at byte 36 (after named) */
	assert_int_equal(
		offsetof(struct trace_array, named) + sizeof(((struct trace_array *)0)->named), 36);
	expect_bits(t, "f1", 36, 36 * 8 + 0, 3);
	expect_bits(t, "f2", 36, 36 * 8 + 3, 5);
	expect_bits(t, "f3", 36, 36 * 8 + 8, 24);
	/* the typedef names the same struct */
	m = member_ok(t, "trace_array_t", "page");
	assert_int_equal(m.offset, offsetof(struct trace_array, page));

	assert_null(pmt_type_size(t, S, &v));
	assert_int_equal(v, sizeof(struct trace_array));
	assert_null(pmt_type_size(t, "trace_array_t", &v));
	assert_int_equal(v, sizeof(struct trace_array));
	assert_null(pmt_type_size(t, "local_t", &v));
	assert_int_equal(v, sizeof(local_t));
	assert_null(pmt_type_size(t, "enum trace_type", &v));
	assert_int_equal(v, sizeof(enum trace_type));

	assert_int_equal(enum_ok(t, "TRACE_FN"), 1);
	assert_int_equal(enum_ok(t, "TRACE_PRINT"), 5);
	assert_int_equal(enum_ok(t, "TRACE_NEG"), -3);
	assert_int_equal(enum_ok(t, "TRACE_FLAG_IRQS_OFF"), 1);
	assert_int_equal(enum_ok(t, "TRACE_FLAG_BH_OFF"), 0x80); /* not sign-extended */

	/* misses are ABSENT */
	expect_absent(pmt_member(t, S, "nope", &m));
	expect_absent(pmt_member(t, S, "name.deeper", &m));
	expect_absent(pmt_member(t, S, "named.z", &m));
	expect_absent(pmt_enumerator(t, "TRACE_FLAG_NEED_RESCHED_LAZY", &(int64_t){ 0 }));
	expect_absent(pmt_type_size(t, "struct ring_buffer", &v));
	expect_absent(pmt_type_size(t, "struct nowhere", &v));
	expect_absent(pmt_symbol(t, "no_such_symbol", &v));
	assert_null(pmt_symbol(t, "tracing_open", &v));
	assert_null(pmt_symbol(t, "ta", &v));
	{
		struct pmt_err *err = pmt_read(t, v, &m, 1);

		assert_non_null(err);
		assert_int_equal(err->code, PMT_ERR_UNSUPPORTED);
		pmt_err_free(err);
	}

	/* declared in the hinted CU (b.c), defined in a.c: found by the scan */
	m = member_ok(t, "struct trace_buffer", "cpus");
	assert_int_equal(m.offset, 0);
	/* defined only in b.c, not hinted: scan */
	assert_null(pmt_type_size(t, "struct scanned_only", &v));
	assert_int_equal(v, 2 * sizeof(long));
	assert_int_equal(enum_ok(t, "ONLY_HERE"), 77);

	dwarf_types_get_stats(t, &st);
	if (mode == DWARF_TYPES_SCAN_ONLY) {
		assert_int_equal(st.hint_cus, 0);
	} else {
		assert_true(st.aranges >= 2);
		assert_int_equal(st.hint_cus, 2);
	}
	assert_int_equal(st.scanned_cus, 2);
	assert_true(st.scan_complete); /* "struct nowhere" needed the whole scan */
	close_target(&o);
#undef S
}

static void test_sample_dwarf5(void **state)
{
	check_sample(so_path[0], DWARF_TYPES_HINTED);
	check_sample(so_path[0], DWARF_TYPES_SCAN_ONLY);
}

static void test_sample_dwarf4(void **state)
{
	check_sample(so_path[1], DWARF_TYPES_HINTED);
	check_sample(so_path[1], DWARF_TYPES_HINTS_THEN_SCAN);
}

static void test_sample_dwarf2(void **state)
{
	check_sample(so_path[2], DWARF_TYPES_HINTED);
}

static void test_symbols_and_junk(void **state)
{
	struct vmlinux *vm;
	struct pmt_target *t;
	struct pmt_err *err;
	char path[128];
	FILE *f;

	/* not an ELF file */
	snprintf(path, sizeof(path), "%s/junk", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not an ELF file at all, just text\n", f);
	fclose(f);
	err = vmlinux_open(path, &vm);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_FORMAT);
	pmt_err_free(err);
	err = vmlinux_open("/nonexistent/vmlinux", &vm);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_IO);
	pmt_err_free(err);

	/* a truncated copy of the sample: must fail cleanly or answer, never crash */
	for (int cut = 64; cut < 16384; cut = cut * 3 / 2) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "head -c %d %s > %s", cut, so_path[0], path);
		assert_int_equal(system(cmd), 0);
		err = vmlinux_open(path, &vm);
		if (err) {
			pmt_err_free(err);
			continue;
		}
		err = dwarf_types_target(vm, &t);
		if (!err) {
			struct pmt_member m;
			int64_t v;

			pmt_err_free(pmt_member(t, "struct trace_array", "f3", &m));
			pmt_err_free(pmt_enumerator(t, "TRACE_FN", &v));
			pmt_target_destroy(t);
		}
		pmt_err_free(err);
		vmlinux_close(vm);
	}
}

/* ---- the bookworm vmlinux ---- */

static const char *vmlinux_path_arg;

struct q {
	char kind; /* m(ember) z(size) s(ymbol) e(numerator) */
	const char *a, *b;
};

static struct q *walker_questions(size_t *n)
{
	static const struct {
		const char *type, *members;
	} mem[] = {
		{ "struct trace_array", "list name array_buffer array_buffer.buffer trace_buffer "
					"current_trace trace_flags" },
		{ "struct array_buffer", "buffer" },
		{ "struct tracer", "name" },
		{ "struct trace_buffer", "cpus buffers subbuf_size subbuf_order flags" },
		{ "struct ring_buffer", "cpus buffers" },
		{ "struct ring_buffer_per_cpu",
		  "cpu nr_pages pages head_page tail_page commit_page "
		  "reader_page entries overrun read lost_events "
		  "commit_overrun dropped_events" },
		{ "struct buffer_page", "list write read entries real_end page order id" },
		{ "struct buffer_data_page", "time_stamp commit data" },
		{ "struct list_head", "next prev" },
		{ "struct trace_event_call", "list class name tp event print_fmt flags data" },
		{ "struct trace_event", "type" },
		{ "struct trace_event_class", "system fields get_fields fields_array" },
		{ "struct ftrace_event_field",
		  "link name type offset size is_signed filter_type len" },
		{ "struct tracepoint", "name" },
		{ "struct syscall_metadata", "name syscall_nr nb_args types args enter_fields "
					     "exit_fields enter_event exit_event" },
		{ "struct saved_cmdlines_buffer",
		  "map_pid_to_cmdline map_cmdline_to_pid cmdline_num "
		  "cmdline_idx saved_cmdlines" },
		{ "struct new_utsname", "release" },
		{ "struct uts_namespace", "name" },
	};
	static const char syms[] =
		"global_trace ftrace_trace_arrays ftrace_events ftrace_common_fields savedcmd "
		"_text "
		"_stext kallsyms_num_syms kallsyms_names kallsyms_token_table kallsyms_token_index "
		"kallsyms_offsets kallsyms_relative_base kallsyms_addresses kallsyms_markers "
		"kallsyms_seqs_of_names __num_online_cpus init_uts_ns linux_banner";
	static const char enums[] =
		"TRACE_EVENT_FL_TRACEPOINT TRACE_EVENT_FL_TRACEPOINT_BIT TRACE_FLAG_IRQS_OFF "
		"TRACE_FLAG_IRQS_NOSUPPORT TRACE_FLAG_NEED_RESCHED TRACE_FLAG_NEED_RESCHED_LAZY "
		"TRACE_FLAG_HARDIRQ TRACE_FLAG_SOFTIRQ TRACE_FLAG_PREEMPT_RESCHED TRACE_FLAG_NMI "
		"TRACE_FLAG_BH_OFF TRACE_FN TRACE_PRINT TRACE_BPRINT TRACE_BPUTS TRACE_STACK "
		"TRACE_USER_STACK";
	/* the questions point into this copy, strtok'ed in place */
	static char pool[4096];
	size_t used = 0;
	struct q *v = calloc(256, sizeof(*v));
	char *tok, *save, *copy;

#define POOL_COPY(s)                                                                         \
	(assert_true(used + strlen(s) + 1 <= sizeof(pool)), copy = strcpy(pool + used, (s)), \
	 used += strlen(s) + 1)

	*n = 0;
	assert_non_null(v);
	for (size_t i = 0; i < sizeof(mem) / sizeof(mem[0]); i++) {
		v[(*n)++] = (struct q){ 'z', mem[i].type, NULL };
		POOL_COPY(mem[i].members);
		for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
			v[(*n)++] = (struct q){ 'm', mem[i].type, tok };
	}
	POOL_COPY(syms);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		v[(*n)++] = (struct q){ 's', tok, NULL };
	POOL_COPY(enums);
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		v[(*n)++] = (struct q){ 'e', tok, NULL };
#undef POOL_COPY
	return v;
}

/* Ask q; the answer as text ("ABSENT" or values) for comparisons. */
static void ask(struct pmt_target *t, const struct q *q, char *out, size_t len)
{
	struct pmt_err *err = NULL;
	struct pmt_member m;
	uint64_t u;
	int64_t s;

	switch (q->kind) {
	case 'm':
		err = pmt_member(t, q->a, q->b, &m);
		if (!err)
			snprintf(out, len, "%lu %lu %lu %u %d %lu %lu", (unsigned long)m.offset,
				 (unsigned long)m.size, (unsigned long)m.bit_offset, m.bit_size,
				 m.kind, (unsigned long)m.array_len, (unsigned long)m.elem_size);
		break;
	case 'z':
		err = pmt_type_size(t, q->a, &u);
		if (!err)
			snprintf(out, len, "%lu", (unsigned long)u);
		break;
	case 's':
		err = pmt_symbol(t, q->a, &u);
		if (!err)
			snprintf(out, len, "%#lx", (unsigned long)u);
		break;
	default:
		err = pmt_enumerator(t, q->a, &s);
		if (!err)
			snprintf(out, len, "%ld", (long)s);
		break;
	}
	if (err) {
		if (err->code != PMT_ERR_ABSENT)
			fail_msg("%c %s %s: %s", q->kind, q->a, q->b ? q->b : "", err->msg);
		snprintf(out, len, "ABSENT");
		pmt_err_free(err);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Symbols whose link-time address the types target must give as nm does. */
static const char *const nm_syms[] = {
	"global_trace",
	"_text",
	"_stext",
	"savedcmd",
	"init_uts_ns",
	"linux_banner",
	"__num_online_cpus",
	"kallsyms_offsets",
	"ftrace_events",
};

/* The address of `name` in the nm listing named by $PMT_VMLINUX_NM (0 if absent). */
static uint64_t nm_address(const char *name)
{
	const char *path = getenv("PMT_VMLINUX_NM");
	char line[512], sym[256], type;
	unsigned long long a;
	uint64_t found = 0;
	FILE *f;

	assert_non_null(path);
	f = fopen(path, "r");
	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name))
			found = a;
	fclose(f);
	return found;
}

static void test_vmlinux_facts(void **state)
{
	struct opened o = open_target(vmlinux_path_arg);
	struct pmt_target *t = o.t;
	uint64_t v;

	/* what binutils says of the same file (with-vmlinux.sh) */
	assert_non_null(getenv("PMT_VMLINUX_BUILD_ID"));
	assert_string_equal(vmlinux_build_id(o.vm), getenv("PMT_VMLINUX_BUILD_ID"));
	assert_string_equal(vmlinux_release(o.vm), getenv("PMT_VMLINUX_RELEASE"));
	assert_string_equal(t->release, getenv("PMT_VMLINUX_RELEASE"));
	assert_int_equal(t->word_size, 8);
	assert_false(t->big_endian);
	/* link-time addresses, as nm prints them */
	for (size_t i = 0; i < sizeof(nm_syms) / sizeof(nm_syms[0]); i++) {
		uint64_t want = nm_address(nm_syms[i]);

		assert_true(want != 0);
		assert_null(pmt_symbol(t, nm_syms[i], &v));
		if (v != want)
			fail_msg("%s: %#" PRIx64 ", nm says %#" PRIx64, nm_syms[i], v, want);
	}
	expect_absent(pmt_symbol(t, "kallsyms_addresses", &v)); /* base-relative kallsyms */
	close_target(&o);
}

static void test_vmlinux_layout(void **state)
{
	struct opened o = open_target(vmlinux_path_arg);
	struct pmt_target *t = o.t;
	struct dwarf_types_stats st;
	struct pmt_member m;
	uint64_t v;

	/* Expected values: gdb -batch -ex 'ptype /o struct X' on this vmlinux. */
	expect_member(t, "struct buffer_page", "list", 0, 16, PMT_KIND_STRUCT, 0, 0);
	expect_member(t, "struct buffer_page", "write", 16, 8, PMT_KIND_STRUCT, 0, 0); /* local_t */
	expect_member(t, "struct buffer_page", "read", 24, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct buffer_page", "entries", 32, 8, PMT_KIND_STRUCT, 0, 0);
	expect_member(t, "struct buffer_page", "real_end", 40, 8, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct buffer_page", "page", 48, 8, PMT_KIND_POINTER, 0, 16);
	expect_absent(pmt_member(t, "struct buffer_page", "order", &m)); /* 6.8+ */
	assert_null(pmt_type_size(t, "struct buffer_page", &v));
	assert_int_equal(v, 56);
	expect_member(t, "struct buffer_data_page", "commit", 8, 8, PMT_KIND_STRUCT, 0, 0);
	expect_member(t, "struct buffer_data_page", "data", 16, 0, PMT_KIND_ARRAY, 0, 1);
	expect_member(t, "struct ring_buffer_per_cpu", "nr_pages", 40, 8, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct ring_buffer_per_cpu", "pages", 56, 8, PMT_KIND_POINTER, 0, 16);
	expect_member(t, "struct ring_buffer_per_cpu", "reader_page", 88, 8, PMT_KIND_POINTER, 0,
		      56);
	expect_member(t, "struct ring_buffer_per_cpu", "lost_events", 96, 8, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct ring_buffer_per_cpu", "dropped_events", 152, 8, PMT_KIND_STRUCT, 0,
		      0);
	expect_member(t, "struct ring_buffer_per_cpu", "read", 216, 8, PMT_KIND_INT, 0, 0);
	assert_null(pmt_type_size(t, "struct ring_buffer_per_cpu", &v));
	assert_int_equal(v, 480);
	expect_member(t, "struct trace_buffer", "flags", 0, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct trace_buffer", "cpus", 4, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct trace_buffer", "buffers", 64, 8, PMT_KIND_POINTER, 0, 8);
	expect_absent(pmt_member(t, "struct trace_buffer", "subbuf_size", &m));
	expect_absent(pmt_type_size(t, "struct ring_buffer", &v)); /* renamed in 5.6 */
	expect_member(t, "struct trace_array", "name", 16, 8, PMT_KIND_POINTER, 0, 1);
	expect_member(t, "struct trace_array", "array_buffer", 24, 40, PMT_KIND_STRUCT, 0, 0);
	/* trace.c only declares struct trace_buffer: pointee size unknown */
	expect_member(t, "struct trace_array", "array_buffer.buffer", 32, 8, PMT_KIND_POINTER, 0,
		      0);
	expect_member(t, "struct trace_array", "current_trace", 7464, 8, PMT_KIND_POINTER, 0, 152);
	expect_member(t, "struct trace_array", "trace_flags", 7472, 4, PMT_KIND_INT, 0, 0);
	expect_absent(pmt_member(t, "struct trace_array", "trace_buffer", &m));
	assert_null(pmt_type_size(t, "struct trace_array", &v));
	assert_int_equal(v, 7752);
	/* anonymous union: name and tp share offset 24 */
	expect_member(t, "struct trace_event_call", "name", 24, 8, PMT_KIND_POINTER, 0, 1);
	expect_member(t, "struct trace_event_call", "tp", 24, 8, PMT_KIND_POINTER, 0, 72);
	expect_member(t, "struct trace_event_call", "flags", 112, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct ftrace_event_field", "filter_type", 32, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct ftrace_event_field", "len", 48, 4, PMT_KIND_INT, 0, 0);
	expect_member(t, "struct saved_cmdlines_buffer", "map_pid_to_cmdline", 0, 131076,
		      PMT_KIND_ARRAY, 32769, 4);
	expect_member(t, "struct saved_cmdlines_buffer", "saved_cmdlines", 131096, 0,
		      PMT_KIND_ARRAY, 0, 1);
	expect_member(t, "struct new_utsname", "release", 130, 65, PMT_KIND_ARRAY, 65, 1);
	expect_member(t, "struct uts_namespace", "name", 0, 390, PMT_KIND_STRUCT, 0, 0);
	/* gdb `print (int)X` */
	assert_int_equal(enum_ok(t, "TRACE_FLAG_BH_OFF"), 128);
	assert_int_equal(enum_ok(t, "TRACE_FLAG_PREEMPT_RESCHED"), 32);
	assert_int_equal(enum_ok(t, "TRACE_BPUTS"), 14);
	assert_int_equal(enum_ok(t, "TRACE_USER_STACK"), 12);
	assert_int_equal(enum_ok(t, "TRACE_EVENT_FL_TRACEPOINT"), 16);
	assert_int_equal(enum_ok(t, "TRACE_EVENT_FL_TRACEPOINT_BIT"), 4);
	expect_absent(pmt_enumerator(t, "TRACE_FLAG_NEED_RESCHED_LAZY", &(int64_t){ 0 }));

	dwarf_types_get_stats(t, &st);
	assert_int_equal(st.scanned_cus, 0); /* hints alone answered everything */
	assert_true(st.hint_cus <= 10);
	close_target(&o);
}

/* All walker questions, cold, hinted; then the same by a full scan. */
static void test_vmlinux_hints_match_scan(void **state)
{
	size_t n;
	struct q *qs = walker_questions(&n);
	char(*hinted)[128] = calloc(n, sizeof(*hinted));
	struct dwarf_types_stats st;
	struct opened o;
	struct rusage ru;
	double t0, t1;
	size_t absent = 0;

	assert_non_null(hinted);
	t0 = now();
	o = open_target(vmlinux_path_arg);
	for (size_t i = 0; i < n; i++) {
		ask(o.t, &qs[i], hinted[i], sizeof(hinted[i]));
		absent += !strcmp(hinted[i], "ABSENT");
	}
	t1 = now();
	getrusage(RUSAGE_SELF, &ru);
	dwarf_types_get_stats(o.t, &st);
	printf("hinted: %zu questions (%zu ABSENT) in %.3f s incl. open, %u CUs indexed, "
	       "%u scanned, peak RSS %ld MB\n",
	       n, absent, t1 - t0, st.hint_cus, st.scanned_cus, ru.ru_maxrss / 1024);
	assert_int_equal(st.scanned_cus, 0);
	close_target(&o);

	t0 = now();
	o = open_target(vmlinux_path_arg);
	dwarf_types_set_mode(o.t, DWARF_TYPES_SCAN_ONLY);
	for (size_t i = 0; i < n; i++) {
		char ans[128];

		ask(o.t, &qs[i], ans, sizeof(ans));
		if (strcmp(ans, hinted[i]))
			fail_msg("%c %s %s: hinted '%s' but scan '%s'", qs[i].kind, qs[i].a,
				 qs[i].b ? qs[i].b : "", hinted[i], ans);
	}
	dwarf_types_get_stats(o.t, &st);
	printf("scan:   same answers in %.3f s, %u CUs scanned\n", now() - t0, st.scanned_cus);
	close_target(&o);
	free(hinted);
	free(qs);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "vmlinux")) {
		const struct CMUnitTest tests[] = {
			cmocka_unit_test(test_vmlinux_facts),
			cmocka_unit_test(test_vmlinux_layout),
			cmocka_unit_test(test_vmlinux_hints_match_scan),
		};

		if (argc < 3 || access(argv[2], R_OK)) {
			printf("SKIP: no vmlinux at %s (see vmcores/ to fetch the bookworm "
			       "kernel)\n",
			       argc >= 3 ? argv[2] : "(none)");
			return 77;
		}
		vmlinux_path_arg = argv[2];
		return cmocka_run_group_tests_name("dwarf_types_vmlinux", tests, NULL, NULL);
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_dwarf5),
		cmocka_unit_test(test_sample_dwarf4),
		cmocka_unit_test(test_sample_dwarf2),
		cmocka_unit_test(test_symbols_and_junk),
	};

	return cmocka_run_group_tests_name("dwarf_types_synthetic", tests, build_samples,
					   remove_samples);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * crash-ext/gdb_ptype.c on gdb's real output (tests/crash-ext/gdb-ptype/,
 * captured from crash 8.0.2's gdb 10.2 and crash 9.0.2's gdb 16.3 on the
 * 6.1 corpus kernel) and on made-up damage. The expected offsets and sizes
 * of the members pmtrace asks are those pmtrace's own DWARF reader wrote in
 * that kernel's profile; the rest (bit fields, unions, lookups through
 * anonymous members) are read off the captures by hand.
 *
 *   test_gdb_ptype DIR
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_ptype.h"
#include "pmtrace/error.h"

static int failures;

#define CHECK(cond, ...)                                            \
	do {                                                        \
		if (!(cond)) {                                      \
			failures++;                                 \
			printf("FAIL %s:%d: ", __FILE__, __LINE__); \
			printf(__VA_ARGS__);                        \
			printf("\n");                               \
		}                                                   \
	} while (0)

static char *slurp(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		exit(2);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct gdb_layout *parse(const char *dir, const char *name)
{
	char *text = slurp(dir, name);
	struct gdb_layout *l;
	struct pmt_err *err = gdb_layout_parse(text, &l);

	free(text);
	CHECK(!err, "%s: %s", name, err ? err->msg : "");
	pmt_err_free(err);
	return err ? NULL : l;
}

/* path at offset/size with this type spelling (bits: bit_offset/bit_size) */
static void member(const struct gdb_layout *l, const char *path, uint64_t off, uint64_t size,
		   const char *type, uint64_t bit_off, uint32_t bits)
{
	const struct gdb_layout_member *m;
	enum gdb_layout_found r = gdb_layout_find(l, path, &m);

	CHECK(r == GDB_LAYOUT_FOUND, "%s: not found (%d)", path, r);
	if (r != GDB_LAYOUT_FOUND)
		return;
	CHECK(m->offset == off && m->size == size,
	      "%s: offset %" PRIu64 " size %" PRIu64 ", want %" PRIu64 " %" PRIu64, path, m->offset,
	      m->size, off, size);
	CHECK(!strcmp(m->type, type), "%s: type '%s', want '%s'", path, m->type, type);
	CHECK(m->bit_offset == bit_off && m->bit_size == bits,
	      "%s: bits %" PRIu64 "/%u, want %" PRIu64 "/%u", path, m->bit_offset, m->bit_size,
	      bit_off, bits);
}

static void lookup(const struct gdb_layout *l, const char *path, enum gdb_layout_found want)
{
	const struct gdb_layout_member *m;
	enum gdb_layout_found r = gdb_layout_find(l, path, &m);

	CHECK(r == want, "%s: lookup %d, want %d", path, r, want);
}

static void trace_array(const struct gdb_layout *l)
{
	if (!l)
		return;
	/* the DWARF profile's answers */
	member(l, "list", 0, 16, "struct list_head", 0, 0);
	member(l, "name", 16, 8, "char *", 0, 0);
	member(l, "array_buffer.buffer", 32, 8, "struct trace_buffer *", 0, 0);
	member(l, "current_trace", 7464, 8, "struct tracer *", 0, 0);
	member(l, "trace_flags", 7472, 4, "unsigned int", 0, 0);
	member(l, "clock_id", 7444, 4, "int", 0, 0);
	/* nested, a union's member (no offset column), arrays, functions */
	member(l, "max_buffer.cpu", 96, 4, "int", 0, 0);
	member(l, "fsnotify_irqwork.node.u_flags", 168, 4, "unsigned int", 0, 0);
	member(l, "fsnotify_irqwork.node.a_flags", 168, 4, "atomic_t", 0, 0);
	member(l, "fsnotify_irqwork.func", 176, 8, "void (*)(struct irq_work *)", 0, 0);
	member(l, "trace_flags_index", 7476, 32, "unsigned char [32]", 0, 0);
	member(l, "enter_syscall_files", 224, 3608, "struct trace_event_file *[451]", 0, 0);
	/* C's lookup: the anonymous union is transparent, nested names are not */
	lookup(l, "fsnotify_irqwork.u_flags", GDB_LAYOUT_ABSENT);
	lookup(l, "u_flags", GDB_LAYOUT_ABSENT);
	lookup(l, "cpu", GDB_LAYOUT_ABSENT);
	lookup(l, "nosuch", GDB_LAYOUT_ABSENT);
	lookup(l, "name.x", GDB_LAYOUT_UNKNOWN); /* through a pointer: not opened */
}

static void ring_buffer_per_cpu(const struct gdb_layout *l)
{
	if (!l)
		return;
	member(l, "cpu", 0, 4, "int", 0, 0);
	member(l, "nr_pages", 40, 8, "unsigned long", 0, 0);
	member(l, "pages", 56, 8, "struct list_head *", 0, 0);
	member(l, "head_page", 64, 8, "struct buffer_page *", 0, 0);
	member(l, "tail_page", 72, 8, "struct buffer_page *", 0, 0);
	member(l, "commit_page", 80, 8, "struct buffer_page *", 0, 0);
	member(l, "reader_page", 88, 8, "struct buffer_page *", 0, 0);
	member(l, "entries", 128, 8, "local_t", 0, 0);
	/* a typedef'd struct (raw_spinlock_t) is not expanded by gdb */
	lookup(l, "reader_lock.raw_lock", GDB_LAYOUT_UNKNOWN);
	/* an empty struct ("<no data fields>") parses */
	member(l, "lock_key", 32, 0, "struct lock_class_key", 0, 0);
}

static void task_struct(const struct gdb_layout *l)
{
	if (!l)
		return;
	member(l, "comm", 2976, 16, "char [16]", 0, 0);
	member(l, "pid", 2416, 4, "pid_t", 0, 0);
	/* bit fields: "516: 0" is byte 516, bit 0 */
	member(l, "sched_reset_on_fork", 2340, 4, "unsigned int", 2340 * 8, 1);
	member(l, "dl.dl_throttled", 516, 4, "unsigned int", 516 * 8, 1);
	member(l, "dl.dl_overrun", 516, 4, "unsigned int", 516 * 8 + 3, 1);
	/* a struct inside an anonymous union keeps absolute offsets */
	member(l, "restart_block.futex.uaddr", 2376, 8, "u32 *", 0, 0);
	lookup(l, "futex", GDB_LAYOUT_ABSENT);
}

static void made_up(void)
{
	static const char *const bad[] = {
		/* no /o at all (a flexible array member) */
		"type = struct x {\n    int a;\n}\n",
		/* ends early */
		"/* offset | size */  type = struct x {\n/* 0 | 4 */ int a;\n",
		/* a wrapped line */
		"/* offset | size */  type = struct x {\n/* 0 | 8 */ void (*f)(int,\n  long);\n}\n",
		/* a bit position without a width */
		"/* offset | size */  type = struct x {\n/* 0: 3 | 4 */ int a;\n}\n",
		/* not a struct */
		"/* offset | size */  type = enum x {\n}\n",
		/* a nested type closed without its name's ';' */
		"/* offset | size */  type = struct x {\n/* 0 | 4 */ struct y {\n/* 0 | 4 */ int "
		"a;\n} b\n}\n",
		"",
	};
	struct gdb_layout *l;
	struct pmt_err *err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = gdb_layout_parse(bad[i], &l);
		CHECK(err && !l, "bad input %zu parsed", i);
		pmt_err_free(err);
	}
	/* an anonymous typedef'd member hides names: "absent" is not known */
	err = gdb_layout_parse("/* offset | size */  type = struct x {\n"
			       "/* 0 | 4 */ int a;\n/* 4 | 4 */ anon_t;\n"
			       "/* 8: 0 | 4 */ unsigned int : 3;\n}\n",
			       &l);
	CHECK(!err, "anonymous member: %s", err ? err->msg : "");
	if (!err) {
		lookup(l, "a", GDB_LAYOUT_FOUND);
		lookup(l, "b", GDB_LAYOUT_UNKNOWN);
		lookup(l, "int", GDB_LAYOUT_UNKNOWN); /* the padding bit field has no name */
		gdb_layout_free(l);
	}
	pmt_err_free(err);
}

struct enum_seen {
	char names[16][32];
	int64_t values[16];
	int n;
};

static void seen(void *arg, const char *name, size_t len, int64_t value)
{
	struct enum_seen *s = arg;

	if (s->n < 16) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%.*s", (int)len, name);
		s->values[s->n++] = value;
	}
}

static void enums(void)
{
	/* gdb 10.2's words for `ptype HRTIMER_MODE_ABS` (6.1), shortened */
	struct enum_seen s = { 0 };
	struct pmt_err *err = gdb_enum_parse(
		"type = enum hrtimer_mode {HRTIMER_MODE_ABS, HRTIMER_MODE_REL, "
		"HRTIMER_MODE_PINNED, "
		"HRTIMER_MODE_SOFT = 4, HRTIMER_MODE_HARD = 8, HRTIMER_MODE_ABS_PINNED = 2, "
		"HRTIMER_MODE_REL_PINNED, HRTIMER_MODE_NEG = -1, HRTIMER_MODE_ZERO}\n",
		seen, &s);
	static const int64_t want[] = { 0, 1, 2, 4, 8, 2, 3, -1, 0 };

	CHECK(!err && s.n == 9, "hrtimer_mode: %s, %d enumerators", err ? err->msg : "ok", s.n);
	for (int i = 0; i < s.n && i < 9; i++)
		CHECK(s.values[i] == want[i], "%s = %" PRId64 ", want %" PRId64, s.names[i],
		      s.values[i], want[i]);
	CHECK(s.n > 6 && !strcmp(s.names[6], "HRTIMER_MODE_REL_PINNED"), "names");
	pmt_err_free(err);

	memset(&s, 0, sizeof(s));
	err = gdb_enum_parse("type = enum {TCP_ESTABLISHED = 1, TCP_SYN_SENT}\n", seen, &s);
	CHECK(!err && s.n == 2 && s.values[1] == 2, "anonymous enum");
	pmt_err_free(err);

	/* not an enum, or damaged: nothing is handed out */
	static const char *const bad[] = {
		"type = volatile unsigned long\n",
		"type = enum x {A, B = , C}\n",
		"type = enum x {A, B\n C}\n",
		"type = enum x {A, 3B}\n",
		"type = enum x {A, B",
		"no type at all",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		err = gdb_enum_parse(bad[i], seen, &s);
		CHECK(err && s.n == 0, "bad enum %zu: parsed, %d enumerators", i, s.n);
		pmt_err_free(err);
	}
}

int main(int argc, char **argv)
{
	struct gdb_layout *l;
	char *text;
	struct pmt_err *err;

	if (argc != 2) {
		fprintf(stderr, "usage: test_gdb_ptype DIR\n");
		return 2;
	}
	trace_array(l = parse(argv[1], "trace_array.gdb10.txt"));
	gdb_layout_free(l);
	trace_array(l = parse(argv[1], "trace_array.gdb16.txt"));
	gdb_layout_free(l);
	ring_buffer_per_cpu(l = parse(argv[1], "ring_buffer_per_cpu.gdb10.txt"));
	gdb_layout_free(l);
	task_struct(l = parse(argv[1], "task_struct.gdb16.txt"));
	gdb_layout_free(l);
	/* gdb 16 refuses /o for a flexible array member */
	text = slurp(argv[1], "buffer_data_page.gdb16.txt");
	err = gdb_layout_parse(text, &l);
	CHECK(err && !l, "buffer_data_page parsed without offsets");
	pmt_err_free(err);
	free(text);
	made_up();
	enums();
	if (failures) {
		printf("%d failures\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}

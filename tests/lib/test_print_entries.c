// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's own entries that the corpus kernels cannot record (their
 * tracers are not built into Debian's cloud kernels: hwlat, osnoise,
 * timerlat, wakeup, branch, mmiotrace), plus the forms the corpus does not
 * reach (bin, printk-msg-only, trace_printk formats, unknown entries),
 * printed from synthetic records laid out as the 7.2 kernel's formats say
 * (events/ftrace/<name>/format). Every expected string is worked out from the
 * kernel's printer (kernel/trace/trace_output.c, trace_branch.c,
 * trace_mmiotrace.c, lib/vsprintf.c) statement by statement; the comments
 * say which.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"
#include "event_db.h"
#include "event_print.h"
#include "print_internal.h"
#include "trace_internal.h"

/* --- a target: a little memory for strings, no symbols or types --- */

#define MEM_BASE 0xffffffff81000000ULL
static char mem[4096];

static struct pmt_err *t_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	(void)t;
	if (addr < MEM_BASE || addr + len > MEM_BASE + sizeof(mem))
		return pmt_err_addr(PMT_ERR_NODATA, addr, "not in the test memory");
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return NULL;
}

static struct pmt_err *t_absent(void)
{
	return pmt_err_new(PMT_ERR_ABSENT, "absent");
}

static struct pmt_err *t_symbol(struct pmt_target *t, const char *n, uint64_t *a)
{
	(void)t, (void)n, (void)a;
	return t_absent();
}

static struct pmt_err *t_size(struct pmt_target *t, const char *n, uint64_t *s)
{
	(void)t, (void)n, (void)s;
	return t_absent();
}

static struct pmt_err *t_member(struct pmt_target *t, const char *ty, const char *p,
				struct pmt_member *m)
{
	(void)t, (void)ty, (void)p, (void)m;
	return t_absent();
}

static struct pmt_err *t_enum(struct pmt_target *t, const char *n, int64_t *v)
{
	(void)t, (void)n, (void)v;
	return t_absent();
}

static const struct pmt_target_ops ops = { .read = t_read,
					   .symbol = t_symbol,
					   .type_size = t_size,
					   .member = t_member,
					   .enumerator = t_enum };

/* --- events as the 7.2 formats lay them out --- */

struct fdef {
	const char *type, *name;
	uint32_t offset, size;
	bool is_signed;
};

#define F(t, n, o, s, sg)      \
	{                      \
		t, n, o, s, sg \
	}
static const struct fdef f_hwlat[] = { F("u64", "duration", 8, 8, 0),
				       F("u64", "outer_duration", 16, 8, 0),
				       F("u64", "nmi_total_ts", 24, 8, 0),
				       F("s64", "tv_sec", 32, 8, 1),
				       F("long", "tv_nsec", 40, 8, 1),
				       F("unsigned int", "nmi_count", 48, 4, 0),
				       F("unsigned int", "seqnum", 52, 4, 0),
				       F("unsigned int", "count", 56, 4, 0),
				       { 0 } };
static const struct fdef f_osnoise[] = { F("u64", "noise", 8, 8, 0),
					 F("u64", "runtime", 16, 8, 0),
					 F("u64", "max_sample", 24, 8, 0),
					 F("unsigned int", "hw_count", 32, 4, 0),
					 F("unsigned int", "nmi_count", 36, 4, 0),
					 F("unsigned int", "irq_count", 40, 4, 0),
					 F("unsigned int", "softirq_count", 44, 4, 0),
					 F("unsigned int", "thread_count", 48, 4, 0),
					 { 0 } };
static const struct fdef f_timerlat[] = { F("unsigned int", "seqnum", 8, 4, 0),
					  F("int", "context", 12, 4, 1),
					  F("u64", "timer_latency", 16, 8, 0),
					  { 0 } };
static const struct fdef f_ctx[] = {
	F("unsigned int", "prev_pid", 8, 4, 0),	    F("unsigned int", "next_pid", 12, 4, 0),
	F("unsigned int", "next_cpu", 16, 4, 0),    F("unsigned char", "prev_prio", 20, 1, 0),
	F("unsigned char", "prev_state", 21, 1, 0), F("unsigned char", "next_prio", 22, 1, 0),
	F("unsigned char", "next_state", 23, 1, 0), { 0 }
};
static const struct fdef f_branch[] = {
	F("unsigned int", "line", 8, 4, 0), F("char", "func", 12, 31, 0),
	F("char", "file", 43, 21, 0),	    F("char", "correct", 64, 1, 0),
	F("char", "constant", 65, 1, 0),    { 0 }
};
static const struct fdef f_repeats[] = {
	F("unsigned long", "ip", 8, 8, 0),     F("unsigned long", "parent_ip", 16, 8, 0),
	F("u16", "count", 24, 2, 0),	       F("u16", "top_delta_ts", 26, 2, 0),
	F("u32", "bottom_delta_ts", 28, 4, 0), { 0 }
};
static const struct fdef f_function[] = { F("unsigned long", "ip", 8, 8, 0),
					  F("unsigned long", "parent_ip", 16, 8, 0),
					  F("unsigned long", "args[]", 24, 0, 0),
					  { 0 } };
static const struct fdef f_stack[] = { F("int", "size", 8, 4, 1),
				       F("unsigned long", "caller", 16, 64, 0),
				       { 0 } };
static const struct fdef f_ustack[] = { F("unsigned int", "tgid", 8, 4, 0),
					F("unsigned long", "caller", 16, 64, 0),
					{ 0 } };
static const struct fdef f_raw[] = { F("unsigned int", "id", 8, 4, 0),
				     F("char", "buf", 12, 0, 0),
				     { 0 } };
static const struct fdef f_print[] = { F("unsigned long", "ip", 8, 8, 0),
				       F("char", "buf", 16, 0, 0),
				       { 0 } };
static const struct fdef f_bputs[] = { F("unsigned long", "ip", 8, 8, 0),
				       F("const char *", "str", 16, 8, 0),
				       { 0 } };
static const struct fdef f_bprint[] = { F("unsigned long", "ip", 8, 8, 0),
					F("const char *", "fmt", 16, 8, 0),
					F("u32", "buf", 24, 0, 0),
					{ 0 } };
static const struct fdef f_mmio_rw[] = { F("resource_size_t", "phys", 8, 8, 0),
					 F("unsigned long", "value", 16, 8, 0),
					 F("unsigned long", "pc", 24, 8, 0),
					 F("int", "map_id", 32, 4, 1),
					 F("unsigned char", "opcode", 36, 1, 0),
					 F("unsigned char", "width", 37, 1, 0),
					 { 0 } };
static const struct fdef f_mmio_map[] = {
	F("resource_size_t", "phys", 8, 8, 0),	F("unsigned long", "virt", 16, 8, 0),
	F("unsigned long", "len", 24, 8, 0),	F("int", "map_id", 32, 4, 1),
	F("unsigned char", "opcode", 36, 1, 0), { 0 }
};
static const struct fdef f_mystery[] = { F("unsigned int", "a", 8, 4, 0),
					 F("unsigned short", "b", 12, 2, 0),
					 { 0 } };

static const struct {
	int id;
	const char *name;
	enum event_kind kind;
	const struct fdef *f;
} defs[] = {
	{ 1, "function", EV_FUNCTION, f_function },
	{ 2, "context_switch", EV_CONTEXT_SWITCH, f_ctx },
	{ 3, "wakeup", EV_WAKEUP, f_ctx },
	{ 4, "kernel_stack", EV_KERNEL_STACK, f_stack },
	{ 5, "print", EV_PRINT, f_print },
	{ 6, "bprint", EV_BPRINT, f_bprint },
	{ 7, "mmiotrace_rw", EV_MMIO_RW, f_mmio_rw },
	{ 8, "mmiotrace_map", EV_MMIO_MAP, f_mmio_map },
	{ 9, "branch", EV_BRANCH, f_branch },
	{ 13, "user_stack", EV_USER_STACK, f_ustack },
	{ 15, "bputs", EV_BPUTS, f_bputs },
	{ 16, "hwlat", EV_HWLAT, f_hwlat },
	{ 17, "osnoise", EV_OSNOISE, f_osnoise },
	{ 18, "timerlat", EV_TIMERLAT, f_timerlat },
	{ 19, "raw_data", EV_RAW_DATA, f_raw },
	{ 20, "func_repeats", EV_FUNC_REPEATS, f_repeats },
	{ 21, "mystery", EV_FTRACE_UNKNOWN, f_mystery },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

struct fixture {
	struct pmt_target t;
	struct pmt_trace tr;
	struct event_db db;
	struct event_fmt ev[NDEFS];
	struct event_fmt *by_id[32];
	struct trace_buf b;
	struct cpu_stream cs;
	struct trace_seq s;
	uint8_t rec[256];
};

static struct fixture *fx;

static int setup(void **state)
{
	struct fixture *x = calloc(1, sizeof(*x));

	(void)state;
	x->t.ops = &ops;
	x->t.word_size = 8;
	x->t.page_size = 4096;
	x->tr.t = &x->t;
	/* the 7.2 layout's facts the printers use */
	x->tr.L.tf_irqs_off = 0x01;
	x->tr.L.tf_need_resched = 0x04;
	x->tr.L.tf_hardirq = 0x08;
	x->tr.L.tf_softirq = 0x10;
	x->tr.L.tf_preempt_resched = 0x20;
	x->tr.L.tf_nmi = 0x40;
	x->tr.L.tf_bh_off = 0x80;
	x->tr.L.has_trace_osnoise = true;
	x->tr.L.trace_last_type = 21;
	for (int i = 0; i < 5; i++)
		x->tr.L.mmio_op[i] = i + 1;
	/* enum filter_type of 7.2 */
	x->tr.L.filter_other = 0;
	x->tr.L.filter_static_string = 1;
	x->tr.L.filter_dyn_string = 2;
	x->tr.L.filter_rdyn_string = 3;
	x->tr.L.filter_ptr_string = 4;
	x->tr.L.filter_trace_fn = 5;
	x->tr.L.filter_comm = 7;
	x->tr.L.filter_cpu = 8;
	/* the buffer's trace_array.trace_flags was read (b.trace_flags) */
	x->tr.L.ta_trace_flags.ok = true;
	for (int i = 0; i < TI_COUNT; i++) {
		x->tr.L.iter[i] = 1ULL << i;
		x->tr.L.iter_known[i] = true;
	}
	x->db.common_type_off = 0;
	x->db.common_type_size = 2;
	x->db.common_flags_off = 2;
	x->db.common_pc_off = 3;
	x->db.common_pid_off = 4;
	x->db.tr = &x->tr;
	for (size_t i = 0; i < NDEFS; i++) {
		struct event_fmt *e = &x->ev[i];
		size_t n = 0;

		while (defs[i].f[n].name)
			n++;
		e->id = defs[i].id;
		e->system = strdup("ftrace");
		e->name = strdup(defs[i].name);
		e->kind = defs[i].kind;
		e->state = EVF_LOADED;
		e->fields = calloc(n, sizeof(*e->fields));
		e->nfields = n;
		for (size_t k = 0; k < n; k++) {
			const struct fdef *d = &defs[i].f[k];
			const char *br = strchr(d->name, '[');

			e->fields[k].name =
				br ? strndup(d->name, (size_t)(br - d->name)) : strdup(d->name);
			e->fields[k].type = strdup(d->type);
			e->fields[k].offset = d->offset;
			e->fields[k].size = d->size;
			e->fields[k].is_signed = d->is_signed;
			e->fields[k].filter_type = -1;
		}
		x->by_id[e->id] = e;
	}
	x->db.ev = x->ev;
	x->db.n = NDEFS;
	x->db.by_id = x->by_id;
	x->db.max_id = 31;
	x->tr.events = &x->db;
	x->b.clock_in_ns = true;
	x->b.nr_cpus = 2;
	x->b.subbuf_size = 4096;
	x->b.tracer = strdup("nop");
	/* the kernel's default options */
	for (int i = 0; i < TI_COUNT; i++)
		if (trace_iter_info[i].dflt)
			x->b.trace_flags |= x->tr.L.iter[i];
	x->tr.bufs = &x->b;
	x->tr.nbufs = 1;
	x->cs.cpu = 1;
	x->cs.present = true;
	trace_seq_init(&x->s);
	fx = x;
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;

	for (size_t i = 0; i < NDEFS; i++) {
		for (size_t k = 0; k < x->ev[i].nfields; k++) {
			free(x->ev[i].fields[k].name);
			free(x->ev[i].fields[k].type);
		}
		free(x->ev[i].fields);
		free(x->ev[i].system);
		free(x->ev[i].name);
	}
	print_opts_free(&x->db);
	diag_free_all(&x->tr);
	free(x->b.tracer);
	trace_seq_destroy(&x->s);
	free(x);
	return 0;
}

static void put(uint32_t off, uint64_t v, unsigned int size)
{
	for (unsigned int i = 0; i < size; i++)
		fx->rec[off + i] = (uint8_t)(v >> (8 * i));
}

/* Start a record of entry `id`: common fields (flags d, pid 42). */
static void rec(int id)
{
	memset(fx->rec, 0, sizeof(fx->rec));
	put(0, (uint64_t)id, 2);
	put(2, 0x01, 1);
	put(4, 42, 4);
}

/* Print the record (len bytes) with options `set` on (trace_iter_opt bits)
 * and return the text. */
static const char *show(uint32_t len, uint64_t ts, uint64_t set, uint64_t clear,
			void (*printer)(const struct pmt_trace *, const struct event_view *,
					struct trace_seq *))
{
	struct cpu_event ev = { .ts = ts, .data = fx->rec, .len = len };
	struct event_view v;

	/* the options are recomputed for this call (warnings kept) */
	for (size_t i = 0; i < fx->db.nopts; i++)
		free(fx->db.opts[i]);
	free(fx->db.opts);
	fx->db.opts = NULL;
	fx->db.nopts = 0;
	fx->b.trace_flags |= set;
	fx->b.trace_flags &= ~clear;
	event_view_init(&fx->tr, &fx->b, &fx->cs, &ev, &v);
	trace_seq_reset(&fx->s);
	printer(&fx->tr, &v, &fx->s);
	trace_seq_terminate(&fx->s);
	fx->b.trace_flags &= ~set;
	fx->b.trace_flags |= clear;
	return fx->s.buffer;
}

static uint64_t opt(enum trace_iter_opt o)
{
	return 1ULL << o;
}

static void test_hwlat(void **state)
{
	(void)state;
	rec(16);
	put(8, 12, 8);	 /* duration */
	put(16, 3, 8);	 /* outer_duration */
	put(24, 77, 8);	 /* nmi_total_ts */
	put(32, 100, 8); /* tv_sec */
	put(40, 42, 8);	 /* tv_nsec */
	put(48, 1, 4);	 /* nmi_count */
	put(52, 5, 4);	 /* seqnum */
	put(56, 2, 4);	 /* count */
	/* "#%-5u inner/outer(us): %4llu/%-5llu ts:%ptSp count:%d", then
	 * " nmi-total:%llu" (no GENERIC_SCHED_CLOCK) " nmi-count:%u" "\n" */
	assert_string_equal(show(60, 0, 0, 0, event_print_body),
			    "#5     inner/outer(us):   12/3     ts:100.000000042 count:2 "
			    "nmi-total:77 nmi-count:1\n");
	/* trace_hwlat_raw(): "%llu %lld %lld %09ld %u\n" */
	assert_string_equal(show(60, 0, 0, 0, print_entry_raw), "12 3 100 000000042 5\n");
	put(48, 0, 4); /* no NMIs: the nmi fields are left out */
	assert_string_equal(show(60, 0, 0, 0, event_print_body),
			    "#5     inner/outer(us):   12/3     ts:100.000000042 count:2\n");
}

static void test_osnoise(void **state)
{
	(void)state;
	rec(17);
	put(8, 2500, 8);     /* noise */
	put(16, 1000000, 8); /* runtime */
	put(24, 700, 8);     /* max_sample */
	for (int i = 0; i < 5; i++)
		put(32 + 4 * (uint32_t)i, (uint64_t)i + 1, 4);
	/* ratio = (runtime - noise) * 10000000 / runtime = 9975000:
	 * "%llu %10llu %3llu.%05llu %7llu" then " %6u" x 5 */
	assert_string_equal(
		show(52, 0, 0, 0, event_print_body),
		"1000000       2500  99.75000     700      1      2      3      4      5\n");
	assert_string_equal(show(52, 0, 0, 0, print_entry_raw), "1000000 2500 700 1 2 3 4 5\n");
}

static void test_timerlat(void **state)
{
	(void)state;
	rec(18);
	put(8, 7, 4);
	put(12, 1, 4);
	put(16, 1234, 8);
	/* "#%-5u context %6s timer_latency %9llu ns\n" */
	assert_string_equal(show(24, 0, 0, 0, event_print_body),
			    "#7     context thread timer_latency      1234 ns\n");
	assert_string_equal(show(24, 0, 0, 0, print_entry_raw), "7 1 1234\n");
	/* context 2: "user-ret" where timerlat_lat_context[] exists, else
	 * anything but 0 was "thread" */
	put(12, 2, 4);
	assert_string_equal(show(24, 0, 0, 0, event_print_body),
			    "#7     context thread timer_latency      1234 ns\n");
	fx->tr.L.sym_timerlat_lat_context.ok = true;
	assert_string_equal(show(24, 0, 0, 0, event_print_body),
			    "#7     context user-ret timer_latency      1234 ns\n");
	fx->tr.L.sym_timerlat_lat_context.ok = false;
}

static void ctx_record(int id)
{
	rec(id);
	put(8, 10, 4);	 /* prev_pid */
	put(12, 0, 4);	 /* next_pid */
	put(16, 1, 4);	 /* next_cpu */
	put(20, 120, 1); /* prev_prio */
	put(21, 1, 1);	 /* prev_state: S */
	put(22, 120, 1); /* next_prio */
	put(23, 0, 1);	 /* next_state: R */
}

static void test_context_switch_wakeup(void **state)
{
	(void)state;
	ctx_record(2);
	/* " %7d:%3d:%c %s [%03d] %7d:%3d:%c %s\n", comm of next_pid */
	assert_string_equal(show(24, 0, 0, 0, event_print_body),
			    "      10:120:S ==> [001]       0:120:R <idle>\n");
	assert_string_equal(show(24, 0, 0, 0, print_entry_raw), "10 120 S 1 0 120 R\n");
	/* SEQ_PUT_HEX_FIELD of each: pid, prio (char), S (int), cpu, pid, prio, T */
	assert_string_equal(show(24, 0, 0, 0, print_entry_hex),
			    "0000000a 78 00000053 00000001 00000000 78 00000052 ");
	ctx_record(3);
	assert_string_equal(show(24, 0, 0, 0, event_print_body),
			    "      10:120:S   + [001]       0:120:R <idle>\n");
	/* the wakeup raw form prints '+' for the previous state */
	assert_string_equal(show(24, 0, 0, 0, print_entry_raw), "10 120 + 1 0 120 R\n");
}

static void test_branch(void **state)
{
	(void)state;
	rec(9);
	put(8, 42, 4);
	memcpy(fx->rec + 12, "foo", 4);
	memcpy(fx->rec + 43, "bar.c", 6);
	put(64, 1, 1);
	/* trace_branch_print(): "[%s] %s:%s:%d\n" */
	assert_string_equal(show(68, 0, 0, 0, event_print_body), "[  ok  ] foo:bar.c:42\n");
	put(64, 0, 1);
	assert_string_equal(show(68, 0, 0, 0, event_print_body), "[ MISS ] foo:bar.c:42\n");
}

static void test_func_repeats(void **state)
{
	(void)state;
	rec(20);
	put(8, 0x1000, 8);
	put(16, 0x2000, 8);
	put(24, 3, 2);
	put(26, 0, 2);
	put(28, 1500, 4);
	/* print_fn_trace() without symbols: 0x%08lx; " (repeats: %u, last_ts:"
	 * trace_print_time(ts - delta) ")\n" (ts 2000000 - 1500 ns: 1999 us) */
	assert_string_equal(show(32, 2000000, 0, 0, event_print_body),
			    "0x00001000 <-0x00002000 (repeats: 3, last_ts:     0.001999)\n");
	assert_string_equal(show(32, 2000000, 0, 0, print_entry_raw), "4096 8192 3 1500\n");
	/* noprint-parent: no " <-parent" */
	assert_string_equal(show(32, 2000000, 0, opt(TI_PRINT_PARENT), event_print_body),
			    "0x00001000 (repeats: 3, last_ts:     0.001999)\n");
}

static void test_stacks(void **state)
{
	(void)state;
	rec(4);
	put(8, 3, 4);
	put(16, 0x1234, 8);
	put(24, 0x7fffffff, 8); /* FTRACE_TRAMPOLINE_MARKER */
	put(32, UINT64_MAX, 8); /* the end */
	put(40, 0x5678, 8);
	assert_string_equal(show(48, 0, 0, 0, event_print_body),
			    "<stack trace>\n => 0x00001234\n => [FTRACE TRAMPOLINE]\n");
	rec(13);
	put(8, 42, 4);
	put(16, 0x401000, 8);
	put(24, 0, 8);
	/* seq_print_user_ip() without the task's mm: " <%016lx>" */
	assert_string_equal(show(80, 0, 0, 0, event_print_body),
			    "<user stack trace>\n =>  <0000000000401000>\n");
}

static void test_raw_data(void **state)
{
	(void)state;
	rec(19);
	put(8, 3, 4);
	memcpy(fx->rec + 12, "ab", 2);
	/* "# %x buf:" and " %02x" for every byte to the end of the record */
	assert_string_equal(show(16, 0, 0, 0, event_print_body), "# 3 buf: 61 62 00 00\n");
}

static void test_print_bputs_msg_only(void **state)
{
	(void)state;
	rec(5);
	put(8, 0xffffffff81abcdefULL, 8);
	memcpy(fx->rec + 16, "hello\n", 7);
	assert_string_equal(show(24, 0, 0, 0, event_print_body), "0xffffffff81abcdef: hello\n");
	/* trace_print_raw(): "# %lx %s" */
	assert_string_equal(show(24, 0, 0, 0, print_entry_raw), "# ffffffff81abcdef hello\n");
	/* printk-msg-only (with trace_printk on): the message alone */
	assert_string_equal(show(24, 1000000, opt(TI_PRINTK_MSGONLY), 0, event_print_line),
			    "hello\n");
	rec(15);
	put(8, 0x1000, 8);
	strcpy(mem + 100, "bputs text\n");
	put(16, MEM_BASE + 100, 8);
	assert_string_equal(show(24, 0, 0, 0, event_print_body), "0x00001000: bputs text\n");
	/* trace_bputs_raw(): ": %lx : " */
	assert_string_equal(show(24, 0, 0, 0, print_entry_raw), ": 1000 : bputs text\n");
}

/* Arguments packed as vbin_printf() does: ints 4-aligned, 8-byte values
 * 4-aligned, chars 1-aligned, strings inline with their NUL. */
static uint32_t pack_u32(uint32_t off, uint32_t v)
{
	off = (off + 3) & ~3u;
	put(off, v, 4);
	return off + 4;
}

static void test_bprint(void **state)
{
	uint32_t o = 24;

	(void)state;
	rec(6);
	put(8, 0x1000, 8);
	strcpy(mem + 200, "d=%d u=%u x=%#x o=%#o s=%-4s| c=%c w=%5.2s| l=%lld h=%hhx z=%#x %%\n");
	put(16, MEM_BASE + 200, 8);
	o = pack_u32(o, (uint32_t)-5); /* %d */
	o = pack_u32(o, 7);	       /* %u */
	o = pack_u32(o, 255);	       /* %#x */
	o = pack_u32(o, 8);	       /* %#o */
	memcpy(fx->rec + o, "ab", 3);  /* %-4s */
	o += 3;
	fx->rec[o++] = 'Q';	       /* %c: a char, 1-aligned */
	memcpy(fx->rec + o, "xyz", 4); /* %5.2s */
	o += 4;
	o = (o + 3) & ~3u;
	put(o, (uint64_t)-2, 8); /* %lld */
	o += 8;
	o = pack_u32(o, 0x1ff); /* %hhx: int-sized, cut to a char */
	o = pack_u32(o, 0);	/* %#x of 0: the kernel's number() prints "0x0" */
	/* bstr_printf() */
	assert_string_equal(show(o, 0, 0, 0, event_print_body),
			    "0x00001000: d=-5 u=7 x=0xff o=010 s=ab  | c=Q w=   xy| l=-2 h=ff "
			    "z=0x0 %\n");
	/* trace_bprint_raw(): ": %lx : " */
	assert_string_equal(
		show(o, 0, 0, 0, print_entry_raw),
		": 1000 : d=-5 u=7 x=0xff o=010 s=ab  | c=Q w=   xy| l=-2 h=ff z=0x0 %\n");
}

static void test_mmiotrace(void **state)
{
	(void)state;
	rec(7);
	put(8, 0xfebf0000, 8); /* phys */
	put(16, 0x12, 8);      /* value */
	put(24, 0x4000, 8);    /* pc */
	put(32, 3, 4);	       /* map_id */
	put(36, 1, 1);	       /* MMIO_READ */
	put(37, 4, 1);	       /* width */
	/* mmio_print_rw(): "R %d %u.%06lu %d 0x%llx 0x%lx 0x%lx %d\n" */
	assert_string_equal(show(40, 1500000000, 0, 0, print_mmiotrace_line),
			    "R 4 1.500000 3 0xfebf0000 0x12 0x4000 0\n");
	put(36, 2, 1);
	assert_string_equal(show(40, 1500000000, 0, 0, print_mmiotrace_line),
			    "W 4 1.500000 3 0xfebf0000 0x12 0x4000 0\n");
	put(36, 5, 1);
	put(16, 0x123456, 8);
	assert_string_equal(show(40, 1500000000, 0, 0, print_mmiotrace_line),
			    "UNKNOWN 1.500000 3 0xfebf0000 12,34,56 0x4000 0\n");
	rec(8);
	put(8, 0xfebf0000, 8);
	put(16, 0xffffc90000000000ULL, 8);
	put(24, 0x1000, 8);
	put(32, 3, 4);
	put(36, 3, 1); /* MMIO_PROBE */
	assert_string_equal(show(40, 1500000000, 0, 0, print_mmiotrace_line),
			    "MAP 1.500000 3 0xfebf0000 0xffffc90000000000 0x1000 0x0 0\n");
	put(36, 4, 1);
	assert_string_equal(show(40, 1500000000, 0, 0, print_mmiotrace_line),
			    "UNMAP 1.500000 3 0x0 0\n");
	/* without the mmiotrace tracer no printer is registered for them */
	assert_string_equal(show(40, 0, 0, 0, event_print_body), "Unknown type 8\n");
}

static void test_bin_hex_and_context(void **state)
{
	const char *out;

	(void)state;
	rec(1);
	put(8, 0x1000, 8);
	put(16, 0x2000, 8);
	/* print_bin_fmt(): pid, cpu, ts, then ip and parent_ip, raw bytes */
	out = show(24, 0x0102, opt(TI_BIN), 0, event_print_line);
	assert_int_equal(fx->s.len, 4 + 4 + 8 + 8 + 8);
	assert_memory_equal(out, "\x2a\0\0\0\x01\0\0\0\x02\x01\0\0\0\0\0\0\0\x10\0\0\0\0\0\0\0\x20",
			    26);
	/* print_hex_fmt(): SEQ_PUT_HEX_FIELD each, then a newline */
	assert_string_equal(
		show(24, 0x0102, opt(TI_HEX), 0, event_print_line),
		"0000002a 00000001 0000000000000102 0000000000001000 0000000000002000 \n");
	/* raw: "%d %d %llu " then "%lx %lx\n" */
	assert_string_equal(show(24, 0x0102, opt(TI_RAW), 0, event_print_line),
			    "42 1 258 1000 2000\n");
	/* the default context: irq-info flags and the time */
	assert_string_equal(
		show(24, 1500000, 0, 0, event_print_line),
		"           <...>-42      [001] d....     0.001500: 0x00001000 <-0x00002000\n");
	/* noirq-info, sym-addr */
	assert_string_equal(
		show(24, 1500000, opt(TI_SYM_ADDR), opt(TI_IRQ_INFO), event_print_line),
		"           <...>-42      [001]      0.001500: 0x00001000 <0000000000001000> "
		"<-0x00002000 <0000000000002000>\n");
	/* nocontext-info: the body alone */
	assert_string_equal(show(24, 1500000, 0, opt(TI_CONTEXT_INFO), event_print_line),
			    "0x00001000 <-0x00002000\n");
}

static void test_unknown_entry(void **state)
{
	size_t before = fx->tr.ndiags;

	(void)state;
	rec(21);
	put(8, 0xdeadbeef, 4);
	put(12, 0x1234, 2);
	/* printed as its fields (print_event_fields()' form), one warning */
	assert_string_equal(show(16, 0, 0, 0, event_print_body),
			    "mystery: a=0xdeadbeef (-559038737) b=0x1234 (4660)\n");
	assert_int_equal(fx->tr.ndiags, before + 1);
	assert_true(fx->tr.diags[before].degraded);
	assert_non_null(strstr(fx->tr.diags[before].msg, "mystery"));
	show(16, 0, 0, 0, event_print_body);
	assert_int_equal(fx->tr.ndiags, before + 1); /* once */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hwlat),
		cmocka_unit_test(test_osnoise),
		cmocka_unit_test(test_timerlat),
		cmocka_unit_test(test_context_switch_wakeup),
		cmocka_unit_test(test_branch),
		cmocka_unit_test(test_func_repeats),
		cmocka_unit_test(test_stacks),
		cmocka_unit_test(test_raw_data),
		cmocka_unit_test(test_print_bputs_msg_only),
		cmocka_unit_test(test_bprint),
		cmocka_unit_test(test_mmiotrace),
		cmocka_unit_test(test_bin_hex_and_context),
		cmocka_unit_test(test_unknown_entry),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

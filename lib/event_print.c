// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Printing one event the way the kernel's print_trace_line() does (see
 * event_print.h): the context columns of trace_print_context() or
 * trace_print_lat_context(), then the event's own printer. Ordinary events
 * go to libtraceevent with their print_fmt; the kernel's own entries and the
 * syscalls to the printers of print_ftrace.c and print_syscall.c. Flag bits
 * come from the dump's enum trace_flag_type and option bits from its enum
 * trace_iterator_flags, so kernels that renumber them print correctly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "cmdlines.h"
#include "event_print.h"
#include "kallsyms.h"
#include "persistent.h"
#include "print_internal.h"
#include "ptr_hash.h"

static uint64_t getu(const struct pmt_trace *tr, const uint8_t *p, size_t n)
{
	return pmt_get_uint(tr->t, p, n);
}

void event_view_init(const struct pmt_trace *tr, const struct trace_buf *b,
		     const struct cpu_stream *cs, const struct cpu_event *ev, struct event_view *v)
{
	const struct event_db *db = tr->events;

	memset(v, 0, sizeof(*v));
	v->buf = b;
	v->data = ev->data;
	v->len = ev->len;
	v->ts = ev->ts;
	v->cpu = cs->cpu;
	v->type = -1;
	if (b)
		v->opts = print_opts_get(tr, b);
	if (!db)
		return;
	if ((uint32_t)db->common_type_off + (uint32_t)db->common_type_size <= v->len)
		v->type =
			(int)getu(tr, v->data + db->common_type_off, (size_t)db->common_type_size);
	if (db->common_flags_off >= 0 && (uint32_t)db->common_flags_off < v->len)
		v->flags = v->data[db->common_flags_off];
	if (db->common_pc_off >= 0 && (uint32_t)db->common_pc_off < v->len)
		v->preempt_count = v->data[db->common_pc_off];
	if ((uint32_t)db->common_pid_off + 4 <= v->len)
		v->pid = (int)(int32_t)getu(tr, v->data + db->common_pid_off, 4);
	v->fmt = event_db_find(db, v->type);
}

const char *event_comm(const struct pmt_trace *tr, int pid)
{
	return cmdlines_find(tr->cmds, pid);
}

const char *event_buf_comm(const struct pmt_trace *tr, const struct trace_buf *b, int pid)
{
	/* a previous boot's tasks are named by its own events (persistent.h);
	 * building that map is a cache fill: logically const */
	const char *c = persist_comm((struct pmt_trace *)tr, (struct trace_buf *)b, pid);

	return c ? c : event_comm(tr, pid);
}

/*
 * The migrate-disable column came with Linux 5.14, in the release that
 * added the osnoise tracer: enum trace_type has TRACE_OSNOISE exactly in the
 * kernels that print the column (checked on 5.10, 6.1, 6.12, 7.2 sources).
 */
bool trace_has_migrate_column(const struct pmt_trace *tr)
{
	return tr->L.has_trace_osnoise;
}

void event_lat_flags(const struct pmt_trace *tr, const struct event_view *v, char *out)
{
	const struct ftrace_layout *L = &tr->L;
	unsigned int f = v->flags;
	bool nmi = f & L->tf_nmi, hard = f & L->tf_hardirq, soft = f & L->tf_softirq;
	bool bh_off = L->tf_bh_off && (f & L->tf_bh_off);
	bool irqs_off = L->tf_irqs_off && (f & L->tf_irqs_off);
	bool nr = L->tf_need_resched && (f & L->tf_need_resched);
	bool lazy = L->tf_need_resched_lazy && (f & L->tf_need_resched_lazy);
	bool pr = L->tf_preempt_resched && (f & L->tf_preempt_resched);
	char need;
	size_t i = 0;

	out[i++] = irqs_off && bh_off					  ? 'D'
		   : irqs_off						  ? 'd'
		   : bh_off						  ? 'b'
		   : (L->tf_irqs_nosupport && (f & L->tf_irqs_nosupport)) ? 'X'
									  : '.';
	if (nr && lazy && pr)
		need = 'B';
	else if (nr && pr)
		need = 'N';
	else if (lazy && pr)
		need = 'L';
	else if (nr && lazy)
		need = 'b';
	else if (nr)
		need = 'n';
	else if (pr)
		need = 'p';
	else if (lazy)
		need = 'l';
	else
		need = '.';
	out[i++] = need;
	out[i++] = nmi && hard	  ? 'Z'
		   : nmi	  ? 'z'
		   : hard && soft ? 'H'
		   : hard	  ? 'h'
		   : soft	  ? 's'
				  : '.';
	if (trace_has_migrate_column(tr)) {
		out[i++] =
			(v->preempt_count & 0xf) ? "0123456789abcdef"[v->preempt_count & 0xf] : '.';
		out[i++] = (v->preempt_count & 0xf0)
				   ? "0123456789abcdef"[(v->preempt_count >> 4) & 0xf]
				   : '.';
	} else if (v->preempt_count) {
		/* before 5.14: "%x" of the whole count (one or two digits) */
		i += (size_t)snprintf(out + i, 3, "%x", v->preempt_count & 0xff);
	} else {
		out[i++] = '.';
	}
	out[i] = '\0';
}

void print_lat_fmt(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	char flags[8];

	event_lat_flags(tr, v, flags);
	trace_seq_puts(s, flags);
}

void event_format_ts(const struct event_view *v, char *out, size_t size)
{
	/* ns2usecs() rounds to the nearest microsecond */
	uint64_t us = (v->ts + 500) / 1000;

	if (v->buf && !v->buf->clock_in_ns)
		snprintf(out, size, "%12" PRIu64, v->ts);
	else
		snprintf(out, size, "%5" PRIu64 ".%06" PRIu64, us / 1000000, us % 1000000);
}

/*
 * The context columns are printed for every event: formatted here by hand
 * rather than through printf, which was a third of `show`'s time. Each
 * helper writes what the printf conversion named beside it would.
 */

/* "%0*" PRIu64 / "%*" PRIu64: v right-aligned in at least width, padded with pad */
static char *put_udec(char *p, uint64_t v, int width, char pad)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (int k = n; k < width; k++)
		*p++ = pad;
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* " %12" PRIu64 or " %5" PRIu64 ".%06" PRIu64 (microseconds, rounded) */
static char *put_time(char *p, const struct event_view *v, uint64_t ts)
{
	uint64_t us = (ts + 500) / 1000;

	*p++ = ' ';
	if (v->buf && !v->buf->clock_in_ns)
		return put_udec(p, ts, 12, ' ');
	p = put_udec(p, us / 1000000, 5, ' ');
	*p++ = '.';
	return put_udec(p, us % 1000000, 6, '0');
}

void print_time(const struct event_view *v, uint64_t ts, struct trace_seq *s)
{
	char buf[48];

	*put_time(buf, v, ts) = 0;
	trace_seq_puts(s, buf);
}

/* trace_print_context() */
void event_print_context(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s)
{
	const struct print_opts *o = v->opts;
	const char *comm = event_buf_comm(tr, v->buf, v->pid);
	size_t clen = strlen(comm);

	/* the common case by hand: "%16s-%-7d [%03d] " flags time ": " */
	if (clen <= 64 && v->pid >= 0 && v->cpu >= 0 && !(o && o->on[TI_RECORD_TGID])) {
		char line[192], *p = line, *pid;

		for (size_t k = clen; k < 16; k++)
			*p++ = ' ';
		memcpy(p, comm, clen);
		p += clen;
		*p++ = '-';
		pid = p;
		p = put_udec(p, (uint64_t)v->pid, 0, ' ');
		while (p - pid < 7)
			*p++ = ' ';
		*p++ = ' ';
		*p++ = '[';
		p = put_udec(p, (uint64_t)v->cpu, 3, '0');
		*p++ = ']';
		*p++ = ' ';
		if (!o || o->on[TI_IRQ_INFO]) {
			event_lat_flags(tr, v, p);
			p += strlen(p);
		}
		p = put_time(p, v, v->ts);
		*p++ = ':';
		*p++ = ' ';
		*p = 0;
		trace_seq_puts(s, line);
		return;
	}
	trace_seq_printf(s, "%16s-%-7d ", comm, v->pid);
	if (o && o->on[TI_RECORD_TGID]) {
		int tgid = print_find_tgid(tr, v->pid);

		if (!tgid)
			trace_seq_puts(s, "(-------) ");
		else
			trace_seq_printf(s, "(%7d) ", tgid);
	}
	trace_seq_printf(s, "[%03d] ", v->cpu);
	if (!o || o->on[TI_IRQ_INFO])
		print_lat_fmt(tr, v, s);
	print_time(v, v->ts, s);
	trace_seq_puts(s, ": ");
}

/* trace_find_mark() */
static char find_mark(uint64_t d)
{
	static const struct {
		uint64_t val;
		char sym;
	} mark[] = {
		{ 1000000000ULL, '$' }, { 100000000ULL, '@' }, { 10000000ULL, '*' },
		{ 1000000ULL, '#' },	{ 100000ULL, '!' },    { 10000ULL, '+' },
	};

	for (size_t i = 0; i < sizeof(mark) / sizeof(mark[0]); i++)
		if (d > mark[i].val)
			return mark[i].sym;
	return ' ';
}

/* trace_print_lat_context() with lat_print_timestamp() */
void event_print_lat_context(const struct pmt_trace *tr, const struct event_view *v,
			     struct trace_seq *s)
{
	const struct print_opts *o = v->opts;
	bool verbose = o && o->on[TI_VERBOSE];
	bool in_ns = !v->buf || v->buf->clock_in_ns;
	uint64_t next_ts = v->have_next ? v->next_ts : v->ts;
	uint64_t abs_ts = v->ts - (o ? o->time_start : 0), rel_ts = next_ts - v->ts;

	if (verbose) {
		/* before 5.14 the whole preempt count */
		unsigned int pc =
			trace_has_migrate_column(tr) ? v->preempt_count & 0xf : v->preempt_count;

		trace_seq_printf(s, "%16s %7d %3d %d %08x %08" PRIx64 " ",
				 event_buf_comm(tr, v->buf, v->pid), v->pid, v->cpu, v->flags, pc,
				 v->idx);
	} else {
		trace_seq_printf(s, "%8.8s-%-7d %3d", event_buf_comm(tr, v->buf, v->pid), v->pid,
				 v->cpu);
		print_lat_fmt(tr, v, s);
	}
	if (in_ns) {
		abs_ts = (abs_ts + 500) / 1000;
		rel_ts = (rel_ts + 500) / 1000;
	}
	if (verbose && in_ns)
		trace_seq_printf(s,
				 "[%08" PRIx64 "] %" PRIu64 ".%03" PRIu64 "ms (+%" PRIu64
				 ".%03" PRIu64 "ms): ",
				 (v->ts + 500) / 1000, abs_ts / 1000, abs_ts % 1000, rel_ts / 1000,
				 rel_ts % 1000);
	else if (verbose)
		trace_seq_printf(s, "[%016" PRIx64 "] %" PRId64 " (+%" PRId64 "): ", v->ts,
				 (int64_t)abs_ts, (int64_t)rel_ts);
	else if (in_ns)
		trace_seq_printf(s, " %4" PRId64 "us%c: ", (int64_t)abs_ts,
				 find_mark(rel_ts * 1000));
	else
		trace_seq_printf(s, " %4" PRId64 ": ", (int64_t)abs_ts);
}

void print_put_hex(struct trace_seq *s, uint64_t value, unsigned int size)
{
	/* seq_buf_putmem_hex(): the value's bytes, most significant first
	 * (whatever the byte order), and a space */
	trace_seq_printf(s, "%0*" PRIx64 " ", (int)size * 2,
			 (uint64_t)(size >= 8 ? value : value & ((1ULL << (8 * size)) - 1)));
}

void print_put_bin(const struct pmt_trace *tr, struct trace_seq *s, uint64_t value,
		   unsigned int size)
{
	uint8_t b[8];

	for (unsigned int i = 0; i < size && i < 8; i++)
		b[i] = (uint8_t)(value >> (8 * (tr->t->big_endian ? size - 1 - i : i)));
	for (unsigned int i = 0; i < size && i < 8; i++)
		trace_seq_putc(s, b[i]);
}

const struct event_field *ev_field(const struct event_fmt *e, const char *name)
{
	/* The printers ask for the same few fields of the same formats for
	 * every event: remember the last answer per (format, name) slot. A hit
	 * is checked against the format as it is now (the field lies in its
	 * array and has that name), so a freed and reused format or a name
	 * string at a reused address cannot give a wrong field. */
	static __thread struct {
		const struct event_fmt *e;
		const char *name;
		const struct event_field *f;
	} memo[64];
	size_t slot = (((uintptr_t)e >> 4) ^ ((uintptr_t)name >> 2)) & 63;
	const struct event_field *f = memo[slot].f;

	if (!e)
		return NULL;
	if (memo[slot].e == e && memo[slot].name == name && f >= e->fields &&
	    f < e->fields + e->nfields && !strcmp(f->name, name))
		return f;
	for (size_t i = 0; i < e->nfields; i++) {
		if (!strcmp(e->fields[i].name, name)) {
			memo[slot].e = e;
			memo[slot].name = name;
			memo[slot].f = &e->fields[i];
			return &e->fields[i];
		}
	}
	return NULL;
}

bool ev_u(const struct pmt_trace *tr, const struct event_view *v, const char *name, uint64_t *out)
{
	const struct event_field *f = ev_field(v->fmt, name);

	*out = 0;
	if (!f || f->size == 0 || f->size > 8 || f->offset + f->size > v->len)
		return false;
	*out = getu(tr, v->data + f->offset, f->size);
	return true;
}

bool ev_s(const struct pmt_trace *tr, const struct event_view *v, const char *name, int64_t *out)
{
	const struct event_field *f = ev_field(v->fmt, name);
	uint64_t u;

	*out = 0;
	if (!ev_u(tr, v, name, &u))
		return false;
	if (f->size < 8) {
		int shift = 64 - 8 * (int)f->size;

		*out = (int64_t)(u << shift) >> shift;
	} else {
		*out = (int64_t)u;
	}
	return true;
}

uint64_t ev_u0(const struct pmt_trace *tr, const struct event_view *v, const char *name)
{
	uint64_t u;

	ev_u(tr, v, name, &u);
	return u;
}

const char *print_sym_lookup(const struct pmt_trace *tr, uint64_t addr, uint64_t *off,
			     uint64_t *size, const char **mod)
{
	uint64_t o = 0, sz = 0;
	const char *name, *m = NULL;

	/* a previous boot's address, looked up where the reading view has it */
	addr = persist_addr(tr, print_buf(tr), addr);
	name = kallsyms_lookup_size(tr->ksyms, addr, &o, &sz);

	if (!name)
		name = modsym_lookup(tr, addr, &o, &sz, &m);
	if (mod)
		*mod = m;
	if (off)
		*off = o;
	if (size)
		*size = sz;
	return name && *name ? name : NULL;
}

void print_ps(const struct pmt_trace *tr, struct trace_seq *s, uint64_t addr, bool offset)
{
	uint64_t off, size;
	const char *mod;
	const char *name = print_sym_lookup(tr, addr, &off, &size, &mod);

	if (!name) {
		/* symbol_string() without a symbol: the address, "0x%lx" */
		trace_seq_printf(s, "0x%" PRIx64, addr);
		return;
	}
	trace_seq_puts(s, name);
	if (offset)
		trace_seq_printf(s, "+0x%" PRIx64 "/0x%" PRIx64, off, size);
	if (mod)
		trace_seq_printf(s, " [%s]", mod);
}

/* seq_print_ip_sym() with trace_seq_print_sym() */
void print_ip_sym(const struct pmt_trace *tr, struct trace_seq *s, uint64_t ip, unsigned int symf)
{
	uint64_t off, size;
	const char *mod;
	const char *name;

	if (!ip) {
		trace_seq_putc(s, '0');
		return;
	}
	name = print_sym_lookup(tr, ip, &off, &size, &mod);
	if (!name) {
		trace_seq_printf(s, "0x%08" PRIx64, ip);
	} else if (symf & SYMF_OFFSET) {
		/* sprint_symbol(): name+off/size [module] */
		trace_seq_printf(s, "%s+0x%" PRIx64 "/0x%" PRIx64, name, off, size);
		if (mod)
			trace_seq_printf(s, " [%s]", mod);
	} else {
		/* kallsyms_lookup() gives the name alone, modules included */
		trace_seq_puts(s, name);
	}
	if (symf & SYMF_ADDR)
		trace_seq_printf(s, " <%0*" PRIx64 ">", (int)tr->t->word_size * 2, ip);
}

/*
 * A copy of the record with every plain-%p field replaced by the id the
 * kernel printed: ptr_to_id() leaves NULL and error pointers as they are and
 * keeps 32 bits of the hash on 64-bit kernels.
 */
static uint8_t *hash_pointers(const struct pmt_trace *tr, const struct event_view *v)
{
	const struct event_db *db = tr->events;
	unsigned int ws = tr->t->word_size;
	uint8_t *copy;

	/* hashed only where the kernel hashed: 5.12+ with the hash-ptr option;
	 * never a previous boot's pointers: the key it hashed with is gone (and
	 * the option's state then is not recorded), so they print raw */
	if (!db->hash_ptrs || !tr->L.iter_hash_ptr || !v->buf ||
	    !(v->buf->trace_flags & tr->L.iter_hash_ptr) || v->buf->previous_boot)
		return NULL;
	copy = malloc(v->len);
	if (!copy)
		return NULL;
	memcpy(copy, v->data, v->len);
	for (size_t i = 0; i < v->fmt->nhash; i++) {
		const struct event_field *f = v->fmt->hash_fields[i];
		uint64_t p, h, err_min = ws == 8 ? (uint64_t)-4095 : 0xfffff001ULL;

		if (f->size != ws || f->offset + ws > v->len)
			continue;
		p = getu(tr, copy + f->offset, ws);
		if (p == 0 || p >= err_min)
			continue;
		h = siphash_1u64(p, db->ptr_key[0], db->ptr_key[1]);
		h &= 0xffffffffULL; /* both word sizes keep 32 bits */
		for (unsigned int b = 0; b < ws; b++) {
			unsigned int shift = tr->t->big_endian ? 8 * (ws - 1 - b) : 8 * b;

			copy[f->offset + b] = (uint8_t)(h >> shift);
		}
	}
	return copy;
}

/* A TRACE_EVENT() event: "name: " and its print_fmt through libtraceevent. */
static void print_generic(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;

	trace_seq_printf(s, "%s: ", e->name);
	const struct print_opts *o = v->opts;
	/* without hash-ptr, kernels with trace_check_vprintf() lose the first
	 * %s of every event (see event_db_tep_nohash()) */
	bool nohash = o && tr->L.iter_known[TI_HASH_PTR] && !o->on[TI_HASH_PTR] &&
		      tr->L.sym_trace_check_vprintf.ok;
	struct tep_event *te = NULL;

	/* the lazily parsed libtraceevent event is a cache inside the trace */
	if (tr->events)
		te = nohash ? event_db_tep_nohash(tr->events, (struct event_fmt *)e)
			    : event_db_tep(tr->events, (struct event_fmt *)e);
	if (te) {
		struct tep_record rec = {
			.ts = v->ts,
			.cpu = v->cpu,
			.data = (void *)v->data,
			.size = (int)v->len,
		};
		uint8_t *copy = NULL;

		if (e->nhash)
			copy = hash_pointers(tr, v);
		if (copy)
			rec.data = copy;
		tep_print_event(te->tep, s, &rec, "%s", TEP_PRINT_INFO);
		free(copy);
	} else {
		print_warn_once(tr, e->name,
				"event %s:%s: its print format does not parse; printed as "
				"[FORMAT UNKNOWN]",
				e->system, e->name);
		trace_seq_puts(s, "[FORMAT UNKNOWN]");
	}
	trace_seq_putc(s, '\n');
}

/*
 * The buffer whose event is being printed: a previous boot's buffer has its
 * own addresses (persist_addr()) and task names (persist_comm()), which the
 * printers deep down (symbols, kernel strings, libtraceevent's %ps callback)
 * reach through here. Every entry point sets it for the event it prints.
 */
void print_begin(const struct pmt_trace *tr, const struct event_view *v)
{
	if (tr->events)
		tr->events->printing = v->buf;
}

const struct trace_buf *print_buf(const struct pmt_trace *tr)
{
	return tr->events ? tr->events->printing : NULL;
}

void event_print_body(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	const struct print_opts *o = v->opts;

	print_begin(tr, v);
	if (!e) {
		/* a previous boot's events without formats (a raw range image
		 * read without them) print their raw words by design, below */
		if (tr->events && !(v->buf && v->buf->previous_boot))
			print_warn_once(tr, "unknown type",
					"events of a type not in the dump's event list print "
					"as \"Unknown type N\", as the kernel would");
		trace_seq_printf(s, "Unknown type %d", v->type);
		/* a previous boot's event with no format to name it (a raw range
		 * image without formats): its fields as 32-bit words, after the
		 * common trace_entry header */
		if (v->buf && v->buf->previous_boot && v->len > 8) {
			trace_seq_puts(s, " raw:");
			for (uint32_t o = 8; o + 4 <= v->len; o += 4)
				trace_seq_printf(s, " %08x", (uint32_t)getu(tr, v->data + o, 4));
		}
		trace_seq_putc(s, '\n');
		return;
	}
	if (o && o->on[TI_FIELDS]) {
		print_event_fields(tr, v, s);
		return;
	}
	switch (e->kind) {
	case EV_SYSCALL_ENTER:
		print_syscall_enter(tr, v, s);
		return;
	case EV_SYSCALL_EXIT:
		print_syscall_exit(tr, v, s);
		return;
	case EV_GENERIC:
		print_generic(tr, v, s);
		return;
	default:
		print_ftrace_entry(tr, v, s, o ? print_symf(o) : SYMF_PARENT);
		return;
	}
}

/* print_trace_line() for every tracer that does not print lines itself. */
void event_print_line(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct print_opts *o = v->opts;
	const struct event_fmt *e = v->fmt;
	bool ctx = !o || o->on[TI_CONTEXT_INFO];

	print_begin(tr, v);

	if (o && e && o->on[TI_PRINTK] && o->on[TI_PRINTK_MSGONLY] &&
	    (e->kind == EV_BPUTS || e->kind == EV_BPRINT || e->kind == EV_PRINT)) {
		print_msg_only(tr, v, s);
		return;
	}
	if (o && o->on[TI_BIN]) {
		if (ctx) {
			/* SEQ_PUT_FIELD of pid, cpu (int) and ts (u64) */
			print_put_bin(tr, s, (uint32_t)v->pid, 4);
			print_put_bin(tr, s, (uint32_t)v->cpu, 4);
			print_put_bin(tr, s, v->ts, 8);
		}
		if (e)
			print_entry_bin(tr, v, s);
		return;
	}
	if (o && o->on[TI_HEX]) {
		if (ctx) {
			print_put_hex(s, (uint32_t)v->pid, 4);
			print_put_hex(s, (uint32_t)v->cpu, 4);
			print_put_hex(s, v->ts, 8);
		}
		if (e)
			print_entry_hex(tr, v, s);
		trace_seq_putc(s, '\n');
		return;
	}
	if (o && o->on[TI_RAW]) {
		if (ctx)
			trace_seq_printf(s, "%d %d %" PRIu64 " ", v->pid, v->cpu, v->ts);
		if (e)
			print_entry_raw(tr, v, s);
		else
			trace_seq_printf(s, "%d ?\n", v->type);
		return;
	}
	if (ctx) {
		if (o && o->on[TI_LATENCY_FMT])
			event_print_lat_context(tr, v, s);
		else
			event_print_context(tr, v, s);
	}
	event_print_body(tr, v, s);
}

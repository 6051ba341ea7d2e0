// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Printing one event the way the kernel's trace_print_context(),
 * trace_print_lat_fmt() and the per-type output functions do (see
 * event_print.h). Flag bits come from the dump's enum trace_flag_type, so
 * kernels that renumber them print correctly.
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

bool trace_has_migrate_column(const struct pmt_trace *tr)
{
	unsigned int major = 0, minor = 0;

	if (sscanf(tr->t->release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 5 || (major == 5 && minor >= 14);
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
	out[i++] = (v->preempt_count & 0xf) ? "0123456789abcdef"[v->preempt_count & 0xf] : '.';
	if (trace_has_migrate_column(tr))
		out[i++] = (v->preempt_count & 0xf0)
				   ? "0123456789abcdef"[(v->preempt_count >> 4) & 0xf]
				   : '.';
	out[i] = '\0';
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

void event_print_context(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s)
{
	char flags[8], ts[32];

	event_lat_flags(tr, v, flags);
	event_format_ts(v, ts, sizeof(ts));
	trace_seq_printf(s, "%16s-%-7d [%03d] %s %s: ", event_buf_comm(tr, v->buf, v->pid), v->pid,
			 v->cpu, flags, ts);
}

static const struct event_field *field(const struct event_fmt *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	return NULL;
}

/* An unsigned field value; false if the field is missing or out of range. */
static bool field_u(const struct pmt_trace *tr, const struct event_view *v, const char *name,
		    uint64_t *out)
{
	const struct event_field *f = field(v->fmt, name);

	if (!f || f->size == 0 || f->size > 8 || f->offset + f->size > v->len)
		return false;
	*out = getu(tr, v->data + f->offset, f->size);
	return true;
}

/* seq_print_ip_sym() without sym-offset/sym-addr: "0", the symbol, or hex.
 * A previous boot's address is looked up where the reading view has it
 * (persist_addr()); the hex form is the address as recorded. */
static void print_ip_sym(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s, uint64_t ip)
{
	const char *name;

	if (!ip) {
		trace_seq_putc(s, '0');
		return;
	}
	name = kallsyms_lookup(tr->ksyms, persist_addr(tr, v->buf, ip), NULL);
	if (name && *name)
		trace_seq_puts(s, name);
	else
		trace_seq_printf(s, "0x%08" PRIx64, ip);
}

static void print_inline_string(struct trace_seq *s, const struct event_view *v,
				const struct event_field *f)
{
	uint32_t end = v->len;

	if (!f || f->offset >= end)
		return;
	trace_seq_printf(s, "%.*s", (int)(end - f->offset), (const char *)v->data + f->offset);
}

static void print_syscall(const struct pmt_trace *tr, const struct event_view *v,
			  struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	uint64_t val;

	if (e->kind == EV_SYSCALL_EXIT) {
		if (!field_u(tr, v, "ret", &val))
			val = 0;
		trace_seq_printf(s, "%s -> 0x%" PRIx64 "\n", e->sc_name, val);
		return;
	}
	trace_seq_printf(s, "%s(", e->sc_name);
	for (int i = 0; i < e->sc_nb_args; i++) {
		if (!field_u(tr, v, e->sc_args[i], &val))
			val = 0;
		trace_seq_printf(s, "%s: %" PRIx64 "%s", e->sc_args[i], val,
				 i == e->sc_nb_args - 1 ? "" : ", ");
	}
	trace_seq_puts(s, ")\n");
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

void event_print_body(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	uint64_t ip = 0, parent = 0;

	if (!e) {
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
	switch (e->kind) {
	case EV_FUNCTION:
		field_u(tr, v, "ip", &ip);
		field_u(tr, v, "parent_ip", &parent);
		print_ip_sym(tr, v, s, ip);
		/* print-parent is on by default */
		if (parent) {
			trace_seq_puts(s, " <-");
			print_ip_sym(tr, v, s, parent);
		}
		trace_seq_putc(s, '\n');
		return;
	case EV_PRINT:
		field_u(tr, v, "ip", &ip);
		print_ip_sym(tr, v, s, ip);
		trace_seq_puts(s, ": ");
		print_inline_string(s, v, field(e, "buf"));
		return;
	case EV_BPUTS: {
		uint64_t str = 0;
		char *text = NULL;
		struct pmt_err *err;

		field_u(tr, v, "ip", &ip);
		field_u(tr, v, "str", &str);
		print_ip_sym(tr, v, s, ip);
		trace_seq_puts(s, ": ");
		/* a previous boot's string is where the reading view has it */
		err = pmt_read_string(tr->t, persist_addr(tr, v->buf, str), 4096, &text);
		if (err) {
			trace_seq_printf(s, "<string at %#" PRIx64 " not in dump>\n", str);
			pmt_err_free(err);
		} else {
			trace_seq_puts(s, text);
			free(text);
		}
		return;
	}
	case EV_SYSCALL_ENTER:
	case EV_SYSCALL_EXIT:
		print_syscall(tr, v, s);
		return;
	case EV_BPRINT:
	case EV_GENERIC:
		break;
	}
	trace_seq_printf(s, "%s: ", e->name);
	/* the lazily parsed libtraceevent event is a cache inside the trace */
	if (tr->events && event_db_tep(tr->events, (struct event_fmt *)e)) {
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
		tr->events->printing = v->buf;
		tep_print_event(tr->events->tep, s, &rec, "%s", TEP_PRINT_INFO);
		tr->events->printing = NULL;
		free(copy);
	} else {
		trace_seq_puts(s, "[FORMAT UNKNOWN]");
	}
	trace_seq_putc(s, '\n');
}

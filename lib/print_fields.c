// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The `fields` trace option (print_event_fields() in trace_output.c, 6.5+):
 * "name: f1=v1 f2=v2 ...", each field printed by its filter type as the
 * dump records it (struct ftrace_event_field.filter_type). Kernels with
 * trace_adjust_address() (7.x) print word-sized numbers as "%pS (%lld)" and
 * show non-printable dynamic strings as dots plus hex; older ones print hex
 * numbers and the raw string.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "print_internal.h"

static bool printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f;
}

static int ftype(const struct pmt_trace *tr, const struct event_field *f)
{
	const struct ftrace_layout *L = &tr->L;

	if (f->filter_type >= 0)
		return f->filter_type;
	/* filter_assign_type() */
	if (strstr(f->type, "__data_loc") && strstr(f->type, "char"))
		return (int)L->filter_dyn_string;
	if (strstr(f->type, "__rel_loc") && strstr(f->type, "char"))
		return (int)L->filter_rdyn_string;
	if (strchr(f->type, '[') && strstr(f->type, "char"))
		return (int)L->filter_static_string;
	if (!strcmp(f->type, "char *") || !strcmp(f->type, "const char *"))
		return (int)L->filter_ptr_string;
	return (int)L->filter_other;
}

/* print_array(): a __data_loc / __rel_loc array as "xx,xx,..." */
static void print_array(const struct event_view *v, uint32_t loc, uint32_t base,
			struct trace_seq *s)
{
	uint32_t off = (loc & 0xffff) + base, len = loc >> 16;

	if (off + len > v->len) {
		trace_seq_puts(s, "<OVERFLOW>");
		return;
	}
	for (uint32_t i = 0; i < len; i++) {
		if (i)
			trace_seq_putc(s, ',');
		trace_seq_printf(s, "%02x", v->data[off + i]);
	}
}

static void print_field(const struct pmt_trace *tr, const struct event_view *v,
			const struct event_field *f, struct trace_seq *s, bool newer)
{
	const struct ftrace_layout *L = &tr->L;
	const uint8_t *pos = v->data + f->offset;
	int t = ftype(tr, f);
	uint64_t val;

	if (t == L->filter_comm || t == L->filter_static_string) {
		trace_seq_printf(s, "%.*s", (int)strnlen((const char *)pos, f->size),
				 (const char *)pos);
	} else if (t == L->filter_dyn_string || t == L->filter_rdyn_string) {
		uint32_t loc = (uint32_t)pmt_get_uint(tr->t, pos, 4), off = loc & 0xffff,
			 len = loc >> 16;
		const uint8_t *str;
		uint32_t i;

		if (t == L->filter_rdyn_string)
			off += f->offset + 4;
		if (off + len > v->len) {
			trace_seq_puts(s, "<OVERFLOW>");
			return;
		}
		str = v->data + off;
		for (i = 0; newer && i < len; i++)
			if (str[i] && !printable(str[i]))
				break;
		if (newer && i < len) {
			for (i = 0; i < len; i++)
				trace_seq_putc(s, printable(str[i]) ? (char)str[i] : '.');
			trace_seq_puts(s, " (");
			for (i = 0; i < len; i++)
				trace_seq_printf(s, "%s%02x", i ? ":" : "", str[i]);
			trace_seq_putc(s, ')');
		} else {
			trace_seq_printf(s, "%.*s", (int)strnlen((const char *)str, len),
					 (const char *)str);
		}
	} else if (t == L->filter_ptr_string) {
		/* "(0x%px:%s)": %px of the field's own address in the kernel's
		 * iterator buffer, which the dump does not have */
		uint64_t p = pmt_get_uint(tr->t, pos, tr->t->word_size);
		char *text = NULL;
		/* strncpy_from_kernel_nofault() refuses user addresses (the
		 * lower half of a 64-bit address space) */
		bool kernel = tr->t->word_size != 8 || (p >> 63);
		struct pmt_err *err = kernel ? pmt_read_string(tr->t, p, 4096, &text)
					     : pmt_err_new(PMT_ERR_INVALID, "user address");

		if (err && newer)
			print_warn_once(
				tr, "fields %px",
				"option fields: string pointers print the string's address, "
				"not the kernel's buffer address");
		if (err) {
			/* before 7.x the kernel itself printed the pointer here; 7.x
			 * the field's address in its iterator buffer, which is gone */
			pmt_err_free(err);
			trace_seq_printf(s, "(0x%016" PRIx64 ")", p);
		} else {
			trace_seq_printf(s, "(0x%016" PRIx64 ":%s)", p, text);
		}
		free(text);
	} else if (t == L->filter_trace_fn) {
		print_ps(tr, s, pmt_get_uint(tr->t, pos, tr->t->word_size), true);
	} else if (t == L->filter_other || t == L->filter_cpu) {
		switch (f->size) {
		case 1:
			if (printable(pos[0]))
				trace_seq_printf(s, "'%c'", pos[0]);
			trace_seq_printf(s, "(%d)", pos[0]);
			break;
		case 2:
			val = pmt_get_uint(tr->t, pos, 2);
			trace_seq_printf(s, "0x%x (%d)", (unsigned int)val, (int)val);
			break;
		case 4:
			val = pmt_get_uint(tr->t, pos, 4);
			if (strstr(f->type, "__data_loc")) {
				print_array(v, (uint32_t)val, 0, s);
				break;
			}
			if (strstr(f->type, "__rel_loc")) {
				print_array(v, (uint32_t)val, f->offset + 4, s);
				break;
			}
			if (newer &&
			    (!strcmp(f->name, "caller_offs") || !strcmp(f->name, "parent_offs"))) {
				print_ps(tr, s, val + (L->sym_stext.ok ? L->sym_stext.addr : 0),
					 true);
				trace_seq_putc(s, ' ');
			}
			trace_seq_printf(s, "0x%x (%d)", (unsigned int)val, (int)(int32_t)val);
			break;
		case 8:
			val = pmt_get_uint(tr->t, pos, 8);
			if (newer && tr->t->word_size == 8) {
				print_ps(tr, s, val, true);
				trace_seq_printf(s, " (%" PRId64 ")", (int64_t)val);
			} else {
				trace_seq_printf(s, "0x%" PRIx64 " (%" PRId64 ")", val,
						 (int64_t)val);
			}
			break;
		default:
			trace_seq_puts(s, "<INVALID-SIZE>");
			break;
		}
	} else {
		trace_seq_puts(s, "<INVALID-TYPE>");
	}
}

void print_event_fields(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	bool newer = tr->L.sym_trace_adjust_address.ok;
	int64_t last = tr->L.trace_last_type;

	/* the kernel's own entries: their call is looked up in ftrace_events,
	 * but only up to the first event of a higher id */
	if (last >= 0 && v->type <= last && tr->events) {
		const struct event_db *db = tr->events;
		bool found = false;

		for (size_t i = 0; i < db->n; i++) {
			if (db->ev[i].id == v->type) {
				found = true;
				break;
			}
			if (db->ev[i].id > last)
				break;
		}
		if (!found) {
			trace_seq_printf(s, "UNKNOWN TYPE %d\n", v->type);
			return;
		}
	}
	trace_seq_printf(s, "%s:", e->name);
	if (!e->nfields) {
		trace_seq_puts(s, "No fields found\n");
		return;
	}
	for (size_t i = 0; i < e->nfields; i++) {
		const struct event_field *f = &e->fields[i];

		trace_seq_printf(s, " %s=", f->name);
		if (f->offset + f->size > v->len) {
			trace_seq_puts(s, "<OVERFLOW>");
			continue;
		}
		print_field(tr, v, f, s, newer);
	}
	trace_seq_putc(s, '\n');
}

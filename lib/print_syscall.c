// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The syscall events as kernel/trace/trace_syscalls.c prints them.
 *
 * Two printers, chosen by what the dump's kernel has:
 *
 *   - before 7.x (no syscall_metadata.user_mask): "sys_x(arg: %lx, ...)";
 *   - 7.x (user_mask present): print_syscall_enter() prints values below 10
 *     in decimal and others as 0x%lx, and after each argument whose
 *     user-space data the event recorded (bit i of user_mask) that data: a
 *     string as " \"...\"", a buffer (user_arg_size names the length
 *     argument) as " (hex:bytes[, ...])" followed by its printable form;
 *     sys_enter_openat has its own printer (decimal values, decoded flags,
 *     octal mode) unless the verbose option is set.
 *
 * The recorded data follows the arguments: one u32 per user argument,
 * (length << 16 | offset from the record's start), in argument order.
 * Everything is bounded by the record.
 */
#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "print_internal.h"

#define EXTRA "..."

static uint64_t arg_val(const struct pmt_trace *tr, const struct event_view *v, int i)
{
	uint64_t val = 0;

	ev_u(tr, v, v->fmt->sc_args[i], &val);
	return val;
}

/* Offset of the first argument in the record (syscall_trace_enter.args). */
static bool args_end(const struct pmt_trace *tr, const struct event_view *v, uint32_t *end)
{
	const struct event_fmt *e = v->fmt;
	const struct event_field *f;

	if (!e->sc_nb_args)
		return false;
	f = ev_field(e, e->sc_args[e->sc_nb_args - 1]);
	if (!f)
		return false;
	*end = f->offset + tr->t->word_size;
	return true;
}

/* get_dynamic_len_ptr(): the next user argument's data in the record. */
static const uint8_t *user_data(const struct pmt_trace *tr, const struct event_view *v, int *offset,
				int *len)
{
	uint32_t meta, loc, off;

	*len = 0;
	if (!args_end(tr, v, &meta))
		return NULL;
	meta += (uint32_t)*offset;
	*offset += 4;
	if (meta + 4 > v->len)
		return NULL;
	loc = (uint32_t)pmt_get_uint(tr->t, v->data + meta, 4);
	off = loc & 0xffff;
	*len = (int)(loc >> 16);
	if (off > v->len || (uint32_t)*len > v->len - off) {
		print_warn_once(tr, "syscall user data",
				"syscall event %s: user-space data beyond the record: printed "
				"as far as it goes",
				v->fmt->name);
		*len = off <= v->len ? (int)(v->len - off) : 0;
		if (off > v->len)
			return NULL;
	}
	return v->data + off;
}

static bool printable(uint8_t c)
{
	return c >= 0x20 && c < 0x7f; /* isascii() && isprint() */
}

/* " \"%.*s\"": a string stops at its NUL */
static void put_str(struct trace_seq *s, const uint8_t *p, int len)
{
	trace_seq_printf(s, " \"%.*s\"", (int)strnlen((const char *)p, (size_t)len),
			 (const char *)p);
}

/* sys_enter_openat_print() */
static void print_openat(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	uint64_t o_creat = 0, o_directory = 0, o_tmpfile;
	int offset = 0;
	bool done = false;

	for (size_t k = 0; k < e->sc_nflags; k++) {
		if (!strcmp(e->sc_flags[k].name, "O_CREAT"))
			o_creat = e->sc_flags[k].mask;
		else if (!strcmp(e->sc_flags[k].name, "O_DIRECTORY"))
			o_directory = e->sc_flags[k].mask;
	}
	/* O_TMPFILE (__O_TMPFILE | O_DIRECTORY) leads the kernel's table but
	 * is not in the print_fmt: __O_TMPFILE is 020000000 on x86 (asm-generic) */
	o_tmpfile = 020000000 | o_directory;
	trace_seq_printf(s, "%s(", e->sc_name);
	for (int i = 0; !done && i < e->sc_nb_args; i++) {
		uint64_t val = arg_val(tr, v, i);

		if (i)
			trace_seq_puts(s, ", ");
		if (i == 2) {
			/* int bits = args[2]; flags printed as unsigned long */
			int32_t bits = (int32_t)val;
			uint64_t flags = (uint64_t)(int64_t)bits;
			bool first = true;

			trace_seq_puts(s, "flags: ");
			if (!(bits & (int32_t)(o_creat | o_tmpfile)))
				done = true;
			if (!(bits & 3)) {
				if (!bits) {
					trace_seq_puts(s, "O_RDONLY");
					continue;
				}
				trace_seq_puts(s, "O_RDONLY|");
			}
			/* trace_print_flags_seq() with O_TMPFILE first */
			if (flags && (flags & o_tmpfile) == o_tmpfile) {
				trace_seq_puts(s, "O_TMPFILE");
				flags &= ~o_tmpfile;
				first = false;
			}
			for (size_t k = 0; k < e->sc_nflags && flags; k++) {
				uint64_t m = e->sc_flags[k].mask;

				if ((flags & m) != m)
					continue;
				flags &= ~m;
				if (!first)
					trace_seq_putc(s, '|');
				first = false;
				trace_seq_puts(s, e->sc_flags[k].name);
			}
			if (flags) {
				if (!first)
					trace_seq_putc(s, '|');
				trace_seq_printf(s, "0x%" PRIx64, flags);
			}
			continue;
		}
		if (i == 3) {
			trace_seq_printf(s, "%s: 0%03o", e->sc_args[i], (unsigned int)val);
			continue;
		}
		trace_seq_printf(s, "%s: %" PRIu64, e->sc_args[i], val);
		if (!(e->sc_user_mask & (1u << i)))
			continue;
		{
			int len;
			const uint8_t *p = user_data(tr, v, &offset, &len);

			if (p)
				put_str(s, p, len);
			else
				trace_seq_puts(s, " \"\"");
		}
	}
	trace_seq_puts(s, ")\n");
}

/* print_syscall_enter(), 7.x */
static void print_enter_user(const struct pmt_trace *tr, const struct event_view *v,
			     struct trace_seq *s, bool verbose)
{
	const struct event_fmt *e = v->fmt;
	int offset = 0;

	if (e->sc_openat && !verbose) {
		print_openat(tr, v, s);
		return;
	}
	trace_seq_printf(s, "%s(", e->sc_name);
	for (int i = 0; i < e->sc_nb_args; i++) {
		uint64_t val = arg_val(tr, v, i), size;
		const uint8_t *p;
		bool any = false;
		int len;

		if (i)
			trace_seq_puts(s, ", ");
		if (verbose && e->sc_types)
			trace_seq_printf(s, "%s ", e->sc_types[i] ? e->sc_types[i] : "");
		if (val < 10)
			trace_seq_printf(s, "%s: %" PRIu64, e->sc_args[i], val);
		else
			trace_seq_printf(s, "%s: 0x%" PRIx64, e->sc_args[i], val);
		if (!(e->sc_user_mask & (1u << i)))
			continue;
		p = user_data(tr, v, &offset, &len);
		if (!p)
			len = 0;
		if (e->sc_user_arg_size < 0 || e->sc_user_arg_is_str) {
			if (p)
				put_str(s, p, len);
			else
				trace_seq_puts(s, " \"\"");
			continue;
		}
		/* val = (int)args[user_arg_size]: the length the caller asked for */
		size = e->sc_user_arg_size < e->sc_nb_args
			       ? (uint64_t)(int64_t)(int32_t)arg_val(tr, v, e->sc_user_arg_size)
			       : 0;
		trace_seq_puts(s, " (");
		for (int x = 0; x < len; x++) {
			if (printable(p[x]))
				any = true;
			if (x)
				trace_seq_putc(s, ':');
			trace_seq_printf(s, "%02x", p[x]);
		}
		if ((int64_t)len < (int64_t)size)
			trace_seq_printf(s, ", %s", EXTRA);
		trace_seq_putc(s, ')');
		if (!any)
			continue;
		trace_seq_puts(s, " \"");
		for (int x = 0; x < len; x++)
			trace_seq_putc(s, printable(p[x]) ? (char)p[x] : '.');
		if ((int64_t)len < (int64_t)size)
			trace_seq_printf(s, "\"%s", EXTRA);
		else
			trace_seq_putc(s, '"');
	}
	trace_seq_puts(s, ")\n");
}

void print_syscall_enter(const struct pmt_trace *tr, const struct event_view *v,
			 struct trace_seq *s)
{
	const struct event_fmt *e = v->fmt;
	bool verbose = v->opts && v->opts->on[TI_VERBOSE];

	if (e->sc_has_user) {
		print_enter_user(tr, v, s, verbose);
		return;
	}
	trace_seq_printf(s, "%s(", e->sc_name);
	for (int i = 0; i < e->sc_nb_args; i++) {
		if (verbose && e->sc_types)
			trace_seq_printf(s, "%s ", e->sc_types[i] ? e->sc_types[i] : "");
		trace_seq_printf(s, "%s: %" PRIx64 "%s", e->sc_args[i], arg_val(tr, v, i),
				 i == e->sc_nb_args - 1 ? "" : ", ");
	}
	trace_seq_puts(s, ")\n");
}

void print_syscall_exit(const struct pmt_trace *tr, const struct event_view *v, struct trace_seq *s)
{
	trace_seq_printf(s, "%s -> 0x%" PRIx64 "\n", v->fmt->sc_name, ev_u0(tr, v, "ret"));
}

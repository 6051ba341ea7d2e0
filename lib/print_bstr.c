// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace_printk() output: bstr_printf() (lib/vsprintf.c) applied to a bprint
 * entry's format (a string in kernel or module memory, read from the dump)
 * and its binary arguments, which vbin_printf() packed at record time:
 *
 *   - int-sized and smaller arguments at their natural alignment, 8-byte
 *     ones at 4-byte alignment; '*' widths and precisions as ints;
 *   - %s strings copied inline, NUL-terminated;
 *   - pointer formats that dereference (%pI4, %pB, %pU, ...) already
 *     rendered to an inline string; %p, %pS, %ps, %px, %pK, %pe kept as
 *     values and rendered now.
 *
 * Numbers follow the kernel's number(), which differs from C's printf in
 * places ("%#x" of 0 is "0x0", precision 0 still prints "0"). Reads never
 * pass the end of the argument buffer: missing arguments print as 0.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "event_db.h"
#include "kallsyms.h"
#include "print_internal.h"
#include "ptr_hash.h"

/* printf_spec flags, as in lib/vsprintf.c */
#define ZEROPAD 1
#define SIGN	2
#define PLUS	4
#define SPACE	8
#define LEFT	16
#define SMALL	32
#define SPECIAL 64

struct spec {
	unsigned int flags;
	int field_width, precision, base;
};

struct args {
	const struct pmt_trace *tr;
	const uint8_t *p;
	size_t len, off;
};

static uint64_t get_arg(struct args *a, size_t size)
{
	uint64_t v;

	/* 8-byte values are aligned to u32 only */
	size_t align = size == 8 ? 4 : size;

	a->off = (a->off + align - 1) & ~(align - 1);
	if (a->off + size > a->len) {
		a->off = a->len;
		return 0;
	}
	v = pmt_get_uint(a->tr->t, a->p + a->off, size);
	a->off += size;
	return v;
}

/* An inline NUL-terminated string; "" past the end. */
static const char *get_str(struct args *a, size_t *len)
{
	const char *s = (const char *)a->p + a->off;

	if (a->off >= a->len) {
		*len = 0;
		return "";
	}
	*len = strnlen(s, a->len - a->off);
	a->off += *len + 1;
	if (a->off > a->len)
		a->off = a->len;
	return s;
}

/* number() */
static void number(struct trace_seq *s, uint64_t num, struct spec spec)
{
	static const char digits[] = "0123456789ABCDEF";
	char tmp[66], sign = 0;
	char locase = (spec.flags & SMALL) ? 0x20 : 0;
	bool need_pfx = (spec.flags & SPECIAL) && spec.base != 10;
	bool is_zero = num == 0;
	int field_width = spec.field_width, precision = spec.precision, i = 0;

	if (spec.flags & LEFT)
		spec.flags &= ~ZEROPAD;
	if (spec.flags & SIGN) {
		if ((int64_t)num < 0) {
			sign = '-';
			num = -(uint64_t)num;
			field_width--;
		} else if (spec.flags & PLUS) {
			sign = '+';
			field_width--;
		} else if (spec.flags & SPACE) {
			sign = ' ';
			field_width--;
		}
	}
	if (need_pfx) {
		if (spec.base == 16)
			field_width -= 2;
		else if (!is_zero)
			field_width--;
	}
	do {
		tmp[i++] = (char)(digits[num % (unsigned int)spec.base] | locase);
		num /= (unsigned int)spec.base;
	} while (num);
	if (i > precision)
		precision = i;
	field_width -= precision;
	if (!(spec.flags & (ZEROPAD | LEFT)))
		while (--field_width >= 0)
			trace_seq_putc(s, ' ');
	if (sign)
		trace_seq_putc(s, sign);
	if (need_pfx) {
		if (spec.base == 16 || !is_zero)
			trace_seq_putc(s, '0');
		if (spec.base == 16)
			trace_seq_putc(s, (char)('X' | locase));
	}
	if (!(spec.flags & LEFT)) {
		char c = (spec.flags & ZEROPAD) ? '0' : ' ';

		while (--field_width >= 0)
			trace_seq_putc(s, c);
	}
	while (i <= --precision)
		trace_seq_putc(s, '0');
	while (--i >= 0)
		trace_seq_putc(s, tmp[i]);
	while (--field_width >= 0)
		trace_seq_putc(s, ' ');
}

/* string(): precision cuts, width pads */
static void string(struct trace_seq *s, const char *str, size_t len, struct spec spec)
{
	int n = (int)len;

	if (spec.precision >= 0 && n > spec.precision)
		n = spec.precision;
	if (!(spec.flags & LEFT))
		for (int w = n; w < spec.field_width; w++)
			trace_seq_putc(s, ' ');
	trace_seq_printf(s, "%.*s", n, str);
	if (spec.flags & LEFT)
		for (int w = n; w < spec.field_width; w++)
			trace_seq_putc(s, ' ');
}

/* errname(): "-EINVAL" from lib/errname.c's tables in the dump, NULL if none */
static char *errname(const struct pmt_trace *tr, int64_t err)
{
	const struct ftrace_layout *L = &tr->L;
	uint64_t e = err < 0 ? (uint64_t)-err : (uint64_t)err, base, off = 0, size = 0, p;
	const struct fl_sym *tab;
	char *name = NULL;

	if (e < 512) {
		tab = &L->sym_errnames_0;
		base = 0;
	} else {
		tab = &L->sym_errnames_512;
		base = 512;
	}
	/* the array's length: up to the next symbol (kallsyms sizes) */
	if (!tab->ok || !kallsyms_lookup_size(tr->ksyms, tab->addr, &off, &size) || off ||
	    (e - base + 1) * tr->t->word_size > size)
		return NULL;
	if (!pmt_ok(pmt_read_ulong(tr->t, tab->addr + (e - base) * tr->t->word_size, &p)) || !p)
		return NULL;
	if (pmt_ok(pmt_read_string(tr->t, p, 32, &name)) && name[0] == '-' && name[1] == 'E') {
		if (err > 0)
			memmove(name, name + 1, strlen(name));
		return name;
	}
	free(name);
	return NULL;
}

/* pointer() for the formats bstr_printf() renders at print time */
static void pointer(const struct pmt_trace *tr, struct trace_seq *s, const char *f, uint64_t ptr,
		    struct spec spec)
{
	const struct event_db *db = tr->events;
	int ws = (int)tr->t->word_size;

	switch (*f) {
	case 'S':
	case 's':
		/* symbol_string(): %ps name, %pS name+off/size */
		print_ps(tr, s, ptr, *f == 'S');
		return;
	case 'K': {
		/* restricted_pointer(): kptr_restrict 0 hashes as %p; 1 shows the
		 * value to a reader with CAP_SYSLOG (tracefs readers are root); 2
		 * prints zeros */
		uint32_t kr = 0;

		if (tr->L.sym_kptr_restrict.ok)
			pmt_read_u32(tr->t, tr->L.sym_kptr_restrict.addr, &kr);
		if ((int32_t)kr == 0) {
			pointer(tr, s, "", ptr, spec);
			return;
		}
		if ((int32_t)kr != 1)
			ptr = 0;
	}
		/* fall through */
	case 'x':
		spec.base = 16;
		spec.flags |= SMALL;
		if (spec.field_width == -1) {
			spec.field_width = 2 * ws;
			spec.flags |= ZEROPAD;
		}
		number(s, ptr, spec);
		return;
	case 'e': {
		/* err_ptr(): the error's name, else its number */
		int64_t err = ws == 8 ? (int64_t)ptr : (int64_t)(int32_t)ptr;
		char *name = errname(tr, (int32_t)err);

		if (name) {
			string(s, name, strlen(name), spec);
			free(name);
			return;
		}
		spec.flags |= SIGN;
		spec.base = 10;
		number(s, (uint64_t)(int64_t)(int32_t)err, spec);
		return;
	}
	default:
		/* plain %p: ptr_to_id(), the 32-bit SipHash of the value */
		if (!db || !db->hash_ptrs) {
			spec.base = 16;
			spec.flags |= SMALL;
			if (spec.field_width == -1) {
				spec.field_width = 2 * ws;
				spec.flags |= ZEROPAD;
			}
			number(s, ptr, spec);
			return;
		}
		if (ptr && ptr < (ws == 8 ? (uint64_t)-4095 : 0xfffff001ULL))
			ptr = siphash_1u64(ptr, db->ptr_key[0], db->ptr_key[1]) & 0xffffffffULL;
		spec.base = 16;
		spec.flags |= SMALL;
		if (spec.field_width == -1) {
			spec.field_width = 2 * ws;
			spec.flags |= ZEROPAD;
		}
		number(s, ptr, spec);
		return;
	}
}

void print_bprintf(const struct pmt_trace *tr, struct trace_seq *s, const char *fmt,
		   const uint8_t *buf, size_t len)
{
	struct args a = { .tr = tr, .p = buf, .len = len };
	const char *f = fmt;

	while (*f) {
		struct spec spec = { .field_width = -1, .precision = -1, .base = 10 };
		size_t size = 4;
		int state;

		if (*f != '%') {
			const char *e = strchr(f, '%');
			size_t n = e ? (size_t)(e - f) : strlen(f);

			trace_seq_printf(s, "%.*s", (int)n, f);
			f += n;
			continue;
		}
		f++;
		for (;; f++) {
			if (*f == '-')
				spec.flags |= LEFT;
			else if (*f == '+')
				spec.flags |= PLUS;
			else if (*f == ' ')
				spec.flags |= SPACE;
			else if (*f == '#')
				spec.flags |= SPECIAL;
			else if (*f == '0')
				spec.flags |= ZEROPAD;
			else
				break;
		}
		if (isdigit((unsigned char)*f)) {
			spec.field_width = 0;
			while (isdigit((unsigned char)*f))
				spec.field_width = spec.field_width * 10 + (*f++ - '0');
		} else if (*f == '*') {
			spec.field_width = (int)(int32_t)get_arg(&a, 4);
			if (spec.field_width < 0) {
				spec.field_width = -spec.field_width;
				spec.flags |= LEFT;
			}
			f++;
		}
		if (*f == '.') {
			f++;
			if (isdigit((unsigned char)*f)) {
				spec.precision = 0;
				while (isdigit((unsigned char)*f))
					spec.precision = spec.precision * 10 + (*f++ - '0');
			} else if (*f == '*') {
				spec.precision = (int)(int32_t)get_arg(&a, 4);
				if (spec.precision < 0)
					spec.precision = 0;
				f++;
			}
			/* a bare '.' leaves the precision unset, as format_decode() does */
		}
		/* qualifiers: l ll L h hh H z t */
		if (*f == 'l' || *f == 'h') {
			size = *f == 'l' ? tr->t->word_size : 2;
			if (f[1] == f[0]) {
				size = *f == 'l' ? 8 : 1;
				f++;
			}
			f++;
		} else if (*f == 'L') {
			size = 8;
			f++;
		} else if (*f == 'H') {
			size = 1;
			f++;
		} else if (*f == 'z' || *f == 't') {
			size = tr->t->word_size;
			f++;
		}
		state = *f;
		switch (state) {
		case 'c': {
			char c = (char)get_arg(&a, 1);

			f++;
			if (!(spec.flags & LEFT))
				while (--spec.field_width > 0)
					trace_seq_putc(s, ' ');
			trace_seq_putc(s, c);
			while (--spec.field_width > 0)
				trace_seq_putc(s, ' ');
			continue;
		}
		case 's': {
			size_t n;
			const char *str = get_str(&a, &n);

			f++;
			string(s, str, n, spec);
			continue;
		}
		case 'p': {
			f++;
			if (strchr("Ssx"
				   "Ke",
				   *f) &&
			    *f) {
				pointer(tr, s, f, get_arg(&a, tr->t->word_size), spec);
			} else if (!isalnum((unsigned char)*f)) {
				pointer(tr, s, "", get_arg(&a, tr->t->word_size), spec);
			} else {
				/* rendered at record time */
				size_t n;
				const char *str = get_str(&a, &n);

				trace_seq_printf(s, "%.*s", (int)n, str);
			}
			while (isalnum((unsigned char)*f))
				f++;
			continue;
		}
		case '%':
			f++;
			trace_seq_putc(s, '%');
			continue;
		case 'o':
		case 'x':
		case 'X':
		case 'd':
		case 'i':
		case 'u': {
			uint64_t num;

			spec.base = state == 'o' ? 8 : (state == 'x' || state == 'X') ? 16 : 10;
			if (state == 'x')
				spec.flags |= SMALL;
			if (state == 'd' || state == 'i')
				spec.flags |= SIGN;
			f++;
			if (size > 4) {
				num = get_arg(&a, 8);
			} else {
				/* vbin_printf() packed char and short in their own
				 * size (save_arg(char), save_arg(short)) before the
				 * 2024 rewrite, as int since (ftrace_layout.h); then
				 * convert_num_spec(): truncate, sign-extend if signed */
				size_t packed = size < 4 && tr->L.bprint_small_own_size ? size : 4;
				uint32_t val = (uint32_t)get_arg(&a, packed);
				unsigned int shift = 32 - (unsigned int)size * 8;

				val <<= shift;
				num = (spec.flags & SIGN)
					      ? (uint64_t)(int64_t)((int32_t)val >> shift)
					      : (uint64_t)(val >> shift);
			}
			number(s, num, spec);
			continue;
		}
		default:
			/* FORMAT_STATE_INVALID: the kernel stops here */
			return;
		}
	}
}

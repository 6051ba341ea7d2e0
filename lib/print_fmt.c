// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * print_fmt rewriting (see print_fmt.h). print_fmt is
 *
 *	"format string", arg, arg, ...
 *
 * We split it into the format literal and the top-level arguments (commas
 * inside (), {}, [] and string literals do not split), walk the conversions
 * of the literal to know which argument each consumes, and rewrite. Anything
 * we do not understand is left as it was: the fallback is libtraceevent's
 * own reading, never a worse one.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "print_fmt.h"

#define MAX_ARGS 128

struct strbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *ns;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Skip a string or char literal starting at s[i] (a quote); returns the
 * index after it, or len if it does not end. */
static size_t skip_literal(const char *s, size_t i, size_t len)
{
	char q = s[i++];

	while (i < len && s[i] != q) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		i++;
	}
	return i < len ? i + 1 : len;
}

/* Split `s` (the part after the format literal) into top-level args. */
static size_t split_args(const char *s, size_t len, size_t starts[], size_t ends[])
{
	size_t n = 0, i = 0, start = 0;
	int depth = 0;

	while (i < len) {
		char c = s[i];

		if (c == '"' || c == '\'') {
			i = skip_literal(s, i, len);
			continue;
		}
		if (c == '(' || c == '{' || c == '[')
			depth++;
		else if ((c == ')' || c == '}' || c == ']') && depth > 0)
			depth--;
		else if (c == ',' && depth == 0) {
			if (n < MAX_ARGS) {
				starts[n] = start;
				ends[n] = i;
				n++;
			}
			start = i + 1;
		}
		i++;
	}
	if (n < MAX_ARGS && start < len) {
		starts[n] = start;
		ends[n] = len;
		n++;
	}
	return n;
}

/* Is [p, p+n) a bare "REC->name" (spaces allowed around)? Returns name. */
static char *bare_field(const char *p, size_t n)
{
	while (n && isspace((unsigned char)*p))
		p++, n--;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n <= 5 || strncmp(p, "REC->", 5))
		return NULL;
	for (size_t i = 5; i < n; i++)
		if (!isalnum((unsigned char)p[i]) && p[i] != '_')
			return NULL;
	return strndup(p + 5, n - 5);
}

/* --- constant folding of (number op number ...) groups --- */

struct cexpr {
	const char *p, *end;
	bool ok;
};

static void cx_space(struct cexpr *e)
{
	while (e->p < e->end && isspace((unsigned char)*e->p))
		e->p++;
}

static uint64_t cx_or(struct cexpr *e);

static uint64_t cx_primary(struct cexpr *e)
{
	uint64_t v;
	char *end;

	cx_space(e);
	if (e->p >= e->end) {
		e->ok = false;
		return 0;
	}
	if (*e->p == '(') {
		e->p++;
		v = cx_or(e);
		cx_space(e);
		if (e->p >= e->end || *e->p != ')')
			e->ok = false;
		else
			e->p++;
		return v;
	}
	if (*e->p == '~') {
		e->p++;
		return ~cx_primary(e);
	}
	if (!isdigit((unsigned char)*e->p)) {
		e->ok = false;
		return 0;
	}
	v = strtoull(e->p, &end, 0);
	if (end > e->end) {
		e->ok = false;
		return 0;
	}
	e->p = end;
	while (e->p < e->end && strchr("uUlL", *e->p))
		e->p++;
	return v;
}

static uint64_t cx_shift(struct cexpr *e)
{
	uint64_t v = cx_primary(e);

	for (;;) {
		cx_space(e);
		if (e->p + 1 < e->end && e->p[0] == '<' && e->p[1] == '<') {
			uint64_t r;

			e->p += 2;
			r = cx_primary(e);
			v = r < 64 ? v << r : 0;
		} else if (e->p + 1 < e->end && e->p[0] == '>' && e->p[1] == '>') {
			uint64_t r;

			e->p += 2;
			r = cx_primary(e);
			v = r < 64 ? v >> r : 0;
		} else {
			return v;
		}
	}
}

static uint64_t cx_and(struct cexpr *e)
{
	uint64_t v = cx_shift(e);

	for (;;) {
		cx_space(e);
		if (e->p < e->end && *e->p == '&' && (e->p + 1 >= e->end || e->p[1] != '&')) {
			e->p++;
			v &= cx_shift(e);
		} else {
			return v;
		}
	}
}

static uint64_t cx_or(struct cexpr *e)
{
	uint64_t v = cx_and(e);

	for (;;) {
		cx_space(e);
		if (e->p < e->end && *e->p == '|' && (e->p + 1 >= e->end || e->p[1] != '|')) {
			e->p++;
			v |= cx_and(e);
		} else {
			return v;
		}
	}
}

/*
 * Rewrite one argument: enum names -> values, then fold every innermost
 * parenthesised group made only of numbers and | & << >> ~.
 */
static char *rewrite_arg(const char *a, size_t n, print_fmt_enum_fn lookup, void *arg)
{
	struct strbuf b = { 0 };
	size_t i = 0;
	bool changed = true;
	char *s;

	while (i < n) {
		if (a[i] == '"' || a[i] == '\'') {
			size_t j = skip_literal(a, i, n);

			sb_add(&b, a + i, j - i);
			i = j;
			continue;
		}
		if ((isalpha((unsigned char)a[i]) || a[i] == '_') &&
		    (i == 0 || (!isalnum((unsigned char)a[i - 1]) && a[i - 1] != '_' &&
				a[i - 1] != '>' && a[i - 1] != '.'))) {
			size_t j = i;
			bool upper = true;
			int64_t v;

			while (j < n && (isalnum((unsigned char)a[j]) || a[j] == '_')) {
				if (islower((unsigned char)a[j]))
					upper = false;
				j++;
			}
			/* only constant-looking names, never function calls or REC */
			if (upper && j - i > 1 && (j >= n || a[j] != '(') &&
			    strncmp(a + i, "REC", j - i)) {
				char *name = strndup(a + i, j - i);

				if (name && lookup && lookup(arg, name, &v) == 0) {
					char num[32];

					snprintf(num, sizeof(num), "%" PRId64, v);
					sb_str(&b, num);
					free(name);
					i = j;
					continue;
				}
				free(name);
			}
			sb_add(&b, a + i, j - i);
			i = j;
			continue;
		}
		sb_add(&b, a + i, 1);
		i++;
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	s = b.s ? b.s : strdup("");
	/* fold innermost constant groups until nothing changes */
	while (s && changed) {
		changed = false;
		for (char *open = strchr(s, '('); open; open = strchr(open + 1, '(')) {
			char *close = open + 1;
			bool has_op = false, pure = true;

			while (*close && *close != ')' && *close != '(') {
				if (strchr("|&<>~", *close))
					has_op = true;
				else if (!isxdigit((unsigned char)*close) &&
					 !isspace((unsigned char)*close) &&
					 !strchr("xXuUlL", *close))
					pure = false;
				close++;
			}
			if (*close != ')' || !pure || !has_op)
				continue;
			struct cexpr e = { .p = open + 1, .end = close, .ok = true };
			uint64_t v = cx_or(&e);

			cx_space(&e);
			if (!e.ok || e.p != e.end)
				continue;
			char *ns;

			if (asprintf(&ns, "%.*s0x%" PRIx64 "%s", (int)(open - s), s, v, close + 1) <
			    0) {
				free(s);
				return NULL;
			}
			free(s);
			s = ns;
			changed = true;
			break;
		}
	}
	return s;
}

void print_fmt_result_free(struct print_fmt_result *r)
{
	free(r->fmt);
	for (size_t i = 0; i < r->nhash; i++)
		free(r->hash_fields[i]);
	free(r->hash_fields);
	memset(r, 0, sizeof(*r));
}

struct pmt_err *print_fmt_rewrite(const char *pf, unsigned int word_size, print_fmt_enum_fn lookup,
				  void *arg, struct print_fmt_result *out)
{
	size_t len = strlen(pf), lit_end, argi = 0, nargs;
	size_t starts[MAX_ARGS], ends[MAX_ARGS];
	bool hash_arg[MAX_ARGS] = { false };
	struct strbuf b = { 0 };
	const char *rest;
	char ptrfmt[16];

	memset(out, 0, sizeof(*out));
	snprintf(ptrfmt, sizeof(ptrfmt), "%%0%ullx", word_size * 2);
	if (len == 0 || pf[0] != '"')
		goto verbatim;
	lit_end = skip_literal(pf, 0, len);
	if (lit_end > len || pf[lit_end - 1] != '"')
		goto verbatim;
	rest = pf + lit_end;
	/* the rest must be empty or start with a comma */
	while (*rest && isspace((unsigned char)*rest))
		rest++;
	if (*rest && *rest != ',')
		goto verbatim;
	nargs = *rest ? split_args(rest + 1, strlen(rest + 1), starts, ends) : 0;

	/* the format literal: find conversions and the argument each uses */
	sb_add(&b, "\"", 1);
	for (size_t i = 1; i < lit_end - 1; i++) {
		size_t j;

		if (pf[i] != '%') {
			sb_add(&b, pf + i, 1);
			continue;
		}
		if (pf[i + 1] == '%') {
			sb_add(&b, "%%", 2);
			i++;
			continue;
		}
		j = i + 1;
		while (j < lit_end - 1 && strchr("-+ #0", pf[j]))
			j++;
		while (j < lit_end - 1 &&
		       (isdigit((unsigned char)pf[j]) || pf[j] == '*' || pf[j] == '.')) {
			if (pf[j] == '*')
				argi++;
			j++;
		}
		while (j < lit_end - 1 && strchr("hlLqjzt", pf[j]))
			j++;
		if (j < lit_end - 1 && pf[j] == 'p' && i + 1 == j &&
		    (j + 1 >= lit_end - 1 || !isalnum((unsigned char)pf[j + 1])) && argi < nargs &&
		    argi < MAX_ARGS) {
			/* plain %p: a hashed id, printed as fixed-width hex */
			char *name = bare_field(rest + 1 + starts[argi], ends[argi] - starts[argi]);

			if (name) {
				char **nh =
					realloc(out->hash_fields, (out->nhash + 1) * sizeof(*nh));

				if (!nh) {
					free(name);
					goto oom;
				}
				out->hash_fields = nh;
				out->hash_fields[out->nhash++] = name;
				hash_arg[argi] = true;
				sb_str(&b, ptrfmt);
				argi++;
				i = j;
				continue;
			}
		}
		sb_add(&b, pf + i, j + 1 - i);
		argi++;
		i = j;
	}
	sb_add(&b, "\"", 1);
	for (size_t k = 0; k < nargs; k++) {
		const char *a = rest + 1 + starts[k];
		size_t n = ends[k] - starts[k];
		char *ra;

		sb_add(&b, ",", 1);
		if (hash_arg[k]) {
			sb_add(&b, a, n);
			continue;
		}
		ra = rewrite_arg(a, n, lookup, arg);
		if (!ra)
			goto oom;
		sb_str(&b, ra);
		free(ra);
	}
	if (b.oom)
		goto oom;
	out->fmt = b.s;
	return NULL;
verbatim:
	free(b.s);
	out->fmt = strdup(pf);
	return out->fmt ? NULL : &pmt_err_nomem;
oom:
	free(b.s);
	print_fmt_result_free(out);
	return &pmt_err_nomem;
}

/*
 * trace_check_vprintf()'s first "%s" (see print_fmt.h): the conversion and
 * the argument it consumes are taken out. Conversions before it consume one
 * argument each, '*' one more.
 */
char *print_fmt_drop_first_s(const char *pf)
{
	size_t len = strlen(pf), lit_end, argi = 0, nargs;
	size_t starts[MAX_ARGS], ends[MAX_ARGS];
	const char *rest;
	struct strbuf b = { 0 };

	if (len == 0 || pf[0] != '"')
		return NULL;
	lit_end = skip_literal(pf, 0, len);
	if (lit_end > len || pf[lit_end - 1] != '"')
		return NULL;
	rest = pf + lit_end;
	while (*rest && isspace((unsigned char)*rest))
		rest++;
	if (*rest != ',')
		return NULL;
	nargs = split_args(rest + 1, strlen(rest + 1), starts, ends);
	for (size_t i = 1; i < lit_end - 1; i++) {
		size_t j = 1;
		bool star = false;

		if (pf[i] == '\\' && i + 1 < lit_end - 1) {
			i++;
			continue;
		}
		if (pf[i] != '%')
			continue;
		if (pf[i + 1] == '%') {
			i++;
			continue;
		}
		/* the kernel's own scan: digits, '.' and '*' up to an 's' */
		while (isdigit((unsigned char)pf[i + j]) || pf[i + j] == '.' || pf[i + j] == '*') {
			star |= pf[i + j] == '*';
			j++;
		}
		if (pf[i + j] == 's' && !star && argi < nargs) {
			sb_add(&b, pf, i);
			sb_add(&b, pf + i + j + 1, lit_end - (i + j + 1));
			for (size_t k = 0; k < nargs; k++) {
				if (k == argi)
					continue;
				sb_add(&b, ",", 1);
				sb_add(&b, rest + 1 + starts[k], ends[k] - starts[k]);
			}
			if (b.oom) {
				free(b.s);
				return NULL;
			}
			return b.s;
		}
		/* any other conversion: skip its flags, width, precision, length */
		j = 1;
		while (i + j < lit_end - 1 && strchr("-+ #0", pf[i + j]))
			j++;
		while (i + j < lit_end - 1 && (isdigit((unsigned char)pf[i + j]) ||
					       pf[i + j] == '*' || pf[i + j] == '.')) {
			if (pf[i + j] == '*')
				argi++;
			j++;
		}
		while (i + j < lit_end - 1 && strchr("hlLqjzt", pf[i + j]))
			j++;
		if (pf[i + j] == 's' || pf[i + j] == 'p') {
			/* "%-5s" is not the kernel's %s; %ps and friends take one arg */
			if (pf[i + j] == 'p')
				while (isalnum((unsigned char)pf[i + j + 1]))
					j++;
		}
		argi++;
		i += j;
	}
	free(b.s);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Parsers for gdb's ptype output.
 *
 * `ptype /o TYPE`: every member of a struct or union with
 * its offset and size, in one gdb command. Each gdb command costs crash
 * ~30-80 ms of expression parsing and symbol lookup, and asking member by
 * member took two or three of them per member (some 240 for a trace).
 *
 * The shape, as gdb 10.2 (crash 8) and 16.3 (crash 9) print it:
 *
 *	/<star> offset      |    size <star>/  type = struct trace_array {
 *	/<star>      0      |      16 <star>/    struct list_head {
 *	/<star>      0      |       8 <star>/        struct list_head *next;
 *	...                                          /<star> total size ... <star>/
 *	                                         } list;
 *	/<star>    516: 0   |       4 <star>/    unsigned int dl_throttled : 1;
 *	/<star>    168      |       4 <star>/    union {
 *	/<star>                     4 <star>/        unsigned int u_flags;
 *	                                         };
 *	/<star> XXX  4-byte hole      <star>/
 *	                                       }
 *
 * Invariants the parser relies on, each checked (a line that breaks one
 * fails the whole parse, and the caller asks member by member):
 *  - offsets are absolute from the outermost type, also inside nested
 *    structs; a member of a union has no offset column: it is the union's;
 *  - a bit field's offset column is "byte: bit" of its first bit;
 *  - a by-value struct or union member is expanded ("struct x {" ... "} m;",
 *    "union {" ... "};" when anonymous), a typedef'd one is not ("atomic_t
 *    refcount;"), nor a pointer;
 *  - one member per line (gdb does not wrap with crash's width); an empty
 *    struct's body is "<no data fields>".
 * gdb refuses /o for a type with a flexible array member ("ptype/o does
 * not work with dynamic types") and prints the plain ptype instead: no
 * offset columns, so no header with "offset": an error here.
 *
 * `ptype NAME` of an enumerator prints its enum on one line, each value
 * given only where it is not the previous one plus one (the first: 0):
 *	type = enum hrtimer_mode {HRTIMER_MODE_ABS, ..., HRTIMER_MODE_SOFT = 4,
 *	HRTIMER_MODE_HARD = 8, HRTIMER_MODE_ABS_PINNED = 2, HRTIMER_MODE_REL_PINNED}
 * (REL_PINNED is 3).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gdb_ptype.h"
#include "pmtrace/error.h"

#define MAX_DEPTH 64

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A decimal number at *s; false if there is none. */
static bool number(const char **s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)**s))
		return false;
	*v = strtoull(*s, &end, 10);
	*s = end;
	return true;
}

/* s[0..n) without surrounding blanks, as a new string. */
static char *trimmed(const char *s, size_t n)
{
	char *r;

	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

static bool ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* "unsigned int : 3" leaves "int" where a name would be */
static bool type_word(const char *s, size_t n)
{
	static const char *const words[] = { "char",   "short", "int",	"long",	    "unsigned",
					     "signed", "_Bool", "bool", "__int128", NULL };

	for (const char *const *w = words; *w; w++)
		if (strlen(*w) == n && !strncmp(s, *w, n))
			return true;
	return false;
}

static struct gdb_layout_member *add(struct gdb_layout *l, size_t *cap)
{
	if (l->n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct gdb_layout_member *m = realloc(l->m, ncap * sizeof(*m));

		if (!m)
			return NULL;
		l->m = m;
		*cap = ncap;
	}
	memset(&l->m[l->n], 0, sizeof(l->m[0]));
	return &l->m[l->n++];
}

/*
 * A member declaration without its ';': name and type apart, as `whatis`
 * would spell the type ("struct list_head *next" -> "struct list_head *",
 * "char comm[16]" -> "char [16]", "void (*func)(int)" -> "void (*)(int)").
 * A bit field's " : N" has gone already. False for an unnamed member.
 */
static bool split_decl(const char *d, char **name, char **type)
{
	const char *fp = strstr(d, "(*"), *ns, *ne;
	size_t len = strlen(d);

	*name = *type = NULL;
	if (fp) {
		ns = fp + 2;
		while (*ns == '*' || *ns == ' ')
			ns++;
		ne = ns;
		while (ident_char(*ne))
			ne++;
	} else {
		const char *br = strchr(d, '[');

		ne = br ? br : d + len;
		while (ne > d && ne[-1] == ' ')
			ne--;
		ns = ne;
		while (ns > d && ident_char(ns[-1]))
			ns--;
	}
	if (ns == ne || ns == d || isdigit((unsigned char)*ns) || type_word(ns, (size_t)(ne - ns)))
		return false;
	*name = trimmed(ns, (size_t)(ne - ns));
	if (fp) {
		size_t a = (size_t)(ns - d), b = len - (size_t)(ne - d);

		*type = malloc(a + b + 1);
		if (*type) {
			memcpy(*type, d, a);
			memcpy(*type + a, ne, b);
			(*type)[a + b] = '\0';
		}
	} else {
		char *head = trimmed(d, (size_t)(ns - d));
		const char *tail = skip_space(ne);

		if (head && *head && *tail) {
			*type = malloc(strlen(head) + strlen(tail) + 2);
			if (*type) /* as gdb: "char [16]", "struct x *[4]" */
				strcat(strcat(strcpy(*type, head),
					      head[strlen(head) - 1] == '*' ? "" : " "),
				       tail);
			free(head);
		} else {
			*type = head;
		}
	}
	if (!*name || !*type || !**type) {
		free(*name);
		free(*type);
		*name = *type = NULL;
		return false;
	}
	return true;
}

static struct pmt_err *bad_line(struct gdb_layout *l, size_t lineno, const char *why)
{
	gdb_layout_free(l);
	return pmt_err_new(PMT_ERR_FORMAT, "ptype /o line %zu: %s", lineno, why);
}

struct pmt_err *gdb_layout_parse(const char *text, struct gdb_layout **out)
{
	struct gdb_layout *l = calloc(1, sizeof(*l));
	int stack[MAX_DEPTH];
	int depth = -1; /* -1: before the header; 0: in the type itself */
	bool done = false;
	size_t cap = 0, lineno = 0;

	*out = NULL;
	if (!l)
		return &pmt_err_nomem;
	for (const char *line = text; *line && !done;) {
		size_t n = strcspn(line, "\n");
		char *ln = trimmed(line, n);
		const char *t;
		struct pmt_err *err = NULL;

		line += n + (line[n] == '\n');
		lineno++;
		if (!ln) {
			gdb_layout_free(l);
			return &pmt_err_nomem;
		}
		t = ln;
		if (depth < 0) {
			/* gdb's warnings may come first */
			const char *h = strstr(t, "type = ");

			if (strstr(t, "ptype/o does not work"))
				err = bad_line(l, lineno, "gdb disabled /o");
			else if (h && starts_with(t, "/*") && strstr(t, "offset")) {
				h += strlen("type = ");
				if ((!starts_with(h, "struct ") && !starts_with(h, "union ")) ||
				    h[strlen(h) - 1] != '{')
					err = bad_line(l, lineno, "not a struct or union");
				else
					depth = 0, stack[0] = -1;
			} else if (h) {
				err = bad_line(l, lineno, "no offsets");
			}
		} else if (!*t || starts_with(t, "/* total size") || starts_with(t, "/* XXX") ||
			   !strcmp(t, "<no data fields>")) {
			/* padding, holes, sizes and empty structs: no members */
		} else if (t[0] == '}') {
			const char *rest = skip_space(t + 1);

			if (depth == 0) {
				done = true;
			} else {
				struct gdb_layout_member *m = &l->m[stack[depth--]];
				size_t rn = strcspn(rest, ";");

				if (rest[rn] != ';' || rest[rn + 1])
					err = bad_line(l, lineno, "bad end of a nested type");
				else if (rn) {
					const char *br = memchr(rest, '[', rn);

					m->name = trimmed(rest, br ? (size_t)(br - rest) : rn);
					if (br) { /* an array of structs: not looked into */
						char *arr = malloc(strlen(m->type) + rn + 2);

						if (arr) {
							strcpy(arr, m->type);
							strcat(arr, " ");
							strncat(arr, br, rn - (size_t)(br - rest));
						}
						free(m->type);
						m->type = arr;
						m->body = false;
					}
					if (!m->name || !m->type)
						err = &pmt_err_nomem;
				}
			}
		} else if (starts_with(t, "/*")) {
			const char *p = skip_space(t + 2), *close;
			uint64_t a, bit = 0, size, off;
			bool has_off = false, has_bit = false;
			int parent = stack[depth];
			struct gdb_layout_member *m;

			if (!number(&p, &a)) {
				err = bad_line(l, lineno, "no offset or size");
				goto next;
			}
			p = skip_space(p);
			if (*p == ':') {
				p = skip_space(p + 1);
				has_bit = number(&p, &bit);
				p = skip_space(p);
			}
			if (*p == '|') {
				p = skip_space(p + 1);
				has_off = true;
				off = a;
				if (!number(&p, &size)) {
					err = bad_line(l, lineno, "no size");
					goto next;
				}
			} else {
				size = a; /* a union's member: the union's offset */
				off = parent >= 0 ? l->m[parent].offset : 0;
			}
			close = strstr(p, "*/");
			if (!close || (has_bit && !has_off) || bit > 7) {
				err = bad_line(l, lineno, "bad offset column");
				goto next;
			}
			p = skip_space(close + 2);
			m = add(l, &cap);
			if (!m) {
				err = &pmt_err_nomem;
				goto next;
			}
			m->offset = off;
			m->size = size;
			m->parent = parent;
			if (*p && p[strlen(p) - 1] == '{') {
				/* a nested struct or union, named at its closing line */
				char *sp = trimmed(p, strlen(p) - 1);

				if (!sp || depth + 1 >= MAX_DEPTH) {
					err = sp ? bad_line(l, lineno, "nested too deep")
						 : &pmt_err_nomem;
					free(sp);
					goto next;
				}
				if (!strcmp(sp, "struct") || !strcmp(sp, "union")) {
					m->type = malloc(strlen(sp) + 7);
					if (m->type)
						strcat(strcpy(m->type, sp), " {...}");
					free(sp);
				} else {
					m->type = sp;
				}
				m->body = true;
				stack[++depth] = (int)(l->n - 1);
				if (!m->type)
					err = &pmt_err_nomem;
			} else if (*p && p[strlen(p) - 1] == ';') {
				char *d = trimmed(p, strlen(p) - 1), *colon;

				if (!d) {
					err = &pmt_err_nomem;
					goto next;
				}
				/* a bit field: "unsigned int x : 3" */
				colon = strrchr(d, ':');
				if (colon && colon > d && colon[-1] == ' ') {
					const char *w = skip_space(colon + 1);
					uint64_t width;

					if (!number(&w, &width) || *w || !width || width > 64 ||
					    !has_bit) {
						free(d);
						err = bad_line(l, lineno, "bad bit field");
						goto next;
					}
					m->bit_size = (uint32_t)width;
					m->bit_offset = 8 * off + bit;
					*colon = '\0';
				} else if (has_bit) {
					free(d);
					err = bad_line(l, lineno, "bit position without a width");
					goto next;
				}
				if (!split_decl(d, &m->name, &m->type)) {
					/* unnamed: padding bits, or a struct gdb did not open */
					if (!m->bit_size)
						l->hidden = true;
					l->n--;
				}
				free(d);
			} else {
				err = bad_line(l, lineno, "not a member");
			}
		} else {
			err = bad_line(l, lineno, "unexpected text");
		}
	next:
		free(ln);
		if (err) {
			if (err == &pmt_err_nomem)
				gdb_layout_free(l);
			return err;
		}
	}
	if (!done) {
		gdb_layout_free(l);
		return pmt_err_new(PMT_ERR_FORMAT, "ptype /o: %s",
				   depth < 0 ? "no struct or union" : "the type does not end");
	}
	*out = l;
	return NULL;
}

void gdb_layout_free(struct gdb_layout *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->m[i].name);
		free(l->m[i].type);
	}
	free(l->m);
	free(l);
}

/* The struct or union a member's name is looked up in: its nearest named
 * ancestor (anonymous ones are transparent), -1 for the type itself. */
static int scope_of(const struct gdb_layout *l, size_t i)
{
	int p = l->m[i].parent;

	while (p >= 0 && !l->m[p].name)
		p = l->m[p].parent;
	return p;
}

enum gdb_layout_found gdb_layout_find(const struct gdb_layout *l, const char *path,
				      const struct gdb_layout_member **out)
{
	int scope = -1;

	*out = NULL;
	while (*path) {
		size_t len = strcspn(path, ".");
		int found = -1;

		for (size_t i = 0; i < l->n && found < 0; i++)
			if (l->m[i].name && strlen(l->m[i].name) == len &&
			    !strncmp(l->m[i].name, path, len) && scope_of(l, i) == scope)
				found = (int)i;
		if (found < 0)
			return l->hidden ? GDB_LAYOUT_UNKNOWN : GDB_LAYOUT_ABSENT;
		path += len;
		if (*path == '.') {
			path++;
			if (!l->m[found].body)
				return GDB_LAYOUT_UNKNOWN;
		}
		scope = found;
	}
	if (scope < 0)
		return GDB_LAYOUT_ABSENT;
	*out = &l->m[scope];
	return GDB_LAYOUT_FOUND;
}

struct pmt_err *gdb_enum_parse(const char *text,
			       void (*fn)(void *arg, const char *name, size_t len, int64_t value),
			       void *arg)
{
	const char *p = strstr(text, "type = "), *end;
	int64_t next = 0;

	if (!p)
		return pmt_err_new(PMT_ERR_FORMAT, "ptype: no type");
	p += strlen("type = ");
	if (starts_with(p, "const "))
		p += strlen("const ");
	if (!starts_with(p, "enum ") || !(p = strchr(p, '{')) || !(end = strchr(p, '}')) ||
	    memchr(p, '\n', (size_t)(end - p)))
		return pmt_err_new(PMT_ERR_FORMAT, "ptype: not an enum");
	/* check the whole body first: nothing is handed out from a bad one */
	for (int pass = 0; pass < 2; pass++) {
		const char *q = p + 1;

		next = 0;
		while (q < end) {
			const char *ns = skip_space(q), *ne = ns;
			int64_t v = next;

			while (ident_char(*ne))
				ne++;
			if (ne == ns || isdigit((unsigned char)*ns))
				return pmt_err_new(PMT_ERR_FORMAT, "ptype: bad enumerator");
			q = skip_space(ne);
			if (*q == '=') {
				char *e;

				q = skip_space(q + 1);
				errno = 0;
				v = strtoll(q, &e, 10);
				if (e == q || errno)
					return pmt_err_new(PMT_ERR_FORMAT,
							   "ptype: bad enumerator value");
				q = skip_space(e);
			}
			if (*q != ',' && q != end)
				return pmt_err_new(PMT_ERR_FORMAT, "ptype: bad enumerator list");
			if (pass)
				fn(arg, ns, (size_t)(ne - ns), v);
			next = v + 1;
			q += *q == ',';
		}
	}
	return NULL;
}

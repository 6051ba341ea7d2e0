// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Type questions for the crash target, answered from the DWARF crash has
 * already loaded into its embedded gdb (no second DWARF load).
 *
 * crash's own datatype_info() (STRUCT_SIZE, MEMBER_OFFSET, MEMBER_SIZE, ...)
 * answers "member M of struct S" one level deep: it cannot follow a dotted
 * path ("array_buffer.buffer"), gives no array length and no bit position.
 * gdb expressions on a null pointer answer all of it, with C's own lookup
 * rules (which look through anonymous structs and unions), and evaluate
 * nothing, so no memory is read:
 *
 *	whatis ((T *)0)->PATH                    declared type -> kind
 *	ptype  ((T *)0)->PATH                    (typedef names only) -> kind
 *	printf "%lu %lu %lu\n", (unsigned long)&E, sizeof(E), sizeof(E[0]) or sizeof(*E)
 *	                                         offset, size, element/pointee size
 *
 * So datatype_info() is used where it is enough (struct and union sizes) and
 * gdb for members; crash's fill_struct_member_data() tells integer members
 * that are bit fields and their bit position, which gdb's `&` does not.
 *
 * gdb output is captured with gdb_pass_through(cmd, file, GNU_RETURN_ON_ERROR)
 * into a scratch file that belongs to the target; a failed gdb command means
 * "no such type or member" (ABSENT). Every name is checked against a C
 * identifier alphabet before it is pasted into a gdb command.
 *
 * Each gdb command costs crash ~10-80 ms, so from the second member question
 * about a type on, members are answered from one `ptype /o TYPE` per type
 * (gdb_ptype.c): offsets, sizes and bit positions of every member at once
 * (the first question is asked on its own: a type asked once, like
 * task_struct for `comm`, would cost its whole nested layout); a typedef
 * name's kind and a pointee's size are one query per distinct name, cached.
 * A member that output cannot answer (a path through a typedef'd struct, a
 * typedef'd array or pointer, a type gdb prints no offsets for: flexible
 * arrays) is asked member by member as below. An enumerator's `ptype` prints
 * its whole enum, all of which is kept. Both ways give the same answers
 * (tests/crash-ext compares the profile written from gdb with DWARF's).
 *
 * The answers mirror the DWARF reader in extractor/dwarf_types.c: pointers
 * carry their pointee's size unless it is void, a function or incomplete;
 * bit fields carry bit_offset/bit_size and, as offset, the naturally aligned
 * unit of their type that holds them.
 */
#include "defs.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crash_types.h"
#include "gdb_ptype.h"

/* One type's `ptype /o`, parsed; l NULL when it cannot answer. */
struct layout_cache {
	struct layout_cache *next;
	struct gdb_layout *l;
	unsigned int asked; /* member questions about the type so far */
	char type[];
};

/* A cached answer about a type spelling (its kind, its size). */
struct spelling_answer {
	struct spelling_answer *next;
	int64_t value;
	char spelling[];
};

struct crash_types {
	FILE *scratch; /* gdb's output for the current query */
	char *text;    /* that output, NUL-terminated */
	size_t cap;
	struct layout_cache *layouts;
	struct spelling_answer *kinds;	   /* typedef name -> enum pmt_type_kind */
	struct spelling_answer *sizes;	   /* type -> sizeof, 0 when gdb cannot tell */
	struct spelling_answer *enums;	   /* enumerator -> value, from whole enums */
	struct spelling_answer *not_enums; /* names gdb knows no enumerator by */
	unsigned long queries;		   /* gdb commands run */
};

struct pmt_err *crash_types_new(struct crash_types **out)
{
	struct crash_types *ct = calloc(1, sizeof(*ct));

	*out = NULL;
	if (!ct)
		return &pmt_err_nomem;
	ct->scratch = tmpfile();
	if (!ct->scratch) {
		free(ct);
		return pmt_err_new(PMT_ERR_IO, "cannot create a scratch file: %s", strerror(errno));
	}
	*out = ct;
	return NULL;
}

static void free_answers(struct spelling_answer *a)
{
	while (a) {
		struct spelling_answer *next = a->next;

		free(a);
		a = next;
	}
}

void crash_types_free(struct crash_types *ct)
{
	if (!ct)
		return;
	fclose(ct->scratch);
	free(ct->text);
	while (ct->layouts) {
		struct layout_cache *next = ct->layouts->next;

		gdb_layout_free(ct->layouts->l);
		free(ct->layouts);
		ct->layouts = next;
	}
	free_answers(ct->kinds);
	free_answers(ct->sizes);
	free_answers(ct->enums);
	free_answers(ct->not_enums);
	free(ct);
}

/* A type spelling or member path we are willing to hand to gdb. */
static bool safe_name(const char *s, bool dots)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != ' ' && !(dots && *s == '.'))
			return false;
	return true;
}

/* Run one gdb command; on success ct->text holds its output. */
static bool gdb_query(struct crash_types *ct, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool gdb_query(struct crash_types *ct, const char *fmt, ...)
{
	char cmd[BUFSIZE];
	va_list ap;
	long len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return false;
	ct->queries++;
	rewind(ct->scratch);
	if (ftruncate(fileno(ct->scratch), 0))
		return false;
	if (!gdb_pass_through(cmd, ct->scratch, GNU_RETURN_ON_ERROR))
		return false;
	fflush(ct->scratch);
	len = ftell(ct->scratch);
	if (len < 0)
		return false;
	if ((size_t)len + 1 > ct->cap) {
		char *p = realloc(ct->text, (size_t)len + 1);

		if (!p)
			return false;
		ct->text = p;
		ct->cap = (size_t)len + 1;
	}
	rewind(ct->scratch);
	len = (long)fread(ct->text, 1, (size_t)len, ct->scratch);
	ct->text[len] = '\0';
	return true;
}

/* `print/d EXPR` -> value ("$7 = 72"). */
static bool gdb_number(struct crash_types *ct, int64_t *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool gdb_number(struct crash_types *ct, int64_t *v, const char *fmt, ...)
{
	char expr[BUFSIZE];
	char *line, *eq, *end;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(expr) || !gdb_query(ct, "print/d %s", expr))
		return false;
	/* The value line is the first starting with '$'; gdb may warn first. */
	for (line = ct->text; *line != '$'; line++) {
		line = strchr(line, '\n');
		if (!line)
			return false;
	}
	eq = strstr(line, " = ");
	if (!eq)
		return false;
	errno = 0;
	*v = strtoll(eq + 3, &end, 10);
	return errno == 0 && end != eq + 3 && (*end == '\n' || *end == '\0');
}

/* The text after "type = " on the first line, trimmed; "" if none. */
static void first_type_line(const char *text, char *out, size_t len)
{
	const char *p = strstr(text, "type = ");
	size_t n;

	out[0] = '\0';
	if (!p)
		return;
	p += strlen("type = ");
	n = strcspn(p, "\n");
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* The last non-empty line of text, trimmed. */
static void last_line(const char *text, char *out, size_t len)
{
	size_t n = strlen(text), start;

	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	start = n;
	while (start && text[start - 1] != '\n')
		start--;
	while (start < n && isspace((unsigned char)text[start]))
		start++;
	n -= start;
	if (n >= len)
		n = len - 1;
	memcpy(out, text + start, n);
	out[n] = '\0';
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "unsigned long", "const volatile _Bool", ... */
static bool integer_words(const char *decl)
{
	static const char *const words[] = { "unsigned", "signed",   "char",  "short",
					     "int",	 "long",     "_Bool", "bool",
					     "const",	 "volatile", NULL };
	bool any = false;

	while (*decl) {
		size_t n = strcspn(decl, " ");
		bool known = false;

		for (const char *const *w = words; *w; w++)
			if (strlen(*w) == n && !strncmp(decl, *w, n))
				known = true;
		if (!known)
			return false;
		if (strncmp(decl, "const", n) && strncmp(decl, "volatile", n))
			any = true;
		decl += n;
		while (*decl == ' ')
			decl++;
	}
	return any;
}

/* Kind of a one-line C type as gdb prints it; OTHER for typedef names. */
static enum pmt_type_kind kind_of_decl(const char *decl)
{
	size_t n = strlen(decl);

	if (!n)
		return PMT_KIND_OTHER;
	if (strstr(decl, "(*") || decl[n - 1] == '*')
		return PMT_KIND_POINTER;
	if (decl[n - 1] == ']')
		return PMT_KIND_ARRAY;
	if (decl[n - 1] == ')')
		return PMT_KIND_OTHER; /* a function */
	if (starts_with(decl, "struct ") || starts_with(decl, "union ") ||
	    starts_with(decl, "const struct ") || starts_with(decl, "const union "))
		return PMT_KIND_STRUCT;
	if (starts_with(decl, "enum ") || starts_with(decl, "const enum "))
		return PMT_KIND_INT;
	return integer_words(decl) ? PMT_KIND_INT : PMT_KIND_OTHER;
}

/*
 * Kind of the type of a gdb expression. `whatis` gives the declared type;
 * when that is a typedef name, `ptype` resolves it, printing a struct body
 * over several lines whose last line ("}", "} *", "} [4]") ends the type.
 * *decl gets the whatis text.
 */
static bool kind_of_expr(struct crash_types *ct, const char *expr, enum pmt_type_kind *kind,
			 char *decl, size_t len)
{
	char first[BUFSIZE], last[BUFSIZE];

	if (!gdb_query(ct, "whatis %s", expr))
		return false;
	first_type_line(ct->text, decl, len);
	*kind = kind_of_decl(decl);
	if (*kind != PMT_KIND_OTHER || !*decl)
		return true;
	if (!gdb_query(ct, "ptype %s", expr))
		return true;
	first_type_line(ct->text, first, sizeof(first));
	if (first[0] && first[strlen(first) - 1] == '{') {
		last_line(ct->text, last, sizeof(last));
		if (last[strlen(last) - 1] == '*')
			*kind = PMT_KIND_POINTER;
		else if (last[strlen(last) - 1] == ']')
			*kind = PMT_KIND_ARRAY;
		else if (starts_with(first, "enum") || starts_with(first, "const enum"))
			*kind = PMT_KIND_INT;
		else
			*kind = PMT_KIND_STRUCT;
	} else {
		*kind = kind_of_decl(first);
	}
	return true;
}

/* "struct foo" -> "foo"; NULL for anything that is not a named struct/union. */
static const char *struct_tag(const char *type)
{
	if (starts_with(type, "struct "))
		return type + strlen("struct ");
	if (starts_with(type, "union "))
		return type + strlen("union ");
	return NULL;
}

unsigned long crash_types_queries(const struct crash_types *ct)
{
	return ct->queries;
}

struct pmt_err *crash_type_size(struct crash_types *ct, const char *type, uint64_t *size)
{
	const char *tag = struct_tag(type);
	int64_t v;

	if (!safe_name(type, false))
		return pmt_err_new(PMT_ERR_INVALID, "bad type name '%s'", type);
	if (tag) {
		char buf[BUFSIZE];
		long n;

		snprintf(buf, sizeof(buf), "%s", tag);
		n = STRUCT_SIZE(buf);
		if (n < 0)
			return pmt_err_new(PMT_ERR_ABSENT, "no type %s", type);
		*size = (uint64_t)n;
		return NULL;
	}
	if (!gdb_number(ct, &v, "sizeof(%s)", type) || v < 0)
		return pmt_err_new(PMT_ERR_ABSENT, "no type %s", type);
	*size = (uint64_t)v;
	return NULL;
}

/*
 * Bit fields: gdb's `&` answers with the byte of the storage unit and
 * nothing says the member is a bit field, so integer members are put to
 * crash's fill_struct_member_data(), which reports the storage unit's byte
 * offset, the bit position inside it and the width (0: not a bit field).
 * It needs the member's immediate parent as a named struct or union: the
 * type itself for "m", the parent expression's type for "a.b.m".
 */
static struct pmt_err *bit_field(struct crash_types *ct, const char *type, const char *path,
				 struct pmt_member *out)
{
	char parent[BUFSIZE], pdecl[BUFSIZE], tag[BUFSIZE], leaf[BUFSIZE];
	const char *dot = strrchr(path, '.');
	struct struct_member_data smd;
	const char *t;
	int64_t base = 0;
	enum pmt_type_kind k;

	if (dot) {
		snprintf(parent, sizeof(parent), "((%s *)0)->%.*s", type, (int)(dot - path), path);
		if (!gdb_number(ct, &base, "(unsigned long)&%s", parent) ||
		    !kind_of_expr(ct, parent, &k, pdecl, sizeof(pdecl)))
			return NULL; /* cannot tell: leave it a plain integer */
		t = struct_tag(pdecl);
	} else {
		t = struct_tag(type);
	}
	if (!t || strchr(t, '{'))
		return NULL; /* anonymous parent: crash cannot name it */
	snprintf(tag, sizeof(tag), "%s", t);
	snprintf(leaf, sizeof(leaf), "%s", dot ? dot + 1 : path);
	memset(&smd, 0, sizeof(smd));
	smd.structure = tag;
	smd.member = leaf;
	if (!fill_struct_member_data(&smd) || smd.bitsize <= 0)
		return NULL;
	if (smd.bitsize > 64 || smd.offset < 0 || smd.bitpos < 0)
		return pmt_err_new(PMT_ERR_CORRUPT, "%s.%s: bit field of %ld bits at %ld:%ld", type,
				   path, smd.bitsize, smd.offset, smd.bitpos);
	out->bit_size = (uint32_t)smd.bitsize;
	out->bit_offset = 8 * ((uint64_t)base + (uint64_t)smd.offset) + (uint64_t)smd.bitpos;
	/* As extractor/dwarf_types.c: the aligned unit of the field's type
	 * that holds it, else the byte holding its first bit. */
	if (out->size && (out->bit_offset % (8 * out->size)) + out->bit_size <= 8 * out->size)
		out->offset = out->bit_offset / (8 * out->size) * out->size;
	else
		out->offset = out->bit_offset / 8;
	return NULL;
}

/* A pointer's declared type without its last character ('*') and the
 * blanks before it; false for a function (or array) pointer and for void,
 * whose pointee has no size. */
static bool pointee_spelling(const char *decl, char *out, size_t len)
{
	size_t n = strlen(decl);

	if (strstr(decl, "(*"))
		return false;
	snprintf(out, len, "%.*s", (int)(n ? n - 1 : 0), decl);
	while (*out && out[strlen(out) - 1] == ' ')
		out[strlen(out) - 1] = '\0';
	return strcmp(out, "void") && strcmp(out, "const void");
}

/* The pointee's kind from a pointer's declared type, without asking gdb
 * when the spelling says it ("struct x *", "char *", "void *"). */
static enum pmt_type_kind pointee_kind(struct crash_types *ct, const char *expr, const char *decl)
{
	char pointee[BUFSIZE + 8], pdecl[BUFSIZE];
	enum pmt_type_kind k;

	if (!pointee_spelling(decl, pdecl, sizeof(pdecl)))
		return PMT_KIND_OTHER;
	k = kind_of_decl(pdecl);
	if (k != PMT_KIND_OTHER)
		return k;
	snprintf(pointee, sizeof(pointee), "*(%s)", expr); /* a typedef name */
	if (!kind_of_expr(ct, pointee, &k, pdecl, sizeof(pdecl)))
		return PMT_KIND_OTHER;
	return k;
}

/* A spelling gdb printed, before it goes back into a gdb command. */
static bool safe_spelling(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != ' ' && *s != '*')
			return false;
	return true;
}

static struct spelling_answer *find_answer(struct spelling_answer *a, const char *spelling)
{
	for (; a; a = a->next)
		if (!strcmp(a->spelling, spelling))
			return a;
	return NULL;
}

/* Remember an answer (if memory allows: it is only a cache). */
static int64_t keep_answer(struct spelling_answer **list, const char *spelling, int64_t value)
{
	struct spelling_answer *a = malloc(sizeof(*a) + strlen(spelling) + 1);

	if (a) {
		a->value = value;
		strcpy(a->spelling, spelling);
		a->next = *list;
		*list = a;
	}
	return value;
}

/* The kind of a type gdb spelled as a typedef name ("u64", "atomic_t"). */
static enum pmt_type_kind typedef_kind(struct crash_types *ct, const char *name)
{
	struct spelling_answer *a = find_answer(ct->kinds, name);
	char decl[BUFSIZE];
	enum pmt_type_kind k;

	if (a)
		return (enum pmt_type_kind)a->value;
	if (!safe_name(name, false) || !kind_of_expr(ct, name, &k, decl, sizeof(decl)))
		k = PMT_KIND_OTHER;
	return (enum pmt_type_kind)keep_answer(&ct->kinds, name, k);
}

/* sizeof(spelling), 0 when gdb cannot tell (an incomplete struct). */
static uint64_t type_sizeof(struct crash_types *ct, const char *spelling)
{
	struct spelling_answer *a = find_answer(ct->sizes, spelling);
	int64_t v;

	if (a)
		return (uint64_t)a->value;
	if (!safe_spelling(spelling) || !gdb_number(ct, &v, "sizeof(%s)", spelling) || v < 0)
		v = 0;
	return (uint64_t)keep_answer(&ct->sizes, spelling, v);
}

/* A pointer's pointee size from its spelling ("struct x *" -> sizeof(struct
 * x)); 0 for void, functions and what gdb cannot size, as pointee_kind(). */
static uint64_t pointee_size(struct crash_types *ct, const char *decl)
{
	char pdecl[BUFSIZE];
	size_t n = strlen(decl);
	enum pmt_type_kind k;

	if (!n || decl[n - 1] != '*' || !pointee_spelling(decl, pdecl, sizeof(pdecl)) || !*pdecl)
		return 0;
	k = kind_of_decl(pdecl);
	if (k == PMT_KIND_OTHER)
		k = typedef_kind(ct, pdecl);
	return k == PMT_KIND_OTHER ? 0 : type_sizeof(ct, pdecl);
}

/*
 * A type's `ptype /o`, asked once, at the second member question about the
 * type: its cost follows the type's whole nested size (task_struct: ~1,000
 * lines, 3 s), so a type asked for one member (task_struct.comm) is cheaper
 * member by member (~0.1 s). NULL when it cannot answer members (yet).
 */
static const struct gdb_layout *layout_of(struct crash_types *ct, const char *type)
{
	struct layout_cache *c;
	struct pmt_err *err;

	for (c = ct->layouts; c; c = c->next)
		if (!strcmp(c->type, type))
			break;
	if (!c) {
		c = calloc(1, sizeof(*c) + strlen(type) + 1);
		if (!c)
			return NULL;
		strcpy(c->type, type);
		c->next = ct->layouts;
		ct->layouts = c;
	}
	if (++c->asked == 2 && gdb_query(ct, "ptype /o %s", type)) {
		err = gdb_layout_parse(ct->text, &c->l);
		pmt_err_free(err); /* the member-by-member questions answer instead */
	}
	return c->l;
}

/*
 * A member from its type's `ptype /o`. True when that answered (*err: NULL
 * or ABSENT), false when the member must be asked on its own.
 */
static bool member_from_layout(struct crash_types *ct, const char *type, const char *path,
			       struct pmt_member *out, struct pmt_err **err)
{
	const struct gdb_layout *l = layout_of(ct, type);
	const struct gdb_layout_member *m;
	enum pmt_type_kind kind;

	*err = NULL;
	if (!l)
		return false;
	switch (gdb_layout_find(l, path, &m)) {
	case GDB_LAYOUT_ABSENT:
		*err = pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
		return true;
	case GDB_LAYOUT_UNKNOWN:
		return false;
	case GDB_LAYOUT_FOUND:
		break;
	}
	kind = kind_of_decl(m->type);
	if (kind == PMT_KIND_OTHER) {
		kind = typedef_kind(ct, m->type);
		if (kind == PMT_KIND_ARRAY || kind == PMT_KIND_POINTER)
			return false; /* element or pointee size: ask the member */
	}
	memset(out, 0, sizeof(*out));
	out->kind = kind;
	out->offset = m->offset;
	out->size = m->size;
	if (kind == PMT_KIND_ARRAY) {
		const char *br = strchr(m->type, '[');
		uint64_t len = br ? strtoull(br + 1, NULL, 10) : 0;

		if (!len || m->size % len)
			return false; /* flexible, or not what it seems */
		out->array_len = len;
		out->elem_size = m->size / len;
	} else if (kind == PMT_KIND_POINTER) {
		out->elem_size = pointee_size(ct, m->type);
	} else if (kind == PMT_KIND_INT && m->bit_size) {
		out->bit_size = m->bit_size;
		out->bit_offset = m->bit_offset;
		/* as bit_field() */
		if (out->size &&
		    (out->bit_offset % (8 * out->size)) + out->bit_size <= 8 * out->size)
			out->offset = out->bit_offset / (8 * out->size) * out->size;
		else
			out->offset = out->bit_offset / 8;
	}
	return true;
}

/*
 * One member: from its type's `ptype /o` when that can tell; else `whatis`
 * for the kind, then a single gdb printf for every number (size, offset and
 * the element or pointee size).
 */
struct pmt_err *crash_member(struct crash_types *ct, const char *type, const char *path,
			     struct pmt_member *out)
{
	char expr[BUFSIZE], decl[BUFSIZE], third[BUFSIZE + 32];
	enum pmt_type_kind kind, pkind = PMT_KIND_OTHER;
	unsigned long size, off, elem = 0;
	struct pmt_err *lerr;
	int64_t v;
	int n;

	if (!safe_name(type, false) || !safe_name(path, true))
		return pmt_err_new(PMT_ERR_INVALID, "bad member '%s' of '%s'", path, type);
	if (member_from_layout(ct, type, path, out, &lerr))
		return lerr;
	snprintf(expr, sizeof(expr), "((%s *)0)->%s", type, path);
	memset(out, 0, sizeof(*out));

	if (!kind_of_expr(ct, expr, &kind, decl, sizeof(decl)))
		return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
	out->kind = kind;

	third[0] = '\0';
	if (kind == PMT_KIND_ARRAY) {
		snprintf(third, sizeof(third), ", sizeof((%s)[0])", expr);
	} else if (kind == PMT_KIND_POINTER) {
		pkind = pointee_kind(ct, expr, decl);
		if (pkind != PMT_KIND_OTHER)
			snprintf(third, sizeof(third), ", sizeof(*(%s))", expr);
	}
	n = 0;
	if (gdb_query(ct, "printf \"%%lu %%lu %%lu\\n\", (unsigned long)&%s, sizeof(%s)%s%s", expr,
		      expr, third[0] ? "" : ", 0UL", third))
		n = sscanf(ct->text, "%lu %lu %lu", &off, &size, &elem);
	if (n != 3) {
		/* Something in the batch failed (an incomplete pointee or a
		 * flexible array): ask one thing at a time. */
		if (!gdb_number(ct, &v, "(unsigned long)&%s", expr) || v < 0)
			return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
		off = (unsigned long)v;
		size = gdb_number(ct, &v, "sizeof(%s)", expr) && v > 0 ? (unsigned long)v : 0;
		elem = third[0] && gdb_number(ct, &v, "%s", third + 2) && v > 0 ? (unsigned long)v
										: 0;
	}
	out->offset = off;
	out->size = size;
	if (kind == PMT_KIND_ARRAY && elem) {
		out->elem_size = elem;
		out->array_len = size / elem;
	} else if (kind == PMT_KIND_POINTER) {
		out->elem_size = elem;
	} else if (kind == PMT_KIND_INT) {
		return bit_field(ct, type, path, out);
	}
	return NULL;
}

/* gdb_enum_parse()'s callback: each enumerator of the enum, first answer kept */
static void keep_enumerator(void *arg, const char *name, size_t len, int64_t value)
{
	struct crash_types *ct = arg;
	char buf[BUFSIZE];

	snprintf(buf, sizeof(buf), "%.*s", (int)len, name);
	if (!find_answer(ct->enums, buf))
		keep_answer(&ct->enums, buf, value);
}

/*
 * An enumerator: `ptype NAME` prints its whole enum, kept, so the enum's
 * other names (HRTIMER_MODE_*, TRACE_ITER_*, ... asked one by one by the
 * print formats) cost no more gdb commands. A name whose ptype is no enum
 * is put to crash's enumerator_value() as before.
 */
struct pmt_err *crash_enumerator(struct crash_types *ct, const char *name, int64_t *value)
{
	struct spelling_answer *a;
	char buf[BUFSIZE];
	long v;

	if (!safe_name(name, false) || strchr(name, ' '))
		return pmt_err_new(PMT_ERR_INVALID, "bad enumerator name '%s'", name);
	if (!(a = find_answer(ct->enums, name)) && !find_answer(ct->not_enums, name)) {
		if (!gdb_query(ct, "ptype %s", name)) {
			keep_answer(&ct->not_enums, name, 0); /* no symbol of that name */
		} else {
			pmt_err_free(gdb_enum_parse(ct->text, keep_enumerator, ct));
			a = find_answer(ct->enums, name);
			snprintf(buf, sizeof(buf), "%s", name);
			if (!a && (ct->queries++, enumerator_value(buf, &v))) {
				*value = v;
				keep_answer(&ct->enums, name, v);
				return NULL;
			}
			if (!a)
				keep_answer(&ct->not_enums, name, 0);
		}
	}
	if (!a)
		return pmt_err_new(PMT_ERR_ABSENT, "no enumerator %s", name);
	*value = a->value;
	return NULL;
}

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

struct crash_types {
	FILE *scratch; /* gdb's output for the current query */
	char *text;    /* that output, NUL-terminated */
	size_t cap;
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

void crash_types_free(struct crash_types *ct)
{
	if (!ct)
		return;
	fclose(ct->scratch);
	free(ct->text);
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

/* The pointee's kind from a pointer's declared type, without asking gdb
 * when the spelling says it ("struct x *", "char *", "void *"). */
static enum pmt_type_kind pointee_kind(struct crash_types *ct, const char *expr, const char *decl)
{
	char pointee[BUFSIZE + 8], pdecl[BUFSIZE];
	size_t n = strlen(decl);
	enum pmt_type_kind k;

	if (strstr(decl, "(*"))
		return PMT_KIND_OTHER; /* a function (or array) pointer */
	snprintf(pdecl, sizeof(pdecl), "%.*s", (int)(n ? n - 1 : 0), decl);
	while (*pdecl && pdecl[strlen(pdecl) - 1] == ' ')
		pdecl[strlen(pdecl) - 1] = '\0';
	if (!strcmp(pdecl, "void") || !strcmp(pdecl, "const void"))
		return PMT_KIND_OTHER;
	k = kind_of_decl(pdecl);
	if (k != PMT_KIND_OTHER)
		return k;
	snprintf(pointee, sizeof(pointee), "*(%s)", expr); /* a typedef name */
	if (!kind_of_expr(ct, pointee, &k, pdecl, sizeof(pdecl)))
		return PMT_KIND_OTHER;
	return k;
}

/*
 * One member: `whatis` for the kind, then a single gdb printf for every
 * number (size, offset and the element or pointee size), since each gdb
 * command costs ~30 ms of expression parsing and lookup in crash.
 */
struct pmt_err *crash_member(struct crash_types *ct, const char *type, const char *path,
			     struct pmt_member *out)
{
	char expr[BUFSIZE], decl[BUFSIZE], third[BUFSIZE + 32];
	enum pmt_type_kind kind, pkind = PMT_KIND_OTHER;
	unsigned long size, off, elem = 0;
	int64_t v;
	int n;

	if (!safe_name(type, false) || !safe_name(path, true))
		return pmt_err_new(PMT_ERR_INVALID, "bad member '%s' of '%s'", path, type);
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

struct pmt_err *crash_enumerator(struct crash_types *ct, const char *name, int64_t *value)
{
	char buf[BUFSIZE];
	long v;

	if (!safe_name(name, false))
		return pmt_err_new(PMT_ERR_INVALID, "bad enumerator name '%s'", name);
	snprintf(buf, sizeof(buf), "%s", name);
	if (!enumerator_value(buf, &v))
		return pmt_err_new(PMT_ERR_ABSENT, "no enumerator %s", name);
	*value = v;
	return NULL;
}

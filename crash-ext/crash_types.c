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
 *	print/d (unsigned long)&((T *)0)->PATH   offset (fails for bit fields)
 *	print/d sizeof(((T *)0)->PATH)           size
 *	whatis ((T *)0)->PATH                    declared type -> kind
 *	ptype  ((T *)0)->PATH                    typedefs resolved -> kind
 *	print/d sizeof((((T *)0)->PATH)[0])      array element size
 *	whatis/sizeof *(((T *)0)->PATH)          pointee kind and size
 *
 * So datatype_info() is used where it is enough (struct and union sizes) and
 * gdb for members; crash's fill_struct_member_data() gives bit fields their
 * bit position, since gdb cannot take the address of one.
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
 * A bit field: gdb cannot take its address, so ask crash for its bit
 * position inside its immediate parent (a named struct or union) and add the
 * parent's offset.
 */
static struct pmt_err *bit_field(struct crash_types *ct, const char *type, const char *path,
				 struct pmt_member *out)
{
	char parent[BUFSIZE], ptype[BUFSIZE], leaf[BUFSIZE];
	const char *dot = strrchr(path, '.');
	struct struct_member_data smd;
	const char *tag;
	int64_t base = 0;
	enum pmt_type_kind k;

	if (dot) {
		snprintf(parent, sizeof(parent), "((%s *)0)->%.*s", type, (int)(dot - path), path);
		if (!gdb_number(ct, &base, "(unsigned long)&%s", parent) ||
		    !kind_of_expr(ct, parent, &k, ptype, sizeof(ptype)))
			return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
		tag = struct_tag(ptype);
	} else {
		tag = struct_tag(type);
	}
	snprintf(leaf, sizeof(leaf), "%s", dot ? dot + 1 : path);
	if (!tag || strchr(tag, '{'))
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "%s.%s: bit field in an anonymous or typedef'd parent", type,
				   path);
	snprintf(ptype, sizeof(ptype), "%s", tag);
	memset(&smd, 0, sizeof(smd));
	smd.structure = ptype;
	smd.member = leaf;
	if (!fill_struct_member_data(&smd) || smd.bitsize <= 0)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "%s.%s: crash cannot place this member",
				   type, path);
	out->bit_size = (uint32_t)smd.bitsize;
	out->bit_offset = 8 * (uint64_t)base + (uint64_t)smd.bitpos;
	if (out->size && (out->bit_offset % (8 * out->size)) + out->bit_size <= 8 * out->size)
		out->offset = out->bit_offset / (8 * out->size) * out->size;
	else
		out->offset = out->bit_offset / 8;
	return NULL;
}

struct pmt_err *crash_member(struct crash_types *ct, const char *type, const char *path,
			     struct pmt_member *out)
{
	char expr[BUFSIZE], decl[BUFSIZE], pointee[BUFSIZE + 8], pdecl[BUFSIZE];
	enum pmt_type_kind kind, pkind;
	int64_t off, size, elem;

	if (!safe_name(type, false) || !safe_name(path, true))
		return pmt_err_new(PMT_ERR_INVALID, "bad member '%s' of '%s'", path, type);
	snprintf(expr, sizeof(expr), "((%s *)0)->%s", type, path);
	memset(out, 0, sizeof(*out));

	if (!kind_of_expr(ct, expr, &kind, decl, sizeof(decl)))
		return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
	if (!gdb_number(ct, &size, "sizeof(%s)", expr) || size < 0)
		size = 0; /* flexible or incomplete */
	out->kind = kind;
	out->size = (uint64_t)size;

	if (kind == PMT_KIND_ARRAY) {
		if (gdb_number(ct, &elem, "sizeof((%s)[0])", expr) && elem > 0) {
			out->elem_size = (uint64_t)elem;
			out->array_len = out->size / out->elem_size;
		}
	} else if (kind == PMT_KIND_POINTER) {
		snprintf(pointee, sizeof(pointee), "*(%s)", expr);
		if (kind_of_expr(ct, pointee, &pkind, pdecl, sizeof(pdecl)) &&
		    pkind != PMT_KIND_OTHER && gdb_number(ct, &elem, "sizeof(%s)", pointee) &&
		    elem > 0)
			out->elem_size = (uint64_t)elem;
	}

	if (gdb_number(ct, &off, "(unsigned long)&%s", expr) && off >= 0) {
		out->offset = (uint64_t)off;
		return NULL;
	}
	return bit_field(ct, type, path, out);
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

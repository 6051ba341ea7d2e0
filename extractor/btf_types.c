// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel types from BTF (see btf_types.h for the target it builds).
 *
 * What a Debian kernel's BTF holds (6.1: 4.1 MB, 95k types; 7.2: 5.2 MB,
 * 118k types): every struct, union, enum, typedef and base type of vmlinux,
 * deduplicated across compilation units, plus functions and per-CPU
 * variables (no addresses: those come from kallsyms). The walkers ask ~200
 * questions, so one pass over the types builds a hash index of the names
 * that can be asked about ("struct x", "union x", "enum x", typedef and base
 * type names, enumerators); every answer is then a few lookups.
 *
 * Matching the DWARF target answer for answer (dwarf_types.c), the rules
 * that are not obvious from BTF:
 *   - a type name that BTF defines more than once (dedup keeps different
 *     shapes apart) is answered only if all definitions have the same
 *     layout (size, member names and offsets), else it is ambiguous: ABSENT
 *     with the reason. Forward declarations (BTF_KIND_FWD, enums without
 *     enumerators) lose to definitions and are "only declared" alone;
 *   - member offsets are bits in BTF; a bit field's offset is the naturally
 *     aligned unit of its type that holds it, its bit offset counted from the
 *     start of the outermost type (DW_AT_data_bit_offset numbering). Both
 *     encodings are read: kind_flag members (bit-field size in the top 8
 *     bits of the offset) and the older INT-encoded bit fields;
 *   - an enumerator's signedness: kind_flag on ENUM/ENUM64 (pahole 1.24+,
 *     so Linux 6.0+ builds) says signed; a blob with no kind_flag anywhere
 *     comes from an older pahole and its 32-bit values are read signed, as
 *     the BTF format then defined them.
 *
 * Untrusted input: btf_check_blob() validates the blob completely before
 * libbpf parses it (libbpf 1.1 checks the header layout, the string
 * section's terminators and record sizes, but not type ids, string offsets
 * or bit-field widths); answering follows type chains at most 64 hops, 8
 * levels of anonymous members and 16 path components.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/btf.h>

#include "btf_types.h"

#define MAX_TYPE_CHAIN 64 /* typedef/cv hops before we call it a loop */
#define MAX_ANON_DEPTH 8  /* nested anonymous struct/union levels */
#define MAX_PATH_PARTS 16 /* components in a dotted member path */
#define MAX_BLOB_BYTES (256u << 20)
#define MAX_TYPES      (16u << 20)
#define BTF_KIND_LAST  19 /* BTF_KIND_ENUM64: the newest kind we know */

/* libbpf would print its own warnings on stderr; ours carry the context. */
static void quiet_libbpf(void)
{
	static bool done;

	if (!done) {
		libbpf_set_print(NULL);
		done = true;
	}
}

/* ---- validating a blob ---- */

struct blob {
	const uint8_t *p;
	size_t size;
	bool swap;
};

static uint32_t get32(const struct blob *b, size_t off)
{
	uint32_t v;

	memcpy(&v, b->p + off, 4);
	return b->swap ? __builtin_bswap32(v) : v;
}

/* Bytes that follow the 12-byte struct btf_type of a kind with vlen items. */
static bool kind_extra(unsigned int kind, uint32_t vlen, size_t *extra)
{
	switch (kind) {
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case BTF_KIND_TYPE_TAG:
		*extra = 0;
		return true;
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		*extra = 4;
		return true;
	case BTF_KIND_ARRAY:
		*extra = 12;
		return true;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
	case BTF_KIND_DATASEC:
	case BTF_KIND_ENUM64:
		*extra = 12 * (size_t)vlen;
		return true;
	case BTF_KIND_ENUM:
	case BTF_KIND_FUNC_PROTO:
		*extra = 8 * (size_t)vlen;
		return true;
	default:
		return false;
	}
}

struct checker {
	const struct blob *b;
	size_t types_at;   /* blob offset of the type section */
	uint32_t first_id; /* id of the first type in this blob */
	uint32_t ntotal;   /* ids below this are valid (base + this blob) */
	uint32_t nstr;	   /* string offsets below this are valid (base + this) */
};

static struct pmt_err *bad(size_t off, uint32_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static struct pmt_err *bad(size_t off, uint32_t id, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (id)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF type [%" PRIu32 "] at byte %zu: %s", id,
				   off, msg);
	return pmt_err_new(PMT_ERR_CORRUPT, "BTF at byte %zu: %s", off, msg);
}

static struct pmt_err *check_name(const struct checker *c, size_t off, uint32_t id,
				  uint32_t name_off)
{
	if (name_off >= c->nstr)
		return bad(off, id,
			   "name offset %" PRIu32 " past the string section (%" PRIu32 " bytes)",
			   name_off, c->nstr);
	return NULL;
}

static struct pmt_err *check_ref(const struct checker *c, size_t off, uint32_t id, uint32_t ref,
				 const char *what)
{
	if (ref >= c->ntotal)
		return bad(off, id, "%s refers to type %" PRIu32 ", beyond the last type %" PRIu32,
			   what, ref, c->ntotal - 1);
	return NULL;
}

/* One type record at blob offset `off` (the whole record is in bounds). */
static struct pmt_err *check_type(const struct checker *c, size_t off, uint32_t id)
{
	const struct blob *b = c->b;
	uint32_t name_off = get32(b, off), info = get32(b, off + 4), sz = get32(b, off + 8);
	unsigned int kind = (info >> 24) & 0x1f;
	uint32_t vlen = info & 0xffff;
	bool kflag = info >> 31;
	size_t x = off + 12;
	struct pmt_err *err;

	if (info & 0x60ff0000u)
		return bad(off, id, "unused info bits set (%#" PRIx32 ")", info);
	err = check_name(c, off, id, name_off);
	if (err)
		return err;
	switch (kind) {
	case BTF_KIND_INT: {
		uint32_t enc = get32(b, x), bits = enc & 0xff, boff = (enc >> 16) & 0xff;
		uint32_t e = (enc >> 24) & 0xf;

		if (vlen || kflag || (enc & 0xf000ff00u))
			return bad(off, id, "malformed INT");
		if (sz != 1 && sz != 2 && sz != 4 && sz != 8 && sz != 16)
			return bad(off, id, "INT of %" PRIu32 " bytes", sz);
		if (!bits || bits > 128 || boff + bits > 8 * sz)
			return bad(off, id,
				   "INT of %" PRIu32 " bits at bit %" PRIu32 " in %" PRIu32
				   " bytes",
				   bits, boff, sz);
		if (e & (e - 1))
			return bad(off, id, "INT with several encodings (%#" PRIx32 ")", e);
		return NULL;
	}
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		if (vlen && kind != BTF_KIND_FUNC)
			return bad(off, id, "vlen %" PRIu32 " on a kind without members", vlen);
		if (sz == (uint32_t)id && kind != BTF_KIND_VAR && kind != BTF_KIND_FUNC &&
		    kind != BTF_KIND_DECL_TAG)
			return bad(off, id, "refers to itself");
		return check_ref(c, off, id, sz, "type");
	case BTF_KIND_FWD:
		if (vlen)
			return bad(off, id, "malformed FWD");
		return NULL;
	case BTF_KIND_FLOAT:
		if (vlen || (sz != 2 && sz != 4 && sz != 8 && sz != 12 && sz != 16))
			return bad(off, id, "FLOAT of %" PRIu32 " bytes", sz);
		return NULL;
	case BTF_KIND_ARRAY:
		if (vlen || kflag)
			return bad(off, id, "malformed ARRAY");
		err = check_ref(c, off, id, get32(b, x), "array element");
		if (!err)
			err = check_ref(c, off, id, get32(b, x + 4), "array index");
		if (!err && get32(b, x) == id)
			err = bad(off, id, "array of itself");
		return err;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (uint32_t i = 0; i < vlen; i++, x += 12) {
			uint32_t moff = get32(b, x + 8);
			uint32_t bitsz = kflag ? moff >> 24 : 0,
				 bitoff = kflag ? moff & 0xffffff : moff;

			err = check_name(c, x, id, get32(b, x));
			if (!err)
				err = check_ref(c, x, id, get32(b, x + 4), "member");
			if (err)
				return err;
			if (bitsz > 128)
				return bad(x, id,
					   "member %" PRIu32 ": bit field of %" PRIu32 " bits", i,
					   bitsz);
			/* a flexible array member may start right at the end */
			if ((uint64_t)bitoff + bitsz > 8ull * sz)
				return bad(x, id,
					   "member %" PRIu32 " at bit %" PRIu32
					   " is outside the %" PRIu32 "-byte type",
					   i, bitoff, sz);
		}
		return NULL;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		if (sz != 1 && sz != 2 && sz != 4 && sz != 8)
			return bad(off, id, "enum of %" PRIu32 " bytes", sz);
		for (uint32_t i = 0; i < vlen; i++) {
			size_t e = x + (kind == BTF_KIND_ENUM ? 8 : 12) * (size_t)i;

			err = check_name(c, e, id, get32(b, e));
			if (err)
				return err;
		}
		return NULL;
	case BTF_KIND_FUNC_PROTO:
		if (kflag || name_off)
			return bad(off, id, "malformed FUNC_PROTO");
		err = check_ref(c, off, id, sz, "return type");
		for (uint32_t i = 0; !err && i < vlen; i++, x += 8) {
			err = check_name(c, x, id, get32(b, x));
			if (!err)
				err = check_ref(c, x, id, get32(b, x + 4), "parameter");
		}
		return err;
	case BTF_KIND_DATASEC:
		for (uint32_t i = 0; i < vlen; i++, x += 12) {
			err = check_ref(c, x, id, get32(b, x), "section variable");
			if (err)
				return err;
		}
		return NULL;
	}
	return pmt_err_new(PMT_ERR_UNSUPPORTED, "BTF type [%" PRIu32 "]: unknown kind %u", id,
			   kind);
}

struct pmt_err *btf_check_blob(const void *data, size_t size, uint32_t base_types,
			       uint32_t base_str_len, uint32_t *ntypes)
{
	struct blob b = { .p = data, .size = size };
	uint32_t hdr_len, type_off, type_len, str_off, str_len, n = 0, start;
	uint16_t magic;
	struct checker c;
	size_t pos, end;

	if (ntypes)
		*ntypes = 0;
	if (!data || size < 24)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF of %zu bytes: shorter than its header",
				   size);
	if (size > MAX_BLOB_BYTES)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF of %zu bytes: implausibly large", size);
	memcpy(&magic, data, 2);
	if (magic == __builtin_bswap16(BTF_MAGIC))
		b.swap = true;
	else if (magic != BTF_MAGIC)
		return pmt_err_new(PMT_ERR_CORRUPT, "no BTF magic (0x%04x, not 0x%04x)", magic,
				   BTF_MAGIC);
	if (b.p[2] != BTF_VERSION)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "BTF version %u (this pmtrace reads %u)",
				   b.p[2], BTF_VERSION);
	if (b.p[3])
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "BTF header flags %#x", b.p[3]);
	hdr_len = get32(&b, 4);
	type_off = get32(&b, 8);
	type_len = get32(&b, 12);
	str_off = get32(&b, 16);
	str_len = get32(&b, 20);
	/* libbpf swaps only a 24-byte header; longer native ones must hold zeros
	 * past what we know (as the kernel requires) */
	if (hdr_len < 24 || hdr_len > size || (b.swap && hdr_len != 24))
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF header length %" PRIu32 " in %zu bytes",
				   hdr_len, size);
	for (size_t i = 24; i < hdr_len; i++)
		if (b.p[i])
			return pmt_err_new(
				PMT_ERR_UNSUPPORTED,
				"BTF header of %" PRIu32 " bytes with unknown fields set", hdr_len);
	if (type_off % 4 || (uint64_t)type_off + type_len > str_off ||
	    (uint64_t)str_off + str_len > size - hdr_len)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "BTF sections do not fit: types at %" PRIu32 "+%" PRIu32
				   ", strings at %" PRIu32 "+%" PRIu32
				   " in %zu bytes after a %" PRIu32 "-byte header",
				   type_off, type_len, str_off, str_len, size - hdr_len, hdr_len);
	/* the string section: NUL first (vmlinux) and last */
	if (!base_types && (!str_len || b.p[hdr_len + str_off]))
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF string section does not start with NUL");
	if (str_len && b.p[hdr_len + str_off + str_len - 1])
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "BTF string section does not end with NUL (truncated?)");
	if ((uint64_t)base_str_len + str_len > 0x7fffffffu)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF strings too large");

	start = base_types ? base_types : 1;
	c = (struct checker){ .b = &b,
			      .types_at = hdr_len + type_off,
			      .first_id = start,
			      .nstr = base_str_len + str_len };
	/* first pass: record bounds and the number of types */
	pos = c.types_at;
	end = pos + type_len;
	while (pos < end) {
		uint32_t info, kind;
		size_t extra;

		if (end - pos < 12)
			return bad(pos, start + n, "type section ends inside a type record");
		info = get32(&b, pos + 4);
		kind = (info >> 24) & 0x1f;
		if (kind == 0 || !kind_extra(kind, info & 0xffff, &extra))
			return pmt_err_new(PMT_ERR_UNSUPPORTED,
					   "BTF type [%" PRIu32
					   "] at byte %zu: unknown kind %" PRIu32
					   " (newer than kind %d, this pmtrace's last)",
					   start + n, pos, kind, BTF_KIND_LAST);
		if (end - pos - 12 < extra)
			return bad(pos, start + n, "record of %zu bytes runs past the type section",
				   12 + extra);
		pos += 12 + extra;
		if (++n > MAX_TYPES)
			return pmt_err_new(PMT_ERR_CORRUPT, "more than %u BTF types", MAX_TYPES);
	}
	c.ntotal = start + n;
	/* second pass: every reference and name */
	pos = c.types_at;
	for (uint32_t id = start; id < c.ntotal; id++) {
		uint32_t info = get32(&b, pos + 4);
		size_t extra = 0;
		struct pmt_err *err = check_type(&c, pos, id);

		if (err)
			return err;
		kind_extra((info >> 24) & 0x1f, info & 0xffff, &extra);
		pos += 12 + extra;
	}
	if (ntypes)
		*ntypes = n;
	return NULL;
}

/* ---- the name index ---- */

enum ns {
	NS_STRUCT = 1,
	NS_UNION,
	NS_ENUM,
	NS_PLAIN, /* typedefs and base types */
	NS_ENUMERATOR,
};

enum {
	ENT_DECL = 1,	   /* only forward declarations seen so far */
	ENT_AMBIGUOUS = 2, /* several definitions of different layouts / values */
};

struct ent {
	const char *name; /* inside the BTF's string data (lives as long as it) */
	uint32_t id;	  /* type id (NS_ENUMERATOR: the enum that defines it) */
	uint32_t id2;	  /* a conflicting definition, for messages */
	uint8_t ns, flags;
	int64_t value; /* enumerators */
};

struct index {
	struct ent *e;
	size_t cap, n;
};

static uint64_t name_hash(const char *s, unsigned int ns)
{
	uint64_t h = 0xcbf29ce484222325ull ^ ns;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct ent *ix_slot(const struct index *ix, const char *name, unsigned int ns)
{
	size_t i = name_hash(name, ns) & (ix->cap - 1);

	while (ix->e[i].name && (ix->e[i].ns != ns || strcmp(ix->e[i].name, name)))
		i = (i + 1) & (ix->cap - 1);
	return &ix->e[i];
}

static struct ent *ix_get(const struct index *ix, const char *name, unsigned int ns)
{
	struct ent *e;

	if (!ix->cap)
		return NULL;
	e = ix_slot(ix, name, ns);
	return e->name ? e : NULL;
}

/* The slot for (name, ns), created empty (e->name NULL until set) if new. */
static struct pmt_err *ix_put(struct index *ix, const char *name, unsigned int ns, struct ent **out)
{
	if (2 * (ix->n + 1) > ix->cap) {
		struct index old = *ix;

		ix->cap = old.cap ? 2 * old.cap : 4096;
		ix->e = calloc(ix->cap, sizeof(*ix->e));
		if (!ix->e) {
			*ix = old;
			return &pmt_err_nomem;
		}
		for (size_t i = 0; i < old.cap; i++)
			if (old.e[i].name)
				*ix_slot(ix, old.e[i].name, old.e[i].ns) = old.e[i];
		free(old.e);
	}
	*out = ix_slot(ix, name, ns);
	if (!(*out)->name)
		ix->n++;
	return NULL;
}

/* ---- the target's state ---- */

struct module_btf {
	char name[64];
	struct btf *btf;
	size_t bytes;
};

struct bt {
	struct btf *btf; /* vmlinux */
	size_t bytes;
	uint32_t str_len; /* its string section: module string offsets start here */
	uint32_t ntypes;
	bool signedness_known; /* some enum carries kind_flag: the encoder knows signedness */
	struct index types, enums;
	bool indexed;

	struct module_btf *mods;
	size_t nmods, refused, mod_bytes;
	struct index mod_enums;
	btf_module_loader loader;
	void *loader_arg;
	void (*free_loader_arg)(void *arg);
	bool loader_ran;

	struct pmt_target *syms;
	bool scoped; /* inside pmt_scope(func): an event's print format */
	char *notes;
	size_t notes_len;
};

static struct bt *bt_of(struct pmt_target *t)
{
	return t->priv;
}

void btf_types_note(struct pmt_target *t, const char *fmt, ...)
{
	struct bt *bt = bt_of(t);
	char line[512];
	va_list ap;
	size_t len;
	char *n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	len = strlen(line);
	if (bt->notes_len > 64 * 1024)
		return;
	n = realloc(bt->notes, bt->notes_len + len + 2);
	if (!n)
		return;
	bt->notes = n;
	memcpy(n + bt->notes_len, line, len);
	bt->notes_len += len;
	n[bt->notes_len++] = '\n';
	n[bt->notes_len] = '\0';
}

static bool is_transparent(unsigned int kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_CONST || kind == BTF_KIND_VOLATILE ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

/* Same layout: what a member question could see is identical. */
static bool same_layout(const struct btf *btf, const struct btf_type *a, const struct btf_type *b)
{
	const struct btf_member *ma, *mb;

	if (btf_kind(a) != btf_kind(b) || a->size != b->size || btf_vlen(a) != btf_vlen(b) ||
	    btf_kflag(a) != btf_kflag(b))
		return false;
	if (!btf_is_composite(a))
		return true;
	ma = btf_members(a);
	mb = btf_members(b);
	for (unsigned int i = 0; i < btf_vlen(a); i++) {
		const char *na = btf__name_by_offset(btf, ma[i].name_off);
		const char *nb = btf__name_by_offset(btf, mb[i].name_off);

		if (ma[i].offset != mb[i].offset || !na || !nb || strcmp(na, nb))
			return false;
	}
	return true;
}

static int64_t enum_value(const struct bt *bt, const struct btf_type *t, unsigned int i)
{
	if (btf_is_enum64(t)) {
		uint64_t v = btf_enum64_value(btf_enum64(t) + i);

		return (int64_t)v; /* unsigned 64-bit values keep their bits */
	}
	if (!bt->signedness_known || btf_kflag(t))
		return (int64_t)(int32_t)btf_enum(t)[i].val;
	return (int64_t)(uint32_t)btf_enum(t)[i].val;
}

static struct pmt_err *index_enumerators(struct bt *bt, struct index *ix, const struct btf *btf,
					 const struct btf_type *t, uint32_t id)
{
	for (unsigned int i = 0; i < btf_vlen(t); i++) {
		uint32_t noff =
			btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
		const char *name = btf__name_by_offset(btf, noff);
		int64_t v = enum_value(bt, t, i);
		struct pmt_err *err;
		struct ent *e;

		if (!name || !*name)
			continue;
		err = ix_put(ix, name, NS_ENUMERATOR, &e);
		if (err)
			return err;
		if (!e->name) {
			*e = (struct ent){
				.name = name, .id = id, .ns = NS_ENUMERATOR, .value = v
			};
		} else if (e->value != v && !(e->flags & ENT_AMBIGUOUS)) {
			e->flags |= ENT_AMBIGUOUS;
			e->id2 = id;
		}
	}
	return NULL;
}

static struct pmt_err *index_type(struct bt *bt, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(bt->btf, id);
	unsigned int kind = btf_kind(t), ns;
	const char *name = btf__name_by_offset(bt->btf, t->name_off);
	bool decl = false;
	struct pmt_err *err;
	struct ent *e;

	switch (kind) {
	case BTF_KIND_STRUCT:
		ns = NS_STRUCT;
		break;
	case BTF_KIND_UNION:
		ns = NS_UNION;
		break;
	case BTF_KIND_FWD:
		ns = btf_kflag(t) ? NS_UNION : NS_STRUCT;
		decl = true;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		err = index_enumerators(bt, &bt->enums, bt->btf, t, id);
		if (err)
			return err;
		ns = NS_ENUM;
		decl = btf_vlen(t) == 0; /* a forward-declared enum */
		break;
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_INT:
	case BTF_KIND_FLOAT:
		ns = NS_PLAIN;
		break;
	default:
		return NULL;
	}
	if (!name || !*name)
		return NULL;
	err = ix_put(&bt->types, name, ns, &e);
	if (err)
		return err;
	if (!e->name) {
		*e = (struct ent){ .name = name, .id = id, .ns = ns, .flags = decl ? ENT_DECL : 0 };
	} else if (decl) {
		/* a definition (or another declaration) is already there */
	} else if (e->flags & ENT_DECL) {
		e->id = id;
		e->flags &= ~ENT_DECL;
	} else if (!(e->flags & ENT_AMBIGUOUS) &&
		   !same_layout(bt->btf, btf__type_by_id(bt->btf, e->id), t)) {
		e->flags |= ENT_AMBIGUOUS;
		e->id2 = id;
	}
	return NULL;
}

static struct pmt_err *build_index(struct bt *bt)
{
	uint32_t cnt = btf__type_cnt(bt->btf);
	struct pmt_err *err;

	if (bt->indexed)
		return NULL;
	for (uint32_t id = 1; id < cnt; id++) {
		const struct btf_type *t = btf__type_by_id(bt->btf, id);

		if ((btf_is_enum(t) && btf_kflag(t)) || btf_is_enum64(t)) {
			bt->signedness_known = true;
			break;
		}
	}
	for (uint32_t id = 1; id < cnt; id++) {
		err = index_type(bt, id);
		if (err)
			return err;
	}
	bt->indexed = true;
	if (getenv("PMTRACE_DEBUG_BTF"))
		fprintf(stderr, "pmtrace: BTF: index: %zu type names, %zu enumerators\n",
			bt->types.n, bt->enums.n);
	return NULL;
}

/* ---- resolving types ---- */

struct type_info {
	enum pmt_type_kind kind;
	uint64_t size, array_len, elem_size;
	uint32_t id; /* after stripping typedefs and qualifiers */
	bool is_decl;
};

static struct pmt_err *resolve_type(const struct bt *bt, uint32_t id, bool want_pointee,
				    struct type_info *ti, int depth)
{
	const struct btf_type *t = NULL;
	int hops;

	memset(ti, 0, sizeof(*ti));
	if (depth > MAX_TYPE_CHAIN)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF: types nested too deep at [%" PRIu32 "]",
				   id);
	for (hops = 0; hops < MAX_TYPE_CHAIN; hops++) {
		if (id == 0) { /* void */
			ti->kind = PMT_KIND_OTHER;
			return NULL;
		}
		t = btf__type_by_id(bt->btf, id);
		if (!t)
			return pmt_err_new(PMT_ERR_CORRUPT, "BTF: no type [%" PRIu32 "]", id);
		if (!is_transparent(btf_kind(t)))
			break;
		id = t->type;
	}
	if (hops == MAX_TYPE_CHAIN)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF: type chain too long at [%" PRIu32 "]",
				   id);
	ti->id = id;
	switch (btf_kind(t)) {
	case BTF_KIND_INT:
		ti->kind = PMT_KIND_INT;
		ti->size = t->size;
		break;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		ti->kind = PMT_KIND_INT;
		ti->size = t->size;
		ti->is_decl = btf_vlen(t) == 0;
		break;
	case BTF_KIND_FLOAT:
		ti->kind = PMT_KIND_OTHER;
		ti->size = t->size;
		break;
	case BTF_KIND_PTR:
		ti->kind = PMT_KIND_POINTER;
		ti->size = btf__pointer_size(bt->btf);
		if (!ti->size)
			ti->size = 8;
		if (want_pointee) {
			struct type_info pt;
			struct pmt_err *err = resolve_type(bt, t->type, false, &pt, depth + 1);

			if (err)
				pmt_err_free(err); /* as DWARF: pointee size unknown */
			else if (!pt.is_decl && pt.kind != PMT_KIND_OTHER)
				ti->elem_size = pt.size;
		}
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		ti->kind = PMT_KIND_STRUCT;
		ti->size = t->size;
		break;
	case BTF_KIND_FWD:
		ti->kind = PMT_KIND_STRUCT;
		ti->is_decl = true;
		break;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = btf_array(t);
		struct type_info elem;
		struct pmt_err *err = resolve_type(bt, a->type, false, &elem, depth + 1);

		if (err)
			return err;
		ti->kind = PMT_KIND_ARRAY;
		ti->array_len = a->nelems;
		ti->elem_size = elem.size;
		if (__builtin_mul_overflow(ti->elem_size, ti->array_len, &ti->size))
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "BTF: array [%" PRIu32 "] size overflows", id);
		break;
	}
	default: /* FUNC_PROTO and the like */
		ti->kind = PMT_KIND_OTHER;
		break;
	}
	return NULL;
}

/* A member's bit offset in its struct and bit-field width (0: not one). */
static void member_bits(const struct bt *bt, const struct btf_type *s, unsigned int i,
			uint64_t *bitoff, uint32_t *bits)
{
	const struct btf_member *m = btf_members(s) + i;

	*bitoff = btf_member_bit_offset(s, i);
	*bits = btf_member_bitfield_size(s, i);
	if (!btf_kflag(s)) {
		/* the older encoding: an INT whose bits say it is a bit field */
		const struct btf_type *mt = btf__type_by_id(bt->btf, m->type);

		if (mt && btf_is_int(mt) &&
		    (btf_int_offset(mt) || btf_int_bits(mt) != 8 * mt->size)) {
			*bitoff += btf_int_offset(mt);
			*bits = btf_int_bits(mt);
		}
	}
}

/*
 * Find member `name` (len bytes) in the struct/union sid, looking through
 * anonymous struct/union members in declaration order (as DWARF does). On
 * success *s and *idx identify the member and *base is the byte offset of the
 * struct that directly holds it, relative to sid.
 */
static struct pmt_err *find_member(const struct bt *bt, uint32_t sid, const char *name, size_t len,
				   int depth, bool *found, const struct btf_type **s,
				   unsigned int *idx, uint64_t *base)
{
	const struct btf_type *st = btf__type_by_id(bt->btf, sid);
	const struct btf_member *m;

	*found = false;
	if (depth > MAX_ANON_DEPTH)
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF: anonymous members nested too deep");
	if (!st || !btf_is_composite(st))
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF: [%" PRIu32 "] is not a struct", sid);
	m = btf_members(st);
	for (unsigned int i = 0; i < btf_vlen(st); i++) {
		const char *n = btf__name_by_offset(bt->btf, m[i].name_off);
		struct type_info ti;
		struct pmt_err *err;
		uint64_t bitoff;
		uint32_t bits;

		if (n && *n) {
			if (strlen(n) == len && !memcmp(n, name, len)) {
				*found = true;
				*s = st;
				*idx = i;
				*base = 0;
				return NULL;
			}
			continue;
		}
		err = resolve_type(bt, m[i].type, false, &ti, 0);
		if (err)
			return err;
		if (ti.kind != PMT_KIND_STRUCT || ti.is_decl)
			continue;
		err = find_member(bt, ti.id, name, len, depth + 1, found, s, idx, base);
		if (err)
			return err;
		if (*found) {
			member_bits(bt, st, i, &bitoff, &bits);
			*base += bitoff / 8;
			return NULL;
		}
	}
	return NULL;
}

static struct pmt_err *describe_member(const struct bt *bt, const struct btf_type *s,
				       unsigned int i, uint64_t base, struct pmt_member *out,
				       struct type_info *ti)
{
	const struct btf_member *m = btf_members(s) + i;
	struct pmt_err *err = resolve_type(bt, m->type, true, ti, 0);
	uint64_t bitoff;
	uint32_t bits;

	if (err)
		return err;
	member_bits(bt, s, i, &bitoff, &bits);
	memset(out, 0, sizeof(*out));
	out->size = ti->size;
	out->kind = ti->kind;
	out->array_len = ti->array_len;
	out->elem_size = ti->elem_size;
	if (!bits) {
		if (bitoff % 8)
			return pmt_err_new(PMT_ERR_CORRUPT,
					   "BTF: member at bit %" PRIu64 " is not a bit field",
					   bitoff);
		out->offset = base + bitoff / 8;
		return NULL;
	}
	if (bits > 64 || (ti->size && bits > 8 * ti->size))
		return pmt_err_new(PMT_ERR_CORRUPT, "BTF: bit field of %" PRIu32 " bits", bits);
	out->bit_size = bits;
	out->bit_offset = 8 * base + bitoff;
	/* offset: the naturally aligned unit of the field's type that holds it;
	 * in packed structs where none holds all of it, the byte of its first bit */
	if (ti->size && (out->bit_offset % (8 * ti->size)) + bits <= 8 * ti->size)
		out->offset = out->bit_offset / (8 * ti->size) * ti->size;
	else
		out->offset = out->bit_offset / 8;
	return NULL;
}

/* ---- the target ops ---- */

static struct pmt_err *op_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_UNSUPPORTED, addr,
			    "the BTF types target has no memory (read %#" PRIx64 ")", addr);
}

static struct pmt_err *op_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct bt *bt = bt_of(t);

	if (!bt->syms)
		return pmt_err_new(PMT_ERR_ABSENT, "symbol '%s': BTF has no addresses", name);
	return pmt_symbol(bt->syms, name, addr);
}

static const char *type_desc(const struct bt *bt, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(bt->btf, id);
	static const char *const kinds[] = { "?",     "int",  "pointer", "array",  "struct",
					     "union", "enum", "forward", "typedef" };

	return t && btf_kind(t) < sizeof(kinds) / sizeof(kinds[0]) ? kinds[btf_kind(t)] : "type";
}

static struct pmt_err *find_type(struct bt *bt, const char *type, struct type_info *ti)
{
	static const struct {
		const char *prefix;
		unsigned int ns;
	} pre[] = { { "struct ", NS_STRUCT }, { "union ", NS_UNION }, { "enum ", NS_ENUM } };
	const char *name = type;
	unsigned int ns = NS_PLAIN;
	struct pmt_err *err;
	struct ent *e;

	if (!*type || strlen(type) > 400)
		return pmt_err_new(PMT_ERR_INVALID, "bad type name '%.40s'", type);
	for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
		if (!strncmp(type, pre[i].prefix, strlen(pre[i].prefix))) {
			name = type + strlen(pre[i].prefix);
			ns = pre[i].ns;
			break;
		}
	}
	err = build_index(bt);
	if (err)
		return err;
	e = ix_get(&bt->types, name, ns);
	if (!e)
		return pmt_err_new(PMT_ERR_ABSENT, "type '%s' not in the BTF", type);
	if (e->flags & ENT_AMBIGUOUS)
		return pmt_err_new(PMT_ERR_ABSENT,
				   "type '%s' is ambiguous in the BTF: [%" PRIu32 "] and [%" PRIu32
				   "] are different %ss of that name",
				   type, e->id, e->id2, type_desc(bt, e->id));
	return resolve_type(bt, e->id, false, ti, 0);
}

static struct pmt_err *op_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	struct type_info ti;
	struct pmt_err *err = find_type(bt_of(t), type, &ti);

	if (err)
		return err;
	if (ti.is_decl)
		return pmt_err_new(PMT_ERR_ABSENT, "type '%s' is only declared", type);
	*size = ti.size;
	return NULL;
}

static struct pmt_err *op_member(struct pmt_target *t, const char *type, const char *path,
				 struct pmt_member *out)
{
	struct bt *bt = bt_of(t);
	struct type_info ti;
	struct pmt_err *err;
	const char *p = path;
	uint64_t base = 0;
	int parts = 0;

	err = find_type(bt, type, &ti);
	if (err)
		return err;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		const struct btf_type *s = NULL;
		unsigned int idx = 0;
		uint64_t inner = 0;
		bool found;

		if (ti.kind != PMT_KIND_STRUCT || ti.is_decl)
			return pmt_err_new(PMT_ERR_ABSENT,
					   "%s: '%.*s' is not inside a struct or union", type,
					   (int)(p - path), path);
		if (!len || ++parts > MAX_PATH_PARTS)
			return pmt_err_new(PMT_ERR_INVALID, "bad member path '%s'", path);
		err = find_member(bt, ti.id, p, len, 0, &found, &s, &idx, &inner);
		if (err)
			return pmt_err_prefix(err, "%s.%s", type, path);
		if (!found)
			return pmt_err_new(PMT_ERR_ABSENT, "%s has no member '%.*s'", type,
					   (int)(p + len - path), path);
		err = describe_member(bt, s, idx, base + inner, out, &ti);
		if (err)
			return pmt_err_prefix(err, "%s.%s", type, path);
		if (!dot)
			return NULL;
		base = out->offset;
		p = dot + 1;
	}
}

static struct pmt_err *ambiguous(const char *name, const struct ent *e, int64_t v2,
				 const char *where)
{
	return pmt_err_new(PMT_ERR_ABSENT,
			   "enumerator '%s' is ambiguous in the %s BTF: %" PRId64
			   " in enum [%" PRIu32 "], %" PRId64 " in enum [%" PRIu32 "]",
			   name, where, e->value, e->id, v2, e->id2);
}

static int64_t other_value(const struct bt *bt, const struct btf *btf, const struct ent *e)
{
	const struct btf_type *t = btf__type_by_id(btf, e->id2);

	for (unsigned int i = 0; t && i < btf_vlen(t); i++) {
		uint32_t noff =
			btf_is_enum(t) ? btf_enum(t)[i].name_off : btf_enum64(t)[i].name_off;
		const char *n = btf__name_by_offset(btf, noff);

		if (n && !strcmp(n, e->name))
			return enum_value(bt, t, i);
	}
	return 0;
}

static void run_loader(struct pmt_target *t)
{
	struct bt *bt = bt_of(t);

	if (bt->loader_ran || !bt->loader)
		return;
	bt->loader_ran = true;
	bt->loader(bt->loader_arg, t);
}

static struct pmt_err *op_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	struct bt *bt = bt_of(t);
	struct pmt_err *err;
	struct ent *e;

	if (!*name || strlen(name) > 400)
		return pmt_err_new(PMT_ERR_INVALID, "bad enumerator name");
	err = build_index(bt);
	if (err)
		return err;
	e = ix_get(&bt->enums, name, NS_ENUMERATOR);
	if (e && (e->flags & ENT_AMBIGUOUS))
		return ambiguous(name, e, other_value(bt, bt->btf, e), "vmlinux");
	if (e) {
		*value = e->value;
		return NULL;
	}
	/* an event's print format: its enums may be a module's */
	if (bt->scoped) {
		run_loader(t);
		e = ix_get(&bt->mod_enums, name, NS_ENUMERATOR);
		if (e && (e->flags & ENT_AMBIGUOUS))
			return pmt_err_new(PMT_ERR_ABSENT,
					   "enumerator '%s' is ambiguous in the modules' BTF",
					   name);
		if (e) {
			*value = e->value;
			return NULL;
		}
	}
	return pmt_err_new(PMT_ERR_ABSENT, "enumerator '%s' not in the BTF", name);
}

static void op_scope(struct pmt_target *t, const char *func)
{
	bt_of(t)->scoped = func != NULL;
	if (bt_of(t)->syms)
		pmt_scope(bt_of(t)->syms, func);
}

static void op_destroy(struct pmt_target *t)
{
	struct bt *bt = bt_of(t);

	if (bt) {
		for (size_t i = 0; i < bt->nmods; i++)
			btf__free(bt->mods[i].btf);
		free(bt->mods);
		free(bt->types.e);
		free(bt->enums.e);
		free(bt->mod_enums.e);
		btf__free(bt->btf);
		pmt_target_destroy(bt->syms);
		if (bt->free_loader_arg)
			bt->free_loader_arg(bt->loader_arg);
		free(bt->notes);
		free(bt);
	}
	free(t);
}

static const struct pmt_target_ops btf_types_ops = {
	.read = op_read,
	.symbol = op_symbol,
	.type_size = op_type_size,
	.member = op_member,
	.enumerator = op_enumerator,
	.destroy = op_destroy,
	.scope = op_scope,
};

bool btf_types_is(const struct pmt_target *t)
{
	return t && t->ops == &btf_types_ops;
}

struct pmt_err *btf_types_target(const void *data, size_t size, struct pmt_target **out)
{
	struct pmt_target *t;
	struct pmt_err *err;
	uint32_t n = 0;
	struct bt *bt;

	*out = NULL;
	err = btf_check_blob(data, size, 0, 0, &n);
	if (err)
		return pmt_err_prefix(err, "vmlinux BTF");
	t = calloc(1, sizeof(*t));
	bt = calloc(1, sizeof(*bt));
	if (!t || !bt) {
		free(t);
		free(bt);
		return &pmt_err_nomem;
	}
	t->ops = &btf_types_ops;
	t->priv = bt;
	quiet_libbpf();
	bt->btf = btf__new(data, (uint32_t)size);
	if (!bt->btf) {
		err = pmt_err_new(PMT_ERR_CORRUPT, "vmlinux BTF: libbpf refuses it: %s",
				  strerror(errno));
		goto fail;
	}
	if (btf__type_cnt(bt->btf) != n + 1) {
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "vmlinux BTF: libbpf sees %" PRIu32 " types, the check %" PRIu32,
				  btf__type_cnt(bt->btf) - 1, n);
		goto fail;
	}
	bt->bytes = size;
	bt->ntypes = n;
	memcpy(&bt->str_len, (const uint8_t *)data + 20, 4); /* btf_header.str_len */
	if (btf__endianness(bt->btf) !=
	    (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? BTF_BIG_ENDIAN : BTF_LITTLE_ENDIAN))
		bt->str_len = __builtin_bswap32(bt->str_len);
	t->word_size = btf__pointer_size(bt->btf) ? (unsigned int)btf__pointer_size(bt->btf) : 8;
	t->big_endian = btf__endianness(bt->btf) == BTF_BIG_ENDIAN;
	*out = t;
	return NULL;
fail:
	op_destroy(t);
	return err;
}

/*
 * Split BTF over `base`. libbpf 1.1 declares btf__new_split() but does not
 * build or export it (added in 1.3); btf__parse_split() reads a raw BTF file
 * the same way, so the blob is handed over as an anonymous memory file.
 */
static struct pmt_err *parse_split(const void *data, size_t size, struct btf *base,
				   struct btf **out)
{
	char path[64];
	int fd = memfd_create("pmtrace-module-btf", MFD_CLOEXEC);
	struct btf *b;

	*out = NULL;
	quiet_libbpf();
	if (fd < 0) {
		char tmpl[] = "/tmp/pmtrace-btf-XXXXXX";

		fd = mkstemp(tmpl);
		if (fd >= 0)
			unlink(tmpl);
	}
	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "no temporary file for libbpf: %s", strerror(errno));
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return pmt_err_new(PMT_ERR_IO, "writing a temporary file for libbpf: %s",
				   strerror(errno));
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	b = btf__parse_split(path, base);
	close(fd);
	if (!b)
		return pmt_err_new(PMT_ERR_CORRUPT, "libbpf refuses it: %s", strerror(errno));
	*out = b;
	return NULL;
}

struct pmt_err *btf_types_add_module(struct pmt_target *t, const char *name, const void *data,
				     size_t size)
{
	struct bt *bt = bt_of(t);
	uint32_t base_cnt = btf__type_cnt(bt->btf), n = 0;
	struct module_btf *mods;
	struct btf *mb = NULL;
	struct pmt_err *err;

	err = btf_check_blob(data, size, base_cnt, bt->str_len, &n);
	if (!err)
		err = parse_split(data, size, bt->btf, &mb);
	if (!err) {
		if (btf__type_cnt(mb) != base_cnt + n) {
			btf__free(mb);
			err = pmt_err_new(PMT_ERR_CORRUPT, "libbpf sees a different type count");
		}
	}
	if (!err) {
		mods = realloc(bt->mods, (bt->nmods + 1) * sizeof(*mods));
		if (!mods) {
			btf__free(mb);
			return &pmt_err_nomem;
		}
		bt->mods = mods;
		mods[bt->nmods] = (struct module_btf){ .btf = mb, .bytes = size };
		snprintf(mods[bt->nmods].name, sizeof(mods[bt->nmods].name), "%s", name);
		bt->nmods++;
		bt->mod_bytes += size;
		for (uint32_t id = base_cnt; !err && id < base_cnt + n; id++) {
			const struct btf_type *ty = btf__type_by_id(mb, id);

			if (btf_is_enum(ty) || btf_is_enum64(ty))
				err = index_enumerators(bt, &bt->mod_enums, mb, ty, id);
		}
		return err;
	}
	bt->refused++;
	return pmt_err_prefix(err, "BTF of module %s", name);
}

void btf_types_set_symbols(struct pmt_target *t, struct pmt_target *syms)
{
	struct bt *bt = bt_of(t);

	pmt_target_destroy(bt->syms);
	bt->syms = syms;
}

void btf_types_set_module_loader(struct pmt_target *t, btf_module_loader fn, void *arg,
				 void (*free_arg)(void *arg))
{
	struct bt *bt = bt_of(t);

	if (bt->free_loader_arg)
		bt->free_loader_arg(bt->loader_arg);
	bt->loader = fn;
	bt->loader_arg = arg;
	bt->free_loader_arg = free_arg;
}

struct pmt_target *btf_types_symbols(struct pmt_target *t)
{
	return bt_of(t)->syms;
}

void btf_types_load_modules(struct pmt_target *t)
{
	struct pmt_err *err = build_index(bt_of(t));

	pmt_err_free(err);
	run_loader(t);
}

void btf_types_get_stats(struct pmt_target *t, struct btf_types_stats *st)
{
	struct bt *bt = bt_of(t);

	*st = (struct btf_types_stats){ .vmlinux_bytes = bt->bytes,
					.vmlinux_types = bt->ntypes,
					.modules = bt->nmods,
					.module_bytes = bt->mod_bytes,
					.modules_refused = bt->refused,
					.modules_loaded = bt->loader_ran };
}

const char *btf_types_notes(struct pmt_target *t)
{
	return bt_of(t)->notes ? bt_of(t)->notes : "";
}

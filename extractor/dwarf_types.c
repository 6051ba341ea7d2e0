// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel types from vmlinux DWARF: the types-only pmt_target of
 * dwarf_types.h.
 *
 * A question names a type or an enumerator; the CU index (dwarf_index.c)
 * finds the DIE that defines it, visiting as few compilation units as it
 * can. This file says what a type DIE means: typedefs and qualifiers are
 * looked through to a kind and a byte size, arrays get their element count
 * and element size, and members are found by dotted path (looking through
 * anonymous structs and unions) with their offsets and bit fields.
 *
 * Untrusted input: type chains and anonymous nesting are depth-limited,
 * array sizes are overflow-checked.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <libdwarf.h>

#include "dwarf_index.h"

#define MAX_ANON_DEPTH 8  /* nested anonymous struct/union levels */
#define MAX_PATH_PARTS 16 /* components in a dotted member path */

/* ---- resolving types ---- */

struct type_info {
	enum pmt_type_kind kind;
	uint64_t size, array_len, elem_size;
	uint64_t off; /* the DIE after stripping typedefs and qualifiers */
	bool is_decl;
};

static struct pmt_err *resolve_type(struct dt *dt, uint64_t off, bool want_pointee,
				    struct type_info *ti);

/* Element count of one DW_TAG_subrange_type; 0 if flexible or unknown. */
static uint64_t subrange_count(struct dt *dt, Dwarf_Die sr)
{
	uint64_t v, lo = 0;
	unsigned int width = 64;

	if (die_const(dt, sr, DW_AT_count, false, &v, NULL) == 1)
		return v;
	if (die_const(dt, sr, DW_AT_upper_bound, false, &v, &width) != 1)
		return 0;
	/* An all-ones bound is -1: a zero-length array "x[0]". */
	if (width < 64 ? v == (1ull << width) - 1 : v == ~0ull)
		return 0;
	if (die_const(dt, sr, DW_AT_lower_bound, false, &lo, NULL) != 1)
		lo = 0;
	return v >= lo ? v - lo + 1 : 0;
}

static struct pmt_err *resolve_array(struct dt *dt, Dwarf_Die arr, struct type_info *ti)
{
	struct type_info elem;
	struct pmt_err *err;
	uint64_t eoff, inner = 1;
	bool first = true;
	Dwarf_Die c = NULL;

	if (die_ref(dt, arr, DW_AT_type, &eoff) != 1)
		return pmt_err_new(PMT_ERR_CORRUPT, "array type without an element type");
	err = resolve_type(dt, eoff, false, &elem);
	if (err)
		return err;
	ti->kind = PMT_KIND_ARRAY;
	while (!(err = next_child(dt, arr, &c)) && c) {
		uint64_t n;

		if (die_tag(dt, c) != DW_TAG_subrange_type)
			continue;
		n = subrange_count(dt, c);
		if (first) {
			ti->array_len = n;
			first = false;
		} else if (__builtin_mul_overflow(inner, n, &inner)) {
			err = pmt_err_new(PMT_ERR_CORRUPT, "array dimensions overflow");
			break;
		}
	}
	if (c)
		dwarf_dealloc_die(c);
	if (err)
		return err;
	if (__builtin_mul_overflow(elem.size, inner, &ti->elem_size) ||
	    __builtin_mul_overflow(ti->elem_size, ti->array_len, &ti->size))
		return pmt_err_new(PMT_ERR_CORRUPT, "array size overflows");
	return NULL;
}

/*
 * Classify a type DIE after stripping typedefs and qualifiers. want_pointee:
 * for pointers, also resolve the pointee's size (one level, no further).
 */
static struct pmt_err *resolve_type(struct dt *dt, uint64_t off, bool want_pointee,
				    struct type_info *ti)
{
	struct pmt_err *err = NULL;
	Dwarf_Die die;
	int tag = -1, hops;

	memset(ti, 0, sizeof(*ti));
	for (hops = 0; hops < MAX_TYPE_CHAIN; hops++) {
		uint64_t next;
		int rc;

		err = die_at(dt, off, &die);
		if (err)
			return err;
		tag = die_tag(dt, die);
		if (!is_transparent(tag))
			break;
		rc = die_ref(dt, die, DW_AT_type, &next);
		dwarf_dealloc_die(die);
		if (rc < 0)
			return pmt_err_new(PMT_ERR_CORRUPT, "bad DW_AT_type at %#" PRIx64, off);
		if (rc == 0) { /* const void */
			ti->kind = PMT_KIND_OTHER;
			ti->off = off;
			return NULL;
		}
		off = next;
	}
	if (hops == MAX_TYPE_CHAIN)
		return pmt_err_new(PMT_ERR_CORRUPT, "type chain too long at %#" PRIx64, off);
	ti->off = off;
	if (die_const(dt, die, DW_AT_byte_size, false, &ti->size, NULL) != 1)
		ti->size = 0;
	switch (tag) {
	case DW_TAG_base_type: {
		uint64_t enc = 0;

		die_const(dt, die, DW_AT_encoding, false, &enc, NULL);
		ti->kind = enc == DW_ATE_float || enc == DW_ATE_complex_float ? PMT_KIND_OTHER
									      : PMT_KIND_INT;
		break;
	}
	case DW_TAG_enumeration_type:
		ti->kind = PMT_KIND_INT;
		ti->is_decl = die_has(dt, die, DW_AT_declaration);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
	case DW_TAG_rvalue_reference_type:
		ti->kind = PMT_KIND_POINTER;
		if (!ti->size)
			ti->size = dt->word_size;
		if (want_pointee) {
			uint64_t poff;
			struct type_info pt;

			if (die_ref(dt, die, DW_AT_type, &poff) == 1) {
				err = resolve_type(dt, poff, false, &pt);
				if (!err && !pt.is_decl && pt.kind != PMT_KIND_OTHER)
					ti->elem_size = pt.size;
			}
		}
		break;
	case DW_TAG_structure_type:
	case DW_TAG_union_type:
	case DW_TAG_class_type:
		ti->kind = PMT_KIND_STRUCT;
		ti->is_decl = die_has(dt, die, DW_AT_declaration);
		break;
	case DW_TAG_array_type:
		err = resolve_array(dt, die, ti);
		break;
	default:
		ti->kind = PMT_KIND_OTHER;
		break;
	}
	dwarf_dealloc_die(die);
	return err;
}

/* DW_AT_data_member_location: a constant, or the DWARF 2 expression
 * "DW_OP_plus_uconst N". Absent (union members): 0. */
static struct pmt_err *member_location(struct dt *dt, Dwarf_Die m, uint64_t *loc)
{
	Dwarf_Attribute attr = NULL;
	Dwarf_Error e = NULL;
	Dwarf_Half form = 0;
	struct pmt_err *err = NULL;
	int rc;

	*loc = 0;
	rc = die_const(dt, m, DW_AT_data_member_location, false, loc, NULL);
	if (rc >= 0)
		return NULL;
	rc = dwarf_attr(m, DW_AT_data_member_location, &attr, &e);
	if (rc == DW_DLV_OK && dwarf_whatform(attr, &form, &e) == DW_DLV_OK &&
	    (form == DW_FORM_exprloc || form == DW_FORM_block1 || form == DW_FORM_block)) {
		Dwarf_Unsigned len = 0;
		Dwarf_Ptr p = NULL;
		Dwarf_Block *blk = NULL;
		const unsigned char *b = NULL;

		if (form == DW_FORM_exprloc) {
			if (dwarf_formexprloc(attr, &len, &p, &e) == DW_DLV_OK)
				b = p;
		} else if (dwarf_formblock(attr, &blk, &e) == DW_DLV_OK) {
			b = blk->bl_data;
			len = blk->bl_len;
		}
		if (b && len >= 2 && len <= 11 && b[0] == DW_OP_plus_uconst) {
			uint64_t v = 0;
			unsigned int shift = 0;
			Dwarf_Unsigned i;

			for (i = 1; i < len && shift < 64; i++, shift += 7) {
				v |= (uint64_t)(b[i] & 0x7f) << shift;
				if (!(b[i] & 0x80))
					break;
			}
			if (i == len - 1 && !(b[i] & 0x80))
				*loc = v;
			else
				err = pmt_err_new(PMT_ERR_CORRUPT,
						  "bad member location expression");
		} else {
			err = pmt_err_new(PMT_ERR_UNSUPPORTED, "member location expression");
		}
		if (blk)
			dwarf_dealloc(dt->dbg, blk, DW_DLA_BLOCK);
	} else {
		err = pmt_err_new(PMT_ERR_CORRUPT, "unreadable DW_AT_data_member_location");
	}
	if (e)
		dwarf_dealloc_error(dt->dbg, e);
	if (attr)
		dwarf_dealloc_attribute(attr);
	return err;
}

/*
 * Find member `name` (len bytes) in the struct/union at soff, looking through
 * anonymous struct/union members. On success *moff is the member's DIE and
 * *base the byte offset of the struct or union that directly contains it,
 * relative to soff (non-zero only through anonymous members).
 */
static struct pmt_err *find_member(struct dt *dt, uint64_t soff, const char *name, size_t len,
				   int depth, bool *found, uint64_t *moff, uint64_t *base)
{
	struct pmt_err *err;
	Dwarf_Die s, c = NULL;

	*found = false;
	if (depth > MAX_ANON_DEPTH)
		return pmt_err_new(PMT_ERR_CORRUPT, "anonymous members nested too deep");
	err = die_at(dt, soff, &s);
	if (err)
		return err;
	while (!(err = next_child(dt, s, &c)) && c) {
		const char *n;
		uint64_t toff, loc;
		struct type_info ti;

		if (die_tag(dt, c) != DW_TAG_member)
			continue;
		n = die_name(dt, c);
		if (n) {
			if (strlen(n) == len && !memcmp(n, name, len)) {
				*found = true;
				*moff = die_off(dt, c);
				*base = 0;
				break;
			}
			continue;
		}
		/* Anonymous: look inside if it is a struct or union. */
		if (die_ref(dt, c, DW_AT_type, &toff) != 1)
			continue;
		err = resolve_type(dt, toff, false, &ti);
		if (!err && ti.kind == PMT_KIND_STRUCT && !ti.is_decl)
			err = find_member(dt, ti.off, name, len, depth + 1, found, moff, base);
		if (!err && *found)
			err = member_location(dt, c, &loc);
		if (err)
			break;
		if (*found) {
			*base += loc;
			break;
		}
	}
	if (c)
		dwarf_dealloc_die(c);
	dwarf_dealloc_die(s);
	return err;
}

/* Fill out for the member DIE at moff found in a struct at byte offset
 * base (from the outermost type). */
static struct pmt_err *describe_member(struct dt *dt, uint64_t moff, uint64_t base,
				       struct pmt_member *out, struct type_info *ti)
{
	struct pmt_err *err;
	uint64_t loc = 0, toff = 0, bits = 0, dbo = 0, bo = 0, storage = 0;
	Dwarf_Die m;

	err = die_at(dt, moff, &m);
	if (err)
		return err;
	if (die_ref(dt, m, DW_AT_type, &toff) != 1)
		err = pmt_err_new(PMT_ERR_CORRUPT, "member without a type at %#" PRIx64, moff);
	if (!err)
		err = member_location(dt, m, &loc);
	if (!err)
		err = resolve_type(dt, toff, true, ti);
	if (err)
		goto out;
	memset(out, 0, sizeof(*out));
	out->offset = base + loc;
	out->size = ti->size;
	out->kind = ti->kind;
	out->array_len = ti->array_len;
	out->elem_size = ti->elem_size;
	if (die_const(dt, m, DW_AT_bit_size, false, &bits, NULL) == 1 && bits) {
		if (bits > 64 || (ti->size && bits > 8 * ti->size)) {
			err = pmt_err_new(PMT_ERR_CORRUPT, "bit field of %" PRIu64 " bits", bits);
			goto out;
		}
		out->bit_size = (uint32_t)bits;
		if (die_const(dt, m, DW_AT_data_bit_offset, false, &dbo, NULL) == 1) {
			/* DWARF 4+: bits from the start of the containing struct. */
			out->bit_offset = 8 * base + dbo;
		} else {
			/* DWARF 2/3: DW_AT_bit_offset counts from the most
			 * significant bit of a storage unit of DW_AT_byte_size
			 * bytes at data_member_location. */
			if (die_const(dt, m, DW_AT_byte_size, false, &storage, NULL) != 1)
				storage = ti->size;
			if (die_const(dt, m, DW_AT_bit_offset, false, &bo, NULL) != 1)
				bo = 0;
			if (bo + bits > 8 * storage) {
				err = pmt_err_new(PMT_ERR_CORRUPT, "bit field outside its storage");
				goto out;
			}
			out->bit_offset =
				8 * out->offset + (dt->big_endian ? bo : 8 * storage - bo - bits);
		}
		/* offset: the naturally aligned unit of the field's type that
		 * holds it; in packed structs where no such unit holds all of
		 * it, the byte holding its first bit. */
		if (ti->size && (out->bit_offset % (8 * ti->size)) + bits <= 8 * ti->size)
			out->offset = out->bit_offset / (8 * ti->size) * ti->size;
		else
			out->offset = out->bit_offset / 8;
	}
out:
	dwarf_dealloc_die(m);
	return err;
}

/* ---- the target ops ---- */

static struct dt *dt_of(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *op_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_UNSUPPORTED, addr,
			    "the vmlinux types target has no memory (read %#" PRIx64 ")", addr);
}

static struct pmt_err *op_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	return vmlinux_symbol(dt_of(t)->vm, name, addr);
}

/* Find a struct/union/enum/typedef/base type definition by C name. */
static struct pmt_err *find_type(struct dt *dt, const char *type, struct type_info *ti)
{
	struct pmt_err *err;
	uint64_t off;

	if (!*type || strlen(type) > 400)
		return pmt_err_new(PMT_ERR_INVALID, "bad type name '%.40s'", type);
	err = find_name(dt, type, false, &off);
	if (!err)
		err = resolve_type(dt, off, false, ti);
	return err;
}

static struct pmt_err *op_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	struct type_info ti;
	struct pmt_err *err = find_type(dt_of(t), type, &ti);

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
	struct dt *dt = dt_of(t);
	struct type_info ti;
	struct pmt_err *err;
	const char *p = path;
	uint64_t base = 0;
	int parts = 0;

	err = find_type(dt, type, &ti);
	if (err)
		return err;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		uint64_t moff, inner;
		bool found;

		if (ti.kind != PMT_KIND_STRUCT || ti.is_decl)
			return pmt_err_new(PMT_ERR_ABSENT,
					   "%s: '%.*s' is not inside a struct or union", type,
					   (int)(p - path), path);
		if (!len || ++parts > MAX_PATH_PARTS)
			return pmt_err_new(PMT_ERR_INVALID, "bad member path '%s'", path);
		err = find_member(dt, ti.off, p, len, 0, &found, &moff, &inner);
		if (err)
			return pmt_err_prefix(err, "%s.%s", type, path);
		if (!found)
			return pmt_err_new(PMT_ERR_ABSENT, "%s has no member '%.*s'", type,
					   (int)(p + len - path), path);
		err = describe_member(dt, moff, base + inner, out, &ti);
		if (err)
			return pmt_err_prefix(err, "%s.%s", type, path);
		if (!dot)
			return NULL;
		base = out->offset;
		p = dot + 1;
	}
}

static struct pmt_err *op_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	uint64_t v;
	struct pmt_err *err;

	if (!*name || strlen(name) > 400)
		return pmt_err_new(PMT_ERR_INVALID, "bad enumerator name");
	err = find_name(dt_of(t), name, true, &v);
	if (!err)
		*value = (int64_t)v;
	return err;
}

static void op_scope(struct pmt_target *t, const char *func)
{
	dwarf_index_scope(dt_of(t), func);
}

static void op_destroy(struct pmt_target *t)
{
	struct dt *dt = dt_of(t);

	if (dt) {
		dwarf_index_close(dt);
		free(dt);
	}
	free(t);
}

static const struct pmt_target_ops dwarf_types_ops = {
	.read = op_read,
	.symbol = op_symbol,
	.type_size = op_type_size,
	.member = op_member,
	.enumerator = op_enumerator,
	.destroy = op_destroy,
	.scope = op_scope,
};

struct pmt_err *dwarf_types_target(struct vmlinux *vm, struct pmt_target **out)
{
	struct pmt_target *t;
	struct pmt_err *err;
	struct dt *dt;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	dt = calloc(1, sizeof(*dt));
	if (!t || !dt) {
		free(t);
		free(dt);
		return &pmt_err_nomem;
	}
	t->ops = &dwarf_types_ops;
	t->priv = dt;
	t->word_size = vmlinux_word_size(vm);
	t->big_endian = vmlinux_big_endian(vm);
	snprintf(t->release, sizeof(t->release), "%s", vmlinux_release(vm));
	dt->vm = vm;
	dt->scope = SCOPE_NONE;
	dt->word_size = t->word_size;
	dt->big_endian = t->big_endian;
	err = dwarf_index_open(dt);
	if (err)
		goto fail;
	*out = t;
	return NULL;
fail:
	op_destroy(t);
	return pmt_err_prefix(err, "%s", vmlinux_path(vm));
}

void dwarf_types_set_mode(struct pmt_target *t, enum dwarf_types_mode mode)
{
	dt_of(t)->mode = mode;
}

void dwarf_types_get_stats(struct pmt_target *t, struct dwarf_types_stats *st)
{
	struct dt *dt = dt_of(t);

	st->hint_cus = (unsigned int)dt->nunits;
	st->scanned_cus = dt->scanned_cus;
	st->aranges = (unsigned int)dt->naranges;
	st->scan_complete = dt->scan_done;
}

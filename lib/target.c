// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Byte-order-aware helpers on top of the target's read op. The target's
 * endianness and word size are fixed when the target is built; every integer
 * the walkers take from the dump goes through these, so a big-endian or 32-bit
 * dump is decoded the same way as the host's own.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pmtrace/target.h"

/* ---- stacking ------------------------------------------------------------ */

struct stacked {
	struct pmt_target t; /* first: a stacked target is a struct stacked */
	struct pmt_target *inner;
	bool own_inner;
	const struct pmt_target_ops *over;
	void *data;
};

static struct stacked *stk(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *stk_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct stacked *s = stk(t);

	return s->over->read ? s->over->read(t, addr, buf, len)
			     : pmt_read(s->inner, addr, buf, len);
}

static struct pmt_err *stk_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct stacked *s = stk(t);

	return s->over->symbol ? s->over->symbol(t, name, addr) : pmt_symbol(s->inner, name, addr);
}

static struct pmt_err *stk_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	struct stacked *s = stk(t);

	return s->over->type_size ? s->over->type_size(t, type, size)
				  : pmt_type_size(s->inner, type, size);
}

static struct pmt_err *stk_member(struct pmt_target *t, const char *type, const char *path,
				  struct pmt_member *out)
{
	struct stacked *s = stk(t);

	return s->over->member ? s->over->member(t, type, path, out)
			       : pmt_member(s->inner, type, path, out);
}

static struct pmt_err *stk_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	struct stacked *s = stk(t);

	return s->over->enumerator ? s->over->enumerator(t, name, value)
				   : pmt_enumerator(s->inner, name, value);
}

static void stk_scope(struct pmt_target *t, const char *func)
{
	struct stacked *s = stk(t);

	if (s->over->scope)
		s->over->scope(t, func);
	else
		pmt_scope(s->inner, func);
}

static struct pmt_err *stk_read_phys(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct stacked *s = stk(t);

	return s->over->read_phys ? s->over->read_phys(t, addr, buf, len)
				  : pmt_read_phys(s->inner, addr, buf, len);
}

static bool stk_phys_next(struct pmt_target *t, uint64_t *start, uint64_t *end)
{
	struct stacked *s = stk(t);

	return s->over->phys_next ? s->over->phys_next(t, start, end)
				  : pmt_phys_next(s->inner, start, end);
}

static void stk_destroy(struct pmt_target *t)
{
	struct stacked *s = stk(t);

	if (s->over->destroy)
		s->over->destroy(t);
	if (s->own_inner)
		pmt_target_destroy(s->inner);
	free(s);
}

static const struct pmt_target_ops stacked_ops = {
	.read = stk_read,
	.symbol = stk_symbol,
	.type_size = stk_type_size,
	.member = stk_member,
	.enumerator = stk_enumerator,
	.destroy = stk_destroy,
	.scope = stk_scope,
	.read_phys = stk_read_phys,
	.phys_next = stk_phys_next,
};

struct pmt_err *pmt_target_stack(struct pmt_target *inner, bool own_inner,
				 const struct pmt_target_ops *over, void *data,
				 struct pmt_target **out)
{
	static const struct pmt_target_ops none;
	struct stacked *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return &pmt_err_nomem;
	s->t = *inner;
	s->t.ops = &stacked_ops;
	s->t.priv = s;
	s->inner = inner;
	s->own_inner = own_inner;
	s->over = over ? over : &none;
	s->data = data;
	*out = &s->t;
	return NULL;
}

void *pmt_target_data(struct pmt_target *t)
{
	return t->ops == &stacked_ops ? stk(t)->data : NULL;
}

struct pmt_target *pmt_target_inner(struct pmt_target *t)
{
	return t->ops == &stacked_ops ? stk(t)->inner : NULL;
}

struct pmt_err *pmt_symbol_plus_kaslr(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct pmt_err *err = pmt_symbol(pmt_target_inner(t), name, addr);

	if (!err)
		*addr += t->kaslr_offset;
	return err;
}

/* ---- the empty target ---------------------------------------------------- */

static struct pmt_err *none_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_NODATA, addr, "no memory: nothing at %#" PRIx64, addr);
}

static struct pmt_err *none_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no debuginfo: no symbol %s", name);
}

static struct pmt_err *none_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no debuginfo: no type %s", type);
}

static struct pmt_err *none_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *m)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no debuginfo: no %s.%s", type, path);
}

static struct pmt_err *none_enum(struct pmt_target *t, const char *name, int64_t *v)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no debuginfo: no enumerator %s", name);
}

static void none_destroy(struct pmt_target *t)
{
	free(t);
}

static const struct pmt_target_ops none_ops = {
	.read = none_read,
	.symbol = none_symbol,
	.type_size = none_size,
	.member = none_member,
	.enumerator = none_enum,
	.destroy = none_destroy,
};

struct pmt_err *pmt_target_none(struct pmt_target **out)
{
	struct pmt_target *t = calloc(1, sizeof(*t));

	*out = t;
	if (!t)
		return &pmt_err_nomem;
	t->ops = &none_ops;
	t->word_size = 8;
	t->page_size = 4096;
	return NULL;
}

/* ---- integers in the target's byte order --------------------------------- */

static uint64_t load_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

static uint64_t load_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

uint64_t pmt_get_uint(const struct pmt_target *t, const void *p, size_t size)
{
	if (size > 8)
		size = 8;
	return t->big_endian ? load_be(p, size) : load_le(p, size);
}

uint16_t pmt_get_u16(const struct pmt_target *t, const void *p)
{
	return (uint16_t)pmt_get_uint(t, p, 2);
}

uint32_t pmt_get_u32(const struct pmt_target *t, const void *p)
{
	return (uint32_t)pmt_get_uint(t, p, 4);
}

uint64_t pmt_get_u64(const struct pmt_target *t, const void *p)
{
	return pmt_get_uint(t, p, 8);
}

uint64_t pmt_get_ulong(const struct pmt_target *t, const void *p)
{
	return pmt_get_uint(t, p, t->word_size);
}

struct pmt_err *pmt_read_uint(struct pmt_target *t, uint64_t addr, size_t size, uint64_t *v)
{
	uint8_t buf[8];
	struct pmt_err *err;

	if (size == 0 || size > 8)
		return pmt_err_new(PMT_ERR_INVALID, "cannot read a %zu-byte integer", size);
	err = pmt_read(t, addr, buf, size);
	if (err)
		return err;
	*v = pmt_get_uint(t, buf, size);
	return NULL;
}

struct pmt_err *pmt_read_u8(struct pmt_target *t, uint64_t addr, uint8_t *v)
{
	return pmt_read(t, addr, v, 1);
}

struct pmt_err *pmt_read_u16(struct pmt_target *t, uint64_t addr, uint16_t *v)
{
	uint64_t x;
	struct pmt_err *err = pmt_read_uint(t, addr, 2, &x);

	if (!err)
		*v = (uint16_t)x;
	return err;
}

struct pmt_err *pmt_read_u32(struct pmt_target *t, uint64_t addr, uint32_t *v)
{
	uint64_t x;
	struct pmt_err *err = pmt_read_uint(t, addr, 4, &x);

	if (!err)
		*v = (uint32_t)x;
	return err;
}

struct pmt_err *pmt_read_u64(struct pmt_target *t, uint64_t addr, uint64_t *v)
{
	return pmt_read_uint(t, addr, 8, v);
}

struct pmt_err *pmt_read_ulong(struct pmt_target *t, uint64_t addr, uint64_t *v)
{
	return pmt_read_uint(t, addr, t->word_size, v);
}

/*
 * Read a C string in chunks that never cross a page boundary, so a string
 * ending just before a page that is missing from the dump is still read.
 */
struct pmt_err *pmt_read_string(struct pmt_target *t, uint64_t addr, size_t max, char **out)
{
	uint64_t page = t->page_size ? t->page_size : 4096;
	size_t len = 0;
	char *s;

	*out = NULL;
	if (max == 0)
		return pmt_err_new(PMT_ERR_INVALID, "string limit is 0");
	if (addr == 0)
		return pmt_err_addr(PMT_ERR_CORRUPT, 0, "NULL string pointer");
	s = malloc(max);
	if (!s)
		return &pmt_err_nomem;
	while (len < max) {
		size_t chunk = page - ((addr + len) % page);
		struct pmt_err *err;
		char *nul;

		if (chunk > max - len)
			chunk = max - len;
		err = pmt_read(t, addr + len, s + len, chunk);
		if (err) {
			free(s);
			return pmt_err_prefix(err, "string at %#" PRIx64, addr);
		}
		nul = memchr(s + len, '\0', chunk);
		if (nul) {
			/* shrunk to fit: callers keep thousands of these (every
			 * event's field names and types), and max is a bound,
			 * not a size (4 KiB kept per name was 75 MiB) */
			char *fit = realloc(s, (size_t)(nul - s) + 1);

			*out = fit ? fit : s;
			return NULL;
		}
		len += chunk;
	}
	free(s);
	return pmt_err_addr(PMT_ERR_CORRUPT, addr, "string at %#" PRIx64 " longer than %zu bytes",
			    addr, max - 1);
}

/*
 * Bit fields: bit_offset counts from the start of the struct in the order
 * DW_AT_data_bit_offset uses, LSB-first on little-endian targets and
 * MSB-first on big-endian ones. We load the bytes covering the field and
 * shift it out.
 */
static uint64_t bitfield(const struct pmt_target *t, const uint8_t *base,
			 const struct pmt_member *m)
{
	uint64_t first = m->bit_offset / 8, shift = m->bit_offset % 8;
	uint64_t nbytes = (shift + m->bit_size + 7) / 8;
	uint64_t mask = m->bit_size >= 64 ? UINT64_MAX : (1ULL << m->bit_size) - 1;
	uint64_t v;

	if (nbytes > 8 || m->bit_size == 0)
		return 0;
	v = t->big_endian ? load_be(base + first, nbytes) : load_le(base + first, nbytes);
	if (t->big_endian)
		return (v >> (nbytes * 8 - shift - m->bit_size)) & mask;
	return (v >> shift) & mask;
}

uint64_t pmt_member_get(const struct pmt_target *t, const void *base, const struct pmt_member *m)
{
	if (m->bit_size)
		return bitfield(t, base, m);
	if (m->size == 0 || m->size > 8)
		return 0;
	return pmt_get_uint(t, (const uint8_t *)base + m->offset, (size_t)m->size);
}

struct pmt_err *pmt_read_member(struct pmt_target *t, uint64_t addr, const struct pmt_member *m,
				uint64_t *v)
{
	uint8_t buf[16];
	uint64_t lo, len;
	struct pmt_err *err;

	if (m->bit_size) {
		lo = m->bit_offset / 8;
		len = (m->bit_offset % 8 + m->bit_size + 7) / 8;
	} else {
		lo = m->offset;
		len = m->size;
	}
	if (len == 0 || len > 8)
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "member of %" PRIu64 " bytes is not a number", len);
	err = pmt_read(t, addr + lo, buf, (size_t)len);
	if (err)
		return err;
	if (m->bit_size) {
		struct pmt_member shifted = *m;

		shifted.bit_offset = m->bit_offset % 8;
		*v = bitfield(t, buf, &shifted);
	} else {
		*v = pmt_get_uint(t, buf, (size_t)len);
	}
	return NULL;
}

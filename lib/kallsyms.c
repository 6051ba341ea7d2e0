// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoding the kernel's compressed symbol table (kernel/kallsyms.c,
 * scripts/kallsyms.c):
 *
 *   kallsyms_num_syms     number of symbols (u32)
 *   kallsyms_names        per symbol: a length (1 byte; since 6.1 two bytes
 *                         when the first has bit 7 set: low 7 bits + next
 *                         byte << 7), then that many token indexes
 *   kallsyms_token_index  u16[256]: offset of each token in token_table
 *   kallsyms_token_table  NUL-terminated token strings
 *   kallsyms_offsets      s32 per symbol, relative to kallsyms_relative_base
 *                         (or kallsyms_addresses: absolute longs, older/other
 *                         configurations)
 *
 * The first character of an expanded name is the symbol type ('T', 't', ...).
 * Relative offsets come in two encodings: with KALLSYMS_ABSOLUTE_PERCPU a
 * non-negative offset is an absolute address and a negative one means
 * base - 1 - offset; without it, base + (u32)offset. We decode both and keep
 * the one that puts `_text` where the target says it is (see enum ks_mode
 * for the encodings, including the place-relative one of 7.x).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

#define MAX_SYMS  (4u << 20)
#define NAMES_MAX (64u << 20)

struct ksym {
	uint64_t addr;
	uint32_t order; /* index in the kernel's tables */
};

/*
 * Lookups by address go through a small direct-mapped cache: a function
 * trace asks for the same few hundred addresses tens of millions of times
 * (two per event), and a binary search over ~100,000 symbols per ask was a
 * quarter of `show`'s time. An entry remembers the symbol found for one
 * exact address and where that symbol ends.
 */
#define KS_CACHE_BITS  13
#define KS_CACHE_SLOTS (1u << KS_CACHE_BITS)

struct ks_hit {
	uint64_t addr;
	uint64_t end;  /* the next higher symbol's address (the image end) */
	uint32_t sym1; /* index in syms + 1; 0: empty slot */
};

/*
 * Names are expanded lazily: loading keeps the compressed stream and where
 * each symbol's entry starts; a name is expanded the first time a lookup
 * returns it (a trace names a few hundred functions of ~100,000).
 */
struct kallsyms {
	struct ks_hit hits[KS_CACHE_SLOTS]; /* filled by lookups: logically const */
	struct ksym *syms;		    /* sorted by address, then table order */
	size_t n;
	uint8_t *names; /* kallsyms_names */
	size_t names_len;
	uint32_t *name_pos; /* per table index: offset of its entry in names */
	char *ttab;	    /* kallsyms_token_table */
	size_t ttab_len;
	uint16_t token_off[256];
	char **expanded; /* per table index: "Tname" (type first), or NULL */
	uint64_t lo, hi; /* the kernel image: [_stext or first, _end) */
};

/* The expanded name of table entry i, type character first ("" if out of memory). */
static const char *ks_name(struct kallsyms *ks, uint32_t i)
{
	static const char none[] = "?";
	const uint8_t *p = ks->names + ks->name_pos[i];
	size_t len = *p++, total = 0;
	char *out;

	if (ks->expanded[i])
		return ks->expanded[i];
	if (len & 0x80)
		len = (len & 0x7f) | ((size_t)*p++ << 7);
	for (size_t k = 0; k < len; k++)
		total +=
			strnlen(ks->ttab + ks->token_off[p[k]], ks->ttab_len - ks->token_off[p[k]]);
	out = malloc(total + 2);
	if (!out)
		return none;
	total = 0;
	for (size_t k = 0; k < len; k++) {
		const char *tok = ks->ttab + ks->token_off[p[k]];
		size_t tl = strnlen(tok, ks->ttab_len - ks->token_off[p[k]]);

		memcpy(out + total, tok, tl);
		total += tl;
	}
	if (!total) /* an empty name: keep a placeholder type */
		out[total++] = '?';
	out[total] = '\0';
	ks->expanded[i] = out;
	return out;
}

/*
 * The encodings of kallsyms_offsets[] over the years:
 *   KS_ABS_PERCPU  base = kallsyms_relative_base; off >= 0 is absolute,
 *                  else base - 1 - off (KALLSYMS_ABSOLUTE_PERCPU)
 *   KS_BASE_REL    base + (u32)off
 *   KS_PLACE_REL   &kallsyms_offsets[i] + (s32)off (no relative base; 7.x)
 *   KS_TEXT_REL    _text + (u32)off
 */
enum ks_mode { KS_ABS_PERCPU, KS_BASE_REL, KS_PLACE_REL, KS_TEXT_REL };

static uint64_t ks_address(enum ks_mode m, int64_t off, uint64_t base, uint64_t text,
			   uint64_t offsets_addr, uint32_t i)
{
	switch (m) {
	case KS_ABS_PERCPU:
		return off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)off;
	case KS_BASE_REL:
		return base + (uint32_t)off;
	case KS_PLACE_REL:
		return offsets_addr + 4ULL * i + (uint64_t)(int64_t)(int32_t)off;
	case KS_TEXT_REL:
		return text + (uint32_t)off;
	}
	return 0;
}

static int by_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static struct pmt_err *read_array(struct pmt_target *t, uint64_t addr, size_t len, uint8_t **out)
{
	uint8_t *buf = malloc(len ? len : 1);
	struct pmt_err *err;

	*out = NULL;
	if (!buf)
		return &pmt_err_nomem;
	err = pmt_read(t, addr, buf, len);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return NULL;
}

struct names_reader {
	struct pmt_target *t;
	uint64_t addr;
	uint8_t *buf;
	size_t len; /* bytes read so far */
};

/* Make sure the first `need` bytes of kallsyms_names are in the buffer. */
static struct pmt_err *names_ensure(struct names_reader *r, size_t need)
{
	const size_t chunk = 1u << 16;

	while (r->len < need) {
		struct pmt_err *err;
		uint8_t *nb;

		if (r->len >= NAMES_MAX)
			return pmt_err_new(PMT_ERR_CORRUPT, "kallsyms_names larger than %u bytes",
					   NAMES_MAX);
		nb = realloc(r->buf, r->len + chunk);
		if (!nb)
			return &pmt_err_nomem;
		r->buf = nb;
		err = pmt_read(r->t, r->addr + r->len, r->buf + r->len, chunk);
		if (err)
			return pmt_err_prefix(err, "kallsyms_names");
		r->len += chunk;
	}
	return NULL;
}

/*
 * Read the names stream in 64 KiB steps until `num` entries have been seen
 * (its total size is not recorded anywhere we can trust).
 */
static struct pmt_err *read_names(struct pmt_target *t, uint64_t addr, uint32_t num, uint8_t **out,
				  size_t *len_out)
{
	struct names_reader r = { .t = t, .addr = addr };
	struct pmt_err *err = NULL;
	size_t pos = 0;

	for (uint32_t seen = 0; seen < num; seen++) {
		size_t need;

		err = names_ensure(&r, pos + 2);
		if (err)
			break;
		need = r.buf[pos];
		if (need & 0x80) {
			need = (need & 0x7f) | ((size_t)r.buf[pos + 1] << 7);
			pos += 2;
		} else {
			pos += 1;
		}
		pos += need;
	}
	if (!err)
		err = names_ensure(&r, pos);
	if (err) {
		free(r.buf);
		return err;
	}
	*out = r.buf;
	*len_out = pos;
	return NULL;
}

/* Is the table already in address order (it is, from scripts/kallsyms)? */
static bool sorted(const struct ksym *s, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (by_addr(&s[i - 1], &s[i]) > 0)
			return false;
	return true;
}

struct pmt_err *kallsyms_load(struct pmt_target *t, const struct ftrace_layout *L,
			      struct kallsyms **out)
{
#define KS_ADDR(f) (L->f.ok ? L->f.addr : 0)
	struct kallsyms_tables tab = {
		.num_syms = KS_ADDR(sym_ks_num_syms),
		.names = KS_ADDR(sym_ks_names),
		.token_table = KS_ADDR(sym_ks_token_table),
		.token_index = KS_ADDR(sym_ks_token_index),
		.offsets = KS_ADDR(sym_ks_offsets),
		.relative_base = KS_ADDR(sym_ks_relative_base),
		.addresses = KS_ADDR(sym_ks_addresses),
		.anchor = "_text",
		.anchor_addr = KS_ADDR(sym_text),
		.stext = L->sym_stext.ok && L->sym_end.ok ? L->sym_stext.addr : 0,
		.end = L->sym_stext.ok && L->sym_end.ok ? L->sym_end.addr : 0,
	};
#undef KS_ADDR

	return kallsyms_load_tables(t, &tab, out);
}

struct pmt_err *kallsyms_load_tables(struct pmt_target *t, const struct kallsyms_tables *tab,
				     struct kallsyms **out)
{
	uint8_t *tidx = NULL, *offs = NULL;
	uint64_t base = 0, text = 0;
	/* relative offsets (see enum ks_mode); else absolute kallsyms_addresses */
	bool relative = tab->offsets != 0;
	struct kallsyms *ks = NULL;
	struct pmt_err *err;
	uint32_t num;
	size_t pos = 0;
	int64_t *raw = NULL;
	long text_idx = -1;

	*out = NULL;
	if (!tab->num_syms || !tab->names || !tab->token_table || !tab->token_index ||
	    (!relative && !tab->addresses))
		return pmt_err_new(PMT_ERR_ABSENT, "kernel has no kallsyms tables");
	err = pmt_read_u32(t, tab->num_syms, &num);
	if (err)
		return pmt_err_prefix(err, "kallsyms_num_syms");
	if (num == 0 || num > MAX_SYMS)
		return pmt_err_new(PMT_ERR_CORRUPT, "implausible kallsyms_num_syms %u", num);
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &pmt_err_nomem;

	err = read_array(t, tab->token_index, sizeof(ks->token_off), &tidx);
	if (err)
		goto fail;
	for (int i = 0; i < 256; i++) {
		ks->token_off[i] = pmt_get_u16(t, tidx + 2 * i);
		if (ks->token_off[i] + 1u > ks->ttab_len)
			ks->ttab_len = ks->token_off[i] + 1u;
	}
	ks->ttab_len += 256; /* room for the last token's text */
	err = read_array(t, tab->token_table, ks->ttab_len, (uint8_t **)&ks->ttab);
	if (err)
		goto fail;
	ks->ttab[ks->ttab_len - 1] = '\0';
	err = read_names(t, tab->names, num, &ks->names, &ks->names_len);
	if (err)
		goto fail;
	if (relative) {
		err = read_array(t, tab->offsets, (size_t)num * 4, &offs);
		if (!err && tab->relative_base)
			err = pmt_read_ulong(t, tab->relative_base, &base);
	} else {
		err = read_array(t, tab->addresses, (size_t)num * t->word_size, &offs);
	}
	if (err)
		goto fail;

	raw = calloc(num, sizeof(*raw));
	ks->syms = calloc(num, sizeof(*ks->syms));
	ks->name_pos = calloc(num, sizeof(*ks->name_pos));
	ks->expanded = calloc(num, sizeof(*ks->expanded));
	if (!raw || !ks->syms || !ks->name_pos || !ks->expanded) {
		err = &pmt_err_nomem;
		goto fail;
	}
	ks->n = num;
	/* where each entry starts (read_names() checked that they all fit) */
	for (uint32_t i = 0; i < num; i++) {
		size_t len = ks->names[pos];

		ks->name_pos[i] = (uint32_t)pos;
		if (len & 0x80)
			len = ((len & 0x7f) | ((size_t)ks->names[pos + 1] << 7)) + 1;
		pos += 1 + len;
		ks->syms[i].order = i;
		if (relative)
			raw[i] = (int32_t)pmt_get_u32(t, offs + 4 * (size_t)i);
		else
			raw[i] = (int64_t)pmt_get_ulong(t, offs + (size_t)i * t->word_size);
	}

	/* Pick the offset encoding by where it puts the anchor, _text (near
	 * the start of the table: expanding names until it is found is cheap). */
	text = tab->anchor ? tab->anchor_addr : 0;
	enum ks_mode mode = tab->relative_base ? KS_ABS_PERCPU : KS_PLACE_REL;

	for (uint32_t i = 0; relative && text && i < num && text_idx < 0; i++)
		if (!strcmp(ks_name(ks, i) + 1, tab->anchor))
			text_idx = (long)i;
	for (enum ks_mode m = KS_ABS_PERCPU; text_idx >= 0 && m <= KS_TEXT_REL; m++) {
		if ((m == KS_ABS_PERCPU || m == KS_BASE_REL) && !tab->relative_base)
			continue;
		if (ks_address(m, raw[text_idx], base, text, tab->offsets, (uint32_t)text_idx) ==
		    text) {
			mode = m;
			break;
		}
	}
	for (uint32_t i = 0; i < num; i++)
		ks->syms[i].addr = relative ? ks_address(mode, raw[i], base, text, tab->offsets, i)
					    : (uint64_t)raw[i];
	if (!sorted(ks->syms, ks->n))
		qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	/* the kernel image, for "no symbol" outside it: the target knows
	 * _stext and _end (run-time addresses); else find them by name */
	ks->lo = 0;
	ks->hi = UINT64_MAX;
	if (tab->stext && tab->end) {
		ks->lo = tab->stext;
		ks->hi = tab->end;
	} else if (!tab->bounds_later) {
		for (size_t i = 0; i < ks->n; i++) {
			const char *name = ks_name(ks, ks->syms[i].order) + 1;

			if (!strcmp(name, "_stext"))
				ks->lo = ks->syms[i].addr;
			else if (!strcmp(name, "_end"))
				ks->hi = ks->syms[i].addr;
		}
	}
	free(raw);
	free(tidx);
	free(offs);
	*out = ks;
	return NULL;
fail:
	free(raw);
	free(tidx);
	free(offs);
	kallsyms_free(ks);
	return err;
}

void kallsyms_free(struct kallsyms *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; ks->expanded && i < ks->n; i++)
		free(ks->expanded[i]);
	free(ks->expanded);
	free(ks->name_pos);
	free(ks->names);
	free(ks->ttab);
	free(ks->syms);
	free(ks);
}

size_t kallsyms_count(const struct kallsyms *ks)
{
	return ks ? ks->n : 0;
}

/* Does table entry i's name equal `name`? Expanded into a bounded buffer,
 * not cached: a search goes over every symbol once. */
static bool ks_name_is(const struct kallsyms *ks, uint32_t i, const char *name, size_t nlen)
{
	const uint8_t *p = ks->names + ks->name_pos[i];
	size_t len = *p++, got = 0;
	bool first = true;

	if (ks->expanded[i])
		return !strcmp(ks->expanded[i] + 1, name);
	if (len & 0x80)
		len = (len & 0x7f) | ((size_t)*p++ << 7);
	for (size_t k = 0; k < len; k++) {
		const char *tok = ks->ttab + ks->token_off[p[k]];
		size_t tl = strnlen(tok, ks->ttab_len - ks->token_off[p[k]]);

		if (first && tl) { /* the first character is the type */
			tok++;
			tl--;
			first = false;
		}
		if (got + tl > nlen || memcmp(name + got, tok, tl))
			return false;
		got += tl;
	}
	return got == nlen;
}

bool kallsyms_find(const struct kallsyms *ks, const char *name, uint64_t *addr)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; ks && i < ks->n; i++) {
		if (ks_name_is(ks, ks->syms[i].order, name, nlen)) {
			*addr = ks->syms[i].addr;
			return true;
		}
	}
	return false;
}

/* The symbol addr is in (its index in syms, the first of equal addresses)
 * and where that symbol ends, through the cache; false if none. */
static bool ks_locate(const struct kallsyms *ks, uint64_t addr, size_t *sym, uint64_t *end)
{
	struct ks_hit *h;
	size_t lo = 0, hi;

	if (!ks || !ks->n || addr < ks->lo || addr >= ks->hi || addr < ks->syms[0].addr)
		return false;
	/* Fibonacci hashing: the top bits of addr * 2^64/phi */
	h = (struct ks_hit *)&ks->hits[(addr * 0x9e3779b97f4a7c15ull) >> (64 - KS_CACHE_BITS)];
	if (h->sym1 && h->addr == addr) {
		*sym = h->sym1 - 1;
		*end = h->end;
		return true;
	}
	hi = ks->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* get_symbol_pos(): the size runs to the next symbol at a higher
	 * address (the end of the image for the last one) */
	*end = ks->hi;
	for (hi = lo + 1; hi < ks->n; hi++) {
		if (ks->syms[hi].addr > ks->syms[lo].addr) {
			*end = ks->syms[hi].addr;
			break;
		}
	}
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	*sym = lo;
	*h = (struct ks_hit){ .addr = addr, .end = *end, .sym1 = (uint32_t)lo + 1 };
	return true;
}

const char *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset)
{
	return kallsyms_lookup_size(ks, addr, offset, NULL);
}

const char *kallsyms_lookup_size(const struct kallsyms *ks, uint64_t addr, uint64_t *offset,
				 uint64_t *size)
{
	size_t sym;
	uint64_t start, end;

	if (!ks_locate(ks, addr, &sym, &end))
		return NULL;
	start = ks->syms[sym].addr;
	if (offset)
		*offset = addr - start;
	if (size)
		*size = end > start ? end - start : 0;
	/* expanding a name caches it: logically const */
	return ks_name((struct kallsyms *)ks, ks->syms[sym].order) + 1;
}

void kallsyms_each(const struct kallsyms *ks,
		   bool (*fn)(void *arg, const char *name, uint64_t addr, char type), void *arg)
{
	char buf[1024];

	for (size_t i = 0; ks && i < ks->n; i++) {
		uint32_t order = ks->syms[i].order;
		const uint8_t *p = ks->names + ks->name_pos[order];
		size_t len = *p++, total = 0;

		if (len & 0x80)
			len = (len & 0x7f) | ((size_t)*p++ << 7);
		for (size_t k = 0; k < len; k++) {
			const char *tok = ks->ttab + ks->token_off[p[k]];
			size_t tl = strnlen(tok, ks->ttab_len - ks->token_off[p[k]]);

			if (tl > sizeof(buf) - 1 - total) /* longer than any kernel name */
				tl = sizeof(buf) - 1 - total;
			memcpy(buf + total, tok, tl);
			total += tl;
		}
		if (!total)
			buf[total++] = '?';
		buf[total] = '\0';
		if (!fn(arg, buf + 1, ks->syms[i].addr, buf[0]))
			return;
	}
}

void kallsyms_set_bounds(struct kallsyms *ks, uint64_t lo, uint64_t hi)
{
	if (ks) {
		ks->lo = lo;
		ks->hi = hi;
	}
}

uint64_t kallsyms_names_len(const struct kallsyms *ks)
{
	return ks ? ks->names_len : 0;
}

uint32_t kallsyms_name_offset(const struct kallsyms *ks, size_t index)
{
	return ks && index < ks->n ? ks->name_pos[index] : 0;
}

void kallsyms_write(const struct kallsyms *ks, FILE *out)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++) {
		const char *name = ks_name((struct kallsyms *)ks, ks->syms[i].order);

		fprintf(out, "%016" PRIx64 " %c %s\n", ks->syms[i].addr, name[0], name + 1);
	}
}

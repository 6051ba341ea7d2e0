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
 * Names are expanded lazily: loading keeps the compressed stream and where
 * each symbol's entry starts; a name is expanded the first time a lookup
 * returns it (a trace names a few hundred functions of ~100,000).
 */
struct kallsyms {
	struct ksym *syms; /* sorted by address, then table order */
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
	uint8_t *tidx = NULL, *offs = NULL;
	uint64_t base = 0, text = 0;
	/* relative offsets (see enum ks_mode); else absolute kallsyms_addresses */
	bool relative = L->sym_ks_offsets.ok;
	struct kallsyms *ks = NULL;
	struct pmt_err *err;
	uint32_t num;
	size_t pos = 0;
	int64_t *raw = NULL;
	long text_idx = -1;

	*out = NULL;
	if (!L->sym_ks_num_syms.ok || !L->sym_ks_names.ok || !L->sym_ks_token_table.ok ||
	    !L->sym_ks_token_index.ok || (!relative && !L->sym_ks_addresses.ok))
		return pmt_err_new(PMT_ERR_ABSENT, "kernel has no kallsyms tables");
	err = pmt_read_u32(t, L->sym_ks_num_syms.addr, &num);
	if (err)
		return pmt_err_prefix(err, "kallsyms_num_syms");
	if (num == 0 || num > MAX_SYMS)
		return pmt_err_new(PMT_ERR_CORRUPT, "implausible kallsyms_num_syms %u", num);
	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return &pmt_err_nomem;

	err = read_array(t, L->sym_ks_token_index.addr, sizeof(ks->token_off), &tidx);
	if (err)
		goto fail;
	for (int i = 0; i < 256; i++) {
		ks->token_off[i] = pmt_get_u16(t, tidx + 2 * i);
		if (ks->token_off[i] + 1u > ks->ttab_len)
			ks->ttab_len = ks->token_off[i] + 1u;
	}
	ks->ttab_len += 256; /* room for the last token's text */
	err = read_array(t, L->sym_ks_token_table.addr, ks->ttab_len, (uint8_t **)&ks->ttab);
	if (err)
		goto fail;
	ks->ttab[ks->ttab_len - 1] = '\0';
	err = read_names(t, L->sym_ks_names.addr, num, &ks->names, &ks->names_len);
	if (err)
		goto fail;
	if (relative) {
		err = read_array(t, L->sym_ks_offsets.addr, (size_t)num * 4, &offs);
		if (!err && L->sym_ks_relative_base.ok)
			err = pmt_read_ulong(t, L->sym_ks_relative_base.addr, &base);
	} else {
		err = read_array(t, L->sym_ks_addresses.addr, (size_t)num * t->word_size, &offs);
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

	/* Pick the offset encoding by where it puts _text (near the start of
	 * the table: expanding names until it is found is cheap). */
	if (L->sym_text.ok)
		text = L->sym_text.addr;
	enum ks_mode mode = L->sym_ks_relative_base.ok ? KS_ABS_PERCPU : KS_PLACE_REL;

	for (uint32_t i = 0; relative && text && i < num && text_idx < 0; i++)
		if (!strcmp(ks_name(ks, i) + 1, "_text"))
			text_idx = (long)i;
	for (enum ks_mode m = KS_ABS_PERCPU; text_idx >= 0 && m <= KS_TEXT_REL; m++) {
		if ((m == KS_ABS_PERCPU || m == KS_BASE_REL) && !L->sym_ks_relative_base.ok)
			continue;
		if (ks_address(m, raw[text_idx], base, text, L->sym_ks_offsets.addr,
			       (uint32_t)text_idx) == text) {
			mode = m;
			break;
		}
	}
	for (uint32_t i = 0; i < num; i++)
		ks->syms[i].addr =
			relative ? ks_address(mode, raw[i], base, text, L->sym_ks_offsets.addr, i)
				 : (uint64_t)raw[i];
	if (!sorted(ks->syms, ks->n))
		qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	/* the kernel image, for "no symbol" outside it: the target knows
	 * _stext and _end (run-time addresses); else find them by name */
	ks->lo = 0;
	ks->hi = UINT64_MAX;
	if (L->sym_stext.ok && L->sym_end.ok) {
		ks->lo = L->sym_stext.addr;
		ks->hi = L->sym_end.addr;
	} else {
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

const char *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi;

	if (!ks || !ks->n || addr < ks->lo || addr >= ks->hi || addr < ks->syms[0].addr)
		return NULL;
	hi = ks->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	while (lo > 0 && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	if (offset)
		*offset = addr - ks->syms[lo].addr;
	/* expanding a name caches it: logically const */
	return ks_name((struct kallsyms *)ks, ks->syms[lo].order) + 1;
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

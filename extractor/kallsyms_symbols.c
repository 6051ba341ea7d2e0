// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols from the dump's kallsyms (see kallsyms_symbols.h).
 *
 * One decode of the tables (lib/kallsyms.c: ~90k symbols on 6.1, ~190k on
 * 7.2), then one pass expanding every name into an arena and a hash index
 * from name to the preferred symbol of that name.
 * The decode is checked against VMCOREINFO before it is trusted: the symbol
 * _stext must decode to SYMBOL(_stext).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_target.h"
#include "kallsyms.h"
#include "kallsyms_symbols.h"

struct sym_ent {
	uint32_t name; /* offset + 1 in the name arena; 0: empty slot */
	int rank;      /* lower is preferred */
	uint64_t addr; /* run-time */
};

struct ksyms_tgt {
	struct kallsyms *ks;
	struct sym_ent *e;
	size_t cap;
	char *arena; /* the names, NUL-separated */
	size_t arena_len, arena_cap;
	bool oom;
	uint64_t kaslr;
	/* kallsyms' own tables, from VMCOREINFO (run-time; 0 = absent) */
	struct {
		const char *name;
		uint64_t addr;
	} tables[8];
	size_t ntables;
};

static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static struct sym_ent *slot(const struct ksyms_tgt *k, const char *name)
{
	size_t i = hash_name(name) & (k->cap - 1);

	while (k->e[i].name && strcmp(k->arena + k->e[i].name - 1, name))
		i = (i + 1) & (k->cap - 1);
	return &k->e[i];
}

/*
 * vmlinux_symbol()'s preference in kallsyms terms: data (b d r g s v and
 * their globals) before absolute before text; global (upper case) before
 * weak (W V w v) before local (lower case).
 */
static int rank_of(char type)
{
	int cls, bind;

	switch (type) {
	case 'b':
	case 'B':
	case 'd':
	case 'D':
	case 'r':
	case 'R':
	case 'g':
	case 'G':
	case 's':
	case 'S':
	case 'v':
	case 'V':
		cls = 0;
		break;
	case 'a':
	case 'A':
		cls = 1;
		break;
	default:
		cls = 2;
		break;
	}
	if (type == 'W' || type == 'V' || type == 'w' || type == 'v')
		bind = 1;
	else if (type >= 'A' && type <= 'Z')
		bind = 0;
	else
		bind = 2;
	return cls * 3 + bind;
}

static bool vmci_hex(struct dump *d, const char *key, uint64_t *v)
{
	const char *s = dump_vmcoreinfo(d, key);
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*v = strtoull(s, &end, 16);
	return !errno && end != s && !*end;
}

static bool vmci_symbol(struct dump *d, const char *name, uint64_t *v)
{
	char key[96];

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return vmci_hex(d, key, v) && *v;
}

static void add_table(struct ksyms_tgt *k, const char *name, uint64_t addr)
{
	if (addr && k->ntables < sizeof(k->tables) / sizeof(k->tables[0])) {
		k->tables[k->ntables].name = name;
		k->tables[k->ntables].addr = addr;
		k->ntables++;
	}
}

/*
 * kallsyms_markers[i] is the offset in kallsyms_names of symbol 256 * i, u32
 * (or a long in older kernels), placed after kallsyms_names at some
 * alignment. Accept a candidate only if every entry matches the decode.
 */
static void find_markers(struct ksyms_tgt *k, struct pmt_target *mem, uint64_t names)
{
	static const unsigned int aligns[] = { 4, 8, 16 };
	uint64_t names_len = kallsyms_names_len(k->ks);
	size_t n = (kallsyms_count(k->ks) + 255) / 256;
	unsigned int widths[2] = { 4, mem->word_size };
	uint8_t *buf;

	if (!n || n > (1u << 16))
		return;
	buf = malloc(n * 8);
	if (!buf)
		return;
	for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
		uint64_t at = (names + names_len + aligns[a] - 1) & ~(uint64_t)(aligns[a] - 1);

		for (size_t w = 0; w < 2; w++) {
			struct pmt_err *err = pmt_read(mem, at, buf, n * widths[w]);
			size_t i;

			if (err) {
				pmt_err_free(err);
				continue;
			}
			for (i = 0; i < n; i++)
				if (pmt_get_uint(mem, buf + i * widths[w], widths[w]) !=
				    kallsyms_name_offset(k->ks, 256 * i))
					break;
			if (i == n) {
				add_table(k, "kallsyms_markers", at);
				free(buf);
				return;
			}
		}
	}
	free(buf);
}

static struct ksyms_tgt *kt_of(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *op_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_UNSUPPORTED, addr, "the kallsyms target has no memory");
}

static struct pmt_err *op_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	struct ksyms_tgt *k = kt_of(t);
	struct sym_ent *e;

	for (size_t i = 0; i < k->ntables; i++) {
		if (!strcmp(k->tables[i].name, name)) {
			*addr = k->tables[i].addr - k->kaslr;
			return NULL;
		}
	}
	e = slot(k, name);
	if (!e->name)
		return pmt_err_new(PMT_ERR_ABSENT, "symbol '%s' not in the dump's kallsyms", name);
	*addr = e->addr - k->kaslr;
	return NULL;
}

static struct pmt_err *op_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return pmt_err_new(PMT_ERR_ABSENT, "kallsyms has no types ('%s')", type);
}

static struct pmt_err *op_member(struct pmt_target *t, const char *type, const char *path,
				 struct pmt_member *out)
{
	return pmt_err_new(PMT_ERR_ABSENT, "kallsyms has no types ('%s')", type);
}

static struct pmt_err *op_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	return pmt_err_new(PMT_ERR_ABSENT, "kallsyms has no enumerators ('%s')", name);
}

static void op_destroy(struct pmt_target *t)
{
	struct ksyms_tgt *k = kt_of(t);

	if (k) {
		kallsyms_free(k->ks);
		free(k->e);
		free(k->arena);
		free(k);
	}
	free(t);
}

static const struct pmt_target_ops ksyms_ops = {
	.read = op_read,
	.symbol = op_symbol,
	.type_size = op_type_size,
	.member = op_member,
	.enumerator = op_enumerator,
	.destroy = op_destroy,
};

size_t kallsyms_symbols_count(struct pmt_target *t)
{
	return t && t->ops == &ksyms_ops ? kallsyms_count(kt_of(t)->ks) : 0;
}

/* One symbol into the index (kallsyms_each() callback). */
static bool index_one(void *arg, const char *name, uint64_t addr, char type)
{
	struct ksyms_tgt *k = arg;
	struct sym_ent *e = slot(k, name);
	int rank = rank_of(type);
	size_t len;

	/* address order: the first of equal rank is the lowest address */
	if (e->name) {
		if (rank < e->rank) {
			e->rank = rank;
			e->addr = addr;
		}
		return true;
	}
	len = strlen(name) + 1;
	if (k->arena_len + len > k->arena_cap) {
		size_t cap = k->arena_cap ? 2 * k->arena_cap : 1u << 20;
		char *n;

		while (cap < k->arena_len + len)
			cap *= 2;
		n = cap <= UINT32_MAX ? realloc(k->arena, cap) : NULL;
		if (!n) {
			k->oom = true;
			return false;
		}
		k->arena = n;
		k->arena_cap = cap;
	}
	memcpy(k->arena + k->arena_len, name, len);
	*e = (struct sym_ent){ .name = (uint32_t)k->arena_len + 1, .rank = rank, .addr = addr };
	k->arena_len += len;
	return true;
}

static struct pmt_err *build_index(struct ksyms_tgt *k)
{
	size_t n = kallsyms_count(k->ks);

	k->cap = 1024;
	while (k->cap < 2 * n + 2)
		k->cap *= 2;
	k->e = calloc(k->cap, sizeof(*k->e));
	if (!k->e)
		return &pmt_err_nomem;
	kallsyms_each(k->ks, index_one, k);
	return k->oom ? &pmt_err_nomem : NULL;
}

struct pmt_err *kallsyms_symbols_target(struct dump *d, struct pmt_target *mem,
					struct pmt_target **out)
{
	struct kallsyms_tables tab = { .anchor = "_stext", .bounds_later = true };
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE");
	struct pmt_target *t = NULL;
	struct ksyms_tgt *k = NULL;
	struct pmt_err *err;
	struct sym_ent *e;

	*out = NULL;
	vmci_symbol(d, "kallsyms_num_syms", &tab.num_syms);
	vmci_symbol(d, "kallsyms_names", &tab.names);
	vmci_symbol(d, "kallsyms_token_table", &tab.token_table);
	vmci_symbol(d, "kallsyms_token_index", &tab.token_index);
	vmci_symbol(d, "kallsyms_offsets", &tab.offsets);
	vmci_symbol(d, "kallsyms_relative_base", &tab.relative_base);
	vmci_symbol(d, "kallsyms_addresses", &tab.addresses);
	if (!tab.num_syms || !tab.names || !tab.token_table || !tab.token_index ||
	    (!tab.offsets && !tab.addresses))
		return pmt_err_new(PMT_ERR_ABSENT,
				   "the VMCOREINFO of kernel %s has no kallsyms tables "
				   "(SYMBOL(kallsyms_names) and the rest: Linux 6.0 added them)",
				   rel ? rel : "(unknown)");
	if (!vmci_symbol(d, "_stext", &tab.anchor_addr))
		return pmt_err_new(PMT_ERR_ABSENT, "VMCOREINFO has no SYMBOL(_stext)");
	t = calloc(1, sizeof(*t));
	k = calloc(1, sizeof(*k));
	if (!t || !k) {
		free(t);
		free(k);
		return &pmt_err_nomem;
	}
	t->ops = &ksyms_ops;
	t->priv = k;
	t->word_size = mem->word_size;
	t->big_endian = mem->big_endian;
	k->kaslr = dump_kaslr_offset(d);
	err = kallsyms_load_tables(mem, &tab, &k->ks);
	if (err) {
		err = pmt_err_prefix(err, "kallsyms (tables at %#" PRIx64 " per VMCOREINFO)",
				     tab.names);
		goto fail;
	}
	err = build_index(k);
	if (err)
		goto fail;
	e = slot(k, "_stext");
	if (e->name) {
		struct sym_ent *end = slot(k, "_end");

		kallsyms_set_bounds(k->ks, e->addr, end->name ? end->addr : UINT64_MAX);
	}
	if (!e->name || e->addr != tab.anchor_addr) {
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "kallsyms decoded from the dump puts _stext at %#" PRIx64
				  ", VMCOREINFO at %#" PRIx64 ": the tables are damaged",
				  e->name ? e->addr : 0, tab.anchor_addr);
		goto fail;
	}
	add_table(k, "kallsyms_num_syms", tab.num_syms);
	add_table(k, "kallsyms_names", tab.names);
	add_table(k, "kallsyms_token_table", tab.token_table);
	add_table(k, "kallsyms_token_index", tab.token_index);
	add_table(k, "kallsyms_offsets", tab.offsets);
	add_table(k, "kallsyms_relative_base", tab.relative_base);
	add_table(k, "kallsyms_addresses", tab.addresses);
	find_markers(k, mem, tab.names);
	*out = t;
	return NULL;
fail:
	op_destroy(t);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Loaded modules and their symbols, from the dump (see modules.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "modules.h"

#define MAX_MODULES  65536
#define MAX_MOD_SYMS (1u << 20)
#define MAX_SYM_NAME 512
#define SYM_BATCH    256

struct mod_layout {
	struct pmt_member list, name, kallsyms, base, next;
	struct pmt_member ks_symtab, ks_num, ks_strtab;
	uint64_t modules; /* the list head symbol */
};

/* A member, or false with *m zeroed (a failed answer leaves nothing). */
static bool ask(struct pmt_target *t, const char *type, const char *path, struct pmt_member *m)
{
	struct pmt_err *err = pmt_member(t, type, path, m);

	if (err)
		memset(m, 0, sizeof(*m));
	pmt_err_free(err);
	return !err;
}

static struct pmt_err *layout(struct pmt_target *t, struct mod_layout *L)
{
	static const char *const bases[] = { "core_layout.base", "module_core", NULL };
	struct pmt_member mem;
	struct pmt_err *err;

	memset(L, 0, sizeof(*L));
	err = pmt_symbol(t, "modules", &L->modules);
	if (err)
		return pmt_err_prefix(err, "module list");
	if (!ask(t, "struct module", "list", &L->list) ||
	    !ask(t, "struct module", "name", &L->name) ||
	    !ask(t, "struct list_head", "next", &L->next))
		return pmt_err_new(PMT_ERR_ABSENT, "struct module has no list/name in the types");
	/* 6.4+: mem is an array of struct module_memory indexed by MOD_TEXT
	 * (0): element 0's base, asked in two steps (no type source answers a
	 * path through an array) */
	if (ask(t, "struct module", "mem", &mem) && mem.kind == PMT_KIND_ARRAY &&
	    ask(t, "struct module_memory", "base", &L->base))
		L->base.offset += mem.offset;
	for (const char *const *b = bases; *b && !L->base.size; b++)
		ask(t, "struct module", *b, &L->base);
	if (ask(t, "struct module", "kallsyms", &L->kallsyms)) {
		ask(t, "struct mod_kallsyms", "symtab", &L->ks_symtab);
		ask(t, "struct mod_kallsyms", "num_symtab", &L->ks_num);
		ask(t, "struct mod_kallsyms", "strtab", &L->ks_strtab);
	}
	return NULL;
}

void modules_resolve_types(struct pmt_target *t)
{
	struct mod_layout L;

	pmt_err_free(layout(t, &L));
}

static void read_kallsyms(struct pmt_target *t, const struct mod_layout *L, struct kmodule *m)
{
	uint64_t ks, num = 0;

	if (!L->ks_symtab.size || !pmt_ok(pmt_read_ulong(t, m->addr + L->kallsyms.offset, &ks)) || !ks)
		return;
	if (!pmt_ok(pmt_read_ulong(t, ks + L->ks_symtab.offset, &m->symtab)) ||
	    !pmt_ok(pmt_read_ulong(t, ks + L->ks_strtab.offset, &m->strtab)) ||
	    !pmt_ok(pmt_read_member(t, ks, &L->ks_num, &num)))
		m->symtab = m->strtab = 0;
	m->nsyms = num > MAX_MOD_SYMS ? MAX_MOD_SYMS : (uint32_t)num;
}

struct pmt_err *modules_load(struct pmt_target *t, struct kmodules *out)
{
	struct mod_layout L;
	struct addr_set seen;
	struct pmt_err *err;
	uint64_t node;

	memset(out, 0, sizeof(*out));
	err = layout(t, &L);
	if (err)
		return err;
	addr_set_init(&seen);
	err = pmt_read_ulong(t, L.modules + L.next.offset, &node);
	while (!err && node != L.modules) {
		struct kmodule *nm, *m;
		char *name = NULL;

		if (out->n >= MAX_MODULES || addr_set_add(&seen, node) != 1) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "module list does not end (at %#" PRIx64 ")", node);
			break;
		}
		nm = realloc(out->mod, (out->n + 1) * sizeof(*nm));
		if (!nm) {
			err = &pmt_err_nomem;
			break;
		}
		out->mod = nm;
		m = &out->mod[out->n];
		memset(m, 0, sizeof(*m));
		m->addr = node - L.list.offset;
		err = pmt_read_string(t, m->addr + L.name.offset, MODULE_NAME_MAX, &name);
		if (err)
			break;
		snprintf(m->name, sizeof(m->name), "%s", name);
		free(name);
		if (L.base.size)
			pmt_err_free(pmt_read_ulong(t, m->addr + L.base.offset, &m->base));
		read_kallsyms(t, &L, m);
		out->n++;
		err = pmt_read_ulong(t, node + L.next.offset, &node);
	}
	addr_set_free(&seen);
	return err ? pmt_err_prefix(err, "module list") : NULL;
}

void modules_free(struct kmodules *m)
{
	free(m->mod);
	m->mod = NULL;
	m->n = 0;
}

const struct kmodule *modules_find(const struct kmodules *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->mod[i].name, name))
			return &m->mod[i];
	return NULL;
}

struct pmt_err *module_symbol(struct pmt_target *t, const struct kmodule *m, const char *name,
			      uint64_t *addr)
{
	/* ELF symbols: Elf64_Sym {u32 name; u8 info, other; u16 shndx; u64 value, size}
	 * and Elf32_Sym {u32 name, value, size; u8 info, other; u16 shndx} */
	size_t esz = t->word_size == 8 ? 24 : 16, want = strlen(name);
	uint8_t buf[SYM_BATCH * 24];

	if (want >= MAX_SYM_NAME)
		return pmt_err_new(PMT_ERR_INVALID, "symbol name too long: %s", name);
	if (!m->symtab || !m->strtab || !m->nsyms)
		return pmt_err_new(PMT_ERR_ABSENT, "module %s: no symbol table in the dump",
				   m->name);
	for (uint32_t i = 0; i < m->nsyms; i += SYM_BATCH) {
		uint32_t n = m->nsyms - i < SYM_BATCH ? m->nsyms - i : SYM_BATCH;
		struct pmt_err *err = pmt_read(t, m->symtab + (uint64_t)i * esz, buf, n * esz);

		if (err)
			return pmt_err_prefix(err, "module %s: symbol table", m->name);
		for (uint32_t k = 0; k < n; k++) {
			const uint8_t *s = buf + k * esz;
			uint32_t off = pmt_get_u32(t, s);
			char sym[MAX_SYM_NAME];

			if (!pmt_ok(pmt_read(t, m->strtab + off, sym, want + 1)) ||
			    memcmp(sym, name, want) || sym[want] != '\0')
				continue;
			*addr = esz == 24 ? pmt_get_u64(t, s + 8) : pmt_get_u32(t, s + 4);
			return NULL;
		}
	}
	return pmt_err_new(PMT_ERR_ABSENT, "module %s has no symbol %s", m->name, name);
}

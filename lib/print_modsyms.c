// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Symbols of loaded modules for the printers (%ps, stack entries, the ip
 * of a trace_printk() in a module), looked up the way the kernel's
 * find_kallsyms_symbol() does: the module whose text holds the address, the
 * closest preceding named, defined symbol of its ELF table, and a size that
 * runs to the next symbol or the end of the module's text.
 *
 * The module list (tr->modules, lib/modules.c) gives each module's symbol
 * table in the dump; a module's table is read once, on the first address
 * that falls in its text, and kept sorted with the event formats.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "print_internal.h"

#define MAX_MOD_SYMS (1u << 20)
#define MAX_NAME     128

struct modsym {
	uint64_t addr;
	uint32_t index; /* in the module's table: the first of equal addresses wins */
	char *name;
};

struct modsyms {
	const struct kmodule *m;
	uint64_t text_end; /* base + text size, 0 if unknown */
	bool loaded;
	struct modsym *sym; /* sorted by address */
	size_t n;
};

struct modsym_cache {
	struct modsyms *mods; /* one per tr->modules entry */
	size_t n;
};

static int by_addr(const void *a, const void *b)
{
	const struct modsym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* is_mapping_symbol(): ARM/RISC-V mapping and local labels */
static bool mapping_symbol(const char *s)
{
	return (s[0] == '.' && s[1] == 'L') || (s[0] == 'L' && s[1] == '0') || s[0] == '$';
}

static void load_module(const struct pmt_trace *tr, struct modsyms *ms)
{
	struct pmt_target *t = tr->t;
	const struct kmodule *m = ms->m;
	size_t esz = t->word_size == 8 ? 24 : 16;
	uint8_t s[24];

	ms->loaded = true;
	if (!m->symtab || !m->strtab || !m->nsyms || m->nsyms > MAX_MOD_SYMS)
		return;
	ms->sym = calloc(m->nsyms, sizeof(*ms->sym));
	if (!ms->sym)
		return;
	/* ELF starts real symbols at 1 */
	for (uint32_t i = 1; i < m->nsyms; i++) {
		uint32_t name_off;
		uint16_t shndx;
		uint64_t value;
		char *name = NULL;
		struct pmt_err *err = pmt_read(t, m->symtab + (uint64_t)i * esz, s, esz);

		if (err) {
			pmt_err_free(err);
			break;
		}
		name_off = pmt_get_u32(t, s);
		shndx = (uint16_t)pmt_get_uint(t, s + (esz == 24 ? 6 : 14), 2);
		value = esz == 24 ? pmt_get_u64(t, s + 8) : pmt_get_u32(t, s + 4);
		if (shndx == 0 /* SHN_UNDEF */)
			continue;
		err = pmt_read_string(t, m->strtab + name_off, MAX_NAME, &name);
		if (err) {
			pmt_err_free(err);
			continue;
		}
		if (!*name || mapping_symbol(name)) {
			free(name);
			continue;
		}
		ms->sym[ms->n].addr = value;
		ms->sym[ms->n].index = i;
		ms->sym[ms->n].name = name;
		ms->n++;
	}
	qsort(ms->sym, ms->n, sizeof(*ms->sym), by_addr);
}

static struct modsym_cache *cache(const struct pmt_trace *tr)
{
	struct event_db *db = tr->events;
	const struct ftrace_layout *L = &tr->L;
	struct modsym_cache *c;

	if (!db || !tr->modules.n)
		return NULL;
	if (db->modsyms)
		return db->modsyms;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->mods = calloc(tr->modules.n, sizeof(*c->mods));
	if (!c->mods) {
		free(c);
		return NULL;
	}
	c->n = tr->modules.n;
	for (size_t i = 0; i < c->n; i++) {
		const struct kmodule *m = &tr->modules.mod[i];
		uint64_t size = 0;

		c->mods[i].m = m;
		if (m->base && L->mod_text_size.ok &&
		    pmt_ok(pmt_read_member(tr->t, m->addr, &L->mod_text_size.m, &size)) && size &&
		    size < (1ULL << 32))
			c->mods[i].text_end = m->base + size;
	}
	db->modsyms = c;
	return c;
}

const char *modsym_lookup(const struct pmt_trace *tr, uint64_t addr, uint64_t *off, uint64_t *size,
			  const char **mod)
{
	struct modsym_cache *c = cache(tr);

	for (size_t i = 0; c && i < c->n; i++) {
		struct modsyms *ms = &c->mods[i];
		size_t lo = 0, hi;
		uint64_t next;

		if (!ms->m->base || !ms->text_end || addr < ms->m->base || addr >= ms->text_end)
			continue;
		if (!ms->loaded)
			load_module(tr, ms);
		/* the last symbol at or below addr */
		hi = ms->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (ms->sym[mid].addr <= addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo)
			return NULL;
		next = ms->text_end;
		for (size_t k = lo; k < ms->n; k++) {
			if (ms->sym[k].addr > addr) {
				next = ms->sym[k].addr < next ? ms->sym[k].addr : next;
				break;
			}
		}
		/* the first of equal addresses, as the kernel's strict '>' keeps it */
		while (lo > 1 && ms->sym[lo - 2].addr == ms->sym[lo - 1].addr)
			lo--;
		*off = addr - ms->sym[lo - 1].addr;
		*size = next - ms->sym[lo - 1].addr;
		*mod = ms->m->name;
		return ms->sym[lo - 1].name;
	}
	return NULL;
}

void modsym_free(struct event_db *db)
{
	struct modsym_cache *c = db->modsyms;

	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->mods[i].n; k++)
			free(c->mods[i].sym[k].name);
		free(c->mods[i].sym);
	}
	free(c->mods);
	free(c);
	db->modsyms = NULL;
}

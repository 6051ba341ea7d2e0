/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's loaded modules, read from the dump: the `modules` list of
 * struct module, each module's name, load address, and its own symbol table
 * (mod->kallsyms: the relocated ELF symbols the module loader keeps for
 * kallsyms, so st_value is the run-time address). Used to find
 * pmtrace.ko's well-known global (pmtrace_kstate) and module symbols.
 *
 * Layouts come from the target (struct module changed: core_layout.base up
 * to 6.3, mem[MOD_TEXT].base since 6.4); the ELF symbol layout is the ELF
 * standard's for the target's word size. Every walk is bounded (module
 * count, symbol count, string lengths) and every pointer read through the
 * target.
 */
#ifndef PMTRACE_LIB_MODULES_H
#define PMTRACE_LIB_MODULES_H

#include <stddef.h>
#include <stdint.h>

#include "pmtrace/target.h"

#define MODULE_NAME_MAX 64

struct kmodule {
	char name[MODULE_NAME_MAX];
	uint64_t addr; /* struct module */
	uint64_t base; /* start of its text (0 if unknown) */
	uint64_t symtab, strtab;
	uint32_t nsyms;
};

struct kmodules {
	struct kmodule *mod;
	size_t n;
};

/* Walk the module list. Damage ends the walk with an error; what was read is kept. */
struct pmt_err *modules_load(struct pmt_target *t, struct kmodules *out);
void modules_free(struct kmodules *m);
const struct kmodule *modules_find(const struct kmodules *m, const char *name);
/* The run-time address of `name` in module m's symbol table; ABSENT if none. */
struct pmt_err *module_symbol(struct pmt_target *t, const struct kmodule *m, const char *name,
			      uint64_t *addr);
/* Ask every type question modules_load() may ask (for profiles). */
void modules_resolve_types(struct pmt_target *t);

#endif

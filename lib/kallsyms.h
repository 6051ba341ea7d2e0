/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own symbol table, decoded from the dump's kallsyms_* arrays.
 * Used to print function-tracer and %ps fields exactly as the kernel does,
 * with no vmlinux needed (a type profile is enough) and with run-time (KASLR)
 * addresses straight from memory.
 */
#ifndef PMTRACE_KALLSYMS_H
#define PMTRACE_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ftrace_layout.h"
#include "pmtrace/target.h"

struct kallsyms;

struct pmt_err *kallsyms_load(struct pmt_target *t, const struct ftrace_layout *L,
			      struct kallsyms **out);

/*
 * The same from the tables' run-time addresses given directly (0 = the
 * kernel has no such table), e.g. from VMCOREINFO when there is no vmlinux.
 * `anchor` names a symbol whose run-time address `anchor_addr` is known
 * ("_text" or "_stext"): the offset encoding is the one that puts it there.
 * stext/end bound the kernel image when known (else found by name).
 */
struct kallsyms_tables {
	uint64_t num_syms, names, token_table, token_index, offsets, relative_base, addresses;
	const char *anchor;
	uint64_t anchor_addr;
	uint64_t stext, end;
	bool bounds_later; /* no stext/end: leave them to kallsyms_set_bounds() */
};
struct pmt_err *kallsyms_load_tables(struct pmt_target *t, const struct kallsyms_tables *tab,
				     struct kallsyms **out);
void kallsyms_free(struct kallsyms *ks);
/* The symbol containing addr (the kernel's rule: last symbol at or below it,
 * first of its aliases), or NULL outside the kernel image. */
const char *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset);
/* The same with the symbol's size, as kallsyms_lookup_size_offset() gives it. */
const char *kallsyms_lookup_size(const struct kallsyms *ks, uint64_t addr, uint64_t *offset,
				 uint64_t *size);
size_t kallsyms_count(const struct kallsyms *ks);
/* Call fn for every symbol in address order with its name (expanded into a
 * buffer valid only during the call; nothing is cached), run-time address and
 * type letter ('T', 'd', ...); stops when fn returns false. */
void kallsyms_each(const struct kallsyms *ks,
		   bool (*fn)(void *arg, const char *name, uint64_t addr, char type), void *arg);
/* Set the kernel image bounds [lo, hi) after a kallsyms_load_tables() with
 * bounds_later (a caller that finds _stext and _end itself). */
void kallsyms_set_bounds(struct kallsyms *ks, uint64_t lo, uint64_t hi);
/* The decoded layout of kallsyms_names: its length in bytes, and the offset
 * in it of the entry of symbol `index` in the kernel's table order (what
 * kallsyms_markers[k] holds for index 256 * k). */
uint64_t kallsyms_names_len(const struct kallsyms *ks);
uint32_t kallsyms_name_offset(const struct kallsyms *ks, size_t index);
/* The address of the first symbol called `name` (a linear search: for the
 * few names looked up once per output, such as __start_rodata). */
bool kallsyms_find(const struct kallsyms *ks, const char *name, uint64_t *addr);
/* Write "addr type name" lines like /proc/kallsyms. */
void kallsyms_write(const struct kallsyms *ks, FILE *out);

#endif

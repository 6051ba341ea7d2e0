/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own symbol table, decoded from the dump's kallsyms_* arrays.
 * Used to print function-tracer and %ps fields exactly as the kernel does,
 * with no vmlinux needed (a type profile is enough) and with run-time (KASLR)
 * addresses straight from memory.
 */
#ifndef PMTRACE_KALLSYMS_H
#define PMTRACE_KALLSYMS_H

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
};
struct pmt_err *kallsyms_load_tables(struct pmt_target *t, const struct kallsyms_tables *tab,
				     struct kallsyms **out);
void kallsyms_free(struct kallsyms *ks);
/* The symbol containing addr (the kernel's rule: last symbol at or below it,
 * first of its aliases), or NULL outside the kernel image. */
const char *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset);
size_t kallsyms_count(const struct kallsyms *ks);
/* The i-th symbol in address order (i < kallsyms_count()): its name, with
 * its run-time address in *addr and its type letter ('T', 'd', ...) in *type. */
const char *kallsyms_symbol(const struct kallsyms *ks, size_t i, uint64_t *addr, char *type);
/* The decoded layout of kallsyms_names: its length in bytes, and the offset
 * in it of the entry of symbol `index` in the kernel's table order (what
 * kallsyms_markers[k] holds for index 256 * k). */
uint64_t kallsyms_names_len(const struct kallsyms *ks);
uint32_t kallsyms_name_offset(const struct kallsyms *ks, size_t index);
/* Write "addr type name" lines like /proc/kallsyms. */
void kallsyms_write(const struct kallsyms *ks, FILE *out);

#endif

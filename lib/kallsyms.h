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
void kallsyms_free(struct kallsyms *ks);
/* The symbol containing addr (the kernel's rule: last symbol at or below it,
 * first of its aliases), or NULL outside the kernel image. */
const char *kallsyms_lookup(const struct kallsyms *ks, uint64_t addr, uint64_t *offset);
size_t kallsyms_count(const struct kallsyms *ks);
/* The address of the first symbol called `name` (a linear search: for the
 * few names looked up once per output, such as __start_rodata). */
bool kallsyms_find(const struct kallsyms *ks, const char *name, uint64_t *addr);
/* Write "addr type name" lines like /proc/kallsyms. */
void kallsyms_write(const struct kallsyms *ks, FILE *out);

#endif

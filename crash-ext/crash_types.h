/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Type questions answered from crash's embedded gdb (see crash_types.c).
 *
 * A struct crash_types holds a scratch file that gdb's output is captured in;
 * one per target. Type names are C spellings ("struct trace_array", "u64"),
 * member paths may be dotted and pass through anonymous structs and unions.
 */
#ifndef PMTRACE_CRASH_TYPES_H
#define PMTRACE_CRASH_TYPES_H

#include <stdint.h>

#include "pmtrace/target.h"

struct crash_types;

struct pmt_err *crash_types_new(struct crash_types **out);
void crash_types_free(struct crash_types *ct);

struct pmt_err *crash_type_size(struct crash_types *ct, const char *type, uint64_t *size);
struct pmt_err *crash_member(struct crash_types *ct, const char *type, const char *path,
			     struct pmt_member *out);
struct pmt_err *crash_enumerator(struct crash_types *ct, const char *name, int64_t *value);

/* gdb commands run so far (each costs crash ~10-80 ms). */
unsigned long crash_types_queries(const struct crash_types *ct);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Rewriting an event's print_fmt so that libtraceevent prints what the
 * kernel printed. The kernel evaluates print_fmt as compiled C; libtraceevent
 * interprets the text, and three things differ:
 *
 *   - enum constants that were never turned into numbers (no
 *     TRACE_DEFINE_ENUM), e.g. HRTIMER_MODE_ABS: replaced by their values
 *     from the target's debuginfo;
 *   - constant sub-expressions such as (0x40000 | 0x80000) that
 *     libtraceevent mis-evaluates inside __print_flags(): folded to one
 *     number;
 *   - plain %p, which the kernel prints as a hashed id: the conversion
 *     becomes a fixed-width hex and the record's field is replaced by its
 *     hash before printing (see ptr_hash.h). Only arguments that are a bare
 *     REC->field can be hashed; others keep the raw value.
 *
 * The tracefs format text keeps the original print_fmt; only the copy given
 * to libtraceevent is rewritten.
 */
#ifndef PMTRACE_PRINT_FMT_H
#define PMTRACE_PRINT_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "pmtrace/error.h"

/* Look up an enumerator; return 0 and set *value if found. */
typedef int (*print_fmt_enum_fn)(void *arg, const char *name, int64_t *value);

struct print_fmt_result {
	char *fmt;	    /* the rewritten print_fmt (malloc'd) */
	char **hash_fields; /* names of fields printed with plain %p */
	size_t nhash;
};

struct pmt_err *print_fmt_rewrite(const char *print_fmt, unsigned int word_size,
				  print_fmt_enum_fn lookup, void *arg,
				  struct print_fmt_result *out);
void print_fmt_result_free(struct print_fmt_result *r);
/*
 * The print_fmt without its first "%s" conversion (in the kernel's sense:
 * '%', then only digits, '.', then 's') and the argument it consumes, as
 * the kernels with trace_check_vprintf() print it when the hash-ptr option
 * is off; NULL when it has none (malloc'd).
 */
char *print_fmt_drop_first_s(const char *print_fmt);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics of a loaded trace: one struct pmt_diag (pmtrace/trace.h) per
 * problem, keeping its kind (the pmt_err code), where it was (buffer, CPU,
 * page, address) and the whole message. The kind is data, never derived from
 * the text: JSON carries it, tests key on it, and the exit status follows
 * from it.
 *
 * Messages read "<buffer>: cpu <n>: <context>: <what the error says>"; the
 * buffer and CPU parts are added here from the fields, so callers pass only
 * their own context.
 */
#ifndef PMTRACE_LIB_DIAG_H
#define PMTRACE_LIB_DIAG_H

#include <stdint.h>

#include "pmtrace/error.h"
#include "pmtrace/trace.h"

struct pmt_trace;

/* Where a problem is: buffer label (NULL when not about a buffer), cpu (-1
 * when not about one CPU), page (the ring page or data page, 0 if none). */
struct diag_where {
	const char *buffer;
	int cpu;
	uint64_t page;
};

#define DIAG_NOWHERE ((struct diag_where){ .buffer = NULL, .cpu = -1, .page = 0 })

/* Record a problem of kind `code` found at `w`; addr is the address that
 * failed (0 if none). Marks the trace partial. */
void diag_add(struct pmt_trace *tr, enum pmt_err_code code, struct diag_where w, uint64_t addr,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Record an error (consumed) with a context: the kind and the address come
 * from the error. */
void diag_err(struct pmt_trace *tr, struct pmt_err *err, struct diag_where w, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A problem that makes events print degraded (raw fields, <...>, hex
 * addresses) rather than lose them; consumes err. */
void diag_degraded(struct pmt_trace *tr, struct pmt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void diag_free_all(struct pmt_trace *tr);

#endif

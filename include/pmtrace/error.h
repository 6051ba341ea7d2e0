/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Errors as values.
 *
 * Every fallible function in pmtrace returns a `struct pmt_err *`: NULL means
 * success, anything else is a heap-allocated error (or the static out-of-memory
 * error) that the caller either handles and frees with pmt_err_free(), or passes
 * up after prepending its own context with pmt_err_prefix():
 *
 *	err = read_page(...);
 *	if (err)
 *		return pmt_err_prefix(err, "cpu %d page %#" PRIx64, cpu, addr);
 *
 * giving messages such as "instance 'foo': cpu 1: page 0xffff8880...: filtered
 * out of the dump". The code says what kind of failure it was, so callers can
 * tell "this kernel has no such symbol" (ABSENT) from "the page was filtered
 * out of the dump" (NODATA) from "the data makes no sense" (CORRUPT).
 */
#ifndef PMTRACE_ERROR_H
#define PMTRACE_ERROR_H

#ifdef __KERNEL__
#if __has_include(<linux/stdarg.h>)
#include <linux/stdarg.h> /* 5.15+ */
#else
#include <stdarg.h>
#endif
#include <linux/types.h>
#else
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#endif

enum pmt_err_code {
	PMT_ERR_NOMEM = 1,   /* allocation failed */
	PMT_ERR_ABSENT,	     /* symbol, type, member or enumerator not in this kernel */
	PMT_ERR_NODATA,	     /* memory not in the dump: never saved, or why is not known */
	PMT_ERR_CORRUPT,     /* data read fine but is inconsistent */
	PMT_ERR_IO,	     /* reading a file failed */
	PMT_ERR_FORMAT,	     /* a file is not in a format we understand */
	PMT_ERR_MISMATCH,    /* debuginfo / profile does not match the dump */
	PMT_ERR_UNSUPPORTED, /* valid, but something we do not handle */
	PMT_ERR_INVALID,     /* bad argument from the user */
	PMT_ERR_FILTERED,    /* memory left out of the dump by the dump tool (makedumpfile -d) */
	PMT_ERR_TRUNCATED,   /* memory beyond the end of a truncated file or region */
};

/*
 * NODATA, FILTERED and TRUNCATED all say "the bytes are not here" (as
 * opposed to CORRUPT: "the bytes are here and make no sense"); they differ in
 * why, which users need to know (re-run makedumpfile with another -d, fetch
 * the rest of the file, ...).
 */
static inline int pmt_err_is_missing(enum pmt_err_code code)
{
	return code == PMT_ERR_NODATA || code == PMT_ERR_FILTERED || code == PMT_ERR_TRUNCATED;
}

struct pmt_err {
	enum pmt_err_code code;
	uint64_t addr; /* faulting address for NODATA/CORRUPT, else 0 */
	char *msg;     /* full message, context first */
};

/* Create an error; never returns NULL (falls back to the static OOM error). */
struct pmt_err *pmt_err_new(enum pmt_err_code code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct pmt_err *pmt_err_newv(enum pmt_err_code code, const char *fmt, va_list ap);
/* Same, recording the kernel address the failure concerns. */
struct pmt_err *pmt_err_addr(enum pmt_err_code code, uint64_t addr, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend "context: " to err's message; returns err (NULL stays NULL). */
struct pmt_err *pmt_err_prefix(struct pmt_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void pmt_err_free(struct pmt_err *err);
const char *pmt_err_code_name(enum pmt_err_code code);
/* A short stable identifier for JSON and tests: "nodata", "filtered", ... */
const char *pmt_err_code_id(enum pmt_err_code code);

/* For a call whose failure is handled where it is tested: true on success;
 * otherwise the error is freed and the answer is false. */
static inline bool pmt_ok(struct pmt_err *err)
{
	if (!err)
		return true;
	pmt_err_free(err);
	return false;
}

extern struct pmt_err pmt_err_nomem;

#endif

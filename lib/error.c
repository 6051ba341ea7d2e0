// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Error values (see include/pmtrace/error.h). The out-of-memory error is a
 * static object so that reporting OOM never allocates; pmt_err_free() and
 * pmt_err_prefix() know not to touch it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtrace/error.h"

struct pmt_err pmt_err_nomem = { .code = PMT_ERR_NOMEM, .msg = (char *)"out of memory" };

struct pmt_err *pmt_err_newv(enum pmt_err_code code, const char *fmt, va_list ap)
{
	struct pmt_err *err = calloc(1, sizeof(*err));

	if (!err)
		return &pmt_err_nomem;
	err->code = code;
	if (vasprintf(&err->msg, fmt, ap) < 0) {
		free(err);
		return &pmt_err_nomem;
	}
	return err;
}

struct pmt_err *pmt_err_new(enum pmt_err_code code, const char *fmt, ...)
{
	struct pmt_err *err;
	va_list ap;

	va_start(ap, fmt);
	err = pmt_err_newv(code, fmt, ap);
	va_end(ap);
	return err;
}

struct pmt_err *pmt_err_addr(enum pmt_err_code code, uint64_t addr, const char *fmt, ...)
{
	struct pmt_err *err;
	va_list ap;

	va_start(ap, fmt);
	err = pmt_err_newv(code, fmt, ap);
	va_end(ap);
	if (err != &pmt_err_nomem)
		err->addr = addr;
	return err;
}

struct pmt_err *pmt_err_prefix(struct pmt_err *err, const char *fmt, ...)
{
	char *ctx, *msg;
	va_list ap;

	if (!err || err == &pmt_err_nomem)
		return err;
	va_start(ap, fmt);
	if (vasprintf(&ctx, fmt, ap) < 0) {
		va_end(ap);
		return err; /* keep the original message rather than lose it */
	}
	va_end(ap);
	if (asprintf(&msg, "%s: %s", ctx, err->msg) >= 0) {
		free(err->msg);
		err->msg = msg;
	}
	free(ctx);
	return err;
}

void pmt_err_free(struct pmt_err *err)
{
	if (!err || err == &pmt_err_nomem)
		return;
	free(err->msg);
	free(err);
}

const char *pmt_err_code_name(enum pmt_err_code code)
{
	switch (code) {
	case PMT_ERR_NOMEM:
		return "out of memory";
	case PMT_ERR_ABSENT:
		return "absent";
	case PMT_ERR_NODATA:
		return "not in dump";
	case PMT_ERR_CORRUPT:
		return "corrupt";
	case PMT_ERR_IO:
		return "I/O error";
	case PMT_ERR_FORMAT:
		return "unknown format";
	case PMT_ERR_MISMATCH:
		return "mismatch";
	case PMT_ERR_UNSUPPORTED:
		return "unsupported";
	case PMT_ERR_INVALID:
		return "invalid argument";
	case PMT_ERR_FILTERED:
		return "filtered out of the dump";
	case PMT_ERR_TRUNCATED:
		return "beyond the end of a truncated file";
	}
	return "unknown error";
}

const char *pmt_err_code_id(enum pmt_err_code code)
{
	switch (code) {
	case PMT_ERR_NOMEM:
		return "nomem";
	case PMT_ERR_ABSENT:
		return "absent";
	case PMT_ERR_NODATA:
		return "nodata";
	case PMT_ERR_CORRUPT:
		return "corrupt";
	case PMT_ERR_IO:
		return "io";
	case PMT_ERR_FORMAT:
		return "format";
	case PMT_ERR_MISMATCH:
		return "mismatch";
	case PMT_ERR_UNSUPPORTED:
		return "unsupported";
	case PMT_ERR_INVALID:
		return "invalid";
	case PMT_ERR_FILTERED:
		return "filtered";
	case PMT_ERR_TRUNCATED:
		return "truncated";
	}
	return "unknown";
}

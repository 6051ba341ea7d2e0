// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Errors as values (include/pmtrace/error.h) inside the kernel module: the
 * same API as lib/error.c, on GFP_ATOMIC memory because the ring-buffer
 * core returns errors while holding a per-CPU lock with interrupts off.
 * When memory runs out the static out-of-memory error is returned, as in
 * userspace.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "pmtrace/error.h"

struct pmt_err pmt_err_nomem = { .code = PMT_ERR_NOMEM, .msg = (char *)"out of memory" };

struct pmt_err *pmt_err_newv(enum pmt_err_code code, const char *fmt, va_list ap)
{
	struct pmt_err *err = kzalloc(sizeof(*err), GFP_ATOMIC);

	if (!err)
		return &pmt_err_nomem;
	err->code = code;
	err->msg = kvasprintf(GFP_ATOMIC, fmt, ap);
	if (!err->msg) {
		kfree(err);
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
	ctx = kvasprintf(GFP_ATOMIC, fmt, ap);
	va_end(ap);
	if (!ctx)
		return err; /* keep the original message rather than lose it */
	msg = kasprintf(GFP_ATOMIC, "%s: %s", ctx, err->msg);
	if (msg) {
		kfree(err->msg);
		err->msg = msg;
	}
	kfree(ctx);
	return err;
}

void pmt_err_free(struct pmt_err *err)
{
	if (!err || err == &pmt_err_nomem)
		return;
	kfree(err->msg);
	kfree(err);
}

const char *pmt_err_code_name(enum pmt_err_code code)
{
	switch (code) {
	case PMT_ERR_NOMEM:
		return "out of memory";
	case PMT_ERR_ABSENT:
		return "absent";
	case PMT_ERR_NODATA:
		return "no data";
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
		return "filtered out";
	case PMT_ERR_TRUNCATED:
		return "truncated";
	}
	return "unknown error";
}

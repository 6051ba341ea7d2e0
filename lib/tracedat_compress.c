// SPDX-License-Identifier: GPL-2.0-or-later
/* zstd and zlib blocks for trace.dat v7 (see tracedat_compress.h). */
#include <stdlib.h>

#include <zlib.h>
#include <zstd.h>

#include "tracedat_compress.h"

/* zstd's default level: fast enough to keep pace with page copies */
#define ZSTD_LEVEL 3

struct td_comp {
	enum pmt_tracedat_compress kind;
	ZSTD_CCtx *zctx;
};

struct pmt_err *td_comp_new(enum pmt_tracedat_compress kind, struct td_comp **out)
{
	struct td_comp *c;

	*out = NULL;
	if (kind == PMT_TRACEDAT_NONE)
		return NULL;
	if (kind != PMT_TRACEDAT_ZLIB && kind != PMT_TRACEDAT_ZSTD)
		return pmt_err_new(PMT_ERR_INVALID, "unknown compression %d", (int)kind);
	c = calloc(1, sizeof(*c));
	if (!c)
		return &pmt_err_nomem;
	c->kind = kind;
	if (kind == PMT_TRACEDAT_ZSTD) {
		c->zctx = ZSTD_createCCtx();
		if (!c->zctx || ZSTD_isError(ZSTD_CCtx_setParameter(
					c->zctx, ZSTD_c_compressionLevel, ZSTD_LEVEL))) {
			td_comp_free(c);
			return pmt_err_new(PMT_ERR_NOMEM, "zstd: cannot create a context");
		}
	}
	*out = c;
	return NULL;
}

void td_comp_free(struct td_comp *c)
{
	if (!c)
		return;
	ZSTD_freeCCtx(c->zctx);
	free(c);
}

const char *td_comp_name(const struct td_comp *c)
{
	return !c ? "none" : c->kind == PMT_TRACEDAT_ZSTD ? "zstd" : "zlib";
}

const char *td_comp_version(const struct td_comp *c)
{
	return !c ? "" : c->kind == PMT_TRACEDAT_ZSTD ? ZSTD_versionString() : zlibVersion();
}

size_t td_comp_bound(const struct td_comp *c, size_t n)
{
	if (!c)
		return n;
	return c->kind == PMT_TRACEDAT_ZSTD ? ZSTD_compressBound(n) : compressBound((uLong)n);
}

struct pmt_err *td_comp_block(struct td_comp *c, const void *in, size_t n, void *out, size_t cap,
			      size_t *outn)
{
	if (c->kind == PMT_TRACEDAT_ZSTD) {
		size_t r = ZSTD_compress2(c->zctx, out, cap, in, n);

		if (ZSTD_isError(r))
			return pmt_err_new(PMT_ERR_IO, "zstd: %s", ZSTD_getErrorName(r));
		*outn = r;
		return NULL;
	}
	uLongf len = (uLongf)cap;
	int r = compress2(out, &len, in, (uLong)n, Z_DEFAULT_COMPRESSION);

	if (r != Z_OK)
		return pmt_err_new(PMT_ERR_IO, "zlib: compress2 failed (%d)", r);
	*outn = len;
	return NULL;
}

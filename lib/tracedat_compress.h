/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Block compression for trace.dat v7 (output_tracedat.c): one call
 * compresses one block (a metadata section, or a chunk of trace pages) into
 * a self-contained zstd frame or zlib stream, which is what trace-cmd's
 * readers hand to ZSTD_decompressDCtx() / uncompress() per block. The
 * parameters are fixed, so the same input always gives the same bytes (the
 * CLI and the crash extension write identical files).
 */
#ifndef PMTRACE_LIB_TRACEDAT_COMPRESS_H
#define PMTRACE_LIB_TRACEDAT_COMPRESS_H

#include <stddef.h>

#include "pmtrace/error.h"
#include "pmtrace/trace.h"

struct td_comp;

/* A compressor (NULL for PMT_TRACEDAT_NONE: no compression). */
struct pmt_err *td_comp_new(enum pmt_tracedat_compress kind, struct td_comp **out);
void td_comp_free(struct td_comp *c);
/* The name and version written in the v7 file header ("zstd", "1.5.4"). */
const char *td_comp_name(const struct td_comp *c);
const char *td_comp_version(const struct td_comp *c);
/* The largest output for n input bytes. */
size_t td_comp_bound(const struct td_comp *c, size_t n);
/* Compress in[0..n) into out (cap >= td_comp_bound(n)); *outn gets the size. */
struct pmt_err *td_comp_block(struct td_comp *c, const void *in, size_t n, void *out, size_t cap,
			      size_t *outn);

#endif

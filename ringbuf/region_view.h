/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal: validated views of a region's header and per-CPU meta data,
 * shared by the read-only validator (region.c), the creator (layout.c) and
 * the writer's reopen path.
 */
#ifndef PMTRACE_RINGBUF_REGION_VIEW_H
#define PMTRACE_RINGBUF_REGION_VIEW_H

#include "platform.h"

#include "pmtrace/error.h"
#include "pmtrace/layout.h"

/* FNV-1a 64 of n bytes */
uint64_t pmt_fnv64(const void *p, size_t n);
/* FNV-1a 64 of the header bytes [0, hdr_size) with hdr_csum taken as zero. */
uint64_t pmt_region_hdr_csum(const void *hdr, uint32_t hdr_size);

/* Bytes of a CPU's meta area for the given geometry, rounded to pages. */
uint32_t pmt_meta_size(uint32_t page_size, uint32_t nr_ring, uint32_t nr_pages);

/* A CPU buffer whose meta data passed the structural checks. */
struct pmt_cpu_view {
	struct pmt_cpu_meta meta;   /* a private copy taken once */
	uint64_t meta_off;	    /* region offset of the meta area */
	const unsigned char *pages; /* data page id 0 */
	const unsigned char *ring;  /* u32 ring[nr_ring] (unaligned-safe reads) */
	const unsigned char *state; /* u8 page_state[nr_pages] */
};

/*
 * Check the meta area of `cpu` (the header `h` already validated against
 * `len`). On error, PMT_ERR_CORRUPT says what is wrong.
 */
struct pmt_err *pmt_cpu_view_get(const void *mem, size_t len, const struct pmt_region_hdr *h,
				 uint32_t cpu, struct pmt_cpu_view *v);

static inline uint32_t pmt_view_ring(const struct pmt_cpu_view *v, uint32_t slot)
{
	uint32_t id;

	memcpy(&id, v->ring + 4 * (size_t)slot, 4);
	return id;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finding pmtrace regions (include/pmtrace/layout.h part 2) in a dump and
 * copying them out of it.
 *
 * Two ways, which must agree:
 *
 *   by symbol  pmtrace.ko's global `pmtrace_kstate` (found in the module's
 *              own symbol table through the module list: lib/modules.c)
 *              gives each region's kernel virtual address, size and state
 *              (live / recovered from the previous boot);
 *   by scan    no debuginfo at all: physical memory is scanned at page
 *              starts for the region magic (computed at run time: the
 *              scanner never finds itself), the header is checked, and the
 *              region is reassembled from its own chunk table (page-allocator
 *              memory is physically scattered; the table says where).
 *
 * A region is copied into a sparse anonymous mapping of its size (pages
 * never read stay unallocated), one page at a time; pages the dump does not
 * hold are remembered with the reason (filtered, truncated, ...), so the
 * caller can say which lost pages mattered (a meta area, a page holding
 * unread data) and which did not (an empty ring page makedumpfile dropped
 * as zero). Nothing in a region is trusted: every size is bounded before it
 * is used, and only the region's own offsets are followed, never pointers.
 */
#ifndef PMTRACE_LIB_REGION_FIND_H
#define PMTRACE_LIB_REGION_FIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/target.h"

#define REGION_MAX_SIZE (1ull << 34) /* 16 GiB: larger claims are corrupt */

enum region_how {
	REGION_BY_SYMBOL, /* pmtrace_kstate in pmtrace.ko */
	REGION_BY_SCAN,	  /* found in physical memory */
	REGION_BY_FILE,	  /* a raw image given by the user */
};

struct region_loc {
	enum region_how how;
	uint64_t phys;	/* physical address of byte 0 (UINT64_MAX: unknown) */
	uint64_t vaddr; /* kernel virtual address of byte 0 (0: unknown) */
	uint64_t size;	/* bytes, from the header or the kstate */
	int kstate;	/* pmtrace_kstate's state for it (1 live, 2 recovered), 0: not known */
};

/* A region copied out of the dump. */
struct region_image {
	struct region_loc loc;
	uint8_t *mem; /* loc.size bytes, sparse */
	size_t size;
	uint32_t page_size;
	/* pages that could not be read: page index (offset / page_size) and why */
	size_t nmissing;
	struct region_missing {
		uint64_t page;		/* index */
		enum pmt_err_code code; /* FILTERED, TRUNCATED, NODATA, CORRUPT, IO */
	} *missing;
};

/*
 * Scan the target's physical memory for region headers: every page start
 * whose first 8 bytes are the magic and whose 256-byte header passes the
 * basic checks. Appends to *locs (n entries). Bounded by the dump's
 * physical ranges (pmt_phys_next()); an error only for out-of-memory.
 */
struct pmt_err *region_scan(struct pmt_target *t, struct region_loc **locs, size_t *n);

/*
 * Copy the region at `loc` out of the dump: through its chunk table from
 * physical memory (by scan), or contiguously from kernel virtual memory (by
 * symbol). Fails when the header cannot be read or is not a region's.
 */
struct pmt_err *region_copy(struct pmt_target *t, const struct region_loc *loc,
			    struct region_image *out);
/* Copy a region out of a file (a raw image of reserved memory, a copy of
 * the module's previous/region). */
struct pmt_err *region_copy_file(const char *path, struct region_image *out);
void region_image_free(struct region_image *img);

/* Was page `page` (index) lost, and why (0: it was read). */
enum pmt_err_code region_page_missing(const struct region_image *img, uint64_t page);

#endif

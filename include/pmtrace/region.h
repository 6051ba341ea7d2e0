/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Read-only access to pmtrace regions (see layout.h part 2) in an arbitrary
 * memory image: a live mapping, a file read into memory, or bytes pulled out
 * of a vmcore. Nothing here writes to the bytes it is given, follows a
 * pointer stored in them, or trusts a single field: every offset is checked
 * against the length the caller passed, every walk is bounded, and a broken
 * page or CPU buffer is reported and skipped rather than failing the whole
 * region.
 *
 * Typical use on the reader side (lib/), scanning a memory image:
 *
 *	size_t pos = 0;
 *	struct pmt_region_info info;
 *	while (!(err = pmt_region_find(mem, len, &pos, &info))) {
 *		err = pmt_region_recover((char *)mem + pos, len - pos, &ops, arg, &st);
 *		...
 *		pos += 8;
 *	}
 *	// err->code == PMT_ERR_ABSENT: no more regions
 *
 * Event payloads handed to callbacks point into the caller's memory and are
 * valid as long as that memory is.
 */
#ifndef PMTRACE_REGION_H
#define PMTRACE_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/error.h"
#include "pmtrace/layout.h"

/* The region magic, computed at run time so no binary contains it. */
static inline uint64_t pmt_region_magic(void)
{
	volatile uint64_t not_magic = PMT_REGION_MAGIC_NOT;

	return ~not_magic;
}

struct pmt_region_info {
	uint16_t abi_major, abi_minor;
	uint32_t word_size;
	uint32_t page_size;
	uint32_t nr_cpus;
	uint32_t flags;
	uint32_t clock_id;
	uint64_t total_size;
};

/*
 * Check the region header at `mem` (`len` bytes readable): magic, byte order,
 * ABI major, word size, page size, CPU count, sizes and checksum. Errors name
 * the problem: PMT_ERR_FORMAT (not a region / wrong magic), PMT_ERR_UNSUPPORTED
 * (foreign byte order, other word size, newer ABI major), PMT_ERR_NODATA
 * (truncated: the header claims more bytes than `len`), PMT_ERR_CORRUPT
 * (checksum or inconsistent fields).
 */
struct pmt_err *pmt_region_check_header(const void *mem, size_t len, struct pmt_region_info *info);

/*
 * Scan [mem + *pos, mem + len) at 8-byte aligned offsets for the first region
 * whose header passes pmt_region_check_header(). On success *pos is its offset
 * from mem. PMT_ERR_ABSENT when there is none. Headers that carry the magic but
 * fail the check are skipped.
 */
struct pmt_err *pmt_region_find(const void *mem, size_t len, size_t *pos,
				struct pmt_region_info *info);

/* One event as recovered or read. */
struct pmt_rb_event {
	uint64_t ts;	  /* absolute time stamp, in the region's clock */
	const void *data; /* payload */
	uint32_t len;	  /* payload bytes (rounded up to 4 as the kernel does) */
	uint32_t cpu;
	uint32_t page_id; /* data page it came from */
};

struct pmt_recover_ops {
	/* Called for each valid event of each CPU in time order; non-zero stops. */
	int (*event)(void *arg, const struct pmt_rb_event *ev);
	/* A page (or a whole CPU buffer, page_id == PMT_NO_PAGE) that was skipped. */
	void (*bad)(void *arg, uint32_t cpu, uint32_t page_id, const char *reason);
};

struct pmt_recover_stats {
	uint64_t events;    /* data events delivered */
	uint64_t pages;	    /* pages with events that validated */
	uint64_t bad_pages; /* pages skipped as invalid */
	uint64_t bad_cpus;  /* CPU buffers whose meta data was unusable */
	uint64_t lost;	    /* sum of the meta `lost` counters of valid CPUs */
	uint64_t overrun;   /* sum of the meta `overrun` counters of valid CPUs */
};

/*
 * Validate a whole region the way the kernel validates its persistent ring
 * buffer (rb_meta_valid() + an event walk of every page), without writing to
 * it, and deliver every committed event in the DATA and READER pages. Only a
 * bad header is fatal; bad meta data skips that CPU, a bad page skips that
 * page, each reported through ops->bad. `ops` and its members may be NULL.
 */
struct pmt_err *pmt_region_recover(const void *mem, size_t len, const struct pmt_recover_ops *ops,
				   void *arg, struct pmt_recover_stats *stats);

/*
 * Validate one kernel-format data page of `page_size` bytes; on success
 * *nr_events is its number of data events. Returns PMT_ERR_CORRUPT naming the
 * offset and the problem. `commit_len` receives the committed length.
 */
struct pmt_err *pmt_rb_page_check(const void *page, uint32_t page_size, uint32_t *nr_events,
				  uint32_t *commit_len);

#endif

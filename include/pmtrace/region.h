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

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "pmtrace/error.h"
#include "pmtrace/layout.h"

/* The region magic, computed at run time so no binary contains it. */
static inline uint64_t pmt_region_magic(void)
{
	volatile uint64_t not_magic = PMT_REGION_MAGIC_NOT;

	return ~not_magic;
}

/* What a valid header says (all fields copied and NUL-terminated). */
struct pmt_region_info {
	uint16_t abi_major, abi_minor;
	uint32_t word_size;
	uint32_t page_size;
	uint32_t nr_cpus;
	uint32_t flags;
	uint32_t clock_id;
	uint64_t total_size;
	uint32_t hdr_size;
	uint32_t nr_chunks;
	uint32_t events_off, events_size;
	uint32_t comms_off, nr_comms;
	uint64_t create_time;
	uint64_t boot_seq;
	uint8_t boot_id[16];
	uint64_t phys_addr;
	char release[64];
	char writer[32];
	char label[32];
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

/*
 * The chunk table (physical layout) of a region whose header is valid: a
 * pointer into `mem`. Checks that the chunks cover the region exactly in
 * page multiples and that chunk 0 holds the header pages. *n = 0 when the
 * physical layout is unknown.
 */
struct pmt_err *pmt_region_chunks(const void *mem, size_t len,
				  const struct pmt_region_chunk **chunks, uint32_t *n);

/*
 * The event descriptions (layout.h part 3) of a valid region: bounds, magic
 * and checksum checked. PMT_ERR_ABSENT when the region has none, CORRUPT when
 * they fail their checks (the events themselves stay readable).
 */
struct pmt_err *pmt_region_events(const void *mem, size_t len, const void **area, uint32_t *size);

/* One event description out of the area. */
struct pmt_region_event_desc {
	uint16_t id;
	const char *system; /* not NUL-terminated: sys_len bytes */
	uint32_t sys_len;
	const char *format; /* the tracefs format text, fmt_len bytes, not NUL-terminated */
	uint32_t fmt_len;
};

/*
 * Walk the descriptions of an area from pmt_region_events(): start with
 * *pos = 0; returns 1 and fills *d, 0 at the end, -1 when a record is
 * malformed (then stop).
 */
int pmt_region_event_next(const void *area, uint32_t size, uint32_t *pos,
			  struct pmt_region_event_desc *d);

/*
 * Look pid up in the comm table of a valid region: true and comm (NUL-
 * terminated, at most 16 characters) when its slot holds this pid with a
 * verifying check. pid 0 is "<idle>" and a miss "<...>" in the text format,
 * which pmt_region_comm_name() returns.
 */
bool pmt_region_comm(const void *mem, size_t len, int32_t pid, char comm[17]);
void pmt_region_comm_name(const void *mem, size_t len, int32_t pid, char comm[17]);

/* One event as recovered or read. */
struct pmt_rb_event {
	uint64_t ts;	  /* absolute time stamp, in the region's clock */
	const void *data; /* payload */
	uint32_t len;	  /* payload bytes (rounded up to 4 as the kernel does) */
	uint32_t cpu;
	uint32_t page_id; /* data page it came from */
	bool consumed;	  /* recovery: already read by the live consumer (trace_pipe) */
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
	uint64_t consumed;  /* delivered events a live consumer had already read */
	uint64_t bad_csum;  /* PMT_REGION_F_ENTRIES: events whose checksum failed (skipped) */
	uint64_t read;	    /* sum of the meta `read` counters of valid CPUs */
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
 * Merged read-only iteration over a valid region: every CPU's events in
 * time order, merged by (time stamp, cpu), the lower CPU first on equal
 * stamps. With PMT_RI_UNREAD only what a consumer has not read yet (what
 * the module's `trace` shows; docs/format.md "What is unread"), with
 * PMT_RI_CPU(n) only CPU n. Bad CPUs and pages are reported through
 * ops->bad when the iterator starts (ops->event is not used) and skipped.
 * The region must not change while it is iterated (a previous boot's
 * region, a dump, a copy).
 */
#define PMT_RI_UNREAD  0x1u
#define PMT_RI_ONE_CPU 0x2u
#define PMT_RI_CPU(n)  (PMT_RI_ONE_CPU | ((uint32_t)(n) << 16))

struct pmt_region_iter;
struct pmt_err *pmt_region_iter_start(const void *mem, size_t len, uint32_t flags,
				      const struct pmt_recover_ops *ops, void *arg,
				      struct pmt_recover_stats *stats,
				      struct pmt_region_iter **itp);
/* 1 = *ev filled, 0 = end */
int pmt_region_iter_next(struct pmt_region_iter *it, struct pmt_rb_event *ev);
void pmt_region_iter_free(struct pmt_region_iter *it);

/*
 * Validate one kernel-format data page of `page_size` bytes; on success
 * *nr_events is its number of data events. Returns PMT_ERR_CORRUPT naming the
 * offset and the problem. `commit_len` receives the committed length.
 */
struct pmt_err *pmt_rb_page_check(const void *page, uint32_t page_size, uint32_t *nr_events,
				  uint32_t *commit_len);

#endif

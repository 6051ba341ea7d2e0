/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pmtrace ring buffer: per-CPU, lock-free on the fast path, kernel
 * format data pages inside a self-describing region (layout.h part 2).
 * The design essay is at the top of ringbuf/ringbuf.c and in docs/ringbuf.md.
 *
 * Writing:
 *	struct pmt_rb_res res;
 *	void *p = pmt_rb_reserve(rb, len, &res);
 *	if (p) {
 *		fill(p, len);
 *		pmt_rb_commit(rb, &res);
 *	}
 * or pmt_rb_write(rb, data, len). A NULL reservation means the event was
 * dropped and counted in `lost` (buffer full in producer/consumer mode, or
 * the buffer's page turn was blocked); that is a statistic, not an error, so
 * the hot path returns no error values.
 *
 * Reading (one reader per CPU buffer at a time):
 *	pmt_rb_consume(rb, cpu, &ev)       next event of one CPU, consuming
 *	pmt_rb_consume_merged(rb, &ev)     next event of all CPUs by time stamp
 *	pmt_rb_iter_*                      non-consuming walk of what is there
 *	pmt_rb_read_page / pmt_rb_put_page take a whole page out, hand it back
 *	pmt_rb_swap_reader                 external-reader protocol (meta reader_id)
 *
 * Regions for the reader side's tests: give opts.events (descriptions in
 * the tracefs format syntax, include/pmtrace/events.h; pmt_std_events are
 * the kernel module's), opts.nr_comms and opts.ident, then write events with
 * pmt_rb_write_entry() (it fills struct pmt_entry's seq and csum) and name
 * tasks with pmt_rb_set_comm(). The region is then byte for byte what the
 * module pmtrace.ko keeps in the kernel:
 *
 *	struct pmt_rb_ident id = { .boot_seq = 1, .release = "6.1.0-test" };
 *	struct pmt_rb_opts o = { .nr_cpus = 2, .events = pmt_std_events,
 *				 .nr_events = PMT_EV_NR_STD, .nr_comms = 1024,
 *				 .ident = &id, .clock_id = PMT_CLOCK_LOCAL_NS };
 *	pmt_rb_create(&o, &rb);
 *	pmt_rb_set_comm(rb, 42, "bash");
 *	struct pmt_entry h = { .type = PMT_EV_IRQ_EXIT, .pid = 42 };
 *	struct { int32_t irq, ret; } f = { 4, 1 };
 *	pmt_rb_write_entry(rb, 0, &h, &f, sizeof(f));
 *	pmt_region_text() prints a region (its bytes alone) like the module's trace
 */
#ifndef PMTRACE_RINGBUF_H
#define PMTRACE_RINGBUF_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "pmtrace/error.h"
#include "pmtrace/layout.h"
#include "pmtrace/region.h"

struct pmt_rb;

#define PMT_RB_OVERWRITE 0x1u /* opts.flags: flight recorder (else producer/consumer) */

struct pmt_event_desc; /* include/pmtrace/events.h */

/* Who wrote a region, and in which boot (docs/format.md, region header). */
struct pmt_rb_ident {
	uint64_t boot_seq;    /* 0: 1 */
	uint8_t boot_id[16];  /* all zero: this boot's (/proc/sys/kernel/random/boot_id) */
	const char *release;  /* NULL: uname -r */
	const char *writer;   /* NULL: "libpmt_ringbuf <version>" */
	const char *label;    /* NULL: "anon", "file" or "mem" */
	uint64_t create_time; /* 0: now (CLOCK_REALTIME ns) */
	uint64_t phys_addr;   /* 0: PMT_NO_PHYS, or chunks[0].phys when chunks are given */
	uint32_t flags;	      /* extra PMT_REGION_F_* bits (PMT_REGION_F_KERNEL) */
};

struct pmt_rb_opts {
	uint32_t nr_cpus;	  /* 0: CPUs configured on this machine */
	uint32_t page_size;	  /* 0: 4096; power of two, 4096..65536 */
	uint32_t nr_ring;	  /* ring pages per CPU; 0: 16; at least 2 */
	uint32_t nr_spare;	  /* spare pages per CPU for page hand-outs; 0: 4 */
	uint32_t flags;		  /* PMT_RB_OVERWRITE */
	uint32_t clock_id;	  /* PMT_CLOCK_*; 0 = CLOCK_MONOTONIC ns */
	uint32_t spare_keep;	  /* spares kept resident, the rest are reported; 0: 2 */
	uint32_t report_delay_ms; /* idle time before a surplus spare is reported; 0: 1000 */
	/* event descriptions to store in the region (sets PMT_REGION_F_ENTRIES) */
	const struct pmt_event_desc *events;
	uint32_t nr_events;
	uint32_t nr_comms;		  /* comm table entries; 0: none; rounded up to 2^n */
	const struct pmt_rb_ident *ident; /* NULL: defaults from the running system */
	uint32_t max_chunks;		  /* room for this many chunk-table entries; 0: nr_chunks */
};

/* The layout of a region (docs/format.md), as planned by pmt_rb_plan(). */
struct pmt_rb_geometry {
	uint32_t nr_cpus, page_size, nr_ring, nr_pages, meta_size;
	uint32_t max_chunks, chunks_off, events_off, events_size, comms_off, nr_comms;
	uint64_t hdr_bytes; /* the header pages: everything before CPU 0's meta */
	uint64_t per_cpu;   /* one CPU's meta area and pages */
	uint64_t total;
};

/*
 * Plan a region. With fit == 0 the ring size comes from opts (nr_ring);
 * otherwise nr_ring is the largest that makes the region fit in `fit`
 * bytes (opts.nr_ring is then ignored), PMT_ERR_NOMEM if not even 2 fit.
 */
struct pmt_err *pmt_rb_plan(const struct pmt_rb_opts *opts, uint64_t fit,
			    struct pmt_rb_geometry *g);
/*
 * Create over caller-provided, zeroed or not, writable memory of `len`
 * bytes (the module's vmap'ed pages or reserved RAM; tests). The region
 * takes the largest ring that fits. `chunks` describes its physical layout
 * (may be NULL); the memory stays the caller's: pmt_rb_destroy() does not
 * free it.
 */
struct pmt_err *pmt_rb_create_mem(void *mem, size_t len, const struct pmt_rb_opts *opts,
				  const struct pmt_region_chunk *chunks, uint32_t nr_chunks,
				  struct pmt_rb **rbp);

/* Create over anonymous memory. */
struct pmt_err *pmt_rb_create(const struct pmt_rb_opts *opts, struct pmt_rb **rbp);
/* Create over a persistent backing: a file (created/resized), shm or DAX path. */
struct pmt_err *pmt_rb_create_path(const char *path, const struct pmt_rb_opts *opts,
				   struct pmt_rb **rbp);
/* Same over an open fd (kept open by the caller; mapped MAP_SHARED). */
struct pmt_err *pmt_rb_create_fd(int fd, const struct pmt_rb_opts *opts, struct pmt_rb **rbp);
/*
 * Open an existing persistent region: validated read-only first (nothing is
 * written if it is bad), then mapped read-write; invalid pages are reported
 * through ops->bad and emptied, recovered events stay readable, and writing
 * continues on a fresh page. ops/stats may be NULL (ops->event is not called).
 */
struct pmt_err *pmt_rb_open_path(const char *path, const struct pmt_recover_ops *ops, void *arg,
				 struct pmt_recover_stats *stats, struct pmt_rb **rbp);
/* Same over an open read-write fd (kept open by the caller). */
struct pmt_err *pmt_rb_open_fd(int fd, const struct pmt_recover_ops *ops, void *arg,
			       struct pmt_recover_stats *stats, struct pmt_rb **rbp);
void pmt_rb_destroy(struct pmt_rb *rb);

/* The region's bytes (for external readers, tests, recovery). */
const void *pmt_rb_region(const struct pmt_rb *rb, size_t *len);
uint32_t pmt_rb_nr_cpus(const struct pmt_rb *rb);
uint32_t pmt_rb_page_size(const struct pmt_rb *rb);
/* Largest payload one event can carry. */
uint32_t pmt_rb_max_payload(const struct pmt_rb *rb);
uint64_t pmt_rb_now(const struct pmt_rb *rb);

/* A reservation; opaque to callers. */
struct pmt_rb_res {
	void *pg;
	void *cpu;
	void *ev;
	uint32_t total;
};

/* Reserve `len` payload bytes on the current CPU's buffer; NULL = dropped. */
void *pmt_rb_reserve(struct pmt_rb *rb, uint32_t len, struct pmt_rb_res *res);
/* Same, on buffer `cpu` (modulo the CPU count) whatever CPU we run on. */
void *pmt_rb_reserve_cpu(struct pmt_rb *rb, uint32_t cpu, uint32_t len, struct pmt_rb_res *res);
void pmt_rb_commit(struct pmt_rb *rb, struct pmt_rb_res *res);
/* Turn a reservation into a discarded event (readers skip it) and commit it. */
void pmt_rb_discard(struct pmt_rb *rb, struct pmt_rb_res *res);
/* Reserve + memcpy + commit; false = dropped. */
bool pmt_rb_write(struct pmt_rb *rb, const void *data, uint32_t len);
bool pmt_rb_write_cpu(struct pmt_rb *rb, uint32_t cpu, const void *data, uint32_t len);

#define PMT_RB_THIS_CPU UINT32_MAX

/*
 * Write one pmtrace event (layout.h part 3): `hdr` gives type, flags,
 * preempt_count and pid; seq (from the CPU's meta seq_next, taken before
 * the reservation so a dropped event leaves a gap) and csum are filled in;
 * `fields` (`len` bytes) follow the 16-byte header, zero-padded to 4.
 * cpu: a buffer index or PMT_RB_THIS_CPU. false = dropped (counted as lost).
 */
bool pmt_rb_write_entry(struct pmt_rb *rb, uint32_t cpu, const struct pmt_entry *hdr,
			const void *fields, uint32_t len);
/* Record pid -> comm in the region's comm table (no-op without one). */
void pmt_rb_set_comm(struct pmt_rb *rb, int32_t pid, const char *comm);

/* Consume the next event of `cpu`; PMT_ERR_NODATA when there is none (yet).
 * ev->data stays valid until the next consume on that CPU. */
struct pmt_err *pmt_rb_consume(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_event *ev);
/* Consume the oldest event over all CPUs. */
struct pmt_err *pmt_rb_consume_merged(struct pmt_rb *rb, struct pmt_rb_event *ev);

/* Non-consuming iterator over one CPU (events are copied page by page). */
struct pmt_rb_iter;
struct pmt_err *pmt_rb_iter_start(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_iter **itp);
/* PMT_ERR_NODATA at the end. */
struct pmt_err *pmt_rb_iter_next(struct pmt_rb_iter *it, struct pmt_rb_event *ev);
void pmt_rb_iter_free(struct pmt_rb_iter *it);

#define PMT_RB_FLUSH 0x1u /* read_page/swap_reader: also take the partly filled tail page */

struct pmt_rb_page {
	uint32_t cpu;
	uint32_t id;
	void *data; /* page_size bytes in kernel format; flags may carry MISSED_* */
};
/* Take the oldest whole page out of the ring (replaced by a spare). */
struct pmt_err *pmt_rb_read_page(struct pmt_rb *rb, uint32_t cpu, uint32_t flags,
				 struct pmt_rb_page *page);
/* Hand a page from pmt_rb_read_page back for reuse. */
void pmt_rb_put_page(struct pmt_rb *rb, const struct pmt_rb_page *page);

/*
 * External-reader protocol: the current reader page (meta reader_id) goes
 * back into the ring and the oldest page becomes the reader page; the meta
 * page is updated so a process that maps the region read-only can read
 * page reader_id next. PMT_ERR_NODATA when there is nothing to hand over.
 */
struct pmt_err *pmt_rb_swap_reader(struct pmt_rb *rb, uint32_t cpu, uint32_t flags,
				   uint32_t *reader_id);

struct pmt_rb_stats {
	uint64_t committed; /* events committed (entries + overrun + read) */
	uint64_t entries;   /* events in the buffer now */
	uint64_t overrun;   /* events overwritten */
	uint64_t lost;	    /* events dropped */
	uint64_t read;	    /* events taken out by readers */
	uint64_t pages_touched;
	uint64_t page_allocs; /* pages the OS had to supply (first use or reuse after report) */
	uint64_t reported;    /* pages released to the OS so far */
};
/* Statistics of one CPU, or of all when cpu == UINT32_MAX. */
void pmt_rb_stats(struct pmt_rb *rb, uint32_t cpu, struct pmt_rb_stats *st);

/*
 * Change the number of ring pages of `cpu` (2 .. pool size - 1) while writers
 * run. Growing takes pages from the spare pool. Shrinking first drops empty
 * pages; in overwrite mode it then drops the oldest data pages (counted as
 * overrun); in producer/consumer mode a ring holding too much data is refused.
 * Pages that leave the ring become spares and are reported to the OS after
 * the idle delay.
 */
struct pmt_err *pmt_rb_resize(struct pmt_rb *rb, uint32_t cpu, uint32_t nr_ring);

/* Release surplus idle spare pages whose delay has passed (also done by
 * pmt_rb_put_page). Returns the number of pages reported. */
uint32_t pmt_rb_report_idle(struct pmt_rb *rb);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal structures of the pmtrace ring buffer, shared by the core files
 * (writer.c, reader.c, layout.c, comm.c, region.c) and the platform glue
 * (create.c, idle.c, backing.c in userspace; ringbuf/kmod/ in the module).
 * The design is described at the top of writer.c. Shared words are plain
 * integers accessed with the __atomic builtins (see platform.h).
 */
#ifndef PMTRACE_RINGBUF_RB_INTERNAL_H
#define PMTRACE_RINGBUF_RB_INTERNAL_H

#include "platform.h"

#include "pmtrace/ringbuf.h"
#include "event.h"

_Static_assert(sizeof(long) == 8, "the writer produces 64-bit kernel-format pages");

/*
 * The per-page reservation word (pmt_pg.state), changed only by CAS:
 *
 *   63                         24 23     17 16  15             0
 *  +-----------------------------+---------+---+----------------+
 *  | last: time stamp of the     | inflight|SEA| off: bytes     |
 *  | newest reservation, minus   | writers |LED| reserved in the|
 *  | base_ts (40 bits)           | (7 bits)|   | data area      |
 *  +-----------------------------+---------+---+----------------+
 */
#define ST_OFF_MASK   0xffffull
#define ST_SEALED     (1ull << 16)
#define ST_INFL_SHIFT 17
#define ST_INFL_ONE   (1ull << ST_INFL_SHIFT)
#define ST_INFL_MAX   127ull
#define ST_TS_SHIFT   24
#define ST_TS_MAX     ((1ull << 40) - 1)
#define ST_INFL(s)    (((s) >> ST_INFL_SHIFT) & ST_INFL_MAX)
#define ST_QUIESCENT  ST_SEALED /* sealed, nobody in flight, off 0 */

#define PMT_LOAD(p, o)	   __atomic_load_n((p), __ATOMIC_##o)
#define PMT_STORE(p, v, o) __atomic_store_n((p), (v), __ATOMIC_##o)
#define PMT_CAS(p, e, n, o) \
	__atomic_compare_exchange_n((p), (e), (n), true, __ATOMIC_##o, __ATOMIC_ACQUIRE)

struct pmt_pg {
	uint64_t state;	      /* reservation word, see above (atomic) */
	uint64_t base_ts;     /* time stamp of the page header (atomic) */
	unsigned char *addr;  /* the data page in the region */
	uint64_t gen;	      /* bumped each time the page is reset (under lock) */
	uint64_t spare_since; /* when it became spare (idle reporting) */
	uint32_t id;
	/* data end before the closing padding (the kernel's real_end); written by
	 * the sealing writer before its commit CAS, read once the page is quiescent */
	uint32_t real_end;
	/* data events on the page once it is sealed and quiescent: counted by
	 * the last committer while the page is hot, read under the lock */
	uint32_t nr_events;
} __attribute__((aligned(64)));

struct pmt_rb;

struct pmt_cpu {
	/* fast path: read by every writer, written at page turns */
	struct pmt_pg *tail __attribute__((aligned(64))); /* atomic */
	uint64_t lost;					  /* atomic */

	/* everything below is protected by `lock` */
	uint32_t lock __attribute__((aligned(64)));
	struct pmt_rb *rb;
	uint32_t cpu;
	struct pmt_cpu_meta *meta; /* in the region */
	uint32_t *ring;		   /* in the region: u32 ring[nr_ring] */
	uint8_t *pstate;	   /* in the region: u8 page_state[nr_pages] */
	struct pmt_pg *pgs;	   /* private, one per page id */
	uint32_t nr_ring, nr_pages;
	uint32_t ring_cap; /* slots the meta's ring array has room for */
	uint32_t head_slot, tail_slot;
	uint32_t reader; /* reader page id or PMT_NO_PAGE */
	uint32_t *spares, nr_spares;
	uint32_t *scratch; /* nr_pages ids of working space for resize */
	uint64_t overrun, read, pages_touched, page_allocs, reported;
	uint64_t missed_seen; /* overrun + lost already flagged to readers */

	/* consumer state (one consumer per CPU) */
	struct pmt_walk rwalk;
	bool rwalk_valid;
	uint32_t rstart_off; /* where the next reader page starts (in-place reads) */
	uint64_t rstart_ts;
	/*
	 * In-place reading of the tail page once the consumer has caught up, so
	 * that it need not close a half-empty page (lock-protected): the page id
	 * and generation, what was consumed, and a private copy to decode. The
	 * id and offset are mirrored in the meta area (tail_read_id/off) so a
	 * post-mortem reader knows what was consumed.
	 */
	uint32_t tp_id;
	uint64_t tp_gen;
	uint32_t tp_off, tp_count;
	uint64_t tp_ts;
	struct pmt_walk twalk;
	unsigned char *tcopy;
	/* merged consumption: the peeked event */
	struct pmt_rb_event pending;
	bool has_pending;
};

struct pmt_rb {
	unsigned char *mem;
	size_t len;
	int fd; /* -1 for anonymous memory */
	bool own_fd;
	bool file_backed;
	bool own_mem; /* userspace: mem was mapped by us (munmap at destroy) */
	uint32_t nr_cpus, page_size, cap, flags, clock_id;
	uint32_t spare_keep;
	uint64_t report_delay_ns;
	/* the comm table in the region (NULL when there is none) */
	struct pmt_comm *comms;
	uint32_t nr_comms;
	uint32_t comm_lock;
	struct pmt_cpu *cpus;
};

bool pmt_cpu_lock(struct pmt_cpu *c, pmt_irqflags_t *flags);
void pmt_cpu_unlock(struct pmt_cpu *c, pmt_irqflags_t flags);

/* writer.c */
void pmt_pg_commit(struct pmt_rb *rb, struct pmt_pg *pg);
bool pmt_advance_tail_locked(struct pmt_rb *rb, struct pmt_cpu *c);
void pmt_pg_reset_locked(struct pmt_rb *rb, struct pmt_cpu *c, struct pmt_pg *pg, uint64_t base);
uint32_t pmt_pg_count(struct pmt_rb *rb, struct pmt_pg *pg);
void pmt_meta_begin(struct pmt_cpu *c);
void pmt_meta_end(struct pmt_cpu *c);

static inline uint64_t pmt_pg_commit_word(const struct pmt_pg *pg)
{
	return __atomic_load_n((const uint64_t *)(pg->addr + PMT_RB_PAGE_COMMIT_OFFSET),
			       __ATOMIC_ACQUIRE);
}

static inline void pmt_pg_set_commit(struct pmt_pg *pg, uint64_t v)
{
	__atomic_store_n((uint64_t *)(pg->addr + PMT_RB_PAGE_COMMIT_OFFSET), v, __ATOMIC_RELEASE);
}

static inline uint64_t pmt_pg_time_stamp(const struct pmt_pg *pg)
{
	return __atomic_load_n((const uint64_t *)pg->addr, __ATOMIC_RELAXED);
}

/* reader.c */
void pmt_leave_ring_locked(struct pmt_cpu *c, struct pmt_pg *pg, bool overrun);
uint32_t pmt_spare_pop_locked(struct pmt_cpu *c);
void pmt_spare_push_locked(struct pmt_cpu *c, uint32_t id);

/* idle.c (userspace) or the module: release idle spares; may do nothing */
uint32_t pmt_report_idle_cpu(struct pmt_rb *rb, struct pmt_cpu *c, uint64_t now);

/* layout.c: the platform-neutral part of creating and reopening */
struct pmt_rb *pmt_rb_alloc(const struct pmt_rb_opts *o, uint32_t nr_cpus);
void pmt_rb_free_private(struct pmt_rb *rb);
struct pmt_err *pmt_rb_init_region(struct pmt_rb *rb, const struct pmt_rb_opts *o,
				   const struct pmt_rb_geometry *g,
				   const struct pmt_region_chunk *chunks, uint32_t nr_chunks);
struct pmt_err *pmt_rb_reattach(struct pmt_rb *rb, const struct pmt_region_info *info);

/* backing.c (userspace) */
struct pmt_err *pmt_backing_map(int fd, size_t len, bool writable, unsigned char **memp);
struct pmt_err *pmt_backing_anon(size_t len, unsigned char **memp);
struct pmt_err *pmt_backing_size(int fd, size_t need, bool create);
int pmt_backing_release(struct pmt_rb *rb, void *addr, size_t len);

#endif

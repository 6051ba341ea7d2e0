/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal interfaces of the pmtrace kernel module (pmtrace.ko):
 *
 *	pmtrace_main.c    parameters, the region's memory (page allocator,
 *	                  memmap= range, reserve_mem=), the previous boot's
 *	                  region, pmtrace_kstate, load and unload
 *	pmtrace_probes.c  the tracepoint probes and marker events
 *	pmtrace_fs.c      /sys/kernel/debug/pmtrace/
 *	platform_kernel.c, kerror.c   the core's platform layer
 */
#ifndef PMTRACE_KMOD_H
#define PMTRACE_KMOD_H

#include <linux/mutex.h>
#include <linux/types.h>

#include "platform.h"

#include "pmtrace/events.h"
#include "pmtrace/kstate.h"
#include "pmtrace/region.h"
#include "pmtrace/ringbuf.h"

#define PMT_NAME "pmtrace"

/* One region the module knows: this boot's (live) or the previous boot's. */
struct pmt_kregion {
	void *mem;	  /* vmap or memremap address */
	size_t len;	  /* bytes of the region (total_size) */
	phys_addr_t phys; /* of byte 0 */
	const char *label;
	struct pmt_rb *rb; /* live region only */
};

extern uint8_t pmt_boot_id[16];
extern struct pmt_kregion pmt_cur, pmt_prev;
extern struct pmtrace_kstate pmtrace_kstate;
extern bool pmt_tracing_on;
extern bool pmt_debug;
/* consumers (trace_pipe, trace_pipe_raw, the mmap ioctl) of the live region */
extern struct mutex pmt_consume_lock;
/* the previous region may be released while files read it */
extern struct mutex pmt_prev_lock;
extern u64 pmt_raw_page_allocs[];

/* pmtrace_probes.c */
int pmt_probes_parse(const char *events, unsigned int *mask);
int pmt_probes_start(unsigned int mask);
void pmt_probes_stop(void);
unsigned int pmt_probes_mask(void);
const char *pmt_probe_name(unsigned int bit);
/* write one marker event (text without its newline, len <= PMT_MARKER_MAX) */
bool pmt_write_marker(const char *text, size_t len);
/* fill the common header for the current context (see the probes) */
void pmt_entry_ctx(struct pmt_entry *e, uint16_t type, bool in_probe);

/* pmtrace_fs.c */
int pmt_fs_init(void);
void pmt_fs_exit(void);

/* pmtrace_main.c */
void pmt_prev_release(void);
phys_addr_t pmt_region_phys(const struct pmt_kregion *r, uint64_t off, uint64_t *contig);
int pmt_debug_corrupt(const char *cmd);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The platform layer: the ONLY difference between the userspace library
 * (libpmt_ringbuf.a) and the kernel module (ringbuf/kmod/pmtrace.ko), which
 * compile the same core sources (writer.c, reader.c, layout.c, region.c,
 * event.c, evfmt.c, comm.c, stdevents.c, page_decoder.h).
 *
 * The core uses only: fixed-size integer types, bool, memcpy/memset/memcmp,
 * snprintf, the GCC __atomic builtins on naturally aligned 32/64-bit words
 * (no <stdatomic.h>: the kernel builds C without it), and these services:
 *
 *	pmt_zalloc / pmt_free              zeroed memory for private state
 *	pmt_sort                           qsort / the kernel's sort()
 *	pmt_clock_read(clock_id)           time in a region's clock
 *	pmt_mono_ns()                      a monotonic ns clock for delays
 *	pmt_this_cpu()                     the CPU we run on (a hint in userspace,
 *	                                   exact in the kernel: callers there run
 *	                                   with preemption disabled)
 *	pmt_plat_lock / pmt_plat_unlock    the per-CPU page-turn lock: userspace
 *	                                   spins (a nested writer on the same
 *	                                   thread only trylocks), the kernel
 *	                                   disables interrupts (an NMI only
 *	                                   trylocks)
 *	pmt_local_fetch_inc                a counter bumped by one CPU's writers
 *	                                   (interrupt-safe, not SMP-safe in the
 *	                                   kernel, which makes it cheap)
 *	pmt_cpu_relax                      spin-wait hint
 *	struct pmt_err                     errors as values (lib/error.c, or
 *	                                   kmod/kerror.c in the module)
 */
#ifndef PMTRACE_RINGBUF_PLATFORM_H
#define PMTRACE_RINGBUF_PLATFORM_H

#ifdef __KERNEL__
#include "kmod/platform_kernel.h"
#else
#include "platform_user.h"
#endif

void *pmt_zalloc(size_t size);
void pmt_free(void *p);
/* zeroed memory aligned to 64 bytes (cache lines), freed with pmt_free_aligned */
void *pmt_zalloc_aligned(size_t size);
void pmt_free_aligned(void *p);
void pmt_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
uint64_t pmt_clock_read(uint32_t clock_id);
uint64_t pmt_mono_ns(void);
/* the MMU page size, and the number of CPUs a region gets by default */
uint32_t pmt_plat_page_size(void);
uint32_t pmt_plat_nr_cpus(void);
/*
 * Defaults for a region's identity: this boot's id, the running kernel's
 * release, CLOCK_REALTIME ns, and the writer's name ("libpmt_ringbuf X" or
 * "pmtrace.ko X").
 */
void pmt_plat_ident(uint8_t boot_id[16], char release[64], uint64_t *realtime_ns,
		    const char **writer);

#define PMT_VERSION "0.2.0"

#define PMT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The userspace half of the platform layer (see platform.h). */
#ifndef PMTRACE_RINGBUF_PLATFORM_USER_H
#define PMTRACE_RINGBUF_PLATFORM_USER_H

#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#ifdef __x86_64__
#include <x86intrin.h>
#endif

#define pmt_likely(x)	__builtin_expect(!!(x), 1)
#define pmt_unlikely(x) __builtin_expect(!!(x), 0)

typedef int pmt_irqflags_t; /* unused in userspace */

/*
 * The CPU we are running on, as a hint: the thread may migrate right after
 * (the buffer design tolerates it). platform_user.c reads glibc's rseq area.
 */
uint32_t pmt_this_cpu(void);

/*
 * The per-CPU lock. A thread-local depth makes a signal handler that
 * interrupts its own thread's page turn only trylock (false = not taken).
 */
bool pmt_plat_lock(uint32_t *lock, pmt_irqflags_t *flags);
void pmt_plat_unlock(uint32_t *lock, pmt_irqflags_t flags);

/* "8-4-4-4-12" hex UUID -> 16 bytes */
bool pmt_parse_uuid(const char *s, uint8_t out[16]);

static inline uint64_t pmt_local_fetch_inc(uint64_t *p)
{
	/* threads migrate between reserve and commit: a real atomic */
	return __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
}

static inline void pmt_cpu_relax(void)
{
#ifdef __x86_64__
	_mm_pause();
#endif
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel half of the platform layer (ringbuf/platform.h), for the
 * module pmtrace.ko. Writers run with preemption disabled (tracepoint
 * probes, or the module's own preempt_disable() around a marker write), so
 * the CPU number is exact and a per-CPU counter needs no locked instruction;
 * the page-turn lock disables interrupts, so only an NMI can nest inside it,
 * and an NMI only trylocks (its event is dropped and counted as lost).
 */
#ifndef PMTRACE_RINGBUF_PLATFORM_KERNEL_H
#define PMTRACE_RINGBUF_PLATFORM_KERNEL_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/smp.h>
#include <linux/irqflags.h>
#include <linux/hardirq.h>
#include <linux/limits.h>
#include <asm/processor.h>

#ifndef UINT32_MAX
#define UINT32_MAX U32_MAX
#endif
#ifndef UINT64_MAX
#define UINT64_MAX U64_MAX
#endif
#ifndef INT32_MAX
#define INT32_MAX S32_MAX
#endif
/* u64 is unsigned long long in the kernel on every architecture */
#define PRIu64 "llu"
#define PRIx64 "llx"
#define PRId64 "lld"

#define pmt_likely(x)	likely(x)
#define pmt_unlikely(x) unlikely(x)

typedef unsigned long pmt_irqflags_t;

static inline uint32_t pmt_this_cpu(void)
{
	return raw_smp_processor_id();
}

static inline bool pmt_plat_lock(uint32_t *lock, pmt_irqflags_t *flags)
{
	local_irq_save(*flags);
	if (in_nmi()) {
		/* the NMI may have interrupted this very CPU's holder */
		if (!__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
			return true;
		local_irq_restore(*flags);
		return false;
	}
	for (;;) {
		if (!READ_ONCE(*lock) && !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
			return true;
		cpu_relax();
	}
}

static inline void pmt_plat_unlock(uint32_t *lock, pmt_irqflags_t flags)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}

static inline uint64_t pmt_local_fetch_inc(uint64_t *p)
{
#ifdef CONFIG_X86_64
	/* one instruction without LOCK: atomic against interrupts on this CPU */
	uint64_t v = 1;

	asm volatile("xaddq %0, %1" : "+r"(v), "+m"(*p) : : "memory");
	return v;
#else
	return __atomic_fetch_add(p, 1, __ATOMIC_RELAXED);
#endif
}

static inline void pmt_cpu_relax(void)
{
	cpu_relax();
}

#endif

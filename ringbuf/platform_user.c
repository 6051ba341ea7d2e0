// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The userspace half of the platform layer (platform.h): memory from the C
 * library, clocks from clock_gettime()/rdtsc, the CPU number from glibc's
 * rseq area, and the per-CPU spin lock with its same-thread nesting rule.
 */
#include <stdlib.h>
#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>
#define PMT_HAVE_RSEQ 1
#endif
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

#include "pmtrace/layout.h"

void *pmt_zalloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void pmt_free(void *p)
{
	free(p);
}

void *pmt_zalloc_aligned(size_t size)
{
	size_t n = (size + 63) / 64 * 64;
	void *p = aligned_alloc(64, n ? n : 64);

	if (p)
		memset(p, 0, n ? n : 64);
	return p;
}

void pmt_free_aligned(void *p)
{
	free(p);
}

void pmt_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	qsort(base, n, size, cmp);
}

uint64_t pmt_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t pmt_clock_read(uint32_t clock_id)
{
#ifdef __x86_64__
	if (clock_id == PMT_CLOCK_TSC)
		return __rdtsc();
#endif
	return pmt_mono_ns();
}

uint32_t pmt_this_cpu(void)
{
#if defined(PMT_HAVE_RSEQ) && defined(__x86_64__)
	/*
	 * glibc (2.35+) registers an rseq area per thread whose cpu_id the
	 * kernel keeps current; reading it directly saves the call.
	 */
	if (__rseq_size) {
		const struct rseq *rs =
			(const struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
		int cpu = (int)__atomic_load_n(&rs->cpu_id, __ATOMIC_RELAXED);

		if (cpu >= 0)
			return (uint32_t)cpu;
	}
#endif
	{
		int cpu = sched_getcpu();

		return cpu < 0 ? 0 : (uint32_t)cpu;
	}
}

/* Depth of page turns on this thread: a nested writer must not spin. */
static __thread int pmt_in_slow;

bool pmt_plat_lock(uint32_t *lock, pmt_irqflags_t *flags)
{
	(void)flags;
	/*
	 * Mark the thread before touching the lock and unmark it after release,
	 * so a signal handler that interrupts us anywhere in between (spinning,
	 * holding, releasing) sees the mark and only trylocks.
	 */
	if (pmt_in_slow++) {
		if (!__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
			return true;
		pmt_in_slow--;
		return false;
	}
	for (unsigned i = 0;; i++) {
		if (!__atomic_load_n(lock, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE))
			break;
		if (i > 64)
			sched_yield();
		else
			pmt_cpu_relax();
	}
	return true;
}

void pmt_plat_unlock(uint32_t *lock, pmt_irqflags_t flags)
{
	(void)flags;
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
	pmt_in_slow--;
}

uint32_t pmt_plat_page_size(void)
{
	long n = sysconf(_SC_PAGESIZE);

	return n > 0 ? (uint32_t)n : 4096;
}

uint32_t pmt_plat_nr_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (uint32_t)n : 1;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Parse a UUID ("8-4-4-4-12" hex digits) into 16 bytes; false if malformed. */
bool pmt_parse_uuid(const char *s, uint8_t out[16])
{
	int n = 0;

	for (; *s && n < 32; s++) {
		int v;

		if (*s == '-')
			continue;
		v = hexval(*s);
		if (v < 0)
			return false;
		if (n % 2 == 0)
			out[n / 2] = (uint8_t)(v << 4);
		else
			out[n / 2] |= (uint8_t)v;
		n++;
	}
	return n == 32 && (!*s || *s == '\n');
}

void pmt_plat_ident(uint8_t boot_id[16], char release[64], uint64_t *realtime_ns,
		    const char **writer)
{
	struct timespec ts;
	struct utsname u;
	char line[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");

	memset(boot_id, 0, 16);
	if (f) {
		if (fgets(line, sizeof(line), f) && !pmt_parse_uuid(line, boot_id))
			memset(boot_id, 0, 16);
		fclose(f);
	}
	memset(release, 0, 64);
	if (uname(&u) == 0) {
		size_t n = strnlen(u.release, 63);

		memcpy(release, u.release, n);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	*realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	*writer = "libpmt_ringbuf " PMT_VERSION;
}

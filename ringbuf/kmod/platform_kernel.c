// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel half of the platform layer (ringbuf/platform.h): private state
 * from kvzalloc (process context only: writers never allocate), the
 * kernel's sort(), trace_clock_local() as the region clock (ftrace's "local"
 * clock, so pmtrace and ftrace time stamps compare directly), and the
 * identity of this boot. The ring buffer's own pages are not allocated here
 * (pmtrace_main.c hands the core a vmap'ed or memremap'ed region).
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/trace_clock.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include "platform.h"
#include "rb_internal.h"
#include "pmtrace.h"

void *pmt_zalloc(size_t size)
{
	return kvzalloc(size ? size : 1, GFP_KERNEL);
}

void pmt_free(void *p)
{
	kvfree(p);
}

/* 64-byte alignment by hand: kvzalloc only guarantees what kmalloc does */
void *pmt_zalloc_aligned(size_t size)
{
	unsigned char *raw = kvzalloc(size + 64 + sizeof(void *), GFP_KERNEL);
	uintptr_t p;

	if (!raw)
		return NULL;
	p = ((uintptr_t)raw + sizeof(void *) + 63) & ~(uintptr_t)63;
	((void **)p)[-1] = raw;
	return (void *)p;
}

void pmt_free_aligned(void *p)
{
	if (p)
		kvfree(((void **)p)[-1]);
}

void pmt_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	sort(base, n, size, cmp, NULL);
}

uint64_t pmt_mono_ns(void)
{
	return ktime_get_mono_fast_ns();
}

uint64_t pmt_clock_read(uint32_t clock_id)
{
	if (clock_id == PMT_CLOCK_MONO_NS)
		return ktime_get_mono_fast_ns();
	return trace_clock_local();
}

uint32_t pmt_plat_page_size(void)
{
	return PAGE_SIZE;
}

uint32_t pmt_plat_nr_cpus(void)
{
	return nr_cpu_ids;
}

void pmt_plat_ident(uint8_t boot_id[16], char release[64], uint64_t *realtime_ns,
		    const char **writer)
{
	memcpy(boot_id, pmt_boot_id, 16);
	memset(release, 0, 64);
	strscpy(release, utsname()->release, 64);
	*realtime_ns = ktime_get_real_ns();
	*writer = "pmtrace.ko " PMT_VERSION;
}

/* The module's pages stay resident: nothing is ever reported. */
uint32_t pmt_report_idle_cpu(struct pmt_rb *rb, struct pmt_cpu *c, uint64_t now)
{
	return 0;
}

void pmt_rb_destroy(struct pmt_rb *rb)
{
	pmt_rb_free_private(rb); /* the memory is the module's */
}

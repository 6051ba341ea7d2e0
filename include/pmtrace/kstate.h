/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel module's well-known global for readers with debuginfo:
 *
 *	struct pmtrace_kstate pmtrace_kstate;   (in pmtrace.ko)
 *
 * A reader finds the module in the kernel's module list, the symbol in the
 * .ko's symbol table (plus the module's load address) and the layout of
 * these structures in the .ko's DWARF; this header documents it (the reader
 * should not rely on it instead of the DWARF). docs/format.md, last section.
 * Addresses are the kernel's virtual addresses of the regions (a vmap area
 * for page-allocator memory, a memremap address for reserved RAM).
 */
#ifndef PMTRACE_KSTATE_H
#define PMTRACE_KSTATE_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
/*
 * mmap of /sys/kernel/debug/pmtrace/per_cpu/cpuN/trace_pipe_raw (read-only,
 * offset 0): the CPU's meta area (meta_page_size bytes) followed by its data
 * pages (data page id i at meta_page_size + i * page_size). This ioctl on the
 * same file swaps the reader page (the oldest full page comes out of the
 * ring; with argument 1 also a partly filled tail page) and returns the new
 * reader page id (also in the meta area's reader_id), -EAGAIN when there is
 * nothing to hand over. _IO('P', 1).
 */
#define PMT_IOC_GET_READER 0x5001u

#endif

#define PMT_KSTATE_MAGIC   0x54415453544b4d50ull /* "PMTKSTAT" as LE u64 */
#define PMT_KSTATE_VERSION 1u

enum pmtrace_kregion_state {
	PMT_KREGION_NONE = 0,
	PMT_KREGION_LIVE = 1,	   /* this boot's buffer, being written */
	PMT_KREGION_RECOVERED = 2, /* the previous boot's, validated, read-only */
	PMT_KREGION_RELEASED = 3,  /* the previous boot's, released by the user */
};

struct pmtrace_kregion {
	uint64_t vaddr;	    /* kernel virtual address of region byte 0 */
	uint64_t size;	    /* bytes */
	uint64_t phys;	    /* physical address of byte 0 */
	uint64_t chunks;    /* kernel virtual address of the chunk table (in the region) */
	uint32_t nr_chunks; /* its entries */
	uint32_t state;	    /* enum pmtrace_kregion_state */
};

struct pmtrace_kstate {
	uint64_t magic;	  /* PMT_KSTATE_MAGIC */
	uint32_t version; /* PMT_KSTATE_VERSION */
	uint32_t size;	  /* sizeof(struct pmtrace_kstate) */
	struct pmtrace_kregion cur;
	struct pmtrace_kregion prev;
};

/*
 * mmap of /sys/kernel/debug/pmtrace/per_cpu/cpuN/trace_pipe_raw (read-only,
 * offset 0): the CPU's meta area (meta_page_size bytes) followed by its data
 * pages (data page id i at meta_page_size + i * page_size). This ioctl on the
 * same file swaps the reader page (the oldest full page comes out of the
 * ring; with argument 1 also a partly filled tail page) and returns the new
 * reader page id (also in the meta area's reader_id), -EAGAIN when there is
 * nothing to hand over. _IO('P', 1).
 */
#define PMT_IOC_GET_READER 0x5001u

#endif

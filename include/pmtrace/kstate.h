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

#endif

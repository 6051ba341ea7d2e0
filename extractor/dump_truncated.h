/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which physical memory a truncated vmcore promises but no longer holds.
 *
 * libkdumpfile 0.5.1 reads past the end of a truncated file as zeros (its
 * file cache pads short reads), so a page that was cut off is returned as a
 * page of zeros instead of an error. pmtrace must say "not in the dump"
 * instead. trunc_scan() reads the file's own index (ELF program headers, or
 * the diskdump bitmap and page descriptors) and lists the physical ranges
 * whose data lies beyond the end of the file; dump_target.c refuses reads
 * that touch them. A complete file costs a few header reads; the page
 * descriptors of a diskdump are only walked when the file is found short.
 */
#ifndef PMTRACE_EXTRACTOR_DUMP_TRUNCATED_H
#define PMTRACE_EXTRACTOR_DUMP_TRUNCATED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/error.h"

struct phys_hole {
	uint64_t start, end; /* [start, end) physical addresses */
};

struct trunc_map {
	struct phys_hole *holes; /* sorted by start */
	size_t n;
	/* ELF only: the same holes by the segments' virtual addresses, for
	 * libkdumpfile reads kernel virtual addresses of an ELF core through
	 * p_vaddr when the segment has one, without translation. */
	struct phys_hole *vholes;
	size_t nv;
	uint64_t file_size;
	uint64_t need_size; /* the size the file's index asks for (>= file_size if cut) */
	/* ELF only: every range the headers name (program and section header
	 * tables, every segment, every section with file contents) lies inside
	 * the file, so the file can be memory-mapped without a read faulting. */
	bool elf_in_file;
};

/* Scan fd (an ELF core or a kdump-compressed file; anything else yields an
 * empty map). Errors for I/O failure, allocation, and (PMT_ERR_CORRUPT) a
 * kdump header whose layout the file cannot hold. */
struct pmt_err *trunc_scan(int fd, const char *name, struct trunc_map *out);

/* Is any byte of [addr, addr + len) in a hole? *first gets the first one. */
bool trunc_find(const struct trunc_map *m, uint64_t addr, uint64_t len, uint64_t *first);
/* The same for the virtual holes. */
bool trunc_find_virt(const struct trunc_map *m, uint64_t addr, uint64_t len, uint64_t *first);

void trunc_free(struct trunc_map *m);

#endif

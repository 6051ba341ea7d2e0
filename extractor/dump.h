/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dump side of the extractor: a vmcore opened with libkdumpfile (the
 * pmt_target on top of it is dump_target.h).
 *
 * dump_open() takes any format libkdumpfile 0.5.1 reads (ELF, kdump-compressed
 * with zlib/lzo/snappy/zstd, makedumpfile-filtered) and makedumpfile's
 * flattened format, which libkdumpfile 0.5.1 refuses and which is rebuilt
 * first (extractor/flattened.h). It also makes sure kernel virtual addresses
 * translate: see dump.c for what QEMU's kdump-compressed dumps lack and
 * how it is supplied.
 *
 * Lifetimes: the strings returned by dump_vmcoreinfo()/dump_format_name()
 * live until dump_close(). A target made by dump_target() reads through the
 * dump and must be destroyed before dump_close().
 */
#ifndef PMTRACE_EXTRACTOR_DUMP_H
#define PMTRACE_EXTRACTOR_DUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "pmtrace/error.h"
#include "pmtrace/target.h"

struct dump;

/* Open a vmcore. Errors: PMT_ERR_IO (cannot open/read), PMT_ERR_FORMAT (not a
 * dump libkdumpfile or we understand), PMT_ERR_CORRUPT (damaged headers or a
 * damaged flattened stream), PMT_ERR_UNSUPPORTED. */
struct pmt_err *dump_open(const char *path, struct dump **out);
void dump_close(struct dump *d);

/* A VMCOREINFO value by key, e.g. "OSRELEASE", "BUILD-ID", "KERNELOFFSET",
 * "PAGESIZE", "SYMBOL(_stext)", "NUMBER(phys_base)"; NULL if absent. */
const char *dump_vmcoreinfo(struct dump *d, const char *key);

/* libkdumpfile's format name ("elf", "diskdump", ...), prefixed with
 * "flattened->" when the file was rebuilt from the flattened format. */
const char *dump_format_name(struct dump *d);

/* The path given to dump_open(), and the file libkdumpfile actually reads
 * (the same path, or the rebuilt file for a flattened dump). */
const char *dump_path(struct dump *d);
const char *dump_data_path(struct dump *d);

/* What was done to make kernel virtual addresses translate, or "" if
 * libkdumpfile managed on its own (e.g. "phys_base from VMCOREINFO"). */
const char *dump_xlat_fixup(struct dump *d);

/* Run-time minus link-time kernel address: KERNELOFFSET from VMCOREINFO, 0 if
 * the dump has none (no KASLR, or no VMCOREINFO). */
uint64_t dump_kaslr_offset(struct dump *d);

/* Read len bytes at kernel virtual address addr. Fails whole, err->addr being
 * the first byte not read: a page missing from the dump is PMT_ERR_FILTERED
 * (left out by the dump tool, per the file's bitmap), PMT_ERR_TRUNCATED
 * (beyond the end of a truncated file) or PMT_ERR_NODATA (not saved); an address the
 * kernel's page tables do not map is PMT_ERR_CORRUPT (a bad pointer); file
 * read errors are PMT_ERR_IO. */
struct pmt_err *dump_read_kv(struct dump *d, uint64_t addr, void *buf, size_t len);
/* The next range [*start, *end) of physical memory the file holds, at or
 * after *start (the file's page map); false when there is no more. */
bool dump_phys_next(struct dump *d, uint64_t *start, uint64_t *end);
/* The same for a physical address. */
struct pmt_err *dump_read_phys(struct dump *d, uint64_t addr, void *buf, size_t len);

/* A VMCOREINFO number (base 16 for SYMBOL()/KERNELOFFSET, 10 for NUMBER(),
 * OFFSET(), SIZE(), PAGESIZE); false if absent or malformed. */
bool dump_vmcoreinfo_num(struct dump *d, const char *key, int base, uint64_t *v);
/* SYMBOL(name) from VMCOREINFO (a run-time address). */
bool dump_vmcoreinfo_symbol(struct dump *d, const char *name, uint64_t *v);

/* What the dump says of the machine; zero / "" where it says nothing. */
struct dump_machine {
	unsigned int word_size;
	bool have_byte_order, big_endian;
	uint64_t page_size;
	char release[65];
};
void dump_machine(struct dump *d, struct dump_machine *m);

#endif

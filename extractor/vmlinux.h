/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A vmlinux ELF file opened for symbols and facts (libelf).
 *
 * The file is mapped read-only-private once; libelf and libdwarf (see
 * dwarf_types.h) both read from that one mapping, so only the pages actually
 * touched count against the resident set. vmlinux_open() reads the ELF
 * headers, builds a hash table of .symtab by name, and reads the build-id
 * (NT_GNU_BUILD_ID note) and the kernel release (from linux_banner, else
 * init_uts_ns) out of the section data. All addresses are link-time
 * addresses: no KASLR offset is ever applied here.
 *
 * A vmlinux is untrusted input: every header, offset and string is
 * bounds-checked against the mapping.
 */
#ifndef PMTRACE_EXTRACTOR_VMLINUX_H
#define PMTRACE_EXTRACTOR_VMLINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gelf.h>

#include "pmtrace/error.h"

struct vmlinux;

/* Open and index a vmlinux (or any ELF file with a .symtab; a missing
 * .symtab is allowed, every symbol is then ABSENT). */
struct pmt_err *vmlinux_open(const char *path, struct vmlinux **out);
void vmlinux_close(struct vmlinux *vm);

const char *vmlinux_path(const struct vmlinux *vm);
/* NT_GNU_BUILD_ID as lowercase hex, "" if the file has none. */
const char *vmlinux_build_id(const struct vmlinux *vm);
/* utsname release ("6.1.0-56-cloud-amd64"), "" if not found. */
const char *vmlinux_release(const struct vmlinux *vm);
unsigned int vmlinux_word_size(const struct vmlinux *vm); /* 4 or 8 */
bool vmlinux_big_endian(const struct vmlinux *vm);
size_t vmlinux_symbol_count(const struct vmlinux *vm);

/*
 * Link-time address of a symbol. When several symbols share the name (static
 * symbols of different files), the choice is deterministic: data objects
 * (STT_OBJECT) first, then untyped (STT_NOTYPE, e.g. _text), then functions;
 * within a class GLOBAL before WEAK before LOCAL, then the lowest address.
 * ABSENT if no defined symbol has the name.
 */
struct pmt_err *vmlinux_symbol(const struct vmlinux *vm, const char *name, uint64_t *addr);
/* Same but preferring functions (STT_FUNC): used to find a function's CU. */
struct pmt_err *vmlinux_function(const struct vmlinux *vm, const char *name, uint64_t *addr);

/* Copy len bytes of initialised section data at link-time address addr.
 * ABSENT if no SHF_ALLOC PROGBITS section holds the whole range. */
struct pmt_err *vmlinux_read_static(const struct vmlinux *vm, uint64_t addr, void *buf, size_t len);

/* For dwarf_index.c: the libelf handle and the mapping it reads. */
Elf *vmlinux_elf(const struct vmlinux *vm);
const unsigned char *vmlinux_map(const struct vmlinux *vm, size_t *size);

#endif

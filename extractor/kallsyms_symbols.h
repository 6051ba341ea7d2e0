/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbols without a vmlinux: the kernel's own kallsyms tables decoded from
 * the dump (lib/kallsyms.c), found through VMCOREINFO.
 *
 * Since Linux 6.0 VMCOREINFO carries SYMBOL(kallsyms_names),
 * SYMBOL(kallsyms_num_syms), SYMBOL(kallsyms_token_table),
 * SYMBOL(kallsyms_token_index) and SYMBOL(kallsyms_offsets) (with
 * SYMBOL(kallsyms_relative_base) where the kernel has one) or
 * SYMBOL(kallsyms_addresses). These values are RUN-TIME addresses (the
 * kernel writes &symbol after relocation: on the corpus, SYMBOL(_stext) is
 * 0xffffffff81000000 + KERNELOFFSET), and so are the decoded symbols.
 *
 * The target made here answers only symbol(), with LINK-TIME addresses like
 * the vmlinux and profile targets (run-time minus KERNELOFFSET), to be
 * wrapped by dump_target() which adds the offset back. Everything else is
 * ABSENT. Where several symbols share a name (statics of different files),
 * the choice follows vmlinux_symbol(): data before text, global before weak
 * before local, then the lowest address.
 *
 * kallsyms leaves out its own tables (scripts/kallsyms.c ignores them):
 * those names are answered from VMCOREINFO, and kallsyms_markers, which
 * VMCOREINFO lacks, is found right after kallsyms_names and accepted only if
 * every entry equals the offset of every 256th name, as decoded.
 */
#ifndef PMTRACE_EXTRACTOR_KALLSYMS_SYMBOLS_H
#define PMTRACE_EXTRACTOR_KALLSYMS_SYMBOLS_H

#include <stddef.h>

#include "pmtrace/target.h"

struct dump;

/*
 * Decode the dump's kallsyms. `mem` reads the dump's kernel memory (only
 * during this call). PMT_ERR_ABSENT (with the reason) when VMCOREINFO lacks
 * the tables (kernels before 6.0); NODATA/CORRUPT when they cannot be read
 * or do not decode to a table that puts _stext where VMCOREINFO says.
 */
struct pmt_err *kallsyms_symbols_target(struct dump *d, struct pmt_target *mem,
					struct pmt_target **out);
/* Number of symbols decoded; only valid on such a target. */
size_t kallsyms_symbols_count(struct pmt_target *t);

#endif

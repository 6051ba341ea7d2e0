/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pmt_target of a vmcore: the dump's kernel virtual memory (dump.h) with
 * the type and symbol questions answered by a types-only target.
 */
#ifndef PMTRACE_EXTRACTOR_DUMP_TARGET_H
#define PMTRACE_EXTRACTOR_DUMP_TARGET_H

#include "dump.h"
#include "pmtrace/target.h"

/*
 * A target reading kernel virtual memory of the dump, with the type and
 * symbol questions delegated to `types` (a types-only target that knows
 * LINK-TIME addresses); symbol() adds the KASLR offset. Fills word_size,
 * big_endian, page_size, kaslr_offset and release. Takes ownership of
 * `types` (destroyed with the target, or right away on failure).
 *
 * When both the dump's VMCOREINFO and `types` know _stext (or _text), their
 * difference must equal the KASLR offset, else PMT_ERR_MISMATCH: the vmlinux
 * or profile is not the one of the dumped kernel.
 */
struct pmt_err *dump_target(struct dump *d, struct pmt_target *types, struct pmt_target **out);

#endif

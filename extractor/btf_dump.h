/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types and symbols from the dump alone: no vmlinux, no profile.
 *
 *   symbols  the dump's kallsyms, found through VMCOREINFO
 *            (kallsyms_symbols.h; Linux 6.0+);
 *   types    the kernel's BTF, __start_BTF .. __stop_BTF (found through
 *            kallsyms), parsed by btf_types.h; module BTF through the
 *            kernel's btf_modules list (struct btf_module -> struct btf ->
 *            data, data_size), read when first needed. The layouts of those
 *            kernel structures come from the vmlinux BTF itself.
 *
 * The result is a types-only target with link-time symbols, for
 * dump_target(), exactly like a vmlinux or profile target.
 */
#ifndef PMTRACE_EXTRACTOR_BTF_DUMP_H
#define PMTRACE_EXTRACTOR_BTF_DUMP_H

#include <stddef.h>

#include "pmtrace/target.h"

struct dump;

/*
 * Errors say why BTF cannot be used and, when the kernel is too old for it
 * (no kallsyms in VMCOREINFO), which file would help (--vmlinux or
 * --profile of the dump's build-id). Kinds: ABSENT (no kallsyms tables, no
 * __start_BTF: a kernel without CONFIG_DEBUG_INFO_BTF), NODATA (BTF pages
 * filtered out of the dump or lost to truncation), CORRUPT (a damaged blob,
 * with the reason), UNSUPPORTED.
 */
struct pmt_err *btf_dump_types(struct dump *d, struct pmt_target **out);

/* One line saying what answered, e.g. "BTF in the dump (vmlinux 4120215
 * bytes, 95265 types; 1 module BTF, 2904 bytes), kallsyms in the dump
 * (87347 symbols)". `t` is the target made by btf_dump_types(). */
void btf_dump_describe(struct pmt_target *t, char *buf, size_t len);

#endif

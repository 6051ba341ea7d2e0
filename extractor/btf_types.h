/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A types-only pmt_target answering from BTF, the kernel's own compact type
 * graph (CONFIG_DEBUG_INFO_BTF), parsed with libbpf.
 *
 * type_size(), member(), enumerator()  from the vmlinux BTF, with the rules
 *               of target.h (dotted paths, anonymous structs and unions
 *               looked through) and the same answers as the DWARF target
 *               (extractor/dwarf_types.h): sizes, offsets, bit fields
 *               numbered like DW_AT_data_bit_offset, kinds, array lengths,
 *               pointee sizes;
 * symbol()      BTF holds no addresses: forwarded to a symbol target given
 *               with btf_types_set_symbols() (the dump's kallsyms), else
 *               ABSENT;
 * read()        PMT_ERR_UNSUPPORTED (memory comes from the front end).
 *
 * Module BTF (split BTF over the vmlinux BTF) is added with
 * btf_types_add_module(), possibly lazily: a loader set with
 * btf_types_set_module_loader() is called the first time a scoped
 * enumerator question (an event's print format, see pmt_scope()) is not
 * answered by vmlinux. Module BTF answers only those questions: the walker's
 * layout questions concern vmlinux, and a module's own type of the same name
 * must never stand in for it.
 *
 * A blob is untrusted (it comes from a dump): btf_check_blob() validates what
 * libbpf 1.1 does not (header fields, every type id and string offset, record
 * bounds, bit-field widths) before libbpf sees it; type chains, anonymous
 * nesting and member paths are depth-limited when answering. An enumerator
 * name that BTF defines with different values in different enums is ABSENT
 * ("ambiguous"), never a guess.
 */
#ifndef PMTRACE_EXTRACTOR_BTF_TYPES_H
#define PMTRACE_EXTRACTOR_BTF_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/target.h"

/*
 * Validate a raw BTF blob. For split (module) BTF, base_types is the base's
 * btf__type_cnt() (ids below it refer to the base) and base_str_len the
 * base's string section size; 0 and 0 for vmlinux BTF. PMT_ERR_CORRUPT with
 * the reason and the byte offset in the blob; PMT_ERR_UNSUPPORTED for a
 * valid blob using something we do not know (a newer version or kind).
 */
struct pmt_err *btf_check_blob(const void *data, size_t size, uint32_t base_types,
			       uint32_t base_str_len, uint32_t *ntypes);

/* A target from the vmlinux BTF blob (copied; the caller keeps data). */
struct pmt_err *btf_types_target(const void *data, size_t size, struct pmt_target **out);

/* Split BTF of module `name` over the vmlinux BTF (data copied). On error
 * the target is unchanged and the module is listed as refused. */
struct pmt_err *btf_types_add_module(struct pmt_target *t, const char *name, const void *data,
				     size_t size);

/* Answer symbol() from `syms` (owned from now on; destroyed with t). */
void btf_types_set_symbols(struct pmt_target *t, struct pmt_target *syms);

/* Called at most once, when modules are first needed (see above); `fn`
 * calls btf_types_add_module() for each module it finds and returns what
 * went wrong (modules refused are recorded, not fatal). */
typedef void (*btf_module_loader)(void *arg, struct pmt_target *t);
/* free_arg(arg) runs when t is destroyed (may be NULL). */
void btf_types_set_module_loader(struct pmt_target *t, btf_module_loader fn, void *arg,
				 void (*free_arg)(void *arg));
/* The symbol target given to btf_types_set_symbols(), or NULL. */
struct pmt_target *btf_types_symbols(struct pmt_target *t);
/* Run the loader now if it has not run (for `info`). */
void btf_types_load_modules(struct pmt_target *t);
/* Record a problem found while loading modules (shown by btf_types_notes). */
void btf_types_note(struct pmt_target *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct btf_types_stats {
	size_t vmlinux_bytes;
	uint32_t vmlinux_types;
	size_t modules, module_bytes, modules_refused;
	bool modules_loaded; /* the loader ran */
};
void btf_types_get_stats(struct pmt_target *t, struct btf_types_stats *st);
/* Problems seen (refused module blobs ...), one per line; "" if none. */
const char *btf_types_notes(struct pmt_target *t);
/* Is t a BTF types target? */
bool btf_types_is(const struct pmt_target *t);

#endif

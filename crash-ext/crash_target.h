/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A struct pmt_target (pmtrace/target.h) on top of a running crash session.
 *
 * crash has already opened the dump, applied KASLR to its symbol table and
 * loaded the vmlinux DWARF into its embedded gdb; this target only asks crash.
 * It never opens the vmlinux or the dump itself, so there is no second DWARF
 * load and every dump format crash reads is supported.
 *
 *	read        readmem(KVADDR, RETURN_ON_ERROR|QUIET); on failure the page
 *	            that failed is probed again to tell NODATA from IO
 *	symbol      symbol_exists() + symbol_value()
 *	type_size   \
 *	member       > crash_types.c: crash's datatype_info() and gdb expressions
 *	enumerator  /
 *
 * Nothing here may call error(FATAL) or anything that does, because that
 * longjmps out of the walker and leaks its state: every crash call used is a
 * RETURN_ON_ERROR variant. Only valid inside a crash process (the extension).
 */
#ifndef PMTRACE_CRASH_TARGET_H
#define PMTRACE_CRASH_TARGET_H

#include "pmtrace/target.h"

/* Build the target for the dump crash has open. Cheap: reads no memory. */
struct pmt_err *crash_target_new(struct pmt_target **out);

/*
 * The crash target with its type questions answered by `profile` (a
 * lib/profile.h types target, taken over) instead of gdb: memory and symbols
 * still come from crash. `crash` is borrowed.
 */
struct pmt_err *crash_target_with_profile(struct pmt_target *crash, struct pmt_target *profile,
					  struct pmt_target **out);

/* The gdb commands the crash target's type questions have cost so far. */
unsigned long crash_target_gdb_queries(struct pmt_target *crash);

#endif

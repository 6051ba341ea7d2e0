/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A types-only pmt_target answering from a vmlinux's DWARF (libdwarf).
 *
 * symbol()      link-time address from the ELF .symtab (no KASLR offset);
 * type_size(), member(), enumerator()  from .debug_info, visiting only the
 *               few compilation units that are needed (see dwarf_index.c);
 * read()        always PMT_ERR_UNSUPPORTED: memory comes from the front end
 *               that wraps this target (extractor/kdump).
 *
 * word_size, big_endian and release are filled from the vmlinux; page_size
 * and kaslr_offset are left 0 for the front end.
 *
 * The target borrows the vmlinux: destroy the target before vmlinux_close().
 */
#ifndef PMTRACE_EXTRACTOR_DWARF_TYPES_H
#define PMTRACE_EXTRACTOR_DWARF_TYPES_H

#include "pmtrace/target.h"
#include "vmlinux.h"

/*
 * How a name is found. Every lookup first consults the built-in hint table
 * (name -> functions whose compilation unit defines it):
 *   DWARF_TYPES_HINTED   (default) a hinted name missing from its hinted
 *                        units is ABSENT, unless a unit merely declares it
 *                        (then: scan). Unhinted names: scan.
 *   DWARF_TYPES_HINTS_THEN_SCAN  a hinted name missing from its units: scan.
 *   DWARF_TYPES_SCAN_ONLY  ignore hints, always scan (reference answers).
 * A scan visits compilation units in file order, top-level DIEs only, and
 * stops at the first unit defining the name; its progress is kept.
 */
enum dwarf_types_mode {
	DWARF_TYPES_HINTED = 0,
	DWARF_TYPES_HINTS_THEN_SCAN,
	DWARF_TYPES_SCAN_ONLY,
};

struct dwarf_types_stats {
	unsigned int hint_cus;	  /* units indexed because a hint pointed at them */
	unsigned int scanned_cus; /* units indexed by the sequential scan */
	unsigned int aranges;	  /* address ranges loaded from .debug_aranges */
	bool scan_complete;	  /* the scan reached the end of .debug_info */
};

struct pmt_err *dwarf_types_target(struct vmlinux *vm, struct pmt_target **out);
/* Only valid on a target made by dwarf_types_target(). */
void dwarf_types_set_mode(struct pmt_target *t, enum dwarf_types_mode mode);
void dwarf_types_get_stats(struct pmt_target *t, struct dwarf_types_stats *st);

#endif

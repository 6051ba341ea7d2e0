/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What dwarf_index.c and dwarf_types.c share (not a public header): the
 * state of a vmlinux types target (struct dt), the DIE helpers both halves
 * read DWARF with, and the name lookup of the CU index.
 *
 *   dwarf_index.c  libdwarf over the vmlinux mapping, and finding a name's
 *                  DIE (or an enumerator's value) in as few compilation
 *                  units as possible: hints, .debug_aranges, the scan
 *   dwarf_types.c  what a type DIE means (size, kind, members), and the
 *                  pmt_target of dwarf_types.h on top
 */
#ifndef PMTRACE_EXTRACTOR_DWARF_INDEX_H
#define PMTRACE_EXTRACTOR_DWARF_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libdwarf.h>

#include "dwarf_types.h"

#define MAX_TYPE_CHAIN 64 /* typedef/cv hops before we call it a loop */

/* struct dt.scope when no unit is in scope / the caller's unit is unknown */
#define SCOPE_NONE    SIZE_MAX
#define SCOPE_UNKNOWN (SIZE_MAX - 1)

/* a small string -> u64 hash map (open addressing, owns its keys) */
struct strmap_ent {
	char *key;
	uint64_t val;
};

struct strmap {
	struct strmap_ent *e;
	size_t cap, n; /* cap is 0 or a power of two, n <= cap / 2 */
};

/* ---- the target's private state ---- */

struct dt_section {
	const char *name;
	const unsigned char *data; /* NULL: no file data (NOBITS or out of bounds) */
	uint64_t addr, size, type, link, info, entsize;
};

struct arange {
	uint64_t start, end, cu_die;
};

struct unit_index {
	uint64_t cu_die;
	struct strmap types, enums;
};

struct dt {
	struct vmlinux *vm;
	enum dwarf_types_mode mode;
	unsigned int word_size;
	bool big_endian;

	struct dt_section *secs;
	size_t nsecs;
	Dwarf_Obj_Access_Methods methods;
	Dwarf_Obj_Access_Interface iface;
	Dwarf_Debug dbg;

	bool aranges_loaded;
	struct arange *aranges;
	size_t naranges;

	struct unit_index *units; /* CUs indexed because of hints */
	size_t nunits;

	struct strmap scan_types, scan_enums; /* index of CUs [0, scan position) */
	bool scan_started, scan_done;
	unsigned int scanned_cus;
	char *scan_error; /* sticky: the scan failed at some CU */

	/* set by dwarf_index_scope(): index into units of the CU enumerator
	 * questions concern, SCOPE_UNKNOWN when the caller could not say
	 * which, or SCOPE_NONE (an index: units may be reallocated) */
	size_t scope;
};

/* ---- the CU index (dwarf_index.c) ---- */

/* Open libdwarf on dt->vm (vm, word_size and big_endian set by the caller). */
struct pmt_err *dwarf_index_open(struct dt *dt);
/* Free everything dwarf_index_open() and the lookups allocated (not dt). */
void dwarf_index_close(struct dt *dt);
/* dt->scope := the unit of function func (SCOPE_UNKNOWN if not located);
 * SCOPE_NONE for func NULL or in DWARF_TYPES_SCAN_ONLY mode. */
void dwarf_index_scope(struct dt *dt, const char *func);
/* A type's DIE offset (key "struct x", "union x", "enum x" or a typedef) or
 * an enumerator's value (is_enum); PMT_ERR_ABSENT if not found. */
struct pmt_err *find_name(struct dt *dt, const char *key, bool is_enum, uint64_t *val);

/* ---- DIE helpers (dwarf_index.c) ---- */

/* The DIE at global offset off (dwarf_dealloc_die() it). */
struct pmt_err *die_at(struct dt *dt, uint64_t off, Dwarf_Die *die);
/* The DIE's global offset, 0 if unreadable. */
uint64_t die_off(struct dt *dt, Dwarf_Die die);
/* The DIE's DW_TAG_*, -1 if unreadable. */
int die_tag(struct dt *dt, Dwarf_Die die);
/* The DIE's name, NULL if it has none (or it cannot be read). */
const char *die_name(struct dt *dt, Dwarf_Die die);
/* Constant attribute at: 1 present, 0 absent, -1 malformed (*width: form bits). */
int die_const(struct dt *dt, Dwarf_Die die, Dwarf_Half at, bool want_signed, uint64_t *v,
	      unsigned int *width);
/* Does the DIE have attribute at (false if unreadable)? */
bool die_has(struct dt *dt, Dwarf_Die die, Dwarf_Half at);
/* Global offset of the DIE attribute at refers to: 1, 0 absent, -1 bad. */
int die_ref(struct dt *dt, Dwarf_Die die, Dwarf_Half at, uint64_t *off);
/* Next child of parent (*child NULL: the first); *child NULL at the end. */
struct pmt_err *next_child(struct dt *dt, Dwarf_Die parent, Dwarf_Die *child);
/* A typedef or qualifier tag: type chains look through it to DW_AT_type. */
bool is_transparent(int tag);

#endif

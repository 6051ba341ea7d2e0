/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Answers read from gdb's ptype output (see gdb_ptype.c), so that one gdb
 * command answers many type questions:
 *  - a struct's members as `ptype /o TYPE` prints them: every member of a
 *    type, nested by-value structs and unions included, instead of two or
 *    three commands per member;
 *  - an enum's enumerators as `ptype ENUMERATOR` prints them ("type = enum
 *    x {A, B = 4, C}"): the whole enum for one of its names.
 */
#ifndef PMTRACE_GDB_PTYPE_H
#define PMTRACE_GDB_PTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gdb_layout_member {
	char *name;	     /* NULL: an anonymous struct or union */
	char *type;	     /* spelled as `whatis` prints it: "struct list_head *",
			      * "char [16]", "void (*)(struct irq_work *)", "u64" */
	uint64_t offset;     /* bytes from the start of the outermost type */
	uint64_t size;	     /* bytes (arrays: the whole array) */
	uint64_t bit_offset; /* bit fields: bit position from the start of the type */
	uint32_t bit_size;   /* bit fields: width; 0 otherwise */
	int parent;	     /* index of the enclosing struct or union, -1: the type */
	bool body;	     /* a struct or union whose members follow it */
};

struct gdb_layout {
	struct gdb_layout_member *m;
	size_t n;
	bool hidden; /* a member with neither a name nor a body (an anonymous
		      * typedef'd struct, as -fms-extensions allows): its
		      * members may be any name, so "absent" is not known */
};

/*
 * Parse gdb's output. Anything that is not the expected shape (gdb refusing
 * /o for a type with a flexible array, a wrapped line, no type at all) is an
 * error: the caller asks member by member instead.
 */
struct pmt_err *gdb_layout_parse(const char *text, struct gdb_layout **out);
void gdb_layout_free(struct gdb_layout *l);

enum gdb_layout_found {
	GDB_LAYOUT_FOUND,
	GDB_LAYOUT_ABSENT,  /* the type has no such member */
	GDB_LAYOUT_UNKNOWN, /* the path goes through a member gdb did not expand
			     * (a typedef'd struct, an array of structs) */
};

/* The member at a dotted path, looked up as C does (through anonymous
 * structs and unions). */
enum gdb_layout_found gdb_layout_find(const struct gdb_layout *l, const char *path,
				      const struct gdb_layout_member **out);

/* Each enumerator of an enum gdb printed, in order, to fn (name: len bytes,
 * not NUL-terminated). FORMAT when the text is not one enum. */
struct pmt_err *gdb_enum_parse(const char *text,
			       void (*fn)(void *arg, const char *name, size_t len, int64_t value),
			       void *arg);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The target: everything the walkers know about the system they read.
 *
 * A target answers five questions: read memory at a kernel virtual address,
 * the run-time address of a symbol, the size of a type, the offset/size of a
 * member, and the value of an enumerator. The walkers in lib/ see nothing else;
 * they never include libkdumpfile, libdwarf or crash headers. Front ends build
 * a target from whatever they have:
 *
 *   extractor/  libkdumpfile for memory + libdwarf/libelf (or a profile) for types
 *   crash-ext/  crash's readmem() + crash's own symbol and type tables
 *   tests/      an in-memory image, possibly mutated, for fuzzing and bad input
 *
 * Answers are errors as values (pmtrace/error.h). The codes matter:
 *   PMT_ERR_ABSENT  this kernel has no such symbol/type/member: the walker
 *                   falls back to another layout (kernel renames);
 *   PMT_ERR_NODATA  the address is valid but its page is not in the dump
 *                   (filtered out): reported as such, not as corruption;
 *   anything else   a real failure.
 *
 * Type names are spelled as in C: "struct trace_array", "union foo",
 * "enum bar" or a typedef name. Member paths may be dotted to reach into
 * nested structs ("array_buffer.buffer"); anonymous structs and unions are
 * looked through, so "name" finds trace_event_call's union member.
 */
#ifndef PMTRACE_TARGET_H
#define PMTRACE_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/error.h"

enum pmt_type_kind {
	PMT_KIND_OTHER = 0,
	PMT_KIND_INT, /* integers, enums, bool, char */
	PMT_KIND_POINTER,
	PMT_KIND_ARRAY,
	PMT_KIND_STRUCT, /* struct or union */
};

struct pmt_member {
	uint64_t offset; /* byte offset from the start of the outermost type */
	uint64_t size;	 /* byte size of the member's type (arrays: whole array; 0 if flexible) */
	uint64_t bit_offset; /* bit fields: bit position from the start of the outermost
			      * type, numbered as DW_AT_data_bit_offset (LSB-first on
			      * little-endian targets); 0 otherwise */
	uint32_t bit_size;   /* bit fields: width in bits; 0 for ordinary members */
	enum pmt_type_kind kind;
	uint64_t array_len; /* arrays: number of elements (0 if flexible or unknown) */
	uint64_t elem_size; /* arrays: element size; pointers: pointee size if known, else 0 */
};

struct pmt_target;

struct pmt_target_ops {
	/* Read len bytes at kernel virtual address addr. Fails whole: a short
	 * read is an error (NODATA for pages missing from the dump). */
	struct pmt_err *(*read)(struct pmt_target *t, uint64_t addr, void *buf, size_t len);
	/* Run-time (relocated, KASLR applied) address of a global symbol. */
	struct pmt_err *(*symbol)(struct pmt_target *t, const char *name, uint64_t *addr);
	struct pmt_err *(*type_size)(struct pmt_target *t, const char *type, uint64_t *size);
	struct pmt_err *(*member)(struct pmt_target *t, const char *type, const char *path,
				  struct pmt_member *out);
	struct pmt_err *(*enumerator)(struct pmt_target *t, const char *name, int64_t *value);
	void (*destroy)(struct pmt_target *t);
	/* Optional (may be NULL): the enumerator questions that follow concern
	 * the compilation unit of function `func` (an event's output code). A
	 * target that searches debuginfo narrows its search to that unit and
	 * answers ABSENT, without a scan, for names that unit lacks; a wrapper
	 * target forwards it. `func` "" means the unit is not known: answer
	 * only from what is already at hand, never by a full search. `func`
	 * NULL ends the scope. */
	void (*scope)(struct pmt_target *t, const char *func);
	/* Optional (may be NULL: not available): physical memory, read like
	 * read() (used to find pmtrace regions without any debuginfo). */
	struct pmt_err *(*read_phys)(struct pmt_target *t, uint64_t addr, void *buf, size_t len);
	/* Optional: the next range [*start, *end) of physical memory the dump
	 * holds, at or after *start; false when there is no more. */
	bool (*phys_next)(struct pmt_target *t, uint64_t *start, uint64_t *end);
};

struct pmt_target {
	const struct pmt_target_ops *ops;
	void *priv;
	/* Facts about the target machine, filled in by the front end. */
	bool big_endian;
	unsigned int word_size; /* bytes in a long / pointer: 4 or 8 */
	uint64_t page_size;	/* kernel PAGE_SIZE */
	uint64_t kaslr_offset;	/* run-time minus link-time address of _text */
	char release[65];	/* utsname release, "" if unknown */
};

static inline struct pmt_err *pmt_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return t->ops->read(t, addr, buf, len);
}

static inline struct pmt_err *pmt_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	return t->ops->symbol(t, name, addr);
}

static inline struct pmt_err *pmt_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return t->ops->type_size(t, type, size);
}

static inline struct pmt_err *pmt_member(struct pmt_target *t, const char *type, const char *path,
					 struct pmt_member *out)
{
	return t->ops->member(t, type, path, out);
}

static inline struct pmt_err *pmt_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	return t->ops->enumerator(t, name, value);
}

static inline void pmt_scope(struct pmt_target *t, const char *func)
{
	if (t->ops->scope)
		t->ops->scope(t, func);
}

static inline struct pmt_err *pmt_read_phys(struct pmt_target *t, uint64_t addr, void *buf,
					    size_t len)
{
	if (!t->ops->read_phys)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "this target cannot read physical memory");
	return t->ops->read_phys(t, addr, buf, len);
}

static inline bool pmt_phys_next(struct pmt_target *t, uint64_t *start, uint64_t *end)
{
	return t->ops->phys_next && t->ops->phys_next(t, start, end);
}

static inline void pmt_target_destroy(struct pmt_target *t)
{
	if (t && t->ops && t->ops->destroy)
		t->ops->destroy(t);
}

/*
 * Stacking (lib/target.c): a target made of another one with some ops
 * replaced — a dump's memory under a profile's types, a recorder that notes
 * every type question, a test target that damages reads. `over` lists the
 * replacements; a NULL member forwards that op to `inner` unchanged (scope
 * included, so no layer can silently drop one). A replacement is called with
 * the stacked target: pmt_target_data() gives the layer's `data` and
 * pmt_target_inner() the target below. over->destroy, if set, frees the
 * layer's data; then `inner` is destroyed if `own_inner`. The facts (byte
 * order, word size, page size, KASLR offset, release) are copied from
 * `inner` and may be changed by the caller.
 */
struct pmt_err *pmt_target_stack(struct pmt_target *inner, bool own_inner,
				 const struct pmt_target_ops *over, void *data,
				 struct pmt_target **out);
void *pmt_target_data(struct pmt_target *t);
struct pmt_target *pmt_target_inner(struct pmt_target *t);
/* A replacement symbol op for layers over link-time types: inner's answer
 * plus t->kaslr_offset. */
struct pmt_err *pmt_symbol_plus_kaslr(struct pmt_target *t, const char *name, uint64_t *addr);

/*
 * Helpers built on the ops (lib/target.c): fixed-size integer reads in the
 * target's byte order and a bounded C-string read.
 */
struct pmt_err *pmt_read_u8(struct pmt_target *t, uint64_t addr, uint8_t *v);
struct pmt_err *pmt_read_u16(struct pmt_target *t, uint64_t addr, uint16_t *v);
struct pmt_err *pmt_read_u32(struct pmt_target *t, uint64_t addr, uint32_t *v);
struct pmt_err *pmt_read_u64(struct pmt_target *t, uint64_t addr, uint64_t *v);
/* A long or pointer: word_size bytes, zero-extended. */
struct pmt_err *pmt_read_ulong(struct pmt_target *t, uint64_t addr, uint64_t *v);
/* An unsigned integer of `size` bytes (1, 2, 4 or 8). */
struct pmt_err *pmt_read_uint(struct pmt_target *t, uint64_t addr, size_t size, uint64_t *v);
/* A NUL-terminated string of at most max-1 bytes; *out is malloc'd. A string
 * that does not end within max bytes is CORRUPT. */
struct pmt_err *pmt_read_string(struct pmt_target *t, uint64_t addr, size_t max, char **out);

/*
 * A member's value (bit fields included) from a copy of the struct that
 * holds it (`base` points at the outermost struct), or read from memory at
 * `addr` (the struct's address). Members wider than 8 bytes are refused.
 */
uint64_t pmt_member_get(const struct pmt_target *t, const void *base, const struct pmt_member *m);
struct pmt_err *pmt_read_member(struct pmt_target *t, uint64_t addr, const struct pmt_member *m,
				uint64_t *v);

/* Decode integers from a buffer already read from the target. */
uint16_t pmt_get_u16(const struct pmt_target *t, const void *p);
uint32_t pmt_get_u32(const struct pmt_target *t, const void *p);
uint64_t pmt_get_u64(const struct pmt_target *t, const void *p);
uint64_t pmt_get_uint(const struct pmt_target *t, const void *p, size_t size);
uint64_t pmt_get_ulong(const struct pmt_target *t, const void *p);

#endif

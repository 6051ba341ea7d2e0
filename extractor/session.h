/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session: one vmcore opened with the type information that matches it.
 *
 * Types come, in this order, from
 *   1. --profile FILE
 *   2. --vmlinux FILE (its profile is then cached by build-id, so the next
 *      run on the same kernel never opens .debug_info)
 *   3. the profile cache, by the dump's BUILD-ID
 *   4. a vmlinux found by build-id (/usr/lib/debug/.build-id/) or by release
 *      (/usr/lib/debug/boot, /usr/lib/debug/lib/modules, the cache)
 *   5. the kernel's own BTF and kallsyms in the dump (btf_dump.h; Linux
 *      6.0+ built with CONFIG_DEBUG_INFO_BTF), no file at all; its answers
 *      are cached as a profile like DWARF's
 * A profile or vmlinux whose release or build-id differs from the dump's is
 * refused with both values in the message. --types forces one source:
 * btf (5 only), dwarf (2 or 4, never a cached profile), profile (1 or 3).
 */
#ifndef PMTRACE_EXTRACTOR_SESSION_H
#define PMTRACE_EXTRACTOR_SESSION_H

#include <stdbool.h>

#include "pmtrace/target.h"
#include "pmtrace/trace.h"

struct dump;
struct vmlinux;

enum session_types {
	SESSION_TYPES_AUTO = 0,
	SESSION_TYPES_BTF,
	SESSION_TYPES_DWARF,
	SESSION_TYPES_PROFILE,
};

struct session_opts {
	enum session_types types;
	const char *vmlinux;
	const char *profile;
	bool no_cache;	/* neither read nor write the profile cache */
	/* without any debuginfo, open the dump anyway with no types (for what
	 * needs none: pmtrace regions found by the physical scan) */
	bool allow_no_types;
	bool verbose;
};

struct session {
	struct dump *dump;
	struct pmt_target *target;
	struct vmlinux *vm;	  /* kept only while DWARF answers (no profile) */
	struct pmt_target *dwarf; /* borrowed by the recorder inside target */
	struct pmt_target *recorder; /* inside target (owned by it), when types are DWARF */
	struct pmt_target *btf;	  /* BTF types, behind the recorder (owned), or NULL */
	const char *types_kind;	  /* "btf", "dwarf" or "profile" */
	char *pending_profile;	  /* cache path to write after the load, or NULL */
	char profile_release[65], profile_build_id[129];
	char types_source[512]; /* what the types came from, for messages */
	char range_name[128];	/* a raw range image's buffer name (rawimage.c) */
};

/* Parse a --types argument; false if it is none of btf|dwarf|profile|auto. */
bool session_parse_types(const char *s, enum session_types *out);
/* Refresh types_source (for BTF: how many module BTFs were read so far). */
void session_describe_types(struct session *s);
/* The cache directory: $PMTRACE_CACHE or $HOME/.cache/pmtrace (malloc'd). */
char *session_cache_dir(void);
struct pmt_err *session_open(const char *vmcore, const struct session_opts *o,
			     struct session **out);
/* After a successful load of tr: write the recorded answers to the profile
 * cache (no-op when the types came from a profile or caching is off). Every
 * event format of tr is read first, so that the profile answers for every
 * event of this kernel build, not only those of this dump: another dump of
 * the same build reads it. */
struct pmt_err *session_save_profile(struct session *s, struct pmt_trace *tr);
void session_close(struct session *s);

#endif

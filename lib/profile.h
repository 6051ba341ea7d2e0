/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Type profiles: the answers a run needed, saved to a small text file so a
 * later run on the same kernel needs no vmlinux (format: docs/profile.md).
 *
 *   recorder  wraps any target and remembers every symbol/type/member/
 *             enumerator question with its answer, ABSENT answers included
 *             (walkers fall back on them, so they are part of the layout);
 *   profile   a types-only target that answers from the file alone: a
 *             question the file does not hold is ABSENT ("not in the
 *             profile"), read() is PMT_ERR_UNSUPPORTED.
 *
 * Symbols are stored and answered as LINK-TIME addresses: the recorder
 * subtracts the inner target's kaslr_offset, and the profile target, like the
 * vmlinux types target, is wrapped by a front end that adds the offset and
 * provides memory. Cache location: $CACHE/profiles/<build-id>.profile (see
 * pmt_profile_cache_path()).
 */
#ifndef PMTRACE_LIB_PROFILE_H
#define PMTRACE_LIB_PROFILE_H

#include <stdbool.h>

#include "pmtrace/target.h"

#define PMT_PROFILE_MAGIC   "pmtrace-profile"
#define PMT_PROFILE_VERSION 1

/*
 * A target that forwards everything to inner (which it borrows: destroy the
 * recorder first) and records the type and symbol answers. Its facts
 * (word_size, release, kaslr_offset, ...) are copied from inner.
 */
struct pmt_err *pmt_profile_recorder(struct pmt_target *inner, struct pmt_target **out);

/*
 * Write what the recorder saw. release/build_id NULL: take the inner target's
 * release and leave the build-id empty. The file is written to a temporary
 * name and renamed, so readers never see a partial profile; missing parent
 * directories are created.
 */
struct pmt_err *pmt_profile_write(struct pmt_target *recorder, const char *path,
				  const char *release, const char *build_id);

/* Number of distinct questions recorded so far (for tests and messages). */
size_t pmt_profile_recorded(struct pmt_target *recorder);

/*
 * Open a profile as a types-only target. release and build_id (may be NULL)
 * receive the header values ("" when the profile has none) so the caller can
 * check them against the dump: a mismatch is the caller's PMT_ERR_MISMATCH.
 * A damaged or truncated file is PMT_ERR_FORMAT with the line number.
 */
struct pmt_err *pmt_profile_open(const char *path, struct pmt_target **out, char release[65],
				 char build_id[129]);

/* How many questions a profile target was asked that its file holds no
 * record for (neither an answer nor a recorded ABSENT): a profile made by an
 * older pmtrace that asked less. */
size_t pmt_profile_misses(struct pmt_target *prof);

/* "<cache_dir>/profiles/<build_id>.profile" (malloc'd); build_id must be
 * 2..128 lowercase hex digits, else PMT_ERR_INVALID. */
struct pmt_err *pmt_profile_cache_path(const char *cache_dir, const char *build_id, char **out);

/*
 * A cached profile is stamped by the pmtrace that wrote it: "<path>.asked"
 * holds the id of lib/'s questions (a digest of its sources). A profile whose
 * stamp is missing or another id may lack answers this pmtrace asks for
 * (then it quietly prints less), so a front end that can ask the debuginfo
 * instead rebuilds it. pmt_profile_cache_current() says whether the stamp is
 * this build's; pmt_profile_cache_stamp() writes it after the profile.
 */
bool pmt_profile_cache_current(const char *path);
struct pmt_err *pmt_profile_cache_stamp(const char *path);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Checking a dump file's headers before libkdumpfile reads them.
 *
 * libkdumpfile 0.5.1 trusts the sizes, counts and offsets in a dump's
 * headers: it allocates and reads what they say, and after a failed open of a
 * kdump-compressed (or sadump) file its kdump_free() touches freed memory. A
 * crafted or damaged file can therefore crash or hang pmtrace inside the
 * library. dump_validate() reads the headers first, the way libkdumpfile will
 * interpret them, and refuses what it could not handle safely, naming the
 * field, its value and the limit it breaks. See dump_validate.c for the rules
 * per format.
 */
#ifndef PMTRACE_EXTRACTOR_DUMP_VALIDATE_H
#define PMTRACE_EXTRACTOR_DUMP_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "pmtrace/error.h"

/* The format recognised by its signature. */
enum dump_kind {
	DUMP_KIND_NONE,	    /* no dump signature at all */
	DUMP_KIND_ELF,	    /* ELF32/ELF64 core (kexec, QEMU, makedumpfile -E) */
	DUMP_KIND_DISKDUMP, /* kdump-compressed "KDUMP   " or old "DISKDUMP" */
	DUMP_KIND_SADUMP,   /* Fujitsu sadump: single partition, media backup */
	DUMP_KIND_S390,	    /* s390 stand-alone dump */
};

/*
 * Check the file open as fd (a regular file; `name` for messages) and say
 * what it is. NULL: libkdumpfile may be given the file. Errors, each naming
 * `name`, the field, its value and the limit:
 *   PMT_ERR_FORMAT       not a dump (no signature, or e.g. an ELF that is not
 *                        a core file)
 *   PMT_ERR_UNSUPPORTED  a dump format libkdumpfile or pmtrace does not read
 *                        (LKCD, Xen, QEMU snapshots, ...)
 *   PMT_ERR_TRUNCATED    the headers are consistent but the file ends inside
 *                        them: nothing of the memory can be located
 *   PMT_ERR_CORRUPT      a header field is impossible or beyond a sane limit
 *   PMT_ERR_IO           the file cannot be read
 * A file whose headers are whole but whose page data is cut short is NOT an
 * error here: dump_truncated.c maps what it lost.
 */
struct pmt_err *dump_validate(int fd, const char *name, enum dump_kind *kind);

/* The layout in which libkdumpfile reads a kdump-compressed header (its
 * first 444 bytes): 32-bit before 64-bit, little- before big-endian, the
 * first plausible one. false if none is. */
bool dump_diskdump_layout(const uint8_t *hdr, bool *is64, bool *big_endian);

#endif

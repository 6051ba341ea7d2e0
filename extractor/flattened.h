/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * makedumpfile's "flattened" format, turned back into a regular file.
 *
 * `makedumpfile -F` and QEMU's `dump-guest-memory -z/-l/-s` (kdump-zlib,
 * kdump-lzo, kdump-snappy) write a dump as a stream: a 4 KiB header
 * starting with the signature "makedumpfile", then records
 * { be64 offset; be64 size; size bytes of data } that say "put these bytes at
 * this offset of the real file", ended by a record whose offset is -1.
 * libkdumpfile 0.5.1 (Debian 12) does not read this, so pmtrace rebuilds the
 * regular file (a kdump-compressed "diskdump", or in principle an ELF core)
 * itself and hands that to libkdumpfile. See flattened.c for the rules a
 * record must satisfy and where the rebuilt file lives.
 */
#ifndef PMTRACE_EXTRACTOR_FLATTENED_H
#define PMTRACE_EXTRACTOR_FLATTENED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pmtrace/error.h"

#define FLAT_HEADER_SIZE 4096 /* the header block before the first record */
#define FLAT_SIGNATURE	 "makedumpfile"
#define FLAT_TYPE	 1    /* TYPE_FLAT_HEADER */
#define FLAT_VERSION	 1    /* VERSION_FLAT_HEADER */
#define FLAT_END_OFFSET	 (-1) /* offset of the END record */
/* Largest regular file we agree to rebuild (offset + size of any record);
 * a record beyond this is corrupt, not a reason to make a 2^63-byte file. */
#define FLAT_MAX_OUTPUT (1ULL << 46)

/* Does the file open as fd start with the flattened signature? Reads the
 * first bytes with pread (the file offset is left alone). A file shorter than
 * the signature is simply "not flattened". */
struct pmt_err *flat_detect(int fd, const char *name, bool *is_flat);

/* Statistics of one rebuild. */
struct flat_stats {
	uint64_t records;    /* data records, END excluded */
	uint64_t data_bytes; /* sum of their sizes (overlaps counted twice) */
	uint64_t out_size;   /* size of the rebuilt file */
};

/* Rebuild the regular file from the flattened file in_fd into out_fd (which
 * must be empty and writable; it is written with pwrite and ends up exactly
 * out_size bytes long, holes left sparse). Every record is checked against
 * the input size before it is copied: a truncated or damaged input is a
 * PMT_ERR_CORRUPT naming `name` and the input offset, never a partial success.
 * stats may be NULL. */
struct pmt_err *flat_rebuild(int in_fd, const char *name, int out_fd, struct flat_stats *stats);

/*
 * Open the rebuilt form of the flattened file `path` (already open as in_fd)
 * read-only in *out_fd. With cache_dir non-NULL the rebuilt file is kept as
 * cache_dir/<dev>-<ino>-<size>-<mtime>.dump and reused by the next open of the
 * same unchanged input; it is published by rename(2) only once complete, so a
 * file of that name is always whole. If cache_dir is NULL or unusable, the
 * rebuilt file is an unlinked temporary file in $TMPDIR (or /tmp) that
 * disappears when *out_fd is closed. *where (malloc'd, may be NULL on return)
 * names the file for messages: the cache path or "(temporary file)".
 */
struct pmt_err *flat_open_rebuilt(const char *path, int in_fd, const char *cache_dir, int *out_fd,
				  char **where);

/* pread() that retries on EINTR and short reads: bytes read (short only at
 * end of file) or -1. Shared by the dump readers. */
ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif

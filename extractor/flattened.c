// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Rebuilding a regular dump file from makedumpfile's flattened format.
 *
 * Layout (all integers big-endian, whatever the dump's own byte order):
 *
 *   offset 0     char signature[16]   "makedumpfile", NUL-padded
 *                int64 type           1 (TYPE_FLAT_HEADER)
 *                int64 version        1 (VERSION_FLAT_HEADER)
 *                ... zero padding up to FLAT_HEADER_SIZE (4096)
 *   then records int64 offset, int64 size, `size` bytes of data
 *   last record  offset == -1 (END_FLAG_FLAT_HEADER)
 *
 * A record means "these bytes belong at this offset of the regular file".
 * Writers emit records in any order and may rewrite a range (makedumpfile
 * and QEMU write the diskdump header again at the end), so later records win,
 * exactly as if the writes had been done on a seekable file.
 *
 * The input is untrusted and read strictly: the header must match, every
 * record header and its data must lie inside the input, offsets and sizes
 * must be non-negative and end below FLAT_MAX_OUTPUT, and the stream must end
 * with an END record. A truncated stream is refused as a whole: its holes
 * would read back as zeros, and a zeroed page descriptor or page of a
 * diskdump is indistinguishable from real data, which is worse than an error.
 * Each record consumes at least 16 input bytes, so the loop ends.
 *
 * Where the rebuilt file goes (the caller chooses, see flat_open_rebuilt()):
 * by default dump_open() passes ${PMTRACE_CACHE:-$HOME/.cache/pmtrace}/flattened,
 * keyed by the input's device, inode, size and mtime (ns), so running pmtrace
 * again on the same dump costs nothing; the file is written under a temporary
 * name and renamed into place when complete. Dumps hold all of a machine's
 * memory, so the directory is created 0700 and the files 0600. When the cache
 * cannot be used the rebuilt file is an unlinked O_TMPFILE in $TMPDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flattened.h"

#define FLAT_REC_HDR   16	  /* int64 offset + int64 size */
#define FLAT_COPY_BUF  (1u << 20) /* read-ahead of the sequential reader */
#define FLAT_SIG_BYTES 16

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

ssize_t pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

static int pwrite_full(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

struct pmt_err *flat_detect(int fd, const char *name, bool *is_flat)
{
	char sig[FLAT_SIG_BYTES];
	ssize_t n;

	*is_flat = false;
	n = pread_full(fd, sig, sizeof(sig), 0);
	if (n < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: cannot read: %s", name, strerror(errno));
	/* The signature is NUL-padded to 16 bytes; compare the NUL too. */
	if ((size_t)n >= sizeof(FLAT_SIGNATURE) &&
	    !memcmp(sig, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		*is_flat = true;
	return NULL;
}

/* Check the 4 KiB header block. */
static struct pmt_err *check_header(int fd, const char *name, uint64_t in_size)
{
	uint8_t hdr[FLAT_SIG_BYTES + 16];
	uint64_t type, version;
	ssize_t n;

	if (in_size < FLAT_HEADER_SIZE)
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "%s: corrupt flattened dump: truncated in its header: %" PRIu64
				   " bytes, the header alone is %d",
				   name, in_size, FLAT_HEADER_SIZE);
	n = pread_full(fd, hdr, sizeof(hdr), 0);
	if (n != (ssize_t)sizeof(hdr))
		return pmt_err_new(PMT_ERR_IO, "%s: cannot read the flattened header: %s", name,
				   n < 0 ? strerror(errno) : "short read");
	if (memcmp(hdr, FLAT_SIGNATURE, sizeof(FLAT_SIGNATURE)))
		return pmt_err_new(PMT_ERR_FORMAT, "%s: no \"%s\" signature at offset 0", name,
				   FLAT_SIGNATURE);
	type = be64(hdr + FLAT_SIG_BYTES);
	version = be64(hdr + FLAT_SIG_BYTES + 8);
	if (type != FLAT_TYPE || version != FLAT_VERSION)
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "%s: unsupported flattened dump: header type %" PRId64
				   " version %" PRId64 " (only type %d version %d is known)",
				   name, (int64_t)type, (int64_t)version, FLAT_TYPE, FLAT_VERSION);
	return NULL;
}

/*
 * A sequential reader over the input with a large read-ahead buffer, so the
 * many small records QEMU writes do not cost a system call each.
 */
struct reader {
	int fd;
	uint64_t pos; /* input offset of buf[off] */
	uint8_t *buf;
	size_t len; /* valid bytes in buf */
	size_t off; /* consumed bytes in buf */
};

/* Make at least `want` bytes (<= FLAT_COPY_BUF) available unless the input
 * ends first; returns the number available, or -1 on a read error. */
static ssize_t reader_fill(struct reader *r, size_t want)
{
	ssize_t n;

	if (r->len - r->off >= want)
		return (ssize_t)(r->len - r->off);
	memmove(r->buf, r->buf + r->off, r->len - r->off);
	r->len -= r->off;
	r->off = 0;
	n = pread_full(r->fd, r->buf + r->len, FLAT_COPY_BUF - r->len, r->pos + r->len);
	if (n < 0)
		return -1;
	r->len += (size_t)n;
	return (ssize_t)r->len;
}

static void reader_skip(struct reader *r, size_t n)
{
	r->off += n;
	r->pos += n;
}

struct pmt_err *flat_rebuild(int in_fd, const char *name, int out_fd, struct flat_stats *stats)
{
	struct flat_stats st = { 0 };
	struct reader r = { .fd = in_fd, .pos = FLAT_HEADER_SIZE };
	struct pmt_err *err;
	struct stat sb;
	uint64_t in_size;

	if (fstat(in_fd, &sb))
		return pmt_err_new(PMT_ERR_IO, "%s: cannot stat: %s", name, strerror(errno));
	in_size = (uint64_t)sb.st_size;
	err = check_header(in_fd, name, in_size);
	if (err)
		return err;
	r.buf = malloc(FLAT_COPY_BUF);
	if (!r.buf)
		return &pmt_err_nomem;

	for (;;) {
		uint64_t rec = r.pos, off, size;
		ssize_t avail = reader_fill(&r, FLAT_REC_HDR);

		if (avail < 0) {
			err = pmt_err_new(PMT_ERR_IO, "%s: read error at offset %" PRIu64 ": %s",
					  name, rec, strerror(errno));
			goto out;
		}
		if (avail == 0) {
			err = pmt_err_new(PMT_ERR_CORRUPT,
					  "%s: corrupt flattened dump: it ends at offset %" PRIu64
					  " without an END record (truncated?)",
					  name, rec);
			goto out;
		}
		if (avail < FLAT_REC_HDR) {
			err = pmt_err_new(
				PMT_ERR_CORRUPT,
				"%s: corrupt flattened dump: truncated in the record header at "
				"offset %" PRIu64 " (%zd of %d bytes)",
				name, rec, avail, FLAT_REC_HDR);
			goto out;
		}
		off = be64(r.buf + r.off);
		size = be64(r.buf + r.off + 8);
		reader_skip(&r, FLAT_REC_HDR);
		if ((int64_t)off == FLAT_END_OFFSET)
			break;
		if ((int64_t)off < 0 || (int64_t)size < 0) {
			err = pmt_err_new(PMT_ERR_CORRUPT,
					  "%s: corrupt flattened dump: record at offset %" PRIu64
					  " has negative offset %" PRId64 " or size %" PRId64,
					  name, rec, (int64_t)off, (int64_t)size);
			goto out;
		}
		if (off > FLAT_MAX_OUTPUT || size > FLAT_MAX_OUTPUT - off) {
			err = pmt_err_new(PMT_ERR_CORRUPT,
					  "%s: corrupt flattened dump: record at offset %" PRIu64
					  " writes %" PRIu64 " bytes at %#" PRIx64
					  ", beyond any plausible dump size",
					  name, rec, size, off);
			goto out;
		}
		if (size > in_size - r.pos) {
			err = pmt_err_new(PMT_ERR_CORRUPT,
					  "%s: corrupt flattened dump: record at offset %" PRIu64
					  " claims %" PRIu64
					  " bytes of data but the file ends %" PRIu64
					  " bytes later (truncated?)",
					  name, rec, size, in_size - r.pos);
			goto out;
		}
		for (uint64_t done = 0; done < size;) {
			size_t want = size - done > FLAT_COPY_BUF ? FLAT_COPY_BUF : size - done;
			size_t chunk;

			avail = reader_fill(&r, want);
			if (avail <= 0) {
				/* The file shrank under us, or a read error. */
				err = pmt_err_new(PMT_ERR_IO,
						  "%s: cannot read record data at offset %" PRIu64
						  ": %s",
						  name, r.pos, avail < 0 ? strerror(errno) : "EOF");
				goto out;
			}
			chunk = (size_t)avail < want ? (size_t)avail : want;
			if (pwrite_full(out_fd, r.buf + r.off, chunk, off + done)) {
				err = pmt_err_new(
					PMT_ERR_IO,
					"%s: cannot write the rebuilt dump at offset %" PRIu64
					": %s",
					name, off + done, strerror(errno));
				goto out;
			}
			reader_skip(&r, chunk);
			done += chunk;
		}
		st.records++;
		st.data_bytes += size;
		if (off + size > st.out_size)
			st.out_size = off + size;
	}
	/* A hole at the end of the output (a record that was never written
	 * beyond the last one) still belongs to the file. */
	if (ftruncate(out_fd, (off_t)st.out_size)) {
		err = pmt_err_new(PMT_ERR_IO, "%s: cannot size the rebuilt dump: %s", name,
				  strerror(errno));
		goto out;
	}
	if (st.records == 0)
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "%s: corrupt flattened dump: it holds no data records", name);
out:
	free(r.buf);
	if (!err && stats)
		*stats = st;
	return err;
}

/* mkdir -p with mode 0700 for the components we create. */
static int mkdir_p(const char *dir)
{
	char *p, *tmp = strdup(dir);

	if (!tmp)
		return -1;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0700) && errno != EEXIST) {
			free(tmp);
			return -1;
		}
		*p = '/';
	}
	free(tmp);
	if (mkdir(dir, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

/* An unlinked temporary file in $TMPDIR; -1 with errno on failure. */
static int open_unlinked_tmp(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* File systems without O_TMPFILE. */
	if (asprintf(&path, "%s/pmtrace-flat-XXXXXX", dir) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

/* Rebuild into the cache; returns NULL and sets *out_fd on success, or an
 * error (the caller may then fall back to a temporary file). */
static struct pmt_err *rebuild_cached(const char *path, int in_fd, const struct stat *sb,
				      const char *cache_dir, int *out_fd, char **where)
{
	struct pmt_err *err;
	char *final = NULL, *tmp = NULL;
	int fd;

	if (asprintf(&final, "%s/%ju-%ju-%jd-%jd.%09ld.dump", cache_dir, (uintmax_t)sb->st_dev,
		     (uintmax_t)sb->st_ino, (intmax_t)sb->st_size, (intmax_t)sb->st_mtim.tv_sec,
		     sb->st_mtim.tv_nsec) < 0)
		return &pmt_err_nomem;
	fd = open(final, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		*out_fd = fd;
		*where = final;
		return NULL;
	}
	if (mkdir_p(cache_dir)) {
		err = pmt_err_new(PMT_ERR_IO, "cannot create %s: %s", cache_dir, strerror(errno));
		goto fail;
	}
	if (asprintf(&tmp, "%s/.tmp-XXXXXX", cache_dir) < 0) {
		err = &pmt_err_nomem;
		goto fail;
	}
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0) {
		err = pmt_err_new(PMT_ERR_IO, "cannot create a file in %s: %s", cache_dir,
				  strerror(errno));
		goto fail;
	}
	err = flat_rebuild(in_fd, path, fd, NULL);
	if (!err && rename(tmp, final))
		err = pmt_err_new(PMT_ERR_IO, "cannot rename %s to %s: %s", tmp, final,
				  strerror(errno));
	if (err) {
		close(fd);
		unlink(tmp);
		goto fail;
	}
	free(tmp);
	*out_fd = fd;
	*where = final;
	return NULL;
fail:
	free(tmp);
	free(final);
	return err;
}

struct pmt_err *flat_open_rebuilt(const char *path, int in_fd, const char *cache_dir, int *out_fd,
				  char **where)
{
	struct pmt_err *err;
	struct stat sb;
	int fd;

	*out_fd = -1;
	*where = NULL;
	if (fstat(in_fd, &sb))
		return pmt_err_new(PMT_ERR_IO, "%s: cannot stat: %s", path, strerror(errno));
	if (cache_dir && *cache_dir) {
		err = rebuild_cached(path, in_fd, &sb, cache_dir, out_fd, where);
		/* Only problems with the cache itself fall back; a bad input
		 * would be just as bad in a temporary file. */
		if (!err || err->code != PMT_ERR_IO)
			return err;
		pmt_err_free(err);
	}
	fd = open_unlinked_tmp();
	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: cannot create a temporary file: %s", path,
				   strerror(errno));
	err = flat_rebuild(in_fd, path, fd, NULL);
	if (err) {
		close(fd);
		return err;
	}
	*out_fd = fd;
	*where = strdup("(temporary file)");
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Memory behind a region: anonymous memory, or a persistent backing (a
 * regular file, a file in /dev/shm, or a DAX character device) mapped
 * MAP_SHARED so that every store is in the page cache (or the persistent
 * memory itself) the moment it is made: a writer killed at any instant loses
 * nothing that was committed. Devices cannot be resized, so their size must
 * already be large enough.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb_internal.h"

struct pmt_err *pmt_backing_anon(size_t len, unsigned char **memp)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return pmt_err_new(PMT_ERR_NOMEM, "mmap of %zu anonymous bytes: %s", len,
				   strerror(errno));
	*memp = p;
	return NULL;
}

struct pmt_err *pmt_backing_size(int fd, size_t need, bool create)
{
	struct stat st;

	if (fstat(fd, &st))
		return pmt_err_new(PMT_ERR_IO, "fstat: %s", strerror(errno));
	if (S_ISREG(st.st_mode)) {
		if (create && (ftruncate(fd, 0) || ftruncate(fd, (off_t)need)))
			return pmt_err_new(PMT_ERR_IO, "resizing the backing file to %zu: %s", need,
					   strerror(errno));
		if (!create && (size_t)st.st_size < need)
			return pmt_err_new(PMT_ERR_NODATA, "backing file has %jd bytes, %zu needed",
					   (intmax_t)st.st_size, need);
		return NULL;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		return NULL; /* DAX or other device: its size is what it is; mmap will tell */
	return pmt_err_new(PMT_ERR_INVALID, "backing is neither a file nor a device");
}

struct pmt_err *pmt_backing_map(int fd, size_t len, bool writable, unsigned char **memp)
{
	void *p = mmap(NULL, len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		return pmt_err_new(PMT_ERR_IO, "mmap of %zu bytes of the backing: %s", len,
				   strerror(errno));
	*memp = p;
	return NULL;
}

int pmt_backing_release(struct pmt_rb *rb, void *addr, size_t len)
{
	/* a shared file mapping keeps its page cache on MADV_DONTNEED: punch it */
	if (rb->file_backed && madvise(addr, len, MADV_REMOVE) == 0)
		return 0;
	return madvise(addr, len, MADV_DONTNEED);
}

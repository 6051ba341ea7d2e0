// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Creating a region over userspace memory (anonymous, a file, shm, a DAX
 * device), reopening a persistent one, and tearing down. The layout itself
 * is layout.c, shared with the kernel module.
 *
 * Reopening never writes before it has validated: the backing is mapped
 * read-only, checked with pmt_region_recover() (which also delivers the
 * recovered events and reports bad pages), and only then remapped
 * read-write and reattached (layout.c repairs what failed).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rb_internal.h"
#include "region_view.h"

static struct pmt_err *create_common(const struct pmt_rb_opts *opts, int fd, struct pmt_rb **rbp)
{
	struct pmt_rb_opts o = { 0 };
	struct pmt_rb_ident ident = { 0 };
	struct pmt_rb_geometry g;
	struct pmt_rb *rb;
	struct pmt_err *err;

	if (opts)
		o = *opts;
	if (o.ident)
		ident = *o.ident;
	if (!ident.label)
		ident.label = fd < 0 ? "anon" : "file";
	o.ident = &ident;
	err = pmt_rb_plan(&o, 0, &g);
	if (err)
		return err;
	rb = pmt_rb_alloc(&o, g.nr_cpus);
	if (!rb)
		return &pmt_err_nomem;
	rb->flags = o.flags;
	rb->clock_id = o.clock_id;
	rb->len = g.total;
	rb->own_mem = true;
	if (fd < 0) {
		err = pmt_backing_anon(g.total, &rb->mem);
	} else {
		rb->fd = fd;
		rb->file_backed = true;
		err = pmt_backing_size(fd, g.total, true);
		if (!err)
			err = pmt_backing_map(fd, g.total, true, &rb->mem);
	}
	if (!err)
		err = pmt_rb_init_region(rb, &o, &g, NULL, 0);
	if (err) {
		rb->fd = -1; /* the caller still owns it */
		pmt_rb_destroy(rb);
		return err;
	}
	*rbp = rb;
	return NULL;
}

struct pmt_err *pmt_rb_create(const struct pmt_rb_opts *opts, struct pmt_rb **rbp)
{
	return create_common(opts, -1, rbp);
}

struct pmt_err *pmt_rb_create_fd(int fd, const struct pmt_rb_opts *opts, struct pmt_rb **rbp)
{
	if (fd < 0)
		return pmt_err_new(PMT_ERR_INVALID, "bad fd %d", fd);
	return create_common(opts, fd, rbp);
}

struct pmt_err *pmt_rb_create_path(const char *path, const struct pmt_rb_opts *opts,
				   struct pmt_rb **rbp)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	struct pmt_err *err;

	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", path, strerror(errno));
	err = create_common(opts, fd, rbp);
	if (err) {
		close(fd);
		return pmt_err_prefix(err, "%s", path);
	}
	(*rbp)->own_fd = true;
	return NULL;
}

static struct pmt_err *open_fd(int fd, bool own_fd, const struct pmt_recover_ops *ops, void *arg,
			       struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	struct pmt_recover_stats local;
	struct pmt_region_info info;
	struct pmt_region_hdr h;
	struct pmt_rb *rb = NULL;
	unsigned char *ro = NULL;
	struct pmt_err *err;
	off_t size;

	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 && pread(fd, &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
	    h.total_size < (1ull << 48))
		size = (off_t)h.total_size; /* a device (DAX) reports no size: trust, then check */
	if (size < (off_t)sizeof(h)) {
		err = pmt_err_new(PMT_ERR_NODATA, "region truncated: %jd bytes", (intmax_t)size);
		goto fail;
	}
	/* validate read-only first: nothing is written to a region that fails */
	err = pmt_backing_map(fd, (size_t)size, false, &ro);
	if (err)
		goto fail;
	err = pmt_region_check_header(ro, (size_t)size, &info);
	if (!err)
		err = pmt_region_recover(ro, (size_t)size, ops, arg, stats ? stats : &local);
	if (!err && (stats ? stats : &local)->bad_cpus)
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "%" PRIu64 " cpu buffer(s) have unusable meta "
				  "data; recover read-only with pmt_region_recover()",
				  (stats ? stats : &local)->bad_cpus);
	if (err)
		goto fail;
	memcpy(&h, ro, sizeof(h));
	munmap(ro, (size_t)size);
	ro = NULL;

	rb = pmt_rb_alloc(NULL, info.nr_cpus);
	if (!rb) {
		err = &pmt_err_nomem;
		goto fail;
	}
	rb->fd = fd;
	rb->own_fd = own_fd;
	rb->file_backed = true;
	rb->own_mem = true;
	err = pmt_backing_map(fd, info.total_size, true, &rb->mem);
	if (!err)
		err = pmt_rb_reattach(rb, &info);
	if (err)
		goto fail;
	*rbp = rb;
	return NULL;
fail:
	if (ro)
		munmap(ro, (size_t)size);
	if (rb)
		pmt_rb_destroy(rb); /* closes fd if owned */
	else if (own_fd)
		close(fd);
	return err;
}

struct pmt_err *pmt_rb_open_fd(int fd, const struct pmt_recover_ops *ops, void *arg,
			       struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	if (fd < 0)
		return pmt_err_new(PMT_ERR_INVALID, "bad fd %d", fd);
	return open_fd(fd, false, ops, arg, stats, rbp);
}

struct pmt_err *pmt_rb_open_path(const char *path, const struct pmt_recover_ops *ops, void *arg,
				 struct pmt_recover_stats *stats, struct pmt_rb **rbp)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", path, strerror(errno));
	return pmt_err_prefix(open_fd(fd, true, ops, arg, stats, rbp), "%s", path);
}

void pmt_rb_destroy(struct pmt_rb *rb)
{
	if (!rb)
		return;
	if (rb->mem && rb->own_mem)
		munmap(rb->mem, rb->len);
	if (rb->fd >= 0 && rb->own_fd)
		close(rb->fd);
	pmt_rb_free_private(rb);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw images of persistent ring buffer ranges (see rawimage.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_types.h"
#include "profile.h"
#include "pmtrace/trace.h"
#include "rawimage.h"
#include "vmlinux.h"

struct image {
	int fd;
	uint64_t base;	    /* physical address of the file's first byte */
	uint64_t size;	    /* bytes in the file (0: a device, no known end) */
	struct vmlinux *vm; /* static data at link-time addresses, or NULL */
	char *path;
};

static struct pmt_err *img_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct image *im = pmt_target_data(t);
	uint64_t end = im->size ? im->base + im->size : UINT64_MAX;
	struct pmt_err *err;

	if (addr >= im->base && addr < end) {
		size_t done = 0;

		if (len > end - addr)
			return pmt_err_addr(PMT_ERR_TRUNCATED, end,
					    "%zu bytes at %#" PRIx64
					    " run past the end of %s (%#" PRIx64
					    " bytes from %#" PRIx64 ")",
					    len, addr, im->path, im->size, im->base);
		while (done < len) {
			ssize_t n = pread(im->fd, (char *)buf + done, len - done,
					  (off_t)(addr - im->base + done));

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return pmt_err_addr(PMT_ERR_IO, addr + done,
						    "%s at %#" PRIx64 ": %s", im->path, addr + done,
						    strerror(errno));
			if (n == 0)
				return pmt_err_addr(PMT_ERR_TRUNCATED, addr + done,
						    "%s ends before %#" PRIx64, im->path,
						    addr + done);
			done += (size_t)n;
		}
		return NULL;
	}
	/* a physical address past a regular file's end: the image is short */
	if (im->size && addr >= end && addr < (1ULL << 52))
		return pmt_err_addr(PMT_ERR_TRUNCATED, addr,
				    "%#" PRIx64 " is beyond the end of %s (%#" PRIx64
				    " bytes from %#" PRIx64 "): a half-written image?",
				    addr, im->path, im->size, im->base);
	if (im->vm) {
		err = vmlinux_read_static(im->vm, addr, buf, len);
		if (!err || err->code != PMT_ERR_ABSENT)
			return err;
		pmt_err_free(err);
	}
	return pmt_err_addr(PMT_ERR_NODATA, addr,
			    "%#" PRIx64 " is neither in the range image nor in the kernel's static "
			    "data",
			    addr);
}

static void img_destroy(struct pmt_target *t)
{
	struct image *im = pmt_target_data(t);

	if (im->fd >= 0)
		close(im->fd);
	free(im->path);
	free(im);
}

static const struct pmt_target_ops img_layer = {
	.read = img_read,
	.destroy = img_destroy,
};

/* No type source at all: every question is ABSENT. */
static struct pmt_err *none_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	(void)t, (void)buf, (void)len;
	return pmt_err_addr(PMT_ERR_NODATA, addr, "no memory");
}

static struct pmt_err *none_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	(void)t, (void)addr;
	return pmt_err_new(PMT_ERR_ABSENT, "no type source for symbol '%s'", name);
}

static struct pmt_err *none_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	(void)t, (void)size;
	return pmt_err_new(PMT_ERR_ABSENT, "no type source for %s", type);
}

static struct pmt_err *none_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *out)
{
	(void)t, (void)out;
	return pmt_err_new(PMT_ERR_ABSENT, "no type source for %s.%s", type, path);
}

static struct pmt_err *none_enum(struct pmt_target *t, const char *name, int64_t *value)
{
	(void)t, (void)value;
	return pmt_err_new(PMT_ERR_ABSENT, "no type source for %s", name);
}

static void none_destroy(struct pmt_target *t)
{
	free(t);
}

static const struct pmt_target_ops none_ops = {
	.read = none_read,
	.symbol = none_symbol,
	.type_size = none_size,
	.member = none_member,
	.enumerator = none_enum,
	.destroy = none_destroy,
};

static struct pmt_err *parse_num(const char *s, const char **end, uint64_t *v)
{
	char *e;
	unsigned long long n;

	errno = 0;
	n = strtoull(s, &e, 0);
	if (e == s || errno)
		return pmt_err_new(PMT_ERR_INVALID, "'%s' is not a number", s);
	switch (*e) {
	case 'G':
		n <<= 10; /* fall through */
	case 'M':
		n <<= 10; /* fall through */
	case 'K':
		n <<= 10;
		e++;
		break;
	default:
		break;
	}
	*v = n;
	*end = e;
	return NULL;
}

struct pmt_err *rawimage_load(const char *spec, const char *range, const struct session_opts *o,
			      const char *name, const struct pmt_load_opts *lo,
			      struct session **sess, struct pmt_trace **out)
{
	struct session *s = calloc(1, sizeof(*s));
	struct image *im = calloc(1, sizeof(*im));
	struct pmt_target *types = NULL;
	const char *at = strrchr(spec, '@'), *end;
	uint64_t phys, size;
	struct pmt_err *err = NULL;
	struct stat st;

	*sess = NULL;
	*out = NULL;
	if (!s || !im) {
		free(s);
		free(im);
		return &pmt_err_nomem;
	}
	im->fd = -1;
	im->path = at ? strndup(spec, (size_t)(at - spec)) : strdup(spec);
	if (!im->path) {
		err = &pmt_err_nomem;
		goto fail;
	}
	if (at) {
		err = parse_num(at + 1, &end, &im->base);
		if (!err && *end)
			err = pmt_err_new(PMT_ERR_INVALID,
					  "--range-image %s: junk after the address", spec);
		if (err)
			goto fail;
	}
	im->fd = open(im->path, O_RDONLY | O_CLOEXEC);
	if (im->fd < 0 || fstat(im->fd, &st)) {
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", im->path, strerror(errno));
		goto fail;
	}
	im->size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	phys = im->base;
	size = im->size;
	if (range) {
		err = parse_num(range, &end, &phys);
		if (!err && *end == ':')
			err = parse_num(end + 1, &end, &size);
		else if (!err)
			err = pmt_err_new(PMT_ERR_INVALID, "--range wants PHYS:SIZE, not '%s'",
					  range);
		if (!err && *end)
			err = pmt_err_new(PMT_ERR_INVALID, "--range %s: junk after the size",
					  range);
		if (err)
			goto fail;
	} else if (!size) {
		err = pmt_err_new(
			PMT_ERR_INVALID,
			"%s has no size (a device?): give the range with --range PHYS:SIZE",
			im->path);
		goto fail;
	}

	/* types: a profile (fast), or the vmlinux's DWARF; a vmlinux also gives
	 * the static data, with a profile too */
	if (o->vmlinux) {
		err = vmlinux_open(o->vmlinux, &s->vm);
		if (err)
			goto fail;
		im->vm = s->vm;
	}
	if (o->profile) {
		char rel[65], bid[129];

		err = pmt_profile_open(o->profile, &types, rel, bid);
		if (err)
			goto fail;
		if (s->vm && *bid && *vmlinux_build_id(s->vm) && strcmp(bid, vmlinux_build_id(s->vm))) {
			err = pmt_err_new(PMT_ERR_MISMATCH,
					  "profile %s is of build-id %s, vmlinux %s of %s", o->profile,
					  bid, o->vmlinux, vmlinux_build_id(s->vm));
			pmt_target_destroy(types);
			goto fail;
		}
		snprintf(s->types_source, sizeof(s->types_source), "profile %s%s%s", o->profile,
			 s->vm ? ", static data from vmlinux " : "", s->vm ? o->vmlinux : "");
		s->types_kind = "profile";
	} else if (o->vmlinux) {
		err = dwarf_types_target(s->vm, &types);
		if (err)
			goto fail;
		snprintf(s->types_source, sizeof(s->types_source),
			 "vmlinux %s (types and static data)", o->vmlinux);
	} else {
		types = calloc(1, sizeof(*types));
		if (!types) {
			err = &pmt_err_nomem;
			goto fail;
		}
		types->ops = &none_ops;
		types->word_size = 8;
		snprintf(s->types_source, sizeof(s->types_source),
			 "none (the range's own description; events print raw)");
		s->types_kind = "none";
	}
	if (!types->page_size)
		types->page_size = 4096;
	if (!types->word_size)
		types->word_size = 8;
	types->kaslr_offset = 0; /* the reading view: link-time addresses */
	err = pmt_target_stack(types, true, &img_layer, im, &s->target);
	if (err) {
		pmt_target_destroy(types);
		goto fail;
	}
	im = NULL; /* owned by the target */
	s->target->kaslr_offset = 0;
	if (name)
		snprintf(s->range_name, sizeof(s->range_name), "%s", name);
	else
		snprintf(s->range_name, sizeof(s->range_name), "range@%#" PRIx64, phys);
	err = pmt_trace_load_range(s->target, phys, size, s->range_name, lo, out);
	if (err)
		goto fail;
	*sess = s;
	return NULL;
fail:
	if (im) {
		if (im->fd >= 0)
			close(im->fd);
		free(im->path);
		free(im);
	}
	session_close(s);
	return pmt_err_prefix(err, "range image %s", spec);
}

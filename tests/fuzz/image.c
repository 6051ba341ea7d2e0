// SPDX-License-Identifier: GPL-2.0-or-later
/* Memory images for the fuzzers (see image.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"

struct image_tgt {
	struct image *img;
	struct pmt_target *types;
};

static const uint8_t *find_page(const struct image *img, uint64_t addr)
{
	size_t lo = 0, hi = img->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (img->addrs[mid] == addr)
			return img->pages + mid * IMG_PAGE;
		if (img->addrs[mid] < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct image_tgt *it_of(struct pmt_target *t)
{
	return t->priv;
}

static struct pmt_err *it_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct image *img = it_of(t)->img;
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done, page = a & ~(uint64_t)(IMG_PAGE - 1);
		size_t off = (size_t)(a - page), chunk = IMG_PAGE - off;
		const uint8_t *p = find_page(img, page);

		if (a < addr)
			return pmt_err_addr(PMT_ERR_CORRUPT, a, "address wraps");
		if (!p)
			return pmt_err_addr(PMT_ERR_NODATA, a, "address %#llx: not in the image",
					    (unsigned long long)a);
		if (chunk > len - done)
			chunk = len - done;
		memcpy((uint8_t *)buf + done, p + off, chunk);
		done += chunk;
	}
	return NULL;
}

static struct pmt_err *it_symbol(struct pmt_target *t, const char *n, uint64_t *a)
{
	struct pmt_err *err = pmt_symbol(it_of(t)->types, n, a);

	if (!err)
		*a += t->kaslr_offset; /* the profile answers link-time addresses */
	return err;
}

static struct pmt_err *it_size(struct pmt_target *t, const char *n, uint64_t *s)
{
	return pmt_type_size(it_of(t)->types, n, s);
}

static struct pmt_err *it_member(struct pmt_target *t, const char *ty, const char *p,
				 struct pmt_member *m)
{
	return pmt_member(it_of(t)->types, ty, p, m);
}

static struct pmt_err *it_enum(struct pmt_target *t, const char *n, int64_t *v)
{
	return pmt_enumerator(it_of(t)->types, n, v);
}

static void it_destroy(struct pmt_target *t)
{
	free(t->priv);
}

static const struct pmt_target_ops image_ops = {
	.read = it_read,
	.symbol = it_symbol,
	.type_size = it_size,
	.member = it_member,
	.enumerator = it_enum,
	.destroy = it_destroy,
};

void image_target(struct image *img, struct pmt_target *types, struct pmt_target *out)
{
	struct image_tgt *it = calloc(1, sizeof(*it));

	*out = img->facts;
	out->ops = &image_ops;
	out->priv = it;
	if (it) {
		it->img = img;
		it->types = types;
	}
}

static int rd(FILE *f, void *p, size_t n)
{
	return fread(p, 1, n, f) == n ? 0 : -1;
}

int image_load(const char *path, struct image *img)
{
	FILE *f = fopen(path, "rb");
	char magic[8];
	uint64_t n;
	uint32_t ws, be;

	memset(img, 0, sizeof(*img));
	if (!f)
		return -1;
	if (rd(f, magic, 8) || memcmp(magic, "PMTIMG1\n", 8) || rd(f, &n, 8) || n > (1u << 20))
		goto bad;
	img->addrs = calloc(n ? n : 1, sizeof(*img->addrs));
	img->pages = malloc(n ? n * IMG_PAGE : 1);
	if (!img->addrs || !img->pages)
		goto bad;
	for (uint64_t i = 0; i < n; i++)
		if (rd(f, &img->addrs[i], 8) || rd(f, img->pages + i * IMG_PAGE, IMG_PAGE))
			goto bad;
	img->n = n;
	if (rd(f, &ws, 4) || rd(f, &be, 4) || rd(f, &img->facts.page_size, 8) ||
	    rd(f, &img->facts.kaslr_offset, 8) || rd(f, img->facts.release, 65))
		goto bad;
	img->facts.word_size = ws;
	img->facts.big_endian = be;
	img->facts.release[64] = '\0';
	fclose(f);
	return 0;
bad:
	fclose(f);
	image_free(img);
	return -1;
}

void image_free(struct image *img)
{
	free(img->addrs);
	free(img->pages);
	memset(img, 0, sizeof(*img));
}

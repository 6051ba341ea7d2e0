// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkimage VMCORE PROFILE OUT: load the trace of VMCORE through a target that
 * remembers every page it read, and save those pages as a memory image for
 * the walker fuzzer (format: image.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_target.h"
#include "image.h"
#include "profile.h"
#include "pmtrace/trace.h"

struct rec {
	struct pmt_target *inner;
	uint64_t *addrs;
	uint8_t *pages;
	size_t n, cap;
};

static struct rec *rec_of(struct pmt_target *t)
{
	return t->priv;
}

static bool have(struct rec *r, uint64_t page)
{
	for (size_t i = r->n; i-- > 0;) /* recent pages first */
		if (r->addrs[i] == page)
			return true;
	return false;
}

static struct pmt_err *r_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct rec *r = rec_of(t);
	uint64_t first = addr & ~(uint64_t)(IMG_PAGE - 1);

	for (uint64_t p = first; p < addr + len; p += IMG_PAGE) {
		if (have(r, p))
			continue;
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 1024;
			r->addrs = realloc(r->addrs, r->cap * sizeof(*r->addrs));
			r->pages = realloc(r->pages, r->cap * IMG_PAGE);
			if (!r->addrs || !r->pages)
				return &pmt_err_nomem;
		}
		if (pmt_read(r->inner, p, r->pages + r->n * IMG_PAGE, IMG_PAGE) == NULL)
			r->addrs[r->n++] = p;
	}
	return pmt_read(r->inner, addr, buf, len);
}

static struct pmt_err *r_symbol(struct pmt_target *t, const char *n, uint64_t *a)
{
	return pmt_symbol(rec_of(t)->inner, n, a);
}

static struct pmt_err *r_size(struct pmt_target *t, const char *n, uint64_t *s)
{
	return pmt_type_size(rec_of(t)->inner, n, s);
}

static struct pmt_err *r_member(struct pmt_target *t, const char *ty, const char *p,
				struct pmt_member *m)
{
	return pmt_member(rec_of(t)->inner, ty, p, m);
}

static struct pmt_err *r_enum(struct pmt_target *t, const char *n, int64_t *v)
{
	return pmt_enumerator(rec_of(t)->inner, n, v);
}

static const struct pmt_target_ops rec_ops = {
	.read = r_read,
	.symbol = r_symbol,
	.type_size = r_size,
	.member = r_member,
	.enumerator = r_enum,
};

static int by_addr(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct pmt_target *types, *real, t;
	struct rec r = { 0 };
	struct pmt_trace *tr;
	struct dump *d;
	char rel[65], bid[129];
	uint64_t *order;
	uint32_t ws, be;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: mkimage VMCORE PROFILE OUT\n");
		return 2;
	}
	if (pmt_profile_open(argv[2], &types, rel, bid) || dump_open(argv[1], &d) ||
	    dump_target(d, types, &real)) {
		fprintf(stderr, "mkimage: cannot open %s with %s\n", argv[1], argv[2]);
		return 1;
	}
	t = *real;
	t.ops = &rec_ops;
	t.priv = &r;
	r.inner = real;
	if (pmt_trace_load(&t, NULL, &tr)) {
		fprintf(stderr, "mkimage: load failed\n");
		return 1;
	}
	pmt_trace_free(tr);
	/* sort pages by address, carrying their bytes */
	order = malloc(r.n * 2 * sizeof(uint64_t));
	for (size_t i = 0; i < r.n; i++) {
		order[2 * i] = r.addrs[i];
		order[2 * i + 1] = i;
	}
	qsort(order, r.n, 2 * sizeof(uint64_t), by_addr);
	f = fopen(argv[3], "wb");
	if (!f)
		return 1;
	uint64_t n = r.n;
	fwrite("PMTIMG1\n", 1, 8, f);
	fwrite(&n, 8, 1, f);
	for (size_t i = 0; i < r.n; i++) {
		fwrite(&order[2 * i], 8, 1, f);
		fwrite(r.pages + order[2 * i + 1] * IMG_PAGE, 1, IMG_PAGE, f);
	}
	ws = real->word_size;
	be = real->big_endian;
	fwrite(&ws, 4, 1, f);
	fwrite(&be, 4, 1, f);
	fwrite(&real->page_size, 8, 1, f);
	fwrite(&real->kaslr_offset, 8, 1, f);
	fwrite(real->release, 1, 65, f);
	if (fclose(f))
		return 1;
	printf("mkimage: %zu pages\n", r.n);
	free(order);
	free(r.addrs);
	free(r.pages);
	pmt_target_destroy(real);
	dump_close(d);
	return 0;
}

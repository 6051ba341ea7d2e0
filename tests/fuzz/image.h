/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A memory image of a dump: the pages a trace load touched, saved to a file
 * so fuzzers can replay (and mutate) a real dump's memory without
 * libkdumpfile. File: "PMTIMG1\n", u64 count, then count x { u64 addr; u8
 * page[4096] }, all little-endian; target facts follow the pages as
 * { u32 word_size; u32 big_endian; u64 page_size; u64 kaslr_offset;
 * char release[65]; }.
 */
#ifndef PMTRACE_TESTS_IMAGE_H
#define PMTRACE_TESTS_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "pmtrace/target.h"

#define IMG_PAGE 4096u

struct image {
	size_t n;
	uint64_t *addrs; /* sorted */
	uint8_t *pages;
	struct pmt_target facts;
};

/* A target reading from the image; types come from `types` (borrowed). */
void image_target(struct image *img, struct pmt_target *types, struct pmt_target *out);
int image_load(const char *path, struct image *img);
void image_free(struct image *img);

#endif

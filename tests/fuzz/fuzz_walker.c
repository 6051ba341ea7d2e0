// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the whole reader (walker, event formats, kallsyms, saved
 * cmdlines, text output) over a mutated memory image of a real dump. Each
 * input is a list of 8-byte edits {u32 page index, u16 offset, u8 value,
 * u8 mode} applied to the image (mode odd: the byte and the 7 after it are
 * set from a repeated value, to forge pointers), undone after the run. The
 * first edit's mode also picks how much is loaded: most runs walk only the
 * buffers and cmdlines (fast), one in eight also kallsyms and event formats.
 * PMT_FUZZ_IMAGE and PMT_FUZZ_PROFILE name the image (tests/fuzz/mkimage) and
 * the dump's type profile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "profile.h"
#include "pmtrace/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct image img;
static struct pmt_target *types;
static FILE *devnull;

static void init(void)
{
	char rel[65], bid[129];

	if (image_load(getenv("PMT_FUZZ_IMAGE"), &img) ||
	    pmt_profile_open(getenv("PMT_FUZZ_PROFILE"), &types, rel, bid)) {
		fprintf(stderr, "fuzz_walker: set PMT_FUZZ_IMAGE and PMT_FUZZ_PROFILE\n");
		abort();
	}
	devnull = fopen("/dev/null", "w");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct undo {
		size_t at;
		uint8_t old[8];
		size_t n;
	} undo[64];
	size_t nundo = 0;
	struct pmt_filter filter = { .instance = "all" };
	struct pmt_load_opts lo = { 0 };
	struct pmt_target t;
	struct pmt_trace *tr;
	struct pmt_err *err;

	if (!img.n)
		init();
	for (size_t i = 0; i + 8 <= size && nundo < 64; i += 8) {
		uint32_t page;
		uint16_t off;
		uint8_t val = data[i + 6], mode = data[i + 7];
		size_t at, n;

		memcpy(&page, data + i, 4);
		memcpy(&off, data + i + 4, 2);
		at = (size_t)(page % img.n) * IMG_PAGE + off % IMG_PAGE;
		n = (mode & 1) && at % IMG_PAGE <= IMG_PAGE - 8 ? 8 : 1;
		undo[nundo].at = at;
		undo[nundo].n = n;
		memcpy(undo[nundo].old, img.pages + at, n);
		memset(img.pages + at, val, n);
		nundo++;
	}
	image_target(&img, types, &t);
	if (size < 8 || (data[7] & 0x70) != 0x70)
		lo.flags = PMT_LOAD_NO_EVENTS | PMT_LOAD_NO_KALLSYMS;
	err = pmt_trace_load(&t, &lo, &tr);
	if (err) {
		pmt_err_free(err);
	} else {
		pmt_err_free(pmt_write_text(tr, &filter, devnull));
		pmt_trace_free(tr);
	}
	pmt_target_destroy(&t);
	while (nundo-- > 0)
		memcpy(img.pages + undo[nundo].at, undo[nundo].old, undo[nundo].n);
	return 0;
}

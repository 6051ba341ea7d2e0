// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the kernel page decoder on arbitrary pages. The first
 * byte picks byte order and word size; the rest is the page (zero-padded to
 * 4 KiB). Every record's payload is read, so an out-of-bounds length shows
 * up under ASan.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "page_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[4096];
	struct pmt_page_format f;
	struct pmt_page_header h;
	struct pmt_page_cursor c;
	struct pmt_err *err;
	unsigned int sum = 0;
	bool got;

	if (size < 1)
		return 0;
	memset(page, 0, sizeof(page));
	memcpy(page, data + 1, size - 1 > sizeof(page) ? sizeof(page) : size - 1);
	pmt_page_format_init(&f, data[0] & 1, (data[0] & 2) ? 4 : 8, sizeof(page));
	err = pmt_page_parse_header(&f, page, &h);
	pmt_err_free(err);
	pmt_page_cursor_init(&c, &f, page, &h);
	for (int i = 0; i < 4096; i++) {
		struct pmt_page_record r;

		err = pmt_page_next(&c, &r, &got);
		if (err) {
			pmt_err_free(err);
			break;
		}
		if (!got)
			break;
		/* a record outside the committed data (payload included) fails the run */
		if (r.offset + r.length > h.commit ||
		    (r.kind == PMT_REC_DATA && r.data + r.len > page + f.data_offset + h.commit))
			abort();
		if (r.kind == PMT_REC_DATA)
			for (uint32_t k = 0; k < r.len; k++)
				sum += r.data[k];
	}
	return (int)(sum & 0);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Writes seed regions for fuzz_region into a directory: small valid regions
 * in both modes, with events, a swapped reader page and a wrapped ring. Each
 * file is the control byte (7: fix checksum, try reopen, read everything)
 * + the region. Seeds 4-5 carry event descriptions, comms and pmt_entry events.
 */
#include <stdio.h>
#include <string.h>

#include "pmtrace/events.h"
#include "pmtrace/ringbuf.h"

static int dump(const char *dir, int n, struct pmt_rb *rb)
{
	char path[512];
	size_t len;
	const void *mem = pmt_rb_region(rb, &len);
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/seed-%d", dir, n);
	f = fopen(path, "wb");
	if (!f)
		return 1;
	ok = fputc(7, f) != EOF && fwrite(mem, 1, len, f) == len;
	return fclose(f) || !ok;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc != 2)
		return 2;
	for (int n = 0; n < 4; n++) {
		struct pmt_rb_opts o = { .nr_cpus = 1 + n % 2,
					 .nr_ring = 2,
					 .nr_spare = 1,
					 .flags = n >= 2 ? PMT_RB_OVERWRITE : 0 };
		struct pmt_rb *rb;
		unsigned char pay[300];
		struct pmt_rb_event ev;

		if (pmt_rb_create(&o, &rb))
			return 1;
		memset(pay, n, sizeof(pay));
		for (uint32_t i = 0; i < 20u + 30u * (uint32_t)n; i++)
			pmt_rb_write_cpu(rb, i, pay, 1 + (i * 37) % 290);
		if (n == 1)
			pmt_err_free(pmt_rb_consume(rb, 0, &ev));
		rc |= dump(argv[1], n, rb);
		pmt_rb_destroy(rb);
	}
	for (int n = 4; n < 6; n++) {
		struct pmt_rb_opts o = { .nr_cpus = 2,
					 .nr_ring = 2,
					 .nr_spare = 1,
					 .flags = n == 5 ? PMT_RB_OVERWRITE : 0,
					 .events = pmt_std_events,
					 .nr_events = PMT_EV_NR_STD,
					 .nr_comms = 16 };
		struct pmt_rb *rb;
		struct pmt_rb_event ev;

		if (pmt_rb_create(&o, &rb))
			return 1;
		pmt_rb_set_comm(rb, 5, "init");
		pmt_rb_set_comm(rb, 6, "sh");
		for (uint32_t i = 0; i < 60u * (uint32_t)(n - 3); i++) {
			struct pmt_entry h = { .type = (uint16_t)(1 + i % 5),
					       .pid = (int32_t)(i % 8) };
			unsigned char f[64];
			uint32_t loc = (20u << 16) | 20;

			memset(f, 'a' + (int)(i % 26), sizeof(f));
			if (h.type == PMT_EV_MARKER) {
				memcpy(f, &loc, 4);
				f[23] = 0;
			}
			pmt_rb_write_entry(rb, i % 2, &h, f,
					   pmt_std_events[h.type - 1].size - 16 +
						   (h.type == PMT_EV_MARKER ? 20 : 0));
		}
		pmt_err_free(pmt_rb_consume(rb, 0, &ev));
		rc |= dump(argv[1], n, rb);
		pmt_rb_destroy(rb);
	}
	return rc;
}

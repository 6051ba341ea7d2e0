// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Differential test of the page decoder's fast path: pmt_pd_count_le() (the
 * writer counts pages with it) must give exactly the number of data events
 * that pmt_pd_next() yields before the page ends or a record is malformed,
 * on every input. The writer's walker (pmt_walk_*) must agree too.
 *
 * Inputs: random pages built from a grammar of valid records (data of every
 * size class, time extends, absolute stamps, discarded events, end padding)
 * with random corruption (flipped bits, bad lengths, truncated commits), plus
 * purely random words. Deterministic (seeded); argv[1] = rounds.
 *
 * Built with -DPMT_LIBFUZZER as a libFuzzer target too (PMTRACE_FUZZ=ON).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "page_decoder.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

static int check(const uint8_t *data, uint32_t commit)
{
	struct pmt_pd_cursor c;
	struct pmt_pd_rec r;
	struct pmt_walk w;
	struct pmt_walk_ev ev;
	const char *why;
	uint32_t need, n = 0, steps = 0, nw = 0;
	int rc;

	pmt_pd_init(&c, data, commit, 0, false);
	while ((rc = pmt_pd_next(&c, &r, &why, &need)) == 0 && r.kind != PMT_PD_END) {
		if (r.kind == PMT_PD_DATA) {
			n++;
			/* every payload inside the committed bytes */
			if (r.payload < data || r.payload + r.len > data + commit) {
				fprintf(stderr, "payload outside the commit\n");
				return 1;
			}
		}
		if (++steps > commit / 4 + 1) {
			fprintf(stderr, "decoder does not advance\n");
			return 1;
		}
	}
	if (pmt_pd_count_le(data, commit) != n) {
		fprintf(stderr, "count %u, decoder %u (commit %u)\n", pmt_pd_count_le(data, commit),
			n, commit);
		return 1;
	}
	pmt_walk_init(&w, data, commit, 0);
	while (pmt_walk_next_data(&w, &ev, &why) == 1)
		nw++;
	if (nw != n) {
		fprintf(stderr, "walker %u, decoder %u\n", nw, n);
		return 1;
	}
	return 0;
}

#ifdef PMT_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536)
		return 0;
	if (check(data, (uint32_t)size))
		abort();
	return 0;
}
#else
static uint32_t build(uint8_t *p, uint32_t cap)
{
	uint32_t off = 0;

	while (off + 4 <= cap) {
		uint32_t k = rnd() % 10, w, len;

		if (k <= 4) { /* data, small or large */
			len = (k == 4 ? 113 + rnd() % 300 : 1 + rnd() % 112);
			len = (len + 3) & ~3u;
			if (len > 112) {
				if (off + 8 + len > cap)
					break;
				w = 0 | (rnd() % 1000) << 5;
				memcpy(p + off, &w, 4);
				w = len + 4;
				memcpy(p + off + 4, &w, 4);
				off += 8 + len;
			} else {
				if (off + 4 + len > cap)
					break;
				w = (len / 4) | (rnd() % 1000) << 5;
				memcpy(p + off, &w, 4);
				off += 4 + len;
			}
		} else if (k == 5 || k == 6) { /* extend or absolute stamp */
			if (off + 8 > cap)
				break;
			w = (k == 5 ? 30u : 31u) | (rnd() << 5);
			memcpy(p + off, &w, 4);
			w = rnd();
			memcpy(p + off + 4, &w, 4);
			off += 8;
		} else if (k == 7) { /* discarded */
			len = 8 + (rnd() % 16) * 4;
			if (off + len > cap)
				break;
			w = 29 | (1 + rnd() % 100) << 5;
			memcpy(p + off, &w, 4);
			w = len - 4;
			memcpy(p + off + 4, &w, 4);
			off += len;
		} else if (k == 8) { /* end padding */
			w = 29;
			memcpy(p + off, &w, 4);
			off += 4;
			break;
		} else {
			continue;
		}
	}
	return off;
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 200000;
	static uint8_t page[4096];

	for (long i = 0; i < rounds; i++) {
		uint32_t commit, mode = rnd() % 4;

		memset(page, 0, sizeof(page));
		if (mode == 0) {
			for (uint32_t k = 0; k < sizeof(page) / 4; k++) {
				uint32_t w = rnd();

				memcpy(page + 4 * k, &w, 4);
			}
			commit = rnd() % (sizeof(page) + 1);
		} else {
			commit = build(page, 4080);
			if (mode >= 2) { /* corrupt a few bits or the commit */
				uint32_t flips = 1 + rnd() % 4;

				while (flips--)
					page[rnd() % 4080] ^= (uint8_t)(1u << (rnd() % 8));
				if (rnd() % 2)
					commit = rnd() % 4081;
			}
		}
		if (check(page, commit)) {
			fprintf(stderr, "round %ld (mode %u) differs\n", i, mode);
			return 1;
		}
	}
	printf("%ld pages: fast count == decoder == walker\n", rounds);
	return 0;
}
#endif

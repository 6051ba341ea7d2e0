// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_io VMCORE PROFILE: the I/O floor of extraction — open the dump with
 * libkdumpfile and read exactly the ring-buffer pages pmtrace reads, nothing
 * else. The page list is found first by a normal load (not timed); then a
 * fresh dump handle reads every page, and the time is printed in seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "dump_target.h"
#include "profile.h"
#include "trace_internal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct pmt_target *types, *t;
	struct pmt_trace *tr;
	struct dump *d;
	char rel[65], bid[129];
	uint64_t *pages = NULL;
	size_t n = 0, bytes = 0;
	uint32_t subbuf = 4096;
	uint8_t *buf;
	double t0, t1;

	if (argc != 3) {
		fprintf(stderr, "usage: bench_io VMCORE PROFILE\n");
		return 2;
	}
	if (pmt_profile_open(argv[2], &types, rel, bid) || dump_open(argv[1], &d) ||
	    dump_target(d, types, &t) || pmt_trace_load(t, NULL, &tr))
		return 1;
	for (size_t b = 0; b < tr->nbufs; b++) {
		for (int c = 0; c < tr->bufs[b].nr_cpus; c++) {
			const struct cpu_stream *cs = &tr->bufs[b].cpus[c];

			pages = realloc(pages, (n + cs->npages) * sizeof(*pages));
			for (size_t i = 0; i < cs->npages; i++)
				pages[n++] = cs->pages[i].addr;
		}
		subbuf = tr->bufs[b].subbuf_size;
	}
	pmt_trace_free(tr);
	pmt_target_destroy(t);
	dump_close(d);

	t0 = now();
	if (dump_open(argv[1], &d))
		return 1;
	buf = malloc(subbuf);
	for (size_t i = 0; i < n; i++) {
		struct pmt_err *err = dump_read_kv(d, pages[i], buf, subbuf);

		if (err)
			pmt_err_free(err);
		else
			bytes += subbuf;
	}
	dump_close(d);
	t1 = now();
	printf("%.4f %zu pages %zu bytes\n", t1 - t0, n, bytes);
	free(buf);
	free(pages);
	return 0;
}

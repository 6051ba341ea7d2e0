// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_tracedat [--vmlinux F] VMCORE OUTFILE [REPEAT]: how fast
 * pmt_write_tracedat() writes pages (not a test; bench/tracedat/run.sh).
 *
 * The dump is loaded once (every page decoded, so the event counts are
 * known), then trace.dat is written with --compress none, zstd and v6, and
 * timed. To see the page path on a large buffer, every CPU's list of unread
 * pages is then repeated REPEAT times (the same pages read and copied again:
 * the writer's work per page is what it is for any page) and the write timed
 * again; the difference between the two runs is the page path alone,
 * without the metadata (kallsyms, formats) both pay once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "pmtrace/trace.h"
#include "session.h"
#include "trace_internal.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t events(const struct pmt_trace *tr, uint64_t *pages)
{
	uint64_t n = 0;

	*pages = 0;
	for (size_t i = 0; i < tr->nbufs; i++)
		for (int c = 0; c < tr->bufs[i].nr_cpus; c++) {
			n += tr->bufs[i].cpus[c].nevents;
			*pages += tr->bufs[i].cpus[c].npages;
		}
	return n;
}

/* best of 3 */
static double time_write(struct pmt_trace *tr, const struct pmt_tracedat_opts *o, const char *path,
			 off_t *size)
{
	double best = 1e9;
	struct stat st;

	for (int k = 0; k < 3; k++) {
		double t0 = now();
		struct pmt_err *err = pmt_write_tracedat(tr, o, path);

		if (err) {
			fprintf(stderr, "bench_tracedat: %s\n", err->msg);
			exit(2);
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	*size = stat(path, &st) ? 0 : st.st_size;
	return best;
}

static void repeat_pages(struct pmt_trace *tr, unsigned int times)
{
	for (size_t i = 0; i < tr->nbufs; i++)
		for (int c = 0; c < tr->bufs[i].nr_cpus; c++) {
			struct cpu_stream *cs = &tr->bufs[i].cpus[c];
			struct page_ref *p;

			if (!cs->npages)
				continue;
			p = malloc(cs->npages * times * sizeof(*p));
			if (!p)
				exit(2);
			for (unsigned int k = 0; k < times; k++)
				memcpy(p + k * cs->npages, cs->pages, cs->npages * sizeof(*p));
			free(cs->pages);
			cs->pages = p;
			cs->npages *= times;
			cs->pages_cap = cs->npages;
			cs->nevents *= times;
		}
}

int main(int argc, char **argv)
{
	struct session_opts so = { 0 };
	struct pmt_load_opts lo = { .flags = PMT_LOAD_SCAN };
	const struct pmt_tracedat_opts none = { .compress = PMT_TRACEDAT_NONE },
				       zstd = { .compress = PMT_TRACEDAT_ZSTD },
				       v6 = { .version = 6 };
	struct session *s;
	struct pmt_trace *tr;
	struct pmt_err *err;
	unsigned int repeat;
	uint64_t ev, pg, ev2, pg2;
	double tn, tz, t6, tb;
	off_t sn, sz, s6, sb;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--vmlinux")) {
		so.vmlinux = argv[2];
		i = 3;
	}
	if (argc - i < 2) {
		fprintf(stderr, "usage: bench_tracedat [--vmlinux F] VMCORE OUTFILE [REPEAT]\n");
		return 2;
	}
	repeat = argc - i > 2 ? (unsigned int)atoi(argv[i + 2]) : 100;
	err = session_open(argv[i], &so, &s);
	if (!err)
		err = pmt_trace_load(s->target, &lo, &tr);
	if (err) {
		fprintf(stderr, "bench_tracedat: %s\n", err->msg);
		return 2;
	}
	ev = events(tr, &pg);
	tn = time_write(tr, &none, argv[i + 1], &sn);
	tz = time_write(tr, &zstd, argv[i + 1], &sz);
	t6 = time_write(tr, &v6, argv[i + 1], &s6);
	printf("as dumped: %llu events in %llu pages\n", (unsigned long long)ev,
	       (unsigned long long)pg);
	printf("  v7 none  %8.4f s  %10lld bytes  %6.2f M events/s (whole file)\n", tn,
	       (long long)sn, ev / tn / 1e6);
	printf("  v7 zstd  %8.4f s  %10lld bytes  %6.2f M events/s (whole file)\n", tz,
	       (long long)sz, ev / tz / 1e6);
	printf("  v6       %8.4f s  %10lld bytes  %6.2f M events/s (whole file)\n", t6,
	       (long long)s6, ev / t6 / 1e6);
	repeat_pages(tr, repeat);
	ev2 = events(tr, &pg2);
	tb = time_write(tr, &none, argv[i + 1], &sb);
	printf("pages repeated x%u: %llu events in %llu pages (%.0f MiB)\n", repeat,
	       (unsigned long long)ev2, (unsigned long long)pg2, sb / 1048576.0);
	printf("  v7 none  %8.4f s  %10lld bytes  %6.2f M events/s (whole file)\n", tb,
	       (long long)sb, ev2 / tb / 1e6);
	printf("  page path alone: %.2f M events/s, %.0f MiB/s\n", (ev2 - ev) / (tb - tn) / 1e6,
	       (sb - sn) / (tb - tn) / 1048576.0);
	remove(argv[i + 1]);
	pmt_trace_free(tr);
	session_close(s);
	return 0;
}

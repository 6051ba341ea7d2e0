// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kshark_count FILE: open a trace.dat with KernelShark's own library
 * (libkshark, Debian's libkshark-dev), every buffer as its own data stream
 * the way the GUI opens it, load all entries and print, per stream and CPU,
 *
 *	<buffer> <cpu> <entries> <first ts> <last ts>
 *
 * with "global" for the top buffer. Exit 0, or 1 if the file does not open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernelshark/libkshark-tepdata.h>
#include <kernelshark/libkshark.h>

struct count {
	long n;
	long long first, last;
};

static int report_stream(struct kshark_context *ctx, int sd, int top)
{
	struct kshark_data_stream *st = kshark_get_data_stream(ctx, sd);
	struct kshark_entry **rows = NULL;
	struct count *per_cpu;
	ssize_t n;
	const char *name;

	if (!st)
		return -1;
	n = kshark_load_entries(ctx, sd, &rows);
	if (n < 0) {
		fprintf(stderr, "kshark_count: stream %d: cannot load entries\n", sd);
		return -1;
	}
	per_cpu = calloc(st->n_cpus > 0 ? (size_t)st->n_cpus : 1, sizeof(*per_cpu));
	if (!per_cpu)
		return -1;
	for (ssize_t i = 0; i < n; i++) {
		struct kshark_entry *e = rows[i];

		if (e->cpu < 0 || e->cpu >= st->n_cpus)
			continue;
		if (!per_cpu[e->cpu].n)
			per_cpu[e->cpu].first = e->ts;
		per_cpu[e->cpu].last = e->ts;
		per_cpu[e->cpu].n++;
		free(e);
	}
	free(rows);
	/* the stream kshark_open() made is the top buffer; the others are
	 * named after their instance */
	name = sd == top || !st->name ? "global" : st->name;
	for (int c = 0; c < st->n_cpus; c++)
		printf("%s %d %ld %lld %lld\n", name, c, per_cpu[c].n, per_cpu[c].first,
		       per_cpu[c].last);
	free(per_cpu);
	return 0;
}

int main(int argc, char **argv)
{
	struct kshark_context *ctx = NULL;
	int sd, *ids, nstreams, rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: kshark_count FILE\n");
		return 2;
	}
	if (!kshark_instance(&ctx))
		return 1;
	sd = kshark_open(ctx, argv[1]);
	if (sd < 0) {
		fprintf(stderr, "kshark_count: kshark_open %s failed (%d)\n", argv[1], sd);
		kshark_free(ctx);
		return 1;
	}
	if (kshark_tep_init_all_buffers(ctx, sd) < 0) {
		fprintf(stderr, "kshark_count: cannot open the instance buffers\n");
		rc = 1;
	}
	nstreams = ctx->n_streams;
	ids = kshark_all_streams(ctx);
	for (int i = 0; ids && i < nstreams; i++)
		if (report_stream(ctx, ids[i], sd) < 0)
			rc = 1;
	free(ids);
	kshark_close_all(ctx);
	kshark_free(ctx);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tracedat_cell: one load of a dump, then what tracedat-test.sh compares:
 *
 *	tracedat_cell [--vmlinux F] VMCORE JSON [VARIANT=FILE]...
 *
 * writes `pmtrace show --json --instance all` to JSON and each trace.dat
 * VARIANT (v7-zstd, v7-none, v7-zlib, v6) to its FILE, from the same loaded
 * trace, through the same library calls as `pmtrace show` and `pmtrace dump
 * -t`. One load instead of one per output keeps the corpus sweep short
 * (loading dominates under the sanitizers). The trace.dat files are written
 * first, as `pmtrace dump -t` does right after the load: in an ASan build,
 * after the JSON writer's reads of a 6.12 makedumpfile dump whose trace pages
 * were filtered out, libkdumpfile 0.5.1 crashed inside kdump_read() (a
 * memmove to NULL) on a later read of a .rodata page; the release build did
 * not. Exit: the trace status (0 complete, 1 partial), 2 on failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmtrace/trace.h"
#include "session.h"

static void on_diag(void *arg, const struct pmt_diag *d)
{
	(void)arg;
	fprintf(stderr, "tracedat_cell: [%s] %s\n", pmt_err_code_id(d->code), d->msg);
}

static int variant(const char *name, struct pmt_tracedat_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (!strcmp(name, "v7-zstd"))
		o->compress = PMT_TRACEDAT_ZSTD;
	else if (!strcmp(name, "v7-none"))
		o->compress = PMT_TRACEDAT_NONE;
	else if (!strcmp(name, "v7-zlib"))
		o->compress = PMT_TRACEDAT_ZLIB;
	else if (!strcmp(name, "v6"))
		o->version = 6;
	else
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct session_opts so = { 0 };
	struct pmt_load_opts lo = { .on_diag = on_diag };
	/* every buffer, as the trace.dat holds them: the previous boot's too */
	struct pmt_filter all = { .instance = "all", .boot = PMT_BOOT_ANY };
	struct session *s = NULL;
	struct pmt_trace *tr = NULL;
	struct pmt_err *err;
	int i = 1, rc = 2;
	FILE *f;

	if (argc > 2 && !strcmp(argv[1], "--vmlinux")) {
		so.vmlinux = argv[2];
		i = 3;
	}
	if (argc - i < 2) {
		fprintf(stderr,
			"usage: tracedat_cell [--vmlinux F] VMCORE JSON [VARIANT=FILE]...\n");
		return 2;
	}
	err = session_open(argv[i], &so, &s);
	if (!err)
		err = pmt_trace_load(s->target, &lo, &tr);
	if (!err)
		pmt_err_free(session_save_profile(s, tr));
	for (int k = i + 2; !err && k < argc; k++) {
		char *eq = strchr(argv[k], '=');
		struct pmt_tracedat_opts o;

		if (!eq) {
			fprintf(stderr, "tracedat_cell: %s: not VARIANT=FILE\n", argv[k]);
			goto out;
		}
		*eq = '\0';
		if (variant(argv[k], &o)) {
			fprintf(stderr, "tracedat_cell: unknown variant %s\n", argv[k]);
			goto out;
		}
		err = pmt_write_tracedat(tr, &o, eq + 1);
	}
	if (!err) {
		f = fopen(argv[i + 1], "w");
		if (!f) {
			perror(argv[i + 1]);
			goto out;
		}
		err = pmt_write_json(tr, &all, f);
		if (fclose(f) && !err)
			err = pmt_err_new(PMT_ERR_IO, "writing %s", argv[i + 1]);
	}
	if (err) {
		fprintf(stderr, "tracedat_cell: %s: %s\n", argv[i], err->msg);
		pmt_err_free(err);
		goto out;
	}
	rc = pmt_trace_status(tr, NULL) == PMT_STATUS_COMPLETE ? 0 : 1;
out:
	pmt_trace_free(tr);
	if (s)
		session_close(s);
	return rc;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `pmtrace dump`: a tracefs-shaped tree (-o DIR, lib/output_tree.c) and/or a
 * trace-cmd trace.dat file (-t FILE, lib/output_tracedat.c).
 *
 * The trace.dat options (-t, --v6, --compress) belong to this command only,
 * so they are taken out of argv here and the rest goes through the shared
 * parser (cli.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
	"usage: pmtrace dump [--vmlinux FILE | --profile FILE] [--types btf|dwarf|profile|auto]\n"
	"                    [-o DIR] [-t FILE [--v6] [--compress none|zlib|zstd]] VMCORE\n"
	"  -o DIR      write per_cpu/cpuN/trace_pipe_raw (unread data only),\n"
	"              events/*/*/format, saved_cmdlines, kallsyms and the trace text,\n"
	"              per instance, under DIR\n"
	"  -t FILE     write a trace-cmd trace.dat (version 7) for trace-cmd report and\n"
	"              KernelShark: every buffer, event formats, kallsyms, printk formats,\n"
	"              saved cmdlines (docs/trace-dat.md)\n"
	"  --v6        trace.dat version 6 instead (no compression; one sub-buffer size)\n"
	"  --compress  none, zlib or zstd (default zstd; Debian 12's trace-cmd reads\n"
	"              none and zstd)\n"
	"  At least one of -o and -t.\n";

static struct {
	const char *file;
	struct pmt_tracedat_opts opts;
	bool compress_given;
} tracedat;

/* Take -t/--tracedat, --v6 and --compress out of argv; -1 on a bad value. */
static int take_tracedat_options(int *argc, char **argv)
{
	int n = 1;

	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i], *val = NULL;

		if (!strcmp(a, "--")) {
			while (i < *argc)
				argv[n++] = argv[i++];
			break;
		}
		if (cli_takes_value(a) && i + 1 < *argc) {
			argv[n++] = argv[i++];
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "-t") || !strcmp(a, "--tracedat")) {
			if (i + 1 >= *argc) {
				fprintf(stderr, "pmtrace: %s needs a FILE\n%s", a, usage);
				return -1;
			}
			tracedat.file = argv[++i];
		} else if (!strncmp(a, "-t", 2) && a[2]) {
			tracedat.file = a + 2;
		} else if (!strncmp(a, "--tracedat=", 11)) {
			tracedat.file = a + 11;
		} else if (!strcmp(a, "--v6")) {
			tracedat.opts.version = 6;
		} else if (!strcmp(a, "--compress") || !strncmp(a, "--compress=", 11)) {
			struct pmt_err *err;

			if (a[10] == '=')
				val = a + 11;
			else if (i + 1 < *argc)
				val = argv[++i];
			if (!val) {
				fprintf(stderr, "pmtrace: --compress needs none, zlib or zstd\n");
				return -1;
			}
			tracedat.compress_given = true;
			err = pmt_tracedat_parse_compress(val, &tracedat.opts.compress);
			if (err)
				return cli_fail(err, "--compress"), -1;
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	*argc = n;
	return 0;
}

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	struct pmt_err *err = NULL;

	(void)s;
	if (c->output)
		err = pmt_write_tree(tr, c->output);
	if (!err && tracedat.file)
		err = pmt_write_tracedat(tr, &tracedat.opts, tracedat.file);
	return err;
}

int cmd_dump(int argc, char **argv)
{
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	int status;

	if (!args)
		return EXIT_FAILED;
	memcpy(args, argv, (size_t)argc * sizeof(*args));
	if (take_tracedat_options(&argc, args) < 0) {
		free(args);
		return EXIT_FAILED;
	}
	if (tracedat.opts.version == 6 && tracedat.compress_given) {
		fprintf(stderr, "pmtrace: --v6 files are never compressed: drop --compress\n");
		free(args);
		return EXIT_FAILED;
	}
	status = cli_run(argc, args, "o", usage,
			 (tracedat.file ? 0 : CLI_NEEDS_OUTPUT) | CLI_WHOLE_DUMP, emit);
	free(args);
	return status;
}

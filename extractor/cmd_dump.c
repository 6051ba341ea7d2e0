// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace dump -o DIR`: a tracefs-shaped tree (see lib/output_tree.c). */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
	"usage: pmtrace dump [--vmlinux FILE | --profile FILE] -o DIR VMCORE\n"
	"  Write per_cpu/cpuN/trace_pipe_raw (unread data only), events/*/*/format,\n"
	"  saved_cmdlines, kallsyms and the trace text, per instance, under DIR.\n";

int cmd_dump(int argc, char **argv)
{
	struct session *sess = NULL;
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct cli c;
	int i = cli_parse(&c, argc, argv, "o", usage);
	int status;

	if (i < 0)
		return EXIT_FAILED;
	if (argc - i != 1 || !c.output) {
		fputs(usage, stderr);
		return EXIT_FAILED;
	}
	c.vmcore = argv[i];
	tr = cli_load(&c, &sess);
	if (!tr)
		return EXIT_FAILED;
	err = pmt_write_tree(tr, c.output);
	status = err ? cli_fail(err, "dump") : cli_status(tr);
	pmt_trace_free(tr);
	session_close(sess);
	return status;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace info`: kernel, buffers, per-CPU counters, what could not be read. */
#include <stdio.h>

#include "cli.h"
#include "dump_target.h"

static const char usage[] =
	"usage: pmtrace info [--vmlinux FILE | --profile FILE] [--json] VMCORE\n"
	"  Kernel release, KASLR offset, buffers and instances, per-CPU entries,\n"
	"  overrun, pages and sub-buffer size, and everything that could not be read.\n";

int cmd_info(int argc, char **argv)
{
	struct session *sess = NULL;
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct cli c;
	int i = cli_parse(&c, argc, argv, "j", usage);
	int status;

	if (i < 0)
		return EXIT_FAILED;
	if (argc - i != 1) {
		fputs(usage, stderr);
		return EXIT_FAILED;
	}
	c.vmcore = argv[i];
	c.quiet = true; /* info lists the problems itself */
	tr = cli_load(&c, &sess);
	if (!tr)
		return EXIT_FAILED;
	if (!c.json) {
		printf("dump: %s (%s)\n", c.vmcore, dump_format_name(sess->dump));
		printf("types: %s\n", sess->types_source);
	}
	err = pmt_write_info(tr, c.json, stdout);
	status = err ? cli_fail(err, "info") : cli_status(tr);
	pmt_trace_free(tr);
	session_close(sess);
	return status;
}

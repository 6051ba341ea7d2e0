// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace info`: kernel, buffers, per-CPU counters, what could not be read. */
#include <stdio.h>

#include "cli.h"
#include "dump_target.h"

static const char usage[] =
	"usage: pmtrace info [--vmlinux FILE | --profile FILE] [--json] VMCORE\n"
	"       pmtrace info --json [...] VMCORE...   (a batch: one tagged stream)\n"
	"  Kernel release, KASLR offset, buffers and instances, per-CPU entries,\n"
	"  overrun, pages and sub-buffer size, and everything that could not be read.\n";

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	if (!c->json) {
		printf("dump: %s (%s)\n", c->vmcore, dump_format_name(s->dump));
		printf("types: %s\n", s->types_source);
	}
	return pmt_write_info(tr, c->json, c->out);
}

int cmd_info(int argc, char **argv)
{
	return cli_run(argc, argv, "j", usage, CLI_QUIET | CLI_WHOLE_DUMP | CLI_BATCH, emit);
}

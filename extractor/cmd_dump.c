// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace dump -o DIR`: a tracefs-shaped tree (see lib/output_tree.c). */
#include "cli.h"

static const char usage[] =
	"usage: pmtrace dump [--vmlinux FILE | --profile FILE] [--types btf|dwarf|profile|auto]\n"
	"                    -o DIR VMCORE\n"
	"  Write per_cpu/cpuN/trace_pipe_raw (unread data only), events/*/*/format,\n"
	"  saved_cmdlines, kallsyms and the trace text, per instance, under DIR.\n";

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	(void)s;
	return pmt_write_tree(tr, c->output);
}

int cmd_dump(int argc, char **argv)
{
	return cli_run(argc, argv, "o", usage, CLI_NEEDS_OUTPUT | CLI_WHOLE_DUMP, emit);
}

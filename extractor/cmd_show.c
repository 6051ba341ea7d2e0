// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace show`: the merged trace text (or JSON lines) of a vmcore. */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
	"usage: pmtrace show [options] VMCORE\n"
	"  Print the trace as tracefs `trace` prints it, merged by time stamp.\n"
	"  --vmlinux FILE | --profile FILE   types for the dumped kernel\n"
	"  --types btf|dwarf|profile|auto   force where types come from (btf: the\n"
	"                    dump's own BTF and kallsyms, no file needed)\n"
	"  --cpu LIST        only these CPUs (e.g. 0,2-3); one CPU = per_cpu/cpuN/trace\n"
	"  --instance NAME   an instance instead of the global buffer ('all' for every one)\n"
	"  --event SYS:NAME  only this event (repeatable; SYS:* for a whole system)\n"
	"  --since SECS, --until SECS   time window, e.g. 1234.5\n"
	"  --json            one JSON object per event (docs/json.md)\n"
	"  -q                no warnings on stderr\n";

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	(void)s;
	return c->json ? pmt_write_json(tr, &c->filter, stdout)
		       : pmt_write_text(tr, &c->filter, stdout);
}

int cmd_show(int argc, char **argv)
{
	return cli_run(argc, argv, "jcieus", usage, 0, emit);
}

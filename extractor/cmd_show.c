// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace show`: the merged trace text (or JSON lines) of a vmcore. */
#include <stdio.h>

#include "cli.h"

static const char usage[] =
	"usage: pmtrace show [options] VMCORE\n"
	"       pmtrace show --json [options] VMCORE...   (a batch: one tagged stream)\n"
	"  Print the trace as tracefs `trace` prints it, merged by time stamp.\n"
	"  --vmlinux FILE | --profile FILE   types for the dumped kernel\n"
	"  --cpu LIST        only these CPUs (e.g. 0,2-3); one CPU = per_cpu/cpuN/trace\n"
	"  --instance NAME   an instance instead of the global buffer ('all' for every one)\n"
	"  --event SYS:NAME  only this event (repeatable; SYS:* for a whole system)\n"
	"  --since SECS, --until SECS   time window, e.g. 1234.5\n"
	"  --tail N          only the last N events of each CPU\n"
	"  --last DURATION   only events within DURATION of the newest (e.g. 500ms, 2s)\n"
	"  --json            one JSON object per event (docs/json.md)\n"
	"  -q                no warnings on stderr\n";

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	(void)s;
	struct pmt_err *err = c->json ? pmt_write_json(tr, &c->filter, c->out)
				      : pmt_write_text(tr, &c->filter, c->out);

	/* in a batch, the problems go into the stream too */
	for (size_t i = 0; !err && c->batch && i < pmt_trace_diag_count(tr); i++)
		pmt_write_json_diag(c->out, pmt_trace_diag(tr, i));
	return err;
}

int cmd_show(int argc, char **argv)
{
	return cli_run(argc, argv, "jcieustl", usage, CLI_BATCH, emit);
}

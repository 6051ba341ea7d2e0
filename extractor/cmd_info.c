// SPDX-License-Identifier: GPL-2.0-or-later
/* `pmtrace info`: kernel, buffers, per-CPU counters, what could not be read. */
#include <stdio.h>
#include <string.h>

#include "btf_types.h"
#include "cli.h"
#include "dump_target.h"
#include "output.h"

static const char usage[] =
	"usage: pmtrace info [--vmlinux FILE | --profile FILE] [--types btf|dwarf|profile|auto]\n"
	"                    [--json] VMCORE\n"
	"       pmtrace info --json [...] VMCORE...   (a batch: one tagged stream)\n"
	"       pmtrace info --region FILE            (a raw pmtrace region image)\n"
	"  --find symbol|scan|both|auto   how to find pmtrace regions (default auto:\n"
	"                    pmtrace.ko's symbol, else a scan of physical memory)\n"
	"  --region FILE     also read a raw region image (repeatable)\n"
	"  Kernel release, KASLR offset, where the types came from, buffers and\n"
	"  instances, per-CPU entries, overrun, pages and sub-buffer size, and\n"
	"  everything that could not be read.\n";

static struct pmt_err *emit(struct cli *c, struct session *s, struct pmt_trace *tr)
{
	const char *notes = "";

	if (!s) /* region images only: no dump */
		return pmt_write_info(tr, c->json, c->out);
	if (s->btf) {
		/* say what the dump's BTF holds, modules included */
		btf_types_load_modules(s->btf);
		session_describe_types(s);
		notes = btf_types_notes(s->btf);
	}
	if (!c->json) {
		fprintf(c->out, "dump: %s (%s)\n", c->vmcore, dump_format_name(s->dump));
		fprintf(c->out, "types: %s\n", s->types_source);
		for (const char *p = notes; *p;) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			fprintf(c->out, "types: not usable: %.*s\n", len, p);
			p += len + (nl ? 1 : 0);
		}
	} else {
		fputs("{\"type\":\"types\",\"source\":", c->out);
		output_json_string(c->out, s->types_kind, strlen(s->types_kind));
		fputs(",\"detail\":", c->out);
		output_json_string(c->out, s->types_source, strlen(s->types_source));
		fputs(",\"not_usable\":[", c->out);
		for (const char *p = notes; *p;) {
			const char *nl = strchr(p, '\n');
			size_t len = nl ? (size_t)(nl - p) : strlen(p);

			if (p != notes)
				fputc(',', c->out);
			output_json_string(c->out, p, len);
			p += len + (nl ? 1 : 0);
		}
		fputs("]}\n", c->out);
	}
	return pmt_write_info(tr, c->json, c->out);
}

int cmd_info(int argc, char **argv)
{
	return cli_run(argc, argv, "jFBR", usage,
		       CLI_QUIET | CLI_WHOLE_DUMP | CLI_BATCH | CLI_REGIONS, emit);
}

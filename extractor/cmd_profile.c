// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `pmtrace profile --vmlinux FILE -o FILE`: the few symbols and struct
 * members the walkers need, with the release and build-id they match, in a
 * small file that stands in for the vmlinux (docs/profile.md).
 */
#include <stdio.h>

#include "cli.h"
#include "dwarf_types.h"
#include "profile.h"
#include "vmlinux.h"

static const char usage[] = "usage: pmtrace profile --vmlinux FILE -o FILE\n";

int cmd_profile(int argc, char **argv)
{
	struct pmt_target *dwarf = NULL, *rec = NULL;
	struct vmlinux *vm = NULL;
	struct pmt_err *err;
	struct cli c;
	int i = cli_parse(&c, argc, argv, "o", usage);

	if (i < 0)
		return EXIT_FAILED;
	if (argc != i || !c.output || !c.sopts.vmlinux) {
		fputs(usage, stderr);
		return EXIT_FAILED;
	}
	err = vmlinux_open(c.sopts.vmlinux, &vm);
	if (!err)
		err = dwarf_types_target(vm, &dwarf);
	if (!err)
		err = pmt_profile_recorder(dwarf, &rec);
	if (!err)
		err = pmt_trace_resolve_types(rec);
	if (!err)
		err = pmt_profile_write(rec, c.output, vmlinux_release(vm), vmlinux_build_id(vm));
	if (!err && !c.quiet)
		fprintf(stderr, "pmtrace: wrote %s: %zu answers for %s (build-id %s)\n", c.output,
			pmt_profile_recorded(rec), vmlinux_release(vm), vmlinux_build_id(vm));
	pmt_target_destroy(rec);
	pmt_target_destroy(dwarf);
	if (vm)
		vmlinux_close(vm);
	return err ? cli_fail(err, c.sopts.vmlinux) : EXIT_COMPLETE;
}

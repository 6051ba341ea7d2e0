// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `pmtrace profile --vmlinux FILE -o FILE [VMCORE]`: the few symbols and
 * struct members the walkers need, with the release and build-id they match,
 * in a small file that stands in for the vmlinux (docs/profile.md).
 *
 * With a VMCORE of the same kernel, the profile also holds what printing its
 * events needs (enum values named in print formats): those questions are only
 * known once the dump's event list has been read.
 */
#include <stdio.h>

#include "cli.h"
#include "dwarf_types.h"
#include "profile.h"
#include "vmlinux.h"

static const char usage[] = "usage: pmtrace profile --vmlinux FILE -o FILE [VMCORE]\n";

static int profile_from_dump(struct cli *c)
{
	struct session *sess = NULL;
	struct pmt_trace *tr = NULL;
	struct pmt_err *err;

	c->sopts.no_cache = true; /* the answers must come from this vmlinux */
	c->quiet = true;
	tr = cli_load(c, &sess);
	if (!tr)
		return EXIT_FAILED;
	pmt_trace_load_formats(tr); /* every event's questions, not only those read */
	err = pmt_profile_write(sess->recorder, c->output, sess->profile_release,
				sess->profile_build_id);
	if (!err)
		fprintf(stderr, "pmtrace: wrote %s: %zu answers for %s (build-id %s)\n", c->output,
			pmt_profile_recorded(sess->recorder), sess->profile_release,
			sess->profile_build_id);
	pmt_trace_free(tr);
	session_close(sess);
	return err ? cli_fail(err, c->output) : EXIT_COMPLETE;
}

int cmd_profile(int argc, char **argv)
{
	struct pmt_target *dwarf = NULL, *rec = NULL;
	struct vmlinux *vm = NULL;
	struct pmt_err *err;
	struct cli c;
	int i = cli_parse(&c, argc, argv, "o", usage);

	if (i < 0)
		return EXIT_FAILED;
	if (argc - i > 1 || !c.output || !c.sopts.vmlinux || c.sopts.profile) {
		fputs(usage, stderr);
		return EXIT_FAILED;
	}
	if (argc - i == 1) {
		c.vmcore = argv[i];
		return profile_from_dump(&c);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `pmtrace` command: one file per subcommand (cmd_*.c), sharing the
 * option parsing, dump opening and exit-status rules here.
 *
 * Exit codes: 0 complete, 1 partial (something salvaged around damage; the
 * damage is listed on stderr), 2 failed (nothing usable, or bad usage).
 */
#ifndef PMTRACE_EXTRACTOR_CLI_H
#define PMTRACE_EXTRACTOR_CLI_H

#include <stdbool.h>

#include "pmtrace/trace.h"
#include "session.h"

enum { EXIT_COMPLETE = 0, EXIT_PARTIAL = 1, EXIT_FAILED = 2 };

struct cli {
	struct session_opts sopts;
	struct pmt_filter filter;
	const char *events[65];
	int nevents;
	const char *vmcore;
	const char *output; /* -o */
	bool json;
	bool quiet;
};

struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

/* Parse the options every subcommand shares; returns the index of the first
 * non-option argument or -1 (message already printed). `extra` lists the
 * option letters the subcommand accepts beyond the common ones. */
int cli_parse(struct cli *c, int argc, char **argv, const char *extra, const char *usage);
/* Open the dump and walk it; prints diagnostics. NULL on failure (printed). */
struct pmt_trace *cli_load(struct cli *c, struct session **sess);
enum cli_run_flags {
	CLI_NEEDS_OUTPUT = 1 << 0, /* -o is required */
	CLI_QUIET = 1 << 1,	   /* the command lists problems itself: none on stderr */
	CLI_WHOLE_DUMP = 1 << 2,   /* the status is about the whole dump, not the filter */
};

/*
 * The common shape of show/info/dump: parse (accepting `extra` options),
 * take exactly one VMCORE, load it, call `emit`, and turn the result into an
 * exit status.
 */
int cli_run(int argc, char **argv, const char *extra, const char *usage, unsigned int flags,
	    struct pmt_err *(*emit)(struct cli *c, struct session *s, struct pmt_trace *tr));

/* Exit status for a loaded trace (after output), for what `filter` asked
 * (NULL: the whole dump). */
int cli_status(struct pmt_trace *tr, const struct pmt_filter *filter);
/* Print an error on stderr, consume it, return EXIT_FAILED. */
int cli_fail(struct pmt_err *err, const char *what);

int cmd_show(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_profile(int argc, char **argv);

#endif

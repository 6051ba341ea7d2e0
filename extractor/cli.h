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

#include <setjmp.h>
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
	const char *output;	 /* -o */
	const char *range_image; /* --range-image FILE[@BASE] instead of a VMCORE */
	const char *range;	 /* --range PHYS:SIZE within it */
	const char *formats;	 /* --formats DIR: tracefs format files for it */
	FILE *out;		 /* where show/info write: stdout, or a tagging stream in a batch */
	bool batch;		 /* several dumps in one call (JSON only) */
	bool json;
	bool quiet;
	/* pmtrace regions: how to find them (PMT_LOAD_REGIONS_*; 0 = the
	 * command's default) and raw region images given with --region */
	unsigned int find;
	const char *region_files[17];
	int nregion_files;
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
/* The same, returning the failure instead of printing it. */
struct pmt_err *cli_load_err(struct cli *c, struct session **sess, struct pmt_trace **out);
enum cli_run_flags {
	CLI_NEEDS_OUTPUT = 1 << 0, /* -o is required */
	CLI_QUIET = 1 << 1,	   /* the command lists problems itself: none on stderr */
	CLI_WHOLE_DUMP = 1 << 2,   /* the status is about the whole dump, not the filter */
	CLI_BATCH = 1 << 3,	   /* several VMCOREs with --json */
	CLI_REGIONS = 1 << 4,	   /* look for pmtrace regions even when not asked (info) */
};

/*
 * The common shape of show/info/dump: parse (accepting `extra` options),
 * take one VMCORE, load it, call `emit`, and turn the result into an exit
 * status. With CLI_BATCH and --json, several VMCOREs make one JSON stream:
 * each record tagged "dump":PATH, each dump closed by a {"type":"dump"} record
 * with its status (or an {"type":"error"} one when it could not be opened);
 * one dump's failure never stops the others, and the exit status is the worst
 * of the batch. Type caches are shared: the build-id profile the first dump of
 * a kernel writes serves the next ones.
 */
int cli_run(int argc, char **argv, const char *extra, const char *usage, unsigned int flags,
	    struct pmt_err *(*emit)(struct cli *c, struct session *s, struct pmt_trace *tr));

/* Exit status for a loaded trace (after output), for what `filter` asked
 * (NULL: the whole dump). */
int cli_status(struct pmt_trace *tr, const struct pmt_filter *filter);
/*
 * Where main.c's SIGBUS handler jumps, when set: the batch loop's recovery
 * point for the dump being read (a mapped dump whose file shrank or failed).
 * NULL: the handler ends the run.
 */
extern sigjmp_buf *volatile cli_sigbus_jump;

/* Print an error on stderr, consume it, return EXIT_FAILED. */
int cli_fail(struct pmt_err *err, const char *what);
/* Whether a shared option takes its value from the next argument (for a
 * command that picks its own options out of argv first). */
bool cli_takes_value(const char *arg);

int cmd_show(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_profile(int argc, char **argv);

#endif

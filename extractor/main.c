// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmtrace: post-mortem trace extraction from Linux vmcores.
 * Dispatches to one file per subcommand (cmd_*.c).
 *
 * A complete ELF dump is read through a memory map (dump.c); if the file
 * shrinks or its medium fails while mapped, the access raises SIGBUS. In a
 * batch that fails the one dump (cli.c's recovery point, cli_sigbus_jump)
 * and the batch goes on; else it ends the run as failed with a message
 * saying so, never as a core dump.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define STDOUT_BUFFER (256u << 10) /* bytes of stdout buffering off a terminal */

static const struct command commands[] = {
	{ "show", "print the trace (text like tracefs, or --json)", cmd_show },
	{ "info", "kernel, buffers, per-CPU counters, damage", cmd_info },
	{ "dump", "write a tracefs-shaped tree (-o DIR)", cmd_dump },
	{ "profile", "write a type profile from a vmlinux", cmd_profile },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: pmtrace COMMAND [options] ...\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`pmtrace COMMAND --help` for its options. Exit: 0 complete, 1 partial, "
		   "2 failed.\n");
}

sigjmp_buf *volatile cli_sigbus_jump;

static void on_sigbus(int sig)
{
	static const char msg[] =
		"\npmtrace: fatal: [io] the dump file failed under its memory map (truncated while "
		"being read, or a read error of its medium); what was printed is incomplete. "
		"PMTRACE_MMAP=never reads it with read(2) instead.\n";
	ssize_t r;

	if (cli_sigbus_jump)
		siglongjmp(*cli_sigbus_jump, 1);
	r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)r;
	(void)sig;
	_exit(EXIT_FAILED);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	/* Into a pipe or file, stdio's default buffer is the pipe's 4 KiB: one
	 * write(2) per 4 KiB of text made a full show into a pipe 2x slower
	 * than into /dev/null (38 M events: 20.6 s against 10.2 s). A terminal
	 * keeps its line buffering. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, STDOUT_BUFFER);
	if (argc < 2) {
		usage(stderr);
		return EXIT_FAILED;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_COMPLETE;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "pmtrace: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_FAILED;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Shared option handling and loading for the subcommands (see cli.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_types.h"
#include "cli.h"
#include "dwarf_types.h"

enum {
	OPT_VMLINUX = 0x100,
	OPT_PROFILE,
	OPT_CPU,
	OPT_INSTANCE,
	OPT_EVENT,
	OPT_SINCE,
	OPT_UNTIL,
	OPT_JSON,
	OPT_NO_CACHE,
	OPT_TYPES,
};

static const struct option long_opts[] = {
	{ "vmlinux", required_argument, NULL, OPT_VMLINUX },
	{ "profile", required_argument, NULL, OPT_PROFILE },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "instance", required_argument, NULL, OPT_INSTANCE },
	{ "event", required_argument, NULL, OPT_EVENT },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "types", required_argument, NULL, OPT_TYPES },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cli_fail(struct pmt_err *err, const char *what)
{
	fprintf(stderr, "pmtrace: %s%s%s\n", what ? what : "", what ? ": " : "",
		err ? err->msg : "failed");
	pmt_err_free(err);
	return EXIT_FAILED;
}

int cli_parse(struct cli *c, int argc, char **argv, const char *extra, const char *usage)
{
	struct pmt_err *err;
	int opt;

	memset(c, 0, sizeof(*c));
	c->filter.events = NULL;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:qvh", long_opts, NULL)) != -1) {
		bool common = opt >= OPT_VMLINUX && opt <= OPT_TYPES && opt != OPT_JSON &&
			      opt != OPT_CPU && opt != OPT_INSTANCE && opt != OPT_EVENT &&
			      opt != OPT_SINCE && opt != OPT_UNTIL;
		char letter = opt == OPT_JSON	    ? 'j'
			      : opt == OPT_CPU	    ? 'c'
			      : opt == OPT_INSTANCE ? 'i'
			      : opt == OPT_EVENT    ? 'e'
			      : opt == OPT_SINCE    ? 's'
			      : opt == OPT_UNTIL    ? 'u'
			      : opt == 'o'	    ? 'o'
						    : 0;

		if (letter && !strchr(extra, letter) && !common) {
			fprintf(stderr, "pmtrace: option %s does not apply here\n%s",
				argv[optind - 1], usage);
			return -1;
		}
		switch (opt) {
		case OPT_VMLINUX:
			c->sopts.vmlinux = optarg;
			break;
		case OPT_PROFILE:
			c->sopts.profile = optarg;
			break;
		case OPT_NO_CACHE:
			c->sopts.no_cache = true;
			break;
		case OPT_TYPES:
			if (!session_parse_types(optarg, &c->sopts.types)) {
				fprintf(stderr, "pmtrace: --types %s: one of btf, dwarf, profile, "
						"auto\n%s",
					optarg, usage);
				return -1;
			}
			break;
		case OPT_CPU:
			err = pmt_filter_parse_cpus(&c->filter, optarg);
			if (err)
				return cli_fail(err, NULL), -1;
			break;
		case OPT_INSTANCE:
			c->filter.instance = optarg;
			break;
		case OPT_EVENT:
			if (c->nevents == 64) {
				fprintf(stderr, "pmtrace: at most 64 --event options\n");
				return -1;
			}
			c->events[c->nevents++] = optarg;
			c->filter.events = c->events;
			break;
		case OPT_SINCE:
			err = pmt_parse_seconds(optarg, &c->filter.since_ns);
			if (err)
				return cli_fail(err, "--since"), -1;
			c->filter.have_since = true;
			break;
		case OPT_UNTIL:
			err = pmt_parse_seconds(optarg, &c->filter.until_ns);
			if (err)
				return cli_fail(err, "--until"), -1;
			c->filter.have_until = true;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'v':
			c->sopts.verbose = true;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(EXIT_COMPLETE);
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	return optind;
}

static void on_diag(void *arg, const struct pmt_diag *d)
{
	struct cli *c = arg;

	if (!c->quiet)
		fprintf(stderr, "pmtrace: warning: [%s] %s\n", pmt_err_code_id(d->code), d->msg);
}

static void on_progress(void *arg, const char *what, unsigned int pct)
{
	(void)arg;
	fprintf(stderr, "\rpmtrace: reading %s buffer: %3u%%", what, pct);
	if (pct >= 100)
		fputs("\r\033[K", stderr);
}

struct pmt_trace *cli_load(struct cli *c, struct session **sess)
{
	struct pmt_load_opts lo = { .on_diag = on_diag, .diag_arg = c };
	struct pmt_trace *tr;
	struct pmt_err *err;

	if (isatty(STDERR_FILENO) && !c->quiet)
		lo.on_progress = on_progress;
	err = session_open(c->vmcore, &c->sopts, sess);
	if (err) {
		cli_fail(err, c->vmcore);
		return NULL;
	}
	if (c->sopts.verbose)
		fprintf(stderr, "pmtrace: types from %s\n", (*sess)->types_source);
	err = pmt_trace_load((*sess)->target, &lo, &tr);
	if (err) {
		cli_fail(err, c->vmcore);
		session_close(*sess);
		*sess = NULL;
		return NULL;
	}
	if (c->sopts.verbose && (*sess)->dwarf) {
		struct dwarf_types_stats st;

		dwarf_types_get_stats((*sess)->dwarf, &st);
		fprintf(stderr, "pmtrace: DWARF: %u units indexed by hints, %u by scanning\n",
			st.hint_cus, st.scanned_cus);
	}
	err = session_save_profile(*sess);
	if (err) {
		if (c->sopts.verbose)
			fprintf(stderr, "pmtrace: could not cache the type profile: %s\n",
				err->msg);
		pmt_err_free(err);
	}
	return tr;
}

int cli_status(struct pmt_trace *tr, const struct pmt_filter *filter)
{
	switch (pmt_trace_status(tr, filter)) {
	case PMT_STATUS_COMPLETE:
		return EXIT_COMPLETE;
	case PMT_STATUS_PARTIAL:
		fprintf(stderr,
			"pmtrace: partial result: %zu problem(s) above; everything else "
			"was extracted\n",
			pmt_trace_diag_count(tr));
		return EXIT_PARTIAL;
	default:
		fprintf(stderr,
			"pmtrace: failed: nothing of what was asked could be read (%zu "
			"problem(s) above)\n",
			pmt_trace_diag_count(tr));
		return EXIT_FAILED;
	}
}

/* Module BTF the dump holds but that could not be used (read when an event
 * format first needs it, so possibly while printing). */
static void print_btf_notes(const struct cli *c, struct session *s)
{
	const char *notes = s->btf ? btf_types_notes(s->btf) : "";

	for (const char *p = notes; !c->quiet && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(stderr, "pmtrace: warning: %.*s\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

int cli_run(int argc, char **argv, const char *extra, const char *usage, unsigned int flags,
	    struct pmt_err *(*emit)(struct cli *c, struct session *s, struct pmt_trace *tr))
{
	struct session *sess = NULL;
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct cli c;
	int i = cli_parse(&c, argc, argv, extra, usage);
	int status;

	if (i < 0)
		return EXIT_FAILED;
	if (argc - i != 1 || ((flags & CLI_NEEDS_OUTPUT) && !c.output)) {
		fputs(usage, stderr);
		return EXIT_FAILED;
	}
	c.vmcore = argv[i];
	if (flags & CLI_QUIET)
		c.quiet = true;
	tr = cli_load(&c, &sess);
	if (!tr)
		return EXIT_FAILED;
	err = emit(&c, sess, tr);
	if (!err && fflush(stdout))
		err = pmt_err_new(PMT_ERR_IO, "writing to stdout failed");
	print_btf_notes(&c, sess);
	status = err ? cli_fail(err, argv[0])
		     : cli_status(tr, (flags & CLI_WHOLE_DUMP) ? NULL : &c.filter);
	pmt_trace_free(tr);
	session_close(sess);
	return status;
}

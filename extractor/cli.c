// SPDX-License-Identifier: GPL-2.0-or-later
/* Shared option handling and loading for the subcommands (see cli.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "btf_types.h"
#include "cli.h"
#include "dump.h"
#include "dwarf_types.h"
#include "json_tag.h"
#include "rawimage.h"

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
	OPT_TAIL,
	OPT_LAST,
	OPT_FIND,
	OPT_BOOT,
	OPT_REGION,
	OPT_TYPES,
	OPT_RANGE_IMAGE,
	OPT_RANGE,
	OPT_FORMATS,
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
	{ "tail", required_argument, NULL, OPT_TAIL },
	{ "last", required_argument, NULL, OPT_LAST },
	{ "find", required_argument, NULL, OPT_FIND },
	{ "boot", required_argument, NULL, OPT_BOOT },
	{ "region", required_argument, NULL, OPT_REGION },
	{ "range-image", required_argument, NULL, OPT_RANGE_IMAGE },
	{ "range", required_argument, NULL, OPT_RANGE },
	{ "formats", required_argument, NULL, OPT_FORMATS },
	{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
	{ "types", required_argument, NULL, OPT_TYPES },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

bool cli_takes_value(const char *arg)
{
	if (!strcmp(arg, "-o"))
		return true;
	if (strncmp(arg, "--", 2) || strchr(arg, '='))
		return false;
	for (const struct option *o = long_opts; o->name; o++)
		if (!strcmp(arg + 2, o->name))
			return o->has_arg == required_argument;
	return false;
}

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
		/* options every command takes; the others are in its `extra` */
		bool common = opt == OPT_VMLINUX || opt == OPT_PROFILE || opt == OPT_NO_CACHE ||
			      opt == OPT_TYPES;
		char letter = opt == OPT_JSON	    ? 'j'
			      : opt == OPT_CPU	    ? 'c'
			      : opt == OPT_INSTANCE ? 'i'
			      : opt == OPT_EVENT    ? 'e'
			      : opt == OPT_SINCE    ? 's'
			      : opt == OPT_UNTIL    ? 'u'
			      : opt == OPT_TAIL	    ? 't'
			      : opt == OPT_LAST	    ? 'l'
			      : opt == OPT_FIND	    ? 'F'
			      : opt == OPT_BOOT	    ? 'B'
			      : opt == OPT_REGION   ? 'R'
			      : opt == OPT_RANGE_IMAGE || opt == OPT_RANGE || opt == OPT_FORMATS
				      ? 'r'
			      : opt == 'o' ? 'o'
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
				fprintf(stderr,
					"pmtrace: --types %s: one of btf, dwarf, profile, "
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
		case OPT_TAIL: {
			char *end;

			c->filter.tail = strtoull(optarg, &end, 10);
			if (end == optarg || *end || !c->filter.tail) {
				fprintf(stderr,
					"pmtrace: --tail wants a number of events above 0, not "
					"'%s'\n",
					optarg);
				return -1;
			}
			break;
		}
		case OPT_RANGE_IMAGE:
			c->range_image = optarg;
			break;
		case OPT_RANGE:
			c->range = optarg;
			break;
		case OPT_FORMATS:
			c->formats = optarg;
			break;
		case OPT_LAST:
			err = pmt_parse_duration(optarg, &c->filter.last_ns);
			if (err)
				return cli_fail(err, "--last"), -1;
			c->filter.have_last = true;
			break;
		case OPT_FIND:
			if (!strcmp(optarg, "symbol"))
				c->find = PMT_LOAD_REGIONS_SYMBOL;
			else if (!strcmp(optarg, "scan"))
				c->find = PMT_LOAD_REGIONS_SCAN;
			else if (!strcmp(optarg, "both"))
				c->find = PMT_LOAD_REGIONS_SYMBOL | PMT_LOAD_REGIONS_SCAN;
			else if (!strcmp(optarg, "auto"))
				c->find = PMT_LOAD_REGIONS_AUTO;
			else {
				fprintf(stderr, "pmtrace: --find symbol|scan|both|auto, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_BOOT:
			if (!strcmp(optarg, "current"))
				c->filter.boot = PMT_BOOT_CURRENT;
			else if (!strcmp(optarg, "previous"))
				c->filter.boot = PMT_BOOT_PREVIOUS;
			else {
				fprintf(stderr, "pmtrace: --boot current|previous, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case OPT_REGION:
			if (c->nregion_files == 16) {
				fprintf(stderr, "pmtrace: at most 16 --region files\n");
				return -1;
			}
			c->region_files[c->nregion_files++] = optarg;
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
		fprintf(stderr, "pmtrace: %s%swarning: [%s] %s\n", c->batch ? c->vmcore : "",
			c->batch ? ": " : "", pmt_err_code_id(d->code), d->msg);
}

static void on_progress(void *arg, const char *what, unsigned int pct)
{
	(void)arg;
	fprintf(stderr, "\rpmtrace: reading %s buffer: %3u%%", what, pct);
	if (pct >= 100)
		fputs("\r\033[K", stderr);
}

struct pmt_err *cli_load_err(struct cli *c, struct session **sess, struct pmt_trace **out)
{
	struct pmt_load_opts lo = {
		.on_diag = on_diag, .diag_arg = c, .flags = c->find, .region_files = c->region_files
	};
	struct pmt_err *err;

	*out = NULL;
	*sess = NULL;
	/* no debuginfo is fine when only a scan is asked for */
	c->sopts.allow_no_types = (c->find & PMT_LOAD_REGIONS_SCAN) != 0;
	if (isatty(STDERR_FILENO) && !c->quiet && !c->batch)
		lo.on_progress = on_progress;
	err = session_open(c->vmcore, &c->sopts, sess);
	if (err)
		return err;
	if (c->sopts.verbose)
		fprintf(stderr, "pmtrace: types from %s\n", (*sess)->types_source);
	err = pmt_trace_load((*sess)->target, &lo, out);
	if (err) {
		session_close(*sess);
		*sess = NULL;
		return err;
	}
	if (c->sopts.verbose && (*sess)->dwarf) {
		struct dwarf_types_stats st;

		dwarf_types_get_stats((*sess)->dwarf, &st);
		fprintf(stderr, "pmtrace: DWARF: %u units indexed by hints, %u by scanning\n",
			st.hint_cus, st.scanned_cus);
	}
	err = session_save_profile(*sess, *out);
	if (err) {
		if (c->sopts.verbose)
			fprintf(stderr, "pmtrace: could not cache the type profile: %s\n",
				err->msg);
		pmt_err_free(err);
	}
	return NULL;
}

struct pmt_trace *cli_load(struct cli *c, struct session **sess)
{
	struct pmt_trace *tr;
	struct pmt_err *err = cli_load_err(c, sess, &tr);

	if (err) {
		cli_fail(err, c->vmcore);
		return NULL;
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
	/* s is NULL for region images read without a dump */
	const char *notes = s && s->btf ? btf_types_notes(s->btf) : "";

	for (const char *p = notes; !c->quiet && *p;) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		fprintf(stderr, "pmtrace: warning: %.*s\n", len, p);
		p += len + (nl ? 1 : 0);
	}
}

static const char *status_word(int status)
{
	return status == EXIT_COMPLETE ? "complete" : status == EXIT_PARTIAL ? "partial" : "failed";
}

/* One dump of a batch: its records tagged, then its {"type":"dump"} record. */
static int run_one_tagged(struct cli *c, const char *path, unsigned int flags,
			  struct pmt_err *(*emit)(struct cli *, struct session *,
						  struct pmt_trace *))
{
	struct session *sess = NULL;
	struct pmt_trace *tr = NULL;
	struct pmt_err *err;
	int status;
	FILE *tagged = json_tag_open(stdout, "dump", path);

	if (!tagged)
		return cli_fail(pmt_err_new(PMT_ERR_NOMEM, "tagging stream"), path);
	c->vmcore = path;
	c->out = tagged;
	err = cli_load_err(c, &sess, &tr);
	if (err) {
		fprintf(tagged, "{\"type\":\"error\",\"kind\":\"%s\",\"message\":",
			pmt_err_code_id(err->code));
		json_tag_string(tagged, err->msg);
		fputs("}\n", tagged);
		fprintf(stderr, "pmtrace: %s\n", err->msg);
		pmt_err_free(err);
		fclose(tagged);
		c->out = stdout;
		return EXIT_FAILED;
	}
	err = emit(c, sess, tr);
	print_btf_notes(c, sess);
	if (err) {
		fprintf(stderr, "pmtrace: %s: %s\n", path, err->msg);
		pmt_err_free(err);
		status = EXIT_FAILED;
	} else {
		status = cli_status(tr, (flags & CLI_WHOLE_DUMP) ? NULL : &c->filter);
	}
	fprintf(tagged,
		"{\"type\":\"dump\",\"status\":\"%s\",\"exit\":%d,\"format\":", status_word(status),
		status);
	json_tag_string(tagged, dump_format_name(sess->dump));
	fputs(",\"types\":", tagged);
	json_tag_string(tagged, sess->types_source);
	fprintf(tagged, ",\"diagnostics\":%zu}\n", pmt_trace_diag_count(tr));
	fclose(tagged);
	c->out = stdout;
	pmt_trace_free(tr);
	session_close(sess);
	return status;
}

/*
 * run_one_tagged() with a recovery point: a SIGBUS while reading this dump
 * (its mapped file shrank or its medium failed) fails this dump alone. The
 * dump's session and trace are abandoned where the fault left them (never
 * touched again, never freed: their state is whatever the fault cut short);
 * the fault comes from copying out of the map, never from inside malloc or
 * stdio, so the rest of the process is sound. The record being written is
 * dropped whole (json_tag_abort()) and an "io" error record takes its place.
 */
static int run_one_guarded(struct cli *c, const char *path, unsigned int flags,
			   struct pmt_err *(*emit)(struct cli *, struct session *,
						   struct pmt_trace *))
{
	static sigjmp_buf jump;
	static const char why[] = "the file failed under its memory map (truncated while being "
				  "read, or a read error of its medium): this dump's output "
				  "is incomplete; PMTRACE_MMAP=never reads it with read(2)";
	FILE *tagged;
	int status;

	c->out = stdout;
	if (sigsetjmp(jump, 1)) {
		cli_sigbus_jump = NULL;
		if (c->out != stdout)
			json_tag_abort(c->out);
		c->out = stdout;
		tagged = json_tag_open(stdout, "dump", path);
		if (tagged) {
			fputs("{\"type\":\"error\",\"kind\":\"io\",\"message\":", tagged);
			json_tag_string(tagged, why);
			fputs("}\n", tagged);
			fclose(tagged);
		}
		fprintf(stderr, "pmtrace: %s: %s\n", path, why);
		return EXIT_FAILED;
	}
	cli_sigbus_jump = &jump;
	status = run_one_tagged(c, path, flags, emit);
	cli_sigbus_jump = NULL;
	return status;
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
	if (flags & CLI_QUIET)
		c.quiet = true;
	c.out = stdout;
	/* pmtrace regions are looked for when asked about, or by info */
	if (!c.find && ((flags & CLI_REGIONS) ||
			(c.filter.instance && (!strncmp(c.filter.instance, "pmtrace", 7) ||
					       !strcmp(c.filter.instance, "all")))))
		c.find = PMT_LOAD_REGIONS_AUTO;
	if (c.nregion_files && !c.filter.instance)
		c.filter.instance = "pmtrace";
	if (argc - i > 1 && (flags & CLI_BATCH)) {
		int worst = EXIT_COMPLETE;

		if (!c.json) {
			fprintf(stderr, "pmtrace: several dumps need --json (one stream, each "
					"record tagged with its dump)\n");
			return EXIT_FAILED;
		}
		c.batch = true;
		for (int k = i; k < argc; k++) {
			int st = run_one_guarded(&c, argv[k], flags, emit);

			if (st > worst)
				worst = st;
		}
		return worst;
	}
	if ((c.range || c.formats) && !c.range_image) {
		fprintf(stderr, "pmtrace: --range and --formats go with --range-image\n");
		return EXIT_FAILED;
	}
	if (c.range_image) {
		/* a raw image of a persistent ftrace range instead of a VMCORE */
		struct pmt_load_opts lo = { .on_diag = on_diag,
					    .diag_arg = &c,
					    .formats_dir = c.formats };

		if (argc - i != 0 || ((flags & CLI_NEEDS_OUTPUT) && !c.output)) {
			fputs(usage, stderr);
			return EXIT_FAILED;
		}
		c.vmcore = c.range_image;
		err = rawimage_load(c.range_image, c.range, &c.sopts,
				    c.filter.instance && strcmp(c.filter.instance, "all") &&
						    strcmp(c.filter.instance, "global")
					    ? c.filter.instance
					    : NULL,
				    &lo, &sess, &tr);
		if (err)
			return cli_fail(err, NULL);
		/* the range's one buffer, whatever --instance said */
		c.filter.instance = sess->range_name;
	} else {
		if (argc - i > 1 || (argc - i == 0 && !c.nregion_files) ||
		    ((flags & CLI_NEEDS_OUTPUT) && !c.output)) {
			fputs(usage, stderr);
			return EXIT_FAILED;
		}
		if (argc - i == 0) {
			/* region images only: no dump, no kernel (the pstore-style use) */
			struct pmt_load_opts lo = { .on_diag = on_diag,
						    .diag_arg = &c,
						    .region_files = c.region_files };

			if (!c.filter.instance)
				c.filter.instance = "pmtrace";
			err = pmt_trace_load_files(&lo, &tr);
			if (err)
				return cli_fail(err, NULL);
		} else {
			c.vmcore = argv[i];
			tr = cli_load(&c, &sess);
			if (!tr)
				return EXIT_FAILED;
		}
	}
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

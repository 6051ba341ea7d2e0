// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash `trace` command: the standalone pmtrace reader inside crash.
 *
 *	crash> extend pmtrace.so
 *	crash> trace                    tracer, buffers, per-CPU counters
 *	crash> trace show -c 0-1        events as tracefs `trace` text
 *	crash> trace dump /tmp/t        a tracefs-shaped tree
 *	crash> trace dump -t [FILE]     a trace.dat for trace-cmd/KernelShark
 *
 * Lifetime. `extend` only builds the target (crash_target.c: no memory is
 * read) and registers the command if that worked. The first `trace` command
 * walks the buffers (pmt_trace_load) and keeps the result for the session:
 * a dump does not change under crash, so later commands reuse it; `-r` walks
 * again. crash's extension API gives commands no context pointer, so the
 * session state is one file-scope struct.
 *
 * Failure. Nothing here may leave crash unusable. The walker salvages what
 * it can and records one diagnostic per problem; every command prints them
 * (one line each, "trace: ...") and then whatever was salvaged. A load that
 * yields nothing prints one line and the command ends; the next `trace`
 * command tries again. Output errors are one line as well. error(FATAL) and
 * cmd_usage() longjmp back to crash's prompt, so they are only used while
 * parsing arguments, before anything is allocated.
 *
 * Output goes to crash's `fp`, so `trace show | grep x` and `trace show > f`
 * work as for crash's own commands.
 */
#include "defs.h"

#include <stdlib.h>
#include <string.h>

#include "pmtrace/trace.h"

#include "crash_target.h"
#include "profile.h"

static void cmd_trace(void);

static char *help_trace[] = {
	"trace",
	"show or dump the ftrace ring buffers of the dump",
	"[-rj] | show [-rj] [-c cpus] [-i instance] [-b boot] [-e event] [-s since] [-u until] "
	"[-n count] [-l duration] | dump [-r] [-sm] dir | dump -t [-r] [-6] [-z none|zlib|zstd] "
	"[file]",
	"  Reads the kernel's ftrace ring buffers (the global buffer and every",
	"  instance) with the same reader as the standalone `pmtrace` command, so",
	"  the output is the same byte for byte. The buffers are walked by the",
	"  first trace command of the session and kept; pages that cannot be read",
	"  (filtered out of the dump, or damaged) are reported one line each,",
	"  prefixed with \"trace:\", and everything else is still shown.",
	"  pmtrace's own buffers (regions of the pmtrace.ko module) are found",
	"  through the module's pmtrace_kstate symbol, or, without the module, by",
	"  scanning physical memory for the region magic.",
	"",
	"  trace [-rj]",
	"    Shows the current tracer, the buffers and instances, and per CPU the",
	"    entries, overruns and sub-buffer size, plus what could not be read;",
	"    each pmtrace region with its boot, its address and how it was found.",
	"",
	"  trace show [options]",
	"  trace report [options]",
	"    Shows the events as the tracefs `trace` file would, merged across",
	"    CPUs by time stamp.",
	"      -c cpus      only these CPUs, e.g. 0,2-5.",
	"      -i instance  this instance's buffer instead of the global one;",
	"                   \"all\" for every buffer; \"pmtrace\" for pmtrace's",
	"                   own buffer of the boot -b says, \"pmtrace-previous\"",
	"                   for the one the previous boot left.",
	"      -b boot      current (the default) or previous: the data the",
	"                   previous boot left in reserved memory (pmtrace",
	"                   regions, persistent ftrace instances).",
	"      -e event     only this event, as sys:name or name; may be repeated.",
	"      -s since     only events at or after this time, in seconds",
	"                   (e.g. 1234.567890).",
	"      -u until     only events at or before this time, in seconds.",
	"      -n count     only the last count events of each CPU.",
	"      -l duration  only events within duration of the newest event, e.g.",
	"                   500ms, 2s (units ns, us, ms, s, m). -n and -l read",
	"                   pages backwards from the newest: the cost follows the",
	"                   output, not the buffer.",
	"      -j           one JSON object per event instead of text.",
	"",
	"  trace dump [-sm] dir",
	"    Writes a tracefs-shaped tree into dir: per_cpu/cpuN/trace_pipe_raw,",
	"    events/*/format, saved_cmdlines, kallsyms and the instances (the",
	"    same tree as `pmtrace dump -o dir`). -s (kernel symbols) and -m (event",
	"    formats) are accepted for compatibility with crash's trace.so; both",
	"    are always written.",
	"",
	"  trace dump -t [-6] [-z none|zlib|zstd] [file]",
	"    Writes a trace.dat file (default ./trace.dat) that trace-cmd report and",
	"    KernelShark open: every buffer (one per instance), event formats,",
	"    kallsyms, printk formats, saved cmdlines; the same bytes as",
	"    `pmtrace dump -t file`. Version 7, zstd-compressed by default; -z",
	"    none|zlib|zstd chooses the compression, -6 writes version 6",
	"    (uncompressed; refused when instances differ in sub-buffer size).",
	"    The file is written under a temporary name and renamed when complete.",
	"",
	"  -r  walks the buffers again instead of reusing the first walk.",
	"  -j  (trace, trace show) writes JSON.",
	"\nEXAMPLE",
	"  Show the kernel, the buffers and per-CPU counters:\n",
	"    crash> trace",
	"    kernel: 6.1.0-56-cloud-amd64",
	"    kaslr offset: 0x33c00000",
	"    ...",
	"    buffer global: tracer nop, sub-buffer 4096 bytes, 2 cpus",
	"      cpu 0: entries 445 (in buffer 445, decoded 445), overrun 0, ...",
	"",
	"  Show CPU 1's sched_switch events of the last second before the crash:\n",
	"    crash> trace show -c 1 -e sched:sched_switch -s 1041.5",
	"",
	"  Show pmtrace's own buffer, and what the previous boot left in it:\n",
	"    crash> trace show -i pmtrace",
	"    crash> trace show -i pmtrace -b previous",
	"",
	"  Write a trace.dat and read it with trace-cmd:\n",
	"    crash> trace dump -t /tmp/vmcore.dat",
	"    trace: wrote /tmp/vmcore.dat",
	"    crash> !trace-cmd report -i /tmp/vmcore.dat | head",
	"",
	"  Write the buffers as a tracefs-shaped tree:\n",
	"    crash> trace dump /tmp/trace",
	"    trace: wrote /tmp/trace",
	"    crash> !ls /tmp/trace/per_cpu",
	"    cpu0  cpu1",
	NULL,
};

static struct command_table_entry command_table[] = {
	{ "trace", cmd_trace, help_trace, 0 },
	{ NULL, NULL, NULL, 0 },
};

static struct {
	struct pmt_target *target; /* crash's: memory, symbols, types through gdb */
	struct pmt_target *typed;  /* what the trace reads through (see trace_get()) */
	struct pmt_trace *trace;   /* NULL until the first command loads it */
	char types[600];	   /* where the types came from */
} session;

/* Print a pmt error as one line and free it. */
static void report(const char *what, struct pmt_err *err)
{
	fprintf(fp, "trace: %s%s%s\n", what ? what : "", what ? ": " : "", err->msg);
	pmt_err_free(err);
}

/*
 * The build-id profile cache the pmtrace command writes
 * ($PMTRACE_CACHE/profiles/<build-id>.profile), for the dumped kernel's
 * build-id from VMCOREINFO; NULL when the dump has none.
 */
static char *profile_path(char *build_id, size_t size)
{
	const char *env = getenv("PMTRACE_CACHE"), *home = getenv("HOME");
	char *bid = pc->read_vmcoreinfo ? pc->read_vmcoreinfo("BUILD-ID") : NULL;
	char *dir = NULL, *path = NULL;
	struct pmt_err *err;

	build_id[0] = '\0';
	if (!bid || !*bid) {
		free(bid);
		return NULL;
	}
	snprintf(build_id, size, "%s", bid);
	free(bid);
	if (env && *env)
		dir = strdup(env);
	else if (asprintf(&dir, "%s/.cache/pmtrace", home && *home ? home : "/tmp") < 0)
		dir = NULL;
	if (!dir)
		return NULL;
	err = pmt_profile_cache_path(dir, build_id, &path);
	free(dir);
	if (err) {
		pmt_err_free(err);
		return NULL;
	}
	return path;
}

/* Load through a cached profile; false (nothing kept) when there is none,
 * it is of another kernel, or it lacks answers this load needed. */
static bool load_with_profile(const char *path, const char *build_id,
			      const struct pmt_load_opts *opts)
{
	char release[65], bid[129];
	struct pmt_target *prof, *typed;
	struct pmt_err *err;

	/* one stamped by another pmtrace may lack answers: gdb rebuilds it */
	if (!pmt_profile_cache_current(path))
		return false;
	err = pmt_profile_open(path, &prof, release, bid);
	if (err) {
		pmt_err_free(err);
		return false;
	}
	if (strcmp(release, kt->utsname.release) || strcasecmp(bid, build_id)) {
		pmt_target_destroy(prof);
		return false;
	}
	if (crash_target_with_profile(session.target, prof, &typed))
		return false;
	err = pmt_trace_load(typed, opts, &session.trace);
	if (!err && !pmt_profile_misses(prof)) {
		session.typed = typed;
		snprintf(session.types, sizeof(session.types), "profile %s", path);
		return true;
	}
	/* a profile made by a pmtrace that asked less: ask gdb and rewrite it */
	pmt_err_free(err);
	pmt_trace_free(session.trace);
	session.trace = NULL;
	pmt_target_destroy(typed);
	return false;
}

/*
 * The loaded trace, walking the dump the first time (or again with -r). Type
 * questions are answered by the build-id profile cache when it has the
 * dumped kernel (no gdb round trips: ~30 ms each, some 240 of them); else by
 * gdb through a recorder whose answers become that cache entry, so the next
 * session — crash or the pmtrace command — starts fast.
 */
static struct pmt_trace *trace_get(bool reload)
{
	/* decode every page now: the problems are then listed before the
	 * first output, and every later command is served from the same walk;
	 * pmtrace regions as `pmtrace info` finds them (the module's symbol,
	 * else the physical scan), so `trace` lists what `pmtrace info` does */
	struct pmt_load_opts opts = { .flags = PMT_LOAD_SCAN | PMT_LOAD_REGIONS_AUTO };
	char build_id[129], *path;
	struct pmt_target *rec;
	struct pmt_err *err;

	if (session.trace && !reload)
		return session.trace;
	pmt_trace_free(session.trace);
	session.trace = NULL;
	if (session.typed != session.target)
		pmt_target_destroy(session.typed);
	session.typed = NULL;
	path = profile_path(build_id, sizeof(build_id));
	if (path && load_with_profile(path, build_id, &opts)) {
		free(path);
		return session.trace;
	}
	snprintf(session.types, sizeof(session.types), "crash's gdb");
	session.typed = session.target;
	if (!pmt_profile_recorder(session.target, &rec))
		session.typed = rec;
	err = pmt_trace_load(session.typed, &opts, &session.trace);
	if (err) {
		free(path);
		session.trace = NULL;
		report("cannot read the trace buffers", err);
		return NULL;
	}
	snprintf(session.types, sizeof(session.types), "crash's gdb (%lu queries)",
		 crash_target_gdb_queries(session.target));
	if (path && session.typed != session.target) {
		pmt_trace_load_formats(session.trace); /* every answer, for any dump */
		err = pmt_profile_write(session.typed, path, kt->utsname.release, build_id);
		if (!err)
			err = pmt_profile_cache_stamp(path);
		if (!err)
			snprintf(session.types, sizeof(session.types),
				 "crash's gdb (%lu queries, answers cached in %s)",
				 crash_target_gdb_queries(session.target), path);
		pmt_err_free(err);
	}
	free(path);
	return session.trace;
}

/* One "trace: [kind] message" line per problem, from the i-th on. */
static void print_diagnostics(struct pmt_trace *tr, size_t from)
{
	size_t n = pmt_trace_diag_count(tr);

	for (size_t i = from; i < n; i++) {
		const struct pmt_diag *d = pmt_trace_diag(tr, i);

		fprintf(fp, "trace: [%s] %s\n", pmt_err_code_id(d->code), d->msg);
	}
}

enum subcommand { SUB_INFO, SUB_SHOW, SUB_DUMP };

#define MAX_EVENTS 64

struct request {
	enum subcommand sub;
	bool reload, json;
	struct pmt_filter filter;
	const char *events[MAX_EVENTS + 1];
	const char *dir;
	bool tracedat;				/* dump -t: dir is the trace.dat file */
	struct pmt_tracedat_opts tracedat_opts; /* -6, -z */
};

/* Parse an option's pmt_err as a usage error: one line, then crash's usage. */
static void bad_option(struct pmt_err *err)
{
	char msg[BUFSIZE];

	snprintf(msg, sizeof(msg), "%s", err->msg);
	pmt_err_free(err);
	error(INFO, "%s\n", msg);
	cmd_usage(pc->curcmd, SYNOPSIS); /* does not return */
}

static void parse(struct request *rq)
{
	/* args[0] is "trace"; a subcommand, if any, is args[1]. getopt then
	 * runs over args[1..] so that the subcommand plays argv[0]. */
	int argc = argcnt, c, nevents = 0;
	char **argv = args;
	const char *opts;

	memset(rq, 0, sizeof(*rq));
	if (argcnt > 1 && args[1][0] != '-') {
		if (!strcmp(args[1], "show") || !strcmp(args[1], "report"))
			rq->sub = SUB_SHOW;
		else if (!strcmp(args[1], "dump"))
			rq->sub = SUB_DUMP;
		else
			cmd_usage(pc->curcmd, SYNOPSIS);
		argc--;
		argv++;
	}
	opts = rq->sub == SUB_SHOW ? "rjc:i:b:e:s:u:n:l:" : rq->sub == SUB_DUMP ? "rsmt6z:" : "rj";
	optind = 0; /* glibc: start afresh */
	while ((c = getopt(argc, argv, opts)) != EOF) {
		struct pmt_err *err = NULL;

		switch (c) {
		case 'r':
			rq->reload = true;
			break;
		case 'j':
			rq->json = true;
			break;
		case 'c':
			err = pmt_filter_parse_cpus(&rq->filter, optarg);
			break;
		case 'i':
			rq->filter.instance = optarg;
			break;
		case 'b':
			if (!strcmp(optarg, "current"))
				rq->filter.boot = PMT_BOOT_CURRENT;
			else if (!strcmp(optarg, "previous"))
				rq->filter.boot = PMT_BOOT_PREVIOUS;
			else
				err = pmt_err_new(PMT_ERR_INVALID,
						  "-b wants current or previous, not '%s'", optarg);
			break;
		case 'e':
			if (nevents == MAX_EVENTS)
				error(FATAL, "at most %d -e options\n", MAX_EVENTS);
			rq->events[nevents++] = optarg;
			rq->filter.events = rq->events;
			break;
		case 's':
			if (rq->sub == SUB_SHOW) {
				err = pmt_parse_seconds(optarg, &rq->filter.since_ns);
				rq->filter.have_since = true;
			}
			/* dump -s: kallsyms, always written */
			break;
		case 'u':
			err = pmt_parse_seconds(optarg, &rq->filter.until_ns);
			rq->filter.have_until = true;
			break;
		case 'm': /* dump -m: event formats, always written */
			break;
		case 'n': {
			char *end;

			rq->filter.tail = strtoull(optarg, &end, 10);
			if (end == optarg || *end || !rq->filter.tail)
				err = pmt_err_new(PMT_ERR_INVALID,
						  "-n wants a count above 0, not '%s'", optarg);
			break;
		}
		case 'l':
			err = pmt_parse_duration(optarg, &rq->filter.last_ns);
			rq->filter.have_last = true;
			break;
		case 't': /* dump -t [file]: a trace.dat */
			rq->tracedat = true;
			break;
		case '6':
			rq->tracedat_opts.version = 6;
			break;
		case 'z':
			err = pmt_tracedat_parse_compress(optarg, &rq->tracedat_opts.compress);
			break;
		default:
			argerrs++;
			break;
		}
		if (err)
			bad_option(err);
	}
	if (argerrs)
		cmd_usage(pc->curcmd, SYNOPSIS);
	if (rq->sub == SUB_DUMP && rq->tracedat) {
		/* trace.so's syntax: the file is optional */
		if (optind < argc - 1)
			cmd_usage(pc->curcmd, SYNOPSIS);
		rq->dir = optind == argc - 1 ? argv[optind] : "trace.dat";
	} else if (rq->sub == SUB_DUMP) {
		if (optind != argc - 1 || rq->tracedat_opts.version ||
		    rq->tracedat_opts.compress != PMT_TRACEDAT_ZSTD)
			cmd_usage(pc->curcmd, SYNOPSIS);
		rq->dir = argv[optind];
	} else if (optind != argc) {
		cmd_usage(pc->curcmd, SYNOPSIS);
	}
}

static void cmd_trace(void)
{
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct request rq;
	size_t ndiag;

	parse(&rq);
	tr = trace_get(rq.reload);
	if (!tr)
		return;
	print_diagnostics(tr, 0);
	ndiag = pmt_trace_diag_count(tr);
	switch (rq.sub) {
	case SUB_INFO:
		if (!rq.json)
			fprintf(fp, "types: %s\n", session.types);
		err = pmt_write_info(tr, rq.json, fp);
		break;
	case SUB_SHOW:
		err = rq.json ? pmt_write_json(tr, &rq.filter, fp)
			      : pmt_write_text(tr, &rq.filter, fp);
		break;
	case SUB_DUMP:
		err = rq.tracedat ? pmt_write_tracedat(tr, &rq.tracedat_opts, rq.dir)
				  : pmt_write_tree(tr, rq.dir);
		if (!err)
			fprintf(fp, "trace: wrote %s\n", rq.dir);
		break;
	default:
		err = NULL;
		break;
	}
	print_diagnostics(tr, ndiag); /* found while writing */
	fflush(fp);
	if (err)
		report(NULL, err);
}

static void __attribute__((constructor)) pmtrace_crash_init(void)
{
	struct pmt_err *err;

	/* This defs.h is PMTRACE_CRASH_BUILT's: later crashes keep what it
	 * describes (they add to the end of their tables); an older one may
	 * lack it, and misreading crash's own state could bring crash down. */
	if (strverscmp(build_version, PMTRACE_CRASH_BUILT) < 0) {
		fprintf(fp,
			"pmtrace.so: built for crash %s or later, this is crash %s: not loaded\n",
			PMTRACE_CRASH_BUILT, build_version);
		return; /* not registered: crash unloads us */
	}
	err = crash_target_new(&session.target);
	if (err) {
		fprintf(fp, "pmtrace.so: %s\n", err->msg);
		pmt_err_free(err);
		return; /* not registered: crash unloads us */
	}
	register_extension(command_table);
}

static void __attribute__((destructor)) pmtrace_crash_fini(void)
{
	pmt_trace_free(session.trace);
	session.trace = NULL;
	if (session.typed != session.target)
		pmt_target_destroy(session.typed);
	session.typed = NULL;
	pmt_target_destroy(session.target);
	session.target = NULL;
}

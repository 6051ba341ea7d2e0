/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reader side's public API: what both front ends (the `pmtrace` command
 * and the crash extension) call. Everything here works on a struct
 * pmt_target (pmtrace/target.h) and nothing else.
 *
 *	pmt_trace_load()      walk the dump: every trace buffer (global and
 *	                      instances), every CPU's pages, event formats,
 *	                      saved cmdlines, kallsyms
 *	pmt_write_text()      tracefs `trace` text, merged by time stamp
 *	pmt_write_json()      one JSON object per event (docs/json.md)
 *	pmt_write_info()      buffers, CPUs, counters, what could not be read
 *	pmt_write_tree()      a tracefs-shaped directory (trace_pipe_raw, formats, ...)
 *	pmt_write_tracedat()  a trace-cmd trace.dat file (v7 or v6)
 *
 * Damage is reported, never fatal: pmt_trace_load() succeeds with whatever
 * could be salvaged and records one diagnostic per problem (buffer, CPU,
 * page address, reason); pmt_trace_status() then says PARTIAL. Only when
 * nothing at all could be read does it return an error.
 */
#ifndef PMTRACE_TRACE_H
#define PMTRACE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pmtrace/error.h"
#include "pmtrace/target.h"

struct pmt_trace;

enum pmt_status {
	PMT_STATUS_COMPLETE = 0, /* everything asked for was read */
	PMT_STATUS_PARTIAL = 1,	 /* something of it was not, or printed degraded */
	PMT_STATUS_FAILED = 2,	 /* nothing of it could be read */
};

/*
 * One problem found while reading the dump. `code` is the kind (pmtrace/
 * error.h): PMT_ERR_FILTERED (left out by the dump tool), PMT_ERR_TRUNCATED
 * (beyond the end of a truncated file), PMT_ERR_NODATA (not saved), CORRUPT,
 * IO, UNSUPPORTED, ABSENT (something this kernel should have), NOMEM.
 * `degraded` marks problems that make events print in a lesser form (raw
 * fields, <...> comms, hex addresses) rather than lose them.
 */
struct pmt_diag {
	enum pmt_err_code code;
	const char *buffer; /* "global", an instance name, or NULL: not about one buffer */
	int cpu;	    /* -1: not about one CPU */
	uint64_t page;	    /* the ring page / data page concerned, 0 if none */
	uint64_t addr;	    /* the address that failed, 0 if none */
	bool degraded;
	const char *msg; /* the whole message, context first */
};

enum pmt_load_flags {
	PMT_LOAD_NO_EVENTS = 1 << 0,   /* skip event formats (events print raw) */
	PMT_LOAD_NO_KALLSYMS = 1 << 1, /* skip the symbol table (addresses in hex) */
	/* decode every data page during the load (counts and diagnostics are
	 * then complete before any output; `info` and tests want this) */
	PMT_LOAD_SCAN = 1 << 2,
	/* pmtrace's own buffers (regions): through pmtrace.ko's pmtrace_kstate,
	 * and/or by scanning physical memory (no debuginfo needed); with
	 * SCAN_IF_NONE the scan runs only when the symbol found nothing */
	PMT_LOAD_REGIONS_SYMBOL = 1 << 3,
	PMT_LOAD_REGIONS_SCAN = 1 << 4,
	PMT_LOAD_REGIONS_SCAN_IF_NONE = 1 << 5,
	PMT_LOAD_REGIONS_AUTO =
		PMT_LOAD_REGIONS_SYMBOL | PMT_LOAD_REGIONS_SCAN | PMT_LOAD_REGIONS_SCAN_IF_NONE,
};

struct pmt_load_opts {
	unsigned int flags; /* enum pmt_load_flags */
	/* called for each diagnostic as it is found (may be NULL); data pages
	 * are read lazily, so this may also happen while writing output */
	void (*on_diag)(void *arg, const struct pmt_diag *d);
	void *diag_arg;
	/* raw persistent ranges (pmt_trace_load_range()): event formats from
	 * tracefs format files under this directory (NULL: events print raw) */
	const char *formats_dir;
	/* progress 0..100, for long runs (may be NULL) */
	void (*on_progress)(void *arg, const char *what, unsigned int pct);
	void *progress_arg;
	/* raw images of pmtrace regions to add (a copy of the module's
	 * previous/region, reserved RAM saved with QMP pmemsave...), NULL-terminated */
	const char *const *region_files;
};

struct pmt_filter;

struct pmt_err *pmt_trace_load(struct pmt_target *t, const struct pmt_load_opts *opts,
			       struct pmt_trace **out);
/*
 * A raw image of a persistent ring buffer's reserved range (Linux 6.12+
 * boot-mapped ftrace instances; lib/persistent.h): `t` reads the range at
 * [phys, phys + size), and may hold types (DWARF, a profile) and a vmlinux's
 * static data at link-time addresses (kaslr_offset 0): then the previous
 * boot's addresses, clock and event formats are resolved. Without types the
 * range is recognised by its own description and its events print raw.
 * One buffer, named `name` (NULL: "range@PHYS"), holding the previous
 * boot's data.
 */
struct pmt_err *pmt_trace_load_range(struct pmt_target *t, uint64_t phys, uint64_t size,
				     const char *name, const struct pmt_load_opts *opts,
				     struct pmt_trace **out);
/* A trace of opts->region_files alone: no dump, no kernel, no debuginfo. */
struct pmt_err *pmt_trace_load_files(const struct pmt_load_opts *opts, struct pmt_trace **out);
void pmt_trace_free(struct pmt_trace *tr);
/* Read every event format now (they are otherwise read when first printed):
 * before a recorded type profile is saved, so that it holds every answer
 * printing any event may need. */
void pmt_trace_load_formats(struct pmt_trace *tr);
/* Decode every data page of every buffer now (what PMT_LOAD_SCAN does). */
void pmt_trace_scan(struct pmt_trace *tr);
/*
 * The status of what `filter` asks for (NULL: everything): problems in
 * buffers it does not select do not count; problems not about one buffer
 * (kallsyms, formats) always do. FAILED when the selected buffers held
 * events but none could be recovered.
 */
enum pmt_status pmt_trace_status(const struct pmt_trace *tr, const struct pmt_filter *filter);
/* Diagnostics in the order found; i < pmt_trace_diag_count(). */
size_t pmt_trace_diag_count(const struct pmt_trace *tr);
const struct pmt_diag *pmt_trace_diag(const struct pmt_trace *tr, size_t i);

/*
 * Ask the target every type/symbol question a load may ask, without reading
 * memory. Used to build type profiles (a recording target records them).
 */
struct pmt_err *pmt_trace_resolve_types(struct pmt_target *t);

/* Which boot's data: the running kernel's, or what the previous boot left
 * (pmtrace regions recovered from reserved memory; persistent ftrace
 * instances). */
enum pmt_boot {
	PMT_BOOT_CURRENT = 0,
	PMT_BOOT_PREVIOUS,
	/* with instance "all": every buffer, whichever boot's data it holds
	 * (what a trace.dat carries); otherwise as CURRENT */
	PMT_BOOT_ANY,
};

/* Which events to write. Zero-initialised = everything of the global buffer. */
struct pmt_filter {
	const char *instance; /* NULL or "" = global buffer, "all" = every buffer,
			       * "pmtrace" = pmtrace's own buffers (regions) */
	enum pmt_boot boot;
	uint64_t cpu_mask[8]; /* CPUs 0..511; all zero = every CPU */
	const char **events;  /* NULL-terminated "sys:name" / "name" list, NULL = all */
	bool have_since, have_until;
	/* inclusive bounds on the time stamp as printed (to the microsecond);
	 * for buffers on a raw clock (counter, x86-tsc) the whole seconds given
	 * are taken as raw counts */
	uint64_t since_ns, until_ns;
	/* tail-first extraction: the last `tail` events of each CPU (0: all),
	 * and/or the events within `last_ns` of the newest event of the buffer
	 * across its CPUs (raw counts on counter/x86-tsc clocks). Pages are read
	 * backwards from each CPU's newest page, so the cost follows the output. */
	uint64_t tail;
	bool have_last;
	uint64_t last_ns;
};

/* Parse "0,2-5" into filter->cpu_mask. */
struct pmt_err *pmt_filter_parse_cpus(struct pmt_filter *filter, const char *list);
/* Parse "123.456789" (seconds) into ns. */
struct pmt_err *pmt_parse_seconds(const char *s, uint64_t *ns);
/* Parse a duration "500ms", "2s", "1.5s", "250us", "100ns", "3m" into ns. */
struct pmt_err *pmt_parse_duration(const char *s, uint64_t *ns);

struct pmt_err *pmt_write_text(struct pmt_trace *tr, const struct pmt_filter *filter, FILE *out);
struct pmt_err *pmt_write_json(struct pmt_trace *tr, const struct pmt_filter *filter, FILE *out);
/* One diagnostic as a JSON line (docs/json.md: type "diag"). */
void pmt_write_json_diag(FILE *out, const struct pmt_diag *d);
struct pmt_err *pmt_write_info(struct pmt_trace *tr, bool json, FILE *out);
struct pmt_err *pmt_write_tree(struct pmt_trace *tr, const char *dir);

/* trace.dat, as `trace-cmd record` writes it (docs/trace-dat.md). */
enum pmt_tracedat_compress {
	PMT_TRACEDAT_ZSTD = 0, /* the default: what Debian 12's trace-cmd 3.1.6 reads */
	PMT_TRACEDAT_NONE,
	PMT_TRACEDAT_ZLIB,
};

struct pmt_tracedat_opts {
	unsigned int version;		     /* 6 or 7; 0 = 7 */
	enum pmt_tracedat_compress compress; /* v7 only: v6 has no compression */
};

/* Parse "none" / "zlib" / "zstd". */
struct pmt_err *pmt_tracedat_parse_compress(const char *s, enum pmt_tracedat_compress *out);

/*
 * Every buffer (global and instances) with its unread pages exactly as
 * trace_pipe_raw hands them out, event formats, kallsyms, printk formats,
 * saved cmdlines and options, into `path`. The file is written under a
 * temporary name in the same directory and renamed when complete: `path`
 * never holds a half-written file. A page that cannot be read is left out,
 * diagnosed and listed in that CPU's CPUSTAT option (the trace status says
 * partial). Errors: INVALID when v6 is asked for buffers whose sub-buffer
 * sizes differ (v6 has one page size per file; the message names them), IO
 * when the file cannot be written.
 */
struct pmt_err *pmt_write_tracedat(struct pmt_trace *tr, const struct pmt_tracedat_opts *opts,
				   const char *path);

#endif

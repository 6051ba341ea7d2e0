/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pmtrace's own buffers (regions, include/pmtrace/layout.h part 2) as part
 * of a loaded trace: found in the dump (region_find.h), copied out,
 * validated and iterated by the writer's own read-only code
 * (include/pmtrace/region.h: the same walker the module uses to recover the
 * previous boot), and printed from the region's own event descriptions with
 * libtraceevent — no debuginfo needed at any step.
 *
 * Text is docs/format.md's "Text": exactly what the module's `trace` file
 * prints for the same bytes (the corpus compares them).
 */
#ifndef PMTRACE_LIB_REGION_TRACE_H
#define PMTRACE_LIB_REGION_TRACE_H

#include <stdbool.h>
#include <stdio.h>

#include "pmtrace/region.h"
#include "region_find.h"

struct pmt_trace;
struct pmt_filter;
struct tep_handle;

struct region_buf {
	struct region_image img;
	struct pmt_region_info info;
	bool previous;	/* the previous boot's data (see region_trace.c) */
	char label[64]; /* "pmtrace", "pmtrace-previous"; "pmtrace@<phys>" for more of one boot */
	char how[192];	/* how it was found, for info */
	struct tep_handle *tep;
	uint32_t nformats;
	uint64_t unread; /* events `trace` would print (after region_scan_counts()) */
};

/* Find and copy every region the options ask for (flags PMT_LOAD_REGIONS_*). */
void region_trace_find(struct pmt_trace *tr, unsigned int how);
/* Add a region from a raw image file. */
struct pmt_err *region_trace_add_file(struct pmt_trace *tr, const char *path);
void region_trace_free(struct pmt_trace *tr);

/* Is this region one the filter selects? (--instance pmtrace/all, --boot) */
bool region_selected(const struct pmt_filter *f, const struct region_buf *rb);
struct pmt_err *region_write_text(struct pmt_trace *tr, struct region_buf *rb,
				  const struct pmt_filter *f, FILE *out);
struct pmt_err *region_write_json(struct pmt_trace *tr, struct region_buf *rb,
				  const struct pmt_filter *f, FILE *out);
void region_write_info(struct pmt_trace *tr, bool json, FILE *out);

#endif

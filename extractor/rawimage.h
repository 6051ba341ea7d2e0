/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A raw image of a persistent ring buffer's reserved range, opened as a
 * session (`pmtrace show|info --range-image FILE@PHYS`): the machine that
 * rebooted without kdump.
 *
 *   --range-image FILE@PHYS          FILE holds physical memory from PHYS on
 *                                    (a pmemsave of the range, dd of it);
 *                                    the range is the whole file
 *   --range-image FILE[@BASE] --range PHYS:SIZE
 *                                    FILE holds physical memory from BASE (0
 *                                    by default: /dev/mem, a whole-RAM image);
 *                                    the range is [PHYS, PHYS + SIZE)
 *
 * The session's target reads the image at physical addresses and, with
 * --vmlinux, the kernel's static data (kallsyms tables, event formats, clock
 * names) at link-time addresses; types come from --vmlinux (DWARF) or
 * --profile; with neither, the range is recognised by its own description
 * and events print raw. Reads outside the image are NODATA, beyond its end
 * (a half-written image) TRUNCATED.
 */
#ifndef PMTRACE_EXTRACTOR_RAWIMAGE_H
#define PMTRACE_EXTRACTOR_RAWIMAGE_H

#include <stdint.h>

#include "session.h"

struct pmt_trace;
struct pmt_load_opts;

/* Open the image (`spec` is FILE[@BASE]; `range` NULL or "PHYS:SIZE") and load
 * it: *sess and *out are set on success. */
struct pmt_err *rawimage_load(const char *spec, const char *range, const struct session_opts *o,
			      const char *name, const struct pmt_load_opts *lo,
			      struct session **sess, struct pmt_trace **out);

#endif

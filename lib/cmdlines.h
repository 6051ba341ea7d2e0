/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Task names as the trace output shows them: the kernel's saved cmdlines
 * (savedcmd), not the task list, so tasks that exited long before the crash
 * keep their names. The lookup follows trace_find_cmdline(): pid 0 is
 * "<idle>", a pid whose slot was reused or never saved is "<...>".
 */
#ifndef PMTRACE_CMDLINES_H
#define PMTRACE_CMDLINES_H

#include <stdint.h>
#include <stdio.h>

#include "ftrace_layout.h"
#include "pmtrace/target.h"

struct cmdlines;

struct pmt_err *cmdlines_load(struct pmt_target *t, const struct ftrace_layout *L,
			      struct cmdlines **out);
void cmdlines_free(struct cmdlines *c);
/* Never NULL; "<...>" when unknown (also when c is NULL). */
const char *cmdlines_find(const struct cmdlines *c, int pid);
/* The tracefs saved_cmdlines file: "pid comm" per saved slot. */
void cmdlines_write(const struct cmdlines *c, FILE *out);

#endif

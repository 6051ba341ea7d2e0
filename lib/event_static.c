// SPDX-License-Identifier: GPL-2.0-or-later
/* Event formats from a vmlinux's static data (raw images): see event_db.h. */
#include "event_db.h"
#include "trace_internal.h"

struct pmt_err *event_db_load_static(struct pmt_trace *tr, struct event_db **out)
{
	(void)tr;
	*out = NULL;
	return pmt_err_new(PMT_ERR_UNSUPPORTED, "event formats from static data: not yet");
}

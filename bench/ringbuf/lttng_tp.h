/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The LTTng-UST tracepoints of the userspace benchmark: one event per
 * payload size, the payload as a fixed-size byte array (what pmt_rb_write
 * stores: the same bytes, in LTTng's own per-CPU ring buffer).
 */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER pmt_bench

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "./lttng_tp.h"

#if !defined(PMT_BENCH_LTTNG_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define PMT_BENCH_LTTNG_TP_H

#include <lttng/tracepoint.h>

LTTNG_UST_TRACEPOINT_EVENT(pmt_bench, ev16, LTTNG_UST_TP_ARGS(const unsigned char *, p),
			   LTTNG_UST_TP_FIELDS(lttng_ust_field_array(uint8_t, data, p, 16)))
LTTNG_UST_TRACEPOINT_EVENT(pmt_bench, ev64, LTTNG_UST_TP_ARGS(const unsigned char *, p),
			   LTTNG_UST_TP_FIELDS(lttng_ust_field_array(uint8_t, data, p, 64)))

#endif

#include <lttng/tracepoint-event.h>

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pmtrace on-memory ABI: the ONE header that the writer (ringbuf/) and
 * every reader (lib/, extractor/, crash-ext/) include.
 *
 * Part 1 — the Linux kernel's ring-buffer page and event encoding. pmtrace's
 * own data pages use exactly this encoding so that one page decoder
 * (lib/page_decode.c) reads both kernel ftrace pages and ours.
 *
 * A data page ("sub-buffer", struct buffer_data_page in the kernel):
 *
 *	+0               u64  time_stamp   absolute time of the page's first event
 *	+8               long commit       bytes of event data committed, plus flags
 *	+8+sizeof(long)  data[]            events, 4-byte aligned
 *
 * The commit word's top bits (of its low 32 bits) carry flags:
 *	bit 31 MISSED_EVENTS  events were lost before this page
 *	bit 30 MISSED_STORED  the count of lost events is stored after the data
 *	                      (at data + commit, one long)
 *
 * An event (struct ring_buffer_event) starts with a 32-bit header word:
 *
 *	bits 0..4   type_len
 *	bits 5..31  time_delta (27 bits, relative to the previous event)
 *
 *	type_len 1..28  data event, payload length type_len * 4, payload at +4
 *	type_len 0      data event, payload length in array[0] (u32 at +4),
 *	                payload at +8
 *	type_len 29     padding: time_delta == 0 -> rest of page is padding;
 *	                otherwise a discarded event whose length (incl. header)
 *	                is in array[0]
 *	type_len 30     time extend: delta = (array[0] << 27) | time_delta, 8 bytes
 *	type_len 31     absolute time stamp: ts = (array[0] << 27) | time_delta,
 *	                8 bytes (the kernel keeps the top bits of the running
 *	                time stamp above bit 59)
 *
 * The bit-field header word is read as a u32 in the target's byte order and
 * split with shifts (little-endian: type_len in the low bits; big-endian
 * kernels put type_len in the top five bits).
 */
#ifndef PMTRACE_LAYOUT_H
#define PMTRACE_LAYOUT_H

#include <stdint.h>

#define PMT_RB_TYPE_DATA_MAX	28u /* largest type_len that encodes a length */
#define PMT_RB_TYPE_PADDING	29u
#define PMT_RB_TYPE_TIME_EXTEND 30u
#define PMT_RB_TYPE_TIME_STAMP	31u

#define PMT_RB_TYPE_LEN_BITS	5u
#define PMT_RB_TS_SHIFT		27u
#define PMT_RB_TS_DELTA_MASK	((1u << PMT_RB_TS_SHIFT) - 1)
#define PMT_RB_ALIGNMENT	4u
#define PMT_RB_EVNT_HDR_SIZE	4u
/* Largest payload a type_len-encoded event can hold (28 * 4 = 112 bytes). */
#define PMT_RB_MAX_SMALL_DATA	(PMT_RB_TYPE_DATA_MAX * PMT_RB_ALIGNMENT)

#define PMT_RB_MISSED_EVENTS	(1u << 31)
#define PMT_RB_MISSED_STORED	(1u << 30)
#define PMT_RB_MISSED_FLAGS	(PMT_RB_MISSED_EVENTS | PMT_RB_MISSED_STORED)

/* Offsets in a data page for a target whose long is `word_size` bytes. */
#define PMT_RB_PAGE_TS_OFFSET	  0u
#define PMT_RB_PAGE_COMMIT_OFFSET 8u
#define PMT_RB_PAGE_DATA_OFFSET(word_size) (8u + (word_size))

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decoder for ring-buffer data pages in the Linux kernel's format (see the
 * encoding notes in include/pmtrace/layout.h). Used for kernel ftrace pages
 * read out of a dump and for pmtrace's own pages alike.
 *
 * The format parameters (byte order, size of the commit word, offset of the
 * data, sub-buffer size) are fixed once per buffer in a struct
 * pmt_page_format; the decoder never looks at the host's own layout.
 *
 * Time stamps follow the kernel reader exactly (rb_update_read_stamp()):
 * a page starts at its time_stamp; a data event adds its time_delta; a
 * time extend adds (array[0] << 27 | time_delta); an absolute time stamp
 * replaces the running value (with the top bits restored from it); padding
 * and discarded events do not move the clock.
 */
#ifndef PMTRACE_PAGE_DECODE_H
#define PMTRACE_PAGE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "pmtrace/error.h"

struct pmt_page_format {
	bool big_endian;
	unsigned int commit_size; /* bytes of the commit word (the target's long) */
	unsigned int data_offset; /* offset of data[] from the start of the page */
	uint32_t subbuf_size;	  /* bytes of one sub-buffer, header included */
};

/* Fill a format for the common case: a kernel long of word_size bytes. */
void pmt_page_format_init(struct pmt_page_format *f, bool big_endian, unsigned int word_size,
			  uint32_t subbuf_size);

struct pmt_page_header {
	uint64_t time_stamp;
	uint32_t commit;       /* bytes of event data, flags removed */
	bool missed_events;    /* MISSED_EVENTS flag */
	bool missed_stored;    /* MISSED_STORED flag (count follows the data) */
	uint64_t missed_count; /* when missed_stored and it fits in the page */
};

/*
 * Parse the page header. A commit larger than the data area is CORRUPT; the
 * header is still filled, with commit clamped to the data area, so a caller
 * that wants to salvage can decode up to the first bad event.
 */
struct pmt_err *pmt_page_parse_header(const struct pmt_page_format *f, const uint8_t *page,
				      struct pmt_page_header *hdr);

enum pmt_rec_kind {
	PMT_REC_DATA,	   /* a data event: payload in data/len */
	PMT_REC_DISCARDED, /* a discarded event (padding with a length) */
	PMT_REC_PADDING,   /* padding to the end of the page */
	PMT_REC_EXTEND,	   /* time extend */
	PMT_REC_ABS_TIME,  /* absolute time stamp */
};

struct pmt_page_record {
	enum pmt_rec_kind kind;
	uint32_t offset;     /* offset of the event header from the start of data[] */
	uint32_t length;     /* whole event length including header */
	uint64_t ts;	     /* time stamp after this record was applied */
	const uint8_t *data; /* payload (PMT_REC_DATA only) */
	uint32_t len;	     /* payload length, a multiple of 4 (PMT_REC_DATA only) */
};

struct pmt_page_cursor {
	const struct pmt_page_format *fmt;
	const uint8_t *page;
	uint32_t commit; /* end of valid data (relative to data[]) */
	uint32_t pos;	 /* next record offset (relative to data[]) */
	uint64_t ts;	 /* running time stamp */
	bool done;
};

void pmt_page_cursor_init(struct pmt_page_cursor *c, const struct pmt_page_format *f,
			  const uint8_t *page, const struct pmt_page_header *hdr);

/*
 * Decode the next record. Returns NULL and sets *got=false at the end of the
 * page; on a malformed record returns a CORRUPT error (the offset is in the
 * message and in err->addr as the offset in the page) and stops the cursor.
 */
struct pmt_err *pmt_page_next(struct pmt_page_cursor *c, struct pmt_page_record *rec, bool *got);

/* Restore the top bits of an absolute time stamp (the kernel keeps 59 bits). */
uint64_t pmt_fix_abs_ts(uint64_t abs, uint64_t running);

#endif

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
 *	type_len 0      data event; array[0] (u32 at +4) holds the event length
 *	                minus the 4-byte header word, i.e. it counts ITSELF:
 *	                payload length = array[0] - 4, payload at +8, whole
 *	                event = 4 + array[0] bytes (kernel rb_update_event(),
 *	                libtraceevent translate_data()). Used when the payload
 *	                is > 112 bytes.
 *	type_len 29     padding: time_delta == 0 -> rest of page is padding
 *	                (may be only 4 bytes long, then it has no array[0]);
 *	                otherwise a discarded event of 4 + array[0] bytes
 *	                (array[0] again excludes only the header word)
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

/*
 * Event sizes as the kernel computes them (rb_calculate_event_length()):
 * payloads are rounded up to 4 bytes, 0-byte payloads count as 1, and a
 * 12-byte event is grown to 16 (so that a discarded event can always become a
 * time extend plus padding). A payload of 5..8 bytes therefore has type_len 3.
 */
#define PMT_RB_LEN_TIME_EXTEND 8u
#define PMT_RB_LEN_TIME_STAMP  8u
#define PMT_RB_MIN_PAD_EVENT   8u /* smallest discarded event (header + array[0]) */

/* ====================================================================
 * Part 2 — the pmtrace region: where pmtrace's own buffers live.
 *
 * A region is one contiguous, self-describing block of memory (anonymous,
 * a file, shm or a DAX device). Everything in it is found from offset 0;
 * there are no pointers, only offsets and page ids, so the same bytes mean
 * the same thing in the writer, in a read-only external mapping, in a vmcore
 * and after a reboot:
 *
 *   offset 0                 +--------------------------------------+
 *                            | struct pmt_region_hdr   (64 bytes)   |
 *                            | u64 cpu_meta_off[nr_cpus]            |
 *                            | zero up to a page boundary           |
 *   cpu_meta_off[0] -------> +--------------------------------------+
 *                            | struct pmt_cpu_meta     (128 bytes)  |
 *                            | u32 ring[nr_ring]  (at data_start)   |
 *                            | u8  page_state[nr_pages]             |
 *                            |              (at state_start)        |
 *                            | zero up to meta_page_size            |
 *   meta + pages_off ------> +--------------------------------------+
 *                            | data page id 0  (kernel format)      |
 *                            | data page id 1                       |
 *                            | ... nr_pages pages                   |
 *   cpu_meta_off[1] -------> +--------------------------------------+
 *                            | CPU 1's meta, then its pages ...     |
 *                            +--------------------------------------+
 *
 * All integers are in the writer's byte order (see `endian`). Offsets in the
 * header are from the start of the region; data_start, state_start and
 * pages_off are from the start of their CPU's meta area. docs/format.md is
 * the byte-by-byte specification.
 *
 * The magic: a region starts with the bytes "PMTRACE\x01", i.e. the
 * little-endian u64 0x0145434152544d50. A scanner that looks for regions in
 * a memory image must not find the constant in its own code or data, so
 * sources only contain the complement (PMT_REGION_MAGIC_NOT) and compute
 * ~PMT_REGION_MAGIC_NOT at run time (pmt_region_magic() in region.h).
 */
#define PMT_REGION_MAGIC_NOT 0xfebabcbeadabb2afull /* ~"PMTRACE\x01" as LE u64 */
#define PMT_META_MAGIC_NOT   0xb9b4aaabu	   /* ~0x464b5554 */
#define PMT_REGION_ABI_MAJOR 1u
#define PMT_REGION_ABI_MINOR 0u
#define PMT_REGION_ENDIAN    0x01020304u /* reads 0x04030201 on a foreign-endian host */
#define PMT_REGION_MAX_CPUS  4096u
#define PMT_REGION_MIN_PAGE  4096u
#define PMT_REGION_MAX_PAGE  65536u /* the writer's in-page offset is 16 bits */
#define PMT_REGION_HDR_FIXED 64u

/* pmt_region_hdr.flags */
#define PMT_REGION_F_OVERWRITE 0x1u /* flight-recorder mode: the oldest page is overwritten */

/* pmt_region_hdr.clock_id: the unit of every time stamp in the region */
#define PMT_CLOCK_MONO_NS 0u /* CLOCK_MONOTONIC nanoseconds */
#define PMT_CLOCK_TSC	  1u /* x86 time-stamp counter cycles */

struct pmt_region_hdr {
	uint64_t magic;	      /* +0  ~PMT_REGION_MAGIC_NOT */
	uint16_t abi_major;   /* +8  incompatible changes bump this */
	uint16_t abi_minor;   /* +10 compatible additions bump this */
	uint32_t endian;      /* +12 PMT_REGION_ENDIAN in the writer's byte order */
	uint32_t word_size;   /* +16 sizeof(long) of the writer: 4 or 8 */
	uint32_t page_size;   /* +20 bytes per data page (also the meta granule) */
	uint32_t nr_cpus;     /* +24 number of per-CPU buffers */
	uint32_t flags;	      /* +28 PMT_REGION_F_* */
	uint64_t total_size;  /* +32 bytes of the whole region */
	uint32_t hdr_size;    /* +40 bytes covered by hdr_csum: 64 + 8 * nr_cpus */
	uint32_t clock_id;    /* +44 PMT_CLOCK_* */
	uint64_t create_time; /* +48 CLOCK_REALTIME ns at creation (informational) */
	uint64_t hdr_csum;    /* +56 FNV-1a 64 of [0, hdr_size) with this field zero */
	/* +64: uint64_t cpu_meta_off[nr_cpus]: region offset of each CPU's meta */
};

/*
 * Per-page state, one byte per page id at meta + state_start. Only pages in
 * state DATA or READER hold events a reader may decode; REPORTED pages were
 * handed back to the OS (madvise) and read as zeroes, or not at all.
 */
enum pmt_page_state {
	PMT_PAGE_UNUSED = 0,   /* never used since creation */
	PMT_PAGE_DATA = 1,     /* in the ring */
	PMT_PAGE_READER = 2,   /* the reader page: out of the ring, being read */
	PMT_PAGE_SPARE = 3,    /* in the spare pool, contents stale */
	PMT_PAGE_REPORTED = 4, /* spare released to the OS; never decode */
	PMT_PAGE_TAKEN = 5,    /* handed to a consumer by pmt_rb_read_page() */
};

#define PMT_NO_PAGE 0xffffffffu /* "no page" in a page-id field */

struct pmt_cpu_meta {
	uint32_t magic;		 /* +0   ~PMT_META_MAGIC_NOT */
	uint32_t cpu;		 /* +4   index of this buffer */
	uint32_t meta_page_size; /* +8   bytes of this meta area, a multiple of page_size */
	uint32_t data_start;	 /* +12  meta offset of u32 ring[nr_ring] (page ids) */
	uint32_t state_start;	 /* +16  meta offset of u8 page_state[nr_pages] */
	uint32_t nr_pages;	 /* +20  data pages owned by this CPU: ids 0..nr_pages-1 */
	uint32_t nr_ring;	 /* +24  slots in the ring */
	uint32_t reader_id;	 /* +28  reader page id, or PMT_NO_PAGE */
	uint32_t head_id;	 /* +32  oldest page in the ring (next to be read) */
	uint32_t commit_id;	 /* +36  page holding the newest published commit */
	uint32_t tail_id;	 /* +40  page being written */
	uint32_t head_slot;	 /* +44  ring slot of head_id */
	uint32_t tail_slot;	 /* +48  ring slot of tail_id */
	uint32_t reader_swaps;	 /* +52  reader-page swaps so far */
	uint64_t entries;	 /* +56  events committed, counted at page turns */
	uint64_t overrun;	 /* +64  events overwritten (overwrite mode) */
	uint64_t lost;		 /* +72  events dropped: buffer full or writer blocked */
	uint64_t read;		 /* +80  events handed to readers */
	uint64_t pages_touched;	 /* +88  page turns made by writers */
	uint64_t reader_read;	 /* +96  bytes of the reader page already consumed */
	uint64_t seq;		 /* +104 even: stable; odd: being updated (seqcount) */
	uint64_t pages_off;	 /* +112 meta offset of data page id 0 */
	uint64_t reserved;	 /* +120 zero */
};

_Static_assert(sizeof(struct pmt_region_hdr) == PMT_REGION_HDR_FIXED, "region header size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, abi_major) == 8, "abi_major");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, abi_minor) == 10, "abi_minor");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, endian) == 12, "endian");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, word_size) == 16, "word_size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, page_size) == 20, "page_size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, nr_cpus) == 24, "nr_cpus");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, flags) == 28, "flags");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, total_size) == 32, "total_size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, hdr_size) == 40, "hdr_size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, clock_id) == 44, "clock_id");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, create_time) == 48, "create_time");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, hdr_csum) == 56, "hdr_csum");

_Static_assert(sizeof(struct pmt_cpu_meta) == 128, "cpu meta size");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, cpu) == 4, "cpu");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, meta_page_size) == 8, "meta_page_size");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, data_start) == 12, "data_start");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, state_start) == 16, "state_start");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, nr_pages) == 20, "nr_pages");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, nr_ring) == 24, "nr_ring");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, reader_id) == 28, "reader_id");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, head_id) == 32, "head_id");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, commit_id) == 36, "commit_id");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, tail_id) == 40, "tail_id");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, head_slot) == 44, "head_slot");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, tail_slot) == 48, "tail_slot");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, reader_swaps) == 52, "reader_swaps");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, entries) == 56, "entries");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, overrun) == 64, "overrun");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, lost) == 72, "lost");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, read) == 80, "read");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, pages_touched) == 88, "pages_touched");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, reader_read) == 96, "reader_read");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, seq) == 104, "seq");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, pages_off) == 112, "pages_off");

/* The kernel's struct buffer_data_page for a writer whose long is 8 bytes. */
struct pmt_rb_data_page64 {
	uint64_t time_stamp; /* +0 time of the page's first event */
	uint64_t commit;     /* +8 low 32 bits: data length | MISSED flags; high 32 bits 0 */
	unsigned char data[]; /* +16 events */
};
_Static_assert(sizeof(struct pmt_rb_data_page64) == PMT_RB_PAGE_DATA_OFFSET(8), "page64 header");
_Static_assert(__builtin_offsetof(struct pmt_rb_data_page64, commit) == PMT_RB_PAGE_COMMIT_OFFSET,
	       "page64 commit");

#endif

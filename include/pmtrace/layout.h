/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pmtrace on-memory ABI: the ONE header that the writer (ringbuf/) and
 * every reader (lib/, extractor/, crash-ext/) include.
 *
 * Part 1 — the Linux kernel's ring-buffer page and event encoding. pmtrace's
 * own data pages use exactly this encoding so that one page decoder
 * (ringbuf/page_decoder.c, behind lib/page_decode.h) reads both kernel
 * ftrace pages and ours.
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
 *	                (array[0] again excludes only the header word). Its
 *	                time_delta is NOT added to the running time stamp
 *	                (the kernel's rb_update_read_stamp()), so a writer that
 *	                discards an event first turns its first 8 bytes into a
 *	                time extend carrying the delta.
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

#ifdef __KERNEL__
#include <linux/types.h> /* the module build (ringbuf/kmod) */
#else
#include <stdint.h>
#endif

#define PMT_RB_TYPE_DATA_MAX	28u /* largest type_len that encodes a length */
#define PMT_RB_TYPE_PADDING	29u
#define PMT_RB_TYPE_TIME_EXTEND 30u
#define PMT_RB_TYPE_TIME_STAMP	31u

#define PMT_RB_TYPE_LEN_BITS 5u
#define PMT_RB_TS_SHIFT	     27u
#define PMT_RB_TS_DELTA_MASK ((1u << PMT_RB_TS_SHIFT) - 1)
#define PMT_RB_ALIGNMENT     4u
#define PMT_RB_EVNT_HDR_SIZE 4u
/* Largest payload a type_len-encoded event can hold (28 * 4 = 112 bytes). */
#define PMT_RB_MAX_SMALL_DATA (PMT_RB_TYPE_DATA_MAX * PMT_RB_ALIGNMENT)

#define PMT_RB_MISSED_EVENTS (1u << 31)
#define PMT_RB_MISSED_STORED (1u << 30)
#define PMT_RB_MISSED_FLAGS  (PMT_RB_MISSED_EVENTS | PMT_RB_MISSED_STORED)

/* Offsets in a data page for a target whose long is `word_size` bytes. */
#define PMT_RB_PAGE_TS_OFFSET		   0u
#define PMT_RB_PAGE_COMMIT_OFFSET	   8u
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
 * Part 2 — the pmtrace region (ABI 2.0): where pmtrace's own buffers live.
 *
 * A region is one self-describing block of memory: anonymous memory, a file,
 * shm, a DAX device, the kernel module's page-allocator pages (virtually
 * contiguous through vmap, physically in chunks) or a reserved physical
 * range. Everything in it is found from offset 0; there are no pointers, only
 * region offsets and page ids, so the same bytes mean the same thing in the
 * writer, in a read-only mapping, in a vmcore, after a reboot and under any
 * KASLR offset:
 *
 *   offset 0                 +--------------------------------------+
 *                            | struct pmt_region_hdr  (256 bytes)   |  \
 *   +256                     | u64 cpu_meta_off[nr_cpus]            |   | hdr_csum
 *   chunks_off               | struct pmt_region_chunk [nr_chunks]  |  /  covers these
 *   events_off               | event descriptions (events_size)     |  events_csum
 *   comms_off                | struct pmt_comm [nr_comms]           |  per entry
 *                            | zero up to a page boundary           |
 *   cpu_meta_off[0] -------> +--------------------------------------+
 *                            | struct pmt_cpu_meta    (192 bytes)   |
 *                            | u32 ring[nr_ring]  (at data_start)   |
 *                            | u8  page_state[nr_pages]             |
 *                            |              (at state_start)        |
 *                            | zero up to meta_page_size            |
 *   meta + pages_off ------> +--------------------------------------+
 *                            | data page id 0  (kernel format)      |
 *                            | ... nr_pages pages                   |
 *   cpu_meta_off[1] -------> +--------------------------------------+
 *                            | CPU 1's meta, then its pages ...     |
 *                            +--------------------------------------+
 *
 * All integers are in the writer's byte order (see `endian`). docs/format.md
 * is the byte-by-byte specification, validation order included.
 *
 * The static area [0, hdr_size) — header, CPU table, chunk table — and the
 * event descriptions are written once at creation, checksum last, and never
 * change. The comm table and the meta areas change while the writer runs.
 *
 * The magic: a region starts with the bytes "PMTRACE\x01", i.e. the
 * little-endian u64 0x0145434152544d50. A scanner that looks for regions in
 * a memory image must not find the constant in its own code or data, so
 * sources only contain the complement (PMT_REGION_MAGIC_NOT) and compute
 * ~PMT_REGION_MAGIC_NOT at run time (pmt_region_magic() in region.h).
 */
#define PMT_REGION_MAGIC_NOT	   0xfebabcbeadabb2afull /* ~"PMTRACE\x01" as LE u64 */
#define PMT_META_MAGIC_NOT	   0xb9b4aaabu		 /* ~0x464b5554 */
#define PMT_REGION_ABI_MAJOR	   2u
#define PMT_REGION_ABI_MINOR	   0u
#define PMT_REGION_ENDIAN	   0x01020304u /* reads 0x04030201 on a foreign-endian host */
#define PMT_REGION_MAX_CPUS	   4096u
#define PMT_REGION_MIN_PAGE	   4096u
#define PMT_REGION_MAX_PAGE	   65536u /* the writer's in-page offset is 16 bits */
#define PMT_REGION_HDR_FIXED	   256u	  /* struct pmt_region_hdr; cpu_meta_off[] follows */
#define PMT_REGION_MAX_CHUNKS	   65536u
#define PMT_REGION_MAX_EVENTS_SIZE (1u << 20) /* bytes of event descriptions */
#define PMT_REGION_MAX_COMMS	   65536u
#define PMT_NO_PHYS		   0xffffffffffffffffull /* "physical address unknown" */

/* pmt_region_hdr.flags */
#define PMT_REGION_F_OVERWRITE 0x1u /* flight-recorder mode: the oldest page is overwritten */
#define PMT_REGION_F_KERNEL    0x2u /* written by the kernel module pmtrace.ko */
#define PMT_REGION_F_ENTRIES   0x4u /* every event starts with struct pmt_entry (part 3) */

/* pmt_region_hdr.clock_id: the unit of every time stamp in the region */
#define PMT_CLOCK_MONO_NS  0u /* CLOCK_MONOTONIC nanoseconds */
#define PMT_CLOCK_TSC	   1u /* x86 time-stamp counter cycles */
#define PMT_CLOCK_LOCAL_NS 2u /* the kernel's local_clock() ns (ftrace "local"); restarts at boot \
			       */
#define PMT_CLOCK_MAX PMT_CLOCK_LOCAL_NS

struct pmt_region_hdr {
	uint64_t magic;	      /* +0   ~PMT_REGION_MAGIC_NOT */
	uint16_t abi_major;   /* +8   incompatible changes bump this (2) */
	uint16_t abi_minor;   /* +10  compatible additions bump this (0) */
	uint32_t endian;      /* +12  PMT_REGION_ENDIAN in the writer's byte order */
	uint32_t word_size;   /* +16  sizeof(long) of the writer: 8 */
	uint32_t page_size;   /* +20  bytes per data page (also the meta granule) */
	uint32_t nr_cpus;     /* +24  number of per-CPU buffers */
	uint32_t flags;	      /* +28  PMT_REGION_F_* */
	uint64_t total_size;  /* +32  bytes of the whole region */
	uint32_t hdr_size;    /* +40  bytes covered by hdr_csum: 256 + 8 nr_cpus + 16 nr_chunks */
	uint32_t clock_id;    /* +44  PMT_CLOCK_* */
	uint64_t create_time; /* +48  CLOCK_REALTIME ns at creation */
	uint64_t hdr_csum;    /* +56  FNV-1a 64 of [0, hdr_size) with this field zero */
	uint32_t nr_chunks;   /* +64  entries of the chunk table; 0: physical layout unknown */
	uint32_t chunks_off;  /* +68  region offset of the chunk table: 256 + 8 nr_cpus */
	uint32_t events_off;  /* +72  region offset of the event descriptions; 0: none */
	uint32_t events_size; /* +76  bytes of them */
	uint64_t events_csum; /* +80  FNV-1a 64 of [events_off, events_off + events_size) */
	uint32_t comms_off;   /* +88  region offset of the comm table; 0: none */
	uint32_t nr_comms;    /* +92  entries of the comm table, a power of two */
	uint64_t boot_seq;    /* +96  1 in a fresh range, previous region's + 1 after a reboot */
	uint8_t boot_id[16];  /* +104 the boot's id (Linux /proc/sys/kernel/random/boot_id) */
	uint64_t phys_addr;   /* +120 physical address of byte 0, PMT_NO_PHYS if unknown */
	char release[64];     /* +128 writer's kernel release (uname -r), NUL-terminated */
	char writer[32];      /* +192 writer and version, e.g. "pmtrace.ko 0.2.0", NUL-terminated */
	char label[32]; /* +224 memory source: "pages", "memmap", "reserve_mem:<label>", ... */
			/* +256: uint64_t cpu_meta_off[nr_cpus]: region offset of each CPU's meta */
			/* chunks_off: struct pmt_region_chunk chunks[nr_chunks] */
};

/*
 * The physical layout: chunk i holds region bytes [sum of len[0..i-1], + len)
 * at physical address phys. The chunks cover the region exactly, in order;
 * each len is a multiple of page_size; chunk 0 starts at phys_addr and holds
 * at least the whole static area, the event descriptions and the comm table
 * (everything before cpu_meta_off[0]), so a scanner that finds the header in
 * physical memory can read the table and reassemble the region.
 */
struct pmt_region_chunk {
	uint64_t phys; /* +0 physical address */
	uint64_t len;  /* +8 bytes */
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
	uint64_t reader_read;	 /* +96  bytes of the reader page's data already consumed */
	uint64_t seq;		 /* +104 even: stable; odd: being updated (seqcount) */
	uint64_t pages_off;	 /* +112 meta offset of data page id 0 */
	uint64_t seq_next;	 /* +120 next pmt_entry.seq this CPU hands out (part 3) */
	uint32_t tail_read_id;	 /* +128 ring page being consumed in place, or PMT_NO_PAGE */
	uint32_t tail_read_off;	 /* +132 bytes of its data already consumed */
	uint64_t page_allocs;	 /* +136 pages the spare pool had to take fresh */
	uint64_t reserved[6];	 /* +144 zero */
};

/* ====================================================================
 * Part 3 — pmtrace events: what a region with PMT_REGION_F_ENTRIES holds.
 *
 * Every event payload starts with this 16-byte common header, the
 * counterpart of the kernel's struct trace_entry (its first four fields are
 * laid out exactly like it), plus a per-CPU sequence number and a checksum:
 */
struct pmt_entry {
	uint16_t type;	       /* +0  event id (pmt_event_rec.id; "common_type") */
	uint8_t flags;	       /* +2  PMT_EF_* ("common_flags") */
	uint8_t preempt_count; /* +3  bits 0-3 preempt depth, 4-7 migrate-disable depth */
	int32_t pid;	       /* +4  "common_pid" */
	uint32_t seq;	       /* +8  per-CPU sequence number (low 32 bits of meta seq_next) */
	uint32_t csum;	       /* +12 pmt_entry_csum() of the whole payload */
};

/* pmt_entry.flags: the kernel's TRACE_FLAG_* values (6.13+ numbering) */
#define PMT_EF_IRQS_OFF		 0x01u
#define PMT_EF_NEED_RESCHED_LAZY 0x02u
#define PMT_EF_NEED_RESCHED	 0x04u
#define PMT_EF_HARDIRQ		 0x08u
#define PMT_EF_SOFTIRQ		 0x10u
#define PMT_EF_PREEMPT_RESCHED	 0x20u
#define PMT_EF_NMI		 0x40u
#define PMT_EF_BH_OFF		 0x80u

/*
 * The event checksum: over the payload as the ring holds it (`len` bytes, a
 * multiple of 4; a writer zeroes the padding it rounds up to), read as
 * little-endian u32 words, with the csum field (bytes 12..15) taken as 0:
 *	h = 0x811c9dc5; for each word w: h = (h ^ w) * 0x01000193
 * A torn event (a reset between reserve and commit cannot produce one: the
 * commit word only covers finished events, but a page partly overwritten by
 * something else can) fails it.
 */
static inline uint32_t pmt_entry_csum(const void *payload, uint32_t len)
{
	const unsigned char *p = (const unsigned char *)payload;
	uint32_t h = 0x811c9dc5u, i;

	for (i = 0; i + 4 <= len; i += 4) {
		uint32_t w = i == 12 ? 0
				     : (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 |
					       (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24;

		h = (h ^ w) * 0x01000193u;
	}
	return h;
}

/*
 * The comm table (pid -> comm, like the kernel's saved_cmdlines), nr_comms
 * entries at comms_off. The entry of pid p is slot p & (nr_comms - 1); a slot
 * holds the last pid that used it. A writer sets `check` to 0, writes pid and
 * comm, then stores check = pmt_comm_check(pid, comm) last, so a reader takes
 * an entry only when its check matches (otherwise the pid prints as "<...>").
 */
struct pmt_comm {
	uint32_t pid;	/* +0 */
	uint32_t check; /* +4  pmt_comm_check(); 0: empty or being written */
	char comm[16];	/* +8  NUL-padded (no NUL when 16 characters long) */
	uint64_t ts;	/* +24 time stamp (region clock) when the entry was written */
};

/* FNV-1a 32 over the pid (4 bytes little-endian) and the 16 comm bytes, | 1. */
static inline uint32_t pmt_comm_check(uint32_t pid, const char comm[16])
{
	uint32_t h = 0x811c9dc5u, i;

	for (i = 0; i < 4; i++)
		h = (h ^ ((pid >> (8 * i)) & 0xffu)) * 0x01000193u;
	for (i = 0; i < 16; i++)
		h = (h ^ (unsigned char)comm[i]) * 0x01000193u;
	return h | 1u;
}

/*
 * The event descriptions at events_off: a struct pmt_events_area, then
 * nr_events records, each a struct pmt_event_rec followed by the system
 * name (sys_len bytes) and the event's format text (fmt_len bytes), neither
 * NUL-terminated, the record zero-padded to a multiple of 8 bytes. The
 * format text is exactly what tracefs shows in events/<sys>/<name>/format
 * ("name: ...\nID: ...\nformat:\n\tfield:...;\n\nprint fmt: ...\n"), so a
 * reader hands it to libtraceevent's tep_parse_format() as it is.
 */
#define PMT_EVENTS_MAGIC 0x56454d50u /* "PMEV" as LE u32 */

struct pmt_events_area {
	uint32_t magic;	    /* +0 PMT_EVENTS_MAGIC */
	uint32_t nr_events; /* +4 */
};

struct pmt_event_rec {
	uint16_t id;	  /* +0 the event's ID (pmt_entry.type) */
	uint16_t sys_len; /* +2 bytes of the system name */
	uint32_t fmt_len; /* +4 bytes of the format text */
			  /* +8: char system[sys_len]; char format[fmt_len]; zero padding to 8 */
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
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, nr_chunks) == 64, "nr_chunks");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, chunks_off) == 68, "chunks_off");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, events_off) == 72, "events_off");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, events_size) == 76, "events_size");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, events_csum) == 80, "events_csum");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, comms_off) == 88, "comms_off");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, nr_comms) == 92, "nr_comms");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, boot_seq) == 96, "boot_seq");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, boot_id) == 104, "boot_id");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, phys_addr) == 120, "phys_addr");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, release) == 128, "release");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, writer) == 192, "writer");
_Static_assert(__builtin_offsetof(struct pmt_region_hdr, label) == 224, "label");
_Static_assert(sizeof(struct pmt_region_chunk) == 16, "chunk size");

_Static_assert(sizeof(struct pmt_cpu_meta) == 192, "cpu meta size");
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
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, seq_next) == 120, "seq_next");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, tail_read_id) == 128, "tail_read_id");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, tail_read_off) == 132, "tail_read_off");
_Static_assert(__builtin_offsetof(struct pmt_cpu_meta, page_allocs) == 136, "page_allocs");

_Static_assert(sizeof(struct pmt_entry) == 16, "entry header size");
_Static_assert(sizeof(struct pmt_comm) == 32, "comm entry size");
_Static_assert(sizeof(struct pmt_events_area) == 8, "events area header");
_Static_assert(sizeof(struct pmt_event_rec) == 8, "event record header");

/* The kernel's struct buffer_data_page for a writer whose long is 8 bytes. */
struct pmt_rb_data_page64 {
	uint64_t time_stamp;  /* +0 time of the page's first event */
	uint64_t commit;      /* +8 low 32 bits: data length | MISSED flags; high 32 bits 0 */
	unsigned char data[]; /* +16 events */
};
_Static_assert(sizeof(struct pmt_rb_data_page64) == PMT_RB_PAGE_DATA_OFFSET(8), "page64 header");
_Static_assert(__builtin_offsetof(struct pmt_rb_data_page64, commit) == PMT_RB_PAGE_COMMIT_OFFSET,
	       "page64 commit");

#endif

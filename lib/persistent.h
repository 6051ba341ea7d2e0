/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Linux's persistent ("boot-mapped") ring buffers, 6.12+.
 *
 * `memmap=SIZE$ADDR trace_instance=NAME@ADDR:SIZE` (or `reserve_mem=` and
 * `trace_instance=NAME@LABEL`) puts an ftrace instance's ring buffer in a
 * reserved physical range that survives a warm reboot. The range describes
 * itself; the layouts the kernel has used (all chosen here by what the type
 * source says exists, never by version number):
 *
 *   per-CPU meta (6.12 .. 6.14)      split meta (6.15+)
 *   +---------------------------+    +-------------------------------------+
 *   | ring_buffer_meta (CPU 0)  |    | ring_buffer_meta: magic, struct_sizes|
 *   |  magic 0xBADFEED,         |    |  total_size, buffers_offset          |
 *   |  struct_size,             |    | trace_scratch (the tracer's): clock, |
 *   |  text_addr/data_addr (6.12)|   |  text_addr (or kaslr_addr),          |
 *   |  or kaslr_addr,           |    |  nr_entries, modules[] {addr, name}  |
 *   |  first/head/commit_buffer,|    +-------------------------------------+
 *   |  subbuf_size, nr_subbufs, |    | ring_buffer_cpu_meta (CPU 0):        |
 *   |  buffers[nr_subbufs]      |    |  [kaslr_addr], first/head/commit_buf,|
 *   | sub-buffers (aligned)     |    |  subbuf_size, nr_subbufs,            |
 *   +---------------------------+    |  [nr_invalid, entry_bytes],buffers[] |
 *   | ring_buffer_meta (CPU 1)  |    | sub-buffers (aligned)                |
 *   | ...                       |    +-------------------------------------+
 *                                    | ring_buffer_cpu_meta (CPU 1) ...     |
 *
 * Each CPU's chunk is its meta, its buffers[] (sub-buffer order: [0] is the
 * reader page, [1..] the ring in list order), then nr_subbufs sub-buffers
 * aligned to the sub-buffer size; chunk 0 starts where the meta says, the
 * others are sub-buffer aligned and all the same size. head_buffer,
 * commit_buffer and first_buffer are virtual addresses of the kernel that
 * last initialised or validated the range (a reboot rebases them), so only
 * their differences are used. Unread data is the reader page, then the ring
 * from the head page to the commit page.
 *
 * Two readers share this description:
 *   - in a vmcore the kernel already rebuilt the instance (its buffer pages
 *     point into the range, walked by ftrace_walk.c); persist_read_instance()
 *     marks it, reads the range's meta to validate it and to learn the
 *     previous boot's text address, clock and modules;
 *   - a raw image of the range (pmemsave, /dev/mem, cut from a memory image)
 *     is read by pmt_trace_load_range() (trace.h) from the meta alone.
 *
 * Printing the previous boot as it printed itself: addresses it recorded are
 * moved to the reading view (persist_addr(): the kernel's
 * trace_adjust_address(): text delta, or a module's own delta), and task
 * names come from the events themselves (persist_comm(): the last comm each
 * pid carries in sched_switch/wakeup/fork/exit/... fields), never from the
 * current boot's saved cmdlines, which name other tasks.
 */
#ifndef PMTRACE_LIB_PERSISTENT_H
#define PMTRACE_LIB_PERSISTENT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ftrace_layout.h"
#include "pmtrace/target.h"

struct pmt_trace;
struct trace_buf;

/* The magic of struct ring_buffer_meta (RING_BUFFER_META_MAGIC, a #define
 * no debuginfo carries; unchanged since 6.12). */
#define PERSIST_META_MAGIC 0xBADFEEDu

/* What the type source says about persistent ring buffers; every part is
 * optional (absent members stay !ok). */
struct persist_layout {
	/* struct ring_buffer_meta */
	struct fl_struct meta;
	struct fl_field m_magic, m_struct_size, m_struct_sizes, m_text_addr, m_data_addr,
		m_kaslr_addr, m_first_buffer, m_head_buffer, m_commit_buffer, m_subbuf_size,
		m_nr_subbufs, m_buffers, m_total_size, m_buffers_offset;
	/* struct ring_buffer_cpu_meta (split layout) */
	struct fl_struct cmeta;
	struct fl_field c_kaslr_addr, c_first_buffer, c_head_buffer, c_commit_buffer, c_subbuf_size,
		c_nr_subbufs, c_nr_invalid, c_entry_bytes, c_buffers;
	/* struct trace_scratch, struct trace_mod_entry */
	struct fl_struct scratch, mod_entry;
	struct fl_field s_clock_id, s_text_addr, s_kaslr_addr, s_nr_entries, s_entries, e_mod_addr,
		e_mod_name;
	/* struct trace_array */
	struct fl_field ta_range_addr_start, ta_range_addr_size, ta_range_name, ta_text_delta,
		ta_data_delta, ta_kaslr_addr, ta_flags, ta_scratch, ta_scratch_size,
		ta_module_delta;
	/* struct trace_module_delta */
	struct fl_field md_delta;
	/* enum TRACE_ARRAY_FL_* (0: this kernel has no such flag) */
	uint64_t fl_boot, fl_last_boot, fl_memmap, fl_vmalloc, fl_rdonly;
	/* symbols (run-time addresses): what 6.12's text_addr/data_addr record */
	struct fl_sym sym_rb_text, sym_rb_data, sym_saved_command_line;
	/* the layout in use, derived from the above */
	enum persist_kind {
		PERSIST_NONE = 0,  /* no persistent ring buffers in this kernel */
		PERSIST_CPU_META,  /* one ring_buffer_meta per CPU */
		PERSIST_SPLIT_META /* ring_buffer_meta + scratch + ring_buffer_cpu_meta per CPU */
	} kind;
	/* the offsets below came from the region's built-in description, not
	 * from a type source (raw images without debuginfo) */
	bool builtin;
};

/* Ask the type source (never memory); a kernel without the feature is not
 * an error. */
void persist_layout_resolve(struct pmt_target *t, struct persist_layout *PL);
/*
 * Without any type source: the layouts as the kernel's C definitions give
 * them, for one word size. `kind` CPU_META or SPLIT_META; `variant` selects
 * the members: for CPU_META 0 = text_addr/data_addr (6.12), 1 = kaslr_addr;
 * for SPLIT_META 0 = no kaslr_addr, no nr_invalid; 1 = kaslr_addr in the CPU
 * meta; 2 = nr_invalid/entry_bytes (CONFIG_RING_BUFFER_PERSISTENT_INJECT).
 * Used to recognise raw images and to build synthetic ones (tests).
 */
void persist_layout_builtin(struct persist_layout *PL, enum persist_kind kind, int variant,
			    unsigned int word_size);

enum persist_boot {
	PERSIST_BOOT_CURRENT = 0, /* written by the kernel that is read */
	PERSIST_BOOT_PREVIOUS,	  /* a previous boot's data, not yet cleared */
};

struct persist_module {
	char name[64];
	uint64_t prev_addr; /* text base in the previous boot */
	uint64_t cur_addr;  /* where the reading view has it, 0 if not loaded */
};

/* The verdict on one unread sub-buffer (rb_read_data_buffer()'s checks). */
enum persist_subbuf {
	SB_OK = 0,
	SB_DISCARDED,  /* the kernel that read the range found it invalid and emptied it */
	SB_UNREADABLE, /* not in the image (a truncated one) */
	SB_BAD_HEADER, /* commit beyond the sub-buffer: skipped */
	SB_BAD_EVENTS, /* events stop decoding before the commit: the valid ones kept */
};

/* One CPU of a validated range. */
struct persist_cpu {
	int cpu;
	bool valid;	       /* meta consistent; order[] usable */
	uint64_t meta_off;     /* offset of the CPU's meta in the range */
	uint64_t subbufs_off;  /* offset of sub-buffer slot 0 */
	uint64_t first_buffer; /* the meta's first_buffer: slot 0 as its kernel mapped it */
	uint32_t nr_subbufs, subbuf_size;
	int32_t *order;		  /* buffers[]: [0] reader, [1..] ring positions -> slot */
	int head_pos, commit_pos; /* positions in order[] (0 = the reader page) */
	uint64_t invalid_subbufs; /* sub-buffers that fail validation (or were
				   * discarded by the kernel that read the range) */
	uint32_t nr_invalid;	  /* the meta's own count (PERSISTENT_INJECT), 0 if none */
	/* the unread sub-buffers: positions in reading order, each one's verdict
	 * (enum persist_subbuf) and data events; entries = their sum */
	int *read_order;
	size_t nread;
	uint8_t *state;
	uint64_t *events;
	uint64_t entries;
};

/*
 * What is known about one boot-mapped buffer: struct trace_buf.persist.
 * Documented for writers (trace.dat's LAST_BOOT_INFO: persist_last_boot_info()).
 */
struct persist_info {
	/* the range */
	uint64_t range_addr; /* as the reading view maps it (vmcore: the kernel's
			      * virtual address; raw image: its physical address) */
	uint64_t range_size;
	uint64_t range_phys; /* physical address, when known (have_phys) */
	bool have_phys;
	char *range_name;   /* reserve_mem label, NULL if none */
	const char *layout; /* "per-CPU ring_buffer_meta", ... */
	/* whose data */
	enum persist_boot boot;
	bool boot_undecidable; /* 6.12 with a zero text delta: a previous boot
				* with the same KASLR base cannot be told apart */
	bool backup;	       /* read-only copy (trace_instance=NAME=ORIGINAL) */
	bool recovered;	       /* the kernel's trace_array could not be read: the
				* range was found by the command line and read
				* from physical memory */
	/* the previous boot's addresses */
	bool have_text_delta;
	int64_t text_delta; /* add to the previous boot's text addresses (kernel's tr->text_delta)
			     */
	bool have_data_delta;
	int64_t data_delta;
	bool have_prev_kaslr;
	uint64_t prev_kaslr; /* the previous boot's KASLR offset */
	bool have_prev_text;
	uint64_t prev_text; /* the address the range recorded ... */
	const char
		*prev_text_of; /* ... of this: "_text", "rb_meta_init_text_addr", "kaslr_offset" */
	/* clock */
	bool clock_recorded; /* the range says which clock (trace_scratch) */
	int clock_id;
	char *clock; /* its name, NULL if unknown */
	/* modules the previous boot had loaded (trace_scratch), sorted by address */
	struct persist_module *mods;
	size_t nmods;
	/* the region */
	bool region_read;     /* the meta could be read and parsed */
	bool region_valid;    /* every CPU's meta validated */
	bool pages_by_walker; /* a vmcore's instance: its pages come from the kernel's list */
	bool skip_subbufs;    /* the sub-buffers were not validated (current data) */
	int nr_cpus;	      /* CPU chunks found */
	struct persist_cpu *cpus;
	uint64_t invalid_subbufs;
	/* task names from the events (persist_comm()), built on first use */
	struct persist_comms *comms;
};

void persist_info_free(struct persist_info *pi);

struct pmt_page_format;
/* The page format of a range's sub-buffers (types, else buffer_data_page's definition). */
void persist_page_format(const struct pmt_trace *tr, const struct pmt_target *t,
			 uint32_t subbuf_size, struct pmt_page_format *fmt);
/*
 * Parse and validate the range [base, base + size) read through t, with
 * layout PL, into pi (diagnostics on buffer b). Used by both readers.
 */
void persist_parse_range(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
			 struct pmt_target *t, uint64_t base, uint64_t size,
			 struct persist_info *pi);

/*
 * Called by the walker for each trace_array (its struct copied in `ta`):
 * fills b->persist when the buffer is boot-mapped, diagnoses problems of
 * the range. No-op on kernels without the feature.
 */
void persist_read_instance(struct pmt_trace *tr, struct trace_buf *b, const uint8_t *ta);

/* An address recorded by buffer b's writer, as the reading view has it
 * (the kernel's trace_adjust_address()); addr itself for current data. */
uint64_t persist_addr(const struct pmt_trace *tr, const struct trace_buf *b, uint64_t addr);
/* Task name for pid in buffer b from the events themselves; NULL when b
 * holds current data (use the saved cmdlines). Never NULL otherwise:
 * "<idle>" for 0, "<...>" when no event names the pid. */
const char *persist_comm(struct pmt_trace *tr, struct trace_buf *b, int pid);
/* The text of tracefs last_boot_info as the kernel that wrote b prints it
 * (malloc'd; NULL when b is not boot-mapped). */
char *persist_last_boot_info(const struct pmt_trace *tr, const struct trace_buf *b);

/* info output: a few lines about b (text) or one JSON record. */
void persist_write_info_text(const struct pmt_trace *tr, const struct trace_buf *b, FILE *out);
void persist_write_info_json(const struct pmt_trace *tr, const struct trace_buf *b, FILE *out);

/* Ask every type question the readers may ask (for type profiles). */
void persist_resolve_types(struct pmt_target *t);

/*
 * Fill buffer b (a new one) from the range [phys, phys + size) read through
 * rt: validate, set b->persist (a previous boot's by default) and the CPU
 * streams; the previous boot's text delta is relative to rt's KASLR offset.
 */
void persist_range_fill(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
			struct pmt_target *rt, uint64_t phys, uint64_t size);

/* Load hooks (trace.c): resolve the layout before the walk; after it, name
 * the recorded clock and find the previous boot's modules; free. */
void persist_attach(struct pmt_trace *tr);
void persist_finish(struct pmt_trace *tr);
void persist_detach(struct pmt_trace *tr);
const struct persist_layout *persist_layout_of(const struct pmt_trace *tr);
void persist_set_layout(struct pmt_trace *tr, const struct persist_layout *PL);

#endif

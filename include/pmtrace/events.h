/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pmtrace events: descriptions in the kernel's events/<sys>/<name>/format
 * syntax, the events of the kernel module (pmt_std_events), and the text
 * format of `trace` (docs/format.md "Events" and "Text").
 *
 * A description names the fields after the 16-byte struct pmt_entry and a
 * print format restricted to what libtraceevent prints exactly like printf:
 * conversions %d %i %u %x %s (and %%), with the flags '-' and '0', a width,
 * and the length modifiers h, hh, l, ll; arguments REC->field or
 * __get_str(field). pmt_event_desc_check() enforces it.
 *
 * Everything here works into caller buffers (snprintf semantics: the return
 * value is the length the full output needs) and allocates nothing, so the
 * kernel module uses the same code for its trace files.
 */
#ifndef PMTRACE_EVENTS_H
#define PMTRACE_EVENTS_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "pmtrace/layout.h"

enum pmt_field_kind {
	PMT_FIELD_INT = 0,     /* integer of size 1, 2, 4 or 8 */
	PMT_FIELD_STR = 1,     /* char array, NUL-padded */
	PMT_FIELD_DATALOC = 2, /* __data_loc char[]: u32 (len << 16 | offset) */
};

struct pmt_field_desc {
	const char *decl; /* as in the format file: "char prev_comm[16]", "__data_loc char[] buf" */
	const char *name; /* "prev_comm" */
	uint16_t offset;  /* from the start of the payload (the pmt_entry) */
	uint16_t size;
	uint8_t is_signed;
	uint8_t kind; /* enum pmt_field_kind */
};

struct pmt_event_desc {
	uint16_t id;
	const char *system;
	const char *name;
	const struct pmt_field_desc *fields; /* after the common ones */
	uint32_t nr_fields;
	const char *print_fmt; /* what follows "print fmt: " */
	uint32_t size;	       /* payload bytes of the fixed part (header included) */
};

/* ---- the kernel module's events (system "pmtrace") ---- */
enum {
	PMT_EV_SCHED_SWITCH = 1,
	PMT_EV_SCHED_WAKEUP = 2,
	PMT_EV_IRQ_ENTRY = 3,
	PMT_EV_IRQ_EXIT = 4,
	PMT_EV_MARKER = 5,
	PMT_EV_NR_STD = 5,
};

#define PMT_MARKER_MAX 1024 /* bytes of text of one marker event */

struct pmt_ev_sched_switch {
	struct pmt_entry ent;
	char prev_comm[16];
	int32_t prev_pid;
	int32_t prev_prio;
	char prev_state[4];
	char next_comm[16];
	int32_t next_pid;
	int32_t next_prio;
};

struct pmt_ev_sched_wakeup {
	struct pmt_entry ent;
	char comm[16];
	int32_t pid;
	int32_t prio;
	int32_t target_cpu;
};

struct pmt_ev_irq_entry {
	struct pmt_entry ent;
	int32_t irq;
	char name[32];
};

struct pmt_ev_irq_exit {
	struct pmt_entry ent;
	int32_t irq;
	int32_t ret;
};

struct pmt_ev_marker {
	struct pmt_entry ent;
	uint32_t buf; /* __data_loc: (length incl. NUL) << 16 | 20 */
	char text[];
};

_Static_assert(sizeof(struct pmt_ev_sched_switch) == 68, "sched_switch");
_Static_assert(sizeof(struct pmt_ev_sched_wakeup) == 44, "sched_wakeup");
_Static_assert(sizeof(struct pmt_ev_irq_entry) == 52, "irq_handler_entry");
_Static_assert(sizeof(struct pmt_ev_irq_exit) == 24, "irq_handler_exit");
_Static_assert(sizeof(struct pmt_ev_marker) == 20, "marker");

/* Indexed by id - 1. */
extern const struct pmt_event_desc pmt_std_events[PMT_EV_NR_STD];

/* NULL when d is well formed, else a static reason. */
const char *pmt_event_desc_check(const struct pmt_event_desc *d);

/* The format text of one event (tracefs events/<sys>/<name>/format). */
int pmt_event_format(const struct pmt_event_desc *d, char *buf, size_t size);

/* Bytes of the event-description area for these events (layout.h part 3). */
uint32_t pmt_events_area_size(const struct pmt_event_desc *d, uint32_t n);
/* Write it into dst (pmt_events_area_size() bytes). */
void pmt_events_area_write(void *dst, const struct pmt_event_desc *d, uint32_t n);

/* The print format's output for one payload (`len` bytes), no newline. */
int pmt_event_print(const struct pmt_event_desc *d, const void *payload, uint32_t len, char *buf,
		    size_t size);

/* ---- the text format ---- */

/* The `trace` header (docs/format.md "Text"). */
int pmt_text_header(char *buf, size_t size, uint64_t entries, uint64_t written, uint32_t nr_cpus);
/* The five latency-format characters of an entry, NUL-terminated. */
void pmt_text_flags(const struct pmt_entry *e, char out[6]);
/*
 * One whole line for an event: prefix, name, ": ", print output, "\n".
 * d may be NULL (no description: "Unknown type N"). comm is the name of
 * the event's pid (see pmt_region_comm_name()).
 */
int pmt_text_line(char *buf, size_t size, const struct pmt_event_desc *d, const char *comm,
		  uint32_t cpu, uint64_t ts, uint32_t clock_id, const void *payload, uint32_t len);

/* The description of event id, NULL when unknown. */
const struct pmt_event_desc *pmt_text_event(const struct pmt_event_desc *d, uint32_t n,
					    uint32_t id);

/*
 * Print a region from its bytes alone, as the module prints `trace`
 * (header + unread events; cpu = UINT32_MAX for all CPUs, else that CPU's
 * per_cpu trace) using the descriptions `d` (pmt_std_events for the
 * module's regions). out() receives the text in pieces. Returns the
 * number of lines, or -1 when the region's header is invalid.
 */
long pmt_region_text(const void *mem, size_t len, uint32_t cpu, bool header,
		     const struct pmt_event_desc *d, uint32_t n,
		     void (*out)(void *arg, const char *text, size_t len), void *arg);

#endif

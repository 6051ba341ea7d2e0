// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel module's events (system "pmtrace", docs/format.md "Events"):
 * the one table from which the module builds its records' descriptions in
 * the region and prints `trace`, and with which the userspace library
 * writes the same regions for the reader side's tests. The field offsets
 * are those of the structs in include/pmtrace/events.h (static_asserts
 * below keep them in step).
 */
#include "platform.h"

#include "pmtrace/events.h"

#define OFF(type, member) ((uint16_t) __builtin_offsetof(type, member))
#define FSZ(type, member) ((uint16_t)sizeof(((type *)0)->member))
#define STR(type, decl, member)                                                       \
	{                                                                             \
		decl, #member, OFF(type, member), FSZ(type, member), 0, PMT_FIELD_STR \
	}
#define INT(type, decl, member)                                                       \
	{                                                                             \
		decl, #member, OFF(type, member), FSZ(type, member), 1, PMT_FIELD_INT \
	}

static const struct pmt_field_desc sched_switch_fields[] = {
	STR(struct pmt_ev_sched_switch, "char prev_comm[16]", prev_comm),
	INT(struct pmt_ev_sched_switch, "pid_t prev_pid", prev_pid),
	INT(struct pmt_ev_sched_switch, "int prev_prio", prev_prio),
	STR(struct pmt_ev_sched_switch, "char prev_state[4]", prev_state),
	STR(struct pmt_ev_sched_switch, "char next_comm[16]", next_comm),
	INT(struct pmt_ev_sched_switch, "pid_t next_pid", next_pid),
	INT(struct pmt_ev_sched_switch, "int next_prio", next_prio),
};

static const struct pmt_field_desc sched_wakeup_fields[] = {
	STR(struct pmt_ev_sched_wakeup, "char comm[16]", comm),
	INT(struct pmt_ev_sched_wakeup, "pid_t pid", pid),
	INT(struct pmt_ev_sched_wakeup, "int prio", prio),
	INT(struct pmt_ev_sched_wakeup, "int target_cpu", target_cpu),
};

static const struct pmt_field_desc irq_entry_fields[] = {
	INT(struct pmt_ev_irq_entry, "int irq", irq),
	STR(struct pmt_ev_irq_entry, "char name[32]", name),
};

static const struct pmt_field_desc irq_exit_fields[] = {
	INT(struct pmt_ev_irq_exit, "int irq", irq),
	INT(struct pmt_ev_irq_exit, "int ret", ret),
};

static const struct pmt_field_desc marker_fields[] = {
	{ "__data_loc char[] buf", "buf", OFF(struct pmt_ev_marker, buf), 4, 0, PMT_FIELD_DATALOC },
};

const struct pmt_event_desc pmt_std_events[PMT_EV_NR_STD] = {
	{ PMT_EV_SCHED_SWITCH, "pmtrace", "sched_switch", sched_switch_fields,
	  PMT_ARRAY_SIZE(sched_switch_fields),
	  "\"prev_comm=%s prev_pid=%d prev_prio=%d prev_state=%s ==> next_comm=%s next_pid=%d "
	  "next_prio=%d\", REC->prev_comm, REC->prev_pid, REC->prev_prio, REC->prev_state, "
	  "REC->next_comm, REC->next_pid, REC->next_prio",
	  sizeof(struct pmt_ev_sched_switch) },
	{ PMT_EV_SCHED_WAKEUP, "pmtrace", "sched_wakeup", sched_wakeup_fields,
	  PMT_ARRAY_SIZE(sched_wakeup_fields),
	  "\"comm=%s pid=%d prio=%d target_cpu=%03d\", REC->comm, REC->pid, REC->prio, "
	  "REC->target_cpu",
	  sizeof(struct pmt_ev_sched_wakeup) },
	{ PMT_EV_IRQ_ENTRY, "pmtrace", "irq_handler_entry", irq_entry_fields,
	  PMT_ARRAY_SIZE(irq_entry_fields), "\"irq=%d name=%s\", REC->irq, REC->name",
	  sizeof(struct pmt_ev_irq_entry) },
	{ PMT_EV_IRQ_EXIT, "pmtrace", "irq_handler_exit", irq_exit_fields,
	  PMT_ARRAY_SIZE(irq_exit_fields), "\"irq=%d ret=%d\", REC->irq, REC->ret",
	  sizeof(struct pmt_ev_irq_exit) },
	{ PMT_EV_MARKER, "pmtrace", "marker", marker_fields, PMT_ARRAY_SIZE(marker_fields),
	  "\"%s\", __get_str(buf)", sizeof(struct pmt_ev_marker) },
};

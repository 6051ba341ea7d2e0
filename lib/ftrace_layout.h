/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel structure layouts the ftrace walker needs, resolved once from
 * the target (DWARF, a profile or crash's type tables) before any memory is
 * read. Nothing here is hard-coded: each offset and size comes from the
 * target, and renames across kernel versions are handled by asking for the
 * alternatives (e.g. the ring buffer is `struct trace_buffer` since 5.6 and
 * `struct ring_buffer` before; the trace array reaches it through
 * `array_buffer` or `trace_buffer`).
 *
 * A member a kernel does not have is recorded as absent (ok == false); the
 * walker checks `ok` before using optional members. Required members that
 * are absent make the load fail with a message naming them.
 */
#ifndef PMTRACE_FTRACE_LAYOUT_H
#define PMTRACE_FTRACE_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "pmtrace/target.h"

struct fl_field {
	bool ok;
	struct pmt_member m;
};

struct fl_struct {
	bool ok;
	uint64_t size;
};

struct fl_sym {
	bool ok;
	uint64_t addr;
};

struct ftrace_layout {
	/* struct list_head */
	struct fl_field lh_next, lh_prev;

	/* struct trace_array */
	struct fl_struct ta;
	struct fl_field ta_list, ta_name, ta_buffer, ta_current_trace, ta_trace_flags, ta_clock_id;
	/* struct tracer */
	struct fl_field tracer_name;

	/* the ring buffer: struct trace_buffer (5.6+) or struct ring_buffer */
	const char *rb_type;
	struct fl_struct rb;
	struct fl_field rb_cpus, rb_buffers, rb_subbuf_size, rb_subbuf_order;

	/* struct ring_buffer_per_cpu */
	struct fl_struct rbc;
	struct fl_field rbc_cpu, rbc_nr_pages, rbc_pages, rbc_head_page, rbc_tail_page,
		rbc_commit_page, rbc_reader_page, rbc_entries, rbc_overrun, rbc_read,
		rbc_commit_overrun, rbc_dropped_events, rbc_lost_events;

	/* struct buffer_page */
	struct fl_struct bp;
	struct fl_field bp_list, bp_write, bp_read, bp_entries, bp_real_end, bp_page, bp_order;

	/* struct buffer_data_page */
	struct fl_field bdp_time_stamp, bdp_commit, bdp_data;

	/* events: struct trace_event_call, trace_event_class, ftrace_event_field */
	struct fl_field call_list, call_class, call_name, call_tp, call_type, call_print_fmt,
		call_flags, call_data;
	struct fl_field class_system, class_fields, class_get_fields, class_probe;
	struct fl_field field_link, field_name, field_type, field_offset, field_size,
		field_is_signed, field_len;
	struct fl_field tp_name;
	int64_t flag_tracepoint; /* TRACE_EVENT_FL_TRACEPOINT, -1 if unknown */

	/* enum trace_flag_type (common_flags bits); 0 when this kernel lacks one */
	uint64_t tf_irqs_off, tf_irqs_nosupport, tf_need_resched, tf_need_resched_lazy,
		tf_hardirq, tf_softirq, tf_preempt_resched, tf_nmi, tf_bh_off;
	/* TRACE_ITER_HASH_PTR (the hash-ptr option, 5.12+); 0: %p prints raw */
	uint64_t iter_hash_ptr;
	/* TRACE_ITER_ANNOTATE: "##### CPU n buffer started ####" lines */
	uint64_t iter_annotate;

	/* syscalls: struct syscall_metadata */
	struct fl_field sm_name, sm_nb_args, sm_args, sm_types, sm_enter_fields, sm_exit_fields,
		sm_enter_event, sm_exit_event;

	/* saved cmdlines: struct saved_cmdlines_buffer */
	struct fl_field sc_map_pid_to_cmdline, sc_map_cmdline_to_pid, sc_cmdline_num,
		sc_saved_cmdlines;
	struct fl_field task_comm; /* struct task_struct.comm: TASK_COMM_LEN */

	/* symbols (run-time addresses) */
	struct fl_sym sym_global_trace, sym_ftrace_trace_arrays, sym_ftrace_events,
		sym_ftrace_common_fields, sym_savedcmd, sym_num_online_cpus, sym_text, sym_stext, sym_end,
		sym_ptr_key, sym_no_hash_pointers, sym_trace_clocks, sym_nr_cpu_ids;
	struct fl_sym sym_ks_num_syms, sym_ks_names, sym_ks_token_table, sym_ks_token_index,
		sym_ks_offsets, sym_ks_relative_base, sym_ks_addresses, sym_ks_markers;
};

/*
 * Resolve everything. Fails only when something the walker cannot do
 * without is missing (the message lists it); optional parts are marked.
 */
struct pmt_err *ftrace_layout_resolve(struct pmt_target *t, struct ftrace_layout *L);

#endif

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

/* Trace options (trace_options file) the printers look at. */
enum trace_iter_opt {
	TI_PRINT_PARENT,
	TI_SYM_OFFSET,
	TI_SYM_ADDR,
	TI_VERBOSE,
	TI_RAW,
	TI_HEX,
	TI_BIN,
	TI_FIELDS,
	TI_PRINTK,
	TI_ANNOTATE,
	TI_USERSTACKTRACE,
	TI_SYM_USEROBJ,
	TI_PRINTK_MSGONLY,
	TI_CONTEXT_INFO,
	TI_LATENCY_FMT,
	TI_RECORD_TGID,
	TI_IRQ_INFO,
	TI_HASH_PTR,
	TI_DISPLAY_GRAPH,
	TI_FUNC_ARGS,
	TI_COUNT
};

/* The option's name in the trace_options file ("sym-offset"), its enumerator
 * stem ("SYM_OFFSET") and whether it is on by default. */
struct trace_iter_info {
	const char *name, *stem;
	bool dflt;
};
extern const struct trace_iter_info trace_iter_info[TI_COUNT];

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
		field_is_signed, field_len, field_filter_type;
	/* enum filter_type (-1 where unknown) and trace_adjust_address() (7.x:
	 * the fields option prints addresses as symbols) */
	int64_t filter_static_string, filter_dyn_string, filter_rdyn_string, filter_ptr_string,
		filter_trace_fn, filter_comm, filter_cpu, filter_other;
	struct fl_sym sym_trace_adjust_address;
	/* trace_check_vprintf() (5.13 to 6.x): see event_db_tep_nohash() */
	struct fl_sym sym_trace_check_vprintf;
	struct fl_field tp_name;
	int64_t flag_tracepoint; /* TRACE_EVENT_FL_TRACEPOINT, -1 if unknown */

	/* enum trace_flag_type (common_flags bits); 0 when this kernel lacks one */
	uint64_t tf_irqs_off, tf_irqs_nosupport, tf_need_resched, tf_need_resched_lazy, tf_hardirq,
		tf_softirq, tf_preempt_resched, tf_nmi, tf_bh_off;
	/* TRACE_ITER_HASH_PTR (the hash-ptr option, 5.12+); 0: %p prints raw */
	uint64_t iter_hash_ptr;
	/* TRACE_ITER_ANNOTATE: "##### CPU n buffer started ####" lines */
	uint64_t iter_annotate;
	/* every trace option that changes the text (enum trace_iter_opt):
	 * its mask in trace_array.trace_flags; iter_known[i] false when the
	 * kernel's debug info does not say (then the kernel's default holds) */
	uint64_t iter[TI_COUNT];
	bool iter_known[TI_COUNT];
	/* the tracer's own options (function_graph's funcgraph-*): 7.x keeps
	 * them per instance in trace_array.current_trace_flags, older kernels
	 * in the tracer (struct tracer.flags); names and bits from struct
	 * tracer_opt in the dump */
	struct fl_field ta_current_trace_flags, tracer_flags, tflags_val, tflags_opts;
	struct fl_field ta_time_start; /* array_buffer.time_start: latency-format */
	/* the latency-format header (print_trace_header()): array_buffer.data
	 * (per-CPU struct trace_array_cpu) and .cpu, the preemption model */
	struct fl_field ta_buf_data, ta_buf_cpu, tac_saved_latency, tac_critical_start,
		tac_critical_end, tac_nice, tac_policy, tac_rt_priority, tac_pid, tac_uid, tac_comm;
	struct fl_field uts_version; /* struct uts_namespace name.version */
	struct fl_sym sym_per_cpu_offset, sym_preempt_dynamic_mode, sym_preempt_modes,
		sym_preempt_model_str, sym_init_uts_ns;
	struct fl_field topt_name, topt_bit;
	struct fl_struct topt;
	/* record-tgid: tgid_map[pid] (tgid_map_max entries) */
	struct fl_sym sym_tgid_map, sym_tgid_map_max;
	/* enum trace_type has TRACE_OSNOISE (5.14+): the release that also
	 * added the migrate-disable column to the latency flags */
	bool has_trace_osnoise;
	/* enum mm_io_opcode: MMIO_READ, _WRITE, _PROBE, _UNPROBE, _UNKNOWN_OP
	 * (the kernel's values 1..5 where the dump does not say) */
	int64_t mmio_op[5];
	/* vbin_printf()'s packing of char and short arguments of trace_printk():
	 * in their own size while lib/vsprintf.c's struct printf_spec has its
	 * `type` bit field (format_type, before the 2024 rewrite), as ints
	 * after; unknown (no such type): their own size */
	bool bprint_small_own_size;
	/* %pK and %pe at print time: kptr_restrict, lib/errname.c's tables */
	struct fl_sym sym_kptr_restrict, sym_errnames_0, sym_errnames_512;
	/* struct module: the size of its text (mem[MOD_TEXT].size since 6.4) */
	struct fl_field mod_text_size;
	/* __TRACE_LAST_TYPE: ids up to it are the kernel's own entries; -1 if unknown */
	int64_t trace_last_type;
	/* the kernel's irq entry text: function_graph marks calls into it */
	struct fl_sym sym_irqentry_start, sym_irqentry_end;
	/* only with CONFIG_GENERIC_SCHED_CLOCK (hwlat prints no nmi-total) */
	struct fl_sym sym_sched_clock_register;
	/* timerlat_lat_context[] (6.3+): three timerlat context names */
	struct fl_sym sym_timerlat_lat_context;

	/* syscalls: struct syscall_metadata; user_mask and friends (7.x):
	 * arguments whose user-space data the event recorded */
	struct fl_field sm_name, sm_nb_args, sm_args, sm_types, sm_enter_fields, sm_exit_fields,
		sm_enter_event, sm_exit_event, sm_syscall_nr, sm_user_mask, sm_user_arg_size,
		sm_user_arg_is_str;

	/* saved cmdlines: struct saved_cmdlines_buffer */
	struct fl_field sc_map_pid_to_cmdline, sc_map_cmdline_to_pid, sc_cmdline_num,
		sc_saved_cmdlines;
	struct fl_field task_comm; /* struct task_struct.comm: TASK_COMM_LEN */

	/* trace.dat metadata (optional): init_uts_ns.name fields for UNAME,
	 * struct trace_bprintk_fmt (modules' trace_printk formats) */
	struct fl_field uts_sysname, uts_nodename, uts_release, uts_machine;
	struct fl_field bprintk_list, bprintk_fmt;
	/* module symbols' types for kallsyms: module.kallsyms -> mod_kallsyms.typetab */
	struct fl_field module_kallsyms, modks_typetab;

	/* symbols (run-time addresses) */
	struct fl_sym sym_global_trace, sym_ftrace_trace_arrays, sym_ftrace_events,
		sym_ftrace_common_fields, sym_savedcmd, sym_num_online_cpus, sym_text, sym_stext,
		sym_end, sym_ptr_key, sym_no_hash_pointers, sym_trace_clocks, sym_nr_cpu_ids;
	struct fl_sym sym_ks_num_syms, sym_ks_names, sym_ks_token_table, sym_ks_token_index,
		sym_ks_offsets, sym_ks_relative_base, sym_ks_addresses, sym_ks_markers;
};

/*
 * Resolve everything. Fails only when something the walker cannot do
 * without is missing (the message lists it); optional parts are marked.
 */
struct pmt_err *ftrace_layout_resolve(struct pmt_target *t, struct ftrace_layout *L);

#endif

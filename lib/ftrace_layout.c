// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resolve the kernel layouts the ftrace walker needs (see ftrace_layout.h).
 *
 * Each query is made exactly once and only type/symbol questions are asked,
 * so running this against a recording target yields a complete type
 * profile (pmtrace profile). Missing required members are collected and
 * reported together, so a user sees every gap in one message.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ftrace_layout.h"

struct resolver {
	struct pmt_target *t;
	char missing[1024];
	size_t len;
	struct pmt_err *fatal; /* a real failure (not ABSENT) */
};

static void note_missing(struct resolver *r, const char *what, const char *name)
{
	int n;

	if (r->len >= sizeof(r->missing) - 1)
		return;
	n = snprintf(r->missing + r->len, sizeof(r->missing) - r->len, "%s%s%s%s",
		     r->len ? ", " : "", what, *what ? "." : "", name);
	if (n > 0)
		r->len += (size_t)n;
}

/* Keep the first non-ABSENT error; ABSENT just leaves the entry unset. */
static bool absorb(struct resolver *r, struct pmt_err *err)
{
	if (!err)
		return true;
	if (err->code != PMT_ERR_ABSENT && !r->fatal)
		r->fatal = err;
	else
		pmt_err_free(err);
	return false;
}

static void member(struct resolver *r, struct fl_field *f, const char *type, const char *path,
		   bool required)
{
	f->ok = type && absorb(r, pmt_member(r->t, type, path, &f->m));
	if (!f->ok && required)
		note_missing(r, type ? type : "(ring buffer)", path);
}

/* First of several alternative member paths that exists. */
static void member_alt(struct resolver *r, struct fl_field *f, const char *type,
		       const char *const *paths, bool required)
{
	for (; *paths; paths++) {
		member(r, f, type, *paths, false);
		if (f->ok)
			return;
	}
	if (required)
		note_missing(r, type, paths[-1]);
}

static void structure(struct resolver *r, struct fl_struct *s, const char *type, bool required)
{
	s->ok = type && absorb(r, pmt_type_size(r->t, type, &s->size));
	if (!s->ok && required)
		note_missing(r, "", type ? type : "(ring buffer type)");
}

static void symbol(struct resolver *r, struct fl_sym *s, const char *name, bool required)
{
	s->ok = absorb(r, pmt_symbol(r->t, name, &s->addr));
	if (!s->ok && required)
		note_missing(r, "symbol", name);
}

/* An enumerator's value, or 0 when this kernel has no such enumerator. */
static void enumerator(struct resolver *r, uint64_t *out, const char *name)
{
	int64_t v;

	*out = absorb(r, pmt_enumerator(r->t, name, &v)) ? (uint64_t)v : 0;
}

/* A trace option's mask; 7.x only has the bit number (masks became macros). */
static void iter_option(struct resolver *r, uint64_t *out, const char *name)
{
	char bitname[64];
	uint64_t bit;

	enumerator(r, out, name);
	if (*out)
		return;
	snprintf(bitname, sizeof(bitname), "%s_BIT", name);
	enumerator(r, &bit, bitname);
	if (bit && bit < 64)
		*out = 1ULL << bit;
}

const struct trace_iter_info trace_iter_info[TI_COUNT] = {
	[TI_PRINT_PARENT] = { "print-parent", "PRINT_PARENT", true },
	[TI_SYM_OFFSET] = { "sym-offset", "SYM_OFFSET", false },
	[TI_SYM_ADDR] = { "sym-addr", "SYM_ADDR", false },
	[TI_VERBOSE] = { "verbose", "VERBOSE", false },
	[TI_RAW] = { "raw", "RAW", false },
	[TI_HEX] = { "hex", "HEX", false },
	[TI_BIN] = { "bin", "BIN", false },
	[TI_FIELDS] = { "fields", "FIELDS", false },
	[TI_PRINTK] = { "trace_printk", "PRINTK", true },
	[TI_ANNOTATE] = { "annotate", "ANNOTATE", true },
	[TI_USERSTACKTRACE] = { "userstacktrace", "USERSTACKTRACE", false },
	[TI_SYM_USEROBJ] = { "sym-userobj", "SYM_USEROBJ", false },
	[TI_PRINTK_MSGONLY] = { "printk-msg-only", "PRINTK_MSGONLY", false },
	[TI_CONTEXT_INFO] = { "context-info", "CONTEXT_INFO", true },
	[TI_LATENCY_FMT] = { "latency-format", "LATENCY_FMT", false },
	[TI_RECORD_TGID] = { "record-tgid", "RECORD_TGID", false },
	[TI_IRQ_INFO] = { "irq-info", "IRQ_INFO", true },
	[TI_HASH_PTR] = { "hash-ptr", "HASH_PTR", true },
	[TI_DISPLAY_GRAPH] = { "display-graph", "DISPLAY_GRAPH", false },
	[TI_FUNC_ARGS] = { "func-args", "FUNC_ARGS", false },
};

/*
 * A trace option's mask. Kernels before 7.x have both TRACE_ITER_<X> (the
 * mask) and TRACE_ITER_<X>_BIT as enumerators; 7.x only the bit number,
 * negative for an option compiled out. Unknown (neither found): not known.
 */
static void iter_mask(struct resolver *r, const char *stem, uint64_t *mask, bool *known)
{
	char name[64];
	int64_t v;

	*mask = 0;
	*known = false;
	snprintf(name, sizeof(name), "TRACE_ITER_%s", stem);
	if (absorb(r, pmt_enumerator(r->t, name, &v))) {
		*mask = (uint64_t)v;
		*known = true;
		return;
	}
	snprintf(name, sizeof(name), "TRACE_ITER_%s_BIT", stem);
	if (absorb(r, pmt_enumerator(r->t, name, &v))) {
		*mask = v >= 0 && v < 64 ? 1ULL << v : 0;
		*known = true;
	}
}

/*
 * Since 5.6 the ring buffer proper is `struct trace_buffer` (with a
 * `buffers` array); before, that name meant the trace array's wrapper and
 * the ring buffer was `struct ring_buffer`.
 */
static const char *ring_buffer_type(struct resolver *r)
{
	struct pmt_member m;

	if (absorb(r, pmt_member(r->t, "struct trace_buffer", "buffers", &m)))
		return "struct trace_buffer";
	if (absorb(r, pmt_member(r->t, "struct ring_buffer", "buffers", &m)))
		return "struct ring_buffer";
	return NULL;
}

struct pmt_err *ftrace_layout_resolve(struct pmt_target *t, struct ftrace_layout *L)
{
	static const char *const ta_buffer[] = { "array_buffer.buffer", "trace_buffer.buffer",
						 NULL };
	struct resolver r = { .t = t };
	const char *call = "struct trace_event_call";
	const char *cls = "struct trace_event_class";
	const char *fld = "struct ftrace_event_field";
	const char *rbc = "struct ring_buffer_per_cpu";
	const char *bp = "struct buffer_page";
	const char *sm = "struct syscall_metadata";
	const char *sc = "struct saved_cmdlines_buffer";
	int64_t v;

	memset(L, 0, sizeof(*L));
	member(&r, &L->lh_next, "struct list_head", "next", true);
	member(&r, &L->lh_prev, "struct list_head", "prev", true);

	structure(&r, &L->ta, "struct trace_array", true);
	member(&r, &L->ta_list, "struct trace_array", "list", true);
	member(&r, &L->ta_name, "struct trace_array", "name", true);
	member_alt(&r, &L->ta_buffer, "struct trace_array", ta_buffer, true);
	member(&r, &L->ta_current_trace, "struct trace_array", "current_trace", false);
	member(&r, &L->ta_trace_flags, "struct trace_array", "trace_flags", false);
	member(&r, &L->ta_clock_id, "struct trace_array", "clock_id", false);
	member(&r, &L->tracer_name, "struct tracer", "name", false);

	L->rb_type = ring_buffer_type(&r);
	structure(&r, &L->rb, L->rb_type, true);
	/* `cpus` went away in 6.12: then buffers[] has nr_cpu_ids entries */
	member(&r, &L->rb_cpus, L->rb_type, "cpus", false);
	member(&r, &L->rb_buffers, L->rb_type, "buffers", true);
	member(&r, &L->rb_subbuf_size, L->rb_type, "subbuf_size", false);
	member(&r, &L->rb_subbuf_order, L->rb_type, "subbuf_order", false);

	structure(&r, &L->rbc, rbc, true);
	member(&r, &L->rbc_cpu, rbc, "cpu", false);
	member(&r, &L->rbc_nr_pages, rbc, "nr_pages", true);
	member(&r, &L->rbc_pages, rbc, "pages", true);
	member(&r, &L->rbc_head_page, rbc, "head_page", true);
	member(&r, &L->rbc_tail_page, rbc, "tail_page", false);
	member(&r, &L->rbc_commit_page, rbc, "commit_page", true);
	member(&r, &L->rbc_reader_page, rbc, "reader_page", true);
	member(&r, &L->rbc_entries, rbc, "entries", true);
	member(&r, &L->rbc_overrun, rbc, "overrun", true);
	member(&r, &L->rbc_read, rbc, "read", true);
	member(&r, &L->rbc_commit_overrun, rbc, "commit_overrun", false);
	member(&r, &L->rbc_dropped_events, rbc, "dropped_events", false);
	member(&r, &L->rbc_lost_events, rbc, "lost_events", false);

	structure(&r, &L->bp, bp, true);
	member(&r, &L->bp_list, bp, "list", true);
	member(&r, &L->bp_write, bp, "write", false);
	member(&r, &L->bp_read, bp, "read", true);
	member(&r, &L->bp_entries, bp, "entries", false);
	member(&r, &L->bp_real_end, bp, "real_end", false);
	member(&r, &L->bp_page, bp, "page", true);
	member(&r, &L->bp_order, bp, "order", false);

	member(&r, &L->bdp_time_stamp, "struct buffer_data_page", "time_stamp", true);
	member(&r, &L->bdp_commit, "struct buffer_data_page", "commit", true);
	member(&r, &L->bdp_data, "struct buffer_data_page", "data", true);

	/* Events are optional as a whole: without them we still dump raw pages. */
	member(&r, &L->call_list, call, "list", false);
	member(&r, &L->call_class, call, "class", false);
	member(&r, &L->call_name, call, "name", false);
	member(&r, &L->call_tp, call, "tp", false);
	member(&r, &L->call_type, call, "event.type", false);
	member(&r, &L->call_print_fmt, call, "print_fmt", false);
	member(&r, &L->call_flags, call, "flags", false);
	member(&r, &L->call_data, call, "data", false);
	member(&r, &L->class_system, cls, "system", false);
	member(&r, &L->class_fields, cls, "fields", false);
	member(&r, &L->class_get_fields, cls, "get_fields", false);
	member(&r, &L->class_probe, cls, "probe", false);
	member(&r, &L->field_link, fld, "link", false);
	member(&r, &L->field_name, fld, "name", false);
	member(&r, &L->field_type, fld, "type", false);
	member(&r, &L->field_offset, fld, "offset", false);
	member(&r, &L->field_size, fld, "size", false);
	member(&r, &L->field_is_signed, fld, "is_signed", false);
	member(&r, &L->field_len, fld, "len", false);
	member(&r, &L->field_filter_type, fld, "filter_type", false);
	{
		static const struct {
			const char *name;
			size_t off;
		} ft[] = {
			{ "FILTER_STATIC_STRING",
			  offsetof(struct ftrace_layout, filter_static_string) },
			{ "FILTER_DYN_STRING", offsetof(struct ftrace_layout, filter_dyn_string) },
			{ "FILTER_RDYN_STRING",
			  offsetof(struct ftrace_layout, filter_rdyn_string) },
			{ "FILTER_PTR_STRING", offsetof(struct ftrace_layout, filter_ptr_string) },
			{ "FILTER_TRACE_FN", offsetof(struct ftrace_layout, filter_trace_fn) },
			{ "FILTER_COMM", offsetof(struct ftrace_layout, filter_comm) },
			{ "FILTER_CPU", offsetof(struct ftrace_layout, filter_cpu) },
			{ "FILTER_OTHER", offsetof(struct ftrace_layout, filter_other) },
		};

		for (size_t i = 0; i < sizeof(ft) / sizeof(ft[0]); i++) {
			int64_t *dst = (int64_t *)((char *)L + ft[i].off);

			if (!absorb(&r, pmt_enumerator(t, ft[i].name, dst)))
				*dst = -1;
		}
	}
	symbol(&r, &L->sym_trace_adjust_address, "trace_adjust_address", false);
	symbol(&r, &L->sym_trace_check_vprintf, "trace_check_vprintf", false);
	member(&r, &L->tp_name, "struct tracepoint", "name", false);
	L->flag_tracepoint = -1;
	if (absorb(&r, pmt_enumerator(t, "TRACE_EVENT_FL_TRACEPOINT", &v)))
		L->flag_tracepoint = v;

	enumerator(&r, &L->tf_irqs_off, "TRACE_FLAG_IRQS_OFF");
	enumerator(&r, &L->tf_irqs_nosupport, "TRACE_FLAG_IRQS_NOSUPPORT");
	enumerator(&r, &L->tf_need_resched, "TRACE_FLAG_NEED_RESCHED");
	enumerator(&r, &L->tf_need_resched_lazy, "TRACE_FLAG_NEED_RESCHED_LAZY");
	enumerator(&r, &L->tf_hardirq, "TRACE_FLAG_HARDIRQ");
	enumerator(&r, &L->tf_softirq, "TRACE_FLAG_SOFTIRQ");
	enumerator(&r, &L->tf_preempt_resched, "TRACE_FLAG_PREEMPT_RESCHED");
	enumerator(&r, &L->tf_nmi, "TRACE_FLAG_NMI");
	enumerator(&r, &L->tf_bh_off, "TRACE_FLAG_BH_OFF");
	iter_option(&r, &L->iter_hash_ptr, "TRACE_ITER_HASH_PTR");
	iter_option(&r, &L->iter_annotate, "TRACE_ITER_ANNOTATE");

	member(&r, &L->sm_name, sm, "name", false);
	member(&r, &L->sm_nb_args, sm, "nb_args", false);
	member(&r, &L->sm_args, sm, "args", false);
	member(&r, &L->sm_types, sm, "types", false);
	member(&r, &L->sm_enter_fields, sm, "enter_fields", false);
	member(&r, &L->sm_exit_fields, sm, "exit_fields", false);
	member(&r, &L->sm_enter_event, sm, "enter_event", false);
	member(&r, &L->sm_exit_event, sm, "exit_event", false);
	member(&r, &L->sm_syscall_nr, sm, "syscall_nr", false);
	member(&r, &L->sm_user_mask, sm, "user_mask", false);
	member(&r, &L->sm_user_arg_size, sm, "user_arg_size", false);
	member(&r, &L->sm_user_arg_is_str, sm, "user_arg_is_str", false);

	for (int i = 0; i < TI_COUNT; i++)
		iter_mask(&r, trace_iter_info[i].stem, &L->iter[i], &L->iter_known[i]);
	{
		static const char *const ts[] = { "array_buffer.time_start",
						  "trace_buffer.time_start", NULL };

		member_alt(&r, &L->ta_time_start, "struct trace_array", ts, false);
	}
	{
		static const char *const d[] = { "array_buffer.data", "trace_buffer.data", NULL };
		static const char *const c[] = { "array_buffer.cpu", "trace_buffer.cpu", NULL };
		const char *tac = "struct trace_array_cpu";

		member_alt(&r, &L->ta_buf_data, "struct trace_array", d, false);
		member_alt(&r, &L->ta_buf_cpu, "struct trace_array", c, false);
		member(&r, &L->tac_saved_latency, tac, "saved_latency", false);
		member(&r, &L->tac_critical_start, tac, "critical_start", false);
		member(&r, &L->tac_critical_end, tac, "critical_end", false);
		member(&r, &L->tac_nice, tac, "nice", false);
		member(&r, &L->tac_policy, tac, "policy", false);
		member(&r, &L->tac_rt_priority, tac, "rt_priority", false);
		member(&r, &L->tac_pid, tac, "pid", false);
		member(&r, &L->tac_uid, tac, "uid", false);
		member(&r, &L->tac_comm, tac, "comm", false);
		member(&r, &L->uts_version, "struct uts_namespace", "name.version", false);
		symbol(&r, &L->sym_per_cpu_offset, "__per_cpu_offset", false);
		symbol(&r, &L->sym_preempt_dynamic_mode, "preempt_dynamic_mode", false);
		symbol(&r, &L->sym_preempt_modes, "preempt_modes", false);
		symbol(&r, &L->sym_preempt_model_str, "preempt_model_str", false);
		symbol(&r, &L->sym_init_uts_ns, "init_uts_ns", false);
	}
	member(&r, &L->ta_current_trace_flags, "struct trace_array", "current_trace_flags", false);
	member(&r, &L->tracer_flags, "struct tracer", "flags", false);
	member(&r, &L->tflags_val, "struct tracer_flags", "val", false);
	member(&r, &L->tflags_opts, "struct tracer_flags", "opts", false);
	member(&r, &L->topt_name, "struct tracer_opt", "name", false);
	member(&r, &L->topt_bit, "struct tracer_opt", "bit", false);
	structure(&r, &L->topt, "struct tracer_opt", false);
	symbol(&r, &L->sym_tgid_map, "tgid_map", false);
	symbol(&r, &L->sym_tgid_map_max, "tgid_map_max", false);
	symbol(&r, &L->sym_irqentry_start, "__irqentry_text_start", false);
	symbol(&r, &L->sym_irqentry_end, "__irqentry_text_end", false);
	symbol(&r, &L->sym_sched_clock_register, "sched_clock_register", false);
	symbol(&r, &L->sym_timerlat_lat_context, "timerlat_lat_context", false);
	L->has_trace_osnoise = absorb(&r, pmt_enumerator(t, "TRACE_OSNOISE", &v));
	{
		static const char *const mmio[] = { "MMIO_READ", "MMIO_WRITE", "MMIO_PROBE",
						    "MMIO_UNPROBE", "MMIO_UNKNOWN_OP" };

		bool mixed = false;

		for (int i = 0; i < 5; i++)
			if (!absorb(&r, pmt_enumerator(t, mmio[i], &L->mmio_op[i])))
				L->mmio_op[i] = i + 1;
		/* The five are one enum's (mm_io_opcode), so distinct. A target
		 * that looks names up across all units can answer READ and
		 * WRITE from another enum: crash's gdb on 6.1 gives x86's
		 * mmio_type (insn-eval.h: READ 3, WRITE 1) beside PROBE 3.
		 * Such a mix is dropped for mm_io_opcode's values (1..5 since
		 * mmiotrace came in). */
		for (int i = 0; i < 5; i++)
			for (int j = i + 1; j < 5; j++)
				mixed |= L->mmio_op[i] == L->mmio_op[j];
		for (int i = 0; mixed && i < 5; i++)
			L->mmio_op[i] = i + 1;
	}
	{
		static const char *const sz[] = { "core_layout.text_size", "core_layout.size",
						  "core_text_size", NULL };
		struct fl_field mem = { 0 };

		/* 6.4+: mem[MOD_TEXT] (element 0) of struct module_memory; the
		 * type sources answer no path through an array, so it is asked
		 * in two steps */
		member(&r, &mem, "struct module", "mem", false);
		if (mem.ok && mem.m.kind == PMT_KIND_ARRAY) {
			member(&r, &L->mod_text_size, "struct module_memory", "size", false);
			L->mod_text_size.m.offset += mem.m.offset;
		}
		if (!L->mod_text_size.ok)
			member_alt(&r, &L->mod_text_size, "struct module", sz, false);
	}
	{
		struct fl_struct spec = { 0 };
		struct fl_field type = { 0 };

		structure(&r, &spec, "struct printf_spec", false);
		member(&r, &type, "struct printf_spec", "type", false);
		L->bprint_small_own_size = !spec.ok || type.ok;
	}
	symbol(&r, &L->sym_kptr_restrict, "kptr_restrict", false);
	symbol(&r, &L->sym_errnames_0, "names_0", false);
	symbol(&r, &L->sym_errnames_512, "names_512", false);
	if (!absorb(&r, pmt_enumerator(t, "__TRACE_LAST_TYPE", &L->trace_last_type)))
		L->trace_last_type = -1;

	member(&r, &L->sc_map_pid_to_cmdline, sc, "map_pid_to_cmdline", false);
	member(&r, &L->sc_map_cmdline_to_pid, sc, "map_cmdline_to_pid", false);
	member(&r, &L->sc_cmdline_num, sc, "cmdline_num", false);
	member(&r, &L->sc_saved_cmdlines, sc, "saved_cmdlines", false);
	member(&r, &L->task_comm, "struct task_struct", "comm", false);

	member(&r, &L->uts_sysname, "struct uts_namespace", "name.sysname", false);
	member(&r, &L->uts_nodename, "struct uts_namespace", "name.nodename", false);
	member(&r, &L->uts_release, "struct uts_namespace", "name.release", false);
	member(&r, &L->uts_machine, "struct uts_namespace", "name.machine", false);
	member(&r, &L->bprintk_list, "struct trace_bprintk_fmt", "list", false);
	member(&r, &L->bprintk_fmt, "struct trace_bprintk_fmt", "fmt", false);
	member(&r, &L->module_kallsyms, "struct module", "kallsyms", false);
	member(&r, &L->modks_typetab, "struct mod_kallsyms", "typetab", false);

	symbol(&r, &L->sym_global_trace, "global_trace", true);
	symbol(&r, &L->sym_ftrace_trace_arrays, "ftrace_trace_arrays", true);
	symbol(&r, &L->sym_ftrace_events, "ftrace_events", false);
	symbol(&r, &L->sym_ftrace_common_fields, "ftrace_common_fields", false);
	symbol(&r, &L->sym_savedcmd, "savedcmd", false);
	symbol(&r, &L->sym_num_online_cpus, "__num_online_cpus", false);
	symbol(&r, &L->sym_text, "_text", false);
	symbol(&r, &L->sym_stext, "_stext", false);
	symbol(&r, &L->sym_end, "_end", false);
	symbol(&r, &L->sym_ptr_key, "ptr_key", false);
	symbol(&r, &L->sym_trace_clocks, "trace_clocks", false);
	symbol(&r, &L->sym_nr_cpu_ids, "nr_cpu_ids", !L->rb_cpus.ok);
	symbol(&r, &L->sym_no_hash_pointers, "no_hash_pointers", false);
	symbol(&r, &L->sym_ks_num_syms, "kallsyms_num_syms", false);
	symbol(&r, &L->sym_ks_names, "kallsyms_names", false);
	symbol(&r, &L->sym_ks_token_table, "kallsyms_token_table", false);
	symbol(&r, &L->sym_ks_token_index, "kallsyms_token_index", false);
	symbol(&r, &L->sym_ks_offsets, "kallsyms_offsets", false);
	symbol(&r, &L->sym_ks_relative_base, "kallsyms_relative_base", false);
	symbol(&r, &L->sym_ks_addresses, "kallsyms_addresses", false);
	symbol(&r, &L->sym_ks_markers, "kallsyms_markers", false);

	if (r.fatal) {
		struct pmt_err *err = r.fatal;

		return pmt_err_prefix(err, "resolving kernel types");
	}
	if (r.len)
		return pmt_err_new(PMT_ERR_UNSUPPORTED,
				   "this kernel lacks what the ftrace walker needs: %s", r.missing);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event formats from the dump (see event_db.h).
 *
 *   ftrace_events (list_head)
 *     -> trace_event_call.list
 *          .class -> trace_event_class { system, fields (list_head) }
 *          .name  or .tp->name     (TRACE_EVENT_FL_TRACEPOINT in .flags)
 *          .event.type             the id in every record's common_type
 *          .print_fmt
 *          .data  -> syscall_metadata for syscalls, whose class has
 *                    get_fields and keeps the fields in the metadata
 *   ftrace_common_fields (list_head) -> ftrace_event_field.link
 *
 * Field lists are built with list_add(), newest first, so the definition
 * order is found by walking `prev` from the head — as f_next() does when
 * tracefs prints a format file.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>

#include "addr_set.h"
#include "diag.h"
#include "event_db.h"
#include "kallsyms.h"
#include "persistent.h"
#include "print_fmt.h"
#include "print_internal.h"
#include "trace_internal.h"

#define MAX_EVENTS 65536
/*
 * Largest event id a record can carry: the kernel's trace_entry.type (and
 * pmt_entry.type) is 16 bits. The id read from a dump sizes the dense by_id
 * index, so an id past this is corruption, never an event (a forged id of
 * 2^31 would otherwise ask for a 16 GiB index).
 */
#define MAX_EVENT_ID 65535
#define MAX_FIELDS   1024
#define MAX_STR	     4096
#define MAX_ARGS     16

struct enum_cache {
	struct enum_cache *next;
	bool found;
	int64_t value;
	char name[];
};

struct pmt_err *event_db_resolve_types(struct pmt_target *t)
{
	/* All event types are resolved by ftrace_layout_resolve(). */
	(void)t;
	return NULL;
}

static struct pmt_err *read_ptr_str(struct pmt_target *t, uint64_t ptr_addr, char **out)
{
	uint64_t p;
	struct pmt_err *err = pmt_read_ulong(t, ptr_addr, &p);

	if (err)
		return err;
	return pmt_read_string(t, p, MAX_STR, out);
}

static struct pmt_err *read_field_val(struct pmt_target *t, uint64_t base, const struct fl_field *f,
				      uint64_t *v)
{
	if (!f->ok)
		return pmt_err_new(PMT_ERR_ABSENT, "member not in this kernel");
	return pmt_read_member(t, base, &f->m, v);
}

static void free_fields(struct event_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].type);
	}
	free(f);
}

/* Read a field list (list_head at `head`) in definition order. */
static struct pmt_err *read_fields(struct pmt_trace *tr, uint64_t head, struct event_field **out,
				   size_t *nout)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	struct event_field *f = NULL;
	struct addr_set seen;
	struct pmt_err *err = NULL;
	uint64_t node;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	addr_set_init(&seen);
	err = pmt_read_ulong(t, head + L->lh_prev.m.offset, &node);
	while (!err && node != head) {
		uint64_t fa = node - L->field_link.m.offset, v = 0;
		struct event_field *nf;

		if (!node || n >= MAX_FIELDS || addr_set_add(&seen, node) != 1) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node, "field list broken at %#" PRIx64,
					   node);
			break;
		}
		nf = realloc(f, (n + 1) * sizeof(*f));
		if (!nf) {
			err = &pmt_err_nomem;
			break;
		}
		f = nf;
		memset(&f[n], 0, sizeof(f[n]));
		n++;
		err = read_ptr_str(t, fa + L->field_name.m.offset, &f[n - 1].name);
		if (!err)
			err = read_ptr_str(t, fa + L->field_type.m.offset, &f[n - 1].type);
		if (!err)
			err = read_field_val(t, fa, &L->field_offset, &v);
		f[n - 1].offset = (uint32_t)v;
		if (!err)
			err = read_field_val(t, fa, &L->field_size, &v);
		f[n - 1].size = (uint32_t)v;
		if (!err)
			err = read_field_val(t, fa, &L->field_is_signed, &v);
		f[n - 1].is_signed = v != 0;
		f[n - 1].filter_type = -1;
		if (!err && L->field_filter_type.ok &&
		    pmt_ok(pmt_read_member(t, fa, &L->field_filter_type.m, &v)))
			f[n - 1].filter_type = (int)v;
		/* `len` (6.0+): the element count of fixed arrays, printed as name[len] */
		if (!err && L->field_len.ok) {
			err = read_field_val(t, fa, &L->field_len, &v);
			if (!err && v && strchr(f[n - 1].type, '[') &&
			    strncmp(f[n - 1].type, "__data_loc", 10)) {
				/* fold len into the type the way f_show() prints it */
				char *bracket = strchr(f[n - 1].type, '[');
				char *nt;

				if (asprintf(&nt, "%.*s[%" PRIu64 "]",
					     (int)(bracket - f[n - 1].type), f[n - 1].type,
					     v) >= 0) {
					free(f[n - 1].type);
					f[n - 1].type = nt;
				}
			}
		}
		if (err)
			break;
		err = pmt_read_ulong(t, node + L->lh_prev.m.offset, &node);
	}
	addr_set_free(&seen);
	if (err) {
		free_fields(f, n);
		return err;
	}
	*out = f;
	*nout = n;
	return NULL;
}

static void print_field(FILE *m, const struct event_field *f)
{
	const char *arr = strchr(f->type, '[');

	if (!strncmp(f->type, "__data_loc", 10))
		arr = NULL;
	if (!arr)
		fprintf(m, "\tfield:%s %s;\toffset:%u;\tsize:%u;\tsigned:%d;\n", f->type, f->name,
			f->offset, f->size, f->is_signed);
	else
		fprintf(m, "\tfield:%.*s %s%s;\toffset:%u;\tsize:%u;\tsigned:%d;\n",
			(int)(arr - f->type), f->type, f->name, arr, f->offset, f->size,
			f->is_signed);
}

static char *format_text(const struct event_db *db, const struct event_fmt *e)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return NULL;
	fprintf(m, "name: %s\nID: %d\nformat:\n", e->name, e->id);
	for (size_t i = 0; i < db->ncommon; i++)
		print_field(m, &db->common[i]);
	fputc('\n', m);
	for (size_t i = 0; i < e->nfields; i++)
		print_field(m, &e->fields[i]);
	fprintf(m, "\nprint fmt: %s\n", e->print_fmt ? e->print_fmt : "");
	if (fclose(m))
		return NULL;
	return buf;
}

/* The ftrace entries (kernel/trace/trace_entries.h), by their event names. */
static const struct {
	const char *name;
	enum event_kind kind;
} ftrace_kinds[] = {
	{ "function", EV_FUNCTION },
	{ "print", EV_PRINT },
	{ "bputs", EV_BPUTS },
	{ "bprint", EV_BPRINT },
	{ "funcgraph_entry", EV_FUNCGRAPH_ENTRY },
	{ "fgraph_retaddr_entry", EV_FGRAPH_RETADDR },
	{ "funcgraph_exit", EV_FUNCGRAPH_EXIT },
	{ "context_switch", EV_CONTEXT_SWITCH },
	{ "wakeup", EV_WAKEUP },
	{ "kernel_stack", EV_KERNEL_STACK },
	{ "user_stack", EV_USER_STACK },
	{ "raw_data", EV_RAW_DATA },
	{ "hwlat", EV_HWLAT },
	{ "osnoise", EV_OSNOISE },
	{ "timerlat", EV_TIMERLAT },
	{ "func_repeats", EV_FUNC_REPEATS },
	{ "branch", EV_BRANCH },
	{ "mmiotrace_rw", EV_MMIO_RW },
	{ "mmiotrace_map", EV_MMIO_MAP },
};

static void classify(struct event_fmt *e)
{
	if (strcmp(e->system, "ftrace"))
		return;
	/* an ftrace entry is printed by C code in the kernel, never from its
	 * print_fmt: one we do not know prints raw, with a warning */
	e->kind = EV_FTRACE_UNKNOWN;
	for (size_t i = 0; i < sizeof(ftrace_kinds) / sizeof(ftrace_kinds[0]); i++)
		if (!strcmp(e->name, ftrace_kinds[i].name))
			e->kind = ftrace_kinds[i].kind;
}

/* Syscall events keep their fields and names in struct syscall_metadata. */
static struct pmt_err *read_syscall(struct pmt_trace *tr, uint64_t call, uint64_t meta,
				    bool own_fields, struct event_fmt *e, uint64_t *fields_head)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t enter, v, args;
	struct pmt_err *err;

	if (!L->sm_enter_event.ok || !L->sm_name.ok || !L->sm_nb_args.ok || !L->sm_args.ok)
		return pmt_err_new(PMT_ERR_ABSENT, "no syscall_metadata layout");
	err = pmt_read_ulong(t, meta + L->sm_enter_event.m.offset, &enter);
	if (err)
		return err;
	e->kind = enter == call ? EV_SYSCALL_ENTER : EV_SYSCALL_EXIT;
	/*
	 * A class with get_fields keeps the fields in the metadata (enter
	 * always; exit only in kernels that have exit_fields); otherwise they
	 * are on the class like any event's.
	 */
	if (own_fields) {
		const struct fl_field *f =
			e->kind == EV_SYSCALL_ENTER ? &L->sm_enter_fields : &L->sm_exit_fields;

		if (!f->ok)
			return pmt_err_new(PMT_ERR_ABSENT, "syscall_metadata has no %s fields",
					   e->kind == EV_SYSCALL_ENTER ? "enter" : "exit");
		*fields_head = meta + f->m.offset;
	}
	err = read_ptr_str(t, meta + L->sm_name.m.offset, &e->sc_name);
	if (err)
		return err;
	err = read_field_val(t, meta, &L->sm_nb_args, &v);
	if (err)
		return err;
	if (v > MAX_ARGS)
		return pmt_err_addr(PMT_ERR_CORRUPT, meta, "syscall %s has %" PRIu64 " arguments",
				    e->sc_name, v);
	e->sc_nb_args = (int)v;
	if (!e->sc_nb_args)
		return NULL;
	e->sc_args = calloc((size_t)e->sc_nb_args, sizeof(char *));
	if (!e->sc_args)
		return &pmt_err_nomem;
	err = pmt_read_ulong(t, meta + L->sm_args.m.offset, &args);
	for (int i = 0; !err && i < e->sc_nb_args; i++)
		err = read_ptr_str(t, args + (uint64_t)i * t->word_size, &e->sc_args[i]);
	if (err)
		return err;
	/* argument types, for the verbose option: optional */
	if (L->sm_types.ok && pmt_ok(pmt_read_ulong(t, meta + L->sm_types.m.offset, &args)) &&
	    args && (e->sc_types = calloc((size_t)e->sc_nb_args, sizeof(char *)))) {
		for (int i = 0; i < e->sc_nb_args; i++) {
			struct pmt_err *terr =
				read_ptr_str(t, args + (uint64_t)i * t->word_size, &e->sc_types[i]);

			if (terr) {
				pmt_err_free(terr);
				break;
			}
		}
	}
	/* user-space data recorded with the arguments (7.x) */
	if (e->kind == EV_SYSCALL_ENTER && L->sm_user_mask.ok && L->sm_user_arg_size.ok) {
		err = read_field_val(t, meta, &L->sm_user_mask, &v);
		if (err)
			return err;
		e->sc_has_user = true;
		e->sc_user_mask = (unsigned int)(uint16_t)v;
		err = read_field_val(t, meta, &L->sm_user_arg_size, &v);
		if (err)
			return err;
		e->sc_user_arg_size = (int)(int8_t)v; /* s8 */
		if (L->sm_user_arg_is_str.ok) {
			err = read_field_val(t, meta, &L->sm_user_arg_is_str, &v);
			if (err)
				return err;
			e->sc_user_arg_is_str = v != 0;
		}
	}
	return NULL;
}

/*
 * sys_enter_openat's own printer (7.x) decodes the flags; its print_fmt says
 * so ("flags: %s%s" with a __print_flags() table) and holds the table:
 * { 0x1, "O_WRONLY" }, ... which we take as the kernel's flag values.
 */
static void parse_openat(struct event_fmt *e)
{
	const char *p;

	if (e->kind != EV_SYSCALL_ENTER || !e->sc_has_user || !e->print_fmt ||
	    strcmp(e->sc_name, "sys_openat") || !strstr(e->print_fmt, "flags: %s%s") ||
	    !(p = strstr(e->print_fmt, "__print_flags(")))
		return;
	while ((p = strchr(p, '{'))) {
		char *end, name[32];
		unsigned long long mask;
		struct event_flag *nf;
		int n = 0;

		mask = strtoull(p + 1, &end, 0);
		if (end == p + 1 || sscanf(end, " , \"%31[A-Z_]\" }%n", name, &n) != 1 || !n)
			break;
		nf = realloc(e->sc_flags, (e->sc_nflags + 1) * sizeof(*nf));
		if (!nf)
			break;
		e->sc_flags = nf;
		nf[e->sc_nflags].mask = mask;
		nf[e->sc_nflags].name = strdup(name);
		if (!nf[e->sc_nflags].name)
			break;
		e->sc_nflags++;
		p = end;
	}
	e->sc_openat = e->sc_nflags > 0;
}

static struct pmt_err *read_event(struct pmt_trace *tr, uint64_t call, struct event_fmt *e)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t cls, flags = 0, v, fields_head, get_fields = 0;
	struct pmt_err *err;

	err = pmt_read_ulong(t, call + L->call_class.m.offset, &cls);
	if (err)
		return err;
	if (!cls)
		return pmt_err_addr(PMT_ERR_CORRUPT, call, "event call has no class");
	if (L->call_flags.ok) {
		err = read_field_val(t, call, &L->call_flags, &flags);
		if (err)
			return err;
	}
	if (L->flag_tracepoint >= 0 && (flags & (uint64_t)L->flag_tracepoint)) {
		uint64_t tp;

		err = pmt_read_ulong(t, call + L->call_tp.m.offset, &tp);
		if (!err)
			err = read_ptr_str(t, tp + L->tp_name.m.offset, &e->name);
	} else {
		err = read_ptr_str(t, call + L->call_name.m.offset, &e->name);
	}
	if (err)
		return pmt_err_prefix(err, "name");
	err = read_ptr_str(t, cls + L->class_system.m.offset, &e->system);
	if (err)
		return pmt_err_prefix(err, "%s: system", e->name);
	err = read_field_val(t, call, &L->call_type, &v);
	if (err)
		return pmt_err_prefix(err, "%s: id", e->name);
	if (v != (uint64_t)e->id) /* the list walk indexed it under e->id */
		return pmt_err_new(PMT_ERR_CORRUPT, "%s: id %" PRIu64 " changed from %d", e->name,
				   v, e->id);
	if (L->call_print_fmt.ok) {
		err = read_ptr_str(t, call + L->call_print_fmt.m.offset, &e->print_fmt);
		if (err) {
			/* events without print_fmt (rare) still decode */
			pmt_err_free(err);
			e->print_fmt = NULL;
		}
	}
	classify(e);
	if (L->class_probe.ok && tr->ksyms) {
		uint64_t probe, off;
		const char *fn;

		if (pmt_ok(pmt_read_ulong(t, cls + L->class_probe.m.offset, &probe)) &&
		    (fn = kallsyms_lookup(tr->ksyms, probe, &off)) && off == 0)
			e->code_func = strdup(fn);
	}
	fields_head = cls + L->class_fields.m.offset;
	if (L->class_get_fields.ok) {
		err = pmt_read_ulong(t, cls + L->class_get_fields.m.offset, &get_fields);
		if (err)
			return err;
	}
	if (L->call_data.ok && !strcmp(e->system, "syscalls")) {
		uint64_t meta;

		err = pmt_read_ulong(t, call + L->call_data.m.offset, &meta);
		if (!err)
			err = read_syscall(tr, call, meta, get_fields != 0, e, &fields_head);
		if (err)
			return pmt_err_prefix(err, "%s:%s syscall metadata", e->system, e->name);
	}
	err = read_fields(tr, fields_head, &e->fields, &e->nfields);
	if (err)
		return pmt_err_prefix(err, "%s:%s fields", e->system, e->name);
	parse_openat(e);
	return NULL;
}

static void free_event(struct event_fmt *e)
{
	free(e->system);
	free(e->name);
	free(e->print_fmt);
	free(e->format_text);
	free(e->tep_text);
	free(e->tep_nohash_text);
	free(e->sc_name);
	free(e->code_func);
	for (int i = 0; e->sc_args && i < e->sc_nb_args; i++)
		free(e->sc_args[i]);
	free(e->sc_args);
	for (int i = 0; e->sc_types && i < e->sc_nb_args; i++)
		free(e->sc_types[i]);
	free(e->sc_types);
	for (size_t i = 0; i < e->sc_nflags; i++)
		free(e->sc_flags[i].name);
	free(e->sc_flags);
	free(e->hash_fields);
	free_fields(e->fields, e->nfields);
}

void event_db_free(struct event_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->n; i++)
		free_event(&db->ev[i]);
	free(db->ev);
	free(db->by_id);
	free_fields(db->common, db->ncommon);
	while (db->enums) {
		struct enum_cache *next = db->enums->next;

		free(db->enums);
		db->enums = next;
	}
	if (db->tep)
		tep_free(db->tep);
	if (db->tep_nohash)
		tep_free(db->tep_nohash);
	print_opts_free(db);
	modsym_free(db);
	free(db);
}

/*
 * libtraceevent asks us for %ps/%pS symbols; answer from the dump's kallsyms.
 * A previous boot's address is looked up where the reading view has it
 * (persist_addr()), and the start is given back in the recorded address
 * space so that offsets print as that boot printed them.
 */
static char *resolve_function(void *priv, unsigned long long *addrp, char **modp)
{
	const struct event_db *db = priv;
	uint64_t off;
	const char *name =
		kallsyms_lookup(db->tr->ksyms, persist_addr(db->tr, db->printing, *addrp), &off);

	*modp = NULL;
	if (!name)
		return NULL;
	*addrp -= off;
	return (char *)name;
}

struct enum_lookup {
	struct event_db *db;
	struct pmt_target *t;
};

/* Enumerator values for print_fmt rewriting, each asked of the target once. */
static int lookup_enum(void *arg, const char *name, int64_t *value)
{
	struct enum_lookup *el = arg;
	struct enum_cache *c;
	struct pmt_err *err;

	for (c = el->db->enums; c; c = c->next) {
		if (!strcmp(c->name, name)) {
			*value = c->value;
			return c->found ? 0 : -1;
		}
	}
	err = pmt_enumerator(el->t, name, value);
	if (err) {
		/* not cached: another event's scope may define the name */
		pmt_err_free(err);
		return -1;
	}
	c = calloc(1, sizeof(*c) + strlen(name) + 1);
	if (!c)
		return 0;
	strcpy(c->name, name);
	c->found = true;
	c->value = *value;
	c->next = el->db->enums;
	el->db->enums = c;
	return 0;
}

static void load_ptr_key(struct pmt_trace *tr, struct event_db *db)
{
	const struct ftrace_layout *L = &tr->L;
	uint8_t key[16], nohash = 0;
	struct pmt_err *err;

	db->hash_ptrs = false;
	if (L->sym_no_hash_pointers.ok &&
	    pmt_ok(pmt_read(tr->t, L->sym_no_hash_pointers.addr, &nohash, 1)) && nohash)
		return; /* booted with no_hash_pointers: raw values */
	if (!L->sym_ptr_key.ok) {
		diag_degraded(tr, pmt_err_new(PMT_ERR_ABSENT, "no ptr_key symbol"),
			      "%%p values print unhashed");
		return;
	}
	err = pmt_read(tr->t, L->sym_ptr_key.addr, key, sizeof(key));
	if (err) {
		diag_degraded(tr, err, "ptr_key (%%p values print unhashed)");
		return;
	}
	db->ptr_key[0] = pmt_get_u64(tr->t, key);
	db->ptr_key[1] = pmt_get_u64(tr->t, key + 8);
	db->hash_ptrs = true;
}

/* The text libtraceevent parses: the format with a rewritten print_fmt. */
static struct pmt_err *prepare_tep(struct pmt_trace *tr, struct event_db *db, struct event_fmt *e,
				   char **text)
{
	struct enum_lookup el = { .db = db, .t = tr->t };
	struct print_fmt_result r;
	struct event_fmt copy = *e;
	struct pmt_err *err;

	*text = NULL;
	if (!e->print_fmt)
		return NULL;
	/* enum names in print_fmt are defined where the event's code is */
	pmt_scope(tr->t, e->code_func ? e->code_func : "");
	err = print_fmt_rewrite(e->print_fmt, tr->t->word_size, lookup_enum, &el, &r);
	pmt_scope(tr->t, NULL);
	if (err)
		return err;
	copy.print_fmt = r.fmt;
	*text = format_text(db, &copy);
	if (tr->L.sym_trace_check_vprintf.ok) {
		char *q = print_fmt_drop_first_s(r.fmt);

		if (q) {
			copy.print_fmt = q;
			e->tep_nohash_text = format_text(db, &copy);
			free(q);
		}
	}
	if (r.nhash) {
		e->hash_fields = calloc(r.nhash, sizeof(*e->hash_fields));
		for (size_t i = 0; e->hash_fields && i < r.nhash; i++) {
			for (size_t k = 0; k < e->nfields; k++)
				if (!strcmp(e->fields[k].name, r.hash_fields[i]))
					e->hash_fields[e->nhash++] = &e->fields[k];
		}
	}
	print_fmt_result_free(&r);
	return *text ? NULL : &pmt_err_nomem;
}

static int find_common(const struct event_db *db, const char *name, int *size)
{
	for (size_t i = 0; i < db->ncommon; i++) {
		if (!strcmp(db->common[i].name, name)) {
			if (size)
				*size = (int)db->common[i].size;
			return (int)db->common[i].offset;
		}
	}
	return -1;
}

struct pmt_err *event_db_load(struct pmt_trace *tr, struct event_db **out)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	struct event_db *db;
	struct addr_set seen;
	struct pmt_err *err;
	uint64_t head, node;

	*out = NULL;
	if (!L->sym_ftrace_events.ok || !L->call_list.ok || !L->call_class.ok || !L->call_type.ok ||
	    !L->class_system.ok || !L->class_fields.ok || !L->field_link.ok || !L->field_name.ok ||
	    !L->field_type.ok || !L->sym_ftrace_common_fields.ok)
		return pmt_err_new(PMT_ERR_ABSENT, "kernel lacks the event structures we know");
	db = calloc(1, sizeof(*db));
	if (!db)
		return &pmt_err_nomem;
	err = read_fields(tr, L->sym_ftrace_common_fields.addr, &db->common, &db->ncommon);
	if (err) {
		event_db_free(db);
		return pmt_err_prefix(err, "common fields");
	}
	db->common_type_off = find_common(db, "common_type", &db->common_type_size);
	db->common_flags_off = find_common(db, "common_flags", NULL);
	db->common_pc_off = find_common(db, "common_preempt_count", NULL);
	db->common_pid_off = find_common(db, "common_pid", NULL);
	if (db->common_type_off < 0 || db->common_pid_off < 0) {
		event_db_free(db);
		return pmt_err_new(PMT_ERR_CORRUPT, "common fields lack common_type/common_pid");
	}

	/* libtraceevent and %p hashing, set up before any format is read */
	db->tr = tr;
	db->tep = tep_alloc();
	if (!db->tep) {
		event_db_free(db);
		return &pmt_err_nomem;
	}
	tep_set_file_bigendian(db->tep, t->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(db->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
						 ? TEP_BIG_ENDIAN
						 : TEP_LITTLE_ENDIAN);
	tep_set_long_size(db->tep, (int)t->word_size);
	tep_set_page_size(db->tep, (int)t->page_size);
	if (tr->ksyms)
		tep_set_function_resolver(db->tep, resolve_function, db);
	load_ptr_key(tr, db);

	/* the event list: ids only */
	head = L->sym_ftrace_events.addr;
	addr_set_init(&seen);
	err = pmt_read_ulong(t, head + L->lh_next.m.offset, &node);
	while (!err && node != head) {
		struct event_fmt *ne, *e;
		uint64_t call = node - L->call_list.m.offset, v;
		struct pmt_err *eerr;

		if (!node || db->n >= MAX_EVENTS || addr_set_add(&seen, node) != 1) {
			diag_degraded(tr,
				      pmt_err_addr(PMT_ERR_CORRUPT, node,
						   "event list broken at %#" PRIx64
						   " after %zu events",
						   node, db->n),
				      "event formats (later events print raw)");
			break;
		}
		ne = realloc(db->ev, (db->n + 1) * sizeof(*ne));
		if (!ne) {
			err = &pmt_err_nomem;
			break;
		}
		db->ev = ne;
		e = &db->ev[db->n];
		memset(e, 0, sizeof(*e));
		eerr = read_field_val(t, call, &L->call_type, &v);
		if (!eerr && v > MAX_EVENT_ID) /* 0: never registered, never indexed */
			eerr = pmt_err_addr(PMT_ERR_CORRUPT, call, "id %" PRIu64 " past %d", v,
					    MAX_EVENT_ID);
		if (eerr) {
			diag_degraded(tr, eerr, "event at %#" PRIx64 ": id (prints raw)", call);
		} else {
			e->id = (int)v;
			e->call = call;
			db->n++;
		}
		err = pmt_read_ulong(t, node + L->lh_next.m.offset, &node);
	}
	addr_set_free(&seen);
	if (err) {
		diag_degraded(tr, err, "event list (later events print raw)");
		err = NULL;
	}

	/* index by id */
	for (size_t i = 0; i < db->n; i++)
		if (db->ev[i].id > 0 && (size_t)db->ev[i].id > db->max_id)
			db->max_id = (size_t)db->ev[i].id;
	db->by_id = calloc(db->max_id + 1, sizeof(*db->by_id));
	if (!db->by_id) {
		event_db_free(db);
		return &pmt_err_nomem;
	}
	for (size_t i = 0; i < db->n; i++)
		if (db->ev[i].id > 0 && !db->by_id[db->ev[i].id])
			db->by_id[db->ev[i].id] = &db->ev[i];
	*out = db;
	return NULL;
}

/* Read one event's details and format texts (once). */
static void event_load(struct event_db *db, struct event_fmt *e)
{
	struct pmt_trace *tr = db->tr;
	struct pmt_err *err;
	char *tep_text = NULL;
	int id = e->id;
	uint64_t call = e->call;

	if (e->state != EVF_UNREAD)
		return;
	err = read_event(tr, call, e);
	if (!err) {
		e->format_text = format_text(db, e);
		err = e->format_text ? prepare_tep(tr, db, e, &tep_text) : &pmt_err_nomem;
	}
	if (err) {
		diag_degraded(tr, err, "event %d at %#" PRIx64 " (prints raw)", id, call);
		free_event(e);
		memset(e, 0, sizeof(*e));
		e->id = id;
		e->call = call;
		e->state = EVF_BAD;
		return;
	}
	/* parsed by libtraceevent when first printed (event_db_tep()) */
	e->tep_text = tep_text;
	e->state = EVF_LOADED;
}

void event_db_load_all(struct event_db *db)
{
	for (size_t i = 0; db && i < db->n; i++)
		event_load(db, &db->ev[i]);
}

struct tep_event *event_db_tep(struct event_db *db, struct event_fmt *e)
{
	if (!e->tep_text)
		return e->tep;
	if (tep_parse_event(db->tep, e->tep_text, strlen(e->tep_text), e->system) == 0)
		e->tep = tep_find_event(db->tep, e->id);
	free(e->tep_text);
	e->tep_text = NULL; /* tried once, whatever the outcome */
	return e->tep;
}

struct tep_event *event_db_tep_nohash(struct event_db *db, struct event_fmt *e)
{
	struct pmt_target *t = db->tr->t;

	if (!e->tep_nohash_text)
		return e->tep_nohash ? e->tep_nohash : event_db_tep(db, e);
	if (!db->tep_nohash) {
		db->tep_nohash = tep_alloc();
		if (!db->tep_nohash)
			return event_db_tep(db, e);
		tep_set_file_bigendian(db->tep_nohash,
				       t->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
		tep_set_local_bigendian(db->tep_nohash, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
								? TEP_BIG_ENDIAN
								: TEP_LITTLE_ENDIAN);
		tep_set_long_size(db->tep_nohash, (int)t->word_size);
		tep_set_page_size(db->tep_nohash, (int)t->page_size);
		if (db->tr->ksyms)
			tep_set_function_resolver(db->tep_nohash, resolve_function, db);
	}
	if (tep_parse_event(db->tep_nohash, e->tep_nohash_text, strlen(e->tep_nohash_text),
			    e->system) == 0)
		e->tep_nohash = tep_find_event(db->tep_nohash, e->id);
	free(e->tep_nohash_text);
	e->tep_nohash_text = NULL;
	return e->tep_nohash ? e->tep_nohash : event_db_tep(db, e);
}

const struct event_fmt *event_db_find(const struct event_db *db, int id)
{
	struct event_fmt *e;

	if (!db || id <= 0 || (size_t)id > db->max_id || !(e = db->by_id[id]))
		return NULL;
	event_load((struct event_db *)db, e); /* a cache fill: logically const */
	return e->state == EVF_LOADED ? e : NULL;
}

const struct event_fmt *event_db_lookup(const struct event_db *db, const char *spec)
{
	const char *colon = strchr(spec, ':');

	if (!db)
		return NULL;
	event_db_load_all((struct event_db *)db);
	for (size_t i = 0; i < db->n; i++) {
		const struct event_fmt *e = &db->ev[i];

		if (e->state != EVF_LOADED)
			continue;
		if (colon) {
			if (strlen(e->system) == (size_t)(colon - spec) &&
			    !strncmp(e->system, spec, (size_t)(colon - spec)) &&
			    !strcmp(e->name, colon + 1))
				return e;
		} else if (!strcmp(e->name, spec)) {
			return e;
		}
	}
	return NULL;
}

/*
 * Building a database from another source than the kernel's run-time event
 * list (lib/event_formats.c: tracefs format files, for raw persistent
 * ranges). The same libtraceevent setup; pointers print unhashed.
 */
struct event_db *event_db_new(struct pmt_trace *tr, struct event_field *common, size_t ncommon)
{
	struct event_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->tr = tr;
	db->common = common;
	db->ncommon = ncommon;
	db->common_type_off = find_common(db, "common_type", &db->common_type_size);
	db->common_flags_off = find_common(db, "common_flags", NULL);
	db->common_pc_off = find_common(db, "common_preempt_count", NULL);
	db->common_pid_off = find_common(db, "common_pid", NULL);
	db->tep = tep_alloc();
	if (!db->tep || db->common_type_off < 0 || db->common_pid_off < 0) {
		event_db_free(db);
		return NULL;
	}
	tep_set_file_bigendian(db->tep, tr->t->big_endian ? TEP_BIG_ENDIAN : TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(db->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
						 ? TEP_BIG_ENDIAN
						 : TEP_LITTLE_ENDIAN);
	tep_set_long_size(db->tep, (int)tr->t->word_size);
	tep_set_page_size(db->tep, (int)tr->t->page_size);
	if (tr->ksyms)
		tep_set_function_resolver(db->tep, resolve_function, db);
	return db;
}

struct pmt_err *event_db_add(struct event_db *db, struct event_fmt *e)
{
	struct event_fmt *ne, *d;
	struct pmt_err *err;
	char *tep_text = NULL;

	if (e->id > MAX_EVENT_ID) {
		err = pmt_err_new(PMT_ERR_CORRUPT, "%s: id %d past %d", e->name ? e->name : "?",
				  e->id, MAX_EVENT_ID);
		free_event(e);
		return err;
	}
	ne = realloc(db->ev, (db->n + 1) * sizeof(*ne));
	if (!ne) {
		free_event(e);
		return &pmt_err_nomem;
	}
	db->ev = ne;
	d = &db->ev[db->n++];
	*d = *e; /* ownership moves */
	memset(e, 0, sizeof(*e));
	if (d->kind == EV_GENERIC)
		classify(d);
	d->format_text = format_text(db, d);
	err = d->format_text ? prepare_tep(db->tr, db, d, &tep_text) : &pmt_err_nomem;
	if (err) {
		d->state = EVF_BAD;
		return err;
	}
	d->tep_text = tep_text;
	d->state = EVF_LOADED;
	return NULL;
}

struct pmt_err *event_db_index(struct event_db *db)
{
	free(db->by_id);
	db->max_id = 0;
	for (size_t i = 0; i < db->n; i++)
		if (db->ev[i].id > 0 && (size_t)db->ev[i].id > db->max_id)
			db->max_id = (size_t)db->ev[i].id;
	db->by_id = calloc(db->max_id + 1, sizeof(*db->by_id));
	if (!db->by_id)
		return &pmt_err_nomem;
	for (size_t i = 0; i < db->n; i++)
		if (db->ev[i].id > 0 && !db->by_id[db->ev[i].id])
			db->by_id[db->ev[i].id] = &db->ev[i];
	return NULL;
}

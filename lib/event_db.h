/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Event formats rebuilt from the dump: the kernel's `ftrace_events` list
 * (struct trace_event_call -> class -> fields), the common fields, print_fmt
 * and ids, plus syscall metadata. Each event's tracefs `format` text is
 * rebuilt byte for byte as the kernel prints it (f_show() in
 * trace_events.c) and handed to libtraceevent, which does the parsing and
 * the printing of ordinary events. Events the kernel prints with its own C
 * code rather than print_fmt (function, print, bputs, bprint, syscalls) are
 * tagged with a kind so the text writer can print them the kernel's way.
 */
#ifndef PMTRACE_EVENT_DB_H
#define PMTRACE_EVENT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pmtrace/target.h"

struct pmt_trace;
struct tep_handle;
struct tep_event;
struct enum_cache;

enum event_kind {
	EV_GENERIC = 0,	  /* printed from print_fmt by libtraceevent */
	EV_FUNCTION,	  /* ftrace:function: "ip <-parent_ip" */
	EV_PRINT,	  /* ftrace:print (trace_marker): "ip: buf" */
	EV_BPUTS,	  /* ftrace:bputs: "ip: *str" */
	EV_BPRINT,	  /* ftrace:bprint: "ip: vbin_printf(fmt, buf)" */
	EV_SYSCALL_ENTER, /* syscalls:sys_enter_*: "sys_x(arg: %lx, ...)" */
	EV_SYSCALL_EXIT,  /* syscalls:sys_exit_*: "sys_x -> 0x%lx" */
};

struct event_field {
	char *name, *type;
	uint32_t offset, size;
	bool is_signed;
};

enum event_fmt_state {
	EVF_UNREAD = 0, /* only the id and the call address are known yet */
	EVF_LOADED,	/* everything below is filled */
	EVF_BAD,	/* could not be read (diagnosed): events of this id print raw */
};

struct event_fmt {
	int id;
	uint64_t call; /* struct trace_event_call */
	enum event_fmt_state state;
	char *system, *name;
	char *print_fmt;
	char *format_text; /* the tracefs format file */
	enum event_kind kind;
	struct event_field *fields; /* in definition order, common fields excluded */
	size_t nfields;
	/* syscalls */
	char *sc_name; /* "sys_openat" */
	int sc_nb_args;
	char **sc_args;	       /* argument names */
	struct tep_event *tep; /* NULL until event_db_tep() parsed it */
	char *tep_text;	       /* format text for libtraceevent, until parsed */
	char *code_func;       /* the class's probe function: where its print code was compiled */
	/* fields printed with plain %p: hashed before libtraceevent sees them */
	const struct event_field **hash_fields;
	size_t nhash;
};

/*
 * Formats are read lazily: loading walks the event list for ids only; an
 * event's name, fields and print format are read from the dump when an event
 * of its id is first printed (a trace uses a few dozen of ~1500). Writers that
 * need every format (the tree, trace.dat) call event_db_load_all() first.
 */
struct event_db {
	struct pmt_trace *tr; /* for reading details and reporting problems */
	struct event_fmt *ev; /* in ftrace_events list order; see state */
	size_t n;
	struct event_fmt **by_id; /* index by id, NULL where unused */
	size_t max_id;
	struct event_field *common;
	size_t ncommon;
	/* offsets of the common fields we interpret */
	int common_type_off, common_type_size;
	int common_flags_off, common_pc_off, common_pid_off;
	struct tep_handle *tep;
	/* %p hashing: the dump's ptr_key; hash_ptrs false prints raw values */
	bool hash_ptrs;
	uint64_t ptr_key[2];
	/* enumerators already asked for (name -> value, or absent) */
	struct enum_cache *enums;
};

struct pmt_err *event_db_resolve_types(struct pmt_target *t);
struct pmt_err *event_db_load(struct pmt_trace *tr, struct event_db **out);
void event_db_free(struct event_db *db);
/* The event parsed by libtraceevent, parsing it on first use (NULL if it
 * does not parse). */
struct tep_event *event_db_tep(struct event_db *db, struct event_fmt *e);
/* The format of id, read on first use; NULL if unknown or unreadable.
 * (const: reading a detail lazily does not change what the db describes) */
const struct event_fmt *event_db_find(const struct event_db *db, int id);
/* Read every format now (writers that list them all). */
void event_db_load_all(struct event_db *db);
/* Look up "sys:name" or "name"; NULL if none. */
const struct event_fmt *event_db_lookup(const struct event_db *db, const char *spec);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Event formats from tracefs `format` files (see event_db.h), for traces
 * that have no kernel event list to read: raw images of persistent ranges.
 * A previous boot's event ids were assigned at its boot; a kernel of the
 * same build assigns its built-in events the same ids, so its tracefs (the
 * rebooted machine's /sys/kernel/tracing) or a `pmtrace dump` of any dump of
 * that build names the range's events.
 *
 *	name: sched_switch
 *	ID: 310
 *	format:
 *		field:unsigned short common_type;	offset:0;	size:2;	signed:0;
 *		...
 *
 *		field:char prev_comm[16];	offset:8;	size:16;	signed:0;
 *		...
 *
 *	print fmt: "prev_comm=%s ...", REC->prev_comm, ...
 *
 * Everything is bounded: file size, fields per event, events; a file that
 * does not parse is reported and left out.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "event_db.h"
#include "trace_internal.h"

#define MAX_FORMAT_FILE (1u << 20)
#define MAX_FIELDS	1024
#define MAX_EVENTS	65536

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = malloc(MAX_FORMAT_FILE + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, MAX_FORMAT_FILE + 1, f);
	fclose(f);
	if (n > MAX_FORMAT_FILE) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void free_fields(struct event_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].type);
	}
	free(f);
}

/*
 * "field:TYPE NAME[LEN];\toffset:N;\tsize:N;\tsigned:N;" into f: the array
 * part goes to the type ("char[16]"), the convention of event_db.h, except
 * for __data_loc types, which carry their brackets already.
 */
static bool parse_field(const char *line, struct event_field *f)
{
	const char *decl = line + strlen("field:"), *semi = strchr(decl, ';'), *sp, *br;
	unsigned int off, size, sgn;
	const char *rest;

	memset(f, 0, sizeof(*f));
	if (!semi)
		return false;
	rest = strstr(semi, "offset:");
	if (!rest || sscanf(rest, "offset:%u;\tsize:%u;\tsigned:%u;", &off, &size, &sgn) != 3)
		return false;
	for (sp = semi; sp > decl && sp[-1] != ' ';)
		sp--;
	if (sp <= decl + 1)
		return false;
	br = memchr(sp, '[', (size_t)(semi - sp));
	if (br && strncmp(decl, "__data_loc", 10)) {
		if (asprintf(&f->type, "%.*s%.*s", (int)(sp - 1 - decl), decl, (int)(semi - br),
			     br) < 0)
			f->type = NULL;
		f->name = strndup(sp, (size_t)(br - sp));
	} else {
		f->type = strndup(decl, (size_t)(sp - 1 - decl));
		f->name = strndup(sp, (size_t)(semi - sp));
	}
	f->offset = off;
	f->size = size;
	f->is_signed = sgn != 0;
	if (!f->type || !f->name || !*f->name) {
		free(f->type);
		free(f->name);
		return false;
	}
	return true;
}

/* Parse one format file; *common (when NULL) receives its common fields. */
static bool parse_format(char *text, const char *system, struct event_fmt *e,
			 struct event_field **common, size_t *ncommon)
{
	struct event_field *fields = NULL, *cf = NULL;
	size_t nf = 0, nc = 0;
	bool in_common = true, ok = false;
	char *line, *save = NULL;
	int id = -1;

	memset(e, 0, sizeof(*e));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *l = line;

		while (*l == '\t' || *l == ' ')
			l++;
		if (!strncmp(l, "name: ", 6)) {
			free(e->name);
			e->name = strdup(l + 6);
		} else if (!strncmp(l, "ID: ", 4)) {
			id = atoi(l + 4);
		} else if (!strncmp(l, "field:", 6)) {
			struct event_field f, *nfp;
			/* the common fields come first, before a blank line */
			bool is_common = in_common && strstr(l, " common_");

			if (!parse_field(l, &f))
				goto out;
			if (!is_common)
				in_common = false;
			if ((is_common ? nc : nf) >= MAX_FIELDS) {
				free(f.name);
				free(f.type);
				goto out;
			}
			nfp = realloc(is_common ? cf : fields,
				      ((is_common ? nc : nf) + 1) * sizeof(*nfp));
			if (!nfp) {
				free(f.name);
				free(f.type);
				goto out;
			}
			if (is_common) {
				cf = nfp;
				cf[nc++] = f;
			} else {
				fields = nfp;
				fields[nf++] = f;
			}
		} else if (!strncmp(l, "print fmt: ", 11)) {
			free(e->print_fmt);
			e->print_fmt = strdup(l + 11);
		}
	}
	if (!e->name || id <= 0 || !nc)
		goto out;
	e->id = id;
	e->system = strdup(system);
	e->fields = fields;
	e->nfields = nf;
	fields = NULL;
	nf = 0;
	if (!e->system)
		goto out;
	if (!*common) {
		*common = cf;
		*ncommon = nc;
		cf = NULL;
		nc = 0;
	}
	ok = true;
out:
	free_fields(fields, nf);
	free_fields(cf, nc);
	return ok;
}

/* syscalls:sys_enter_X / sys_exit_X print with the kernel's own code: their
 * name and argument names (the fields that are not __syscall_nr/__*_val). */
static bool syscall_details(struct event_fmt *e)
{
	bool enter = !strncmp(e->name, "sys_enter_", 10);

	if (strcmp(e->system, "syscalls") || (!enter && strncmp(e->name, "sys_exit_", 9)))
		return true;
	e->kind = enter ? EV_SYSCALL_ENTER : EV_SYSCALL_EXIT;
	if (asprintf(&e->sc_name, "sys_%s", e->name + (enter ? 10 : 9)) < 0) {
		e->sc_name = NULL;
		return false;
	}
	if (!enter)
		return true;
	e->sc_args = calloc(e->nfields ? e->nfields : 1, sizeof(char *));
	if (!e->sc_args)
		return false;
	for (size_t i = 0; i < e->nfields; i++) {
		if (!strncmp(e->fields[i].name, "__", 2))
			continue;
		e->sc_args[e->sc_nb_args] = strdup(e->fields[i].name);
		if (!e->sc_args[e->sc_nb_args])
			return false;
		e->sc_nb_args++;
	}
	return true;
}

static void free_fmt(struct event_fmt *e)
{
	free(e->name);
	free(e->system);
	free(e->print_fmt);
	free(e->sc_name);
	for (int i = 0; e->sc_args && i < e->sc_nb_args; i++)
		free(e->sc_args[i]);
	free(e->sc_args);
	free_fields(e->fields, e->nfields);
	memset(e, 0, sizeof(*e));
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

struct pmt_err *event_db_load_formats(struct pmt_trace *tr, const char *dir, struct event_db **out)
{
	struct event_field *common = NULL;
	struct event_fmt *evs = NULL;
	size_t ncommon = 0, nev = 0, bad = 0;
	struct event_db *db;
	struct pmt_err *err = NULL;
	char *root = NULL;
	struct dirent *sd;
	DIR *sys;

	*out = NULL;
	/* DIR/events (a tracefs mount, a pmtrace dump tree) or DIR itself */
	if (asprintf(&root, "%s/events", dir) < 0)
		return &pmt_err_nomem;
	if (!is_dir(root)) {
		free(root);
		root = strdup(dir);
		if (!root)
			return &pmt_err_nomem;
	}
	sys = opendir(root);
	if (!sys) {
		err = pmt_err_new(PMT_ERR_IO, "event formats: cannot open %s", root);
		free(root);
		return err;
	}
	while ((sd = readdir(sys)) && nev < MAX_EVENTS) {
		char *sysdir;
		struct dirent *ed;
		DIR *evd;

		if (sd->d_name[0] == '.' || asprintf(&sysdir, "%s/%s", root, sd->d_name) < 0)
			continue;
		evd = is_dir(sysdir) ? opendir(sysdir) : NULL;
		while (evd && (ed = readdir(evd)) && nev < MAX_EVENTS) {
			char *path, *text;
			size_t len;
			struct event_fmt e, *ne;

			if (ed->d_name[0] == '.' ||
			    asprintf(&path, "%s/%s/format", sysdir, ed->d_name) < 0)
				continue;
			text = slurp(path, &len);
			if (!text) {
				free(path);
				continue; /* not an event directory */
			}
			if (!parse_format(text, sd->d_name, &e, &common, &ncommon) ||
			    !syscall_details(&e)) {
				free_fmt(&e);
				bad++;
				diag_degraded(
					tr, pmt_err_new(PMT_ERR_FORMAT, "%s does not parse", path),
					"event formats");
			} else if ((ne = realloc(evs, (nev + 1) * sizeof(*ne)))) {
				evs = ne;
				evs[nev++] = e;
			} else {
				free_fmt(&e);
			}
			free(text);
			free(path);
		}
		if (evd)
			closedir(evd);
		free(sysdir);
	}
	closedir(sys);
	if (!nev) {
		free_fields(common, ncommon);
		free(evs);
		err = pmt_err_new(PMT_ERR_ABSENT, "event formats: no format file under %s", root);
		free(root);
		return err;
	}
	free(root);
	db = event_db_new(tr, common, ncommon);
	if (!db) {
		for (size_t i = 0; i < nev; i++)
			free_fmt(&evs[i]);
		free(evs);
		return pmt_err_new(PMT_ERR_FORMAT, "event formats: no usable common fields");
	}
	for (size_t i = 0; i < nev; i++) {
		struct pmt_err *e2 = event_db_add(db, &evs[i]);

		if (e2)
			diag_degraded(tr, e2, "event format (prints raw)");
	}
	free(evs);
	err = event_db_index(db);
	if (err) {
		event_db_free(db);
		return err;
	}
	*out = db;
	(void)bad;
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `dump -o DIR`: a tracefs-shaped tree that trace-cmd and scripts can read.
 *
 *   DIR/trace                          merged text of the global buffer
 *   DIR/saved_cmdlines, DIR/kallsyms
 *   DIR/events/header_page, header_event, <sys>/<event>/format
 *   DIR/per_cpu/cpuN/trace_pipe_raw    the unread pages, as splice would
 *                                      hand them out
 *   DIR/per_cpu/cpuN/trace             that CPU's text
 *   DIR/instances/<name>/...           the same per instance
 *
 * trace_pipe_raw holds only unconsumed data: a partly read reader page is
 * rewritten the way ring_buffer_read_page() copies it — the unread events
 * moved to the front, the page time stamp set to the reader's time stamp at
 * that point, commit reduced accordingly.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmdlines.h"
#include "diag.h"
#include "event_db.h"
#include "kallsyms.h"
#include "output.h"
#include "stream.h"

static struct pmt_err *mkdirs(const char *path)
{
	char *p = strdup(path);

	if (!p)
		return &pmt_err_nomem;
	for (char *s = p + 1;; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, 0755) && errno != EEXIST) {
				struct pmt_err *err =
					pmt_err_new(PMT_ERR_IO, "mkdir %s: %s", p, strerror(errno));

				free(p);
				return err;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return NULL;
}

static struct pmt_err *open_out(const char *dir, const char *name, FILE **f)
{
	char *path;
	struct pmt_err *err;
	char *slash;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return &pmt_err_nomem;
	slash = strrchr(path, '/');
	*slash = '\0';
	err = mkdirs(path);
	*slash = '/';
	if (!err) {
		*f = fopen(path, "w");
		if (!*f)
			err = pmt_err_new(PMT_ERR_IO, "create %s: %s", path, strerror(errno));
	}
	free(path);
	return err;
}

static struct pmt_err *close_out(FILE *f, const char *name)
{
	if (ferror(f) | fclose(f))
		return pmt_err_new(PMT_ERR_IO, "writing %s failed", name);
	return NULL;
}

/* The unread pages, one after another, as trace_pipe_raw would hand them out. */
static struct pmt_err *write_raw_pages(struct pmt_trace *tr, struct trace_buf *b,
				       struct cpu_stream *cs, FILE *f)
{
	uint8_t *page = malloc(b->subbuf_size);

	if (!page)
		return &pmt_err_nomem;
	for (size_t i = 0; i < cs->npages; i++)
		if (stream_raw_page(tr, b, cs, i, page) == RAW_PAGE_DATA)
			fwrite(page, 1, b->subbuf_size, f);
	free(page);
	return NULL;
}

static struct pmt_err *write_buffer(struct pmt_trace *tr, struct trace_buf *b, const char *dir)
{
	struct pmt_filter filter = { .instance = b->name ? b->name : NULL };
	struct pmt_err *err;
	char name[64];
	FILE *f;

	err = open_out(dir, "trace", &f);
	if (err)
		return err;
	err = pmt_write_text(tr, &filter, f);
	if (err) {
		fclose(f);
		return err;
	}
	err = close_out(f, "trace");
	for (int c = 0; !err && c < b->nr_cpus; c++) {
		struct cpu_stream *cs = &b->cpus[c];

		if (!cs->present)
			continue;
		snprintf(name, sizeof(name), "per_cpu/cpu%d/trace_pipe_raw", c);
		err = open_out(dir, name, &f);
		if (err)
			break;
		err = write_raw_pages(tr, b, cs, f);
		if (!err)
			err = close_out(f, name);
		else
			fclose(f);
		if (err)
			break;
		snprintf(name, sizeof(name), "per_cpu/cpu%d/trace", c);
		err = open_out(dir, name, &f);
		if (err)
			break;
		memset(filter.cpu_mask, 0, sizeof(filter.cpu_mask));
		filter.cpu_mask[c / 64] |= 1ULL << (c % 64);
		err = pmt_write_text(tr, &filter, f);
		memset(filter.cpu_mask, 0, sizeof(filter.cpu_mask));
		if (!err)
			err = close_out(f, name);
		else
			fclose(f);
	}
	return err;
}

static void header_page(const struct pmt_trace *tr, FILE *f)
{
	const struct trace_buf *b = tr->nbufs ? &tr->bufs[0] : NULL;
	unsigned int commit_off = (unsigned int)tr->L.bdp_commit.m.offset;
	unsigned int commit_size = (unsigned int)tr->L.bdp_commit.m.size;
	unsigned int data_off = (unsigned int)tr->L.bdp_data.m.offset;
	unsigned int subbuf = b ? b->subbuf_size : (unsigned int)tr->t->page_size;
	unsigned int major = 0, minor = 0;
	int char_signed;

	/* is_signed_type(char): kernels since 6.2 build with -funsigned-char */
	if (sscanf(tr->t->release, "%u.%u", &major, &minor) == 2)
		char_signed = major < 6 || (major == 6 && minor < 2);
	else
		char_signed = 0;
	fprintf(f, "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n");
	fprintf(f, "\tfield: local_t commit;\toffset:%u;\tsize:%u;\tsigned:1;\n", commit_off,
		commit_size);
	/* "int overwrite; signed:1" became "char overwrite; signed:<char>" in
	 * a kernel between 6.12 (seen int) and 7.2 (seen char); 6.14 assumed */
	if (major > 6 || (major == 6 && minor >= 14))
		fprintf(f, "\tfield: char overwrite;\toffset:%u;\tsize:1;\tsigned:%d;\n",
			commit_off, char_signed);
	else
		fprintf(f, "\tfield: int overwrite;\toffset:%u;\tsize:1;\tsigned:1;\n", commit_off);
	fprintf(f, "\tfield: char data;\toffset:%u;\tsize:%u;\tsigned:%d;\n", data_off,
		subbuf - data_off, char_signed);
}

static void header_event(FILE *f)
{
	fprintf(f, "# compressed entry header\n"
		   "\ttype_len    :    5 bits\n"
		   "\ttime_delta  :   27 bits\n"
		   "\tarray       :   32 bits\n"
		   "\n"
		   "\tpadding     : type == 29\n"
		   "\ttime_extend : type == 30\n"
		   "\ttime_stamp : type == 31\n"
		   "\tdata max type_len  == 28\n");
}

struct pmt_err *pmt_write_tree(struct pmt_trace *tr, const char *dir)
{
	struct pmt_err *err = mkdirs(dir);
	FILE *f;

	if (err)
		return err;
	err = open_out(dir, "saved_cmdlines", &f);
	if (err)
		return err;
	cmdlines_write(tr->cmds, f);
	err = close_out(f, "saved_cmdlines");
	if (!err)
		err = open_out(dir, "kallsyms", &f);
	if (err)
		return err;
	kallsyms_write(tr->ksyms, f);
	err = close_out(f, "kallsyms");
	if (!err)
		err = open_out(dir, "events/header_page", &f);
	if (err)
		return err;
	header_page(tr, f);
	err = close_out(f, "events/header_page");
	if (!err)
		err = open_out(dir, "events/header_event", &f);
	if (err)
		return err;
	header_event(f);
	err = close_out(f, "events/header_event");
	event_db_load_all(tr->events);
	for (size_t i = 0; !err && tr->events && i < tr->events->n; i++) {
		const struct event_fmt *e = &tr->events->ev[i];
		char *name;

		if (e->state != EVF_LOADED)
			continue;
		if (strchr(e->system, '/') || strchr(e->name, '/') || !strcmp(e->name, "..") ||
		    !strcmp(e->system, ".."))
			continue; /* never let a name from the dump escape DIR */
		if (asprintf(&name, "events/%s/%s/format", e->system, e->name) < 0)
			return &pmt_err_nomem;
		err = open_out(dir, name, &f);
		if (!err) {
			fputs(e->format_text, f);
			err = close_out(f, name);
		}
		free(name);
	}
	for (size_t i = 0; !err && i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		char *sub;

		if (!b->name) {
			err = write_buffer(tr, b, dir);
			continue;
		}
		if (strchr(b->name, '/') || !strcmp(b->name, "..") || !strcmp(b->name, ".")) {
			diag_add(tr, PMT_ERR_UNSUPPORTED, (struct diag_where){ b->name, -1, 0 },
				 b->addr,
				 "instance name is not a safe directory name; not written");
			continue;
		}
		if (asprintf(&sub, "%s/instances/%s", dir, b->name) < 0)
			return &pmt_err_nomem;
		err = write_buffer(tr, b, sub);
		free(sub);
	}
	return err;
}

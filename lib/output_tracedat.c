// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `dump -t FILE`: a trace.dat file, so that a dump opens in `trace-cmd
 * report` and KernelShark as if the trace had been recorded live.
 *
 * The format is trace-cmd's (Documentation/trace-cmd/trace-cmd.dat.v6.5.txt
 * and .v7.5.txt; what its readers accept in practice is taken from
 * lib/trace-cmd/trace-input.c). Both versions carry the same payloads:
 *
 *   headers        "header_page\0" u64 len text "header_event\0" u64 len text
 *   ftrace events  u32 n, n x (u64 len, format text)     (system "ftrace")
 *   event formats  u32 systems, per system: name\0 u32 n, n x (u64 len, text)
 *   kallsyms       u32 len, /proc/kallsyms text
 *   printk         u32 len, printk_formats text
 *   cmdlines       u64 len, saved_cmdlines text
 *   per buffer and CPU: the unread pages, each exactly as trace_pipe_raw
 *                  hands it out (stream_raw_page()), page-aligned in the file
 *
 * v7 (the default): a header (magic, "7", endianness, long size, page size,
 * compression name and version, offset of the options), then a sequence of
 * sections, each "u16 id, u16 flags, u32 description (an offset into the
 * strings section), u64 size" and its body; metadata bodies compressed as
 * one block (u32 compressed size, u32 size, data), trace data in chunks of
 * PAGES_PER_CHUNK pages (u32 count, then per chunk u32 compressed size, u32
 * size, data). The sections follow each other with no gap, since readers
 * find the strings section by walking them from the start:
 *
 *   HEADER_INFO FTRACE_EVENTS EVENT_FORMATS KALLSYMS PRINTK CMDLINES
 *   BUFFER(global) BUFFER(instance)... OPTIONS STRINGS
 *
 * The options come last, so they can say what the pages turned out to be:
 * one BUFFER option per buffer (offset, name, clock, sub-buffer size, per
 * CPU: id, offset, size), a CPUSTAT per CPU (the kernel's counters plus the
 * pages that could not be read), TRACECLOCK, UNAME, VERSION, CPUCOUNT and
 * LAST_BOOT_INFO for instances that hold the previous boot.
 *
 * v6: the payloads one after another, u32 CPU count, "options  \0", the
 * options ending with u16 0, "flyrecord\0", per CPU u64 offset and size,
 * u64 len + "[clock]", the pages; each instance then as "flyrecord\0", its
 * table, its clock and its pages, found from its BUFFER option. The file
 * header gives the one page size of the whole file, so buffers whose
 * sub-buffer sizes differ are refused. The options come before the pages
 * here, so v6 pages are first staged in an unlinked scratch file next to the
 * output and copied in once the CPUSTATs are known.
 *
 * Memory: one sub-buffer (a chunk, when compressing) per CPU being written,
 * plus the metadata text; never the trace.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmdlines.h"
#include "diag.h"
#include "event_db.h"
#include "header_page.h"
#include "kallsyms.h"
#include "persistent.h"
#include "stream.h"
#include "tracedat_compress.h"
#include "tracedat_meta.h"

#ifndef PMTRACE_VERSION
#define PMTRACE_VERSION "unknown"
#endif

/* trace-cmd's option and section ids (trace-cmd-private.h) */
enum {
	OPT_DONE = 0,
	OPT_CPUSTAT = 2,
	OPT_BUFFER = 3,
	OPT_TRACECLOCK = 4,
	OPT_UNAME = 5,
	OPT_CPUCOUNT = 8,
	OPT_VERSION = 9,
	SEC_STRINGS = 15,
	SEC_HEADER_INFO = 16,
	SEC_FTRACE_EVENTS = 17,
	SEC_EVENT_FORMATS = 18,
	SEC_KALLSYMS = 19,
	SEC_PRINTK = 20,
	SEC_CMDLINES = 21,
	OPT_LAST_BOOT_INFO = 24,
};

#define SEC_FL_COMPRESS 1
/* trace-cmd compresses 10 pages per chunk; readers handle any multiple */
#define PAGES_PER_CHUNK	 10
#define OUT_BUF		 (1u << 20)
#define CPUSTAT_MAX_LIST 32 /* page addresses listed per CPU, the rest counted */

/* ---- bytes in memory, numbers in the file's (the target's) byte order ---- */

struct mem {
	uint8_t *p;
	size_t len, cap;
	bool big_endian;
	bool oom;
};

static void mem_bytes(struct mem *m, const void *p, size_t n)
{
	if (m->oom)
		return;
	if (m->len + n > m->cap) {
		size_t cap = m->cap ? m->cap : 4096;
		uint8_t *np;

		while (cap < m->len + n)
			cap *= 2;
		np = realloc(m->p, cap);
		if (!np) {
			m->oom = true;
			return;
		}
		m->p = np;
		m->cap = cap;
	}
	memcpy(m->p + m->len, p, n);
	m->len += n;
}

static void encode(bool big_endian, uint8_t *p, uint64_t v, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (big_endian ? 8 * (n - 1 - i) : 8 * i));
}

static void mem_uint(struct mem *m, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	encode(m->big_endian, b, v, n);
	mem_bytes(m, b, n);
}

static void mem_str(struct mem *m, const char *s)
{
	mem_bytes(m, s, strlen(s) + 1);
}

/* A text made by a FILE writer, as (size of `lensize` bytes, text). */
static void mem_text(struct mem *m, unsigned int lensize, const char *text, size_t len)
{
	mem_uint(m, len, lensize);
	mem_bytes(m, text, len);
}

/* ---- the output file: buffered, with patches of what is known later ---- */

struct out {
	int fd;
	const char *name; /* for messages */
	bool big_endian;
	uint8_t *buf;
	size_t len;   /* pending bytes in buf */
	uint64_t pos; /* file offset after the pending bytes */
	struct pmt_err *err;
};

static void out_write_all(struct out *o, const uint8_t *p, size_t n)
{
	while (!o->err && n) {
		ssize_t k = write(o->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			o->err = pmt_err_new(PMT_ERR_IO, "writing %s: %s", o->name,
					     k < 0 ? strerror(errno) : "short write");
			break;
		}
		p += k;
		n -= (size_t)k;
	}
}

static void out_flush(struct out *o);

static void out_bytes(struct out *o, const void *p, size_t n)
{
	if (o->err)
		return;
	o->pos += n;
	if (n >= OUT_BUF) { /* large blocks go straight out */
		out_flush(o);
		out_write_all(o, p, n);
		return;
	}
	while (n && !o->err) {
		size_t k = OUT_BUF - o->len < n ? OUT_BUF - o->len : n;

		memcpy(o->buf + o->len, p, k);
		o->len += k;
		p = (const uint8_t *)p + k;
		n -= k;
		if (o->len == OUT_BUF)
			out_flush(o);
	}
}

static void out_uint(struct out *o, uint64_t v, unsigned int n)
{
	uint8_t b[8];

	encode(o->big_endian, b, v, n);
	out_bytes(o, b, n);
}

static void out_zeros(struct out *o, uint64_t n)
{
	static const uint8_t z[4096];

	while (n) {
		size_t k = n < sizeof(z) ? (size_t)n : sizeof(z);

		out_bytes(o, z, k);
		n -= k;
	}
}

static void out_align(struct out *o, uint64_t align)
{
	if (align && o->pos % align)
		out_zeros(o, align - o->pos % align);
}

static void out_flush(struct out *o)
{
	out_write_all(o, o->buf, o->len);
	o->len = 0;
}

/* Overwrite an n-byte number written earlier at file offset `at`. */
static void out_patch(struct out *o, uint64_t at, uint64_t v, unsigned int n)
{
	uint64_t flushed = o->pos - o->len;
	uint8_t b[8];

	if (o->err)
		return;
	encode(o->big_endian, b, v, n);
	if (at >= flushed) {
		memcpy(o->buf + (at - flushed), b, n);
		return;
	}
	out_flush(o);
	if (!o->err && pwrite(o->fd, b, n, (off_t)at) != (ssize_t)n)
		o->err = pmt_err_new(PMT_ERR_IO, "writing %s: %s", o->name, strerror(errno));
}

/* ---- the payloads both versions carry ---- */

/* Run a FILE writer into a malloc'd text. */
#define TEXT_OF(buf, len, call)                            \
	do {                                               \
		FILE *m_ = open_memstream(&(buf), &(len)); \
		if (m_) {                                  \
			FILE *out = m_;                    \
			call;                              \
			if (fclose(m_)) {                  \
				free(buf);                 \
				(buf) = NULL;              \
			}                                  \
		}                                          \
	} while (0)

struct payloads {
	struct mem headers, ftrace, events, kallsyms, printk, cmdlines;
};

static void payloads_free(struct payloads *p)
{
	free(p->headers.p);
	free(p->ftrace.p);
	free(p->events.p);
	free(p->kallsyms.p);
	free(p->printk.p);
	free(p->cmdlines.p);
}

static bool event_written(const struct event_fmt *e)
{
	return e->state == EVF_LOADED && e->format_text && *e->format_text;
}

static void build_event_formats(struct pmt_trace *tr, struct payloads *p)
{
	const struct event_db *db = tr->events;
	const char **systems = NULL;
	size_t nsys = 0, nftrace = 0;

	/* formats are read on first use: all of them now (failures diagnosed) */
	if (tr->events)
		event_db_load_all(tr->events);
	for (size_t i = 0; db && i < db->n; i++) {
		const struct event_fmt *e = &db->ev[i];
		size_t k;

		if (!event_written(e))
			continue;
		if (!strcmp(e->system, "ftrace")) {
			nftrace++;
			continue;
		}
		for (k = 0; k < nsys && strcmp(systems[k], e->system); k++)
			;
		if (k == nsys) {
			const char **ns = realloc(systems, (nsys + 1) * sizeof(*ns));

			if (!ns) {
				p->events.oom = true;
				break;
			}
			systems = ns;
			systems[nsys++] = e->system;
		}
	}
	mem_uint(&p->ftrace, nftrace, 4);
	for (size_t i = 0; db && i < db->n; i++)
		if (event_written(&db->ev[i]) && !strcmp(db->ev[i].system, "ftrace"))
			mem_text(&p->ftrace, 8, db->ev[i].format_text,
				 strlen(db->ev[i].format_text));
	/* systems in the order their first event was registered */
	mem_uint(&p->events, nsys, 4);
	for (size_t k = 0; k < nsys; k++) {
		uint32_t n = 0;

		for (size_t i = 0; i < db->n; i++)
			n += event_written(&db->ev[i]) && !strcmp(db->ev[i].system, systems[k]);
		mem_str(&p->events, systems[k]);
		mem_uint(&p->events, n, 4);
		for (size_t i = 0; i < db->n; i++)
			if (event_written(&db->ev[i]) && !strcmp(db->ev[i].system, systems[k]))
				mem_text(&p->events, 8, db->ev[i].format_text,
					 strlen(db->ev[i].format_text));
	}
	free(systems);
}

static struct pmt_err *build_payloads(struct pmt_trace *tr, struct payloads *p)
{
	bool be = tr->t->big_endian;
	char *text = NULL;
	size_t len = 0;

	memset(p, 0, sizeof(*p));
	p->headers.big_endian = p->ftrace.big_endian = p->events.big_endian = be;
	p->kallsyms.big_endian = p->printk.big_endian = p->cmdlines.big_endian = be;

	/* header_page describes the global buffer, whose sub-buffer size is the
	 * file's page size (the header's in v6 and v7) */
	TEXT_OF(text, len, header_page_write(tr, tr->nbufs ? &tr->bufs[0] : NULL, out));
	if (!text)
		return &pmt_err_nomem;
	mem_bytes(&p->headers, "header_page", 12);
	mem_text(&p->headers, 8, text, len);
	free(text);
	TEXT_OF(text, len, header_event_write(out));
	if (!text)
		return &pmt_err_nomem;
	mem_bytes(&p->headers, "header_event", 13);
	mem_text(&p->headers, 8, text, len);
	free(text);

	build_event_formats(tr, p);

	TEXT_OF(text, len, tracedat_kallsyms(tr, out));
	if (!text)
		return &pmt_err_nomem;
	mem_text(&p->kallsyms, 4, text, len);
	free(text);
	TEXT_OF(text, len, tracedat_printk_formats(tr, out));
	if (!text)
		return &pmt_err_nomem;
	mem_text(&p->printk, 4, text, len);
	free(text);
	TEXT_OF(text, len, cmdlines_write(tr->cmds, out));
	if (!text)
		return &pmt_err_nomem;
	mem_text(&p->cmdlines, 8, text, len);
	free(text);

	if (p->headers.oom || p->ftrace.oom || p->events.oom || p->kallsyms.oom || p->printk.oom ||
	    p->cmdlines.oom)
		return &pmt_err_nomem;
	return NULL;
}

/* ---- pages ---- */

/* What was written of one CPU. */
struct cpu_data {
	uint64_t offset, size; /* in the file that received them */
	uint64_t pages;	       /* pages written */
};

struct writer {
	struct pmt_trace *tr;
	unsigned int version;
	struct td_comp *comp;
	struct out out;
	struct mem strings;    /* v7 section descriptions */
	struct mem options;    /* the options, in order */
	uint8_t *chunk, *zbuf; /* one chunk of pages and its compressed form */
	size_t zcap;
	struct cpu_data **cpus; /* [buffer][cpu] */
};

static void flush_chunk(struct writer *w, struct out *o, size_t len, uint64_t count_at,
			uint32_t *nchunks)
{
	size_t zlen = 0;
	struct pmt_err *err;

	if (!len)
		return;
	err = td_comp_block(w->comp, w->chunk, len, w->zbuf, w->zcap, &zlen);
	if (err) {
		if (!o->err)
			o->err = err;
		else
			pmt_err_free(err);
		return;
	}
	out_uint(o, zlen, 4);
	out_uint(o, len, 4);
	out_bytes(o, w->zbuf, zlen);
	++*nchunks;
	out_patch(o, count_at, *nchunks, 4);
}

/*
 * The unread pages of one CPU, as trace_pipe_raw hands them out, into `o`
 * at a multiple of `align`; compressed in chunks when w->comp is set (only
 * CPUs with data get a chunk count, as trace-cmd writes them). A page that
 * cannot be read is left out; stream.c has diagnosed it and marked it lost.
 */
static struct pmt_err *write_cpu_pages(struct writer *w, struct trace_buf *b, struct cpu_stream *cs,
				       struct out *o, uint64_t align, bool compress,
				       struct cpu_data *r)
{
	size_t sb = b->subbuf_size, fill = 0;
	uint64_t count_at = 0;
	uint32_t nchunks = 0;
	uint8_t *page;

	out_align(o, align);
	r->offset = o->pos;
	r->size = r->pages = 0;
	if (!cs->present || !cs->npages)
		return o->err;
	page = compress ? NULL : malloc(sb);
	if (!compress && !page)
		return &pmt_err_nomem;
	for (size_t i = 0; i < cs->npages && !o->err; i++) {
		uint8_t *dst = compress ? w->chunk + fill : page;

		/* uncompressed pages go straight into the output buffer */
		if (!compress && OUT_BUF - o->len < sb)
			out_flush(o);
		if (!compress && OUT_BUF - o->len >= sb)
			dst = o->buf + o->len;
		if (stream_raw_page(w->tr, b, cs, i, dst) != RAW_PAGE_DATA)
			continue;
		r->pages++;
		if (!compress) {
			if (dst == page) {
				out_bytes(o, page, sb);
			} else {
				o->len += sb;
				o->pos += sb;
			}
			continue;
		}
		if (!count_at) {
			count_at = o->pos;
			out_uint(o, 0, 4);
		}
		fill += sb;
		if (fill == PAGES_PER_CHUNK * sb) {
			flush_chunk(w, o, fill, count_at, &nchunks);
			fill = 0;
		}
	}
	if (compress)
		flush_chunk(w, o, fill, count_at, &nchunks);
	free(page);
	r->size = r->pages ? o->pos - r->offset : 0;
	return o->err;
}

/* The chunk buffers for the largest sub-buffer of the trace. */
static struct pmt_err *chunk_alloc(struct writer *w)
{
	size_t sb = 0;

	for (size_t i = 0; i < w->tr->nbufs; i++)
		if (w->tr->bufs[i].subbuf_size > sb)
			sb = w->tr->bufs[i].subbuf_size;
	if (!w->comp || !sb)
		return NULL;
	w->chunk = malloc(PAGES_PER_CHUNK * sb);
	w->zcap = td_comp_bound(w->comp, PAGES_PER_CHUNK * sb);
	w->zbuf = malloc(w->zcap);
	return w->chunk && w->zbuf ? NULL : &pmt_err_nomem;
}

/* ---- options ---- */

static void option(struct writer *w, uint16_t id, const void *data, size_t len)
{
	mem_uint(&w->options, id, 2);
	mem_uint(&w->options, len, 4);
	mem_bytes(&w->options, data, len);
}

static void option_str(struct writer *w, uint16_t id, const char *s)
{
	option(w, id, s, strlen(s) + 1);
}

static void option_u64(struct writer *w, uint16_t id, uint64_t v)
{
	uint8_t b[8];

	encode(w->tr->t->big_endian, b, v, 8);
	option(w, id, b, 8);
}

/*
 * "per_cpu/cpuN/stats" as the kernel prints its counters (what it holds:
 * entries - overrun - read), then what pmtrace could not write.
 */
static void cpustat_text(const struct trace_buf *b, const struct cpu_stream *cs, FILE *out)
{
	uint64_t lost = 0, damaged = 0, listed = 0;

	fprintf(out, "CPU: %d\n", cs->cpu);
	if (cs->nr_pages) {
		fprintf(out, "entries: %" PRIu64 "\n", cs->entries - (cs->overrun + cs->read));
		fprintf(out, "overrun: %" PRIu64 "\n", cs->overrun);
		fprintf(out, "commit overrun: %" PRIu64 "\n", cs->commit_overrun);
		fprintf(out, "dropped events: %" PRIu64 "\n", cs->dropped_events);
		fprintf(out, "read events: %" PRIu64 "\n", cs->read);
	} else {
		/* ring_buffer_per_cpu itself could not be read */
		fprintf(out, "pmtrace: %s cpu %d: the kernel's counters could not be read\n",
			buf_label(b), cs->cpu);
	}
	for (size_t i = 0; i < cs->npages; i++) {
		const struct page_ref *r = &cs->pages[i];

		if (r->state != PAGE_LOST && r->state != PAGE_DAMAGED)
			continue;
		if (r->state == PAGE_LOST)
			lost++;
		else
			damaged++;
		if (listed++ < CPUSTAT_MAX_LIST)
			fprintf(out,
				r->state == PAGE_LOST ? "pmtrace: lost page %#" PRIx64
							" (not in this file)\n"
						      : "pmtrace: damaged page %#" PRIx64
							" (written up to its last good event)\n",
				r->addr);
	}
	if (listed > CPUSTAT_MAX_LIST)
		fprintf(out, "pmtrace: ... and %" PRIu64 " more\n", listed - CPUSTAT_MAX_LIST);
	if (lost || damaged)
		fprintf(out, "pmtrace: %s cpu %d: %" PRIu64 " page(s) lost, %" PRIu64 " damaged\n",
			buf_label(b), cs->cpu, lost, damaged);
	else if (cs->damaged)
		fprintf(out,
			"pmtrace: %s cpu %d: part of this CPU's buffer could not be read "
			"(see the diagnostics)\n",
			buf_label(b), cs->cpu);
}

static void option_cpustats(struct writer *w, struct trace_buf *b)
{
	char *text = NULL;
	size_t len = 0;

	if (b->name) {
		TEXT_OF(text, len, fprintf(out, "\nBuffer: %s\n\n", b->name));
		if (text)
			option(w, OPT_CPUSTAT, text, len + 1);
		free(text);
	}
	for (int c = 0; c < b->nr_cpus; c++) {
		if (!b->cpus[c].present)
			continue;
		text = NULL;
		TEXT_OF(text, len, cpustat_text(b, &b->cpus[c], out));
		if (text)
			option(w, OPT_CPUSTAT, text, len + 1);
		else
			w->options.oom = true;
		free(text);
	}
}

/* The options both versions share (BUFFER and the section offsets apart). */
static void common_options(struct writer *w)
{
	struct pmt_trace *tr = w->tr;
	char *text = NULL, *ver;
	size_t len = 0;
	uint8_t cpus[4];

	TEXT_OF(text, len, tracedat_trace_clock(tr, tr->nbufs ? &tr->bufs[0] : NULL, out));
	if (text)
		option_str(w, OPT_TRACECLOCK, text);
	free(text);
	text = NULL;
	TEXT_OF(text, len, tracedat_uname(tr, out));
	if (text)
		option_str(w, OPT_UNAME, text);
	free(text);
	if (asprintf(&ver, "pmtrace %s (from a vmcore)", PMTRACE_VERSION) >= 0) {
		option_str(w, OPT_VERSION, ver);
		free(ver);
	}
	encode(tr->t->big_endian, cpus, tr->nbufs ? (uint64_t)tr->bufs[0].nr_cpus : 0, 4);
	option(w, OPT_CPUCOUNT, cpus, 4);
	for (size_t i = 0; i < tr->nbufs; i++)
		option_cpustats(w, &tr->bufs[i]);
	for (size_t i = 0; i < tr->nbufs; i++) {
		const struct trace_buf *b = &tr->bufs[i];
		char *s, *lbi;

		/* a boot-mapped instance: what its tracefs last_boot_info says */
		if (!b->persist || !b->name)
			continue;
		lbi = persist_last_boot_info(tr, b);
		if (lbi && asprintf(&s, "%s:%s", b->name, lbi) >= 0) {
			option_str(w, OPT_LAST_BOOT_INFO, s);
			free(s);
		}
		free(lbi);
	}
}

/* ---- v7 ---- */

static uint32_t string_id(struct writer *w, const char *s)
{
	uint32_t id = (uint32_t)w->strings.len;

	mem_str(&w->strings, s);
	return id;
}

/* A section header; returns where its size goes (patched by sec_end()). */
static uint64_t sec_begin(struct writer *w, uint16_t id, bool compressed, uint32_t desc)
{
	struct out *o = &w->out;
	uint64_t size_at;

	out_uint(o, id, 2);
	out_uint(o, compressed ? SEC_FL_COMPRESS : 0, 2);
	out_uint(o, desc, 4);
	size_at = o->pos;
	out_uint(o, 0, 8);
	return size_at;
}

static void sec_end(struct writer *w, uint64_t size_at)
{
	out_patch(&w->out, size_at, w->out.pos - size_at - 8, 8);
}

/* A body as one compressed block (u32 compressed size, u32 size, data), or
 * as it is without compression. */
static void write_block(struct writer *w, const uint8_t *body, size_t len)
{
	struct out *o = &w->out;
	size_t cap, zlen = 0;
	struct pmt_err *err;
	uint8_t *z;

	if (!w->comp) {
		out_bytes(o, body, len);
		return;
	}
	cap = td_comp_bound(w->comp, len);
	z = malloc(cap ? cap : 1);
	err = z ? td_comp_block(w->comp, body, len, z, cap, &zlen) : &pmt_err_nomem;
	if (!err) {
		out_uint(o, zlen, 4);
		out_uint(o, len, 4);
		out_bytes(o, z, zlen);
	} else if (!o->err) {
		o->err = err;
	} else {
		pmt_err_free(err);
	}
	free(z);
}

/* A metadata section; returns its offset (for its option). */
static uint64_t meta_section(struct writer *w, uint16_t id, const char *desc,
			     const struct mem *body)
{
	uint64_t start = w->out.pos;
	uint64_t size_at = sec_begin(w, id, w->comp != NULL, string_id(w, desc));

	write_block(w, body->p, body->len);
	sec_end(w, size_at);
	return start;
}

static struct pmt_err *write_v7(struct writer *w, const struct payloads *p)
{
	struct pmt_trace *tr = w->tr;
	struct out *o = &w->out;
	uint64_t options_at, start, size_at;
	char desc[320];

	out_bytes(o,
		  "\x17\x08\x44"
		  "tracing"
		  "7",
		  12);
	out_uint(o, tr->t->big_endian ? 1 : 0, 1);
	out_uint(o, tr->t->word_size, 1);
	out_uint(o, tr->nbufs ? tr->bufs[0].subbuf_size : tr->t->page_size, 4);
	out_bytes(o, td_comp_name(w->comp), strlen(td_comp_name(w->comp)) + 1);
	out_bytes(o, td_comp_version(w->comp), strlen(td_comp_version(w->comp)) + 1);
	options_at = o->pos;
	out_uint(o, 0, 8);

	option_u64(w, SEC_HEADER_INFO, meta_section(w, SEC_HEADER_INFO, "headers", &p->headers));
	option_u64(w, SEC_FTRACE_EVENTS,
		   meta_section(w, SEC_FTRACE_EVENTS, "ftrace events", &p->ftrace));
	option_u64(w, SEC_EVENT_FORMATS,
		   meta_section(w, SEC_EVENT_FORMATS, "events format", &p->events));
	option_u64(w, SEC_KALLSYMS, meta_section(w, SEC_KALLSYMS, "kallsyms", &p->kallsyms));
	option_u64(w, SEC_PRINTK, meta_section(w, SEC_PRINTK, "printk", &p->printk));
	option_u64(w, SEC_CMDLINES, meta_section(w, SEC_CMDLINES, "command lines", &p->cmdlines));

	/* one BUFFER section per buffer; its CPUs' pages page-aligned in it */
	for (size_t i = 0; i < tr->nbufs && !o->err; i++) {
		struct trace_buf *b = &tr->bufs[i];

		start = o->pos;
		snprintf(desc, sizeof(desc), "buffer flyrecord %s", b->name ? b->name : "");
		size_at = sec_begin(w, OPT_BUFFER, w->comp != NULL, string_id(w, desc));
		for (int c = 0; c < b->nr_cpus && !o->err; c++) {
			struct pmt_err *err = write_cpu_pages(w, b, &b->cpus[c], o, b->subbuf_size,
							      w->comp != NULL, &w->cpus[i][c]);

			if (err && !o->err)
				return err;
		}
		sec_end(w, size_at);
		/* BUFFER: offset, name, clock, sub-buffer size, CPUs (id, offset, size) */
		struct mem opt = { .big_endian = tr->t->big_endian };

		mem_uint(&opt, start, 8);
		mem_str(&opt, b->name ? b->name : "");
		mem_str(&opt, b->clock ? b->clock : "local");
		mem_uint(&opt, b->subbuf_size, 4);
		mem_uint(&opt, (uint64_t)b->nr_cpus, 4);
		for (int c = 0; c < b->nr_cpus; c++) {
			mem_uint(&opt, (uint64_t)c, 4);
			mem_uint(&opt, w->cpus[i][c].offset, 8);
			mem_uint(&opt, w->cpus[i][c].size, 8);
		}
		if (opt.oom) {
			free(opt.p);
			return &pmt_err_nomem;
		}
		option(w, OPT_BUFFER, opt.p, opt.len);
		free(opt.p);
	}
	common_options(w);
	/* DONE: the offset of a next options section; none */
	option_u64(w, OPT_DONE, 0);
	if (w->options.oom)
		return &pmt_err_nomem;
	out_patch(o, options_at, o->pos, 8);
	/* options are not compressed (trace-cmd writes them plain too) */
	size_at = sec_begin(w, OPT_DONE, false, string_id(w, "options"));
	out_bytes(o, w->options.p, w->options.len);
	sec_end(w, size_at);

	/* the descriptions, this section's own included */
	{
		uint32_t id = string_id(w, "strings");

		size_at = sec_begin(w, SEC_STRINGS, w->comp != NULL, id);
		write_block(w, w->strings.p, w->strings.len);
		sec_end(w, size_at);
	}
	if (w->strings.oom)
		return &pmt_err_nomem;
	return o->err;
}

/* ---- v6 ---- */

/* Copy [off, off + len) of the scratch file into the output. */
static void copy_staged(struct writer *w, int fd, uint64_t off, uint64_t len)
{
	struct out *o = &w->out;
	uint8_t *buf = malloc(OUT_BUF);

	if (!buf) {
		if (!o->err)
			o->err = &pmt_err_nomem;
		return;
	}
	while (len && !o->err) {
		size_t k = len < OUT_BUF ? (size_t)len : OUT_BUF;
		ssize_t n = pread(fd, buf, k, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			o->err = pmt_err_new(PMT_ERR_IO, "reading back the staged pages: %s",
					     n < 0 ? strerror(errno) : "short read");
			break;
		}
		out_bytes(o, buf, (size_t)n);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	free(buf);
}

/* "flyrecord\0", per CPU offset and size, the clock, the pages. */
static void v6_flyrecord(struct writer *w, size_t bi, int cpus, int stage_fd)
{
	struct trace_buf *b = &w->tr->bufs[bi];
	struct out *o = &w->out;
	uint64_t table = 0;
	char clock[64];

	out_bytes(o, "flyrecord", 10);
	table = o->pos;
	for (int c = 0; c < cpus; c++) {
		out_uint(o, 0, 8);
		out_uint(o, 0, 8);
	}
	snprintf(clock, sizeof(clock), "[%s]", b->clock ? b->clock : "local");
	out_uint(o, strlen(clock), 8);
	out_bytes(o, clock, strlen(clock));
	for (int c = 0; c < b->nr_cpus && c < cpus; c++) {
		struct cpu_data *d = &w->cpus[bi][c];
		uint64_t at;

		out_align(o, b->subbuf_size);
		at = o->pos;
		copy_staged(w, stage_fd, d->offset, d->size);
		out_patch(o, table + 16 * (uint64_t)c, at, 8);
		out_patch(o, table + 16 * (uint64_t)c + 8, d->size, 8);
	}
}

static struct pmt_err *write_v6(struct writer *w, const struct payloads *p, int stage_fd)
{
	struct pmt_trace *tr = w->tr;
	struct out *o = &w->out;
	struct out stage = { .fd = stage_fd, .name = "the scratch file", .buf = malloc(OUT_BUF) };
	uint64_t *buffer_at;
	int cpus = 0;

	if (!stage.buf)
		return &pmt_err_nomem;
	for (size_t i = 0; i < tr->nbufs; i++)
		if (tr->bufs[i].nr_cpus > cpus)
			cpus = tr->bufs[i].nr_cpus;
	/* the pages first, so the options can tell what they turned out to be */
	for (size_t i = 0; i < tr->nbufs && !stage.err; i++)
		for (int c = 0; c < tr->bufs[i].nr_cpus && !stage.err; c++) {
			struct pmt_err *err = write_cpu_pages(w, &tr->bufs[i], &tr->bufs[i].cpus[c],
							      &stage, 0, false, &w->cpus[i][c]);

			if (err && !stage.err)
				stage.err = err;
		}
	out_flush(&stage);
	free(stage.buf);
	if (stage.err)
		return stage.err;

	out_bytes(o,
		  "\x17\x08\x44"
		  "tracing"
		  "6",
		  12);
	out_uint(o, tr->t->big_endian ? 1 : 0, 1);
	out_uint(o, tr->t->word_size, 1);
	out_uint(o, tr->nbufs ? tr->bufs[0].subbuf_size : tr->t->page_size, 4);
	out_bytes(o, p->headers.p, p->headers.len);
	out_bytes(o, p->ftrace.p, p->ftrace.len);
	out_bytes(o, p->events.p, p->events.len);
	out_bytes(o, p->kallsyms.p, p->kallsyms.len);
	out_bytes(o, p->printk.p, p->printk.len);
	out_bytes(o, p->cmdlines.p, p->cmdlines.len);
	out_uint(o, (uint64_t)cpus, 4);

	out_bytes(o, "options  ", 10);
	common_options(w);
	if (w->options.oom)
		return &pmt_err_nomem;
	out_bytes(o, w->options.p, w->options.len);
	/* BUFFER per instance: offset (patched below) and name */
	buffer_at = calloc(tr->nbufs ? tr->nbufs : 1, sizeof(*buffer_at));
	if (!buffer_at)
		return &pmt_err_nomem;
	for (size_t i = 1; i < tr->nbufs; i++) {
		const char *name = tr->bufs[i].name ? tr->bufs[i].name : "";

		out_uint(o, OPT_BUFFER, 2);
		out_uint(o, 8 + strlen(name) + 1, 4);
		buffer_at[i] = o->pos;
		out_uint(o, 0, 8);
		out_bytes(o, name, strlen(name) + 1);
	}
	out_uint(o, OPT_DONE, 2);

	if (tr->nbufs)
		v6_flyrecord(w, 0, cpus, stage_fd);
	for (size_t i = 1; i < tr->nbufs; i++) {
		out_patch(o, buffer_at[i], o->pos, 8);
		v6_flyrecord(w, i, cpus, stage_fd);
	}
	free(buffer_at);
	return o->err;
}

/* ---- the file ---- */

struct pmt_err *pmt_tracedat_parse_compress(const char *s, enum pmt_tracedat_compress *out)
{
	if (!strcmp(s, "none"))
		*out = PMT_TRACEDAT_NONE;
	else if (!strcmp(s, "zlib"))
		*out = PMT_TRACEDAT_ZLIB;
	else if (!strcmp(s, "zstd"))
		*out = PMT_TRACEDAT_ZSTD;
	else
		return pmt_err_new(PMT_ERR_INVALID, "unknown compression '%s' (none, zlib, zstd)",
				   s);
	return NULL;
}

/* v6 has one page size per file: every buffer must share the global one. */
static struct pmt_err *check_v6(const struct pmt_trace *tr)
{
	for (size_t i = 1; i < tr->nbufs; i++) {
		const struct trace_buf *g = &tr->bufs[0], *b = &tr->bufs[i];

		if (b->subbuf_size != g->subbuf_size)
			return pmt_err_new(PMT_ERR_INVALID,
					   "trace.dat v6 has one page size per file, but buffer "
					   "%s has %u-byte sub-buffers and %s %u-byte ones; "
					   "write v7 (without --v6)",
					   buf_label(g), g->subbuf_size, buf_label(b),
					   b->subbuf_size);
	}
	return NULL;
}

static void writer_free(struct writer *w)
{
	for (size_t i = 0; w->cpus && i < w->tr->nbufs; i++)
		free(w->cpus[i]);
	free(w->cpus);
	free(w->strings.p);
	free(w->options.p);
	free(w->chunk);
	free(w->zbuf);
	free(w->out.buf);
	td_comp_free(w->comp);
}

/* A scratch file next to `path`, already unlinked (-1 on failure, errno set). */
static int scratch_file(const char *path)
{
	char *name;
	int fd;

	if (asprintf(&name, "%s.stage.XXXXXX", path) < 0) {
		errno = ENOMEM;
		return -1;
	}
	fd = mkstemp(name);
	if (fd >= 0)
		unlink(name);
	free(name);
	return fd;
}

struct pmt_err *pmt_write_tracedat(struct pmt_trace *tr, const struct pmt_tracedat_opts *opts,
				   const char *path)
{
	struct writer w = { .tr = tr };
	struct payloads p;
	struct pmt_err *err;
	char *tmp = NULL;
	int stage_fd = -1;
	mode_t mask;

	w.version = opts && opts->version ? opts->version : 7;
	if (w.version != 6 && w.version != 7)
		return pmt_err_new(PMT_ERR_INVALID, "trace.dat version %u (6 or 7)", w.version);
	if (w.version == 6) {
		err = check_v6(tr);
		if (err)
			return err;
	} else {
		err = td_comp_new(opts ? opts->compress : PMT_TRACEDAT_ZSTD, &w.comp);
		if (err)
			return err;
	}
	w.options.big_endian = tr->t->big_endian;
	w.out.big_endian = tr->t->big_endian;
	w.out.buf = malloc(OUT_BUF);
	w.cpus = calloc(tr->nbufs ? tr->nbufs : 1, sizeof(*w.cpus));
	err = w.out.buf && w.cpus ? NULL : &pmt_err_nomem;
	for (size_t i = 0; !err && i < tr->nbufs; i++) {
		w.cpus[i] = calloc(tr->bufs[i].nr_cpus ? (size_t)tr->bufs[i].nr_cpus : 1,
				   sizeof(**w.cpus));
		if (!w.cpus[i])
			err = &pmt_err_nomem;
	}
	if (!err)
		err = chunk_alloc(&w);
	if (!err)
		err = build_payloads(tr, &p);
	else
		memset(&p, 0, sizeof(p));
	if (err)
		goto out;

	/* written under a temporary name, renamed only when complete */
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		err = &pmt_err_nomem;
		goto out;
	}
	w.out.fd = mkstemp(tmp);
	if (w.out.fd < 0) {
		err = pmt_err_new(PMT_ERR_IO, "cannot create %s: %s", path, strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	w.out.name = path;
	mask = umask(0);
	umask(mask);
	if (fchmod(w.out.fd, 0666 & ~mask)) {
		err = pmt_err_new(PMT_ERR_IO, "%s: chmod: %s", path, strerror(errno));
		goto out;
	}
	if (w.version == 6) {
		stage_fd = scratch_file(path);
		if (stage_fd < 0) {
			err = pmt_err_new(PMT_ERR_IO, "cannot create a scratch file next to %s: %s",
					  path, strerror(errno));
			goto out;
		}
		err = write_v6(&w, &p, stage_fd);
	} else {
		err = write_v7(&w, &p);
	}
	out_flush(&w.out);
	if (!err && w.out.err) {
		err = w.out.err;
		w.out.err = NULL;
	}
	if (!err && fsync(w.out.fd) && errno != EINVAL)
		err = pmt_err_new(PMT_ERR_IO, "writing %s: %s", path, strerror(errno));
	if (close(w.out.fd) && !err)
		err = pmt_err_new(PMT_ERR_IO, "writing %s: %s", path, strerror(errno));
	w.out.fd = -1;
	if (!err && rename(tmp, path))
		err = pmt_err_new(PMT_ERR_IO, "cannot write %s: %s", path, strerror(errno));
out:
	if (w.out.err && w.out.err != err)
		pmt_err_free(w.out.err);
	if (tmp) {
		if (w.out.fd >= 0)
			close(w.out.fd);
		if (err)
			unlink(tmp);
		free(tmp);
	}
	if (stage_fd >= 0)
		close(stage_fd);
	payloads_free(&p);
	writer_free(&w);
	return err;
}

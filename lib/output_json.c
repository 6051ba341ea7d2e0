// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * JSON lines: one object per event (fields documented in docs/json.md).
 * Strings are escaped per RFC 8259; bytes that are not printable ASCII are
 * written as \u00XX so the output is always valid UTF-8.
 */
#include <inttypes.h>
#include <string.h>

#include "event_print.h"
#include "merge.h"
#include "output.h"
#include "region_trace.h"

/*
 * Written with the unlocked stdio calls and integers formatted by hand: one
 * thread writes, and fprintf was the largest cost of `show --json` (tens of
 * millions of records on a large buffer).
 */
static void json_lit(FILE *out, const char *s)
{
	fputs_unlocked(s, out);
}

static void json_u64(FILE *out, uint64_t v)
{
	char b[24], *p = b + sizeof(b);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite_unlocked(p, 1, (size_t)(b + sizeof(b) - p), out);
}

static void json_s64(FILE *out, int64_t v)
{
	if (v < 0) {
		putc_unlocked('-', out);
		json_u64(out, -(uint64_t)v);
	} else {
		json_u64(out, (uint64_t)v);
	}
}

void output_json_string(FILE *out, const char *s, size_t len)
{
	size_t run = 0; /* s[run..i) needs no escape: written in one call */

	putc_unlocked('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			continue;
		fwrite_unlocked(s + run, 1, i - run, out);
		run = i + 1;
		if (c == '"' || c == '\\') {
			putc_unlocked('\\', out);
			putc_unlocked((int)c, out);
		} else if (c == '\n') {
			json_lit(out, "\\n");
		} else if (c == '\t') {
			json_lit(out, "\\t");
		} else {
			fprintf(out, "\\u%04x", c);
		}
	}
	fwrite_unlocked(s + run, 1, len - run, out);
	putc_unlocked('"', out);
}

/* ,"name": (or without the comma for the first) */
static void json_key(FILE *out, const char *name, bool first)
{
	if (!first)
		putc_unlocked(',', out);
	putc_unlocked('"', out);
	json_lit(out, name);
	json_lit(out, "\":");
}

static void json_fields(const struct pmt_trace *tr, const struct event_view *v, FILE *out)
{
	const struct event_fmt *e = v->fmt;
	bool first = true;

	fputs(",\"fields\":{", out);
	for (size_t i = 0; e && i < e->nfields; i++) {
		const struct event_field *f = &e->fields[i];
		bool is_char = strstr(f->type, "char") != NULL;
		bool is_array = strchr(f->type, '[') != NULL;
		bool data_loc = !strncmp(f->type, "__data_loc", 10);

		if (f->offset + f->size > v->len)
			continue;
		if (data_loc && is_char && f->size == 4) {
			/* __data_loc: u32 with offset in the low 16 bits, length in the high */
			uint32_t dl = (uint32_t)pmt_get_uint(tr->t, v->data + f->offset, 4);
			uint32_t off = dl & 0xffff, len = dl >> 16;

			if (off + len > v->len)
				continue;
			json_key(out, f->name, first);
			output_json_string(out, (const char *)v->data + off,
					   strnlen((const char *)v->data + off, len));
		} else if (is_array && is_char) {
			json_key(out, f->name, first);
			output_json_string(out, (const char *)v->data + f->offset,
					   strnlen((const char *)v->data + f->offset, f->size));
		} else if (!is_array && !data_loc &&
			   (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
			uint64_t u = pmt_get_uint(tr->t, v->data + f->offset, f->size);

			json_key(out, f->name, first);
			if (f->is_signed) {
				int shift = 64 - 8 * (int)f->size;

				json_s64(out, (int64_t)(u << shift) >> shift);
			} else {
				json_u64(out, u);
			}
		} else {
			continue;
		}
		first = false;
	}
	fputc('}', out);
}

void pmt_write_json_diag(FILE *out, const struct pmt_diag *d)
{
	fprintf(out, "{\"type\":\"diag\",\"kind\":\"%s\",\"degraded\":%s", pmt_err_code_id(d->code),
		d->degraded ? "true" : "false");
	if (d->buffer) {
		fputs(",\"buffer\":", out);
		output_json_string(out, d->buffer, strlen(d->buffer));
	}
	if (d->cpu >= 0)
		fprintf(out, ",\"cpu\":%d", d->cpu);
	if (d->page)
		fprintf(out, ",\"page\":%" PRIu64, d->page);
	if (d->addr)
		fprintf(out, ",\"addr\":%" PRIu64, d->addr);
	fputs(",\"message\":", out);
	output_json_string(out, d->msg, strlen(d->msg));
	fputs("}\n", out);
}

struct pmt_err *pmt_write_json(struct pmt_trace *tr, const struct pmt_filter *filter, FILE *out)
{
	struct trace_seq s;
	struct pmt_err *err = output_check_instance(tr, filter);

	if (err)
		return err;
	trace_seq_init(&s);
	for (size_t i = 0; i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		struct cpu_stream *cs;
		const struct cpu_event *ev;
		struct merge m;

		if (!output_buffer_selected(filter, b))
			continue;
		err = merge_init(&m, tr, b, filter);
		if (err)
			break;
		while (merge_next(&m, &cs, &ev)) {
			struct event_view v;
			char flags[8], ts[32];
			const char *comm;
			size_t len;

			event_view_init(tr, b, cs, ev, &v);
			if (!output_event_selected(filter, &v))
				continue;
			event_lat_flags(tr, &v, flags);
			event_format_ts(&v, ts, sizeof(ts));
			comm = event_buf_comm(tr, v.buf, v.pid);
			trace_seq_reset(&s);
			event_print_body(tr, &v, &s);
			trace_seq_terminate(&s);
			len = s.len;
			if (len && s.buffer[len - 1] == '\n')
				len--;
			json_lit(out, "{\"buffer\":");
			output_json_string(out, b->name ? b->name : "global",
					   strlen(b->name ? b->name : "global"));
			json_lit(out, ",\"cpu\":");
			json_s64(out, v.cpu);
			json_lit(out, ",\"timestamp\":");
			json_u64(out, v.ts);
			json_lit(out, ",\"ts\":\"");
			json_lit(out, ts + strspn(ts, " "));
			json_lit(out, "\",\"pid\":");
			json_s64(out, v.pid);
			json_lit(out, ",\"comm\":");
			output_json_string(out, comm, strlen(comm));
			json_lit(out, ",\"clock\":\"");
			json_lit(out, b->clock ? b->clock : "local");
			json_lit(out, "\",\"flags\":\"");
			json_lit(out, flags);
			json_lit(out, "\",\"preempt_count\":");
			json_u64(out, v.preempt_count);
			json_lit(out, ",\"id\":");
			json_s64(out, v.type);
			if (v.fmt) {
				json_lit(out, ",\"system\":");
				output_json_string(out, v.fmt->system, strlen(v.fmt->system));
				json_lit(out, ",\"event\":");
				output_json_string(out, v.fmt->name, strlen(v.fmt->name));
				json_fields(tr, &v, out);
			}
			json_lit(out, ",\"text\":");
			output_json_string(out, s.buffer, len);
			json_lit(out, "}\n");
		}
		merge_free(&m);
	}
	trace_seq_destroy(&s);
	for (size_t i = 0; !err && i < tr->nregions; i++)
		if (region_selected(filter, &tr->regions[i]))
			err = region_write_json(tr, &tr->regions[i], filter, out);
	if (!err && ferror(out))
		err = pmt_err_new(PMT_ERR_IO, "writing JSON failed");
	return err;
}

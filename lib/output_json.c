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

void output_json_string(FILE *out, const char *s, size_t len)
{
	fputc('"', out);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
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
			fprintf(out, "%s\"%s\":", first ? "" : ",", f->name);
			output_json_string(out, (const char *)v->data + off,
					   strnlen((const char *)v->data + off, len));
		} else if (is_array && is_char) {
			fprintf(out, "%s\"%s\":", first ? "" : ",", f->name);
			output_json_string(out, (const char *)v->data + f->offset,
					   strnlen((const char *)v->data + f->offset, f->size));
		} else if (!is_array && !data_loc &&
			   (f->size == 1 || f->size == 2 || f->size == 4 || f->size == 8)) {
			uint64_t u = pmt_get_uint(tr->t, v->data + f->offset, f->size);

			fprintf(out, "%s\"%s\":", first ? "" : ",", f->name);
			if (f->is_signed) {
				int shift = 64 - 8 * (int)f->size;

				fprintf(out, "%" PRId64, (int64_t)(u << shift) >> shift);
			} else {
				fprintf(out, "%" PRIu64, u);
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
			comm = event_comm(tr, v.pid);
			trace_seq_reset(&s);
			event_print_body(tr, &v, &s);
			trace_seq_terminate(&s);
			len = s.len;
			if (len && s.buffer[len - 1] == '\n')
				len--;
			fputs("{\"buffer\":", out);
			output_json_string(out, b->name ? b->name : "global",
					   strlen(b->name ? b->name : "global"));
			fprintf(out,
				",\"cpu\":%d,\"timestamp\":%" PRIu64
				",\"ts\":\"%s\",\"pid\":%d,\"comm\":",
				v.cpu, v.ts, ts + strspn(ts, " "), v.pid);
			output_json_string(out, comm, strlen(comm));
			fprintf(out,
				",\"clock\":\"%s\",\"flags\":\"%s\",\"preempt_count\":%u,\"id\":%d",
				b->clock ? b->clock : "local", flags, v.preempt_count, v.type);
			if (v.fmt) {
				fputs(",\"system\":", out);
				output_json_string(out, v.fmt->system, strlen(v.fmt->system));
				fputs(",\"event\":", out);
				output_json_string(out, v.fmt->name, strlen(v.fmt->name));
				json_fields(tr, &v, out);
			}
			fputs(",\"text\":", out);
			output_json_string(out, s.buffer, len);
			fputs("}\n", out);
		}
		merge_free(&m);
	}
	trace_seq_destroy(&s);
	if (!err && ferror(out))
		err = pmt_err_new(PMT_ERR_IO, "writing JSON failed");
	return err;
}

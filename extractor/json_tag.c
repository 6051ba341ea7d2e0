// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Tagging JSON lines on their way out (see json_tag.h), with fopencookie().
 *
 * Invariant: `out` only ever receives whole lines. stdio hands the cookie
 * its buffer in arbitrary pieces, so the text after a piece's last newline
 * waits in `pending` until its newline comes; closing drops what never got
 * one. A dump abandoned in the middle of a record (json_tag_abort()) thus
 * leaves no half record in the stream.
 */
#include <stdbool.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "json_tag.h"

struct tagger {
	FILE *out;
	char *member;  /* "key":"value", */
	char *pending; /* the line being written, not yet ended */
	size_t npending, cap;
};

void json_tag_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

/* One whole line (ending in '\n'), tagged when it is a JSON record. */
static void put_line(struct tagger *t, const char *line, size_t len)
{
	if (line[0] == '{') {
		fputc('{', t->out);
		fputs(t->member, t->out);
		line++;
		len--;
	}
	fwrite(line, 1, len, t->out);
}

static ssize_t tag_write(void *cookie, const char *buf, size_t size)
{
	struct tagger *t = cookie;

	for (size_t i = 0; i < size;) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - buf) + 1 : size;

		if (t->npending || !nl) {
			/* a line begun earlier, or one that does not end here */
			if (t->npending + (end - i) > t->cap) {
				size_t ncap = 2 * (t->npending + (end - i)) + 256;
				char *p = realloc(t->pending, ncap);

				if (!p)
					return -1;
				t->pending = p;
				t->cap = ncap;
			}
			memcpy(t->pending + t->npending, buf + i, end - i);
			t->npending += end - i;
			if (nl) {
				put_line(t, t->pending, t->npending);
				t->npending = 0;
			}
		} else {
			put_line(t, buf + i, end - i);
		}
		i = end;
	}
	return ferror(t->out) ? -1 : (ssize_t)size;
}

static int tag_close(void *cookie)
{
	struct tagger *t = cookie;
	int rc = fflush(t->out);

	free(t->pending); /* a line never ended: not passed on */
	free(t->member);
	free(t);
	return rc;
}

void json_tag_abort(FILE *tagged)
{
	__fpurge(tagged); /* what stdio still buffers */
	fclose(tagged);	  /* and the cookie's unended line: dropped */
}

FILE *json_tag_open(FILE *out, const char *key, const char *value)
{
	struct tagger *t = calloc(1, sizeof(*t));
	cookie_io_functions_t io = { .write = tag_write, .close = tag_close };
	char *member = NULL;
	size_t len = 0;
	FILE *m, *f;

	if (!t)
		return NULL;
	m = open_memstream(&member, &len);
	if (!m) {
		free(t);
		return NULL;
	}
	json_tag_string(m, key);
	fputc(':', m);
	json_tag_string(m, value);
	fputc(',', m);
	if (fclose(m)) {
		free(member);
		free(t);
		return NULL;
	}
	t->out = out;
	t->member = member;
	f = fopencookie(t, "w", io);
	if (!f) {
		free(member);
		free(t);
	}
	return f;
}

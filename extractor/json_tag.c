// SPDX-License-Identifier: GPL-2.0-or-later
/* Tagging JSON lines on their way out (see json_tag.h), with fopencookie(). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "json_tag.h"

struct tagger {
	FILE *out;
	char *member; /* "key":"value", */
	bool line_start;
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

static ssize_t tag_write(void *cookie, const char *buf, size_t size)
{
	struct tagger *t = cookie;

	for (size_t i = 0; i < size;) {
		const char *nl = memchr(buf + i, '\n', size - i);
		size_t end = nl ? (size_t)(nl - buf) + 1 : size;

		if (t->line_start && buf[i] == '{') {
			fputc('{', t->out);
			fputs(t->member, t->out);
			i++;
		}
		fwrite(buf + i, 1, end - i, t->out);
		t->line_start = nl != NULL;
		i = end;
	}
	return ferror(t->out) ? -1 : (ssize_t)size;
}

static int tag_close(void *cookie)
{
	struct tagger *t = cookie;
	int rc = fflush(t->out);

	free(t->member);
	free(t);
	return rc;
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
	t->line_start = true;
	f = fopencookie(t, "w", io);
	if (!f) {
		free(member);
		free(t);
	}
	return f;
}

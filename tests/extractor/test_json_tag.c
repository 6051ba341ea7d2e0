// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extractor/json_tag.c: every JSON line tagged once, whatever pieces stdio
 * hands the cookie; only whole lines reach the stream under it; an aborted
 * tagger drops the record it was in the middle of (the batch's SIGBUS path).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_tag.h"

static void tags_every_record(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	FILE *t = json_tag_open(out, "dump", "/a \"b\"");

	(void)state;
	assert_non_null(t);
	setvbuf(t, NULL, _IOFBF, 7); /* stdio cuts lines into 7-byte pieces */
	fputs("{\"type\":\"cpu\",\"cpu\":0}\n{\"x\":1", t);
	fflush(t);
	fputs("}\nplain line\n", t);
	fclose(t);
	fclose(out);
	assert_string_equal(text, "{\"dump\":\"/a \\\"b\\\"\",\"type\":\"cpu\",\"cpu\":0}\n"
				  "{\"dump\":\"/a \\\"b\\\"\",\"x\":1}\n"
				  "plain line\n");
	free(text);
}

static void only_whole_lines_pass(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	FILE *t = json_tag_open(out, "dump", "d");

	(void)state;
	assert_non_null(t);
	fputs("{\"a\":1}\n{\"half\":", t);
	fflush(t); /* the cookie has seen the half record... */
	fflush(out);
	assert_string_equal(text, "{\"dump\":\"d\",\"a\":1}\n"); /* ...out has not */
	fputs("\"still\"", t);					 /* in stdio's buffer */
	json_tag_abort(t);
	fclose(out);
	assert_string_equal(text, "{\"dump\":\"d\",\"a\":1}\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tags_every_record),
		cmocka_unit_test(only_whole_lines_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

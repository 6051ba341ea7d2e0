/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A FILE that tags JSON lines: every line written through it that starts with
 * '{' comes out with a member inserted first, e.g. {"dump":"/path",...}. The
 * batch mode of `pmtrace show|info --json A B ...` writes each dump's records
 * through one, so a single stream says which record came from which dump,
 * without the writers knowing. Streaming: nothing is buffered beyond stdio
 * and the line being written (only whole lines reach `out`).
 */
#ifndef PMTRACE_EXTRACTOR_JSON_TAG_H
#define PMTRACE_EXTRACTOR_JSON_TAG_H

#include <stdio.h>

/* Tag lines written to the result with "key":"value" (value escaped here)
 * and pass them on to `out`; fclose() the result when done (out stays open). */
FILE *json_tag_open(FILE *out, const char *key, const char *value);

/* Close a tagging FILE dropping what was written since its last newline: a
 * record cut short never reaches `out`. */
void json_tag_abort(FILE *tagged);

/* Write s as a JSON string literal (with quotes) to out. */
void json_tag_string(FILE *out, const char *s);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_btf_corpus VMLINUX DUMP...: for every dump, the trace loaded with the
 * dump's own BTF (--types btf: no vmlinux, no profile, no cache) and with
 * VMLINUX (what `pmtrace show --vmlinux` does, its profile cache included)
 * must give the same bytes of text and of JSON, the same status and the same
 * diagnostics. It is `pmtrace show` and `show --json` without the process
 * start-up (session_open + pmt_trace_load + pmt_write_*, the code cli_run
 * runs), so the whole corpus fits in one process per kernel; btf-test.sh
 * runs the command itself on one dump per kernel.
 *
 * Output: one "ok:"/"FAIL:" line per dump; exit 0 if all pass, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf_types.h"
#include "pmtrace/trace.h"
#include "session.h"

struct run {
	struct session *s;
	struct pmt_trace *tr;
	char *text, *json;
	size_t text_len, json_len;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static struct pmt_err *render(struct pmt_trace *tr, bool json, char **buf, size_t *len)
{
	struct pmt_filter filter = { 0 };
	FILE *f = open_memstream(buf, len);
	struct pmt_err *err;

	if (!f)
		return &pmt_err_nomem;
	err = json ? pmt_write_json(tr, &filter, f) : pmt_write_text(tr, &filter, f);
	fclose(f);
	return err;
}

static struct pmt_err *load(const char *dump, const struct session_opts *o, struct run *r)
{
	struct pmt_load_opts lo = { 0 };
	struct pmt_err *err = session_open(dump, o, &r->s);

	if (!err)
		err = pmt_trace_load(r->s->target, &lo, &r->tr);
	if (!err)
		pmt_err_free(session_save_profile(r->s, r->tr));
	if (!err)
		err = render(r->tr, false, &r->text, &r->text_len);
	if (!err)
		err = render(r->tr, true, &r->json, &r->json_len);
	return err;
}

static void run_free(struct run *r)
{
	pmt_trace_free(r->tr);
	session_close(r->s);
	free(r->text);
	free(r->json);
}

/* The first line where a and b differ, for the message. */
static void first_diff(const char *a, size_t alen, const char *b, size_t blen, char *out,
		       size_t size)
{
	size_t i = 0, line = 1, start = 0;

	while (i < alen && i < blen && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	snprintf(out, size, "line %zu: vmlinux \"%.80s\" / btf \"%.80s\"", line,
		 start < alen ? a + start : "", start < blen ? b + start : "");
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = '|';
}

static bool same_diags(struct pmt_trace *a, struct pmt_trace *b, char *why, size_t size)
{
	if (pmt_trace_diag_count(a) != pmt_trace_diag_count(b)) {
		snprintf(why, size, "%zu diagnostics with vmlinux, %zu with btf",
			 pmt_trace_diag_count(a), pmt_trace_diag_count(b));
		return false;
	}
	for (size_t i = 0; i < pmt_trace_diag_count(a); i++) {
		const struct pmt_diag *x = pmt_trace_diag(a, i), *y = pmt_trace_diag(b, i);

		if (strcmp(x->msg, y->msg) || x->code != y->code || x->degraded != y->degraded) {
			snprintf(why, size, "diagnostic %zu: \"%s\" / \"%s\"", i, x->msg, y->msg);
			return false;
		}
	}
	return true;
}

int main(int argc, char **argv)
{
	struct session_opts btf = { .types = SESSION_TYPES_BTF, .no_cache = true };
	struct session_opts vml = { 0 };
	int fails = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: test_btf_corpus VMLINUX DUMP...\n");
		return 2;
	}
	vml.vmlinux = argv[1];
	for (int i = 2; i < argc; i++) {
		struct run v = { 0 }, b = { 0 };
		double t0 = now(), t1, t2;
		struct pmt_err *err = load(argv[i], &vml, &v);
		char why[512] = "";

		t1 = now();
		if (err) {
			printf("FAIL: %s: with vmlinux: %s\n", argv[i], err->msg);
			pmt_err_free(err);
			run_free(&v);
			fails++;
			continue;
		}
		err = load(argv[i], &btf, &b);
		t2 = now();
		if (err) {
			snprintf(why, sizeof(why), "with btf: %s", err->msg);
			pmt_err_free(err);
		} else if (!b.s->btf) {
			snprintf(why, sizeof(why), "types did not come from BTF: %.400s",
				 b.s->types_source);
		} else if (v.text_len != b.text_len || memcmp(v.text, b.text, v.text_len)) {
			first_diff(v.text, v.text_len, b.text, b.text_len, why, sizeof(why));
		} else if (v.json_len != b.json_len || memcmp(v.json, b.json, v.json_len)) {
			first_diff(v.json, v.json_len, b.json, b.json_len, why, sizeof(why));
		} else if (pmt_trace_status(v.tr, NULL) != pmt_trace_status(b.tr, NULL)) {
			snprintf(why, sizeof(why), "status %d with vmlinux, %d with btf",
				 pmt_trace_status(v.tr, NULL), pmt_trace_status(b.tr, NULL));
		} else {
			same_diags(v.tr, b.tr, why, sizeof(why));
		}
		if (*why) {
			printf("FAIL: %s: %s\n", argv[i], why);
			fails++;
		} else {
			printf("ok: %s: text %zu bytes, json %zu bytes identical, %zu diagnostics, "
			       "status %d (vmlinux %.2f s, btf %.2f s)\n",
			       argv[i], b.text_len, b.json_len, pmt_trace_diag_count(b.tr),
			       pmt_trace_status(b.tr, NULL), t1 - t0, t2 - t1);
		}
		run_free(&v);
		run_free(&b);
	}
	printf("%d of %d dumps differ\n", fails, argc - 2);
	return fails ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace.dat from the committed sample dump (no corpus needed), read back by
 * a small parser of the v7 layout here (the real readers, trace-cmd and
 * libkshark, run in tracedat-files.sh on the files this test leaves in
 * OUTDIR):
 *
 *   complete      v7 and v6 of the intact dump: the status stays complete,
 *                 the v7 sections follow each other to the end of the file,
 *                 the BUFFER option covers every CPU with whole pages
 *   damaged       one data page of CPU 1 filtered out of the dump (the
 *                 damaging target of tests/extractor/test_bad_input.c): the
 *                 file is still written, with exactly one page less on CPU 1;
 *                 the status is partial, a FILTERED diagnostic names CPU 1
 *                 and the page, and CPU 1's CPUSTAT option lists the page
 *   unwritable    a directory that does not exist, a path that is a
 *                 directory, a write that fails half-way (RLIMIT_FSIZE): an
 *                 IO error naming the path, and no file left under that name
 *                 nor any temporary one next to it
 *   v6 refused    an instance whose sub-buffer size differs from the global
 *                 one: INVALID naming both buffers, nothing written
 *   last boot     an instance marked as holding the previous boot (the
 *                 trace_buf.last_boot_info hook) gets a LAST_BOOT_INFO
 *                 option "name:text"
 *
 *	test_tracedat OUTDIR
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dump_target.h"
#include "pmtrace/trace.h"
#include "profile.h"
#include "persistent.h"
#include "trace_internal.h"

#ifndef PMT_SAMPLE_DIR
#error "PMT_SAMPLE_DIR must name vmcores/sample"
#endif

static const char *outdir;

/* ---- a target that leaves pages out, as makedumpfile -d does ---- */

struct damage {
	uint64_t hole; /* one page, 0 for none */
};

static struct pmt_err *dmg_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	struct damage *d = pmt_target_data(t);

	if (d->hole && addr < d->hole + 4096 && addr + len > d->hole)
		return pmt_err_addr(PMT_ERR_FILTERED, d->hole,
				    "address %#" PRIx64 ": filtered out (test hole)", d->hole);
	return pmt_read(pmt_target_inner(t), addr, buf, len);
}

static const struct pmt_target_ops dmg_layer = { .read = dmg_read };

struct fixture {
	struct dump *dump;
	struct pmt_target *real, *t;
	struct damage d;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct pmt_target *types;
	char release[65], build_id[129];

	assert_non_null(f);
	assert_null(pmt_profile_open(PMT_SAMPLE_DIR "/profile", &types, release, build_id));
	assert_null(dump_open(PMT_SAMPLE_DIR "/vmcore", &f->dump));
	assert_null(dump_target(f->dump, types, &f->real));
	assert_null(pmt_target_stack(f->real, false, &dmg_layer, &f->d, &f->t));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pmt_target_destroy(f->t);
	pmt_target_destroy(f->real);
	dump_close(f->dump);
	free(f);
	return 0;
}

static struct pmt_trace *load(struct fixture *f)
{
	struct pmt_trace *tr = NULL;

	assert_null(pmt_trace_load(f->t, NULL, &tr));
	return tr;
}

static char *out_path(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", outdir, name) > 0);
	return p;
}

/* ---- reading back a v7 file ---- */

struct file {
	uint8_t *p;
	size_t len;
};

static struct file slurp(const char *path)
{
	struct file f = { 0 };
	FILE *fp = fopen(path, "rb");
	struct stat st;

	assert_non_null(fp);
	assert_int_equal(fstat(fileno(fp), &st), 0);
	f.len = (size_t)st.st_size;
	f.p = malloc(f.len ? f.len : 1);
	assert_non_null(f.p);
	assert_int_equal(fread(f.p, 1, f.len, fp), f.len);
	fclose(fp);
	return f;
}

static uint64_t le(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i); /* the sample is x86_64 */
	return v;
}

struct option {
	uint16_t id;
	uint32_t len;
	const uint8_t *data;
};

struct v7 {
	uint32_t page_size;
	struct option opts[256];
	size_t nopts;
};

/* Parse the v7 header, walk every section to the end of the file and
 * collect the (uncompressed) options. */
static void parse_v7(const struct file *f, struct v7 *v)
{
	const uint8_t *p = f->p;
	size_t pos, nsec = 0;
	uint64_t opt_off;

	memset(v, 0, sizeof(*v));
	assert_memory_equal(p, "\x17\x08\x44tracing7", 12);
	assert_int_equal(p[12], 0); /* little endian */
	assert_int_equal(p[13], 8); /* long size */
	v->page_size = (uint32_t)le(p + 14, 4);
	pos = 18;
	pos += strlen((const char *)p + pos) + 1; /* compression name */
	pos += strlen((const char *)p + pos) + 1; /* and version */
	opt_off = le(p + pos, 8);
	pos += 8;
	/* the sections tile the rest of the file: readers find the strings so */
	while (pos < f->len) {
		assert_true(pos + 16 <= f->len);
		pos += 16 + le(p + pos + 8, 8);
		nsec++;
	}
	assert_int_equal(pos, f->len);
	assert_true(nsec >= 9);
	/* the options section (id 0, never compressed) */
	assert_int_equal(le(p + opt_off, 2), 0);
	assert_int_equal(le(p + opt_off + 2, 2), 0);
	pos = opt_off + 16;
	for (;;) {
		struct option *o = &v->opts[v->nopts++];

		assert_true(v->nopts < 256);
		o->id = (uint16_t)le(p + pos, 2);
		o->len = (uint32_t)le(p + pos + 2, 4);
		o->data = p + pos + 6;
		pos += 6 + o->len;
		if (o->id == 0)
			break; /* DONE */
	}
}

/* CPU `cpu`'s data size in the BUFFER option of buffer `name`. */
static uint64_t buffer_cpu_size(const struct v7 *v, const char *name, int cpu, uint32_t *subbuf)
{
	for (size_t i = 0; i < v->nopts; i++) {
		const uint8_t *d = v->opts[i].data;
		const char *bname, *clock;
		uint32_t ncpus;

		if (v->opts[i].id != 3)
			continue;
		bname = (const char *)d + 8;
		if (strcmp(bname, name))
			continue;
		clock = bname + strlen(bname) + 1;
		d = (const uint8_t *)clock + strlen(clock) + 1;
		*subbuf = (uint32_t)le(d, 4);
		ncpus = (uint32_t)le(d + 4, 4);
		for (uint32_t c = 0; c < ncpus; c++) {
			const uint8_t *e = d + 8 + 20 * c;

			if ((int)le(e, 4) == cpu)
				return le(e + 12, 8);
		}
	}
	fail_msg("no BUFFER option for '%s' cpu %d", name, cpu);
	return 0;
}

static const struct option *find_option(const struct v7 *v, uint16_t id, const char *needle)
{
	for (size_t i = 0; i < v->nopts; i++)
		if (v->opts[i].id == id &&
		    (!needle || memmem(v->opts[i].data, v->opts[i].len, needle, strlen(needle))))
			return &v->opts[i];
	return NULL;
}

/* No "<name>.XXXXXX" temporary left next to `path`. */
static void assert_no_leftovers(const char *dir, const char *base)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, base, strlen(base)) && e->d_name[strlen(base)] == '.')
			fail_msg("temporary file %s/%s left behind", dir, e->d_name);
	closedir(d);
}

static void write_json(struct pmt_trace *tr, const char *name)
{
	struct pmt_filter all = { .instance = "all" };
	char *path = out_path(name);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_null(pmt_write_json(tr, &all, fp));
	assert_int_equal(fclose(fp), 0);
	free(path);
}

/* ---- the tests ---- */

static void test_complete(void **state)
{
	struct fixture *f = *state;
	struct pmt_trace *tr;
	const struct pmt_tracedat_opts v6 = { .version = 6 },
				       none = { .compress = PMT_TRACEDAT_NONE };
	char *p7 = out_path("sample.dat"), *p6 = out_path("sample.v6.dat"),
	     *pn = out_path("sample.none.dat");
	struct file file;
	struct v7 v;
	uint32_t sb;

	f->d.hole = 0;
	tr = load(f);
	assert_null(pmt_write_tracedat(tr, NULL, p7));
	assert_null(pmt_write_tracedat(tr, &v6, p6));
	assert_null(pmt_write_tracedat(tr, &none, pn));
	/* nothing was missing: writing diagnosed nothing */
	for (size_t i = 0; i < pmt_trace_diag_count(tr); i++)
		print_message("  diag %s\n", pmt_trace_diag(tr, i)->msg);
	assert_int_equal(pmt_trace_status(tr, NULL), PMT_STATUS_COMPLETE);
	write_json(tr, "sample.json");
	file = slurp(pn);
	parse_v7(&file, &v);
	assert_int_equal(v.page_size, tr->bufs[0].subbuf_size);
	for (int c = 0; c < tr->bufs[0].nr_cpus; c++) {
		uint64_t size = buffer_cpu_size(&v, "", c, &sb);

		assert_int_equal(sb, tr->bufs[0].subbuf_size);
		assert_int_equal(size % sb, 0);
		assert_true(size > 0);
	}
	/* TRACECLOCK: what the kernel's trace_clock file said */
	{
		struct file truth = slurp(PMT_SAMPLE_DIR "/truth/global/trace_clock");
		const struct option *o = find_option(&v, 4, NULL);

		assert_non_null(o);
		assert_int_equal(o->len, truth.len + 1);
		assert_memory_equal(o->data, truth.p, truth.len);
		free(truth.p);
	}
	assert_non_null(find_option(&v, 9, "pmtrace"));		  /* VERSION */
	assert_non_null(find_option(&v, 2, "CPU: 1\nentries: ")); /* CPUSTAT */
	assert_null(find_option(&v, 24, NULL));			  /* no LAST_BOOT_INFO */
	free(file.p);
	file = slurp(p6);
	assert_memory_equal(file.p, "\x17\x08\x44tracing6", 12);
	free(file.p);
	assert_no_leftovers(outdir, "sample.dat");
	pmt_trace_free(tr);
	free(p7);
	free(p6);
	free(pn);
}

static void test_damaged_page(void **state)
{
	struct fixture *f = *state;
	const struct pmt_tracedat_opts none = { .compress = PMT_TRACEDAT_NONE };
	char *pn = out_path("damaged.none.dat"), *pz = out_path("damaged.dat");
	struct pmt_trace *base, *tr;
	uint64_t page, intact1, intact0;
	struct file file;
	char needle[64];
	bool found = false;
	struct v7 v;
	uint32_t sb;

	f->d.hole = 0;
	base = load(f);
	page = base->bufs[0].cpus[1].pages[base->bufs[0].cpus[1].npages / 2].addr;
	assert_null(pmt_write_tracedat(base, &none, pn));
	file = slurp(pn);
	parse_v7(&file, &v);
	intact0 = buffer_cpu_size(&v, "", 0, &sb);
	intact1 = buffer_cpu_size(&v, "", 1, &sb);
	free(file.p);

	f->d.hole = page;
	tr = load(f);
	assert_null(pmt_write_tracedat(tr, &none, pn));
	assert_null(pmt_write_tracedat(tr, NULL, pz));
	write_json(tr, "damaged.json");
	assert_int_equal(pmt_trace_status(tr, NULL), PMT_STATUS_PARTIAL);
	for (size_t i = 0; i < pmt_trace_diag_count(tr); i++) {
		const struct pmt_diag *d = pmt_trace_diag(tr, i);

		print_message("  diag [%s] cpu %d page %#" PRIx64 ": %s\n",
			      pmt_err_code_id(d->code), d->cpu, d->page, d->msg);
		found |= d->code == PMT_ERR_FILTERED && d->cpu == 1 && d->page == page;
	}
	assert_true(found);
	file = slurp(pn);
	parse_v7(&file, &v);
	/* the lost page is left out, nothing else */
	assert_int_equal(buffer_cpu_size(&v, "", 0, &sb), intact0);
	assert_int_equal(buffer_cpu_size(&v, "", 1, &sb), intact1 - sb);
	snprintf(needle, sizeof(needle), "lost page %#" PRIx64, page);
	assert_non_null(find_option(&v, 2, needle));
	{
		size_t nlost = 0;

		for (size_t i = 0; i < v.nopts; i++)
			nlost += v.opts[i].id == 2 &&
				 memmem(v.opts[i].data, v.opts[i].len, "lost page", 9) != NULL;
		assert_int_equal(nlost, 1); /* CPU 1's, and only that */
	}
	free(file.p);
	pmt_trace_free(tr);
	pmt_trace_free(base);
	free(pn);
	free(pz);
}

static void test_unwritable(void **state)
{
	struct fixture *f = *state;
	char *missing = out_path("no/such/dir/x.dat"), *dir = out_path("a-directory"),
	     *big = out_path("too-big.dat");
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct rlimit old, small = { 64 << 10, 64 << 10 };
	struct stat st;

	f->d.hole = 0;
	tr = load(f);
	err = pmt_write_tracedat(tr, NULL, missing);
	assert_non_null(err);
	print_message("  %s\n", err->msg);
	assert_int_equal(err->code, PMT_ERR_IO);
	assert_non_null(strstr(err->msg, missing));
	pmt_err_free(err);

	assert_true(mkdir(dir, 0755) == 0 || errno == EEXIST);
	err = pmt_write_tracedat(tr, NULL, dir);
	assert_non_null(err);
	print_message("  %s\n", err->msg);
	assert_int_equal(err->code, PMT_ERR_IO);
	pmt_err_free(err);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_no_leftovers(outdir, "a-directory");

	/* a disk that fills up half-way: the write fails with EFBIG */
	unlink(big);
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	small.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	err = pmt_write_tracedat(tr, NULL, big);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_non_null(err);
	print_message("  %s\n", err->msg);
	assert_int_equal(err->code, PMT_ERR_IO);
	pmt_err_free(err);
	assert_int_equal(stat(big, &st), -1);
	assert_no_leftovers(outdir, "too-big.dat");
	pmt_trace_free(tr);
	free(missing);
	free(dir);
	free(big);
}

/* Add an empty instance (every CPU present, no data) to a loaded trace. */
static struct trace_buf *add_instance(struct pmt_trace *tr, const char *name, uint32_t subbuf)
{
	struct trace_buf *b, *g;

	tr->bufs = realloc(tr->bufs, (tr->nbufs + 1) * sizeof(*tr->bufs));
	assert_non_null(tr->bufs);
	g = &tr->bufs[0];
	b = &tr->bufs[tr->nbufs++];
	memset(b, 0, sizeof(*b));
	b->name = strdup(name);
	b->tracer = strdup("nop");
	b->clock = strdup("local");
	b->clock_in_ns = true;
	b->subbuf_size = subbuf;
	b->fmt = g->fmt;
	b->fmt.subbuf_size = subbuf;
	b->nr_cpus = g->nr_cpus;
	b->cpus = calloc((size_t)b->nr_cpus, sizeof(*b->cpus));
	assert_non_null(b->cpus);
	for (int c = 0; c < b->nr_cpus; c++) {
		b->cpus[c].cpu = c;
		b->cpus[c].present = true;
		b->cpus[c].nr_pages = 1;
	}
	return b;
}

static void test_v6_refused(void **state)
{
	struct fixture *f = *state;
	const struct pmt_tracedat_opts v6 = { .version = 6 };
	char *p = out_path("refused.v6.dat");
	struct pmt_trace *tr;
	struct pmt_err *err;
	struct stat st;

	f->d.hole = 0;
	tr = load(f);
	add_instance(tr, "big_subbufs", tr->bufs[0].subbuf_size * 4);
	unlink(p);
	err = pmt_write_tracedat(tr, &v6, p);
	assert_non_null(err);
	print_message("  %s\n", err->msg);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	assert_non_null(strstr(err->msg, "global"));
	assert_non_null(strstr(err->msg, "big_subbufs"));
	pmt_err_free(err);
	assert_int_equal(stat(p, &st), -1);
	/* v7 carries a page size per buffer: fine */
	assert_null(pmt_write_tracedat(tr, NULL, p));
	pmt_trace_free(tr);
	free(p);
}

static void test_last_boot(void **state)
{
	struct fixture *f = *state;
	const struct pmt_tracedat_opts v6 = { .version = 6 };
	char *p7 = out_path("lastboot.dat"), *p6 = out_path("lastboot.v6.dat"), *text;
	struct trace_buf *b;
	struct pmt_trace *tr;
	struct file file;
	struct v7 v;
	const struct option *o;

	f->d.hole = 0;
	tr = load(f);
	b = add_instance(tr, "boot_mapped", tr->bufs[0].subbuf_size);
	/* a boot-mapped instance with a previous boot's data that recorded its
	 * text address: last_boot_info is "<address>\t[kernel]\n" (7.x) */
	b->persist = calloc(1, sizeof(*b->persist));
	assert_non_null(b->persist);
	b->persist->boot = PERSIST_BOOT_PREVIOUS;
	b->persist->have_prev_text = true;
	b->persist->prev_text = tr->t->kaslr_offset;
	assert_true(asprintf(&text, "boot_mapped:%" PRIx64 "\t[kernel]\n", tr->t->kaslr_offset) > 0);
	assert_null(pmt_write_tracedat(tr, NULL, p7));
	assert_null(pmt_write_tracedat(tr, &v6, p6));
	write_json(tr, "lastboot.json");
	file = slurp(p7);
	parse_v7(&file, &v);
	o = find_option(&v, 24, NULL);
	assert_non_null(o);
	assert_int_equal(o->len, strlen(text) + 1);
	assert_memory_equal(o->data, text, strlen(text) + 1);
	free(file.p);
	free(text);
	pmt_trace_free(tr);
	free(p7);
	free(p6);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_complete),   cmocka_unit_test(test_damaged_page),
		cmocka_unit_test(test_unwritable), cmocka_unit_test(test_v6_refused),
		cmocka_unit_test(test_last_boot),
	};

	if (argc != 2) {
		fprintf(stderr, "usage: test_tracedat OUTDIR\n");
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: a whole dump file through the real dump_open() — format
 * detection, the flattened rebuild, dump_validate(), the truncation scan,
 * libkdumpfile's open and its address-translation setup — then the reads a
 * trace load starts with: VMCOREINFO lookups, the machine description,
 * kernel-virtual reads of the symbols VMCOREINFO names (init_uts_ns, _stext,
 * init_top_pgt: page-table walks in libaddrxlat), physical reads around the
 * pages the seeds hold, and the dump target's first symbol lookup and read
 * through a small types-only target, as pmtrace does after opening.
 *
 * The input is written to a memfd and opened by its /proc/self/fd path, so
 * every byte goes through the same file code as a vmcore on disk. Rebuilt
 * flattened files go to unlinked temporary files (HOME and PMTRACE_CACHE are
 * unset), never to a cache that could answer for an earlier input. Seeds:
 * tests/fuzz/mkdumps (every format, a few KiB each) and tests/hostile/.
 * PMT_FUZZ_VERBOSE=1 prints what each input gave (to check seeds).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dump_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The machine the seeds describe (tests/fuzz/mkdumps.c). */
#define KTEXT_VA    UINT64_C(0xffffffff81000000)
#define KTEXT_PA    UINT64_C(0x1000000)
#define PAGE_OFFSET UINT64_C(0xffff888000000000)

static int memfd = -1;
static char path[64];
static bool verbose;

static void note_err(const char *what, struct pmt_err *err)
{
	if (verbose)
		fprintf(stderr, "  %-28s %s%s\n", what, err ? pmt_err_code_id(err->code) : "ok",
			err ? "" : "");
	if (verbose && err)
		fprintf(stderr, "    %s\n", err->msg);
	pmt_err_free(err);
}

/* ---- a types-only target answering for the seeds' kernel ------------- */

static struct pmt_err *ty_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	if (!strcmp(name, "_stext") || !strcmp(name, "_text"))
		*addr = KTEXT_VA;
	else if (!strcmp(name, "init_uts_ns"))
		*addr = KTEXT_VA + 0x1000;
	else
		return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
	return NULL;
}

static struct pmt_err *ty_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_new(PMT_ERR_UNSUPPORTED, "types only");
}

static void ty_destroy(struct pmt_target *t)
{
	free(t);
}

static const struct pmt_target_ops ty_ops = {
	.read = ty_read,
	.symbol = ty_symbol,
	.destroy = ty_destroy,
};

static struct pmt_target *types_target(const char *release)
{
	struct pmt_target *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->ops = &ty_ops;
	t->word_size = 8;
	t->page_size = 4096;
	snprintf(t->release, sizeof(t->release), "%s", release ? release : "");
	return t;
}

/* ---- one input ---------------------------------------------------------- */

static void init(void)
{
	verbose = getenv("PMT_FUZZ_VERBOSE") != NULL;
	unsetenv("PMTRACE_CACHE");
	unsetenv("HOME");
	memfd = memfd_create("pmt-fuzz-dump", MFD_CLOEXEC);
	if (memfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
}

static void read_kv(struct dump *d, const char *what, uint64_t addr, size_t len)
{
	static uint8_t buf[3 * 4096];

	note_err(what, dump_read_kv(d, addr, buf, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[3 * 4096];
	struct dump_machine m;
	struct pmt_target *t = NULL;
	struct pmt_err *err;
	struct dump *d = NULL;
	uint64_t a;

	if (memfd < 0)
		init();
	if (ftruncate(memfd, 0) || pwrite(memfd, data, size, 0) != (ssize_t)size)
		abort();
	err = dump_open(path, &d);
	if (err) {
		note_err("dump_open", err);
		return 0;
	}
	if (verbose)
		fprintf(stderr, "  format %s, release %s, xlat fixup \"%s\"\n", dump_format_name(d),
			dump_vmcoreinfo(d, "OSRELEASE") ? dump_vmcoreinfo(d, "OSRELEASE") : "-",
			dump_xlat_fixup(d));
	dump_machine(d, &m);
	(void)dump_kaslr_offset(d);
	(void)dump_vmcoreinfo(d, "BUILD-ID");
	(void)dump_vmcoreinfo_num(d, "NUMBER(phys_base)", 10, &a);
	if (dump_vmcoreinfo_symbol(d, "init_uts_ns", &a))
		read_kv(d, "kv init_uts_ns", a, 400);
	if (dump_vmcoreinfo_symbol(d, "_stext", &a))
		read_kv(d, "kv _stext", a, 64);
	if (dump_vmcoreinfo_symbol(d, "init_top_pgt", &a))
		read_kv(d, "kv init_top_pgt", a, 4096);
	read_kv(d, "kv data page", KTEXT_VA + 0x6000, 64);
	read_kv(d, "kv direct map", PAGE_OFFSET + 0x2000, 64);
	read_kv(d, "kv 3 pages", KTEXT_VA, 3 * 4096);
	read_kv(d, "kv unmapped", UINT64_C(0xffffc90000000000), 8);
	note_err("phys 0x2000", dump_read_phys(d, 0x2000, buf, 64));
	note_err("phys ktext page cross", dump_read_phys(d, KTEXT_PA + 0xff0, buf, 32));
	note_err("phys 3 pages", dump_read_phys(d, KTEXT_PA, buf, sizeof(buf)));
	note_err("phys 0", dump_read_phys(d, 0, buf, 8));
	note_err("phys high", dump_read_phys(d, UINT64_C(0xfffffffff000), buf, 8));
	/* what pmtrace does next: the target, its first symbol and read */
	err = dump_target(d, types_target(m.release[0] ? m.release : NULL), &t);
	if (!err) {
		err = pmt_symbol(t, "init_uts_ns", &a);
		if (!err)
			err = pmt_read(t, a + 4 + 130, buf, 65);
		note_err("target init_uts_ns", err);
		pmt_target_destroy(t);
	} else {
		note_err("dump_target", err);
	}
	dump_close(d);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extractor/dump_target.c on the real dumps of the corpus
 * ($PMTRACE_CACHE/corpus, see vmcores/boot-scenario.sh): for every scenario
 * STATUS lists as ok, every format (QEMU ELF, QEMU flattened kdump-zlib,
 * makedumpfile-filtered zlib and lzo) must
 *   - open, with the expected format name;
 *   - give OSRELEASE = truth/uname;
 *   - give KERNELOFFSET = truth/kallsyms_text - link-time _text (nm vmlinux),
 *     and the target the same kaslr_offset;
 *   - read init_uts_ns's release string by virtual address (nm address +
 *     KASLR offset, through a types target answering from nm) = truth/uname.
 * Then: pages filtered out by makedumpfile are NODATA with their address and
 * read fine in the ELF; truncated copies of the ELF and of a makedumpfile file
 * report NODATA exactly where the data stops (never zeros), and a truncated
 * flattened file is refused. Read throughput is printed for the report.
 * Skips (77) when there is no corpus or no vmlinux.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dump_target.h"

#define UTS_LEN	      65
#define UTS_RELEASE   (2 * UTS_LEN)
#define PAGE	      4096
#define SPEED_BYTES   (8u << 20) /* kernel text; makedumpfile keeps ~14 MiB of it */
#define SPEED_CHUNK   (1u << 20)
#define MAX_SCAN_PFNS 262144 /* look for a filtered page among the first 1 GiB */

static int failures;
static char tmpdir[] = "/tmp/pmt-test-corpus-XXXXXX";

#define CHECK(cond, ...)                                                                \
	do {                                                                            \
		if (!(cond)) {                                                          \
			fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                                   \
			fputc('\n', stderr);                                            \
			failures++;                                                     \
		}                                                                       \
	} while (0)

/* "a/b", malloc'd (aborts on OOM: this is a test). */
static char *join(const char *a, const char *b)
{
	char *p;

	if (asprintf(&p, "%s/%s", a, b) < 0)
		abort();
	return p;
}

static char *slurp_line(const char *dir, const char *name)
{
	char *path = join(dir, name), buf[256];
	FILE *f;

	f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return strdup(buf);
}

/* ---- link-time symbols from nm ------------------------------------------ */

struct syms {
	uint64_t text, stext, init_uts_ns;
};

static int nm_syms(const char *vmlinux, struct syms *s)
{
	char cmd[4200], line[512];
	FILE *p;
	int found = 0;

	memset(s, 0, sizeof(*s));
	snprintf(cmd, sizeof(cmd), "nm -- '%s' 2>/dev/null", vmlinux);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		unsigned long long v;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &v, &type, name) != 3)
			continue;
		if (!strcmp(name, "_text"))
			s->text = v, found |= 1;
		else if (!strcmp(name, "_stext"))
			s->stext = v, found |= 2;
		else if (!strcmp(name, "init_uts_ns"))
			s->init_uts_ns = v, found |= 4;
	}
	pclose(p);
	return found == 7 ? 0 : -1;
}

/* A types-only target answering symbols from nm. */
static struct pmt_err *nm_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	const struct syms *s = t->priv;

	if (!strcmp(name, "_text"))
		*addr = s->text;
	else if (!strcmp(name, "_stext"))
		*addr = s->stext;
	else if (!strcmp(name, "init_uts_ns"))
		*addr = s->init_uts_ns;
	else
		return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
	return NULL;
}

static struct pmt_err *nm_absent(void)
{
	return pmt_err_new(PMT_ERR_ABSENT, "types-only test target");
}

static struct pmt_err *nm_read(struct pmt_target *t, uint64_t a, void *b, size_t l)
{
	return pmt_err_new(PMT_ERR_UNSUPPORTED, "types-only target");
}

static struct pmt_err *nm_type_size(struct pmt_target *t, const char *ty, uint64_t *s)
{
	return nm_absent();
}

static struct pmt_err *nm_member(struct pmt_target *t, const char *ty, const char *p,
				 struct pmt_member *m)
{
	return nm_absent();
}

static struct pmt_err *nm_enumerator(struct pmt_target *t, const char *n, int64_t *v)
{
	return nm_absent();
}

static void nm_destroy(struct pmt_target *t)
{
	free(t);
}

static const struct pmt_target_ops nm_ops = {
	.read = nm_read,
	.symbol = nm_symbol,
	.type_size = nm_type_size,
	.member = nm_member,
	.enumerator = nm_enumerator,
	.destroy = nm_destroy,
};

static struct pmt_target *nm_target(struct syms *s)
{
	struct pmt_target *t = calloc(1, sizeof(*t));

	if (t) {
		t->ops = &nm_ops;
		t->priv = s;
	}
	return t;
}

/* ---- per format --------------------------------------------------------- */

/*
 * The release string of init_uts_ns at `uts`: struct uts_namespace starts
 * with its new_utsname on 6.x (VMCOREINFO then has OFFSET(uts_namespace.name))
 * and with a 4-byte kref before it on 5.10; without the OFFSET line, take
 * whichever of 0 and 4 holds sysname "Linux".
 */
static struct pmt_err *read_release(struct dump *d, struct pmt_target *t, uint64_t uts, char *rel)
{
	const char *o = dump_vmcoreinfo(d, "OFFSET(uts_namespace.name)");
	char buf[4 + 3 * UTS_LEN];
	struct pmt_err *err =
		t ? pmt_read(t, uts, buf, sizeof(buf)) : dump_read_kv(d, uts, buf, sizeof(buf));
	uint64_t off = o ? strtoull(o, NULL, 10) : !strcmp(buf, "Linux") ? 0 : 4;

	if (err)
		return err;
	if (off > 4)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "uts_namespace.name at %" PRIu64, off);
	memcpy(rel, buf + off + UTS_RELEASE, UTS_LEN);
	rel[UTS_LEN - 1] = '\0';
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read SPEED_BYTES of kernel text in `chunk`-byte reads; prints MiB/s. */
static void speed(struct pmt_target *t, uint64_t start, size_t chunk, const char *label)
{
	uint8_t *buf = malloc(chunk);
	double t0 = now(), dt;
	struct pmt_err *err = NULL;

	if (!buf)
		return;
	for (uint64_t off = 0; off < SPEED_BYTES && !err; off += chunk)
		err = pmt_read(t, start + off, buf, chunk);
	dt = now() - t0;
	if (err) {
		printf("    speed %s: %s\n", label, err->msg);
		pmt_err_free(err);
	} else {
		printf("    speed %s: %u MiB in %.3f s = %.0f MiB/s\n", label, SPEED_BYTES >> 20,
		       dt, (SPEED_BYTES >> 20) / dt);
	}
	free(buf);
}

static const char *expected_format(const char *file)
{
	if (!strcmp(file, "vmcore.elf"))
		return "elf";
	if (!strcmp(file, "vmcore.kdump-zlib"))
		return "flattened->diskdump";
	return "diskdump";
}

static void check_format(const char *dir, const char *file, const char *uname, uint64_t kaslr,
			 struct syms *syms)
{
	char *path = join(dir, file), rel[UTS_LEN];
	struct pmt_target *t = NULL;
	struct pmt_err *err;
	struct dump *d = NULL;
	const char *v;
	uint64_t koff = 0, uts;
	double t0 = now();

	err = dump_open(path, &d);
	CHECK(!err, "dump_open(%s): %s", path, err ? err->msg : "");
	free(path);
	if (err) {
		pmt_err_free(err);
		return;
	}
	printf("  %-18s open %.3f s, %s%s%s\n", file, now() - t0, dump_format_name(d),
	       *dump_xlat_fixup(d) ? ", fixed: " : "", dump_xlat_fixup(d));
	CHECK(!strcmp(dump_format_name(d), expected_format(file)), "%s: format %s, want %s", file,
	      dump_format_name(d), expected_format(file));
	v = dump_vmcoreinfo(d, "OSRELEASE");
	CHECK(v && !strcmp(v, uname), "%s: OSRELEASE %s, truth %s", file, v ? v : "(none)", uname);
	v = dump_vmcoreinfo(d, "KERNELOFFSET");
	CHECK(v && sscanf(v, "%" SCNx64, &koff) == 1 && koff == kaslr,
	      "%s: KERNELOFFSET %s, truth %#" PRIx64, file, v ? v : "(none)", kaslr);
	CHECK(dump_kaslr_offset(d) == kaslr, "%s: dump_kaslr_offset %#" PRIx64, file,
	      dump_kaslr_offset(d));

	err = dump_target(d, nm_target(syms), &t);
	CHECK(!err, "%s: dump_target: %s", file, err ? err->msg : "");
	if (err) {
		pmt_err_free(err);
		dump_close(d);
		return;
	}
	CHECK(t->kaslr_offset == kaslr, "%s: target kaslr %#" PRIx64, file, t->kaslr_offset);
	CHECK(!strcmp(t->release, uname), "%s: target release %s", file, t->release);
	CHECK(t->word_size == 8 && !t->big_endian && t->page_size == PAGE,
	      "%s: word %u be %d page %" PRIu64, file, t->word_size, t->big_endian, t->page_size);

	err = pmt_symbol(t, "init_uts_ns", &uts);
	CHECK(!err && uts == syms->init_uts_ns + kaslr, "%s: init_uts_ns %#" PRIx64, file, uts);
	pmt_err_free(err);
	/* by virtual address, through the target */
	memset(rel, 0, sizeof(rel));
	err = read_release(d, t, uts, rel);
	CHECK(!err, "%s: read init_uts_ns: %s", file, err ? err->msg : "");
	pmt_err_free(err);
	CHECK(!strcmp(rel, uname), "%s: init_uts_ns release \"%s\", truth %s", file, rel, uname);

	speed(t, syms->stext + kaslr, SPEED_CHUNK, "1 MiB reads");
	speed(t, syms->stext + kaslr, PAGE, "4 KiB reads");
	pmt_target_destroy(t);
	dump_close(d);
}

/* ---- filtered pages ----------------------------------------------------- */

static void check_filtered(const char *dir)
{
	char *mdf = join(dir, "vmcore.mdf-zlib"), *elf = join(dir, "vmcore.elf");
	struct dump *dm = NULL, *de = NULL;
	struct pmt_err *err = NULL;
	uint8_t buf[PAGE];
	uint64_t pfn;

	if (dump_open(mdf, &dm) || dump_open(elf, &de)) {
		CHECK(0, "cannot open %s or %s", mdf, elf);
		goto out;
	}
	for (pfn = 1; pfn < MAX_SCAN_PFNS; pfn++) {
		err = dump_read_phys(dm, pfn * PAGE, buf, PAGE);
		if (err)
			break;
	}
	CHECK(err, "no filtered page among the first %d in %s", MAX_SCAN_PFNS, mdf);
	if (!err)
		goto out;
	CHECK(err->code == PMT_ERR_FILTERED && err->addr == pfn * PAGE,
	      "filtered page %#" PRIx64 ": code %d addr %#" PRIx64 ": %s", pfn * PAGE, err->code,
	      err->addr, err->msg);
	printf("  filtered page %#" PRIx64 " in mdf-zlib: %s\n", pfn * PAGE, err->msg);
	pmt_err_free(err);
	err = dump_read_phys(de, pfn * PAGE, buf, PAGE);
	CHECK(!err, "the same page in the ELF: %s", err ? err->msg : "");
	pmt_err_free(err);
	/* a read straddling into the filtered page fails at its first byte */
	err = dump_read_phys(dm, pfn * PAGE - 16, buf, 32);
	CHECK(err && err->code == PMT_ERR_FILTERED && err->addr == pfn * PAGE,
	      "straddling read: %s", err ? err->msg : "succeeded");
	pmt_err_free(err);
out:
	dump_close(dm);
	dump_close(de);
	free(mdf);
	free(elf);
}

/* ---- truncated copies --------------------------------------------------- */

static char *copy_prefix(const char *src, const char *name, uint64_t len)
{
	char *dst;
	int in, out;
	uint8_t *buf = malloc(SPEED_CHUNK);
	uint64_t done = 0;

	if (asprintf(&dst, "%s/%s", tmpdir, name) < 0 || !buf)
		abort();
	in = open(src, O_RDONLY);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || out < 0)
		abort();
	while (done < len) {
		size_t want = len - done > SPEED_CHUNK ? SPEED_CHUNK : len - done;
		ssize_t n = read(in, buf, want);

		if (n <= 0 || write(out, buf, (size_t)n) != n)
			abort();
		done += (uint64_t)n;
	}
	close(in);
	close(out);
	free(buf);
	return dst;
}

static uint64_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) ? 0 : (uint64_t)sb.st_size;
}

/* Last physical page that reads in `full` and is not all zeros (a zero page
 * of a diskdump shares the data at the start of the file, so it survives any
 * cut), scanning down from `top`. */
static uint64_t last_good_page(struct dump *full, uint64_t top)
{
	static const uint8_t zero[PAGE];
	uint8_t buf[PAGE];

	for (uint64_t pfn = top; pfn > 0; pfn--) {
		struct pmt_err *err = dump_read_phys(full, pfn * PAGE, buf, PAGE);

		if (!err && memcmp(buf, zero, PAGE))
			return pfn * PAGE;
		pmt_err_free(err);
	}
	return 0;
}

static void check_truncated(const char *dir, const char *file, double keep)
{
	char *src = join(dir, file), *elf = join(dir, "vmcore.elf");
	struct dump *full = NULL, *cut = NULL;
	struct pmt_err *err;
	uint64_t size, page;
	uint8_t buf[PAGE];
	char *path;

	size = file_size(src);
	path = copy_prefix(src, "cut", (uint64_t)(size * keep));
	err = dump_open(path, &cut);
	CHECK(!err, "truncated %s: dump_open: %s", file, err ? err->msg : "");
	if (err) {
		pmt_err_free(err);
		goto out;
	}
	if (dump_open(src, &full))
		goto out;
	/* the highest page that exists in the full dump is past the cut; the
	 * ELF's size bounds the guest's memory */
	page = last_good_page(full, file_size(elf) / PAGE + 1024);
	err = dump_read_phys(cut, page, buf, PAGE);
	CHECK(err && err->code == PMT_ERR_TRUNCATED && err->addr == page,
	      "truncated %s: page %#" PRIx64 ": %s", file, page, err ? err->msg : "read zeros");
	if (err)
		printf("  truncated %s to %.0f%%: %s\n", file, keep * 100, err->msg);
	pmt_err_free(err);
	/* and the kernel's own release string still reads */
	{
		const char *u = dump_vmcoreinfo(cut, "SYMBOL(init_uts_ns)");
		const char *want = dump_vmcoreinfo(cut, "OSRELEASE");
		char rel[UTS_LEN] = "";

		if (u && want) {
			err = read_release(cut, NULL, strtoull(u, NULL, 16), rel);
			/* fine, or TRUNCATED when the page tables were cut off */
			CHECK(err ? err->code == PMT_ERR_TRUNCATED : !strcmp(rel, want),
			      "truncated %s: release: %s", file, err ? err->msg : rel);
			pmt_err_free(err);
		}
	}
out:
	dump_close(cut);
	dump_close(full);
	unlink(path);
	free(path);
	free(src);
	free(elf);
}

static void check_truncated_flat(const char *dir)
{
	char *src = join(dir, "vmcore.kdump-zlib"), *path;
	struct dump *d = NULL;
	struct pmt_err *err;

	path = copy_prefix(src, "cut.flat", file_size(src) / 2);
	err = dump_open(path, &d);
	CHECK(err && err->code == PMT_ERR_CORRUPT && strstr(err->msg, path),
	      "truncated flattened: %s", err ? err->msg : "opened");
	if (err)
		printf("  truncated flattened: %s\n", err->msg);
	pmt_err_free(err);
	dump_close(d);
	unlink(path);
	free(path);
	free(src);
}

/* A copy of the makedumpfile file with one header field overwritten: open and
 * read must fail or succeed cleanly, never crash or hang (the test has a
 * timeout). Fields: block_size, sub_hdr_size, bitmap_blocks, max_mapnr of
 * disk_dump_header, max_mapnr_64 of the sub-header. */
static void check_corrupt_headers(const char *dir)
{
	static const struct {
		uint64_t off;
		unsigned len;
		uint64_t val;
	} pokes[] = {
		{ 428, 4, 0 },
		{ 428, 4, 0xffffffff },
		{ 428, 4, 3 },
		{ 432, 4, 0xffffffff },
		{ 436, 4, 0 },
		{ 436, 4, 0x7fffffff },
		{ 440, 4, 0xffffffff },
		{ 4096 + 96, 8, UINT64_MAX },
		{ 4096 + 96, 8, 1ull << 40 },
	};
	char *src = join(dir, "vmcore.mdf-zlib");
	uint64_t size = file_size(src);

	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		char *path = copy_prefix(src, "poked", size);
		struct dump *d = NULL;
		struct pmt_err *err;
		uint8_t v[8], buf[PAGE];
		int fd = open(path, O_WRONLY);

		for (unsigned b = 0; b < pokes[i].len; b++)
			v[b] = (uint8_t)(pokes[i].val >> (8 * b));
		if (fd < 0 || pwrite(fd, v, pokes[i].len, (off_t)pokes[i].off) != pokes[i].len)
			abort();
		close(fd);
		err = dump_open(path, &d);
		if (!err) {
			pmt_err_free(dump_read_phys(d, 0x1000000, buf, PAGE));
			dump_close(d);
		} else {
			CHECK(strstr(err->msg, path), "poke %zu: message without the file: %s", i,
			      err->msg);
		}
		pmt_err_free(err);
		unlink(path);
		free(path);
	}
	printf("  %zu corrupted headers: no crash\n", sizeof(pokes) / sizeof(pokes[0]));
	free(src);
}

/* ---- main --------------------------------------------------------------- */

static void check_scenario(const char *cache, const char *dir)
{
	static const char *const files[] = { "vmcore.elf", "vmcore.kdump-zlib", "vmcore.mdf-zlib",
					     "vmcore.mdf-lzo" };
	char *vmlinux = NULL;
	char *uname = slurp_line(dir, "truth/uname");
	char *ktext = slurp_line(dir, "truth/kallsyms_text");
	struct syms syms;
	uint64_t kaslr;

	printf("%s\n", dir);
	if (!uname || !ktext) {
		CHECK(0, "%s: no truth/uname or truth/kallsyms_text", dir);
		goto out;
	}
	if (asprintf(&vmlinux, "%s/kernels/%s/vmlinux", cache, uname) < 0)
		abort();
	if (nm_syms(vmlinux, &syms)) {
		printf("  skipped: no symbols from %s\n", vmlinux);
		goto out;
	}
	kaslr = strtoull(ktext, NULL, 16) - syms.text;
	printf("  release %s, KASLR offset %#" PRIx64 "\n", uname, kaslr);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		check_format(dir, files[i], uname, kaslr, &syms);
	check_filtered(dir);
	check_truncated(dir, "vmcore.elf", 0.5);
	check_truncated(dir, "vmcore.mdf-zlib", 0.6);
	check_truncated_flat(dir);
	check_corrupt_headers(dir);
out:
	free(vmlinux);
	free(uname);
	free(ktext);
}

int main(int argc, char **argv)
{
	const char *env = getenv("PMTRACE_CACHE");
	char cache[4096], status[4200], line[8192], cmd[4200];
	char seen[64][4096];
	int nseen = 0, tested = 0;
	FILE *f;

	if (env && *env)
		snprintf(cache, sizeof(cache), "%s", env);
	else if ((env = getenv("PMTRACE_CACHE_DEFAULT")) && *env)
		snprintf(cache, sizeof(cache), "%s", env);
	else
		snprintf(cache, sizeof(cache), "%s/.cache/pmtrace", getenv("HOME") ?: "/root");
	/* the cells of this tree's scenarios (corpus.sh --list), or else every
	 * cell the cache's STATUS log names */
	if (argc > 1)
		snprintf(status, sizeof(status), "%s", argv[1]);
	else
		snprintf(status, sizeof(status), "%s/corpus/STATUS", cache);
	f = fopen(status, "r");
	if (!f) {
		printf("SKIP: no corpus (%s: %s)\n", status, strerror(errno));
		return 77;
	}
	if (!mkdtemp(tmpdir))
		return 1;
	/* rebuilt flattened files go to a private cache, removed at the end */
	setenv("PMTRACE_CACHE", tmpdir, 1);
	/* "<release> <scenario> ok <dir> <time> <date>", possibly repeated */
	while (fgets(line, sizeof(line), f)) {
		char rel[256], scen[256], state[64], dir[4096];
		int dup = 0;

		if (argc > 1) { /* a plain list of cell directories */
			if (sscanf(line, "%4095s", dir) != 1)
				continue;
		} else if (sscanf(line, "%255s %255s %63s %4095s", rel, scen, state, dir) != 4 ||
			   strcmp(state, "ok")) {
			continue;
		}
		for (int i = 0; i < nseen; i++)
			dup |= !strcmp(seen[i], dir);
		if (dup || nseen == 64 || access(dir, R_OK))
			continue;
		snprintf(seen[nseen++], sizeof(seen[0]), "%s", dir);
		check_scenario(cache, dir);
		tested++;
	}
	fclose(f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	if (!tested) {
		printf("SKIP: no usable scenario in %s\n", status);
		return 77;
	}
	printf("%d scenario(s), %d failure(s)\n", tested, failures);
	return failures ? 1 : 0;
}

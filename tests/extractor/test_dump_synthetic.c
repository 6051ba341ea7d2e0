// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extractor/dump_target.c on a tiny synthetic x86_64 ELF vmcore built here:
 * a VMCOREINFO note, a kernel-text segment holding init_uts_ns, a direct-map
 * segment with a byte pattern. The same image is also fed through the
 * flattened format and truncated. Checks exact bytes, error codes and
 * faulting addresses, the KASLR arithmetic and the delegation of the types
 * target.
 */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dump_target.h"
#include "flattened.h"

#define KASLR	    UINT64_C(0x1e00000)
#define KTEXT_LINK  UINT64_C(0xffffffff81000000)
#define KTEXT_VA    (KTEXT_LINK + KASLR)
#define KTEXT_PA    UINT64_C(0x3000000)
#define SEG_SIZE    UINT64_C(0x4000)
#define UTS_OFF	    UINT64_C(0x1000) /* init_uts_ns within the text segment */
#define DIRECT_VA   UINT64_C(0xffff888000000000)
#define DIRECT_PA   UINT64_C(0x1000000)
#define RELEASE	    "6.1.0-synthetic"
#define NOTE_OFF    0x200
#define KTEXT_FOFF  0x1000
#define DIRECT_FOFF (KTEXT_FOFF + SEG_SIZE)
#define IMAGE_SIZE  (DIRECT_FOFF + SEG_SIZE)

static char tmpdir[] = "/tmp/pmt-test-dump-XXXXXX";
static uint8_t image[IMAGE_SIZE];

static uint8_t direct_byte(uint64_t off)
{
	return (uint8_t)(off * 31 + (off >> 8) + 3);
}

static void build_image(void)
{
	char vmci[1024];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
	Elf64_Phdr *ph = (Elf64_Phdr *)(image + sizeof(*eh));
	Elf64_Nhdr *nh = (Elf64_Nhdr *)(image + NOTE_OFF);
	uint8_t *uts;
	int n;

	n = snprintf(vmci, sizeof(vmci),
		     "OSRELEASE=%s\nPAGESIZE=4096\nBUILD-ID=0123abcd\n"
		     "SYMBOL(_stext)=%" PRIx64 "\nSYMBOL(init_uts_ns)=%" PRIx64 "\n"
		     "OFFSET(uts_namespace.name)=4\nNUMBER(phys_base)=%" PRId64 "\n"
		     "KERNELOFFSET=%" PRIx64 "\n",
		     RELEASE, KTEXT_VA, KTEXT_VA + UTS_OFF,
		     (int64_t)(KTEXT_PA - (KTEXT_VA - UINT64_C(0xffffffff80000000))), KASLR);

	memset(image, 0, sizeof(image));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 3;

	nh->n_namesz = sizeof("VMCOREINFO");
	nh->n_descsz = (Elf64_Word)n;
	nh->n_type = 0;
	memcpy((char *)(nh + 1), "VMCOREINFO", sizeof("VMCOREINFO"));
	memcpy((char *)(nh + 1) + 12, vmci, (size_t)n);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE,
			      .p_offset = NOTE_OFF,
			      .p_filesz = sizeof(*nh) + 12 + (((size_t)n + 3) & ~3ul) };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD,
			      .p_flags = PF_R | PF_W | PF_X,
			      .p_offset = KTEXT_FOFF,
			      .p_vaddr = KTEXT_VA,
			      .p_paddr = KTEXT_PA,
			      .p_filesz = SEG_SIZE,
			      .p_memsz = SEG_SIZE,
			      .p_align = 4096 };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD,
			      .p_flags = PF_R | PF_W | PF_X,
			      .p_offset = DIRECT_FOFF,
			      .p_vaddr = DIRECT_VA,
			      .p_paddr = DIRECT_PA,
			      .p_filesz = SEG_SIZE,
			      .p_memsz = SEG_SIZE,
			      .p_align = 4096 };
	/* struct uts_namespace { struct kref; struct new_utsname name; } */
	uts = image + KTEXT_FOFF + UTS_OFF + 4;
	strcpy((char *)uts, "Linux");
	strcpy((char *)uts + 65, "synth");
	strcpy((char *)uts + 130, RELEASE);
	strcpy((char *)uts + 195, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.0");
	strcpy((char *)uts + 260, "x86_64");
	strcpy((char *)uts + 325, "(none)");
	for (uint64_t i = 0; i < SEG_SIZE; i++)
		image[DIRECT_FOFF + i] = direct_byte(i);
}

static char *write_file(const char *name, const void *data, size_t len)
{
	char *path;
	int fd;

	assert_true(asprintf(&path, "%s/%s", tmpdir, name) > 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	return path;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* The image as a flattened stream of 1000-byte records in reverse order. */
static char *write_flattened(const char *name)
{
	size_t nrec = (IMAGE_SIZE + 999) / 1000;
	size_t len = FLAT_HEADER_SIZE + nrec * 16 + IMAGE_SIZE + 16;
	uint8_t *buf = calloc(1, len), *p;
	char *path;

	assert_non_null(buf);
	memcpy(buf, "makedumpfile", 12);
	put_be64(buf + 16, 1);
	put_be64(buf + 24, 1);
	p = buf + FLAT_HEADER_SIZE;
	for (size_t i = nrec; i-- > 0;) {
		size_t off = i * 1000, sz = IMAGE_SIZE - off < 1000 ? IMAGE_SIZE - off : 1000;

		put_be64(p, off);
		put_be64(p + 8, sz);
		memcpy(p + 16, image + off, sz);
		p += 16 + sz;
	}
	put_be64(p, (uint64_t)-1);
	put_be64(p + 8, (uint64_t)-1);
	path = write_file(name, buf, len);
	free(buf);
	return path;
}

/* ---- a fake types target ---------------------------------------------- */

static int types_destroyed;

static struct pmt_err *fake_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	uint64_t stext = *(uint64_t *)t->priv;

	if (!strcmp(name, "_stext") || !strcmp(name, "_text"))
		*addr = stext;
	else if (!strcmp(name, "init_uts_ns"))
		*addr = stext + UTS_OFF;
	else
		return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
	return NULL;
}

static struct pmt_err *fake_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	if (strcmp(type, "struct uts_namespace"))
		return pmt_err_new(PMT_ERR_ABSENT, "no type %s", type);
	*size = 424;
	return NULL;
}

static struct pmt_err *fake_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *out)
{
	if (strcmp(type, "struct uts_namespace") || strcmp(path, "name"))
		return pmt_err_new(PMT_ERR_ABSENT, "no member %s.%s", type, path);
	*out = (struct pmt_member){ .offset = 4, .size = 390, .kind = PMT_KIND_STRUCT };
	return NULL;
}

static struct pmt_err *fake_enumerator(struct pmt_target *t, const char *name, int64_t *v)
{
	if (strcmp(name, "TRACE_FN"))
		return pmt_err_new(PMT_ERR_ABSENT, "no enumerator %s", name);
	*v = 6;
	return NULL;
}

static struct pmt_err *fake_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_new(PMT_ERR_UNSUPPORTED, "types-only target");
}

static void fake_destroy(struct pmt_target *t)
{
	types_destroyed++;
	free(t->priv);
	free(t);
}

static const struct pmt_target_ops fake_ops = {
	.read = fake_read,
	.symbol = fake_symbol,
	.type_size = fake_type_size,
	.member = fake_member,
	.enumerator = fake_enumerator,
	.destroy = fake_destroy,
};

static struct pmt_target *fake_types(uint64_t link_stext, const char *release)
{
	struct pmt_target *t = calloc(1, sizeof(*t));
	uint64_t *p = malloc(sizeof(*p));

	assert_non_null(t);
	assert_non_null(p);
	*p = link_stext;
	t->ops = &fake_ops;
	t->priv = p;
	snprintf(t->release, sizeof(t->release), "%s", release);
	return t;
}

/* ---- the checks, run on the ELF and on its flattened form ------------- */

static void check_dump(const char *path, const char *format)
{
	struct dump *d = NULL;
	struct pmt_target *t = NULL;
	struct pmt_err *err;
	char rel[65];
	uint8_t buf[SEG_SIZE + 16];
	uint64_t addr, size;
	struct pmt_member m;
	int64_t v;

	err = dump_open(path, &d);
	if (err)
		fail_msg("dump_open(%s): %s", path, err->msg);
	assert_string_equal(dump_format_name(d), format);
	assert_string_equal(dump_path(d), path);
	assert_string_equal(dump_vmcoreinfo(d, "OSRELEASE"), RELEASE);
	assert_string_equal(dump_vmcoreinfo(d, "BUILD-ID"), "0123abcd");
	assert_string_equal(dump_vmcoreinfo(d, "OFFSET(uts_namespace.name)"), "4");
	assert_null(dump_vmcoreinfo(d, "OSRELEAS"));
	assert_null(dump_vmcoreinfo(d, "NOSUCHKEY"));
	assert_int_equal(dump_kaslr_offset(d), KASLR);

	/* physical: whole segment, then a read running off its end */
	assert_null(dump_read_phys(d, DIRECT_PA, buf, SEG_SIZE));
	for (uint64_t i = 0; i < SEG_SIZE; i++)
		if (buf[i] != direct_byte(i))
			fail_msg("phys %#" PRIx64 ": %#x, want %#x", i, buf[i], direct_byte(i));
	err = dump_read_phys(d, DIRECT_PA + SEG_SIZE - 8, buf, 16);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_NODATA);
	assert_int_equal(err->addr, DIRECT_PA + SEG_SIZE);
	pmt_err_free(err);
	err = dump_read_phys(d, 0x7fff0000, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_NODATA);
	assert_int_equal(err->addr, 0x7fff0000);
	assert_non_null(strstr(err->msg, "0x7fff0000"));
	pmt_err_free(err);

	/* virtual, through the target */
	types_destroyed = 0;
	err = dump_target(d, fake_types(KTEXT_LINK, RELEASE), &t);
	if (err)
		fail_msg("dump_target: %s", err->msg);
	assert_int_equal(t->kaslr_offset, KASLR);
	assert_int_equal(t->word_size, 8);
	assert_false(t->big_endian);
	assert_int_equal(t->page_size, 4096);
	assert_string_equal(t->release, RELEASE);
	assert_null(pmt_symbol(t, "init_uts_ns", &addr));
	assert_int_equal(addr, KTEXT_VA + UTS_OFF);
	err = pmt_symbol(t, "nosuchsym", &addr);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_ABSENT);
	pmt_err_free(err);
	assert_null(pmt_type_size(t, "struct uts_namespace", &size));
	assert_int_equal(size, 424);
	assert_null(pmt_member(t, "struct uts_namespace", "name", &m));
	assert_int_equal(m.offset, 4);
	assert_null(pmt_enumerator(t, "TRACE_FN", &v));
	assert_int_equal(v, 6);

	assert_null(pmt_symbol(t, "init_uts_ns", &addr));
	err = pmt_read(t, addr + 4 + 130, rel, sizeof(rel));
	if (err)
		fail_msg("read init_uts_ns: %s (xlat: %s)", err->msg, dump_xlat_fixup(d));
	assert_string_equal(rel, RELEASE);
	/* the whole text segment, and one byte past it */
	assert_null(pmt_read(t, KTEXT_VA, buf, SEG_SIZE));
	assert_memory_equal(buf, image + KTEXT_FOFF, SEG_SIZE);
	err = pmt_read(t, KTEXT_VA + SEG_SIZE - 4, buf, 8);
	assert_non_null(err);
	assert_true(err->code == PMT_ERR_NODATA || err->code == PMT_ERR_CORRUPT);
	assert_int_equal(err->addr, KTEXT_VA + SEG_SIZE);
	pmt_err_free(err);
	/* a read wrapping around the address space is refused up front */
	err = pmt_read(t, UINT64_MAX - 3, buf, 8);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	pmt_err_free(err);

	pmt_target_destroy(t);
	assert_int_equal(types_destroyed, 1);

	/* debug info of another build: _stext differs by more than KERNELOFFSET */
	err = dump_target(d, fake_types(KTEXT_LINK + 0x200000, RELEASE), &t);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_MISMATCH);
	assert_null(t);
	assert_int_equal(types_destroyed, 2); /* ownership taken even on failure */
	pmt_err_free(err);
	/* ... or of another release */
	err = dump_target(d, fake_types(KTEXT_LINK, "6.1.0-other"), &t);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_MISMATCH);
	assert_non_null(strstr(err->msg, "6.1.0-other"));
	pmt_err_free(err);

	dump_close(d);
}

static void test_elf(void **state)
{
	char *path = write_file("vmcore.elf", image, sizeof(image));

	check_dump(path, "elf");
	free(path);
}

static void test_flattened(void **state)
{
	char *path = write_flattened("vmcore.flat"), *cache;
	struct dump *d;

	assert_true(asprintf(&cache, "%s/cache", tmpdir) > 0);
	setenv("PMTRACE_CACHE", cache, 1);
	check_dump(path, "flattened->elf");
	/* the rebuilt file is in the cache, byte-identical to the ELF */
	assert_null(dump_open(path, &d));
	assert_memory_equal(dump_data_path(d), cache, strlen(cache));
	{
		FILE *f = fopen(dump_data_path(d), "rb");
		static uint8_t back[IMAGE_SIZE + 1];

		assert_non_null(f);
		assert_int_equal(fread(back, 1, sizeof(back), f), IMAGE_SIZE);
		fclose(f);
		assert_memory_equal(back, image, IMAGE_SIZE);
	}
	dump_close(d);
	unsetenv("PMTRACE_CACHE");
	free(cache);
	free(path);
}

/* Every truncation of the ELF: either dump_open fails cleanly, or reads of
 * the lost part fail cleanly; reads of what is left still work. */
static void test_truncated(void **state)
{
	static const size_t cuts[] = { 0,
				       10,
				       64,
				       100,
				       NOTE_OFF + 20,
				       KTEXT_FOFF,
				       KTEXT_FOFF + 0x1800,
				       DIRECT_FOFF + 0x2000,
				       IMAGE_SIZE - 1 };
	uint8_t buf[SEG_SIZE];

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char *path = write_file("cut.elf", image, cuts[i]);
		struct dump *d = NULL;
		struct pmt_err *err = dump_open(path, &d);

		if (err) {
			assert_null(d);
			assert_non_null(strstr(err->msg, path));
			pmt_err_free(err);
			free(path);
			continue;
		}
		/* libkdumpfile may open a file cut in its notes: fine, as
		 * long as the reads below fail cleanly. */
		assert_true(cuts[i] >= 64 + 3 * sizeof(Elf64_Phdr));
		/* direct map: present exactly up to the cut */
		err = dump_read_phys(d, DIRECT_PA, buf, SEG_SIZE);
		if (!err)
			fail_msg("cut at %zu: reading the lost part succeeded", cuts[i]);
		assert_int_equal(err->code, PMT_ERR_TRUNCATED);
		assert_int_equal(err->addr,
				 DIRECT_PA + (cuts[i] > DIRECT_FOFF ? cuts[i] - DIRECT_FOFF : 0));
		assert_non_null(strstr(err->msg, "truncated"));
		pmt_err_free(err);
		if (cuts[i] >= DIRECT_FOFF + 0x1000) {
			assert_null(dump_read_phys(d, DIRECT_PA, buf, 0x1000));
			assert_memory_equal(buf, image + DIRECT_FOFF, 0x1000);
		}
		/* kernel text, by virtual address (when translation is up) */
		if (cuts[i] < DIRECT_FOFF && !strcmp(dump_xlat_fixup(d), "")) {
			err = dump_read_kv(d, KTEXT_VA, buf, SEG_SIZE);
			assert_non_null(err);
			assert_int_equal(err->code, PMT_ERR_TRUNCATED);
			assert_int_equal(err->addr,
					 KTEXT_VA +
						 (cuts[i] > KTEXT_FOFF ? cuts[i] - KTEXT_FOFF : 0));
			pmt_err_free(err);
		}
		dump_close(d);
		free(path);
	}
}

static void test_not_a_dump(void **state)
{
	char *path = write_file("text", "hello, world\n", 13);
	struct dump *d = NULL;
	struct pmt_err *err = dump_open(path, &d);

	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_FORMAT);
	assert_non_null(strstr(err->msg, path));
	assert_null(d);
	pmt_err_free(err);
	free(path);

	err = dump_open("/nonexistent/vmcore", &d);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_IO);
	assert_non_null(strstr(err->msg, "/nonexistent/vmcore"));
	pmt_err_free(err);

	err = dump_open(tmpdir, &d);
	assert_non_null(err);
	assert_int_equal(err->code, PMT_ERR_INVALID);
	pmt_err_free(err);
}

static int setup(void **state)
{
	if (!mkdtemp(tmpdir))
		return -1;
	build_image();
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	if (getenv("PMT_TEST_KEEP")) { /* debugging: keep the files */
		fprintf(stderr, "kept %s\n", tmpdir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf),
		cmocka_unit_test(test_flattened),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_not_a_dump),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

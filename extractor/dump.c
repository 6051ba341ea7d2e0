// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A vmcore opened with libkdumpfile (the target on top of it is dump_target.c).
 *
 * Opening: the file is opened read-only (a FIFO or device is refused without
 * blocking); a makedumpfile-flattened file (QEMU's kdump-* output) is rebuilt
 * into a regular file first (flattened.c); its headers are validated the way
 * libkdumpfile will read them (dump_validate.c: a hostile file must not crash
 * or hang us inside the library), then libkdumpfile takes the file
 * descriptor with addrxlat.ostype = "linux", and VMCOREINFO is copied out
 * once into a small key/value table.
 *
 * Address translation, and what QEMU's dumps lack (measured on this
 * machine's corpus, QEMU 7.2 dump-guest-memory format=kdump-zlib of a 6.1
 * guest with -device vmcoreinfo). After rebuilding the flattened file,
 * libkdumpfile 0.5.1 reads physical pages and VMCOREINFO (OSRELEASE,
 * KERNELOFFSET, SYMBOL(init_top_pgt), NUMBER(phys_base) are all there, and
 * the sub-header's phys_base 0x2400000 is right), yet every kernel virtual
 * address fails with "No way to translate". The attribute tree shows why:
 * arch.name is unset. QEMU's disk_dump_header carries a utsname in which only
 * `machine` ("x86_64") is filled in, sysname/release/... are empty, and
 * libkdumpfile takes nothing from such a utsname; with no architecture it
 * never sets up address translation at all (nor parses the CPU PRSTATUS
 * notes), whatever the page-table root or phys_base. makedumpfile writes a
 * complete utsname, and ELF files name the machine in e_machine, so those
 * work. The fix: when libkdumpfile knows no architecture, take it from the
 * diskdump header's utsname.machine ourselves (or, failing that, from
 * VMCOREINFO: SYMBOL(init_top_pgt) exists only on x86_64) and set arch.name
 * before addrxlat.ostype = "linux"; libkdumpfile then translates through the
 * kernel page tables like for any other dump. 5-level paging needs nothing
 * from us: libaddrxlat 0.5.1 reads NUMBER(pgtable_l5_enabled) from VMCOREINFO.
 * After opening, xlat_probe() checks that translation works and is right:
 * init_uts_ns's release string read by virtual address must equal OSRELEASE.
 * If it is not, the dump still opens (physical reads and VMCOREINFO remain
 * useful) and the reason is appended to every translation error.
 *
 * Reads go straight to kdump_read(), which walks pages through libkdumpfile's
 * own page cache; there is no cache here. They fail whole: the error names the
 * first address that could not be read. libkdumpfile returns zeros for data
 * cut off a truncated file, so the physical ranges a truncated file lost are
 * computed at open (dump_truncated.c) and reads stop before them with
 * PMT_ERR_TRUNCATED.
 *
 * How libkdumpfile reads the file (measured on a 2 GiB ELF dump holding 1 GiB
 * of trace pages: 3.95 s with read(2), 0.19 s mapped): an ELF dump the
 * truncation scan found complete is mapped (file.mmap_policy "try"): every
 * file offset libkdumpfile then touches comes from a header table, segment or
 * section that the scan found inside the file, so no access faults. Anything
 * else is read with read(2): past the end of a file a map faults (SIGBUS)
 * where read(2) gives a clean short read, and a diskdump's page descriptors
 * (offsets into the file) are not all checked at open. PMTRACE_MMAP=never
 * forces read(2) everywhere; a file that shrinks or fails under the map ends
 * the run through main.c's SIGBUS handler, with a message, not a core dump.
 *
 * libkdumpfile's page cache keeps its default size (1024 pages). Smaller
 * caches were faster on compressed dumps (its cache is searched linearly per
 * miss: 64 entries took `info` on the 6.1 corpus basic kdump-zlib dump from
 * 1.32 s to 0.64 s) but 0.5.1 then wrote through a NULL pointer inside
 * kdump_read() on 6.12 makedumpfile dumps (test_btf_corpus; 64 entries
 * failed, 128 did not): a size the library is not run with elsewhere is not
 * worth it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "dump.h"
#include "dump_truncated.h"
#include "dump_validate.h"
#include "flattened.h"

#define UTS_FIELD_LEN	  65 /* __NEW_UTS_LEN + 1 */
#define UTS_RELEASE_INDEX 2  /* sysname, nodename, release, ... */

struct vmci_line {
	const char *key;
	const char *val;
};

struct dump {
	char *path;
	char *data_path; /* what libkdumpfile reads: path or the rebuilt file */
	int fd;
	kdump_ctx_t *ctx;
	char *format;
	bool filtering_format; /* the file's bitmap leaves pages out (kdump-compressed) */
	char *vmci_buf;	       /* VMCOREINFO text, '=' and '\n' replaced by NULs */
	struct vmci_line *vmci;
	size_t nvmci;
	uint64_t kaslr;
	struct trunc_map trunc; /* physical memory lost to truncation */
	char xlat_fixup[128];
	char *xlat_err; /* why translation could not be set up, or NULL */
};

/* ---- VMCOREINFO ------------------------------------------------------- */

static struct pmt_err *vmci_load(struct dump *d)
{
	char *raw = NULL, *p;
	size_t cap = 0;

	if (kdump_vmcoreinfo_raw(d->ctx, &raw) != KDUMP_OK || !raw) {
		/* No VMCOREINFO: lookups answer NULL. */
		kdump_clear_err(d->ctx);
		return NULL;
	}
	d->vmci_buf = raw;
	for (p = raw; *p;) {
		char *nl = strchr(p, '\n'), *eq;

		if (nl)
			*nl = '\0';
		eq = strchr(p, '=');
		if (eq && eq != p) {
			*eq = '\0';
			if (d->nvmci == cap) {
				size_t ncap = cap ? 2 * cap : 64;
				struct vmci_line *n = realloc(d->vmci, ncap * sizeof(*n));

				if (!n)
					return &pmt_err_nomem;
				d->vmci = n;
				cap = ncap;
			}
			d->vmci[d->nvmci++] = (struct vmci_line){ .key = p, .val = eq + 1 };
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

const char *dump_vmcoreinfo(struct dump *d, const char *key)
{
	for (size_t i = 0; i < d->nvmci; i++)
		if (!strcmp(d->vmci[i].key, key))
			return d->vmci[i].val;
	return NULL;
}

/* A VMCOREINFO number: SYMBOL() and KERNELOFFSET are hex without 0x,
 * NUMBER()/OFFSET()/SIZE() decimal (possibly negative). */
bool dump_vmcoreinfo_num(struct dump *d, const char *key, int base, uint64_t *v)
{
	const char *s = dump_vmcoreinfo(d, key);
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	if (base == 10 && *s == '-')
		*v = (uint64_t)strtoll(s, &end, 10);
	else
		*v = strtoull(s, &end, base);
	return !errno && end != s && *end == '\0';
}

bool dump_vmcoreinfo_symbol(struct dump *d, const char *name, uint64_t *v)
{
	char key[128];

	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	return dump_vmcoreinfo_num(d, key, 16, v);
}

/* ---- reading ---------------------------------------------------------- */

static struct pmt_err *kdump_to_err(struct dump *d, kdump_status st, const char *what,
				    uint64_t addr)
{
	const char *msg = kdump_get_err(d->ctx);
	enum pmt_err_code code;

	if (!msg)
		msg = kdump_strerror(st);
	switch (st) {
	case KDUMP_ERR_NODATA:
		/* A kdump-compressed file says in its bitmap which pages it holds:
		 * what is missing was left out by the tool that wrote it
		 * (makedumpfile -d, or QEMU for non-RAM). An ELF file has no such
		 * record: the page was simply not saved. */
		if (d->filtering_format) {
			code = PMT_ERR_FILTERED;
			msg = "filtered out of the dump (excluded by the dump file's page bitmap)";
		} else {
			code = PMT_ERR_NODATA;
			msg = "not in the dump (no program header covers it)";
		}
		break;
	case KDUMP_ERR_EOF:
		/* A truncated file: the page was never saved. */
		code = PMT_ERR_TRUNCATED;
		break;
	case KDUMP_ERR_SYSTEM:
		code = PMT_ERR_IO;
		break;
	case KDUMP_ERR_NOTIMPL:
		code = PMT_ERR_UNSUPPORTED;
		break;
	default: /* CORRUPT, ADDRXLAT (an unmapped address), INVALID */
		code = PMT_ERR_CORRUPT;
		break;
	}
	/* A truncated file reads back its lost pages as zeros even inside
	 * libkdumpfile's page-table walk, so "not present" there most likely
	 * means the page tables were cut off: memory that is not in the dump. */
	if (st == KDUMP_ERR_ADDRXLAT && d->trunc.n)
		return pmt_err_addr(PMT_ERR_TRUNCATED, addr,
				    "%s %#" PRIx64 ": %s (%s is truncated: the page tables needed "
				    "to translate it are probably lost)",
				    what, addr, msg, d->path);
	if (st == KDUMP_ERR_ADDRXLAT && d->xlat_err)
		return pmt_err_addr(code, addr,
				    "%s %#" PRIx64 ": %s (address translation was not set up: %s)",
				    what, addr, msg, d->xlat_err);
	return pmt_err_addr(code, addr, "%s %#" PRIx64 ": %s", what, addr, msg);
}

/* The error for a read that reaches memory lost to truncation at `first`. */
static struct pmt_err *trunc_err(struct dump *d, const char *what, uint64_t first)
{
	return pmt_err_addr(PMT_ERR_TRUNCATED, first,
			    "%s %#" PRIx64 ": not in the dump: %s is truncated (%" PRIu64
			    " bytes, its headers need %" PRIu64 ")",
			    what, first, d->path, d->trunc.file_size, d->trunc.need_size);
}

/*
 * Where does [addr, addr + len) first reach lost memory (*lost, or addr + len
 * if nowhere)? Physical addresses are looked up directly; virtual ones are
 * translated page by page with libkdumpfile's own translation (only done for
 * truncated dumps). A page that does not translate in a truncated dump is
 * reported as NODATA: the page tables needed are most likely among the lost
 * data, which libkdumpfile reads as zeros ("not present") or as garbage
 * ("decompression failed").
 */
static struct pmt_err *trunc_check(struct dump *d, kdump_addrspace_t as, const char *what,
				   uint64_t addr, size_t len, uint64_t *lost)
{
	uint64_t page = 4096, pos = addr, end = addr + len, phys;
	addrxlat_ctx_t *axctx = NULL;
	addrxlat_sys_t *axsys = NULL;
	struct pmt_err *err = NULL;
	kdump_num_t num;

	*lost = end;
	if (!d->trunc.n)
		return NULL;
	if (as == KDUMP_KPHYSADDR) {
		trunc_find(&d->trunc, addr, len, lost);
		return NULL;
	}
	if (trunc_find_virt(&d->trunc, addr, len, lost))
		return NULL;
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &num) == KDUMP_OK && num)
		page = num;
	if (kdump_get_addrxlat(d->ctx, &axctx, &axsys) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return NULL;
	}
	while (pos < end) {
		uint64_t chunk = page - pos % page;
		addrxlat_fulladdr_t fa = { .addr = pos, .as = ADDRXLAT_KVADDR };

		if (chunk > end - pos)
			chunk = end - pos;
		if (addrxlat_fulladdr_conv(&fa, ADDRXLAT_KPHYSADDR, axctx, axsys) != ADDRXLAT_OK) {
			const char *msg = addrxlat_ctx_get_err(axctx);

			err = pmt_err_addr(PMT_ERR_TRUNCATED, pos,
					   "%s %#" PRIx64
					   ": cannot translate: %s (%s is truncated: "
					   "the page tables needed are probably lost)",
					   what, pos, msg ? msg : "?", d->path);
			addrxlat_ctx_clear_err(axctx);
			break;
		}
		if (trunc_find(&d->trunc, fa.addr, chunk, &phys)) {
			*lost = pos + (phys - fa.addr);
			break;
		}
		pos += chunk;
	}
	addrxlat_ctx_decref(axctx);
	addrxlat_sys_decref(axsys);
	return err;
}

static struct pmt_err *read_as(struct dump *d, kdump_addrspace_t as, const char *what,
			       uint64_t addr, void *buf, size_t len)
{
	struct pmt_err *err;
	uint64_t lost = 0;
	bool truncated;
	size_t got;
	kdump_status st;

	if (len == 0)
		return NULL;
	if (addr + (len - 1) < addr)
		return pmt_err_addr(PMT_ERR_INVALID, addr,
				    "%s %#" PRIx64 ": %zu bytes wrap around the address space",
				    what, addr, len);
	/* Read only up to lost memory: libkdumpfile would return zeros. */
	err = trunc_check(d, as, what, addr, len, &lost);
	if (err)
		return err;
	truncated = lost < addr + len;
	if (truncated)
		len = lost - addr;
	got = len;
	st = len ? kdump_read(d->ctx, as, addr, buf, &got) : KDUMP_OK;
	if (st == KDUMP_OK && got == len)
		return truncated ? trunc_err(d, what, lost) : NULL;
	if (st == KDUMP_OK) /* cannot happen by the API, but never trust a short read */
		return pmt_err_addr(PMT_ERR_IO, addr + got, "%s %#" PRIx64 ": short read", what,
				    addr + got);
	/* got = bytes read before the failure; the error names the first
	 * missing byte, not the start of the request. */
	err = kdump_to_err(d, st, what, addr + (got < len ? got : 0));
	kdump_clear_err(d->ctx);
	return err;
}

struct pmt_err *dump_read_kv(struct dump *d, uint64_t addr, void *buf, size_t len)
{
	return read_as(d, KDUMP_KVADDR, "address", addr, buf, len);
}

struct pmt_err *dump_read_phys(struct dump *d, uint64_t addr, void *buf, size_t len)
{
	return read_as(d, KDUMP_KPHYSADDR, "physical address", addr, buf, len);
}

/* ---- address translation ---------------------------------------------- */

/*
 * Does kernel virtual translation work, and is it right? With VMCOREINFO, the
 * release string in init_uts_ns must equal OSRELEASE (a wrong phys_base can
 * translate "successfully" to the wrong page); without the needed lines, any
 * successful read of a kernel-text symbol will do. Returns NULL if fine.
 */
static struct pmt_err *xlat_probe(struct dump *d)
{
	const char *release = dump_vmcoreinfo(d, "OSRELEASE");
	uint64_t uts, name_off;
	char buf[UTS_FIELD_LEN];
	struct pmt_err *err;

	if (!dump_vmcoreinfo_symbol(d, "init_uts_ns", &uts)) {
		if (!dump_vmcoreinfo_symbol(d, "_stext", &uts))
			return NULL; /* nothing to test with */
		return dump_read_kv(d, uts, buf, 8);
	}
	if (!dump_vmcoreinfo_num(d, "OFFSET(uts_namespace.name)", 10, &name_off))
		name_off = 4; /* seen on 5.10: a kref before the name, and no OFFSET
			       * line; 6.1 has the name first and says so */
	err = dump_read_kv(d, uts + name_off + UTS_RELEASE_INDEX * UTS_FIELD_LEN, buf, sizeof(buf));
	if (err)
		return err;
	buf[sizeof(buf) - 1] = '\0';
	if (release && strcmp(buf, release))
		return pmt_err_new(PMT_ERR_CORRUPT,
				   "init_uts_ns reads release \"%.64s\", VMCOREINFO says \"%s\"",
				   buf, release);
	return NULL;
}

/*
 * The machine name in a kdump-compressed header's utsname (see the top of
 * the file), or "" if the file is not one or the field is empty.
 */
static void diskdump_machine(int fd, char *out, size_t size)
{
	/* struct disk_dump_header: char signature[8]; int header_version;
	 * struct new_utsname (6 x 65 chars), machine being the fifth. */
	enum { UTS_OFF = 12, MACHINE_OFF = UTS_OFF + 4 * UTS_FIELD_LEN };
	char sig[8], machine[UTS_FIELD_LEN];

	out[0] = '\0';
	if (pread(fd, sig, sizeof(sig), 0) != (ssize_t)sizeof(sig) ||
	    memcmp(sig, "KDUMP   ", sizeof(sig)))
		return;
	if (pread(fd, machine, sizeof(machine), MACHINE_OFF) != (ssize_t)sizeof(machine))
		return;
	machine[sizeof(machine) - 1] = '\0';
	snprintf(out, size, "%s", machine);
}

/* Give libkdumpfile an architecture when the dump did not (QEMU). Before
 * VMCOREINFO is loaded, so it reads the raw lines itself. */
static void arch_setup(struct dump *d)
{
	const char *arch = NULL, *src = "dump header";
	char machine[UTS_FIELD_LEN], *raw = NULL;

	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, &arch) == KDUMP_OK && arch)
		return;
	kdump_clear_err(d->ctx);
	diskdump_machine(d->fd, machine, sizeof(machine));
	if (!machine[0] && kdump_vmcoreinfo_raw(d->ctx, &raw) == KDUMP_OK && raw &&
	    strstr(raw, "SYMBOL(init_top_pgt)=")) {
		snprintf(machine, sizeof(machine), "x86_64");
		src = "VMCOREINFO";
	}
	free(raw);
	kdump_clear_err(d->ctx);
	if (!machine[0])
		return;
	if (kdump_set_string_attr(d->ctx, KDUMP_ATTR_ARCH_NAME, machine) == KDUMP_OK)
		snprintf(d->xlat_fixup, sizeof(d->xlat_fixup), "arch.name=%s from the %s", machine,
			 src);
	kdump_clear_err(d->ctx);
}

/* Check translation once after opening; never fails the open. */
static void xlat_setup(struct dump *d)
{
	struct pmt_err *err = xlat_probe(d);

	if (!err)
		return;
	d->xlat_err = strdup(err->msg);
	pmt_err_free(err);
}

/* ---- open / close ----------------------------------------------------- */

static char *flat_cache_dir(void)
{
	const char *base = getenv("PMTRACE_CACHE"), *home = getenv("HOME");
	char *dir = NULL;

	if (base && *base) {
		if (asprintf(&dir, "%s/flattened", base) < 0)
			dir = NULL;
	} else if (home && *home) {
		if (asprintf(&dir, "%s/.cache/pmtrace/flattened", home) < 0)
			dir = NULL;
	}
	return dir;
}

static struct pmt_err *open_file(struct dump *d, bool *flat)
{
	struct pmt_err *err;
	struct stat sb;
	char *cache, *where;
	int fd, rfd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(d->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: %s", d->path, strerror(errno));
	if (fstat(fd, &sb)) {
		err = pmt_err_new(PMT_ERR_IO, "%s: %s", d->path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		err = pmt_err_new(PMT_ERR_INVALID, "%s: is a directory", d->path);
		goto fail;
	}
	if (!S_ISREG(sb.st_mode)) {
		err = pmt_err_new(
			PMT_ERR_FORMAT, "%s: not a dump: a %s, not a regular file%s", d->path,
			S_ISCHR(sb.st_mode)    ? "character device"
			: S_ISBLK(sb.st_mode)  ? "block device"
			: S_ISFIFO(sb.st_mode) ? "FIFO"
			: S_ISSOCK(sb.st_mode) ? "socket"
					       : "special file",
			S_ISBLK(sb.st_mode) ? " (copy the partition to a file first)" : "");
		goto fail;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	err = flat_detect(fd, d->path, flat);
	if (err)
		goto fail;
	if (!*flat) {
		d->fd = fd;
		d->data_path = strdup(d->path);
		return d->data_path ? NULL : &pmt_err_nomem;
	}
	cache = flat_cache_dir();
	err = flat_open_rebuilt(d->path, fd, cache, &rfd, &where);
	free(cache);
	close(fd);
	if (err)
		return err;
	d->fd = rfd;
	d->data_path = where;
	return NULL;
fail:
	close(fd);
	return err;
}

/*
 * libkdumpfile 0.5.1's kdump_free() reads freed memory after a failed open of
 * a kdump-compressed or sadump file (the format's attribute cleanup runs on
 * format data the failed probe already freed; a segfault, measured).
 * dump_validate() refuses the files it knows libkdumpfile would fail on; a
 * context whose open failed anyway is never freed but parked here, reachable
 * so that leak checkers stay quiet. Its file descriptor stays ours to close:
 * the context is never used again.
 */
static kdump_ctx_t **parked_ctx;
static size_t nparked_ctx;

static void park_failed_ctx(kdump_ctx_t *ctx)
{
	kdump_ctx_t **n = realloc(parked_ctx, (nparked_ctx + 1) * sizeof(*n));

	if (!n)
		return; /* leaked for good: still better than a crash */
	parked_ctx = n;
	parked_ctx[nparked_ctx++] = ctx;
}

/* See the design comment: map only a complete ELF file. */
static kdump_mmap_policy_t mmap_policy(const struct dump *d, enum dump_kind kind)
{
	const char *env = getenv("PMTRACE_MMAP");

	if (env && !strcmp(env, "never"))
		return KDUMP_MMAP_NEVER;
	if (kind != DUMP_KIND_ELF || !d->trunc.elf_in_file || d->trunc.n || d->trunc.nv)
		return KDUMP_MMAP_NEVER;
	return KDUMP_MMAP_TRY;
}

struct pmt_err *dump_open(const char *path, struct dump **out)
{
	struct pmt_err *err;
	const char *fmt = NULL;
	enum dump_kind kind;
	struct dump *d;
	bool flat = false;
	kdump_status st;
	char *vname = NULL;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return &pmt_err_nomem;
	d->fd = -1;
	d->path = strdup(path);
	if (!d->path) {
		err = &pmt_err_nomem;
		goto fail;
	}
	err = open_file(d, &flat);
	if (err)
		goto fail;
	/* Before libkdumpfile or the truncation scan trust any header. */
	if (flat && asprintf(&vname, "%s (rebuilt from the flattened format as %s)", d->path,
			     d->data_path) < 0)
		vname = NULL;
	err = dump_validate(d->fd, vname ? vname : d->path, &kind);
	free(vname);
	if (err)
		goto fail;
	err = trunc_scan(d->fd, d->path, &d->trunc);
	if (err)
		goto fail;

	d->ctx = kdump_new();
	if (!d->ctx) {
		err = &pmt_err_nomem;
		goto fail;
	}
	kdump_set_number_attr(d->ctx, KDUMP_ATTR_FILE_MMAP_POLICY, mmap_policy(d, kind));
	st = kdump_open_fd(d->ctx, d->fd);
	if (st != KDUMP_OK) {
		const char *msg = kdump_get_err(d->ctx);

		err = pmt_err_new(st == KDUMP_ERR_NOTIMPL  ? PMT_ERR_FORMAT
				  : st == KDUMP_ERR_SYSTEM ? PMT_ERR_IO
							   : PMT_ERR_CORRUPT,
				  "%s%s%s: %s", path, flat ? " rebuilt as " : "",
				  flat ? d->data_path : "", msg ? msg : kdump_strerror(st));
		park_failed_ctx(d->ctx);
		d->ctx = NULL;
		goto fail;
	}
	arch_setup(d);
	/* Setting the OS type makes libkdumpfile read and check utsname and set
	 * up Linux address translation; a damaged dump may fail here. That
	 * must not prevent physical reads, so it is remembered, not fatal. */
	st = kdump_set_string_attr(d->ctx, KDUMP_ATTR_OSTYPE, "linux");
	if (st != KDUMP_OK) {
		if (asprintf(&d->xlat_err, "cannot set OS type linux: %s", kdump_get_err(d->ctx)) <
		    0)
			d->xlat_err = NULL;
		kdump_clear_err(d->ctx);
	}
	if (kdump_get_string_attr(d->ctx, KDUMP_ATTR_FILE_FORMAT, &fmt) != KDUMP_OK || !fmt) {
		kdump_clear_err(d->ctx);
		fmt = "unknown";
	}
	d->filtering_format = !strcmp(fmt, "diskdump");
	if (asprintf(&d->format, "%s%s", flat ? "flattened->" : "", fmt) < 0) {
		d->format = NULL;
		err = &pmt_err_nomem;
		goto fail;
	}
	err = vmci_load(d);
	if (err)
		goto fail;
	if (!dump_vmcoreinfo_num(d, "KERNELOFFSET", 16, &d->kaslr))
		d->kaslr = 0;
	if (!d->xlat_err)
		xlat_setup(d);
	*out = d;
	return NULL;
fail:
	dump_close(d);
	return err;
}

void dump_close(struct dump *d)
{
	if (!d)
		return;
	if (d->ctx)
		kdump_free(d->ctx);
	if (d->fd >= 0)
		close(d->fd);
	trunc_free(&d->trunc);
	free(d->vmci);
	free(d->vmci_buf);
	free(d->format);
	free(d->xlat_err);
	free(d->data_path);
	free(d->path);
	free(d);
}

const char *dump_format_name(struct dump *d)
{
	return d->format;
}

const char *dump_path(struct dump *d)
{
	return d->path;
}

const char *dump_data_path(struct dump *d)
{
	return d->data_path;
}

const char *dump_xlat_fixup(struct dump *d)
{
	return d->xlat_fixup;
}

uint64_t dump_kaslr_offset(struct dump *d)
{
	return d->kaslr;
}

void dump_machine(struct dump *d, struct dump_machine *m)
{
	kdump_num_t num;
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE");

	memset(m, 0, sizeof(*m));
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PTR_SIZE, &num) == KDUMP_OK)
		m->word_size = (unsigned int)num;
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_BYTE_ORDER, &num) == KDUMP_OK) {
		m->have_byte_order = true;
		m->big_endian = num == KDUMP_BIG_ENDIAN;
	}
	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &num) == KDUMP_OK)
		m->page_size = num;
	else if (!dump_vmcoreinfo_num(d, "PAGESIZE", 10, &m->page_size))
		m->page_size = 0;
	kdump_clear_err(d->ctx);
	if (!rel && kdump_get_string_attr(d->ctx, "linux.uts.release", &rel) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		rel = NULL;
	}
	if (rel)
		snprintf(m->release, sizeof(m->release), "%s", rel);
}

bool dump_phys_next(struct dump *d, uint64_t *start, uint64_t *end)
{
	kdump_attr_t attr;
	kdump_addr_t first, last;
	uint64_t page = 4096;
	kdump_num_t num;

	if (kdump_get_number_attr(d->ctx, KDUMP_ATTR_PAGE_SIZE, &num) == KDUMP_OK && num)
		page = num;
	attr.type = KDUMP_BITMAP;
	if (kdump_get_typed_attr(d->ctx, KDUMP_ATTR_FILE_PAGEMAP, &attr) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return false;
	}
	first = *start / page;
	if (kdump_bmp_find_set(attr.val.bitmap, &first) != KDUMP_OK) {
		kdump_clear_err(d->ctx);
		return false;
	}
	last = first;
	if (kdump_bmp_find_clear(attr.val.bitmap, &last) != KDUMP_OK) {
		/* set up to the end of the bitmap */
		kdump_clear_err(d->ctx);
		last = UINT64_MAX / page;
	}
	*start = first * page;
	*end = last * page;
	return true;
}

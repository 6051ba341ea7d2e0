// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Dump headers checked before libkdumpfile 0.5.1 sees them (dump_validate.h).
 *
 * Design. libkdumpfile parses a dump with the trust of a tool that reads
 * files its own kernel wrote: it mallocs what a size field says, loops as
 * often as a count says, reads where an offset says, and when an open fails
 * half-way through a kdump-compressed or sadump file, its kdump_free() later
 * reads the format data it already freed (measured with valgrind on Debian
 * 12's 0.5.1: a max_mapnr of 0xffffffff in a kdump header is refused with
 * "Invalid diskdump header content", then kdump_free() segfaults). So every
 * field libkdumpfile will use is checked here first, interpreted exactly as
 * libkdumpfile interprets it (the facts come from reading its
 * src/kdumpfile/{open,elfdump,diskdump,notes,vmcoreinfo,sadump,s390dump}.c),
 * against the file size and against sane limits, and a file is refused
 * unless libkdumpfile's own open of it can be expected to succeed. dump.c
 * additionally never calls kdump_free() on a context whose open failed.
 *
 * Kinds: a field that is impossible, or beyond a limit no real dump reaches,
 * is CORRUPT. A header table that is plausible but reaches past the end of
 * the file is TRUNCATED: the file was cut inside its headers and no memory
 * can be located (a file cut in its page data passes, see dump_truncated.c).
 * An offset beyond PLAUSIBLE_OFFSET is CORRUPT, not TRUNCATED. Every message
 * names the file, the kind, the field, its value and the limit.
 *
 * Formats, in libkdumpfile's probing order (open.c): ELF (elfdump.c), the
 * signatures libkdumpfile knows but does not read (QEMU snapshot, libvirt,
 * Xen xc_save/xc_core, Mission Critical: refused as UNSUPPORTED), diskdump
 * ("KDUMP   " and "DISKDUMP"), LKCD (refused: LKCD ended with Linux 2.6.10,
 * years before the ftrace ring buffer existed), s390 stand-alone dumps,
 * sadump. Xen dumps (ELF sections .xen_*, ".note.Xen" notes) are refused as
 * UNSUPPORTED: pmtrace reads Linux kernel dumps, and libkdumpfile's Xen paths
 * trust even more.
 *
 * Rules per format:
 *  ELF: ET_CORE, EV_CURRENT, an e_machine libkdumpfile has an architecture
 *   for (x86_64, ia32, aarch64, arm, s390x, ppc64, riscv64); e_phentsize/
 *   e_shentsize at least the size of
 *   the structure libkdumpfile casts each entry to and <= MAX_ENTSIZE;
 *   extended numbering (PN_XNUM, e_shnum 0) resolved from section 0 as
 *   libkdumpfile does; counts <= MAX_PHNUM/MAX_SHNUM; the program headers
 *   inside the file; PT_NOTE 4-byte aligned, inside the file and
 *   <= MAX_NOTES; PT_LOAD p_filesz <= p_memsz, no address or offset range
 *   that wraps; at least one PT_LOAD; section headers and the section-name
 *   table (<= MAX_STRTAB, NUL-terminated) may reach past the end of a cut file
 *   (libkdumpfile reads zeros there), the headers only if small; no Xen
 *   section.
 *  diskdump: the header is read as libkdumpfile reads it: the 32-bit layout
 *   first, then the 64-bit one, each little- then big-endian, the first whose
 *   block_size is in [4 KiB, 256 KiB] and whose bitmap covers max_mapnr
 *   winning. For it: block_size a power of two; header_version >= 0;
 *   sub_hdr_size >= 1 (for version >= 1) and <= MAX_SUB_BYTES; bitmap_blocks
 *   even, holding two bitmaps that cover the effective max_mapnr
 *   (max_mapnr_64 of a version >= 6 sub-header), <= MAX_BITMAP_BYTES, with
 *   <= MAX_BITMAP_RUNS runs of set bits each; header, sub-header and bitmaps
 *   inside the file; split start/end PFNs ordered; the VMCOREINFO (version
 *   3, even when empty: libkdumpfile reads it anyway), notes (4-byte aligned)
 *   and ERASEINFO (version >= 4) ranges inside the file and <= their limits;
 *   page descriptors no larger than a block (see check_descs()).
 *  notes (ELF PT_NOTE and diskdump): walked as libkdumpfile's do_notes()
 *   walks them; VMCOREINFO / VMCOREINFO_XEN / ERASEINFO descriptors
 *   <= MAX_VMCOREINFO; a CORE NT_PRSTATUS at least the elf_prstatus size of
 *   the architecture libkdumpfile will have set (it refuses shorter ones).
 *  VMCOREINFO: libkdumpfile turns every line into an attribute whose path
 *   is the key split at '.': every line KEY=VALUE (or empty), the key not
 *   empty, no NUL byte inside the text, no empty
 *   path component, no key that is both a value and a directory of another
 *   key (also for the SYMBOL/NUMBER/... attributes derived from the keys); a
 *   numeric PAGESIZE (which becomes the dump's page size) a power of two in
 *   [4 KiB, 256 KiB], equal to a diskdump's block_size.
 *  s390: page_size a power of two in [4 KiB, 256 KiB]; hdr_size >= the
 *   4 KiB header; num_pages pages fit in mem_size; header, memory and the
 *   "DUMP_END" marker inside the file; arch 1 or 2.
 *  sadump: the partition header (at 0, or at 4 KiB in a media backup), its
 *   magic-number run giving a block size that is a power of two in
 *   [4 KiB, 256 KiB]; a single partition (no disk set); the sadump header's
 *   block_size equal to it; nr_cpus in [1, MAX_CPUS] and the CPU state size
 *   libkdumpfile divides by it; header, sub-header and both bitmaps inside
 *   the file, <= MAX_BITMAP_BYTES and MAX_BITMAP_RUNS; max_mapnr covered;
 *   used_device not before the page data.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dump_validate.h"
#include "flattened.h" /* pread_full() */

/* Limits no real dump reaches (each with the reason). */
#define MIN_BLOCK   4096u	 /* libkdumpfile's MIN_PAGE_SIZE */
#define MAX_BLOCK   (256u << 10) /* libkdumpfile's MAX_PAGE_SIZE */
#define MAX_PHNUM   (1u << 22)	 /* makedumpfile -E of a filtered 64 TiB machine */
#define MAX_SHNUM   (1u << 16)	 /* cores carry 0-3 sections */
#define MAX_ENTSIZE 4096u	 /* e_phentsize/e_shentsize: 56/64 in ELF64 */
/* section headers that may be read past the end of a cut file */
#define MAX_PADDED_SHDRS (1u << 20)
#define MAX_STRTAB	 (16u << 20)
#define MAX_NOTES	 (64u << 20)  /* PRSTATUS of 64k CPUs is ~25 MiB */
#define MAX_VMCOREINFO	 (1u << 20)   /* the kernel's is one page */
#define MAX_SUB_BYTES	 (256u << 20) /* the sub-header holds the notes */
#define MAX_BITMAP_BYTES (1ull << 30) /* one bitmap of 2^33 pages: 32 TiB of 4 KiB pages */
#define MAX_CPUS	 (1u << 16)
#define PLAUSIBLE_OFFSET (1ull << 44) /* 16 TiB: an offset beyond is no dump's */
#define NOTE_SCAN_MAX	 (1u << 20)   /* notes walked per segment: a sane count */
/* Runs of set bits in a page bitmap: libkdumpfile keeps one 24-byte region
 * per run, so a bitmap of alternating bits would cost it 96 bytes per bitmap
 * byte. A filtered dump of a 1 TiB machine has a few million runs. */
#define MAX_BITMAP_RUNS (1u << 25)
#define SCAN_CHUNK	(1u << 20)
#define MAX_DESC_SCAN	(256ull << 20) /* descriptor bytes checked at open */

#define PN_XNUM 0xffff
#define ET_CORE 4

struct vfile {
	int fd;
	const char *name;
	uint64_t size;
};

static const char *kind_word(enum pmt_err_code code)
{
	switch (code) {
	case PMT_ERR_TRUNCATED:
		return "truncated dump";
	case PMT_ERR_CORRUPT:
		return "corrupt dump";
	case PMT_ERR_UNSUPPORTED:
		return "unsupported dump format";
	case PMT_ERR_FORMAT:
		return "not a dump";
	default:
		return "cannot check the dump";
	}
}

/* "<file>: <kind>: <what>" */
__attribute__((format(printf, 3, 4))) static struct pmt_err *
vfail(const struct vfile *f, enum pmt_err_code code, const char *fmt, ...)
{
	struct pmt_err *err;
	char *what = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	if (!what)
		return &pmt_err_nomem;
	err = pmt_err_new(code, "%s: %s: %s", f->name, kind_word(code), what);
	free(what);
	return err;
}

static uint64_t get_uint(const uint8_t *p, size_t n, bool be)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[be ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* Read exactly len bytes at off, the range having been checked to lie in the
 * file; a short read means the file shrank. */
static struct pmt_err *vread(const struct vfile *f, uint64_t off, void *buf, size_t len,
			     const char *what)
{
	ssize_t n = pread_full(f->fd, buf, len, off);

	if (n < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: cannot read %s at offset %" PRIu64 ": %s",
				   f->name, what, off, strerror(errno));
	if ((size_t)n < len)
		return pmt_err_new(PMT_ERR_IO,
				   "%s: %s at offset %" PRIu64 ": file shrank to %zd "
				   "bytes while being read",
				   f->name, what, off, n);
	return NULL;
}

/*
 * [off, off + len) must lie in the file. Wrapping is CORRUPT; beyond the end
 * TRUNCATED when the start is plausible, else CORRUPT.
 */
static struct pmt_err *in_file(const struct vfile *f, uint64_t off, uint64_t len, const char *what)
{
	if (off + len < off)
		return vfail(f, PMT_ERR_CORRUPT,
			     "%s: offset %#" PRIx64 " + size %#" PRIx64 " wraps around", what, off,
			     len);
	if (off + len <= f->size)
		return NULL;
	if (off > PLAUSIBLE_OFFSET || len > PLAUSIBLE_OFFSET)
		return vfail(f, PMT_ERR_CORRUPT,
			     "%s: offset %" PRIu64 " size %" PRIu64 " is beyond any plausible "
			     "dump (limit %" PRIu64 ") and the %" PRIu64 "-byte file",
			     what, off, len, (uint64_t)PLAUSIBLE_OFFSET, f->size);
	return vfail(f, PMT_ERR_TRUNCATED,
		     "%s: offset %" PRIu64 " size %" PRIu64 " ends at %" PRIu64
		     ", beyond the end of the file (%" PRIu64 " bytes)",
		     what, off, len, off + len, f->size);
}

/* Read a header range into a fresh buffer (range checked first). */
static struct pmt_err *load(const struct vfile *f, uint64_t off, uint64_t len, const char *what,
			    uint8_t **out)
{
	struct pmt_err *err = in_file(f, off, len, what);

	*out = NULL;
	if (err)
		return err;
	*out = malloc(len ? len : 1);
	if (!*out)
		return &pmt_err_nomem;
	err = vread(f, off, *out, len, what);
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/*
 * Like load(), for the parts of an ELF core that libkdumpfile reads through
 * its file cache without failing when the file is cut: past the end it reads
 * zeros, and so does this (a truncated dump stays readable as far as it
 * goes). The range must still be plausible and not wrap.
 */
static struct pmt_err *load_padded(const struct vfile *f, uint64_t off, uint64_t len,
				   const char *what, uint8_t **out)
{
	struct pmt_err *err = in_file(f, off, len, what);
	uint64_t have;

	*out = NULL;
	if (err && err->code != PMT_ERR_TRUNCATED)
		return err;
	pmt_err_free(err);
	*out = calloc(1, len ? len : 1);
	if (!*out)
		return &pmt_err_nomem;
	have = off >= f->size ? 0 : f->size - off < len ? f->size - off : len;
	err = have ? vread(f, off, *out, have, what) : NULL;
	if (err) {
		free(*out);
		*out = NULL;
	}
	return err;
}

/*
 * Count the runs of set bits in the bitmap [off, off + len) (inside the
 * file), bit order LSB first (diskdump) or MSB first (sadump), and refuse
 * more than MAX_BITMAP_RUNS. *nset (may be NULL) gets the number of bits set
 * at bit positions [first, last).
 */
static struct pmt_err *check_runs(const struct vfile *f, uint64_t off, uint64_t len, bool msb0,
				  const char *what, uint64_t first, uint64_t last, uint64_t *nset)
{
	uint8_t *buf = malloc(len < SCAN_CHUNK ? (len ? len : 1) : SCAN_CHUNK);
	uint64_t runs = 0, done = 0, set = 0;
	struct pmt_err *err = NULL;
	unsigned prev = 0;

	if (!buf)
		return &pmt_err_nomem;
	while (done < len && !err) {
		size_t n = len - done > SCAN_CHUNK ? SCAN_CHUNK : (size_t)(len - done);

		err = vread(f, off + done, buf, n, what);
		for (size_t i = 0; !err && i < n; i++) {
			uint64_t bit0 = (done + i) * 8;
			uint8_t b = buf[i];

			if ((b == 0 || b == 0xff) && bit0 >= first && bit0 + 8 <= last) {
				/* the common cases, whole bytes */
				runs += b && !prev;
				prev = b ? 1 : 0;
				set += b ? 8 : 0;
				continue;
			}
			for (int k = 0; k < 8; k++) {
				unsigned bit = (b >> (msb0 ? 7 - k : k)) & 1;

				runs += bit && !prev;
				prev = bit;
				set += bit && bit0 + (unsigned)k >= first &&
				       bit0 + (unsigned)k < last;
			}
		}
		if (!err && runs > MAX_BITMAP_RUNS)
			err = vfail(f, PMT_ERR_CORRUPT,
				    "%s: more than %u runs of dumped pages (libkdumpfile keeps one "
				    "region per run)",
				    what, MAX_BITMAP_RUNS);
		done += n;
	}
	free(buf);
	if (nset)
		*nset = set;
	return err;
}

/*
 * The page descriptors {u64 offset; u32 size; u32 flags; u64 page_flags} of
 * a kdump-compressed file, as far as the file holds them (the rest is the
 * truncation map's business). No writer stores a page larger than a block
 * (makedumpfile and QEMU store it raw when compression does not shrink it),
 * and libkdumpfile trusts the size: 0.5.1 reads a compressed page of up to
 * its own bound (above the block size) into a block-sized buffer, a heap
 * overflow (found by fuzz_dumpfile: a 4352-byte LZO page overran it by 256
 * bytes), and 0.5.4 reads whatever size it says (a 4 GiB "page" in 69 s). A
 * page may be reached inside libkdumpfile's own page-table walk, where no
 * read of ours can stop it, so one such descriptor refuses the dump. A
 * zeroed descriptor (size 0) is harmless: that page fails to read, alone.
 * Tables above MAX_DESC_SCAN (dumps over 44 GiB) are not scanned.
 */
static struct pmt_err *check_descs(const struct vfile *f, uint64_t off, uint64_t n, uint64_t block,
				   bool be)
{
	uint64_t have, done = 0;
	struct pmt_err *err = NULL;
	uint8_t *buf;

	if (off >= f->size || n > MAX_DESC_SCAN / 24)
		return NULL;
	have = (f->size - off) / 24;
	if (n > have)
		n = have;
	buf = malloc(n * 24 < SCAN_CHUNK ? (n ? n * 24 : 1) : SCAN_CHUNK);
	if (!buf)
		return &pmt_err_nomem;
	while (done < n && !err) {
		uint64_t k = n - done > SCAN_CHUNK / 24 ? SCAN_CHUNK / 24 : n - done;

		err = vread(f, off + done * 24, buf, k * 24, "kdump page descriptors");
		for (uint64_t i = 0; !err && i < k; i++) {
			uint64_t size = get_uint(buf + i * 24 + 8, 4, be);
			uint64_t doff = get_uint(buf + i * 24, 8, be);

			if (size > block || doff > PLAUSIBLE_OFFSET)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "kdump page descriptor %" PRIu64 " (at offset %" PRIu64
					    "): size %" PRIu64 " offset %" PRIu64
					    " (limits: block_size %" PRIu64 ", offset %llu)",
					    done + i, off + (done + i) * 24, size, doff, block,
					    PLAUSIBLE_OFFSET);
		}
		done += k;
	}
	free(buf);
	return err;
}

/* ---- VMCOREINFO --------------------------------------------------------- */

struct keyref {
	const char *s;
	size_t len;
};

static int cmp_keyref(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* Paths (leaves) and their directory prefixes, to find a path used as both. */
struct pathset {
	struct keyref *leaf, *dir;
	size_t nleaf, ndir, capleaf, capdir;
	char *arena; /* derived paths are built here */
	size_t arena_len, arena_cap;
};

static bool push(struct keyref **v, size_t *n, size_t *cap, const char *s, size_t len)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct keyref *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct keyref){ s, len };
	return true;
}

/* A range of the arena (which may move while it grows). */
struct span {
	size_t off, len;
};

static bool push_span(struct span **v, size_t *n, size_t *cap, size_t off, size_t len)
{
	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 64;
		struct span *nv = realloc(*v, ncap * sizeof(*nv));

		if (!nv)
			return false;
		*v = nv;
		*cap = ncap;
	}
	(*v)[(*n)++] = (struct span){ off, len };
	return true;
}

static void pathset_free(struct pathset *ps)
{
	free(ps->leaf);
	free(ps->dir);
	free(ps->arena);
}

/* Add a path: NULL if fine, else a static description of what is wrong. */
static const char *pathset_add(struct pathset *ps, const char *s, size_t len, bool *nomem)
{
	if (!len)
		return "an empty key";
	if (s[0] == '.' || s[len - 1] == '.')
		return "a key starting or ending with '.'";
	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return "a key with an empty component ('..')";
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.' && !push(&ps->dir, &ps->ndir, &ps->capdir, s, i)) {
			*nomem = true;
			return NULL;
		}
	if (!push(&ps->leaf, &ps->nleaf, &ps->capleaf, s, len))
		*nomem = true;
	return NULL;
}

/* The first path that is both a value and a directory, or NULL. */
static const struct keyref *pathset_conflict(struct pathset *ps)
{
	size_t i = 0, j = 0;

	if (!ps->nleaf || !ps->ndir)
		return NULL;
	qsort(ps->leaf, ps->nleaf, sizeof(*ps->leaf), cmp_keyref);
	qsort(ps->dir, ps->ndir, sizeof(*ps->dir), cmp_keyref);
	while (i < ps->nleaf && j < ps->ndir) {
		int c = cmp_keyref(&ps->leaf[i], &ps->dir[j]);

		if (!c)
			return &ps->leaf[i];
		if (c < 0)
			i++;
		else
			j++;
	}
	return NULL;
}

/* Append a derived path "TYPE.sym" to the arena; returns its offset. */
static bool arena_add(struct pathset *ps, const char *type, size_t tlen, const char *sym,
		      size_t slen, size_t *off)
{
	size_t need = tlen + 1 + slen;

	if (ps->arena_len + need > ps->arena_cap) {
		size_t ncap = ps->arena_cap ? ps->arena_cap : 4096;
		char *na;

		while (ncap < ps->arena_len + need)
			ncap *= 2;
		na = realloc(ps->arena, ncap);
		if (!na)
			return false;
		ps->arena = na;
		ps->arena_cap = ncap;
	}
	*off = ps->arena_len;
	memcpy(ps->arena + ps->arena_len, type, tlen);
	ps->arena[ps->arena_len + tlen] = '.';
	memcpy(ps->arena + ps->arena_len + tlen + 1, sym, slen);
	ps->arena_len += need;
	return true;
}

/* Would strtoul(s, &end, 10) consume all of s? Then *v is its value. */
static bool whole_ulong(const char *s, size_t len, unsigned long *v)
{
	char buf[64], *end;

	if (len >= sizeof(buf))
		return false; /* libkdumpfile would parse it; too long to be a number */
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoul(buf, &end, 10);
	return *end == '\0';
}

static bool derived_type(const char *key, size_t len)
{
	static const char *const types[] = { "SYMBOL", "LENGTH", "NUMBER", "OFFSET", "SIZE" };

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i]) == len && !memcmp(key, types[i], len))
			return true;
	return false;
}

/*
 * Check a VMCOREINFO text the way libkdumpfile's vmcoreinfo_raw_post_hook()
 * and lines_post_hook() will use it. page_size: the diskdump block size it
 * must agree with, or 0.
 */
static struct pmt_err *check_vmcoreinfo(const struct vfile *f, const char *what,
					const uint8_t *data, uint64_t len, uint64_t page_size)
{
	const char *p = (const char *)data, *endp = p + len;
	struct pathset raw = { 0 }, derived = { 0 };
	struct span *doffs = NULL; /* derived paths, as offsets into derived.arena */
	size_t ndoffs = 0, capdoffs = 0;
	struct pmt_err *err = NULL;
	const struct keyref *clash;
	uint64_t text_len = len;
	bool nomem = false;
	unsigned line = 0;

	if (len > MAX_VMCOREINFO)
		return vfail(f, PMT_ERR_CORRUPT, "%s: %" PRIu64 " bytes (limit %u)", what, len,
			     MAX_VMCOREINFO);
	/* libkdumpfile's parser returns an uninitialised status for an empty
	 * text (its line loop never runs), failing the open at random. */
	if (len == 0)
		return vfail(f, PMT_ERR_CORRUPT, "%s: empty (0 bytes)", what);
	/* NUL padding at the end is harmless; a NUL inside the text would cut
	 * a key or value short in libkdumpfile's string attributes. */
	while (text_len && !data[text_len - 1])
		text_len--;
	if (memchr(data, '\0', text_len))
		return vfail(f, PMT_ERR_CORRUPT, "%s: NUL byte at offset %td inside the text", what,
			     (const uint8_t *)memchr(data, '\0', text_len) - data);
	endp = p + text_len;
	while (p < endp && !err) {
		const char *endl = memchr(p, '\n', (size_t)(endp - p));
		const char *eq, *val, *open, *close;
		size_t klen;
		const char *bad;

		if (!endl)
			endl = endp;
		line++;
		eq = memchr(p, '=', (size_t)(endl - p));
		klen = (size_t)((eq ? eq : endl) - p);
		val = eq ? eq + 1 : endl;
		if (klen == 0 && endl == p) { /* an empty line: an empty attribute */
			p = endl + 1;
			continue;
		}
		/* Every line the kernel writes is KEY=VALUE. libkdumpfile keeps
		 * the key of a line without '=' unterminated when the line is
		 * the text's last: the next lookup of that key reads past it
		 * (heap overflow in keycmp(), found by the fuzzer). */
		if (!eq) {
			err = vfail(f, PMT_ERR_CORRUPT, "%s: line %u (\"%.*s\"): no '='", what,
				    line, (int)(endl - p > 60 ? 60 : endl - p), p);
			break;
		}
		bad = pathset_add(&raw, p, klen, &nomem);
		if (bad) {
			err = vfail(f, PMT_ERR_CORRUPT, "%s: line %u (\"%.*s\"): %s", what, line,
				    (int)(endl - p > 60 ? 60 : endl - p), p, bad);
			break;
		}
		/* libkdumpfile makes a version code of OSRELEASE's first three
		 * numbers and shifts them: a sign there ("-7.1.0") is a left
		 * shift of a negative value (UBSan, found by the fuzzer). Every
		 * kernel's release starts "N.N" with plain decimal numbers. */
		if (klen == 9 && !memcmp(p, "OSRELEASE", 9)) {
			const char *q = val;
			int part = 0;

			while (q < endl && part < 3) {
				if (*q < '0' || *q > '9')
					break;
				while (q < endl && *q >= '0' && *q <= '9')
					q++;
				part++;
				if (q < endl && *q == '.' && part < 3)
					q++;
				else
					break;
			}
			if (part < 2 || (q > val && q[-1] == '.')) {
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: line %u: OSRELEASE \"%.*s\" does not start with "
					    "its version numbers",
					    what, line, (int)(endl - val > 60 ? 60 : endl - val),
					    val);
				break;
			}
		}
		if (klen == 8 && !memcmp(p, "PAGESIZE", 8)) {
			unsigned long ps;

			if (whole_ulong(val, (size_t)(endl - val), &ps) &&
			    (!is_pow2(ps) || ps < MIN_BLOCK || ps > MAX_BLOCK ||
			     (page_size && ps != page_size))) {
				if (page_size)
					err = vfail(f, PMT_ERR_CORRUPT,
						    "%s: PAGESIZE %lu, but the header's block_size "
						    "is %" PRIu64,
						    what, ps, page_size);
				else
					err = vfail(f, PMT_ERR_CORRUPT,
						    "%s: PAGESIZE %lu is not a power of two in "
						    "[%u, %u]",
						    what, ps, MIN_BLOCK, MAX_BLOCK);
				break;
			}
		}
		/* TYPE(sym) keys also become the attribute TYPE.sym */
		open = memchr(p, '(', klen);
		close = open ? memchr(open, ')', (size_t)(p + klen - open)) : NULL;
		if (open && close && close == p + klen - 1 && derived_type(p, (size_t)(open - p))) {
			size_t off;

			if (!arena_add(&derived, p, (size_t)(open - p), open + 1,
				       (size_t)(close - open - 1), &off) ||
			    !push_span(&doffs, &ndoffs, &capdoffs, off,
				       (size_t)(open - p) + 1 + (size_t)(close - open - 1))) {
				nomem = true;
				break;
			}
		}
		if (nomem)
			break;
		p = endl + 1;
	}
	if (!err && !nomem) {
		/* the arena may have moved while growing: resolve offsets now */
		for (size_t i = 0; i < ndoffs && !err; i++) {
			const char *s = derived.arena + doffs[i].off;
			const char *bad = pathset_add(&derived, s, doffs[i].len, &nomem);

			if (bad)
				err = vfail(f, PMT_ERR_CORRUPT, "%s: key \"%.*s\" gives %s", what,
					    (int)(doffs[i].len > 60 ? 60 : doffs[i].len), s, bad);
		}
	}
	if (!err && !nomem) {
		clash = pathset_conflict(&raw);
		if (!clash)
			clash = pathset_conflict(&derived);
		if (clash)
			err = vfail(f, PMT_ERR_CORRUPT,
				    "%s: key \"%.*s\" is both a value and the prefix of another "
				    "key ('.' separates levels)",
				    what, (int)(clash->len > 60 ? 60 : clash->len), clash->s);
	}
	if (nomem && !err)
		err = &pmt_err_nomem;
	pathset_free(&raw);
	pathset_free(&derived);
	free(doffs);
	return err;
}

/* ---- notes -------------------------------------------------------------- */

/* sizeof(struct elf_prstatus) per architecture, which libkdumpfile's
 * process_prstatus requires; 0 where it does not check or we do not know. */
static uint64_t prstatus_size(const char *arch)
{
	/* libkdumpfile's packed struct elf_prstatus: 112 bytes before pr_reg
	 * (64-bit) or 72 (32-bit), then the registers; the kernel's own is a
	 * little longer (x86_64: 336). */
	static const struct {
		const char *arch;
		uint64_t size;
	} t[] = {
		{ "x86_64", 328 }, { "ia32", 140 },    { "aarch64", 384 }, { "s390x", 328 },
		{ "ppc64", 500 },  { "riscv64", 376 }, { "arm", 144 },
	};

	for (size_t i = 0; arch && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(arch, t[i].arch))
			return t[i].size;
	return 0;
}

/* libkdumpfile's note_equal(): namesz may or may not count the NUL. */
static bool note_is(const char *name, const uint8_t *nm, uint64_t namesz)
{
	size_t len = strlen(name);

	return namesz >= len && namesz <= len + 1 && !memcmp(name, nm, namesz);
}

/*
 * Walk notes the way libkdumpfile's do_notes() does (stopping silently at a
 * note that does not fit) and check the ones it acts on. arch: the
 * architecture libkdumpfile will have set when it processes the
 * architecture-specific notes, or NULL; page_size as for check_vmcoreinfo().
 */
static struct pmt_err *check_notes(const struct vfile *f, const char *what, const uint8_t *data,
				   uint64_t size, bool be, const char *arch, uint64_t page_size)
{
	const uint8_t *hdr = data;
	uint64_t need_prstatus = prstatus_size(arch);
	unsigned n = 0;

	while (size >= 12) {
		uint64_t namesz = get_uint(hdr, 4, be), descsz = get_uint(hdr + 4, 4, be);
		uint64_t type = get_uint(hdr + 8, 4, be);
		uint64_t descoff = 12 + ((namesz + 3) & ~3ull), rdesc = (descsz + 3) & ~3ull;
		const uint8_t *name = hdr + 12, *desc = hdr + descoff;
		struct pmt_err *err = NULL;
		char where[96];

		if (size < descoff + descsz)
			break;
		if (++n > NOTE_SCAN_MAX)
			return vfail(f, PMT_ERR_CORRUPT, "%s: more than %u notes", what,
				     NOTE_SCAN_MAX);
		snprintf(where, sizeof(where), "%s: note %u (%s)", what, n,
			 note_is("VMCOREINFO", name, namesz)	   ? "VMCOREINFO"
			 : note_is("VMCOREINFO_XEN", name, namesz) ? "VMCOREINFO_XEN"
			 : note_is("CORE", name, namesz)	   ? "CORE"
								   : "other");
		if (note_is("VMCOREINFO", name, namesz))
			err = check_vmcoreinfo(f, where, desc, descsz, page_size);
		else if (note_is("VMCOREINFO_XEN", name, namesz))
			err = check_vmcoreinfo(f, where, desc, descsz, 0);
		else if (note_is("ERASEINFO", name, namesz) && descsz > MAX_NOTES)
			err = vfail(f, PMT_ERR_CORRUPT, "%s: ERASEINFO of %" PRIu64 " bytes", where,
				    descsz);
		else if (note_is(".note.Xen", name, namesz))
			err = vfail(f, PMT_ERR_UNSUPPORTED,
				    "%s: a Xen xc_core note (\".note.Xen\"): Xen domain dumps are "
				    "not read",
				    what);
		else if (note_is("CORE", name, namesz) && type == 1 /* NT_PRSTATUS */ &&
			 need_prstatus && descsz < need_prstatus)
			err = vfail(f, PMT_ERR_CORRUPT,
				    "%s: NT_PRSTATUS descsz %" PRIu64 " < %" PRIu64
				    " (sizeof(struct elf_prstatus) on %s)",
				    where, descsz, need_prstatus, arch);
		if (err)
			return err;
		size -= descoff;
		hdr = desc + rdesc;
		size = size >= rdesc ? size - rdesc : 0;
	}
	return NULL;
}

/* ---- ELF ---------------------------------------------------------------- */

/* libkdumpfile's mach2arch() for the machines whose PRSTATUS it checks. */
static const char *elf_arch(unsigned machine, bool is64)
{
	switch (machine) {
	case 62:
		return "x86_64";
	case 3:
		return "ia32";
	case 183:
		return "aarch64";
	case 22:
		return is64 ? "s390x" : NULL;
	case 21:
		return is64 ? "ppc64" : NULL;
	case 243:
		return is64 ? "riscv64" : NULL;
	case 40:
		return "arm";
	default:
		return NULL;
	}
}

static struct pmt_err *check_elf(const struct vfile *f, const uint8_t *eh, size_t got)
{
	bool is64 = eh[4] == 2, be = eh[5] == 2;
	size_t ehsize = is64 ? 64 : 52, phsize = is64 ? 56 : 32, shsize = is64 ? 64 : 40;
	uint64_t type, version, machine, phoff, shoff, phentsize, shentsize, phnum, shnum, strndx;
	uint64_t nload = 0;
	const char *arch;
	struct pmt_err *err;
	uint8_t *tab = NULL;

	if (eh[5] != 1 && eh[5] != 2)
		return vfail(f, PMT_ERR_FORMAT,
			     "ELF e_ident[EI_DATA] %u is neither 1 (LSB) nor "
			     "2 (MSB)",
			     eh[5]);
	if (eh[4] != 1 && eh[4] != 2)
		return vfail(f, PMT_ERR_FORMAT, "ELF e_ident[EI_CLASS] %u is neither 1 nor 2",
			     eh[4]);
	if (got < ehsize)
		return vfail(f, PMT_ERR_TRUNCATED,
			     "ELF header: the file is %" PRIu64
			     " bytes, the ELF%d header needs %zu",
			     f->size, is64 ? 64 : 32, ehsize);
	type = get_uint(eh + 16, 2, be);
	machine = get_uint(eh + 18, 2, be);
	version = get_uint(eh + 20, 4, be);
	phoff = is64 ? get_uint(eh + 32, 8, be) : get_uint(eh + 28, 4, be);
	shoff = is64 ? get_uint(eh + 40, 8, be) : get_uint(eh + 32, 4, be);
	phentsize = get_uint(eh + (is64 ? 54 : 42), 2, be);
	phnum = get_uint(eh + (is64 ? 56 : 44), 2, be);
	shentsize = get_uint(eh + (is64 ? 58 : 46), 2, be);
	shnum = get_uint(eh + (is64 ? 60 : 48), 2, be);
	strndx = get_uint(eh + (is64 ? 62 : 50), 2, be);
	if (type != ET_CORE)
		return vfail(f, PMT_ERR_FORMAT,
			     "an ELF file of e_type %" PRIu64 "%s, not a core dump (e_type 4)",
			     type,
			     type == 2 || type == 3 ? " (an executable: a vmlinux is not a vmcore)"
			     : type == 1	    ? " (a relocatable object, e.g. a module)"
						    : "");
	if (version != 1)
		return vfail(f, PMT_ERR_CORRUPT, "ELF e_version %" PRIu64 " (EV_CURRENT is 1)",
			     version);
	arch = elf_arch((unsigned)machine, is64);
	/* libkdumpfile takes the page size from the architecture (or
	 * VMCOREINFO's PAGESIZE): with neither it divides by a zero page size
	 * (SIGFPE in read_locked(), found by fuzz_dumpfile) */
	if (!arch)
		return vfail(f, PMT_ERR_UNSUPPORTED,
			     "ELF e_machine %" PRIu64 " (%d-bit): not an architecture libkdumpfile "
			     "reads",
			     machine, is64 ? 64 : 32);

	/* Extended numbering: section 0 holds the real counts. */
	if (shoff && (shnum == 0 || phnum == PN_XNUM)) {
		uint8_t s0[64];

		if (shentsize < shsize)
			return vfail(f, PMT_ERR_CORRUPT,
				     "ELF e_shentsize %" PRIu64 " < %zu (sizeof(Elf%d_Shdr))",
				     shentsize, shsize, is64 ? 64 : 32);
		err = in_file(f, shoff, shsize, "ELF section header 0 (extended numbering)");
		if (!err)
			err = vread(f, shoff, s0, shsize, "ELF section header 0");
		if (err)
			return err;
		if (shnum == 0)
			shnum = is64 ? get_uint(s0 + 32, 8, be) : get_uint(s0 + 20, 4, be);
		if (shnum > 0 && phnum == PN_XNUM)
			phnum = get_uint(s0 + (is64 ? 44 : 28), 4, be);
	}
	if (phnum > MAX_PHNUM)
		return vfail(f, PMT_ERR_CORRUPT, "ELF e_phnum %" PRIu64 " (limit %u)", phnum,
			     MAX_PHNUM);
	if (shnum > MAX_SHNUM)
		return vfail(f, PMT_ERR_CORRUPT, "ELF e_shnum %" PRIu64 " (limit %u)", shnum,
			     MAX_SHNUM);
	if (phnum == 0)
		return vfail(f, PMT_ERR_CORRUPT,
			     "ELF e_phnum 0: a core without program headers "
			     "holds no memory");
	if (phentsize < phsize)
		return vfail(f, PMT_ERR_CORRUPT,
			     "ELF e_phentsize %" PRIu64 " < %zu (sizeof(Elf%d_Phdr))", phentsize,
			     phsize, is64 ? 64 : 32);
	if (phentsize > MAX_ENTSIZE)
		return vfail(f, PMT_ERR_CORRUPT, "ELF e_phentsize %" PRIu64 " (limit %u)",
			     phentsize, MAX_ENTSIZE);
	err = load(f, phoff, phnum * phentsize, "ELF program headers (e_phoff, e_phnum)", &tab);
	if (err)
		return err;
	for (uint64_t i = 0; i < phnum && !err; i++) {
		const uint8_t *ph = tab + i * phentsize;
		uint64_t p_type = get_uint(ph, 4, be);
		uint64_t off = is64 ? get_uint(ph + 8, 8, be) : get_uint(ph + 4, 4, be);
		uint64_t vaddr = is64 ? get_uint(ph + 16, 8, be) : get_uint(ph + 8, 4, be);
		uint64_t paddr = is64 ? get_uint(ph + 24, 8, be) : get_uint(ph + 12, 4, be);
		uint64_t filesz = is64 ? get_uint(ph + 32, 8, be) : get_uint(ph + 16, 4, be);
		uint64_t memsz = is64 ? get_uint(ph + 40, 8, be) : get_uint(ph + 20, 4, be);
		uint64_t none = is64 ? UINT64_MAX : UINT32_MAX; /* p_paddr "unknown" */
		uint64_t amax = is64 ? UINT64_MAX : UINT32_MAX;
		char what[80];

		if (p_type == 4 /* PT_NOTE */) {
			uint8_t *notes;

			snprintf(what, sizeof(what), "ELF PT_NOTE (program header %" PRIu64 ")", i);
			if (filesz > MAX_NOTES) {
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_filesz %" PRIu64 " (limit %u)", what, filesz,
					    MAX_NOTES);
				break;
			}
			/* notes are 4-byte aligned (the gABI; libkdumpfile casts) */
			if (off % 4) {
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_offset %#" PRIx64 " is not 4-byte aligned", what,
					    off);
				break;
			}
			/* libkdumpfile fails to read notes cut by the end of
			 * the file: a file cut there is truncated */
			err = load(f, off, filesz, what, &notes);
			if (!err)
				err = check_notes(f, what, notes, filesz, be, arch, 0);
			free(notes);
		} else if (p_type == 1 /* PT_LOAD */) {
			snprintf(what, sizeof(what), "ELF PT_LOAD (program header %" PRIu64 ")", i);
			nload++;
			if (filesz > memsz)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_filesz %#" PRIx64 " > p_memsz %#" PRIx64, what,
					    filesz, memsz);
			else if (off + filesz < off)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_offset %#" PRIx64 " + p_filesz %#" PRIx64
					    " wraps around",
					    what, off, filesz);
			else if (paddr != none && memsz && paddr + (memsz - 1) < paddr)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_paddr %#" PRIx64 " + p_memsz %#" PRIx64
					    " wraps around",
					    what, paddr, memsz);
			else if (memsz &&
				 (vaddr + (memsz - 1) < vaddr || vaddr + (memsz - 1) > amax))
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_vaddr %#" PRIx64 " + p_memsz %#" PRIx64
					    " wraps around",
					    what, vaddr, memsz);
			else if (!is64 && paddr != none && memsz && paddr + (memsz - 1) > amax)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "%s: p_paddr %#" PRIx64 " + p_memsz %#" PRIx64
					    " is beyond 32 bits",
					    what, paddr, memsz);
		}
	}
	free(tab);
	tab = NULL;
	if (err)
		return err;
	if (!nload)
		return vfail(f, PMT_ERR_CORRUPT,
			     "no PT_LOAD among the %" PRIu64 " ELF program "
			     "headers: the file holds no memory",
			     phnum);

	/* Sections: libkdumpfile reads every header and the name table, and
	 * acts on the Xen sections by name. */
	if (shnum) { /* read from e_shoff even when it is 0 */
		uint64_t stroff = 0, strsz = 0;
		uint8_t *strtab = NULL;

		if (shentsize < shsize)
			return vfail(f, PMT_ERR_CORRUPT,
				     "ELF e_shentsize %" PRIu64 " < %zu (sizeof(Elf%d_Shdr))",
				     shentsize, shsize, is64 ? 64 : 32);
		/* libkdumpfile reads them one by one, zeros past the end of a
		 * truncated file: allowed there only for a small table */
		if (shentsize > MAX_ENTSIZE)
			return vfail(f, PMT_ERR_CORRUPT, "ELF e_shentsize %" PRIu64 " (limit %u)",
				     shentsize, MAX_ENTSIZE);
		if (shnum * shentsize > MAX_PADDED_SHDRS)
			err = load(f, shoff, shnum * shentsize,
				   "ELF section headers (e_shoff, e_shnum)", &tab);
		else
			err = load_padded(f, shoff, shnum * shentsize,
					  "ELF section headers (e_shoff, e_shnum)", &tab);
		if (err)
			return err;
		if (strndx && strndx < shnum) {
			const uint8_t *sh = tab + strndx * shentsize;

			stroff = is64 ? get_uint(sh + 24, 8, be) : get_uint(sh + 16, 4, be);
			strsz = is64 ? get_uint(sh + 32, 8, be) : get_uint(sh + 20, 4, be);
			if (strsz > MAX_STRTAB)
				err = vfail(f, PMT_ERR_CORRUPT,
					    "ELF section name table (e_shstrndx %" PRIu64
					    "): sh_size %" PRIu64 " (limit %u)",
					    strndx, strsz, MAX_STRTAB);
			else
				err = load_padded(f, stroff, strsz,
						  "ELF section name table (e_shstrndx)", &strtab);
			/* libkdumpfile strcmp()s names in it unbounded */
			if (!err && strsz && strtab[strsz - 1])
				err = vfail(f, PMT_ERR_CORRUPT,
					    "ELF section name table (e_shstrndx %" PRIu64
					    ") does not end with a NUL byte",
					    strndx);
		}
		for (uint64_t i = 0; !err && strtab && i < shnum; i++) {
			uint64_t nm = get_uint(tab + i * shentsize, 4, be);
			const char *s = (const char *)strtab + nm;

			if (nm >= strsz)
				continue;
			if (!strncmp(s, ".xen_", 5) || !strcmp(s, ".note.Xen"))
				err = vfail(f, PMT_ERR_UNSUPPORTED,
					    "ELF section %" PRIu64 " \"%.32s\": a Xen dump, which "
					    "pmtrace does not read",
					    i, s);
		}
		free(strtab);
		free(tab);
		if (err)
			return err;
	}
	return NULL;
}

/* ---- kdump-compressed (diskdump) ---------------------------------------- */

#define DD_HDR64_SIZE 464 /* sizeof(struct disk_dump_header_64), what libkdumpfile reads */
#define UTS_LEN	      65

struct dd_layout {
	bool is64, be;
	uint64_t block, sub_blocks, bmp_blocks, max_mapnr;
	int64_t version;
	int64_t sub_blocks_signed;
};

/* The header fields under one of the four interpretations. */
static void dd_fields(const uint8_t *h, bool is64, bool be, struct dd_layout *l)
{
	size_t base = is64 ? 428 : 416; /* offset of block_size */

	l->is64 = is64;
	l->be = be;
	l->version = (int32_t)get_uint(h + 8, 4, be);
	l->block = get_uint(h + base, 4, be);
	l->sub_blocks_signed = (int32_t)get_uint(h + base + 4, 4, be);
	l->sub_blocks = (uint64_t)l->sub_blocks_signed;
	l->bmp_blocks = get_uint(h + base + 8, 4, be);
	l->max_mapnr = get_uint(h + base + 12, 4, be);
}

/* libkdumpfile's try_header(): the block size range and the bitmap covering
 * max_mapnr (block_size is a signed int there: negative is out of range). */
static bool dd_plausible(const struct dd_layout *l)
{
	if ((int32_t)l->block < (int32_t)MIN_BLOCK || l->block > MAX_BLOCK)
		return false;
	return 8 * l->bmp_blocks * l->block >= l->max_mapnr;
}

static bool uts_sane(const uint8_t *uts)
{
	/* libkdumpfile's uts_looks_sane(): NUL-terminated fields, non-empty
	 * release/version/machine, sysname "Linux" */
	for (int i = 0; i < 5; i++)
		if (uts[i * UTS_LEN + UTS_LEN - 1])
			return false;
	if (!uts[2 * UTS_LEN] || !uts[3 * UTS_LEN] || !uts[4 * UTS_LEN])
		return false;
	return !strcmp((const char *)uts, "Linux");
}

/* The architecture libkdumpfile sets from the header's utsname. */
static const char *uts_arch(const uint8_t *uts)
{
	const char *m = (const char *)uts + 4 * UTS_LEN;

	if (!uts_sane(uts))
		return NULL;
	if (!strcmp(m, "x86_64"))
		return "x86_64";
	if (!strcmp(m, "i386") || !strcmp(m, "i586") || !strcmp(m, "i686"))
		return "ia32";
	if (!strcmp(m, "aarch64") || !strcmp(m, "arm64"))
		return "aarch64";
	if (!strcmp(m, "s390x"))
		return "s390x";
	if (!strcmp(m, "ppc64") || !strcmp(m, "ppc64le"))
		return "ppc64";
	if (!strcmp(m, "riscv64"))
		return "riscv64";
	if (!strncmp(m, "arm", 3))
		return "arm";
	return NULL;
}

bool dump_diskdump_layout(const uint8_t *hdr, bool *is64, bool *big_endian)
{
	struct dd_layout l;

	for (int i = 0; i < 4; i++) {
		dd_fields(hdr, i >= 2, i % 2, &l);
		if (dd_plausible(&l)) {
			*is64 = l.is64;
			*big_endian = l.be;
			return true;
		}
	}
	return false;
}

static struct pmt_err *check_blob(const struct vfile *f, uint64_t off, uint64_t size,
				  uint64_t limit, const char *what)
{
	if (size > limit)
		return vfail(f, PMT_ERR_CORRUPT, "%s: size %" PRIu64 " (limit %" PRIu64 ")", what,
			     size, limit);
	return size ? in_file(f, off, size, what) : NULL;
}

static struct pmt_err *check_diskdump_layout(const struct vfile *f, const uint8_t *h,
					     struct dd_layout *lp);

static struct pmt_err *check_diskdump(const struct vfile *f, const uint8_t *h)
{
	struct dd_layout l = { 0 };
	struct pmt_err *err;
	bool is64, be;

	if (dump_diskdump_layout(h, &is64, &be)) {
		dd_fields(h, is64, be, &l);
	} else {
		/* Name the fields of the layout real (x86_64) dumps use. */
		dd_fields(h, true, false, &l);
		if ((int32_t)l.block < (int32_t)MIN_BLOCK || l.block > MAX_BLOCK)
			return vfail(f, PMT_ERR_CORRUPT,
				     "kdump header: block_size %" PRId32 " is outside [%u, %u] "
				     "(in every layout libkdumpfile tries)",
				     (int32_t)l.block, MIN_BLOCK, MAX_BLOCK);
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: max_mapnr %" PRIu64 " exceeds the %" PRIu64
			     " pages bitmap_blocks %" PRIu64 " x block_size %" PRIu64
			     " can describe (in every layout libkdumpfile tries)",
			     l.max_mapnr, 8 * l.bmp_blocks * l.block, l.bmp_blocks, l.block);
	}
	err = check_diskdump_layout(f, h, &l);
	if (err && err != &pmt_err_nomem && (!l.is64 || l.be)) {
		/* Say how the header was read when it is not the x86_64 way. */
		char *msg;

		if (asprintf(&msg,
			     "%s (the header read as the %s layout: the first of 32/64-bit "
			     "little/big-endian that libkdumpfile accepts)",
			     err->msg,
			     l.is64 ? "64-bit big-endian"
			     : l.be ? "32-bit big-endian"
				    : "32-bit little-endian") >= 0) {
			free(err->msg);
			err->msg = msg;
		}
	}
	return err;
}

static struct pmt_err *check_diskdump_layout(const struct vfile *f, const uint8_t *h,
					     struct dd_layout *lp)
{
	struct dd_layout l = *lp;
	uint64_t cap_one, need_map, eff_mapnr, hdr_end, sub_size, sub_off, ndesc = 0;
	uint64_t note_off = 0, note_sz = 0, vmci_off = 0, vmci_sz = 0, erase_off = 0, erase_sz = 0;
	uint64_t start_pfn = 0, end_pfn = UINT64_MAX;
	const char *arch;
	struct pmt_err *err;
	uint8_t sub[104];
	bool split = false;

	if (!is_pow2(l.block))
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: block_size %" PRIu64 " is not a power of two", l.block);
	if (l.version < 0)
		return vfail(f, PMT_ERR_CORRUPT, "kdump header: header_version %" PRId64 " < 0",
			     l.version);
	if (l.sub_blocks_signed < 0 || l.sub_blocks * l.block > MAX_SUB_BYTES)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: sub_hdr_size %" PRId64 " blocks of %" PRIu64
			     " (limit %u bytes)",
			     l.sub_blocks_signed, l.block, MAX_SUB_BYTES);
	if (l.version >= 1 && l.sub_blocks < 1)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: header_version %" PRId64 " has a sub-header, but "
			     "sub_hdr_size is 0 blocks",
			     l.version);
	if (l.bmp_blocks < 2 || l.bmp_blocks % 2)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: bitmap_blocks %" PRIu64 " is not an even number >= 2 "
			     "(two bitmaps of equal size)",
			     l.bmp_blocks);
	cap_one = l.bmp_blocks / 2 * l.block * 8; /* pages one bitmap describes */
	if (l.bmp_blocks / 2 * l.block > MAX_BITMAP_BYTES)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: bitmap_blocks %" PRIu64 " x block_size %" PRIu64
			     " is a %" PRIu64 "-byte bitmap (limit %llu)",
			     l.bmp_blocks, l.block, l.bmp_blocks / 2 * l.block, MAX_BITMAP_BYTES);
	if (l.max_mapnr > cap_one)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: max_mapnr %" PRIu64 " exceeds the %" PRIu64
			     " pages one of its two bitmaps (bitmap_blocks %" PRIu64
			     " x block_size %" PRIu64 ") can describe",
			     l.max_mapnr, cap_one, l.bmp_blocks, l.block);

	/* The sub-header, as libkdumpfile reads it. */
	eff_mapnr = l.max_mapnr;
	sub_off = l.block;
	sub_size = l.is64 ? 104 : 96;
	if (l.version >= 1) {
		uint64_t split_v;

		err = in_file(f, sub_off, sub_size, "kdump sub-header");
		if (!err)
			err = vread(f, sub_off, sub, sub_size, "kdump sub-header");
		if (err)
			return err;
		if (l.is64) {
			split_v = get_uint(sub + 12, 4, l.be);
			vmci_off = get_uint(sub + 32, 8, l.be);
			vmci_sz = get_uint(sub + 40, 8, l.be);
			note_off = get_uint(sub + 48, 8, l.be);
			note_sz = get_uint(sub + 56, 8, l.be);
			erase_off = get_uint(sub + 64, 8, l.be);
			erase_sz = get_uint(sub + 72, 8, l.be);
			if (l.version >= 2 && split_v) {
				start_pfn = get_uint(sub + 16, 8, l.be);
				end_pfn = get_uint(sub + 24, 8, l.be);
			}
			if (l.version >= 6) {
				if (split_v) {
					start_pfn = get_uint(sub + 80, 8, l.be);
					end_pfn = get_uint(sub + 88, 8, l.be);
				}
				eff_mapnr = get_uint(sub + 96, 8, l.be);
			}
		} else {
			/* 32-bit: packed or padded, chosen by where the
			 * VMCOREINFO of the packed reading points */
			uint64_t payload = l.block * (1 + l.sub_blocks);
			uint64_t pv_off = get_uint(sub + 20, 8, l.be);
			uint64_t pv_sz = get_uint(sub + 28, 4, l.be);
			bool pad = l.version >= 3 &&
				   !((!pv_off && !pv_sz) ||
				     (pv_off > l.block && pv_off + pv_sz <= payload));
			size_t o_vmci = pad ? 24 : 20, o_note = pad ? 40 : 32,
			       o_erase = pad ? 56 : 44, o_64 = pad ? 72 : 56;

			split_v = get_uint(sub + 8, 4, l.be);
			vmci_off = get_uint(sub + o_vmci, 8, l.be);
			vmci_sz = get_uint(sub + o_vmci + 8, 4, l.be);
			note_off = get_uint(sub + o_note, 8, l.be);
			note_sz = get_uint(sub + o_note + 8, 4, l.be);
			erase_off = get_uint(sub + o_erase, 8, l.be);
			erase_sz = get_uint(sub + o_erase + 8, 4, l.be);
			if (l.version >= 2 && split_v) {
				start_pfn = get_uint(sub + 12, 4, l.be);
				end_pfn = get_uint(sub + 16, 4, l.be);
			}
			if (l.version >= 6) {
				if (split_v) {
					start_pfn = get_uint(sub + o_64, 8, l.be);
					end_pfn = get_uint(sub + o_64 + 8, 8, l.be);
				}
				eff_mapnr = get_uint(sub + o_64 + 16, 8, l.be);
			}
		}
		split = l.version >= 2 && split_v;
	}
	if (l.version >= 6 && eff_mapnr > cap_one)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump sub-header: max_mapnr_64 %" PRIu64 " exceeds the %" PRIu64
			     " pages one of its two bitmaps (bitmap_blocks %" PRIu64
			     " x block_size %" PRIu64 ") can describe",
			     eff_mapnr, cap_one, l.bmp_blocks, l.block);
	if (eff_mapnr == 0)
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump header: max_mapnr%s 0: the dump "
			     "describes no memory",
			     l.version >= 6 ? "_64" : "");
	if (split && (start_pfn > end_pfn || start_pfn >= eff_mapnr))
		return vfail(f, PMT_ERR_CORRUPT,
			     "kdump sub-header (split dump): start_pfn %" PRIu64 " end_pfn %" PRIu64
			     " are not an ascending range below max_mapnr %" PRIu64,
			     start_pfn, end_pfn, eff_mapnr);

	/* Header, sub-header and both bitmaps must be in the file. A cut
	 * there is "truncated" when the layout is self-consistent. */
	hdr_end = (1 + l.sub_blocks + l.bmp_blocks) * l.block;
	need_map = (eff_mapnr + l.block * 8 - 1) / (l.block * 8);
	if (hdr_end > f->size) {
		bool consistent = l.bmp_blocks / 2 <= need_map + 1;

		return vfail(f, consistent ? PMT_ERR_TRUNCATED : PMT_ERR_CORRUPT,
			     "kdump header: 1 + sub_hdr_size %" PRIu64 " + bitmap_blocks %" PRIu64
			     " blocks of %" PRIu64 " bytes end at %" PRIu64
			     ", beyond the end of the file (%" PRIu64 " bytes)%s",
			     l.sub_blocks, l.bmp_blocks, l.block, hdr_end, f->size,
			     consistent ? ""
					: "; the bitmaps are also larger than max_mapnr needs");
	}
	/* libkdumpfile gives bitmap 2's bits in [start_pfn, min(end_pfn, what
	 * one bitmap holds)) one descriptor each, in order */
	err = check_runs(f, (1 + l.sub_blocks) * l.block, l.bmp_blocks / 2 * l.block, false,
			 "kdump header: the first bitmap (bitmap_blocks)", 0, 0, NULL);
	if (!err)
		err = check_runs(f, (1 + l.sub_blocks + l.bmp_blocks / 2) * l.block,
				 l.bmp_blocks / 2 * l.block, false,
				 "kdump header: the second bitmap (bitmap_blocks)", start_pfn,
				 end_pfn < cap_one ? end_pfn : cap_one, &ndesc);
	if (!err)
		err = check_descs(f, hdr_end, ndesc, l.block, l.be);
	if (err)
		return err;
	if (l.version == 3) {
		/* read even when its size is 0, see check_vmcoreinfo() */
		err = check_blob(f, vmci_off, vmci_sz, MAX_VMCOREINFO,
				 "kdump sub-header: VMCOREINFO (offset_vmcoreinfo, "
				 "size_vmcoreinfo)");
		if (!err) {
			uint8_t *v;

			err = load(f, vmci_off, vmci_sz, "kdump VMCOREINFO", &v);
			if (!err)
				err = check_vmcoreinfo(f, "kdump VMCOREINFO", v, vmci_sz, l.block);
			free(v);
		}
		if (err)
			return err;
	}
	if (l.version >= 4) {
		err = check_blob(f, erase_off, erase_sz, MAX_NOTES,
				 "kdump sub-header: ERASEINFO (offset_eraseinfo, size_eraseinfo)");
		if (!err)
			err = check_blob(f, note_off, note_sz, MAX_NOTES,
					 "kdump sub-header: notes (offset_note, size_note)");
		if (!err && note_sz && note_off % 4)
			err = vfail(f, PMT_ERR_CORRUPT,
				    "kdump sub-header: offset_note %#" PRIx64
				    " is not 4-byte aligned",
				    note_off);
		if (!err && note_sz) {
			uint8_t *notes;

			arch = uts_arch(h + 12);
			err = load(f, note_off, note_sz, "kdump notes", &notes);
			if (!err)
				err = check_notes(f, "kdump notes", notes, note_sz, l.be, arch,
						  l.block);
			free(notes);
		}
		if (err)
			return err;
	}
	return NULL;
}

/* ---- s390 stand-alone dump ---------------------------------------------- */

static struct pmt_err *check_s390(const struct vfile *f, const uint8_t *h)
{
	uint64_t hdr_size = get_uint(h + 12, 4, true), page = get_uint(h + 20, 4, true);
	uint64_t mem_size = get_uint(h + 24, 8, true), npages = get_uint(h + 48, 4, true);
	uint64_t arch = get_uint(h + 72, 4, true);
	struct pmt_err *err;
	uint8_t marker[16];

	if (f->size < 4096)
		return vfail(f, PMT_ERR_TRUNCATED,
			     "s390 dump header: the file is %" PRIu64
			     " bytes, the header needs 4096",
			     f->size);
	if (!is_pow2(page) || page < MIN_BLOCK || page > MAX_BLOCK)
		return vfail(f, PMT_ERR_CORRUPT,
			     "s390 dump header: page_size %" PRIu64
			     " is not a power of two in [%u, %u]",
			     page, MIN_BLOCK, MAX_BLOCK);
	if (hdr_size < 4096)
		return vfail(f, PMT_ERR_CORRUPT, "s390 dump header: hdr_size %" PRIu64 " < 4096",
			     hdr_size);
	if (arch != 1 && arch != 2)
		return vfail(f, PMT_ERR_CORRUPT,
			     "s390 dump header: arch %" PRIu64 " (1: s390, 2: s390x)", arch);
	if (npages > mem_size / page)
		return vfail(f, PMT_ERR_CORRUPT,
			     "s390 dump header: num_pages %" PRIu64 " x page_size %" PRIu64
			     " exceeds mem_size %" PRIu64,
			     npages, page, mem_size);
	err = in_file(f, hdr_size, mem_size + 16,
		      "s390 dump: memory (hdr_size, mem_size) and end marker");
	if (!err)
		err = vread(f, hdr_size + mem_size, marker, sizeof(marker), "s390 end marker");
	if (!err && (memcmp(marker, "DUMP_END", 8) ||
		     get_uint(marker + 8, 8, true) < get_uint(h + 56, 8, true)))
		err = vfail(f, PMT_ERR_CORRUPT,
			    "s390 dump: no end marker (\"DUMP_END\" and a time stamp not before "
			    "the header's) at hdr_size + mem_size = %" PRIu64,
			    hdr_size + mem_size);
	return err;
}

/* ---- sadump -------------------------------------------------------------- */

#define SADUMP_PART_HDR	  168	/* sizeof(struct sadump_part_header), magic numbers follow */
#define SADUMP_HDR	  120	/* sizeof(struct sadump_header) */
#define SADUMP_SMRAM_CPU  0x400 /* sizeof(struct sadump_smram_cpu_state) */
#define SADUMP_APIC_STATE 16

static bool sadump_sig(const uint8_t *p)
{
	return get_uint(p, 4, false) == 0x75646173 && get_uint(p + 4, 4, false) == 0x0000706d;
}

static struct pmt_err *check_sadump(const struct vfile *f, uint64_t pos)
{
	uint8_t part[SADUMP_PART_HDR], sh[SADUMP_HDR], m[8], szb[4];
	uint64_t magicpos = pos + SADUMP_PART_HDR, prev, block, used, hdr_pos;
	uint64_t bs, sub, bmp, dbmp, mapnr, cpus, version, data_pos;
	uint32_t sz;
	struct pmt_err *err;

	err = in_file(f, pos, SADUMP_PART_HDR + 4, "sadump partition header");
	if (!err)
		err = vread(f, pos, part, SADUMP_PART_HDR, "sadump partition header");
	if (err)
		return err;
	if (get_uint(part + 152, 4, false) != 0) /* set_disk_set */
		return vfail(f, PMT_ERR_UNSUPPORTED,
			     "sadump disk set (set_disk_set %" PRIu64
			     "): only single-partition and media-backup sadump files are read",
			     get_uint(part + 152, 4, false));
	used = get_uint(part + 160, 8, false);
	/* The magic numbers run up to the end of the block: m[i] = 11 * (m[i-1] + 7). */
	if (vread(f, magicpos, m, 4, "sadump magic numbers"))
		return vfail(f, PMT_ERR_TRUNCATED,
			     "sadump: no magic numbers after the partition "
			     "header");
	prev = get_uint(m, 4, false);
	for (;;) {
		uint32_t next;

		magicpos += 4;
		if (magicpos - pos > MAX_BLOCK)
			return vfail(f, PMT_ERR_CORRUPT,
				     "sadump: the magic-number run exceeds the "
				     "largest block size %u",
				     MAX_BLOCK);
		if (magicpos + 4 > f->size)
			return vfail(f, PMT_ERR_TRUNCATED,
				     "sadump: the file ends inside the "
				     "magic-number run at offset %" PRIu64,
				     magicpos);
		err = vread(f, magicpos, m, 4, "sadump magic numbers");
		if (err)
			return err;
		next = (uint32_t)get_uint(m, 4, false);
		if (next != (uint32_t)(11 * (prev + 7)))
			break;
		prev = next;
	}
	block = magicpos - pos;
	if (!is_pow2(block) || block < MIN_BLOCK)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump: the magic-number run gives a block size "
			     "of %" PRIu64 ", not a power of two in [%u, %u]",
			     block, MIN_BLOCK, MAX_BLOCK);
	hdr_pos = magicpos;
	err = in_file(f, hdr_pos, SADUMP_HDR, "sadump header");
	if (!err)
		err = vread(f, hdr_pos, sh, SADUMP_HDR, "sadump header");
	if (err)
		return err;
	version = get_uint(sh + 8, 4, false);
	bs = get_uint(sh + 40, 4, false);
	sub = get_uint(sh + 48, 4, false);
	bmp = get_uint(sh + 52, 4, false);
	dbmp = get_uint(sh + 56, 4, false);
	mapnr = version < 1 ? get_uint(sh + 60, 4, false) : get_uint(sh + 88, 8, false);
	cpus = get_uint(sh + 80, 4, false);
	if (bs != block)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump header: block_size %" PRIu64 ", the "
			     "magic numbers say %" PRIu64,
			     bs, block);
	if (cpus < 1 || cpus > MAX_CPUS)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump header: nr_cpus %" PRIu64 " is not in [1, %u]", cpus,
			     MAX_CPUS);
	if (sub * bs > MAX_SUB_BYTES || bmp * bs > MAX_BITMAP_BYTES || dbmp * bs > MAX_BITMAP_BYTES)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump header: sub_hdr_size %" PRIu64 ", bitmap_blocks %" PRIu64
			     ", dumpable_bitmap_blocks %" PRIu64 " blocks of %" PRIu64
			     " bytes (limits %u and %llu bytes)",
			     sub, bmp, dbmp, bs, MAX_SUB_BYTES, MAX_BITMAP_BYTES);
	if (!bmp || !dbmp || mapnr > dbmp * bs * 8)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump header: max_mapnr %" PRIu64 " exceeds the "
			     "%" PRIu64 " pages the bitmaps (bitmap_blocks %" PRIu64
			     ", dumpable_bitmap_blocks %" PRIu64 ") describe",
			     mapnr, (bmp < dbmp ? bmp : dbmp) * bs * 8, bmp, dbmp);
	/* The CPU states: libkdumpfile divides their total size by nr_cpus. */
	err = in_file(f, hdr_pos + bs, 4, "sadump sub-header (CPU state size)");
	if (!err)
		err = vread(f, hdr_pos + bs, szb, 4, "sadump sub-header");
	if (err)
		return err;
	sz = (uint32_t)get_uint(szb, 4, false);
	if (sz / cpus < SADUMP_SMRAM_CPU)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump sub-header: %" PRIu32 " bytes of CPU "
			     "state for nr_cpus %" PRIu64 ", less than %u per CPU",
			     sz, cpus, SADUMP_SMRAM_CPU);
	err = in_file(f, hdr_pos + bs + 4 + cpus * SADUMP_APIC_STATE, cpus * (uint64_t)(sz / cpus),
		      "sadump sub-header: CPU states");
	if (err)
		return err;
	data_pos = hdr_pos + bs * (1 + sub + bmp + dbmp);
	err = in_file(f, hdr_pos, data_pos - hdr_pos,
		      "sadump: header, sub-header and bitmaps (sub_hdr_size, bitmap_blocks, "
		      "dumpable_bitmap_blocks)");
	if (err)
		return err;
	if (used < data_pos)
		return vfail(f, PMT_ERR_CORRUPT,
			     "sadump partition header: used_device %" PRIu64
			     " is before the page data at %" PRIu64,
			     used, data_pos);
	err = check_runs(f, hdr_pos + bs * (1 + sub), bmp * bs, true,
			 "sadump: the memory bitmap (bitmap_blocks)", 0, 0, NULL);
	if (!err)
		err = check_runs(f, hdr_pos + bs * (1 + sub + bmp), dbmp * bs, true,
				 "sadump: the dumpable bitmap (dumpable_bitmap_blocks)", 0, 0,
				 NULL);
	return err;
}

/* ---- entry -------------------------------------------------------------- */

struct pmt_err *dump_validate(int fd, const char *name, enum dump_kind *kind)
{
	static const uint8_t lkcd_le[8] = { 0xed, 0x23, 0x8f, 0x61, 0x73, 0x01, 0x19, 0xa8 };
	static const uint8_t lkcd_be[8] = { 0xa8, 0x19, 0x01, 0x73, 0x61, 0x8f, 0x23, 0xed };
	static const uint8_t s390_magic[8] = { 0xa8, 0x19, 0x01, 0x73, 0x61, 0x8f, 0x23, 0xfd };
	struct vfile f = { .fd = fd, .name = name };
	uint8_t h[4096 + SADUMP_PART_HDR];
	struct stat sb;
	ssize_t got;

	*kind = DUMP_KIND_NONE;
	if (fstat(fd, &sb))
		return pmt_err_new(PMT_ERR_IO, "%s: cannot stat: %s", name, strerror(errno));
	f.size = (uint64_t)sb.st_size;
	memset(h, 0, sizeof(h));
	got = pread_full(fd, h, sizeof(h), 0);
	if (got < 0)
		return pmt_err_new(PMT_ERR_IO, "%s: cannot read: %s", name, strerror(errno));
	if (got == 0)
		return vfail(&f, PMT_ERR_FORMAT, "the file is empty (0 bytes)");

	if (got >= 6 && !memcmp(h, "\177ELF", 4)) {
		*kind = DUMP_KIND_ELF;
		return check_elf(&f, h, (size_t)got);
	}
	if (got >= 16 && !memcmp(h, "LinuxGuestRecord", 16))
		return vfail(&f, PMT_ERR_UNSUPPORTED, "a Xen xc_save image, not a kernel dump");
	if (got >= 4 && !memcmp(h, "QEVM", 4))
		return vfail(&f, PMT_ERR_UNSUPPORTED,
			     "a QEMU savevm snapshot, not a dump (write one with "
			     "dump-guest-memory)");
	if (got >= 4 && !memcmp(h, "Libv", 4))
		return vfail(&f, PMT_ERR_UNSUPPORTED,
			     "a libvirt core file, which libkdumpfile "
			     "does not read (virsh dump --memory-only writes ELF)");
	if (got >= 4 && h[1] == 0xeb && h[2] == 0x0f && h[3] == 0xf0 &&
	    (h[0] == 0xed || h[0] == 0xee))
		return vfail(&f, PMT_ERR_UNSUPPORTED, "a Xen xc_core image, not a kernel dump");
	if (got >= 8 && (!memcmp(h, "KDUMP   ", 8) || !memcmp(h, "DISKDUMP", 8))) {
		*kind = DUMP_KIND_DISKDUMP;
		if ((size_t)got < DD_HDR64_SIZE)
			return vfail(&f, PMT_ERR_TRUNCATED,
				     "kdump header: the file is %" PRIu64 " bytes, the header "
				     "needs %d",
				     f.size, DD_HDR64_SIZE);
		return check_diskdump(&f, h);
	}
	if (got >= 8 && (!memcmp(h, lkcd_le, 8) || !memcmp(h, lkcd_be, 8)))
		return vfail(&f, PMT_ERR_UNSUPPORTED,
			     "an LKCD dump: LKCD ended with Linux 2.6.10, before the ftrace ring "
			     "buffer existed");
	if (got >= 4 && h[0] == 0xdd && h[1] == 0xcc && h[2] == 0x8b && h[3] == 0x9a)
		return vfail(&f, PMT_ERR_UNSUPPORTED,
			     "a Mission Critical Linux crash dump, which "
			     "libkdumpfile does not read");
	if (got >= 8 && !memcmp(h, s390_magic, 8)) {
		*kind = DUMP_KIND_S390;
		return check_s390(&f, h);
	}
	if (got >= 8 && sadump_sig(h)) {
		*kind = DUMP_KIND_SADUMP;
		return check_sadump(&f, 0);
	}
	if ((size_t)got >= 4096 + 8 && sadump_sig(h + 4096)) {
		*kind = DUMP_KIND_SADUMP;
		return check_sadump(&f, 4096);
	}
	if (got >= 16 && !memcmp(h, "makedumpfile", 13))
		return vfail(&f, PMT_ERR_CORRUPT, "a flattened dump that was not rebuilt");
	return vfail(&f, PMT_ERR_FORMAT,
		     "no ELF, kdump, s390 or sadump signature (first bytes %02x %02x %02x %02x "
		     "%02x %02x %02x %02x, %" PRIu64 " bytes)",
		     h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], f.size);
}

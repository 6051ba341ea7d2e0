// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crash target: memory, symbols and machine facts from crash's globals
 * (see crash_target.h for the overview; types are in crash_types.c).
 *
 * Reading memory
 * --------------
 * The fast path is one readmem(addr, KVADDR, ..., RETURN_ON_ERROR|QUIET).
 * readmem() only says yes or no, but the walkers must tell a page that was
 * filtered out of the dump (NODATA, reported as such) from a broken dump file
 * (IO). So after a failure the range is re-read page by page to find the
 * first page that fails, and that page is classified with the steps readmem()
 * itself takes:
 *
 *	kvtop(addr)                fails -> CORRUPT: a pointer to unmapped memory
 *	paddr outside the node table     -> CORRUPT: it maps to no RAM
 *	pc->readmem(paddr)  PAGE_EXCLUDED   -> FILTERED: left out (makedumpfile -d)
 *	                    PAGE_INCOMPLETE -> TRUNCATED: page cut short in the dump
 *	                    SEEK/READ_ERROR -> IO:     the dump file is short or bad
 *
 * This is the split the libkdumpfile target makes (extractor/dump_target.c:
 * an address that does not translate is CORRUPT).
 *
 * pc->readmem is the dump format's own reader (read_netdump, read_diskdump,
 * ...) that readmem() dispatches to; calling it directly on the failure path
 * only is cheap and returns the format's own error code.
 *
 * Symbols are crash's: symbol_value() is the run-time address (crash has
 * already applied the KASLR offset it found). kt->relocate is link-time minus
 * run-time, so the KASLR offset is its negation.
 */
#include "defs.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "crash_target.h"
#include "crash_types.h"

struct crash_target {
	struct pmt_target t;
	struct crash_types *types;
};

static struct crash_target *to_ct(struct pmt_target *t)
{
	return (struct crash_target *)t;
}

/*
 * Is paddr inside the RAM crash's node table spans? (Not phys_to_page():
 * on a wild address it prints crash's own "sparsemem: invalid section
 * number" warning into the command's output.)
 */
static bool is_ram(physaddr_t paddr)
{
	for (int n = 0; n < vt->numnodes; n++) {
		uint64_t s = vt->node_table[n].start_paddr;
		uint64_t e = s + (uint64_t)vt->node_table[n].size * (uint64_t)PAGESIZE();

		if (paddr >= s && paddr < e)
			return true;
	}
	return false;
}

/* Why did one page-bounded read fail? See the table at the top. */
static struct pmt_err *classify_failure(uint64_t addr, long len)
{
	physaddr_t paddr = 0;
	char *scratch;
	int rc;

	if (!kvtop(NULL, (ulong)addr, &paddr, 0))
		return pmt_err_addr(PMT_ERR_CORRUPT, addr,
				    "%#" PRIx64 ": not mapped (no page table entry)", addr);
	if (!is_ram(paddr))
		return pmt_err_addr(PMT_ERR_CORRUPT, addr,
				    "%#" PRIx64 ": maps to physical %#llx, which is not RAM", addr,
				    (unsigned long long)paddr);
	scratch = malloc((size_t)len);
	if (!scratch)
		return &pmt_err_nomem;
	rc = pc->readmem(pc->mfd, scratch, (int)len, (ulong)addr, paddr);
	free(scratch);
	switch (rc) {
	case PAGE_EXCLUDED:
		return pmt_err_addr(PMT_ERR_FILTERED, addr,
				    "%#" PRIx64 ": page filtered out of the dump", addr);
	case PAGE_INCOMPLETE:
		return pmt_err_addr(PMT_ERR_TRUNCATED, addr,
				    "%#" PRIx64 ": page incomplete in the dump", addr);
	case SEEK_ERROR:
		return pmt_err_addr(PMT_ERR_IO, addr,
				    "%#" PRIx64 " (physical %#llx): seek error in the dump file",
				    addr, (unsigned long long)paddr);
	case READ_ERROR:
		return pmt_err_addr(PMT_ERR_IO, addr,
				    "%#" PRIx64 " (physical %#llx): read error in the dump file",
				    addr, (unsigned long long)paddr);
	default:
		return pmt_err_addr(PMT_ERR_IO, addr,
				    "%#" PRIx64 " (physical %#llx): crash cannot read it (%d)",
				    addr, (unsigned long long)paddr, rc);
	}
}

static struct pmt_err *ct_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	uint64_t page = t->page_size;
	uint64_t cur = addr;
	char *out = buf;

	if (len == 0)
		return NULL;
	if (len > (size_t)INT32_MAX || addr + len < addr)
		return pmt_err_addr(PMT_ERR_INVALID, addr, "read of %zu bytes at %#" PRIx64, len,
				    addr);
	if (readmem(addr, KVADDR, buf, (long)len, "pmtrace", RETURN_ON_ERROR | QUIET))
		return NULL;

	/* Find the first page that fails, and say why. */
	while (cur < addr + len) {
		uint64_t end = (cur / page + 1) * page;
		long n;

		if (end > addr + len)
			end = addr + len;
		n = (long)(end - cur);
		if (!readmem(cur, KVADDR, out + (cur - addr), n, "pmtrace",
			     RETURN_ON_ERROR | QUIET))
			return classify_failure(cur, n);
		cur = end;
	}
	/* Every page read on its own: a transient failure; report it as IO. */
	return pmt_err_addr(PMT_ERR_IO, addr, "%#" PRIx64 ": read of %zu bytes failed", addr, len);
}

static struct pmt_err *ct_read_phys(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	uint64_t page = t->page_size, cur = addr;
	char *out = buf;

	if (len == 0)
		return NULL;
	if (len > (size_t)INT32_MAX || addr + len < addr)
		return pmt_err_addr(PMT_ERR_INVALID, addr,
				    "read of %zu bytes at physical %#" PRIx64, len, addr);
	if (readmem(addr, PHYSADDR, buf, (long)len, "pmtrace", RETURN_ON_ERROR | QUIET))
		return NULL;
	while (cur < addr + len) {
		uint64_t end = (cur / page + 1) * page;
		char *scratch;
		int rc;

		if (end > addr + len)
			end = addr + len;
		if (readmem(cur, PHYSADDR, out + (cur - addr), (long)(end - cur), "pmtrace",
			    RETURN_ON_ERROR | QUIET)) {
			cur = end;
			continue;
		}
		scratch = malloc((size_t)(end - cur));
		if (!scratch)
			return &pmt_err_nomem;
		rc = pc->readmem(pc->mfd, scratch, (int)(end - cur), 0, (physaddr_t)cur);
		free(scratch);
		if (rc == PAGE_EXCLUDED)
			return pmt_err_addr(PMT_ERR_FILTERED, cur,
					    "physical %#" PRIx64 ": page filtered out of the dump",
					    cur);
		if (rc == PAGE_INCOMPLETE)
			return pmt_err_addr(PMT_ERR_TRUNCATED, cur,
					    "physical %#" PRIx64 ": page incomplete in the dump",
					    cur);
		return pmt_err_addr(PMT_ERR_NODATA, cur, "physical %#" PRIx64 ": not in the dump",
				    cur);
	}
	return pmt_err_addr(PMT_ERR_IO, addr, "physical %#" PRIx64 ": read of %zu bytes failed",
			    addr, len);
}

/* Physical memory as crash's node table spans it. */
static bool ct_phys_next(struct pmt_target *t, uint64_t *start, uint64_t *end)
{
	uint64_t best = UINT64_MAX, best_end = 0;

	for (int n = 0; n < vt->numnodes; n++) {
		uint64_t s = vt->node_table[n].start_paddr;
		uint64_t e = s + (uint64_t)vt->node_table[n].size * t->page_size;

		if (e <= *start)
			continue;
		if (s < *start)
			s = *start;
		if (s < best) {
			best = s;
			best_end = e;
		}
	}
	if (best == UINT64_MAX)
		return false;
	*start = best;
	*end = best_end;
	return true;
}

static struct pmt_err *ct_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	char *s = strdup(name); /* crash's API takes char * */

	if (!s)
		return &pmt_err_nomem;
	if (!symbol_exists(s)) {
		free(s);
		return pmt_err_new(PMT_ERR_ABSENT, "no symbol %s", name);
	}
	*addr = symbol_value(s);
	free(s);
	return NULL;
}

static struct pmt_err *ct_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return crash_type_size(to_ct(t)->types, type, size);
}

static struct pmt_err *ct_member(struct pmt_target *t, const char *type, const char *path,
				 struct pmt_member *out)
{
	return crash_member(to_ct(t)->types, type, path, out);
}

static struct pmt_err *ct_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	return crash_enumerator(to_ct(t)->types, name, value);
}

static void ct_destroy(struct pmt_target *t)
{
	struct crash_target *ct = to_ct(t);

	crash_types_free(ct->types);
	free(ct);
}

static const struct pmt_target_ops crash_target_ops = {
	.read = ct_read,
	.symbol = ct_symbol,
	.type_size = ct_type_size,
	.member = ct_member,
	.enumerator = ct_enumerator,
	.destroy = ct_destroy,
	.read_phys = ct_read_phys,
	.phys_next = ct_phys_next,
};

/* A layer that answers type questions from a profile (its data). */
static struct pmt_err *pf_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return pmt_type_size(pmt_target_data(t), type, size);
}

static struct pmt_err *pf_member(struct pmt_target *t, const char *type, const char *path,
				 struct pmt_member *out)
{
	return pmt_member(pmt_target_data(t), type, path, out);
}

static struct pmt_err *pf_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	return pmt_enumerator(pmt_target_data(t), name, value);
}

static void pf_destroy(struct pmt_target *t)
{
	pmt_target_destroy(pmt_target_data(t));
}

static const struct pmt_target_ops profile_layer = {
	.type_size = pf_type_size,
	.member = pf_member,
	.enumerator = pf_enumerator,
	.destroy = pf_destroy,
};

struct pmt_err *crash_target_with_profile(struct pmt_target *crash, struct pmt_target *profile,
					  struct pmt_target **out)
{
	struct pmt_err *err = pmt_target_stack(crash, false, &profile_layer, profile, out);

	if (err)
		pmt_target_destroy(profile);
	return err;
}

unsigned long crash_target_gdb_queries(struct pmt_target *crash)
{
	return crash_types_queries(to_ct(crash)->types);
}

struct pmt_err *crash_target_new(struct pmt_target **out)
{
	struct crash_target *ct;
	struct pmt_err *err;

	*out = NULL;
	if (machdep->bits != 32 && machdep->bits != 64)
		return pmt_err_new(PMT_ERR_UNSUPPORTED, "%d-bit machine", machdep->bits);
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return &pmt_err_nomem;
	err = crash_types_new(&ct->types);
	if (err) {
		free(ct);
		return err;
	}
	ct->t.ops = &crash_target_ops;
	ct->t.priv = ct;
	/* crash reads dumps of its own build's architecture only, and every
	 * one it supports has the host's byte order (ppc64 and s390x crash
	 * run on ppc64 and s390x hosts). */
	ct->t.big_endian = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
	ct->t.word_size = (unsigned int)(machdep->bits / 8);
	ct->t.page_size = (uint64_t)PAGESIZE();
	ct->t.kaslr_offset = (uint64_t)0 - (uint64_t)kt->relocate;
	snprintf(ct->t.release, sizeof(ct->t.release), "%s", kt->utsname.release);
	*out = &ct->t;
	return NULL;
}

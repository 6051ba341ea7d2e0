// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Types and symbols from the dump alone (see btf_dump.h).
 *
 * Order of discovery, each step using only what the previous one found:
 *   VMCOREINFO  SYMBOL(kallsyms_*), SYMBOL(_stext), KERNELOFFSET
 *   kallsyms    __start_BTF, __stop_BTF, btf_modules and every symbol the
 *               walkers ask for (kallsyms_symbols.c)
 *   BTF         vmlinux types (btf_types.c), including the layouts of
 *               struct btf_module, struct btf and struct module, which give
 *   modules     the module BTF blobs the kernel keeps (mod->btf_data itself
 *               is freed after the module loads; btf->data stays).
 * Memory is read through a dump target whose own types are empty: nothing
 * here needs an offset that was not read from the dump first.
 *
 * Bounds: the vmlinux blob must be 24 bytes .. 256 MiB, a module's 24 bytes
 * .. 64 MiB, the module list at most 4096 entries (a longer one is a cycle).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf_dump.h"
#include "btf_types.h"
#include "dump_target.h"
#include "kallsyms_symbols.h"

#define MAX_VMLINUX_BTF (256u << 20)
#define MAX_MODULE_BTF	(64u << 20)
#define MAX_MODULES	4096

/* ---- a types target that knows nothing: memory only ---- */

static struct pmt_err *none_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_err_addr(PMT_ERR_UNSUPPORTED, addr, "no memory");
}

static struct pmt_err *none_symbol(struct pmt_target *t, const char *name, uint64_t *addr)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no symbols yet ('%s')", name);
}

static struct pmt_err *none_type_size(struct pmt_target *t, const char *type, uint64_t *size)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no types yet ('%s')", type);
}

static struct pmt_err *none_member(struct pmt_target *t, const char *type, const char *path,
				   struct pmt_member *out)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no types yet ('%s')", type);
}

static struct pmt_err *none_enumerator(struct pmt_target *t, const char *name, int64_t *value)
{
	return pmt_err_new(PMT_ERR_ABSENT, "no types yet ('%s')", name);
}

static void none_destroy(struct pmt_target *t)
{
	free(t);
}

static const struct pmt_target_ops none_ops = {
	.read = none_read,
	.symbol = none_symbol,
	.type_size = none_type_size,
	.member = none_member,
	.enumerator = none_enumerator,
	.destroy = none_destroy,
};

static struct pmt_err *memory_target(struct dump *d, struct pmt_target **out)
{
	struct pmt_target *none = calloc(1, sizeof(*none));

	*out = NULL;
	if (!none)
		return &pmt_err_nomem;
	none->ops = &none_ops;
	return dump_target(d, none, out); /* owns `none` from here */
}

/* ---- module BTF ---- */

struct loader {
	struct pmt_target *mem;
	uint64_t kaslr;
};

static void loader_free(void *arg)
{
	struct loader *l = arg;

	pmt_target_destroy(l->mem);
	free(l);
}

/* Read a blob of `size` bytes at `addr` (malloc'd). */
static struct pmt_err *read_blob(struct pmt_target *mem, uint64_t addr, uint64_t size,
				 uint8_t **out)
{
	uint8_t *buf = malloc(size);
	struct pmt_err *err;

	*out = NULL;
	if (!buf)
		return &pmt_err_nomem;
	err = pmt_read(mem, addr, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return NULL;
}

static bool want_member(struct pmt_target *t, const char *type, const char *path,
			struct pmt_member *m, const char **missing)
{
	struct pmt_err *err = pmt_member(t, type, path, m);

	if (!err)
		return true;
	pmt_err_free(err);
	if (!*missing)
		*missing = path;
	return false;
}

static void load_one(struct loader *l, struct pmt_target *t, uint64_t bm,
		     const struct pmt_member *m_btf, const struct pmt_member *m_mod,
		     const struct pmt_member *b_data, const struct pmt_member *b_size,
		     const struct pmt_member *b_name, const struct pmt_member *mod_name)
{
	uint64_t btf = 0, data = 0, size = 0, mod = 0;
	char *name = NULL, fallback[32];
	struct pmt_err *err;
	uint8_t *blob;

	snprintf(fallback, sizeof(fallback), "at %#" PRIx64, bm);
	err = pmt_read_member(l->mem, bm, m_btf, &btf);
	/* the name is only for messages: struct btf's own, else the module's */
	if (!err && btf && b_name->size)
		pmt_err_free(pmt_read_string(l->mem, btf + b_name->offset, b_name->size, &name));
	if (!name && mod_name->size) {
		struct pmt_err *e = pmt_read_member(l->mem, bm, m_mod, &mod);

		if (!e && mod)
			e = pmt_read_string(l->mem, mod + mod_name->offset, mod_name->size, &name);
		pmt_err_free(e);
	}
	if (!err && !btf)
		err = pmt_err_new(PMT_ERR_CORRUPT, "no struct btf");
	if (!err)
		err = pmt_read_member(l->mem, btf, b_data, &data);
	if (!err)
		err = pmt_read_member(l->mem, btf, b_size, &size);
	if (!err && (size < 24 || size > MAX_MODULE_BTF))
		err = pmt_err_new(PMT_ERR_CORRUPT, "implausible size %" PRIu64, size);
	if (!err)
		err = read_blob(l->mem, data, size, &blob);
	if (!err) {
		err = btf_types_add_module(t, name && *name ? name : fallback, blob, size);
		free(blob);
		if (err) {
			btf_types_note(t, "%s", err->msg);
			pmt_err_free(err);
		}
		free(name);
		return;
	}
	btf_types_note(t,
		       "BTF of module %s (struct btf %#" PRIx64 ", data %#" PRIx64 ", %" PRIu64
		       " bytes): %s",
		       name && *name ? name : fallback, btf, data, size, err->msg);
	pmt_err_free(err);
	free(name);
}

/* The kernel's btf_modules list, walked once (see the top of the file). */
static void load_modules(void *arg, struct pmt_target *t)
{
	struct loader *l = arg;
	struct pmt_member m_list, m_btf, m_mod, b_data, b_size, b_name = { 0 }, mod_name = { 0 },
								lh_next;
	struct pmt_target *syms = btf_types_symbols(t);
	const char *missing = NULL;
	uint64_t head, pos;
	struct pmt_err *err;
	size_t n;

	err = syms ? pmt_symbol(syms, "btf_modules", &head)
		   : pmt_err_new(PMT_ERR_ABSENT, "no symbols");
	if (err) {
		/* a kernel without CONFIG_DEBUG_INFO_BTF_MODULES: no module BTF */
		pmt_err_free(err);
		return;
	}
	head += l->kaslr;
	want_member(t, "struct list_head", "next", &lh_next, &missing);
	want_member(t, "struct btf_module", "list", &m_list, &missing);
	want_member(t, "struct btf_module", "btf", &m_btf, &missing);
	want_member(t, "struct btf_module", "module", &m_mod, &missing);
	want_member(t, "struct btf", "data", &b_data, &missing);
	want_member(t, "struct btf", "data_size", &b_size, &missing);
	if (missing) {
		btf_types_note(t,
			       "module BTF not read: the BTF lacks struct btf_module or "
			       "struct btf member '%s'",
			       missing);
		return;
	}
	if (!want_member(t, "struct btf", "name", &b_name, &missing))
		b_name.size = 0;
	if (!want_member(t, "struct module", "name", &mod_name, &missing))
		mod_name.size = 0;
	err = pmt_read_member(l->mem, head, &lh_next, &pos);
	for (n = 0; !err && pos != head && n < MAX_MODULES; n++) {
		load_one(l, t, pos - m_list.offset, &m_btf, &m_mod, &b_data, &b_size, &b_name,
			 &mod_name);
		err = pmt_read_member(l->mem, pos, &lh_next, &pos);
	}
	if (err) {
		btf_types_note(t,
			       "btf_modules list at %#" PRIx64 ": %s (modules after %zu not read)",
			       head, err->msg, n);
		pmt_err_free(err);
	} else if (n == MAX_MODULES) {
		btf_types_note(t,
			       "btf_modules list at %#" PRIx64
			       ": does not end after %d entries (a cycle?)",
			       head, MAX_MODULES);
	}
}

/* ---- the vmlinux BTF ---- */

/* PMTRACE_DEBUG_BTF=1: what each step took, on stderr. */
static void debug_step(const char *what, struct timespec *since)
{
	struct timespec now;

	if (!getenv("PMTRACE_DEBUG_BTF"))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(stderr, "pmtrace: BTF: %s: %.1f ms\n", what,
		(now.tv_sec - since->tv_sec) * 1e3 + (now.tv_nsec - since->tv_nsec) / 1e6);
	*since = now;
}

static struct pmt_err *too_old(struct dump *d, struct pmt_err *why)
{
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE");
	const char *bid = dump_vmcoreinfo(d, "BUILD-ID");
	struct pmt_err *err;

	if (!bid || !*bid)
		bid = NULL;
	err = pmt_err_new(PMT_ERR_ABSENT,
			  "%s; without kallsyms the BTF in the dump cannot be found nor any "
			  "symbol resolved. Types for kernel %s need --vmlinux (its -dbg "
			  "vmlinux%s%s%s%.2s%s%s%s) or --profile (one made from that vmlinux "
			  "or from a dump of %s: pmtrace profile)",
			  why->msg, rel ? rel : "(unknown)", bid ? ", build-id " : "",
			  bid ? bid : "", bid ? ", e.g. /usr/lib/debug/.build-id/" : "",
			  bid ? bid : "", bid ? "/" : "", bid ? bid + 2 : "", bid ? ".debug" : "",
			  bid ? "the same build-id" : "the same kernel");
	pmt_err_free(why);
	return err;
}

struct pmt_err *btf_dump_types(struct dump *d, struct pmt_target **out)
{
	struct pmt_target *mem = NULL, *syms = NULL, *btf = NULL;
	uint64_t start, stop, kaslr = dump_kaslr_offset(d);
	const char *rel = dump_vmcoreinfo(d, "OSRELEASE");
	struct loader *l = NULL;
	uint8_t *blob = NULL;
	struct timespec ts;
	struct pmt_err *err;

	*out = NULL;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	err = memory_target(d, &mem);
	if (err)
		return err;
	err = kallsyms_symbols_target(d, mem, &syms);
	if (err) {
		if (err->code == PMT_ERR_ABSENT)
			err = too_old(d, err);
		goto fail;
	}
	debug_step("kallsyms decoded and indexed", &ts);
	err = pmt_symbol(syms, "__start_BTF", &start);
	if (!err)
		err = pmt_symbol(syms, "__stop_BTF", &stop);
	if (err) {
		err = pmt_err_prefix(err,
				     "no BTF in kernel %s (built without "
				     "CONFIG_DEBUG_INFO_BTF?)",
				     rel ? rel : "(unknown)");
		goto fail;
	}
	start += kaslr;
	stop += kaslr;
	if (stop <= start || stop - start < 24 || stop - start > MAX_VMLINUX_BTF) {
		err = pmt_err_new(PMT_ERR_CORRUPT,
				  "__start_BTF %#" PRIx64 " .. __stop_BTF %#" PRIx64
				  ": not a plausible BTF section",
				  start, stop);
		goto fail;
	}
	err = read_blob(mem, start, stop - start, &blob);
	if (err) {
		err = pmt_err_prefix(err, "vmlinux BTF at %#" PRIx64 " (%" PRIu64 " bytes)", start,
				     stop - start);
		goto fail;
	}
	debug_step("vmlinux BTF read", &ts);
	err = btf_types_target(blob, stop - start, &btf);
	free(blob);
	debug_step("vmlinux BTF checked and parsed", &ts);
	if (err) {
		err = pmt_err_prefix(err, "the dump's BTF at %#" PRIx64, start);
		goto fail;
	}
	btf->word_size = mem->word_size;
	btf->big_endian = mem->big_endian;
	if (rel)
		snprintf(btf->release, sizeof(btf->release), "%s", rel);
	l = calloc(1, sizeof(*l));
	if (!l) {
		err = &pmt_err_nomem;
		goto fail;
	}
	l->mem = mem;
	l->kaslr = kaslr;
	mem = NULL;
	btf_types_set_symbols(btf, syms);
	syms = NULL;
	btf_types_set_module_loader(btf, load_modules, l, loader_free);
	*out = btf;
	return NULL;
fail:
	pmt_target_destroy(btf);
	pmt_target_destroy(syms);
	pmt_target_destroy(mem);
	return err;
}

void btf_dump_describe(struct pmt_target *t, char *buf, size_t len)
{
	struct btf_types_stats st;
	char mods[128];

	btf_types_get_stats(t, &st);
	if (!st.modules_loaded)
		snprintf(mods, sizeof(mods), "module BTF not needed");
	else if (st.modules_refused)
		snprintf(mods, sizeof(mods), "%zu module BTF%s, %zu bytes, %zu refused", st.modules,
			 st.modules == 1 ? "" : "s", st.module_bytes, st.modules_refused);
	else
		snprintf(mods, sizeof(mods), "%zu module BTF%s, %zu bytes", st.modules,
			 st.modules == 1 ? "" : "s", st.module_bytes);
	snprintf(buf, len,
		 "BTF in the dump (vmlinux %zu bytes, %" PRIu32 " types; %s), symbols from the "
		 "dump's kallsyms (%zu)",
		 st.vmlinux_bytes, st.vmlinux_types, mods,
		 kallsyms_symbols_count(btf_types_symbols(t)));
}

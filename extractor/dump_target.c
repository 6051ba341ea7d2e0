// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The pmt_target of a vmcore: the dump's kernel virtual memory (dump.c)
 * stacked on a types-only target (DWARF or a profile) that answers with
 * link-time addresses; symbols get the KASLR offset added, which is
 * cross-checked against VMCOREINFO so that debug info of another build is
 * refused before anything is read.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_target.h"

static struct pmt_err *tgt_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return dump_read_kv(pmt_target_data(t), addr, buf, len);
}

static struct pmt_err *tgt_read_phys(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return dump_read_phys(pmt_target_data(t), addr, buf, len);
}

static bool tgt_phys_next(struct pmt_target *t, uint64_t *start, uint64_t *end)
{
	return dump_phys_next(pmt_target_data(t), start, end);
}

static const struct pmt_target_ops dump_layer = {
	.read = tgt_read,
	.symbol = pmt_symbol_plus_kaslr,
	.read_phys = tgt_read_phys,
	.phys_next = tgt_phys_next,
};

/*
 * The KASLR offset, cross-checked: VMCOREINFO's run-time _stext (or _text)
 * minus the link-time one from `types` must equal KERNELOFFSET. Without
 * KERNELOFFSET that difference is the offset.
 */
static struct pmt_err *check_kaslr(struct dump *d, struct pmt_target *types, uint64_t *kaslr)
{
	static const char *const syms[] = { "_stext", "_text" };
	bool have_off = dump_vmcoreinfo_num(d, "KERNELOFFSET", 16, kaslr);

	if (!have_off)
		*kaslr = 0;
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		uint64_t run, link;
		struct pmt_err *err;

		if (!dump_vmcoreinfo_symbol(d, syms[i], &run))
			continue;
		err = pmt_symbol(types, syms[i], &link);
		if (err && err->code == PMT_ERR_ABSENT) {
			pmt_err_free(err);
			continue;
		}
		if (err)
			return pmt_err_prefix(err, "link-time address of %s", syms[i]);
		if (!have_off) {
			*kaslr = run - link;
			return NULL;
		}
		if (run - link != *kaslr)
			return pmt_err_new(PMT_ERR_MISMATCH,
					   "%s: %s is %#" PRIx64 " in the dump and %#" PRIx64
					   " in the debug info, a difference of %#" PRIx64
					   " where KERNELOFFSET is %#" PRIx64
					   ": the debug info is not from the dumped kernel",
					   dump_path(d), syms[i], run, link, run - link, *kaslr);
		return NULL;
	}
	return NULL;
}

struct pmt_err *dump_target(struct dump *d, struct pmt_target *types, struct pmt_target **out)
{
	struct dump_machine m;
	struct pmt_target *t;
	struct pmt_err *err;
	uint64_t kaslr;

	*out = NULL;
	if (!types)
		return pmt_err_new(PMT_ERR_INVALID, "dump_target: no types target");
	err = check_kaslr(d, types, &kaslr);
	if (err)
		goto fail;
	dump_machine(d, &m);
	if (m.release[0] && types->release[0] && strcmp(m.release, types->release)) {
		err = pmt_err_new(PMT_ERR_MISMATCH,
				  "%s: the dump is of kernel %s, the debug info of %s",
				  dump_path(d), m.release, types->release);
		goto fail;
	}
	if (!m.word_size)
		m.word_size = types->word_size ? types->word_size : 8;
	if (m.word_size != 4 && m.word_size != 8) {
		err = pmt_err_new(PMT_ERR_UNSUPPORTED, "%s: %u-byte pointers", dump_path(d),
				  m.word_size);
		goto fail;
	}
	err = pmt_target_stack(types, true, &dump_layer, d, &t);
	if (err)
		goto fail;
	t->kaslr_offset = kaslr;
	t->word_size = m.word_size;
	t->big_endian = m.have_byte_order ? m.big_endian : types->big_endian;
	t->page_size = m.page_size ? m.page_size : types->page_size ? types->page_size : 4096;
	snprintf(t->release, sizeof(t->release), "%s", m.release);
	*out = t;
	return NULL;
fail:
	pmt_target_destroy(types);
	return err;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_trace_load_range(): a trace from a raw image of a persistent ring
 * buffer's range, without any kernel structure around it (see
 * persistent.h): the machine rebooted without kdump, and the range was
 * saved (QMP pmemsave, cut from a memory image, /dev/mem where allowed).
 *
 * The reading view: the target reads the image at its physical address and,
 * when it has a vmlinux, the kernel's static data at link-time addresses
 * (kaslr_offset 0). The previous boot's addresses are moved there by its
 * text delta (minus its KASLR offset, from the range's record), so kallsyms
 * decoded from the vmlinux's own tables names them.
 *
 * Layout: from the types when there are any (DWARF, a profile, BTF); without
 * any, from the region's own description (its magic and struct sizes)
 * matched against the layouts the kernel has used (persist_layout_builtin()).
 *
 * Order of the events: each valid CPU's reader page, then its ring from the
 * head to the commit page, as the kernel that wrote it would print it. A CPU
 * whose meta is damaged (head or commit no sub-buffer, buffers[] not a
 * permutation) is salvaged: every sub-buffer that validates, in the order of
 * its own time stamp, reported as such.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "event_db.h"
#include "kallsyms.h"
#include "persistent.h"
#include "pmtrace/layout.h"
#include "stream.h"
#include "trace_internal.h"

/*
 * Without types: which built-in layout does the range's own header match?
 * The magic (in either byte order) says a meta is there; struct_size(s)
 * says which definition and word size wrote it.
 */
static bool builtin_layout(struct pmt_target *t, uint64_t base, uint64_t size,
			   struct persist_layout *PL)
{
	static const struct {
		enum persist_kind kind;
		int variant;
	} cand[] = {
		{ PERSIST_SPLIT_META, 0 }, { PERSIST_SPLIT_META, 2 }, { PERSIST_SPLIT_META, 1 },
		{ PERSIST_CPU_META, 0 },   { PERSIST_CPU_META, 1 },
	};
	uint8_t hdr[64];
	bool big_endian = t->big_endian;

	if (size < sizeof(hdr) || !pmt_ok(pmt_read(t, base, hdr, sizeof(hdr))))
		return false;
	for (int e = 0; e < 2; e++) {
		t->big_endian = e ? !big_endian : big_endian;
		if (pmt_get_u32(t, hdr) != PERSIST_META_MAGIC)
			continue;
		for (unsigned int ws = 8; ws >= 4; ws -= 4) {
			for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]); i++) {
				uint32_t sizes = pmt_get_u32(t, hdr + 4);

				persist_layout_builtin(PL, cand[i].kind, cand[i].variant, ws);
				if (cand[i].kind == PERSIST_CPU_META
					    ? sizes != PL->meta.size
					    : sizes != (PL->cmeta.size | PL->meta.size << 16))
					continue;
				if (cand[i].kind == PERSIST_SPLIT_META) {
					/* variants 1 and 2 have the same CPU meta size:
					 * the sub-buffer size is where the layout says */
					uint64_t boff = pmt_get_uint(t, hdr + 8 + ws, ws);
					uint8_t cm[64];

					if (boff >= size || size - boff < sizeof(cm) ||
					    !pmt_ok(pmt_read(t, base + boff, cm, sizeof(cm))) ||
					    pmt_member_get(t, cm, &PL->c_subbuf_size.m) !=
						    (t->page_size ? t->page_size : 4096))
						continue;
				}
				t->word_size = ws;
				return true;
			}
		}
	}
	t->big_endian = big_endian;
	return false;
}

static int by_ts(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* A damaged CPU: every sub-buffer with valid events, by its time stamp. */
static void salvage_cpu(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			const struct persist_cpu *pc, uint64_t base)
{
	struct pmt_page_format fmt;
	uint64_t(*pages)[2] = calloc(pc->nr_subbufs, sizeof(*pages));
	uint8_t *buf = malloc(pc->subbuf_size);
	size_t n = 0;

	persist_page_format(tr, tr->t, pc->subbuf_size, &fmt);
	for (uint32_t s = 0; pages && buf && s < pc->nr_subbufs; s++) {
		uint64_t off = pc->subbufs_off + (uint64_t)s * pc->subbuf_size;
		struct pmt_page_header hdr;
		struct pmt_err *err = pmt_read(tr->t, base + off, buf, pc->subbuf_size);

		if (!err)
			err = pmt_page_parse_header(&fmt, buf, &hdr);
		if (err) {
			pmt_err_free(err);
			continue;
		}
		if (!hdr.commit)
			continue;
		{
			struct pmt_page_cursor pcur;
			struct pmt_page_record rec;
			bool got = true;

			pmt_page_cursor_init(&pcur, &fmt, buf, &hdr);
			while (got) {
				err = pmt_page_next(&pcur, &rec, &got);
				if (err) {
					pmt_err_free(err);
					break;
				}
				cs->entries += got && rec.kind == PMT_REC_DATA;
			}
		}
		pages[n][0] = hdr.time_stamp;
		pages[n][1] = base + off;
		n++;
	}
	if (pages)
		qsort(pages, n, sizeof(*pages), by_ts);
	for (size_t k = 0; k < n; k++)
		stream_add_page(cs, pages[k][1], 0, 0);
	diag_add(tr, PMT_ERR_CORRUPT, (struct diag_where){ buf_label(b), cs->cpu, 0 }, 0,
		 "persistent range: the meta cannot give the order of the sub-buffers; %zu with "
		 "data read in the order of their own time stamps",
		 n);
	cs->damaged = true;
	free(pages);
	free(buf);
}

/* The trace_entry header every event starts with (stable since 2.6.x), for
 * the columns when no event format is known. */
static struct event_db *common_only_db(struct pmt_trace *tr)
{
	struct event_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->tr = tr;
	db->common_type_off = 0;
	db->common_type_size = 2;
	db->common_flags_off = 2;
	db->common_pc_off = 3;
	db->common_pid_off = 4;
	return db;
}

static void build_streams(struct pmt_trace *tr, struct trace_buf *b, struct persist_info *pi)
{
	b->nr_cpus = pi->nr_cpus;
	b->cpus = calloc((size_t)(pi->nr_cpus ? pi->nr_cpus : 1), sizeof(*b->cpus));
	if (!b->cpus) {
		b->nr_cpus = 0;
		return;
	}
	for (int c = 0; c < pi->nr_cpus; c++) {
		const struct persist_cpu *pc = &pi->cpus[c];
		struct cpu_stream *cs = &b->cpus[c];

		cs->cpu = c;
		cs->present = true;
		cs->addr = pi->range_addr + pc->meta_off;
		cs->nr_pages = pc->nr_subbufs ? pc->nr_subbufs - 1 : 0;
		if (!pc->valid) {
			cs->damaged = true;
			if (pc->subbuf_size && pc->subbufs_off && pc->nr_subbufs)
				salvage_cpu(tr, b, cs, pc, pi->range_addr);
			continue;
		}
		cs->entries = pc->entries;
		for (size_t k = 0; k < pc->nread; k++) {
			uint64_t off = pc->subbufs_off +
				       (uint64_t)pc->order[pc->read_order[k]] * pc->subbuf_size;

			if (pc->state[k] != SB_OK && pc->state[k] != SB_BAD_EVENTS)
				continue;
			if (!stream_add_page(cs, pi->range_addr + off, 0, 0))
				break;
			/* already diagnosed by the validation: decode what is good */
			if (pc->state[k] == SB_BAD_EVENTS) {
				cs->pages[cs->npages - 1].state = PAGE_DAMAGED;
				cs->damaged = true;
			}
		}
	}
}

void persist_range_fill(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
			struct pmt_target *rt, uint64_t phys, uint64_t size)
{
	struct persist_info *pi = b->persist;

	if (!pi) {
		pi = calloc(1, sizeof(*pi));
		if (!pi) {
			diag_err(tr, &pmt_err_nomem, (struct diag_where){ buf_label(b), -1, 0 },
				 "persistent range");
			return;
		}
		b->persist = pi;
	}
	b->clock_in_ns = true;
	pi->range_addr = phys;
	pi->range_size = size;
	pi->range_phys = phys;
	pi->have_phys = true;
	pi->boot = PERSIST_BOOT_PREVIOUS;
	pi->clock_id = -1;
	persist_parse_range(tr, b, PL, rt, phys, size, pi);
	if (!pi->region_read)
		return;
	if (pi->have_prev_kaslr) {
		pi->have_text_delta = true;
		pi->text_delta = (int64_t)(rt->kaslr_offset - pi->prev_kaslr);
	}
	b->subbuf_size = pi->cpus[0].subbuf_size;
	persist_page_format(tr, rt, b->subbuf_size, &b->fmt);
	build_streams(tr, b, pi);
}

struct pmt_err *pmt_trace_load_range(struct pmt_target *t, uint64_t phys, uint64_t size,
				     const char *name, const struct pmt_load_opts *opts,
				     struct pmt_trace **out)
{
	struct persist_layout PL;
	struct persist_info *pi;
	struct trace_buf *b;
	struct pmt_trace *tr;
	struct pmt_err *err;
	bool typeless = false;

	*out = NULL;
	if (!t->page_size || (t->word_size != 4 && t->word_size != 8))
		return pmt_err_new(PMT_ERR_INVALID, "target has no page size or word size");
	if (!size)
		return pmt_err_new(PMT_ERR_INVALID, "an empty range");
	tr = calloc(1, sizeof(*tr));
	if (!tr)
		return &pmt_err_nomem;
	tr->t = t;
	if (opts)
		tr->opts = *opts;
	err = ftrace_layout_resolve(t, &tr->L);
	if (err) {
		/* no type source (or a useless one): the range's own description */
		pmt_err_free(err);
		memset(&tr->L, 0, sizeof(tr->L));
		typeless = true;
		/* the kernel image, if the types know it: the writer's _text */
		err = pmt_symbol(t, "_text", &tr->L.sym_text.addr);
		tr->L.sym_text.ok = !err;
		pmt_err_free(err);
		err = pmt_symbol(t, "_end", &tr->L.sym_end.addr);
		tr->L.sym_end.ok = !err;
		pmt_err_free(err);
	}
	persist_layout_resolve(t, &PL);
	if (PL.kind == PERSIST_NONE) {
		if (!typeless) {
			pmt_trace_free(tr);
			return pmt_err_new(
				PMT_ERR_UNSUPPORTED,
				"the types given know no persistent ring buffer (struct "
				"ring_buffer_meta): not the kernel that wrote the range, or "
				"older than 6.12");
		}
		if (!builtin_layout(t, phys, size, &PL)) {
			pmt_trace_free(tr);
			return pmt_err_new(
				PMT_ERR_FORMAT,
				"no persistent ring buffer at %#" PRIx64
				": no ring_buffer_meta magic %#x with a struct size of a "
				"known layout at its start",
				phys, PERSIST_META_MAGIC);
		}
	}
	persist_set_layout(tr, &PL);

	tr->bufs = calloc(1, sizeof(*tr->bufs));
	pi = calloc(1, sizeof(*pi));
	if (!tr->bufs || !pi) {
		free(pi);
		pmt_trace_free(tr);
		return &pmt_err_nomem;
	}
	/* the reader is not the writer: always a previous boot's data */
	tr->nbufs = 1;
	b = &tr->bufs[0];
	if (name)
		b->name = strdup(name);
	else if (asprintf(&b->name, "range@%#" PRIx64, phys) < 0)
		b->name = NULL;
	b->tracer = strdup("nop");
	b->previous_boot = true;
	b->no_trace_array = true;
	b->persist = pi;
	if (!b->name || !b->tracer) {
		pmt_trace_free(tr);
		return &pmt_err_nomem;
	}
	persist_range_fill(tr, b, &PL, t, phys, size);
	if (!pi->region_read) {
		tr->failed = true;
		*out = tr;
		return NULL;
	}
	tr->nr_online = pi->nr_cpus;

	if (!typeless && !(tr->opts.flags & PMT_LOAD_NO_KALLSYMS)) {
		err = kallsyms_load(t, &tr->L, &tr->ksyms);
		if (err)
			diag_degraded(tr, err, "kallsyms (addresses print in hex)");
	}
	if (tr->opts.formats_dir && !(tr->opts.flags & PMT_LOAD_NO_EVENTS)) {
		err = event_db_load_formats(tr, tr->opts.formats_dir, &tr->events);
		if (err)
			diag_degraded(tr, err, "event formats (events print raw)");
	}
	if (!tr->events)
		tr->events = common_only_db(tr);
	persist_finish(tr);
	if (pi->clock_recorded && pi->clock) {
		bool in_ns = true;
		char *name2 = NULL;

		if (!ftrace_clock_name(tr, (uint64_t)pi->clock_id, &name2, &in_ns)) {
			b->clock = name2;
			b->clock_in_ns = in_ns;
		}
	}
	if (tr->opts.flags & PMT_LOAD_SCAN)
		pmt_trace_scan(tr);
	*out = tr;
	return NULL;
}

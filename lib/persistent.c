// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Persistent ("boot-mapped") ring buffers: layouts, validation of a range,
 * and what the previous boot's events need to print as that boot printed
 * them (see persistent.h for the layouts).
 *
 * Validation follows the kernel's own checks (rb_meta_valid(),
 * rb_cpu_meta_valid(), rb_meta_init(), rb_read_data_buffer()) but never
 * gives up on a whole range for one bad part: each problem becomes a typed
 * diagnostic naming the CPU and sub-buffer, a CPU whose meta is unusable is
 * left out, and a sub-buffer whose events do not decode is counted (the
 * stream decoder keeps its valid beginning). Every read is bounded by the
 * range: offsets computed from the meta are checked against its size before
 * they are used, so a damaged meta cannot make us read outside it.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmdlines.h"
#include "diag.h"
#include "event_db.h"
#include "event_print.h"
#include "kallsyms.h"
#include "output.h"
#include "persistent.h"
#include "pmtrace/layout.h"
#include "page_decode.h"
#include "stream.h"
#include "trace_internal.h"

#define MAX_SUBBUFS	 (1u << 22)
#define MAX_RANGE_CPUS	 8192
#define MAX_MOD_ENTRIES	 4096
#define RB_MISSED_EVENTS (1u << 31)
#define RB_MISSED_STORED (1u << 30)

/* ---- layouts ------------------------------------------------------------ */

static bool absorb(struct pmt_err *err)
{
	if (!err)
		return true;
	pmt_err_free(err);
	return false;
}

static void member(struct pmt_target *t, struct fl_field *f, const char *type, const char *path)
{
	f->ok = absorb(pmt_member(t, type, path, &f->m));
}

static void structure(struct pmt_target *t, struct fl_struct *s, const char *type)
{
	s->ok = absorb(pmt_type_size(t, type, &s->size));
}

static void enumerator(struct pmt_target *t, uint64_t *out, const char *name)
{
	int64_t v;

	*out = absorb(pmt_enumerator(t, name, &v)) && v > 0 ? (uint64_t)v : 0;
}

static void symbol(struct pmt_target *t, struct fl_sym *s, const char *name)
{
	s->ok = absorb(pmt_symbol(t, name, &s->addr));
}

static void derive_kind(struct persist_layout *PL)
{
	if (PL->cmeta.ok && PL->meta.ok && PL->m_buffers_offset.ok && PL->c_first_buffer.ok &&
	    PL->c_head_buffer.ok && PL->c_commit_buffer.ok && PL->c_subbuf_size.ok &&
	    PL->c_nr_subbufs.ok && PL->c_buffers.ok && PL->m_magic.ok)
		PL->kind = PERSIST_SPLIT_META;
	else if (PL->meta.ok && PL->m_magic.ok && PL->m_first_buffer.ok && PL->m_head_buffer.ok &&
		 PL->m_commit_buffer.ok && PL->m_subbuf_size.ok && PL->m_nr_subbufs.ok &&
		 PL->m_buffers.ok)
		PL->kind = PERSIST_CPU_META;
	else
		PL->kind = PERSIST_NONE;
}

void persist_layout_resolve(struct pmt_target *t, struct persist_layout *PL)
{
	const char *m = "struct ring_buffer_meta", *c = "struct ring_buffer_cpu_meta";
	const char *s = "struct trace_scratch", *e = "struct trace_mod_entry";
	const char *ta = "struct trace_array";

	memset(PL, 0, sizeof(*PL));
	/* a kernel without boot-mapped buffers answers no to the first one */
	member(t, &PL->ta_range_addr_start, ta, "range_addr_start");
	if (!PL->ta_range_addr_start.ok)
		return;
	member(t, &PL->ta_range_addr_size, ta, "range_addr_size");
	member(t, &PL->ta_range_name, ta, "range_name");
	member(t, &PL->ta_text_delta, ta, "text_delta");
	member(t, &PL->ta_data_delta, ta, "data_delta");
	member(t, &PL->ta_kaslr_addr, ta, "kaslr_addr");
	member(t, &PL->ta_flags, ta, "flags");
	member(t, &PL->ta_scratch, ta, "scratch");
	member(t, &PL->ta_scratch_size, ta, "scratch_size");
	member(t, &PL->ta_module_delta, ta, "module_delta");
	member(t, &PL->md_delta, "struct trace_module_delta", "delta");

	structure(t, &PL->meta, m);
	member(t, &PL->m_magic, m, "magic");
	member(t, &PL->m_struct_size, m, "struct_size");
	member(t, &PL->m_struct_sizes, m, "struct_sizes");
	member(t, &PL->m_text_addr, m, "text_addr");
	member(t, &PL->m_data_addr, m, "data_addr");
	member(t, &PL->m_kaslr_addr, m, "kaslr_addr");
	member(t, &PL->m_first_buffer, m, "first_buffer");
	member(t, &PL->m_head_buffer, m, "head_buffer");
	member(t, &PL->m_commit_buffer, m, "commit_buffer");
	member(t, &PL->m_subbuf_size, m, "subbuf_size");
	member(t, &PL->m_nr_subbufs, m, "nr_subbufs");
	member(t, &PL->m_buffers, m, "buffers");
	member(t, &PL->m_total_size, m, "total_size");
	member(t, &PL->m_buffers_offset, m, "buffers_offset");

	structure(t, &PL->cmeta, c);
	if (PL->cmeta.ok) {
		member(t, &PL->c_kaslr_addr, c, "kaslr_addr");
		member(t, &PL->c_first_buffer, c, "first_buffer");
		member(t, &PL->c_head_buffer, c, "head_buffer");
		member(t, &PL->c_commit_buffer, c, "commit_buffer");
		member(t, &PL->c_subbuf_size, c, "subbuf_size");
		member(t, &PL->c_nr_subbufs, c, "nr_subbufs");
		member(t, &PL->c_nr_invalid, c, "nr_invalid");
		member(t, &PL->c_entry_bytes, c, "entry_bytes");
		member(t, &PL->c_buffers, c, "buffers");
	}

	structure(t, &PL->scratch, s);
	if (PL->scratch.ok) {
		member(t, &PL->s_clock_id, s, "clock_id");
		member(t, &PL->s_text_addr, s, "text_addr");
		member(t, &PL->s_kaslr_addr, s, "kaslr_addr");
		member(t, &PL->s_nr_entries, s, "nr_entries");
		member(t, &PL->s_entries, s, "entries");
		structure(t, &PL->mod_entry, e);
		member(t, &PL->e_mod_addr, e, "mod_addr");
		member(t, &PL->e_mod_name, e, "mod_name");
	}

	enumerator(t, &PL->fl_boot, "TRACE_ARRAY_FL_BOOT");
	enumerator(t, &PL->fl_last_boot, "TRACE_ARRAY_FL_LAST_BOOT");
	enumerator(t, &PL->fl_memmap, "TRACE_ARRAY_FL_MEMMAP");
	enumerator(t, &PL->fl_vmalloc, "TRACE_ARRAY_FL_VMALLOC");
	enumerator(t, &PL->fl_rdonly, "TRACE_ARRAY_FL_RDONLY");

	/* 6.12's text_addr/data_addr are the addresses of these two */
	if (PL->m_text_addr.ok)
		symbol(t, &PL->sym_rb_text, "rb_meta_init_text_addr");
	if (PL->m_data_addr.ok)
		symbol(t, &PL->sym_rb_data, "rb_data_ptr");
	symbol(t, &PL->sym_saved_command_line, "saved_command_line");
	derive_kind(PL);
}

void persist_resolve_types(struct pmt_target *t)
{
	struct persist_layout PL;

	persist_layout_resolve(t, &PL);
}

static void put_field(struct fl_field *f, uint64_t off, uint64_t size)
{
	f->ok = true;
	memset(&f->m, 0, sizeof(f->m));
	f->m.offset = off;
	f->m.size = size;
	f->m.kind = PMT_KIND_INT;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a ? (v + a - 1) / a * a : v;
}

void persist_layout_builtin(struct persist_layout *PL, enum persist_kind kind, int variant,
			    unsigned int ws)
{
	uint64_t o;

	memset(PL, 0, sizeof(*PL));
	PL->builtin = true;
	put_field(&PL->m_magic, 0, 4);
	PL->meta.ok = true;
	if (kind == PERSIST_CPU_META) {
		put_field(&PL->m_struct_size, 4, 4);
		o = 8;
		if (variant == 0) {
			put_field(&PL->m_text_addr, o, ws);
			put_field(&PL->m_data_addr, o + ws, ws);
			o += 2 * ws;
		} else {
			put_field(&PL->m_kaslr_addr, o, ws);
			o += ws;
		}
		put_field(&PL->m_first_buffer, o, ws);
		put_field(&PL->m_head_buffer, o + ws, ws);
		put_field(&PL->m_commit_buffer, o + 2 * ws, ws);
		o += 3 * ws;
		put_field(&PL->m_subbuf_size, o, 4);
		put_field(&PL->m_nr_subbufs, o + 4, 4);
		put_field(&PL->m_buffers, o + 8, 0);
		PL->meta.size = align_up(o + 8, ws);
	} else {
		put_field(&PL->m_struct_sizes, 4, 4);
		put_field(&PL->m_total_size, 8, ws);
		put_field(&PL->m_buffers_offset, 8 + ws, ws);
		PL->meta.size = 8 + 2 * (uint64_t)ws;
		PL->cmeta.ok = true;
		o = 0;
		if (variant == 1) {
			put_field(&PL->c_kaslr_addr, 0, ws);
			o = ws;
		}
		put_field(&PL->c_first_buffer, o, ws);
		put_field(&PL->c_head_buffer, o + ws, ws);
		put_field(&PL->c_commit_buffer, o + 2 * ws, ws);
		o += 3 * ws;
		put_field(&PL->c_subbuf_size, o, 4);
		put_field(&PL->c_nr_subbufs, o + 4, 4);
		o += 8;
		if (variant == 2) {
			put_field(&PL->c_nr_invalid, o, 4);
			put_field(&PL->c_entry_bytes, o + 4, 4);
			o += 8;
		}
		put_field(&PL->c_buffers, o, 0);
		PL->cmeta.size = align_up(o, ws);
		if (variant != 1) {
			/* struct trace_scratch { unsigned int clock_id; unsigned long
			 * text_addr; unsigned long nr_entries; entries[] } and
			 * struct trace_mod_entry { unsigned long mod_addr;
			 * char mod_name[MODULE_NAME_LEN = 64 - sizeof(long)]; } */
			PL->scratch.ok = true;
			PL->scratch.size = 3 * (uint64_t)ws;
			put_field(&PL->s_clock_id, 0, 4);
			put_field(&PL->s_text_addr, ws, ws);
			put_field(&PL->s_nr_entries, 2 * (uint64_t)ws, ws);
			put_field(&PL->s_entries, 3 * (uint64_t)ws, 0);
			PL->mod_entry.ok = true;
			PL->mod_entry.size = 64;
			put_field(&PL->e_mod_addr, 0, ws);
			put_field(&PL->e_mod_name, ws, 64 - (uint64_t)ws);
		}
	}
	derive_kind(PL);
}

/* ---- reading the range --------------------------------------------------- */

/* The range as the reader sees it: bytes at base + [0, size) of a target. */
struct range {
	struct pmt_target *t;
	uint64_t base, size;
};

static struct pmt_err *range_read(const struct range *r, uint64_t off, void *buf, uint64_t len)
{
	if (off > r->size || len > r->size - off)
		return pmt_err_addr(PMT_ERR_CORRUPT, r->base + off,
				    "%" PRIu64 " bytes at offset %#" PRIx64
				    " would be outside the range (%#" PRIx64 " bytes)",
				    len, off, r->size);
	return pmt_read(r->t, r->base + off, buf, (size_t)len);
}

static uint64_t fval(const struct pmt_target *t, const uint8_t *base, const struct fl_field *f)
{
	return f->ok ? pmt_member_get(t, base, &f->m) : 0;
}

static int64_t fsigned(const struct pmt_target *t, const uint8_t *base, const struct fl_field *f)
{
	uint64_t v = fval(t, base, f);
	unsigned int bits = f->ok && f->m.size ? 8 * (unsigned int)f->m.size : 64;

	if (bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return (int64_t)v;
}

static struct diag_where where_cpu(const struct trace_buf *b, int cpu, uint64_t page)
{
	return (struct diag_where){ .buffer = buf_label(b), .cpu = cpu, .page = page };
}

static struct diag_where where_buf(const struct trace_buf *b)
{
	return where_cpu(b, -1, 0);
}

/* One CPU's meta, whichever layout. */
struct cpu_meta_vals {
	uint64_t first, head, commit, kaslr;
	uint32_t subbuf_size, nr_subbufs, nr_invalid;
	bool have_kaslr;
};

static uint64_t cpu_meta_size(const struct persist_layout *PL)
{
	return PL->kind == PERSIST_SPLIT_META ? PL->cmeta.size : PL->meta.size;
}

static uint64_t buffers_off(const struct persist_layout *PL)
{
	return PL->kind == PERSIST_SPLIT_META ? PL->c_buffers.m.offset : PL->m_buffers.m.offset;
}

static void get_cpu_meta(const struct pmt_target *t, const struct persist_layout *PL,
			 const uint8_t *m, struct cpu_meta_vals *v)
{
	memset(v, 0, sizeof(*v));
	if (PL->kind == PERSIST_SPLIT_META) {
		v->first = fval(t, m, &PL->c_first_buffer);
		v->head = fval(t, m, &PL->c_head_buffer);
		v->commit = fval(t, m, &PL->c_commit_buffer);
		v->subbuf_size = (uint32_t)fval(t, m, &PL->c_subbuf_size);
		v->nr_subbufs = (uint32_t)fval(t, m, &PL->c_nr_subbufs);
		v->nr_invalid = (uint32_t)fval(t, m, &PL->c_nr_invalid);
		v->have_kaslr = PL->c_kaslr_addr.ok;
		v->kaslr = fval(t, m, &PL->c_kaslr_addr);
	} else {
		v->first = fval(t, m, &PL->m_first_buffer);
		v->head = fval(t, m, &PL->m_head_buffer);
		v->commit = fval(t, m, &PL->m_commit_buffer);
		v->subbuf_size = (uint32_t)fval(t, m, &PL->m_subbuf_size);
		v->nr_subbufs = (uint32_t)fval(t, m, &PL->m_nr_subbufs);
		v->have_kaslr = PL->m_kaslr_addr.ok;
		v->kaslr = fval(t, m, &PL->m_kaslr_addr);
	}
}

/* rb_range_align_subbuf(): after the meta and buffers[], aligned to a sub-buffer. */
static uint64_t subbufs_after(const struct persist_layout *PL, uint64_t meta_off,
			      uint32_t subbuf_size, uint32_t nr)
{
	return align_up(meta_off + cpu_meta_size(PL) + 4ULL * nr, subbuf_size);
}

/* A sub-buffer-to-ring position: head/commit pointers become slots, slots
 * become positions in order[]. -1 if the pointer is no slot. */
static long slot_of(const struct cpu_meta_vals *v, uint64_t ptr)
{
	uint64_t d;

	if (ptr < v->first)
		return -1;
	d = ptr - v->first;
	if (d % v->subbuf_size || d / v->subbuf_size >= v->nr_subbufs)
		return -1;
	return (long)(d / v->subbuf_size);
}

static int pos_of(const struct persist_cpu *pc, long slot)
{
	for (uint32_t i = 0; slot >= 0 && i < pc->nr_subbufs; i++)
		if (pc->order[i] == slot)
			return (int)i;
	return -1;
}

/*
 * Read and check CPU `cpu`'s meta at meta_off. Returns false when the chunk
 * does not even look like a CPU meta (the end of the CPUs); true otherwise,
 * with pc->valid saying whether it can be read.
 */
static bool parse_cpu(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
		      const struct range *r, int cpu, uint64_t meta_off,
		      const struct cpu_meta_vals *ref, struct persist_cpu *pc,
		      struct cpu_meta_vals *out)
{
	struct pmt_target *t = r->t;
	uint64_t msize = cpu_meta_size(PL);
	uint8_t *m = NULL, *idx = NULL;
	struct cpu_meta_vals v;
	struct pmt_err *err;
	bool ok = true;
	long hs, cs;

	memset(pc, 0, sizeof(*pc));
	memset(out, 0, sizeof(*out));
	pc->cpu = cpu;
	pc->meta_off = meta_off;
	pc->head_pos = pc->commit_pos = -1;
	m = malloc(msize ? msize : 1);
	if (!m)
		return false;
	err = range_read(r, meta_off, m, msize);
	if (err) {
		if (ref) {
			pmt_err_free(err);
			free(m);
			return false; /* no room for another CPU */
		}
		diag_err(tr, err, where_cpu(b, cpu, 0), "persistent range: meta");
		free(m);
		return true;
	}
	if (PL->kind == PERSIST_CPU_META) {
		uint32_t magic = (uint32_t)fval(t, m, &PL->m_magic);
		uint32_t ssize = (uint32_t)fval(t, m, &PL->m_struct_size);

		if (magic != PERSIST_META_MAGIC) {
			if (ref) {
				free(m);
				return false;
			}
			diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), r->base + meta_off,
				 "persistent range: bad meta magic %#x at offset %#" PRIx64
				 " (expected %#x): never initialised, or overwritten",
				 magic, meta_off, PERSIST_META_MAGIC);
			free(m);
			return true;
		}
		if (PL->m_struct_size.ok && ssize != PL->meta.size) {
			diag_add(tr, PMT_ERR_MISMATCH, where_cpu(b, cpu, 0), r->base + meta_off,
				 "persistent range: written by a kernel whose ring_buffer_meta is "
				 "%u "
				 "bytes; this one's is %" PRIu64 " (a different kernel build?)",
				 ssize, PL->meta.size);
			free(m);
			return true;
		}
	}
	get_cpu_meta(t, PL, m, &v);
	free(m);
	*out = v;
	if (ref && (v.subbuf_size != ref->subbuf_size || v.nr_subbufs != ref->nr_subbufs))
		return PL->kind == PERSIST_CPU_META; /* split: zeroes after the last CPU */
	pc->subbuf_size = v.subbuf_size;
	pc->nr_subbufs = v.nr_subbufs;
	pc->first_buffer = v.first;
	pc->nr_invalid = v.nr_invalid;
	if (v.subbuf_size < 64 || (v.subbuf_size & (v.subbuf_size - 1)) ||
	    (t->page_size && v.subbuf_size != t->page_size)) {
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), r->base + meta_off,
			 "persistent range: sub-buffer size %u (the kernel uses its page size, "
			 "%" PRIu64 ")",
			 v.subbuf_size, t->page_size);
		return true;
	}
	if (v.nr_subbufs < 3 || v.nr_subbufs > MAX_SUBBUFS) {
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), r->base + meta_off,
			 "persistent range: implausible nr_subbufs %u", v.nr_subbufs);
		return true;
	}
	pc->subbufs_off = subbufs_after(PL, meta_off, v.subbuf_size, v.nr_subbufs);
	if (pc->subbufs_off > r->size ||
	    (uint64_t)v.nr_subbufs * v.subbuf_size > r->size - pc->subbufs_off) {
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), r->base + meta_off,
			 "persistent range: %u sub-buffers of %u bytes at offset %#" PRIx64
			 " do not fit in the range (%#" PRIx64 " bytes)",
			 v.nr_subbufs, v.subbuf_size, pc->subbufs_off, r->size);
		return true;
	}
	pc->order = calloc(v.nr_subbufs, sizeof(*pc->order));
	idx = malloc(4ULL * v.nr_subbufs);
	if (!pc->order || !idx) {
		free(idx);
		diag_err(tr, &pmt_err_nomem, where_cpu(b, cpu, 0), "persistent range");
		return true;
	}
	err = range_read(r, meta_off + buffers_off(PL), idx, 4ULL * v.nr_subbufs);
	if (err) {
		free(idx);
		diag_err(tr, err, where_cpu(b, cpu, 0), "persistent range: buffers[]");
		return true;
	}
	{
		uint8_t *seen = calloc(v.nr_subbufs, 1);

		if (!seen) {
			free(idx);
			return true;
		}
		for (uint32_t i = 0; i < v.nr_subbufs; i++) {
			int32_t s = (int32_t)pmt_get_u32(t, idx + 4 * (size_t)i);

			pc->order[i] = s;
			if (s < 0 || (uint32_t)s >= v.nr_subbufs) {
				diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0),
					 r->base + meta_off + buffers_off(PL) + 4ULL * i,
					 "persistent range: buffers[%u] = %d is no sub-buffer "
					 "(0..%u)",
					 i, s, v.nr_subbufs - 1);
				ok = false;
			} else if (seen[s]++) {
				diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0),
					 r->base + meta_off + buffers_off(PL) + 4ULL * i,
					 "persistent range: sub-buffer %d is listed twice in "
					 "buffers[] (again at [%u])",
					 s, i);
				ok = false;
			}
		}
		free(seen);
	}
	free(idx);
	if (!v.head && !v.commit) {
		/* the kernel resets both when it finds the data invalid: no data */
		pc->valid = ok;
		return true;
	}
	hs = slot_of(&v, v.head);
	cs = slot_of(&v, v.commit);
	if (hs < 0)
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), v.head,
			 "persistent range: head_buffer %#" PRIx64
			 " is not a sub-buffer of the %u at %#" PRIx64,
			 v.head, v.nr_subbufs, v.first);
	if (cs < 0)
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), v.commit,
			 "persistent range: commit_buffer %#" PRIx64
			 " is not a sub-buffer of the %u at %#" PRIx64,
			 v.commit, v.nr_subbufs, v.first);
	if (hs < 0 || cs < 0 || !ok)
		return true;
	pc->head_pos = pos_of(pc, hs);
	pc->commit_pos = pos_of(pc, cs);
	if (pc->head_pos <= 0) {
		diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, cpu, 0), v.head,
			 "persistent range: the head sub-buffer (%ld) is %s", hs,
			 pc->head_pos == 0 ? "the reader page" : "not in buffers[]");
		return true;
	}
	pc->valid = true;
	return true;
}

/* Where the sub-buffer at ring position `pos` of pc is, as an offset. */
static uint64_t subbuf_off(const struct persist_cpu *pc, int pos)
{
	return pc->subbufs_off + (uint64_t)pc->order[pos] * pc->subbuf_size;
}

void persist_page_format(const struct pmt_trace *tr, const struct pmt_target *t,
			 uint32_t subbuf_size, struct pmt_page_format *fmt)
{
	/* struct buffer_data_page { u64 time_stamp; local_t commit; data[] }:
	 * from the types when there are any, else that definition */
	unsigned int commit =
		tr->L.bdp_commit.ok ? (unsigned int)tr->L.bdp_commit.m.size : t->word_size;

	pmt_page_format_init(fmt, t->big_endian, commit, subbuf_size);
	if (tr->L.bdp_data.ok)
		fmt->data_offset = (unsigned int)tr->L.bdp_data.m.offset;
}

/*
 * The positions of pc's unread sub-buffers in reading order (the reader page,
 * then the ring from the head to the commit page); *n receives the count.
 */
static int *reading_order(const struct persist_cpu *pc, size_t *n)
{
	int *p = malloc(sizeof(*p) * pc->nr_subbufs);
	size_t k = 0;

	*n = 0;
	if (!p)
		return NULL;
	p[k++] = 0;
	if (pc->commit_pos != 0 && pc->head_pos > 0) {
		int pos = pc->head_pos;

		for (uint32_t i = 1; i < pc->nr_subbufs; i++) {
			p[k++] = pos;
			if (pos == pc->commit_pos)
				break;
			pos = pos + 1 >= (int)pc->nr_subbufs ? 1 : pos + 1;
		}
	}
	*n = k;
	return p;
}

/*
 * rb_read_data_buffer(): does the sub-buffer decode cleanly up to its
 * commit? *nev receives the data events decoded (up to a problem); *why the
 * problem (malloc'd) for SB_BAD_HEADER and SB_BAD_EVENTS.
 */
static enum persist_subbuf check_subbuf(const struct range *r, uint64_t off, uint32_t subbuf_size,
					const struct pmt_page_format *fmt, uint8_t *page,
					uint64_t *nev, char **why, enum pmt_err_code *code)
{
	struct pmt_page_header hdr;
	struct pmt_page_cursor pc;
	struct pmt_err *err;
	uint64_t raw;
	bool got;

	*why = NULL;
	*nev = 0;
	err = range_read(r, off, page, subbuf_size);
	if (err) {
		*why = strdup(err->msg);
		*code = err->code;
		pmt_err_free(err);
		return SB_UNREADABLE;
	}
	raw = pmt_get_uint(r->t, page + PMT_RB_PAGE_COMMIT_OFFSET, fmt->commit_size);
	/* 7.x's validation leaves an invalid page with only this flag */
	if (raw == RB_MISSED_EVENTS)
		return SB_DISCARDED;
	err = pmt_page_parse_header(fmt, page, &hdr);
	if (err) {
		/* a commit beyond the sub-buffer: nothing in it can be trusted */
		*why = strdup(err->msg);
		pmt_err_free(err);
		return SB_BAD_HEADER;
	}
	pmt_page_cursor_init(&pc, fmt, page, &hdr);
	for (;;) {
		struct pmt_page_record rec;

		err = pmt_page_next(&pc, &rec, &got);
		if (err) {
			*why = strdup(err->msg);
			pmt_err_free(err);
			return SB_BAD_EVENTS;
		}
		if (!got)
			break;
		*nev += rec.kind == PMT_REC_DATA;
	}
	return SB_OK;
}

/* The per-CPU chunks, from the first CPU meta at first_off. */
static void parse_cpus(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
		       const struct range *r, uint64_t first_off, struct persist_info *pi,
		       struct cpu_meta_vals *v0)
{
	struct cpu_meta_vals ref, v;
	uint64_t chunk = 0, end0 = 0;
	int cpu;

	size_t cap = 4;

	pi->cpus = calloc(cap, sizeof(*pi->cpus));
	if (!pi->cpus)
		return;
	parse_cpu(tr, b, PL, r, 0, first_off, NULL, &pi->cpus[0], &ref);
	pi->nr_cpus = 1;
	*v0 = ref;
	if (!pi->cpus[0].subbuf_size || !pi->cpus[0].nr_subbufs || !pi->cpus[0].subbufs_off) {
		pi->region_valid = false;
		return;
	}
	end0 = pi->cpus[0].subbufs_off + (uint64_t)ref.nr_subbufs * ref.subbuf_size;
	/* every later chunk starts sub-buffer aligned, so all have one size */
	chunk = subbufs_after(PL, end0, ref.subbuf_size, ref.nr_subbufs) - end0 +
		(uint64_t)ref.nr_subbufs * ref.subbuf_size;
	for (cpu = 1; cpu < MAX_RANGE_CPUS; cpu++) {
		uint64_t off = end0 + chunk * (uint64_t)(cpu - 1);

		if (off >= r->size || r->size - off < chunk)
			break;
		if ((size_t)cpu == cap) {
			struct persist_cpu *nc = realloc(pi->cpus, 2 * cap * sizeof(*nc));

			if (!nc)
				break;
			pi->cpus = nc;
			memset(nc + cap, 0, cap * sizeof(*nc));
			cap *= 2;
		}
		if (!parse_cpu(tr, b, PL, r, cpu, off, &ref, &pi->cpus[cpu], &v))
			break;
		pi->nr_cpus = cpu + 1;
	}
	for (cpu = 0; cpu < pi->nr_cpus; cpu++)
		pi->region_valid &= pi->cpus[cpu].valid;
}

/* Validate the unread sub-buffers in reading order: count and diagnose the
 * bad ones, remember each one's verdict and events (pc->state, pc->events). */
static void check_subbufs(struct pmt_trace *tr, struct trace_buf *b, const struct range *r,
			  struct persist_info *pi, bool report)
{
	for (int c = 0; c < pi->nr_cpus; c++) {
		struct persist_cpu *pc = &pi->cpus[c];
		struct pmt_page_format fmt;
		size_t n = 0;
		uint8_t *page;

		if (!pc->valid || !pc->subbuf_size)
			continue;
		persist_page_format(tr, r->t, pc->subbuf_size, &fmt);
		free(pc->read_order);
		pc->read_order = reading_order(pc, &n);
		pc->nread = n;
		pc->state = calloc(n ? n : 1, sizeof(*pc->state));
		pc->events = calloc(n ? n : 1, sizeof(*pc->events));
		page = malloc(pc->subbuf_size);
		for (size_t k = 0; pc->read_order && pc->state && pc->events && page && k < n;
		     k++) {
			int pos = pc->read_order[k];
			uint64_t off = subbuf_off(pc, pos);
			char *why = NULL;
			enum pmt_err_code code = PMT_ERR_NODATA;
			enum persist_subbuf v = check_subbuf(r, off, pc->subbuf_size, &fmt, page,
							     &pc->events[k], &why, &code);

			pc->state[k] = (uint8_t)v;
			switch (v) {
			case SB_OK:
				pc->entries += pc->events[k];
				break;
			case SB_DISCARDED:
				pc->invalid_subbufs++;
				diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, c, r->base + off),
					 r->base + off,
					 "persistent range: sub-buffer %d (ring position %d) was "
					 "found "
					 "invalid and discarded by the kernel that read the range",
					 pc->order[pos], pos);
				break;
			case SB_UNREADABLE:
				if (!report)
					break;
				diag_add(tr, code, where_cpu(b, c, r->base + off), r->base + off,
					 "persistent range: sub-buffer %d (ring position %d): %s",
					 pc->order[pos], pos, why ? why : "?");
				break;
			case SB_BAD_HEADER:
			case SB_BAD_EVENTS:
				pc->invalid_subbufs++;
				pc->entries += pc->events[k];
				/* the walker's pages are diagnosed when decoded */
				if (!report)
					break;
				diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, c, r->base + off),
					 r->base + off,
					 "persistent range: sub-buffer %d (ring position %d) is "
					 "invalid%s: %s",
					 pc->order[pos], pos,
					 v == SB_BAD_HEADER ? ", skipped"
					 : pc->events[k]    ? ", its first events kept"
							    : "",
					 why ? why : "?");
				break;
			}
			free(why);
		}
		if (pc->nr_invalid)
			diag_add(tr, PMT_ERR_CORRUPT, where_cpu(b, c, 0), 0,
				 "persistent range: the writer marked %u sub-buffer(s) invalid "
				 "(nr_invalid, CONFIG_RING_BUFFER_PERSISTENT_INJECT); %" PRIu64
				 " found",
				 pc->nr_invalid, pc->invalid_subbufs);
		pi->invalid_subbufs += pc->invalid_subbufs;
		free(page);
	}
}

static int mod_cmp(const void *a, const void *b)
{
	const struct persist_module *x = a, *y = b;

	return x->prev_addr < y->prev_addr ? -1 : x->prev_addr > y->prev_addr;
}

/* struct trace_scratch: clock, the previous boot's text address, modules. */
static void parse_scratch(struct pmt_trace *tr, struct trace_buf *b,
			  const struct persist_layout *PL, const struct range *r, uint64_t off,
			  uint64_t room, struct persist_info *pi)
{
	struct pmt_target *t = r->t;
	uint8_t *s;
	uint64_t n, esz = PL->mod_entry.size, v;
	struct pmt_err *err;

	if (!PL->scratch.ok || room < PL->scratch.size)
		return;
	s = malloc(room);
	if (!s)
		return;
	err = range_read(r, off, s, room);
	if (err) {
		diag_err(tr, err, where_buf(b), "persistent range: trace_scratch");
		free(s);
		return;
	}
	if (PL->s_clock_id.ok) {
		pi->clock_recorded = true;
		pi->clock_id = (int)fval(t, s, &PL->s_clock_id);
	}
	if (PL->s_text_addr.ok && (v = fval(t, s, &PL->s_text_addr))) {
		pi->have_prev_text = true;
		pi->prev_text = v;
		pi->prev_text_of = "_text";
		if (tr->L.sym_text.ok) {
			pi->have_prev_kaslr = true;
			pi->prev_kaslr = v - (tr->L.sym_text.addr - t->kaslr_offset);
		}
	} else if (PL->s_kaslr_addr.ok && (v = fval(t, s, &PL->s_kaslr_addr))) {
		pi->have_prev_text = true;
		pi->prev_text = v;
		pi->prev_text_of = "kaslr_offset";
		pi->have_prev_kaslr = true;
		pi->prev_kaslr = v;
	}
	n = fval(t, s, &PL->s_nr_entries);
	if (PL->s_nr_entries.ok && PL->s_entries.ok && PL->mod_entry.ok && esz && n) {
		uint64_t fit = (room - PL->s_entries.m.offset) / esz;

		if (n > fit || n > MAX_MOD_ENTRIES) {
			diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base + off,
				 "persistent range: trace_scratch lists %" PRIu64
				 " modules, room for %" PRIu64 "; module list ignored",
				 n, fit);
			n = 0;
		}
		pi->mods = n ? calloc(n, sizeof(*pi->mods)) : NULL;
		for (uint64_t i = 0; pi->mods && i < n; i++) {
			const uint8_t *e = s + PL->s_entries.m.offset + i * esz;
			const char *name = (const char *)e + PL->e_mod_name.m.offset;
			size_t len = strnlen(name, PL->e_mod_name.m.size);
			struct persist_module *pm = &pi->mods[pi->nmods];
			bool printable = len > 0 && len < PL->e_mod_name.m.size;

			for (size_t k = 0; k < len; k++)
				printable &= name[k] > ' ' && name[k] < 0x7f;
			if (!printable) {
				/* the kernel's setup_trace_scratch() check */
				diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base + off,
					 "persistent range: module entry %" PRIu64
					 " has no valid name; module list ignored",
					 i);
				pi->nmods = 0;
				break;
			}
			snprintf(pm->name, sizeof(pm->name), "%.*s", (int)len, name);
			pm->prev_addr = fval(t, e, &PL->e_mod_addr);
			pi->nmods++;
		}
		if (pi->nmods)
			qsort(pi->mods, pi->nmods, sizeof(*pi->mods), mod_cmp);
	}
	free(s);
}

/*
 * Parse a whole range: the layout's global meta (split), the scratch area,
 * each CPU; then validate the unread sub-buffers. `pi` gets what was found.
 */
static void parse_range(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
			const struct range *r, struct persist_info *pi)
{
	struct pmt_target *t = r->t;
	struct cpu_meta_vals v0 = { 0 };
	uint64_t first_off = 0;

	pi->region_valid = true;
	if (r->base % (t->page_size ? t->page_size : 4096))
		diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base,
			 "persistent range at %#" PRIx64 " is not page aligned", r->base);
	if (PL->kind == PERSIST_SPLIT_META) {
		uint8_t *m = malloc(PL->meta.size);
		uint32_t magic, sizes, want;
		uint64_t total, boff, scratch_off;
		struct pmt_err *err;

		pi->layout = "ring_buffer_meta + trace_scratch + ring_buffer_cpu_meta per CPU";
		if (!m)
			return;
		err = range_read(r, 0, m, PL->meta.size);
		if (err) {
			diag_err(tr, err, where_buf(b), "persistent range: ring_buffer_meta");
			free(m);
			pi->region_valid = false;
			return;
		}
		magic = (uint32_t)fval(t, m, &PL->m_magic);
		sizes = (uint32_t)fval(t, m, &PL->m_struct_sizes);
		total = fval(t, m, &PL->m_total_size);
		boff = fval(t, m, &PL->m_buffers_offset);
		free(m);
		want = (uint32_t)(PL->cmeta.size | PL->meta.size << 16);
		if (magic != PERSIST_META_MAGIC) {
			diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base,
				 "persistent range: bad magic %#x (expected %#x): never "
				 "initialised, or overwritten",
				 magic, PERSIST_META_MAGIC);
			pi->region_valid = false;
			return;
		}
		if (PL->m_struct_sizes.ok && sizes != want) {
			diag_add(tr, PMT_ERR_MISMATCH, where_buf(b), r->base,
				 "persistent range: written by a kernel whose ring_buffer_meta / "
				 "ring_buffer_cpu_meta are %u / %u bytes; this one's are %" PRIu64
				 " / %" PRIu64 " (a different kernel build?)",
				 sizes >> 16, sizes & 0xffff, PL->meta.size, PL->cmeta.size);
			pi->region_valid = false;
			return;
		}
		if (PL->m_total_size.ok && total != r->size)
			diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base,
				 "persistent range: the meta says %#" PRIx64
				 " bytes, the range is %#" PRIx64,
				 total, r->size);
		scratch_off = align_up(PL->meta.size, t->word_size);
		if (boff < scratch_off || boff >= r->size) {
			diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), r->base,
				 "persistent range: buffers_offset %#" PRIx64 " outside [%#" PRIx64
				 ", %#" PRIx64 ")",
				 boff, scratch_off, r->size);
			pi->region_valid = false;
			return;
		}
		parse_scratch(tr, b, PL, r, scratch_off, boff - scratch_off, pi);
		first_off = boff;
	} else {
		pi->layout = "ring_buffer_meta per CPU";
	}
	parse_cpus(tr, b, PL, r, first_off, pi, &v0);
	pi->region_read = pi->nr_cpus > 0 && pi->cpus && pi->cpus[0].subbuf_size;
	if (PL->kind == PERSIST_CPU_META && pi->region_read) {
		/* CPU 0's meta records the writer's addresses */
		uint8_t *m = malloc(PL->meta.size);

		if (m && !range_read(r, 0, m, PL->meta.size)) {
			uint64_t text = fval(t, m, &PL->m_text_addr);
			uint64_t data = fval(t, m, &PL->m_data_addr);

			if (PL->m_text_addr.ok && text) {
				pi->have_prev_text = true;
				pi->prev_text = text;
				pi->prev_text_of = "rb_meta_init_text_addr";
				if (PL->sym_rb_text.ok) {
					pi->have_prev_kaslr = true;
					pi->prev_kaslr =
						text - (PL->sym_rb_text.addr - t->kaslr_offset);
				}
				if (PL->sym_rb_data.ok && PL->m_data_addr.ok) {
					pi->have_data_delta = true;
					pi->data_delta = (int64_t)(PL->sym_rb_data.addr - data);
				}
			}
		}
		free(m);
	}
	if (pi->cpus && v0.have_kaslr && !pi->have_prev_kaslr && v0.kaslr) {
		pi->have_prev_text = true;
		pi->prev_text = v0.kaslr;
		pi->prev_text_of = "kaslr_offset";
		pi->have_prev_kaslr = true;
		pi->prev_kaslr = v0.kaslr;
	}
	/*
	 * A range from another build: its recorded address does not fall on
	 * this build's symbol by a page-aligned KASLR shift.
	 */
	if (pi->have_prev_kaslr && t->page_size && pi->prev_kaslr % t->page_size) {
		diag_add(tr, PMT_ERR_MISMATCH, where_buf(b), r->base,
			 "persistent range: the writer's %s %#" PRIx64
			 " is not this kernel's moved by a page-aligned offset (a different "
			 "kernel build?): its addresses are not resolved",
			 pi->prev_text_of, pi->prev_text);
		pi->have_prev_kaslr = false;
	}
	if (pi->have_prev_kaslr && pi->have_data_delta &&
	    pi->data_delta != (int64_t)(t->kaslr_offset - pi->prev_kaslr)) {
		diag_add(tr, PMT_ERR_MISMATCH, where_buf(b), r->base,
			 "persistent range: the writer's text and data moved by different amounts "
			 "(%#" PRIx64 " vs %#" PRIx64 "): a different kernel build?",
			 t->kaslr_offset - pi->prev_kaslr, (uint64_t)pi->data_delta);
		pi->have_prev_kaslr = false;
		pi->have_data_delta = false;
	}
	if (pi->region_read && !pi->skip_subbufs)
		check_subbufs(tr, b, r, pi, !pi->pages_by_walker);
}

void persist_parse_range(struct pmt_trace *tr, struct trace_buf *b, const struct persist_layout *PL,
			 struct pmt_target *t, uint64_t base, uint64_t size,
			 struct persist_info *pi)
{
	struct range r = { .t = t, .base = base, .size = size };

	parse_range(tr, b, PL, &r, pi);
}

/* ---- the vmcore path -------------------------------------------------------- */

struct persist_state {
	struct persist_layout PL;
	struct pmt_target *phys; /* the dump's physical memory as a target, when used */
};

static struct persist_state *state(struct pmt_trace *tr)
{
	return tr->persist;
}

/* memparse() for the cmdline's addresses: a number with an optional K/M/G/T suffix. */
static bool parse_size(const char *s, const char **end, uint64_t *v)
{
	char *e;
	unsigned long long n = strtoull(s, &e, 0);

	if (e == s)
		return false;
	switch (*e) {
	case 'T':
	case 't':
		n <<= 10; /* fall through */
	case 'G':
	case 'g':
		n <<= 10; /* fall through */
	case 'M':
	case 'm':
		n <<= 10; /* fall through */
	case 'K':
	case 'k':
		n <<= 10;
		e++;
		break;
	default:
		break;
	}
	*v = n;
	*end = e;
	return true;
}

/* A trace_instance= of the kernel's command line. */
struct cmdline_instance {
	char name[64];
	uint64_t phys, size;
	bool have_addr; /* NAME@ADDR:SIZE (not a reserve_mem label) */
};

/*
 * The kernel's trace_instance= entries (NAME[^flags][@ADDR:SIZE|@LABEL]
 * [,events]; 7.x also NAME=ORIGINAL for backups), at most max.
 */
static size_t cmdline_instances(struct pmt_trace *tr, const struct persist_layout *PL,
				struct cmdline_instance *out, size_t max)
{
	char *cmd = NULL;
	uint64_t p;
	size_t n = 0;

	if (!PL->sym_saved_command_line.ok ||
	    !absorb(pmt_read_ulong(tr->t, PL->sym_saved_command_line.addr, &p)) || !p)
		return 0;
	if (!absorb(pmt_read_string(tr->t, p, 8192, &cmd)))
		return 0;
	for (char *s = cmd; n < max && (s = strstr(s, "trace_instance=")); s++) {
		const char *v = s + strlen("trace_instance="), *at, *e;
		size_t nl = strcspn(v, "^@, ="), wl = strcspn(v, " ");
		struct cmdline_instance *ci = &out[n];

		if ((s > cmd && s[-1] != ' ') || !nl || nl >= sizeof(ci->name))
			continue;
		memset(ci, 0, sizeof(*ci));
		memcpy(ci->name, v, nl);
		at = memchr(v, '@', wl);
		if (at && parse_size(at + 1, &e, &ci->phys) && *e == ':' &&
		    parse_size(e + 1, &e, &ci->size) && ci->size)
			ci->have_addr = true;
		n++;
	}
	free(cmd);
	return n;
}

static bool cmdline_phys(struct pmt_trace *tr, const struct persist_layout *PL, const char *name,
			 uint64_t *phys)
{
	struct cmdline_instance ci[16];
	size_t n = cmdline_instances(tr, PL, ci, 16);

	for (size_t i = 0; i < n; i++) {
		if (ci[i].have_addr && !strcmp(ci[i].name, name)) {
			*phys = ci[i].phys;
			return true;
		}
	}
	return false;
}

void persist_read_instance(struct pmt_trace *tr, struct trace_buf *b, const uint8_t *ta)
{
	struct pmt_target *t = tr->t;
	struct persist_state *st = state(tr);
	const struct persist_layout *PL;
	struct persist_info *pi;
	uint64_t start, size, flags = 0;
	struct range r;

	if (!st)
		return;
	PL = &st->PL;
	if (!PL->ta_range_addr_start.ok)
		return;
	start = fval(t, ta, &PL->ta_range_addr_start);
	size = fval(t, ta, &PL->ta_range_addr_size);
	if (!start || !size)
		return;
	pi = calloc(1, sizeof(*pi));
	if (!pi) {
		diag_err(tr, &pmt_err_nomem, where_buf(b), "persistent range");
		return;
	}
	b->persist = pi;
	pi->range_addr = start;
	pi->range_size = size;
	pi->clock_id = -1;
	if (PL->ta_range_name.ok) {
		uint64_t np = fval(t, ta, &PL->ta_range_name);

		if (np)
			absorb(pmt_read_string(t, np, 256, &pi->range_name));
	}
	flags = fval(t, ta, &PL->ta_flags);
	pi->backup = PL->fl_vmalloc && (flags & PL->fl_vmalloc);
	if (PL->ta_text_delta.ok) {
		pi->have_text_delta = true;
		pi->text_delta = fsigned(t, ta, &PL->ta_text_delta);
	}
	if (PL->ta_data_delta.ok) {
		pi->have_data_delta = true;
		pi->data_delta = fsigned(t, ta, &PL->ta_data_delta);
	}
	if (PL->fl_last_boot)
		pi->boot =
			(flags & PL->fl_last_boot) ? PERSIST_BOOT_PREVIOUS : PERSIST_BOOT_CURRENT;
	else if (pi->text_delta || pi->data_delta)
		pi->boot = PERSIST_BOOT_PREVIOUS;
	else
		pi->boot_undecidable = true; /* 6.12: zero delta, same base or current */
	if (b->name && !pi->backup)
		pi->have_phys = cmdline_phys(tr, PL, b->name, &pi->range_phys);

	r = (struct range){ .t = t, .base = start, .size = size };
	/* the kernel's own buffer pages are walked (ftrace_walk.c): the range's
	 * sub-buffers are only counted, for a previous boot's data, and their
	 * damage is reported when the walker's pages are decoded */
	pi->pages_by_walker = true;
	pi->skip_subbufs = PL->fl_last_boot ? !(flags & PL->fl_last_boot)
					    : !(pi->text_delta || pi->data_delta);
	if (PL->kind != PERSIST_NONE) {
		/* the kernel's own data deltas are authoritative; the range's
		 * record gives the previous boot's KASLR offset */
		bool had_dd = pi->have_data_delta;
		int64_t dd = pi->data_delta;

		parse_range(tr, b, PL, &r, pi);
		if (had_dd) {
			pi->have_data_delta = true;
			pi->data_delta = dd;
		}
	}
	/* the kernel's own module deltas (trace_module_delta, by the sorted
	 * scratch entries' index, 0 for a module it has not loaded) */
	if (pi->nmods && PL->ta_module_delta.ok && PL->md_delta.ok) {
		uint64_t md = fval(t, ta, &PL->ta_module_delta);

		for (size_t k = 0; md && k < pi->nmods; k++) {
			uint64_t d;
			struct pmt_err *err = pmt_read_ulong(
				t, md + PL->md_delta.m.offset + k * t->word_size, &d);

			if (err) {
				diag_err(tr, err, where_buf(b), "trace_module_delta");
				break;
			}
			/* 0 is also the delta of a module loaded at the same
			 * address again: persist_finish() checks the module list */
			pi->mods[k].cur_addr = pi->mods[k].prev_addr + d;
		}
	}
	/* 7.x sets LAST_BOOT on every boot-mapped instance until it is started;
	 * a range that records no previous text address holds no previous data
	 * (fresh, or reset) */
	if (pi->boot == PERSIST_BOOT_PREVIOUS && PL->s_text_addr.ok && pi->region_read &&
	    !pi->have_prev_text)
		pi->boot = PERSIST_BOOT_CURRENT;
	if (pi->boot == PERSIST_BOOT_PREVIOUS) {
		b->previous_boot = true;
		if (!pi->have_text_delta && pi->have_prev_kaslr) {
			pi->have_text_delta = true;
			pi->text_delta = (int64_t)(t->kaslr_offset - pi->prev_kaslr);
		} else if (pi->have_text_delta && !pi->have_prev_kaslr) {
			pi->have_prev_kaslr = true;
			pi->prev_kaslr = t->kaslr_offset - (uint64_t)pi->text_delta;
		} else if (pi->have_prev_kaslr &&
			   pi->text_delta != (int64_t)(t->kaslr_offset - pi->prev_kaslr)) {
			diag_add(tr, PMT_ERR_CORRUPT, where_buf(b), start,
				 "persistent range: the kernel's text delta %" PRId64
				 " disagrees with the range's record (%s %#" PRIx64 ")",
				 pi->text_delta, pi->prev_text_of, pi->prev_text);
		}
	} else if (!pi->backup) {
		/* current data: what the range records is this boot */
		pi->have_text_delta = false;
		pi->text_delta = 0;
	}
}

/* ---- load hooks ------------------------------------------------------------ */

void persist_attach(struct pmt_trace *tr)
{
	struct persist_state *st = calloc(1, sizeof(*st));

	if (!st)
		return; /* no persistent marking; everything else still works */
	persist_layout_resolve(tr->t, &st->PL);
	tr->persist = st;
}

const struct persist_layout *persist_layout_of(const struct pmt_trace *tr)
{
	return tr->persist ? &tr->persist->PL : NULL;
}

void persist_set_layout(struct pmt_trace *tr, const struct persist_layout *PL)
{
	if (!tr->persist)
		tr->persist = calloc(1, sizeof(*tr->persist));
	if (tr->persist)
		tr->persist->PL = *PL;
}

void persist_detach(struct pmt_trace *tr)
{
	if (tr->persist)
		pmt_target_destroy(tr->persist->phys);
	free(tr->persist);
	tr->persist = NULL;
}

static struct pmt_err *phys_read(struct pmt_target *t, uint64_t addr, void *buf, size_t len)
{
	return pmt_read_phys(pmt_target_inner(t), addr, buf, len);
}

static const struct pmt_target_ops phys_ops = { .read = phys_read };

static bool has_buffer(const struct pmt_trace *tr, const char *name)
{
	for (size_t i = 0; i < tr->nbufs; i++)
		if (tr->bufs[i].name && !strcmp(tr->bufs[i].name, name))
			return true;
	return false;
}

/* CPU 0's first_buffer as the range at phys records it (0 if unreadable). */
static uint64_t phys_first_buffer(struct pmt_target *pt, const struct persist_layout *PL,
				  uint64_t phys, uint64_t size)
{
	uint64_t off = 0, v = 0;
	const struct fl_field *f =
		PL->kind == PERSIST_SPLIT_META ? &PL->c_first_buffer : &PL->m_first_buffer;

	if (PL->kind == PERSIST_SPLIT_META &&
	    (pmt_read_member(pt, phys, &PL->m_buffers_offset.m, &off) || off >= size))
		return 0;
	if (!pmt_ok(pmt_read_member(pt, phys + off, &f->m, &v)))
		return 0;
	return v;
}

/*
 * A buffer the walk found whose name could not be read ("instance@ADDR")
 * is the instance of the command line whose range records the same mapping.
 */
static bool match_unnamed(struct pmt_trace *tr, const struct cmdline_instance *ci, uint64_t first)
{
	for (size_t i = 0; first && i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		struct persist_info *pi = b->persist;
		char *name;

		if (!pi || !pi->region_read || !pi->nr_cpus || pi->cpus[0].first_buffer != first)
			continue;
		if (!pi->have_phys) {
			pi->have_phys = true;
			pi->range_phys = ci->phys;
		}
		if (b->name &&
		    (!strncmp(b->name, "instance@", 9) || !strcmp(b->name, "(unnamed)")) &&
		    (name = strdup(ci->name))) {
			free(b->name);
			b->name = name;
		}
		return true;
	}
	return false;
}

/*
 * Boot-mapped instances of the command line whose trace_array could not be
 * read (filtered out of the dump, damaged): their range is read from the
 * dump's physical memory like a raw image. Whose data it holds follows from
 * what the range records: the writer's text address against this kernel's.
 */
static void recover_ranges(struct pmt_trace *tr)
{
	struct persist_state *st = tr->persist;
	const struct persist_layout *PL = &st->PL;
	struct cmdline_instance ci[16];
	size_t n;

	if (PL->kind == PERSIST_NONE || !tr->t->ops->read_phys)
		return;
	n = cmdline_instances(tr, PL, ci, 16);
	for (size_t i = 0; i < n; i++) {
		struct trace_buf *nb, *b;
		struct persist_info *pi;
		uint64_t here = 0;

		if (!ci[i].have_addr || has_buffer(tr, ci[i].name))
			continue;
		if (!st->phys && pmt_target_stack(tr->t, false, &phys_ops, NULL, &st->phys))
			return;
		if (match_unnamed(tr, &ci[i],
				  phys_first_buffer(st->phys, PL, ci[i].phys, ci[i].size)))
			continue;
		nb = realloc(tr->bufs, (tr->nbufs + 1) * sizeof(*nb));
		if (!nb)
			return;
		tr->bufs = nb;
		b = &tr->bufs[tr->nbufs++];
		memset(b, 0, sizeof(*b));
		b->name = strdup(ci[i].name);
		b->tracer = strdup("nop");
		b->t = st->phys;
		b->no_trace_array = true; /* its options print as the defaults */
		if (!b->name || !b->tracer)
			return;
		persist_range_fill(tr, b, PL, st->phys, ci[i].phys, ci[i].size);
		pi = b->persist;
		if (!pi)
			continue;
		pi->recovered = true;
		if (!pi->region_read)
			continue;
		/* the text address this kernel would record, if it wrote the range */
		if (pi->prev_text_of && !strcmp(pi->prev_text_of, "_text") && tr->L.sym_text.ok)
			here = tr->L.sym_text.addr;
		else if (pi->prev_text_of && !strcmp(pi->prev_text_of, "rb_meta_init_text_addr") &&
			 PL->sym_rb_text.ok)
			here = PL->sym_rb_text.addr;
		else if (pi->prev_text_of && !strcmp(pi->prev_text_of, "kaslr_offset"))
			here = tr->t->kaslr_offset;
		if (!pi->have_prev_text || (here && pi->prev_text == here)) {
			pi->boot = PERSIST_BOOT_CURRENT;
			pi->boot_undecidable = !strcmp(pi->prev_text_of ? pi->prev_text_of : "",
						       "rb_meta_init_text_addr");
			pi->have_text_delta = false;
			pi->text_delta = 0;
		} else {
			b->previous_boot = true;
		}
		diag_add(tr, PMT_ERR_NODATA, (struct diag_where){ b->name, -1, 0 }, ci[i].phys,
			 "instance '%s' could not be read from the kernel's structures; its "
			 "boot-mapped range at %#" PRIx64 " was read from physical memory",
			 b->name, ci[i].phys);
	}
}

/* The previous boot's clock by name, and its modules where the current boot has
 * them; ranges of instances the walk could not reach. */
void persist_finish(struct pmt_trace *tr)
{
	if (tr->persist && tr->nbufs)
		recover_ranges(tr);
	for (size_t i = 0; i < tr->nbufs; i++) {
		struct trace_buf *b = &tr->bufs[i];
		struct persist_info *pi = b->persist;

		if (!pi)
			continue;
		for (size_t k = 0; k < pi->nmods; k++) {
			const struct kmodule *m = modules_find(&tr->modules, pi->mods[k].name);

			if (m && m->base)
				pi->mods[k].cur_addr = m->base;
			else if (!m && tr->modules.n)
				pi->mods[k].cur_addr = 0; /* not loaded in the reading view */
		}
		if (pi->clock_recorded && !pi->clock && pi->clock_id >= 0 &&
		    tr->L.sym_trace_clocks.ok) {
			bool in_ns = true;
			struct pmt_err *err =
				ftrace_clock_name(tr, (uint64_t)pi->clock_id, &pi->clock, &in_ns);

			if (err)
				diag_err(tr, err, where_buf(b),
					 "persistent range: the recorded trace clock %d",
					 pi->clock_id);
		}
	}
}

static void comms_free(struct persist_comms *c);

void persist_info_free(struct persist_info *pi)
{
	if (!pi)
		return;
	for (int c = 0; pi->cpus && c < pi->nr_cpus; c++) {
		free(pi->cpus[c].order);
		free(pi->cpus[c].read_order);
		free(pi->cpus[c].state);
		free(pi->cpus[c].events);
	}
	free(pi->cpus);
	free(pi->mods);
	free(pi->range_name);
	free(pi->clock);
	comms_free(pi->comms);
	free(pi);
}

/* ---- printing the previous boot ---------------------------------------------- */

/* Inside the kernel image of the reading view ([_text, _end)), when known. */
static bool in_kernel(const struct pmt_trace *tr, uint64_t a)
{
	const struct ftrace_layout *L = &tr->L;

	if (!L->sym_text.ok || !L->sym_end.ok)
		return true;
	return a >= L->sym_text.addr && a < L->sym_end.addr;
}

uint64_t persist_addr(const struct pmt_trace *tr, const struct trace_buf *b, uint64_t addr)
{
	const struct persist_info *pi = b ? b->persist : NULL;
	uint64_t raddr;

	if (!pi || pi->boot != PERSIST_BOOT_PREVIOUS || !addr)
		return addr;
	/* trace_adjust_address(): at or above the lowest module, the module's
	 * own delta (0 when it is not loaded now) */
	if (pi->nmods && addr >= pi->mods[0].prev_addr) {
		size_t i = pi->nmods - 1;

		while (i > 0 && pi->mods[i].prev_addr > addr)
			i--;
		return pi->mods[i].cur_addr ? addr - pi->mods[i].prev_addr + pi->mods[i].cur_addr
					    : addr;
	}
	if (!pi->have_text_delta)
		return addr;
	raddr = addr + (uint64_t)pi->text_delta;
	return in_kernel(tr, raddr) ? raddr : addr;
}

/* pid -> the last comm the buffer's events gave it */
struct comm_slot {
	int32_t pid;
	bool used;
	int cpu;
	uint64_t ts;
	char comm[32];
};

struct persist_comms {
	struct comm_slot *slot;
	size_t cap, n;
};

static void comms_free(struct persist_comms *c)
{
	if (!c)
		return;
	free(c->slot);
	free(c);
}

static struct comm_slot *comms_find(struct persist_comms *c, int32_t pid, bool add)
{
	size_t h;

	if (add && (c->n + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct comm_slot *ns = calloc(cap, sizeof(*ns));

		if (!ns)
			return NULL;
		for (size_t i = 0; i < c->cap; i++) {
			if (!c->slot[i].used)
				continue;
			h = ((uint32_t)c->slot[i].pid * 2654435761u) & (cap - 1);
			while (ns[h].used)
				h = (h + 1) & (cap - 1);
			ns[h] = c->slot[i];
		}
		free(c->slot);
		c->slot = ns;
		c->cap = cap;
	}
	if (!c->cap)
		return NULL;
	h = ((uint32_t)pid * 2654435761u) & (c->cap - 1);
	while (c->slot[h].used) {
		if (c->slot[h].pid == pid)
			return &c->slot[h];
		h = (h + 1) & (c->cap - 1);
	}
	if (!add)
		return NULL;
	c->slot[h].used = true;
	c->slot[h].pid = pid;
	c->slot[h].cpu = -1;
	c->n++;
	return &c->slot[h];
}

/* The (comm, pid) field pairs of one event: `X_comm` with `X_pid` (else `pid`). */
struct comm_pair {
	uint32_t comm_off, comm_len, pid_off, pid_size;
};

struct event_pairs {
	bool done;
	int n;
	struct comm_pair p[4];
};

static const struct event_field *find_field(const struct event_fmt *e, const char *name)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (!strcmp(e->fields[i].name, name))
			return &e->fields[i];
	return NULL;
}

static void event_pairs(const struct event_fmt *e, struct event_pairs *ep)
{
	ep->done = true;
	ep->n = 0;
	for (size_t i = 0; e && i < e->nfields && ep->n < 4; i++) {
		const struct event_field *f = &e->fields[i], *pid;
		size_t len = strlen(f->name);
		char name[128];

		if (len < 4 || strcmp(f->name + len - 4, "comm") || !strstr(f->type, "char") ||
		    !strchr(f->type, '[') || !strncmp(f->type, "__data_loc", 10) || len > 100)
			continue;
		snprintf(name, sizeof(name), "%.*spid", (int)(len - 4), f->name);
		pid = find_field(e, name);
		if (!pid)
			pid = find_field(e, "pid");
		if (!pid || (pid->size != 4 && pid->size != 8) || !f->size)
			continue;
		ep->p[ep->n++] = (struct comm_pair){ f->offset, f->size, pid->offset, pid->size };
	}
}

static void build_comms(struct pmt_trace *tr, struct trace_buf *b, struct persist_info *pi)
{
	struct persist_comms *c = calloc(1, sizeof(*c));
	struct event_pairs *pairs = NULL;
	size_t npairs = 0;

	pi->comms = c;
	if (!c || !tr->events)
		return;
	npairs = tr->events->max_id + 1;
	pairs = calloc(npairs, sizeof(*pairs));
	if (!pairs)
		return;
	for (int k = 0; k < b->nr_cpus; k++) {
		struct cpu_stream *cs = &b->cpus[k];
		struct cpu_cursor cur;

		if (!cs->present || cpu_cursor_init(&cur, tr, b, cs, 0))
			continue;
		while (cpu_cursor_next(&cur)) {
			struct event_view v;
			struct event_pairs *ep;

			event_view_init(tr, b, cs, &cur.ev, &v);
			if (!v.fmt || v.type <= 0 || (size_t)v.type >= npairs)
				continue;
			ep = &pairs[v.type];
			if (!ep->done)
				event_pairs(v.fmt, ep);
			for (int i = 0; i < ep->n; i++) {
				const struct comm_pair *p = &ep->p[i];
				struct comm_slot *s;
				int32_t pid;
				size_t len;

				if (p->comm_off + p->comm_len > v.len ||
				    p->pid_off + p->pid_size > v.len)
					continue;
				pid = (int32_t)pmt_get_uint(tr->t, v.data + p->pid_off,
							    p->pid_size);
				if (pid <= 0)
					continue;
				s = comms_find(c, pid, true);
				if (!s)
					continue;
				/* later wins; on equal time stamps the higher CPU
				 * prints later (the merge order) */
				if (s->cpu >= 0 &&
				    (v.ts < s->ts || (v.ts == s->ts && cs->cpu < s->cpu)))
					continue;
				len = strnlen((const char *)v.data + p->comm_off, p->comm_len);
				if (len >= sizeof(s->comm))
					len = sizeof(s->comm) - 1;
				memcpy(s->comm, v.data + p->comm_off, len);
				s->comm[len] = '\0';
				s->ts = v.ts;
				s->cpu = cs->cpu;
			}
		}
		cpu_cursor_free(&cur);
	}
	free(pairs);
}

const char *persist_comm(struct pmt_trace *tr, struct trace_buf *b, int pid)
{
	struct persist_info *pi = b ? b->persist : NULL;
	struct comm_slot *s;

	if (!pi || pi->boot != PERSIST_BOOT_PREVIOUS)
		return NULL;
	if (pid == 0)
		return "<idle>";
	if (!pi->comms)
		build_comms(tr, b, pi);
	s = pi->comms ? comms_find(pi->comms, pid, false) : NULL;
	return s && s->comm[0] ? s->comm : "<...>";
}

/* ---- last_boot_info and info --------------------------------------------------- */

char *persist_last_boot_info(const struct pmt_trace *tr, const struct trace_buf *b)
{
	const struct persist_info *pi = b->persist;
	const struct persist_layout *PL = persist_layout_of(tr);
	bool previous;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	if (!pi)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m)
		return NULL;
	previous = pi->boot == PERSIST_BOOT_PREVIOUS;
	if (PL && PL->ta_data_delta.ok) {
		/* 6.12's tracing_last_boot_read() */
		fprintf(m, "text delta:\t%" PRId64 "\n", previous ? pi->text_delta : 0);
		fprintf(m, "data delta:\t%" PRId64 "\n", previous ? pi->data_delta : 0);
	} else if (previous && pi->have_prev_text) {
		/* 7.x: the previous boot's _text (or KASLR offset), then its modules */
		fprintf(m, "%" PRIx64 "\t[kernel]\n", pi->prev_text);
		for (size_t i = 0; i < pi->nmods; i++)
			fprintf(m, "%" PRIx64 "\t%s\n", pi->mods[i].prev_addr, pi->mods[i].name);
	} else {
		fputs("# Current\n", m);
	}
	if (fclose(m)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static const char *boot_word(const struct persist_info *pi)
{
	if (pi->backup && pi->boot == PERSIST_BOOT_PREVIOUS)
		return "previous boot's data (read-only backup copy)";
	if (pi->boot == PERSIST_BOOT_PREVIOUS)
		return "previous boot's data";
	if (pi->boot_undecidable)
		return "current boot's data (or a previous boot's with the same KASLR base: this "
		       "kernel records no boot marker)";
	return "current boot's data";
}

static void hex_signed(FILE *out, int64_t v)
{
	if (v < 0)
		fprintf(out, "-%#" PRIx64, (uint64_t)0 - (uint64_t)v);
	else
		fprintf(out, "%#" PRIx64, (uint64_t)v);
}

void persist_write_info_text(const struct pmt_trace *tr, const struct trace_buf *b, FILE *out)
{
	const struct persist_info *pi = b->persist;

	if (!pi)
		return;
	fprintf(out, "  persistent: boot-mapped range");
	if (pi->have_phys)
		fprintf(out, " at physical %#" PRIx64, pi->range_phys);
	if (pi->range_name)
		fprintf(out, " (reserve_mem %s)", pi->range_name);
	if (pi->have_phys && pi->range_addr == pi->range_phys)
		fprintf(out, ", %" PRIu64 " KiB, read %s; %s\n", pi->range_size / 1024,
			pi->recovered ? "from physical memory (its instance could not be read)"
				      : "from the image",
			boot_word(pi));
	else
		fprintf(out, ", %" PRIu64 " KiB, mapped at %#" PRIx64 "; %s\n",
			pi->range_size / 1024, pi->range_addr, boot_word(pi));
	if (pi->boot == PERSIST_BOOT_PREVIOUS) {
		const char *sep = " ";

		fputs("  previous boot:", out);
		if (pi->have_prev_kaslr) {
			fprintf(out, " KASLR offset %#" PRIx64 " (reading view %#" PRIx64 ")",
				pi->prev_kaslr, tr->t->kaslr_offset);
			sep = ", ";
		}
		if (pi->have_text_delta) {
			fprintf(out, "%stext delta ", sep);
			hex_signed(out, pi->text_delta);
			sep = ", ";
		}
		if (pi->have_data_delta) {
			fprintf(out, "%sdata delta ", sep);
			hex_signed(out, pi->data_delta);
			sep = ", ";
		}
		if (pi->have_prev_text)
			fprintf(out, "%srecorded %s %#" PRIx64, sep, pi->prev_text_of,
				pi->prev_text);
		else if (!pi->have_prev_kaslr && !pi->have_text_delta)
			fputs(" its addresses are unknown (no types to resolve its record)", out);
		fputc('\n', out);
		if (pi->clock_recorded)
			if (pi->clock)
				fprintf(out, "  previous boot: clock %s (recorded in the range)\n",
					pi->clock);
			else
				fprintf(out,
					"  previous boot: clock id %d (recorded in the range; no "
					"symbols to name it)\n",
					pi->clock_id);
		else if (b->clock)
			fprintf(out,
				"  previous boot: clock not recorded by this kernel's layout; "
				"assumed %s, the instance's now\n",
				b->clock);
		else
			fprintf(out, "  previous boot: clock not recorded by this kernel's layout; "
				     "assumed to count nanoseconds\n");
		if (pi->nmods) {
			fprintf(out, "  previous boot: %zu module(s):", pi->nmods);
			for (size_t i = 0; i < pi->nmods; i++)
				fprintf(out, " %s@%#" PRIx64 "%s", pi->mods[i].name,
					pi->mods[i].prev_addr,
					pi->mods[i].cur_addr ? "" : " (not loaded now)");
			fputc('\n', out);
		}
	}
	if (pi->region_read) {
		const struct persist_cpu *c0 = &pi->cpus[0];

		fprintf(out,
			"  range: %s; %d CPU(s), %u sub-buffers of %u bytes each; %" PRIu64
			" invalid sub-buffer(s)%s\n",
			pi->layout, pi->nr_cpus, c0->nr_subbufs, c0->subbuf_size,
			pi->invalid_subbufs, pi->region_valid ? "" : "; DAMAGED (see below)");
	} else {
		fprintf(out, "  range: could not be parsed (see below)\n");
	}
}

void persist_write_info_json(const struct pmt_trace *tr, const struct trace_buf *b, FILE *out)
{
	const struct persist_info *pi = b->persist;
	const char *name = buf_label(b);

	if (!pi)
		return;
	fputs("{\"type\":\"persistent\",\"buffer\":", out);
	output_json_string(out, name, strlen(name));
	fprintf(out, ",\"boot\":\"%s\",\"undecidable\":%s,\"backup\":%s,\"recovered\":%s",
		pi->boot == PERSIST_BOOT_PREVIOUS ? "previous" : "current",
		pi->boot_undecidable ? "true" : "false", pi->backup ? "true" : "false",
		pi->recovered ? "true" : "false");
	fprintf(out, ",\"range_addr\":%" PRIu64 ",\"range_size\":%" PRIu64, pi->range_addr,
		pi->range_size);
	if (pi->have_phys)
		fprintf(out, ",\"range_phys\":%" PRIu64, pi->range_phys);
	if (pi->range_name) {
		fputs(",\"range_name\":", out);
		output_json_string(out, pi->range_name, strlen(pi->range_name));
	}
	if (pi->layout) {
		fputs(",\"layout\":", out);
		output_json_string(out, pi->layout, strlen(pi->layout));
	}
	if (pi->boot == PERSIST_BOOT_PREVIOUS) {
		if (pi->have_prev_kaslr)
			fprintf(out, ",\"prev_kaslr_offset\":%" PRIu64, pi->prev_kaslr);
		if (pi->have_text_delta)
			fprintf(out, ",\"text_delta\":%" PRId64, pi->text_delta);
		if (pi->have_data_delta)
			fprintf(out, ",\"data_delta\":%" PRId64, pi->data_delta);
		if (pi->have_prev_text)
			fprintf(out, ",\"prev_text\":%" PRIu64 ",\"prev_text_of\":\"%s\"",
				pi->prev_text, pi->prev_text_of);
		fprintf(out, ",\"clock_recorded\":%s", pi->clock_recorded ? "true" : "false");
		if (pi->clock_recorded && pi->clock) {
			fputs(",\"clock\":", out);
			output_json_string(out, pi->clock, strlen(pi->clock));
		}
		fputs(",\"modules\":[", out);
		for (size_t i = 0; i < pi->nmods; i++) {
			fprintf(out, "%s{\"name\":", i ? "," : "");
			output_json_string(out, pi->mods[i].name, strlen(pi->mods[i].name));
			fprintf(out, ",\"addr\":%" PRIu64, pi->mods[i].prev_addr);
			if (pi->mods[i].cur_addr)
				fprintf(out, ",\"loaded_at\":%" PRIu64, pi->mods[i].cur_addr);
			fputc('}', out);
		}
		fputc(']', out);
	}
	fprintf(out, ",\"parsed\":%s,\"valid\":%s,\"cpus\":%d", pi->region_read ? "true" : "false",
		pi->region_valid ? "true" : "false", pi->nr_cpus);
	if (pi->region_read)
		fprintf(out, ",\"subbufs\":%u,\"subbuf_size\":%u", pi->cpus[0].nr_subbufs,
			pi->cpus[0].subbuf_size);
	fprintf(out, ",\"invalid_subbufs\":%" PRIu64 "}\n", pi->invalid_subbufs);
}

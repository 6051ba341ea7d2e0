// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ftrace walker: every trace buffer of the kernel, every CPU, every page
 * that holds unread events, in the order the kernel's reader would see them.
 *
 * The kernel's per-CPU ring buffer (kernel/trace/ring_buffer.c):
 *
 *          reader_page (outside the ring; events [read, commit) unread)
 *               |
 *               v
 *   +-> [head] -> [ p ] -> [ p ] -> [commit] -> [ p ] -> ... -+
 *   |                                                          |
 *   +----------------------------------------------------------+
 *
 *   - `pages` points into the ring (struct buffer_page.list); the ring is
 *     `nr_pages` long and closes on itself.
 *   - The head page (oldest data) is marked by flag bits in the `next`
 *     pointer that points to it (RB_PAGE_HEAD = 1, RB_PAGE_UPDATE = 2);
 *     every list pointer is masked with ~3 before use.
 *   - The reader page was swapped out of the ring by the last consuming
 *     read; its unread events run from buffer_page.read to the data page's
 *     commit. trace.so got two things wrong here: it started at 0 (re-emitting
 *     events already read through trace_pipe) and it used real_end, so a
 *     reader page that was exactly full (real_end == 0) looked empty.
 *   - Unread data continues at the head page and ends at the commit page
 *     (inclusive). If the commit page *is* the reader page, the ring holds
 *     no unread data.
 *
 * Safety: every pointer is masked, checked for NULL and alignment, and read
 * through the target (which fails cleanly for addresses not in the dump);
 * the ring walk is bounded by nr_pages and a visited set catches cycles that
 * do not pass through the start. Problems become diagnostics naming the
 * buffer, CPU, page address and reason; the pages around them are kept.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "addr_set.h"
#include "diag.h"
#include "persistent.h"
#include "stream.h"
#include "trace_internal.h"

#define RB_FLAG_MASK	  3ULL
#define RB_PAGE_HEAD	  1ULL
#define MAX_INSTANCES	  4096
#define MAX_CPUS	  8192
#define MAX_PAGES_PER_CPU (1u << 22)
#define MAX_SUBBUF_ORDER  10
#define MAX_NAME	  256

static struct diag_where cpu_where(const struct trace_buf *b, const struct cpu_stream *cs,
				   uint64_t page)
{
	return (struct diag_where){ .buffer = buf_label(b), .cpu = cs->cpu, .page = page };
}

static struct diag_where buf_where(const struct trace_buf *b)
{
	return (struct diag_where){ .buffer = buf_label(b), .cpu = -1, .page = 0 };
}

static uint64_t field_val(const struct pmt_target *t, const uint8_t *base, const struct fl_field *f)
{
	if (!f->ok)
		return 0;
	return pmt_member_get(t, base, &f->m);
}

static bool bad_kptr(const struct pmt_target *t, uint64_t p, uint64_t align)
{
	if (p == 0)
		return true;
	if (t->word_size == 4 && p > UINT32_MAX)
		return true;
	return align && (p % align) != 0;
}

/* Read a struct of `size` bytes at addr into a fresh buffer. */
static struct pmt_err *read_struct(struct pmt_target *t, uint64_t addr, uint64_t size,
				   uint8_t **out)
{
	uint8_t *buf;
	struct pmt_err *err;

	*out = NULL;
	if (size == 0 || size > (1u << 20))
		return pmt_err_new(PMT_ERR_CORRUPT, "implausible struct size %" PRIu64, size);
	buf = malloc(size);
	if (!buf)
		return &pmt_err_nomem;
	err = pmt_read(t, addr, buf, size);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	return NULL;
}

/*
 * Record one data page at `page_addr` (from the buffer_page `bpage`) whose
 * unread events start at data offset `start`. The page itself is read when
 * output needs it (stream.c).
 */
static void add_data_page(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			  uint64_t page_addr, uint64_t bpage, uint32_t start)
{
	struct pmt_target *t = tr->t;

	if (bad_kptr(t, page_addr, t->page_size)) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, bpage), page_addr,
			 "buffer page %#" PRIx64 ": bad data page pointer %#" PRIx64
			 ", page skipped",
			 bpage, page_addr);
		cs->damaged = true;
		return;
	}
	if (!stream_add_page(cs, page_addr, bpage, start)) {
		diag_err(tr, &pmt_err_nomem, cpu_where(b, cs, bpage), "page list");
		cs->damaged = true;
	}
}

/* What one struct buffer_page says. */
struct bpage_info {
	uint64_t data_page;
	uint32_t read;
	uint64_t next_raw; /* list.next with the flag bits */
	uint64_t prev;	   /* list.prev as a buffer_page address (flags masked) */
};

static struct pmt_err *read_buffer_page(struct pmt_trace *tr, uint64_t bpage, struct bpage_info *bi)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t list_off = L->bp_list.m.offset;
	uint8_t *buf;
	struct pmt_err *err = read_struct(t, bpage, L->bp.size, &buf);

	if (err)
		return err;
	bi->data_page = field_val(t, buf, &L->bp_page);
	bi->read = (uint32_t)field_val(t, buf, &L->bp_read);
	bi->next_raw = pmt_get_ulong(t, buf + list_off + L->lh_next.m.offset);
	bi->prev =
		(pmt_get_ulong(t, buf + list_off + L->lh_prev.m.offset) & ~RB_FLAG_MASK) - list_off;
	free(buf);
	return NULL;
}

/* A chain of buffer_page addresses found by following list pointers. */
struct chain {
	uint64_t *pg;
	size_t n;
};

static bool chain_push(struct chain *c, uint64_t page)
{
	uint64_t *n = realloc(c->pg, (c->n + 1) * sizeof(*n));

	if (!n)
		return false;
	c->pg = n;
	c->pg[c->n++] = page;
	return true;
}

static long chain_find(const struct chain *c, uint64_t page)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->pg[i] == page)
			return (long)i;
	return -1;
}

/*
 * Follow the list from `start` (a buffer_page) forwards (list.next) or
 * backwards (list.prev), bounded by `limit` pages, until it comes back to
 * `start` or reaches a page of `stop` (*closed set), or breaks (the error
 * returned). A page whose list.next carries the HEAD flag marks the next page
 * as the head: *head receives the first one seen (when head is not NULL).
 */
static struct pmt_err *follow(struct pmt_trace *tr, uint64_t start, bool forward, uint64_t limit,
			      const struct chain *stop, struct chain *out, uint64_t *head,
			      bool *closed)
{
	struct pmt_target *t = tr->t;
	uint64_t list_off = tr->L.bp_list.m.offset;
	const char *dir = forward ? "next" : "prev";
	struct addr_set seen;
	uint64_t node = start, from = 0;
	struct pmt_err *err = NULL;

	*closed = false;
	addr_set_init(&seen);
	for (;;) {
		struct bpage_info bi;
		uint64_t next;

		if (out->n >= limit + 1) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page list does not close after %" PRIu64
					   " pages (at %#" PRIx64 ")",
					   limit, node);
			break;
		}
		if (addr_set_add(&seen, node) == 0) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page list has a cycle at %#" PRIx64
					   " that does not pass through the start",
					   node);
			break;
		}
		err = read_buffer_page(tr, node, &bi);
		if (err) {
			/* the damage is in the page that pointed here */
			if (from)
				err = pmt_err_prefix(err,
						     "page %#" PRIx64 ": list.%s %#" PRIx64
						     " leads nowhere",
						     from, dir, node);
			else
				err = pmt_err_prefix(err, "buffer page %#" PRIx64, node);
			break;
		}
		if (!chain_push(out, node)) {
			err = &pmt_err_nomem;
			break;
		}
		if ((bi.next_raw & RB_PAGE_HEAD) && head && !*head)
			*head = (bi.next_raw & ~RB_FLAG_MASK) - list_off;
		next = forward ? (bi.next_raw & ~RB_FLAG_MASK) - list_off : bi.prev;
		if (bad_kptr(t, next + list_off, t->word_size)) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page %#" PRIx64 ": bad list.%s %#" PRIx64, node, dir,
					   next + list_off);
			break;
		}
		if (next == start || (stop && chain_find(stop, next) >= 0)) {
			*closed = true;
			break;
		}
		from = node;
		node = next;
	}
	addr_set_free(&seen);
	return err;
}

/* Record the data pages of the buffer pages pages[from], ... (count of them, wrapping at n). */
static void add_ring_pages(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			   const uint64_t *pages, size_t n, size_t from, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		uint64_t bp = pages[(from + k) % n];
		struct bpage_info bi;
		struct pmt_err *err = read_buffer_page(tr, bp, &bi);

		if (err) {
			diag_err(tr, err, cpu_where(b, cs, bp), "buffer page %#" PRIx64 " skipped",
				 bp);
			cs->damaged = true;
			continue;
		}
		add_data_page(tr, b, cs, bi.data_page, bp, 0);
	}
}

/*
 * The ring could not be walked all the way round (a page filtered out of the
 * dump, or a broken pointer). Salvage what can be reached another way: the
 * oldest part from the head page forwards, and the newest part from the commit
 * page backwards (list.prev) — ring_buffer_per_cpu points at both directly,
 * and the pages at the commit end hold the events a post-mortem reader wants
 * most. Whatever lies between is reported as a gap.
 */
static void salvage_ring(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			 uint64_t head, uint64_t commit, struct pmt_err *why)
{
	struct chain old = { 0 }, recent = { 0 };
	struct pmt_err *err;
	bool closed = false, joined = false;
	long i;

	diag_err(tr, why, cpu_where(b, cs, 0), "ring");
	cs->damaged = true;
	/* the oldest data: from the head page towards the commit page */
	if (head) {
		err = follow(tr, head, true, cs->nr_pages, NULL, &old, NULL, &closed);
		pmt_err_free(err); /* the same break as reported above, seen from the head */
		i = commit ? chain_find(&old, commit) : -1;
		if (i >= 0) {
			old.n = (size_t)i + 1;
			joined = true;
		}
	}
	/* the newest data: from the commit page backwards until the old part */
	if (!joined && commit) {
		err = follow(tr, commit, false, cs->nr_pages, &old, &recent, NULL, &closed);
		pmt_err_free(err);
		i = head ? chain_find(&recent, head) : -1;
		if (i >= 0) { /* went back as far as the head: nothing older is unread */
			recent.n = (size_t)i + 1;
			old.n = 0;
			joined = true;
		} else if (closed && old.n) {
			joined = true; /* met the old part */
		}
	}
	add_ring_pages(tr, b, cs, old.pg, old.n, 0, old.n);
	if (!joined)
		diag_add(tr, PMT_ERR_NODATA, cpu_where(b, cs, 0), 0,
			 "gap in the unread data: %zu page(s) reached from the head page%s, %zu "
			 "back "
			 "from the commit page%s, of %" PRIu64 " in the ring; the pages between "
			 "could not be reached",
			 old.n, head ? "" : " (unknown)", recent.n, commit ? "" : " (unknown)",
			 cs->nr_pages);
	/* `recent` runs backwards from the commit page */
	for (size_t k = recent.n; k-- > 0;)
		if (chain_find(&old, recent.pg[k]) < 0)
			add_ring_pages(tr, b, cs, &recent.pg[k], 1, 0, 1);
	free(old.pg);
	free(recent.pg);
}

static void walk_cpu(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t reader, commit, head_hint, pages, head = 0, list_off = L->bp_list.m.offset;
	struct chain ring = { 0 };
	long head_idx, commit_idx;
	struct pmt_err *err;
	bool closed;
	uint8_t *rbc;

	err = read_struct(t, cs->addr, L->rbc.size, &rbc);
	if (err) {
		diag_err(tr, err, cpu_where(b, cs, 0), "ring_buffer_per_cpu %#" PRIx64, cs->addr);
		cs->damaged = true;
		return;
	}
	cs->nr_pages = field_val(t, rbc, &L->rbc_nr_pages);
	cs->entries = field_val(t, rbc, &L->rbc_entries);
	cs->overrun = field_val(t, rbc, &L->rbc_overrun);
	cs->read = field_val(t, rbc, &L->rbc_read);
	cs->commit_overrun = field_val(t, rbc, &L->rbc_commit_overrun);
	cs->dropped_events = field_val(t, rbc, &L->rbc_dropped_events);
	cs->lost_events = field_val(t, rbc, &L->rbc_lost_events);
	reader = field_val(t, rbc, &L->rbc_reader_page);
	commit = field_val(t, rbc, &L->rbc_commit_page);
	head_hint = field_val(t, rbc, &L->rbc_head_page);
	pages = field_val(t, rbc, &L->rbc_pages) & ~RB_FLAG_MASK;
	free(rbc);

	if (cs->nr_pages == 0 || cs->nr_pages > MAX_PAGES_PER_CPU) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), cs->addr,
			 "implausible nr_pages %" PRIu64 " at %#" PRIx64, cs->nr_pages, cs->addr);
		cs->damaged = true;
		return;
	}

	/* 1. the reader page, from `read` on */
	if (bad_kptr(t, reader, t->word_size)) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), reader,
			 "bad reader_page pointer %#" PRIx64, reader);
		cs->damaged = true;
	} else {
		struct bpage_info bi;

		err = read_buffer_page(tr, reader, &bi);
		if (err) {
			diag_err(tr, err, cpu_where(b, cs, reader), "reader page %#" PRIx64,
				 reader);
			cs->damaged = true;
		} else {
			add_data_page(tr, b, cs, bi.data_page, reader, bi.read);
		}
		if (reader == commit)
			return; /* the writer is on the reader page: the ring is empty */
	}
	if (bad_kptr(t, commit, t->word_size))
		commit = 0;
	if (bad_kptr(t, head_hint, t->word_size))
		head_hint = 0;

	/* 2. the ring, from the head page to the commit page */
	if (bad_kptr(t, pages, t->word_size)) {
		salvage_ring(
			tr, b, cs, head_hint, commit,
			pmt_err_addr(PMT_ERR_CORRUPT, pages, "bad pages pointer %#" PRIx64, pages));
		return;
	}
	err = follow(tr, pages - list_off, true, cs->nr_pages, NULL, &ring, &head, &closed);
	if (err) {
		free(ring.pg);
		salvage_ring(tr, b, cs, head ? head : head_hint, commit, err);
		return;
	}
	if (ring.n != cs->nr_pages) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), 0,
			 "ring has %zu pages, nr_pages says %" PRIu64, ring.n, cs->nr_pages);
		cs->damaged = true;
	}
	head_idx = head ? chain_find(&ring, head) : -1;
	if (head_idx < 0 && head_hint) {
		head_idx = chain_find(&ring, head_hint);
		if (head_idx >= 0)
			diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), head_hint,
				 "no page carries the head flag; using head_page hint %#" PRIx64,
				 head_hint);
	}
	if (head_idx < 0) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), head_hint,
			 "head page not found in the ring; ring pages skipped");
		cs->damaged = true;
		free(ring.pg);
		return;
	}
	commit_idx = commit ? chain_find(&ring, commit) : -1;
	if (commit_idx < 0) {
		diag_add(tr, PMT_ERR_CORRUPT, cpu_where(b, cs, 0), commit,
			 "commit page %#" PRIx64
			 " not in the ring; reading every page from the head",
			 commit);
		cs->damaged = true;
	}
	add_ring_pages(tr, b, cs, ring.pg, ring.n, (size_t)head_idx,
		       commit_idx < 0
			       ? ring.n
			       : ((size_t)commit_idx + ring.n - (size_t)head_idx) % ring.n + 1);
	free(ring.pg);
}

static void walk_buffer(struct pmt_trace *tr, struct trace_buf *b)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t cpus, buffers, order = 0;
	struct pmt_err *err;
	uint8_t *rb;

	err = read_struct(t, b->rb_addr, L->rb.size, &rb);
	if (err) {
		diag_err(tr, err, buf_where(b), "ring buffer %#" PRIx64, b->rb_addr);
		return;
	}
	cpus = field_val(t, rb, &L->rb_cpus);
	buffers = field_val(t, rb, &L->rb_buffers);
	if (!L->rb_cpus.ok) {
		uint32_t n = 0;

		err = pmt_read_u32(t, L->sym_nr_cpu_ids.addr, &n);
		if (err)
			diag_err(tr, err, buf_where(b), "nr_cpu_ids");
		cpus = n;
	}
	if (L->rb_subbuf_order.ok)
		order = field_val(t, rb, &L->rb_subbuf_order);
	free(rb);
	if (order > MAX_SUBBUF_ORDER) {
		diag_add(tr, PMT_ERR_CORRUPT, buf_where(b), b->rb_addr,
			 "implausible sub-buffer order %" PRIu64, order);
		return;
	}
	/* Sub-buffers are PAGE_SIZE << order; kernels before 6.8 have order 0. */
	b->subbuf_size = (uint32_t)(t->page_size << order);
	pmt_page_format_init(&b->fmt, t->big_endian, (unsigned int)L->bdp_commit.m.size,
			     b->subbuf_size);
	b->fmt.data_offset = (unsigned int)L->bdp_data.m.offset;
	if (cpus == 0 || cpus > MAX_CPUS || bad_kptr(t, buffers, t->word_size)) {
		diag_add(tr, PMT_ERR_CORRUPT, buf_where(b), b->rb_addr,
			 "ring buffer %#" PRIx64 ": implausible cpus %" PRIu64
			 " / buffers %#" PRIx64,
			 b->rb_addr, cpus, buffers);
		return;
	}
	b->cpus = calloc(cpus, sizeof(*b->cpus));
	if (!b->cpus) {
		diag_err(tr, &pmt_err_nomem, buf_where(b), "per-CPU buffers");
		return;
	}
	b->nr_cpus = (int)cpus;
	for (int cpu = 0; cpu < b->nr_cpus; cpu++) {
		struct cpu_stream *cs = &b->cpus[cpu];
		uint64_t p;

		cs->cpu = cpu;
		err = pmt_read_ulong(t, buffers + (uint64_t)cpu * t->word_size, &p);
		if (err) {
			diag_err(tr, err, cpu_where(b, cs, 0), "buffers[] entry");
			continue;
		}
		if (!p)
			continue; /* CPU not possible: no buffer */
		cs->present = true;
		cs->addr = p;
		walk_cpu(tr, b, cs);
		if (tr->opts.on_progress)
			tr->opts.on_progress(tr->opts.progress_arg, buf_label(b),
					     (unsigned int)((cpu + 1) * 100 / b->nr_cpus));
	}
}

/*
 * The buffer's trace clock: trace_clocks[clock_id] is an array of an
 * anonymous struct { u64 (*func)(void); const char *name; int in_ns; }, a
 * type no debuginfo query can name, so its layout is derived from the word
 * size and checked: entry 0 must be the "local" clock with in_ns set.
 * Without it, time stamps print in seconds (every clock but counter, uptime
 * and x86-tsc counts nanoseconds).
 */
struct pmt_err *ftrace_clock_name(struct pmt_trace *tr, uint64_t clock_id, char **name,
				  bool *in_ns_out)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t ws = t->word_size, stride = (2 * ws + 4 + ws - 1) / ws * ws;
	uint64_t base = L->sym_trace_clocks.addr, name_ptr;
	uint32_t in_ns0 = 0, in_ns = 1;
	char *local = NULL;
	struct pmt_err *err;

	*name = NULL;
	*in_ns_out = true;
	if (!L->sym_trace_clocks.ok)
		return pmt_err_new(PMT_ERR_ABSENT, "no trace_clocks symbol");
	if (clock_id > 64)
		return pmt_err_new(PMT_ERR_CORRUPT, "implausible clock id %" PRIu64, clock_id);
	err = pmt_read_ulong(t, base + ws, &name_ptr);
	if (!err)
		err = pmt_read_string(t, name_ptr, 32, &local);
	if (!err)
		err = pmt_read_u32(t, base + 2 * ws, &in_ns0);
	if (!err && (strcmp(local, "local") || in_ns0 != 1))
		err = pmt_err_new(PMT_ERR_UNSUPPORTED, "trace_clocks[] has an unknown layout");
	free(local);
	if (!err)
		err = pmt_read_ulong(t, base + clock_id * stride + ws, &name_ptr);
	if (!err)
		err = pmt_read_string(t, name_ptr, 32, name);
	if (!err)
		err = pmt_read_u32(t, base + clock_id * stride + 2 * ws, &in_ns);
	if (err) {
		free(*name);
		*name = NULL;
		return err;
	}
	*in_ns_out = in_ns != 0;
	return NULL;
}

static void read_clock(struct pmt_trace *tr, struct trace_buf *b, uint64_t clock_id)
{
	struct pmt_err *err;

	b->clock_in_ns = true;
	if (!tr->L.sym_trace_clocks.ok || clock_id > 64)
		return;
	err = ftrace_clock_name(tr, clock_id, &b->clock, &b->clock_in_ns);
	if (err)
		diag_err(tr, err, buf_where(b), "trace clock %" PRIu64, clock_id);
}

static struct pmt_err *add_buffer(struct pmt_trace *tr, uint64_t ta)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	struct trace_buf *b, *nb;
	struct pmt_err *err;
	uint64_t name_ptr, tracer;
	uint8_t *buf;

	err = read_struct(t, ta, L->ta.size, &buf);
	if (err)
		return pmt_err_prefix(err, "trace_array %#" PRIx64, ta);
	nb = realloc(tr->bufs, (tr->nbufs + 1) * sizeof(*nb));
	if (!nb) {
		free(buf);
		return &pmt_err_nomem;
	}
	tr->bufs = nb;
	b = &tr->bufs[tr->nbufs++];
	memset(b, 0, sizeof(*b));
	b->addr = ta;
	b->rb_addr = field_val(t, buf, &L->ta_buffer);
	b->trace_flags = field_val(t, buf, &L->ta_trace_flags);
	read_clock(tr, b, L->ta_clock_id.ok ? field_val(t, buf, &L->ta_clock_id) : 0);
	name_ptr = field_val(t, buf, &L->ta_name);
	tracer = field_val(t, buf, &L->ta_current_trace);

	if (ta != L->sym_global_trace.addr) {
		if (!name_ptr) {
			b->name = strdup("(unnamed)");
		} else {
			err = pmt_read_string(t, name_ptr, MAX_NAME, &b->name);
			if (err) {
				diag_err(tr, err, DIAG_NOWHERE, "instance at %#" PRIx64 ": name",
					 ta);
				if (asprintf(&b->name, "instance@%#" PRIx64, ta) < 0)
					b->name = NULL;
			}
		}
		if (!b->name) {
			free(buf);
			return &pmt_err_nomem;
		}
	}
	/* a boot-mapped instance (persistent.c): needs the name, for messages */
	persist_read_instance(tr, b, buf);
	free(buf);
	if (tracer && L->tracer_name.ok) {
		uint64_t tn;

		err = pmt_read_ulong(t, tracer + L->tracer_name.m.offset, &tn);
		if (!err)
			err = pmt_read_string(t, tn, MAX_NAME, &b->tracer);
		if (err)
			diag_err(tr, err, buf_where(b), "current tracer");
	}
	if (!b->tracer)
		b->tracer = strdup("nop");
	if (bad_kptr(t, b->rb_addr, t->word_size)) {
		diag_add(tr, PMT_ERR_CORRUPT, buf_where(b), b->rb_addr,
			 "trace_array %#" PRIx64 " has no ring buffer (%#" PRIx64 ")", ta,
			 b->rb_addr);
		return NULL;
	}
	walk_buffer(tr, b);
	return NULL;
}

struct pmt_err *ftrace_walk_buffers(struct pmt_trace *tr)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t head = L->sym_ftrace_trace_arrays.addr;
	uint64_t node, global = L->sym_global_trace.addr;
	bool saw_global = false;
	struct addr_set seen;
	struct pmt_err *err;
	size_t n = 0;

	/* The global buffer first, as tracefs shows it; then the instances. */
	err = add_buffer(tr, global);
	if (err)
		return pmt_err_prefix(err, "global trace buffer");

	addr_set_init(&seen);
	err = pmt_read_ulong(t, head + L->lh_next.m.offset, &node);
	if (err) {
		diag_err(tr, err, DIAG_NOWHERE, "ftrace_trace_arrays");
		addr_set_free(&seen);
		return NULL;
	}
	while (node != head) {
		uint64_t ta;

		if (bad_kptr(t, node, t->word_size)) {
			diag_add(tr, PMT_ERR_CORRUPT, DIAG_NOWHERE, node,
				 "instance list: bad pointer %#" PRIx64
				 "; rest of the list skipped",
				 node);
			break;
		}
		if (++n > MAX_INSTANCES) {
			diag_add(tr, PMT_ERR_CORRUPT, DIAG_NOWHERE, node,
				 "instance list does not end after %d entries", MAX_INSTANCES);
			break;
		}
		if (addr_set_add(&seen, node) == 0) {
			diag_add(tr, PMT_ERR_CORRUPT, DIAG_NOWHERE, node,
				 "instance list has a cycle at %#" PRIx64, node);
			break;
		}
		ta = node - L->ta_list.m.offset;
		if (ta == global) {
			saw_global = true;
		} else {
			err = add_buffer(tr, ta);
			if (err)
				diag_err(tr, err, DIAG_NOWHERE, "instance");
		}
		err = pmt_read_ulong(t, node + L->lh_next.m.offset, &node);
		if (err) {
			diag_err(tr, err, DIAG_NOWHERE, "instance list");
			break;
		}
	}
	if (!saw_global)
		diag_add(tr, PMT_ERR_CORRUPT, DIAG_NOWHERE, global,
			 "global_trace is not on ftrace_trace_arrays");
	addr_set_free(&seen);
	return NULL;
}

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
#include "trace_internal.h"

#define RB_FLAG_MASK	   3ULL
#define RB_PAGE_HEAD	   1ULL
#define MAX_INSTANCES	   4096
#define MAX_CPUS	   8192
#define MAX_PAGES_PER_CPU  (1u << 22)
#define MAX_SUBBUF_ORDER   10
#define MAX_NAME	   256

static const char *buf_label(const struct trace_buf *b)
{
	return b->name ? b->name : "global";
}

static uint64_t field_val(const struct pmt_target *t, const uint8_t *base,
			  const struct fl_field *f)
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

/* Append one page copy to a CPU stream; returns its index or -1 (OOM). */
static long stream_add_page(struct cpu_stream *cs, uint32_t subbuf, uint64_t addr,
			    const uint8_t *data, uint32_t start)
{
	size_t n = cs->npages + 1;
	uint8_t *pages = realloc(cs->pages, n * subbuf);
	uint64_t *addrs;
	uint32_t *starts;
	uint64_t *start_ts;

	if (!pages)
		return -1;
	cs->pages = pages;
	addrs = realloc(cs->page_addrs, n * sizeof(*addrs));
	if (!addrs)
		return -1;
	cs->page_addrs = addrs;
	starts = realloc(cs->page_start, n * sizeof(*starts));
	if (!starts)
		return -1;
	cs->page_start = starts;
	start_ts = realloc(cs->page_start_ts, n * sizeof(*start_ts));
	if (!start_ts)
		return -1;
	cs->page_start_ts = start_ts;
	memcpy(cs->pages + cs->npages * subbuf, data, subbuf);
	cs->page_addrs[cs->npages] = addr;
	cs->page_start[cs->npages] = start;
	cs->page_start_ts[cs->npages] = 0;
	return (long)cs->npages++;
}

static int stream_add_event(struct cpu_stream *cs, size_t *cap, const struct cpu_event *ev)
{
	if (cs->nevents == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		struct cpu_event *evs = realloc(cs->events, ncap * sizeof(*evs));

		if (!evs)
			return -1;
		cs->events = evs;
		*cap = ncap;
	}
	cs->events[cs->nevents++] = *ev;
	return 0;
}

/*
 * Read one data page at `page_addr` and append its unread events (those at
 * data offset >= start) to the CPU's stream.
 */
static void read_data_page(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs,
			   uint64_t page_addr, uint32_t start, size_t *evcap)
{
	struct pmt_target *t = tr->t;
	uint32_t subbuf = b->subbuf_size;
	struct pmt_page_header hdr;
	struct pmt_page_cursor cur;
	struct pmt_err *err;
	uint8_t *data;
	long idx;
	bool got;

	if (bad_kptr(t, page_addr, t->page_size)) {
		trace_diag(tr, "%s: cpu %d: data page %#" PRIx64 ": bad pointer, page skipped",
			   buf_label(b), cs->cpu, page_addr);
		cs->damaged = true;
		return;
	}
	data = malloc(subbuf);
	if (!data) {
		trace_diag_err(tr, &pmt_err_nomem, "%s: cpu %d", buf_label(b), cs->cpu);
		cs->damaged = true;
		return;
	}
	err = pmt_read(t, page_addr, data, subbuf);
	if (err) {
		trace_diag_err(tr, err, "%s: cpu %d: data page %#" PRIx64 " skipped",
			       buf_label(b), cs->cpu, page_addr);
		cs->damaged = true;
		free(data);
		return;
	}
	idx = stream_add_page(cs, subbuf, page_addr, data, start);
	free(data);
	if (idx < 0) {
		trace_diag_err(tr, &pmt_err_nomem, "%s: cpu %d", buf_label(b), cs->cpu);
		cs->damaged = true;
		return;
	}
	data = cs->pages + (size_t)idx * subbuf;

	err = pmt_page_parse_header(&b->fmt, data, &hdr);
	if (err) {
		/* salvage: decode up to the data area's end, stop at the first bad event */
		trace_diag_err(tr, err, "%s: cpu %d: data page %#" PRIx64, buf_label(b), cs->cpu,
			       page_addr);
		cs->damaged = true;
	}
	if (hdr.missed_events)
		cs->missed_pages++;
	if (start > hdr.commit) {
		trace_diag(tr,
			   "%s: cpu %d: reader page %#" PRIx64 ": read offset %u beyond commit %u",
			   buf_label(b), cs->cpu, page_addr, start, hdr.commit);
		cs->damaged = true;
		return;
	}
	cs->page_start_ts[idx] = hdr.time_stamp;
	pmt_page_cursor_init(&cur, &b->fmt, data, &hdr);
	for (;;) {
		struct pmt_page_record rec;
		struct cpu_event ev;

		err = pmt_page_next(&cur, &rec, &got);
		if (err) {
			trace_diag_err(tr, err, "%s: cpu %d: data page %#" PRIx64 ": rest of page skipped",
				       buf_label(b), cs->cpu, page_addr);
			cs->damaged = true;
			break;
		}
		if (!got)
			break;
		/* The time stamp the kernel's reader has when it reaches `start`. */
		if (rec.offset < start)
			cs->page_start_ts[idx] = rec.ts;
		if (rec.kind != PMT_REC_DATA || rec.offset < start)
			continue;
		ev.ts = rec.ts;
		ev.page = (uint32_t)idx;
		ev.off = (uint32_t)(rec.data - data);
		ev.len = rec.len;
		if (stream_add_event(cs, evcap, &ev)) {
			trace_diag_err(tr, &pmt_err_nomem, "%s: cpu %d", buf_label(b), cs->cpu);
			cs->damaged = true;
			break;
		}
	}
}

/* Read a buffer_page and return its data page pointer and read offset. */
static struct pmt_err *read_buffer_page(struct pmt_trace *tr, uint64_t bpage, uint64_t *data_page,
					uint32_t *read_off, uint64_t *list_next)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint8_t *buf;
	struct pmt_err *err = read_struct(t, bpage, L->bp.size, &buf);

	if (err)
		return err;
	*data_page = field_val(t, buf, &L->bp_page);
	*read_off = (uint32_t)field_val(t, buf, &L->bp_read);
	if (list_next)
		*list_next = pmt_get_ulong(t, buf + L->bp_list.m.offset + L->lh_next.m.offset);
	free(buf);
	return NULL;
}

/*
 * Walk the ring of one CPU: returns the buffer_page addresses in ring order
 * starting at `start`, and the index of the head page (or -1).
 */
static struct pmt_err *walk_ring(struct pmt_trace *tr, uint64_t start, uint64_t nr_pages,
				 uint64_t **ring_out, size_t *n_out, long *head_idx)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t list_off = L->bp_list.m.offset;
	struct addr_set seen;
	uint64_t *ring = NULL;
	size_t n = 0;
	uint64_t node = start, prev = 0; /* buffer_page addresses */
	struct pmt_err *err = NULL;
	bool head_flag_next = false;

	*head_idx = -1;
	addr_set_init(&seen);
	for (;;) {
		uint64_t next_raw, next;
		uint64_t *nr;

		if (n > nr_pages) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page list does not close after %" PRIu64
					   " pages (at %#" PRIx64 ")",
					   nr_pages, node);
			break;
		}
		if (addr_set_add(&seen, node) == 0) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page list has a cycle at %#" PRIx64
					   " that does not pass through the start",
					   node);
			break;
		}
		nr = realloc(ring, (n + 1) * sizeof(*ring));
		if (!nr) {
			err = &pmt_err_nomem;
			break;
		}
		ring = nr;
		ring[n] = node;
		if (head_flag_next)
			*head_idx = (long)n;
		n++;
		err = pmt_read_ulong(t, node + list_off + L->lh_next.m.offset, &next_raw);
		if (err) {
			/* the damage is in the page that pointed here */
			if (prev)
				err = pmt_err_prefix(err, "page %#" PRIx64 ": list.next %#" PRIx64
						     " leads nowhere", prev, node);
			else
				err = pmt_err_prefix(err, "page %#" PRIx64 " list.next", node);
			n--; /* node was never a page */
			if (*head_idx == (long)n)
				*head_idx = -1;
			break;
		}
		head_flag_next = (next_raw & RB_FLAG_MASK) != 0;
		next = (next_raw & ~RB_FLAG_MASK);
		if (bad_kptr(t, next, t->word_size)) {
			err = pmt_err_addr(PMT_ERR_CORRUPT, node,
					   "page %#" PRIx64 ": bad list.next %#" PRIx64, node,
					   next_raw);
			break;
		}
		next -= list_off;
		if (next == start) {
			if (head_flag_next)
				*head_idx = 0;
			break;
		}
		prev = node;
		node = next;
	}
	addr_set_free(&seen);
	*ring_out = ring;
	*n_out = n;
	return err;
}

static void walk_cpu(struct pmt_trace *tr, struct trace_buf *b, struct cpu_stream *cs)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t reader, commit, head_hint, pages, data_page, next;
	uint64_t *ring = NULL;
	size_t nring = 0, evcap = 0;
	long head_idx = -1, commit_idx = -1;
	uint32_t read_off;
	struct pmt_err *err;
	uint8_t *rbc;

	err = read_struct(t, cs->addr, L->rbc.size, &rbc);
	if (err) {
		trace_diag_err(tr, err, "%s: cpu %d: ring_buffer_per_cpu %#" PRIx64, buf_label(b),
			       cs->cpu, cs->addr);
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
		trace_diag(tr, "%s: cpu %d: implausible nr_pages %" PRIu64 " at %#" PRIx64,
			   buf_label(b), cs->cpu, cs->nr_pages, cs->addr);
		cs->damaged = true;
		return;
	}

	/* 1. the reader page, from `read` on */
	if (bad_kptr(t, reader, t->word_size)) {
		trace_diag(tr, "%s: cpu %d: bad reader_page pointer %#" PRIx64, buf_label(b),
			   cs->cpu, reader);
		cs->damaged = true;
	} else {
		err = read_buffer_page(tr, reader, &data_page, &read_off, NULL);
		if (err) {
			trace_diag_err(tr, err, "%s: cpu %d: reader page %#" PRIx64, buf_label(b),
				       cs->cpu, reader);
			cs->damaged = true;
		} else {
			read_data_page(tr, b, cs, data_page, read_off, &evcap);
		}
		if (reader == commit)
			return; /* the writer is on the reader page: the ring is empty */
	}

	/* 2. the ring, from the head page to the commit page */
	if (bad_kptr(t, pages, t->word_size)) {
		trace_diag(tr, "%s: cpu %d: bad pages pointer %#" PRIx64, buf_label(b), cs->cpu,
			   pages);
		cs->damaged = true;
		return;
	}
	err = walk_ring(tr, pages - L->bp_list.m.offset, cs->nr_pages, &ring, &nring, &head_idx);
	if (err) {
		trace_diag_err(tr, err, "%s: cpu %d: ring", buf_label(b), cs->cpu);
		cs->damaged = true;
	}
	if (nring != cs->nr_pages && !err) {
		trace_diag(tr, "%s: cpu %d: ring has %zu pages, nr_pages says %" PRIu64,
			   buf_label(b), cs->cpu, nring, cs->nr_pages);
		cs->damaged = true;
	}
	for (size_t i = 0; i < nring; i++) {
		if (ring[i] == commit)
			commit_idx = (long)i;
		if (head_idx < 0 && ring[i] == head_hint)
			head_idx = -2 - (long)i; /* remember the hint, prefer the flag */
	}
	if (head_idx <= -2) {
		trace_diag(tr, "%s: cpu %d: no page carries the head flag; using head_page hint %#" PRIx64,
			   buf_label(b), cs->cpu, head_hint);
		head_idx = -2 - head_idx;
	}
	if (head_idx < 0) {
		trace_diag(tr, "%s: cpu %d: head page not found in the ring; ring pages skipped",
			   buf_label(b), cs->cpu);
		cs->damaged = true;
		free(ring);
		return;
	}
	if (commit_idx < 0) {
		trace_diag(tr, "%s: cpu %d: commit page %#" PRIx64
			   " not in the ring; reading every page from the head",
			   buf_label(b), cs->cpu, commit);
		cs->damaged = true;
	}
	for (size_t k = 0; k < nring; k++) {
		size_t i = ((size_t)head_idx + k) % nring;

		err = read_buffer_page(tr, ring[i], &data_page, &read_off, &next);
		if (err) {
			trace_diag_err(tr, err, "%s: cpu %d: buffer page %#" PRIx64 " skipped",
				       buf_label(b), cs->cpu, ring[i]);
			cs->damaged = true;
		} else {
			read_data_page(tr, b, cs, data_page, 0, &evcap);
		}
		if ((long)i == commit_idx)
			break;
	}
	free(ring);
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
		trace_diag_err(tr, err, "%s: ring buffer %#" PRIx64, buf_label(b), b->rb_addr);
		return;
	}
	cpus = field_val(t, rb, &L->rb_cpus);
	buffers = field_val(t, rb, &L->rb_buffers);
	if (!L->rb_cpus.ok) {
		uint32_t n = 0;

		err = pmt_read_u32(t, L->sym_nr_cpu_ids.addr, &n);
		if (err)
			trace_diag_err(tr, err, "nr_cpu_ids");
		cpus = n;
	}
	if (L->rb_subbuf_order.ok)
		order = field_val(t, rb, &L->rb_subbuf_order);
	free(rb);
	if (order > MAX_SUBBUF_ORDER) {
		trace_diag(tr, "%s: implausible sub-buffer order %" PRIu64, buf_label(b), order);
		return;
	}
	/* Sub-buffers are PAGE_SIZE << order; kernels before 6.8 have order 0. */
	b->subbuf_size = (uint32_t)(t->page_size << order);
	pmt_page_format_init(&b->fmt, t->big_endian, (unsigned int)L->bdp_commit.m.size,
			     b->subbuf_size);
	b->fmt.data_offset = (unsigned int)L->bdp_data.m.offset;
	if (cpus == 0 || cpus > MAX_CPUS || bad_kptr(t, buffers, t->word_size)) {
		trace_diag(tr, "%s: ring buffer %#" PRIx64 ": implausible cpus %" PRIu64
			   " / buffers %#" PRIx64,
			   buf_label(b), b->rb_addr, cpus, buffers);
		return;
	}
	b->cpus = calloc(cpus, sizeof(*b->cpus));
	if (!b->cpus) {
		trace_diag_err(tr, &pmt_err_nomem, "%s", buf_label(b));
		return;
	}
	b->nr_cpus = (int)cpus;
	for (int cpu = 0; cpu < b->nr_cpus; cpu++) {
		struct cpu_stream *cs = &b->cpus[cpu];
		uint64_t p;

		cs->cpu = cpu;
		err = pmt_read_ulong(t, buffers + (uint64_t)cpu * t->word_size, &p);
		if (err) {
			trace_diag_err(tr, err, "%s: cpu %d: buffers[] entry", buf_label(b), cpu);
			continue;
		}
		if (!p)
			continue; /* CPU not possible: no buffer */
		cs->present = true;
		cs->addr = p;
		walk_cpu(tr, b, cs);
		if (tr->opts && tr->opts->on_progress)
			tr->opts->on_progress(tr->opts->progress_arg, buf_label(b),
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
static void read_clock(struct pmt_trace *tr, struct trace_buf *b, uint64_t clock_id)
{
	struct pmt_target *t = tr->t;
	const struct ftrace_layout *L = &tr->L;
	uint64_t ws = t->word_size, stride = (2 * ws + 4 + ws - 1) / ws * ws;
	uint64_t base = L->sym_trace_clocks.addr, name_ptr;
	uint32_t in_ns0 = 0, in_ns = 1;
	char *local = NULL;
	struct pmt_err *err;

	b->clock_in_ns = true;
	if (!L->sym_trace_clocks.ok || clock_id > 64)
		return;
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
		err = pmt_read_string(t, name_ptr, 32, &b->clock);
	if (!err)
		err = pmt_read_u32(t, base + clock_id * stride + 2 * ws, &in_ns);
	if (err) {
		trace_diag_err(tr, err, "%s: trace clock %" PRIu64, buf_label(b), clock_id);
		return;
	}
	b->clock_in_ns = in_ns != 0;
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
	free(buf);

	if (ta != L->sym_global_trace.addr) {
		if (!name_ptr) {
			b->name = strdup("(unnamed)");
		} else {
			err = pmt_read_string(t, name_ptr, MAX_NAME, &b->name);
			if (err) {
				trace_diag_err(tr, err, "instance at %#" PRIx64 ": name", ta);
				if (asprintf(&b->name, "instance@%#" PRIx64, ta) < 0)
					b->name = NULL;
			}
		}
		if (!b->name)
			return &pmt_err_nomem;
	}
	if (tracer && L->tracer_name.ok) {
		uint64_t tn;

		err = pmt_read_ulong(t, tracer + L->tracer_name.m.offset, &tn);
		if (!err)
			err = pmt_read_string(t, tn, MAX_NAME, &b->tracer);
		if (err)
			trace_diag_err(tr, err, "%s: current tracer", buf_label(b));
	}
	if (!b->tracer)
		b->tracer = strdup("nop");
	if (bad_kptr(t, b->rb_addr, t->word_size)) {
		trace_diag(tr, "%s: trace_array %#" PRIx64 " has no ring buffer (%#" PRIx64 ")",
			   buf_label(b), ta, b->rb_addr);
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
		trace_diag_err(tr, err, "ftrace_trace_arrays");
		addr_set_free(&seen);
		return NULL;
	}
	while (node != head) {
		uint64_t ta;

		if (bad_kptr(t, node, t->word_size)) {
			trace_diag(tr, "instance list: bad pointer %#" PRIx64 "; rest of the list skipped",
				   node);
			break;
		}
		if (++n > MAX_INSTANCES) {
			trace_diag(tr, "instance list does not end after %d entries", MAX_INSTANCES);
			break;
		}
		if (addr_set_add(&seen, node) == 0) {
			trace_diag(tr, "instance list has a cycle at %#" PRIx64, node);
			break;
		}
		ta = node - L->ta_list.m.offset;
		if (ta == global) {
			saw_global = true;
		} else {
			err = add_buffer(tr, ta);
			if (err)
				trace_diag_err(tr, err, "instance");
		}
		err = pmt_read_ulong(t, node + L->lh_next.m.offset, &node);
		if (err) {
			trace_diag_err(tr, err, "instance list");
			break;
		}
	}
	if (!saw_global)
		trace_diag(tr, "global_trace is not on ftrace_trace_arrays");
	addr_set_free(&seen);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmtrace regions in a loaded trace (see region_trace.h).
 *
 * Finding. By symbol: the module list (lib/modules.c) gives pmtrace.ko, its
 * own symbol table gives `pmtrace_kstate`, and that struct (kstate.h, checked
 * by its magic, version and size) gives the current and the previous boot's
 * region by kernel virtual address. By scan: physical memory, no debuginfo.
 * "auto" takes the symbol when the module is there and scans otherwise; the
 * same region found both ways is one region (same physical address).
 *
 * Which boot. With the symbol, pmtrace_kstate says (live / recovered). From a
 * scan, the region with the highest boot_seq is the current boot's and the
 * others are previous boots' (boot_seq counts the boots that used a reserved
 * range; 0 means unknown, taken as current).
 *
 * Damage. The copy remembers pages the dump did not hold; after validation
 * each such page is reported only if it mattered: a CPU's meta area, or a
 * data page the meta says holds data (a ring page between head and tail, or
 * the reader page). An empty ring page that makedumpfile dropped as all-zero
 * is not a loss. Problems the validator finds (bad meta, bad page, failed
 * checksums) are reported with the CPU and page id.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "diag.h"
#include "merge.h"
#include "modules.h"
#include "output.h"
#include "pmtrace/events.h"
#include "pmtrace/kstate.h"
#include "region_trace.h"
#include "trace_internal.h"

static struct diag_where rwhere(const struct region_buf *rb, int cpu)
{
	return (struct diag_where){ .buffer = rb->label, .cpu = cpu, .page = 0 };
}

/* ---- finding ------------------------------------------------------------ */

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* The regions pmtrace_kstate names (0, 1 or 2 of them). */
static void find_by_symbol(struct pmt_trace *tr, struct region_loc *locs, size_t *n)
{
	const struct kmodule *m = modules_find(&tr->modules, "pmtrace");
	struct pmtrace_kstate ks;
	struct pmt_err *err;
	uint64_t addr;

	*n = 0;
	if (!m)
		return;
	err = module_symbol(tr->t, m, "pmtrace_kstate", &addr);
	if (!err)
		err = pmt_read(tr->t, addr, &ks, sizeof(ks));
	if (!err && (le64((const uint8_t *)&ks.magic) != PMT_KSTATE_MAGIC ||
		     ks.version != PMT_KSTATE_VERSION || ks.size != sizeof(ks)))
		err = pmt_err_addr(PMT_ERR_CORRUPT, addr,
				   "pmtrace_kstate at %#" PRIx64 " has magic %#" PRIx64
				   ", version %u, size %u (want version %u, "
				   "size %zu)",
				   addr, le64((const uint8_t *)&ks.magic), ks.version, ks.size,
				   PMT_KSTATE_VERSION, sizeof(ks));
	if (err) {
		diag_err(tr, err, DIAG_NOWHERE, "pmtrace.ko");
		return;
	}
	for (int k = 0; k < 2; k++) {
		const struct pmtrace_kregion *r = k ? &ks.prev : &ks.cur;

		if (r->state != PMT_KREGION_LIVE && r->state != PMT_KREGION_RECOVERED)
			continue;
		if (!r->vaddr || !r->size || r->size > REGION_MAX_SIZE) {
			diag_add(tr, PMT_ERR_CORRUPT, DIAG_NOWHERE, addr,
				 "pmtrace_kstate: %s region %#" PRIx64 ", %" PRIu64 " bytes",
				 k ? "previous" : "current", r->vaddr, r->size);
			continue;
		}
		locs[(*n)++] = (struct region_loc){ .how = REGION_BY_SYMBOL,
						    .phys = r->phys,
						    .vaddr = r->vaddr,
						    .size = r->size,
						    .kstate = (int)r->state };
	}
}

static struct pmt_err *add_region(struct pmt_trace *tr, struct region_buf **out)
{
	struct region_buf *n = realloc(tr->regions, (tr->nregions + 1) * sizeof(*n));

	if (!n)
		return &pmt_err_nomem;
	tr->regions = n;
	*out = &n[tr->nregions++];
	memset(*out, 0, sizeof(**out));
	return NULL;
}

/* Parse the region's own event descriptions into a libtraceevent handle. */
static void load_formats(struct pmt_trace *tr, struct region_buf *rb)
{
	const void *area;
	uint32_t size, pos = 0;
	struct pmt_region_event_desc d;
	struct pmt_err *err = pmt_region_events(rb->img.mem, rb->img.size, &area, &size);
	int rc;

	rb->tep = tep_alloc();
	if (!rb->tep)
		return;
	tep_set_file_bigendian(rb->tep, TEP_LITTLE_ENDIAN);
	tep_set_local_bigendian(rb->tep, __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
						 ? TEP_BIG_ENDIAN
						 : TEP_LITTLE_ENDIAN);
	tep_set_long_size(rb->tep, (int)rb->info.word_size);
	tep_set_page_size(rb->tep, (int)rb->info.page_size);
	if (err) {
		if (err->code == PMT_ERR_ABSENT)
			pmt_err_free(err);
		else
			diag_err(tr, err, rwhere(rb, -1), "event descriptions (events print raw)");
		return;
	}
	while ((rc = pmt_region_event_next(area, size, &pos, &d)) == 1) {
		char *sys = strndup(d.system, d.sys_len);

		if (sys && tep_parse_event(rb->tep, d.format, d.fmt_len, sys) == 0)
			rb->nformats++;
		else
			diag_add(tr, PMT_ERR_CORRUPT, rwhere(rb, -1), 0,
				 "event description %u does not parse (its events print raw)",
				 d.id);
		free(sys);
	}
	if (rc < 0)
		diag_add(tr, PMT_ERR_CORRUPT, rwhere(rb, -1), 0,
			 "event descriptions: a malformed record after %u of them", rb->nformats);
}

static void on_bad(void *arg, uint32_t cpu, uint32_t page_id, const char *reason)
{
	struct region_buf *rb = ((void **)arg)[1];
	struct pmt_trace *tr = ((void **)arg)[0];

	if (page_id == PMT_NO_PAGE)
		diag_add(tr, PMT_ERR_CORRUPT, rwhere(rb, (int)cpu), 0, "buffer skipped: %s",
			 reason);
	else
		diag_add(tr, PMT_ERR_CORRUPT, rwhere(rb, (int)cpu), 0, "page id %u: %s", page_id,
			 reason);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * Pages the dump did not hold that mattered (see the top of the file). The
 * meta fields are read with bounds checks of their own: this runs on the
 * copy, before and independently of the validator.
 */
static void report_missing(struct pmt_trace *tr, struct region_buf *rb)
{
	const uint8_t *mem = rb->img.mem;
	uint64_t size = rb->img.size, ps = rb->info.page_size;

	if (!rb->img.nmissing)
		return;
	for (uint32_t c = 0; c < rb->info.nr_cpus; c++) {
		uint64_t mo = le64(mem + PMT_REGION_HDR_FIXED + 8 * (uint64_t)c), po;
		uint32_t nr_pages, nr_ring, ds, ss, head, tail, reader;
		enum pmt_err_code why;

		if (mo < ps || mo % ps || mo > size - ps)
			continue; /* the validator reports a bad offset */
		why = region_page_missing(&rb->img, mo / ps);
		if (why) {
			diag_add(tr, why, rwhere(rb, (int)c), rb->img.loc.phys + mo,
				 "meta area (region offset %#" PRIx64 ") not in the dump: "
				 "this CPU's events are lost",
				 mo);
			continue;
		}
		nr_pages = le32(mem + mo + 20);
		nr_ring = le32(mem + mo + 24);
		ds = le32(mem + mo + 12);
		ss = le32(mem + mo + 16);
		reader = le32(mem + mo + 28);
		head = le32(mem + mo + 44);
		tail = le32(mem + mo + 48);
		po = le64(mem + mo + 112);
		if (!nr_ring || nr_ring > nr_pages || head >= nr_ring || tail >= nr_ring ||
		    ds + 4ull * nr_ring > ps || ss + (uint64_t)nr_pages > ps * 256)
			continue;
		for (uint32_t k = 0;; k++) {
			uint32_t slot = (head + k) % nr_ring;
			uint32_t id = le32(mem + mo + ds + 4 * (uint64_t)slot);
			uint64_t off = mo + po + (uint64_t)id * ps;

			if (id < nr_pages && off < size &&
			    (why = region_page_missing(&rb->img, off / ps)))
				diag_add(tr, why, rwhere(rb, (int)c), rb->img.loc.phys + off,
					 "data page id %u (ring slot %u, region offset %#" PRIx64
					 ") not in the dump: its events are lost",
					 id, slot, off);
			if (slot == tail || k >= nr_ring)
				break;
		}
		if (reader < nr_pages) {
			uint64_t off = mo + po + (uint64_t)reader * ps;

			if (off < size && (why = region_page_missing(&rb->img, off / ps)))
				diag_add(tr, why, rwhere(rb, (int)c), rb->img.loc.phys + off,
					 "reader page id %u not in the dump: its events are lost",
					 reader);
		}
	}
}

/* Validate a copied region and make it a buffer of the trace (takes img). */
static bool add_copied(struct pmt_trace *tr, struct region_image *img, const char *how)
{
	struct region_buf *rb;
	struct pmt_err *err = add_region(tr, &rb);

	if (err) {
		region_image_free(img);
		diag_err(tr, err, DIAG_NOWHERE, "pmtrace region");
		return false;
	}
	rb->img = *img;
	snprintf(rb->label, sizeof(rb->label), "pmtrace");
	snprintf(rb->how, sizeof(rb->how), "%s", how);
	err = pmt_region_check_header(rb->img.mem, rb->img.size, &rb->info);
	if (err) {
		diag_err(tr, err, rwhere(rb, -1), "header (%s)", how);
		region_image_free(&rb->img);
		tr->nregions--;
		return false;
	}
	return true;
}

/*
 * Diagnose a region once its label is final (settle()): missing pages that
 * mattered, event descriptions, and every bad CPU buffer, page and checksum
 * the validator finds, each with its CPU and page id. The printing passes
 * run quiet, so each problem is reported once.
 */
static void validate(struct pmt_trace *tr, struct region_buf *rb)
{
	void *arg[2] = { tr, rb };
	struct pmt_recover_ops ops = { .bad = on_bad };
	struct pmt_recover_stats st;
	struct pmt_err *err;

	load_formats(tr, rb);
	report_missing(tr, rb);
	err = pmt_region_recover(rb->img.mem, rb->img.size, &ops, arg, &st);
	if (err)
		diag_err(tr, err, rwhere(rb, -1), "validation");
}

static bool same_region(const struct region_buf *rb, const struct region_loc *l)
{
	return l->phys != UINT64_MAX && rb->img.loc.phys == l->phys;
}

static void copy_and_add(struct pmt_trace *tr, const struct region_loc *l)
{
	struct region_image img;
	char how[192];
	struct pmt_err *err;

	for (size_t i = 0; i < tr->nregions; i++) {
		if (!same_region(&tr->regions[i], l))
			continue;
		/* the same region found both ways: note it, keep the first copy */
		if (l->how == REGION_BY_SCAN && tr->regions[i].img.loc.how == REGION_BY_SYMBOL) {
			size_t len = strlen(tr->regions[i].how);

			snprintf(tr->regions[i].how + len, sizeof(tr->regions[i].how) - len,
				 "; also found by the physical scan");
		}
		return;
	}
	if (l->how == REGION_BY_SYMBOL)
		snprintf(how, sizeof(how),
			 "pmtrace.ko's pmtrace_kstate (%s region at %#" PRIx64
			 ", physical %#" PRIx64 ")",
			 l->kstate == PMT_KREGION_RECOVERED ? "previous boot's" : "current",
			 l->vaddr, l->phys);
	else
		snprintf(how, sizeof(how), "physical scan (header at %#" PRIx64 ")", l->phys);
	err = region_copy(tr->t, l, &img);
	if (err) {
		diag_err(tr, err, DIAG_NOWHERE, "%s", how);
		return;
	}
	add_copied(tr, &img, how);
	if (tr->nregions && l->how == REGION_BY_SYMBOL)
		tr->regions[tr->nregions - 1].previous = l->kstate == PMT_KREGION_RECOVERED;
}

/* Boots and labels once every region is in (see the top of the file). */
static void settle(struct pmt_trace *tr)
{
	uint64_t newest = 0;
	bool any_symbol = false;

	for (size_t i = 0; i < tr->nregions; i++) {
		any_symbol |= tr->regions[i].img.loc.how == REGION_BY_SYMBOL;
		if (tr->regions[i].info.boot_seq > newest)
			newest = tr->regions[i].info.boot_seq;
	}
	for (size_t i = 0; i < tr->nregions; i++) {
		struct region_buf *rb = &tr->regions[i];

		/* a scanned region next to the module's own: not its current one
		 * (that would have the same address and been merged) */
		if (rb->img.loc.how == REGION_BY_SCAN)
			rb->previous = any_symbol ||
				       (newest && rb->info.boot_seq && rb->info.boot_seq < newest);
		if (rb->previous)
			snprintf(rb->label, sizeof(rb->label), "pmtrace-previous");
		/* labels name one region each (diagnostics and JSON say which) */
		for (size_t k = 0; k < i; k++)
			if (tr->regions[k].previous == rb->previous &&
			    !strcmp(tr->regions[k].label, rb->label))
				snprintf(rb->label, sizeof(rb->label), "pmtrace@%#" PRIx64,
					 rb->img.loc.phys);
	}
}

void region_trace_find(struct pmt_trace *tr, unsigned int how)
{
	struct region_loc sym[2], *scan = NULL;
	size_t nsym = 0, nscan = 0, first = tr->nregions;
	struct pmt_err *err;

	if (how & PMT_LOAD_REGIONS_SYMBOL)
		find_by_symbol(tr, sym, &nsym);
	for (size_t i = 0; i < nsym; i++)
		copy_and_add(tr, &sym[i]);
	if ((how & PMT_LOAD_REGIONS_SCAN) &&
	    (!(how & PMT_LOAD_REGIONS_SCAN_IF_NONE) || !tr->nregions)) {
		if (!tr->t->ops->read_phys) {
			diag_add(tr, PMT_ERR_UNSUPPORTED, DIAG_NOWHERE, 0,
				 "pmtrace regions: this target cannot read physical memory (no "
				 "scan)");
		} else {
			err = region_scan(tr->t, &scan, &nscan);
			if (err)
				diag_err(tr, err, DIAG_NOWHERE, "pmtrace region scan");
			for (size_t i = 0; i < nscan; i++)
				copy_and_add(tr, &scan[i]);
			free(scan);
		}
	}
	settle(tr);
	for (size_t i = first; i < tr->nregions; i++)
		validate(tr, &tr->regions[i]);
}

struct pmt_err *region_trace_add_file(struct pmt_trace *tr, const char *path)
{
	struct region_image img;
	char how[192];
	struct pmt_err *err = region_copy_file(path, &img);

	if (err)
		return pmt_err_prefix(err, "%s", path);
	snprintf(how, sizeof(how), "file %s", path);
	if (add_copied(tr, &img, how))
		validate(tr, &tr->regions[tr->nregions - 1]);
	return NULL;
}

void region_trace_free(struct pmt_trace *tr)
{
	for (size_t i = 0; i < tr->nregions; i++) {
		region_image_free(&tr->regions[i].img);
		if (tr->regions[i].tep)
			tep_free(tr->regions[i].tep);
	}
	free(tr->regions);
	tr->regions = NULL;
	tr->nregions = 0;
}

/* ---- selecting and printing --------------------------------------------- */

bool region_selected(const struct pmt_filter *f, const struct region_buf *rb)
{
	const char *want = f ? f->instance : NULL;
	bool boot_ok = (f && f->boot == PMT_BOOT_PREVIOUS) == rb->previous ||
		       rb->img.loc.how == REGION_BY_FILE;

	if (!want)
		return false;
	if (!strcmp(want, "all") || !strcmp(want, "pmtrace"))
		return boot_ok;
	return !strcmp(want, rb->label); /* named exactly: whatever the boot */
}

/* The prefix of docs/format.md "Text": comm-pid [cpu] flags time: */
static void print_prefix(const struct region_buf *rb, const struct pmt_rb_event *ev,
			 const struct pmt_entry *e, FILE *out)
{
	char comm[17], flags[6];

	pmt_region_comm_name(rb->img.mem, rb->img.size, e->pid, comm);
	pmt_text_flags(e, flags);
	fprintf(out, "%16s-%-7d [%03u] %s ", comm, e->pid, ev->cpu, flags);
	if (rb->info.clock_id == PMT_CLOCK_TSC) {
		fprintf(out, "%12" PRIu64 ": ", ev->ts);
	} else {
		uint64_t us = (ev->ts + 500) / 1000;

		fprintf(out, "%5" PRIu64 ".%06" PRIu64 ": ", us / 1000000, us % 1000000);
	}
}

static bool event_selected(const struct pmt_filter *f, const struct region_buf *rb,
			   const struct pmt_rb_event *ev, struct tep_event *te, uint64_t min_ts)
{
	if (ev->ts < min_ts)
		return false;
	if (f && !filter_has_cpu(f, (int)ev->cpu))
		return false;
	if (f && (f->have_since || f->have_until) && rb->info.clock_id != PMT_CLOCK_TSC) {
		uint64_t t = (ev->ts + 500) / 1000;

		if ((f->have_since && t < f->since_ns / 1000) ||
		    (f->have_until && t > f->until_ns / 1000))
			return false;
	}
	if (f && f->events) {
		for (const char **p = f->events; *p; p++) {
			const char *colon = strchr(*p, ':');

			if (te && (colon ? !strncmp(*p, te->system, (size_t)(colon - *p)) &&
						   !te->system[colon - *p] &&
						   (!strcmp(colon + 1, te->name) ||
						    !strcmp(colon + 1, "*"))
					 : !strcmp(*p, te->name)))
				return true;
		}
		return false;
	}
	return true;
}

struct cpu_counts {
	uint64_t overrun, lost, read, seq_next;
};

struct bad_cpu {
	uint32_t cpu;
	bool bad;
};

/* Was the CPU's whole buffer refused (bad meta, overlap)? */
static void note_bad_cpu(void *arg, uint32_t cpu, uint32_t page_id, const char *reason)
{
	struct bad_cpu *b = arg;

	(void)reason;
	if (page_id == PMT_NO_PAGE && cpu == b->cpu)
		b->bad = true;
}

/*
 * One CPU's meta counters. pmt_region_iter_start()'s stats sum every valid
 * CPU's, also with PMT_RI_CPU(n); a per-CPU header or info line needs CPU
 * n's own, and nothing of a CPU whose buffer the validator refused (the
 * module's per_cpu/cpuN/trace prints 0/0 then). The meta was bounds-checked
 * by that validation; it is read here from the copy.
 */
static struct cpu_counts cpu_counters(const struct region_buf *rb, uint32_t cpu)
{
	struct cpu_counts cc = { 0 };
	struct pmt_recover_ops ops = { .bad = note_bad_cpu };
	struct pmt_recover_stats st;
	struct pmt_region_iter *it;
	struct pmt_cpu_meta m;
	struct bad_cpu bad = { .cpu = cpu };
	uint64_t mo;

	if (cpu >= rb->info.nr_cpus ||
	    pmt_region_iter_start(rb->img.mem, rb->img.size, PMT_RI_CPU(cpu), &ops, &bad, &st, &it))
		return cc;
	pmt_region_iter_free(it);
	mo = le64(rb->img.mem + PMT_REGION_HDR_FIXED + 8 * (uint64_t)cpu);
	if (bad.bad || mo > rb->img.size || rb->img.size - mo < sizeof(m))
		return cc;
	memcpy(&m, rb->img.mem + mo, sizeof(m));
	cc.overrun = m.overrun;
	cc.lost = m.lost;
	cc.read = m.read;
	cc.seq_next = m.seq_next;
	return cc;
}

struct walk {
	struct pmt_trace *tr;
	struct region_buf *rb;
	const struct pmt_filter *f;
	uint64_t min_ts;  /* --last */
	uint64_t *skip;	  /* --tail: per CPU, events to pass over first */
	uint64_t entries; /* unread, checksum-verified */
	uint64_t overrun;
};

/* First pass: counts per CPU (the header, --tail) and the newest time stamp;
 * `flags` may narrow it to one CPU (PMT_RI_CPU) for that CPU's header. */
static struct pmt_err *count(struct walk *w, uint32_t flags, uint64_t *per_cpu, uint64_t *newest)
{
	struct pmt_recover_stats st;
	struct pmt_region_iter *it;
	struct pmt_rb_event ev;
	struct pmt_err *err = pmt_region_iter_start(w->rb->img.mem, w->rb->img.size,
						    PMT_RI_UNREAD | flags, NULL, NULL, &st, &it);

	if (err)
		return err;
	*newest = 0;
	w->entries = 0;
	while (pmt_region_iter_next(it, &ev) == 1) {
		if (ev.cpu < w->rb->info.nr_cpus)
			per_cpu[ev.cpu]++;
		if (ev.ts > *newest)
			*newest = ev.ts;
		w->entries++;
	}
	w->overrun = st.overrun;
	if (flags & PMT_RI_ONE_CPU)
		w->overrun = cpu_counters(w->rb, flags >> 16).overrun;
	pmt_region_iter_free(it);
	return NULL;
}

/* The events the filter selects, in merged order, to `emit`. */
static struct pmt_err *walk(struct walk *w,
			    void (*emit)(struct walk *w, const struct pmt_rb_event *ev,
					 const struct pmt_entry *e, struct tep_event *te,
					 void *arg),
			    void *arg)
{
	uint32_t nr = w->rb->info.nr_cpus;
	uint64_t *per_cpu = calloc(nr, sizeof(*per_cpu)), newest;
	struct pmt_recover_stats st;
	struct pmt_region_iter *it;
	struct pmt_rb_event ev;
	struct pmt_err *err;

	if (!per_cpu)
		return &pmt_err_nomem;
	w->skip = per_cpu;
	err = count(w, 0, per_cpu, &newest);
	if (err) {
		free(per_cpu);
		return err;
	}
	for (uint32_t c = 0; c < nr; c++)
		per_cpu[c] =
			w->f && w->f->tail && per_cpu[c] > w->f->tail ? per_cpu[c] - w->f->tail : 0;
	if (w->f && w->f->have_last)
		w->min_ts = newest > w->f->last_ns ? newest - w->f->last_ns : 0;
	err = pmt_region_iter_start(w->rb->img.mem, w->rb->img.size, PMT_RI_UNREAD, NULL, NULL, &st,
				    &it);
	if (err) {
		free(per_cpu);
		return err;
	}
	while (pmt_region_iter_next(it, &ev) == 1) {
		struct pmt_entry e;
		struct tep_event *te;

		if (ev.cpu < nr && per_cpu[ev.cpu]) {
			per_cpu[ev.cpu]--;
			continue;
		}
		memset(&e, 0, sizeof(e));
		memcpy(&e, ev.data, ev.len < sizeof(e) ? ev.len : sizeof(e));
		te = w->rb->tep ? tep_find_event(w->rb->tep, e.type) : NULL;
		if (event_selected(w->f, w->rb, &ev, te, w->min_ts))
			emit(w, &ev, &e, te, arg);
	}
	pmt_region_iter_free(it);
	free(per_cpu);
	return NULL;
}

static void body(struct walk *w, const struct pmt_rb_event *ev, struct tep_event *te,
		 struct trace_seq *s)
{
	struct tep_record rec = {
		.ts = ev->ts, .cpu = (int)ev->cpu, .size = (int)ev->len, .data = (void *)ev->data
	};
	struct pmt_entry e;

	trace_seq_reset(s);
	if (!te) {
		memcpy(&e, ev->data, ev->len < sizeof(e) ? ev->len : sizeof(e));
		trace_seq_printf(s, "Unknown type %u", e.type);
	} else {
		trace_seq_printf(s, "%s: ", te->name);
		tep_print_event(w->rb->tep, s, &rec, "%s", TEP_PRINT_INFO);
	}
	trace_seq_terminate(s);
}

static void emit_text(struct walk *w, const struct pmt_rb_event *ev, const struct pmt_entry *e,
		      struct tep_event *te, void *arg)
{
	FILE *out = ((void **)arg)[0];
	struct trace_seq *s = ((void **)arg)[1];

	print_prefix(w->rb, ev, e, out);
	body(w, ev, te, s);
	fwrite(s->buffer, 1, s->len, out);
	fputc('\n', out);
}

struct pmt_err *region_write_text(struct pmt_trace *tr, struct region_buf *rb,
				  const struct pmt_filter *f, FILE *out)
{
	struct walk w = { .tr = tr, .rb = rb, .f = f };
	uint64_t *per_cpu, newest;
	struct trace_seq s;
	void *arg[2] = { out, &s };
	char hdr[1024];
	struct pmt_err *err;
	int one = -1, n;

	/* the header counts the buffer, or the CPU of a per_cpu trace */
	for (uint32_t c = 0; f && c < rb->info.nr_cpus; c++)
		if (filter_has_cpu(f, (int)c))
			one = one == -1 ? (int)c : -2;
	per_cpu = calloc(rb->info.nr_cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return &pmt_err_nomem;
	err = count(&w, one >= 0 ? PMT_RI_CPU(one) : 0, per_cpu, &newest);
	if (!err) {
		n = pmt_text_header(hdr, sizeof(hdr), w.entries, w.entries + w.overrun,
				    rb->info.nr_cpus);
		fwrite(hdr, 1, n > 0 ? (size_t)n : 0, out);
	}
	free(per_cpu);
	if (err)
		return err;
	trace_seq_init(&s);
	err = walk(&w, emit_text, arg);
	trace_seq_destroy(&s);
	return err;
}

static void emit_json(struct walk *w, const struct pmt_rb_event *ev, const struct pmt_entry *e,
		      struct tep_event *te, void *arg)
{
	FILE *out = ((void **)arg)[0];
	struct trace_seq *s = ((void **)arg)[1];
	char comm[17], flags[6];
	size_t len;

	pmt_region_comm_name(w->rb->img.mem, w->rb->img.size, e->pid, comm);
	pmt_text_flags(e, flags);
	fputs("{\"buffer\":", out);
	output_json_string(out, w->rb->label, strlen(w->rb->label));
	fprintf(out, ",\"boot\":\"%s\",\"cpu\":%u,\"timestamp\":%" PRIu64 ",\"pid\":%d,\"comm\":",
		w->rb->previous ? "previous" : "current", ev->cpu, ev->ts, e->pid);
	output_json_string(out, comm, strlen(comm));
	fprintf(out, ",\"flags\":\"%s\",\"preempt_count\":%u,\"id\":%u,\"seq\":%u", flags,
		e->preempt_count, e->type, e->seq);
	if (te) {
		struct tep_format_field **fields = tep_event_fields(te);

		fputs(",\"system\":", out);
		output_json_string(out, te->system, strlen(te->system));
		fputs(",\"event\":", out);
		output_json_string(out, te->name, strlen(te->name));
		fputs(",\"fields\":{", out);
		for (int i = 0; fields && fields[i]; i++) {
			struct tep_format_field *fl = fields[i];
			unsigned long long v;

			fprintf(out, "%s\"%s\":", i ? "," : "", fl->name);
			if (fl->flags & (TEP_FIELD_IS_STRING | TEP_FIELD_IS_DYNAMIC)) {
				int flen = 0;
				struct tep_record rec = { .size = (int)ev->len,
							  .data = (void *)ev->data };
				const char *str =
					tep_get_field_raw(NULL, te, fl->name, &rec, &flen, 0);

				output_json_string(out, str ? str : "",
						   str ? strnlen(str, (size_t)(flen > 0 ? flen : 0))
						       : 0);
			} else if (fl->offset + fl->size <= (int)ev->len &&
				   !tep_read_number_field(fl, ev->data, &v)) {
				if (fl->flags & TEP_FIELD_IS_SIGNED) {
					int shift = 64 - 8 * fl->size;

					fprintf(out, "%lld",
						shift > 0 && shift < 64
							? (long long)(v << shift) >> shift
							: (long long)v);
				} else {
					fprintf(out, "%llu", v);
				}
			} else {
				fputs("null", out);
			}
		}
		fputc('}', out);
		free(fields);
	}
	body(w, ev, te, s);
	len = s->len;
	fputs(",\"text\":", out);
	output_json_string(out, s->buffer, len);
	fputs("}\n", out);
}

struct pmt_err *region_write_json(struct pmt_trace *tr, struct region_buf *rb,
				  const struct pmt_filter *f, FILE *out)
{
	struct walk w = { .tr = tr, .rb = rb, .f = f };
	struct trace_seq s;
	void *arg[2] = { out, &s };
	struct pmt_err *err;

	trace_seq_init(&s);
	err = walk(&w, emit_json, arg);
	trace_seq_destroy(&s);
	return err;
}

static const char *how_word(enum region_how h)
{
	return h == REGION_BY_SYMBOL ? "symbol" : h == REGION_BY_SCAN ? "scan" : "file";
}

void region_write_info(struct pmt_trace *tr, bool json, FILE *out)
{
	for (size_t i = 0; i < tr->nregions; i++) {
		struct region_buf *rb = &tr->regions[i];
		const struct pmt_region_info *in = &rb->info;
		char bootid[33];

		for (int k = 0; k < 16; k++)
			snprintf(bootid + 2 * k, 3, "%02x", in->boot_id[k]);
		if (!json) {
			fprintf(out,
				"pmtrace region %s (%s boot): %" PRIu64
				" bytes at physical %#" PRIx64
				", %u cpus, page %u, boot_seq %" PRIu64 ", release %s, writer %s, "
				"memory %s; found by %s\n",
				rb->label, rb->previous ? "previous" : "current", in->total_size,
				rb->img.loc.phys, in->nr_cpus, in->page_size, in->boot_seq,
				in->release[0] ? in->release : "?",
				in->writer[0] ? in->writer : "?", in->label[0] ? in->label : "?",
				rb->how);
		} else {
			fputs("{\"type\":\"region\",\"buffer\":", out);
			output_json_string(out, rb->label, strlen(rb->label));
			fprintf(out,
				",\"boot\":\"%s\",\"found_by\":\"%s\",\"size\":%" PRIu64
				",\"phys\":%" PRIu64 ",\"vaddr\":%" PRIu64
				",\"cpus\":%u,\"page_size\":%u,\"boot_seq\":%" PRIu64
				",\"boot_id\":\"%s\",\"clock_id\":%u,\"formats\":%u,\"missing_"
				"pages\":%zu"
				",\"release\":",
				rb->previous ? "previous" : "current", how_word(rb->img.loc.how),
				in->total_size, rb->img.loc.phys, rb->img.loc.vaddr, in->nr_cpus,
				in->page_size, in->boot_seq, bootid, in->clock_id, rb->nformats,
				rb->img.nmissing);
			output_json_string(out, in->release,
					   strnlen(in->release, sizeof(in->release)));
			fputs(",\"writer\":", out);
			output_json_string(out, in->writer,
					   strnlen(in->writer, sizeof(in->writer)));
			fputs(",\"memory\":", out);
			output_json_string(out, in->label, strnlen(in->label, sizeof(in->label)));
			fputs(",\"how\":", out);
			output_json_string(out, rb->how, strlen(rb->how));
			fputs("}\n", out);
		}
		for (uint32_t c = 0; c < in->nr_cpus; c++) {
			struct pmt_recover_stats st;
			struct pmt_region_iter *it;
			struct pmt_rb_event ev;
			struct cpu_counts cc;
			uint64_t unread = 0;

			if (pmt_region_iter_start(rb->img.mem, rb->img.size,
						  PMT_RI_UNREAD | PMT_RI_CPU(c), NULL, NULL, &st,
						  &it))
				continue;
			while (pmt_region_iter_next(it, &ev) == 1)
				unread++;
			pmt_region_iter_free(it);
			/* the iterator's counters are the region's; these are CPU c's */
			cc = cpu_counters(rb, c);
			st.overrun = cc.overrun;
			st.lost = cc.lost;
			/*
			 * The meta's `read` counts a reader page's events when it is
			 * swapped in, as the kernel's does at page level; what was
			 * consumed (the module's stats `read`) is what the CPU handed
			 * out (seq_next, less what it lost) neither unread nor
			 * overwritten. A damaged meta keeps the raw counter.
			 */
			st.read = (rb->info.flags & PMT_REGION_F_ENTRIES) &&
						  cc.seq_next >= cc.lost + unread + cc.overrun
					  ? cc.seq_next - cc.lost - unread - cc.overrun
					  : cc.read;
			if (!json)
				fprintf(out,
					"  cpu %u: unread %" PRIu64 ", overrun %" PRIu64
					", lost %" PRIu64 ", read %" PRIu64
					", bad checksum %" PRIu64 "\n",
					c, unread, st.overrun, st.lost, st.read, st.bad_csum);
			else {
				fputs("{\"type\":\"region_cpu\",\"buffer\":", out);
				output_json_string(out, rb->label, strlen(rb->label));
				fprintf(out,
					",\"boot\":\"%s\",\"cpu\":%u,\"unread\":%" PRIu64
					",\"overrun\":%" PRIu64 ",\"lost\":%" PRIu64
					",\"read\":%" PRIu64 ",\"bad_csum\":%" PRIu64 "}\n",
					rb->previous ? "previous" : "current", c, unread,
					st.overrun, st.lost, st.read, st.bad_csum);
			}
		}
	}
}

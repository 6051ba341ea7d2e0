// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /sys/kernel/debug/pmtrace/: the module's files, shaped like tracefs.
 *
 *	trace                 non-consuming text of every CPU (docs/format.md "Text")
 *	trace_pipe            consuming text, merged over CPUs; blocks while
 *	                      tracing is on and nothing is there
 *	marker                write(2) text: one marker event per write
 *	tracing_on            0 / 1
 *	stats                 the region: identity, geometry, enabled events
 *	per_cpu/cpuN/trace    one CPU's text
 *	per_cpu/cpuN/stats    counters (entries, overrun, lost, read, seq_next,
 *	                      page_allocs, ...)
 *	per_cpu/cpuN/trace_pipe_raw  consuming page reads: the oldest page is
 *	                      taken out of the ring (a spare page takes its
 *	                      slot), copied, and handed back as a spare, so a
 *	                      long read allocates nothing after the first page;
 *	                      mmap (meta area + data pages, read-only) and the
 *	                      PMT_IOC_GET_READER ioctl give zero-copy access
 *	previous/trace, previous/stats, previous/region (raw bytes),
 *	previous/release      the previous boot's region (reserved memory only)
 *	debug_corrupt         (debug=1) damage the live region, for tests
 *
 * Text is rendered by the same code the userspace library uses
 * (ringbuf/evfmt.c): the live region through per-CPU non-consuming iterators
 * that copy each page under the CPU lock, the previous region (which does not
 * change) with pmt_region_text() once at open.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "pmtrace.h"

static struct dentry *root;
u64 pmt_raw_page_allocs[NR_CPUS];
static u64 raw_pages_read[NR_CPUS];

#define LINE_MAX_BYTES (PMT_MARKER_MAX + 512)

static bool entry_ok(const struct pmt_rb_event *ev)
{
	uint32_t c;

	if (ev->len < sizeof(struct pmt_entry))
		return false;
	memcpy(&c, (const unsigned char *)ev->data + 12, 4);
	return c == pmt_entry_csum(ev->data, ev->len);
}

static int render(char *buf, const struct pmt_rb_event *ev, const void *mem, size_t len,
		  uint32_t clock_id)
{
	struct pmt_entry e;
	char comm[17];
	int n;

	memcpy(&e, ev->data, sizeof(e));
	pmt_region_comm_name(mem, len, e.pid, comm);
	n = pmt_text_line(buf, LINE_MAX_BYTES,
			  pmt_text_event(pmt_std_events, PMT_EV_NR_STD, e.type), comm, ev->cpu,
			  ev->ts, clock_id, ev->data, ev->len);
	return min(n, LINE_MAX_BYTES - 1);
}

/* ---- live text: trace and per_cpu/cpuN/trace ---- */

struct live_text {
	uint32_t cpu; /* UINT32_MAX: all */
	uint32_t nr;
	struct pmt_rb_iter **it;
	struct pmt_rb_event *pend;
	bool *has, *done;
	bool header_sent;
	uint64_t entries, written;
	char *line;
	size_t llen, loff;
};

static bool in_set(const struct live_text *t, uint32_t cpu)
{
	return t->cpu == UINT32_MAX || t->cpu == cpu;
}

static void live_free(struct live_text *t)
{
	uint32_t i;

	if (!t)
		return;
	for (i = 0; t->it && i < t->nr; i++)
		pmt_rb_iter_free(t->it[i]);
	kvfree(t->it);
	kvfree(t->pend);
	kvfree(t->has);
	kvfree(t->done);
	kvfree(t->line);
	kfree(t);
}

/* The next valid event of CPU i into t->pend[i]. */
static bool live_fill(struct live_text *t, uint32_t i)
{
	while (!t->has[i] && !t->done[i]) {
		struct pmt_err *err = pmt_rb_iter_next(t->it[i], &t->pend[i]);

		if (err) {
			if (err->code != PMT_ERR_NODATA)
				pr_warn(PMT_NAME ": trace: cpu %u: %s\n", i, err->msg);
			pmt_err_free(err);
			t->done[i] = true;
		} else if (entry_ok(&t->pend[i])) {
			t->has[i] = true;
		}
	}
	return t->has[i];
}

static int live_start(struct live_text *t)
{
	uint32_t i;

	for (i = 0; i < t->nr; i++) {
		pmt_rb_iter_free(t->it[i]);
		t->it[i] = NULL;
		t->has[i] = false;
		t->done[i] = true;
		if (!in_set(t, i))
			continue;
		{
			struct pmt_err *err = pmt_rb_iter_start(pmt_cur.rb, i, &t->it[i]);

			if (err) {
				pmt_err_free(err);
				return -ENOMEM;
			}
		}
		t->done[i] = false;
	}
	return 0;
}

static int live_open(struct inode *inode, struct file *f)
{
	struct live_text *t = kzalloc(sizeof(*t), GFP_KERNEL);
	uint32_t i;
	int ret = -ENOMEM;

	if (!t)
		return -ENOMEM;
	t->cpu = (uint32_t)(uintptr_t)inode->i_private;
	t->nr = pmt_rb_nr_cpus(pmt_cur.rb);
	t->it = kvcalloc(t->nr, sizeof(*t->it), GFP_KERNEL);
	t->pend = kvcalloc(t->nr, sizeof(*t->pend), GFP_KERNEL);
	t->has = kvcalloc(t->nr, sizeof(*t->has), GFP_KERNEL);
	t->done = kvcalloc(t->nr, sizeof(*t->done), GFP_KERNEL);
	t->line = kvmalloc(LINE_MAX_BYTES, GFP_KERNEL);
	if (!t->it || !t->pend || !t->has || !t->done || !t->line)
		goto fail;
	/* entries: what will be printed (a counting pass); written adds overrun */
	ret = live_start(t);
	if (ret)
		goto fail;
	for (i = 0; i < t->nr; i++) {
		struct pmt_rb_stats st;

		if (!in_set(t, i))
			continue;
		while (live_fill(t, i)) {
			t->entries++;
			t->has[i] = false;
		}
		pmt_rb_stats(pmt_cur.rb, i, &st);
		t->written += st.overrun;
	}
	t->written += t->entries;
	ret = live_start(t);
	if (ret)
		goto fail;
	f->private_data = t;
	return 0;
fail:
	live_free(t);
	return ret;
}

static bool live_next_line(struct live_text *t)
{
	uint32_t i, best = UINT32_MAX;
	size_t len;
	const void *mem;

	if (!t->header_sent) {
		t->header_sent = true;
		t->llen = pmt_text_header(t->line, LINE_MAX_BYTES, t->entries, t->written,
					  pmt_rb_nr_cpus(pmt_cur.rb));
		t->loff = 0;
		return true;
	}
	for (i = 0; i < t->nr; i++) {
		if (!live_fill(t, i))
			continue;
		if (best == UINT32_MAX || t->pend[i].ts < t->pend[best].ts)
			best = i;
	}
	if (best == UINT32_MAX)
		return false;
	mem = pmt_rb_region(pmt_cur.rb, &len);
	t->llen = render(t->line, &t->pend[best], mem, len, PMT_CLOCK_LOCAL_NS);
	t->loff = 0;
	t->has[best] = false;
	return true;
}

static ssize_t copy_lines(char __user *ubuf, size_t count, char *line, size_t *llen, size_t *loff,
			  bool (*next)(void *), void *arg, ssize_t *done)
{
	*done = 0;
	while (count) {
		if (*loff < *llen) {
			size_t n = min(count, *llen - *loff);

			if (copy_to_user(ubuf + *done, line + *loff, n))
				return -EFAULT;
			*loff += n;
			*done += n;
			count -= n;
			continue;
		}
		if (!next(arg))
			break;
	}
	return 0;
}

static bool live_next(void *arg)
{
	return live_next_line(arg);
}

static ssize_t live_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct live_text *t = f->private_data;
	ssize_t done;
	ssize_t err = copy_lines(ubuf, count, t->line, &t->llen, &t->loff, live_next, t, &done);

	if (err && !done)
		return err;
	*ppos += done;
	return done;
}

static int live_release(struct inode *inode, struct file *f)
{
	live_free(f->private_data);
	return 0;
}

static const struct file_operations live_fops = {
	.owner = THIS_MODULE,
	.open = live_open,
	.read = live_read,
	.release = live_release,
	.llseek = noop_llseek,
};

/* ---- trace_pipe: consuming, merged ---- */

struct pipe_text {
	char *line;
	size_t llen, loff;
};

static int pipe_open(struct inode *inode, struct file *f)
{
	struct pipe_text *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p->line = kvmalloc(LINE_MAX_BYTES, GFP_KERNEL);
	if (!p->line) {
		kfree(p);
		return -ENOMEM;
	}
	f->private_data = p;
	return 0;
}

static bool pipe_next(void *arg)
{
	struct pipe_text *p = arg;
	struct pmt_rb_event ev;
	struct pmt_err *err;
	const void *mem;
	size_t len;

	for (;;) {
		p->llen = p->loff = 0;
		mutex_lock(&pmt_consume_lock);
		err = pmt_rb_consume_merged(pmt_cur.rb, &ev);
		if (!err && entry_ok(&ev)) {
			mem = pmt_rb_region(pmt_cur.rb, &len);
			p->llen = render(p->line, &ev, mem, len, PMT_CLOCK_LOCAL_NS);
			p->loff = 0;
		}
		mutex_unlock(&pmt_consume_lock);
		if (err) {
			pmt_err_free(err);
			return false;
		}
		if (p->llen)
			return true;
	}
}

static ssize_t pipe_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct pipe_text *p = f->private_data;
	ssize_t done, err;

	for (;;) {
		err = copy_lines(ubuf, count, p->line, &p->llen, &p->loff, pipe_next, p, &done);
		if (err && !done)
			return err;
		if (done)
			return done;
		/* nothing there: EOF once tracing is off, else wait */
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (!READ_ONCE(pmt_tracing_on))
			return 0;
		if (msleep_interruptible(100) || signal_pending(current))
			return -EINTR;
	}
}

static int pipe_release(struct inode *inode, struct file *f)
{
	struct pipe_text *p = f->private_data;

	kvfree(p->line);
	kfree(p);
	return 0;
}

static const struct file_operations pipe_fops = {
	.owner = THIS_MODULE,
	.open = pipe_open,
	.read = pipe_read,
	.release = pipe_release,
	.llseek = noop_llseek,
};

/* ---- trace_pipe_raw: consuming page reads, mmap, reader ioctl ---- */

struct raw_file {
	uint32_t cpu;
	char *page;
	size_t len, off;
};

static int raw_open(struct inode *inode, struct file *f)
{
	struct raw_file *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	r->cpu = (uint32_t)(uintptr_t)inode->i_private;
	f->private_data = r;
	return 0;
}

/* Take the oldest page out (the tail page too when flush), copy, hand it back. */
static bool raw_take(struct raw_file *r, bool flush)
{
	struct pmt_rb_page pg;
	struct pmt_err *err;

	mutex_lock(&pmt_consume_lock);
	err = pmt_rb_read_page(pmt_cur.rb, r->cpu, flush ? PMT_RB_FLUSH : 0, &pg);
	if (!err) {
		memcpy(r->page, pg.data, PAGE_SIZE);
		pmt_rb_put_page(pmt_cur.rb, &pg); /* back as the next spare: no allocation */
		raw_pages_read[r->cpu]++;
	}
	mutex_unlock(&pmt_consume_lock);
	if (err) {
		pmt_err_free(err);
		return false;
	}
	r->len = PAGE_SIZE;
	r->off = 0;
	return true;
}

static ssize_t raw_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct raw_file *r = f->private_data;
	size_t n;

	if (!r->page) {
		/* one bounce page per open file, counted with the pool's allocations */
		r->page = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!r->page)
			return -ENOMEM;
		pmt_raw_page_allocs[r->cpu]++;
	}
	while (r->off >= r->len) {
		if (raw_take(r, false) || raw_take(r, true))
			break;
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (!READ_ONCE(pmt_tracing_on))
			return 0;
		if (msleep_interruptible(100) || signal_pending(current))
			return -EINTR;
	}
	n = min(count, r->len - r->off);
	if (copy_to_user(ubuf, r->page + r->off, n))
		return -EFAULT;
	r->off += n;
	*ppos += n;
	return n;
}

static int raw_release(struct inode *inode, struct file *f)
{
	struct raw_file *r = f->private_data;

	kfree(r->page);
	kfree(r);
	return 0;
}

static int raw_mmap(struct file *f, struct vm_area_struct *vma)
{
	struct raw_file *r = f->private_data;
	const unsigned char *mem = pmt_cur.mem;
	const struct pmt_cpu_meta *m;
	unsigned long len = vma->vm_end - vma->vm_start, off;
	uint64_t moff, span;

	if (vma->vm_flags & VM_WRITE)
		return -EPERM;
	if (vma->vm_pgoff)
		return -EINVAL;
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8 * r->cpu, 8);
	m = (const struct pmt_cpu_meta *)(mem + moff);
	span = m->pages_off + (uint64_t)m->nr_pages * PAGE_SIZE;
	if (len > span)
		return -EINVAL;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, VM_MAYWRITE);
#else
	vma->vm_flags &= ~VM_MAYWRITE;
#endif
	for (off = 0; off < len;) {
		uint64_t contig;
		phys_addr_t pa = pmt_region_phys(&pmt_cur, moff + off, &contig);
		unsigned long n;
		int ret;

		if (!contig)
			return -EIO;
		n = min_t(uint64_t, contig, len - off);
		ret = remap_pfn_range(vma, vma->vm_start + off, pa >> PAGE_SHIFT, n,
				      vma->vm_page_prot);
		if (ret)
			return ret;
		off += n;
	}
	return 0;
}

static long raw_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct raw_file *r = f->private_data;
	struct pmt_err *err;
	uint32_t id = 0;

	if (cmd != PMT_IOC_GET_READER)
		return -ENOTTY;
	mutex_lock(&pmt_consume_lock);
	err = pmt_rb_swap_reader(pmt_cur.rb, r->cpu, arg & 1 ? PMT_RB_FLUSH : 0, &id);
	mutex_unlock(&pmt_consume_lock);
	if (err) {
		long ret = err->code == PMT_ERR_NODATA ? -EAGAIN : -EIO;

		pmt_err_free(err);
		return ret;
	}
	return id;
}

static const struct file_operations raw_fops = {
	.owner = THIS_MODULE,
	.open = raw_open,
	.read = raw_read,
	.release = raw_release,
	.mmap = raw_mmap,
	.unlocked_ioctl = raw_ioctl,
	.llseek = noop_llseek,
};

/* ---- small text files ---- */

struct small_text {
	char *buf;
	size_t len, cap;
};

static void st_out(void *arg, const char *text, size_t n)
{
	struct small_text *s = arg;

	if (!s->buf)
		return;
	if (s->len + n > s->cap) {
		size_t cap = max(s->cap * 2, s->len + n + 4096);
		char *nb = kvmalloc(cap, GFP_KERNEL);

		if (!nb) {
			kvfree(s->buf);
			s->buf = NULL;
			return;
		}
		memcpy(nb, s->buf, s->len);
		kvfree(s->buf);
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, text, n);
	s->len += n;
}

static void st_printf(struct small_text *s, const char *fmt, ...) __printf(2, 3);

static void st_printf(struct small_text *s, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	st_out(s, tmp, min_t(size_t, n, sizeof(tmp) - 1));
}

static int small_open(struct file *f, struct small_text *s)
{
	if (!s->buf)
		return -ENOMEM;
	f->private_data = kmemdup(s, sizeof(*s), GFP_KERNEL);
	if (!f->private_data) {
		kvfree(s->buf);
		return -ENOMEM;
	}
	return 0;
}

static ssize_t small_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	struct small_text *s = f->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, s->buf, s->len);
}

static int small_release(struct inode *inode, struct file *f)
{
	struct small_text *s = f->private_data;

	kvfree(s->buf);
	kfree(s);
	return 0;
}

static void region_stats(struct small_text *s, const void *mem, size_t len)
{
	struct pmt_region_info info;
	struct pmt_err *err = pmt_region_check_header(mem, len, &info);

	if (err) {
		st_printf(s, "invalid: %s\n", err->msg);
		pmt_err_free(err);
		return;
	}
	st_printf(s, "boot_seq: %llu\nboot_id: %pUb\nrelease: %s\nwriter: %s\nlabel: %s\n",
		  info.boot_seq, info.boot_id, info.release, info.writer, info.label);
	st_printf(s, "phys_addr: %#llx\nsize: %llu\nnr_cpus: %u\npage_size: %u\nnr_chunks: %u\n",
		  info.phys_addr, info.total_size, info.nr_cpus, info.page_size, info.nr_chunks);
	st_printf(s, "create_time: %llu\nabi: %u.%u\n", info.create_time, info.abi_major,
		  info.abi_minor);
}

static int stats_open(struct inode *inode, struct file *f)
{
	struct small_text s = { kvmalloc(4096, GFP_KERNEL), 0, 4096 };
	unsigned int i, mask = pmt_probes_mask();
	size_t len;
	const void *mem = pmt_rb_region(pmt_cur.rb, &len);

	region_stats(&s, mem, len);
	st_printf(&s, "events:");
	for (i = 0; pmt_probe_name(i); i++)
		if (mask & (1u << i))
			st_printf(&s, " %s", pmt_probe_name(i));
	st_printf(&s, " marker\n");
	mutex_lock(&pmt_prev_lock);
	if (pmt_prev.mem) {
		struct pmt_region_info info;
		struct pmt_err *err = pmt_region_check_header(pmt_prev.mem, pmt_prev.len, &info);

		if (!err)
			st_printf(&s, "previous: boot %llu at %#llx\n", info.boot_seq,
				  (unsigned long long)pmt_prev.phys);
		pmt_err_free(err);
	} else {
		st_printf(&s, "previous: none\n");
	}
	mutex_unlock(&pmt_prev_lock);
	return small_open(f, &s);
}

static const struct file_operations stats_fops = {
	.owner = THIS_MODULE,
	.open = stats_open,
	.read = small_read,
	.release = small_release,
	.llseek = default_llseek,
};

static int cpu_stats_open(struct inode *inode, struct file *f)
{
	struct small_text s = { kvmalloc(1024, GFP_KERNEL), 0, 1024 };
	uint32_t cpu = (uint32_t)(uintptr_t)inode->i_private;
	struct pmt_rb_stats st;
	const unsigned char *mem = pmt_cur.mem;
	const struct pmt_cpu_meta *m;
	uint64_t moff;

	pmt_rb_stats(pmt_cur.rb, cpu, &st);
	memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8 * cpu, 8);
	m = (const struct pmt_cpu_meta *)(mem + moff);
	st_printf(&s, "entries: %llu\noverrun: %llu\nlost: %llu\nread: %llu\ncommitted: %llu\n",
		  st.entries, st.overrun, st.lost, st.read, st.committed);
	st_printf(&s, "seq_next: %llu\npages_touched: %llu\n", READ_ONCE(m->seq_next),
		  st.pages_touched);
	st_printf(&s, "page_allocs: %llu\npool_page_allocs: %llu\nraw_buffer_allocs: %llu\n",
		  st.page_allocs + pmt_raw_page_allocs[cpu], st.page_allocs,
		  pmt_raw_page_allocs[cpu]);
	st_printf(&s, "raw_pages_read: %llu\nreader_swaps: %u\n", raw_pages_read[cpu],
		  READ_ONCE(m->reader_swaps));
	return small_open(f, &s);
}

static const struct file_operations cpu_stats_fops = {
	.owner = THIS_MODULE,
	.open = cpu_stats_open,
	.read = small_read,
	.release = small_release,
	.llseek = default_llseek,
};

/* ---- previous boot ---- */

static int prev_trace_open(struct inode *inode, struct file *f)
{
	struct small_text s = { kvmalloc(65536, GFP_KERNEL), 0, 65536 };
	long n;

	mutex_lock(&pmt_prev_lock);
	if (!pmt_prev.mem) {
		mutex_unlock(&pmt_prev_lock);
		kvfree(s.buf);
		return -ENODATA;
	}
	n = pmt_region_text(pmt_prev.mem, pmt_prev.len, UINT32_MAX, true, pmt_std_events,
			    PMT_EV_NR_STD, st_out, &s);
	mutex_unlock(&pmt_prev_lock);
	if (n < 0) {
		kvfree(s.buf);
		return -EIO;
	}
	return small_open(f, &s);
}

static const struct file_operations prev_trace_fops = {
	.owner = THIS_MODULE,
	.open = prev_trace_open,
	.read = small_read,
	.release = small_release,
	.llseek = default_llseek,
};

static int prev_stats_open(struct inode *inode, struct file *f)
{
	struct small_text s = { kvmalloc(4096, GFP_KERNEL), 0, 4096 };

	mutex_lock(&pmt_prev_lock);
	if (pmt_prev.mem) {
		struct pmt_recover_stats st;
		struct pmt_err *err;

		region_stats(&s, pmt_prev.mem, pmt_prev.len);
		err = pmt_region_recover(pmt_prev.mem, pmt_prev.len, NULL, NULL, &st);
		if (!err)
			st_printf(&s,
				  "events: %llu\nconsumed: %llu\nbad_pages: %llu\nbad_cpus: %llu\n"
				  "bad_csum: %llu\nlost: %llu\noverrun: %llu\n",
				  st.events, st.consumed, st.bad_pages, st.bad_cpus, st.bad_csum,
				  st.lost, st.overrun);
		pmt_err_free(err);
	} else {
		st_printf(&s, "released or none\n");
	}
	mutex_unlock(&pmt_prev_lock);
	return small_open(f, &s);
}

static const struct file_operations prev_stats_fops = {
	.owner = THIS_MODULE,
	.open = prev_stats_open,
	.read = small_read,
	.release = small_release,
	.llseek = default_llseek,
};

static ssize_t prev_region_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	ssize_t ret = -ENODATA;

	mutex_lock(&pmt_prev_lock);
	if (pmt_prev.mem)
		ret = simple_read_from_buffer(ubuf, count, ppos, pmt_prev.mem, pmt_prev.len);
	mutex_unlock(&pmt_prev_lock);
	return ret;
}

static const struct file_operations prev_region_fops = {
	.owner = THIS_MODULE,
	.read = prev_region_read,
	.llseek = default_llseek,
};

static ssize_t prev_release_write(struct file *f, const char __user *ubuf, size_t count,
				  loff_t *ppos)
{
	pmt_prev_release();
	return count;
}

static const struct file_operations prev_release_fops = {
	.owner = THIS_MODULE,
	.write = prev_release_write,
	.llseek = noop_llseek,
};

/* ---- marker, tracing_on, debug_corrupt ---- */

static ssize_t marker_write(struct file *f, const char __user *ubuf, size_t count, loff_t *ppos)
{
	size_t n = min_t(size_t, count, PMT_MARKER_MAX + 1);
	char *buf;

	if (!READ_ONCE(pmt_tracing_on))
		return count;
	buf = kmalloc(n + 1, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	if (copy_from_user(buf, ubuf, n)) {
		kfree(buf);
		return -EFAULT;
	}
	if (n && buf[n - 1] == '\n')
		n--;
	pmt_write_marker(buf, min_t(size_t, n, PMT_MARKER_MAX));
	kfree(buf);
	return count;
}

static const struct file_operations marker_fops = {
	.owner = THIS_MODULE,
	.write = marker_write,
	.llseek = noop_llseek,
};

static ssize_t on_read(struct file *f, char __user *ubuf, size_t count, loff_t *ppos)
{
	char b[2] = { READ_ONCE(pmt_tracing_on) ? '1' : '0', '\n' };

	return simple_read_from_buffer(ubuf, count, ppos, b, 2);
}

static ssize_t on_write(struct file *f, const char __user *ubuf, size_t count, loff_t *ppos)
{
	bool v;
	int ret = kstrtobool_from_user(ubuf, count, &v);

	if (ret)
		return ret;
	WRITE_ONCE(pmt_tracing_on, v);
	return count;
}

static const struct file_operations on_fops = {
	.owner = THIS_MODULE,
	.read = on_read,
	.write = on_write,
	.llseek = default_llseek,
};

static ssize_t corrupt_write(struct file *f, const char __user *ubuf, size_t count, loff_t *ppos)
{
	char buf[64];
	size_t n = min(count, sizeof(buf) - 1);
	int ret;

	if (copy_from_user(buf, ubuf, n))
		return -EFAULT;
	buf[n] = '\0';
	ret = pmt_debug_corrupt(buf);
	if (ret)
		return ret;
	pr_warn(PMT_NAME ": debug_corrupt: %s", buf);
	return count;
}

static const struct file_operations corrupt_fops = {
	.owner = THIS_MODULE,
	.write = corrupt_write,
	.llseek = noop_llseek,
};

int pmt_fs_init(void)
{
	struct dentry *pc;
	uint32_t cpu, n = pmt_rb_nr_cpus(pmt_cur.rb);

	root = debugfs_create_dir(PMT_NAME, NULL);
	if (IS_ERR_OR_NULL(root)) {
		pr_err(PMT_NAME ": cannot create the debugfs directory (debugfs mounted?)\n");
		return -ENODEV;
	}
	debugfs_create_file("trace", 0444, root, (void *)(uintptr_t)UINT32_MAX, &live_fops);
	debugfs_create_file("trace_pipe", 0444, root, NULL, &pipe_fops);
	debugfs_create_file("marker", 0222, root, NULL, &marker_fops);
	debugfs_create_file("tracing_on", 0644, root, NULL, &on_fops);
	debugfs_create_file("stats", 0444, root, NULL, &stats_fops);
	pc = debugfs_create_dir("per_cpu", root);
	for (cpu = 0; cpu < n; cpu++) {
		char name[16];
		struct dentry *d;

		snprintf(name, sizeof(name), "cpu%u", cpu);
		d = debugfs_create_dir(name, pc);
		debugfs_create_file("trace", 0444, d, (void *)(uintptr_t)cpu, &live_fops);
		debugfs_create_file("stats", 0444, d, (void *)(uintptr_t)cpu, &cpu_stats_fops);
		/*
		 * _unsafe: the file gets raw_fops itself instead of debugfs's
		 * proxy, which does not forward mmap. Safe here: an open file
		 * holds the module, and the files are only removed at unload.
		 */
		debugfs_create_file_unsafe("trace_pipe_raw", 0444, d, (void *)(uintptr_t)cpu,
					   &raw_fops);
	}
	if (pmt_prev.mem) {
		struct dentry *d = debugfs_create_dir("previous", root);

		debugfs_create_file("trace", 0444, d, NULL, &prev_trace_fops);
		debugfs_create_file("stats", 0444, d, NULL, &prev_stats_fops);
		debugfs_create_file("region", 0444, d, NULL, &prev_region_fops);
		debugfs_create_file("release", 0200, d, NULL, &prev_release_fops);
	}
	if (pmt_debug)
		debugfs_create_file("debug_corrupt", 0200, root, NULL, &corrupt_fops);
	return 0;
}

void pmt_fs_exit(void)
{
	debugfs_remove_recursive(root);
	root = NULL;
}

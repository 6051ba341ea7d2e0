// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_bench.ko: pmtrace's kernel writer against the kernel's own ring
 * buffer, side by side in one guest (bench/kmod/run.sh).
 *
 * For 16- and 64-byte payloads, on 1 and on 2 CPUs at once (one kthread
 * bound to each CPU, started together), each writer appends `events`
 * events per CPU in overwrite mode:
 *
 *   pmtrace   preempt_disable(); pmt_rb_reserve(); memcpy(); pmt_rb_commit();
 *             preempt_enable()   (what a marker write does; probes already
 *             run with preemption disabled)
 *   kernel    ring_buffer_lock_reserve(); memcpy(ring_buffer_event_data());
 *             ring_buffer_unlock_commit()  (the ring buffer disables
 *             preemption itself)
 *
 * and the module prints, per case, ns/event of both and their ratio. Under
 * TCG the absolute numbers mean little; the ratio, measured in the same
 * guest in the same minute, is what to read. The module then refuses to
 * stay loaded (the results are in dmesg).
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/ring_buffer.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <linux/vmalloc.h>

#include "platform.h"
#include "pmtrace/ringbuf.h"

uint8_t pmt_boot_id[16];

static unsigned int events = 100000;
module_param(events, uint, 0444);
MODULE_PARM_DESC(events, "events per CPU per case");
static unsigned int rounds = 3;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "repetitions per case (the best is reported)");

static struct pmt_rb *rb;
static struct trace_buffer *krb;

enum { W_PMT, W_KRB };

struct job {
	int writer;
	unsigned int size;
	unsigned int n;
	u64 ns;
	struct completion *go;
	struct completion done;
};

static int run_job(void *arg)
{
	struct job *j = arg;
	unsigned char payload[64];
	unsigned int i;
	u64 t0;

	memset(payload, 0x5a, sizeof(payload));
	/* sleep, not spin: on a voluntary-preemption kernel a spinning kthread
	 * would keep the starter off this CPU */
	wait_for_completion(j->go);
	t0 = ktime_get_ns();
	if (j->writer == W_PMT) {
		for (i = 0; i < j->n; i++) {
			struct pmt_rb_res res;
			void *p;

			preempt_disable();
			p = pmt_rb_reserve(rb, j->size, &res);
			if (p) {
				memcpy(p, payload, j->size);
				pmt_rb_commit(rb, &res);
			}
			preempt_enable();
		}
	} else {
		for (i = 0; i < j->n; i++) {
			struct ring_buffer_event *ev = ring_buffer_lock_reserve(krb, j->size);

			if (ev) {
				memcpy(ring_buffer_event_data(ev), payload, j->size);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
				ring_buffer_unlock_commit(krb);
#else
				ring_buffer_unlock_commit(krb, ev);
#endif
			}
		}
	}
	j->ns = ktime_get_ns() - t0;
	complete(&j->done);
	return 0;
}

/* ns/event of `writer` with `size`-byte payloads on CPUs 0..ncpu-1 at once */
static u64 measure(int writer, unsigned int size, unsigned int ncpu)
{
	struct job jobs[2];
	struct completion go;
	unsigned int c;
	u64 worst = 0;

	init_completion(&go);
	for (c = 0; c < ncpu; c++) {
		struct task_struct *t;

		jobs[c].writer = writer;
		jobs[c].size = size;
		jobs[c].n = events;
		jobs[c].go = &go;
		init_completion(&jobs[c].done);
		t = kthread_create(run_job, &jobs[c], "pmt_bench/%u", c);
		if (IS_ERR(t))
			return 0;
		kthread_bind(t, c);
		wake_up_process(t);
	}
	msleep(20);
	complete_all(&go);
	for (c = 0; c < ncpu; c++) {
		wait_for_completion(&jobs[c].done);
		worst = max(worst, jobs[c].ns);
	}
	/* per CPU: every CPU wrote `events`; the slowest CPU bounds the run */
	return worst / events;
}

static int __init bench_init(void)
{
	static const unsigned int sizes[] = { 16, 64 };
	struct pmt_rb_opts o = { 0 };
	unsigned int s, n, r;
	size_t len;
	void *mem;
	struct pmt_rb_geometry g;
	struct pmt_err *err;

	o.nr_cpus = nr_cpu_ids;
	o.nr_ring = 256;
	o.flags = PMT_RB_OVERWRITE;
	o.clock_id = PMT_CLOCK_LOCAL_NS;
	err = pmt_rb_plan(&o, 0, &g);
	if (err)
		goto fail_err;
	len = g.total;
	mem = vmalloc(len);
	if (!mem)
		return -ENOMEM;
	err = pmt_rb_create_mem(mem, len, &o, NULL, 0, &rb);
	if (err) {
		vfree(mem);
		goto fail_err;
	}
	krb = ring_buffer_alloc(256 * PAGE_SIZE, RB_FL_OVERWRITE);
	if (!krb) {
		pmt_rb_destroy(rb);
		vfree(mem);
		return -ENOMEM;
	}
	pr_info("pmt_bench: %u events per CPU per case, best of %u, %u CPUs online\n", events,
		rounds, num_online_cpus());
	for (n = 1; n <= min(2u, num_online_cpus()); n++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			u64 best[2] = { U64_MAX, U64_MAX };

			for (r = 0; r < rounds; r++) {
				best[W_PMT] = min(best[W_PMT], measure(W_PMT, sizes[s], n));
				best[W_KRB] = min(best[W_KRB], measure(W_KRB, sizes[s], n));
			}
			pr_info("pmt_bench: payload %u bytes, %u CPU(s): pmtrace %llu ns/event, "
				"kernel "
				"ring buffer %llu ns/event, ratio %llu.%02llu\n",
				sizes[s], n, best[W_PMT], best[W_KRB],
				best[W_KRB] ? best[W_PMT] / best[W_KRB] : 0,
				best[W_KRB] ? best[W_PMT] * 100 / best[W_KRB] % 100 : 0);
		}
	}
	ring_buffer_free(krb);
	pmt_rb_destroy(rb);
	vfree(mem);
	pr_info("pmt_bench: done\n");
	return -EAGAIN; /* results printed; nothing to keep loaded */
fail_err:
	pr_err("pmt_bench: %s\n", err->msg);
	pmt_err_free(err);
	return -EINVAL;
}

module_init(bench_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pmtrace writer vs the kernel ring buffer");

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ring-buffer benchmark: writer cost per event for several payload sizes
 * with 1 and 2 threads (each pinned to its own CPU, writing to that CPU's
 * buffer), consume throughput, and in the same run two references:
 *
 *   mutex ring   a global pthread mutex around "stamp + length + memcpy" in
 *                one shared byte ring (the obvious lock-based design);
 *   memcpy       plain memcpy of the same payloads into a streaming buffer,
 *                and bulk memcpy bandwidth: the physical limit;
 *   lttng-ust    (when built with LTTng-UST and a session records the
 *                pmt_bench:* events: bench/ringbuf/run.sh sets one up) the
 *                same payload through an LTTng-UST tracepoint (16 and 64
 *                bytes), into LTTng's per-CPU ring buffers.
 *
 * usage: bench_ringbuf [events-per-thread]   (default 4,000,000)
 * Numbers on a shared 2-CPU machine are noisy; run it more than once.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmtrace/ringbuf.h"
#ifdef PMT_HAVE_LTTNG
#include "lttng_tp.h"
#endif

static uint64_t nevents;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % CPU_SETSIZE, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* ---- the contenders ---- */

enum kind { K_RB_WRITE, K_RB_RESERVE, K_MUTEX, K_MEMCPY, K_LTTNG };

struct mutex_ring {
	pthread_mutex_t lock;
	unsigned char *buf;
	size_t size, head;
};

struct job {
	enum kind kind;
	struct pmt_rb *rb;
	struct mutex_ring *mr;
	unsigned char *sink; /* per-thread memcpy target */
	uint32_t len;
	int pin_cpu;
	pthread_barrier_t *bar;
	double t0, t1;
	double cpu; /* thread CPU seconds: immune to being descheduled */
};

static void *run(void *arg)
{
	struct job *j = arg;
	unsigned char pay[256];
	size_t pos = 0;

	pin(j->pin_cpu);
	memset(pay, 0x5a, sizeof(pay));
	pthread_barrier_wait(j->bar);
	j->cpu = cpu_s();
	j->t0 = now_s();
	for (uint64_t i = 0; i < nevents; i++) {
		pay[0] = (unsigned char)i;
		switch (j->kind) {
		case K_RB_WRITE:
			pmt_rb_write(j->rb, pay, j->len);
			break;
		case K_RB_RESERVE: {
			struct pmt_rb_res res;
			void *p = pmt_rb_reserve(j->rb, j->len, &res);

			if (p) {
				memcpy(p, pay, j->len);
				pmt_rb_commit(j->rb, &res);
			}
			break;
		}
		case K_MUTEX: {
			struct mutex_ring *m = j->mr;
			uint64_t ts = pmt_rb_now(j->rb);
			size_t need = 12 + j->len;

			pthread_mutex_lock(&m->lock);
			if (m->head + need > m->size)
				m->head = 0;
			memcpy(m->buf + m->head, &ts, 8);
			memcpy(m->buf + m->head + 8, &j->len, 4);
			memcpy(m->buf + m->head + 12, pay, j->len);
			m->head += (need + 3) & ~(size_t)3;
			pthread_mutex_unlock(&m->lock);
			break;
		}
		case K_MEMCPY:
			if (pos + j->len > (1u << 20))
				pos = 0;
			memcpy(j->sink + pos, pay, j->len);
			pos += (j->len + 3) & ~3u;
			break;
		case K_LTTNG:
#ifdef PMT_HAVE_LTTNG
			if (j->len == 16)
				lttng_ust_tracepoint(pmt_bench, ev16, pay);
			else
				lttng_ust_tracepoint(pmt_bench, ev64, pay);
#endif
			break;
		}
	}
	j->t1 = now_s();
	j->cpu = cpu_s() - j->cpu;
	return NULL;
}

/*
 * Wall ns per event per thread (*wall), aggregate Mevents/s (*mevs); returns
 * CPU-time ns per event per thread.
 */
static double measure(enum kind kind, int threads, uint32_t len, uint32_t clock_id, double *mevs,
		      double *wall)
{
	struct pmt_rb_opts o = {
		.nr_cpus = 2, .nr_ring = 256, .flags = PMT_RB_OVERWRITE, .clock_id = clock_id
	};
	struct pmt_rb *rb = NULL;
	struct mutex_ring mr = { .size = 4u << 20 };
	pthread_t th[2];
	struct job jobs[2];
	pthread_barrier_t bar;
	double t0 = 1e30, t1 = 0, per = 0, cpu = 0;

	if (pmt_rb_create(&o, &rb))
		exit(1);
	pthread_mutex_init(&mr.lock, NULL);
	mr.buf = calloc(1, mr.size);
	pthread_barrier_init(&bar, NULL, (unsigned)threads);
	for (int i = 0; i < threads; i++) {
		jobs[i] = (struct job){ .kind = kind,
					.rb = rb,
					.mr = &mr,
					.len = len,
					.pin_cpu = i,
					.bar = &bar,
					.sink = calloc(1, 1u << 20) };
		pthread_create(&th[i], NULL, run, &jobs[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].t0 < t0)
			t0 = jobs[i].t0;
		if (jobs[i].t1 > t1)
			t1 = jobs[i].t1;
		per += (jobs[i].t1 - jobs[i].t0) / (double)nevents * 1e9;
		cpu += jobs[i].cpu / (double)nevents * 1e9;
		free(jobs[i].sink);
	}
	*mevs = (double)nevents * threads / (t1 - t0) / 1e6;
	pthread_barrier_destroy(&bar);
	free(mr.buf);
	pmt_rb_destroy(rb);
	*wall = per / threads;
	return cpu / threads;
}

static void consume_bench(uint32_t len)
{
	struct pmt_rb_opts o = { .nr_cpus = 1, .nr_ring = 4096 };
	struct pmt_rb *rb;
	unsigned char pay[256] = { 0 };
	struct pmt_rb_event ev;
	struct pmt_rb_page page;
	struct pmt_err *err;
	uint64_t n = 0, target = nevents < 1000000 ? nevents : 1000000, bytes = 0;
	double t0, t1;

	if (pmt_rb_create(&o, &rb))
		exit(1);
	for (uint64_t i = 0; i < target; i++)
		pmt_rb_write_cpu(rb, 0, pay, len);
	t0 = now_s();
	while (!(err = pmt_rb_consume(rb, 0, &ev))) {
		n++;
		bytes += ev.len;
	}
	pmt_err_free(err);
	t1 = now_s();
	printf("consume (per event)  %4u B  %7.1f Mevents/s  %7.1f MB/s payload   (%lu events)\n",
	       len, (double)n / (t1 - t0) / 1e6, (double)bytes / (t1 - t0) / 1e6, n);
	for (uint64_t i = 0; i < target; i++)
		pmt_rb_write_cpu(rb, 0, pay, len);
	n = 0;
	t0 = now_s();
	while (!(err = pmt_rb_read_page(rb, 0, PMT_RB_FLUSH, &page))) {
		n++;
		pmt_rb_put_page(rb, &page);
	}
	pmt_err_free(err);
	t1 = now_s();
	printf("consume (whole page) %4u B  %7.1f Mpages/s  %7.1f MB/s pages\n", len,
	       (double)n / (t1 - t0) / 1e6, (double)n * 4096 / (t1 - t0) / 1e6);
	pmt_rb_destroy(rb);
}

static void bulk_memcpy(void)
{
	size_t sz = 64u << 20;
	unsigned char *a = malloc(sz), *b = malloc(sz);
	double t0, t1;

	memset(a, 1, sz);
	memset(b, 2, sz);
	t0 = now_s();
	for (int i = 0; i < 4; i++) {
		a[i] = (unsigned char)i;
		memcpy(b, a, sz);
		__asm__ volatile("" : : "r"(b) : "memory"); /* keep the copy */
	}
	t1 = now_s();
	printf("bulk memcpy 64 MiB: %.1f GB/s (%u)\n", 4.0 * (double)sz / (t1 - t0) / 1e9, b[3]);
	free(a);
	free(b);
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 8, 16, 64, 256 };
	static const char *names[] = { "pmt_rb_write", "reserve/commit", "mutex ring", "memcpy" };

	nevents = argc > 1 ? strtoull(argv[1], NULL, 0) : 4000000;
	printf("pmtrace ring buffer benchmark: %lu events per thread, overwrite mode, "
	       "2 CPU buffers of 256 pages; clock %s\n",
	       nevents, "TSC (pmt_rb_write rows also with CLOCK_MONOTONIC)");
	printf("ns/ev = nanoseconds per event per thread; cpu = thread CPU time (not counting "
	       "time\n"
	       "descheduled), wall = elapsed. 2T/1T = aggregate throughput ratio: cpu-based\n"
	       "(what 2 free CPUs give) and wall-based (what this machine gave).\n");
	printf("%-16s %5s %9s %9s %9s %9s %8s %8s\n", "writer", "bytes", "1T cpu", "1T wall",
	       "2T cpu", "2T wall", "2T/1T c", "2T/1T w");
	for (int k = 0; k < 5; k++) {
		for (unsigned s = 0; s < 4; s++) {
			enum kind kind = k == 4 ? K_RB_WRITE : (enum kind)k;
			uint32_t clk = k == 4 ? PMT_CLOCK_MONO_NS : PMT_CLOCK_TSC;
			double m1, m2, w1, w2;
			double n1 = measure(kind, 1, sizes[s], clk, &m1, &w1);
			double n2 = measure(kind, 2, sizes[s], clk, &m2, &w2);

			printf("%-16s %5u %9.1f %9.1f %9.1f %9.1f %7.2fx %7.2fx\n",
			       k == 4 ? "write (mono ns)" : names[k], sizes[s], n1, w1, n2, w2,
			       2 * n1 / n2, m2 / m1);
		}
	}
#ifdef PMT_HAVE_LTTNG
	if (lttng_ust_tracepoint_enabled(pmt_bench, ev16) &&
	    lttng_ust_tracepoint_enabled(pmt_bench, ev64)) {
		static const uint32_t lsz[] = { 16, 64 };

		for (unsigned s = 0; s < 2; s++) {
			double m1, m2, w1, w2, r1, r2, rw1, rw2, x1, x2;
			double n1 = measure(K_LTTNG, 1, lsz[s], PMT_CLOCK_TSC, &m1, &w1);
			double n2 = measure(K_LTTNG, 2, lsz[s], PMT_CLOCK_TSC, &m2, &w2);
			double p1 = measure(K_RB_WRITE, 1, lsz[s], PMT_CLOCK_TSC, &r1, &rw1);
			double p2 = measure(K_RB_WRITE, 2, lsz[s], PMT_CLOCK_TSC, &r2, &rw2);
			double q1 = measure(K_MUTEX, 1, lsz[s], PMT_CLOCK_TSC, &x1, &x2);

			printf("%-16s %5u %9.1f %9.1f %9.1f %9.1f %7.2fx %7.2fx\n", "lttng-ust",
			       lsz[s], n1, w1, n2, w2, 2 * n1 / n2, m2 / m1);
			printf("ratio %3u B, CPU time: pmt_rb_write / lttng-ust = %.2f (1T) %.2f "
			       "(2T); "
			       "pmt_rb_write / mutex ring = %.2f (1T)\n",
			       lsz[s], p1 / n1, p2 / n2, p1 / q1);
		}
	} else {
		printf("lttng-ust: no session records pmt_bench:* (run bench/ringbuf/run.sh)\n");
	}
#else
	printf("lttng-ust: not built (no liblttng-ust-dev)\n");
#endif
	for (unsigned s = 0; s < 4; s++)
		consume_bench(sizes[s]);
	bulk_memcpy();
	return 0;
}

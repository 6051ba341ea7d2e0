// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stress: T writer threads x M events (plus nested writes from a signal
 * handler) against a concurrent consumer, in producer/consumer or overwrite
 * mode. Every payload carries its writer, sequence number, length and a
 * checksum; the consumer verifies each one, refuses duplicates, and at the
 * end the books must balance exactly:
 *
 *	consumed + overrun + lost == written      (each event seen at most once)
 *
 * usage: test_stress <threads> <events-per-thread> <overwrite 0|1>
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmtrace/ringbuf.h"

#define SIG_TID 255u

struct hdr {
	uint32_t tid, seq, len, csum;
};

static struct pmt_rb *rb;
static uint32_t nthreads, nevents;
static atomic_uint writers_done;
static atomic_ulong sig_written, sig_attempts;
static atomic_int sig_seq;

static uint32_t csum(const unsigned char *p, uint32_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static bool emit(uint32_t tid, uint32_t seq, int how)
{
	unsigned char buf[256];
	struct hdr *h = (struct hdr *)buf;
	uint32_t len = sizeof(*h) + (seq * 2654435761u >> 24) % 200;
	struct pmt_rb_res res;
	void *p;

	h->tid = tid;
	h->seq = seq;
	h->len = len;
	for (uint32_t i = sizeof(*h); i < len; i++)
		buf[i] = (unsigned char)(tid * 31 + seq + i);
	h->csum = csum(buf + sizeof(*h), len - sizeof(*h), tid ^ (seq << 8) ^ len);
	if (how == 0)
		return pmt_rb_write(rb, buf, len);
	p = how == 1 ? pmt_rb_reserve(rb, len, &res) : pmt_rb_reserve_cpu(rb, tid, len, &res);
	if (!p)
		return false;
	memcpy(p, buf, len);
	pmt_rb_commit(rb, &res);
	return true;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&sig_attempts, 1);
	if (emit(SIG_TID, (uint32_t)atomic_fetch_add(&sig_seq, 1), 1))
		atomic_fetch_add(&sig_written, 1);
}

static void *writer(void *arg)
{
	uint32_t tid = (uint32_t)(uintptr_t)arg;

	for (uint32_t s = 0; s < nevents; s++) {
		emit(tid, s, (int)(s % 3));
		if ((s & 1023) == 0)
			sched_yield();
	}
	atomic_fetch_add(&writers_done, 1);
	return NULL;
}

static unsigned char **seen;
static uint64_t consumed, bad, resized;

static void check(const struct pmt_rb_event *ev)
{
	struct hdr h;
	const unsigned char *p = ev->data;
	uint32_t idx;

	if (ev->len < sizeof(h)) {
		bad++;
		return;
	}
	memcpy(&h, p, sizeof(h));
	if (h.len > ev->len || h.len < sizeof(h) ||
	    csum(p + sizeof(h), h.len - sizeof(h), h.tid ^ (h.seq << 8) ^ h.len) != h.csum) {
		bad++;
		return;
	}
	idx = h.tid == SIG_TID ? nthreads : h.tid;
	if (idx > nthreads || h.seq >= nevents * 4u) {
		bad++;
		return;
	}
	if (seen[idx][h.seq / 8] & (1u << (h.seq % 8))) {
		fprintf(stderr, "duplicate event tid %u seq %u\n", h.tid, h.seq);
		bad++;
		return;
	}
	seen[idx][h.seq / 8] |= (unsigned char)(1u << (h.seq % 8));
	consumed++;
}

int main(int argc, char **argv)
{
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 16, .nr_spare = 10 };
	pthread_t th[64];
	struct pmt_rb_event ev;
	struct pmt_rb_stats st;
	struct pmt_err *err;
	uint64_t written;

	if (argc != 4)
		return fprintf(stderr, "usage: %s threads events overwrite\n", argv[0]), 2;
	nthreads = (uint32_t)atoi(argv[1]);
	nevents = (uint32_t)atoi(argv[2]);
	if (!nthreads || nthreads > 64)
		return 2;
	o.flags = atoi(argv[3]) ? PMT_RB_OVERWRITE : 0;
	err = pmt_rb_create(&o, &rb);
	if (err)
		return fprintf(stderr, "%s\n", err->msg), 1;
	seen = calloc(nthreads + 1, sizeof(*seen));
	for (uint32_t i = 0; i <= nthreads; i++)
		seen[i] = calloc(nevents / 2 + 1, 1);
	signal(SIGUSR1, on_signal);
	for (uint32_t i = 0; i < nthreads; i++)
		pthread_create(&th[i], NULL, writer, (void *)(uintptr_t)i);

	/* consume while writing; poke writers with signals for nested writes */
	for (unsigned loop = 0; atomic_load(&writers_done) < nthreads; loop++) {
		if (!(loop % 64) && (uint32_t)atomic_load(&sig_seq) < nevents)
			pthread_kill(th[loop / 64 % nthreads], SIGUSR1);
		/* resize under the writers' feet now and then (refusals are fine) */
		if (!(loop % 4096)) {
			err = pmt_rb_resize(rb, loop / 4096 % 2, loop / 8192 % 2 ? 8 : 16);
			resized += !err;
			pmt_err_free(err);
		}
		err = pmt_rb_consume_merged(rb, &ev);
		if (err) {
			if (err->code != PMT_ERR_NODATA) {
				fprintf(stderr, "consume: %s\n", err->msg);
				return 1;
			}
			pmt_err_free(err);
			usleep(50);
			continue;
		}
		check(&ev);
	}
	for (uint32_t i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	signal(SIGUSR1, SIG_IGN);
	while (!(err = pmt_rb_consume_merged(rb, &ev)))
		check(&ev);
	if (err->code != PMT_ERR_NODATA)
		return fprintf(stderr, "drain: %s\n", err->msg), 1;
	pmt_err_free(err);

	pmt_rb_stats(rb, UINT32_MAX, &st);
	written = (uint64_t)nthreads * nevents + atomic_load(&sig_attempts);
	printf("mode %s threads %u: written %lu (signal %lu) consumed %lu overrun %lu lost %lu "
	       "entries %lu bad %lu resizes %lu\n",
	       o.flags ? "overwrite" : "consumer", nthreads, written, atomic_load(&sig_attempts),
	       consumed, st.overrun, st.lost, st.entries, bad, resized);
	if (bad || consumed + st.overrun + st.lost != written || st.entries ||
	    st.read != consumed || st.committed + st.lost != written)
		return fprintf(stderr, "FAIL: books do not balance\n"), 1;
	if (!o.flags && st.overrun)
		return fprintf(stderr, "FAIL: overrun in producer/consumer mode\n"), 1;
	if (consumed < written / 100)
		return fprintf(stderr, "FAIL: consumer saw almost nothing\n"), 1;
	for (uint32_t i = 0; i <= nthreads; i++)
		free(seen[i]);
	free(seen);
	pmt_rb_destroy(rb);
	return 0;
}

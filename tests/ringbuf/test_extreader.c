// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An external reader follows the writer through the meta pages only.
 *
 * The parent writes from two threads into a file-backed region (producer/
 * consumer mode, retrying when full so every event is eventually written).
 * A child process maps the same file READ-ONLY and loops: ask the writer
 * (over a pipe) to swap the reader page of a CPU, read the meta page under
 * its seqcount to learn reader_id, validate and decode that page straight
 * from the mapping, verify every event. At the end the child must have seen
 * every event exactly once.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmtrace/ringbuf.h"
#include "event.h"

#define NTHREADS 2

static uint32_t nevents;
static struct pmt_rb *rb;
static atomic_int done_writers;

struct ev_hdr {
	uint32_t tid, seq, csum, len;
};

static uint32_t csum(uint32_t tid, uint32_t seq, uint32_t len)
{
	return (tid * 2654435761u) ^ (seq * 40503u) ^ (len << 7) ^ 0x5bd1e995u;
}

static void *writer(void *arg)
{
	uint32_t tid = (uint32_t)(uintptr_t)arg;
	unsigned char buf[128];

	for (uint32_t s = 0; s < nevents; s++) {
		struct ev_hdr *h = (struct ev_hdr *)buf;

		h->tid = tid;
		h->seq = s;
		h->len = sizeof(*h) + s % 100;
		h->csum = csum(tid, s, h->len);
		memset(buf + sizeof(*h), (int)(s & 0xff), h->len - sizeof(*h));
		while (!pmt_rb_write(rb, buf, h->len))
			sched_yield(); /* full: the reader will make room */
	}
	atomic_fetch_add(&done_writers, 1);
	return NULL;
}

/* ---- the child: read-only mapping, meta pages only ---- */

static int child(const char *path, int req, int rep)
{
	int fd = open(path, O_RDONLY);
	size_t len = (size_t)lseek(fd, 0, SEEK_END);
	const unsigned char *mem = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct pmt_region_info info;
	unsigned char *seen[NTHREADS];
	uint64_t got = 0, bad = 0, dup = 0;
	struct pmt_err *err;

	if (mem == MAP_FAILED)
		return 10;
	err = pmt_region_check_header(mem, len, &info);
	if (err)
		return fprintf(stderr, "child: %s\n", err->msg), 11;
	for (int i = 0; i < NTHREADS; i++)
		seen[i] = calloc(nevents, 1);
	for (int idle = 0;;) {
		for (uint32_t cpu = 0; cpu < info.nr_cpus; cpu++) {
			uint32_t reply, id = PMT_NO_PAGE, s1, s2, n;
			const struct pmt_cpu_meta *m;
			uint64_t moff;
			const unsigned char *pg;
			struct pmt_walk w;
			struct pmt_walk_ev ev;
			const char *why;
			uint64_t commit, ts;

			if (write(req, &cpu, 4) != 4 || read(rep, &reply, 4) != 4)
				return 12;
			if (reply == PMT_NO_PAGE) {
				idle++;
				continue;
			}
			memcpy(&moff, mem + PMT_REGION_HDR_FIXED + 8 * cpu, 8);
			m = (const void *)(mem + moff);
			do {
				s1 = (uint32_t)__atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
				id = m->reader_id;
				s2 = (uint32_t)__atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
			} while (s1 != s2 || (s1 & 1));
			if (id != reply || mem[moff + m->state_start + id] != PMT_PAGE_READER)
				return fprintf(stderr, "meta reader %u, writer said %u\n", id,
					       reply),
				       13;
			pg = mem + moff + m->pages_off + (uint64_t)id * info.page_size;
			err = pmt_rb_page_check(pg, info.page_size, &n, NULL);
			if (err)
				return fprintf(stderr, "page %u: %s\n", id, err->msg), 14;
			memcpy(&ts, pg, 8);
			memcpy(&commit, pg + 8, 8);
			pmt_walk_init(&w, pg + 16, (uint32_t)commit & ~PMT_RB_MISSED_FLAGS, ts);
			while (pmt_walk_next_data(&w, &ev, &why) == 1) {
				struct ev_hdr h;

				memcpy(&h, ev.payload, sizeof(h));
				if (h.tid >= NTHREADS || h.seq >= nevents ||
				    h.csum != csum(h.tid, h.seq, h.len) || h.len > ev.len) {
					bad++;
					continue;
				}
				if (seen[h.tid][h.seq]++)
					dup++;
				got++;
			}
			idle = 0;
		}
		if (got == (uint64_t)NTHREADS * nevents || idle > 200000)
			break;
	}
	{
		uint32_t stop = UINT32_MAX;

		if (write(req, &stop, 4) != 4)
			return 15;
	}
	printf("external reader: %lu events, %lu duplicates, %lu bad\n", got, dup, bad);
	fflush(stdout);
	return got == (uint64_t)NTHREADS * nevents && !dup && !bad ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 8 };
	char path[256];
	int req[2], rep[2], status;
	pthread_t th[NTHREADS];
	struct pmt_err *err;
	pid_t pid;

	nevents = argc > 1 ? (uint32_t)atoi(argv[1]) : 100000;
	snprintf(path, sizeof(path), "%s/pmt-ext-%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 getpid());
	err = pmt_rb_create_path(path, &o, &rb);
	if (err)
		return fprintf(stderr, "%s\n", err->msg), 1;
	if (pipe(req) || pipe(rep))
		return 1;
	pid = fork();
	if (pid == 0) {
		close(req[0]);
		close(rep[1]);
		_exit(child(path, req[1], rep[0]));
	}
	close(req[1]);
	close(rep[0]);
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&th[i], NULL, writer, (void *)(uintptr_t)i);
	/* serve swap requests: this is the writer's side of the protocol */
	for (;;) {
		uint32_t cpu, id = PMT_NO_PAGE;

		if (read(req[0], &cpu, 4) != 4 || cpu == UINT32_MAX)
			break;
		/* flush the tail page only once writers are done: keeps pages full */
		err = pmt_rb_swap_reader(
			rb, cpu, atomic_load(&done_writers) == NTHREADS ? PMT_RB_FLUSH : 0, &id);
		if (err) {
			id = PMT_NO_PAGE;
			pmt_err_free(err);
		}
		if (write(rep[1], &id, 4) != 4)
			break;
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	waitpid(pid, &status, 0);
	pmt_rb_destroy(rb);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

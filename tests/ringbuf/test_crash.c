// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Crash consistency of the persistent mode. Each round forks a writer on a
 * file-backed region; the writer logs the sequence number of every event
 * whose commit returned to a side pipe, and is SIGKILLed after a random
 * delay. The region is then validated read-only and every recovered event
 * checked: checksums must verify, sequence numbers must be 0..R-1 without a
 * gap or duplicate, and R must equal the number logged, or that plus one (the
 * event whose commit completed but was not yet logged). Every tenth round the
 * region is also reopened for writing and must accept new events after the
 * recovered ones.
 *
 * With "overwrite" the region is a small flight recorder that wraps many
 * times: what is recovered must then be, per CPU, a gap-free run of the
 * newest events, ending at the last logged one (or the one after it).
 *
 * usage: test_crash <rounds> [max-delay-us] [overwrite]
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmtrace/ringbuf.h"

struct ev_hdr {
	uint32_t seq, len, csum, pad;
};

static uint32_t csum(const unsigned char *p, uint32_t n, uint32_t seed)
{
	uint32_t h = 2166136261u ^ seed;

	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void child(const char *path, int logfd)
{
	struct pmt_rb *rb;
	struct pmt_err *err = pmt_rb_open_path(path, NULL, NULL, NULL, &rb);
	unsigned char buf[600];

	if (err) {
		fprintf(stderr, "child open: %s\n", err->msg);
		_exit(3);
	}
	for (uint32_t seq = 0;; seq++) {
		struct ev_hdr *h = (struct ev_hdr *)buf;
		uint32_t len = sizeof(*h) + (seq * 2654435761u >> 20) % 500;
		struct pmt_rb_res res;
		void *p;

		h->seq = seq;
		h->len = len;
		h->pad = 0;
		for (uint32_t i = sizeof(*h); i < len; i++)
			buf[i] = (unsigned char)(seq * 7 + i);
		h->csum = csum(buf + sizeof(*h), len - sizeof(*h), seq ^ len);
		p = pmt_rb_reserve_cpu(rb, seq % 2, len, &res);
		if (!p) {
			seq--; /* buffer full: nothing committed, try again later */
			if (write(logfd, "", 0) < 0)
				_exit(4);
			continue;
		}
		memcpy(p, buf, len);
		pmt_rb_commit(rb, &res);
		if (write(logfd, &seq, 4) != 4)
			_exit(4);
	}
}

struct check {
	uint32_t n, bad, max_seq;
	unsigned char *seen;
	uint32_t cap;
};

static int on_event(void *arg, const struct pmt_rb_event *ev)
{
	struct check *c = arg;
	struct ev_hdr h;
	const unsigned char *p = ev->data;

	if (ev->len < sizeof(h)) {
		c->bad++;
		return 0;
	}
	memcpy(&h, p, sizeof(h));
	if (h.len > ev->len || h.len < sizeof(h) ||
	    csum(p + sizeof(h), h.len - sizeof(h), h.seq ^ h.len) != h.csum || h.seq >= c->cap ||
	    c->seen[h.seq]) {
		c->bad++;
		return 0;
	}
	c->seen[h.seq] = 1;
	c->n++;
	return 0;
}

static void on_bad(void *arg, uint32_t cpu, uint32_t id, const char *why)
{
	struct check *c = arg;

	fprintf(stderr, "bad: cpu %u page %u: %s\n", cpu, id, why);
	c->bad++;
}

static int recover_file(const char *path, struct check *c)
{
	static const struct pmt_recover_ops ops = { on_event, on_bad };
	int fd = open(path, O_RDONLY);
	size_t len = (size_t)lseek(fd, 0, SEEK_END);
	void *mem = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	struct pmt_err *err;

	close(fd);
	if (mem == MAP_FAILED)
		return -1;
	memset(c->seen, 0, c->cap);
	c->n = c->bad = 0;
	err = pmt_region_recover(mem, len, &ops, c, NULL);
	munmap(mem, len);
	if (err) {
		fprintf(stderr, "recover: %s\n", err->msg);
		pmt_err_free(err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 200;
	int max_delay = argc > 2 ? atoi(argv[2]) : 4000;
	struct pmt_rb_opts o = { .nr_cpus = 2, .nr_ring = 256 };
	int overwrite = argc > 3 && !strcmp(argv[3], "overwrite");
	char path[256];
	struct check c = { .cap = 1u << 22 };
	uint32_t *logged = malloc(4u << 20);
	int fails = 0, inflight = 0, nonempty = 0;

	c.seen = malloc(c.cap);
	if (overwrite) {
		o.flags = PMT_RB_OVERWRITE;
		o.nr_ring = 8;
	}
	snprintf(path, sizeof(path), "%s/pmt-crash-%d",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", getpid());
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	for (int r = 0; r < rounds; r++) {
		struct pmt_rb *rb;
		struct pmt_err *err = pmt_rb_create_path(path, &o, &rb);
		int pfd[2], status;
		pid_t pid;
		size_t got = 0;
		ssize_t n;

		if (err)
			return fprintf(stderr, "create: %s\n", err->msg), 1;
		pmt_rb_destroy(rb);
		if (pipe(pfd))
			return 1;
		fcntl(pfd[1], F_SETPIPE_SZ, 1 << 20);
		pid = fork();
		if (pid == 0) {
			close(pfd[0]);
			child(path, pfd[1]);
		}
		close(pfd[1]);
		/* start the clock once the writer is writing: every kill is mid-stream */
		while (got < 4 && (n = read(pfd[0], (char *)logged + got, 4 - got)) > 0)
			got += (size_t)n;
		usleep((useconds_t)(rand() % max_delay));
		kill(pid, SIGKILL);
		while ((n = read(pfd[0], (char *)logged + got, (4u << 20) - got)) > 0)
			got += (size_t)n;
		close(pfd[0]);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status))
			return fprintf(stderr, "round %d: writer exited %d\n", r, status), 1;
		if (recover_file(path, &c))
			return 1;
		got /= 4;
		/* recovered = logged, or logged + 1 (committed, not yet logged) */
		inflight += c.n == got + 1 || (overwrite && got < c.cap && c.seen[got]);
		nonempty += c.n > 0;
		if (!overwrite) {
			/* recovered = logged, or logged + 1 (committed, not yet logged) */
			if (c.bad || (c.n != got && c.n != got + 1)) {
				fprintf(stderr, "round %d: logged %zu recovered %u bad %u\n", r,
					got, c.n, c.bad);
				fails++;
			}
			for (uint32_t s = 0; s < c.n; s++) {
				if (!c.seen[s]) {
					fprintf(stderr, "round %d: seq %u missing\n", r, s);
					fails++;
					break;
				}
			}
		} else {
			/* per CPU (seq parity): a gap-free run ending at the newest */
			uint32_t top =
				got < c.cap && c.seen[got] ? (uint32_t)got : (uint32_t)got - 1;

			if (c.bad || !got || !c.seen[top] || (top + 1 < c.cap && c.seen[top + 1])) {
				fprintf(stderr,
					"round %d: newest event %u not recovered last (bad %u)\n",
					r, top, c.bad);
				fails++;
			}
			for (uint32_t par = 0; par < 2 && got > 2; par++) {
				int64_t s = top - ((top - par) % 2);
				uint32_t run = 0;

				while (s >= 0 && c.seen[s]) {
					run++;
					s -= 2;
				}
				for (; s >= 0; s -= 2) {
					if (c.seen[s]) {
						fprintf(stderr, "round %d: gap before seq %ld\n", r,
							(long)s);
						fails++;
						break;
					}
				}
				if (!run) {
					fprintf(stderr, "round %d: cpu %u recovered nothing\n", r,
						par);
					fails++;
				}
			}
		}
		if (r % 10 == 0 && !overwrite) {
			uint32_t before = c.n, v = 0xffffffff, want;

			err = pmt_rb_open_path(path, NULL, NULL, NULL, &rb);
			if (err)
				return fprintf(stderr, "reopen: %s\n", err->msg), 1;
			/* no header, so it is recovered as unverified; dropped when full */
			want = pmt_rb_write_cpu(rb, 0, &v, 4) ? 1 : 0;
			pmt_rb_destroy(rb);
			if (recover_file(path, &c) || c.n != before || c.bad != want) {
				fprintf(stderr,
					"round %d: reopen+write: %u events (%u before), %u "
					"unverified (want %u)\n",
					r, c.n, before, c.bad, want);
				fails++;
			}
		}
		if (r % 50 == 0)
			printf("round %d: logged %zu recovered %u\n", r, got, c.n);
	}
	unlink(path);
	free(c.seen);
	free(logged);
	printf("%d rounds (%d killed after writing, %d with the in-flight event recovered), "
	       "%d failures\n",
	       rounds, nonempty, inflight, fails);
	return fails ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for batch-test.sh: a mapped dump whose file shrinks while
 * pmtrace reads it, deterministically and without touching the dump. When
 * the file named by PMT_SHRINK_FILE is mmap()ed, the map is made of a copy
 * of only its first PMT_SHRINK_TO bytes (default 64 KiB) instead: every
 * access past that raises SIGBUS, as after a truncation.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef void *(*mmap_fn)(void *, size_t, int, int, int, off_t);

/* A file holding the first `keep` bytes of fd's file. -1 on failure. */
static int short_copy(int fd, size_t keep)
{
	char name[] = "/tmp/pmt-shrink-XXXXXX", buf[65536];
	int out = mkstemp(name);
	size_t done = 0;

	if (out < 0)
		return -1;
	unlink(name);
	while (done < keep) {
		size_t want = keep - done < sizeof(buf) ? keep - done : sizeof(buf);
		ssize_t n = pread(fd, buf, want, (off_t)done);

		if (n <= 0 || write(out, buf, (size_t)n) != n)
			break;
		done += (size_t)n;
	}
	return out;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	static mmap_fn real;
	const char *target = getenv("PMT_SHRINK_FILE");
	char link[64], path[PATH_MAX], want[PATH_MAX];
	ssize_t n;

	if (!real)
		real = (mmap_fn)dlsym(RTLD_NEXT, "mmap");
	if (fd >= 0 && target && realpath(target, want)) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, path, sizeof(path) - 1);
		if (n > 0) {
			path[n] = '\0';
			if (!strcmp(path, want)) {
				const char *to = getenv("PMT_SHRINK_TO");
				int s = short_copy(fd, to ? strtoul(to, NULL, 0) : 65536);

				if (s >= 0) {
					void *m = real(addr, len, prot, flags, s, off);

					close(s); /* the map keeps the file */
					fprintf(stderr, "shrink_shim: %s mapped short\n", path);
					return m;
				}
			}
		}
	}
	return real(addr, len, prot, flags, fd, off);
}

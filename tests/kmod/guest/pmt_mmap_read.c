// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_mmap_read CPU ROUNDS: the zero-copy reader of pmtrace.ko, run in the
 * corpus guest (static binary). It maps per_cpu/cpuCPU/trace_pipe_raw
 * read-only (the CPU's meta area, then its data pages), and ROUNDS times asks
 * the module for a new reader page (PMT_IOC_GET_READER, flushing the tail),
 * reads reader_id from the mapped meta area under its seqcount, and decodes
 * that page in place with the one page decoder, checking every event's
 * checksum. Prints one line:
 *   mmap cpuN: swaps S pages P events E bad_csum B duplicates D seq A..Z
 * and exits 1 if anything was wrong (bad checksum, duplicate seq, a reader id
 * out of range), 2 when the file cannot be mapped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "page_decoder.h"
#include "pmtrace/kstate.h"
#include "pmtrace/layout.h"

static uint32_t meta_reader(const volatile struct pmt_cpu_meta *m)
{
	for (int i = 0; i < 1000; i++) {
		uint64_t s1 = __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE);
		uint32_t id = m->reader_id;

		if (!(s1 & 1) && __atomic_load_n(&m->seq, __ATOMIC_ACQUIRE) == s1)
			return id;
	}
	return PMT_NO_PAGE;
}

int main(int argc, char **argv)
{
	char path[128];
	int cpu = argc > 1 ? atoi(argv[1]) : 0, rounds = argc > 2 ? atoi(argv[2]) : 100;
	const struct pmt_cpu_meta *m;
	unsigned char *map;
	size_t len;
	int fd;
	uint32_t swaps = 0, pages = 0, events = 0, bad = 0, dups = 0, first = 0, last = 0;
	static unsigned char seen[1 << 20];

	snprintf(path, sizeof(path), "/sys/kernel/debug/pmtrace/per_cpu/cpu%d/trace_pipe_raw", cpu);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		perror(path);
		return 2;
	}
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap meta");
		return 2;
	}
	m = (const void *)map;
	len = m->pages_off + (size_t)m->nr_pages * 4096;
	munmap(map, 4096);
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	m = (const void *)map;
	if (m->magic != (uint32_t)~PMT_META_MAGIC_NOT || m->cpu != (uint32_t)cpu) {
		fprintf(stderr, "mapped meta area is not cpu %d's\n", cpu);
		return 1;
	}
	for (int r = 0; r < rounds; r++) {
		long id = ioctl(fd, PMT_IOC_GET_READER, 1);
		struct pmt_pd_cursor c;
		struct pmt_pd_rec rec;
		const unsigned char *pg;
		uint64_t commit, ts;
		const char *why;
		uint32_t need, rid;

		if (id < 0) {
			if (errno != EAGAIN) {
				perror("ioctl");
				return 1;
			}
			usleep(20000);
			continue;
		}
		swaps++;
		rid = meta_reader((const volatile void *)m);
		if (rid != (uint32_t)id || rid >= m->nr_pages) {
			fprintf(stderr, "reader id %ld, meta says %u\n", id, rid);
			return 1;
		}
		pg = map + m->pages_off + (size_t)rid * 4096;
		memcpy(&ts, pg, 8);
		memcpy(&commit, pg + 8, 8);
		pmt_pd_init(&c, pg + 16, (uint32_t)commit & ~PMT_RB_MISSED_FLAGS, ts, false);
		pages++;
		while (pmt_pd_next(&c, &rec, &why, &need) == 0 && rec.kind != PMT_PD_END) {
			struct pmt_entry e;

			if (rec.kind != PMT_PD_DATA)
				continue;
			memcpy(&e, rec.payload, sizeof(e));
			if (rec.len < sizeof(e) || e.csum != pmt_entry_csum(rec.payload, rec.len)) {
				bad++;
				continue;
			}
			if (e.seq < sizeof(seen) * 8) {
				if (seen[e.seq / 8] & (1u << (e.seq % 8)))
					dups++;
				seen[e.seq / 8] |= 1u << (e.seq % 8);
			}
			if (!events)
				first = e.seq;
			last = e.seq;
			events++;
		}
	}
	printf("mmap cpu%d: swaps %u pages %u events %u bad_csum %u duplicates %u seq %u..%u\n",
	       cpu, swaps, pages, events, bad, dups, first, last);
	return bad || dups || !events;
}

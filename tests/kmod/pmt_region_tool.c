// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pmt_region_tool: the host side of the kernel module's corpus tests, using
 * nothing but the region format (no debuginfo, no module symbols).
 *
 *   scan VMCORE.elf PREFIX   find every pmtrace region in the dump's physical
 *                            memory (page-aligned magic + valid header),
 *                            reassemble it through its chunk table, write
 *                            PREFIX<boot_seq>.bin and print one line per
 *                            region: boot_seq phys size chunks label release
 *   text REGION [CPU]        print it as the module prints trace (or
 *                            per_cpu/cpuN/trace)
 *   seqcheck REGION STATS... per CPU (STATS = the module's per_cpu/cpuN/stats
 *                            files, in CPU order): no duplicate seq, no
 *                            checksum failure, the unread events are exactly
 *                            `entries` many, all within the last
 *                            entries + lost numbers below seq_next, with at
 *                            most `lost` gaps; and seq_next == committed + lost
 *
 * Exit status 0 when everything checked, 1 on a failed check, 2 on bad use.
 */
#include <elf.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmtrace/events.h"
#include "pmtrace/region.h"

struct seg {
	uint64_t paddr, size;
	const unsigned char *data; /* NULL past filesz */
	uint64_t filesz;
};

static struct seg segs[256];
static int nsegs;

static int map_file(const char *path, const unsigned char **mem, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		return -1;
	}
	*len = (size_t)st.st_size;
	*mem = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*mem == MAP_FAILED) {
		perror("mmap");
		return -1;
	}
	return 0;
}

static int load_elf(const unsigned char *m, size_t len)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)m;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return -1;
	for (int i = 0; i < eh->e_phnum && nsegs < 256; i++) {
		const Elf64_Phdr *ph =
			(const Elf64_Phdr *)(m + eh->e_phoff + (uint64_t)i * eh->e_phentsize);

		if ((const unsigned char *)(ph + 1) > m + len)
			return -1;
		if (ph->p_type != PT_LOAD || ph->p_offset + ph->p_filesz > len)
			continue;
		segs[nsegs].paddr = ph->p_paddr;
		segs[nsegs].size = ph->p_memsz;
		segs[nsegs].filesz = ph->p_filesz;
		segs[nsegs].data = m + ph->p_offset;
		nsegs++;
	}
	return 0;
}

/* Copy physical [pa, pa + n) into dst; missing bytes become zero. */
static uint64_t read_phys(uint64_t pa, void *dst, uint64_t n)
{
	uint64_t got = 0;

	memset(dst, 0, n);
	for (int i = 0; i < nsegs; i++) {
		uint64_t s = segs[i].paddr, e = s + segs[i].filesz, a, b;

		a = pa > s ? pa : s;
		b = pa + n < e ? pa + n : e;
		if (a < b) {
			memcpy((char *)dst + (a - pa), segs[i].data + (a - s), b - a);
			got += b - a;
		}
	}
	return got;
}

static int cmd_scan(const char *path, const char *prefix)
{
	const unsigned char *m;
	size_t len;
	uint64_t magic = pmt_region_magic();
	int found = 0;

	if (map_file(path, &m, &len) || load_elf(m, len)) {
		fprintf(stderr, "%s: not an ELF vmcore\n", path);
		return 2;
	}
	for (int i = 0; i < nsegs; i++) {
		for (uint64_t off = 0; off + 4096 <= segs[i].filesz; off += 4096) {
			struct pmt_region_hdr h;
			struct pmt_region_info info;
			const struct pmt_region_chunk *ch;
			unsigned char *img, *hdrbuf;
			uint32_t n;
			uint64_t at = 0, pa = segs[i].paddr + off;
			struct pmt_err *err;
			char out[4096];
			FILE *f;

			if (memcmp(segs[i].data + off, &magic, 8))
				continue;
			memcpy(&h, segs[i].data + off, sizeof(h));
			if (h.abi_major != PMT_REGION_ABI_MAJOR || h.hdr_size > (1u << 24) ||
			    h.total_size > (1ull << 34) || h.total_size < h.hdr_size) {
				printf("candidate at %#" PRIx64 ": not usable\n", pa);
				continue;
			}
			/* the header and chunk table are in chunk 0, contiguous here */
			hdrbuf = malloc(h.hdr_size);
			read_phys(pa, hdrbuf, h.hdr_size);
			img = calloc(1, h.total_size);
			if (h.nr_chunks == 0) {
				read_phys(pa, img, h.total_size);
			} else {
				const struct pmt_region_chunk *c =
					(const void *)(hdrbuf + h.chunks_off);

				for (uint32_t k = 0; k < h.nr_chunks && at < h.total_size; k++) {
					uint64_t l = c[k].len;

					if (l > h.total_size - at)
						l = h.total_size - at;
					read_phys(c[k].phys, img + at, l);
					at += l;
				}
			}
			free(hdrbuf);
			err = pmt_region_check_header(img, h.total_size, &info);
			if (!err)
				err = pmt_region_chunks(img, h.total_size, &ch, &n);
			if (err) {
				printf("candidate at %#" PRIx64 ": %s\n", pa, err->msg);
				pmt_err_free(err);
				free(img);
				continue;
			}
			snprintf(out, sizeof(out), "%s%" PRIu64 ".bin", prefix, info.boot_seq);
			f = fopen(out, "wb");
			if (!f || fwrite(img, 1, h.total_size, f) != h.total_size || fclose(f)) {
				perror(out);
				return 2;
			}
			printf("region boot_seq %" PRIu64 " phys %#" PRIx64 " size %" PRIu64
			       " chunks %u label %s release %s -> %s\n",
			       info.boot_seq, pa, info.total_size, n, info.label, info.release,
			       out);
			found++;
			free(img);
		}
	}
	return found ? 0 : 1;
}

static void out_stdout(void *arg, const char *t, size_t n)
{
	(void)arg;
	fwrite(t, 1, n, stdout);
}

static int cmd_text(const char *path, const char *cpu)
{
	const unsigned char *m;
	size_t len;

	if (map_file(path, &m, &len))
		return 2;
	return pmt_region_text(m, len, cpu ? (uint32_t)atoi(cpu) : UINT32_MAX, true, pmt_std_events,
			       PMT_EV_NR_STD, out_stdout, NULL) < 0;
}

static uint64_t stat_of(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t kl = strlen(key);
	uint64_t v = UINT64_MAX;

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtoull(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_seqcheck(const char *path, int nstats, char **stats)
{
	const unsigned char *m;
	size_t len;
	int bad = 0;

	if (map_file(path, &m, &len))
		return 2;
	for (int cpu = 0; cpu < nstats; cpu++) {
		uint64_t seq_next = stat_of(stats[cpu], "seq_next");
		uint64_t entries = stat_of(stats[cpu], "entries");
		uint64_t lost = stat_of(stats[cpu], "lost");
		uint64_t committed = stat_of(stats[cpu], "committed");
		struct pmt_recover_stats st;
		struct pmt_region_iter *it;
		struct pmt_rb_event ev;
		uint32_t *seqs = NULL, n = 0, cap = 0, dups = 0, gaps = 0, lo;
		struct pmt_err *err;

		if (seq_next == UINT64_MAX || entries == UINT64_MAX || lost == UINT64_MAX) {
			fprintf(stderr, "%s: no seq_next/entries/lost\n", stats[cpu]);
			return 2;
		}
		err = pmt_region_iter_start(m, len, PMT_RI_UNREAD | PMT_RI_CPU(cpu), NULL, NULL,
					    &st, &it);
		if (err) {
			fprintf(stderr, "%s: %s\n", path, err->msg);
			return 1;
		}
		while (pmt_region_iter_next(it, &ev)) {
			struct pmt_entry e;

			memcpy(&e, ev.data, sizeof(e));
			if (n == cap) {
				cap = cap ? 2 * cap : 1024;
				seqs = realloc(seqs, cap * sizeof(*seqs));
			}
			seqs[n++] = e.seq;
		}
		pmt_region_iter_free(it);
		qsort(seqs, n, sizeof(*seqs), cmp_u32);
		for (uint32_t i = 1; i < n; i++) {
			if (seqs[i] == seqs[i - 1])
				dups++;
			else if (seqs[i] != seqs[i - 1] + 1)
				gaps += seqs[i] - seqs[i - 1] - 1;
		}
		lo = (uint32_t)(seq_next - entries - lost);
		printf("cpu %d: %u unread events, seq %u..%u, seq_next %" PRIu64
		       ", entries %" PRIu64 ", lost %" PRIu64 ": %u duplicates, %u gaps, %" PRIu64
		       " bad checksums\n",
		       cpu, n, n ? seqs[0] : 0, n ? seqs[n - 1] : 0, seq_next, entries, lost, dups,
		       gaps, st.bad_csum);
		if (dups || st.bad_csum || n != entries || gaps > lost ||
		    (n && (seqs[0] < lo || seqs[n - 1] >= seq_next))) {
			printf("cpu %d: FAIL\n", cpu);
			bad = 1;
		}
		if (committed != UINT64_MAX && seq_next != committed + lost) {
			printf("cpu %d: FAIL seq_next %" PRIu64 " != committed %" PRIu64
			       " + lost %" PRIu64 "\n",
			       cpu, seq_next, committed, lost);
			bad = 1;
		}
		free(seqs);
	}
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "scan"))
		return cmd_scan(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "text"))
		return cmd_text(argv[2], argc > 3 ? argv[3] : NULL);
	if (argc >= 4 && !strcmp(argv[1], "seqcheck"))
		return cmd_seqcheck(argv[2], argc - 3, argv + 3);
	fprintf(stderr, "usage: pmt_region_tool scan VMCORE PREFIX | text REGION [CPU] | "
			"seqcheck REGION STATS...\n");
	return 2;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the region validator and the reopen path.
 *
 * Input: one control byte, then the region image. Control bit 0 recomputes
 * the header checksum first (so mutated header fields reach the deeper
 * checks instead of all failing the checksum); bit 1 also opens the image
 * for writing through a memfd with pmt_rb_open_path(), which must either
 * fail without changing a byte, or succeed, accept a write, and leave a
 * region that validates again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmtrace/events.h"
#include "pmtrace/ringbuf.h"
#include "region_view.h"

static int on_event(void *arg, const struct pmt_rb_event *ev)
{
	const unsigned char *p = ev->data;
	unsigned *sum = arg;

	for (uint32_t i = 0; i < ev->len; i++) /* touch every byte: ASan checks bounds */
		*sum += p[i];
	return 0;
}

static void on_bad(void *arg, uint32_t cpu, uint32_t id, const char *why)
{
	(void)arg;
	(void)cpu;
	(void)id;
	if (!why || !*why)
		abort();
}

static const struct pmt_recover_ops ops = { on_event, on_bad };

static void text_out(void *arg, const char *t, size_t n)
{
	unsigned *sum = arg;

	for (size_t i = 0; i < n; i++)
		*sum += (unsigned char)t[i];
}

/* Everything a reader does with the static parts and the text. */
static void read_all(const unsigned char *img, size_t len, unsigned *sum)
{
	const struct pmt_region_chunk *ch;
	const void *area;
	uint32_t n, size, pos = 0;
	struct pmt_region_event_desc d;
	char comm[17];
	struct pmt_err *err = pmt_region_chunks(img, len, &ch, &n);

	if (!err)
		for (uint32_t i = 0; i < n; i++)
			*sum += (unsigned)ch[i].len;
	pmt_err_free(err);
	err = pmt_region_events(img, len, &area, &size);
	if (!err)
		while (pmt_region_event_next(area, size, &pos, &d) == 1)
			*sum += d.format[d.fmt_len ? d.fmt_len - 1 : 0] + d.system[0];
	pmt_err_free(err);
	for (int32_t pid = 0; pid < 64; pid++)
		pmt_region_comm_name(img, len, pid, comm);
	pmt_region_text(img, len, UINT32_MAX, true, pmt_std_events, PMT_EV_NR_STD, text_out, sum);
	pmt_region_text(img, len, 0, false, pmt_std_events, PMT_EV_NR_STD, text_out, sum);
}

static void try_open(const unsigned char *img, size_t len)
{
	int fd = memfd_create("pmt-fuzz", 0);
	char path[64];
	struct pmt_rb *rb;
	struct pmt_err *err;
	unsigned sum = 0;

	if (fd < 0)
		return;
	if (write(fd, img, len) != (ssize_t)len) {
		close(fd);
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err = pmt_rb_open_path(path, &ops, &sum, NULL, &rb);
	if (err) {
		unsigned char *back = malloc(len);

		if (pread(fd, back, len, 0) != (ssize_t)len || memcmp(back, img, len))
			abort(); /* a failed open wrote to the region */
		free(back);
		pmt_err_free(err);
	} else {
		uint32_t v = 42;
		size_t rlen;
		const void *mem;

		pmt_rb_write_cpu(rb, 0, &v, 4);
		pmt_err_free(pmt_rb_resize(rb, 0, 2));
		pmt_err_free(pmt_rb_resize(rb, 0, 1000));
		pmt_rb_write_cpu(rb, 0, &v, 4);
		mem = pmt_rb_region(rb, &rlen);
		err = pmt_region_recover(mem, rlen, &ops, &sum, NULL);
		if (err)
			abort(); /* what we repaired must validate */
		pmt_rb_destroy(rb);
	}
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img;
	size_t len, pos = 0;
	unsigned sum = 0;
	struct pmt_region_info info;
	struct pmt_err *err;
	uint8_t ctl;

	if (size < 1)
		return 0;
	ctl = data[0];
	len = size - 1;
	img = malloc(len ? len : 1);
	memcpy(img, data + 1, len);
	if ((ctl & 1) && len >= sizeof(struct pmt_region_hdr)) {
		struct pmt_region_hdr *h = (struct pmt_region_hdr *)img;

		if (h->hdr_size >= PMT_REGION_HDR_FIXED && h->hdr_size <= len)
			h->hdr_csum = pmt_region_hdr_csum(img, h->hdr_size);
	}
	err = pmt_region_recover(img, len, &ops, &sum, NULL);
	pmt_err_free(err);
	err = pmt_region_find(img, len, &pos, &info);
	pmt_err_free(err);
	if (ctl & 4)
		read_all(img, len, &sum);
	if (ctl & 2)
		try_open(img, len);
	free(img);
	return 0;
}

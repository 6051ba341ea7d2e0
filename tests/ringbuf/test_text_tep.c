// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The module's printer against libtraceevent: the reader side prints
 * pmtrace events by parsing the region's own descriptions with
 * libtraceevent, the module prints `trace` with ringbuf/evfmt.c. Both must
 * give the same bytes. For every standard event, the format text is taken
 * out of a region (as a reader would), parsed with tep_parse_format(), and
 * random payloads are printed both ways (tep_print_event "%s" of
 * TEP_PRINT_INFO vs pmt_event_print()) and compared; plus hand-picked edge
 * values (negative numbers, full-length comms without NUL, empty markers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include "pmtrace/events.h"
#include "pmtrace/ringbuf.h"

static uint64_t rng = 0x243f6a8885a308d3ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 9);
}

static void rnd_str(char *dst, size_t size, bool full)
{
	size_t n = full ? size : rnd() % (size + 1);

	memset(dst, 0, size);
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)(' ' + rnd() % 95);
}

static int32_t rnd_int(void)
{
	switch (rnd() % 5) {
	case 0:
		return 0;
	case 1:
		return -(int32_t)(rnd() % 1000);
	case 2:
		return (int32_t)0x80000000u;
	case 3:
		return 0x7fffffff;
	default:
		return (int32_t)(rnd() % 100000);
	}
}

/* A random payload of event `id`; returns its length. */
static uint32_t payload(uint32_t id, unsigned char *p, size_t size)
{
	struct pmt_entry e = { .type = (uint16_t)id, .pid = rnd_int() };

	memset(p, 0, size);
	switch (id) {
	case PMT_EV_SCHED_SWITCH: {
		struct pmt_ev_sched_switch *s = (void *)p;

		rnd_str(s->prev_comm, 16, rnd() % 4 == 0);
		rnd_str(s->next_comm, 16, rnd() % 4 == 0);
		rnd_str(s->prev_state, rnd() % 2 ? 2 : 4, false);
		s->prev_pid = rnd_int();
		s->prev_prio = rnd_int();
		s->next_pid = rnd_int();
		s->next_prio = rnd_int();
		memcpy(p, &e, sizeof(e));
		return sizeof(*s);
	}
	case PMT_EV_SCHED_WAKEUP: {
		struct pmt_ev_sched_wakeup *w = (void *)p;

		rnd_str(w->comm, 16, rnd() % 4 == 0);
		w->pid = rnd_int();
		w->prio = rnd_int();
		w->target_cpu = rnd() % 3 ? (int32_t)(rnd() % 300) : rnd_int();
		memcpy(p, &e, sizeof(e));
		return sizeof(*w);
	}
	case PMT_EV_IRQ_ENTRY: {
		struct pmt_ev_irq_entry *q = (void *)p;

		q->irq = rnd_int();
		rnd_str(q->name, 31, false);
		memcpy(p, &e, sizeof(e));
		return sizeof(*q);
	}
	case PMT_EV_IRQ_EXIT: {
		struct pmt_ev_irq_exit *q = (void *)p;

		q->irq = rnd_int();
		q->ret = rnd_int();
		memcpy(p, &e, sizeof(e));
		return sizeof(*q);
	}
	default: {
		struct pmt_ev_marker *m = (void *)p;
		uint32_t n = rnd() % 3 ? rnd() % 200 : rnd() % PMT_MARKER_MAX;

		for (uint32_t i = 0; i < n; i++)
			m->text[i] = (char)(' ' + rnd() % 95);
		m->text[n] = '\0';
		m->buf = ((n + 1) << 16) | 20;
		memcpy(p, &e, sizeof(e));
		return (20 + n + 1 + 3) & ~3u;
	}
	}
}

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 20000;
	struct pmt_rb_opts o = {
		.nr_cpus = 1, .nr_ring = 2, .events = pmt_std_events, .nr_events = PMT_EV_NR_STD
	};
	struct tep_handle *tep = tep_alloc();
	struct pmt_region_event_desc d;
	const void *area, *mem;
	struct pmt_rb *rb;
	uint32_t size, pos = 0;
	size_t len;
	static unsigned char p[2048];
	static char mine[4096];
	long compared = 0;
	int fails = 0;

	if (!tep || pmt_rb_create(&o, &rb))
		return 2;
	tep_set_long_size(tep, 8);
	tep_set_file_bigendian(tep, TEP_LITTLE_ENDIAN);
	mem = pmt_rb_region(rb, &len);
	if (pmt_region_events(mem, len, &area, &size))
		return 2;
	/* parse the descriptions exactly as a reader would: out of the region */
	while (pmt_region_event_next(area, size, &pos, &d) == 1) {
		char sys[64];
		struct tep_event *ev = NULL;

		snprintf(sys, sizeof(sys), "%.*s", (int)d.sys_len, d.system);
		if (tep_parse_format(tep, &ev, d.format, d.fmt_len, sys)) {
			fprintf(stderr, "libtraceevent cannot parse event %u\n", d.id);
			return 1;
		}
	}
	for (long r = 0; r < rounds; r++) {
		uint32_t id = 1 + (uint32_t)r % PMT_EV_NR_STD;
		uint32_t plen = payload(id, p, sizeof(p));
		struct tep_record rec = { .ts = 0, .cpu = 0, .size = (int)plen, .data = p };
		struct trace_seq s;

		trace_seq_init(&s);
		tep_print_event(tep, &s, &rec, "%s", TEP_PRINT_INFO);
		trace_seq_terminate(&s);
		pmt_event_print(&pmt_std_events[id - 1], p, plen, mine, sizeof(mine));
		if (id != PMT_EV_MARKER && !strstr(mine, "=")) {
			fprintf(stderr, "event %u printed nothing: '%s'\n", id, mine);
			return 1;
		}
		if (r < PMT_EV_NR_STD)
			printf("%s\n", mine);
		if (strcmp(s.buffer, mine)) {
			if (fails++ < 5)
				fprintf(stderr,
					"event %u differs:\n  libtraceevent: '%s'\n  pmtrace:      "
					" '%s'\n",
					id, s.buffer, mine);
		}
		trace_seq_destroy(&s);
		compared++;
	}
	tep_free(tep);
	pmt_rb_destroy(rb);
	if (fails) {
		fprintf(stderr, "%d of %ld payloads print differently\n", fails, compared);
		return 1;
	}
	printf("%ld payloads of %u events: pmt_event_print == libtraceevent\n", compared,
	       PMT_EV_NR_STD);
	return 0;
}

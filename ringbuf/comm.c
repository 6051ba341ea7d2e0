// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The comm table (layout.h part 3): pid -> comm inside the region, the
 * counterpart of the kernel's saved_cmdlines, so a reader with nothing but
 * the region prints "comm-pid" like the live `trace` file.
 *
 * The entry of pid p is slot p & (nr_comms - 1). An update is skipped when
 * the slot already says the same thing (the common case: checked without
 * the lock), and otherwise made under a trylock: a contended update is
 * dropped, as the kernel drops a contended saved_cmdlines update, so a
 * writer in an interrupt or NMI never waits. Inside the lock the check word
 * goes to 0 first and gets its new value last; a reader that sees a check
 * matching pid and comm has a whole entry.
 */
#include "rb_internal.h"

void pmt_rb_set_comm(struct pmt_rb *rb, int32_t pid, const char *comm)
{
	struct pmt_comm *e;
	char c16[16];
	uint32_t check;
	size_t n;

	if (!rb->comms || !comm)
		return;
	for (n = 0; n < 16 && comm[n]; n++)
		;
	memset(c16, 0, sizeof(c16));
	memcpy(c16, comm, n);
	e = &rb->comms[(uint32_t)pid & (rb->nr_comms - 1)];
	check = pmt_comm_check((uint32_t)pid, c16);
	if (PMT_LOAD(&e->check, ACQUIRE) == check && PMT_LOAD(&e->pid, RELAXED) == (uint32_t)pid)
		return; /* already there (a check collision only keeps a stale name) */
	if (__atomic_exchange_n(&rb->comm_lock, 1, __ATOMIC_ACQUIRE))
		return;
	/* an acquiring RMW: the stores below cannot move above the 0 */
	__atomic_exchange_n(&e->check, 0, __ATOMIC_ACQ_REL);
	PMT_STORE(&e->pid, (uint32_t)pid, RELAXED);
	memcpy(e->comm, c16, sizeof(c16));
	PMT_STORE(&e->ts, pmt_clock_read(rb->clock_id), RELAXED);
	PMT_STORE(&e->check, check, RELEASE);
	PMT_STORE(&rb->comm_lock, 0, RELEASE);
}

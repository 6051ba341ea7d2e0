/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A set of kernel addresses, used by every list walk to detect cycles: a
 * node seen twice means the list loops somewhere other than through its
 * head. Open addressing, grows by doubling; 0 is never stored (NULL is
 * rejected by the walkers before it gets here).
 */
#ifndef PMTRACE_ADDR_SET_H
#define PMTRACE_ADDR_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr_set {
	uint64_t *slots;
	size_t cap; /* power of two */
	size_t count;
};

void addr_set_init(struct addr_set *s);
void addr_set_free(struct addr_set *s);
/* Insert addr; returns 1 if new, 0 if already present, -1 on out of memory. */
int addr_set_add(struct addr_set *s, uint64_t addr);
bool addr_set_has(const struct addr_set *s, uint64_t addr);

#endif

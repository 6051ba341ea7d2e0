// SPDX-License-Identifier: GPL-2.0-or-later
/* Address set for cycle detection (see addr_set.h). */
#include <stdlib.h>

#include "addr_set.h"

static size_t slot_of(uint64_t addr, size_t cap)
{
	/* Fibonacci hashing: addresses are aligned, so mix the low bits away. */
	return (size_t)((addr * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

void addr_set_init(struct addr_set *s)
{
	s->slots = NULL;
	s->cap = 0;
	s->count = 0;
}

void addr_set_free(struct addr_set *s)
{
	free(s->slots);
	addr_set_init(s);
}

bool addr_set_has(const struct addr_set *s, uint64_t addr)
{
	if (!s->cap || !addr)
		return false;
	for (size_t i = slot_of(addr, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i] == addr)
			return true;
		if (s->slots[i] == 0)
			return false;
	}
}

static int grow(struct addr_set *s)
{
	size_t cap = s->cap ? s->cap * 2 : 64;
	uint64_t *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		uint64_t a = s->slots[i];

		if (!a)
			continue;
		for (size_t j = slot_of(a, cap);; j = (j + 1) & (cap - 1)) {
			if (!slots[j]) {
				slots[j] = a;
				break;
			}
		}
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return 0;
}

int addr_set_add(struct addr_set *s, uint64_t addr)
{
	if (!addr)
		return 0;
	/* keep the load factor under 1/2 so probes stay short and terminate */
	if ((s->count + 1) * 2 > s->cap && grow(s))
		return -1;
	for (size_t i = slot_of(addr, s->cap);; i = (i + 1) & (s->cap - 1)) {
		if (s->slots[i] == addr)
			return 0;
		if (!s->slots[i]) {
			s->slots[i] = addr;
			s->count++;
			return 1;
		}
	}
}

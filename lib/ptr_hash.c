// SPDX-License-Identifier: GPL-2.0-or-later
/* SipHash-2-4 of one 64-bit word (Aumasson & Bernstein), as ptr_to_id() uses it. */
#include "ptr_hash.h"

static inline uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIPROUND                                                                                  \
	do {                                                                                      \
		v0 += v1;                                                                         \
		v1 = rotl(v1, 13);                                                                \
		v1 ^= v0;                                                                         \
		v0 = rotl(v0, 32);                                                                \
		v2 += v3;                                                                         \
		v3 = rotl(v3, 16);                                                                \
		v3 ^= v2;                                                                         \
		v0 += v3;                                                                         \
		v3 = rotl(v3, 21);                                                                \
		v3 ^= v0;                                                                         \
		v2 += v1;                                                                         \
		v1 = rotl(v1, 17);                                                                \
		v1 ^= v2;                                                                         \
		v2 = rotl(v2, 32);                                                                \
	} while (0)

uint64_t siphash_1u64(uint64_t m, uint64_t k0, uint64_t k1)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	const uint64_t b = 8ULL << 56; /* message length in the top byte */

	v3 ^= m;
	SIPROUND;
	SIPROUND;
	v0 ^= m;
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (v0 ^ v1) ^ (v2 ^ v3);
}

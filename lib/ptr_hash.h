/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel prints a plain %p as a hashed id (lib/vsprintf.c ptr_to_id()):
 * SipHash-2-4 of the pointer with the boot-time key `ptr_key`, cut to 32
 * bits on 64-bit kernels. The key is in the dump, so the ids the kernel
 * printed can be reproduced exactly.
 */
#ifndef PMTRACE_PTR_HASH_H
#define PMTRACE_PTR_HASH_H

#include <stdint.h>

uint64_t siphash_1u64(uint64_t m, uint64_t k0, uint64_t k1);

#endif

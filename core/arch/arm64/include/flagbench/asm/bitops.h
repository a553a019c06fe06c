/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/arm64/include/asm/bitops.h, v6.1: asm-generic/bitops/atomic.h
 * and lock.h over arm64's 64-bit atomics (LSE or LL/SC, asm/atomic.h);
 * the rest is asm-generic's.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/asm/atomic.h>
#include <flagbench/asm/barrier.h>
#include <flagbench/asm-generic/bitops/lock.h>
#include <flagbench/asm-generic/bitops.h>

#endif /* FLAGBENCH_ASM_BITOPS_H */

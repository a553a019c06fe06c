/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/asm-generic/bitops/atomic.h, v6.1: the atomic bit
 * operations over the architecture's 64-bit atomics on the word holding
 * the bit (__arch_atomic64_{or,andnot,xor,fetch_or,fetch_andnot}, from its
 * asm/atomic.h): relaxed, or fully ordered where a value is returned.
 */
#ifndef FLAGBENCH_ASM_GENERIC_BITOPS_ATOMIC_H
#define FLAGBENCH_ASM_GENERIC_BITOPS_ATOMIC_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>

#define __bitop_word(nr, p) ((volatile long *)((p) + BIT_WORD(nr)))

static __always_inline void arch_set_bit(long nr, volatile unsigned long *p)
{
	__arch_atomic64_or(BIT_MASK(nr), __bitop_word(nr, p));
}

static __always_inline void arch_clear_bit(long nr, volatile unsigned long *p)
{
	__arch_atomic64_andnot(BIT_MASK(nr), __bitop_word(nr, p));
}

static __always_inline void arch_change_bit(long nr, volatile unsigned long *p)
{
	__arch_atomic64_xor(BIT_MASK(nr), __bitop_word(nr, p));
}

/* No early return on a set bit: ordered even when nothing changes (v6.0+). */
static __always_inline bool arch_test_and_set_bit(long nr,
						  volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	return !!(__arch_atomic64_fetch_or(mask, __bitop_word(nr, p)) & mask);
}

static __always_inline bool arch_test_and_clear_bit(long nr,
						    volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	return !!(__arch_atomic64_fetch_andnot(mask, __bitop_word(nr, p)) &
		  mask);
}

#endif /* FLAGBENCH_ASM_GENERIC_BITOPS_ATOMIC_H */

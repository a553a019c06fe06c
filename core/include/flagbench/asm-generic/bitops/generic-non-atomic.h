/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The non-atomic bitops as plain C read-modify-writes, shared by every
 * architecture that has no cheaper form (all but x86, whose bts/btr are).
 * Models include/asm-generic/bitops/generic-non-atomic.h, v6.1.
 */
#ifndef FLAGBENCH_ASM_GENERIC_BITOPS_GENERIC_NON_ATOMIC_H
#define FLAGBENCH_ASM_GENERIC_BITOPS_GENERIC_NON_ATOMIC_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>

static __always_inline void arch___set_bit(long nr, volatile unsigned long *addr)
{
	unsigned long *p = ((unsigned long *)addr) + BIT_WORD(nr);

	*p |= BIT_MASK(nr);
}

static __always_inline void arch___clear_bit(long nr,
					     volatile unsigned long *addr)
{
	unsigned long *p = ((unsigned long *)addr) + BIT_WORD(nr);

	*p &= ~BIT_MASK(nr);
}

static __always_inline void arch___change_bit(long nr,
					      volatile unsigned long *addr)
{
	unsigned long *p = ((unsigned long *)addr) + BIT_WORD(nr);

	*p ^= BIT_MASK(nr);
}

static __always_inline bool arch___test_and_set_bit(long nr,
						    volatile unsigned long *addr)
{
	unsigned long mask = BIT_MASK(nr);
	unsigned long *p = ((unsigned long *)addr) + BIT_WORD(nr);
	unsigned long old = *p;

	*p = old | mask;
	return (old & mask) != 0;
}

static __always_inline bool
arch___test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	unsigned long mask = BIT_MASK(nr);
	unsigned long *p = ((unsigned long *)addr) + BIT_WORD(nr);
	unsigned long old = *p;

	*p = old & ~mask;
	return (old & mask) != 0;
}

#endif /* FLAGBENCH_ASM_GENERIC_BITOPS_GENERIC_NON_ATOMIC_H */

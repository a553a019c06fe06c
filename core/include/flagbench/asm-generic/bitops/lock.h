/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/asm-generic/bitops/lock.h, v6.1: the lock bit operations
 * over the architecture's 64-bit atomics (__arch_atomic64_read,
 * __arch_atomic64_fetch_or_acquire, __arch_atomic64_andnot_release,
 * __arch_atomic64_fetch_andnot_release) and its smp_store_release().
 */
#ifndef FLAGBENCH_ASM_GENERIC_BITOPS_LOCK_H
#define FLAGBENCH_ASM_GENERIC_BITOPS_LOCK_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>
#include <flagbench/asm-generic/bitops/atomic.h>

/* A failed trylock needs no ordering, so skip the RMW. */
static __always_inline bool arch_test_and_set_bit_lock(long nr,
						       volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	if (__arch_atomic64_read(__bitop_word(nr, p)) & mask)
		return true;
	return !!(__arch_atomic64_fetch_or_acquire(mask, __bitop_word(nr, p)) &
		  mask);
}

static __always_inline void arch_clear_bit_unlock(long nr,
						  volatile unsigned long *p)
{
	__arch_atomic64_andnot_release(BIT_MASK(nr), __bitop_word(nr, p));
}

/*
 * Release-clear nr and report bit 7 of nr's byte as it is afterwards
 * (PG_waiters when nr is PG_locked); the kernel tests BIT(7) of the old
 * word, the same thing for nr < 7.
 */
static __always_inline bool
arch_clear_bit_unlock_is_negative_byte(long nr, volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);
	unsigned long neg = BIT_MASK(nr | 7);
	unsigned long old;

	old = __arch_atomic64_fetch_andnot_release(mask, __bitop_word(nr, p));
	return !!(old & ~mask & neg);
}

/* The unlock is a release store of the whole word. */
static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *p)
{
	unsigned long old;

	p += BIT_WORD(nr);
	old = __arch_atomic64_read((volatile long *)p);
	old &= ~BIT_MASK(nr);
	smp_store_release(p, old);
}

#endif /* FLAGBENCH_ASM_GENERIC_BITOPS_LOCK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/arm64/include/asm/bitops.h, v6.1: asm-generic/bitops/atomic.h
 * and lock.h over arm64's atomic_long (LSE or LL/SC), generic-non-atomic.h.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>
#include <flagbench/asm/atomic.h>
#include <flagbench/asm/barrier.h>

#ifndef BIT_MASK
#define BIT(nr) (1UL << (nr))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#endif

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

/* lock.h: a failed trylock needs no ordering, so skip the RMW. */
static __always_inline bool arch_test_and_set_bit_lock(long nr,
						       volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	p += BIT_WORD(nr);
	if (READ_ONCE(*p) & mask)
		return true;
	return !!(__arch_atomic64_fetch_or_acquire(mask, (volatile long *)p) &
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

#include <flagbench/asm-generic/bitops/generic-non-atomic.h>

/* lock.h: the unlock is a release store of the whole word. */
static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *p)
{
	unsigned long old;

	p += BIT_WORD(nr);
	old = READ_ONCE(*p);
	old &= ~BIT_MASK(nr);
	smp_store_release(p, old);
}

static __always_inline bool arch_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG - 1)));
}

#endif /* FLAGBENCH_ASM_BITOPS_H */

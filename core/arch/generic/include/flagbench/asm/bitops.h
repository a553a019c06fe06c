/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/asm-generic/bitops/{atomic,lock,generic-non-atomic}.h,
 * v6.1, with atomic_long ops as GCC __atomic builtins.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>
#include <flagbench/asm/barrier.h>

#ifndef BIT_MASK
#define BIT(nr) (1UL << (nr))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#endif

static __always_inline void arch_set_bit(long nr, volatile unsigned long *p)
{
	__atomic_fetch_or(p + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

static __always_inline void arch_clear_bit(long nr, volatile unsigned long *p)
{
	__atomic_fetch_and(p + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELAXED);
}

static __always_inline void arch_change_bit(long nr, volatile unsigned long *p)
{
	__atomic_fetch_xor(p + BIT_WORD(nr), BIT_MASK(nr), __ATOMIC_RELAXED);
}

/* No early return on a set bit: ordered even when nothing changes (v6.0+). */
static __always_inline bool arch_test_and_set_bit(long nr,
						  volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	return !!(__atomic_fetch_or(p + BIT_WORD(nr), mask, __ATOMIC_SEQ_CST) &
		  mask);
}

static __always_inline bool arch_test_and_clear_bit(long nr,
						    volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	return !!(__atomic_fetch_and(p + BIT_WORD(nr), ~mask,
				     __ATOMIC_SEQ_CST) &
		  mask);
}

/* lock.h: a failed trylock needs no ordering, so skip the RMW. */
static __always_inline bool arch_test_and_set_bit_lock(long nr,
						       volatile unsigned long *p)
{
	unsigned long mask = BIT_MASK(nr);

	p += BIT_WORD(nr);
	if (__atomic_load_n(p, __ATOMIC_RELAXED) & mask)
		return true;
	return !!(__atomic_fetch_or(p, mask, __ATOMIC_ACQUIRE) & mask);
}

static __always_inline void arch_clear_bit_unlock(long nr,
						  volatile unsigned long *p)
{
	__atomic_fetch_and(p + BIT_WORD(nr), ~BIT_MASK(nr), __ATOMIC_RELEASE);
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
	unsigned long old;

	old = __atomic_fetch_and(p + BIT_WORD(nr), ~mask, __ATOMIC_RELEASE);
	return !!(old & ~mask & BIT_MASK(nr | 7));
}

#include <flagbench/asm-generic/bitops/generic-non-atomic.h>

/* lock.h: the unlock is a release store of the whole word. */
static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *p)
{
	unsigned long old;

	p += BIT_WORD(nr);
	old = __atomic_load_n(p, __ATOMIC_RELAXED);
	old &= ~BIT_MASK(nr);
	__atomic_store_n(p, old, __ATOMIC_RELEASE);
}

/* A relaxed atomic load: a plain load, and a marked access to TSan. */
static __always_inline bool arch_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (__atomic_load_n(addr + BIT_WORD(nr), __ATOMIC_RELAXED) >>
		      (nr & (BITS_PER_LONG - 1)));
}

#endif /* FLAGBENCH_ASM_BITOPS_H */

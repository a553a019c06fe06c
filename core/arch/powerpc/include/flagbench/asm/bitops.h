/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/powerpc/include/asm/bitops.h (ppc64), v6.1: its larx/stcx.
 * loops; the non-atomic ops and test_bit are asm-generic's.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>
#include <flagbench/asm/barrier.h>

/* prefix: the barrier before the ldarx/stdcx. loop (release for unlock). */
#define DEFINE_BITOP(fn, op, prefix)                                           \
static __always_inline void fn(unsigned long mask, volatile unsigned long *_p) \
{                                                                              \
	unsigned long old;                                                     \
	unsigned long *p = (unsigned long *)_p;                                \
                                                                               \
	__asm__ __volatile__(prefix                                            \
			     "1:	ldarx	%0,0,%3,0\n"                   \
			     "	" #op " %0,%0,%2\n"                            \
			     "	stdcx.	%0,0,%3\n"                             \
			     "	bne-	1b\n"                                  \
			     : "=&r"(old), "+m"(*p)                            \
			     : "r"(mask), "r"(p)                               \
			     : "cc", "memory");                                \
}

DEFINE_BITOP(set_bits, or, "")
DEFINE_BITOP(clear_bits, andc, "")
DEFINE_BITOP(change_bits, xor, "")
DEFINE_BITOP(clear_bits_unlock, andc, PPC_RELEASE_BARRIER)

/* eh: the ldarx hint that this reservation is a lock acquisition. */
#define DEFINE_TESTOP(fn, op, prefix, postfix, eh)                             \
static __always_inline unsigned long fn(unsigned long mask,                    \
					volatile unsigned long *_p)            \
{                                                                              \
	unsigned long old, t;                                                  \
	unsigned long *p = (unsigned long *)_p;                                \
                                                                               \
	__asm__ __volatile__(prefix                                            \
			     "1:	ldarx	%0,0,%3,%4\n"                  \
			     "	" #op " %1,%0,%2\n"                            \
			     "	stdcx.	%1,0,%3\n"                             \
			     "	bne-	1b\n"                                  \
			     postfix                                           \
			     : "=&r"(old), "=&r"(t)                            \
			     : "r"(mask), "r"(p), "n"(eh)                      \
			     : "cc", "memory");                                \
	return old & mask;                                                     \
}

DEFINE_TESTOP(test_and_set_bits, or, PPC_ATOMIC_ENTRY_BARRIER,
	      PPC_ATOMIC_EXIT_BARRIER, 0)
DEFINE_TESTOP(test_and_set_bits_lock, or, "", PPC_ACQUIRE_BARRIER, 1)
DEFINE_TESTOP(test_and_clear_bits, andc, PPC_ATOMIC_ENTRY_BARRIER,
	      PPC_ATOMIC_EXIT_BARRIER, 0)

static __always_inline void arch_set_bit(long nr, volatile unsigned long *addr)
{
	set_bits(BIT_MASK(nr), addr + BIT_WORD(nr));
}

static __always_inline void arch_clear_bit(long nr, volatile unsigned long *addr)
{
	clear_bits(BIT_MASK(nr), addr + BIT_WORD(nr));
}

static __always_inline void arch_change_bit(long nr, volatile unsigned long *addr)
{
	change_bits(BIT_MASK(nr), addr + BIT_WORD(nr));
}

static __always_inline void arch_clear_bit_unlock(long nr,
						  volatile unsigned long *addr)
{
	clear_bits_unlock(BIT_MASK(nr), addr + BIT_WORD(nr));
}

static __always_inline bool arch_test_and_set_bit(long nr,
						  volatile unsigned long *addr)
{
	return test_and_set_bits(BIT_MASK(nr), addr + BIT_WORD(nr)) != 0;
}

static __always_inline bool
arch_test_and_set_bit_lock(long nr, volatile unsigned long *addr)
{
	return test_and_set_bits_lock(BIT_MASK(nr), addr + BIT_WORD(nr)) != 0;
}

static __always_inline bool arch_test_and_clear_bit(long nr,
						    volatile unsigned long *addr)
{
	return test_and_clear_bits(BIT_MASK(nr), addr + BIT_WORD(nr)) != 0;
}

static __always_inline unsigned long
clear_bit_unlock_return_word(long nr, volatile unsigned long *addr)
{
	unsigned long old, t;
	unsigned long *p = (unsigned long *)addr + BIT_WORD(nr);
	unsigned long mask = BIT_MASK(nr);

	__asm__ __volatile__(PPC_RELEASE_BARRIER
			     "1:	ldarx	%0,0,%3,0\n"
			     "	andc	%1,%0,%2\n"
			     "	stdcx.	%1,0,%3\n"
			     "	bne-	1b\n"
			     : "=&r"(old), "=&r"(t)
			     : "r"(mask), "r"(p)
			     : "cc", "memory");
	return old;
}

/*
 * For mm/filemap.c: bit 7 of nr's byte after the clear (PG_waiters when
 * nr is PG_locked); the kernel tests BIT_MASK(7) of the old word, the
 * same thing for nr < 7.
 */
static __always_inline bool
arch_clear_bit_unlock_is_negative_byte(long nr, volatile unsigned long *addr)
{
	unsigned long old = clear_bit_unlock_return_word(nr, addr);

	return !!(old & ~BIT_MASK(nr) & BIT_MASK(nr | 7));
}

/* __clear_bit_unlock below needs them. */
#include <flagbench/asm-generic/bitops/generic-non-atomic.h>

/* As powerpc's v6.1: release barrier, then a plain clear. */
static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *addr)
{
	__asm__ __volatile__(PPC_RELEASE_BARRIER "" : : : "memory");
	arch___clear_bit(nr, addr);
}

#include <flagbench/asm-generic/bitops.h>

#endif /* FLAGBENCH_ASM_BITOPS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Models arch/x86/include/asm/bitops.h (x86-64), v6.1. */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

#ifndef BIT_MASK
#define BIT(nr) (1UL << (nr))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)
#endif

#ifndef LOCK_PREFIX
#define LOCK_PREFIX "lock; "
#endif

/*
 * Constant bit numbers use a byte-wide op on the byte holding the bit: it
 * encodes shorter than bts and does not lock a whole long.
 */
#define RLONG_ADDR(x) "m"(*(volatile long *)(x))
#define WBYTE_ADDR(x) "+m"(*(volatile char *)(x))
#define CONST_MASK_ADDR(nr, addr) WBYTE_ADDR((volatile char *)(addr) + ((nr) >> 3))
#define CONST_MASK(nr) (1 << ((nr) & 7))

static __always_inline void arch_set_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr)) {
		__asm__ __volatile__(LOCK_PREFIX "orb %b1,%0"
				     : CONST_MASK_ADDR(nr, addr)
				     : "iq"((char)CONST_MASK(nr))
				     : "memory");
	} else {
		__asm__ __volatile__(LOCK_PREFIX "btsq %1,%0"
				     :
				     : RLONG_ADDR(addr), "Ir"(nr)
				     : "memory");
	}
}

static __always_inline void arch_clear_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr)) {
		__asm__ __volatile__(LOCK_PREFIX "andb %b1,%0"
				     : CONST_MASK_ADDR(nr, addr)
				     : "iq"((char)~CONST_MASK(nr))
				     : "memory");
	} else {
		__asm__ __volatile__(LOCK_PREFIX "btrq %1,%0"
				     :
				     : RLONG_ADDR(addr), "Ir"(nr)
				     : "memory");
	}
}

static __always_inline void arch_change_bit(long nr, volatile unsigned long *addr)
{
	if (__builtin_constant_p(nr)) {
		__asm__ __volatile__(LOCK_PREFIX "xorb %b1,%0"
				     : CONST_MASK_ADDR(nr, addr)
				     : "iq"((char)CONST_MASK(nr))
				     : "memory");
	} else {
		__asm__ __volatile__(LOCK_PREFIX "btcq %1,%0"
				     :
				     : RLONG_ADDR(addr), "Ir"(nr)
				     : "memory");
	}
}

/* Locked RMWs are full barriers: these are fully ordered as they stand. */
static __always_inline bool arch_test_and_set_bit(long nr,
						  volatile unsigned long *addr)
{
	bool oldbit;

	__asm__ __volatile__(LOCK_PREFIX "btsq %2,%1"
			     : "=@ccc"(oldbit), "+m"(*(volatile long *)addr)
			     : "Ir"(nr)
			     : "memory");
	return oldbit;
}

static __always_inline bool arch_test_and_clear_bit(long nr,
						    volatile unsigned long *addr)
{
	bool oldbit;

	__asm__ __volatile__(LOCK_PREFIX "btrq %2,%1"
			     : "=@ccc"(oldbit), "+m"(*(volatile long *)addr)
			     : "Ir"(nr)
			     : "memory");
	return oldbit;
}

/* A locked op already has acquire semantics. */
static __always_inline bool
arch_test_and_set_bit_lock(long nr, volatile unsigned long *addr)
{
	return arch_test_and_set_bit(nr, addr);
}

/* TSO: earlier accesses cannot pass the store; only the compiler can. */
static __always_inline void arch_clear_bit_unlock(long nr,
						  volatile unsigned long *addr)
{
	barrier();
	arch_clear_bit(nr, addr);
}

/*
 * Unlock and test PG_waiters in one locked op: the sign flag of the byte
 * result is bit 7 of the byte holding nr, after the clear.
 */
static __always_inline bool
arch_clear_bit_unlock_is_negative_byte(long nr, volatile unsigned long *addr)
{
	bool negative;

	__asm__ __volatile__(LOCK_PREFIX "andb %2,%1"
			     : "=@ccs"(negative),
			       WBYTE_ADDR((volatile char *)addr + (nr >> 3))
			     : "iq"((char)~(1 << (nr & 7)))
			     : "memory");
	return negative;
}

/* Non-atomic: the same bit instructions without the lock prefix. */
static __always_inline void arch___set_bit(long nr, volatile unsigned long *addr)
{
	__asm__ __volatile__("btsq %1,%0" : : RLONG_ADDR(addr), "Ir"(nr) : "memory");
}

static __always_inline void arch___clear_bit(long nr,
					     volatile unsigned long *addr)
{
	__asm__ __volatile__("btrq %1,%0" : : RLONG_ADDR(addr), "Ir"(nr) : "memory");
}

static __always_inline void arch___change_bit(long nr,
					      volatile unsigned long *addr)
{
	__asm__ __volatile__("btcq %1,%0" : : RLONG_ADDR(addr), "Ir"(nr) : "memory");
}

static __always_inline bool arch___test_and_set_bit(long nr,
						    volatile unsigned long *addr)
{
	bool oldbit;

	__asm__ __volatile__("btsq %2,%1"
			     : "=@ccc"(oldbit), "+m"(*(volatile long *)addr)
			     : "Ir"(nr)
			     : "memory");
	return oldbit;
}

static __always_inline bool
arch___test_and_clear_bit(long nr, volatile unsigned long *addr)
{
	bool oldbit;

	__asm__ __volatile__("btrq %2,%1"
			     : "=@ccc"(oldbit), "+m"(*(volatile long *)addr)
			     : "Ir"(nr)
			     : "memory");
	return oldbit;
}

static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *addr)
{
	barrier();
	arch___clear_bit(nr, addr);
}

static __always_inline bool arch_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG - 1)));
}

#endif /* FLAGBENCH_ASM_BITOPS_H */

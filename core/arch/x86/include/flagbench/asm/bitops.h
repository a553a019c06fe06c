/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/x86/include/asm/bitops.h (x86-64), v6.1: its own atomic and
 * non-atomic ops; test_bit is asm-generic's.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>

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

/*
 * A locked op on one bit: byte-wide @bop with @bmask on the byte holding
 * a constant bit, else @lop on the long.
 */
#define DEFINE_LOCKED_BITOP(fn, bop, bmask, lop)                               \
static __always_inline void fn(long nr, volatile unsigned long *addr)          \
{                                                                              \
	if (__builtin_constant_p(nr)) {                                        \
		__asm__ __volatile__(LOCK_PREFIX #bop " %b1,%0"                \
				     : CONST_MASK_ADDR(nr, addr)               \
				     : "iq"((char)(bmask))                     \
				     : "memory");                              \
	} else {                                                               \
		__asm__ __volatile__(LOCK_PREFIX #lop " %1,%0"                 \
				     :                                         \
				     : RLONG_ADDR(addr), "Ir"(nr)              \
				     : "memory");                              \
	}                                                                      \
}

DEFINE_LOCKED_BITOP(arch_set_bit, orb, CONST_MASK(nr), btsq)
DEFINE_LOCKED_BITOP(arch_clear_bit, andb, ~CONST_MASK(nr), btrq)
DEFINE_LOCKED_BITOP(arch_change_bit, xorb, CONST_MASK(nr), btcq)

/*
 * bts/btr with the old bit from the carry flag; @lock: LOCK_PREFIX (a
 * locked RMW is a full barrier: fully ordered as it stands) or none.
 */
#define DEFINE_TESTOP(fn, lock, op)                                            \
static __always_inline bool fn(long nr, volatile unsigned long *addr)          \
{                                                                              \
	bool oldbit;                                                           \
                                                                               \
	__asm__ __volatile__(lock #op " %2,%1"                                 \
			     : "=@ccc"(oldbit), "+m"(*(volatile long *)addr)   \
			     : "Ir"(nr)                                        \
			     : "memory");                                      \
	return oldbit;                                                         \
}

DEFINE_TESTOP(arch_test_and_set_bit, LOCK_PREFIX, btsq)
DEFINE_TESTOP(arch_test_and_clear_bit, LOCK_PREFIX, btrq)

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
#define DEFINE_BITOP(fn, op)                                                   \
static __always_inline void fn(long nr, volatile unsigned long *addr)          \
{                                                                              \
	__asm__ __volatile__(#op " %1,%0" : : RLONG_ADDR(addr), "Ir"(nr)       \
			     : "memory");                                      \
}

DEFINE_BITOP(arch___set_bit, btsq)
DEFINE_BITOP(arch___clear_bit, btrq)
DEFINE_BITOP(arch___change_bit, btcq)
DEFINE_TESTOP(arch___test_and_set_bit, "", btsq)
DEFINE_TESTOP(arch___test_and_clear_bit, "", btrq)
/* All five: asm-generic's plain read-modify-writes are not wanted here. */
#define arch___set_bit arch___set_bit

static __always_inline void arch___clear_bit_unlock(long nr,
						    volatile unsigned long *addr)
{
	barrier();
	arch___clear_bit(nr, addr);
}

#include <flagbench/asm-generic/bitops.h>

#endif /* FLAGBENCH_ASM_BITOPS_H */

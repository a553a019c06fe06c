/* SPDX-License-Identifier: GPL-2.0 */
/* Models arch/powerpc/include/asm/{atomic,cmpxchg}.h (ppc64), v6.1. */
#ifndef FLAGBENCH_ASM_ATOMIC_H
#define FLAGBENCH_ASM_ATOMIC_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>
#include <flagbench/asm/barrier.h>

/*
 * Value-returning ops are fully ordered by PPC_ATOMIC_ENTRY_BARRIER (sync)
 * before the lwarx/stwcx. loop and PPC_ATOMIC_EXIT_BARRIER (sync) after
 * it, as v6.1's cmpxchg and fetch_add_unless; v6.1 builds add_return and
 * xchg from their _relaxed forms between the generic full fences, which
 * on powerpc are the same two syncs.  A failed cmpxchg or add_unless skips
 * the exit sync: failure promises no ordering.
 */

static __always_inline int arch_atomic_read(const atomic_t *v)
{
	int t;

	__asm__ __volatile__("lwz%U1%X1 %0,%1" : "=r"(t) : "m<>"(v->counter));
	return t;
}

static __always_inline void arch_atomic_set(atomic_t *v, int i)
{
	__asm__ __volatile__("stw%U0%X0 %1,%0" : "=m<>"(v->counter) : "r"(i));
}

#define ATOMIC_OP(op, asm_op)                                                  \
static __always_inline void arch_atomic_##op(int a, atomic_t *v)               \
{                                                                              \
	int t;                                                                 \
                                                                               \
	__asm__ __volatile__("1:	lwarx	%0,0,%3	# atomic_" #op "\n"     \
			     "	" #asm_op " %0,%2,%0\n"                        \
			     "	stwcx.	%0,0,%3\n"                             \
			     "	bne-	1b\n"                                  \
			     : "=&r"(t), "+m"(v->counter)                      \
			     : "r"(a), "r"(&v->counter)                        \
			     : "cc");                                          \
}

#define ATOMIC_OP_RETURN(op, asm_op)                                           \
static __always_inline int arch_atomic_##op##_return(int a, atomic_t *v)       \
{                                                                              \
	int t;                                                                 \
                                                                               \
	__asm__ __volatile__(PPC_ATOMIC_ENTRY_BARRIER                          \
			     "1:	lwarx	%0,0,%2	# atomic_" #op "_return\n" \
			     "	" #asm_op " %0,%1,%0\n"                        \
			     "	stwcx.	%0,0,%2\n"                             \
			     "	bne-	1b\n"                                  \
			     PPC_ATOMIC_EXIT_BARRIER                           \
			     : "=&r"(t)                                        \
			     : "r"(a), "r"(&v->counter)                        \
			     : "cc", "memory");                                \
	return t;                                                              \
}

/* subf rD,rA,rB computes rB - rA: counter - a. */
ATOMIC_OP(add, add)
ATOMIC_OP(sub, subf)
ATOMIC_OP_RETURN(add, add)
ATOMIC_OP_RETURN(sub, subf)
#define arch_atomic_sub arch_atomic_sub
#define arch_atomic_sub_return arch_atomic_sub_return

/*
 * cmpxchg.h:__cmpxchg_u32 (@entry and @exit the full syncs) and
 * __cmpxchg_u32_acquire (no entry barrier, PPC_ACQUIRE_BARRIER after a
 * successful store: arch_spin_lock's ordering); a failed compare skips
 * the exit barrier.
 */
#define __CMPXCHG_U32(name, entry, exit)                                       \
static __always_inline int name(atomic_t *v, int old, int new)                 \
{                                                                              \
	unsigned int prev;                                                     \
                                                                               \
	__asm__ __volatile__(entry                                             \
			     "1:	lwarx	%0,0,%2	# " #name "\n"        \
			     "	cmpw	0,%0,%3\n"                             \
			     "	bne-	2f\n"                                  \
			     "	stwcx.	%4,0,%2\n"                             \
			     "	bne-	1b"                                    \
			     exit                                              \
			     "\n2:"                                            \
			     : "=&r"(prev), "+m"(v->counter)                   \
			     : "r"(&v->counter), "r"(old), "r"(new)            \
			     : "cc", "memory");                                \
	return prev;                                                           \
}

__CMPXCHG_U32(arch_atomic_cmpxchg, PPC_ATOMIC_ENTRY_BARRIER,
	      PPC_ATOMIC_EXIT_BARRIER)
__CMPXCHG_U32(arch_atomic_cmpxchg_acquire, "", PPC_ACQUIRE_BARRIER)
#define arch_atomic_cmpxchg_acquire arch_atomic_cmpxchg_acquire

static __always_inline int arch_atomic_xchg(atomic_t *v, int new)
{
	unsigned int prev;

	__asm__ __volatile__(PPC_ATOMIC_ENTRY_BARRIER
			     "1:	lwarx	%0,0,%2	# __xchg_u32\n"
			     "	stwcx.	%3,0,%2\n"
			     "	bne-	1b"
			     PPC_ATOMIC_EXIT_BARRIER
			     : "=&r"(prev), "+m"(v->counter)
			     : "r"(&v->counter), "r"(new)
			     : "cc", "memory");
	return prev;
}

/* Native in v6.1: add a unless the old value is u; returns the old value. */
static __always_inline int arch_atomic_fetch_add_unless(atomic_t *v, int a,
							int u)
{
	int t;

	__asm__ __volatile__(PPC_ATOMIC_ENTRY_BARRIER
			     "1:	lwarx	%0,0,%1	# atomic_fetch_add_unless\n"
			     "	cmpw	0,%0,%3\n"
			     "	beq	2f\n"
			     "	add	%0,%2,%0\n"
			     "	stwcx.	%0,0,%1\n"
			     "	bne-	1b\n"
			     PPC_ATOMIC_EXIT_BARRIER
			     "	subf	%0,%2,%0\n"
			     "2:"
			     : "=&r"(t)
			     : "r"(&v->counter), "r"(a), "r"(u)
			     : "cc", "memory");
	return t;
}
#define arch_atomic_fetch_add_unless arch_atomic_fetch_add_unless

#include <flagbench/atomic-arch-fallback.h>

#endif /* FLAGBENCH_ASM_ATOMIC_H */

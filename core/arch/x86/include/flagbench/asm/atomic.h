/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/x86/include/asm/atomic.h and cmpxchg.h (x86-64), v6.1: the
 * locked instructions; atomic-arch-fallback.h derives the rest.
 */
#ifndef FLAGBENCH_ASM_ATOMIC_H
#define FLAGBENCH_ASM_ATOMIC_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

#define LOCK_PREFIX "lock; "

static __always_inline int arch_atomic_read(const atomic_t *v)
{
	return __READ_ONCE(v->counter);
}

static __always_inline void arch_atomic_set(atomic_t *v, int i)
{
	WRITE_ONCE(v->counter, i);
}

static __always_inline void arch_atomic_add(int i, atomic_t *v)
{
	__asm__ __volatile__(LOCK_PREFIX "addl %1,%0"
			     : "+m"(v->counter)
			     : "ir"(i)
			     : "memory");
}

static __always_inline void arch_atomic_sub(int i, atomic_t *v)
{
	__asm__ __volatile__(LOCK_PREFIX "subl %1,%0"
			     : "+m"(v->counter)
			     : "ir"(i)
			     : "memory");
}
#define arch_atomic_sub arch_atomic_sub

static __always_inline void arch_atomic_inc(atomic_t *v)
{
	__asm__ __volatile__(LOCK_PREFIX "incl %0" : "+m"(v->counter) : : "memory");
}
#define arch_atomic_inc arch_atomic_inc

static __always_inline void arch_atomic_dec(atomic_t *v)
{
	__asm__ __volatile__(LOCK_PREFIX "decl %0" : "+m"(v->counter) : : "memory");
}
#define arch_atomic_dec arch_atomic_dec

/* GEN_UNARY_RMWcc / GEN_BINARY_RMWcc: the flags of the locked op itself. */
static __always_inline bool arch_atomic_dec_and_test(atomic_t *v)
{
	bool z;

	__asm__ __volatile__(LOCK_PREFIX "decl %0"
			     : "+m"(v->counter), "=@cce"(z)
			     :
			     : "memory");
	return z;
}
#define arch_atomic_dec_and_test arch_atomic_dec_and_test

static __always_inline bool arch_atomic_sub_and_test(int i, atomic_t *v)
{
	bool z;

	__asm__ __volatile__(LOCK_PREFIX "subl %2,%0"
			     : "+m"(v->counter), "=@cce"(z)
			     : "er"(i)
			     : "memory");
	return z;
}
#define arch_atomic_sub_and_test arch_atomic_sub_and_test

static __always_inline int arch_atomic_add_return(int i, atomic_t *v)
{
	int old = i;

	/* xadd: old value into the register, sum into memory. */
	__asm__ __volatile__(LOCK_PREFIX "xaddl %0,%1"
			     : "+r"(old), "+m"(v->counter)
			     :
			     : "memory", "cc");
	return old + i;
}

static __always_inline int arch_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	int ret;

	__asm__ __volatile__(LOCK_PREFIX "cmpxchgl %2,%1"
			     : "=a"(ret), "+m"(v->counter)
			     : "r"(new), "0"(old)
			     : "memory", "cc");
	return ret;
}

static __always_inline bool arch_atomic_try_cmpxchg(atomic_t *v, int *old,
						    int new)
{
	bool success;
	int o = *old;

	__asm__ __volatile__(LOCK_PREFIX "cmpxchgl %3,%1"
			     : "=@ccz"(success), "+m"(v->counter), "+a"(o)
			     : "r"(new)
			     : "memory");
	if (unlikely(!success))
		*old = o;
	return likely(success);
}
#define arch_atomic_try_cmpxchg arch_atomic_try_cmpxchg

/* xchg with a memory operand is implicitly locked. */
static __always_inline int arch_atomic_xchg(atomic_t *v, int new)
{
	__asm__ __volatile__("xchgl %0,%1"
			     : "+r"(new), "+m"(v->counter)
			     :
			     : "memory");
	return new;
}

#include <flagbench/atomic-arch-fallback.h>

#endif /* FLAGBENCH_ASM_ATOMIC_H */

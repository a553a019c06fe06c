/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/asm-generic/atomic.h, v6.1, on GCC's __atomic builtins;
 * atomic-arch-fallback.h derives the rest.
 */
#ifndef FLAGBENCH_ASM_ATOMIC_H
#define FLAGBENCH_ASM_ATOMIC_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

/*
 * Void ops are relaxed; value-returning ops SEQ_CST. Note C11 SEQ_CST RMWs
 * are weaker than the kernel's fully-ordered ones on arm64 and POWER (e.g.
 * ldaxr/stlxr without the trailing dmb ish): plain accesses on either side
 * may still pass each other through the RMW, as in a store-buffering test.
 *
 * read/set are relaxed atomic accesses rather than READ_ONCE/WRITE_ONCE:
 * the same plain instructions, but visible to ThreadSanitizer, which makes
 * this the flavour for TSan builds.
 */

static __always_inline int arch_atomic_read(const atomic_t *v)
{
	return __atomic_load_n(&v->counter, __ATOMIC_RELAXED);
}

static __always_inline void arch_atomic_set(atomic_t *v, int i)
{
	__atomic_store_n(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline void arch_atomic_add(int i, atomic_t *v)
{
	__atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED);
}

static __always_inline void arch_atomic_sub(int i, atomic_t *v)
{
	__atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED);
}
#define arch_atomic_sub arch_atomic_sub

static __always_inline int arch_atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static __always_inline int arch_atomic_sub_return(int i, atomic_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}
#define arch_atomic_sub_return arch_atomic_sub_return

/* A failed cmpxchg promises no ordering in the kernel: relaxed on failure. */
static __always_inline int arch_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	return old;
}

static __always_inline int arch_atomic_cmpxchg_acquire(atomic_t *v, int old,
						       int new)
{
	__atomic_compare_exchange_n(&v->counter, &old, new, false,
				    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
	return old;
}
#define arch_atomic_cmpxchg_acquire arch_atomic_cmpxchg_acquire

static __always_inline int arch_atomic_xchg(atomic_t *v, int new)
{
	return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);
}

/*
 * The 64-bit helpers asm-generic/bitops/{atomic,lock}.h build on, with
 * their kernel orders: relaxed without a value, fully ordered with one,
 * acquire or release where named.  The mask unsigned: GCC then sees
 * fetch_and(~mask) & mask as one bit and emits lock btr/bts on x86.
 */
static __always_inline long __arch_atomic64_read(const volatile long *v)
{
	return __atomic_load_n(v, __ATOMIC_RELAXED);
}

static __always_inline void __arch_atomic64_or(unsigned long i,
					       volatile long *v)
{
	__atomic_fetch_or(v, i, __ATOMIC_RELAXED);
}

static __always_inline void __arch_atomic64_andnot(unsigned long i,
						   volatile long *v)
{
	__atomic_fetch_and(v, ~i, __ATOMIC_RELAXED);
}

static __always_inline void __arch_atomic64_xor(unsigned long i,
						volatile long *v)
{
	__atomic_fetch_xor(v, i, __ATOMIC_RELAXED);
}

static __always_inline long __arch_atomic64_fetch_or(unsigned long i,
						     volatile long *v)
{
	return __atomic_fetch_or(v, i, __ATOMIC_SEQ_CST);
}

static __always_inline long
__arch_atomic64_fetch_or_acquire(unsigned long i, volatile long *v)
{
	return __atomic_fetch_or(v, i, __ATOMIC_ACQUIRE);
}

static __always_inline long
__arch_atomic64_fetch_andnot(unsigned long i, volatile long *v)
{
	return __atomic_fetch_and(v, ~i, __ATOMIC_SEQ_CST);
}

static __always_inline long
__arch_atomic64_fetch_andnot_release(unsigned long i, volatile long *v)
{
	return __atomic_fetch_and(v, ~i, __ATOMIC_RELEASE);
}

static __always_inline void
__arch_atomic64_andnot_release(unsigned long i, volatile long *v)
{
	__atomic_fetch_and(v, ~i, __ATOMIC_RELEASE);
}

/* Relaxed on failure, as arch_atomic_cmpxchg(): fetch_add_unless's loop. */
static __always_inline bool arch_atomic_try_cmpxchg(atomic_t *v, int *old,
						    int new)
{
	return __atomic_compare_exchange_n(&v->counter, old, new, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}
#define arch_atomic_try_cmpxchg arch_atomic_try_cmpxchg

#include <flagbench/atomic-arch-fallback.h>

#endif /* FLAGBENCH_ASM_ATOMIC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Models include/asm-generic/atomic.h, v6.1, on GCC's __atomic builtins. */
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

static __always_inline void arch_atomic_inc(atomic_t *v)
{
	arch_atomic_add(1, v);
}

static __always_inline void arch_atomic_dec(atomic_t *v)
{
	arch_atomic_sub(1, v);
}

static __always_inline int arch_atomic_add_return(int i, atomic_t *v)
{
	return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static __always_inline int arch_atomic_sub_return(int i, atomic_t *v)
{
	return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST);
}

static __always_inline int arch_atomic_inc_return(atomic_t *v)
{
	return arch_atomic_add_return(1, v);
}

static __always_inline int arch_atomic_dec_return(atomic_t *v)
{
	return arch_atomic_sub_return(1, v);
}

static __always_inline bool arch_atomic_dec_and_test(atomic_t *v)
{
	return arch_atomic_dec_return(v) == 0;
}

static __always_inline bool arch_atomic_sub_and_test(int i, atomic_t *v)
{
	return arch_atomic_sub_return(i, v) == 0;
}

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

static __always_inline int arch_atomic_xchg(atomic_t *v, int new)
{
	return __atomic_exchange_n(&v->counter, new, __ATOMIC_SEQ_CST);
}

/* The try_cmpxchg loop of atomic-arch-fallback.h. */
static __always_inline int arch_atomic_fetch_add_unless(atomic_t *v, int a,
							int u)
{
	int c = arch_atomic_read(v);

	do {
		if (unlikely(c == u))
			break;
	} while (!__atomic_compare_exchange_n(&v->counter, &c, c + a, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return c;
}

#endif /* FLAGBENCH_ASM_ATOMIC_H */

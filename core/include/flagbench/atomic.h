/* SPDX-License-Identifier: GPL-2.0 */
/*
 * atomic_t operations with the kernel's names, over the architecture's own.
 * Models include/linux/atomic/atomic-instrumented.h and atomic-fallback.h, v6.1.
 */
#ifndef FLAGBENCH_ATOMIC_H
#define FLAGBENCH_ATOMIC_H

#include <flagbench/asm/atomic.h>
#include <flagbench/asm/barrier.h>

#define atomic_read(v) arch_atomic_read(v)
#define atomic_set(v, i) arch_atomic_set(v, i)
#define atomic_inc(v) arch_atomic_inc(v)
#define atomic_dec(v) arch_atomic_dec(v)
#define atomic_add(i, v) arch_atomic_add(i, v)
#define atomic_sub(i, v) arch_atomic_sub(i, v)
#define atomic_add_return(i, v) arch_atomic_add_return(i, v)
#define atomic_sub_return(i, v) arch_atomic_sub_return(i, v)
#define atomic_inc_return(v) arch_atomic_inc_return(v)
#define atomic_dec_return(v) arch_atomic_dec_return(v)
#define atomic_dec_and_test(v) arch_atomic_dec_and_test(v)
#define atomic_sub_and_test(i, v) arch_atomic_sub_and_test(i, v)
#define atomic_cmpxchg(v, o, n) arch_atomic_cmpxchg(v, o, n)
#define atomic_cmpxchg_acquire(v, o, n) arch_atomic_cmpxchg_acquire(v, o, n)
#define atomic_xchg(v, n) arch_atomic_xchg(v, n)
#define atomic_fetch_add_unless(v, a, u) arch_atomic_fetch_add_unless(v, a, u)

/* atomic-fallback.h: add_unless is fetch_add_unless compared with u. */
static __always_inline bool atomic_add_unless(atomic_t *v, int a, int u)
{
	return atomic_fetch_add_unless(v, a, u) != u;
}

/* atomic-fallback.h: a release store is smp_store_release on the counter. */
static __always_inline void atomic_set_release(atomic_t *v, int i)
{
	smp_store_release(&v->counter, i);
}

#endif /* FLAGBENCH_ATOMIC_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/asm-generic/barrier.h, v6.1: every barrier an
 * architecture does not define, behind #ifndef, from what it does.  An
 * arch/<arch>/include/flagbench/asm/barrier.h defines only what differs
 * and includes this at its end.
 *
 * Where the kernel's default is a compiler barrier (a uniprocessor's
 * mb()), ours is GCC's __atomic fence: this model always runs on many
 * CPUs.  C11 fences are the nearest portable match: an acquire fence
 * orders earlier loads before later accesses (covers rmb), a release
 * fence orders earlier accesses before later stores (covers wmb); each
 * is at least as strong as the kernel barrier it stands for.
 */
#ifndef FLAGBENCH_ASM_GENERIC_BARRIER_H
#define FLAGBENCH_ASM_GENERIC_BARRIER_H

#include <flagbench/compiler.h>

#ifndef mb
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif
#ifndef rmb
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#ifndef wmb
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#ifndef smp_mb
#define smp_mb() mb()
#endif
#ifndef smp_rmb
#define smp_rmb() rmb()
#endif
#ifndef smp_wmb
#define smp_wmb() wmb()
#endif

/* Atomics that return nothing are unordered: a full barrier around them. */
#ifndef smp_mb__before_atomic
#define smp_mb__before_atomic() smp_mb()
#endif
#ifndef smp_mb__after_atomic
#define smp_mb__after_atomic() smp_mb()
#endif

/* Only 4- and 8-byte scalars are single-copy atomic in every flavour here. */
#define __fb_assert_acq_rel_size(x)                                            \
	((void)sizeof(char[1 - 2 * !(sizeof(x) == 4 || sizeof(x) == 8)]))

/*
 * The barrier that makes a plain store a release and a plain load an
 * acquire, as the kernel's __smp_store_release()/__smp_load_acquire()
 * use it: a full one, unless the architecture has a lighter one (x86's
 * TSO needs only the compiler's, POWER's lwsync).  Not the kernel's name:
 * it writes the two macros out per architecture around its own.
 */
#ifndef __smp_acquire_release_barrier
#define __smp_acquire_release_barrier() smp_mb()
#endif

#ifndef smp_store_release
#define smp_store_release(p, v)                                                \
	do {                                                                   \
		__fb_assert_acq_rel_size(*(p));                                \
		__smp_acquire_release_barrier();                               \
		WRITE_ONCE(*(p), v);                                           \
	} while (0)
#endif

#ifndef smp_load_acquire
#define smp_load_acquire(p)                                                    \
	({                                                                     \
		__typeof__(*(p)) ___p1 = READ_ONCE(*(p));                      \
		__fb_assert_acq_rel_size(*(p));                                \
		__smp_acquire_release_barrier();                               \
		___p1;                                                         \
	})
#endif

/* A spin-wait hint: none, where the architecture has none. */
#ifndef cpu_relax
static __always_inline void cpu_relax(void)
{
	barrier();
}
#endif

#endif /* FLAGBENCH_ASM_GENERIC_BARRIER_H */

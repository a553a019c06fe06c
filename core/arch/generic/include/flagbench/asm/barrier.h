/* SPDX-License-Identifier: GPL-2.0 */
/* Models include/asm-generic/barrier.h, v6.1, on GCC's __atomic builtins. */
#ifndef FLAGBENCH_ASM_BARRIER_H
#define FLAGBENCH_ASM_BARRIER_H

#include <flagbench/compiler.h>

#define FB_ARCH_NAME "generic"
#define FB_ARCH_ATOMICS "gcc-atomic"

/*
 * C11 fences are the nearest portable match: an acquire fence orders
 * earlier loads before later accesses (covers smp_rmb), a release fence
 * orders earlier accesses before later stores (covers smp_wmb); each is at
 * least as strong as the kernel barrier it stands for.
 */
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()

/* Only 4- and 8-byte scalars are single-copy atomic in every flavour here. */
#define __fb_assert_acq_rel_size(x)                                            \
	((void)sizeof(char[1 - 2 * !(sizeof(x) == 4 || sizeof(x) == 8)]))

#define smp_store_release(p, v)                                                \
	do {                                                                   \
		__fb_assert_acq_rel_size(*(p));                                \
		__atomic_store_n(p, v, __ATOMIC_RELEASE);                      \
	} while (0)

#define smp_load_acquire(p)                                                    \
	({                                                                     \
		__fb_assert_acq_rel_size(*(p));                                \
		__atomic_load_n(p, __ATOMIC_ACQUIRE);                          \
	})

static __always_inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" : : : "memory");
#else
	barrier();
#endif
}

#endif /* FLAGBENCH_ASM_BARRIER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GCC's __atomic builtins for every architecture the model has no asm for,
 * and as a cross-check: asm-generic/barrier.h's fences, with a release
 * store and an acquire load as C11 writes them (marked accesses, which
 * ThreadSanitizer sees).
 */
#ifndef FLAGBENCH_ASM_BARRIER_H
#define FLAGBENCH_ASM_BARRIER_H

#include <flagbench/compiler.h>

#define FB_ARCH_NAME "generic"
#define FB_ARCH_ATOMICS "gcc-atomic"

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

/* The host's spin-wait hint where there is one. */
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
#define cpu_relax cpu_relax

#include <flagbench/asm-generic/barrier.h>

#endif /* FLAGBENCH_ASM_BARRIER_H */

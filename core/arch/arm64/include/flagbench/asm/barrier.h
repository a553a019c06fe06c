/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/arm64/include/asm/barrier.h, v6.1: what differs from
 * asm-generic/barrier.h, which fills in the rest (smp_mb__before_atomic
 * and smp_mb__after_atomic: relaxed atomics need a full dmb).
 */
#ifndef FLAGBENCH_ASM_BARRIER_H
#define FLAGBENCH_ASM_BARRIER_H

#include <flagbench/compiler.h>
#include <stdint.h>

#define FB_ARCH_NAME "arm64"
#ifdef CONFIG_ARM64_LSE_ATOMICS
#define FB_ARCH_ATOMICS "lse"
#else
#define FB_ARCH_ATOMICS "llsc"
#endif

#define isb() __asm__ __volatile__("isb" : : : "memory")
#define dmb(opt) __asm__ __volatile__("dmb " #opt : : : "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt : : : "memory")

#define mb() dsb(sy)
#define rmb() dsb(ld)
#define wmb() dsb(st)

/* Inner Shareable covers every CPU the kernel (and we) run on. */
#define smp_mb() dmb(ish)
#define smp_rmb() dmb(ishld)
#define smp_wmb() dmb(ishst)

/* stlr/ldar: release/acquire (RCsc) without a separate barrier. */
#define smp_store_release(p, v)                                                \
	do {                                                                   \
		union {                                                        \
			__typeof__(*(p)) __val;                                \
			uint32_t __w;                                          \
			uint64_t __x;                                          \
		} __u = { .__val = (v) };                                      \
		__typeof__(p) __p = (p);                                       \
		__fb_assert_acq_rel_size(*__p);                                \
		if (sizeof(*__p) == 4)                                         \
			__asm__ __volatile__("stlr %w1, %0"                    \
					     : "=Q"(*__p)                      \
					     : "rZ"(__u.__w)                   \
					     : "memory");                      \
		else                                                           \
			__asm__ __volatile__("stlr %x1, %0"                    \
					     : "=Q"(*__p)                      \
					     : "rZ"(__u.__x)                   \
					     : "memory");                      \
	} while (0)

#define smp_load_acquire(p)                                                    \
	({                                                                     \
		union {                                                        \
			__typeof__(*(p)) __val;                                \
			uint32_t __w;                                          \
			uint64_t __x;                                          \
		} __u;                                                         \
		__typeof__(p) __p = (p);                                       \
		__fb_assert_acq_rel_size(*__p);                                \
		if (sizeof(*__p) == 4)                                         \
			__asm__ __volatile__("ldar %w0, %1"                    \
					     : "=r"(__u.__w)                   \
					     : "Q"(*__p)                       \
					     : "memory");                      \
		else                                                           \
			__asm__ __volatile__("ldar %0, %1"                     \
					     : "=r"(__u.__x)                   \
					     : "Q"(*__p)                       \
					     : "memory");                      \
		__u.__val;                                                     \
	})

/* YIELD: spin-wait hint, as arch/arm64/include/asm/vdso/processor.h. */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("yield" : : : "memory");
}
#define cpu_relax cpu_relax

#include <flagbench/asm-generic/barrier.h>

#endif /* FLAGBENCH_ASM_BARRIER_H */

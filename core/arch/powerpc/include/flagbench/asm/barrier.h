/* SPDX-License-Identifier: GPL-2.0 */
/* Models arch/powerpc/include/asm/{barrier,synch}.h (ppc64, SMP), v6.1. */
#ifndef FLAGBENCH_ASM_BARRIER_H
#define FLAGBENCH_ASM_BARRIER_H

#include <flagbench/compiler.h>

#define FB_ARCH_NAME "powerpc"
#define FB_ARCH_ATOMICS "ldarx-stdcx"

/*
 * synch.h. The kernel emits isync for PPC_ACQUIRE_BARRIER and patches it
 * to lwsync at boot on every CPU that has lwsync (all 64-bit server
 * CPUs), so lwsync is what runs.  Value-returning atomics are entered and
 * left with a full sync (since v3.18, 49e9cf3f0c04 "powerpc: Fix
 * atomic_xxx_return barrier semantics"): an lwsync on entry would let an
 * earlier store pass the atomic, which the kernel's full ordering forbids.
 */
#define LWSYNC "lwsync"
#define PPC_ACQUIRE_BARRIER "\n" LWSYNC "\n"
#define PPC_RELEASE_BARRIER LWSYNC "\n"
#define PPC_ATOMIC_ENTRY_BARRIER "\nsync\n"
#define PPC_ATOMIC_EXIT_BARRIER "\nsync\n"

#define mb() __asm__ __volatile__("sync" : : : "memory")
#define rmb() __asm__ __volatile__("sync" : : : "memory")
#define wmb() __asm__ __volatile__("sync" : : : "memory")

#define __lwsync() __asm__ __volatile__(LWSYNC : : : "memory")

/* lwsync orders everything but store->load, which only sync does. */
#define smp_mb() __asm__ __volatile__("sync" : : : "memory")
#define smp_rmb() __lwsync()
#define smp_wmb() __lwsync()

/* powerpc keeps asm-generic's defaults: a full sync. */
#define smp_mb__before_atomic() smp_mb()
#define smp_mb__after_atomic() smp_mb()

/* Only 4- and 8-byte scalars are single-copy atomic in every flavour here. */
#define __fb_assert_acq_rel_size(x)                                            \
	((void)sizeof(char[1 - 2 * !(sizeof(x) == 4 || sizeof(x) == 8)]))

#define smp_store_release(p, v)                                                \
	do {                                                                   \
		__fb_assert_acq_rel_size(*(p));                                \
		__lwsync();                                                    \
		WRITE_ONCE(*(p), v);                                           \
	} while (0)

#define smp_load_acquire(p)                                                    \
	({                                                                     \
		__typeof__(*(p)) ___p1 = READ_ONCE(*(p));                      \
		__fb_assert_acq_rel_size(*(p));                                \
		__lwsync();                                                    \
		___p1;                                                         \
	})

/* vdso/processor.h: drop SMT priority while spinning, then restore it. */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("or 1,1,1\n\tor 2,2,2" : : : "memory");
}

#endif /* FLAGBENCH_ASM_BARRIER_H */

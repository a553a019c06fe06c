/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/powerpc/include/asm/{barrier,synch}.h (ppc64, SMP), v6.1:
 * what differs from asm-generic/barrier.h, which fills in the rest.
 */
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

/* Acquire and release are lwsync (the full sync is asm-generic's). */
#define __smp_acquire_release_barrier() __lwsync()

/* vdso/processor.h: drop SMT priority while spinning, then restore it. */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("or 1,1,1\n\tor 2,2,2" : : : "memory");
}
#define cpu_relax cpu_relax

#include <flagbench/asm-generic/barrier.h>

#endif /* FLAGBENCH_ASM_BARRIER_H */

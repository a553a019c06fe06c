/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/x86/include/asm/barrier.h (x86-64), v6.1: what differs from
 * asm-generic/barrier.h, which fills in the rest.
 */
#ifndef FLAGBENCH_ASM_BARRIER_H
#define FLAGBENCH_ASM_BARRIER_H

#include <flagbench/compiler.h>

#define FB_ARCH_NAME "x86"
#define FB_ARCH_ATOMICS "lock"

#define mb() __asm__ __volatile__("mfence" : : : "memory")
#define rmb() __asm__ __volatile__("lfence" : : : "memory")
#define wmb() __asm__ __volatile__("sfence" : : : "memory")

/*
 * A locked add to the stack is a full barrier and cheaper than mfence on
 * most CPUs; adding 0 leaves the red-zone word below %rsp unchanged, so it
 * is safe in userspace too (the kernel is built with -mno-red-zone).
 */
#define smp_mb() __asm__ __volatile__("lock; addl $0,-4(%%rsp)" : : : "memory", "cc")
/* TSO: loads are not reordered with loads, nor stores with stores. */
#define smp_rmb() barrier()
#define smp_wmb() barrier()

/* Locked instructions are already full barriers. */
#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()

/* TSO gives every load acquire and every store release semantics. */
#define __smp_acquire_release_barrier() barrier()

/* REP NOP (PAUSE): spin-wait hint, as arch/x86/include/asm/vdso/processor.h. */
static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("rep; nop" : : : "memory");
}
#define cpu_relax cpu_relax

#include <flagbench/asm-generic/barrier.h>

#endif /* FLAGBENCH_ASM_BARRIER_H */

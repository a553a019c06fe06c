/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GCC's __atomic builtins: asm-generic/bitops/{atomic,lock}.h over the
 * generic 64-bit atomics (asm/atomic.h), v6.1, and the rest asm-generic's
 * but test_bit.
 */
#ifndef FLAGBENCH_ASM_BITOPS_H
#define FLAGBENCH_ASM_BITOPS_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>
#include <flagbench/asm/atomic.h>
#include <flagbench/asm/barrier.h>
#include <flagbench/asm-generic/bitops/lock.h>

/* A relaxed atomic load: a plain load, and a marked access to TSan. */
static __always_inline bool arch_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (__atomic_load_n(addr + BIT_WORD(nr), __ATOMIC_RELAXED) >>
		      (nr & (BITS_PER_LONG - 1)));
}
#define arch_test_bit arch_test_bit

#include <flagbench/asm-generic/bitops.h>

#endif /* FLAGBENCH_ASM_BITOPS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bit operations an architecture does not define, behind #ifndef, as
 * include/asm-generic/bitops/ gives them, v6.1: the non-atomic ones as
 * plain read-modify-writes, test_bit as a plain load.  An
 * arch/<arch>/include/flagbench/asm/bitops.h defines what differs (its
 * atomic ones, or asm-generic/bitops/{atomic,lock}.h over its 64-bit
 * atomics) and includes this at its end.
 */
#ifndef FLAGBENCH_ASM_GENERIC_BITOPS_H
#define FLAGBENCH_ASM_GENERIC_BITOPS_H

#include <flagbench/bits.h>
#include <flagbench/compiler.h>

#ifndef arch___set_bit
#include <flagbench/asm-generic/bitops/generic-non-atomic.h>
#endif

#ifndef arch_test_bit
static __always_inline bool arch_test_bit(long nr,
					  const volatile unsigned long *addr)
{
	return 1UL & (addr[BIT_WORD(nr)] >> (nr & (BITS_PER_LONG - 1)));
}
#define arch_test_bit arch_test_bit
#endif

#endif /* FLAGBENCH_ASM_GENERIC_BITOPS_H */

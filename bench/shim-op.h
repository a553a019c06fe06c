/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The operation the shim check measures both natively in C++ and through
 * the C shim: a non-atomic clear of one bit in a word in memory, about
 * 1 ns, the size of operation a per-op call into C++ would distort.
 * Plain C and C++ alike, so both sides compile the very same code.
 */
#ifndef FLAGBENCH_BENCH_SHIM_OP_H
#define FLAGBENCH_BENCH_SHIM_OP_H

static inline void fb_shim_op(volatile unsigned long *word)
{
	*word &= ~(1UL << 3);
}

#endif /* FLAGBENCH_BENCH_SHIM_OP_H */

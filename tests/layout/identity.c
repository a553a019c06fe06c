// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny binary for scripts/code-identity's own test (identity-test): two
 * benchmarks in an fb_benchmarks table as bench/throughput.h lays it out,
 * built three times: as it is, with every function shifted by the
 * layout-shift option, and with one benchmark's code changed
 * (-DFB_IDENTITY_CHANGED).  Never run: only disassembled.
 */
#include <stddef.h>
#include "throughput.h"

static volatile unsigned long word;

static noinline void op(unsigned long bit)
{
	word |= 1UL << bit;
}

static void bm_loop(struct gbench_state *st, long arg)
{
	for (long i = 0; i < arg; i++)
		op(i & 63);
}

static void bm_other(struct gbench_state *st, long arg)
{
#ifdef FB_IDENTITY_CHANGED
	word ^= (unsigned long)arg;
#endif
	for (long i = 0; i < arg; i++)
		word += (unsigned long)i;
}

DEFINE_FB_BENCHMARK("identity/loop", bm_loop, 256, 0, "a loop calling op()");
DEFINE_FB_BENCHMARK("identity/other", bm_other, 256, 0, "changed in one build");

int main(void)
{
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny binary for scripts/code-identity's own test (identity-test): two
 * benchmarks in an fb_benchmarks table as bench/throughput.h lays it out,
 * built four times: as it is, with every function shifted by the
 * layout-shift option, with one benchmark's code changed
 * (-DFB_IDENTITY_CHANGED), and with op() made to cross a 4 KiB page
 * (-DFB_IDENTITY_CROSSING).  Never run: only disassembled.
 */
#include <stddef.h>
#include "throughput.h"

static volatile unsigned long word;

#ifdef FB_IDENTITY_CROSSING
/* A page's end less one cache line, then op() longer than that line. */
asm(".text\n\t.p2align 12\n\t.skip 4032");
#endif

static noinline void op(unsigned long bit)
{
	word |= 1UL << bit;
#ifdef FB_IDENTITY_CROSSING
	for (unsigned long i = 0; i < bit; i++)
		word ^= i * 0x9e3779b97f4a7c15UL + (word >> 7);
#endif
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

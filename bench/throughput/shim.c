// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's own check: fb_shim_op() (a ~1 ns non-atomic bit clear) in
 * Google Benchmark's native C++ loop, through the C shim in batches (what
 * every benchmark here uses), and through the shim one call per operation
 * (what batching avoids).  c_batch / cxx_native should be 1 within noise.
 */
#include "../shim-op.h"
#include "../throughput.h"

static volatile unsigned long shim_word;

static void bm_c_batch(struct gbench_state *st, long arg)
{
	fb_bench_loop(st)
		fb_shim_op(&shim_word);
}

static void bm_c_per_op(struct gbench_state *st, long arg)
{
	while (gbench_keep_running_batch(st, 1))
		fb_shim_op(&shim_word);
}

DEFINE_FB_BENCHMARK("shim/cxx_native", NULL, 0, FB_BENCH_NATIVE_CXX,
		    "reference: the op in Google Benchmark's C++ range-for loop");
DEFINE_FB_BENCHMARK("shim/c_batch", bm_c_batch, 0, 0,
		    "the op through the C shim, batched as every benchmark is");
DEFINE_FB_BENCHMARK("shim/c_per_op", bm_c_per_op, 0, 0,
		    "the op through the C shim, one call into C++ per op");

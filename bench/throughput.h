/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Throughput benchmarks, registered where they are defined.
 *
 * A benchmark is one C function over the model, in bench/throughput/, next
 * to nothing but what it measures:
 *
 *	static void bm_clear_bit(struct gbench_state *st, long arg)
 *	{
 *		struct page *page = fb_bench_page(st);
 *
 *		fb_bench_loop(st)
 *			clear_bit(PG_isolated, &page->flags);
 *	}
 *	DEFINE_FB_BENCHMARK("bitops/clear_bit", bm_clear_bit, 0, 0, "...");
 *
 * The harness (bench/throughput.c) pins each thread by the placement
 * policy, counts perf events around the timed loop, and adds the counters
 * every benchmark has: ns_per_op, ops_per_s, ops_per_s_per_thread (one
 * iteration is one named operation or round trip), and cycles_per_op,
 * instructions_per_op, cache_misses_per_op where the machine counts them.
 *
 * Names are the same in every variant build for the same operation, so
 * the cost of a fix is one name compared between two builds.
 */
#ifndef FLAGBENCH_BENCH_THROUGHPUT_H
#define FLAGBENCH_BENCH_THROUGHPUT_H

#include <jansson.h>
#include <flagbench/compiler.h>
#include "gbench.h"

/* A scaling benchmark's most threads (it runs 1 .. allowed CPUs, up to it). */
#define TP_MAX_THREADS 1024

/*
 * Runs of several threads last this many times --benchmark_min_time.  The
 * contended 2-thread rows' paired spread over 22 lockstep rounds (robust
 * sd of the per-round log ratio, median over the rows) on the 2-vCPU
 * guest: 0.045 with 4, 0.032-0.033 with 8 in the same hour; 8 costs
 * what holding the software perf events saved.
 */
#define TP_THREADED_MIN_TIME_SCALE 8

/* Google Benchmark 1.7's --benchmark_min_time when none is given. */
#define TP_GBENCH_MIN_TIME 0.5

enum fb_bench_flags {
	/* Run for each thread count (1 .. allowed CPUs, or --threads). */
	FB_BENCH_SCALING = 1 << 0,
	/* The shim's native C++ reference (gbench_register_native_reference). */
	FB_BENCH_NATIVE_CXX = 1 << 1,
};

struct fb_benchmark {
	const char *name;
	gbench_fn fn;
	long arg;
	unsigned int flags;
	const char *help;
};

#define __FB_PASTE2(a, b) a##b
#define __FB_PASTE(a, b) __FB_PASTE2(a, b)

#define DEFINE_FB_BENCHMARK(_name, _fn, _arg, _flags, _help)                   \
	static const struct fb_benchmark __FB_PASTE(__fb_benchmark_,           \
						    __COUNTER__)               \
		__fb_registry("fb_benchmarks") = {                             \
			.name = _name,                                         \
			.fn = _fn,                                             \
			.arg = _arg,                                           \
			.flags = _flags,                                       \
			.help = _help,                                         \
		}

const struct fb_benchmark *fb_benchmarks_begin(void);
const struct fb_benchmark *fb_benchmarks_end(void);

/*
 * Operations per call back into Google Benchmark: enough that the call
 * vanishes against a 1 ns operation, few enough not to overshoot a slow one.
 */
#define FB_BENCH_BATCH 256

/*
 * The timed loop.  The compiler barrier per operation keeps each one a real
 * access to memory (no hoisting of test_bit, no fusing of __clear_bit),
 * which is what the kernel's callers get.  Do not `break` out of it.
 */
#define fb_bench_loop(st)                                                      \
	for (long __fb_b = 0; gbench_keep_running_batch(st, FB_BENCH_BATCH);) \
		for (__fb_b = 0; __fb_b < FB_BENCH_BATCH;                      \
		     __fb_b++, gbench_clobber_memory())

struct page;

/*
 * Memory for the calling benchmark thread, allocated near its CPU by the
 * harness before the benchmark runs and zeroed: its own page (aligned,
 * alone in its 4 KiB), and pages shared by all threads of the run.
 */
struct page *fb_bench_page(struct gbench_state *st);
struct page *fb_bench_shared_page(struct gbench_state *st);
/* One cache line's worth of words shared by all threads of the run. */
unsigned long *fb_bench_shared_line(struct gbench_state *st);
/* The CPU the harness pinned this thread to (-1: not pinned). */
int fb_bench_cpu(struct gbench_state *st);

/*
 * Entry point of `flagbench-<v> throughput`, also callable in-process
 * (tests): argv[0] is the command name.  Exit status 0 or 2.
 */
int fb_throughput_main(int argc, char **argv);

/* The benchmark names and help of this build, for `list`. */
json_t *fb_benchmarks_json(void);

#endif /* FLAGBENCH_BENCH_THROUGHPUT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one cycle counter of the harness: the race engine aligns and
 * measures its roles with it, the throughput runner times its batches
 * with it.  A cheap, monotonic, core-coherent
 * counter per architecture: x86 rdtsc (invariant TSC), arm64 cntvct_el0
 * (after an isb, so that it is not read early), POWER's timebase; else
 * CLOCK_MONOTONIC in nanoseconds.
 */
#ifndef FLAGBENCH_BENCH_CYCLES_H
#define FLAGBENCH_BENCH_CYCLES_H

#include <stdint.h>
#include <time.h>
#include <flagbench/compiler.h>

static __always_inline uint64_t fb_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ __volatile__("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
	return v;
#elif defined(__powerpc64__)
	return __builtin_ppc_get_timebase();
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

/*
 * fb_cycles() read at a point in program order that other CPUs can agree
 * on: every access before it is complete (globally visible: a store has
 * left the store buffer) and none after it has begun.  A witness's stamps
 * are read this way, so that two CPUs' events on one cache line order by
 * their stamps up to the counters' skew, not up to a store buffer's
 * drain (a plain rdtsc after a store is taken before other CPUs see the
 * store).  Costs a full fence: only the witness pass uses it.
 */
static __always_inline uint64_t fb_cycles_fenced(void)
{
	uint64_t v;

#if defined(__x86_64__) || defined(__i386__)
	/* Intel SDM on RDTSC: "MFENCE;LFENCE" before, "LFENCE" after. */
	__asm__ __volatile__("mfence; lfence" : : : "memory");
	v = __builtin_ia32_rdtsc();
	__asm__ __volatile__("lfence" : : : "memory");
#elif defined(__aarch64__)
	__asm__ __volatile__("dsb ish; isb; mrs %0, cntvct_el0; isb"
			     : "=r"(v) : : "memory");
#elif defined(__powerpc64__)
	__asm__ __volatile__("sync" : : : "memory");
	v = __builtin_ppc_get_timebase();
	__asm__ __volatile__("isync" : : : "memory");
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	v = fb_cycles();
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
	return v;
}

/* What fb_cycles() reads: "rdtsc", "cntvct_el0", "timebase", ... */
const char *fb_cycles_name(void);

/*
 * Counter ticks per nanosecond, measured once against CLOCK_MONOTONIC
 * (10 ms) on first use; thread-safe.
 */
double fb_cycles_per_ns(void);

static inline double fb_cycles_to_ns(int64_t ticks)
{
	return (double)ticks / fb_cycles_per_ns();
}

#endif /* FLAGBENCH_BENCH_CYCLES_H */

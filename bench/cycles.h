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

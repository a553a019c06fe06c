/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread hardware and software counters through perf_event_open(2),
 * and a tick counter (TSC, CNTVCT, timebase) that every machine has.
 *
 * Hardware counters (cycles, instructions, cache misses) are one group,
 * read with time enabled/running so that multiplexing is scaled out; where
 * the machine has no PMU (virtual machines: ENOENT) or forbids it (EACCES),
 * the probe says why once and the software group (context switches, CPU
 * migrations, task clock, page faults) and the ticks carry on.  Both groups
 * go through the same open/enable/read/scale code, so a machine without a
 * PMU (CI's virtual machines) still runs and tests all of it.
 */
#ifndef FLAGBENCH_BENCH_PERF_H
#define FLAGBENCH_BENCH_PERF_H

#include <stdbool.h>
#include <stdint.h>

enum fb_perf_hw {
	FB_PERF_CYCLES,
	FB_PERF_INSTRUCTIONS,
	FB_PERF_CACHE_MISSES,
	FB_PERF_NR_HW
};

enum fb_perf_sw {
	FB_PERF_CONTEXT_SWITCHES,
	FB_PERF_CPU_MIGRATIONS,
	FB_PERF_TASK_CLOCK,
	FB_PERF_PAGE_FAULTS,
	FB_PERF_NR_SW
};

struct fb_perf_values {
	bool hw_valid;			/* the hardware group counted */
	bool sw_valid;
	double hw[FB_PERF_NR_HW];	/* scaled by enabled/running */
	double sw[FB_PERF_NR_SW];
	double hw_running_ratio;	/* time running / enabled, 1: no multiplexing */
};

struct fb_perf_thread {
	int hw_fd[FB_PERF_NR_HW];	/* [0] leads; -1 when unsupported */
	int sw_fd[FB_PERF_NR_SW];
};

/*
 * Once per process: can this machine count cycles for this thread?
 * @reason: why not (or "" when it can); static storage.  The software
 * group may be supported with a reason: counted in user space only.
 */
bool fb_perf_hw_supported(const char **reason);
bool fb_perf_sw_supported(const char **reason);
const char *fb_perf_hw_name(enum fb_perf_hw e);
const char *fb_perf_sw_name(enum fb_perf_sw e);

/* Open this thread's counters, disabled; unsupported groups stay at -1. */
void fb_perf_thread_open(struct fb_perf_thread *p);
void fb_perf_thread_enable(struct fb_perf_thread *p);
void fb_perf_thread_disable(struct fb_perf_thread *p);
void fb_perf_thread_read(struct fb_perf_thread *p, struct fb_perf_values *v);
void fb_perf_thread_close(struct fb_perf_thread *p);

#endif /* FLAGBENCH_BENCH_PERF_H */

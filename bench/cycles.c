// SPDX-License-Identifier: GPL-2.0
/* The harness's cycle counter: its name and its rate (see cycles.h). */
#include <pthread.h>
#include "cycles.h"

const char *fb_cycles_name(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return "rdtsc";
#elif defined(__aarch64__)
	return "cntvct_el0";
#elif defined(__powerpc64__)
	return "timebase";
#else
	return "clock_monotonic_ns";
#endif
}

static double ticks_per_ns;
static pthread_once_t ticks_once = PTHREAD_ONCE_INIT;

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void calibrate(void)
{
	uint64_t t0, c0, t1, c1;

	t0 = monotonic_ns();
	c0 = fb_cycles();
	do {
		t1 = monotonic_ns();
	} while (t1 - t0 < 10 * 1000 * 1000);
	c1 = fb_cycles();
	ticks_per_ns = (double)(c1 - c0) / (double)(t1 - t0);
	if (!(ticks_per_ns > 0))
		ticks_per_ns = 1;
}

double fb_cycles_per_ns(void)
{
	pthread_once(&ticks_once, calibrate);
	return ticks_per_ns;
}

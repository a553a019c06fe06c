/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine's state, in one number: how long a cache line takes to go
 * from one CPU to another, measured by ping-pong as core-to-core latency
 * tools do (c2clat, core-to-core-latency).  A race's rate depends on it:
 * the same build on the same guest differed by orders of magnitude
 * between a fast and a slow state.  Each race result states it, measured
 * on its own CPUs just before it ran, so that two runs' rates are read
 * together, and the gate says when two bundles ran in different states.
 */
#ifndef FLAGBENCH_BENCH_PINGPONG_H
#define FLAGBENCH_BENCH_PINGPONG_H

/* Round trips per sample, and samples (the median is kept). */
#define FB_PINGPONG_TRIPS 2000
#define FB_PINGPONG_SAMPLES 7

/*
 * One-way transfer time of a cache line between CPUs @a and @b, in ns:
 * the median over FB_PINGPONG_SAMPLES of a sample's time divided by its
 * 2 * FB_PINGPONG_TRIPS transfers.  NAN when a thread cannot be pinned
 * there or a partner never answers (10 s).
 */
double fb_pingpong_ns(int a, int b);

/*
 * How far apart the cycle counters of CPUs @a and @b read at one instant:
 * @b's reading minus @a's, in ns, from the exchange with the shortest
 * round trip (Cristian's method); *@uncertainty gets half that round
 * trip.  NAN when it cannot run.  Events of a witnessed trial on two CPUs
 * closer than |skew| are not ordered by their stamps.
 */
double fb_clock_skew_ns(int a, int b, double *uncertainty);

/* The counter's effective resolution: the least step between two reads. */
double fb_cycles_resolution_ns(void);

#endif /* FLAGBENCH_BENCH_PINGPONG_H */

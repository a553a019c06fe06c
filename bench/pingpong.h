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
 * How far apart the cycle counters of CPUs @a and @b read at one instant
 * (@b's reading minus @a's, in ns), as bounds: the two pass a ball back
 * and forth, each stamping as it receives it, and the least difference
 * each way bounds the offset from one side (it also holds a one-way
 * transfer).  Returns the middle of the bounds and sets *@uncertainty to
 * half their width: the offset is within that of the middle.  NAN when
 * it cannot run.  The stamps are fenced (cycles.h fb_cycles_fenced()),
 * as a witness's are: plain reads, taken out of order with the exchange,
 * skewed an estimate of this guest's by tens of ns (+85 ns from CPU 0 to
 * 1, +70 ns from 1 to 0, where the two must be opposite).
 */
double fb_clock_skew_ns(int a, int b, double *uncertainty);

/*
 * The counter's effective resolution as a witness reads it: the least
 * step between two fenced reads.
 */
double fb_cycles_resolution_ns(void);

#endif /* FLAGBENCH_BENCH_PINGPONG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deadline of a sleeping role, adapted to the wake latency observed.
 *
 * A lost wake-up costs its whole deadline (and the slots the sleeper
 * misses meanwhile), so a fixed 200 us caps a sleeping race at a few
 * thousand hits per second (unless the scenario proves it lost sooner:
 * lost-waiters' rescue, core/filemap.c).  A real wake-up is never counted as lost
 * however late it comes (the waker sets the sleeper's word before its
 * unlock returns, and the checker only counts a sleep whose waker had
 * returned before the deadline), so a shorter deadline costs nothing but
 * deadline misses: it must leave the waker time to finish.  The rule:
 * eight times the 95th percentile of the wakers' time in trials that
 * slept and were woken (the scenario's racy outcomes): from the sleeper's
 * start (the role that took longest) until every other role had returned,
 * not the sleeper's own wake-up latency, which a late wake never depends
 * on; never below the floor, never above the maximum (--deadline-us); the
 * maximum until 32 such trials were seen.  The 95th, not the 99th: in a
 * VM the last percent is the host waking an idle vCPU (65 us against
 * 4.9 us at the 95th for lost-waiters here), and a miss is only counted
 * as one, never taken for the bug.
 */
#ifndef FLAGBENCH_BENCH_RACE_DEADLINE_H
#define FLAGBENCH_BENCH_RACE_DEADLINE_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

/* Four buckets per octave of nanoseconds, up to 2^40 ns. */
#define RACE_WAKE_BUCKETS 160
#define RACE_DEADLINE_FLOOR_NS (20 * 1000)
#define RACE_DEADLINE_MIN_SAMPLES 32
#define RACE_DEADLINE_FACTOR 8
#define RACE_DEADLINE_PERCENTILE 95

struct race_wake_tally {
	uint32_t hist[RACE_WAKE_BUCKETS];
};

struct race_deadline {
	bool adaptive;
	uint64_t floor_ns, max_ns;
	uint64_t ns;		/* the deadline in force */
	uint64_t lo_ns, hi_ns;	/* the smallest and largest used */
	uint64_t samples, pctl_ns;	/* RACE_DEADLINE_PERCENTILE */
	uint64_t hist[RACE_WAKE_BUCKETS];
};

static inline void race_wake_note(struct race_wake_tally *t, double ns)
{
	int b = ns > 1 ? (int)(4 * log2(ns)) : 0;

	t->hist[b < RACE_WAKE_BUCKETS ? b : RACE_WAKE_BUCKETS - 1]++;
}

void race_deadline_init(struct race_deadline *d, bool adaptive,
			uint64_t floor_ns, uint64_t max_ns);
/* Add @t (and zero it); recompute the deadline. */
void race_deadline_merge(struct race_deadline *d, struct race_wake_tally *t);
json_t *race_deadline_json(const struct race_deadline *d);

#endif /* FLAGBENCH_BENCH_RACE_DEADLINE_H */

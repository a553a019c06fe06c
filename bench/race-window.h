/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The window map of a race: hit probability against the roles' measured
 * relative start (B's start minus A's start, in nanoseconds), and the aim
 * that spends trials where the map says hits are.
 *
 * Every run bins offsets on ONE fixed table of nanosecond edges
 * (race_window_lo()/hi()), the same for every variant, machine and run,
 * so that two maps compare bin by bin: a fix is judged at the offsets
 * where the pre-fix build's window was, whatever the two runs' plans.
 *
 * Plans (what decides each trial's intended offset):
 *  - aimed:   a coarse sweep over a range derived from the roles' own
 *             durations, then Thompson sampling over the bins (hits per
 *             second: a bin's sampled hit probability over a trial's cost
 *             there), with a fixed share of uniform exploration so that
 *             the map stays honest and a moved window is found again;
 *  - uniform: the sweep only, uniform over the bins of the range;
 *  - jitter:  the legacy --jitter MAX: random short spins, not aimed.
 * Whatever the plan, the map counts measured offsets, never intended ones.
 *
 * Pure computation: no threads, no clock.  The engine's leader and
 * checker feed it (race.c holds the map of the engine).
 */
#ifndef FLAGBENCH_BENCH_RACE_WINDOW_H
#define FLAGBENCH_BENCH_RACE_WINDOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <jansson.h>

/* The fixed offset table: 31 bins each side of zero, outermost open. */
#define RACE_WINDOW_NR_BINS 62
#define RACE_WINDOW_TABLE "flagbench-offsets-v1"
/* The largest finite edge: intended offsets stay within it. */
#define RACE_WINDOW_MAX_AIM_NS 131072.0
/* Outcome classes mapped per bin (race.h: RACE_MAX_OUTCOMES). */
#define RACE_WINDOW_MAX_OUTCOMES 12

enum race_plan {
	RACE_PLAN_AIMED,
	RACE_PLAN_UNIFORM,
	RACE_PLAN_JITTER,
};

struct race_bin_counts {
	uint64_t trials;
	uint64_t bad;	/* trials with at least one bad outcome */
	uint64_t racy;	/* trials with at least one racy outcome */
};

/* One thread's counts since the last merge. */
struct race_window_tally {
	struct race_bin_counts map[RACE_WINDOW_NR_BINS];	/* measured */
	struct race_bin_counts aim[RACE_WINDOW_NR_BINS];	/* intended */
	/* Trials of each outcome class, per measured bin. */
	uint32_t outcomes[RACE_WINDOW_NR_BINS][RACE_WINDOW_MAX_OUTCOMES];
	/*
	 * Bit b: bin b counted a trial, measured or intended.  A batch fills
	 * a few bins; the merge reads and clears only those, not the whole
	 * tally (6 kB, in another CPU's cache).
	 */
	uint64_t touched;
};

_Static_assert(RACE_WINDOW_NR_BINS <= 64, "race_window_tally.touched");

struct race_window {
	enum race_plan plan;
	int lo_bin, hi_bin;	/* the searched range, inclusive */
	double explore;		/* share of aimed trials drawn uniformly */
	unsigned long sweep_min;	/* trials per bin before aiming */
	bool swept;
	double trial_ns;	/* a trial's cost at offset zero, last planned */
	uint64_t rng;
	uint64_t trials, bad, racy;
	/*
	 * Two ways to run a batch, chosen per batch by Thompson sampling on
	 * hits per second: slotted (each trial at its aimed offset) or free
	 * (no slots: the roles run their trials back to back, as fast as
	 * they can, and meet where they meet; still measured and mapped).
	 */
	double arm_signal[2];	/* decayed: the aim improves, load changes */
	double arm_ns[2];
	double arm_n[2];	/* batches, decayed alike */
	unsigned long arm_batches[2];
	/* Free batches run packed (race.h, race_packed): mapped by runs. */
	unsigned long packed_batches;
	struct race_bin_counts map[RACE_WINDOW_NR_BINS];
	struct race_bin_counts aim[RACE_WINDOW_NR_BINS];
	uint64_t outcomes[RACE_WINDOW_NR_BINS][RACE_WINDOW_MAX_OUTCOMES];
	/*
	 * Part of the plan: an interrupt armed every trial at @irq_point on
	 * role @irq_role's path, its handler's time uniform in [0,
	 * @irq_max_ns]; taken in @irq_taken trials (NULL point: none).
	 */
	const char *irq_point, *irq_role;
	double irq_max_ns;
	uint64_t irq_taken;
	/* The scenario's outcome names, for the JSON (NULL: none). */
	const char *names[RACE_WINDOW_MAX_OUTCOMES];
};

/* The table's edges: bin b is [edges[b], edges[b + 1]). */
extern const double race_window_edges[RACE_WINDOW_NR_BINS + 1];

/* Edges of bin @b of the table; lo inclusive, hi exclusive. */
static inline double race_window_lo(int b)
{
	return race_window_edges[b];
}

static inline double race_window_hi(int b)
{
	return race_window_edges[b + 1];
}

/*
 * The bins of [-RACE_WINDOW_NEAR_NS, RACE_WINDOW_NEAR_NS) ns by whole
 * nanosecond (every edge is whole), from the edges once: most trials are
 * there, and a lookup is a fraction of a short race's check.
 */
#define RACE_WINDOW_NEAR_NS 512
extern int8_t race_window_near_bins[2 * RACE_WINDOW_NEAR_NS];

/* The bin holding an offset of @ns nanoseconds (once per trial: inline). */
static inline int race_window_bin(double ns)
{
	int lo = 0, hi = RACE_WINDOW_NR_BINS - 1;

	if (ns >= -RACE_WINDOW_NEAR_NS && ns < RACE_WINDOW_NEAR_NS)
		return race_window_near_bins[(int)floor(ns) + RACE_WINDOW_NEAR_NS];
	if (!(ns >= race_window_edges[1]))	/* NaN too */
		return 0;
	/* The largest bin whose lower edge is <= ns. */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;

		if (race_window_edges[mid] <= ns)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

void race_window_init(struct race_window *w, enum race_plan plan,
		      uint64_t seed);
/* Search the bins covering [@lo_ns, @hi_ns]; counts are kept. */
void race_window_set_range(struct race_window *w, double lo_ns, double hi_ns);

/* One trial: its measured offset, intended bin (-1: none), what it showed
 * (@seen: bit i for each outcome class i counted in it). */
static inline void race_window_note(struct race_window_tally *t,
				    double offset_ns, int aim_bin, bool bad,
				    bool racy, unsigned int seen)
{
	int b = race_window_bin(offset_ns);
	struct race_bin_counts *c = &t->map[b];

	for (; seen; seen &= seen - 1)
		t->outcomes[b][__builtin_ctz(seen)]++;
	c->trials++;
	c->bad += bad;
	c->racy += racy;
	t->touched |= 1ull << b;
	if (aim_bin >= 0) {
		t->touched |= 1ull << aim_bin;
		c = &t->aim[aim_bin];
		c->trials++;
		c->bad += bad;
		c->racy += racy;
	}
}

/*
 * @n trials at one measured offset, none aimed: @bad and @racy of them
 * so, @counts[i] of them showing outcome class i (of @nr).
 */
static inline void race_window_note_n(struct race_window_tally *t,
				      double offset_ns, uint64_t n,
				      uint64_t bad, uint64_t racy,
				      const unsigned long *counts,
				      unsigned int nr)
{
	int b = race_window_bin(offset_ns);
	struct race_bin_counts *c = &t->map[b];

	for (unsigned int i = 0; i < nr; i++)
		t->outcomes[b][i] += (uint32_t)counts[i];
	c->trials += n;
	c->bad += bad;
	c->racy += racy;
	t->touched |= 1ull << b;
}

/* Add @t into @w and zero it; widens the range when the window is at its edge. */
void race_window_merge(struct race_window *w, struct race_window_tally *t);

/*
 * The intended bins of the next @n trials into @bins: uniform over the
 * range while sweeping (or with the uniform plan), then aimed.
 * @trial_ns is a trial's cost without offset (its slot), to weigh bins
 * by hits per second rather than hits per trial.
 */
void race_window_plan(struct race_window *w, int16_t *bins, unsigned int n,
		      double trial_ns);
enum { RACE_ARM_SLOTTED, RACE_ARM_FREE };
/* The way to run the next batch (plan aimed; else always slotted). */
int race_window_arm(struct race_window *w);
/* A batch run the @arm way took @ns and showed @signal hits. */
void race_window_arm_note(struct race_window *w, int arm, uint64_t signal,
			  double ns);
/* Hits that steer the aim: bad trials once 8 were seen, else bad or racy. */
uint64_t race_window_signal(const struct race_window *w, uint64_t bad,
			    uint64_t racy);

/* An intended offset in ns, uniform within @bin (clipped to the table). */
double race_window_draw(struct race_window *w, int bin);

const char *race_plan_name(enum race_plan plan);
/*
 * What a "Never" covers: the searched range and the trials measured in it
 * (plan jitter: the offsets holding 99% of the trials, whole bins trimmed).
 */
void race_window_span(const struct race_window *w, double *lo, double *hi,
		      uint64_t *trials);
/* A plan's one line, its interrupts included: room enough. */
#define RACE_WINDOW_DESC_LEN 512
/* One line: the plan and where the hits were, or what a Never covers. */
void race_window_describe(const struct race_window *w, char *buf, size_t len);
/* The "window" key of a race result. */
json_t *race_window_json(const struct race_window *w);

#endif /* FLAGBENCH_BENCH_RACE_WINDOW_H */

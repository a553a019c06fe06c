/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The race engine's contract with a scenario (bench/races/).
 *
 * A scenario is one file, in the spirit of will-it-scale: it declares its
 * roles (one function per thread), the per-trial reset, the checker and its
 * outcome classes, and registers itself with DEFINE_RACE_SCENARIO().  It
 * knows nothing about threads, pinning, timing, jitter or output: the
 * engine (race.c lists its parts) runs the roles on pinned CPUs, trial
 * after trial, over an array of independent trial instances, and
 * classifies each trial with the checker once every role has finished it.
 *
 * See bench/races/README.md for every scenario and the engine's parameters.
 */
#ifndef FLAGBENCH_BENCH_RACE_H
#define FLAGBENCH_BENCH_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <flagbench/mm.h>
#include <flagbench/variant.h>
#include "topology.h"

#define RACE_MAX_ROLES 3
#define RACE_MAX_OUTCOMES 12

/* Outcome class @i in the mask a scenario's check() returns. */
#define RACE_CLASS(i) (1u << (i))

/* One trial: its own state and its own pages, shared with nothing else. */
struct race_trial {
	void *data;		/* trial_size bytes, cache-line aligned */
	struct page *pages;	/* pages_per_trial pages of mem_map */
};

struct race_role {
	const char *name;	/* what it models, e.g. "lock_page+__ClearPageIsolated" */
	void (*fn)(struct race_trial *t);
	/*
	 * This role and the one before it are one sequence (a slab's free
	 * after its allocation): a serialised order never splits them, and
	 * runs them in role order in both directions.  Not for the first role.
	 */
	bool follows;
};

struct race_outcome {
	const char *name;
	bool bad;	/* the variant's expectation is about these */
	/*
	 * Seen only when the roles overlapped: the window search aims by it
	 * until bad outcomes show (and in a fixing variant, where none do).
	 * A trial with a racy or bad outcome counted by the checker reached
	 * the race window: "reached_trials", the exposure a forbidden
	 * verdict's second bound is stated in.
	 */
	bool racy;
	/*
	 * When set, the count is the hits of this counted assertion (the
	 * kernel would have oopsed there) instead of the checker's.
	 */
	const char *assert_func;
	const char *assert_cond;
	const char *help;
	/*
	 * This build cannot produce the outcome at all (the fix deleted what
	 * it counts): why, or NULL.  A fix is then "structural", never "0 in
	 * N".  An assert_func outcome whose assertion has no live site is
	 * structural without asking.
	 */
	const char *(*structural)(void);
	/*
	 * This build produces the outcome in any trial that reaches the
	 * window, without the roles racing (any A during a slab's life):
	 * why, or NULL.  Its rate measures the window's length, not a race.
	 */
	const char *(*sequential)(void);
};

/*
 * A calibration shape's trials side by side (scripts/litmus-shape writes
 * it): each of the shape's words (its locations, then its registers) is
 * an array, trial i's word k at a[k * span + i], so that a cache line
 * holds eight trials' copies of one word, written by one role.  In a free
 * batch (no slots, nothing timed per trial) the engine runs each role
 * over a run of trials in one call: the role's statements on trial after
 * trial, as its per-trial function would, without a call and a counter
 * read between them.  The outcomes are still counted trial by trial from
 * what the roles read and left.
 */
struct race_packed {
	unsigned int nr_words;
	/* Role k's statements on trials [i, end). */
	void (*role[RACE_MAX_ROLES])(unsigned long *a, size_t span,
				     unsigned long i, unsigned long end);
	/*
	 * Trials [i, end): each counted in its class, counts[nr_outcomes]
	 * when none holds (a shape's classes do not overlap), and its
	 * locations reset; not its registers, which every trial of a packed
	 * batch writes (the barrier after the batch waits for every role),
	 * so that their lines stay where their role writes them.
	 */
	void (*check)(unsigned long *a, size_t span, unsigned long i,
		      unsigned long end, unsigned long *counts);
	void (*reset)(unsigned long *a, size_t span, unsigned long i,
		      unsigned long end);
};

/* Per-architecture expectations of a shape whose verdict is known. */
struct race_arch_expect {
	const char *arch;	/* NULL: every other architecture */
	enum expectation expect;
};

struct race_scenario {
	const char *name;
	const char *seed;	/* "001", or NULL for a calibration shape */
	const char *description;
	struct race_role roles[RACE_MAX_ROLES];
	unsigned int nr_roles;
	/*
	 * The same race in fewer threads (e.g. slab alloc and free as one
	 * role), used when fewer CPUs than nr_roles are allowed.
	 */
	struct race_role folded_roles[RACE_MAX_ROLES];
	unsigned int nr_folded_roles;
	size_t trial_size;
	unsigned int pages_per_trial;
	/* Its roles sleep (page lock waits): give them a deadline each trial. */
	bool sleeps;
	/* Put a trial back in its initial state (all roles are done). */
	void (*reset)(struct race_trial *t);
	/*
	 * Classify a finished trial: the outcome classes it showed, as a
	 * mask (RACE_CLASS(i) for each class i seen; classes may overlap).
	 * An assertion outcome's bit is the engine's: its sites fired.
	 */
	unsigned int (*check)(struct race_trial *t);
	const struct race_outcome *outcomes;
	unsigned int nr_outcomes;
	/* Its trials side by side, for free batches; NULL: none. */
	const struct race_packed *packed;
	/*
	 * An interrupt point on role @irq_role's path (core interrupt.h):
	 * with --irq (on by default) the engine arms one interrupt there
	 * every trial, its handler's time uniform in [0, --irq MAX] ns,
	 * whatever the variant and the order; NULL: the scenario has none.
	 * The point is part of the sampling plan every rate reports.
	 */
	const char *irq_point;
	unsigned int irq_role;
	/*
	 * The expectation with every knob at its default - the kernel before
	 * the fixes - per architecture, {NULL, e} ending the list with the
	 * one for every other architecture.  A variant file names the
	 * scenario only when its patch changes that; then the file wins.
	 */
	const struct race_arch_expect *expect;
};

/* A scenario's outcome classes (race_scenario.outcomes) and their number. */
#define RACE_OUTCOMES(_o) .outcomes = (_o), .nr_outcomes = ARRAY_SIZE(_o)

/* The same expectation on every architecture (race_scenario.expect). */
#define RACE_EXPECT_EVERYWHERE(_e)                                             \
	((const struct race_arch_expect[]){ { NULL, (_e) } })

#define DEFINE_RACE_SCENARIO(_s)                                               \
	static const struct race_scenario *const __race_scenario_##_s          \
		__fb_registry("fb_races") = &_s

const struct race_scenario *const *race_scenarios_begin(void);
const struct race_scenario *const *race_scenarios_end(void);
const struct race_scenario *race_scenario_find(const char *name);

/*
 * For a role that must know at once whether a counted assertion fired (the
 * kernel would have stopped there): the sites of @func with @cond, NULL
 * terminated, and their total hits.
 */
int race_find_sites(const char *func, const char *cond,
		    struct vm_bug_site **sites, int max);
unsigned long race_sites_hits(struct vm_bug_site *const *sites);

/* The fewest CPUs @s runs on: its folded roles' count, if it has fewer. */
unsigned int race_min_cpus(const struct race_scenario *s);

/* The expectation for @s on @arch: the variant file's if it names @s. */
enum expectation race_expectation(const struct race_scenario *s,
				  const char *arch);


/*
 * pair_mask bit for `--pairs each`: one run per ordered pair of allowed
 * CPUs (an evenly spread sample of at most RACE_EACH_MAX_PAIRS on a big
 * machine, see fb_topology_each_pair()), seconds and trials split between
 * them; each result carries "pair": {"cpus": [a, b], "class": ...}.
 */
#define RACE_PAIRS_EACH (1u << 31)
#define RACE_EACH_MAX_PAIRS 240	/* race --help says so */

/* How a run is bounded and placed. */
struct race_params {
	double seconds;		/* per scenario and CPU pair; 0: no limit */
	/*
	 * A calibration shape's (seed NULL) @seconds when that is bounded:
	 * its trials take tens of ns, a seed race's microseconds; 0: @seconds.
	 */
	double shape_seconds;
	unsigned long trials;	/* per scenario and CPU pair; 0: no limit */
	unsigned int pair_mask;	/* 1 << fb_pair_class; 0: closest+farthest;
				 * all five bits: every class present */
	int jitter;		/* max short spins (plan jitter); -1: aim or sweep */
	bool aim;		/* with jitter -1: aim at the window, or sweep uniformly */
	uint64_t deadline_ns;	/* every sleep of a role ends by then (the maximum) */
	uint64_t deadline_floor_ns;	/* the adaptive deadline's floor */
	bool adaptive_deadline;	/* adapt to the wake latency, within [floor, max] */
	unsigned int batch;	/* trials per batch */
	/*
	 * RACE_INTERLEAVED: roles aligned on slots, jittered; serialised:
	 * every trial's roles strictly one after the other, in role order
	 * or its reverse (sequences of roles kept whole, race_role.follows),
	 * which must never show a bad outcome.
	 */
	int order;
	/*
	 * Interrupt points (race_scenario.irq_point): the armed handler's
	 * longest time in ns, each trial's drawn uniformly in [0, irq_ns];
	 * 0: no interrupts.
	 */
	double irq_ns;
	bool quiet;		/* no terminal table */
	/*
	 * After measuring, replay with tracepoints on until each bad class
	 * seen (or, none seen, each window class) has @witness trials, or
	 * @witness_seconds pass (race-witness.h); 0: no witness pass.
	 */
	unsigned int witness;
	double witness_seconds;
	/*
	 * A forbidden outcome not seen, with fewer reached trials at the end
	 * of @seconds than its pre-fix reference says the zero needs
	 * (@need: for @s on a pair of class @pc, 0 when none is known), runs
	 * on until it has them, a bad outcome shows, or @extend_seconds
	 * more pass; 0: every run stops on time.
	 */
	double extend_seconds;
	double (*need)(const struct race_scenario *s, enum fb_pair_class pc,
		       void *arg);
	void *need_arg;
};

enum race_order {
	RACE_INTERLEAVED,
	RACE_SERIALISED,
	RACE_SERIALISED_REVERSE,
};

/* "interleaved", "serialised", "serialised-reverse" (the JSON "order"). */
const char *race_order_name(int order);

/*
 * The default --irq: a short handler's time, a few times the other side
 * of the longest seed window (compaction-mapcount's isolate, free and
 * slab allocation, 100-200 ns on a 2-vCPU x86-64 guest), far below a
 * real handler's microseconds.
 */
#define RACE_IRQ_DEFAULT_NS 1024

void race_params_default(struct race_params *p);

/* --pairs LIST (race and topology): a pair_mask, or -1 having said why. */
int race_parse_pairs(const char *s, unsigned int *mask);

struct race_results;

/*
 * Run @nr scenarios with @p; append one typed result per scenario and
 * pair to @results (race-result.h).  0, or -1 with a message in @err
 * (nothing is run then).
 */
int race_run(const struct race_scenario *const *scenarios, int nr,
	     const struct race_params *p, struct race_results *results,
	     char *err, size_t errlen);

/*
 * What race_run() would run for @s with @p, without running it: an array
 * of {"pair_class", "cpus", "roles", "seconds", "trials"} (and "pair" with
 * RACE_PAIRS_EACH).  NULL with a message in @err.
 */
json_t *race_plan(const struct race_scenario *s, const struct race_params *p,
		  char *err, size_t errlen);


#endif /* FLAGBENCH_BENCH_RACE_H */

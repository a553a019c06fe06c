/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The race engine's own structures, not a scenario's (those are race.h):
 * one run of a scenario on its CPUs (struct race_run), a role's thread and
 * the leader's aim of each trial, and what the engine's files call of
 * each other.  race.c holds the map of the engine's files.
 */
#ifndef FLAGBENCH_BENCH_RACE_RUN_H
#define FLAGBENCH_BENCH_RACE_RUN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <flagbench/interrupt.h>
#include <flagbench/mmdebug.h>
#include "race-deadline.h"
#include "race-result.h"
#include "race-witness.h"
#include "race-window.h"
#include "race.h"
#include "topology.h"

/*
 * A packed batch's trials between two counter reads of a role: its runs
 * are mapped at the offset of their two stamps (a run of SB takes about
 * 100 ns).
 */
#define RACE_PACKED_RUN 64

/*
 * A packed batch holds this many batches' trials: the batch's barriers,
 * check and leader cost as much as its packed trials (SB on the 2-vCPU
 * guest: about 80 M bad trials/s with 1, 108 M/s with 8).  At most
 * RACE_PACKED_RUN: a role's stamps are per run, in its per-trial array.
 */
#define RACE_PACKED_BATCHES 8

/* A role stuck beyond this at a batch barrier aborts the run. */
#define RACE_BARRIER_DEADLINE_NS (10ull * 1000 * 1000 * 1000)

struct spin_barrier {
	int count __aligned(64);
	int sense;
	int n;
};

struct race_thread {
	struct race_run *run;
	int role;
	int cpu;
	int sense;
	int error;		/* -errno from pinning */
	pthread_t tid;
	unsigned long counts[RACE_MAX_OUTCOMES];
	unsigned long reached;	/* trials of its stripe that reached the window */
	unsigned long bad_trials;	/* checked trials with a bad outcome */
	unsigned long late;
	uint32_t *busy;		/* ticks from its start to the role's return, per trial */
	uint32_t *sorted;	/* scratch for the median: busy is read by all */
	uint64_t busy_median;
	/*
	 * Serialised order and anchored slots: trials this role has
	 * finished, over all batches.
	 */
	uint64_t done __aligned(64);
	/* Anchored slots: bumped, with a wake-up, for roles blocked on done. */
	uint32_t done_seq, done_sleepers;
	uint64_t base;		/* trials before this batch */
	uint64_t *start;	/* counter at the role's actual start, per trial */
	uint64_t *end;		/* counter when the role returned, per trial */
	uint16_t *mark;		/* per trial: TRIAL_LATE, assertion outcomes fired */
	unsigned long *site_hits;	/* this thread's hits of every site */
	/* The scenario's interrupt point is on this role's path: its source. */
	struct fb_irq irq;
	struct race_window_tally tally;
	struct race_wake_tally wake;
} __aligned(64);

_Static_assert(RACE_MAX_OUTCOMES <= RACE_WINDOW_MAX_OUTCOMES,
	       "the window maps every outcome class");

/* race_thread.mark: the role missed its instant (bits below: outcomes). */
#define TRIAL_LATE 0x8000

/*
 * The leader's plan for one trial, read by every role: small, as the
 * leader writes a batch of them while the roles wait, and every role
 * reads them from the leader's cache.
 */
struct race_aim {
	/*
	 * Ticks from the first role's start to the second's: the earlier
	 * side starts at the slot, the later one this many ticks after it
	 * (roles past the second move with the second), and the slot grows
	 * by as much.
	 */
	int32_t offset;
	int16_t bin;			/* intended bin, -1: not aimed */
};

struct race_run {
	const struct race_scenario *s;
	const struct race_role *roles;
	unsigned int nr_roles;
	const struct race_params *p;
	bool emulated;

	/* The trial instances of a batch. */
	struct race_trial *inst;
	unsigned int batch;
	void *data;
	size_t data_len;
	struct page *map;
	size_t map_len;
	/*
	 * The batch side by side (race_scenario.packed), when this run can
	 * use it: the shape's roles, nothing armed, nothing asserted, no
	 * sleeps.  Its words are span apart.
	 */
	const struct race_packed *packed;
	unsigned long *packed_data;
	size_t packed_span, packed_len;
	unsigned int packed_n;	/* trials of a packed batch */

	/* Set by the leader between batches, read by every role. */
	uint64_t t0 __aligned(64);
	uint64_t period;	/* ticks between trial slots */
	uint64_t batch_period;	/* this batch's: 0 when it runs free */
	int arm;		/* RACE_ARM_*: how this batch runs */
	bool packed_batch;	/* a free batch run on the packed trials */
	uint64_t batch_start_ns;
	uint64_t max_period;
	/* Roles that sleep: slotted batches re-anchor every trial. */
	bool anchored;
	int jitter;
	struct race_aim *aim;		/* per trial of the batch */
	int16_t *aim_bins;		/* the leader's scratch */
	/* The offset table in ticks, the open outer bins clipped. */
	int64_t bin_lo_ticks[RACE_WINDOW_NR_BINS];
	uint64_t bin_width_ticks[RACE_WINDOW_NR_BINS];
	uint64_t deadline_ns;		/* of every sleep this batch */
	/* Interrupt points: the handler's longest time; 0: none armed. */
	uint64_t irq_ticks;
	double ns_per_tick;
	double ticks_per_ns;		/* calibrated once per run */
	uint64_t seed;
	unsigned long batch_no;
	unsigned int nr_in_batch;
	bool stop;
	bool abort;		/* a barrier's deadline passed */

	struct spin_barrier bar;
	struct race_thread th[RACE_MAX_ROLES];

	/*
	 * The witness pass, after the measurement: tracepoints on, nothing
	 * counted (the tallies go to @discard).
	 */
	bool tracing;
	struct race_witnesses wit;
	struct race_window discard;

	/* The leader's bookkeeping. */
	struct race_window win;
	struct race_deadline dl;
	bool ranged;		/* the search range follows the roles' durations */
	unsigned int nr_asserts;	/* outcomes counted by assertion sites */
	uint64_t measure_start_ns;
	double measure_ns;	/* 0: bounded by trials only */
	/*
	 * race_params.extend_seconds for this run: the reached trials its
	 * forbidden zero needs (0: it stops on time), the most it may run
	 * past @measure_ns, and whether it did.
	 */
	double need, extend_ns;
	bool ran_on;
	unsigned long trials;
	unsigned long reached;	/* trials with a racy or bad outcome checked */
	unsigned long bad_trials;	/* THE bad count (results.h) */
	unsigned long counts[RACE_MAX_OUTCOMES];
	unsigned long batch_counts[RACE_MAX_OUTCOMES];
	/* Every inlined copy of the site: an inline function has one per caller. */
	struct vm_bug_site *asites[RACE_MAX_OUTCOMES][64];
	unsigned long late, slots;
	unsigned long irq_taken;	/* interrupts delivered, measuring */
	double seconds;
	unsigned long *site_base;	/* every site's hits when measuring began */
};

static inline uint64_t race_ns_to_ticks(const struct race_run *r, double ns)
{
	double t = ns * r->ticks_per_ns;

	return t < 1 ? 1 : (uint64_t)t;
}

/* Whether run role @i is the one whose path has the interrupt point, armed. */
static inline bool race_takes_irq(const struct race_run *r, unsigned int i)
{
	return r->irq_ticks && r->roles[i].fn == r->s->roles[r->s->irq_role].fn;
}

/* @native_ns, or @emulated_ns under an emulator, whose trials take far longer. */
static inline uint64_t race_ticks(const struct race_run *r, double native_ns,
				  double emulated_ns)
{
	return race_ns_to_ticks(r, r->emulated ? emulated_ns : native_ns);
}

/* The engine's random numbers: seeds, jitter and offsets. */
static __always_inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* A role's thread: pin, then batch after batch until told to stop (race-thread.c). */
void *race_thread_main(void *arg);

/* Classify this thread's stripe of the batch and reset it (race-check.c). */
void race_check_stripe(struct race_run *r, struct race_thread *th);
/* The same for a packed batch: its stripe of runs (race-check.c). */
void race_check_packed(struct race_run *r, struct race_thread *th);

/*
 * The leader: the first batch's plan, once, before the threads start;
 * between batches, sum, adapt and aim the next (race-leader.c).
 */
void race_leader_init(struct race_run *r);
void race_leader_decide(struct race_run *r);

/*
 * Serialised orders: the role @role waits for in @r's order, or -1 for
 * the first (race-place.c).
 */
int race_serial_prev(const struct race_run *r, int role);

/*
 * Whether every bad outcome of @r is one this build cannot produce (the
 * result's race_result_structural(), known before the run; race-collect.c).
 */
bool race_run_structural(const struct race_run *r);

/*
 * Run @s with @roles on @cpus (a set of class @pc) and append its result
 * to @results; 0, or -1 with a message in @err (race-run.c).
 */
int race_run_one(const struct race_scenario *s, const struct race_params *p,
		 struct fb_topology *t, enum fb_pair_class pc, const int *cpus,
		 const struct race_role *roles, unsigned int nr_roles,
		 struct race_results *results, char *err, size_t errlen);

/* Its typed result, once run on @cpus (race-collect.c). */
void race_result_collect(struct race_result *res, struct race_run *r,
			 enum fb_pair_class pc, const int *cpus);

#endif /* FLAGBENCH_BENCH_RACE_RUN_H */

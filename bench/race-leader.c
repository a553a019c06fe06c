// SPDX-License-Identifier: GPL-2.0
/*
 * The leader (role 0's thread), between batches while the other roles
 * wait: sum what the threads counted, adapt the slot period, set the
 * range the window search sweeps, and plan the next batch (its size,
 * deadline, way and offsets).  race.c holds the map of the engine.
 */
#include <math.h>
#include <string.h>
#include <flagbench/sched.h>
#include "cycles.h"
#include "race-run.h"

/* The first batch's period: a short shape's trial and then some. */
#define FIRST_PERIOD_NS 200
#define FIRST_PERIOD_EMU_NS 20000
/* A slot is a trial, not a sleep: the period's ceiling. */
#define MAX_PERIOD_NS 1e5
#define MAX_PERIOD_EMU_NS 1e7
/* How far ahead t0 is set: every role must leave the barrier first. */
#define BATCH_LEAD_NS 5000
#define BATCH_LEAD_EMU_NS 200000
/*
 * A packed batch of SB runs in a few microseconds: its roles only need
 * to be out of the barrier, about a cache line's transfer; one that is
 * not yet starts late and meets fewer trials, nothing worse.
 */
#define PACKED_LEAD_NS 1000
/* The first batch's lead: the threads are still being created. */
#define FIRST_BATCH_LEAD_NS 1e5
#define FIRST_BATCH_LEAD_EMU_NS 2e6
/* A batch smaller than this says nothing of the slots or the range. */
#define ADAPT_MIN_TRIALS 16
/* Widen the period while more than 1 in LATE_WIDEN_SHARE slots are late. */
#define LATE_WIDEN_SHARE 4
/* Anchored slots narrow while fewer than 1 in this many are late. */
#define LATE_NARROW_SHARE 32
/*
 * Lateness widens a slot to at most this many slowest medians: lateness
 * from preemption (more threads than CPUs) is not cured by waiting longer,
 * and must not grow the period without bound.
 */
#define LATE_WIDEN_MAX_MEDIANS 4
/* ... or this: the loop's counter reads, for a role of a few instructions. */
#define LATE_WIDEN_MIN_NS 250
/* Anchored slots: the time for the last role's "done" to reach the others. */
#define ANCHORED_PERIOD_MIN_NS 50
#define ANCHORED_PERIOD_MAX_NS 5000
/* The narrowest range the window search sweeps either way. */
#define MIN_RANGE_NS 64

/*
 * A slot is the slowest role's median trial and a half: the median, not
 * the mean, so that a preempted role (a shared machine) or a missed
 * deadline does not stretch every later slot; the half covers the loop's
 * own work.  Offsets are not in it: each trial's slot grows by its own.
 */
static uint64_t slot_for(uint64_t busy)
{
	return busy + busy / 2;
}

/* The first batch: the roles together, their durations set the range. */
void race_leader_init(struct race_run *r)
{
	const struct race_params *p = r->p;

	r->period = race_ticks(r, FIRST_PERIOD_NS, FIRST_PERIOD_EMU_NS);
	r->max_period = race_ticks(r, MAX_PERIOD_NS, MAX_PERIOD_EMU_NS);
	r->nr_in_batch = r->batch;
	if (p->trials && p->trials < r->batch)
		r->nr_in_batch = (unsigned int)p->trials;
	memset(r->aim, 0, r->batch * sizeof(*r->aim));
	for (unsigned int i = 0; i < r->batch; i++)
		r->aim[i].bin = p->jitter >= 0 ? -1 : (int16_t)race_window_bin(0);
	r->batch_period = r->period;
	r->batch_start_ns = ktime_get_ns();
	r->t0 = fb_cycles() +
		race_ticks(r, FIRST_BATCH_LEAD_NS, FIRST_BATCH_LEAD_EMU_NS);
}

/*
 * The map batches are aimed by: the measurement's, or in the witness pass
 * its own, which starts as a copy of it (race_witness_begin()) and learns
 * where the traced roles meet: their tracepoints' time moves the window.
 */
static struct race_window *aim_window(struct race_run *r)
{
	return r->tracing ? &r->discard : &r->win;
}

/* Its slots' period, likewise: the traced roles take longer. */
static uint64_t *slot_period(struct race_run *r)
{
	return r->tracing ? &r->wit.period : &r->period;
}

/*
 * The next batch's offsets: every role's delay after its slot, from the
 * window's intended bins (the jitter plan: none, its spins are drawn in
 * run_batch).  Roles past the second move with the second.
 */
static void plan_batch(struct race_run *r)
{
	unsigned int i, n = r->nr_in_batch;
	uint64_t h = r->seed ^ (r->batch_no << 20);
	struct race_window *win = aim_window(r);

	/* A free batch reads no offsets (run_batch, race_check_stripe). */
	if (r->arm == RACE_ARM_FREE)
		return;
	if (win->plan == RACE_PLAN_JITTER) {
		memset(r->aim, 0, n * sizeof(*r->aim));
		for (i = 0; i < n; i++)
			r->aim[i].bin = -1;
		return;
	}
	race_window_plan(win, r->aim_bins, n, *slot_period(r) * r->ns_per_tick);
	for (i = 0; i < n; i++) {
		int b = r->aim_bins[i];
		/* Uniform within the bin, in whole ticks: integer arithmetic,
		 * a batch is planned while every role waits. */
		int64_t o = r->bin_lo_ticks[b] +
			    (int64_t)(((splitmix64(h + i) >> 32) *
				       r->bin_width_ticks[b]) >> 32);

		/* Within the clipped outer bins (race_run_one()): an int32. */
		r->aim[i].offset = (int32_t)o;
		r->aim[i].bin = r->aim_bins[i];
	}
}

/* The next batch: its size, deadline, way (slotted or free) and aim. */
static void leader_next(struct race_run *r)
{
	unsigned int n;

	r->deadline_ns = r->dl.ns;
	r->arm = race_window_arm(aim_window(r));
	r->batch_period = r->arm == RACE_ARM_FREE ? 0 : *slot_period(r);
	/* The witness pass traces each trial: never packed. */
	r->packed_batch = r->packed && r->arm == RACE_ARM_FREE && !r->tracing;
	n = r->packed_batch ? r->packed_n : r->batch;
	r->nr_in_batch = n;
	if (r->p->trials && !r->tracing && r->p->trials - r->trials < n)
		r->nr_in_batch = (unsigned int)(r->p->trials - r->trials);
	plan_batch(r);
	r->batch_start_ns = ktime_get_ns();
	r->batch_no++;
	r->t0 = fb_cycles() + (r->packed_batch && !r->emulated ?
		race_ns_to_ticks(r, PACKED_LEAD_NS) :
		race_ticks(r, BATCH_LEAD_NS, BATCH_LEAD_EMU_NS));
}

/*
 * Every thread's counts of the batch into the run's, and the batch's
 * worst lateness and slowest median trial.
 */
static void leader_sum(struct race_run *r, unsigned long *late,
		       uint64_t *busy)
{
	const struct race_scenario *s = r->s;

	memset(r->batch_counts, 0, sizeof(r->batch_counts));
	for (unsigned int k = 0; k < r->nr_roles; k++) {
		struct race_thread *th = &r->th[k];

		r->reached += th->reached;
		th->reached = 0;
		for (unsigned int i = 0; i < s->nr_outcomes; i++) {
			r->batch_counts[i] += th->counts[i];
			th->counts[i] = 0;
		}
		r->bad_trials += th->bad_trials;
		th->bad_trials = 0;
		r->irq_taken += th->irq.taken;
		th->irq.taken = 0;
		if (th->late > *late)
			*late = th->late;
		if (th->busy_median > *busy)
			*busy = th->busy_median;
		race_window_merge(&r->win, &th->tally);
		/* Only sleepers time wakes: spare the others' 640 bytes. */
		if (s->sleeps)
			race_deadline_merge(&r->dl, &th->wake);
	}
}

/*
 * Anchored slots start after every role returned: the period is only the
 * time for the last role's "done" to reach the others.  Widen while too
 * many are late, narrow while almost none are.
 */
static void adapt_anchored(const struct race_run *r, uint64_t *period,
			   unsigned long n, unsigned long late)
{
	if (late * LATE_WIDEN_SHARE > n &&
	    *period < race_ns_to_ticks(r, ANCHORED_PERIOD_MAX_NS))
		*period += *period / 2 + 1;
	else if (late * LATE_NARROW_SHARE < n &&
		 *period > race_ns_to_ticks(r, ANCHORED_PERIOD_MIN_NS))
		*period -= *period / 8;
}

/*
 * Fixed slots: the period follows slot_for() (a quarter of the way each
 * batch); the loop's own cost is not in busy, so while most slots are
 * late, widen, within LATE_WIDEN_MAX_MEDIANS or LATE_WIDEN_MIN_NS.
 */
static void adapt_slotted(const struct race_run *r, uint64_t *period,
			  unsigned long n, unsigned long late, uint64_t busy)
{
	if (busy)
		*period = (3 * *period + slot_for(busy)) / 4 + 1;
	if (late * LATE_WIDEN_SHARE > n &&
	    (*period < LATE_WIDEN_MAX_MEDIANS * busy ||
	     *period < race_ns_to_ticks(r, LATE_WIDEN_MIN_NS)))
		*period += *period / 2 + 1;
}

/*
 * Adapt @period to a slotted batch of @n trials, @late of them late, the
 * slowest role's median trial @busy ticks; never past max_period.
 */
static void slots_adapt(const struct race_run *r, uint64_t *period,
			unsigned long n, unsigned long late, uint64_t busy)
{
	if (n >= ADAPT_MIN_TRIALS) {
		if (r->anchored)
			adapt_anchored(r, period, n, late);
		else
			adapt_slotted(r, period, n, late, busy);
	}
	if (*period > r->max_period)
		*period = r->max_period;
}

/*
 * The witness pass, between batches: what the roles counted is not the
 * measurement's; it goes to the pass's own map (@discard), which aims it,
 * and its slots adapt to the traced roles.
 */
static void leader_witness(struct race_run *r)
{
	uint64_t bad0 = r->discard.bad, racy0 = r->discard.racy, busy = 0;
	unsigned long late = 0;

	for (unsigned int k = 0; k < r->nr_roles; k++) {
		struct race_thread *th = &r->th[k];

		late = th->late > late ? th->late : late;
		busy = th->busy_median > busy ? th->busy_median : busy;
		memset(th->counts, 0, sizeof(th->counts));
		th->reached = th->bad_trials = 0;
		th->irq.taken = 0;
		race_window_merge(&r->discard, &th->tally);
		memset(&th->wake, 0, sizeof(th->wake));
	}
	race_window_arm_note(&r->discard, r->arm,
			     race_window_signal(&r->discard, r->discard.bad - bad0,
						r->discard.racy - racy0),
			     (double)(ktime_get_ns() - r->batch_start_ns));
	if (r->arm != RACE_ARM_FREE)
		slots_adapt(r, &r->wit.period, r->nr_in_batch, late, busy);
	r->wit.trials += r->nr_in_batch;
	if (race_witness_done(r)) {
		r->stop = true;
		return;
	}
	leader_next(r);
}

/*
 * The first batch ran the roles together: the range to sweep is twice
 * the slowest role's median either way (the roles overlap only within
 * their durations), at least MIN_RANGE_NS.
 */
static void set_range(struct race_run *r, unsigned long n, uint64_t busy)
{
	double span = 2 * busy * r->ns_per_tick;

	if (r->ranged || n < ADAPT_MIN_TRIALS || !busy)
		return;
	race_window_set_range(&r->win, -fmax(span, MIN_RANGE_NS),
			      fmax(span, MIN_RANGE_NS));
	r->ranged = true;
}

/*
 * Past its seconds, a forbidden zero not yet earned (fewer reached trials
 * than its reference needs, race_params.extend_seconds) runs on, within
 * its extension.  The stop looks at the reached count and at whether a
 * bad outcome showed, never at anything a zero is judged by, so a zero
 * means what it did.
 */
static bool run_on(struct race_run *r)
{
	if (!(r->need > 0) || r->bad_trials || (double)r->reached >= r->need ||
	    r->seconds * 1e9 >= r->measure_ns + r->extend_ns)
		return false;
	r->ran_on = true;
	return true;
}

/* The leader, between batches: sum, adapt, aim the next batch. */
void race_leader_decide(struct race_run *r)
{
	unsigned long n = r->nr_in_batch, late = 0;
	uint64_t busy = 0, bad0 = r->win.bad, racy0 = r->win.racy;

	if (r->tracing) {
		leader_witness(r);
		return;
	}
	leader_sum(r, &late, &busy);
	r->win.packed_batches += r->packed_batch;
	race_window_arm_note(&r->win, r->arm,
			     race_window_signal(&r->win, r->win.bad - bad0,
						r->win.racy - racy0),
			     (double)(ktime_get_ns() - r->batch_start_ns));
	/* A free batch is all late by design: it says nothing of slots. */
	if (r->arm != RACE_ARM_FREE) {
		slots_adapt(r, &r->period, n, late, busy);
		r->late += late;
		r->slots += n;
	}
	set_range(r, n, busy);
	for (unsigned int i = 0; i < r->s->nr_outcomes; i++)
		r->counts[i] += r->batch_counts[i];
	r->trials += n;
	r->seconds = (double)(ktime_get_ns() - r->measure_start_ns) / 1e9;
	if ((r->p->trials && r->trials >= r->p->trials) ||
	    (r->measure_ns > 0 && r->seconds * 1e9 >= r->measure_ns &&
	     !run_on(r))) {
		/* Measured: witnesses next, if asked for and there is any. */
		r->tracing = race_witness_begin(r);
		r->stop = !r->tracing;
	}
	leader_next(r);
}

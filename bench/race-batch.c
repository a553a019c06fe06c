// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine's batch loop: the roles' threads, the spin barrier, the
 * per-trial slots and offsets, classifying a batch in stripes, the
 * leader's adapting and aiming between batches, and one run of a scenario
 * from allocation to result.  race-place.c decides which CPUs and calls
 * race_run_one(); race-window.c aims, race-deadline.c times the sleeps,
 * race-collect.c types the result and race-registry.c finds assertion
 * sites; race.c lists them all.
 *
 * Alignment.  A spin barrier per trial lines the roles up only to within
 * the barrier's own cache-line ping-pong, far wider than the windows the
 * seeds are about.  Instead, after one barrier per batch, every role runs
 * trial i at the same instant of the architecture's cycle counter,
 * t0 + i * period, with no communication at all; the period adapts so
 * that roles are rarely late for their slot.  On top of the slot, each
 * trial has an intended offset between the roles (the later one waits for
 * its own instant of the counter), and every role records when it really
 * started: the window map (race-window.h) bins each trial's outcome by the
 * measured offset, and the aim picks the next batch's offsets where the
 * map says hits are.  The legacy --jitter MAX sweeps random short spins.
 *
 * Batches.  A batch is an array of independent trial instances (their own
 * pages in mem_map, cache-line aligned, allocated near the CPUs).  After
 * the roles finish a batch, the threads classify and reset it in stripes,
 * then the leader (role 0's thread) sums, adapts and starts the next.
 *
 * Never hang.  Sleeping roles get a deadline every trial (sched.h); a role
 * that misses it is an outcome the checker counts.  The barriers have a
 * deadline too: a role stuck beyond it aborts the run with an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flagbench/barrier.h>
#include <flagbench/mmdebug.h>
#include <flagbench/sched.h>
#include <flagbench/trace.h>
#include "cycles.h"
#include "machine.h"
#include "race-deadline.h"
#include "race-run.h"
#include "race-window.h"
#include "race.h"
#include "topology.h"

/* ---- timing ------------------------------------------------------------ */

static double ticks_per_ns;

static uint64_t ns_to_ticks(double ns)
{
	double t = ns * ticks_per_ns;

	return t < 1 ? 1 : (uint64_t)t;
}

/* One short spin: an empty loop iteration, about a cycle. */
static __always_inline void short_spins(unsigned int n)
{
	while (n--)
		barrier();
}

static __always_inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* ---- the run ----------------------------------------------------------- */

#define BARRIER_DEADLINE_NS (10ull * 1000 * 1000 * 1000)

static bool barrier_wait(struct race_run *r, int *sense)
{
	struct spin_barrier *b = &r->bar;
	uint64_t start = 0;
	unsigned long spins = 0;

	*sense = !*sense;
	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->n) {
		__atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->sense, *sense, __ATOMIC_RELEASE);
		return true;
	}
	while (__atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != *sense) {
		if (__atomic_load_n(&r->abort, __ATOMIC_RELAXED))
			return false;
		/*
		 * A role that is not running (more runnable threads than
		 * CPUs: a shared machine, tests in parallel) would otherwise
		 * be kept off its CPU for a whole time slice.
		 */
		if (++spins > 2048)
			sched_yield();
		if (spins % 4096)
			continue;
		if (!start)
			start = ktime_get_ns();
		else if (ktime_get_ns() - start > BARRIER_DEADLINE_NS) {
			__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
			return false;
		}
	}
	return true;
}

/* The delay, in short spins, of @role before trial @i of this batch. */
static __always_inline unsigned int jitter_delay(const struct race_run *r,
						 unsigned int role,
						 unsigned long i)
{
	uint64_t h = splitmix64(r->seed ^ (r->batch_no * r->batch + i));
	int span = 2 * r->jitter + 1, off[RACE_MAX_ROLES], min = 0;
	unsigned int k;

	if (!r->jitter)
		return 0;
	/* Role 0 is the reference; the others move by -jitter..+jitter. */
	off[0] = 0;
	for (k = 1; k < r->nr_roles; k++) {
		off[k] = (int)((h >> (20 * (k - 1))) % (uint64_t)span) - r->jitter;
		if (off[k] < min)
			min = off[k];
	}
	return (unsigned int)(off[role] - min);
}

/*
 * This thread's hits of assertion outcome @i's sites, for the per-trial
 * mark: another role's hit in an overlapping trial of another index (a
 * free batch) is not this trial's.
 */
static __always_inline unsigned long assert_hits(const struct race_run *r,
						 const struct race_thread *th,
						 unsigned int i)
{
	struct vm_bug_site *base = vm_bug_sites_begin();
	unsigned long sum = 0;

	for (struct vm_bug_site *const *s = r->asites[i]; *s; s++)
		sum += th->site_hits[*s - base];
	return sum;
}

/* Every assertion outcome's site hits, before a role runs a trial. */
static __always_inline void assert_snapshot(struct race_run *r,
					    const struct race_thread *th,
					    unsigned long *before)
{
	const struct race_scenario *s = r->s;
	unsigned int k;

	for (k = 0; k < s->nr_outcomes; k++)
		if (s->outcomes[k].assert_cond)
			before[k] = assert_hits(r, th, k);
}

/*
 * Once a role has run trial @i: its actual start, its time since @base
 * (if @timed), and @mark with the assertion outcomes whose sites fired
 * since @before (NULL: the scenario counts none).
 */
static __always_inline void note_trial(struct race_run *r,
				       struct race_thread *th, unsigned long i,
				       uint64_t base, uint64_t start,
				       const unsigned long *before,
				       uint16_t mark, bool timed)
{
	const struct race_scenario *s = r->s;
	unsigned int k;

	th->start[i] = start;
	if (timed) {
		uint64_t end = fb_cycles();

		th->end[i] = end;
		th->busy[i] = end - base > UINT32_MAX ? UINT32_MAX :
			      (uint32_t)(end - base);
	}
	for (k = 0; before && k < s->nr_outcomes; k++)
		if (s->outcomes[k].assert_cond && assert_hits(r, th, k) != before[k])
			mark |= 1u << k;
	th->mark[i] = mark;
}

/*
 * Until role @o has finished @n trials over all batches (serialised order,
 * anchored slots); false when a barrier's deadline passed.  Past
 * @yield_after spins the other role may be off its CPU: let it run.
 */
static bool wait_done(struct race_run *r, const struct race_thread *o,
		      uint64_t n, unsigned long yield_after)
{
	unsigned long spins = 0;

	while (__atomic_load_n(&o->done, __ATOMIC_ACQUIRE) < n) {
		if (__atomic_load_n(&r->abort, __ATOMIC_RELAXED))
			return false;
		if (++spins > yield_after)
			sched_yield();
	}
	return true;
}

static bool serial_wait(struct race_run *r, struct race_thread *th,
			unsigned long i)
{
	int prev = race_serial_prev(r, th->role);

	return prev < 0 || wait_done(r, &r->th[prev], th->base + i + 1, 256);
}

/* A batch cut short (the run aborted): its untried trials say nothing. */
static void forget_rest(struct race_thread *th, unsigned long i,
			unsigned long n)
{
	for (; i < n; i++) {
		th->busy[i] = 0;
		th->start[i] = 0;
		th->mark[i] = 0;
	}
}

static void run_batch_serialised(struct race_run *r, struct race_thread *th)
{
	void (*fn)(struct race_trial *) = r->roles[th->role].fn;
	const struct race_scenario *s = r->s;
	bool asserts = r->nr_asserts;
	unsigned long i, before[RACE_MAX_OUTCOMES];

	for (i = 0; i < r->nr_in_batch; i++) {
		uint64_t start;

		if (!serial_wait(r, th, i))
			break;
		if (asserts)
			assert_snapshot(r, th, before);
		if (s->sleeps)
			set_wait_timeout_ns(r->deadline_ns);
		start = fb_cycles();
		fn(&r->inst[i]);
		note_trial(r, th, i, start, start, asserts ? before : NULL, 0,
			   true);
		__atomic_store_n(&th->done, th->base + i + 1, __ATOMIC_RELEASE);
	}
	forget_rest(th, i, r->nr_in_batch);
	th->base += r->nr_in_batch;
	th->late = 0;
}

/*
 * Anchored slots: trial @i's slot is a period after the last role returned
 * from trial @i - 1, which every role reads once all have published it.
 * A role that sleeps (a lost wake-up waits out its deadline, tens of
 * microseconds) would otherwise leave every later slot of a fixed
 * schedule in the past, and the rest of the batch would run unaimed.
 * 0 when a barrier's deadline passed.
 */
static uint64_t anchor_slot(struct race_run *r, struct race_thread *th,
			    unsigned long i)
{
	uint64_t last = 0;
	unsigned int k;

	for (k = 0; k < r->nr_roles; k++) {
		const struct race_thread *o = &r->th[k];

		/* Yield later than serialised: a yield here makes slots late. */
		if (!wait_done(r, o, th->base + i, 4096))
			return 0;
		if (o->end[i - 1] > last)
			last = o->end[i - 1];
	}
	return last + r->batch_period;
}

static void run_batch(struct race_run *r, struct race_thread *th)
{
	void (*fn)(struct race_trial *) = r->roles[th->role].fn;
	const struct race_scenario *s = r->s;
	const struct race_aim *aim = r->aim;
	uint64_t slot = r->t0, period = r->batch_period;
	unsigned int role = (unsigned int)th->role;
	bool sleeps = s->sleeps, asserts = r->nr_asserts;
	/* A slotted batch of roles that sleep re-anchors every trial. */
	bool anchored = r->anchored && period;
	/*
	 * A trial's end and duration size the slots and the first batch's
	 * range, and time a sleeper's waker: a later free batch of roles
	 * that do not sleep has no use for them, and a counter read is a
	 * tenth of a short race's trial.
	 */
	bool timed = period || sleeps || !r->ranged || r->tracing;
	/* The witness pass: this role's trace buffer of each trial. */
	struct fb_trace *tr = r->tracing ? r->wit.traces + role : NULL;
	unsigned long i, late = 0, before[RACE_MAX_OUTCOMES];

	if (r->p->order != RACE_INTERLEAVED) {
		run_batch_serialised(r, th);
		return;
	}
	for (i = 0; i < r->nr_in_batch; i++) {
		uint64_t start, now, base;
		uint16_t mark = 0;

		if (anchored && i && !(slot = anchor_slot(r, th, i)))
			break;
		start = slot;
		/*
		 * A free batch has no offsets: not reading them spares a
		 * role other than the leader, who wrote them, a cache miss
		 * every few trials (a fifth of SB's time).
		 */
		if (period) {
			int32_t o = aim[i].offset;
			uint32_t span = o < 0 ? -(uint32_t)o : (uint32_t)o;

			if ((o < 0) == (role == 0))
				start += span;
			slot += period + span;
		}
		if (asserts)
			assert_snapshot(r, th, before);
		now = fb_cycles();
		/* Every sleep ends by the deadline after the role's start. */
		if (sleeps)
			set_wait_timeout_ns(r->deadline_ns +
				(start > now ? (uint64_t)((start - now) *
							  r->ns_per_tick) : 0));
		if (now > start) {
			late++;	/* behind: run at once, unaligned */
			mark = TRIAL_LATE;
			start = now;
		} else {
			while ((now = fb_cycles()) < start)
				;
			start = now;
		}
		/* The spins of plan jitter are part of the trial's time. */
		base = start;
		if (r->jitter) {
			short_spins(jitter_delay(r, role, i));
			start = fb_cycles();
		}
		if (tr) {
			tr[i * r->nr_roles].nr = 0;
			fb_trace_cur = &tr[i * r->nr_roles];
		}
		fn(&r->inst[i]);
		fb_trace_cur = NULL;
		note_trial(r, th, i, base, start, asserts ? before : NULL, mark,
			   timed);
		if (anchored)
			__atomic_store_n(&th->done, th->base + i + 1,
					 __ATOMIC_RELEASE);
	}
	forget_rest(th, i, r->nr_in_batch);
	if (anchored)
		th->base += r->nr_in_batch;
	th->late = late;
}

/* Hoare's selection: the median of @n values, reordering them. */
static uint32_t median_u32(uint32_t *v, unsigned long n)
{
	unsigned long lo = 0, hi = n - 1, k = n / 2;

	while (lo < hi) {
		uint32_t pivot = v[(lo + hi) / 2], tmp;
		unsigned long i = lo, j = hi;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				tmp = v[i];
				v[i] = v[j];
				v[j] = tmp;
				i++;
				if (j)
					j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

/*
 * What the deadline must cover in trial @i, which slept and was woken: the
 * time from the sleeper's start (the role that took longest) until every
 * other role had returned.  Not the sleeper's own wake-up latency: a wake
 * that comes late is still seen as one at the deadline.
 */
static double waker_ns(const struct race_run *r, unsigned long i)
{
	unsigned int k, sleeper = 0;
	uint64_t last = 0;

	if (r->nr_roles < 2)
		return r->th[0].busy[i] * r->ns_per_tick;
	for (k = 1; k < r->nr_roles; k++)
		if (r->th[k].busy[i] > r->th[sleeper].busy[i])
			sleeper = k;
	for (k = 0; k < r->nr_roles; k++)
		if (k != sleeper && r->th[k].end[i] > last)
			last = r->th[k].end[i];
	return last > r->th[sleeper].start[i] ?
	       (double)(last - r->th[sleeper].start[i]) * r->ns_per_tick : 0;
}

/*
 * Classify each trial of this thread's stripe, and put it in the window
 * map at the roles' measured offset (the second role's start minus the
 * first's).  A trial is bad if any bad outcome was counted in it, or any
 * bad assertion outcome's site fired while one of its roles ran it.
 */
static void check_stripe(struct race_run *r, struct race_thread *th)
{
	const struct race_scenario *s = r->s;
	/* A free batch aims no trial: its offsets are not read. */
	bool aimed = r->arm != RACE_ARM_FREE;
	unsigned long i, c[RACE_MAX_OUTCOMES], counts[RACE_MAX_OUTCOMES] = { 0 };
	unsigned long bad_trials = 0, reached = 0;
	unsigned int k, o, nr = s->nr_outcomes;
	unsigned int asserted = 0, bad_mask = 0, racy_mask = 0;

	/* The classes' kinds as masks, once, not per trial. */
	for (o = 0; o < nr; o++) {
		asserted |= (unsigned int)!!s->outcomes[o].assert_cond << o;
		bad_mask |= (unsigned int)s->outcomes[o].bad << o;
		racy_mask |= (unsigned int)s->outcomes[o].racy << o;
	}
	for (i = th->role; i < r->nr_in_batch; i += r->nr_roles) {
		uint16_t mark = 0;
		bool bad, racy;
		unsigned int seen_mask = 0;
		double offset;

		for (k = 0; k < r->nr_roles; k++)
			mark |= r->th[k].mark[i];
		/* All of it: a constant size is a few stores, not a call. */
		memset(c, 0, sizeof(c));
		s->check(&r->inst[i], c);
		s->reset(&r->inst[i]);
		for (o = 0; o < nr; o++) {
			/* An assertion outcome counts the trials where its
			 * sites fired, not the checker's guess. */
			unsigned long n = asserted >> o & 1 ? mark >> o & 1 : c[o];

			counts[o] += n;
			seen_mask |= (unsigned int)!!n << o;
		}
		bad = seen_mask & bad_mask;
		racy = seen_mask & racy_mask;
		offset = r->nr_roles < 2 ? 0 :
			 (double)(int64_t)(r->th[1].start[i] - r->th[0].start[i]) *
			 r->ns_per_tick;
		/* A late role's trial is in the map where it really ran, but
		 * says nothing of the bin it was aimed at. */
		race_window_note(&th->tally, offset,
				 mark & TRIAL_LATE || !aimed ? -1 : r->aim[i].bin,
				 bad, racy, seen_mask);
		/*
		 * A trial is bad once, however many bad classes it shows
		 * (litmus7 counts Positive that way): classes may nest or
		 * overlap, so neither their sum nor their largest is it.  A
		 * racy or bad one reached the window.
		 */
		bad_trials += bad;
		reached += bad || racy;
		if (r->tracing)
			race_witness_note(r, i, seen_mask, offset);
		if (s->sleeps && racy && !bad)
			race_wake_note(&th->wake, waker_ns(r, i));
	}
	for (o = 0; o < nr; o++)
		th->counts[o] += counts[o];
	th->bad_trials += bad_trials;
	th->reached += reached;
	/*
	 * The median sizes slots and, in the first batch, the range: a free
	 * batch (which comes only after it) has no use for it.
	 */
	if (r->nr_in_batch && (aimed || !r->ranged)) {
		memcpy(th->sorted, th->busy, r->nr_in_batch * sizeof(uint32_t));
		th->busy_median = median_u32(th->sorted, r->nr_in_batch);
	} else {
		th->busy_median = 0;
	}
}

static double now_since(uint64_t start)
{
	return (double)(ktime_get_ns() - start);
}

static void start_measuring(struct race_run *r)
{
	struct vm_bug_site *site;
	size_t n = 0;

	r->measure_start_ns = ktime_get_ns();
	memset(r->counts, 0, sizeof(r->counts));
	r->trials = r->reached = r->bad_trials = r->late = r->slots = 0;
	for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++)
		r->site_base[n++] = __atomic_load_n(&site->hits, __ATOMIC_RELAXED);
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

	/* A free batch reads no offsets (run_batch, check_stripe). */
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

		/* Within +-131072 ns (the clipped outer bins): an int32. */
		r->aim[i].offset = (int32_t)o;
		r->aim[i].bin = r->aim_bins[i];
	}
}

/* The next batch: its size, deadline, way (slotted or free) and aim. */
static void leader_next(struct race_run *r)
{
	r->nr_in_batch = r->batch;
	if (r->p->trials && !r->tracing && r->p->trials - r->trials < r->batch)
		r->nr_in_batch = (unsigned int)(r->p->trials - r->trials);
	r->deadline_ns = r->dl.ns;
	r->arm = race_window_arm(aim_window(r));
	r->batch_period = r->arm == RACE_ARM_FREE ? 0 : *slot_period(r);
	plan_batch(r);
	r->batch_start_ns = ktime_get_ns();
	r->batch_no++;
	/* Far enough ahead for every role to leave the barrier first. */
	r->t0 = fb_cycles() + ns_to_ticks(r->emulated ? 200000 : 5000);
}

/*
 * The witness pass, between batches: what the roles counted is not the
 * measurement's; it goes to the pass's own map (@discard), which aims it.
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
		race_window_merge(&r->discard, &th->tally);
		memset(&th->wake, 0, sizeof(th->wake));
	}
	race_window_arm_note(&r->discard, r->arm,
			     race_window_signal(&r->discard, r->discard.bad - bad0,
						r->discard.racy - racy0),
			     (double)(ktime_get_ns() - r->batch_start_ns));
	if (r->arm != RACE_ARM_FREE)
		race_slots_adapt(r, &r->wit.period, r->nr_in_batch, late, busy);
	r->wit.trials += r->nr_in_batch;
	if (race_witness_done(r)) {
		r->stop = true;
		return;
	}
	leader_next(r);
}

/* The leader, between batches: sum, adapt, aim the next batch. */
static void leader_decide(struct race_run *r)
{
	const struct race_scenario *s = r->s;
	unsigned long n = r->nr_in_batch, late = 0;
	uint64_t busy = 0, bad0 = r->win.bad, racy0 = r->win.racy, now_ns;
	unsigned int i, k;

	if (r->tracing) {
		leader_witness(r);
		return;
	}
	memset(r->batch_counts, 0, sizeof(r->batch_counts));
	for (k = 0; k < r->nr_roles; k++) {
		r->reached += r->th[k].reached;
		r->th[k].reached = 0;
		for (i = 0; i < s->nr_outcomes; i++) {
			r->batch_counts[i] += r->th[k].counts[i];
			r->th[k].counts[i] = 0;
		}
		r->bad_trials += r->th[k].bad_trials;
		r->th[k].bad_trials = 0;
		if (r->th[k].late > late)
			late = r->th[k].late;
		if (r->th[k].busy_median > busy)
			busy = r->th[k].busy_median;
		race_window_merge(&r->win, &r->th[k].tally);
		/* Only sleepers time wakes: spare the others' 640 bytes. */
		if (s->sleeps)
			race_deadline_merge(&r->dl, &r->th[k].wake);
	}

	now_ns = ktime_get_ns();
	race_window_arm_note(&r->win, r->arm,
			     race_window_signal(&r->win, r->win.bad - bad0,
						r->win.racy - racy0),
			     (double)(now_ns - r->batch_start_ns));
	/* A free batch is all late by design: it says nothing of slots. */
	if (r->arm == RACE_ARM_FREE)
		goto slots_done;
	race_slots_adapt(r, &r->period, n, late, busy);
	r->late += late;
	r->slots += n;
slots_done:
	/*
	 * The first batch ran the roles together: the range to sweep is
	 * twice the slowest role's median either way (the roles overlap
	 * only within their durations), at least 64 ns.
	 */
	if (!r->ranged && n >= 16 && busy) {
		double span = 2 * busy * r->ns_per_tick;

		if (span < 64)
			span = 64;
		race_window_set_range(&r->win, -span, span);
		r->ranged = true;
	}

	for (i = 0; i < s->nr_outcomes; i++)
		r->counts[i] += r->batch_counts[i];
	r->trials += n;
	r->seconds = now_since(r->measure_start_ns) / 1e9;
	if ((r->p->trials && r->trials >= r->p->trials) ||
	    (r->measure_ns > 0 && r->seconds * 1e9 >= r->measure_ns)) {
		/* Measured: witnesses next, if asked for and there is any. */
		r->tracing = race_witness_begin(r);
		r->stop = !r->tracing;
	}
	leader_next(r);
}

static void *race_thread_main(void *arg)
{
	struct race_thread *th = arg;
	struct race_run *r = th->run;
	char err[128];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));

	th->error = t ? fb_pin_self(t, th->cpu) : -ENODEV;
	vm_bug_thread_hits = th->site_hits;
	clear_wait_deadline();
	th->sense = 0;
	for (;;) {
		/* The leader has set this batch's parameters. */
		if (!barrier_wait(r, &th->sense) || r->stop || th->error)
			break;
		run_batch(r, th);
		if (!barrier_wait(r, &th->sense))
			break;
		check_stripe(r, th);
		if (!barrier_wait(r, &th->sense))
			break;
		if (th->role == 0)
			leader_decide(r);
	}
	if (th->error)
		__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
	return NULL;
}

static int run_alloc(struct race_run *r, struct fb_topology *t, int cpu)
{
	size_t stride = (r->s->trial_size + 63) & ~(size_t)63;
	unsigned long nr_pages = (unsigned long)r->batch * r->s->pages_per_trial;
	unsigned int i;

	r->data_len = stride * r->batch + 64;
	r->map_len = (nr_pages ? nr_pages : 1) * sizeof(struct page);
	r->data = fb_alloc_near(t, r->data_len, cpu);
	r->map = fb_alloc_near(t, r->map_len, cpu);
	r->inst = calloc(r->batch, sizeof(*r->inst));
	r->aim = calloc(r->batch, sizeof(*r->aim));
	r->aim_bins = calloc(r->batch, sizeof(*r->aim_bins));
	if (!r->data || !r->map || !r->inst || !r->aim || !r->aim_bins)
		return -1;
	set_mem_map(r->map, nr_pages);
	for (i = 0; i < nr_pages; i++)
		init_free_page(&r->map[i]);
	for (i = 0; i < r->nr_roles; i++) {
		r->th[i].busy = calloc(r->batch, sizeof(uint32_t));
		r->th[i].sorted = calloc(r->batch, sizeof(uint32_t));
		r->th[i].start = calloc(r->batch, sizeof(uint64_t));
		r->th[i].end = calloc(r->batch, sizeof(uint64_t));
		r->th[i].mark = calloc(r->batch, sizeof(uint16_t));
		r->th[i].site_hits = calloc(vm_bug_sites_end() -
					    vm_bug_sites_begin() + 1,
					    sizeof(unsigned long));
		if (!r->th[i].busy || !r->th[i].sorted || !r->th[i].start ||
		    !r->th[i].end || !r->th[i].mark || !r->th[i].site_hits)
			return -1;
	}
	for (i = 0; i < r->batch; i++) {
		r->inst[i].data = (char *)r->data + i * stride;
		r->inst[i].pages = r->map + (size_t)i * r->s->pages_per_trial;
		r->s->reset(&r->inst[i]);
	}
	return 0;
}

static void run_free(struct race_run *r, struct fb_topology *t)
{
	fb_free_near(t, r->data, r->data_len);
	fb_free_near(t, r->map, r->map_len);
	free(r->inst);
	free(r->aim);
	free(r->aim_bins);
	free(r->site_base);
	for (unsigned int i = 0; i < r->nr_roles; i++) {
		free(r->th[i].busy);
		free(r->th[i].sorted);
		free(r->th[i].start);
		free(r->th[i].end);
		free(r->th[i].mark);
		free(r->th[i].site_hits);
	}
	set_mem_map(NULL, 0);
}

static void resolve_sites(struct race_run *r)
{
	const struct race_scenario *s = r->s;
	unsigned int i;

	for (i = 0; i < s->nr_outcomes; i++) {
		const struct race_outcome *o = &s->outcomes[i];

		if (!o->assert_cond)
			continue;
		race_find_sites(o->assert_func, o->assert_cond, r->asites[i],
				ARRAY_SIZE(r->asites[i]));
		r->nr_asserts++;
	}
}

/* ---- one run ----------------------------------------------------------- */

int race_run_one(const struct race_scenario *s, const struct race_params *p,
		 struct fb_topology *t, enum fb_pair_class pc, const int *cpus,
		 const struct race_role *roles, unsigned int nr_roles,
		 struct race_results *results, char *err, size_t errlen)
{
	struct race_result *res;
	struct race_run *r;
	int ret = -1;
	size_t nr_sites = vm_bug_sites_end() - vm_bug_sites_begin();
	unsigned int i;
	double budget;

	/* Calibrated once: every run and its result read the same rate. */
	ticks_per_ns = fb_cycles_per_ns();
	r = aligned_alloc(64, (sizeof(*r) + 63) & ~(size_t)63);
	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->roles = roles;
	r->nr_roles = nr_roles;
	r->anchored = s->sleeps && nr_roles > 1;
	r->p = p;
	r->emulated = fb_emulated(NULL);
	r->batch = p->batch;
	r->site_base = calloc(nr_sites + 1, sizeof(unsigned long));
	r->bar.n = (int)nr_roles;
	r->seed = splitmix64(ktime_get_ns());
	if (!r->site_base || run_alloc(r, t, cpus[0]) || race_witness_alloc(r, cpus)) {
		snprintf(err, errlen, "cannot allocate %u trials of %s", r->batch,
			 s->name);
		goto out;
	}
	resolve_sites(r);

	/*
	 * Every trial counts: the sweep that finds the window is measured
	 * too, under the plan the result reports.
	 */
	budget = p->seconds > 0 ? p->seconds * 1e9 : 0;
	r->measure_ns = budget;
	/* Serialised, the roles never meet: no jitter, no aim. */
	r->jitter = p->jitter > 0 && p->order == RACE_INTERLEAVED ? p->jitter : 0;
	race_window_init(&r->win, p->jitter >= 0 ? RACE_PLAN_JITTER :
			 p->aim ? RACE_PLAN_AIMED : RACE_PLAN_UNIFORM,
			 splitmix64(r->seed));
	for (i = 0; i < s->nr_outcomes; i++)
		r->win.names[i] = s->outcomes[i].name;
	race_deadline_init(&r->dl, p->adaptive_deadline, p->deadline_floor_ns,
			   p->deadline_ns);
	r->deadline_ns = r->dl.ns;
	r->ns_per_tick = 1 / ticks_per_ns;
	for (i = 0; i < RACE_WINDOW_NR_BINS; i++) {
		double lo = fmax(race_window_lo((int)i), -131072);
		double hi = fmin(race_window_hi((int)i), 131072);

		r->bin_lo_ticks[i] = (int64_t)floor(lo * ticks_per_ns);
		r->bin_width_ticks[i] = hi > lo ? (uint64_t)ceil((hi - lo) * ticks_per_ns) : 1;
	}
	start_measuring(r);
	r->period = ns_to_ticks(r->emulated ? 20000 : 200);
	/* A slot is a trial, not a sleep: 100 us (10 ms emulated) at most. */
	r->max_period = ns_to_ticks(r->emulated ? 1e7 : 1e5);
	r->nr_in_batch = r->batch;
	if (p->trials && p->trials < r->batch)
		r->nr_in_batch = (unsigned int)p->trials;
	/* The first batch runs the roles together: their durations set the
	 * range the window search sweeps. */
	memset(r->aim, 0, r->batch * sizeof(*r->aim));
	for (i = 0; i < r->batch; i++)
		r->aim[i].bin = p->jitter >= 0 ? -1 : (int16_t)race_window_bin(0);
	r->batch_period = r->period;
	r->batch_start_ns = ktime_get_ns();
	r->t0 = fb_cycles() + ns_to_ticks(r->emulated ? 2e6 : 1e5);

	for (i = 0; i < nr_roles; i++) {
		r->th[i].run = r;
		r->th[i].role = (int)i;
		r->th[i].cpu = cpus[i];
		if (pthread_create(&r->th[i].tid, NULL, race_thread_main,
				   &r->th[i])) {
			__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
			nr_roles = i;
			break;
		}
	}
	for (i = 0; i < nr_roles; i++)
		pthread_join(r->th[i].tid, NULL);
	for (i = 0; i < r->nr_roles; i++)
		if (r->th[i].error) {
			snprintf(err, errlen, "%s: cannot pin role %s to CPU %d: %s",
				 s->name, roles[i].name, cpus[i],
				 strerror(-r->th[i].error));
			goto out;
		}
	if (r->abort || nr_roles < r->nr_roles) {
		snprintf(err, errlen,
			 "%s: a role stayed away from the batch barrier for %llu s (pair %s): run aborted",
			 s->name, BARRIER_DEADLINE_NS / 1000000000ull,
			 fb_pair_class_name(pc));
		goto out;
	}
	res = race_results_add(results);
	if (!res) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	race_result_collect(res, r, pc, cpus);
	race_witness_move(r, res);
	ret = 0;
out:
	race_witness_free(r);
	run_free(r, t);
	free(r);
	return ret;
}

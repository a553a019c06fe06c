// SPDX-License-Identifier: GPL-2.0
/*
 * A role's thread: the spin barrier, a batch's trials run at their slots
 * and offsets (or strictly one after the other, serialised), and what each
 * trial leaves for the checker.  race.c holds the map of the engine.
 *
 * Alignment.  A spin barrier per trial lines the roles up only to within
 * the barrier's own cache-line ping-pong, far wider than the windows the
 * seeds are about.  Instead, after one barrier per batch, every role runs
 * trial i at the same instant of the architecture's cycle counter,
 * t0 + i * period, with no communication at all; the leader adapts the
 * period so that roles are rarely late for their slot.  On top of the
 * slot, each trial has an intended offset between the roles (the later
 * one waits for its own instant of the counter), and every role records
 * when it really started: the window map (race-window.h) bins each
 * trial's outcome by the measured offset, and the leader's aim picks the
 * next batch's offsets where the map says hits are.  The legacy
 * --jitter MAX sweeps random short spins.
 *
 * Never hang.  Sleeping roles get a deadline every trial (sched.h); a role
 * that misses it is an outcome the checker counts.  The barriers have a
 * deadline too: a role stuck beyond it aborts the run with an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <flagbench/barrier.h>
#include <flagbench/mmdebug.h>
#include <flagbench/sched.h>
#include <flagbench/trace.h>
#include "cycles.h"
#include "race-run.h"
#include "topology.h"

/*
 * Spins at a barrier before a waiter yields: a role that is not running
 * (more runnable threads than CPUs: a shared machine, tests in parallel)
 * would otherwise be kept off its CPU for a whole time slice.
 */
#define BARRIER_YIELD_SPINS 2048
/* Spins between two looks at the clock for the barrier's deadline. */
#define BARRIER_CLOCK_SPINS 4096
/* Spins before a serialised role yields to the one it waits for. */
#define SERIAL_YIELD_SPINS 256
/* Later for anchored slots: a pause there makes the next slot late. */
#define ANCHOR_YIELD_SPINS 4096
/*
 * Then how long it spins on before it blocks, and how often it looks at
 * the clock meanwhile.
 */
#define ANCHOR_BLOCK_NS (20 * 1000)
#define ANCHOR_CLOCK_SPINS 256

/* One short spin: an empty loop iteration, about a cycle. */
static __always_inline void short_spins(unsigned int n)
{
	while (n--)
		barrier();
}

/*
 * Past its spins, a role of a run whose roles sleep (anchored slots)
 * blocks until the word it waits on is no longer @val, or a millisecond
 * passes; others yield.  On a busy machine (two busy loops on the 2-vCPU
 * guest) a yield hands the CPU to the other task for its slice and the
 * roles end up taking turns: lost-waiters fell to 1.6-3k bad trials/s,
 * against 18-57k blocking, as a blocked role has not used its share of
 * the CPU and runs again as soon as it is woken, so the roles come to run
 * at the same time.  The waker says so with race_unblock().
 */
static void race_pause(const struct race_run *r, void *word, uint32_t val)
{
	struct timespec ms = { 0, 1000 * 1000 };

	if (!r->anchored) {
		sched_yield();
		return;
	}
	syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, &ms, NULL, 0);
}

static void race_unblock(void *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static bool barrier_wait(struct race_run *r, int *sense)
{
	struct spin_barrier *b = &r->bar;
	uint64_t start = 0;
	unsigned long spins = 0;

	*sense = !*sense;
	if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->n) {
		__atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->sense, *sense, __ATOMIC_RELEASE);
		if (r->anchored)
			race_unblock(&b->sense);
		return true;
	}
	while (__atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != *sense) {
		if (__atomic_load_n(&r->abort, __ATOMIC_RELAXED))
			return false;
		if (++spins > BARRIER_YIELD_SPINS)
			race_pause(r, &b->sense, (uint32_t)!*sense);
		/* Every pause can take a millisecond: look at the clock. */
		if (spins % BARRIER_CLOCK_SPINS && spins <= BARRIER_YIELD_SPINS)
			continue;
		if (!start)
			start = ktime_get_ns();
		else if (ktime_get_ns() - start > RACE_BARRIER_DEADLINE_NS) {
			__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
			return false;
		}
	}
	return true;
}

/*
 * Arm @irq for trial @i: its handler's time, uniform in [0, irq_ticks]
 * (0: none this trial), drawn apart from the jitter's and the aim's.
 */
static __always_inline void irq_arm(const struct race_run *r,
				    struct fb_irq *irq, unsigned long i)
{
	if (irq)
		irq->ticks = splitmix64(~r->seed ^ (r->batch_no * r->batch + i)) %
			     (r->irq_ticks + 1);
}

/* A trial that did not pass the point leaves its interrupt undelivered. */
static __always_inline void irq_disarm(struct fb_irq *irq)
{
	if (irq)
		irq->ticks = 0;
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

	return prev < 0 || wait_done(r, &r->th[prev], th->base + i + 1,
				     SERIAL_YIELD_SPINS);
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
	struct fb_irq *irq = th->irq.owner ? &th->irq : NULL;
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
		irq_arm(r, irq, i);
		start = fb_cycles();
		fn(&r->inst[i]);
		irq_disarm(irq);
		note_trial(r, th, i, start, start, asserts ? before : NULL, 0,
			   true);
		__atomic_store_n(&th->done, th->base + i + 1, __ATOMIC_RELEASE);
	}
	forget_rest(th, i, r->nr_in_batch);
	th->base += r->nr_in_batch;
	th->late = 0;
}

/*
 * Until role @o has finished @n trials, for anchored slots: spinning, and
 * past ANCHOR_YIELD_SPINS and ANCHOR_BLOCK_NS blocked until @o publishes
 * (race_pause()).  False when a barrier's deadline passed.
 */
static bool anchor_wait(struct race_run *r, struct race_thread *o, uint64_t n)
{
	unsigned long spins = 0;
	uint64_t start = 0;

	while (__atomic_load_n(&o->done, __ATOMIC_ACQUIRE) < n) {
		uint32_t seq;

		if (__atomic_load_n(&r->abort, __ATOMIC_RELAXED))
			return false;
		if (++spins <= ANCHOR_YIELD_SPINS ||
		    spins % ANCHOR_CLOCK_SPINS)
			continue;
		/*
		 * Not before ANCHOR_BLOCK_NS: a role woken from a block on
		 * an idle vCPU is late for its slot by the host's wake-up,
		 * tens of microseconds, and a wait that short is a role at
		 * work, not one that lost its CPU.
		 */
		if (!start)
			start = ktime_get_ns();
		if (ktime_get_ns() - start < ANCHOR_BLOCK_NS)
			continue;
		/* Counted before the last look: anchor_publish() sees one. */
		seq = __atomic_load_n(&o->done_seq, __ATOMIC_ACQUIRE);
		__atomic_fetch_add(&o->done_sleepers, 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&o->done, __ATOMIC_SEQ_CST) < n)
			race_pause(r, &o->done_seq, seq);
		__atomic_fetch_sub(&o->done_sleepers, 1, __ATOMIC_RELAXED);
	}
	return true;
}

static __always_inline void anchor_publish(struct race_thread *th,
					   uint64_t done)
{
	__atomic_store_n(&th->done, done, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&th->done_sleepers, __ATOMIC_SEQ_CST)) {
		__atomic_fetch_add(&th->done_seq, 1, __ATOMIC_RELEASE);
		race_unblock(&th->done_seq);
	}
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
		struct race_thread *o = &r->th[k];

		if (!anchor_wait(r, o, th->base + i))
			return 0;
		if (o->end[i - 1] > last)
			last = o->end[i - 1];
	}
	return last + r->batch_period;
}

/*
 * Trial @i's instant for @role: its slot, plus the aimed offset when this
 * role is the later side; *@slot moves on to the next trial's.  A free
 * batch (@period 0) has no offsets: not reading them spares a role other
 * than the leader, who wrote them, a cache miss every few trials (a fifth
 * of SB's time).
 */
static __always_inline uint64_t slot_start(const struct race_aim *aim,
					   uint64_t period, unsigned int role,
					   unsigned long i, uint64_t *slot)
{
	uint64_t start = *slot;
	int32_t o;
	uint32_t span;

	if (!period)
		return start;
	o = aim[i].offset;
	span = o < 0 ? -(uint32_t)o : (uint32_t)o;
	if ((o < 0) == (role == 0))
		start += span;
	*slot += period + span;
	return start;
}

/*
 * Until the counter reaches @start, with every sleep of the trial ending
 * by the deadline after it.  A role already past it (preempted, back from
 * a long sleep) runs at once, unaligned, its trial marked late.  The
 * instant it really began.
 */
static __always_inline uint64_t wait_for_slot(const struct race_run *r,
					      uint64_t start, bool sleeps,
					      uint16_t *mark)
{
	uint64_t now = fb_cycles();

	if (sleeps)
		set_wait_timeout_ns(r->deadline_ns +
			(start > now ? (uint64_t)((start - now) *
						  r->ns_per_tick) : 0));
	if (now > start) {
		*mark = TRIAL_LATE;
		return now;
	}
	while ((now = fb_cycles()) < start)
		;
	return now;
}

static void run_batch(struct race_run *r, struct race_thread *th)
{
	void (*fn)(struct race_trial *) = r->roles[th->role].fn;
	const struct race_aim *aim = r->aim;
	uint64_t slot = r->t0, period = r->batch_period;
	unsigned int role = (unsigned int)th->role;
	bool sleeps = r->s->sleeps, asserts = r->nr_asserts;
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
	struct fb_irq *irq = th->irq.owner ? &th->irq : NULL;
	unsigned long i, late = 0, before[RACE_MAX_OUTCOMES];

	for (i = 0; i < r->nr_in_batch; i++) {
		uint64_t start, base;
		uint16_t mark = 0;

		if (anchored && i && !(slot = anchor_slot(r, th, i)))
			break;
		start = slot_start(aim, period, role, i, &slot);
		if (asserts)
			assert_snapshot(r, th, before);
		irq_arm(r, irq, i);
		start = wait_for_slot(r, start, sleeps, &mark);
		late += mark == TRIAL_LATE;
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
		irq_disarm(irq);
		note_trial(r, th, i, base, start, asserts ? before : NULL, mark,
			   timed);
		if (anchored)
			anchor_publish(th, th->base + i + 1);
	}
	forget_rest(th, i, r->nr_in_batch);
	if (anchored)
		th->base += r->nr_in_batch;
	th->late = late;
}

/*
 * A packed batch (race_scenario.packed): from the batch's instant, the
 * role's statements over its trials in runs of RACE_PACKED_RUN, the
 * counter read once a run (its stamp maps the run, race_check_packed()).
 */
static void run_batch_packed(struct race_run *r, struct race_thread *th)
{
	void (*fn)(unsigned long *, size_t, unsigned long, unsigned long) =
		r->packed->role[th->role];
	unsigned long *a = r->packed_data;
	unsigned long i, end, k, n = r->nr_in_batch;
	size_t span = r->packed_span;
	uint64_t t0 = r->t0;

	while (fb_cycles() < t0)
		;
	for (i = 0, k = 0; i < n; i = end, k++) {
		end = i + RACE_PACKED_RUN < n ? i + RACE_PACKED_RUN : n;
		th->start[k] = fb_cycles();
		fn(a, span, i, end);
	}
	th->late = 0;
}

static uint64_t irq_clock(void)
{
	return fb_cycles();
}

void *race_thread_main(void *arg)
{
	struct race_thread *th = arg;
	struct race_run *r = th->run;
	char err[128];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));

	th->error = t ? fb_pin_self(t, th->cpu) : -ENODEV;
	vm_bug_thread_hits = th->site_hits;
	/*
	 * The scenario's interrupt point is on this role's path: this
	 * thread takes its interrupts (race_run_one() installs the source).
	 */
	th->irq.clock = irq_clock;
	th->irq.enter = r->s->irq_point;
	th->irq.exit = "irq_exit";
	if (race_takes_irq(r, th->role))
		th->irq.owner = current;
	clear_wait_deadline();
	/*
	 * A sleep's deadline ends it on time, not up to the default 50 us
	 * of timer slack later: a lost wake-up is seen at its deadline, and
	 * the trials after it are not held back for nothing.
	 */
	if (r->s->sleeps)
		prctl(PR_SET_TIMERSLACK, 1UL);
	th->sense = 0;
	for (;;) {
		/* The leader has set this batch's parameters. */
		if (!barrier_wait(r, &th->sense) || r->stop || th->error)
			break;
		if (r->p->order != RACE_INTERLEAVED)
			run_batch_serialised(r, th);
		else if (r->packed_batch)
			run_batch_packed(r, th);
		else
			run_batch(r, th);
		if (!barrier_wait(r, &th->sense))
			break;
		if (r->packed_batch)
			race_check_packed(r, th);
		else
			race_check_stripe(r, th);
		if (!barrier_wait(r, &th->sense))
			break;
		if (th->role == 0)
			race_leader_decide(r);
	}
	if (th->error)
		__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
	return NULL;
}

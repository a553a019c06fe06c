// SPDX-License-Identifier: GPL-2.0
/*
 * Classification: after the roles finish a batch, each thread checks and
 * resets its stripe of the trials (every nr_roles-th), puts each in the
 * window map at the roles' measured offset, and takes the median of its
 * role's trial times for the leader.  race.c holds the map of the engine.
 */
#include <string.h>
#include "race-run.h"

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

/* The outcome classes' kinds as masks, once a batch, not per trial. */
struct class_masks {
	unsigned int asserted, bad, racy;
};

static void class_masks(const struct race_scenario *s, struct class_masks *m)
{
	memset(m, 0, sizeof(*m));
	for (unsigned int o = 0; o < s->nr_outcomes; o++) {
		m->asserted |= (unsigned int)!!s->outcomes[o].assert_cond << o;
		m->bad |= (unsigned int)s->outcomes[o].bad << o;
		m->racy |= (unsigned int)s->outcomes[o].racy << o;
	}
}

/*
 * The classes trial @i showed: the checker's, except that an assertion
 * outcome is the trials where its sites fired while one of the roles ran
 * it, not the checker's guess.  @mark: every role's mark of the trial.
 */
static unsigned int classify(struct race_run *r, unsigned long i,
			     unsigned int asserted, uint16_t mark)
{
	unsigned int seen = r->s->check(&r->inst[i]);

	r->s->reset(&r->inst[i]);
	return (seen & ~asserted) | (mark & asserted);
}

/*
 * Classify each trial of this thread's stripe, and put it in the window
 * map at the roles' measured offset (the second role's start minus the
 * first's).  A trial is bad if any bad outcome was counted in it, or any
 * bad assertion outcome's site fired while one of its roles ran it.
 */
void race_check_stripe(struct race_run *r, struct race_thread *th)
{
	const struct race_scenario *s = r->s;
	/* A free batch aims no trial: its offsets are not read. */
	bool aimed = r->arm != RACE_ARM_FREE;
	unsigned long i, counts[RACE_MAX_OUTCOMES] = { 0 };
	unsigned long bad_trials = 0, reached = 0;
	unsigned int k, o, nr = s->nr_outcomes;
	struct class_masks m;

	class_masks(s, &m);
	for (i = th->role; i < r->nr_in_batch; i += r->nr_roles) {
		uint16_t mark = 0;
		unsigned int seen;
		bool bad, racy;
		double offset;

		for (k = 0; k < r->nr_roles; k++)
			mark |= r->th[k].mark[i];
		seen = classify(r, i, m.asserted, mark);
		for (o = 0; o < nr; o++)
			counts[o] += seen >> o & 1;
		bad = seen & m.bad;
		racy = seen & m.racy;
		offset = r->nr_roles < 2 ? 0 :
			 (double)(int64_t)(r->th[1].start[i] - r->th[0].start[i]) *
			 r->ns_per_tick;
		/* A late role's trial is in the map where it really ran, but
		 * says nothing of the bin it was aimed at. */
		race_window_note(&th->tally, offset,
				 mark & TRIAL_LATE || !aimed ? -1 : r->aim[i].bin,
				 bad, racy, seen);
		/*
		 * A trial is bad once, however many bad classes it shows
		 * (litmus7 counts Positive that way): classes may nest or
		 * overlap, so neither their sum nor their largest is it.  A
		 * racy or bad one reached the window.
		 */
		bad_trials += bad;
		reached += bad || racy;
		if (r->tracing)
			race_witness_note(r, i, seen, offset);
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

/*
 * A packed batch (race-thread.c): each thread checks and resets every
 * nr_roles-th run of RACE_PACKED_RUN trials, counts each trial in its
 * class from the words its roles read and left, and maps the run at the
 * offset of the roles' stamps at its start.  The shapes' classes do not
 * overlap: a run's bad trials are its trials in bad classes.
 */
void race_check_packed(struct race_run *r, struct race_thread *th)
{
	const struct race_scenario *s = r->s;
	unsigned long n = r->nr_in_batch, i, k, end, o;
	unsigned int nr = s->nr_outcomes;
	struct class_masks m;

	class_masks(s, &m);
	for (k = th->role; k * RACE_PACKED_RUN < n; k += r->nr_roles) {
		unsigned long counts[RACE_MAX_OUTCOMES + 1] = { 0 };
		uint64_t bad = 0, racy = 0, reached = 0;
		double offset;

		i = k * RACE_PACKED_RUN;
		end = i + RACE_PACKED_RUN < n ? i + RACE_PACKED_RUN : n;
		r->packed->check(r->packed_data, r->packed_span, i, end, counts);
		for (o = 0; o < nr; o++) {
			bad += m.bad >> o & 1 ? counts[o] : 0;
			racy += m.racy >> o & 1 ? counts[o] : 0;
			reached += (m.bad | m.racy) >> o & 1 ? counts[o] : 0;
			th->counts[o] += counts[o];
		}
		offset = r->nr_roles < 2 ? 0 :
			 (double)(int64_t)(r->th[1].start[k] - r->th[0].start[k]) *
			 r->ns_per_tick;
		race_window_note_n(&th->tally, offset, end - i, bad, racy,
				   counts, nr);
		th->bad_trials += bad;
		th->reached += reached;
	}
	th->busy_median = 0;
}

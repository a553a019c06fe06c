// SPDX-License-Identifier: GPL-2.0
/*
 * The witness pass (race-witness.h): trace buffers per trial and role,
 * the classes to witness, each kept trial's events merged into one
 * timeline, and the clocks they are read with.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <flagbench/sched.h>
#include <flagbench/trace.h>
#include "cycles.h"
#include "pingpong.h"
#include "race-run.h"
#include "race-witness.h"

/* Stamps other CPUs' stamps can be compared with (cycles.h). */
static uint64_t clock_cycles(void)
{
	return fb_cycles_fenced();
}

/*
 * Fault the buffers in now: a first touch in a role's trial is a page
 * fault of microseconds that the timeline would show as the role's own.
 */
static void prefault(void *p, size_t bytes)
{
	for (size_t i = 0; i < bytes; i += 4096)
		((volatile char *)p)[i] = 0;
}

/*
 * How far the first role's counter and another's may be apart, at most:
 * the offset's middle estimate and its uncertainty, the largest over the
 * roles' CPUs.  A bound, not an estimate: two stamps closer than this are
 * not ordered by it.
 */
static double roles_skew_ns(const struct race_run *r, const int *cpus)
{
	double worst = 0, unc;

	for (unsigned int k = 1; k < r->nr_roles; k++) {
		double mid = cpus[k] == cpus[0] ? 0 :
			     fb_clock_skew_ns(cpus[0], cpus[k], &unc);

		if (cpus[k] != cpus[0] && isfinite(mid) && isfinite(unc))
			worst = fmax(worst, fabs(mid) + unc);
	}
	return worst;
}

int race_witness_alloc(struct race_run *r, const int *cpus)
{
	struct race_witnesses *x = &r->wit;
	size_t n = (size_t)r->batch * r->nr_roles;

	if (!r->p->witness || r->p->order != RACE_INTERLEAVED)
		return 0;
	/* The clocks the timelines are read with, before any role runs. */
	x->skew_ns = roles_skew_ns(r, cpus);
	x->resolution_ns = fb_cycles_resolution_ns();
	x->want = r->p->witness;
	x->traces = calloc(n, sizeof(*x->traces));
	x->ev = calloc(n * RACE_WITNESS_EVENTS, sizeof(*x->ev));
	x->w = calloc((size_t)x->want * RACE_MAX_OUTCOMES, sizeof(*x->w));
	if (!x->traces || !x->ev || !x->w)
		return -1;
	prefault(x->ev, n * RACE_WITNESS_EVENTS * sizeof(*x->ev));
	for (size_t i = 0; i < n; i++)
		x->traces[i] = (struct fb_trace){
			.cap = RACE_WITNESS_EVENTS,
			.ev = x->ev + i * RACE_WITNESS_EVENTS,
			.clock = clock_cycles,
		};
	pthread_mutex_init(&x->lock, NULL);
	return 0;
}

bool race_witness_begin(struct race_run *r)
{
	struct race_witnesses *x = &r->wit;
	const struct race_scenario *s = r->s;

	if (!x->want)
		return false;
	/* The bad classes the measurement saw; else where the roles met. */
	for (unsigned int o = 0; o < s->nr_outcomes; o++)
		if (s->outcomes[o].bad && r->counts[o])
			x->mask |= 1u << o;
	if (!x->mask) {
		x->closest = true;
		for (unsigned int o = 0; o < s->nr_outcomes; o++)
			if (s->outcomes[o].racy && r->counts[o])
				x->mask |= 1u << o;
	}
	if (!x->mask)
		return false;
	x->start_ns = ktime_get_ns();
	x->end_ns = x->start_ns + (uint64_t)(r->p->witness_seconds * 1e9);
	/* Its own map and slots, from the measurement's (race-leader.c). */
	r->discard = r->win;
	x->period = r->period;
	return true;
}

bool race_witness_done(struct race_run *r)
{
	struct race_witnesses *x = &r->wit;

	if (__atomic_load_n(&x->untraced, __ATOMIC_RELAXED))
		return true;
	for (unsigned int o = 0; o < 32; o++)
		if (x->mask >> o & 1 && x->got[o] < x->want)
			return ktime_get_ns() >= x->end_ns;
	return true;
}

/* In time order, each role's events kept in its own order (stable). */
static void sort_events(struct race_event *ev, int n)
{
	for (int i = 1; i < n; i++) {
		struct race_event e = ev[i];
		int k = i;

		for (; k > 0 && ev[k - 1].ns > e.ns; k--)
			ev[k] = ev[k - 1];
		ev[k] = e;
	}
}

/* trace.h's kinds, as a result names them. */
static enum race_value value_kind(enum fb_trace_kind k)
{
	switch (k) {
	case FB_TRACE_WORD:
		return RACE_VALUE_WORD;
	case FB_TRACE_COUNT:
		return RACE_VALUE_COUNT;
	case FB_TRACE_TEST:
		return RACE_VALUE_TEST;
	default:
		return RACE_VALUE_NONE;
	}
}

static void add_event(struct race_witness *w, int role, const char *name,
		      uint64_t stamp, enum fb_trace_kind kind,
		      unsigned long value)
{
	struct race_event *e = &w->ev[w->nr++];

	e->role = role;
	e->name = strdup(name);
	e->ns = (double)stamp;	/* ticks until the timeline is made */
	e->kind = value_kind(kind);
	e->value = value;
}

/* Trial @i's events of every role, in one timeline from its first. */
static void timeline(struct race_run *r, unsigned long i,
		     struct race_witness *w)
{
	struct race_witnesses *x = &r->wit;
	double first = INFINITY;

	w->ev = calloc((RACE_WITNESS_EVENTS + 2) * r->nr_roles, sizeof(*w->ev));
	for (unsigned int k = 0; k < r->nr_roles; k++) {
		const struct fb_trace *t = &x->traces[i * r->nr_roles + k];

		add_event(w, (int)k, "start", r->th[k].start[i],
			  FB_TRACE_STEP, 0);
		for (unsigned int e = 0; e < t->nr; e++)
			add_event(w, (int)k, t->ev[e].name, t->ev[e].stamp,
				  t->ev[e].kind, t->ev[e].value);
		add_event(w, (int)k, "return", r->th[k].end[i],
			  FB_TRACE_STEP, 0);
	}
	for (int e = 0; e < w->nr; e++)
		first = fmin(first, w->ev[e].ns);
	for (int e = 0; e < w->nr; e++)
		w->ev[e].ns = (w->ev[e].ns - first) * r->ns_per_tick;
	sort_events(w->ev, w->nr);
}

/* Did any role of trial @i record an event of its own? */
static bool traced(const struct race_run *r, unsigned long i)
{
	for (unsigned int k = 0; k < r->nr_roles; k++)
		if (r->wit.traces[i * r->nr_roles + k].nr)
			return true;
	return false;
}

void race_witness_note(struct race_run *r, unsigned long i, unsigned int seen,
		       double offset)
{
	struct race_witnesses *x = &r->wit;
	unsigned int o;

	seen &= x->mask;
	if (!seen)
		return;
	/*
	 * Roles with no tracepoint (the calibration shapes) have nothing to
	 * show beyond the window map's offsets: the pass ends here.
	 */
	if (!traced(r, i)) {
		__atomic_store_n(&x->untraced, true, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_lock(&x->lock);
	for (o = 0; seen; seen &= seen - 1) {
		o = (unsigned int)__builtin_ctz(seen);
		if (x->got[o] < x->want)
			break;
	}
	if (seen && x->nr < (int)(x->want * RACE_MAX_OUTCOMES)) {
		struct race_witness *w = &x->w[x->nr++];

		x->got[o]++;
		w->outcome = strdup(r->s->outcomes[o].name);
		w->closest = x->closest;
		w->offset_ns = offset;
		timeline(r, i, w);
	}
	pthread_mutex_unlock(&x->lock);
}

void race_witness_move(struct race_run *r, struct race_result *res)
{
	struct race_witnesses *x = &r->wit;

	res->nr_witnesses = x->nr;
	res->w = x->w;
	res->skew_ns = x->skew_ns;
	res->resolution_ns = x->resolution_ns;
	/* What the pass spent, where it kept nothing too: said, not silent. */
	if (x->start_ns && !x->untraced) {
		res->witness_trials = (double)x->trials;
		res->witness_seconds = (ktime_get_ns() - x->start_ns) / 1e9;
	}
	x->w = NULL;
	x->nr = 0;
}

void race_witness_free(struct race_run *r)
{
	struct race_witnesses *x = &r->wit;

	race_witnesses_free(x->w, x->nr);
	free(x->traces);
	free(x->ev);
	if (x->want)
		pthread_mutex_destroy(&x->lock);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A finished run (struct race_run, race-run.h) as its typed result
 * (race-result.h): counts, outcome classes with this build's claims about
 * them, the assertion sites that fired, the window map, the expectation
 * and the LKMM twin's word.  The verdict is race_result_decide()'s; the
 * JSON is race_result_to_json()'s.  race.c holds the map of the engine.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <flagbench/mmdebug.h>
#include <flagbench/variant.h>
#include "cycles.h"
#include "lkmm.h"
#include "race-deadline.h"
#include "race-result.h"
#include "race-run.h"
#include "race-window.h"
#include "race.h"
#include "topology.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/*
 * Why this build cannot produce outcome @i: the scenario's word, or, for
 * a counted assertion, that no site of it was compiled in.
 */
static char *structural(const struct race_run *r, unsigned int i)
{
	const struct race_outcome *o = &r->s->outcomes[i];
	char why[256];

	if (o->structural)
		return dup_or_null(o->structural());
	if (!o->assert_cond || r->asites[i][0])
		return NULL;
	snprintf(why, sizeof(why), "no %s(%s) in %s in this build",
		 "VM_BUG_ON_PAGE", o->assert_cond,
		 o->assert_func ? o->assert_func : "any function");
	return strdup(why);
}

bool race_run_structural(const struct race_run *r)
{
	bool any = false;

	for (unsigned int i = 0; i < r->s->nr_outcomes; i++) {
		char *why;

		if (!r->s->outcomes[i].bad)
			continue;
		why = structural(r, i);
		free(why);
		if (!why)
			return false;
		any = true;
	}
	return any;
}

static void collect_outcomes(struct race_result *res, const struct race_run *r)
{
	const struct race_scenario *s = r->s;

	res->nr_outcomes = (int)s->nr_outcomes;
	res->o = calloc(s->nr_outcomes, sizeof(*res->o));
	for (unsigned int i = 0; i < s->nr_outcomes; i++) {
		const struct race_outcome *o = &s->outcomes[i];
		struct race_result_outcome *x = &res->o[i];

		x->name = strdup(o->name);
		x->help = strdup(o->help ? o->help : "");
		x->bad = o->bad;
		x->racy = o->racy;
		x->structural = structural(r, i);
		x->sequential = o->sequential ? dup_or_null(o->sequential()) : NULL;
		x->count = (double)r->counts[i];
	}
}

static void collect_assertions(struct race_result *res, const struct race_run *r)
{
	struct vm_bug_site *site;
	size_t n = 0, k = 0, all = vm_bug_sites_end() - vm_bug_sites_begin();

	res->a = calloc(all ? all : 1, sizeof(*res->a));
	for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++, n++) {
		unsigned long hits = __atomic_load_n(&site->hits, __ATOMIC_RELAXED) -
				     r->site_base[n];
		struct race_result_assertion *a = &res->a[k];

		if (!hits)
			continue;
		a->macro = strdup(site->macro);
		a->cond = strdup(site->cond);
		a->func = strdup(site->func);
		a->file = strdup(site->file);
		a->line = site->line;
		a->hits = (double)hits;
		k++;
	}
	res->nr_assertions = (int)k;
}

void race_result_collect(struct race_result *res, struct race_run *r,
			 enum fb_pair_class pc, const int *cpus)
{
	const struct race_scenario *s = r->s;
	/* Serialised, the roles never meet: a bad outcome is never allowed. */
	enum expectation e = r->p->order != RACE_INTERLEAVED ?
		EXPECT_FORBIDDEN : race_expectation(s, this_variant.arch);
	const struct lkmm_twin *twin = lkmm_twin_for(s->name);
	double ticks_per_ns = r->ticks_per_ns;
	char plan[RACE_WINDOW_DESC_LEN];

	memset(res, 0, sizeof(*res));
	res->xcpu_ns = NAN;	/* race_run() measures it where the run ran */
	res->scenario = strdup(s->name);
	res->variant = strdup(this_variant.name);
	res->arch = strdup(this_variant.arch);
	res->seed = dup_or_null(s->seed);
	res->pair_class = strdup(fb_pair_class_name(pc));
	res->order = strdup(race_order_name(r->p->order));
	res->nr_roles = (int)r->nr_roles;
	for (unsigned int i = 0; i < r->nr_roles; i++) {
		res->cpus[i] = cpus[i];
		res->roles[i] = strdup(r->roles[i].name);
	}
	res->trials = (double)r->trials;
	res->seconds = r->seconds;
	res->extended_seconds = r->ran_on ?
		fmax(r->seconds - r->measure_ns / 1e9, 0) : 0;
	res->reached = (double)r->reached;
	res->bad = (double)r->bad_trials;
	res->expect = e;
	collect_outcomes(res, r);
	collect_assertions(res, r);
	r->win.irq_taken = r->irq_taken;
	race_window_describe(&r->win, plan, sizeof(plan));
	res->plan = strdup(plan);
	res->window = race_window_json(&r->win);
	/* The rules read the bins the file will carry, parsed once. */
	race_result_bins_from_window(res);
	res->deadline = race_deadline_json(&r->dl);
	res->jitter_spins = r->jitter;
	res->counter = strdup(fb_cycles_name());
	res->ticks_per_ns = ticks_per_ns;
	res->period_ns = r->period / ticks_per_ns;
	res->late_fraction = r->slots ? (double)r->late / r->slots : 0.0;
	if (twin) {	/* the model's verdict, shown beside the count */
		res->lkmm_verdict = strdup(twin->verdict);
		res->lkmm_twin = strdup(twin->twin);
	}
	race_result_decide(res);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a bundle that carry measurements: a Google Benchmark JSON
 * (throughput) and a flagbench-race file, parsed into the structs the
 * report, the summary and the gate render.
 */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* ---------------------------------------------------------------- throughput */

static double time_unit_ns(const char *unit)
{
	if (!unit || !strcmp(unit, "ns"))
		return 1;
	if (!strcmp(unit, "us"))
		return 1e3;
	if (!strcmp(unit, "ms"))
		return 1e6;
	if (!strcmp(unit, "s"))
		return 1e9;
	return NAN;
}

static struct tp_bench *tp_get(struct tp_run *r, const char *name, int *cap)
{
	struct tp_bench *b = tp_find(r, name);
	const char *t;

	if (b)
		return b;
	if (r->nr == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->b = realloc(r->b, *cap * sizeof(*r->b));
		if (!r->b)
			abort();
	}
	b = &r->b[r->nr++];
	memset(b, 0, sizeof(*b));
	b->name = xstrdup(name);
	b->family = xstrdup(name);
	t = strstr(name, "/threads:");
	if (t) {
		long n = strtol(t + 9, NULL, 10);	/* clamps: atoi may not */

		b->family[t - name] = 0;
		b->threads = n >= 0 && n <= FB_MAX_THREADS ? (int)n : -1;
	}
	b->cycles = b->instructions = b->cache_misses = NAN;
	b->mean = b->median = b->stddev = b->ops_median = NAN;
	return b;
}

static void push(double **a, int n, double v)
{
	*a = realloc(*a, (n + 1) * sizeof(**a));
	if (!*a)
		abort();
	(*a)[n] = v;
}

/* Accumulate a per-op counter as a running mean over repetitions. */
static void counter_mean(double *acc, json_t *e, const char *key, int n)
{
	double v = jnum(e, key, NAN);

	if (isnan(v))
		return;
	*acc = isnan(*acc) ? v : (*acc * (n - 1) + v) / n;
}

static int tp_add_entry(struct tp_run *r, json_t *e, int *cap, char *err,
			size_t errlen)
{
	const char *name = jstr(e, "run_name", jstr(e, "name", NULL));
	const char *type = jstr(e, "run_type", "iteration");
	struct tp_bench *b;
	double ns, round_d;
	int round;

	if (!name)
		return seterr(err, errlen, "benchmark entry without a name");
	if (json_is_true(json_object_get(e, "error_occurred")))
		return 0;	/* skipped: reported by GB's own output */
	b = tp_get(r, name, cap);
	if (!b->threads) {
		double t = jnum(e, "threads", 1);

		/* Range first: a cast of 1e300 to int is undefined. */
		b->threads = t >= 0 && t <= FB_MAX_THREADS ? (int)t : -1;
	}
	round_d = jnum(e, "flagbench_round", -1);
	/* Range first, as for threads: rounds are small whole numbers. */
	round = round_d >= 0 && round_d <= INT_MAX ? (int)round_d : -1;
	if (!strcmp(type, "aggregate")) {
		const char *agg = jstr(e, "aggregate_name", "");
		double v = jnum(e, "ns_per_op", NAN);

		if (isnan(v))
			v = jnum(e, "real_time", NAN) *
			    time_unit_ns(jstr(e, "time_unit", "ns"));
		if (!strcmp(agg, "mean"))
			b->mean = v;
		else if (!strcmp(agg, "median"))
			b->median = v;
		else if (!strcmp(agg, "stddev"))
			b->stddev = v;
		return 0;
	}
	ns = jnum(e, "ns_per_op", NAN);
	if (isnan(ns))
		ns = jnum(e, "real_time", NAN) *
		     time_unit_ns(jstr(e, "time_unit", "ns"));
	if (!isfinite(ns) || ns < 0)
		return seterr(err, errlen, "%s: no ns_per_op or real_time", name);
	push(&b->ns, b->nreps, ns);
	b->round = realloc(b->round, (b->nreps + 1) * sizeof(*b->round));
	if (!b->round)
		abort();
	b->round[b->nreps] = round;
	push(&b->ops, b->nreps, jnum(e, "ops_per_s", ns > 0 ? 1e9 * b->threads / ns : NAN));
	b->nreps++;
	counter_mean(&b->cycles, e, "cycles_per_op", b->nreps);
	counter_mean(&b->instructions, e, "instructions_per_op", b->nreps);
	counter_mean(&b->cache_misses, e, "cache_misses_per_op", b->nreps);
	return 0;
}

void tp_free(struct tp_run *r)
{
	if (!r)
		return;
	for (int k = 0; k < r->nr; k++) {
		free(r->b[k].name);
		free(r->b[k].family);
		free(r->b[k].ns);
		free(r->b[k].ops);
		free(r->b[k].round);
	}
	free(r->b);
	free(r->placement);
	free(r->perf_reason);
	free(r);
}

struct tp_run *tp_parse(json_t *j, char *err, size_t errlen)
{
	json_t *list = json_object_get(j, "benchmarks"), *e;
	json_t *fb = json_object_get(json_object_get(j, "context"), "flagbench");
	struct tp_run *r;
	size_t i;
	int cap = 0, k;

	if (!json_is_array(list)) {
		seterr(err, errlen, "not Google Benchmark JSON (no \"benchmarks\" array)");
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->placement = xstrdup(jstr(fb, "placement", "compact"));
	r->perf_supported = json_is_true(json_object_get(json_object_get(fb, "perf"), "supported"));
	r->perf_reason = xstrdup(jstr(json_object_get(fb, "perf"), "reason", "not recorded"));
	json_array_foreach(list, i, e) {
		if (!json_is_object(e) ||
		    tp_add_entry(r, e, &cap, err, errlen) < 0) {
			if (!json_is_object(e))
				seterr(err, errlen, "benchmarks[%zu] is not an object", i);
			tp_free(r);
			return NULL;
		}
	}
	/* Our own statistics from the repetitions, GB's aggregates otherwise. */
	for (k = 0; k < r->nr; k++) {
		struct tp_bench *b = &r->b[k];

		if (!b->nreps) {
			b->aggregate_only = true;
			continue;
		}
		b->mean = stat_mean(b->ns, b->nreps);
		b->median = stat_median(b->ns, b->nreps);
		b->stddev = stat_stddev(b->ns, b->nreps);
		b->ops_median = stat_median(b->ops, b->nreps);
	}
	return r;
}

struct tp_bench *tp_find(struct tp_run *r, const char *name)
{
	int i;

	for (i = 0; r && i < r->nr; i++)
		if (!strcmp(r->b[i].name, name))
			return &r->b[i];
	return NULL;
}

/* --------------------------------------------------------------------- races */

/*
 * window.bins: [{lo, hi, trials, bad, ...}], edges from one global table,
 * ascending and apart: the rules that pair two results' bins by edges
 * (results.c) need that, and would silently not apply without it.
 */
static int parse_bins(json_t *bins, struct race_result *rr, char *err,
		      size_t errlen)
{
	json_t *e;
	size_t i;
	int d;

	if (!json_is_array(bins))
		return 0;
	rr->nr_bins = json_array_size(bins);
	rr->bins = xcalloc(rr->nr_bins ? rr->nr_bins : 1, sizeof(*rr->bins));
	json_array_foreach(bins, i, e) {
		struct res_bin *b = &rr->bins[i];

		b->lo = jnum(e, "lo", NAN);
		b->hi = jnum(e, "hi", NAN);
		b->trials = jnum(e, "trials", NAN);
		b->bad = jnum(e, "bad", NAN);
		if (isnan(b->lo) || isnan(b->hi) || !(b->trials >= 0) ||
		    !(b->bad >= 0) || b->bad > b->trials)
			return seterr(err, errlen, "%s: window.bins[%zu] malformed",
				      rr->scenario, i);
	}
	d = res_bins_disorder(rr->bins, (int)rr->nr_bins);
	if (d >= 0)
		return seterr(err, errlen, "%s: window.bins[%d] [%g, %g) not after the bin before it, or empty",
			      rr->scenario, d, rr->bins[d].lo, rr->bins[d].hi);
	return 0;
}

static int race_parse_result(json_t *res, struct race_result *rr, char *err,
			     size_t errlen)
{
	json_t *outs = json_object_get(res, "outcomes"), *o;
	size_t i;

	rr->scenario = xstrdup(jstr(res, "scenario", ""));
	rr->pair_class = xstrdup(jstr(res, "pair_class", "-"));
	rr->expectation = xstrdup(jstr(res, "expectation", "allowed"));
	rr->verdict = xstrdup(jstr(res, "verdict", ""));
	rr->message = xstrdup(jstr(res, "message", ""));
	rr->lkmm_verdict = xstrdup(jstr(json_object_get(res, "lkmm"), "verdict", ""));
	rr->lkmm_twin = xstrdup(jstr(json_object_get(res, "lkmm"), "twin", ""));
	rr->trials = jnum(res, "trials", NAN);
	rr->seconds = jnum(res, "seconds", NAN);
	if (!*rr->scenario || !json_is_array(outs))
		return seterr(err, errlen, "race result without scenario or outcomes");
	if (!(rr->trials > 0))
		return seterr(err, errlen, "%s: trials missing or not positive",
			      rr->scenario);
	rr->nr_outcomes = json_array_size(outs);
	rr->o = xcalloc(rr->nr_outcomes, sizeof(*rr->o));
	json_array_foreach(outs, i, o) {
		struct race_outcome *ro = &rr->o[i];

		ro->name = xstrdup(jstr(o, "name", "?"));
		ro->bad = json_is_true(json_object_get(o, "bad"));
		ro->count = jnum(o, "count", NAN);
		if (!(ro->count >= 0) || ro->count > rr->trials)
			return seterr(err, errlen, "%s/%s: bad count",
				      rr->scenario, ro->name);
		res_binom_ci(ro->count, rr->trials, RES_ALPHA, &ro->lo, &ro->hi);
		ro->per_million = ro->count / rr->trials * 1e6;
		ro->lo *= 1e6;
		ro->hi *= 1e6;
		ro->upper_bound = ro->count == 0;
	}
	/*
	 * The bad count is the engine's, counted per trial: never summed
	 * or maximised over classes here (results.h).
	 */
	rr->bad_count = jnum(res, "bad_trials", NAN);
	if (!(rr->bad_count >= 0) || rr->bad_count > rr->trials)
		return seterr(err, errlen,
			      "%s: bad_trials missing or out of range (written by an older engine?)",
			      rr->scenario);
	if (res_expect_parse(rr->expectation) == RES_EXPECT_BAD)
		return seterr(err, errlen, "%s: unknown expectation '%s'",
			      rr->scenario, rr->expectation);
	rr->observation = jstr(res, "observation", "");
	if (strcmp(rr->observation, res_observation(rr->bad_count, rr->trials)))
		return seterr(err, errlen, "%s: observation '%s' disagrees with bad_trials %.0f of %.0f",
			      rr->scenario, rr->observation, rr->bad_count,
			      rr->trials);
	rr->observation = res_observation(rr->bad_count, rr->trials);
	res_binom_ci(rr->bad_count, rr->trials, RES_ALPHA, &rr->bad_lo,
		     &rr->bad_hi);
	rr->bad_lo *= 1e6;
	rr->bad_hi *= 1e6;
	if (parse_bins(json_object_get(json_object_get(res, "window"), "bins"),
		       rr, err, errlen))
		return -1;
	rr->assertions = json_incref(json_object_get(res, "assertions"));
	rr->window = json_incref(json_object_get(res, "window"));
	rr->nr_assertions = json_is_array(rr->assertions) ?
			    json_array_size(rr->assertions) : 0;
	return 0;
}

int races_parse(json_t *j, struct variant_data *v, char *err, size_t errlen)
{
	json_t *results = json_object_get(j, "results"), *res;
	size_t i;

	if (strcmp(jstr(j, "format", ""), "flagbench-race"))
		return seterr(err, errlen, "not a flagbench-race file");
	if (!json_is_integer(json_object_get(j, "version")) ||
	    json_integer_value(json_object_get(j, "version")) != 1) {
		char ver[64];

		return seterr(err, errlen, "flagbench-race version %s not supported (this tool reads 1)",
			      json_text(json_object_get(j, "version"), ver,
					sizeof(ver)));
	}
	if (!json_is_array(results))
		return seterr(err, errlen, "no \"results\" array");
	v->nr_races = json_array_size(results);
	v->races = xcalloc(v->nr_races, sizeof(*v->races));
	json_array_foreach(results, i, res)
		if (race_parse_result(res, &v->races[i], err, errlen))
			return -1;
	v->races_present = true;
	v->race_verdict = xstrdup(jstr(j, "verdict", ""));
	return 0;
}

/* Verdict of one result: the rule of results.h on the engine's count. */
enum verdict result_verdict(const struct race_result *r)
{
	switch (res_race_verdict(res_expect_parse(r->expectation),
				 r->bad_count)) {
	case RES_FAIL:
		return V_FAIL;
	case RES_WARN:
		return V_WARN;
	default:
		return V_PASS;
	}
}

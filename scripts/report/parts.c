// SPDX-License-Identifier: GPL-2.0
/*
 * The parts of a bundle that carry measurements: a Google Benchmark JSON
 * (throughput) and a flagbench-race file, parsed into the structs the
 * report, the summary and the gate render.  Every number and name is
 * range-checked here, once: bundles travel between machines and may be
 * crafted.
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

/* The benchmark @name of @r, a new one if none; NULL past the cap. */
static struct tp_bench *tp_get(struct tp_run *r, const char *name, int *cap)
{
	struct tp_bench *b = tp_find(r, name);
	const char *t;

	if (b || r->nr == FB_MAX_BENCHMARKS)
		return b;
	if (r->nr == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		r->b = realloc(r->b, *cap * sizeof(*r->b));
		if (!r->b)
			abort();
	}
	b = &r->b[r->nr++];
	memset(b, 0, sizeof(*b));
	json_object_set_new(r->index, name, json_integer(r->nr - 1));
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

/*
 * run-bench's round of a sample: -1 when there is none; a whole number up
 * to FB_MAX_ROUND, or the gate would size its arrays by a crafted one.
 */
static int entry_round(json_t *e, const char *name, int *round, char *err,
		       size_t errlen)
{
	double r = jnum(e, "flagbench_round", -1);

	*round = -1;
	if (!json_object_get(e, "flagbench_round"))
		return 0;
	/* Range first, as for threads: a cast of 1e300 to int is undefined. */
	if (!(r >= 0 && r <= FB_MAX_ROUND) || r != floor(r))
		return seterr(err, errlen, "%s: flagbench_round %.17g is not a whole number in [0, %d]",
			      name, r, FB_MAX_ROUND);
	*round = (int)r;
	return 0;
}

static int tp_add_entry(struct tp_run *r, json_t *e, int *cap, char *err,
			size_t errlen)
{
	const char *name = jstr(e, "run_name", jstr(e, "name", NULL));
	const char *type = jstr(e, "run_type", "iteration");
	struct tp_bench *b;
	double ns;
	int round;

	if (!name)
		return seterr(err, errlen, "benchmark entry without a name");
	if (!name_ok(name))
		return seterr(err, errlen, "benchmark name '%.40s' is empty, longer than %d bytes or has control characters or bidi overrides",
			      name, FB_MAX_NAME);
	if (json_is_true(json_object_get(e, "error_occurred")))
		return 0;	/* skipped: reported by GB's own output */
	b = tp_get(r, name, cap);
	if (!b)
		return seterr(err, errlen, "more than %d benchmarks",
			      FB_MAX_BENCHMARKS);
	if (!b->threads) {
		double t = jnum(e, "threads", 1);

		/* Range first: a cast of 1e300 to int is undefined. */
		b->threads = t >= 0 && t <= FB_MAX_THREADS ? (int)t : -1;
	}
	if (entry_round(e, name, &round, err, errlen))
		return -1;
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
	/* The gate's estimate is quadratic in the samples it pairs. */
	if (b->nreps == FB_MAX_SAMPLES)
		return seterr(err, errlen, "%s: more than %d samples",
			      name, FB_MAX_SAMPLES);
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
	json_decref(r->index);
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
	if (json_array_size(list) > FB_MAX_ENTRIES) {
		seterr(err, errlen, "more than %d benchmark entries", FB_MAX_ENTRIES);
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->index = json_object();
	r->placement = xstrdup(jstr(fb, "placement", "compact"));
	r->perf_supported = json_is_true(json_object_get(json_object_get(fb, "perf"), "supported"));
	r->perf_reason = xstrdup(jstr(json_object_get(fb, "perf"), "reason", "not recorded"));
	text_clean(r->placement);
	text_clean(r->perf_reason);
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
	json_t *at = r ? json_object_get(r->index, name) : NULL;

	return at ? &r->b[json_integer_value(at)] : NULL;
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

	double sum = 0;

	if (!json_is_array(bins))
		return 0;
	if (json_array_size(bins) > FB_MAX_BINS)
		return seterr(err, errlen, "%s: more than %d window bins",
			      rr->scenario, FB_MAX_BINS);
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
		/* Counts of trials: whole, and within the result's. */
		if (!is_count(b->trials) || !is_count(b->bad))
			return seterr(err, errlen, "%s: window.bins[%zu]: trials %.17g, bad %.17g: not whole numbers",
				      rr->scenario, i, b->trials, b->bad);
		sum += b->trials;
	}
	if (sum > rr->trials)
		return seterr(err, errlen, "%s: window bins hold %.0f trials, the result %.0f",
			      rr->scenario, sum, rr->trials);
	d = res_bins_disorder(rr->bins, (int)rr->nr_bins);
	if (d >= 0)
		return seterr(err, errlen, "%s: window.bins[%d] [%g, %g) not after the bin before it, or empty",
			      rr->scenario, d, rr->bins[d].lo, rr->bins[d].hi);
	return 0;
}

/* Free text of a result: printed, so cleaned (validate.c). */
static char *text_of(json_t *o, const char *key, const char *dflt)
{
	char *s = xstrdup(jstr(o, key, dflt));

	text_clean(s);
	return s;
}

/*
 * `race --pairs each`: "pair": {cpus: [A, B], class}, one result per
 * ordered pair; the map's cell, so the CPUs are numbers in range.
 */
static int parse_pair(json_t *res, struct race_result *rr, char *err,
		      size_t errlen)
{
	json_t *pair = json_object_get(res, "pair");
	json_t *cpus = json_object_get(pair, "cpus");

	rr->pair_cpu[0] = rr->pair_cpu[1] = -1;
	if (!json_is_array(cpus) || json_array_size(cpus) < 2)
		return 0;
	for (int k = 0; k < 2; k++) {
		json_t *c = json_array_get(cpus, k);

		if (!json_is_integer(c) || json_integer_value(c) < 0 ||
		    json_integer_value(c) >= FB_MAX_CPU)
			return seterr(err, errlen, "%s: pair.cpus[%d] is not a CPU number in [0, %d)",
				      rr->scenario, k, FB_MAX_CPU);
		rr->pair_cpu[k] = (int)json_integer_value(c);
	}
	if (!json_is_string(json_object_get(pair, "class")) ||
	    !name_ok(jstr(pair, "class", "")))
		return seterr(err, errlen, "%s: pair.class is not a name",
			      rr->scenario);
	rr->pair_cls = xstrdup(jstr(pair, "class", ""));
	return 0;
}

/* The outcome classes, each with its count and interval. */
static int parse_outcomes(json_t *outs, struct race_result *rr, char *err,
			  size_t errlen)
{
	json_t *o;
	size_t i;

	if (json_array_size(outs) > FB_MAX_OUTCOMES)
		return seterr(err, errlen, "%s: more than %d outcome classes",
			      rr->scenario, FB_MAX_OUTCOMES);
	rr->nr_outcomes = json_array_size(outs);
	rr->o = xcalloc(rr->nr_outcomes, sizeof(*rr->o));
	json_array_foreach(outs, i, o) {
		struct race_outcome *ro = &rr->o[i];

		ro->name = xstrdup(jstr(o, "name", "?"));
		if (!name_ok(ro->name))
			return seterr(err, errlen, "%s: outcome '%.40s' is longer than %d bytes or has control characters or bidi overrides",
				      rr->scenario, ro->name, FB_MAX_NAME);
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
	return 0;
}

static int race_parse_result(json_t *res, struct race_result *rr, char *err,
			     size_t errlen)
{
	json_t *outs = json_object_get(res, "outcomes");

	rr->scenario = xstrdup(jstr(res, "scenario", ""));
	rr->pair_class = xstrdup(jstr(res, "pair_class", "-"));
	rr->expectation = xstrdup(jstr(res, "expectation", "allowed"));
	rr->verdict = text_of(res, "verdict", "");
	rr->message = text_of(res, "message", "");
	rr->lkmm_verdict = text_of(json_object_get(res, "lkmm"), "verdict", "");
	rr->lkmm_twin = text_of(json_object_get(res, "lkmm"), "twin", "");
	rr->trials = jnum(res, "trials", NAN);
	rr->seconds = jnum(res, "seconds", NAN);
	rr->pair_cpu[0] = rr->pair_cpu[1] = -1;
	if (!*rr->scenario || !json_is_array(outs))
		return seterr(err, errlen, "race result without scenario or outcomes");
	if (!name_ok(rr->scenario) || !name_ok(rr->pair_class))
		return seterr(err, errlen, "scenario '%.40s' or pair class '%.40s' is longer than %d bytes or has control characters or bidi overrides",
			      rr->scenario, rr->pair_class, FB_MAX_NAME);
	if (!(rr->trials > 0))
		return seterr(err, errlen, "%s: trials missing or not positive",
			      rr->scenario);
	/* Before any interval: 1e308 trials would take seconds to bound. */
	if (!is_count(rr->trials))
		return seterr(err, errlen, "%s: trials %.17g is not a whole number in [1, 2^53]",
			      rr->scenario, rr->trials);
	if (parse_outcomes(outs, rr, err, errlen))
		return -1;
	/*
	 * The bad count is the engine's, counted per trial: never summed
	 * or maximised over classes here (results.h).
	 */
	rr->bad_count = jnum(res, "bad_trials", NAN);
	if (!is_count(rr->bad_count) || rr->bad_count > rr->trials)
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
		       rr, err, errlen) || parse_pair(res, rr, err, errlen))
		return -1;
	if (json_is_string(json_object_get(json_object_get(res, "window"), "plan")))
		rr->plan = text_of(json_object_get(res, "window"), "plan", "");
	rr->nr_assertions = json_array_size(json_object_get(res, "assertions"));
	return 0;
}

/*
 * One result per scenario and pair class (per ordered CPU pair with
 * `--pairs each`): two would make the views pick one silently.
 */
static int races_unique(const struct variant_data *v, char *err,
			size_t errlen)
{
	json_t *seen = json_object();
	char key[2 * FB_MAX_NAME + 32];
	int i, ret = 0;

	for (i = 0; i < v->nr_races && !ret; i++) {
		const struct race_result *r = &v->races[i];

		snprintf(key, sizeof(key), "%s\x1f%s\x1f%d\x1f%d", r->scenario,
			 r->pair_class, r->pair_cpu[0], r->pair_cpu[1]);
		if (json_object_get(seen, key))
			ret = r->pair_cpu[0] < 0 ?
			      seterr(err, errlen, "%s (%s) listed twice",
				     r->scenario, r->pair_class) :
			      seterr(err, errlen, "%s (%s, CPUs %d and %d) listed twice",
				     r->scenario, r->pair_class,
				     r->pair_cpu[0], r->pair_cpu[1]);
		json_object_set_new(seen, key, json_true());
	}
	json_decref(seen);
	return ret;
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
	if (json_array_size(results) > FB_MAX_RESULTS)
		return seterr(err, errlen, "more than %d results", FB_MAX_RESULTS);
	v->nr_races = json_array_size(results);
	v->races = xcalloc(v->nr_races, sizeof(*v->races));
	json_array_foreach(results, i, res)
		if (race_parse_result(res, &v->races[i], err, errlen))
			return -1;
	if (races_unique(v, err, errlen))
		return -1;
	v->by_scenario = json_object();
	for (int k = 0; k < v->nr_races; k++)
		json_object_set_new(v->by_scenario, v->races[k].scenario,
				    json_integer(k));
	v->races_present = true;
	v->race_verdict = text_of(j, "verdict", "");
	return 0;
}

struct race_result *race_last(struct variant_data *v, const char *scenario)
{
	json_t *at = json_object_get(v->by_scenario, scenario);

	return at ? &v->races[json_integer_value(at)] : NULL;
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

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

/* Free text of a result is printed: cleaned (validate.c); names were checked. */
static void race_clean(struct race_result *r)
{
	char *texts[] = { r->plan, r->counter, r->seed };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i])
			text_clean(texts[i]);
	for (int i = 0; i < r->nr_outcomes; i++) {
		struct race_result_outcome *o = &r->o[i];

		if (o->help)
			text_clean(o->help);
		if (o->structural)
			text_clean(o->structural);
		if (o->sequential)
			text_clean(o->sequential);
	}
	for (int i = 0; i < r->nr_assertions; i++) {
		text_clean(r->a[i].macro);
		text_clean(r->a[i].cond);
		text_clean(r->a[i].func);
		text_clean(r->a[i].file);
	}
	for (int i = 0; i < r->nr_roles; i++)
		text_clean(r->roles[i]);
}

/*
 * races.json, read and checked once (race-result.c: every count in range,
 * every name plain, every stored word the rules' word); the variant takes
 * its results, each indexed by scenario.
 */
int races_parse(json_t *j, struct variant_data *v, char *err, size_t errlen)
{
	struct race_file f;

	if (json_array_size(json_object_get(j, "results")) > FB_MAX_RESULTS)
		return seterr(err, errlen, "more than %d results", FB_MAX_RESULTS);
	if (race_file_from_json(j, &f, err, errlen)) {
		race_file_free(&f);
		return -1;
	}
	v->nr_races = f.nr;
	v->races = f.r;
	v->race_verdict = f.verdict;
	f.r = NULL;
	f.nr = 0;
	race_file_free(&f);
	v->by_scenario = json_object();
	for (int k = 0; k < v->nr_races; k++) {
		race_clean(&v->races[k]);
		json_object_set_new(v->by_scenario, v->races[k].scenario,
				    json_integer(k));
	}
	v->races_present = true;
	return 0;
}

struct race_result *race_last(struct variant_data *v, const char *scenario)
{
	json_t *at = json_object_get(v->by_scenario, scenario);

	return at ? &v->races[json_integer_value(at)] : NULL;
}

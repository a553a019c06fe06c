// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a result bundle (reports/FORMAT.md) into memory, and the few
 * writes run-bench asks for while a run is under way: every write replaces
 * bundle.json atomically, so that an interrupted run always leaves a
 * readable bundle that says what is missing.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include "report.h"

static const char *const part_kinds[] = { "describe", "race", "throughput",
					   "code" };
#define NR_PART_KINDS 4

bool bundle_part_kind_known(const char *kind)
{
	for (int i = 0; i < NR_PART_KINDS; i++)
		if (!strcmp(kind, part_kinds[i]))
			return true;
	return false;
}

int seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

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

static void tp_free(struct tp_run *r)
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

static struct tp_run *tp_parse(json_t *j, char *err, size_t errlen)
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

static const char *json_text(json_t *v, char *buf, size_t len);

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

static int races_parse(json_t *j, struct variant_data *v, char *err,
		       size_t errlen)
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
static enum verdict race_verdict(const struct race_result *r)
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

/* -------------------------------------------------------------------- bundle */

/* A JSON value as its text, for messages: "1" stays "1", not 0. */
static const char *json_text(json_t *v, char *buf, size_t len)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	snprintf(buf, len, "%s", s ? s : "(none)");
	free(s);
	return buf;
}

static json_t *load_json(const char *dir, const char *file, char *err,
			 size_t errlen)
{
	char path[4096];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	j = json_load_file(path, 0, &je);
	if (!j)
		seterr(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
	return j;
}

/* Load one part; -1 with the reason in @err. */
static int load_part(struct bundle *b, struct variant_data *v,
		     const char *kind, const char *file, char *err,
		     size_t errlen)
{
	char why[512];
	json_t *j = load_json(b->dir, file, err, errlen);
	int ret = 0;

	if (!j)
		return -1;
	why[0] = 0;
	if ((!strcmp(kind, "describe") && v->describe) ||
	    (!strcmp(kind, "race") && v->races) ||
	    (!strcmp(kind, "throughput") && v->tp)) {
		json_decref(j);
		return seterr(err, errlen, "%s: the %s part of %s is listed twice",
			      b->dir, kind, v->name);
	}
	if (!strcmp(kind, "describe")) {
		v->describe = j;
		return 0;
	}
	if (!strcmp(kind, "code")) {
		/* scripts/code-identity: family -> hash of its machine code. */
		if (strcmp(jstr(j, "format", ""), "flagbench-code") ||
		    !json_is_object(json_object_get(j, "benchmarks"))) {
			json_decref(j);
			return seterr(err, errlen, "%s/%s: not a flagbench-code file",
				      b->dir, file);
		}
		v->code = json_incref(json_object_get(j, "benchmarks"));
		/* Absent from code.json before races had identities. */
		if (json_is_object(json_object_get(j, "races")))
			v->code_races = json_incref(json_object_get(j, "races"));
		/* Where the code sits: code.json version 2 on. */
		if (json_is_object(json_object_get(j, "layout")))
			v->code_layout = json_incref(json_object_get(j, "layout"));
		if (json_is_object(json_object_get(j, "race_layout")))
			v->code_race_layout =
				json_incref(json_object_get(j, "race_layout"));
		json_decref(j);
		return 0;
	}
	if (!strcmp(kind, "race")) {
		ret = races_parse(j, v, why, sizeof(why));
		json_decref(j);
	} else if (!strcmp(kind, "throughput")) {
		v->tp = tp_parse(j, why, sizeof(why));
		ret = v->tp ? 0 : -1;
		json_decref(j);
	} else {
		json_decref(j);
	}
	if (!ret)
		ret = part_validate(v, kind, why, sizeof(why));
	if (ret)
		seterr(err, errlen, "%s/%s: %s", b->dir, file, why);
	return ret;
}

struct variant_data *bundle_variant(struct bundle *b, const char *name)
{
	int i;

	for (i = 0; i < b->nr_variants; i++)
		if (!strcmp(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

static struct bundle *bundle_open(const char *dir, char *err, size_t errlen)
{
	struct bundle *b = xcalloc(1, sizeof(*b));
	json_t *m, *vs, *v;
	char *tmp;
	size_t i;

	b->dir = xstrdup(dir);
	while (strlen(b->dir) > 1 && b->dir[strlen(b->dir) - 1] == '/')
		b->dir[strlen(b->dir) - 1] = 0;
	tmp = xstrdup(b->dir);
	b->id = xstrdup(basename(tmp));
	free(tmp);
	b->j = load_json(dir, "bundle.json", err, errlen);
	if (!b->j)
		goto bad;
	if (strcmp(jstr(b->j, "format", ""), BUNDLE_FORMAT)) {
		seterr(err, errlen, "%s/bundle.json: not a flagbench bundle", dir);
		goto bad;
	}
	if (!json_is_integer(json_object_get(b->j, "version")) ||
	    json_integer_value(json_object_get(b->j, "version")) != BUNDLE_VERSION) {
		char ver[64];

		seterr(err, errlen, "%s: bundle format version %s, this tool reads %d",
		       dir, json_text(json_object_get(b->j, "version"), ver,
				      sizeof(ver)), BUNDLE_VERSION);
		goto bad;
	}
	m = json_object_get(b->j, "machine");
	vs = json_object_get(b->j, "variants");
	if (!json_is_object(m) || !jstr(m, "arch", NULL) || !json_is_array(vs) ||
	    !json_is_array(json_object_get(b->j, "parts"))) {
		seterr(err, errlen, "%s/bundle.json: machine.arch, variants or parts missing",
		       dir);
		goto bad;
	}
	b->arch = jstr(m, "arch", "?");
	b->cpu_model = jstr(m, "cpu_model", "unknown CPU");
	b->emulated = json_is_true(json_object_get(m, "emulated"));
	b->started = jstr(b->j, "started", "");
	b->profile = jstr(b->j, "profile", "");
	b->complete = json_is_true(json_object_get(b->j, "complete"));
	b->verdict = verdict_parse(jstr(b->j, "verdict", ""));
	b->nr_variants = json_array_size(vs);
	b->v = xcalloc(b->nr_variants, sizeof(*b->v));
	json_array_foreach(vs, i, v) {
		if (!json_is_string(v)) {
			seterr(err, errlen, "%s/bundle.json: variants[%zu] is not a name",
			       dir, i);
			goto bad;
		}
		b->v[i].name = xstrdup(json_string_value(v));
	}
	return b;
bad:
	bundle_free(b);
	return NULL;
}

/*
 * The result of another variant than @i's with the same scenario and pair
 * class as @r and the most bad trials (its variant's name in *@name), or
 * NULL when no other variant hit.
 */
static const struct race_result *
most_bad_elsewhere(const struct bundle *b, int i, const struct race_result *r,
		   const char **name)
{
	const struct race_result *ref = NULL;

	for (int j = 0; j < b->nr_variants; j++) {
		if (j == i)
			continue;
		for (int l = 0; l < b->v[j].nr_races; l++) {
			const struct race_result *o = &b->v[j].races[l];

			if (!strcmp(o->scenario, r->scenario) &&
			    !strcmp(o->pair_class, r->pair_class) &&
			    o->bad_count > 0 &&
			    (!ref || o->bad_count > ref->bad_count)) {
				ref = o;
				*name = b->v[j].name;
			}
		}
	}
	return ref;
}

/*
 * For each race result, the trials it spent where another variant of the
 * bundle hit the same scenario on the same pair class (the one with the
 * most bad trials): what a fix's zero is worth.  Once, here; the summary
 * and the page render it.
 */
static void races_at_windows(struct bundle *b)
{
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++) {
			struct race_result *r = &b->v[i].races[k];
			const char *name = NULL;
			const struct race_result *ref =
				most_bad_elsewhere(b, i, r, &name);

			if (ref && res_at_window(ref->bins, ref->nr_bins, r->bins,
						 r->nr_bins, RES_ALPHA, &r->at))
				r->at_variant = name;
		}
}

struct bundle *bundle_load(const char *dir, char *err, size_t errlen)
{
	struct bundle *b = bundle_open(dir, err, errlen);
	json_t *p;
	size_t i;

	if (!b)
		return NULL;
	json_array_foreach(json_object_get(b->j, "parts"), i, p) {
		struct variant_data *v = bundle_variant(b, jstr(p, "variant", ""));

		if (!v || strcmp(jstr(p, "status", ""), "ok"))
			continue;
		if (!bundle_path_inside(jstr(p, "file", ""))) {
			seterr(err, errlen, "%s: parts[%zu]: file must be a relative path inside the bundle",
			       dir, i);
			bundle_free(b);
			return NULL;
		}
		if (!jstr(p, "file", NULL) ||
		    load_part(b, v, jstr(p, "kind", ""), jstr(p, "file", ""),
			      err, errlen)) {
			if (!jstr(p, "file", NULL))
				seterr(err, errlen, "%s: part %zu has no file", dir, i);
			bundle_free(b);
			return NULL;
		}
	}
	if (bundle_validate(b, err, errlen)) {
		bundle_free(b);
		return NULL;
	}
	races_at_windows(b);
	return b;
}

static void race_result_free(struct race_result *r)
{
	free(r->scenario);
	free(r->pair_class);
	free(r->expectation);
	free(r->verdict);
	free(r->message);
	free(r->lkmm_verdict);
	free(r->lkmm_twin);
	for (int k = 0; r->o && k < r->nr_outcomes; k++)
		free(r->o[k].name);
	free(r->o);
	free(r->bins);
	json_decref(r->assertions);
	json_decref(r->window);
}

/* Everything, also of a half-loaded bundle: LeakSanitizer checks it. */
void bundle_free(struct bundle *b)
{
	if (!b)
		return;
	for (int i = 0; b->v && i < b->nr_variants; i++) {
		struct variant_data *v = &b->v[i];

		json_decref(v->describe);
		json_decref(v->code);
		json_decref(v->code_races);
		json_decref(v->code_layout);
		json_decref(v->code_race_layout);
		tp_free(v->tp);
		for (int k = 0; v->races && k < v->nr_races; k++)
			race_result_free(&v->races[k]);
		free(v->races);
		free(v->race_verdict);
		free(v->name);
	}
	free(b->v);
	json_decref(b->j);
	free(b->dir);
	free(b->id);
	free(b);
}

const char *bundle_arch_label(const struct bundle *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", b->arch, b->emulated ? " (emulated)" : "");
	return buf;
}

enum verdict bundle_compute_verdict(struct bundle *b)
{
	enum verdict worst = V_PASS;
	int i, k;

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			enum verdict v = race_verdict(&b->v[i].races[k]);

			if (v > worst)
				worst = v;
		}
	if (!b->complete && worst != V_FAIL)
		worst = V_INCOMPLETE;
	return worst;
}

enum verdict result_verdict(const struct race_result *r)
{
	return race_verdict(r);
}

/* ------------------------------------------------------- bundle subcommands */

static void iso_now(char *buf, size_t len)
{
	time_t t = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
}

static json_t *split_list(const char *s)
{
	json_t *a = json_array();
	char *copy = xstrdup(s), *tok, *save = NULL;

	for (tok = strtok_r(copy, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save))
		json_array_append_new(a, json_string(tok));
	free(copy);
	return a;
}

/* lscpu -J: [{"field": "Model name:", "data": "..."}] (children nested). */
static const char *lscpu_field(json_t *list, const char *field)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *f = jstr(e, "field", "");
		const char *r;

		if (!strcmp(f, field))
			return jstr(e, "data", NULL);
		r = lscpu_field(json_object_get(e, "children"), field);
		if (r)
			return r;
	}
	return NULL;
}

static int lscpu_int(json_t *list, const char *field, int dflt)
{
	const char *s = lscpu_field(list, field);

	return s && isdigit((unsigned char)*s) ? atoi(s) : dflt;
}

static void machine_from_lscpu(json_t *m, const char *path)
{
	json_t *j = path ? json_load_file(path, 0, NULL) : NULL;
	json_t *l = json_object_get(j, "lscpu");
	int sockets, cores_per, threads_per;

	if (!l) {
		json_object_set_new(m, "cpu_model", json_string("unknown"));
		json_decref(j);
		return;
	}
	sockets = lscpu_int(l, "Socket(s):", 1);
	cores_per = lscpu_int(l, "Core(s) per socket:", 1);
	threads_per = lscpu_int(l, "Thread(s) per core:", 1);
	json_object_set_new(m, "cpu_model", json_string(
		lscpu_field(l, "Model name:") ?: "unknown"));
	json_object_set_new(m, "cpus", json_integer(lscpu_int(l, "CPU(s):", 0)));
	json_object_set_new(m, "cores", json_integer(sockets * cores_per));
	json_object_set_new(m, "packages", json_integer(sockets));
	json_object_set_new(m, "numa_nodes",
			    json_integer(lscpu_int(l, "NUMA node(s):", 1)));
	json_object_set_new(m, "smt", json_boolean(threads_per > 1));
	json_object_set_new(m, "threads_per_core", json_integer(threads_per));
	json_decref(j);
}

static char *cache_value(const char *cache, const char *key)
{
	char *text = read_file(cache, NULL), *p, *e, *r = NULL;
	size_t kl = strlen(key);

	for (p = text; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = 0;
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			char *eq = strchr(p, '=');

			r = eq ? xstrdup(eq + 1) : NULL;
			break;
		}
		if (!e)
			break;
	}
	free(text);
	return r;
}

/* "GNU 12.2.0" from CMakeFiles/<version>/CMakeCCompiler.cmake next to the cache. */
static char *compiler_from_cmake(const char *cache)
{
	char pattern[4096], *dir = xstrdup(cache), *text, *id, *ver, out[256];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/CMakeFiles/*/CMakeCCompiler.cmake",
		 dirname(dir));
	free(dir);
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc)
		return NULL;
	text = read_file(g.gl_pathv[g.gl_pathc - 1], NULL);
	globfree(&g);
	id = text ? strstr(text, "set(CMAKE_C_COMPILER_ID \"") : NULL;
	ver = text ? strstr(text, "set(CMAKE_C_COMPILER_VERSION \"") : NULL;
	if (!id || !ver) {
		free(text);
		return NULL;
	}
	id += strlen("set(CMAKE_C_COMPILER_ID \"");
	ver += strlen("set(CMAKE_C_COMPILER_VERSION \"");
	snprintf(out, sizeof(out), "%.*s %.*s", (int)strcspn(id, "\""), id,
		 (int)strcspn(ver, "\""), ver);
	free(text);
	return xstrdup(out);
}

static void machine_from_cmake(json_t *m, const char *cache)
{
	char *cc = cache ? cache_value(cache, "CMAKE_C_COMPILER") : NULL;
	char *type = cache ? cache_value(cache, "CMAKE_BUILD_TYPE") : NULL;
	char *flags = cache ? cache_value(cache, "CMAKE_C_FLAGS") : NULL;
	char *cfg = NULL, *ver = cache ? compiler_from_cmake(cache) : NULL;
	char key[128], all[1024];

	if (type && *type) {
		snprintf(key, sizeof(key), "CMAKE_C_FLAGS_%s", type);
		for (char *p = key; *p; p++)
			*p = toupper((unsigned char)*p);
		cfg = cache_value(cache, key);
	}
	snprintf(all, sizeof(all), "%s%s%s", flags ? flags : "",
		 flags && *flags && cfg ? " " : "", cfg ? cfg : "");
	json_object_set_new(m, "compiler", json_string(
		ver ? ver : cc ? cc : "unknown"));
	json_object_set_new(m, "compiler_path", json_string(cc ? cc : ""));
	json_object_set_new(m, "build_type", json_string(type ? type : ""));
	json_object_set_new(m, "cflags", json_string(all));
	free(cc), free(type), free(flags), free(cfg), free(ver);
}

static int bundle_usage(void)
{
	fputs("usage: flagbench-report bundle init DIR --profile P --variants LIST\n"
	      "           --scenarios LIST [--kinds LIST] [--arch A] [--emulated 0|1]\n"
	      "           [--lscpu FILE] [--cmake-cache FILE] [--commit SHA]\n"
	      "           [--dirty 0|1] [--host NAME] [--baseline VARIANT]\n"
	      "       flagbench-report bundle part DIR VARIANT KIND ok|failed|missing\n"
	      "           [--file F] [--error MSG]\n"
	      "       flagbench-report bundle finish DIR [--interrupted REASON]\n"
	      "       flagbench-report bundle check DIR\n"
	      "       flagbench-report bundle rounds OUT ROUND1.json ROUND2.json ...\n"
	      "           (one Google Benchmark JSON of every sample, each tagged\n"
	      "           \"flagbench_round\": its round, the context of round 1)\n",
	      stderr);
	return EXIT_ERROR;
}

static const char *opt(int argc, char **argv, const char *name,
		       const char *dflt)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return dflt;
}

static int bundle_write(const char *dir, json_t *j)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/bundle.json", dir);
	return write_json_atomic(j, path) ? EXIT_ERROR : EXIT_PASS;
}

static int bundle_init(int argc, char **argv)
{
	const char *dir = argv[0];
	json_t *m = json_object(), *j;
	struct utsname u;
	char now[64];
	int ret;

	if (!opt(argc, argv, "--profile", NULL) ||
	    !opt(argc, argv, "--variants", NULL) ||
	    !opt(argc, argv, "--scenarios", NULL))
		return bundle_usage();
	uname(&u);
	iso_now(now, sizeof(now));
	json_object_set_new(m, "arch", json_string(opt(argc, argv, "--arch", u.machine)));
	json_object_set_new(m, "emulated", json_boolean(
		!strcmp(opt(argc, argv, "--emulated", "0"), "1")));
	json_object_set_new(m, "host", json_string(opt(argc, argv, "--host", u.nodename)));
	json_object_set_new(m, "host_arch", json_string(u.machine));
	machine_from_lscpu(m, opt(argc, argv, "--lscpu", NULL));
	json_object_set_new(m, "kernel", json_string(u.release));
	machine_from_cmake(m, opt(argc, argv, "--cmake-cache", NULL));
	json_object_set_new(m, "perf", json_pack("{s:b, s:s}", "supported", 0,
						 "reason", "no throughput part yet"));
	j = json_pack("{s:s, s:i, s:b, s:s, s:n, s:s, s:o, s:{s:s, s:b}, s:o, s:o, s:o, s:[], s:s}",
		      "format", BUNDLE_FORMAT, "version", BUNDLE_VERSION,
		      "complete", 0, "started", now, "finished",
		      "profile", opt(argc, argv, "--profile", ""), "machine", m,
		      "suite", "commit", opt(argc, argv, "--commit", "unknown"),
		      "dirty", !strcmp(opt(argc, argv, "--dirty", "0"), "1"),
		      "variants", split_list(opt(argc, argv, "--variants", "")),
		      "scenarios", split_list(opt(argc, argv, "--scenarios", "")),
		      "kinds", split_list(opt(argc, argv, "--kinds",
					      "describe,race,throughput")),
		      "parts", "verdict", "INCOMPLETE");
	if (j && opt(argc, argv, "--baseline", NULL))
		json_object_set_new(j, "baseline",
				    json_string(opt(argc, argv, "--baseline", "")));
	if (!j) {
		fb_err("bundle init: cannot build bundle.json");
		return EXIT_ERROR;
	}
	if (mkdir_p(dir)) {
		fb_err("cannot create %s: %s", dir, strerror(errno));
		json_decref(j);
		return EXIT_ERROR;
	}
	ret = bundle_write(dir, j);
	json_decref(j);
	return ret;
}

json_t *bundle_find_part(json_t *parts, const char *variant, const char *kind)
{
	json_t *p;
	size_t i;

	json_array_foreach(parts, i, p)
		if (!strcmp(jstr(p, "variant", ""), variant) &&
		    !strcmp(jstr(p, "kind", ""), kind))
			return p;
	return NULL;
}

static void set_part(json_t *parts, const char *variant, const char *kind,
		     const char *status, const char *file, const char *error)
{
	json_t *p = bundle_find_part(parts, variant, kind);

	if (!p) {
		p = json_object();
		json_array_append_new(parts, p);
	}
	json_object_set_new(p, "variant", json_string(variant));
	json_object_set_new(p, "kind", json_string(kind));
	json_object_set_new(p, "file", file ? json_string(file) : json_null());
	json_object_set_new(p, "status", json_string(status));
	json_object_set_new(p, "error", error ? json_string(error) : json_null());
}

static int bundle_part(int argc, char **argv)
{
	const char *dir = argv[0], *status;
	char err[1024];
	json_t *j;
	int ret;

	if (argc < 4)
		return bundle_usage();
	status = argv[3];
	if (!bundle_part_kind_known(argv[2]) ||
	    (strcmp(status, "ok") && strcmp(status, "failed") &&
	     strcmp(status, "missing"))) {
		fb_err("bundle part: kind must be describe|race|throughput|code, status ok|failed|missing");
		return EXIT_ERROR;
	}
	j = load_json(dir, "bundle.json", err, sizeof(err));
	if (!j) {
		fb_err("%s", err);
		return EXIT_ERROR;
	}
	set_part(json_object_get(j, "parts"), argv[1], argv[2], status,
		 opt(argc, argv, "--file", NULL), opt(argc, argv, "--error", NULL));
	ret = bundle_write(dir, j);
	json_decref(j);
	return ret;
}

/*
 * Check every part that claims "ok" by parsing it, so that a truncated or
 * malformed file is reported as failed here rather than by every reader.
 */
static void validate_parts(const char *dir, json_t *j)
{
	struct bundle *probe;
	json_t *p;
	size_t i;
	char err[1024];

	probe = bundle_open(dir, err, sizeof(err));
	if (!probe)
		return;
	json_array_foreach(json_object_get(j, "parts"), i, p) {
		struct variant_data *v = bundle_variant(probe, jstr(p, "variant", ""));

		if (!v || strcmp(jstr(p, "status", ""), "ok"))
			continue;
		if (load_part(probe, v, jstr(p, "kind", ""), jstr(p, "file", ""),
			      err, sizeof(err))) {
			json_object_set_new(p, "status", json_string("failed"));
			json_object_set_new(p, "error", json_string(err));
		}
	}
	bundle_free(probe);
}

/* The first throughput context's perf status describes the machine's. */
static void machine_perf(struct bundle *b, json_t *m)
{
	for (int i = 0; i < b->nr_variants; i++) {
		struct tp_run *r = b->v[i].tp;

		if (!r)
			continue;
		json_object_set_new(m, "perf", json_pack("{s:b, s:s}",
			"supported", r->perf_supported, "reason", r->perf_reason));
		return;
	}
}

static int bundle_finish(int argc, char **argv)
{
	const char *dir = argv[0], *why = opt(argc, argv, "--interrupted", NULL);
	json_t *j, *parts, *vs, *kinds, *vn, *kn, *p;
	struct bundle *b;
	bool complete = !why;
	char err[1024], now[64];
	size_t i, k;
	int ret;

	j = load_json(dir, "bundle.json", err, sizeof(err));
	if (!j) {
		fb_err("%s", err);
		return EXIT_ERROR;
	}
	parts = json_object_get(j, "parts");
	vs = json_object_get(j, "variants");
	kinds = json_object_get(j, "kinds");
	/* Whatever was asked for and never reported is missing. */
	json_array_foreach(vs, i, vn)
		json_array_foreach(kinds, k, kn)
			if (!bundle_find_part(parts, json_string_value(vn),
				       json_string_value(kn)))
				set_part(parts, json_string_value(vn),
					 json_string_value(kn), "missing", NULL,
					 why ? why : "not run");
	validate_parts(dir, j);
	json_array_foreach(parts, i, p)
		if (strcmp(jstr(p, "status", ""), "ok"))
			complete = false;
	iso_now(now, sizeof(now));
	json_object_set_new(j, "finished", json_string(now));
	json_object_set_new(j, "complete", json_boolean(complete));
	if (why)
		json_object_set_new(j, "interrupted", json_string(why));
	if (bundle_write(dir, j)) {
		json_decref(j);
		return EXIT_ERROR;
	}
	/* Verdict from the parts as written. */
	b = bundle_load(dir, err, sizeof(err));
	if (!b) {
		fb_err("%s", err);
		json_decref(j);
		return EXIT_ERROR;
	}
	b->complete = complete;
	json_object_set_new(j, "verdict",
			    json_string(verdict_name(bundle_compute_verdict(b))));
	machine_perf(b, json_object_get(j, "machine"));
	ret = bundle_write(dir, j);
	if (!ret)
		printf("%s\n", jstr(j, "verdict", "?"));
	bundle_free(b);
	json_decref(j);
	return ret;
}

static int bundle_check(const char *dir)
{
	char err[1024];
	struct bundle *b = bundle_load(dir, err, sizeof(err));

	if (!b) {
		fb_err("%s", err);
		return EXIT_ERROR;
	}
	printf("%s: %s, %d variants, %s, verdict %s\n", b->id, b->arch,
	       b->nr_variants, b->complete ? "complete" : "incomplete",
	       verdict_name(b->verdict));
	bundle_free(b);
	return EXIT_PASS;
}

/*
 * run-bench runs each variant's throughput once per round, in a fresh
 * process; the rounds are the replication unit, so every sample keeps its
 * round number for the gate to pair.
 */
static int bundle_rounds(int argc, char **argv)
{
	json_t *out = NULL, *all = json_array(), *j, *e;
	char err[1024];
	size_t k;
	int i, ret;

	for (i = 1; i < argc; i++) {
		j = load_json(".", argv[i], err, sizeof(err));
		if (!j && argv[i][0] == '/')
			j = json_load_file(argv[i], 0, NULL);
		if (!j || !json_is_array(json_object_get(j, "benchmarks"))) {
			fb_err("bundle rounds: %s: not Google Benchmark JSON", argv[i]);
			json_decref(j);
			json_decref(all);
			json_decref(out);
			return EXIT_ERROR;
		}
		json_array_foreach(json_object_get(j, "benchmarks"), k, e) {
			json_object_set_new(e, "flagbench_round", json_integer(i));
			json_array_append(all, e);
		}
		if (!out)
			out = json_incref(j);
		json_decref(j);
	}
	json_object_set_new(out, "benchmarks", all);
	json_object_set_new(json_object_get(out, "context"), "flagbench_rounds",
			    json_integer(argc - 1));
	ret = write_json_atomic(out, argv[0]) ? EXIT_ERROR : EXIT_PASS;
	json_decref(out);
	return ret;
}

int cmd_bundle(int argc, char **argv)
{
	if (argc < 3)
		return bundle_usage();
	if (!strcmp(argv[1], "init"))
		return bundle_init(argc - 2, argv + 2);
	if (!strcmp(argv[1], "part"))
		return bundle_part(argc - 2, argv + 2);
	if (!strcmp(argv[1], "finish"))
		return bundle_finish(argc - 2, argv + 2);
	if (!strcmp(argv[1], "check"))
		return bundle_check(argv[2]);
	if (!strcmp(argv[1], "rounds") && argc >= 4)
		return bundle_rounds(argc - 2, argv + 2);
	return bundle_usage();
}

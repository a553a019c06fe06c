// SPDX-License-Identifier: GPL-2.0
/*
 * The typed race result (race-result.h): its JSON, written once and read
 * once, and its lifetime.  Its decision and words are race-verdict.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "race-result.h"
#include "text.h"

/* ---- writing ----------------------------------------------------------- */

static json_t *outcome_json(const struct race_result *r,
			    const struct race_result_outcome *o)
{
	double lo, hi, n = r->trials, scale = n > 0 ? 1e6 / n : 0;
	json_t *j;

	res_binom_ci(o->count, n, RES_ALPHA, &lo, &hi);
	j = json_pack("{s:s, s:b, s:b, s:I, s:f, s:f, s:[f,f], s:b, s:s}",
		      "name", o->name, "bad", o->bad, "racy", o->racy, "count",
		      (json_int_t)o->count, "per_million", o->count * scale,
		      "per_second", r->seconds > 0 ? o->count / r->seconds : 0.0,
		      "ci95_per_million", lo * n * scale, hi * n * scale,
		      "upper_bound", o->count == 0, "help",
		      o->help ? o->help : "");
	if (o->structural)
		json_object_set_new(j, "structural", json_string(o->structural));
	if (o->sequential)
		json_object_set_new(j, "sequential", json_string(o->sequential));
	return j;
}

static json_t *exposure_json(const struct race_result *r)
{
	json_t *x = json_pack("{s:s, s:I, s:I}", "status",
			      res_exposure_name(r->d.exposure), "reached",
			      (json_int_t)r->reached, "needed",
			      (json_int_t)r->d.needed);

	json_object_set_new(x, "reference", r->has_ref ?
		json_pack("{s:s, s:I, s:I}", "variant", r->ref.variant,
			  "bad_trials", (json_int_t)r->ref.bad,
			  "reached_trials", (json_int_t)r->ref.reached) :
		json_null());
	json_object_set_new(x, "extended_seconds",
			    json_real(r->extended_seconds));
	json_object_set_new(x, "rule", json_string(
		"a forbidden outcome not seen is earned by reached trials n with (1 - p)^n <= 0.05, p the reference's bad trials per reached trial; fewer: unexposed (WARN); no reference: unsized"));
	return x;
}

static json_t *assertions_json(const struct race_result *r)
{
	json_t *a = json_array();

	for (int i = 0; i < r->nr_assertions; i++) {
		const struct race_result_assertion *s = &r->a[i];

		json_array_append_new(a, json_pack(
			"{s:s, s:s, s:s, s:s, s:i, s:I, s:f}", "macro", s->macro,
			"cond", s->cond, "func", s->func, "file", s->file,
			"line", s->line, "hits", (json_int_t)s->hits,
			"per_million", r->trials > 0 ? s->hits * 1e6 / r->trials : 0.0));
	}
	return a;
}

/* A word as a hex string (64 bits do not fit JSON's integers), a count
 * as an integer, a test as a boolean. */
static json_t *event_value_json(const struct race_event *e)
{
	char hex[24];

	switch (e->kind) {
	case RACE_VALUE_COUNT:
		return json_integer((json_int_t)(long)e->value);
	case RACE_VALUE_TEST:
		return json_boolean(e->value);
	default:
		snprintf(hex, sizeof(hex), "0x%lx", e->value);
		return json_string(hex);
	}
}

static json_t *witnesses_json(const struct race_result *r)
{
	json_t *list = json_array();

	for (int i = 0; i < r->nr_witnesses; i++) {
		const struct race_witness *w = &r->w[i];
		json_t *ev = json_array();

		for (int k = 0; k < w->nr; k++) {
			const struct race_event *e = &w->ev[k];
			json_t *j = json_pack("{s:i, s:s, s:f}", "role", e->role,
					      "event", e->name, "ns", e->ns);

			if (e->kind != RACE_VALUE_NONE)
				json_object_set_new(j, "value", event_value_json(e));
			json_array_append_new(ev, j);
		}
		json_array_append_new(list, json_pack("{s:s, s:b, s:f, s:o}",
			"outcome", w->outcome, "closest", w->closest,
			"offset_ns", w->offset_ns, "events", ev));
	}
	return json_pack("{s:f, s:f, s:I, s:f, s:o}", "skew_ns", r->skew_ns,
			 "resolution_ns", r->resolution_ns, "trials",
			 (json_int_t)r->witness_trials, "seconds",
			 r->witness_seconds, "list", list);
}

json_t *race_result_to_json(const struct race_result *r)
{
	json_t *j, *cpus = json_array(), *roles = json_array(), *outs = json_array();
	char msg[1024];

	for (int i = 0; i < r->nr_roles; i++) {
		json_array_append_new(cpus, json_integer(r->cpus[i]));
		json_array_append_new(roles, json_string(r->roles[i]));
	}
	for (int i = 0; i < r->nr_outcomes; i++)
		json_array_append_new(outs, outcome_json(r, &r->o[i]));
	race_result_message(r, msg, sizeof(msg));
	j = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:I, s:f, s:s}",
		      "scenario", r->scenario, "variant", r->variant, "arch",
		      r->arch, "seed", r->seed, "pair_class", r->pair_class,
		      "cpus", cpus, "roles", roles, "trials",
		      (json_int_t)r->trials, "seconds", r->seconds, "order",
		      r->order);
	json_object_set_new(j, "reached_trials", json_integer((json_int_t)r->reached));
	json_object_set_new(j, "bad_trials", json_integer((json_int_t)r->bad));
	json_object_set_new(j, "observation", json_string(r->d.observation));
	if (r->xcpu_ns > 0)
		json_object_set_new(j, "xcpu_latency", json_pack(
			"{s:f, s:s}", "ns", r->xcpu_ns, "method",
			"one-way cache-line transfer between the first two roles' CPUs, median of 7 ping-pongs of 2000 round trips, just before the run"));
	json_object_set_new(j, "jitter", json_pack(
		"{s:i, s:b, s:s, s:s}", "max_spins", r->jitter_spins,
		"calibrated", false, "spin",
		"one empty compiler-barrier loop iteration (about a cycle)",
		"sides",
		"with --jitter MAX (plan jitter), each trial, every role but the first is offset by a random -max..+max spins from it; the earlier side waits"));
	json_object_set_new(j, "alignment", json_pack(
		"{s:s, s:f, s:f, s:f}", "counter", r->counter ? r->counter : "",
		"ticks_per_ns", r->ticks_per_ns, "period_ns", r->period_ns,
		"late_fraction", r->late_fraction));
	if (r->window)
		json_object_set(j, "window", r->window);
	if (r->deadline) {
		json_object_set(j, "deadline", r->deadline);
		json_object_set(j, "deadline_ns", json_object_get(r->deadline, "ns"));
	}
	if (r->has_pair)
		json_object_set_new(j, "pair", json_pack("{s:[i,i], s:s}",
			"cpus", r->pair_cpus[0], r->pair_cpus[1], "class",
			r->pair_of));
	json_object_set_new(j, "outcomes", outs);
	json_object_set_new(j, "assertions", assertions_json(r));
	json_object_set_new(j, "expectation", json_string(expectation_name(r->expect)));
	json_object_set_new(j, "exposure", exposure_json(r));
	json_object_set_new(j, "verdict", json_string(res_verdict_name(r->d.verdict)));
	json_object_set_new(j, "message", json_string(msg));
	if (r->nr_witnesses || r->witness_trials > 0)
		json_object_set_new(j, "witnesses", witnesses_json(r));
	if (r->lkmm_verdict)
		json_object_set_new(j, "lkmm", json_pack("{s:s, s:s}", "verdict",
			r->lkmm_verdict, "twin", r->lkmm_twin ? r->lkmm_twin : ""));
	return j;
}

/* ---- reading ----------------------------------------------------------- */

/* A detail no rule reads: its number, or @dflt. */
static double jnum_or(json_t *o, const char *key, double dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : dflt;
}

struct rd {
	const char *what;	/* the scenario, once known */
	char where[48];		/* "outcomes[2]", "window.bins[0]", or "" */
	char *err;
	size_t len;
	int failed;
};

static int fail(struct rd *rd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct rd *rd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (rd->failed++)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(rd->err, rd->len, "%s%s%s%s%s", rd->what ? rd->what : "",
		 rd->what ? ": " : "", rd->where, rd->where[0] ? ": " : "", msg);
	return -1;
}

/* A string member, copied; NULL (and an error if @need) when absent. */
static char *rd_str(struct rd *rd, json_t *o, const char *key, bool need)
{
	json_t *v = json_object_get(o, key);

	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (need || (v && !json_is_null(v)))
		fail(rd, "\"%s\" missing or not a string", key);
	return NULL;
}

static char *rd_name(struct rd *rd, json_t *o, const char *key)
{
	char *s = rd_str(rd, o, key, true);

	if (s && !printable(s, RACE_RESULT_MAX_NAME))
		fail(rd, "\"%s\" '%.40s' is longer than %d bytes or has control characters or bidi overrides",
		     key, s, RACE_RESULT_MAX_NAME);
	return s;
}

/* A whole number in [0, max] (a count); NAN after an error. */
static double rd_count(struct rd *rd, json_t *o, const char *key, double max)
{
	json_t *v = json_object_get(o, key);
	double x = json_is_integer(v) ? (double)json_integer_value(v) :
		   json_is_real(v) ? json_real_value(v) : NAN;

	if (!(x >= 0 && x <= max && x == floor(x))) {
		fail(rd, "\"%s\" missing, negative, fractional or above %.0f", key,
		     max);
		return NAN;
	}
	return x;
}

static double rd_num(struct rd *rd, json_t *o, const char *key, double lo,
		     double hi)
{
	json_t *v = json_object_get(o, key);
	double x = json_is_number(v) ? json_number_value(v) : NAN;

	if (!(x >= lo && x <= hi)) {
		fail(rd, "\"%s\" missing or outside [%g, %g]", key, lo, hi);
		return NAN;
	}
	return x;
}

/* Most trials a run can have: 2^53, where doubles stop counting. */
#define RD_MAX_COUNT 9007199254740992.0

static int rd_outcomes(struct rd *rd, json_t *a, struct race_result *r)
{
	json_t *o;
	size_t i;

	if (!json_is_array(a) || !json_array_size(a) || json_array_size(a) > 64)
		return fail(rd, "\"outcomes\" missing, empty or longer than 64");
	r->nr_outcomes = json_array_size(a);
	r->o = calloc(r->nr_outcomes, sizeof(*r->o));
	json_array_foreach(a, i, o) {
		struct race_result_outcome *x = &r->o[i];

		snprintf(rd->where, sizeof(rd->where), "outcomes[%zu]", i);
		x->name = rd_name(rd, o, "name");
		x->help = rd_str(rd, o, "help", false);
		x->bad = json_is_true(json_object_get(o, "bad"));
		x->racy = json_is_true(json_object_get(o, "racy"));
		x->structural = rd_str(rd, o, "structural", false);
		x->sequential = rd_str(rd, o, "sequential", false);
		x->count = rd_count(rd, o, "count", r->trials);
		for (size_t k = 0; !rd->failed && k < i; k++)
			if (!strcmp(r->o[k].name, x->name))
				return fail(rd, "outcome \"%s\" listed twice", x->name);
	}
	rd->where[0] = '\0';
	return rd->failed ? -1 : 0;
}

static int rd_assertions(struct rd *rd, json_t *a, struct race_result *r)
{
	json_t *o;
	size_t i;

	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > 4096)
		return fail(rd, "\"assertions\" not an array of at most 4096");
	r->nr_assertions = json_array_size(a);
	r->a = calloc(r->nr_assertions ? r->nr_assertions : 1, sizeof(*r->a));
	json_array_foreach(a, i, o) {
		struct race_result_assertion *s = &r->a[i];

		s->macro = rd_str(rd, o, "macro", true);
		s->cond = rd_str(rd, o, "cond", true);
		s->func = rd_str(rd, o, "func", true);
		s->file = rd_str(rd, o, "file", true);
		s->line = (int)rd_num(rd, o, "line", 0, 1e9);
		s->hits = rd_count(rd, o, "hits", RD_MAX_COUNT);
	}
	return rd->failed ? -1 : 0;
}

/*
 * window.bins: [{lo, hi, trials, bad, racy, aimed}], edges from one
 * table, ascending and apart: the rules that pair two results' bins by
 * edges need that, and would silently not apply without it.  A bin holds
 * no more than the run.
 */
static int rd_bins(struct rd *rd, json_t *bins, struct race_result *r)
{
	double sum = 0;
	json_t *e;
	size_t i;
	int d;

	if (!bins)
		return 0;
	if (!json_is_array(bins) || json_array_size(bins) > 4096)
		return fail(rd, "window.bins not an array of at most 4096");
	r->nr_bins = json_array_size(bins);
	r->bins = calloc(r->nr_bins ? r->nr_bins : 1, sizeof(*r->bins));
	r->bin_seen = calloc(r->nr_bins ? r->nr_bins : 1, sizeof(*r->bin_seen));
	json_array_foreach(bins, i, e) {
		struct res_bin *b = &r->bins[i];

		snprintf(rd->where, sizeof(rd->where), "window.bins[%zu]", i);
		b->lo = rd_num(rd, e, "lo", -1e15, 1e15);
		b->hi = rd_num(rd, e, "hi", -1e15, 1e15);
		b->trials = rd_count(rd, e, "trials", r->trials);
		b->bad = rd_count(rd, e, "bad", b->trials);
		r->bin_seen[i][0] = json_object_get(e, "racy") ?
				    rd_count(rd, e, "racy", b->trials) : 0;
		r->bin_seen[i][1] = json_object_get(e, "aimed") ?
				    rd_count(rd, e, "aimed", RD_MAX_COUNT) : 0;
		if (rd->failed)
			return -1;
		sum += b->trials;
	}
	rd->where[0] = '\0';
	if (sum > r->trials)
		return fail(rd, "window bins hold %.0f trials, the result %.0f",
			    sum, r->trials);
	d = res_bins_disorder(r->bins, r->nr_bins);
	if (d >= 0)
		return fail(rd, "window.bins[%d] [%g, %g) not after the bin before it, or empty",
			    d, r->bins[d].lo, r->bins[d].hi);
	return 0;
}

static int rd_roles(struct rd *rd, json_t *j, struct race_result *r)
{
	json_t *cpus = json_object_get(j, "cpus"), *roles = json_object_get(j, "roles");
	size_t n = json_array_size(roles);

	if (!json_is_array(roles) || !n || n > RACE_RESULT_MAX_ROLES ||
	    !json_is_array(cpus) || json_array_size(cpus) != n)
		return fail(rd, "\"roles\" and \"cpus\": 1 to %d of each, as many CPUs as roles",
			    RACE_RESULT_MAX_ROLES);
	r->nr_roles = (int)n;
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cpus, i), *s = json_array_get(roles, i);

		if (!json_is_integer(c) || json_integer_value(c) < 0 ||
		    json_integer_value(c) > 1 << 20 || !json_is_string(s))
			return fail(rd, "roles[%zu] or cpus[%zu] malformed", i, i);
		r->cpus[i] = (int)json_integer_value(c);
		r->roles[i] = strdup(json_string_value(s));
	}
	return 0;
}

static int rd_pair(struct rd *rd, json_t *pair, struct race_result *r)
{
	json_t *cpus = json_object_get(pair, "cpus");

	if (!pair)
		return 0;
	for (int i = 0; i < 2; i++) {
		json_t *c = json_array_get(cpus, i);

		if (!json_is_integer(c) || json_integer_value(c) < 0 ||
		    json_integer_value(c) > 1 << 20)
			return fail(rd, "pair.cpus malformed");
		r->pair_cpus[i] = (int)json_integer_value(c);
	}
	if (json_array_size(cpus) != 2)
		return fail(rd, "pair.cpus: not two CPUs");
	r->pair_of = rd_name(rd, pair, "class");
	r->has_pair = !rd->failed;
	return rd->failed ? -1 : 0;
}

/* @v as event_value_json() wrote it (absent: a step); -1 if it is not. */
static int rd_event_value(json_t *v, struct race_event *x)
{
	const char *s = json_string_value(v);
	char *end;

	x->kind = RACE_VALUE_NONE;
	x->value = 0;
	if (!v)
		return 0;
	if (json_is_boolean(v)) {
		x->kind = RACE_VALUE_TEST;
		x->value = json_is_true(v);
		return 0;
	}
	if (json_is_integer(v)) {
		x->kind = RACE_VALUE_COUNT;
		x->value = (unsigned long)(long)json_integer_value(v);
		return 0;
	}
	if (!s || strncmp(s, "0x", 2) || !isxdigit((unsigned char)s[2]) ||
	    strlen(s) > 18)
		return -1;
	errno = 0;
	x->kind = RACE_VALUE_WORD;
	x->value = strtoul(s + 2, &end, 16);
	return *end || errno ? -1 : 0;
}

static int rd_events(struct rd *rd, json_t *a, struct race_witness *w,
		     int nr_roles)
{
	json_t *e;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > 256)
		return fail(rd, "witness events: not an array of at most 256");
	w->nr = (int)json_array_size(a);
	w->ev = calloc(w->nr ? w->nr : 1, sizeof(*w->ev));
	json_array_foreach(a, i, e) {
		struct race_event *x = &w->ev[i];
		json_t *v = json_object_get(e, "value");

		x->role = (int)rd_num(rd, e, "role", 0, nr_roles - 1);
		x->name = rd_name(rd, e, "event");
		x->ns = rd_num(rd, e, "ns", -1e12, 1e12);
		if (rd_event_value(v, x))
			return fail(rd, "witness event value not a \"0x...\" word, an integer or a boolean");
		if (i && !(x->ns >= w->ev[i - 1].ns))
			return fail(rd, "witness events out of time order");
	}
	return rd->failed ? -1 : 0;
}

static int rd_witnesses(struct rd *rd, json_t *x, struct race_result *r)
{
	json_t *list = json_object_get(x, "list"), *e;
	size_t i;

	if (!x)
		return 0;
	if (!json_is_array(list) || json_array_size(list) > 64)
		return fail(rd, "witnesses.list: not an array of at most 64");
	r->skew_ns = rd_num(rd, x, "skew_ns", 0, 1e9);
	/* The pass's trials and seconds came with version 2's later runs. */
	r->witness_trials = json_object_get(x, "trials") ?
			    rd_count(rd, x, "trials", 1e15) : 0;
	r->witness_seconds = json_object_get(x, "seconds") ?
			     rd_num(rd, x, "seconds", 0, 1e9) : 0;
	r->resolution_ns = rd_num(rd, x, "resolution_ns", 0, 1e9);
	r->nr_witnesses = (int)json_array_size(list);
	r->w = calloc(r->nr_witnesses ? r->nr_witnesses : 1, sizeof(*r->w));
	json_array_foreach(list, i, e) {
		struct race_witness *w = &r->w[i];

		w->outcome = rd_name(rd, e, "outcome");
		w->closest = json_is_true(json_object_get(e, "closest"));
		w->offset_ns = rd_num(rd, e, "offset_ns", -1e12, 1e12);
		if (rd->failed || rd_events(rd, json_object_get(e, "events"), w,
					    r->nr_roles))
			return -1;
	}
	return 0;
}

static int rd_ref(struct rd *rd, json_t *x, struct race_result *r)
{
	json_t *ref = json_object_get(x, "reference");

	if (!json_is_object(x))
		return fail(rd, "\"exposure\" missing (written by an older engine?)");
	/* Came with the extension; a file without it ran on time. */
	r->extended_seconds = json_object_get(x, "extended_seconds") ?
		rd_num(rd, x, "extended_seconds", 0, r->seconds) : 0;
	if (rd->failed)
		return -1;
	if (!ref || json_is_null(ref))
		return 0;
	r->has_ref = true;
	r->ref.variant = rd_str(rd, ref, "variant", true);
	r->ref.reached = rd_count(rd, ref, "reached_trials", RD_MAX_COUNT);
	r->ref.bad = rd_count(rd, ref, "bad_trials", r->ref.reached);
	return rd->failed ? -1 : 0;
}

/* The stored words must be the rules' words for the stored counts. */
static int rd_agree(struct rd *rd, json_t *j, struct race_result *r)
{
	json_t *x = json_object_get(j, "exposure");
	const char *obs = json_string_value(json_object_get(j, "observation"));
	const char *ver = json_string_value(json_object_get(j, "verdict"));
	const char *st = json_string_value(json_object_get(x, "status"));

	race_result_decide(r);
	if (!obs || strcmp(obs, r->d.observation))
		return fail(rd, "observation '%s' disagrees with bad_trials %.0f of %.0f ('%s')",
			    obs ? obs : "(none)", r->bad, r->trials,
			    r->d.observation);
	if (!st || res_exposure_parse(st) != (int)r->d.exposure)
		return fail(rd, "exposure '%s' disagrees with its counts ('%s')",
			    st ? st : "(none)", res_exposure_name(r->d.exposure));
	if (rd_count(rd, x, "needed", RD_MAX_COUNT) != r->d.needed ||
	    rd_count(rd, x, "reached", RD_MAX_COUNT) != r->reached)
		return fail(rd, "exposure's reached or needed disagrees with the counts");
	if (!ver || res_verdict_parse(ver) != (int)r->d.verdict)
		return fail(rd, "verdict '%s' disagrees with the counts and expectation ('%s')",
			    ver ? ver : "(none)", res_verdict_name(r->d.verdict));
	return 0;
}

int race_result_from_json(json_t *j, struct race_result *r, char *err,
			  size_t errlen)
{
	struct rd rd = { .err = err, .len = errlen };
	json_t *w = json_object_get(j, "window"), *lk = json_object_get(j, "lkmm");
	char *ex;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return fail(&rd, "a race result is not an object");
	r->scenario = rd_name(&rd, j, "scenario");
	if (rd.failed)
		return -1;
	rd.what = r->scenario;
	r->variant = rd_name(&rd, j, "variant");
	r->arch = rd_name(&rd, j, "arch");
	r->seed = rd_str(&rd, j, "seed", false);
	r->pair_class = rd_name(&rd, j, "pair_class");
	r->order = rd_name(&rd, j, "order");
	r->trials = rd_count(&rd, j, "trials", RD_MAX_COUNT);
	r->seconds = rd_num(&rd, j, "seconds", 0, 1e9);
	r->reached = rd_count(&rd, j, "reached_trials", r->trials);
	r->bad = rd_count(&rd, j, "bad_trials", r->trials);
	if (rd.failed)
		return -1;
	if (!(r->trials > 0))
		return fail(&rd, "no trials");
	/* A bad trial reached the window: the engine counts it in both. */
	if (r->bad > r->reached)
		return fail(&rd, "bad_trials %.0f above reached_trials %.0f",
			    r->bad, r->reached);
	ex = rd_str(&rd, j, "expectation", true);
	if (ex && res_expect_parse(ex) < 0)
		fail(&rd, "unknown expectation '%s'", ex);
	r->expect = res_expect_parse(ex);
	free(ex);
	if (rd.failed || rd_roles(&rd, j, r) ||
	    rd_outcomes(&rd, json_object_get(j, "outcomes"), r) ||
	    rd_assertions(&rd, json_object_get(j, "assertions"), r) ||
	    rd_bins(&rd, json_object_get(w, "bins"), r) ||
	    rd_ref(&rd, json_object_get(j, "exposure"), r))
		return -1;
	r->plan = rd_str(&rd, w, "summary", false);
	r->jitter_spins = (int)jnum_or(json_object_get(j, "jitter"), "max_spins", 0);
	r->xcpu_ns = json_object_get(j, "xcpu_latency") ?
		     rd_num(&rd, json_object_get(j, "xcpu_latency"), "ns", 0, 1e9) :
		     NAN;
	r->counter = rd_str(&rd, json_object_get(j, "alignment"), "counter", false);
	r->ticks_per_ns = jnum_or(json_object_get(j, "alignment"), "ticks_per_ns", 0);
	r->period_ns = jnum_or(json_object_get(j, "alignment"), "period_ns", 0);
	r->late_fraction = jnum_or(json_object_get(j, "alignment"), "late_fraction", 0);
	if (lk) {
		r->lkmm_verdict = rd_str(&rd, lk, "verdict", true);
		r->lkmm_twin = rd_str(&rd, lk, "twin", true);
	}
	r->window = json_incref(w);
	r->deadline = json_incref(json_object_get(j, "deadline"));
	if (rd_pair(&rd, json_object_get(j, "pair"), r) ||
	    rd_witnesses(&rd, json_object_get(j, "witnesses"), r))
		return -1;
	if (rd.failed)
		return -1;
	return rd_agree(&rd, j, r);
}

void race_result_bins_from_window(struct race_result *r)
{
	struct rd rd = { .err = (char[160]){ 0 }, .len = 160, .what = r->scenario };

	free(r->bins);
	free(r->bin_seen);
	r->bins = NULL;
	r->bin_seen = NULL;
	r->nr_bins = 0;
	if (rd_bins(&rd, json_object_get(r->window, "bins"), r)) {
		/* The engine's own map: a bin it cannot read is a bug here. */
		fprintf(stderr, "race_result_bins_from_window: %s\n", rd.err);
		abort();
	}
}

struct race_result *race_results_add(struct race_results *rs)
{
	if (rs->nr == rs->cap) {
		int cap = rs->cap ? 2 * rs->cap : 16;
		struct race_result *r = realloc(rs->r, cap * sizeof(*r));

		if (!r)
			return NULL;
		rs->r = r;
		rs->cap = cap;
	}
	memset(&rs->r[rs->nr], 0, sizeof(rs->r[0]));
	return &rs->r[rs->nr++];
}

void race_results_free(struct race_results *rs)
{
	race_result_array_free(rs->r, rs->nr);
	memset(rs, 0, sizeof(*rs));
}

void race_result_array_free(struct race_result *r, int n)
{
	for (int i = 0; r && i < n; i++)
		race_result_free(&r[i]);
	free(r);
}

void race_witnesses_free(struct race_witness *w, int n)
{
	for (int i = 0; w && i < n; i++) {
		for (int k = 0; w[i].ev && k < w[i].nr; k++)
			free(w[i].ev[k].name);
		free(w[i].ev);
		free(w[i].outcome);
	}
	free(w);
}

void race_result_free(struct race_result *r)
{
	for (int i = 0; r->o && i < r->nr_outcomes; i++) {
		free(r->o[i].name);
		free(r->o[i].help);
		free(r->o[i].structural);
		free(r->o[i].sequential);
	}
	for (int i = 0; r->a && i < r->nr_assertions; i++) {
		free(r->a[i].macro);
		free(r->a[i].cond);
		free(r->a[i].func);
		free(r->a[i].file);
	}
	for (int i = 0; i < RACE_RESULT_MAX_ROLES; i++)
		free(r->roles[i]);
	race_witnesses_free(r->w, r->nr_witnesses);
	free(r->o);
	free(r->a);
	free(r->bins);
	free(r->bin_seen);
	free(r->scenario);
	free(r->variant);
	free(r->arch);
	free(r->seed);
	free(r->pair_class);
	free(r->order);
	free(r->plan);
	free(r->counter);
	free(r->lkmm_verdict);
	free(r->lkmm_twin);
	free(r->ref.variant);
	json_decref(r->window);
	json_decref(r->deadline);
	free(r->pair_of);
	memset(r, 0, sizeof(*r));
}

/* ---- a races.json document ---------------------------------------------- */

enum res_verdict race_results_worst(const struct race_result *r, int n)
{
	enum res_verdict worst = RES_PASS;

	for (int i = 0; i < n; i++)
		if (r[i].d.verdict > worst)
			worst = r[i].d.verdict;
	return worst;
}

int race_file_from_json(json_t *j, struct race_file *f, char *err,
			size_t errlen)
{
	struct rd rd = { .err = err, .len = errlen };
	json_t *res = json_object_get(j, "results"), *e;
	json_t *ver = json_object_get(j, "version");
	const char *v;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (strcmp(json_string_value(json_object_get(j, "format")) ?: "",
		   RACE_RESULT_FORMAT))
		return fail(&rd, "not a %s file", RACE_RESULT_FORMAT);
	if (!json_is_integer(ver) || json_integer_value(ver) != RACE_RESULT_VERSION) {
		char *text = ver ? json_dumps(ver, JSON_ENCODE_ANY) : NULL;

		fail(&rd, "%s version %.20s not supported (this tool reads %d)",
		     RACE_RESULT_FORMAT, text ? text : "(none)",
		     RACE_RESULT_VERSION);
		free(text);
		return -1;
	}
	if (!json_is_array(res) || json_array_size(res) > 1 << 16)
		return fail(&rd, "no \"results\" array, or more than 65536 results");
	f->variant = rd_str(&rd, j, "variant", true);
	f->arch = rd_str(&rd, j, "arch", true);
	f->emulated = json_is_true(json_object_get(j, "emulated"));
	if (rd.failed)
		return -1;
	f->r = calloc(json_array_size(res) + 1, sizeof(*f->r));
	json_array_foreach(res, i, e) {
		if (race_result_from_json(e, &f->r[f->nr++], err, errlen))
			return -1;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(f->r[k].scenario, f->r[i].scenario) &&
			    !strcmp(f->r[k].pair_class, f->r[i].pair_class) &&
			    !f->r[i].has_pair)
				return fail(&rd, "%s on %s listed twice",
					    f->r[i].scenario, f->r[i].pair_class);
	}
	f->verdict = race_results_worst(f->r, f->nr);
	v = json_string_value(json_object_get(j, "verdict"));
	if (!v || res_verdict_parse(v) != (int)f->verdict)
		return fail(&rd, "stored verdict '%s' disagrees with its results ('%s')",
			    v ? v : "(none)", res_verdict_name(f->verdict));
	f->topology = json_incref(json_object_get(j, "topology"));
	f->skipped = json_incref(json_object_get(j, "skipped"));
	return 0;
}

void race_file_free(struct race_file *f)
{
	race_result_array_free(f->r, f->nr);
	free(f->variant);
	free(f->arch);
	json_decref(f->topology);
	json_decref(f->skipped);
	memset(f, 0, sizeof(*f));
}

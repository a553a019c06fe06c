// SPDX-License-Identifier: GPL-2.0
/*
 * The gate: candidate against baseline, two variants of one bundle or the
 * same variants of two bundles.  Compute first, then print (as compare.py's
 * get_difference_report, then print_difference_report): the throughput
 * comparison (tp_comparison_build) pairs samples by run-bench round, tests
 * each benchmark with the exact Wilcoxon signed-rank test on the per-round
 * log ratios, adjusts with Holm, and fails a slowdown only when it is
 * significant, past the threshold and past what the identical-code
 * controls moved; a control that moves makes the run too noisy (exit 2).
 * Races: the engine's bad_trials, exact conditional rate comparisons, and
 * the expectation's verdict (results.h).  Anything that keeps the question
 * from being answered is exit 2 with the reason in one line.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report.h"

struct gate_opts {
	double threshold;	/* fraction: 0.05 */
	double alpha;
	bool races, throughput;
	bool ignore_identity;
	const char *json;
};

struct gate_state {
	enum res_verdict verdict;
	char reason[512];	/* of the worst finding so far */
	char undecidable[512];
	char unexposed[512];	/* a forbidden zero too thin: undecided */
	json_t *tp, *races, *notes, *controls, *findings;
};

struct side {
	struct bundle *b;
	const char *variant;	/* NULL: every variant */
	char spec[4096];
};

int tp_min_rounds(double alpha)
{
	int n = 1;

	while (n < 60 && !(res_wilcoxon_min_p(n) < alpha))
		n++;
	return n;
}

/* "identical" when both builds' code.json maps give @key one hash. */
static const char *identity_in(json_t *base, json_t *cand, const char *key)
{
	const char *hb, *hc;

	if (!base || !cand)
		return "unknown";
	hb = json_string_value(json_object_get(base, key));
	hc = json_string_value(json_object_get(cand, key));
	if (!hb || !hc)
		return "unknown";
	return strcmp(hb, hc) ? "differs" : "identical";
}

static const char *code_identity(struct variant_data *base,
				 struct variant_data *cand,
				 const struct tp_bench *b)
{
	return identity_in(base->code, cand->code, b->family);
}

/* One sample per round: the round's median if it has several. */
static int round_samples(const struct tp_bench *b, int round, double *out)
{
	double v[64];
	int i, n = 0;

	for (i = 0; i < b->nreps && n < 64; i++)
		if (b->round[i] == round)
			v[n++] = b->ns[i];
	if (!n)
		return 0;
	*out = stat_median(v, n);
	return 1;
}

static void pair_row(struct tp_row *r, bool by_round)
{
	const struct tp_bench *bb = r->base, *cb = r->cand;
	int n = bb->nreps > cb->nreps ? bb->nreps : cb->nreps, i, m = 0;
	double *x = xcalloc(n + 1, sizeof(*x)), *y = xcalloc(n + 1, sizeof(*y));

	if (by_round) {
		int maxr = 0;

		for (i = 0; i < bb->nreps; i++)
			if (bb->round[i] > maxr)
				maxr = bb->round[i];
		free(x), free(y);
		x = xcalloc(maxr + 1, sizeof(*x));
		y = xcalloc(maxr + 1, sizeof(*y));
		for (i = 0; i <= maxr; i++)
			if (round_samples(bb, i, &x[m]) &&
			    round_samples(cb, i, &y[m]))
				m++;
	} else {
		/* Two runs: no common rounds; pair the samples in order. */
		m = bb->nreps < cb->nreps ? bb->nreps : cb->nreps;
		memcpy(x, bb->ns, m * sizeof(*x));
		memcpy(y, cb->ns, m * sizeof(*y));
	}
	res_paired_compare(x, y, m, &r->c);
	free(x), free(y);
}

static bool has_rounds(const struct tp_bench *b)
{
	return b->nreps > 0 && b->round[0] >= 0;
}

void tp_comparison_build(struct variant_data *base, struct variant_data *cand,
			 bool same_bundle, double alpha, double threshold,
			 bool ignore_identity, struct tp_comparison *cmp)
{
	double *pg, *pc, *ag, *ac, *spread;
	int i, ng = 0, nc = 0, nspread = 0;

	memset(cmp, 0, sizeof(*cmp));
	cmp->alpha = alpha;
	cmp->threshold = threshold;
	cmp->ignore_identity = ignore_identity;
	cmp->identity_known = base->code && cand->code;
	cmp->paired_by_round = same_bundle;
	cmp->min_rounds = INT_MAX;
	if (!base->tp || !cand->tp)
		return;
	cmp->rows = xcalloc(base->tp->nr + 1, sizeof(*cmp->rows));
	for (i = 0; i < base->tp->nr; i++) {
		struct tp_bench *bb = &base->tp->b[i];
		struct tp_bench *cb = tp_find(cand->tp, bb->name);
		struct tp_row *r;

		if (!cb || bb->aggregate_only || cb->aggregate_only)
			continue;
		if (!has_rounds(bb) || !has_rounds(cb))
			cmp->paired_by_round = false;
		r = &cmp->rows[cmp->nr++];
		r->base = bb;
		r->cand = cb;
		r->identity = code_identity(base, cand, bb);
		r->control = !ignore_identity && !strcmp(r->identity, "identical");
		r->base_cv = bb->mean > 0 ? bb->stddev / bb->mean : NAN;
		r->cand_cv = cb->mean > 0 ? cb->stddev / cb->mean : NAN;
	}
	pg = xcalloc(cmp->nr + 1, sizeof(*pg));
	pc = xcalloc(cmp->nr + 1, sizeof(*pc));
	ag = xcalloc(cmp->nr + 1, sizeof(*ag));
	ac = xcalloc(cmp->nr + 1, sizeof(*ac));
	spread = xcalloc(cmp->nr + 1, sizeof(*spread));
	for (i = 0; i < cmp->nr; i++) {
		struct tp_row *r = &cmp->rows[i];

		pair_row(r, cmp->paired_by_round);
		if (r->c.rounds < cmp->min_rounds)
			cmp->min_rounds = r->c.rounds;
		if (r->control)
			pc[nc++] = r->c.p;
		else
			pg[ng++] = r->c.p;
	}
	/* Two families, each corrected over itself with Holm (results.h). */
	res_holm(pg, ng, ag);
	res_holm(pc, nc, ac);
	cmp->nr_gated = ng;
	cmp->nr_controls = nc;
	for (i = 0, ng = nc = 0; i < cmp->nr; i++) {
		struct tp_row *r = &cmp->rows[i];

		r->c.p_adj = r->control ? ac[nc++] : ag[ng++];
		if (!r->control)
			continue;
		res_paired_decide(&r->c, alpha, threshold, 0);
		/*
		 * The floor is what identical code moved *consistently*
		 * (significant after Holm): a move the test already calls
		 * noise must not lift the bar for every gated benchmark.
		 */
		if (r->c.significant && fabs(r->c.ratio - 1) > cmp->floor)
			cmp->floor = fabs(r->c.ratio - 1);
		spread[nspread++] = fabs(r->c.ratio - 1);
		if (r->c.status != RES_TP_SAME && !cmp->noisy)
			cmp->noisy = r;
	}
	/* A change counts only when it stands out from the controls. */
	for (i = 0; i < cmp->nr; i++)
		if (!cmp->rows[i].control)
			res_paired_decide(&cmp->rows[i].c, alpha, threshold,
					  cmp->floor);
	cmp->spread = nspread ? stat_median(spread, nspread) : NAN;
	free(pg), free(pc), free(ag), free(ac), free(spread);
}

void tp_comparison_free(struct tp_comparison *cmp)
{
	free(cmp->rows);
	memset(cmp, 0, sizeof(*cmp));
}
static void finding(struct gate_state *g, enum res_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Every finding is printed; the first of the worst is the verdict's reason. */
static void finding(struct gate_state *g, enum res_verdict v, const char *fmt, ...)
{
	char msg[sizeof(g->reason)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("  %s: %s\n", res_verdict_name(v), msg);
	json_array_append_new(g->findings, json_pack("{s:s, s:s}", "verdict",
						     res_verdict_name(v), "reason", msg));
	if (v <= g->verdict && g->reason[0])
		return;
	g->verdict = v;
	snprintf(g->reason, sizeof(g->reason), "%s", msg);
}

static int undecidable(struct gate_state *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int undecidable(struct gate_state *g, const char *fmt, ...)
{
	va_list ap;

	if (g->undecidable[0])
		return -1;
	va_start(ap, fmt);
	vsnprintf(g->undecidable, sizeof(g->undecidable), fmt, ap);
	va_end(ap);
	return -1;
}

static void gate_unexposed(struct gate_state *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Said at once; the gate decides nothing when no FAIL outweighs it. */
static void gate_unexposed(struct gate_state *g, const char *fmt, ...)
{
	char msg[sizeof(g->unexposed)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("  UNEXPOSED: %s\n", msg);
	json_array_append_new(g->findings, json_pack("{s:s, s:s}", "verdict",
						     "UNEXPOSED", "reason", msg));
	if (!g->unexposed[0])
		snprintf(g->unexposed, sizeof(g->unexposed), "%s", msg);
}

/* "dir" or "dir:variant", the directory holding a bundle.json. */
static int parse_side(const char *arg, struct side *s, char *err, size_t len)
{
	char path[4200], *colon;
	struct stat st;

	snprintf(s->spec, sizeof(s->spec), "%s", arg);
	s->variant = NULL;
	snprintf(path, sizeof(path), "%s/bundle.json", arg);
	colon = strrchr(s->spec, ':');
	if (stat(path, &st) && colon) {
		*colon = 0;
		s->variant = colon + 1;
		if (!*s->variant) {
			snprintf(err, len, "%s: empty variant name after ':'", arg);
			return -1;
		}
	}
	/* The gate compares rows; the bundle's own verdict is never read. */
	s->b = bundle_load_rows(s->spec, err, len);
	return s->b ? 0 : -1;
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "%s", "n/a");
	else
		snprintf(buf, len, "%+.1f%%", v * 100);
}

/* One row, LKP's columns: base ±%stddev  %change  cand ±%stddev. */
static void print_row(const struct tp_row *r, const char *pair)
{
	char pct[32], padj[32];

	fmt_pct(pct, sizeof(pct), r->c.ratio - 1);
	snprintf(padj, sizeof(padj), isnan(r->c.p_adj) ? "n/a" : "%.2g",
		 r->c.p_adj);
	printf("%10.3g ±%3.0f%% %8s %-13s %10.3g ±%3.0f%%  p_adj %-7s %-7s %s%s\n",
	       r->base->median, r->base_cv * 100, pct,
	       r->c.significant ? "*significant*" : "", r->cand->median,
	       r->cand_cv * 100, padj, r->control ? "control" : "gated", pair,
	       r->base->name);
}

static json_t *row_json(const struct tp_row *r, const char *pair)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:o, s:i, s:b, s:s, s:s, s:b}",
		"variant", pair, "benchmark", r->base->name, "base_median_ns",
		r->base->median, "cand_median_ns", r->cand->median, "ratio",
		isnan(r->c.ratio) ? json_null() : json_real(r->c.ratio), "p",
		isnan(r->c.p) ? json_null() : json_real(r->c.p), "p_adj",
		isnan(r->c.p_adj) ? json_null() : json_real(r->c.p_adj),
		"rounds", r->c.rounds, "significant", r->c.significant,
		"status", res_tp_status_name(r->c.status), "code", r->identity,
		"control", r->control);
}

static bool same_bundle(struct bundle *a, struct bundle *b);

static int gate_throughput(struct gate_state *g, const struct gate_opts *o,
			   struct bundle *b1, struct variant_data *base,
			   struct bundle *b2, struct variant_data *cand,
			   const char *pair)
{
	struct tp_comparison cmp;
	int i, need = tp_min_rounds(o->alpha), ret = 0;
	const struct tp_row *worst = NULL;

	if (!base->tp || !cand->tp)
		return undecidable(g, "%s has no throughput results (part failed or missing)",
				   !base->tp ? base->name : cand->name);
	if (b1->emulated || b2->emulated) {
		json_array_append_new(g->notes, json_string(
			"emulated (qemu): throughput is functional, not hardware; not gated"));
		printf("%s: emulated (qemu): throughput not gated\n", pair);
		return 0;
	}
	tp_comparison_build(base, cand, same_bundle(b1, b2), o->alpha,
			    o->threshold,
			    o->ignore_identity, &cmp);
	if (!cmp.nr) {
		tp_comparison_free(&cmp);
		return undecidable(g, "no benchmark in common between %s and %s",
				   base->name, cand->name);
	}
	if (cmp.min_rounds < need) {
		ret = undecidable(g,
			"too few rounds (%d paired samples; the exact test needs %d to reach p < %g): rerun with --rounds %d",
			cmp.min_rounds, need, o->alpha, need + 6);
		goto out;
	}
	printf("%s: %d benchmarks gated, %d identical-code controls%s; %s\n",
	       cand->name, cmp.nr_gated, cmp.nr_controls,
	       cmp.ignore_identity ? " (--ignore-code-identity)" :
	       cmp.identity_known ? "" : " (no code identity in the bundle)",
	       cmp.paired_by_round ? "paired by round" :
	       "two runs: samples paired in order");
	for (i = 0; i < cmp.nr; i++) {
		const struct tp_row *r = &cmp.rows[i];

		print_row(r, pair);
		json_array_append_new(g->tp, row_json(r, pair));
		if (r->c.status == RES_TP_SLOWER &&
		    (!worst || r->c.p_adj < worst->c.p_adj ||
		     (r->c.p_adj == worst->c.p_adj && r->c.ratio > worst->c.ratio)))
			worst = r;
	}
	if (cmp.nr_controls)
		printf("controls: %d identical-code benchmarks, median |move| %.1f%%, largest significant move %.1f%% (the noise floor)\n",
		       cmp.nr_controls, cmp.spread * 100, cmp.floor * 100);
	json_array_append_new(g->controls, json_pack("{s:s, s:i, s:i, s:f, s:o, s:b}",
		"variant", cand->name, "controls", cmp.nr_controls, "gated",
		cmp.nr_gated, "floor", cmp.floor, "median_abs_move",
		isnan(cmp.spread) ? json_null() : json_real(cmp.spread),
		"paired_by_round", cmp.paired_by_round));
	if (cmp.noisy) {
		ret = undecidable(g,
			"too noisy: %s has identical code in both builds and moved %+.1f%% (p_adj=%.2g > threshold %.0f%%)",
			cmp.noisy->base->name, (cmp.noisy->c.ratio - 1) * 100,
			cmp.noisy->c.p_adj, o->threshold * 100);
		goto out;
	}
	if (worst)
		finding(g, RES_FAIL, "%s%s %+.1f%% slower (p_adj=%.2g, Holm over %d; threshold %.0f%%, controls moved <= %.1f%%)",
			pair, worst->base->name, (worst->c.ratio - 1) * 100,
			worst->c.p_adj, cmp.nr_gated, o->threshold * 100,
			cmp.floor * 100);
out:
	tp_comparison_free(&cmp);
	return ret;
}

static struct race_result *race_match(struct variant_data *v,
				      const struct race_result *r)
{
	for (int i = 0; i < v->nr_races; i++)
		if (!strcmp(v->races[i].scenario, r->scenario) &&
		    !strcmp(v->races[i].pair_class, r->pair_class))
			return &v->races[i];
	return NULL;
}

/* litmus7's Observation line, and what the result is worth. */
static void observation(const char *who, const struct race_result *r)
{
	char worth[256];

	race_result_worth(r, worth, sizeof(worth));
	if (r->d.exposure == RES_STRUCTURAL)
		printf("Observation %s Structural\n", r->scenario);
	else
		printf("Observation %s %s %.0f %.0f\n", r->scenario,
		       r->d.observation, r->bad, r->trials - r->bad);
	if (r->bad)
		printf("  %s, %s: %.3g/M, 95%% %.3g..%.3g; %.0f reached the window: %s\n",
		       who, r->pair_class, r->bad / r->trials * 1e6,
		       r->d.lo * 1e6, r->d.hi * 1e6, r->reached, worth);
	else
		printf("  %s, %s: none, 95%% <= %.3g/M; %.0f reached the window, <= %.3g/M of them: %s\n",
		       who, r->pair_class, r->d.hi * 1e6, r->reached,
		       r->d.rhi * 1e6, worth);
}

static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* One race of the candidate, and its baseline's, compared. */
struct race_row {
	struct race_result *br, *cr;
	struct res_rate_cmp c;
	const char *identity;	/* of the race's code in both builds */
	bool control;		/* identical code: shows the drift */
};

static void race_row_compare(struct race_row *w, struct variant_data *base,
			     struct variant_data *cand, bool ignore_identity)
{
	w->c = (struct res_rate_cmp){ .change = RES_NO_EVENTS, .ratio = NAN,
				      .lo = NAN, .hi = NAN, .p = NAN };
	w->identity = identity_in(base->code_races, cand->code_races,
				  w->cr->scenario);
	w->control = !ignore_identity && !strcmp(w->identity, "identical");
	if (w->br)
		res_rate_compare(w->br->bad, w->br->trials, w->br->bins,
				 w->br->nr_bins, w->cr->bad,
				 w->cr->trials, w->cr->bins, w->cr->nr_bins,
				 RES_ALPHA, &w->c);
}

static void print_race_change(const struct race_row *w, double floor)
{
	const struct race_result *br = w->br, *cr = w->cr;
	const struct res_rate_cmp *c = &w->c;

	if (cr->bad == 0 && br->bad > 0)
		printf("  0 in %.0f, candidate/baseline ratio <= %.3g (95%%)%s; baseline %.0f in %.0f, p=%.2g: %s\n",
		       cr->trials, c->hi,
		       c->standardised ? ", standardised to the candidate's window bins" : "",
		       br->bad, br->trials, c->p, res_change_name(c->change));
	else if (c->change != RES_NO_EVENTS)
		printf("  rate ratio candidate/baseline %.3g (95%% %.3g..%.3g)%s, p=%.2g: %s\n",
		       c->ratio, c->lo, c->hi,
		       c->standardised ? ", standardised" : "", c->p,
		       res_change_name(c->change));
	if (c->standardised && c->unmatched_trials > 0 &&
	    c->change != RES_NO_EVENTS)
		printf("    %.0f of its trials in bins the baseline never tried: at the baseline's overall rate\n",
		       c->unmatched_trials);
	if (w->control && c->change != RES_NO_EVENTS)
		printf("    control: identical code in both builds, its move is drift\n");
	else if (floor > 0 && c->change == RES_SAME && c->p < RES_ALPHA)
		printf("    within the drift of identical-code races (x%.3g..x%.3g): same\n",
		       exp(-floor), exp(floor));
}

static json_t *race_row_json(const char *pair, const struct race_row *w,
			     double floor)
{
	const struct race_result *br = w->br, *cr = w->cr;
	const struct res_rate_cmp *c = &w->c;
	json_t *j = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:o, s:o, s:s, s:o, s:o, s:o, s:o, s:b, s:f, s:s, s:b, s:f, s:s}",
		"variant", pair, "scenario", cr->scenario, "pair_class",
		cr->pair_class, "expectation", expectation_name(cr->expect),
		"observation", cr->d.observation, "cand_bad_trials", cr->bad,
		"cand_trials", cr->trials, "base_bad_trials",
		br ? json_real(br->bad) : json_null(), "base_trials",
		br ? json_real(br->trials) : json_null(), "change",
		res_change_name(c->change), "rate_ratio", num_or_null(c->ratio),
		"rate_ratio_lo", num_or_null(c->lo), "rate_ratio_hi",
		num_or_null(c->hi), "p", num_or_null(c->p), "standardised",
		c->standardised, "unmatched_trials", c->unmatched_trials,
		"code", w->identity, "control", w->control, "drift_floor",
		exp(floor), "verdict", res_verdict_name(cr->d.verdict));

	json_object_set_new(j, "cand_reached_trials", json_real(cr->reached));
	json_object_set_new(j, "cand_xcpu_ns", num_or_null(cr->xcpu_ns));
	json_object_set_new(j, "base_xcpu_ns", br ? num_or_null(br->xcpu_ns) : json_null());
	json_object_set_new(j, "exposure", json_string(res_exposure_name(cr->d.exposure)));
	json_object_set_new(j, "needed_reached_trials", json_real(cr->d.needed));
	json_object_set_new(j, "reference", cr->has_ref ?
			    json_string(cr->ref.variant) : json_null());
	return j;
}

/*
 * The candidate's zero sized by the baseline's in-window rate when the
 * baseline saw the race (else by the bundle's own pre-fix build).
 */
static void size_by_baseline(struct race_row *w)
{
	const struct race_result *br = w->br;

	if (br && br->bad > 0 && br->reached > 0 && !race_result_sequential(br) &&
	    strcmp(br->variant, w->cr->variant))
		race_result_set_ref(w->cr, br);
}

static void gate_race(struct gate_state *g, const char *pair,
		      struct race_row *w, double floor)
{
	struct race_result *br = w->br, *cr = w->cr;
	enum res_verdict v;
	double expected = NAN, needed = 0;

	size_by_baseline(w);
	v = cr->d.verdict;
	observation("candidate", cr);
	if (br) {
		double st = race_result_state_ratio(br, cr);

		print_race_change(w, floor);
		if (st > RACE_STATE_RATIO) {
			printf("    the two ran in different states of the machine: cross-CPU latency %.0f ns against %.0f ns (x%.2g): rates compare the machine too\n",
			       br->xcpu_ns, cr->xcpu_ns, st);
			json_array_append_new(g->notes, json_sprintf(
				"%s%s (%s): the baseline's cross-CPU latency was %.0f ns, the candidate's %.0f ns (x%.2g): different states of the machine",
				pair, cr->scenario, cr->pair_class, br->xcpu_ns,
				cr->xcpu_ns, st));
		}
		needed = res_trials_needed(br->bad, br->trials, cr->trials,
					   &expected);
	}
	json_array_append_new(g->races, race_row_json(pair, w, floor));
	if (v == RES_FAIL)
		finding(g, RES_FAIL, "%s%s: forbidden outcome observed in %.0f of %.0f trials",
			pair, cr->scenario, cr->bad, cr->trials);
	else if (cr->expect == EXPECT_FORBIDDEN && cr->d.exposure == RES_UNEXPOSED)
		gate_unexposed(g, "%s%s: forbidden, 0 bad, but only %.0f trials reached the window where %.0f are needed to have seen the %s rate (%.0f bad in %.0f reached): undecided",
			       pair, cr->scenario, cr->reached, cr->d.needed,
			       cr->has_ref ? cr->ref.variant : "pre-fix",
			       cr->ref.bad, cr->ref.reached);
	else if (v == RES_WARN && br && needed > cr->trials)
		finding(g, RES_WARN, "%s%s: expected to reproduce; 0 in %.0f trials, but at the baseline's rate (%.0f in %.0f) only %.2g were expected: too short, a 95%% chance needs >= %.0f trials",
			pair, cr->scenario, cr->trials, br->bad, br->trials,
			expected, needed);
	else if (v == RES_WARN)
		finding(g, RES_WARN, "%s%s: expected to reproduce, not observed in %.0f trials",
			pair, cr->scenario, cr->trials);
}

/*
 * Every race of the candidate against the baseline's.  Races whose code
 * is identical in both builds are controls: the largest significant move
 * among them is the drift floor, and another race's change counts only
 * when its interval lies past it (res_rate_beyond()).
 */
static int gate_races(struct gate_state *g, const struct gate_opts *o,
		      struct variant_data *base, struct variant_data *cand,
		      const char *pair)
{
	struct race_row *rows;
	double floor = 0;
	int i, nc = 0;

	if (!base->races_present || !cand->races_present)
		return undecidable(g, "%s has no race results (part failed or missing)",
				   !base->races_present ? base->name : cand->name);
	rows = xcalloc(cand->nr_races + 1, sizeof(*rows));
	for (i = 0; i < cand->nr_races; i++) {
		rows[i].cr = &cand->races[i];
		rows[i].br = race_match(base, &cand->races[i]);
		race_row_compare(&rows[i], base, cand, o->ignore_identity);
		if (rows[i].control) {
			nc++;
			floor = fmax(floor, res_rate_moved(&rows[i].c));
		}
	}
	for (i = 0; i < cand->nr_races; i++)
		if (!rows[i].control)
			res_rate_beyond(&rows[i].c, floor);
	if (nc)
		printf("race controls: %d of %d races run identical code, largest significant move x%.3g (the drift floor)\n",
		       nc, cand->nr_races, exp(floor));
	for (i = 0; i < cand->nr_races; i++)
		gate_race(g, pair, &rows[i], floor);
	free(rows);
	for (i = 0; i < base->nr_races; i++)
		if (!race_match(cand, &base->races[i]))
			finding(g, RES_WARN, "%s%s (%s) ran in the baseline only", pair,
				base->races[i].scenario, base->races[i].pair_class);
	return 0;
}

static int gate_pair(struct gate_state *g, const struct gate_opts *o,
		     struct bundle *b1, struct variant_data *base,
		     struct bundle *b2, struct variant_data *cand,
		     bool prefix)
{
	char pair[256] = "";

	if (prefix)
		snprintf(pair, sizeof(pair), "%s: ", cand->name);
	printf("\n%s against %s\n", cand->name, base->name);
	if (o->throughput) {
		printf("%17s %8s %13s %17s\n", base->name, "%change", "",
		       cand->name);
		if (gate_throughput(g, o, b1, base, b2, cand, pair))
			return -1;
	}
	if (o->races && gate_races(g, o, base, cand, pair))
		return -1;
	return 0;
}

static bool same_bundle(struct bundle *a, struct bundle *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a->dir, ra) && realpath(b->dir, rb) && !strcmp(ra, rb);
}

static int compatible(struct gate_state *g, struct bundle *a, struct bundle *b)
{
	if (same_bundle(a, b))
		return 0;
	if (strcmp(a->arch, b->arch))
		return undecidable(g, "incompatible bundles: baseline is %s, candidate %s",
				   a->arch, b->arch);
	if (a->emulated != b->emulated)
		return undecidable(g, "incompatible bundles: one ran under emulation, the other not");
	if (strcmp(a->cpu_model, b->cpu_model))
		json_array_append_new(g->notes, json_sprintf(
			"different CPU models: %s / %s", a->cpu_model, b->cpu_model));
	return 0;
}

static int run_gate(struct gate_state *g, const struct gate_opts *o,
		    struct side *bs, struct side *cs)
{
	struct variant_data *base, *cand;
	int i, n = 0;

	if (compatible(g, bs->b, cs->b))
		return -1;
	if (!!bs->variant != !!cs->variant)
		return undecidable(g, "give both sides as BUNDLE:VARIANT, or both as bundles");
	/* A build against itself would PASS whatever it measured. */
	if (same_bundle(bs->b, cs->b) &&
	    (!bs->variant || !strcmp(bs->variant, cs->variant)))
		return undecidable(g, "baseline and candidate are the same bundle%s%s: nothing to compare",
				   bs->variant ? " and variant " : "",
				   bs->variant ? bs->variant : "");
	if (bs->variant) {
		base = bundle_variant(bs->b, bs->variant);
		cand = bundle_variant(cs->b, cs->variant);
		if (!base || !cand)
			return undecidable(g, "no variant '%s' in %s",
					   !base ? bs->variant : cs->variant,
					   !base ? bs->b->dir : cs->b->dir);
		return gate_pair(g, o, bs->b, base, cs->b, cand, false);
	}
	for (i = 0; i < cs->b->nr_variants; i++) {
		cand = &cs->b->v[i];
		base = bundle_variant(bs->b, cand->name);
		if (!base)
			continue;
		if (gate_pair(g, o, bs->b, base, cs->b, cand, true))
			return -1;
		n++;
	}
	if (!n)
		return undecidable(g, "the bundles have no variant in common");
	return 0;
}

static int gate_usage(FILE *f)
{
	fputs("usage: flagbench-report gate BASELINE CANDIDATE [--threshold PCT]\n"
	      "           [--alpha A] [--only throughput|races]\n"
	      "           [--ignore-code-identity] [--json FILE]\n"
	      "  BASELINE, CANDIDATE: a bundle directory, or BUNDLE:VARIANT\n"
	      "  --threshold PCT      smallest slowdown that fails (5): the\n"
	      "                       Hodges-Lehmann ratio of the per-round ns/op\n"
	      "  --alpha A            family-wise error over one comparison's\n"
	      "                       benchmarks: exact Wilcoxon signed-rank on the\n"
	      "                       per-round log ratios, Holm-adjusted (0.05)\n"
	      "  --ignore-code-identity\n"
	      "                       judge every benchmark by its measurements\n"
	      "                       alone; by default a benchmark whose machine\n"
	      "                       code is identical in both builds (code.json)\n"
	      "                       is a control: never gated, and if one moves\n"
	      "                       past the threshold the run is too noisy (2)\n"
	      "  --only KIND          gate throughput or races only\n"
	      "  --json FILE          write the findings as JSON (format flagbench-gate)\n"
	      "Races: exact conditional binomial rate comparison (standardised to\n"
	      "the candidate's window bins when both carry them, a bin the\n"
	      "baseline never tried at its overall rate); races of identical\n"
	      "code are controls, and a change must lie past their largest\n"
	      "move (the drift floor); the verdict is the expectation's, on the\n"
	      "engine's bad_trials.\n"
	      "Exit: 0 pass (PASS or WARN), 1 fail, 2 undecidable, too noisy or error.\n", f);
	return f == stdout ? EXIT_PASS : EXIT_ERROR;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno || end == s || *end || !(*out >= lo && *out <= hi) ? -1 : 0;
}

static int gate_parse(int argc, char **argv, struct gate_opts *o,
		      const char **pos)
{
	int i, npos = 0;
	double v;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			exit(gate_usage(stdout));
		if (!strcmp(a, "--ignore-code-identity")) {
			o->ignore_identity = true;
			continue;
		}
		if (a[0] != '-' || !a[1]) {
			if (npos == 2) {
				fb_err("gate: unexpected argument '%s'", a);
				return -1;
			}
			pos[npos++] = a;
			continue;
		}
		if (!val) {
			fb_err("gate: %s needs a value", a);
			return -1;
		}
		i++;
		if (!strcmp(a, "--threshold") && !parse_num(val, 0, 1000, &v)) {
			o->threshold = v / 100;
		} else if (!strcmp(a, "--alpha") && !parse_num(val, 1e-9, 0.5, &v)) {
			o->alpha = v;
		} else if (!strcmp(a, "--json")) {
			o->json = val;
		} else if (!strcmp(a, "--only") && (!strcmp(val, "throughput") ||
						     !strcmp(val, "races"))) {
			o->races = !strcmp(val, "races");
			o->throughput = !o->races;
		} else {
			fb_err("gate: bad option or value: %s %s", a, val);
			return -1;
		}
	}
	if (npos != 2) {
		fb_err("gate: need BASELINE and CANDIDATE (try --help)");
		return -1;
	}
	return 0;
}

static json_t *side_json(struct side *s)
{
	return json_pack("{s:s, s:s, s:o}", "bundle", s->b ? s->b->dir : s->spec,
			 "arch", s->b ? s->b->arch : "", "variant",
			 s->variant ? json_string(s->variant) : json_null());
}

int cmd_gate(int argc, char **argv)
{
	struct gate_opts o = { .threshold = 0.05, .alpha = 0.05,
			       .races = true, .throughput = true };
	struct gate_state g = { .verdict = RES_PASS };
	struct side bs = { 0 }, cs = { 0 };
	const char *pos[2];
	char err[1024];
	int ret;
	json_t *out;

	if (gate_parse(argc, argv, &o, pos))
		return EXIT_ERROR;
	g.tp = json_array();
	g.controls = json_array();
	g.findings = json_array();
	g.races = json_array();
	g.notes = json_array();
	if (parse_side(pos[0], &bs, err, sizeof(err)) ||
	    parse_side(pos[1], &cs, err, sizeof(err)))
		undecidable(&g, "%s", err);
	else
		printf("gate: baseline %s, candidate %s\n"
		       "throughput: per-round ns/op ratios, exact Wilcoxon signed-rank, Holm alpha %g, threshold %.1f%%, >= %d rounds%s\n",
		       pos[0], pos[1], o.alpha, o.threshold * 100,
		       tp_min_rounds(o.alpha),
		       o.ignore_identity ? ", code identity ignored" : "");
	if (!g.undecidable[0])
		run_gate(&g, &o, &bs, &cs);
	/* A forbidden outcome seen decides; a thin zero leaves it open. */
	if (!g.undecidable[0] && g.unexposed[0] && g.verdict != RES_FAIL)
		undecidable(&g, "%s", g.unexposed);
	if (g.undecidable[0]) {
		ret = EXIT_ERROR;
		fb_err("gate: undecidable: %s", g.undecidable);
	} else {
		ret = g.verdict == RES_FAIL ? EXIT_FAIL : EXIT_PASS;
		if (!g.reason[0])
			snprintf(g.reason, sizeof(g.reason), "%s",
				 "no significant slowdown above the threshold, race expectations met");
		printf("\n%s: %s\n", res_verdict_name(g.verdict), g.reason);
	}
	if (o.json) {
		out = json_pack("{s:s, s:i, s:o, s:o, s:{s:f, s:f, s:i, s:s, s:s, s:b}, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
			"format", "flagbench-gate", "version", 2, "baseline",
			side_json(&bs), "candidate", side_json(&cs), "thresholds",
			"threshold_pct", o.threshold * 100, "alpha", o.alpha,
			"min_rounds", tp_min_rounds(o.alpha), "test",
			"exact Wilcoxon signed-rank on per-round log ratios",
			"multiplicity", "holm", "ignore_code_identity",
			o.ignore_identity, "verdict",
			ret == EXIT_ERROR ? "UNDECIDABLE" : res_verdict_name(g.verdict),
			"reason", ret == EXIT_ERROR ? g.undecidable : g.reason,
			"findings", g.findings,
			"throughput", g.tp, "controls", g.controls, "races", g.races,
			"notes", g.notes);
		if (write_json_atomic(out, o.json))
			ret = EXIT_ERROR;
		json_decref(out);
	} else {
		json_decref(g.tp), json_decref(g.races), json_decref(g.notes);
		json_decref(g.controls), json_decref(g.findings);
	}
	bundle_free(bs.b);
	bundle_free(cs.b);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Every comparison of two variants (report.h), computed here once and
 * rendered by the gate's console, gate.json, summary.txt and index.html,
 * which decide nothing.  Throughput: samples paired by run-bench round,
 * the exact Wilcoxon signed-rank test per benchmark, Holm over the gated
 * benchmarks and over the controls, the decision, each benchmark's power,
 * and the rules around them: which benchmarks are controls, the floor,
 * "too noisy" or "layout" and why, the rounds a family needs, the finding
 * that fails.  Races: the exact rate comparison, the drift floor of the
 * identical-code races, each zero's exposure sized by the baseline, the
 * machine's state, the finding.  Controls are benchmarks and races whose
 * machine code has the same bytes in both builds (code.json); whether it
 * also sits at the same offsets in its cache lines says why a control
 * that moved did: noise, or layout.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

const char *code_identity_name(enum code_identity c)
{
	static const char *const names[] = {
		[CODE_UNKNOWN] = "unknown", [CODE_DIFFERS] = "differs",
		[CODE_LAYOUT] = "layout-differs", [CODE_IDENTICAL] = "identical",
	};

	return names[c];
}

static bool same_hash(json_t *a, json_t *b, const char *key, bool *known)
{
	const char *ha = json_string_value(json_object_get(a, key));
	const char *hb = json_string_value(json_object_get(b, key));

	*known = a && b && ha && hb;
	return *known && !strcmp(ha, hb);
}

enum code_identity code_identity_of(json_t *base, json_t *cand,
				    json_t *base_layout, json_t *cand_layout,
				    const char *key)
{
	bool known;

	if (!same_hash(base, cand, key, &known))
		return known ? CODE_DIFFERS : CODE_UNKNOWN;
	if (!same_hash(base_layout, cand_layout, key, &known) && known)
		return CODE_LAYOUT;
	return CODE_IDENTICAL;
}

/*
 * A benchmark's or race's identity in both builds, and whether it is a
 * control: the same bytes (wherever they sit), unless identity is ignored.
 */
static enum code_identity identity_of(json_t *base, json_t *cand,
				      json_t *base_layout, json_t *cand_layout,
				      const char *key, bool ignore, bool *control)
{
	enum code_identity id = code_identity_of(base, cand, base_layout,
						 cand_layout, key);

	*control = !ignore && (id == CODE_IDENTICAL || id == CODE_LAYOUT);
	return id;
}

/* A round's repetitions, in the order they ran (at most 64). */
static int round_reps(const struct tp_bench *b, int round, double *v)
{
	int i, n = 0;

	for (i = 0; i < b->nreps && n < 64; i++)
		if (b->round[i] == round)
			v[n++] = b->ns[i];
	return n;
}

/*
 * One log ratio per round: the i-th repetitions of the two sides ran in
 * the same lockstep turn, so they are paired (res_round_log_ratio());
 * sides with unequal counts (a file edited, a repetition that erred)
 * compare their medians (res_round_sample()).
 */
static double round_log_ratio(const struct tp_bench *bb,
			      const struct tp_bench *cb, int round)
{
	double x[64], y[64];
	int nx = round_reps(bb, round, x), ny = round_reps(cb, round, y);

	if (!nx || !ny)
		return NAN;
	if (nx == ny)
		return res_round_log_ratio(x, y, nx);
	return log(res_round_sample(y, ny) / res_round_sample(x, nx));
}

static void pair_row(struct tp_row *r, bool by_round)
{
	const struct tp_bench *bb = r->base, *cb = r->cand;

	if (by_round) {
		int maxr = 0, i, m = 0;
		double *d;

		for (i = 0; i < bb->nreps; i++)
			if (bb->round[i] > maxr)
				maxr = bb->round[i];
		d = xcalloc(maxr + 1, sizeof(*d));
		for (i = 0; i <= maxr; i++)
			d[m++] = round_log_ratio(bb, cb, i);
		res_paired_compare_logs(d, m, &r->c);
		free(d);
	} else {
		/* Two runs: no common rounds; pair the samples in order. */
		int m = bb->nreps < cb->nreps ? bb->nreps : cb->nreps;

		res_paired_compare(bb->ns, cb->ns, m, &r->c);
	}
}

static bool has_rounds(const struct tp_bench *b)
{
	return b->nreps > 0 && b->round[0] >= 0;
}

/* The rows: every benchmark both sides measured, with its identity. */
static void add_rows(struct variant_data *base, struct variant_data *cand,
		     struct tp_comparison *cmp)
{
	int i;

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
		r->identity = identity_of(base->code, cand->code,
					  base->code_layout, cand->code_layout,
					  bb->family, cmp->ignore_identity,
					  &r->control);
		r->base_cv = bb->mean > 0 ? bb->stddev / bb->mean : NAN;
		r->cand_cv = cb->mean > 0 ? cb->stddev / cb->mean : NAN;
	}
}

/* Test every row, then Holm over each family: gated, controls. */
static void test_rows(struct tp_comparison *cmp)
{
	double *pg = xcalloc(cmp->nr + 1, sizeof(*pg));
	double *pc = xcalloc(cmp->nr + 1, sizeof(*pc));
	double *ag = xcalloc(cmp->nr + 1, sizeof(*ag));
	double *ac = xcalloc(cmp->nr + 1, sizeof(*ac));
	int i, ng = 0, nc = 0;

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
	res_holm(pg, ng, ag);
	res_holm(pc, nc, ac);
	cmp->nr_gated = ng;
	cmp->nr_controls = nc;
	for (i = 0, ng = nc = 0; i < cmp->nr; i++) {
		struct tp_row *r = &cmp->rows[i];

		r->c.p_adj = r->control ? ac[nc++] : ag[ng++];
		res_paired_power(&r->c, cmp->alpha,
				 r->control ? cmp->nr_controls : cmp->nr_gated,
				 cmp->threshold);
	}
	free(pg), free(pc), free(ag), free(ac);
}

/*
 * The controls: the floor is what identical code moved *consistently*
 * (significant after Holm): a move the test already calls noise must not
 * lift the bar for every gated benchmark.  One past the threshold makes
 * the run undecidable; its layout says why.
 */
static void judge_controls(struct tp_comparison *cmp)
{
	double *spread = xcalloc(cmp->nr + 1, sizeof(*spread));
	int i, n = 0;

	for (i = 0; i < cmp->nr; i++) {
		struct tp_row *r = &cmp->rows[i];

		if (!r->control)
			continue;
		if (r->identity == CODE_LAYOUT)
			cmp->nr_layout++;
		res_paired_decide(&r->c, cmp->alpha, cmp->threshold, 0);
		if (r->c.significant && fabs(r->c.ratio - 1) > cmp->floor)
			cmp->floor = fabs(r->c.ratio - 1);
		spread[n++] = fabs(r->c.ratio - 1);
		if (r->c.status == RES_TP_SAME)
			continue;
		if (r->identity == CODE_IDENTICAL && !cmp->noisy)
			cmp->noisy = r;
		if (r->identity == CODE_LAYOUT && !cmp->moved_layout)
			cmp->moved_layout = r;
	}
	cmp->spread = n ? stat_median(spread, n) : NAN;
	free(spread);
}

/* What the gated family could detect, and what it would take. */
static void gated_power(struct tp_comparison *cmp)
{
	double *mde = xcalloc(cmp->nr + 1, sizeof(*mde));
	int i, n = 0;

	cmp->rounds_needed = 0;
	for (i = 0; i < cmp->nr; i++) {
		const struct tp_row *r = &cmp->rows[i];

		if (r->control || isnan(r->c.mde))
			continue;
		mde[n++] = r->c.mde;
		if (r->c.mde <= cmp->threshold)
			cmp->nr_detect++;
		if (!cmp->mde_worst || r->c.mde > cmp->mde_worst->c.mde)
			cmp->mde_worst = r;
		if (r->c.rounds_needed > cmp->rounds_needed)
			cmp->rounds_needed = r->c.rounds_needed;
	}
	cmp->mde_median = n ? stat_median(mde, n) : NAN;
	cmp->mde_max = n ? cmp->mde_worst->c.mde : NAN;
	if (!n)
		cmp->rounds_needed = -1;
	free(mde);
}

/* The gated slowdown with the smallest Holm p (then the largest): it fails. */
static const struct tp_row *worst_slower(const struct tp_comparison *c)
{
	const struct tp_row *worst = NULL;

	for (int i = 0; i < c->nr; i++) {
		const struct tp_row *r = &c->rows[i];

		if (r->c.status == RES_TP_SLOWER &&
		    (!worst || r->c.p_adj < worst->c.p_adj ||
		     (r->c.p_adj == worst->c.p_adj && r->c.ratio > worst->c.ratio)))
			worst = r;
	}
	return worst;
}

void tp_comparison_build(struct variant_data *base, struct variant_data *cand,
			 const struct compare_rules *rules,
			 struct tp_comparison *cmp)
{
	double alpha = rules->alpha, threshold = rules->threshold;
	int i;

	memset(cmp, 0, sizeof(*cmp));
	cmp->alpha = alpha;
	cmp->threshold = threshold;
	cmp->ignore_identity = rules->ignore_identity;
	cmp->emulated = rules->emulated;
	cmp->identity_known = base->code && cand->code;
	cmp->layout_known = base->code_layout && cand->code_layout;
	cmp->paired_by_round = rules->same_bundle;
	cmp->min_rounds = RES_MAX_ROUNDS;
	cmp->mde_median = cmp->mde_max = NAN;
	cmp->rounds_needed = -1;
	if (!base->tp || !cand->tp)
		return;
	add_rows(base, cand, cmp);
	test_rows(cmp);
	/* Emulated timings are the emulator's: measured, never decided. */
	if (cmp->emulated)
		return;
	judge_controls(cmp);
	/* A change counts only when it stands out from the controls. */
	for (i = 0; i < cmp->nr; i++)
		if (!cmp->rows[i].control)
			res_paired_decide(&cmp->rows[i].c, alpha, threshold,
					  cmp->floor);
	gated_power(cmp);
	cmp->need_rounds = res_paired_min_rounds(alpha, cmp->nr_gated);
	cmp->reachable_p = fmin(1, (cmp->nr_gated > 1 ? cmp->nr_gated : 1) *
				res_wilcoxon_min_p(cmp->min_rounds));
	cmp->decidable = !cmp->nr_gated || cmp->min_rounds >= cmp->need_rounds;
	cmp->worst = worst_slower(cmp);
}

void tp_comparison_free(struct tp_comparison *cmp)
{
	free(cmp->rows);
	memset(cmp, 0, sizeof(*cmp));
}

static const char *control_moved(const struct tp_row *r, const char *what,
				 double threshold, char *buf, size_t len)
{
	snprintf(buf, len, "%s has identical code in both builds%s and moved %+.1f%% (p_adj=%.2g; threshold %.0f%%)",
		 r->base->name, what, (r->c.ratio - 1) * 100, r->c.p_adj,
		 threshold * 100);
	return buf;
}

const char *tp_layout_note(const struct tp_comparison *cmp, char *buf,
			   size_t len)
{
	snprintf(buf, len, cmp->nr_layout ?
		 " (%d at other offsets in their cache lines)" : "",
		 cmp->nr_layout);
	return buf;
}

const char *tp_undecided(const struct tp_comparison *cmp, char *buf,
			 size_t len)
{
	char moved[400];

	if (!cmp->decidable) {
		snprintf(buf, len, "too few rounds for %d gated benchmark%s: with %d paired rounds the exact test's smallest p is %.2g, %.2g after Holm over %d, not below alpha %g: no change could be significant; rerun with --rounds %d or more",
			 cmp->nr_gated, cmp->nr_gated == 1 ? "" : "s",
			 cmp->min_rounds, res_wilcoxon_min_p(cmp->min_rounds),
			 cmp->reachable_p, cmp->nr_gated, cmp->alpha,
			 cmp->need_rounds);
		return buf;
	}
	if (cmp->noisy) {
		control_moved(cmp->noisy, cmp->layout_known ?
			      " at the same offsets in its cache lines" : "",
			      cmp->threshold, moved, sizeof(moved));
		snprintf(buf, len, "too noisy: %s", moved);
		return buf;
	}
	if (cmp->moved_layout) {
		control_moved(cmp->moved_layout,
			      " but at other offsets in its cache lines",
			      cmp->threshold, moved, sizeof(moved));
		snprintf(buf, len, "layout: %s: the builds' code layouts differ (FLAGBENCH_LAYOUT_SHIFT, another compiler or flags)",
			 moved);
		return buf;
	}
	return NULL;
}

const char *tp_not_gated(const struct tp_comparison *cmp)
{
	return cmp->emulated ?
	       "emulated (qemu): throughput is functional, not hardware; not gated" :
	       NULL;
}

/* ---- races ------------------------------------------------------------- */

static const struct race_result *race_match(const struct variant_data *v,
					    const struct race_result *r)
{
	for (int i = 0; i < v->nr_races; i++)
		if (!strcmp(v->races[i].scenario, r->scenario) &&
		    !strcmp(v->races[i].pair_class, r->pair_class))
			return &v->races[i];
	return NULL;
}

/*
 * The candidate's zero sized by the baseline's in-window rate when the
 * baseline saw the race in reached trials (else by the bundle's own
 * pre-fix build, as read): a copy, its strings borrowed, so that the
 * bundle's own verdicts stay the bundle's.
 */
static void size_by_baseline(struct race_row *w)
{
	const struct race_result *br = w->br, *cr = w->cr;

	w->cand = *cr;
	if (!br || !(br->bad > 0) || !(br->reached > 0) ||
	    race_result_sequential(br) || !strcmp(br->variant, cr->variant))
		return;
	w->cand.has_ref = true;
	w->cand.ref = (struct race_result_ref){ .variant = br->variant,
						.bad = br->bad,
						.reached = br->reached };
	w->cand.at_variant = res_at_window(br->bins, br->nr_bins, cr->bins,
					   cr->nr_bins, RES_ALPHA,
					   &w->cand.at) ? br->variant : NULL;
	race_result_decide(&w->cand);
}

/* What the gate says of the row: the first rule that holds. */
static enum race_finding race_finding_of(const struct race_row *w)
{
	const struct race_result *r = &w->cand;

	if (r->d.verdict == RES_FAIL)
		return RF_SEEN;
	if (r->expect == EXPECT_FORBIDDEN && r->d.exposure == RES_UNEXPOSED)
		return RF_UNEXPOSED;
	if (r->d.verdict == RES_WARN && w->br && w->needed > r->trials)
		return RF_SHORT;
	if (r->d.verdict == RES_WARN)
		return RF_UNSEEN;
	return RF_NONE;
}

static void race_row_build(struct race_row *w, const struct variant_data *base,
			   const struct variant_data *cand,
			   const struct compare_rules *rules)
{
	const struct race_result *br = w->br, *cr = w->cr;

	w->c = (struct res_rate_cmp){ .change = RES_NO_EVENTS, .ratio = NAN,
				      .lo = NAN, .hi = NAN, .p = NAN };
	w->identity = identity_of(base->code_races, cand->code_races,
				  base->code_race_layout,
				  cand->code_race_layout, cr->scenario,
				  rules->ignore_identity, &w->control);
	w->state_ratio = NAN;
	size_by_baseline(w);
	if (!br)
		return;
	res_rate_compare(br->bad, br->trials, br->bins, br->nr_bins, cr->bad,
			 cr->trials, cr->bins, cr->nr_bins, RES_ALPHA, &w->c);
	w->state_ratio = race_result_state_ratio(br, cr);
	w->needed = res_trials_needed(br->bad, br->trials, cr->trials,
				      &w->expected);
}

/*
 * Every race of the candidate against the baseline's.  Races whose code
 * is identical in both builds are controls: the largest nonzero move
 * among them is the drift floor, and another race's change counts only
 * when its interval lies past it (res_rate_beyond()).
 */
void race_comparison_build(const struct variant_data *base,
			   const struct variant_data *cand,
			   const struct compare_rules *rules,
			   struct race_comparison *rc)
{
	int i;

	memset(rc, 0, sizeof(*rc));
	rc->present = base->races_present && cand->races_present;
	if (!rc->present)
		return;
	rc->rows = xcalloc(cand->nr_races + 1, sizeof(*rc->rows));
	rc->nr = cand->nr_races;
	for (i = 0; i < rc->nr; i++) {
		struct race_row *w = &rc->rows[i];

		w->cr = &cand->races[i];
		w->br = race_match(base, w->cr);
		race_row_build(w, base, cand, rules);
		if (!w->control)
			continue;
		rc->nr_controls++;
		rc->floor = fmax(rc->floor, res_rate_moved(&w->c));
	}
	for (i = 0; i < rc->nr; i++) {
		if (!rc->rows[i].control)
			res_rate_beyond(&rc->rows[i].c, rc->floor);
		rc->rows[i].finding = race_finding_of(&rc->rows[i]);
	}
	rc->base_only = xcalloc(base->nr_races + 1, sizeof(*rc->base_only));
	for (i = 0; i < base->nr_races; i++)
		if (!race_match(cand, &base->races[i]))
			rc->base_only[rc->nr_base_only++] = &base->races[i];
}

void race_comparison_free(struct race_comparison *rc)
{
	free(rc->rows);
	free(rc->base_only);
	memset(rc, 0, sizeof(*rc));
}

bool race_row_state_differs(const struct race_row *w)
{
	return w->state_ratio > RACE_STATE_RATIO;
}

bool race_row_within_drift(const struct race_row *w, double floor)
{
	return !w->control && floor > 0 && w->c.change == RES_SAME &&
	       w->c.p < RES_ALPHA;
}

const char *race_ratio_text(const struct race_row *w, char *buf, size_t len)
{
	const struct res_rate_cmp *c = &w->c;

	if (c->change == RES_NO_EVENTS)
		snprintf(buf, len, "-");
	else if (w->cr->bad == 0 && w->br->bad > 0)
		snprintf(buf, len, "<= %.3g (95%%)", c->hi);
	else if (w->br->bad == 0 && w->cr->bad > 0)
		snprintf(buf, len, ">= %.3g (95%%)", c->lo);
	else
		snprintf(buf, len, "%.3g (95%% %.3g..%.3g)", c->ratio, c->lo,
			 c->hi);
	return buf;
}

/* ---- a bundle's variants against its baseline ---------------------------- */

/* The variant others are compared with: @asked, bundle.json's, the first. */
static const char *baseline_of(struct bundle *b, const char *asked)
{
	const char *name = asked ? asked : jstr(b->j, "baseline", NULL);

	if (name && bundle_variant(b, name))
		return name;
	return b->nr_variants ? b->v[0].name : "";
}

void bundle_comparisons_build(struct bundle *b, const char *baseline,
			      const struct compare_rules *rules,
			      struct bundle_comparisons *bc)
{
	memset(bc, 0, sizeof(*bc));
	bc->baseline = baseline_of(b, baseline);
	bc->base = bundle_variant(b, bc->baseline);
	bc->rules = *rules;
	bc->rules.same_bundle = true;
	bc->rules.emulated = b->emulated;
	bc->tp = xcalloc(b->nr_variants, sizeof(*bc->tp));
	bc->races = xcalloc(b->nr_variants, sizeof(*bc->races));
	bc->nr = b->nr_variants;
	for (int i = 0; bc->base && i < b->nr_variants; i++) {
		if (&b->v[i] == bc->base)
			continue;
		tp_comparison_build(bc->base, &b->v[i], &bc->rules, &bc->tp[i]);
		race_comparison_build(bc->base, &b->v[i], &bc->rules,
				      &bc->races[i]);
	}
}

void bundle_comparisons_free(struct bundle_comparisons *bc)
{
	for (int i = 0; i < bc->nr; i++) {
		tp_comparison_free(&bc->tp[i]);
		race_comparison_free(&bc->races[i]);
	}
	free(bc->tp);
	free(bc->races);
	memset(bc, 0, sizeof(*bc));
}

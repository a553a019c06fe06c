// SPDX-License-Identifier: GPL-2.0
/*
 * The throughput comparison of two variants (report.h), computed once for
 * the gate, gate.json, summary.txt and index.html: samples paired by
 * run-bench round, the exact Wilcoxon signed-rank test per benchmark,
 * Holm over the gated benchmarks and over the controls, the decision, and
 * each benchmark's power.  Controls are benchmarks whose machine code has
 * the same bytes in both builds (code.json); whether it also sits at the
 * same offsets in its cache lines says why a control that moved did:
 * noise, or layout.
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
		r->identity = code_identity_of(base->code, cand->code,
					       base->code_layout,
					       cand->code_layout, bb->family);
		r->control = !cmp->ignore_identity &&
			     (r->identity == CODE_IDENTICAL ||
			      r->identity == CODE_LAYOUT);
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

void tp_comparison_build(struct variant_data *base, struct variant_data *cand,
			 bool same_bundle, double alpha, double threshold,
			 bool ignore_identity, struct tp_comparison *cmp)
{
	int i;

	memset(cmp, 0, sizeof(*cmp));
	cmp->alpha = alpha;
	cmp->threshold = threshold;
	cmp->ignore_identity = ignore_identity;
	cmp->identity_known = base->code && cand->code;
	cmp->layout_known = base->code_layout && cand->code_layout;
	cmp->paired_by_round = same_bundle;
	cmp->min_rounds = RES_MAX_ROUNDS;
	cmp->mde_median = cmp->mde_max = NAN;
	cmp->rounds_needed = -1;
	if (!base->tp || !cand->tp)
		return;
	add_rows(base, cand, cmp);
	test_rows(cmp);
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

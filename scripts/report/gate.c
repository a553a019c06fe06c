// SPDX-License-Identifier: GPL-2.0
/*
 * The gate: candidate against baseline, two variants of one bundle or the
 * same variants of two bundles.  Compute first, then print (as compare.py's
 * get_difference_report, then print_difference_report): compare.c builds
 * each comparison, with every rule around the rules of results.h (the
 * controls, the floors, too noisy, the rounds, the findings); this file
 * only renders them on the console and in gate.json and turns the
 * findings into the verdict.  What the gate compares is a table
 * (gate_kinds[]), and so is what it says of a race (race_says[]).
 * Anything that keeps the question from being answered is exit 2 with the
 * reason in one line.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report.h"

/* 4: "significant" is the decision; "nonzero" is Holm p < alpha. */
#define GATE_JSON_VERSION 4

struct gate_opts {
	struct compare_rules rules;	/* threshold (a fraction), alpha */
	const char *only;	/* a gate_kinds[] name, or NULL: every one */
	const char *json;
};

struct gate_state {
	enum res_verdict verdict;
	int nr_gated, nr_detect;	/* throughput: the threshold detectable */
	char reason[512];	/* of the worst finding so far */
	char undecidable[512];
	char unexposed[512];	/* a forbidden zero too thin: undecided */
	json_t *tp, *races, *notes, *controls, *findings;
};

struct side {
	struct bundle *b;
	const char *variant;	/* NULL: every variant */
	char spec[4096];
	bool borrowed;		/* b is the other side's: one bundle, read once */
};

/* One comparison: the baseline's variant and bundle, the candidate's. */
struct gate_pair {
	struct bundle *b1;
	struct variant_data *base;
	struct bundle *b2;
	struct variant_data *cand;
	char pair[256];		/* "VARIANT: " when a bundle has several */
};

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

/* One directory, however named: realpath() of both. */
static bool same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/*
 * "dir" or "dir:variant", the directory holding a bundle.json.  The
 * usual gate compares two variants of one bundle (B:nonatomic B:V): the
 * candidate then borrows the baseline's bundle rather than parse its
 * tens of megabytes again (@other: the side parsed first, or NULL).
 */
static int parse_side(const char *arg, struct side *s,
		      const struct side *other, char *err, size_t len)
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
	if (other && other->b && same_dir(other->spec, s->spec)) {
		s->b = other->b;
		s->borrowed = true;
		return 0;
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

static void fmt_mde(char *buf, size_t len, double mde)
{
	if (isnan(mde))
		snprintf(buf, len, "%s", "n/a");
	else if (isinf(mde))
		snprintf(buf, len, "%s", "none");
	else
		snprintf(buf, len, "%.1f%%", mde * 100);
}

/*
 * The mark of a row, one meaning per word on every surface:
 * "*significant*" is the decision (slower or faster: Holm p < alpha and
 * the 95% interval past the threshold and the controls' floor);
 * "nonzero" is Holm p < alpha alone, a change the test sees but does not
 * show past them.
 */
static const char *tp_mark(const struct tp_row *r)
{
	if (r->c.status != RES_TP_SAME)
		return "*significant*";
	return r->c.significant ? "nonzero" : "";
}

/*
 * One row, LKP's columns: base ±%stddev  %change  cand ±%stddev, then
 * the Holm p and the smallest slowdown this run could have detected.
 */
static void print_row(const struct tp_row *r, const char *pair)
{
	char pct[32], padj[32], mde[32];

	fmt_pct(pct, sizeof(pct), r->c.ratio - 1);
	snprintf(padj, sizeof(padj), isnan(r->c.p_adj) ? "n/a" : "%.2g",
		 r->c.p_adj);
	fmt_mde(mde, sizeof(mde), r->c.mde);
	printf("%10.3g ±%3.0f%% %8s %-13s %10.3g ±%3.0f%%  p_adj %-7s mde %-6s %-7s %s%s\n",
	       r->base->median, r->base_cv * 100, pct, tp_mark(r),
	       r->cand->median, r->cand_cv * 100, padj, mde,
	       r->control ? "control" : "gated", pair, r->base->name);
}

/* A fraction, or null for NaN and infinity (JSON has neither). */
static json_t *num_or_null(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *row_json(const struct tp_row *r, const char *pair)
{
	return json_pack("{s:s, s:s, s:f, s:f, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:b, s:b, s:s, s:s, s:b, s:o, s:o, s:o}",
		"variant", pair, "benchmark", r->base->name, "base_median_ns",
		r->base->median, "cand_median_ns", r->cand->median, "base_cv",
		num_or_null(r->base_cv), "cand_cv", num_or_null(r->cand_cv), "ratio",
		num_or_null(r->c.ratio), "ratio_lo", num_or_null(r->c.lo),
		"ratio_hi", num_or_null(r->c.hi), "p", num_or_null(r->c.p), "p_adj",
		num_or_null(r->c.p_adj), "rounds", r->c.rounds, "nonzero",
		r->c.significant, "significant", r->c.status != RES_TP_SAME,
		"status", res_tp_status_name(r->c.status),
		"code", code_identity_name(r->identity), "control", r->control,
		"scale", num_or_null(r->c.scale), "mde", num_or_null(r->c.mde),
		"rounds_needed", r->c.rounds_needed > 0 ?
		json_integer(r->c.rounds_needed) : json_null());
}

static json_t *controls_json(const struct tp_comparison *c, const char *name)
{
	return json_pack("{s:s, s:i, s:i, s:i, s:f, s:o, s:b, s:i, s:i, s:f, s:b, s:o, s:o, s:i, s:o}",
		"variant", name, "controls", c->nr_controls, "gated",
		c->nr_gated, "layout_controls", c->nr_layout, "floor", c->floor,
		"median_abs_move", num_or_null(c->spread), "paired_by_round",
		c->paired_by_round, "rounds", c->min_rounds, "min_rounds",
		c->need_rounds, "reachable_p", c->reachable_p, "decidable",
		c->decidable, "mde_median", num_or_null(c->mde_median),
		"mde_max", num_or_null(c->mde_max), "detectable", c->nr_detect,
		"rounds_needed", c->rounds_needed > 0 ?
		json_integer(c->rounds_needed) : json_null());
}

/* The controls and the gated family's power, under the table. */
static void print_summary(const struct tp_comparison *c)
{
	char med[32], max[32], note[80];

	if (c->nr_controls)
		printf("controls: %d identical-code benchmarks%s, median |move| %.1f%%, largest nonzero move %.1f%% (the noise floor)\n",
		       c->nr_controls, tp_layout_note(c, note, sizeof(note)),
		       c->spread * 100, c->floor * 100);
	if (c->identity_known && !c->layout_known && !c->ignore_identity)
		printf("controls: code identity without layout (code.json version 1): a control may sit elsewhere in its cache lines\n");
	if (!c->nr_gated)
		return;
	fmt_mde(med, sizeof(med), c->mde_median);
	fmt_mde(max, sizeof(max), c->mde_max);
	printf("power: %.0f%% detectable (80%%) on %d of %d gated benchmarks; mde median %s, largest %s (%s)",
	       c->threshold * 100, c->nr_detect, c->nr_gated, med, max,
	       c->mde_worst ? c->mde_worst->base->name : "-");
	if (c->nr_detect < c->nr_gated && c->rounds_needed > 0)
		printf("; all of them: --rounds %d", c->rounds_needed);
	printf("\n");
}

/* Render the comparison; its finding, if any, is the gate's. */
static int tp_render(struct gate_state *g, const struct tp_comparison *cmp,
		     const char *cand, const char *pair)
{
	const struct tp_row *worst = cmp->worst;
	const char *why;
	char buf[1024];

	printf("%s: %d benchmarks gated, %d identical-code controls%s; %s\n",
	       cand, cmp->nr_gated, cmp->nr_controls,
	       cmp->ignore_identity ? " (--ignore-code-identity)" :
	       cmp->identity_known ? "" : " (no code identity in the bundle)",
	       cmp->paired_by_round ? "paired by round" :
	       "two runs: samples paired in order");
	for (int i = 0; i < cmp->nr; i++) {
		print_row(&cmp->rows[i], pair);
		json_array_append_new(g->tp, row_json(&cmp->rows[i], pair));
	}
	print_summary(cmp);
	json_array_append_new(g->controls, controls_json(cmp, cand));
	g->nr_gated += cmp->nr_gated;
	g->nr_detect += cmp->nr_detect;
	why = tp_undecided(cmp, buf, sizeof(buf));
	if (why)
		return undecidable(g, "%s%s", pair, why);
	if (worst)
		finding(g, RES_FAIL, "%s%s %+.1f%% slower (p_adj=%.2g, Holm over %d; threshold %.0f%%, controls moved <= %.1f%%)",
			pair, worst->base->name, (worst->c.ratio - 1) * 100,
			worst->c.p_adj, cmp->nr_gated, cmp->threshold * 100,
			cmp->floor * 100);
	return 0;
}

static bool same_bundle(struct bundle *a, struct bundle *b);

static int gate_throughput(struct gate_state *g, const struct gate_opts *o,
			   const struct gate_pair *p)
{
	struct compare_rules rules = o->rules;
	struct tp_comparison cmp;
	int ret;

	if (!p->base->tp || !p->cand->tp)
		return undecidable(g, "%s has no throughput results (part failed or missing)",
				   !p->base->tp ? p->base->name : p->cand->name);
	rules.same_bundle = same_bundle(p->b1, p->b2);
	rules.emulated = p->b1->emulated || p->b2->emulated;
	tp_comparison_build(p->base, p->cand, &rules, &cmp);
	if (tp_not_gated(&cmp)) {
		json_array_append_new(g->notes, json_string(tp_not_gated(&cmp)));
		printf("%s%s\n", p->pair, tp_not_gated(&cmp));
		tp_comparison_free(&cmp);
		return 0;
	}
	if (!cmp.nr) {
		tp_comparison_free(&cmp);
		return undecidable(g, "no benchmark in common between %s and %s",
				   p->base->name, p->cand->name);
	}
	printf("%17s %8s %13s %17s\n", p->base->name, "%change", "",
	       p->cand->name);
	ret = tp_render(g, &cmp, p->cand->name, p->pair);
	tp_comparison_free(&cmp);
	return ret;
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

static void print_race_change(const struct race_row *w, double floor)
{
	const struct race_result *br = w->br, *cr = w->cr;
	const struct res_rate_cmp *c = &w->c;
	char ratio[96];

	race_ratio_text(w, ratio, sizeof(ratio));
	if (cr->bad == 0 && br->bad > 0)
		printf("  0 in %.0f, candidate/baseline ratio %s%s; baseline %.0f in %.0f, p=%.2g: %s\n",
		       cr->trials, ratio,
		       c->standardised ? ", standardised to the candidate's window bins" : "",
		       br->bad, br->trials, c->p, res_change_name(c->change));
	else if (c->change != RES_NO_EVENTS)
		printf("  rate ratio candidate/baseline %s%s, p=%.2g: %s\n",
		       ratio, c->standardised ? ", standardised" : "", c->p,
		       res_change_name(c->change));
	if (c->standardised && c->unmatched_trials > 0 &&
	    c->change != RES_NO_EVENTS)
		printf("    %.0f of its trials in bins the baseline never tried: at the baseline's overall rate\n",
		       c->unmatched_trials);
	if (w->control && c->change != RES_NO_EVENTS)
		printf("    control: identical code in both builds, its move is drift\n");
	else if (race_row_within_drift(w, floor))
		printf("    within the drift of identical-code races (x%.3g..x%.3g): same\n",
		       exp(-floor), exp(floor));
	if (race_row_state_differs(w))
		printf("    the two ran in different states of the machine: cross-CPU latency %.0f ns against %.0f ns (x%.2g): rates compare the machine too\n",
		       br->xcpu_ns, cr->xcpu_ns, w->state_ratio);
}

static json_t *race_row_json(const char *pair, const struct race_row *w,
			     double floor)
{
	const struct race_result *br = w->br, *cr = &w->cand;
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
		"code", code_identity_name(w->identity), "control", w->control, "drift_floor",
		exp(floor), "verdict", res_verdict_name(cr->d.verdict));

	json_object_set_new(j, "cand_reached_trials", json_real(cr->reached));
	json_object_set_new(j, "cand_xcpu_ns", num_or_null(cr->xcpu_ns));
	json_object_set_new(j, "base_xcpu_ns", br ? num_or_null(br->xcpu_ns) : json_null());
	json_object_set_new(j, "state_differs", json_boolean(race_row_state_differs(w)));
	json_object_set_new(j, "exposure", json_string(res_exposure_name(cr->d.exposure)));
	json_object_set_new(j, "needed_reached_trials", json_real(cr->d.needed));
	json_object_set_new(j, "reference", cr->has_ref ?
			    json_string(cr->ref.variant) : json_null());
	return j;
}

/* What the gate says of a race, by its finding (compare.c decides it). */
static void say_seen(struct gate_state *g, const char *pair,
		     const struct race_row *w)
{
	finding(g, RES_FAIL, "%s%s: forbidden outcome observed in %.0f of %.0f trials",
		pair, w->cr->scenario, w->cr->bad, w->cr->trials);
}

static void say_unexposed(struct gate_state *g, const char *pair,
			  const struct race_row *w)
{
	const struct race_result *r = &w->cand;

	gate_unexposed(g, "%s%s: forbidden, 0 bad, but only %.0f trials reached the window where %.0f are needed to have seen the %s rate (%.0f bad in %.0f reached): undecided",
		       pair, r->scenario, r->reached, r->d.needed,
		       r->has_ref ? r->ref.variant : "pre-fix", r->ref.bad,
		       r->ref.reached);
}

static void say_short(struct gate_state *g, const char *pair,
		      const struct race_row *w)
{
	finding(g, RES_WARN, "%s%s: expected to reproduce; 0 in %.0f trials, but at the baseline's rate (%.0f in %.0f) only %.2g were expected: too short, a 95%% chance needs >= %.0f trials",
		pair, w->cr->scenario, w->cr->trials, w->br->bad,
		w->br->trials, w->expected, w->needed);
}

static void say_unseen(struct gate_state *g, const char *pair,
		       const struct race_row *w)
{
	finding(g, RES_WARN, "%s%s: expected to reproduce, not observed in %.0f trials",
		pair, w->cr->scenario, w->cr->trials);
}

static void (*const race_says[])(struct gate_state *, const char *,
				 const struct race_row *) = {
	[RF_SEEN] = say_seen,
	[RF_UNEXPOSED] = say_unexposed,
	[RF_SHORT] = say_short,
	[RF_UNSEEN] = say_unseen,
};

static void races_render(struct gate_state *g, const struct race_comparison *rc,
			 const char *pair)
{
	if (rc->nr_controls)
		printf("race controls: %d of %d races run identical code, largest nonzero move x%.3g (the drift floor)\n",
		       rc->nr_controls, rc->nr, exp(rc->floor));
	for (int i = 0; i < rc->nr; i++) {
		const struct race_row *w = &rc->rows[i];

		observation("candidate", &w->cand);
		if (w->br)
			print_race_change(w, rc->floor);
		if (race_row_state_differs(w))
			json_array_append_new(g->notes, json_sprintf(
				"%s%s (%s): the baseline's cross-CPU latency was %.0f ns, the candidate's %.0f ns (x%.2g): different states of the machine",
				pair, w->cr->scenario, w->cr->pair_class,
				w->br->xcpu_ns, w->cr->xcpu_ns, w->state_ratio));
		json_array_append_new(g->races, race_row_json(pair, w, rc->floor));
		if (race_says[w->finding])
			race_says[w->finding](g, pair, w);
	}
	for (int i = 0; i < rc->nr_base_only; i++)
		finding(g, RES_WARN, "%s%s (%s) ran in the baseline only", pair,
			rc->base_only[i]->scenario, rc->base_only[i]->pair_class);
}

static int gate_races(struct gate_state *g, const struct gate_opts *o,
		      const struct gate_pair *p)
{
	struct race_comparison rc;

	race_comparison_build(p->base, p->cand, &o->rules, &rc);
	if (!rc.present)
		return undecidable(g, "%s has no race results (part failed or missing)",
				   !p->base->races_present ? p->base->name :
				   p->cand->name);
	races_render(g, &rc, p->pair);
	race_comparison_free(&rc);
	return 0;
}

/* What the gate compares: `--only NAME` picks one. */
static const struct gate_kind {
	const char *name;
	int (*gate)(struct gate_state *, const struct gate_opts *,
		    const struct gate_pair *);
} gate_kinds[] = {
	{ "throughput", gate_throughput },
	{ "races", gate_races },
};
#define NR_GATE_KINDS (sizeof(gate_kinds) / sizeof(gate_kinds[0]))

static int gate_one(struct gate_state *g, const struct gate_opts *o,
		    struct bundle *b1, struct variant_data *base,
		    struct bundle *b2, struct variant_data *cand, bool prefix)
{
	struct gate_pair p = { b1, base, b2, cand, "" };

	if (prefix)
		snprintf(p.pair, sizeof(p.pair), "%s: ", cand->name);
	printf("\n%s against %s\n", cand->name, base->name);
	for (size_t k = 0; k < NR_GATE_KINDS; k++)
		if (!o->only || !strcmp(o->only, gate_kinds[k].name))
			if (gate_kinds[k].gate(g, o, &p))
				return -1;
	return 0;
}

static bool same_bundle(struct bundle *a, struct bundle *b)
{
	return a == b || same_dir(a->dir, b->dir);
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
		return gate_one(g, o, bs->b, base, cs->b, cand, false);
	}
	for (i = 0; i < cs->b->nr_variants; i++) {
		cand = &cs->b->v[i];
		base = bundle_variant(bs->b, cand->name);
		if (!base)
			continue;
		if (gate_one(g, o, bs->b, base, cs->b, cand, true))
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
	      "           [--alpha A] [--only KIND] [--ignore-code-identity]\n"
	      "           [--json FILE]\n"
	      "  BASELINE, CANDIDATE: a bundle directory, or BUNDLE:VARIANT\n"
	      "  --threshold PCT      smallest slowdown that fails (5): a change\n"
	      "                       is *significant* (and a slowdown fails) when\n"
	      "                       it is nonzero (Holm p < alpha) and the 95%\n"
	      "                       interval of its Hodges-Lehmann ratio\n"
	      "                       (of the per-round log ratios, a round's the\n"
	      "                       median over its turns) reaches past PCT and\n"
	      "                       past what the identical-code controls moved\n"
	      "  --alpha A            family-wise error over one comparison's\n"
	      "                       benchmarks: exact Wilcoxon signed-rank on the\n"
	      "                       per-round log ratios, Holm-adjusted (0.05)\n"
	      "  --ignore-code-identity\n"
	      "                       judge every benchmark by its measurements\n"
	      "                       alone; by default a benchmark whose machine\n"
	      "                       code is identical in both builds (code.json)\n"
	      "                       is a control: never gated, and if one moves\n"
	      "                       past the threshold the run cannot decide (2):\n"
	      "                       too noisy, or layout when the same bytes sit\n"
	      "                       elsewhere in the cache lines\n"
	      "  --only KIND          gate one kind only:", f);
	for (size_t k = 0; k < NR_GATE_KINDS; k++)
		fprintf(f, " %s", gate_kinds[k].name);
	fputs("\n"
	      "Power: each gated benchmark's mde is the smallest slowdown the run\n"
	      "detects with power 0.8 at alpha / k (Holm's first step), from the\n"
	      "spread of its per-round log ratios; the gate prints the --rounds the\n"
	      "threshold needs.  With n rounds the smallest p is 2/2^n: fewer rounds\n"
	      "than k gated benchmarks need (k * 2/2^n < alpha) is undecidable (2).\n"
	      "  --json FILE          write the findings as JSON (format flagbench-gate)\n"
	      "Races: exact conditional binomial rate comparison (standardised to\n"
	      "the candidate's window bins when both carry them, a bin the\n"
	      "baseline never tried at its overall rate); races of identical\n"
	      "code are controls, and a change (lower, higher, closed, opened)\n"
	      "must lie past their largest nonzero move (the drift floor); the\n"
	      "verdict is the expectation's, on the engine's bad_trials, a\n"
	      "forbidden zero sized by the baseline's in-window rate.\n"
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

static const char *gate_kind(const char *name)
{
	for (size_t k = 0; k < NR_GATE_KINDS; k++)
		if (!strcmp(name, gate_kinds[k].name))
			return gate_kinds[k].name;
	return NULL;
}

/* One option with its value: 0, or -1 (said). */
static int gate_option(struct gate_opts *o, const char *a, const char *val)
{
	double v;

	if (!strcmp(a, "--threshold") && !parse_num(val, 0, 1000, &v))
		o->rules.threshold = v / 100;
	else if (!strcmp(a, "--alpha") && !parse_num(val, 1e-9, 0.5, &v))
		o->rules.alpha = v;
	else if (!strcmp(a, "--json"))
		o->json = val;
	else if (!strcmp(a, "--only") && gate_kind(val))
		o->only = gate_kind(val);
	else {
		fb_err("gate: bad option or value: %s %s", a, val);
		return -1;
	}
	return 0;
}

static int gate_parse(int argc, char **argv, struct gate_opts *o,
		      const char **pos)
{
	int i, npos = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			exit(gate_usage(stdout));
		if (!strcmp(a, "--ignore-code-identity")) {
			o->rules.ignore_identity = true;
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
		if (gate_option(o, a, val))
			return -1;
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

/* PASS says how much a slowdown could have hidden. */
static void pass_reason(struct gate_state *g, const struct gate_opts *o)
{
	char power[160] = "";

	if (g->nr_detect < g->nr_gated)
		snprintf(power, sizeof(power), " (%.0f%% detectable on %d of %d gated benchmarks; see their mde)",
			 o->rules.threshold * 100, g->nr_detect, g->nr_gated);
	snprintf(g->reason, sizeof(g->reason),
		 "no *significant* slowdown%s, race expectations met", power);
}

static json_t *gate_json(struct gate_state *g, const struct gate_opts *o,
			 struct side *bs, struct side *cs, bool undecided)
{
	const struct compare_rules *r = &o->rules;

	return json_pack("{s:s, s:i, s:o, s:o, s:{s:f, s:f, s:i, s:s, s:s, s:b}, s:s, s:s, s:o, s:o, s:o, s:o, s:o}",
		"format", "flagbench-gate", "version", GATE_JSON_VERSION,
		"baseline", side_json(bs), "candidate", side_json(cs),
		"thresholds", "threshold_pct", r->threshold * 100, "alpha",
		r->alpha, "min_rounds", res_paired_min_rounds(r->alpha, 1),
		"test", "exact Wilcoxon signed-rank on per-round log ratios",
		"multiplicity", "holm", "ignore_code_identity",
		r->ignore_identity, "verdict",
		undecided ? "UNDECIDABLE" : res_verdict_name(g->verdict),
		"reason", undecided ? g->undecidable : g->reason,
		"findings", json_incref(g->findings), "throughput",
		json_incref(g->tp), "controls", json_incref(g->controls),
		"races", json_incref(g->races), "notes", json_incref(g->notes));
}

/* The verdict from the findings: exit status, and gate.json if asked. */
static int gate_end(struct gate_state *g, const struct gate_opts *o,
		    struct side *bs, struct side *cs)
{
	int ret;

	/* A forbidden outcome seen decides; a thin zero leaves it open. */
	if (!g->undecidable[0] && g->unexposed[0] && g->verdict != RES_FAIL)
		undecidable(g, "%s", g->unexposed);
	if (g->undecidable[0]) {
		ret = EXIT_ERROR;
		fb_err("gate: undecidable: %s", g->undecidable);
	} else {
		ret = g->verdict == RES_FAIL ? EXIT_FAIL : EXIT_PASS;
		if (!g->reason[0])
			pass_reason(g, o);
		printf("\n%s: %s\n", res_verdict_name(g->verdict), g->reason);
	}
	if (o->json) {
		json_t *out = gate_json(g, o, bs, cs, ret == EXIT_ERROR);

		if (write_json_atomic(out, o->json, false))
			ret = EXIT_ERROR;
		json_decref(out);
	}
	return ret;
}

int cmd_gate(int argc, char **argv)
{
	struct gate_opts o = { .rules = { .threshold = 0.05, .alpha = 0.05 } };
	struct gate_state g = { .verdict = RES_PASS };
	struct side bs = { 0 }, cs = { 0 };
	const char *pos[2];
	char err[1024];
	int ret;

	if (gate_parse(argc, argv, &o, pos))
		return EXIT_ERROR;
	g.tp = json_array();
	g.controls = json_array();
	g.findings = json_array();
	g.races = json_array();
	g.notes = json_array();
	if (parse_side(pos[0], &bs, NULL, err, sizeof(err)) ||
	    parse_side(pos[1], &cs, &bs, err, sizeof(err)))
		undecidable(&g, "%s", err);
	else
		printf("gate: baseline %s, candidate %s\n"
		       "throughput: per-round ratios paired by turn, exact Wilcoxon signed-rank, Holm alpha %g, threshold %.1f%%, mde at 80%% power; >= %d rounds for one gated benchmark, more for k (k * 2/2^n < alpha)%s\n",
		       pos[0], pos[1], o.rules.alpha, o.rules.threshold * 100,
		       res_paired_min_rounds(o.rules.alpha, 1),
		       o.rules.ignore_identity ? ", code identity ignored" : "");
	if (!g.undecidable[0])
		run_gate(&g, &o, &bs, &cs);
	ret = gate_end(&g, &o, &bs, &cs);
	json_decref(g.tp), json_decref(g.races), json_decref(g.notes);
	json_decref(g.controls), json_decref(g.findings);
	bundle_free(bs.b);
	if (!cs.borrowed)
		bundle_free(cs.b);
	return ret;
}

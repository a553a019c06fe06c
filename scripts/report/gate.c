// SPDX-License-Identifier: GPL-2.0
/*
 * The gate: candidate against baseline, two variants of one bundle or the
 * same variants of two bundles.  A slowdown fails only when it is both
 * significant (Mann-Whitney U over the repetitions, as Google Benchmark's
 * compare.py) and larger than the minimum effect; a forbidden race observed
 * fails; a reproduce expectation not met warns.  Anything that keeps the
 * question from being answered is exit 2 with the reason in one line.
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
	int min_reps;
	bool races, throughput;
	const char *json;
};

struct gate_state {
	enum verdict verdict;
	char reason[512];	/* of the worst finding so far */
	char undecidable[512];
	json_t *tp, *races, *notes;
};

struct side {
	struct bundle *b;
	const char *variant;	/* NULL: every variant */
	char spec[4096];
};

void tp_compare(const struct tp_bench *base, const struct tp_bench *cand,
		double alpha, struct tp_cmp *c)
{
	memset(c, 0, sizeof(*c));
	c->change = base->median > 0 ? cand->median / base->median - 1 : NAN;
	c->base_cv = base->mean > 0 ? base->stddev / base->mean : NAN;
	c->cand_cv = cand->mean > 0 ? cand->stddev / cand->mean : NAN;
	c->p = NAN;
	if (base->nreps >= 2 && cand->nreps >= 2)
		c->p = mann_whitney_u(base->ns, base->nreps, cand->ns,
				      cand->nreps, NULL, &c->exact);
	c->significant = !isnan(c->p) && c->p < alpha;
}

static void finding(struct gate_state *g, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finding(struct gate_state *g, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	if (v <= g->verdict && g->reason[0])
		return;
	g->verdict = v;
	va_start(ap, fmt);
	vsnprintf(g->reason, sizeof(g->reason), fmt, ap);
	va_end(ap);
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
	s->b = bundle_load(s->spec, err, len);
	return s->b ? 0 : -1;
}

static void fmt_pct(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "%s", "n/a");
	else
		snprintf(buf, len, "%+.1f%%", v * 100);
}

/* One benchmark, LKP's columns: base ±%stddev  %change  cand ±%stddev. */
static void gate_bench(struct gate_state *g, const struct gate_opts *o,
		       const char *pair, struct tp_bench *bb,
		       struct tp_bench *cb)
{
	struct tp_cmp c;
	const char *status = "same";
	char pct[32];

	tp_compare(bb, cb, o->alpha, &c);
	if (c.significant && c.change > o->threshold)
		status = "slower";
	else if (c.significant && c.change < -o->threshold)
		status = "faster";
	fmt_pct(pct, sizeof(pct), c.change);
	printf("%10.3g ±%3.0f%% %8s %-13s %10.3g ±%3.0f%%  %s%s\n", bb->median,
	       c.base_cv * 100, pct,
	       c.significant ? "*significant*" : "", cb->median,
	       c.cand_cv * 100, pair, bb->name);
	json_array_append_new(g->tp, json_pack(
		"{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:o, s:b, s:b, s:i, s:i, s:s}",
		"variant", pair, "benchmark", bb->name, "base_median_ns",
		bb->median, "cand_median_ns", cb->median, "change",
		isnan(c.change) ? 0 : c.change, "base_cv",
		isnan(c.base_cv) ? 0 : c.base_cv, "cand_cv",
		isnan(c.cand_cv) ? 0 : c.cand_cv, "p",
		isnan(c.p) ? json_null() : json_real(c.p), "exact", c.exact,
		"significant", c.significant, "base_repetitions", bb->nreps,
		"cand_repetitions", cb->nreps, "status", status));
	if (!strcmp(status, "slower"))
		finding(g, V_FAIL, "%s%s %s slower (p=%.3g, threshold %.0f%%)",
			pair, bb->name, pct, c.p, o->threshold * 100);
}

static int gate_throughput(struct gate_state *g, const struct gate_opts *o,
			   struct bundle *b1, struct variant_data *base,
			   struct bundle *b2, struct variant_data *cand,
			   const char *pair)
{
	int i, n = 0;

	if (!base->tp || !cand->tp)
		return undecidable(g, "%s has no throughput results (part failed or missing)",
				   !base->tp ? base->name : cand->name);
	if (b1->emulated || b2->emulated) {
		json_array_append_new(g->notes, json_string(
			"emulated (qemu): throughput is functional, not hardware; not gated"));
		printf("%s: emulated (qemu): throughput not gated\n", pair);
		return 0;
	}
	for (i = 0; i < base->tp->nr; i++) {
		struct tp_bench *bb = &base->tp->b[i];
		struct tp_bench *cb = tp_find(cand->tp, bb->name);

		if (!cb)
			continue;
		if (bb->nreps < o->min_reps || cb->nreps < o->min_reps)
			return undecidable(g,
				"too few repetitions for %s (%d and %d, need %d for p < %g): rerun with --repetitions %d",
				bb->name, bb->nreps, cb->nreps, o->min_reps,
				o->alpha, o->min_reps);
		gate_bench(g, o, pair, bb, cb);
		n++;
	}
	if (!n)
		return undecidable(g, "no benchmark in common between %s and %s",
				   base->name, cand->name);
	return 0;
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

/* litmus7's Observation line: NAME Never|Sometimes|Always POS NEG. */
static void observation(const char *who, const struct race_result *r)
{
	const char *word = r->bad_count == 0 ? "Never" :
			   r->bad_count >= r->trials ? "Always" : "Sometimes";

	printf("Observation %s %s %.0f %.0f\n", r->scenario, word, r->bad_count,
	       r->trials - r->bad_count);
	if (r->bad_count)
		printf("  %s, %s: %.3g/M, 95%% %.3g..%.3g\n", who, r->pair_class,
		       r->bad_count / r->trials * 1e6, r->bad_lo, r->bad_hi);
	else
		printf("  %s, %s: none, 95%% <= %.3g/M\n", who, r->pair_class,
		       r->bad_hi);
}

static void gate_race(struct gate_state *g, const char *pair,
		      struct race_result *br, struct race_result *cr)
{
	enum verdict v = result_verdict(cr);
	double ratio = NAN, lo = NAN, hi = NAN;
	const char *change = "same";

	observation("candidate", cr);
	if (br) {
		rate_ratio_ci(cr->bad_count, cr->trials, br->bad_count,
			      br->trials, 0.05, &ratio, &lo, &hi);
		if (br->bad_count > 0 && cr->bad_count == 0) {
			change = "closed";
			printf("  closed: baseline %.0f in %.0f, candidate none; rate ratio 0 (95%% <= %.3g)\n",
			       br->bad_count, br->trials, hi);
		} else if (br->bad_count == 0 && cr->bad_count > 0) {
			change = "opened";
		} else if (br->bad_count > 0) {
			printf("  rate ratio candidate/baseline %.3g (95%% %.3g..%.3g)\n",
			       ratio, lo, hi);
		}
	}
	json_array_append_new(g->races, json_pack(
		"{s:s, s:s, s:s, s:s, s:f, s:f, s:o, s:o, s:s, s:o, s:o, s:o, s:s}",
		"variant", pair, "scenario", cr->scenario, "pair_class",
		cr->pair_class, "expectation", cr->expectation, "cand_bad",
		cr->bad_count, "cand_trials", cr->trials, "base_bad",
		br ? json_real(br->bad_count) : json_null(), "base_trials",
		br ? json_real(br->trials) : json_null(), "change", change,
		"rate_ratio", isfinite(ratio) ? json_real(ratio) : json_null(),
		"rate_ratio_lo", isfinite(lo) ? json_real(lo) : json_null(),
		"rate_ratio_hi", isfinite(hi) ? json_real(hi) : json_null(),
		"verdict", verdict_name(v)));
	if (v == V_FAIL)
		finding(g, V_FAIL, "%s%s: forbidden outcome observed %.0f times in %.0f trials",
			pair, cr->scenario, cr->bad_count, cr->trials);
	else if (v == V_WARN)
		finding(g, V_WARN, "%s%s: expected to reproduce, not observed in %.0f trials",
			pair, cr->scenario, cr->trials);
}

static int gate_races(struct gate_state *g, struct variant_data *base,
		      struct variant_data *cand, const char *pair)
{
	int i;

	if (!base->races_present || !cand->races_present)
		return undecidable(g, "%s has no race results (part failed or missing)",
				   !base->races_present ? base->name : cand->name);
	for (i = 0; i < cand->nr_races; i++)
		gate_race(g, pair, race_match(base, &cand->races[i]),
			  &cand->races[i]);
	for (i = 0; i < base->nr_races; i++)
		if (!race_match(cand, &base->races[i]))
			finding(g, V_WARN, "%s%s (%s) ran in the baseline only", pair,
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
	if (o->races && gate_races(g, base, cand, pair))
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
	      "           [--alpha A] [--min-repetitions N] [--only throughput|races]\n"
	      "           [--json FILE]\n"
	      "  BASELINE, CANDIDATE: a bundle directory, or BUNDLE:VARIANT\n"
	      "  --threshold PCT      smallest slowdown of the median ns/op that fails (5)\n"
	      "  --alpha A            significance level of Mann-Whitney U (0.05)\n"
	      "  --min-repetitions N  fewer repetitions is undecidable (default: the\n"
	      "                       fewest for which the exact test can reach alpha)\n"
	      "  --only KIND          gate throughput or races only\n"
	      "  --json FILE          write the findings as JSON (format flagbench-gate)\n"
	      "Exit: 0 pass (PASS or WARN), 1 fail, 2 undecidable or error.\n", f);
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
		} else if (!strcmp(a, "--min-repetitions") &&
			   !parse_num(val, 2, 1e6, &v)) {
			o->min_reps = (int)v;
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
	struct gate_state g = { .verdict = V_PASS };
	struct side bs = { 0 }, cs = { 0 };
	const char *pos[2];
	char err[1024];
	int ret, n;
	json_t *out;

	if (gate_parse(argc, argv, &o, pos))
		return EXIT_ERROR;
	if (!o.min_reps) {
		for (n = 2; n < 1000 && !(mwu_min_p(n) < o.alpha); n++)
			;
		o.min_reps = n;
	}
	g.tp = json_array();
	g.races = json_array();
	g.notes = json_array();
	if (parse_side(pos[0], &bs, err, sizeof(err)) ||
	    parse_side(pos[1], &cs, err, sizeof(err)))
		undecidable(&g, "%s", err);
	else
		printf("gate: baseline %s, candidate %s\n"
		       "throughput: median ns/op, Mann-Whitney U alpha %g, threshold %.1f%%, >= %d repetitions\n",
		       pos[0], pos[1], o.alpha, o.threshold * 100, o.min_reps);
	if (!g.undecidable[0])
		run_gate(&g, &o, &bs, &cs);
	if (g.undecidable[0]) {
		ret = EXIT_ERROR;
		fb_err("gate: undecidable: %s", g.undecidable);
	} else {
		ret = g.verdict == V_FAIL ? EXIT_FAIL : EXIT_PASS;
		if (!g.reason[0])
			snprintf(g.reason, sizeof(g.reason), "%s",
				 "no significant slowdown above the threshold, race expectations met");
		printf("\n%s: %s\n", verdict_name(g.verdict), g.reason);
	}
	if (o.json) {
		out = json_pack("{s:s, s:i, s:o, s:o, s:{s:f, s:f, s:i}, s:s, s:s, s:o, s:o, s:o}",
			"format", "flagbench-gate", "version", 1, "baseline",
			side_json(&bs), "candidate", side_json(&cs), "thresholds",
			"threshold_pct", o.threshold * 100, "alpha", o.alpha,
			"min_repetitions", o.min_reps, "verdict",
			ret == EXIT_ERROR ? "UNDECIDABLE" : verdict_name(g.verdict),
			"reason", ret == EXIT_ERROR ? g.undecidable : g.reason,
			"throughput", g.tp, "races", g.races, "notes", g.notes);
		if (write_json_atomic(out, o.json))
			ret = EXIT_ERROR;
		json_decref(out);
	} else {
		json_decref(g.tp), json_decref(g.races), json_decref(g.notes);
	}
	bundle_free(bs.b);
	bundle_free(cs.b);
	return ret;
}

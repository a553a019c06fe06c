// SPDX-License-Identifier: GPL-2.0
/*
 * The plain-text summary: fits a mailing-list reply (72 columns), in the
 * forms kernel people already read: LKP's "base ±%stddev  %change  new
 * ±%stddev", mmtests' *significant*, litmus7's Observation lines.  It
 * renders the bundle's results and the comparisons compare.c built, in
 * the words the gate and the page use (reports/FORMAT.md, "Words").
 */
#include <math.h>
#include <string.h>
#include "report.h"

/* @text on lines of at most 72 columns, each indented by four spaces. */
static void wrapped(FILE *f, const char *text)
{
	size_t n = strlen(text), at = 0;

	while (at < n) {
		size_t len = n - at > 68 ? 68 : n - at;

		/* Break at the last space that fits, if there is one. */
		if (at + len < n)
			for (size_t k = len; k > 20; k--)
				if (text[at + k] == ' ') {
					len = k;
					break;
				}
		fprintf(f, "    %.*s\n", (int)len, text + at);
		at += len;
		while (text[at] == ' ')
			at++;
	}
}

static void machine_lines(struct bundle *b, FILE *f)
{
	json_t *m = json_object_get(b->j, "machine");
	json_t *s = json_object_get(b->j, "suite");

	fprintf(f, "machine:  %s%s, %.50s\n", b->arch,
		b->emulated ? " emulated (qemu): functional, not hardware" : "",
		b->cpu_model);
	fprintf(f, "          %d CPUs, %d packages, %d cores, %s, %d NUMA node(s)\n",
		(int)jnum(m, "cpus", 0), (int)jnum(m, "packages", 0),
		(int)jnum(m, "cores", 0),
		json_is_true(json_object_get(m, "smt")) ? "SMT" : "no SMT",
		(int)jnum(m, "numa_nodes", 1));
	fprintf(f, "kernel:   %.60s\n", jstr(m, "kernel", "?"));
	fprintf(f, "compiler: %.20s %.40s\n", jstr(m, "compiler", "?"),
		jstr(m, "cflags", ""));
	fprintf(f, "suite:    %.12s%s, profile %s\n", jstr(s, "commit", "?"),
		json_is_true(json_object_get(s, "dirty")) ? " (dirty)" : "",
		b->profile);
}

/*
 * Under a variant's rows: why it cannot decide, or what it could detect:
 * every gated benchmark whose minimum detectable effect is past the
 * threshold is named (a slowdown that size could hide there).
 */
static void power_lines(FILE *f, const struct tp_comparison *c)
{
	char buf[1024];
	const char *why = tp_undecided(c, buf, sizeof(buf));
	int k, listed = 0;

	if (why) {
		fputs("  undecided:\n", f);
		wrapped(f, why);
		return;
	}
	if (!c->nr_gated)
		return;
	fprintf(f, "  power: %.0f%% detectable (80%%) on %d of %d gated;\n"
		   "  mde median %.1f%%%s\n", c->threshold * 100, c->nr_detect,
		c->nr_gated, c->mde_median * 100,
		c->nr_detect < c->nr_gated ? ", past the threshold:" : "");
	for (k = 0; k < c->nr && listed < 8; k++) {
		const struct tp_row *r = &c->rows[k];

		if (r->control || !(r->c.mde > c->threshold))
			continue;
		if (isinf(r->c.mde))
			fprintf(f, "    %-58.58s none\n", r->base->name);
		else
			fprintf(f, "    %-58.58s %4.0f%%\n", r->base->name,
				r->c.mde * 100);
		listed++;
	}
	if (c->nr_gated - c->nr_detect > listed)
		fprintf(f, "    (and %d more)\n", c->nr_gated - c->nr_detect - listed);
	if (c->nr_detect < c->nr_gated && c->rounds_needed > 0)
		fprintf(f, "  %.0f%% on every one needs --rounds %d\n",
			c->threshold * 100, c->rounds_needed);
}

static void controls_lines(FILE *f, const struct tp_comparison *c)
{
	char note[80];

	if (!c->identity_known || c->ignore_identity)
		return;
	fprintf(f, "  controls: %d identical-code, median |move| %.1f%%,\n"
		   "  largest nonzero %.1f%%%s\n",
		c->nr_controls, c->spread * 100, c->floor * 100,
		tp_layout_note(c, note, sizeof(note)));
}

/* A decided row: the benchmark, then LKP's columns and the mark. */
static void tp_row_lines(FILE *f, const struct tp_row *r)
{
	fprintf(f, "  %.68s\n", r->base->name);
	fprintf(f, "%14.4g ±%3.0f%%   %+7.1f%% %14.4g ±%3.0f%%  *significant*\n",
		r->base->median, r->base_cv * 100, (r->c.ratio - 1) * 100,
		r->cand->median, r->cand_cv * 100);
}

/* One variant against the baseline: its *significant* rows, then the rest counted. */
static void tp_comparison_lines(FILE *f, const char *base_name,
				const struct variant_data *v,
				const struct tp_comparison *c)
{
	int k, same = 0, nonzero = 0;

	fprintf(f, "\n%14s ±%%stddev   %%change %14s ±%%stddev\n", base_name,
		v->name);
	if (tp_not_gated(c)) {
		wrapped(f, tp_not_gated(c));
		return;
	}
	for (k = 0; k < c->nr; k++) {
		const struct tp_row *r = &c->rows[k];

		if (r->c.status != RES_TP_SAME) {
			tp_row_lines(f, r);
			continue;
		}
		same++;
		nonzero += r->c.significant;
	}
	if (c->decidable)
		fprintf(f, "  (%d benchmark%s not *significant*, %d of them nonzero)\n",
			same, same == 1 ? "" : "s", nonzero);
	controls_lines(f, c);
	power_lines(f, c);
}

static void throughput_lines(struct bundle *b, const struct bundle_comparisons *bc,
			     FILE *f)
{
	const struct compare_rules *ru = &bc->rules;

	if (!bc->base || !bc->base->tp) {
		fprintf(f, "\nThroughput: no results for the baseline %s\n",
			bc->baseline);
		return;
	}
	fprintf(f, "\nThroughput: ns/op; change vs %s, Hodges-Lehmann ratio of\n"
		   "samples paired by round; *significant*: slower or faster,\n"
		   "Holm p < %g (exact Wilcoxon signed-rank) and the 95%% interval\n"
		   "past %.0f%% and the controls; nonzero: Holm p < %g alone;\n"
		   "mde: the smallest slowdown detectable with 80%% power\n",
		bc->baseline, ru->alpha, ru->threshold * 100, ru->alpha);
	for (int i = 0; i < b->nr_variants; i++) {
		struct variant_data *v = &b->v[i];

		if (v == bc->base)
			continue;
		if (!v->tp)
			fprintf(f, "\n%s: no throughput results\n", v->name);
		else
			tp_comparison_lines(f, bc->baseline, v, &bc->tp[i]);
	}
}

/*
 * How it happened: the first witness of each outcome, 72 columns (the
 * page draws them all); the others are counted.
 */
static void witness_lines(FILE *f, const struct race_result *r)
{
	char why[256];

	if (race_witness_missing(r, why, sizeof(why)))
		wrapped(f, why);
	for (int i = 0; i < r->nr_witnesses; i++) {
		int more = 0, k;

		for (k = 0; k < i; k++)
			if (!strcmp(r->w[k].outcome, r->w[i].outcome))
				break;
		if (k < i)
			continue;	/* not the first of its outcome */
		for (k = i + 1; k < r->nr_witnesses; k++)
			more += !strcmp(r->w[k].outcome, r->w[i].outcome);
		race_witness_print(f, r, &r->w[i], 72);
		if (more)
			fprintf(f, "(%d more of %s in races.json and on the page)\n",
				more, r->w[i].outcome);
	}
}

/*
 * One result: litmus7's line, the model's word, the rate or its bound,
 * the trials that reached the window and what the verdict is worth.
 */
static void race_line(const struct variant_data *v, const struct race_result *r,
		      FILE *f)
{
	char worth[256];
	const char *seq = race_result_sequential(r);

	if (r->d.exposure == RES_STRUCTURAL)
		fprintf(f, "Observation %.24s Structural\n", r->scenario);
	else
		fprintf(f, "Observation %.24s %s %.0f %.0f\n", r->scenario,
			r->d.observation, r->bad, r->trials - r->bad);
	if (r->lkmm_verdict)	/* the model's word beside it */
		fprintf(f, "  LKMM %s (%.60s)\n", r->lkmm_verdict,
			r->lkmm_twin ? r->lkmm_twin : "");
	if (r->bad)
		fprintf(f, "  %.21s/%s: %.3g/M [%.3g, %.3g], %s\n", v->name,
			r->pair_class, r->bad / r->trials * 1e6, r->d.lo * 1e6,
			r->d.hi * 1e6, expectation_name(r->expect));
	else if (r->d.exposure != RES_STRUCTURAL)
		fprintf(f, "  %.21s/%s: <= %.3g/M, %s\n", v->name, r->pair_class,
			r->d.hi * 1e6, expectation_name(r->expect));
	else
		fprintf(f, "  %.21s/%s: %s\n", v->name, r->pair_class,
			expectation_name(r->expect));
	race_result_worth(r, worth, sizeof(worth));
	if (r->xcpu_ns > 0)	/* the machine's state the rate was taken in */
		fprintf(f, "  cross-CPU latency %.0f ns\n", r->xcpu_ns);
	if (r->d.exposure != RES_STRUCTURAL && r->reached > 0)
		fprintf(f, "  %.0f reached the window (<= %.3g/M of them)\n",
			r->reached, r->d.rhi * 1e6);
	else if (r->d.exposure != RES_STRUCTURAL)
		fputs("  no trial reached the window\n", f);
	wrapped(f, worth);
	if (seq) {
		fputs("    sequential, not a race:\n", f);
		wrapped(f, seq);
	}
	for (int i = 0; r->d.exposure == RES_STRUCTURAL && i < r->nr_outcomes; i++)
		if (r->o[i].bad && r->o[i].structural)
			wrapped(f, r->o[i].structural);
	witness_lines(f, r);
	/* A Never is worth the trials spent where a bug hit. */
	if (!r->bad && r->at_variant && !(r->at.trials > 0))
		fprintf(f, "    where %.21s hit: [%g, %g) ns: no trial there\n",
			r->at_variant, r->at.lo, r->at.hi);
	else if (!r->bad && r->at_variant)
		fprintf(f, "    where %.21s hit: [%g, %g) ns, %d bins:\n"
			"      %.0f in %.0f trials, <= %.3g/M\n",
			r->at_variant, r->at.lo, r->at.hi, r->at.bins, r->at.bad,
			r->at.trials, r->at.rate_hi * 1e6);
}

static void race_lines(struct bundle *b, FILE *f)
{
	int i, k, n = 0;

	fputs("\nRaces: bad trials, Observation SCENARIO Never|Sometimes BAD GOOD\n"
	      "(rate per million trials, 95% Clopper-Pearson interval)\n", f);
	for (i = 0; i < b->nr_variants; i++) {
		struct variant_data *v = &b->v[i];

		if (!v->races_present) {
			fprintf(f, "%s: no race results\n", v->name);
			continue;
		}
		for (k = 0; k < v->nr_races; k++, n++)
			race_line(v, &v->races[k], f);
	}
	if (!n)
		fputs("(none)\n", f);
}

/*
 * One race of a variant against the baseline's: the change and the
 * ratio, both counts, the verdict with the zero sized by the baseline,
 * and what qualifies the change.
 */
static void race_row_lines(FILE *f, const struct race_row *w, double floor)
{
	char ratio[96], worth[256], text[768], pv[32] = "", state[128] = "";
	const struct res_rate_cmp *c = &w->c;

	race_ratio_text(w, ratio, sizeof(ratio));
	if (c->change != RES_NO_EVENTS)
		snprintf(pv, sizeof(pv), ", p=%.2g", c->p);
	if (c->change == RES_NO_EVENTS)
		fprintf(f, "  %.24s/%.12s: %s\n", w->cr->scenario,
			w->cr->pair_class, res_change_name(c->change));
	else
		fprintf(f, "  %.24s/%.12s: %s, ratio %s\n", w->cr->scenario,
			w->cr->pair_class, res_change_name(c->change), ratio);
	if (race_row_state_differs(w))
		snprintf(state, sizeof(state), "; different states of the machine: cross-CPU latency %.0f ns against %.0f ns",
			 w->br->xcpu_ns, w->cr->xcpu_ns);
	race_result_worth(&w->cand, worth, sizeof(worth));
	snprintf(text, sizeof(text), "%.0f in %.0f against %.0f in %.0f%s; %s%s%s%s",
		 w->cr->bad, w->cr->trials, w->br->bad, w->br->trials, pv,
		 worth,
		 w->control ? "; control (identical code: drift)" : "",
		 race_row_within_drift(w, floor) ?
		 "; nonzero, within the drift of identical-code races" : "",
		 state);
	wrapped(f, text);
}

static void race_comparison_lines(struct bundle *b,
				  const struct bundle_comparisons *bc, FILE *f)
{
	if (!bc->base || !bc->base->races_present || b->nr_variants < 2)
		return;
	fprintf(f, "\nRaces against %.20s: rate ratio candidate/baseline, exact\n"
		   "95%% interval; lower, higher, closed, opened: past the drift\n"
		   "of identical-code races; same: not; none: no bad trial\n",
		bc->baseline);
	for (int i = 0; i < b->nr_variants; i++) {
		const struct race_comparison *rc = &bc->races[i];

		if (&b->v[i] == bc->base || !rc->present)
			continue;
		fprintf(f, "%.40s", b->v[i].name);
		if (rc->nr_controls)
			fprintf(f, " (drift floor x%.3g)", exp(rc->floor));
		fputs(":\n", f);
		for (int k = 0; k < rc->nr; k++)
			if (rc->rows[k].br)
				race_row_lines(f, &rc->rows[k], rc->floor);
	}
}

/*
 * Every part asked for that is not ok, with its whole reason; a part that
 * was never recorded (a run killed before it) is said to be missing.
 */
static void parts_lines(struct bundle *b, FILE *f)
{
	json_t *parts = json_object_get(b->j, "parts");
	json_t *kinds = json_object_get(b->j, "kinds"), *p, *k;
	const char *why = jstr(b->j, "interrupted", NULL);
	size_t i, j;
	int listed = 0;

	if (why)
		wrapped(f, why);
	else if (json_is_null(json_object_get(b->j, "finished")))
		wrapped(f, "the run never finished (killed, or still running)");
	json_array_foreach(parts, i, p) {
		if (!strcmp(jstr(p, "status", ""), "ok"))
			continue;
		fprintf(f, "  %s %s %s\n", jstr(p, "variant", "?"),
			jstr(p, "kind", "?"), jstr(p, "status", "?"));
		if (*jstr(p, "error", ""))
			wrapped(f, jstr(p, "error", ""));
		listed++;
	}
	for (int v = 0; v < b->nr_variants; v++)
		json_array_foreach(kinds, j, k) {
			if (!json_is_string(k) ||
			    bundle_find_part(parts, b->v[v].name,
					     json_string_value(k)))
				continue;
			fprintf(f, "  %s %s missing: never recorded\n",
				b->v[v].name, json_string_value(k));
			listed++;
		}
	if (!listed)
		fputs("  (every part recorded is ok)\n", f);
}

int text_summary(struct bundle *b, const struct bundle_comparisons *bc,
		 FILE *f)
{
	int i, col;

	fprintf(f, "flagbench %.50s\n", b->id);
	machine_lines(b, f);
	col = fprintf(f, "variants:");
	for (i = 0; i < b->nr_variants; i++) {
		char item[128];
		int len = snprintf(item, sizeof(item), " %s%s%s", b->v[i].name,
				   !strcmp(b->v[i].name, bc->baseline) ?
				   " (baseline)" : "",
				   i + 1 < b->nr_variants ? "," : "");

		if (col + len > 72)
			col = fprintf(f, "\n         ");
		col += fprintf(f, "%s", item);
	}
	fputc('\n', f);
	throughput_lines(b, bc, f);
	race_lines(b, f);
	race_comparison_lines(b, bc, f);
	fprintf(f, "\nverdict: %s%s\n", res_verdict_name(b->verdict),
		b->complete ? "" : " (bundle incomplete: parts below)");
	if (!b->complete)
		parts_lines(b, f);
	return ferror(f) ? -1 : 0;
}

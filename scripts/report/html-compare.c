// SPDX-License-Identifier: GPL-2.0
/*
 * The page's comparisons of every variant with the baseline, rendered
 * from the records compare.c built once (bundle_comparisons_build()), the
 * same the gate, gate.json and summary.txt render: the races against the
 * baseline, then throughput with what changed first (benchmarks whose
 * code differs in some variant) and the identical-code controls folded
 * below.  The words are the gate's: *significant* is the decision, nonzero
 * is Holm p < alpha alone (reports/FORMAT.md, "Words").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

#define E(s) html_escape(f, s)

/* Under an empty table of what changed: why it is empty. */
static void none_changed(FILE *f, int rows, const char *what)
{
	if (!rows)
		fprintf(f, "<p>None: every %s runs identical code in every variant.</p>\n",
			what);
}

/* ---- races ---------------------------------------------------------------- */

static void race_change_cells(FILE *f, const struct race_row *w)
{
	const struct res_rate_cmp *c = &w->c;
	char ratio[96];

	fprintf(f, "<td class=\"num\">%.0f / %.0f</td><td class=\"num\">%.0f / %.0f</td>",
		w->br->bad, w->br->trials, w->cr->bad, w->cr->trials);
	fprintf(f, "<td class=\"change %s\">%s</td><td class=\"num\"",
		res_change_name(c->change), res_change_name(c->change));
	if (c->standardised)
		fprintf(f, " title=\"standardised to the candidate's window bins; %.0f of its trials in bins the baseline never tried, at its overall rate\"",
			c->unmatched_trials);
	fputs(">", f);
	E(race_ratio_text(w, ratio, sizeof(ratio)));
	if (isnan(c->p))
		fputs("</td><td>–</td>", f);
	else
		fprintf(f, "</td><td class=\"num\">%.2g</td>", c->p);
}

/* What qualifies the change: drift, the machine's state. */
static void race_note_cell(FILE *f, const struct race_row *w, double floor)
{
	fputs("<td class=\"msg\">", f);
	if (race_row_within_drift(w, floor))
		fprintf(f, "nonzero, within the drift of identical-code races (x%.3g..x%.3g). ",
			exp(-floor), exp(floor));
	if (race_row_state_differs(w))
		fprintf(f, "different states of the machine: cross-CPU latency %.0f ns against %.0f ns (x%.2g).",
			w->br->xcpu_ns, w->cr->xcpu_ns, w->state_ratio);
	fputs("</td>", f);
}

static void race_change_row(FILE *f, const char *variant,
			    const struct race_row *w, double floor)
{
	fputs("<tr><td>", f);
	E(w->cr->scenario);
	fputs("</td><td>", f);
	E(variant);
	fputs("</td><td>", f);
	E(w->cr->pair_class);
	fputs("</td>", f);
	race_change_cells(f, w);
	fprintf(f, "<td>%s</td>", code_identity_name(w->identity));
	html_race_verdict_cell(f, &w->cand);
	race_note_cell(f, w, floor);
	fputs("</tr>\n", f);
}

/*
 * The rows of every variant that are (@controls) or are not controls, by
 * scenario: each scenario's builds side by side.  How many.
 */
static int race_table(FILE *f, struct bundle *b,
		      const struct bundle_comparisons *bc, bool controls)
{
	json_t *scen = race_scenario_names(b, false), *s;
	size_t si;
	int n = 0;

	fprintf(f, "<div class=\"scroll\"><table class=\"data\" id=\"%s\"><thead><tr>"
		   "<th>scenario</th><th>variant</th><th>pair</th><th>baseline bad / trials</th>"
		   "<th>bad / trials</th><th>change</th><th>rate ratio</th><th>p</th>"
		   "<th>code</th><th>verdict</th><th>note</th></tr></thead><tbody>\n",
		controls ? "race-controls" : "race-changes");
	json_array_foreach(scen, si, s)
		for (int i = 0; i < b->nr_variants; i++) {
			const struct race_comparison *rc = &bc->races[i];

			for (int k = 0; rc->present && k < rc->nr; k++) {
				const struct race_row *w = &rc->rows[k];

				if (!w->br || w->control != controls ||
				    strcmp(w->cr->scenario, json_string_value(s)))
					continue;
				race_change_row(f, b->v[i].name, w, rc->floor);
				n++;
			}
		}
	fputs("</tbody></table></div>\n", f);
	json_decref(scen);
	return n;
}

static int nr_race_controls(struct bundle *b, const struct bundle_comparisons *bc)
{
	int n = 0;

	for (int i = 0; i < b->nr_variants; i++)
		n += bc->races[i].nr_controls;
	return n;
}

void html_race_changes(FILE *f, struct bundle *b,
		       const struct bundle_comparisons *bc)
{
	int nc = nr_race_controls(b, bc);

	fputs("<h2>Races against ", f);
	E(bc->baseline);
	fputs("</h2>\n<p>Each race of a variant against the baseline's: the "
	      "candidate/baseline rate ratio with its exact 95% interval (a "
	      "closed race: its upper bound) and the exact conditional binomial "
	      "test. <i>lower</i>, <i>higher</i>, <i>closed</i>, <i>opened</i>: "
	      "the change, its whole interval past the drift of the races whose "
	      "code is identical in both builds (the controls); <i>same</i>: "
	      "not; <i>none</i>: no bad trial on either side. The verdict sizes "
	      "a zero by the baseline's in-window rate, as the gate does.</p>\n", f);
	if (!bc->base || !bc->base->races_present) {
		fputs("<p>No race results for the baseline.</p>\n", f);
		return;
	}
	fputs("<h3>Races whose code changed</h3>\n", f);
	none_changed(f, race_table(f, b, bc, false), "race");
	if (!nc)
		return;
	fprintf(f, "<details><summary>%d race%s with identical code (the controls: their moves are drift)</summary>\n<ul>",
		nc, nc == 1 ? "" : "s");
	for (int i = 0; i < b->nr_variants; i++)
		if (bc->races[i].nr_controls) {
			fputs("<li>", f);
			E(b->v[i].name);
			fprintf(f, ": %d controls, largest nonzero move x%.3g (the drift floor)</li>",
				bc->races[i].nr_controls, exp(bc->races[i].floor));
		}
	fputs("</ul>\n", f);
	race_table(f, b, bc, true);
	fputs("</details>\n", f);
}

/* ---- throughput ------------------------------------------------------------ */

/* Why a comparison cannot decide, or what its gated benchmarks detect. */
static void power_html(FILE *f, const struct tp_comparison *c)
{
	char buf[1024];
	const char *why = tp_undecided(c, buf, sizeof(buf));

	if (why) {
		fputs(" — <b>undecided</b>: ", f);
		E(why);
		return;
	}
	if (!c->nr_gated)
		return;
	fprintf(f, "; %.0f%% detectable (80%% power) on %d of %d gated benchmarks, mde median %.1f%%",
		c->threshold * 100, c->nr_detect, c->nr_gated,
		c->mde_median * 100);
	if (c->nr_detect < c->nr_gated && c->rounds_needed > 0)
		fprintf(f, " (every one: <code>--rounds %d</code>)",
			c->rounds_needed);
}

static void controls_line(FILE *f, const struct variant_data *v,
			  const struct tp_comparison *c)
{
	char note[80];

	fputs("<li>", f);
	E(v->name);
	if (tp_not_gated(c)) {
		fputs(": ", f);
		E(tp_not_gated(c));
	} else if (c->ignore_identity || !c->identity_known) {
		fprintf(f, ": %s; every benchmark judged by its measurements",
			c->ignore_identity ? "code identity ignored" :
			"no code identity recorded");
		power_html(f, c);
	} else {
		fprintf(f, ": %d gated, %d identical-code controls%s, median |move| %.1f%%, largest nonzero move %.1f%%",
			c->nr_gated, c->nr_controls,
			tp_layout_note(c, note, sizeof(note)),
			c->spread * 100, c->floor * 100);
		power_html(f, c);
	}
	fputs("</li>\n", f);
}

static void fmt_mde(char *buf, size_t len, double mde)
{
	if (isinf(mde))
		snprintf(buf, len, "none");
	else if (isnan(mde))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%.1f%%", mde * 100);
}

/* One cell: the change, its mark, and what the run could have seen. */
static void change_cell(FILE *f, const struct tp_row *r)
{
	const char *mark = r->c.status != RES_TP_SAME ? " <b>*significant*</b>" :
			   r->c.significant ? " <small>nonzero</small>" : "";
	char mde[32];

	fmt_mde(mde, sizeof(mde), r->c.mde);
	fprintf(f, "<td class=\"num%s\" title=\"%.4g ns/op, %d rounds, p=%.3g, Holm p=%.3g, code %s\">%+.1f%%%s%s <small>mde %s</small></td>",
		r->c.status == RES_TP_SLOWER ? " slower" :
		r->c.status == RES_TP_FASTER ? " faster" : "",
		r->cand->median, r->c.rounds, r->c.p, r->c.p_adj,
		code_identity_name(r->identity), (r->c.ratio - 1) * 100, mark,
		r->control ? " <i>control</i>" : "", mde);
}

/* Benchmark @k of the baseline's row of comparison @c, or NULL. */
static const struct tp_row *row_of(const struct tp_comparison *c,
				   const struct tp_bench *bb)
{
	for (int j = 0; j < c->nr; j++)
		if (c->rows[j].base == bb)
			return &c->rows[j];
	return NULL;
}

/* A control in every variant that measured it: identical code everywhere. */
static bool control_everywhere(struct bundle *b,
			       const struct bundle_comparisons *bc,
			       const struct tp_bench *bb)
{
	bool any = false;

	for (int i = 0; i < b->nr_variants; i++) {
		const struct tp_row *r = row_of(&bc->tp[i], bb);

		if (r && !r->control)
			return false;
		any |= r != NULL;
	}
	return any;
}

static void tp_table_head(FILE *f, struct bundle *b,
			  const struct bundle_comparisons *bc, const char *id)
{
	fprintf(f, "<div class=\"scroll\"><table class=\"data\" id=\"%s\"><thead><tr><th>benchmark</th><th>",
		id);
	E(bc->baseline);
	fputs("</th>", f);
	for (int i = 0; i < b->nr_variants; i++)
		if (&b->v[i] != bc->base)
			fputs("<th>", f), E(b->v[i].name), fputs("</th>", f);
	fputs("</tr></thead><tbody>\n", f);
}

/* The rows whose code changed somewhere (@controls false), or the others. */
static int tp_table(FILE *f, struct bundle *b,
		    const struct bundle_comparisons *bc, bool controls)
{
	int n = 0;

	tp_table_head(f, b, bc, controls ? "tp-controls" : "tp-changed");
	for (int k = 0; k < bc->base->tp->nr; k++) {
		const struct tp_bench *bb = &bc->base->tp->b[k];

		if (control_everywhere(b, bc, bb) != controls)
			continue;
		n++;
		fputs("<tr><td>", f);
		E(bb->name);
		fprintf(f, "</td><td class=\"num\">%.4g ±%.0f%%</td>", bb->median,
			bb->mean > 0 ? bb->stddev / bb->mean * 100 : 0);
		for (int i = 0; i < b->nr_variants; i++) {
			const struct tp_row *r = row_of(&bc->tp[i], bb);

			if (&b->v[i] == bc->base)
				continue;
			if (r)
				change_cell(f, r);
			else
				fputs("<td>–</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	return n;
}

static int nr_controls_everywhere(struct bundle *b,
				  const struct bundle_comparisons *bc)
{
	int n = 0;

	for (int k = 0; k < bc->base->tp->nr; k++)
		n += control_everywhere(b, bc, &bc->base->tp->b[k]);
	return n;
}

void html_throughput(FILE *f, struct bundle *b,
		     const struct bundle_comparisons *bc)
{
	const struct compare_rules *ru = &bc->rules;
	int nc;

	fputs("<h2>Throughput against ", f);
	E(bc->baseline);
	fprintf(f, "</h2>\n<p>Median ns/op ±%%stddev (coefficient of variation) of "
		   "the baseline; for each variant the change as the Hodges-Lehmann "
		   "ratio of the ns/op paired by round (each round runs every variant "
		   "once, in a random order, in fresh processes). "
		   "<b>*significant*</b>: the decision, slower or faster: exact "
		   "Wilcoxon signed-rank test on the per-round log ratios, "
		   "Holm-adjusted p &lt; %g over the gated benchmarks, and the 95%% "
		   "interval of the change reaching past %.0f%% and past what the "
		   "identical-code controls moved. <small>nonzero</small>: Holm p "
		   "&lt; %g alone, a change not shown past them. <i>control</i>: the "
		   "machine code is identical in both builds; never gated. "
		   "<i>mde</i>: the smallest slowdown the run could have detected "
		   "(80%% power, Holm's first step).</p>\n",
		   ru->alpha, ru->threshold * 100, ru->alpha);
	if (!bc->base || !bc->base->tp) {
		fputs("<p>No throughput results for the baseline.</p>\n", f);
		return;
	}
	fputs("<h3>Code that changed</h3>\n", f);
	none_changed(f, tp_table(f, b, bc, false), "benchmark");
	nc = nr_controls_everywhere(b, bc);
	if (nc) {
		fprintf(f, "<details><summary>%d benchmark%s with identical code in every variant (the noise floor)</summary>\n",
			nc, nc == 1 ? "" : "s");
		tp_table(f, b, bc, true);
		fputs("</details>\n", f);
	}
	fputs("<h3>Controls and power</h3><ul>\n", f);
	for (int i = 0; i < b->nr_variants; i++)
		if (&b->v[i] != bc->base && b->v[i].tp)
			controls_line(f, &b->v[i], &bc->tp[i]);
	fputs("</ul>\n", f);
}

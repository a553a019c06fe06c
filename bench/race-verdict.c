// SPDX-License-Identifier: GPL-2.0
/*
 * The typed race result's decision and its words (race-result.h): the
 * verdict from the rules of results.c, the reference that sizes a zero,
 * and the one message and worth every surface prints.  Its JSON is
 * race-result.c's.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "race-result.h"

/* ---- the decision ------------------------------------------------------ */

bool race_result_structural(const struct race_result *r)
{
	bool any = false;

	for (int i = 0; i < r->nr_outcomes; i++) {
		if (!r->o[i].bad)
			continue;
		if (!r->o[i].structural)
			return false;
		any = true;
	}
	return any;
}

const char *race_result_sequential(const struct race_result *r)
{
	for (int i = 0; i < r->nr_outcomes; i++)
		if (r->o[i].bad && r->o[i].sequential)
			return r->o[i].sequential;
	return NULL;
}

void race_result_decide(struct race_result *r)
{
	struct res_race_counts c = {
		.expect = r->expect, .trials = r->trials,
		.reached = r->reached, .bad = r->bad,
		.structural = race_result_structural(r),
		.has_ref = r->has_ref, .ref_bad = r->ref.bad,
		.ref_reached = r->ref.reached,
	};

	res_race_decide(&c, RES_ALPHA, &r->d);
}

const struct race_result *race_result_pick_ref_for(const char *variant,
						   const char *scenario,
						   const char *pair_class,
						   const struct race_result *c,
						   int n)
{
	const struct race_result *best = NULL;

	for (int i = 0; i < n; i++) {
		const struct race_result *o = &c[i];

		if (!o->variant || !variant || !strcmp(o->variant, variant) ||
		    strcmp(o->scenario, scenario) ||
		    strcmp(o->pair_class, pair_class) ||
		    !(o->bad > 0) || !(o->reached > 0) ||
		    race_result_sequential(o))
			continue;
		if (!best || o->bad > best->bad)
			best = o;
	}
	return best;
}

const struct race_result *race_result_pick_ref(const struct race_result *r,
					       const struct race_result *c,
					       int n)
{
	return race_result_pick_ref_for(r->variant, r->scenario, r->pair_class,
					c, n);
}

double race_result_need(const struct race_result *ref)
{
	return res_race_need(ref->bad, ref->reached, RES_ALPHA);
}

void race_result_set_ref(struct race_result *r, const struct race_result *ref)
{
	free(r->ref.variant);
	memset(&r->ref, 0, sizeof(r->ref));
	r->has_ref = ref != NULL;
	r->at_variant = NULL;
	if (ref) {
		r->ref.variant = strdup(ref->variant);
		r->ref.bad = ref->bad;
		/* The window is marked per trial: a bad one reached it too. */
		r->ref.reached = ref->reached;
		if (res_at_window(ref->bins, ref->nr_bins, r->bins, r->nr_bins,
				  RES_ALPHA, &r->at))
			r->at_variant = r->ref.variant;
	}
	race_result_decide(r);
}

double race_result_state_ratio(const struct race_result *a,
			       const struct race_result *b)
{
	if (!(a->xcpu_ns > 0) || !(b->xcpu_ns > 0))
		return NAN;
	return a->xcpu_ns > b->xcpu_ns ? a->xcpu_ns / b->xcpu_ns :
					 b->xcpu_ns / a->xcpu_ns;
}

/* ---- words ------------------------------------------------------------- */

/* "12,345": counts people compare at a glance. */
static const char *grouped(double x, char *buf, size_t len)
{
	char digits[32];
	int n, out = 0, i;

	n = snprintf(digits, sizeof(digits), "%.0f", x);
	for (i = 0; i < n && out + 2 < (int)len; i++) {
		if (i && digits[0] != '-' && (n - i) % 3 == 0)
			buf[out++] = ',';
		buf[out++] = digits[i];
	}
	buf[out] = '\0';
	return buf;
}

void race_result_worth(const struct race_result *r, char *buf, size_t len)
{
	const char *v = res_verdict_name(r->d.verdict);
	char a[32], b[32], on[48] = "";

	if (r->extended_seconds > 0)
		snprintf(on, sizeof(on), ", run on %.3g s past its %.3g s",
			 r->extended_seconds, r->seconds - r->extended_seconds);
	grouped(r->reached, a, sizeof(a));
	grouped(r->d.needed, b, sizeof(b));
	if (r->d.exposure == RES_SEEN)
		snprintf(buf, len, "%s", v);
	else if (r->d.exposure == RES_STRUCTURAL)
		snprintf(buf, len, "%s (structural)", v);
	else if (r->expect != EXPECT_FORBIDDEN)
		/* Exposure sizes a forbidden zero; here it only says how hard. */
		snprintf(buf, len, "%s (not seen; %s reached the window)", v, a);
	else if (r->d.exposure == RES_EXPOSED)
		snprintf(buf, len, "%s (exposed: %s reached >= %s needed%s)", v,
			 a, b, on);
	else if (r->d.exposure == RES_UNSIZED)
		snprintf(buf, len, "%s (unsized: %s reached, no pre-fix rate to size the need)",
			 v, a);
	else if (r->d.needed > 0)
		snprintf(buf, len, "%s (unexposed: %s reached < %s needed%s)", v,
			 a, b, on);
	else
		snprintf(buf, len, "%s (unexposed: no trial reached the window%s)",
			 v, on);
}

/* The bad outcomes' names, "a+b". */
static void bad_names(const struct race_result *r, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < r->nr_outcomes; i++)
		if (r->o[i].bad)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] ? "+" : "", r->o[i].name);
}

static const char *structural_why(const struct race_result *r)
{
	for (int i = 0; i < r->nr_outcomes; i++)
		if (r->o[i].bad && r->o[i].structural)
			return r->o[i].structural;
	return "";
}

void race_result_message(const struct race_result *r, char *buf, size_t len)
{
	const struct res_race_decision *d = &r->d;
	double s = r->trials > 0 ? 1e6 / r->trials : 0;
	double rs = r->reached > 0 ? 1e6 / r->reached : 0;
	char names[160], worth[160], ref[128] = "";
	const char *seq = race_result_sequential(r);
	const char *plan = r->plan ? r->plan : "no window map";

	bad_names(r, names, sizeof(names));
	race_result_worth(r, worth, sizeof(worth));
	if (r->has_ref)
		snprintf(ref, sizeof(ref), "; reference %s: %.0f bad in %.0f reached",
			 r->ref.variant, r->ref.bad, r->ref.reached);
	if (d->exposure == RES_STRUCTURAL) {
		snprintf(buf, len, "%s: %s structural: %s; expected %s: %s",
			 r->scenario, names, structural_why(r),
			 expectation_name(r->expect), worth);
		return;
	}
	if (r->bad > 0)
		snprintf(buf, len,
			 "%s: %s %.0f in %.0f trials (%.4g per million, 95%% CI %.4g-%.4g); %.0f in %.0f trials that reached the window (%.4g per million, 95%% CI %.4g-%.4g; %s)%s%s%s, expected %s: %s",
			 r->scenario, names, r->bad, r->trials, r->bad * s,
			 d->lo * 1e6, d->hi * 1e6, r->bad, r->reached,
			 r->bad * rs, d->rlo * 1e6, d->rhi * 1e6, plan,
			 seq ? "; sequential, not a race: " : "", seq ? seq : "",
			 ref, expectation_name(r->expect), worth);
	else if (r->reached > 0)
		snprintf(buf, len,
			 "%s: %s 0 in %.0f trials (< %.4g per million, 95%%); 0 in %.0f trials that reached the window (< %.4g per million, 95%%; %s)%s, expected %s: %s",
			 r->scenario, names, r->trials, d->hi * 1e6, r->reached,
			 d->rhi * 1e6, plan, ref, expectation_name(r->expect),
			 worth);
	else
		snprintf(buf, len,
			 "%s: %s 0 in %.0f trials (< %.4g per million, 95%%); no trial reached the window (%s)%s, expected %s: %s",
			 r->scenario, names, r->trials, d->hi * 1e6, plan, ref,
			 expectation_name(r->expect), worth);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The result rules (results.h): the one place where a bad count becomes a
 * verdict, a word, an interval, a comparison and a decision (the paired
 * throughput comparison's are results-paired.c's).  The engine writes
 * what these return into races.json; the report and the gate read it back
 * or call the same functions, never a copy of them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "results.h"

const char *res_verdict_name(enum res_verdict v)
{
	switch (v) {
	case RES_PASS:
		return "PASS";
	case RES_WARN:
		return "WARN";
	case RES_INCOMPLETE:
		return "INCOMPLETE";
	case RES_FAIL:
		return "FAIL";
	}
	return "?";
}

int res_expect_parse(const char *s)
{
	static const enum expectation all[] = {
		EXPECT_ALLOWED, EXPECT_REPRODUCE, EXPECT_FORBIDDEN,
	};

	for (unsigned int i = 0; s && i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, expectation_name(all[i])))
			return all[i];
	return -1;
}

int res_verdict_parse(const char *s)
{
	for (int v = RES_PASS; s && v <= RES_FAIL; v++)
		if (!strcmp(s, res_verdict_name(v)))
			return v;
	return -1;
}

static const char *const exposure_names[] = {
	[RES_SEEN] = "seen", [RES_EXPOSED] = "exposed",
	[RES_UNSIZED] = "unsized", [RES_UNEXPOSED] = "unexposed",
	[RES_STRUCTURAL] = "structural",
};

const char *res_exposure_name(enum res_exposure x)
{
	return x <= RES_STRUCTURAL ? exposure_names[x] : "?";
}

int res_exposure_parse(const char *s)
{
	for (int x = RES_SEEN; s && x <= RES_STRUCTURAL; x++)
		if (!strcmp(s, exposure_names[x]))
			return x;
	return -1;
}

double res_exposure_needed(double p, double alpha)
{
	if (!(p > 0))
		return 0;
	if (p >= 1)
		return 1;
	return ceil(log(alpha) / log1p(-p));
}

double res_race_need(double ref_bad, double ref_reached, double alpha)
{
	if (!(ref_bad > 0) || !(ref_reached > 0))
		return 0;
	return res_exposure_needed(ref_bad / ref_reached, alpha);
}

/* Not seen and not structural: how many reached trials the zero needs. */
static enum res_exposure unseen_exposure(const struct res_race_counts *c,
					 double alpha, double *needed)
{
	*needed = c->has_ref ? res_race_need(c->ref_bad, c->ref_reached, alpha) : 0;
	if (!(c->reached > 0))
		return RES_UNEXPOSED;
	if (!*needed)
		return RES_UNSIZED;
	return c->reached >= *needed ? RES_EXPOSED : RES_UNEXPOSED;
}

void res_race_decide(const struct res_race_counts *c, double alpha,
		     struct res_race_decision *d)
{
	memset(d, 0, sizeof(*d));
	d->observation = res_observation(c->bad, c->trials);
	res_binom_ci(c->bad, c->trials, alpha, &d->lo, &d->hi);
	res_binom_ci(c->bad, c->reached, alpha, &d->rlo, &d->rhi);
	if (c->bad > 0) {
		d->exposure = RES_SEEN;
		d->verdict = c->expect == EXPECT_FORBIDDEN || c->structural ?
			     RES_FAIL : RES_PASS;
		return;
	}
	if (c->structural) {
		d->exposure = RES_STRUCTURAL;
		d->observation = "Structural";
		d->verdict = c->expect == EXPECT_REPRODUCE ? RES_WARN : RES_PASS;
		return;
	}
	d->exposure = unseen_exposure(c, alpha, &d->needed);
	if (c->expect == EXPECT_REPRODUCE)
		d->verdict = RES_WARN;
	else if (c->expect == EXPECT_FORBIDDEN && d->exposure == RES_UNEXPOSED)
		d->verdict = RES_WARN;
	else
		d->verdict = RES_PASS;
}

const char *res_observation(double bad_trials, double trials)
{
	if (!(bad_trials > 0))
		return "Never";
	return bad_trials >= trials ? "Always" : "Sometimes";
}

/* ---- the exact binomial machinery -------------------------------------- */

/* Continued fraction for the incomplete beta (modified Lentz). */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-15;
	double qab = a + b, qap = a + 1, qam = a - 1, c = 1, d, h;
	int m;

	d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 100000; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2)), del;

		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		d = fabs(d) < tiny ? tiny : d;
		c = 1 + aa / c;
		c = fabs(c) < tiny ? tiny : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < eps)
			break;
	}
	return h;
}

double res_betai(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		 b * log1p(-x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

/* x with I_x(a, b) = q, by bisection: monotone and robust at the tails. */
static double betai_inv(double a, double b, double q)
{
	double lo = 0, hi = 1;
	int i;

	for (i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (res_betai(a, b, mid) < q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void res_binom_ci(double k, double n, double alpha, double *lo, double *hi)
{
	if (!(n > 0)) {
		*lo = 0;
		*hi = 1;
		return;
	}
	if (k > n)
		k = n;
	*lo = k <= 0 ? 0 : betai_inv(k, n - k + 1, alpha / 2);
	*hi = k >= n ? 1 : betai_inv(k + 1, n - k, 1 - alpha / 2);
}

double res_binom_upper(double k, double n, double p)
{
	if (k <= 0)
		return 1;
	if (k > n)
		return 0;
	return res_betai(k, n - k + 1, p);
}

double res_binom_lower(double k, double n, double p)
{
	if (k >= n)
		return 1;
	if (k < 0)
		return 0;
	return res_betai(n - k, k + 1, 1 - p);
}

/* ---- race rates -------------------------------------------------------- */

const char *res_change_name(enum res_change c)
{
	static const char *const names[] = {
		[RES_NO_EVENTS] = "none", [RES_SAME] = "same",
		[RES_LOWER] = "lower", [RES_CLOSED] = "closed",
		[RES_HIGHER] = "higher", [RES_OPENED] = "opened",
	};

	return names[c];
}

int res_bins_disorder(const struct res_bin *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!(b[i].lo < b[i].hi) || (i && !(b[i - 1].hi <= b[i].lo)))
			return i;
	return -1;
}

static bool bins_ascending(const struct res_bin *b, int n)
{
	return b && n > 0 && res_bins_disorder(b, n) < 0;
}

/*
 * The bin of @b with edges [@lo, @hi), searched from *@j on (calls come
 * in ascending order): its index, -1 if @b lists none there, -2 if a bin
 * of @b overlaps it with other edges (not the same table).
 */
static int bin_find(const struct res_bin *b, int nb, int *j, double lo,
		    double hi)
{
	while (*j < nb && b[*j].hi <= lo)
		(*j)++;
	if (*j >= nb || b[*j].lo >= hi)
		return -1;
	return b[*j].lo == lo && b[*j].hi == hi ? *j : -2;
}

/*
 * Both results binned on the same table: the candidate's bad trials
 * expected at the baseline's rate in each of its bins.  A bin the
 * baseline never tried has no rate of its own; it gets the baseline's
 * overall @base_rate (an aimed run's exploration reaches tails the other
 * run did not, and dropping those bins would hide a hit there).  False
 * when the tables differ or no candidate bin has a baseline rate.
 */
static bool bins_expected(const struct res_bin *bb, int nb,
			  const struct res_bin *cb, int nc, double base_rate,
			  double *expected, double *unmatched)
{
	double e = 0, u = 0, matched = 0;
	int i, j = 0, m;

	if (!bins_ascending(bb, nb) || !bins_ascending(cb, nc))
		return false;
	for (i = 0; i < nc; i++) {
		if (!(cb[i].trials > 0))
			continue;
		m = bin_find(bb, nb, &j, cb[i].lo, cb[i].hi);
		if (m == -2)
			return false;
		if (m < 0 || !(bb[m].trials > 0)) {
			u += cb[i].trials;
			e += cb[i].trials * base_rate;
			continue;
		}
		matched += cb[i].trials;
		e += cb[i].trials * bb[m].bad / bb[m].trials;
	}
	if (!(matched > 0))
		return false;
	*expected = e;
	*unmatched = u;
	return true;
}

bool res_at_window(const struct res_bin *ref, int nr_ref,
		   const struct res_bin *cand, int nr_cand, double alpha,
		   struct res_at_window *w)
{
	double lo;
	int i, j = 0, m;

	memset(w, 0, sizeof(*w));
	if (!bins_ascending(ref, nr_ref) || !bins_ascending(cand, nr_cand))
		return false;
	for (i = 0; i < nr_ref; i++) {
		if (!(ref[i].bad > 0))
			continue;
		m = bin_find(cand, nr_cand, &j, ref[i].lo, ref[i].hi);
		if (m == -2)
			return false;
		if (!w->bins++)
			w->lo = ref[i].lo;
		w->hi = ref[i].hi;
		if (m >= 0) {	/* else the candidate spent none there */
			w->trials += cand[m].trials;
			w->bad += cand[m].bad;
		}
	}
	if (!w->bins)
		return false;
	res_binom_ci(w->bad, w->trials, alpha, &lo, &w->rate_hi);
	return true;
}

void res_rate_compare(double base_bad, double base_trials,
		      const struct res_bin *base_bins, int nr_base_bins,
		      double cand_bad, double cand_trials,
		      const struct res_bin *cand_bins, int nr_cand_bins,
		      double alpha, struct res_rate_cmp *c)
{
	double k = base_bad + cand_bad, w, pi0, plo, phi, lower, upper, e, u;
	bool low;

	memset(c, 0, sizeof(*c));
	c->base_bad = base_bad;
	c->base_trials = base_trials;
	c->cand_bad = cand_bad;
	c->cand_trials = cand_trials;
	c->expected = base_trials > 0 ? cand_trials * base_bad / base_trials : NAN;
	w = base_trials > 0 ? cand_trials / base_trials : NAN;
	/*
	 * Standardise to the candidate's bins: a run that spent its trials
	 * where the window is must not look worse than one that sampled
	 * uniformly.  With no baseline events the bins carry no rate.
	 */
	if (base_bad > 0 &&
	    bins_expected(base_bins, nr_base_bins, cand_bins, nr_cand_bins,
			  base_bad / base_trials, &e, &u) && e > 0) {
		c->standardised = true;
		c->expected = e;
		c->unmatched_trials = u;
		w = e / base_bad;
	}
	c->ratio = base_bad > 0 ? cand_bad / c->expected : NAN;
	c->lo = 0;
	c->hi = INFINITY;
	c->p = 1;
	if (!(k > 0) || !(w > 0)) {
		c->change = RES_NO_EVENTS;
		return;
	}
	pi0 = w / (1 + w);
	lower = res_binom_lower(cand_bad, k, pi0);
	upper = res_binom_upper(cand_bad, k, pi0);
	c->p = 2 * (lower < upper ? lower : upper);
	if (c->p > 1)
		c->p = 1;
	low = lower < upper;
	res_binom_ci(cand_bad, k, alpha, &plo, &phi);
	c->lo = plo / (1 - plo) / w;
	c->hi = phi >= 1 ? INFINITY : phi / (1 - phi) / w;
	if (!(c->p < alpha))
		c->change = RES_SAME;
	else if (low)
		c->change = cand_bad == 0 ? RES_CLOSED : RES_LOWER;
	else
		c->change = base_bad == 0 ? RES_OPENED : RES_HIGHER;
}

double res_rate_moved(const struct res_rate_cmp *c)
{
	switch (c->change) {
	case RES_LOWER:
		return -log(c->ratio);
	case RES_HIGHER:
		return log(c->ratio);
	case RES_CLOSED:
		return -log(c->hi);
	case RES_OPENED:
		return log(c->lo);
	default:
		return 0;
	}
}

void res_rate_beyond(struct res_rate_cmp *c, double floor)
{
	bool lower = c->change == RES_LOWER || c->change == RES_CLOSED;
	bool higher = c->change == RES_HIGHER || c->change == RES_OPENED;

	if ((lower && !(c->hi < exp(-floor))) ||
	    (higher && !(c->lo > exp(floor))))
		c->change = RES_SAME;
}

double res_trials_needed(double ref_bad, double ref_trials, double trials,
			 double *expected)
{
	double rate = ref_trials > 0 ? ref_bad / ref_trials : 0;

	*expected = rate * trials;
	if (!(rate > 0))
		return 0;
	/* P(no hit in n trials) = (1 - rate)^n <= 5%. */
	if (rate >= 1)
		return 1;
	return ceil(log(RES_ALPHA) / log1p(-rate));
}

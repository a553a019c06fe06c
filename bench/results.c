// SPDX-License-Identifier: GPL-2.0
/*
 * The result rules (results.h): the one place where a bad count becomes a
 * verdict, a word, an interval, a comparison and a decision.  The engine
 * writes what these return into races.json; the report and the gate read
 * it back or call the same functions, never a copy of them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "results.h"

#define RES_PI 3.14159265358979323846

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

/* Not seen and not structural: how many reached trials the zero needs. */
static enum res_exposure unseen_exposure(const struct res_race_counts *c,
					 double alpha, double *needed)
{
	*needed = 0;
	if (c->has_ref && c->ref_bad > 0 && c->ref_reached > 0)
		*needed = res_exposure_needed(c->ref_bad / c->ref_reached, alpha);
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

/* ---- multiplicity ------------------------------------------------------ */

static const double *sort_base;

static int cmp_index(const void *a, const void *b)
{
	double x = sort_base[*(const int *)a], y = sort_base[*(const int *)b];

	return x < y ? -1 : x > y;
}

/*
 * Holm, not Benjamini-Hochberg: the gate fails on any one finding, so what
 * must stay below alpha is the chance of any false FAIL (the family-wise
 * error), which Holm bounds under every configuration of true and false
 * nulls; BH bounds the expected share of false findings, which lets a run
 * with real changes elsewhere carry a false one.
 */
void res_holm(const double *p, int n, double *adj)
{
	int *idx = malloc((n > 0 ? n : 1) * sizeof(*idx)), m = 0, i;
	double run = 0;

	if (!idx)
		abort();
	for (i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i]))
			idx[m++] = i;
	}
	sort_base = p;
	qsort(idx, m, sizeof(*idx), cmp_index);
	for (i = 0; i < m; i++) {
		double a = (m - i) * p[idx[i]];

		if (a > 1)
			a = 1;
		if (a > run)
			run = a;
		adj[idx[i]] = run;
	}
	free(idx);
}

/* ---- paired rounds ----------------------------------------------------- */

struct absrank {
	double a;
	int pos;
};

static int cmp_absrank(const void *x, const void *y)
{
	double a = ((const struct absrank *)x)->a;
	double b = ((const struct absrank *)y)->a;

	return a < b ? -1 : a > b;
}

double res_wilcoxon(const double *d, int n, int *n_used)
{
	struct absrank *r = malloc((n > 0 ? n : 1) * sizeof(*r));
	int *r2 = malloc((n > 0 ? n : 1) * sizeof(*r2)), m = 0, i, j;
	double w2 = 0, p, lower = 0, upper = 0, total = 0;

	if (!r || !r2)
		abort();
	for (i = 0; i < n; i++)
		if (d[i] != 0 && !isnan(d[i]))
			r[m++] = (struct absrank){ fabs(d[i]), d[i] > 0 };
	if (n_used)
		*n_used = m;
	if (!m) {
		free(r), free(r2);
		return 1;
	}
	qsort(r, m, sizeof(*r), cmp_absrank);
	/* Doubled midranks: integers, so the exact sum is a small DP. */
	for (i = 0; i < m; i = j) {
		for (j = i + 1; j < m && r[j].a == r[i].a; j++)
			;
		for (int k = i; k < j; k++) {
			r2[k] = i + 1 + j;	/* 2 * (i+1 + j) / 2 */
			if (r[k].pos)
				w2 += r2[k];
		}
	}
	if (m <= RES_WILCOXON_EXACT_MAX) {
		int max = 0, s;
		double *c;

		for (i = 0; i < m; i++)
			max += r2[i];
		c = calloc(max + 1, sizeof(*c));
		if (!c)
			abort();
		c[0] = 1;
		for (i = 0, s = 0; i < m; i++) {
			s += r2[i];
			for (j = s; j >= r2[i]; j--)
				c[j] += c[j - r2[i]];
		}
		for (j = 0; j <= max; j++) {
			total += c[j];
			if (j <= w2)
				lower += c[j];
			if (j >= w2)
				upper += c[j];
		}
		free(c);
		p = 2 * (lower < upper ? lower : upper) / total;
	} else {
		double mean = 0, var = 0, z;

		for (i = 0; i < m; i++) {
			mean += r2[i] / 4.0;
			var += r2[i] * (double)r2[i] / 16.0;
		}
		z = fabs(w2 / 2 - mean) - 0.5;
		p = z <= 0 ? 1 : erfc(z / sqrt(var) / sqrt(2));
	}
	free(r), free(r2);
	return p > 1 ? 1 : p;
}

double res_wilcoxon_min_p(int n)
{
	return n < 1 ? 1 : 2 / ldexp(1, n);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The n(n+1)/2 Walsh averages (d_i + d_j)/2, i <= j, sorted; NULL if n < 1. */
static double *walsh_sorted(const double *d, int n, size_t *nw)
{
	/*
	 * n(n+1)/2 Walsh averages: 4 MB at 1000, 268 MB at 8192, 2 GB at
	 * 23,000.  Rounds are dozens: an absurd n is refused (NULL, the
	 * callers' NaN), never allocated.
	 */
	const int max_n = 8192;
	size_t k = 0;
	double *w;
	int i, j;

	*nw = (size_t)n * ((size_t)n + 1) / 2;
	if (n < 1 || n > max_n)
		return NULL;
	w = malloc(*nw * sizeof(*w));
	if (!w)
		abort();
	for (i = 0; i < n; i++)
		for (j = i; j < n; j++)
			w[k++] = (d[i] + d[j]) / 2;
	qsort(w, *nw, sizeof(*w), cmp_double);
	return w;
}

double res_hodges_lehmann(const double *d, int n)
{
	size_t nw;
	double *w = walsh_sorted(d, n, &nw), m;

	if (!w)
		return NAN;
	m = nw % 2 ? w[nw / 2] : (w[nw / 2 - 1] + w[nw / 2]) / 2;
	free(w);
	return m;
}

int res_signed_rank_crit(int n, double alpha)
{
	double *c, total = 0, cum = 0;
	int max = n * (n + 1) / 2, s = 0, i, j, t;

	if (n < 1)
		return -1;
	if (n > RES_WILCOXON_EXACT_MAX) {
		double sd = sqrt(n * (n + 1.0) * (2 * n + 1) / 24);

		t = (int)floor(n * (n + 1.0) / 4 - 0.5 -
			       res_normal_quantile(1 - alpha / 2) * sd);
		return t < -1 ? -1 : t;
	}
	c = calloc(max + 1, sizeof(*c));
	if (!c)
		abort();
	c[0] = 1;
	for (i = 1; i <= n; i++) {
		s += i;
		for (j = s; j >= i; j--)
			c[j] += c[j - i];
	}
	for (j = 0; j <= max; j++)
		total += c[j];
	for (t = -1; t < max && cum + c[t + 1] <= alpha / 2 * total; t++)
		cum += c[t + 1];
	free(c);
	return t;
}

void res_hodges_lehmann_ci(const double *d, int n, double alpha, double *lo,
			   double *hi)
{
	size_t nw;
	double *w = walsh_sorted(d, n, &nw);
	int t = res_signed_rank_crit(n, alpha);

	*lo = -INFINITY;
	*hi = INFINITY;
	if (w && t >= 0) {
		*lo = w[t];
		*hi = w[nw - 1 - t];
	}
	free(w);
}

const char *res_tp_status_name(enum res_tp_status s)
{
	return s == RES_TP_SLOWER ? "slower" : s == RES_TP_FASTER ? "faster" :
	       "same";
}

void res_paired_compare(const double *base_ns, const double *cand_ns, int n,
			struct res_paired *c)
{
	double *d = malloc((n > 0 ? n : 1) * sizeof(*d));
	int i, m = 0;

	if (!d)
		abort();
	memset(c, 0, sizeof(*c));
	/* Log ratios: a 10% change counts alike at 1 ns and at 100 ns. */
	for (i = 0; i < n; i++)
		if (base_ns[i] > 0 && cand_ns[i] > 0 && isfinite(base_ns[i]) &&
		    isfinite(cand_ns[i]))
			d[m++] = log(cand_ns[i] / base_ns[i]);
	c->rounds = m;
	c->ratio = m ? exp(res_hodges_lehmann(d, m)) : NAN;
	res_hodges_lehmann_ci(d, m, RES_ALPHA, &c->lo, &c->hi);
	c->lo = exp(c->lo);
	c->hi = exp(c->hi);
	c->p = m ? res_wilcoxon(d, m, NULL) : NAN;
	c->p_adj = c->p;
	c->status = RES_TP_SAME;
	c->scale = res_paired_scale(d, m);
	c->mde = NAN;
	c->rounds_needed = -1;
	free(d);
}

void res_paired_decide(struct res_paired *c, double alpha, double threshold,
		       double floor)
{
	double t = threshold > floor ? threshold : floor;

	c->significant = !isnan(c->p_adj) && c->p_adj < alpha;
	c->status = RES_TP_SAME;
	if (!c->significant)
		return;
	/*
	 * Past the threshold unless the interval says it is not: a slowdown
	 * of exactly the threshold then fails 97.5% of the time, not half.
	 */
	if (c->ratio > 1 && c->hi > 1 + t)
		c->status = RES_TP_SLOWER;
	else if (c->ratio < 1 && c->lo < 1 - t)
		c->status = RES_TP_FASTER;
}

/* ---- power --------------------------------------------------------------- */

int res_paired_min_rounds(double alpha, int k)
{
	int n = 1;

	if (k < 1)
		k = 1;
	while (n < RES_MAX_ROUNDS && !(k * res_wilcoxon_min_p(n) < alpha))
		n++;
	return n;
}

/* By bisection on erfc: monotone, and exact enough for a sample size. */
double res_normal_quantile(double p)
{
	double lo = -40, hi = 40;
	int i;

	if (!(p > 0 && p < 1))
		return NAN;
	for (i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (0.5 * erfc(-mid / sqrt(2)) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

/* Median of @n values, sorted in place. */
static double median_sorted(double *x, int n)
{
	qsort(x, n, sizeof(*x), cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double res_paired_scale(const double *d, int n)
{
	double *x, med, mad, mean = 0, ss = 0;
	int i;

	if (n < 2)
		return NAN;
	x = malloc(n * sizeof(*x));
	if (!x)
		abort();
	memcpy(x, d, n * sizeof(*x));
	med = median_sorted(x, n);
	for (i = 0; i < n; i++)
		x[i] = fabs(d[i] - med);
	mad = median_sorted(x, n);
	free(x);
	if (mad > 0)
		return 1.4826 * mad;
	for (i = 0; i < n; i++)
		mean += d[i] / n;
	for (i = 0; i < n; i++)
		ss += (d[i] - mean) * (d[i] - mean);
	return sqrt(ss / (n - 1));
}

/* z(1 - alpha / 2k) + z(RES_POWER): the shift, in standard errors. */
static double power_z(double alpha, int k)
{
	if (k < 1)
		k = 1;
	return res_normal_quantile(1 - alpha / (2.0 * k)) +
	       res_normal_quantile(RES_POWER);
}

double res_paired_mde(double scale, int n, double alpha, int k)
{
	if (isnan(scale) || n < 1)
		return NAN;
	if (n < res_paired_min_rounds(alpha, k))
		return INFINITY;
	return expm1(power_z(alpha, k) * scale / sqrt(n * 3 / RES_PI));
}

int res_paired_rounds_for(double scale, double effect, double alpha, int k)
{
	double n;
	int floor = res_paired_min_rounds(alpha, k);

	if (isnan(scale) || !(effect > 0))
		return -1;
	n = ceil(pow(power_z(alpha, k) * scale / log1p(effect), 2) * RES_PI / 3);
	if (n > RES_MAX_ROUNDS)
		return RES_MAX_ROUNDS;
	return n > floor ? (int)n : floor;
}

void res_paired_power(struct res_paired *c, double alpha, int k,
		      double effect)
{
	c->mde = res_paired_mde(c->scale, c->rounds, alpha, k);
	c->rounds_needed = res_paired_rounds_for(c->scale, effect, alpha, k);
}

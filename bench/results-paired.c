// SPDX-License-Identifier: GPL-2.0
/*
 * The throughput comparison's rules (results.h): paired rounds (the
 * Wilcoxon signed-rank test, Hodges-Lehmann's shift and its interval),
 * Holm's correction over the benchmarks compared, and the power a run had
 * to see a change.  The race rules are results.c's; the gate and the
 * report call these, never a copy.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "results.h"

#define RES_PI 3.14159265358979323846

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

/*
 * log(cand / base) of each pair whose sides are both times (> 0, finite),
 * in a fresh array of at least one slot; their count in *m.  Log ratios:
 * a 10% change counts alike at 1 ns and at 100 ns.
 */
static double *log_ratios(const double *base_ns, const double *cand_ns, int n,
			  int *m)
{
	double *d = malloc((n > 0 ? n : 1) * sizeof(*d));
	int i;

	if (!d)
		abort();
	*m = 0;
	for (i = 0; i < n; i++)
		if (base_ns[i] > 0 && cand_ns[i] > 0 && isfinite(base_ns[i]) &&
		    isfinite(cand_ns[i]))
			d[(*m)++] = log(cand_ns[i] / base_ns[i]);
	return d;
}

void res_paired_compare(const double *base_ns, const double *cand_ns, int n,
			struct res_paired *c)
{
	int m;
	double *d = log_ratios(base_ns, cand_ns, n, &m);

	res_paired_compare_logs(d, m, c);
	free(d);
}

void res_paired_compare_logs(const double *d_in, int n, struct res_paired *c)
{
	double *d = malloc((n > 0 ? n : 1) * sizeof(*d));
	int i, m = 0;

	if (!d)
		abort();
	memset(c, 0, sizeof(*c));
	for (i = 0; i < n; i++)
		if (isfinite(d_in[i]))
			d[m++] = d_in[i];
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

double res_round_sample(const double *ns, int n)
{
	double *t, v = NAN;
	int i, m = 0;

	t = malloc((n > 0 ? n : 1) * sizeof(*t));
	if (!t)
		abort();
	for (i = 0; i < n; i++)
		if (ns[i] > 0 && isfinite(ns[i]))
			t[m++] = ns[i];
	if (m)
		v = median_sorted(t, m);
	free(t);
	return v;
}

double res_round_log_ratio(const double *base_ns, const double *cand_ns, int n)
{
	int m;
	double *d = log_ratios(base_ns, cand_ns, n, &m);
	double v = m ? median_sorted(d, m) : NAN;

	free(d);
	return v;
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

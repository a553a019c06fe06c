// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics behind the gate and the reports: medians, the Mann-Whitney
 * U test Google Benchmark's compare.py uses, and exact binomial/Poisson
 * intervals for race counts.  No libm beyond the C99 functions.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stat_mean(const double *x, int n)
{
	double s = 0;
	int i;

	if (n <= 0)
		return NAN;
	for (i = 0; i < n; i++)
		s += x[i];
	return s / n;
}

double stat_median(const double *x, int n)
{
	double *t, m;

	if (n <= 0)
		return NAN;
	t = malloc(n * sizeof(*t));
	if (!t)
		abort();
	memcpy(t, x, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
	return m;
}

double stat_stddev(const double *x, int n)
{
	double m = stat_mean(x, n), s = 0;
	int i;

	if (n < 2)
		return 0;
	for (i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return sqrt(s / (n - 1));
}

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

/*
 * Number of arrangements giving each U for samples of m and n: the
 * coefficients of the Gaussian binomial [m+n choose m]_q, built as
 * prod_{k=1..m} (1 - q^(n+k)) / (1 - q^k).  Every step stays a polynomial
 * with non-negative integer coefficients, exact in doubles for the sizes
 * the exact test is used at.
 */
static double *u_distribution(int m, int n)
{
	int deg = m * n, k, u;
	double *c = calloc(deg + 1, sizeof(*c));

	if (!c)
		abort();
	c[0] = 1;
	for (k = 1; k <= m; k++) {
		for (u = deg; u >= n + k; u--)	/* times (1 - q^(n+k)) */
			c[u] -= c[u - n - k];
		for (u = k; u <= deg; u++)	/* divided by (1 - q^k) */
			c[u] += c[u - k];
	}
	return c;
}

static double exact_two_sided(double u_big, int m, int n)
{
	double *c = u_distribution(m, n), total = 0, tail = 0, p;
	int u;

	for (u = 0; u <= m * n; u++) {
		total += c[u];
		if (u >= u_big)
			tail += c[u];
	}
	free(c);
	p = 2 * tail / total;
	return p > 1 ? 1 : p;
}

double mann_whitney_u(const double *x, int nx, const double *y, int ny,
		      double *u_out, bool *exact_out)
{
	return mann_whitney_u_method(x, nx, y, ny, MWU_AUTO, u_out, exact_out);
}

double mann_whitney_u_method(const double *x, int nx, const double *y, int ny,
			     enum mwu_method method, double *u_out,
			     bool *exact_out)
{
	int n = nx + ny, i, j;
	struct ranked *r;
	double r1 = 0, ties = 0, u1, u2, u, mu, sd, z, p;
	bool has_ties = false;

	if (nx < 1 || ny < 1)
		return NAN;
	r = malloc(n * sizeof(*r));
	if (!r)
		abort();
	for (i = 0; i < nx; i++)
		r[i] = (struct ranked){ x[i], 1 };
	for (i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){ y[i], 0 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* Average ranks over runs of ties. */
	for (i = 0; i < n; i = j) {
		double rank, t;

		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		t = j - i;
		rank = (i + 1 + j) / 2.0;
		if (t > 1) {
			has_ties = true;
			ties += t * t * t - t;
		}
		for (int k = i; k < j; k++)
			if (r[k].from_x)
				r1 += rank;
	}
	free(r);
	u1 = r1 - nx * (nx + 1) / 2.0;
	u2 = (double)nx * ny - u1;
	u = u1 > u2 ? u1 : u2;
	if (u_out)
		*u_out = u1;
	/* scipy's "auto": asymptotic if both are large or if there are ties. */
	if (method == MWU_EXACT ||
	    (method == MWU_AUTO && !(nx > 8 && ny > 8) && !has_ties)) {
		if (exact_out)
			*exact_out = true;
		return exact_two_sided(u, nx, ny);
	}
	if (exact_out)
		*exact_out = false;
	mu = nx * (double)ny / 2;
	sd = sqrt(nx * (double)ny / 12 *
		  ((n + 1) - ties / ((double)n * (n - 1))));
	if (sd == 0)
		return 1;	/* every value equal: nothing to tell apart */
	z = (u - mu - 0.5) / sd;	/* continuity correction */
	p = erfc(z / sqrt(2));		/* 2 * normal survival */
	return p > 1 ? 1 : p;
}

double mwu_min_p(int n)
{
	/* 2 / C(2n, n): both samples entirely apart. */
	double c = 1;
	int k;

	for (k = 1; k <= n; k++)
		c = c * (n + k) / k;
	return 2 / c;
}

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
	for (m = 1; m <= 10000; m++) {
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

double betai(double a, double b, double x)
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

		if (betai(a, b, mid) < q)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void binom_ci(double k, double n, double alpha, double *lo, double *hi)
{
	*lo = k <= 0 ? 0 : betai_inv(k, n - k + 1, alpha / 2);
	*hi = k >= n ? 1 : betai_inv(k + 1, n - k, 1 - alpha / 2);
}

void rate_ratio_ci(double k1, double t1, double k2, double t2, double alpha,
		   double *ratio, double *lo, double *hi)
{
	double plo, phi, scale = t2 / t1;

	*ratio = k2 > 0 ? (k1 / t1) / (k2 / t2) : INFINITY;
	if (k1 + k2 <= 0) {
		*lo = 0;
		*hi = INFINITY;
		return;
	}
	/* Given k1 + k2 events, k1 is binomial with p = r1 t1 / (r1 t1 + r2 t2). */
	binom_ci(k1, k1 + k2, alpha, &plo, &phi);
	*lo = plo / (1 - plo) * scale;
	*hi = phi >= 1 ? INFINITY : phi / (1 - phi) * scale;
}

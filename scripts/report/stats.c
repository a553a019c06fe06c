// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics behind the gate and the reports: medians, the Mann-Whitney
 * U test Google Benchmark's compare.py uses (the `mwu` subcommand).  The
 * rules that decide results live in bench/results.c.
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptive statistics of a benchmark's samples (parts.c) and of a
 * comparison's rows (compare.c): mean, median, standard deviation.  The
 * statistical tests, and every rule that decides, live in bench/results.c.
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

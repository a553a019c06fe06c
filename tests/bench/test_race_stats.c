// SPDX-License-Identifier: GPL-2.0
/* bench/race: the exact Poisson interval against published values. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "race.h"

static void assert_close(double got, double want, double rel)
{
	if (fabs(got - want) > rel * fabs(want) + 1e-12) {
		print_error("got %.6f, want %.6f\n", got, want);
		fail();
	}
}

static void test_chi2_quantiles(void **state)
{
	/* Abramowitz & Stegun table 26.8. */
	assert_close(chi2_quantile(0.95, 1), 3.841459, 1e-5);
	assert_close(chi2_quantile(0.975, 2), 7.377759, 1e-5);
	assert_close(chi2_quantile(0.975, 10), 20.483177, 1e-5);
	assert_close(chi2_quantile(0.025, 20), 9.590777, 1e-5);
	assert_close(chi2_quantile(0.5, 100), 99.334129, 1e-5);
}

static void test_poisson_intervals(void **state)
{
	double lo, hi;

	/* Zero events: an upper bound only, -ln(0.025). */
	poisson_ci95(0, &lo, &hi);
	assert_true(lo == 0);
	assert_close(hi, 3.688879, 1e-5);
	/* Garwood's exact intervals. */
	poisson_ci95(1, &lo, &hi);
	assert_close(lo, 0.025318, 1e-4);
	assert_close(hi, 5.571643, 1e-5);
	poisson_ci95(10, &lo, &hi);
	assert_close(lo, 4.795389, 1e-5);
	assert_close(hi, 18.390356, 1e-5);
	poisson_ci95(100, &lo, &hi);
	assert_close(lo, 81.363, 1e-4);
	assert_close(hi, 121.627, 1e-4);
	/* Large counts: close to k +- 1.96 sqrt(k). */
	poisson_ci95(1000000, &lo, &hi);
	assert_close(lo, 1000000 - 1.96 * 1000, 1e-4);
	assert_close(hi, 1000000 + 1.96 * 1000, 1e-4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chi2_quantiles),
		cmocka_unit_test(test_poisson_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

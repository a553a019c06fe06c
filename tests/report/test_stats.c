// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics against published values: scipy.stats.mannwhitneyu's
 * documented example (which compare.py's U test is) and hand-computed ties.
 * The result rules (bench/results.c) are tested in test_results.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "report.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

/* scipy docs: males vs females, U1 = 17; exact p = 0.1111..., asymptotic 0.11134688653314041. */
static void test_mwu_scipy_example(void **state)
{
	double m[] = { 19, 22, 16, 29, 24 }, f[] = { 20, 11, 17, 12 }, u, p;
	bool exact;

	p = mann_whitney_u(m, 5, f, 4, &u, &exact);
	assert_true(exact);
	near(u, 17, 0);
	near(p, 1.0 / 9, 1e-12);
	p = mann_whitney_u_method(m, 5, f, 4, MWU_ASYMPTOTIC, &u, &exact);
	assert_false(exact);
	near(p, 0.11134688653314041, 1e-12);
}

/* Completely separated samples: p = 2 / C(n1 + n2, n1). */
static void test_mwu_separated(void **state)
{
	double a[] = { 1, 2, 3, 4, 5 }, b[] = { 6, 7, 8, 9, 10 };

	near(mann_whitney_u(a, 5, b, 5, NULL, NULL), 2.0 / 252, 1e-15);
	near(mann_whitney_u(b, 5, a, 5, NULL, NULL), 2.0 / 252, 1e-15);
	near(mann_whitney_u(a, 3, b, 3, NULL, NULL), 0.1, 1e-15);
	near(mwu_min_p(4), 2.0 / 70, 1e-15);
	near(mwu_min_p(3), 0.1, 1e-15);
}

/* Identical samples: nothing to tell apart. */
static void test_mwu_identical(void **state)
{
	double a[] = { 3, 3, 3, 3 };
	double b[] = { 1.5, 2.5, 3.5, 4.5, 5.5 };

	near(mann_whitney_u(a, 4, a, 4, NULL, NULL), 1, 0);
	near(mann_whitney_u(b, 5, b, 5, NULL, NULL), 1, 1e-12);
}

/*
 * Ties, by hand: x = 1 2 2 3, y = 2 3 4 5; ranks 1, 3 3 3, 5.5 5.5, 7, 8;
 * R1 = 12.5, U1 = 2.5, U = 13.5; tie term 24 + 6; sd = sqrt(16/12 (9 -
 * 30/56)); z = (13.5 - 8 - 0.5) / sd; p = erfc(z / sqrt 2).
 */
static void test_mwu_ties(void **state)
{
	double x[] = { 1, 2, 2, 3 }, y[] = { 2, 3, 4, 5 }, u, p;
	double sd = sqrt(16.0 / 12 * (9 - 30.0 / 56));
	bool exact;

	p = mann_whitney_u(x, 4, y, 4, &u, &exact);
	assert_false(exact);
	near(u, 2.5, 0);
	near(p, erfc(5 / sd / sqrt(2)), 1e-12);
	near(p, 0.1366582477, 1e-9);
}

/* Both samples larger than 8: the normal approximation. */
static void test_mwu_large(void **state)
{
	double a[10], b[10];
	bool exact;
	int i;

	for (i = 0; i < 10; i++) {
		a[i] = i;
		b[i] = i + 10;
	}
	/* U = 100, mu = 50, sd = sqrt(100 * 21 / 12) */
	near(mann_whitney_u(a, 10, b, 10, NULL, &exact),
	     erfc((100 - 50 - 0.5) / sqrt(175.0) / sqrt(2)), 1e-12);
	assert_false(exact);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mwu_scipy_example),
		cmocka_unit_test(test_mwu_separated),
		cmocka_unit_test(test_mwu_identical),
		cmocka_unit_test(test_mwu_ties),
		cmocka_unit_test(test_mwu_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Calibration shapes: the engine's sensitivity.  On x86 hardware SB and LU
 * show and MP, SB+mb and MP+wmb+rmb never do (in >= 10^6 trials).
 * Elsewhere, and under qemu, each runs and checks its forbidden shapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/variant.h>
#include "race_helpers.h"

static bool on_x86_hardware(void)
{
	return !strcmp(this_variant.arch, "x86_64") && !race_test_emulated();
}

/* @state: the shape's name. */
static void shape_shows(void **state)
{
	const char *name = *state;
	json_t *r = NULL;
	int i;

	if (!on_x86_hardware()) {
		r = race_test_run(name, 0, 2000, 16);
		assert_non_null(r);
		assert_int_equal(race_test_trials(r), 2000);
		json_decref(r);
		return;
	}
	for (i = 0; i < 3 && (!r || !race_test_bad(r)); i++) {
		json_decref(r);
		r = race_test_run(name, 0.5, 0, -1);
		assert_non_null(r);
	}
	race_test_print(r);
	assert_true(race_test_bad(r) > 0);
	json_decref(r);
}

static void shape_never(void **state)
{
	const char *name = *state;
	const struct race_scenario *s = race_scenario_find(name);
	unsigned long trials = race_test_emulated() ? 2000 : 1000000;
	json_t *r;

	if (race_expectation(s, this_variant.arch) != EXPECT_FORBIDDEN)
		trials = 2000;	/* allowed here: run it, assert nothing */
	r = race_test_run(name, 0, trials, race_test_emulated() ? 16 : -1);
	assert_non_null(r);
	race_test_print(r);
	assert_true(race_test_trials(r) >= trials);
	if (race_expectation(s, this_variant.arch) == EXPECT_FORBIDDEN)
		assert_int_equal(race_test_bad(r), 0);
	json_decref(r);
}

/*
 * The shapes are generated from their .litmus files (scripts/litmus-shape):
 * their roles, named after their statements, and their classes keep the
 * names reports and bundles know them by.
 */
static void shape_is(const char *name, const char *p0, const char *p1,
		     const char *const *classes, unsigned int bad,
		     unsigned int racy)
{
	const struct race_scenario *s = race_scenario_find(name);
	unsigned int i;

	assert_non_null(s);
	assert_int_equal(s->nr_roles, 2);
	assert_string_equal(s->roles[0].name, p0);
	assert_string_equal(s->roles[1].name, p1);
	for (i = 0; classes[i]; i++) {
		assert_true(i < s->nr_outcomes);
		assert_string_equal(s->outcomes[i].name, classes[i]);
		assert_int_equal(s->outcomes[i].bad, !!(bad & RACE_CLASS(i)));
		assert_int_equal(s->outcomes[i].racy, !!(racy & RACE_CLASS(i)));
	}
	assert_int_equal(i, s->nr_outcomes);
}

static void test_generated(void **state)
{
	static const char *const sb[] = { "r0=0,r1=0", "one-saw", "r0=1,r1=1",
					  NULL };
	static const char *const mp[] = { "r0=1,r1=0", "r0=1,r1=1",
					  "r0=0,r1=0", "r0=0,r1=1", NULL };
	static const char *const lu[] = { "or-lost", "or-kept", NULL };

	shape_is("SB", "WRITE_ONCE(x)+READ_ONCE(y)",
		 "WRITE_ONCE(y)+READ_ONCE(x)", sb, 1, 4);
	shape_is("SB+mb", "WRITE_ONCE(x)+smp_mb+READ_ONCE(y)",
		 "WRITE_ONCE(y)+smp_mb+READ_ONCE(x)", sb, 1, 4);
	shape_is("MP", "WRITE_ONCE(x)+WRITE_ONCE(y)",
		 "READ_ONCE(y)+READ_ONCE(x)", mp, 1, 8);
	shape_is("MP+wmb+rmb", "WRITE_ONCE(x)+smp_wmb+WRITE_ONCE(y)",
		 "READ_ONCE(y)+smp_rmb+READ_ONCE(x)", mp, 1, 8);
	shape_is("LU", "__clear_bit", "set_bit", lu, 1, 0);
}

/* The shapes' own expectations, unless the variant file names them. */
static void test_expectations(void **state)
{
	const struct race_scenario *sb = race_scenario_find("SB");
	const struct race_scenario *mp = race_scenario_find("MP");

	assert_int_equal(race_expectation(sb, "x86_64"), EXPECT_REPRODUCE);
	assert_int_equal(race_expectation(sb, "aarch64"), EXPECT_ALLOWED);
	assert_int_equal(race_expectation(mp, "x86_64"), EXPECT_FORBIDDEN);
	assert_int_equal(race_expectation(mp, "ppc64le"), EXPECT_ALLOWED);
	assert_int_equal(race_expectation(race_scenario_find("LU"), "ppc64le"),
			 EXPECT_REPRODUCE);
	assert_int_equal(race_expectation(race_scenario_find("SB+mb"), "aarch64"),
			 EXPECT_FORBIDDEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generated),
		cmocka_unit_test(test_expectations),
#define SHAPE(fn, name) { name, fn, NULL, NULL, (void *)name }
		SHAPE(shape_shows, "SB"),
		SHAPE(shape_shows, "LU"),
		SHAPE(shape_never, "SB+mb"),
		SHAPE(shape_never, "MP"),
		SHAPE(shape_never, "MP+wmb+rmb"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A new calibration shape is one .litmus file: tests/bench/shapes/LB.litmus,
 * turned into a scenario by scripts/litmus-shape at build time and linked
 * into this test only, registers and runs like a shipped one: its roles
 * named after its statements, its classes from its annotation, every trial
 * in exactly one class, its expectation per architecture.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/variant.h>
#include "race_helpers.h"

static void test_registered(void **state)
{
	const struct race_scenario *s = race_scenario_find("LB");

	(void)state;
	assert_non_null(s);
	assert_null(s->seed);
	assert_int_equal(s->nr_roles, 2);
	assert_string_equal(s->roles[0].name, "READ_ONCE(x)+WRITE_ONCE(y)");
	assert_string_equal(s->roles[1].name, "READ_ONCE(y)+WRITE_ONCE(x)");
	assert_int_equal(s->nr_outcomes, 3);
	assert_string_equal(s->outcomes[0].name, "r0=1,r1=1");
	assert_true(s->outcomes[0].bad && !s->outcomes[0].racy);
	assert_string_equal(s->outcomes[1].name, "one-saw");
	assert_true(!s->outcomes[1].bad && !s->outcomes[1].racy);
	assert_string_equal(s->outcomes[2].name, "r0=0,r1=0");
	assert_true(!s->outcomes[2].bad && s->outcomes[2].racy);
	assert_int_equal(race_expectation(s, "x86_64"), EXPECT_FORBIDDEN);
	assert_int_equal(race_expectation(s, "aarch64"), EXPECT_ALLOWED);
	assert_int_equal(race_expectation(s, "ppc64le"), EXPECT_ALLOWED);
}

/* Every trial lands in one class; x86's TSO never shows the bad one. */
static void test_runs(void **state)
{
	json_t *r = race_test_run("LB", 0, 2000, race_test_emulated() ? 16 : -1);
	unsigned long sum;

	(void)state;
	assert_non_null(r);
	race_test_print(r);
	assert_int_equal(race_test_trials(r), 2000);
	sum = race_test_count(r, "r0=1,r1=1") + race_test_count(r, "one-saw") +
	      race_test_count(r, "r0=0,r1=0");
	assert_int_equal(sum, 2000);
	if (!strcmp(this_variant.arch, "x86_64") && !race_test_emulated())
		assert_int_equal(race_test_bad(r), 0);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered),
		cmocka_unit_test(test_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

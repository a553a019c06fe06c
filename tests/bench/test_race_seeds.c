// SPDX-License-Identifier: GPL-2.0
/*
 * The five seed scenarios against this build's variant: where the variant
 * file says `reproduce`, the race shows within a bounded run; where it says
 * `forbidden`, a run of at least 10^6 trials records none.  Under qemu only
 * function is checked (smaller runs; forbidden still means zero).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/variant.h>
#include "race_helpers.h"

#define REPRODUCE_ATTEMPTS 3		/* of one second each */
#define FORBIDDEN_TRIALS 1000000UL
#define EMULATED_TRIALS 2000UL

static void check_scenario(const char *name)
{
	const struct race_scenario *s = race_scenario_find(name);
	enum expectation e;
	json_t *r = NULL;
	int i;

	assert_non_null(s);
	e = race_expectation(s, this_variant.arch);
	printf("  %s: expect %s\n", name, expectation_name(e));
	if (race_test_emulated()) {
		r = race_test_run(name, 0, EMULATED_TRIALS, 16);
		assert_non_null(r);
		assert_int_equal(race_test_trials(r), EMULATED_TRIALS);
		if (e == EXPECT_FORBIDDEN)
			assert_int_equal(race_test_bad(r), 0);
		race_test_print(r);
		json_decref(r);
		return;
	}
	switch (e) {
	case EXPECT_REPRODUCE:
		for (i = 0; i < REPRODUCE_ATTEMPTS; i++) {
			json_decref(r);
			r = race_test_run(name, 1, 0, -1);
			assert_non_null(r);
			if (race_test_bad(r))
				break;
		}
		race_test_print(r);
		assert_true(race_test_bad(r) > 0);
		assert_string_equal(json_string_value(json_object_get(r, "verdict")),
				    "PASS");
		break;
	case EXPECT_FORBIDDEN:
		r = race_test_run(name, 0, FORBIDDEN_TRIALS, -1);
		assert_non_null(r);
		race_test_print(r);
		assert_true(race_test_trials(r) >= FORBIDDEN_TRIALS);
		assert_int_equal(race_test_bad(r), 0);
		assert_string_equal(json_string_value(json_object_get(r, "verdict")),
				    "PASS");
		break;
	default:
		r = race_test_run(name, 0.5, 0, -1);
		assert_non_null(r);
		race_test_print(r);
		assert_true(race_test_trials(r) > 0);
		break;
	}
	json_decref(r);
}

static void test_lost_waiters(void **state)
{
	check_scenario("lost-waiters");
}

static void test_compaction_mapcount(void **state)
{
	json_t *r;

	check_scenario("compaction-mapcount");
	/* Hugh Dickins's objection: only the open-coded check rejects them. */
	r = race_test_run("compaction-mapcount", 0, race_test_emulated() ? 500 : 20000, 16);
	assert_non_null(r);
	if (!strcmp(this_variant.name, "compaction-open-coded"))
		assert_int_equal(race_test_count(r, "good-rejected"),
				 race_test_trials(r));
	else if (!strcmp(this_variant.name, "nonatomic"))
		assert_int_equal(race_test_count(r, "good-rejected"), 0);
	json_decref(r);
}

static void test_refcount_freeze(void **state)
{
	check_scenario("refcount-freeze");
}

static void test_migration_entry(void **state)
{
	json_t *r;

	check_scenario("migration-entry");
	/* Mel Gorman's patch removes the dangling entries it meets. */
	if (strcmp(this_variant.name, "migration-cleanup") || race_test_emulated())
		return;
	r = race_test_run("migration-entry", 1, 0, -1);
	assert_non_null(r);
	assert_true(race_test_count(r, "dangling-cleaned") > 0);
	json_decref(r);
}

static void test_slab_movable(void **state)
{
	check_scenario("slab-movable");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_waiters),
		cmocka_unit_test(test_compaction_mapcount),
		cmocka_unit_test(test_refcount_freeze),
		cmocka_unit_test(test_migration_entry),
		cmocka_unit_test(test_slab_movable),
	};

	printf("variant %s on %s%s\n", this_variant.name, this_variant.arch,
	       race_test_emulated() ? " (emulated)" : "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

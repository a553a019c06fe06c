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
	json_t *r = NULL, *batches;
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
	/*
	 * Its free batches ran packed (race.h), every one: a short run on a
	 * slow build (ASan) may end before the plan's first free batch.
	 */
	batches = json_object_get(json_object_get(r, "window"), "batches");
	assert_non_null(json_object_get(batches, "packed"));
	assert_int_equal(json_integer_value(json_object_get(batches, "packed")),
			 json_integer_value(json_object_get(batches, "free")));
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

/*
 * The packed trials (race.h): one role over every trial, then the other,
 * in either order, run on one CPU, show no bad outcome, and every trial
 * is in a class; by hand, SB's weak outcome is counted as bad.
 */
static unsigned long *packed_new(const struct race_packed *pk,
				 unsigned long n, size_t *span)
{
	unsigned long *a;

	*span = (n + 7) / 8 * 8 + 8;
	a = calloc(pk->nr_words * *span, sizeof(*a));
	assert_non_null(a);
	pk->reset(a, *span, 0, n);
	return a;
}

static void test_packed_serialised(void **state)
{
	const struct race_scenario *const *it;
	const unsigned long n = 1000;
	int shapes = 0;

	for (it = race_scenarios_begin(); it < race_scenarios_end(); it++) {
		const struct race_scenario *s = *it;
		const struct race_packed *pk = s->packed;

		if (!pk)
			continue;
		assert_null(s->seed);	/* calibration shapes only */
		shapes++;
		for (unsigned int rev = 0; rev < 2; rev++) {
			unsigned long counts[RACE_MAX_OUTCOMES + 1] = { 0 }, sum = 0;
			size_t span;
			unsigned long *a = packed_new(pk, n, &span);

			for (unsigned int k = 0; k < s->nr_roles; k++) {
				unsigned int role = rev ? s->nr_roles - 1 - k : k;

				/* In two runs, as the engine calls it. */
				pk->role[role](a, span, 0, n / 3);
				pk->role[role](a, span, n / 3, n);
			}
			pk->check(a, span, 0, n, counts);
			for (unsigned int o = 0; o < s->nr_outcomes; o++) {
				sum += counts[o];
				if (s->outcomes[o].bad)
					assert_int_equal(counts[o], 0);
			}
			assert_int_equal(sum, n);
			/* The check reset the locations, reset the registers. */
			pk->reset(a, span, 0, n);
			memset(counts, 0, sizeof(counts));
			pk->check(a, span, 0, n, counts);
			assert_int_equal(counts[s->nr_outcomes], n);
			free(a);
		}
	}
	assert_true(shapes >= 5);
}

static void test_packed_sb_weak(void **state)
{
	const struct race_scenario *s = race_scenario_find("SB");
	const struct race_packed *pk = s->packed;
	unsigned long counts[RACE_MAX_OUTCOMES + 1] = { 0 };
	size_t span;
	unsigned long *a = packed_new(pk, 64, &span);

	/* Words: x, y, P0's r0, P1's r1; both stores done, both loads 0. */
	assert_int_equal(pk->nr_words, 4);
	for (unsigned long i = 0; i < 64; i++) {
		a[i] = a[span + i] = 1;
		a[2 * span + i] = a[3 * span + i] = i < 10 ? 0 : 1;
	}
	pk->check(a, span, 0, 64, counts);
	assert_int_equal(counts[0], 10);	/* r0=0,r1=0 */
	assert_int_equal(counts[2], 54);	/* r0=1,r1=1 */
	free(a);
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
		cmocka_unit_test(test_packed_serialised),
		cmocka_unit_test(test_packed_sb_weak),
#define SHAPE(fn, name) { name, fn, NULL, NULL, (void *)name }
		SHAPE(shape_shows, "SB"),
		SHAPE(shape_shows, "LU"),
		SHAPE(shape_never, "SB+mb"),
		SHAPE(shape_never, "MP"),
		SHAPE(shape_never, "MP+wmb+rmb"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

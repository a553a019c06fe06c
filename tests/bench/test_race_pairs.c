// SPDX-License-Identifier: GPL-2.0
/*
 * race --pairs each on this machine: one result per ordered pair of
 * allowed CPUs (2 on 2 CPUs), each carrying "pair" {cpus, class} equal to
 * the CPUs it ran on and their class, and the scenario's trials split
 * between the pairs.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "race_helpers.h"
#include "topology.h"

#define TRIALS 4096

static void test_each_ordered_pair(void **state)
{
	const struct race_scenario *lu = race_scenario_find("LU");
	char err[512];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));
	static int want[RACE_EACH_MAX_PAIRS + 10][2];
	struct race_params p;
	json_t *results, *r;
	int n, i;
	size_t k;

	assert_non_null(t);
	if (fb_topology_nr_cpus(t) < 2)
		skip();
	n = fb_topology_each_pair(t, RACE_EACH_MAX_PAIRS, want,
				  RACE_EACH_MAX_PAIRS + 10);
	if (fb_topology_nr_cpus(t) <= 16)
		assert_int_equal(n, fb_topology_nr_cpus(t) *
				    (fb_topology_nr_cpus(t) - 1));
	race_params_default(&p);
	p.pair_mask = RACE_PAIRS_EACH;
	p.seconds = 0;
	p.trials = TRIALS;
	p.jitter = 8;
	p.quiet = true;
	results = json_array();
	assert_int_equal(race_run_json(&lu, 1, &p, results, err, sizeof(err)), 0);
	assert_int_equal(json_array_size(results), n);
	json_array_foreach(results, k, r) {
		json_t *pair = json_object_get(r, "pair");
		json_t *pc = json_object_get(pair, "cpus");
		int a = json_integer_value(json_array_get(pc, 0));
		int b = json_integer_value(json_array_get(pc, 1));

		assert_non_null(pair);
		assert_int_equal(a, want[k][0]);
		assert_int_equal(b, want[k][1]);
		/* The pair is where the roles ran. */
		assert_int_equal(json_integer_value(json_array_get(
					 json_object_get(r, "cpus"), 0)), a);
		assert_int_equal(json_integer_value(json_array_get(
					 json_object_get(r, "cpus"), 1)), b);
		assert_string_equal(json_string_value(json_object_get(pair, "class")),
				    fb_pair_class_name(fb_cpu_pair_class(t, a, b)));
		assert_string_equal(json_string_value(json_object_get(r, "pair_class")),
				    json_string_value(json_object_get(pair, "class")));
		/* The budget is split: each pair gets its share of trials. */
		assert_int_equal(race_test_trials(r), (TRIALS + n - 1) / n);
	}
	for (i = 0; i < n; i++)
		assert_int_not_equal(want[i][0], want[i][1]);
	json_decref(results);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_ordered_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

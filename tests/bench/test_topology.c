// SPDX-License-Identifier: GPL-2.0
/* bench/topology: the allowed set, pair classes, picks and placements. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "topology.h"

static void test_names(void **state)
{
	int c;

	for (c = 0; c < FB_NR_PAIR_CLASSES; c++)
		assert_int_equal(fb_pair_class_parse(fb_pair_class_name(c)), c);
	assert_int_equal(fb_pair_class_parse("l4"), -1);
	assert_int_equal(fb_placement_parse("scatter"), FB_PLACE_SCATTER);
	assert_int_equal(fb_placement_parse("compact"), FB_PLACE_COMPACT);
	assert_int_equal(fb_placement_parse("spread"), -1);
}

static void test_allowed_and_classes(void **state)
{
	char err[256];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));
	int n, i, j, cpus[64];
	unsigned present;

	assert_non_null(t);
	n = fb_topology_nr_cpus(t);
	assert_true(n >= 1);
	present = fb_topology_classes_present(t);
	if (n >= 2)
		assert_true(present != 0);
	for (i = 0; i < FB_NR_PAIR_CLASSES; i++) {
		if (!(present & (1u << i)))
			continue;
		assert_int_equal(fb_topology_pick(t, i, 2, cpus, err, sizeof(err)), 0);
		assert_int_equal(fb_cpu_pair_class(t, cpus[0], cpus[1]), i);
		assert_int_not_equal(cpus[0], cpus[1]);
	}
	assert_int_equal(fb_topology_place(t, FB_PLACE_SCATTER, n + 1, cpus,
					   err, sizeof(err)), -1);
	assert_non_null(strstr(err, "CPUs allowed"));
	n = n > 64 ? 64 : n;
	assert_int_equal(fb_topology_place(t, FB_PLACE_COMPACT, n, cpus, err,
					   sizeof(err)), 0);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			assert_int_not_equal(cpus[i], cpus[j]);
}

/* taskset -c <first>: the topology follows, picks of 2 fail clearly. */
static void test_one_cpu(void **state)
{
	char err[256];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));
	cpu_set_t saved, one;
	int cpus[2], first;

	assert_non_null(t);
	assert_int_equal(sched_getaffinity(0, sizeof(saved), &saved), 0);
	fb_topology_cpus(t, &first, 1);
	CPU_ZERO(&one);
	CPU_SET(first, &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
	t = fb_topology_get(err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(fb_topology_nr_cpus(t), 1);
	assert_int_equal(fb_topology_pick(t, FB_PAIR_L3, 2, cpus, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "1 allowed"));
	/* Never pins outside the allowed set. */
	assert_int_equal(fb_pin_self(t, first + 1), -22);
	assert_int_equal(fb_pin_self(t, first), 0);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	t = fb_topology_get(err, sizeof(err));
	assert_int_equal(fb_topology_nr_cpus(t), CPU_COUNT(&saved));
}

static void test_alloc_and_json(void **state)
{
	char err[256];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));
	json_t *j;
	char *p;
	int cpu;

	fb_topology_cpus(t, &cpu, 1);
	p = fb_alloc_near(t, 1 << 16, cpu);
	assert_non_null(p);
	assert_int_equal((unsigned long)p & 4095, 0);
	assert_int_equal(p[12345], 0);
	fb_free_near(t, p, 1 << 16);
	j = fb_topology_json(t);
	assert_non_null(json_object_get(j, "cpu_model"));
	assert_int_equal(json_array_size(json_object_get(j, "allowed_cpus")),
			 fb_topology_nr_cpus(t));
	assert_true(json_integer_value(json_object_get(j, "pus")) >= 1);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_allowed_and_classes),
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_alloc_and_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

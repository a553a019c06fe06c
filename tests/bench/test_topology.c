// SPDX-License-Identifier: GPL-2.0
/* bench/topology: the allowed set, pair classes, picks and placements. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdbool.h>
#include <stdlib.h>
#include <cmocka.h>
#include "race-result.h"
#include "race.h"
#include "topology.h"
#include "topology_helpers.h"

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

	assert_int_equal(fb_topology_here(t, err, sizeof(err)), 0);
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

/*
 * The machines users have, described to hwloc (synthetic syntax): the
 * unordered pairs of each class, counted by hand from the shape, the first
 * pair of each class, and the first four CPUs of each placement.
 */
struct described {
	const char *name, *synthetic;
	int pus;
	long pairs[FB_NR_PAIR_CLASSES];	/* smt, l2, l3, package, none */
	int first[FB_NR_PAIR_CLASSES][2];
	int compact[4], scatter[4];
};

static const struct described machines[] = {
	{
		/*
		 * 2-socket x86, SMT2, sub-NUMA clustering: two NUMA nodes per
		 * package, each with its L3 slice, 10 cores with private L2.
		 * smt 40 cores; l3 4 x (C(20,2) - 10); package 2 x 20 x 20;
		 * none 40 x 40.
		 */
		"x86 2S SMT2 SNC2",
		"package:2 numa:2 l3:1 l2:10 l1d:1 core:1 pu:2", 80,
		{ 40, 0, 720, 800, 1600 },
		{ { 0, 1 }, { -1 }, { 0, 2 }, { 0, 20 }, { 0, 40 } },
		{ 0, 1, 2, 3 }, { 0, 40, 2, 42 },
	},
	{
		/*
		 * POWER9 SMT4, 2 sockets: pairs of SMT4 cores share an L2 and
		 * an L3 (a fused SMT8 core), 12 pairs a socket.  smt 48 x 6;
		 * l2 24 x (28 - 12); package 2 x (C(96,2) - 12 x 28); none
		 * 96 x 96.
		 */
		"POWER9 SMT4 2S",
		"package:2 l3:12 l2:1 core:2 pu:4", 192,
		{ 288, 384, 0, 8448, 9216 },
		{ { 0, 1 }, { 0, 4 }, { -1 }, { 0, 8 }, { 0, 96 } },
		{ 0, 1, 2, 3 }, { 0, 96, 4, 100 },
	},
	{
		/* POWER10 SMT8, one socket of 15 cores, L2 and L3 per core. */
		"POWER10 SMT8",
		"package:1 l3:15 l2:1 core:1 pu:8", 120,
		{ 420, 0, 0, 6720, 0 },
		{ { 0, 1 }, { -1 }, { -1 }, { 0, 8 }, { -1 } },
		{ 0, 1, 2, 3 }, { 0, 8, 16, 24 },
	},
	{
		/*
		 * Ampere Altra Q80: 80 Neoverse N1 cores, no SMT, a private
		 * L2 each, the system-level cache not an L3 to hwloc.
		 */
		"Ampere Altra 80",
		"package:1 l2:80 l1d:1 core:1 pu:1", 80,
		{ 0, 0, 0, 3160, 0 },
		{ { -1 }, { -1 }, { -1 }, { 0, 1 }, { -1 } },
		{ 0, 1, 2, 3 }, { 0, 1, 2, 3 },
	},
	{
		/* Graviton3: 64 Neoverse V1 cores, private L2, one shared L3. */
		"Graviton3",
		"package:1 l3:1 l2:64 l1d:1 core:1 pu:1", 64,
		{ 0, 0, 2016, 0, 0 },
		{ { -1 }, { -1 }, { 0, 1 }, { -1 }, { -1 } },
		{ 0, 1, 2, 3 }, { 0, 1, 2, 3 },
	},
};

static struct fb_topology *describe(const char *synthetic, const char *cpuset)
{
	char src[256], err[256];
	struct fb_topology *t;

	snprintf(src, sizeof(src), "synthetic:%s", synthetic);
	t = load_described(src, cpuset, err, sizeof(err));
	if (!t)
		fail_msg("%s: %s", synthetic, err);
	return t;
}

/*
 * Every unordered pair of allowed CPUs by class, against @want, and the
 * classes present.
 */
static void check_pairs(struct fb_topology *t, const char *name,
			const long *want)
{
	static int cpus[FB_MAX_CPUS];
	long pairs[FB_NR_PAIR_CLASSES] = { 0 };
	int n = fb_topology_cpus(t, cpus, FB_MAX_CPUS), i, j, c;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			pairs[fb_cpu_pair_class(t, cpus[i], cpus[j])]++;
	for (c = 0; c < FB_NR_PAIR_CLASSES; c++) {
		print_message("%-18s %-8s %8ld pairs\n", name,
			      fb_pair_class_name(c), pairs[c]);
		assert_int_equal(pairs[c], want[c]);
		assert_int_equal(!!(fb_topology_classes_present(t) & (1u << c)),
				 want[c] > 0);
	}
}

static void test_described_machines(void **state)
{
	char err[256];
	size_t m;

	for (m = 0; m < sizeof(machines) / sizeof(machines[0]); m++) {
		const struct described *d = &machines[m];
		struct fb_topology *t = describe(d->synthetic, NULL);
		int cpus[4], c;

		assert_true(fb_topology_described(t));
		assert_int_equal(fb_topology_nr_cpus(t), d->pus);
		check_pairs(t, d->name, d->pairs);
		for (c = 0; c < FB_NR_PAIR_CLASSES; c++) {
			int two[2];

			if (d->first[c][0] < 0) {
				assert_int_equal(fb_topology_pick(t, c, 2, two, err,
								  sizeof(err)), -1);
				assert_non_null(strstr(err, fb_pair_class_name(c)));
				continue;
			}
			assert_int_equal(fb_topology_pick(t, c, 2, two, err,
							  sizeof(err)), 0);
			assert_int_equal(two[0], d->first[c][0]);
			assert_int_equal(two[1], d->first[c][1]);
		}
		assert_int_equal(fb_topology_place(t, FB_PLACE_COMPACT, 4, cpus,
						   err, sizeof(err)), 0);
		assert_memory_equal(cpus, d->compact, sizeof(d->compact));
		assert_int_equal(fb_topology_place(t, FB_PLACE_SCATTER, 4, cpus,
						   err, sizeof(err)), 0);
		assert_memory_equal(cpus, d->scatter, sizeof(d->scatter));
		/* A plan, not this machine: nothing is pinned or run on it. */
		assert_int_equal(fb_pin_self(t, 0), -EOPNOTSUPP);
		assert_int_equal(fb_topology_here(t, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "FB_TOPOLOGY describes another machine"));
	}
	back_to_this_machine();
}

/* taskset -c 0-2,40 on the 2-socket x86: its classes, picks, placement. */
static void test_described_cpuset(void **state)
{
	struct fb_topology *t = describe(machines[0].synthetic, "0-2,40");
	char err[256];
	int cpus[4];

	assert_int_equal(fb_topology_nr_cpus(t), 4);
	assert_int_equal(fb_topology_classes_present(t),
			 (1u << FB_PAIR_SMT) | (1u << FB_PAIR_L3) |
			 (1u << FB_PAIR_NONE));
	assert_int_equal(fb_topology_pick(t, FB_PAIR_PACKAGE, 2, cpus, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "allowed: 0-2,40"));
	assert_int_equal(fb_topology_pick(t, FB_PAIR_NONE, 2, cpus, err,
					  sizeof(err)), 0);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 40);
	assert_int_equal(fb_topology_place(t, FB_PLACE_SCATTER, 2, cpus, err,
					   sizeof(err)), 0);
	assert_int_equal(cpus[0], 0);
	assert_int_equal(cpus[1], 40);
	assert_int_equal(fb_topology_place(t, FB_PLACE_COMPACT, 5, cpus, err,
					   sizeof(err)), -1);
	/* Never outside the set, even on paper. */
	assert_int_equal(fb_pin_self(t, 3), -EINVAL);
	back_to_this_machine();

	setenv("FB_TOPOLOGY", "synthetic:package:1 core:2 pu:1", 1);
	setenv("FB_CPUSET", "7", 1);
	fb_topology_reset();
	assert_null(fb_topology_get(err, sizeof(err)));
	assert_non_null(strstr(err, "FB_CPUSET"));
	setenv("FB_TOPOLOGY", "synthetic:package:1 bogus:2", 1);
	fb_topology_reset();
	assert_null(fb_topology_get(err, sizeof(err)));
	assert_non_null(strstr(err, "synthetic"));
	back_to_this_machine();
}

/*
 * Big machines, at the scale users have them: every unordered pair's
 * class, counted by hand from the shape, and what is picked and placed.
 */
struct big {
	const char *name, *synthetic;
	int pus;
	long pairs[FB_NR_PAIR_CLASSES];	/* smt, l2, l3, package, none */
	int three[FB_NR_PAIR_CLASSES][3];	/* first 3 pairwise; -1: none */
};

static const struct big bigs[] = {
	{
		/*
		 * 2-socket x86, 56 cores SMT2 a socket, L2 per core, one L3
		 * a socket.  smt 112; l3 2 x (C(112,2) - 56); none 112^2.
		 */
		"x86 2S 56c SMT2", "package:2 l3:1 l2:56 core:1 pu:2", 224,
		{ 112, 0, 12320, 0, 12544 },
		{ { -1 }, { -1 }, { 0, 2, 4 }, { -1 }, { -1 } },
	},
	{
		/*
		 * POWER10 E1080: 16 sockets of 15 SMT8 cores (what hwloc
		 * shows without caches).  smt 240 x 28; package 16 x
		 * (C(120,2) - 15 x 28); none the other C(1920,2) pairs.
		 */
		"POWER10 E1080", "package:16 core:15 pu:8", 1920,
		{ 6720, 0, 0, 107520, 1728000 },
		{ { 0, 1, 2 }, { -1 }, { -1 }, { 0, 8, 16 }, { 0, 120, 240 } },
	},
	{
		/* arm64, 128 cores, no SMT, a private L2 each, no L3. */
		"arm64 128c", "package:1 l2:128 l1d:1 core:1 pu:1", 128,
		{ 0, 0, 0, 8128, 0 },
		{ { -1 }, { -1 }, { -1 }, { 0, 1, 2 }, { -1 } },
	},
	{
		/* The most this build plans for: 4,096 PUs, SMT8. */
		"4096 PUs", "package:16 core:32 pu:8", 4096,
		{ 14336, 0, 0, 507904, 7864320 },
		{ { 0, 1, 2 }, { -1 }, { -1 }, { 0, 8, 16 }, { 0, 256, 512 } },
	},
};

static void test_big_machines(void **state)
{
	static int cpus[FB_MAX_CPUS];
	char err[256];
	size_t m;

	for (m = 0; m < sizeof(bigs) / sizeof(bigs[0]); m++) {
		const struct big *d = &bigs[m];
		struct fb_topology *t = describe(d->synthetic, NULL);
		int n = fb_topology_nr_cpus(t), i, j, c, three[3];

		assert_int_equal(n, d->pus);
		check_pairs(t, d->name, d->pairs);
		for (c = 0; c < FB_NR_PAIR_CLASSES; c++) {
			if (d->three[c][0] < 0) {
				assert_int_equal(fb_topology_pick(t, c, 3, three, err,
								  sizeof(err)), -1);
				continue;
			}
			assert_int_equal(fb_topology_pick(t, c, 3, three, err,
							  sizeof(err)), 0);
			assert_memory_equal(three, d->three[c], sizeof(three));
		}
		/* Placement: a permutation of the allowed CPUs. */
		assert_int_equal(fb_topology_place(t, FB_PLACE_SCATTER, n, cpus,
						   err, sizeof(err)), 0);
		for (i = 0, j = 0; i < n; i++)
			j += cpus[i];
		assert_int_equal(j, n * (n - 1) / 2);
	}
	back_to_this_machine();
}

/* The reference: depth-first, every candidate, cubic. */
static bool search(struct fb_topology *t, enum fb_pair_class c, int n,
		   const int *all, int nr, int *cpus, int k, int from)
{
	int i, j;

	if (k == n)
		return true;
	for (i = from; i < nr; i++) {
		for (j = 0; j < k; j++)
			if (fb_cpu_pair_class(t, cpus[j], all[i]) != c)
				break;
		if (j < k)
			continue;
		cpus[k] = all[i];
		if (search(t, c, n, all, nr, cpus, k + 1, i + 1))
			return true;
	}
	return false;
}

/*
 * fb_topology_pick() finds what the depth-first search finds, or fails
 * where it fails, on every class and 2 to 4 CPUs, on machines whose
 * levels nest in every way hwloc allows, whole or cut by a cpuset.
 */
static void test_pick_is_search(void **state)
{
	static const char *const shapes[][2] = {
		{ "package:2 numa:2 l3:1 l2:10 l1d:1 core:1 pu:2", NULL },
		{ "package:2 numa:2 l3:1 l2:10 l1d:1 core:1 pu:2", "0-2,40,41,60" },
		{ "package:2 l3:12 l2:1 core:2 pu:4", NULL },
		{ "package:2 l3:12 l2:1 core:2 pu:4", "0-3,8,96-99,190,191" },
		{ "package:2 l3:3 l2:2 core:2 pu:2", NULL },
		{ "package:3 l2:3 core:2 pu:3", "0-4,9,20,33,40-53" },
		{ "l3:3 l2:2 core:3 pu:1", NULL },
		{ "package:4 core:4 pu:1", "0,5,10,15" },
		{ "pu:7", NULL },
	};
	static int all[256], want[4], got[4];
	char err[256];
	size_t m;

	for (m = 0; m < sizeof(shapes) / sizeof(shapes[0]); m++) {
		struct fb_topology *t = describe(shapes[m][0], shapes[m][1]);
		int nr = fb_topology_cpus(t, all, 256), c, n;

		for (c = 0; c < FB_NR_PAIR_CLASSES; c++)
			for (n = 2; n <= 4; n++) {
				bool found = search(t, c, n, all, nr, want, 0, 0);
				int ret = fb_topology_pick(t, c, n, got, err,
							   sizeof(err));

				if (ret != (found ? 0 : -1) ||
				    (found && memcmp(want, got, n * sizeof(int))))
					fail_msg("%s (%s): %d %s: pick %d, search %d",
						 shapes[m][0], shapes[m][1], n,
						 fb_pair_class_name(c), ret, found);
			}
	}
	back_to_this_machine();
}

/* A plan entry's "seconds" is @want, within a thousandth of it. */
static void assert_plan_seconds(json_t *e, double want)
{
	double got = json_real_value(json_object_get(e, "seconds"));

	assert_true(got > want * 0.999 && got < want * 1.001);
}

/*
 * --pairs each on the 80-PU x86: 16 CPUs spread evenly (240 ordered
 * pairs, none of them SMT siblings) and both orders of the first SMT pair.
 */
static void test_each_pair_sample(void **state)
{
	struct fb_topology *t = describe(machines[0].synthetic, NULL);
	static int pairs[300][2];
	const struct race_scenario *lu = race_scenario_find("LU");
	unsigned int seen = 0;
	struct race_params p;
	char err[256];
	json_t *plan, *e;
	int n, i;

	n = fb_topology_each_pair(t, RACE_EACH_MAX_PAIRS, pairs, 300);
	assert_int_equal(n, 242);
	for (i = 0; i < n; i++) {
		assert_int_not_equal(pairs[i][0], pairs[i][1]);
		seen |= 1u << fb_cpu_pair_class(t, pairs[i][0], pairs[i][1]);
	}
	assert_int_equal(seen, fb_topology_classes_present(t));
	assert_int_equal(pairs[0][0], 0);
	assert_int_equal(pairs[0][1], 5);
	assert_int_equal(pairs[240][0], 0);
	assert_int_equal(pairs[240][1], 1);
	assert_int_equal(pairs[241][0], 1);
	assert_int_equal(pairs[241][1], 0);

	/* The race plan: one run per pair, the budget split between them. */
	assert_non_null(lu);
	race_params_default(&p);
	p.pair_mask = RACE_PAIRS_EACH;
	p.seconds = 24.2;
	plan = race_plan(lu, &p, err, sizeof(err));
	assert_non_null(plan);
	assert_int_equal(json_array_size(plan), 242);
	e = json_array_get(plan, 241);
	assert_string_equal(json_string_value(json_object_get(e, "pair_class")), "smt");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(
		json_object_get(e, "pair"), "cpus"), 0)), 1);
	assert_plan_seconds(e, 0.1);
	json_decref(plan);
	/* A shape's own budget, split alike; a seed race keeps --seconds. */
	p.shape_seconds = 2.42;
	plan = race_plan(lu, &p, err, sizeof(err));
	assert_non_null(plan);
	assert_plan_seconds(json_array_get(plan, 241), 0.01);
	json_decref(plan);
	{
		const struct race_scenario *lw = race_scenario_find("lost-waiters");

		assert_non_null(lw);
		plan = race_plan(lw, &p, err, sizeof(err));
		assert_non_null(plan);
		assert_plan_seconds(json_array_get(plan, 0), 0.1);
		json_decref(plan);
	}
	p.shape_seconds = 0;
	/* Racing on a described machine is refused, planning is not. */
	{
		struct race_results results = { 0 };

		assert_int_equal(race_run(&lu, 1, &p, &results, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "FB_TOPOLOGY"));
		race_results_free(&results);
	}
	/* Small machines: every ordered pair, nothing more. */
	t = describe(machines[0].synthetic, "0,1,40");
	assert_int_equal(fb_topology_each_pair(t, RACE_EACH_MAX_PAIRS, pairs, 300), 6);
	back_to_this_machine();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_allowed_and_classes),
		cmocka_unit_test(test_one_cpu),
		cmocka_unit_test(test_alloc_and_json),
		cmocka_unit_test(test_described_machines),
		cmocka_unit_test(test_described_cpuset),
		cmocka_unit_test(test_each_pair_sample),
		cmocka_unit_test(test_big_machines),
		cmocka_unit_test(test_pick_is_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

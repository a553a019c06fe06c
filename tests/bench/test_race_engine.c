// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine itself: a missed deadline is an outcome and the run goes
 * on; too few allowed CPUs is one clear error; the race command's errors
 * and its JSON.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>
#include <flagbench/pagemap.h>
#include "command.h"
#include "race_helpers.h"
#include "results.h"
#include "topology.h"

/* A role waits for a page lock that nobody will ever release. */
struct never_unlocked {
	int ret;
	unsigned long missed;
};

enum { NU_TIMED_OUT, NU_LOCKED };

static void nu_wait(struct race_trial *t)
{
	struct never_unlocked *d = t->data;
	unsigned long missed = current->missed_wakeups;

	d->ret = lock_page(&t->pages[0]);
	d->missed = current->missed_wakeups - missed;
}

static void nu_idle(struct race_trial *t)
{
}

static void nu_reset(struct race_trial *t)
{
	init_free_page(&t->pages[0]);
	prep_new_page(&t->pages[0]);
	trylock_page(&t->pages[0]);	/* its owner went away */
	((struct never_unlocked *)t->data)->ret = 1;
}

static void nu_check(struct race_trial *t, unsigned long *counts)
{
	struct never_unlocked *d = t->data;

	counts[d->ret == -ETIMEDOUT && d->missed == 1 ? NU_TIMED_OUT : NU_LOCKED]++;
}

static const struct race_outcome nu_outcomes[] = {
	[NU_TIMED_OUT] = { .name = "timed-out", .bad = true },
	[NU_LOCKED] = { .name = "locked" },
};

static const struct race_scenario never_unlocked = {
	.name = "test-never-unlocked",
	.description = "test only: lock_page on a page locked forever",
	.roles = { { "lock_page", nu_wait }, { "idle", nu_idle } },
	.nr_roles = 2,
	.trial_size = sizeof(struct never_unlocked),
	.pages_per_trial = 1,
	.sleeps = true,
	.reset = nu_reset,
	.check = nu_check,
	.outcomes = nu_outcomes,
	.nr_outcomes = ARRAY_SIZE(nu_outcomes),
};
DEFINE_RACE_SCENARIO(never_unlocked);

/* Three roles that cannot fold. */
static const struct race_scenario three = {
	.name = "test-three-roles",
	.description = "test only: three roles",
	.roles = { { "idle", nu_idle }, { "idle", nu_idle }, { "idle", nu_idle } },
	.nr_roles = 3,
	.trial_size = sizeof(struct never_unlocked),
	.pages_per_trial = 1,
	.reset = nu_reset,
	.check = nu_check,
	.outcomes = nu_outcomes,
	.nr_outcomes = ARRAY_SIZE(nu_outcomes),
};
DEFINE_RACE_SCENARIO(three);

static void test_deadline_miss_counted(void **state)
{
	const struct race_scenario *s = &never_unlocked;
	struct race_params p;
	json_t *results = json_array(), *r;
	char err[256];

	race_params_default(&p);
	p.seconds = 0;
	p.trials = 300;
	p.jitter = 0;
	p.batch = 64;
	p.deadline_ns = 50 * 1000;
	assert_int_equal(race_run(&s, 1, &p, results, err, sizeof(err)), 0);
	r = json_array_get(results, 0);
	/* Every wait ended at its deadline, every trial was run and counted. */
	assert_int_equal(race_test_trials(r), 300);
	assert_int_equal(race_test_count(r, "timed-out"), 300);
	assert_int_equal(race_test_count(r, "locked"), 0);
	json_decref(results);
}

static int with_cpus(int n, cpu_set_t *saved)
{
	cpu_set_t set;
	int cpu, k = 0;

	assert_int_equal(sched_getaffinity(0, sizeof(*saved), saved), 0);
	if (CPU_COUNT(saved) < n)
		return -1;
	CPU_ZERO(&set);
	for (cpu = 0; cpu < CPU_SETSIZE && k < n; cpu++)
		if (CPU_ISSET(cpu, saved)) {
			CPU_SET(cpu, &set);
			k++;
		}
	assert_int_equal(sched_setaffinity(0, sizeof(set), &set), 0);
	return 0;
}

static void test_one_cpu_error(void **state)
{
	const struct race_scenario *s = race_scenario_find("lost-waiters");
	struct race_params p;
	cpu_set_t saved;
	json_t *results = json_array();
	char err[256] = "";

	race_params_default(&p);
	with_cpus(1, &saved);
	assert_int_equal(race_run(&s, 1, &p, results, err, sizeof(err)), -1);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	printf("    error: %s\n", err);
	assert_non_null(strstr(err, "scenario lost-waiters needs 2 CPUs, 1 allowed"));
	assert_int_equal(json_array_size(results), 0);
	json_decref(results);
}

static void test_too_many_roles_error(void **state)
{
	const struct race_scenario *s = &three;
	struct race_params p;
	cpu_set_t saved;
	json_t *results = json_array();
	char err[256] = "";

	race_params_default(&p);
	if (with_cpus(2, &saved))
		skip();
	assert_int_equal(race_run(&s, 1, &p, results, err, sizeof(err)), -1);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	assert_non_null(strstr(err, "needs 3 CPUs, 2 allowed"));
	json_decref(results);
}

static int run_race(int argc, char **argv)
{
	const struct fb_command *c;

	for (c = fb_commands_begin(); c < fb_commands_end(); c++)
		if (!strcmp(c->name, "race"))
			return c->run(argc, argv);
	fail_msg("no race command");
	return -1;
}

#define RACE(...)                                                              \
	({                                                                     \
		char *__argv[] = { "race", __VA_ARGS__, NULL };                \
		run_race(ARRAY_SIZE(__argv) - 1, __argv);                      \
	})

static void test_cli_errors(void **state)
{
	cpu_set_t saved;

	assert_int_equal(RACE("no-such-scenario"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--pairs", "l7"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--seconds", "soon"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--seconds", "0"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--jitter", "-3"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--trials"), EXIT_ERROR);
	assert_int_equal(RACE("--seconds", "1"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--json", "/nonexistent/dir/out.json"),
			 EXIT_ERROR);
	with_cpus(1, &saved);
	assert_int_equal(RACE("LU", "--trials", "10"), EXIT_ERROR);
	assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	assert_int_equal(RACE("--help"), EXIT_PASS);
}

static void test_cli_json(void **state)
{
	char path[] = "/tmp/flagbench-race-test-XXXXXX";
	json_t *doc, *r, *o;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(RACE("LU", "SB+mb", "--trials", "5000", "--seconds",
			      "0", "--jitter", "8", "--quiet", "--json", path),
			 EXIT_PASS);
	doc = json_load_file(path, 0, NULL);
	unlink(path);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "format")),
			    "flagbench-race");
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 1);
	assert_string_equal(json_string_value(json_object_get(doc, "variant")),
			    this_variant.name);
	assert_true(json_is_boolean(json_object_get(doc, "emulated")));
	assert_non_null(json_object_get(json_object_get(doc, "topology"), "pus"));
	assert_true(json_array_size(json_object_get(doc, "results")) >= 2);
	r = json_array_get(json_object_get(doc, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "scenario")), "LU");
	assert_int_equal(race_test_trials(r), 5000);
	assert_int_equal(json_array_size(json_object_get(r, "cpus")), 2);
	assert_non_null(json_object_get(r, "pair_class"));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(r, "jitter"), "max_spins")), 8);
	o = json_array_get(json_object_get(r, "outcomes"), 0);
	assert_non_null(json_object_get(o, "per_million"));
	assert_int_equal(json_array_size(json_object_get(o, "ci95_per_million")), 2);
	/* LU has one bad class, counted once per trial: bad_trials is it. */
	assert_true(json_is_true(json_object_get(o, "bad")));
	assert_int_equal(json_integer_value(json_object_get(r, "bad_trials")),
			 json_integer_value(json_object_get(o, "count")));
	assert_string_equal(json_string_value(json_object_get(r, "observation")),
			    res_observation(json_integer_value(json_object_get(r, "bad_trials")),
					    race_test_trials(r)));
	assert_non_null(json_object_get(r, "verdict"));
	assert_non_null(json_object_get(r, "expectation"));
	assert_non_null(json_object_get(doc, "verdict"));
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_miss_counted),
		cmocka_unit_test(test_one_cpu_error),
		cmocka_unit_test(test_too_many_roles_error),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

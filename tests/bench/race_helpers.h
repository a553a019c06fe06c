/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tests/bench/test_race_*.c: run one scenario, read its result. */
#ifndef FLAGBENCH_TESTS_RACE_HELPERS_H
#define FLAGBENCH_TESTS_RACE_HELPERS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "race-result.h"
#include "race.h"

/* Under qemu-user only function is checked, with smaller runs. */
static inline bool race_test_emulated(void)
{
	return fb_emulated(NULL);
}

/*
 * Timing is not the code's own: under an emulator, or a sanitizer's
 * instrumentation (every access checked), a race's rate says nothing about
 * the harness's sensitivity; only function is checked there.
 */
static inline bool race_test_timing_foreign(void)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
	return true;
#else
	return race_test_emulated();
#endif
}

/* race_run(), its results as races.json has them: the file users read. */
static inline int race_run_json(const struct race_scenario *const *s, int n,
				const struct race_params *p, json_t *results,
				char *err, size_t errlen)
{
	struct race_results rs = { 0 };
	int ret = race_run(s, n, p, &rs, err, errlen);

	for (int i = 0; i < rs.nr; i++)
		json_array_append_new(results, race_result_to_json(&rs.r[i]));
	race_results_free(&rs);
	return ret;
}

/*
 * Run @name once on one CPU pair; the result object (a new reference),
 * or NULL with the engine's message printed.
 */
static inline json_t *race_test_run_order(const char *name, double seconds,
					  unsigned long trials, int jitter,
					  int order)
{
	const struct race_scenario *s = race_scenario_find(name);
	struct race_params p;
	json_t *results, *r;
	char err[512];

	if (!s) {
		fprintf(stderr, "no scenario %s\n", name);
		return NULL;
	}
	race_params_default(&p);
	p.seconds = seconds;
	p.trials = trials;
	p.jitter = jitter;
	p.order = order;
	/*
	 * Serialised, a role that waits for one that runs after it (B of
	 * lost-waiters in reverse order) is only ever ended by its
	 * deadline: the shortest the option allows spares seconds a run.
	 */
	if (order != RACE_INTERLEAVED)
		p.deadline_ns = p.deadline_floor_ns = 1000;
	p.quiet = true;
	results = json_array();
	if (race_run_json(&s, 1, &p, results, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", name, err);
		json_decref(results);
		return NULL;
	}
	r = json_incref(json_array_get(results, 0));
	json_decref(results);
	return r;
}

static inline json_t *race_test_run(const char *name, double seconds,
				    unsigned long trials, int jitter)
{
	return race_test_run_order(name, seconds, trials, jitter,
				   RACE_INTERLEAVED);
}

static inline unsigned long race_test_trials(json_t *r)
{
	return (unsigned long)json_integer_value(json_object_get(r, "trials"));
}

static inline unsigned long race_test_count(json_t *r, const char *outcome)
{
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(r, "outcomes"), i, o)
		if (!strcmp(json_string_value(json_object_get(o, "name")), outcome))
			return (unsigned long)json_integer_value(
				json_object_get(o, "count"));
	fprintf(stderr, "no outcome %s\n", outcome);
	abort();
}

/* The largest count among the bad outcomes, as the verdict uses it. */
static inline unsigned long race_test_bad(json_t *r)
{
	unsigned long bad = 0;
	json_t *o;
	size_t i;

	json_array_foreach(json_object_get(r, "outcomes"), i, o)
		if (json_is_true(json_object_get(o, "bad")) &&
		    (unsigned long)json_integer_value(json_object_get(o, "count")) > bad)
			bad = json_integer_value(json_object_get(o, "count"));
	return bad;
}

#ifdef _GNU_SOURCE
#include <sched.h>

/*
 * Narrow this process to its first @n allowed CPUs (the engine takes a
 * narrowed affinity at its word), the old set kept in @saved for
 * sched_setaffinity(); -1, changing nothing, if fewer are allowed.
 */
static inline int race_test_with_cpus(int n, cpu_set_t *saved)
{
	cpu_set_t set;
	int cpu, k = 0;

	if (sched_getaffinity(0, sizeof(*saved), saved) || CPU_COUNT(saved) < n)
		return -1;
	CPU_ZERO(&set);
	for (cpu = 0; cpu < CPU_SETSIZE && k < n; cpu++)
		if (CPU_ISSET(cpu, saved)) {
			CPU_SET(cpu, &set);
			k++;
		}
	return sched_setaffinity(0, sizeof(set), &set) ? -1 : 0;
}
#endif

/* cmocka's group run, the build it ran in said first. */
#define race_test_run_group(tests)                                            \
	(printf("variant %s on %s%s\n", this_variant.name, this_variant.arch, \
		race_test_emulated() ? " (emulated)" : ""),                    \
	 cmocka_run_group_tests(tests, NULL, NULL))

static inline void race_test_print(json_t *r)
{
	printf("    %s [%s] %s\n", json_string_value(json_object_get(r, "scenario")),
	       json_string_value(json_object_get(r, "verdict")),
	       json_string_value(json_object_get(r, "message")));
}

#endif /* FLAGBENCH_TESTS_RACE_HELPERS_H */

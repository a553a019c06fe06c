// SPDX-License-Identifier: GPL-2.0
/*
 * Every registered scenario against this build's variant.  Serialised, in
 * both orders, no scenario or shape may show a bad outcome: the bad outcome
 * needs the roles to meet.  Interleaved, every seed scenario meets its
 * expectation: `reproduce`, the race shows within a bounded run; `forbidden`,
 * runs of at least 10^6 trials record none, and one of a bounded few
 * reached the window.  Under qemu or a sanitizer
 * only function is checked (smaller runs; forbidden and serialised still
 * mean zero).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/variant.h>
#include "race_helpers.h"

/*
 * Of one second each, until the first hit.  The rarest seed race here,
 * slab-movable's edge race under slab-check (a slab test, no barriers),
 * is found some 270 times a second on a quiet two-CPU machine and a few
 * times under a parallel build: a bounded patience, not a threshold on
 * speed.
 */
#define REPRODUCE_ATTEMPTS 15
#define FORBIDDEN_TRIALS 1000000UL
#define EMULATED_TRIALS 2000UL
#define SERIALISED_TRIALS 20000UL

/*
 * Why this build cannot produce @o (the scenario says so, or its counted
 * assertion has no live site here), or NULL: the outcome is live.
 */
static const char *outcome_structural(const struct race_outcome *o)
{
	struct vm_bug_site *sites[2];

	if (o->structural && o->structural())
		return o->structural();
	if (o->assert_func &&
	    !race_find_sites(o->assert_func, o->assert_cond, sites, 2))
		return "its assertion has no live site in this build";
	return NULL;
}

/* How many of @s's bad outcomes this build can produce. */
static unsigned int live_bad_outcomes(const struct race_scenario *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < s->nr_outcomes; i++)
		if (s->outcomes[i].bad && !outcome_structural(&s->outcomes[i]))
			n++;
	return n;
}

/*
 * Builds whose window a plain interleaving reaches only as a rarity on an
 * architecture whose hardware forbids the reordering the fix is about
 * (bench/races/README.md, "interleaving only"): x86's TSO keeps v6.2's
 * three slab-movable tests in order, and their window needs a whole slab
 * allocation and free between two of them.  There a zero may be
 * unexposed, and its verdict must then say so (WARN), never PASS.
 */
static const struct {
	const char *variant, *scenario, *arch;
} window_out_of_reach[] = {
	{ "barriers", "slab-movable", "x86_64" },
	{ "movable-double-check-barriers", "slab-movable", "x86_64" },
};

static bool out_of_reach(const char *scenario)
{
	for (size_t i = 0; i < ARRAY_SIZE(window_out_of_reach); i++)
		if (!strcmp(window_out_of_reach[i].variant, this_variant.name) &&
		    !strcmp(window_out_of_reach[i].scenario, scenario) &&
		    !strcmp(window_out_of_reach[i].arch, this_variant.arch))
			return true;
	return false;
}

/*
 * A forbidden run's PASS rests on its live bad outcomes and on trials that
 * reached the window: none reached, and the zero says nothing.  A
 * structural outcome must count nothing at all.
 */
static bool forbidden_exposed(const struct race_scenario *s, json_t *r,
			      bool *unexposed)
{
	unsigned long reached = (unsigned long)json_integer_value(
		json_object_get(r, "reached_trials"));
	unsigned int i;
	bool ok = true;

	for (i = 0; i < s->nr_outcomes; i++) {
		const struct race_outcome *o = &s->outcomes[i];

		if (o->bad && outcome_structural(o) &&
		    race_test_count(r, o->name)) {
			printf("  %s: structural outcome %s counted %lu\n",
			       s->name, o->name, race_test_count(r, o->name));
			ok = false;
		}
	}
	if (live_bad_outcomes(s) && !reached && out_of_reach(s->name)) {
		/* Unexposed, and said so: WARN with its word, never PASS. */
		const char *v = json_string_value(json_object_get(r, "verdict"));
		const char *x = json_string_value(json_object_get(
			json_object_get(r, "exposure"), "status"));

		printf("  %s: no trial reached the window (interleaving only here): %s, %s\n",
		       s->name, v, x);
		*unexposed = true;
		return ok && !strcmp(v, "WARN") && !strcmp(x, "unexposed");
	}
	if (live_bad_outcomes(s) && !reached) {
		printf("  %s: no trial reached the window\n", s->name);
		ok = false;
	}
	return ok;
}

/*
 * A forbidden run of @trials trials, again while none reached the window
 * (a loaded machine, or a sanitizer's slowness, can keep a plan's offsets
 * off it for a whole run): every run must count zero, and the verdict is
 * judged on the first that reached it, or on the last.  Bounded, like a
 * reproduce run's patience.  The result is the judged run's (a new
 * reference); *@ok false if any run counted a bad outcome.
 */
static json_t *run_forbidden(const struct race_scenario *s,
			     unsigned long trials, int jitter, bool *ok,
			     bool *unexposed)
{
	json_t *r = NULL;
	int i;

	for (i = 0; i < REPRODUCE_ATTEMPTS; i++) {
		json_decref(r);
		r = race_test_run(s->name, 0, trials, jitter);
		assert_non_null(r);
		race_test_print(r);
		assert_true(race_test_trials(r) >= trials);
		if (race_test_bad(r)) {
			*ok = false;
			return r;
		}
		/* Out of reach here by design: one run, said unexposed. */
		if (json_integer_value(json_object_get(r, "reached_trials")) ||
		    !live_bad_outcomes(s) || out_of_reach(s->name))
			break;
	}
	*ok = forbidden_exposed(s, r, unexposed);
	return r;
}

/*
 * One scenario against its expectation; false (with the reason printed)
 * when it does not meet it, so that one scenario's failure does not hide
 * the others'.
 */
static bool check_scenario(const char *name)
{
	const struct race_scenario *s = race_scenario_find(name);
	enum expectation e;
	json_t *r = NULL;
	bool ok = true, unexposed = false;
	int i;

	assert_non_null(s);
	e = race_expectation(s, this_variant.arch);
	printf("  %s: expect %s\n", name, expectation_name(e));
	if (race_test_timing_foreign()) {
		if (e == EXPECT_FORBIDDEN) {
			r = run_forbidden(s, EMULATED_TRIALS, 16, &ok, &unexposed);
		} else {
			r = race_test_run(name, 0, EMULATED_TRIALS, 16);
			assert_non_null(r);
			assert_int_equal(race_test_trials(r), EMULATED_TRIALS);
			race_test_print(r);
		}
		json_decref(r);
		return ok;
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
		ok = race_test_bad(r) > 0;
		break;
	case EXPECT_FORBIDDEN:
		r = run_forbidden(s, FORBIDDEN_TRIALS, -1, &ok, &unexposed);
		break;
	default:
		r = race_test_run(name, 0.5, 0, -1);
		assert_non_null(r);
		race_test_print(r);
		assert_true(race_test_trials(r) > 0);
		break;
	}
	/* Exposed (or unsized, structural): PASS; unexposed said WARN above. */
	if (ok && !unexposed)
		assert_string_equal(json_string_value(json_object_get(r, "verdict")),
				    "PASS");
	else
		printf("  %s: expectation %s not met\n", name, expectation_name(e));
	json_decref(r);
	return ok;
}

/* Serialised, forward and reverse: zero bad outcomes, every scenario. */
static void test_serialised_never_bad(void **state)
{
	const struct race_scenario *const *s;
	int order;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		for (order = RACE_SERIALISED; order <= RACE_SERIALISED_REVERSE;
		     order++) {
			unsigned long n = race_test_emulated() ? EMULATED_TRIALS :
								 SERIALISED_TRIALS;
			json_t *r = race_test_run_order((*s)->name, 0, n, 0, order);

			assert_non_null(r);
			race_test_print(r);
			assert_string_equal(json_string_value(json_object_get(r, "order")),
					    race_order_name(order));
			assert_int_equal(race_test_trials(r), n);
			assert_int_equal(race_test_bad(r), 0);
			json_decref(r);
		}
	}
}

/* Interleaved: every seed scenario meets this variant's expectation. */
static void test_seed_expectations(void **state)
{
	const struct race_scenario *const *s;
	int n = 0, failed = 0;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		if (!(*s)->seed)
			continue;	/* shapes: test_race_shapes */
		if (!check_scenario((*s)->name))
			failed++;
		n++;
	}
	assert_true(n > 0);
	assert_int_equal(failed, 0);
}

/*
 * Which bad outcomes each build of the seed scenarios can produce: a fix
 * is measured by the ones it leaves live, and says "structural" for the
 * ones it removed.  A change that silently deletes what a verdict counts
 * (or revives what a fix removed) fails here.  Builds not listed keep
 * every outcome of these scenarios live except as noted for nonatomic.
 */
static const struct {
	const char *variant, *scenario, *outcome;
	bool live;
} outcome_liveness[] = {
	{ "nonatomic", "compaction-mapcount", "mapcount-on-slab", true },
	{ "nonatomic", "compaction-mapcount", "isolated-slab", true },
	{ "compaction-no-assert", "compaction-mapcount", "mapcount-on-slab", false },
	{ "compaction-no-assert", "compaction-mapcount", "isolated-slab", true },
	{ "compaction-open-coded", "compaction-mapcount", "mapcount-on-slab", true },
	{ "compaction-open-coded", "compaction-mapcount", "isolated-slab", true },
	{ "atomic", "lost-waiters", "not-woken", true },
	{ "atomic", "lost-waiters", "waiters-lost", true },
	{ "layout-v2-6-34", "lost-waiters", "not-woken", false },
	{ "layout-v2-6-34", "lost-waiters", "waiters-lost", false },
	{ "nonatomic", "refcount-freeze", "frozen-under-reader", true },
	{ "nonatomic", "refcount-freeze", "put-on-zero", true },
	{ "wait-locked", "refcount-freeze", "frozen-under-reader", true },
	{ "nonatomic", "migration-entry", "entry-unlocked", true },
	{ "nonatomic", "migration-entry", "remapped-old", false },
	{ "nonatomic", "migration-entry", "entry-stuck", false },
	{ "migration-cleanup", "migration-entry", "entry-unlocked", true },
	{ "migration-cleanup", "migration-entry", "remapped-old", true },
	{ "migration-cleanup", "migration-entry", "entry-stuck", true },
	{ "temporary-stack", "migration-entry", "entry-unlocked", false },
	{ "temporary-stack", "migration-entry", "remapped-old", false },
	{ "temporary-stack", "migration-entry", "entry-stuck", false },
};

static void test_bad_outcomes_live_or_structural(void **state)
{
	unsigned int i, j, checked = 0;

	for (i = 0; i < ARRAY_SIZE(outcome_liveness); i++) {
		const struct race_scenario *s;
		const char *why = NULL;

		if (strcmp(outcome_liveness[i].variant, this_variant.name))
			continue;
		s = race_scenario_find(outcome_liveness[i].scenario);
		assert_non_null(s);
		for (j = 0; j < s->nr_outcomes; j++)
			if (!strcmp(s->outcomes[j].name, outcome_liveness[i].outcome))
				break;
		assert_true(j < s->nr_outcomes);
		assert_true(s->outcomes[j].bad);
		why = outcome_structural(&s->outcomes[j]);
		printf("  %s %s: %s%s\n", s->name, s->outcomes[j].name,
		       why ? "structural: " : "live", why ? why : "");
		assert_int_equal(!why, outcome_liveness[i].live);
		checked++;
	}
	printf("  %u outcomes checked in %s\n", checked, this_variant.name);
}

/* Hugh Dickins's objection: only the open-coded check rejects them. */
static void test_compaction_good_rejected(void **state)
{
	json_t *r;

	r = race_test_run("compaction-mapcount", 0, race_test_emulated() ? 500 : 20000, 16);
	assert_non_null(r);
	if (!strcmp(this_variant.name, "compaction-open-coded"))
		assert_int_equal(race_test_count(r, "good-rejected"),
				 race_test_trials(r));
	else if (!strcmp(this_variant.name, "nonatomic"))
		assert_int_equal(race_test_count(r, "good-rejected"), 0);
	json_decref(r);
}

/* One serialised-forward run of @s with interrupts up to @irq_ns. */
static json_t *run_irq(const struct race_scenario *s, double irq_ns,
		       unsigned long trials)
{
	struct race_params p;
	json_t *results = json_array(), *r;
	char err[512];

	race_params_default(&p);
	p.seconds = 0;
	p.trials = trials;
	p.order = RACE_SERIALISED;
	p.deadline_ns = p.deadline_floor_ns = 1000;
	p.irq_ns = irq_ns;
	p.quiet = true;
	if (race_run_json(&s, 1, &p, results, err, sizeof(err)))
		fprintf(stderr, "%s: %s\n", s->name, err);
	r = json_incref(json_array_get(results, 0));
	json_decref(results);
	return r;
}

/*
 * A scenario's interrupt point: armed by default, taken on the role's
 * path (serialised forward, the first role passes it every trial), and
 * stated with the plan - where, how long at most, how many took it; off,
 * neither armed nor stated.  Alone, with the roles apart, no bad outcome.
 */
static void test_irq_point(void **state)
{
	const struct race_scenario *const *s;
	unsigned long n = race_test_emulated() ? EMULATED_TRIALS :
						 SERIALISED_TRIALS;
	int points = 0;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		json_t *r, *irq;
		const char *summary;

		if (!(*s)->irq_point)
			continue;
		points++;
		r = run_irq(*s, RACE_IRQ_DEFAULT_NS, n);
		assert_non_null(r);
		race_test_print(r);
		irq = json_object_get(json_object_get(r, "window"), "interrupt");
		assert_non_null(irq);
		assert_string_equal(json_string_value(json_object_get(irq, "point")),
				    (*s)->irq_point);
		assert_string_equal(json_string_value(json_object_get(irq, "role")),
				    (*s)->roles[(*s)->irq_role].name);
		assert_true(json_number_value(json_object_get(irq, "max_ns")) ==
			    RACE_IRQ_DEFAULT_NS);
		assert_true(json_integer_value(json_object_get(irq, "taken")) > 0);
		assert_true((unsigned long)json_integer_value(
			json_object_get(irq, "taken")) <= race_test_trials(r));
		summary = json_string_value(json_object_get(
			json_object_get(r, "window"), "summary"));
		assert_non_null(strstr(summary, (*s)->irq_point));
		assert_non_null(strstr(json_string_value(json_object_get(r, "message")),
				       (*s)->irq_point));
		assert_int_equal(race_test_bad(r), 0);
		json_decref(r);

		r = run_irq(*s, 0, n);
		assert_non_null(r);
		irq = json_object_get(json_object_get(r, "window"), "interrupt");
		assert_null(irq);
		assert_null(strstr(json_string_value(json_object_get(r, "message")),
				   (*s)->irq_point));
		assert_int_equal(race_test_bad(r), 0);
		json_decref(r);
	}
	printf("  %d scenarios with an interrupt point\n", points);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serialised_never_bad),
		cmocka_unit_test(test_seed_expectations),
		cmocka_unit_test(test_compaction_good_rejected),
		cmocka_unit_test(test_bad_outcomes_live_or_structural),
		cmocka_unit_test(test_irq_point),
	};

	return race_test_run_group(tests);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Serialised runs of unfolded roles, and slab-movable against this build.
 *
 * Serialised, a scenario's roles run one after the other and must never
 * show a bad outcome; a role that follows another (race_role.follows)
 * stays right after it in both orders.  On a machine with fewer CPUs
 * than roles the engine runs folded roles, so the unfolded ones are
 * forced (FLAGBENCH_RACE_UNFOLD=1) onto two CPUs here: slab-movable's C
 * must free only the slab its B allocated, in either order.
 *
 * slab-movable's outcomes come from isolate_movable_page()'s own marker:
 * they partition the trials that met the slab's life, and say, from the
 * knobs, which this build cannot produce (structural) and which it
 * produces with no race at all (sequential).
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/kconfig.h>
#include <flagbench/variant.h>
#include "race_helpers.h"

#define SERIAL_TRIALS 20000UL
#define EMULATED_TRIALS 2000UL

/* ---- a probe of the serialised order ----------------------------------- */

struct order_probe {
	int next;
	int ran[3];	/* the roles, in the order they ran */
};

enum { OP_FORWARD, OP_SEQUENCES_REVERSED, OP_SPLIT };

static void op_note(struct race_trial *t, int role)
{
	struct order_probe *d = t->data;

	d->ran[__atomic_fetch_add(&d->next, 1, __ATOMIC_RELAXED) % 3] = role;
}

static void op_a(struct race_trial *t) { op_note(t, 0); }
static void op_b(struct race_trial *t) { op_note(t, 1); }
static void op_c(struct race_trial *t) { op_note(t, 2); }

static void op_reset(struct race_trial *t)
{
	memset(t->data, 0, sizeof(struct order_probe));
}

static unsigned int op_check(struct race_trial *t)
{
	const struct order_probe *d = t->data;

	if (d->ran[0] == 0 && d->ran[1] == 1 && d->ran[2] == 2)
		return RACE_CLASS(OP_FORWARD);
	if (d->ran[0] == 1 && d->ran[1] == 2 && d->ran[2] == 0)
		return RACE_CLASS(OP_SEQUENCES_REVERSED);
	return RACE_CLASS(OP_SPLIT);
}

static const struct race_outcome op_outcomes[] = {
	[OP_FORWARD] = { .name = "A,B,C" },
	[OP_SEQUENCES_REVERSED] = { .name = "B,C,A" },
	[OP_SPLIT] = { .name = "split", .bad = true,
		       .help = "C did not run right after B" },
};

/* B then C is one sequence, as slab-movable's allocation and free. */
static const struct race_scenario order_probe = {
	.name = "test-serial-order",
	.description = "test only: three roles, the third following the second",
	.roles = { { "A", op_a }, { "B", op_b }, { "C", op_c, .follows = true } },
	.nr_roles = 3,
	.trial_size = sizeof(struct order_probe),
	.pages_per_trial = 1,
	.reset = op_reset,
	.check = op_check,
	RACE_OUTCOMES(op_outcomes),
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_ALLOWED),
};
DEFINE_RACE_SCENARIO(order_probe);

static int unfold_on(void **state)
{
	return setenv("FLAGBENCH_RACE_UNFOLD", "1", 1);
}

static int unfold_off(void **state)
{
	return unsetenv("FLAGBENCH_RACE_UNFOLD");
}

/* @name serialised in @order on two CPUs (or more, when only those). */
static json_t *run_on_two(const char *name, unsigned long trials, int order)
{
	cpu_set_t saved;
	bool narrowed = !race_test_with_cpus(2, &saved);
	json_t *r = race_test_run_order(name, 0, trials, 0, order);

	if (narrowed)
		assert_int_equal(sched_setaffinity(0, sizeof(saved), &saved), 0);
	return r;
}

static unsigned long serial_trials(void)
{
	return race_test_emulated() ? EMULATED_TRIALS : SERIAL_TRIALS;
}

/* Forward is A, B, C; reverse keeps B, C together: B, C, A. */
static void test_serialised_keeps_sequences(void **state)
{
	unsigned long n = serial_trials();
	json_t *r;

	r = run_on_two("test-serial-order", n, RACE_SERIALISED);
	assert_non_null(r);
	assert_int_equal(json_array_size(json_object_get(r, "cpus")), 3);
	assert_int_equal(race_test_count(r, "A,B,C"), n);
	json_decref(r);

	r = run_on_two("test-serial-order", n, RACE_SERIALISED_REVERSE);
	assert_non_null(r);
	assert_int_equal(race_test_count(r, "B,C,A"), n);
	assert_int_equal(race_test_count(r, "split"), 0);
	json_decref(r);
}

/* Unfolded roles sharing CPUs never race: interleaved runs refuse them. */
static void test_unfold_only_serialised(void **state)
{
	const struct race_scenario *s = race_scenario_find("test-serial-order");
	struct race_params p;
	json_t *results = json_array();
	char err[256] = "";

	race_params_default(&p);
	p.trials = 10;
	assert_int_equal(race_run_json(&s, 1, &p, results, err, sizeof(err)), -1);
	printf("    error: %s\n", err);
	assert_non_null(strstr(err, "FLAGBENCH_RACE_UNFOLD=1 needs --serialise"));
	assert_int_equal(setenv("FLAGBENCH_RACE_UNFOLD", "yes", 1), 0);
	p.order = RACE_SERIALISED;
	assert_int_equal(race_run_json(&s, 1, &p, results, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "'yes' is not 0 or 1"));
	assert_int_equal(json_array_size(results), 0);
	json_decref(results);
}

/*
 * Every scenario with folded roles (test_race_seeds runs the others, and
 * these folded), unfolded on two CPUs, in both orders: no bad outcome.
 * For slab-movable A meets a free page every time: before B allocates,
 * or after C has freed (C never gives up waiting for B).
 */
static void test_unfolded_serialised_never_bad(void **state)
{
	const struct race_scenario *const *s;
	unsigned long n = serial_trials();
	int order, folded = 0;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		if (!(*s)->nr_folded_roles)
			continue;
		folded++;
		for (order = RACE_SERIALISED; order <= RACE_SERIALISED_REVERSE;
		     order++) {
			json_t *r = run_on_two((*s)->name, n, order);

			assert_non_null(r);
			race_test_print(r);
			assert_int_equal(race_test_trials(r), n);
			assert_int_equal(race_test_bad(r), 0);
			if (!strcmp((*s)->name, "slab-movable")) {
				assert_int_equal(race_test_count(r, "no-reference"), n);
				assert_int_equal(race_test_count(r, "free-skipped"), 0);
			}
			json_decref(r);
		}
	}
	assert_true(folded > 0);
}

/* ---- slab-movable against this build ---------------------------------- */

static const struct race_outcome *sm_outcome(const char *name)
{
	const struct race_scenario *s = race_scenario_find("slab-movable");
	unsigned int i;

	assert_non_null(s);
	for (i = 0; i < s->nr_outcomes; i++)
		if (!strcmp(s->outcomes[i].name, name))
			return &s->outcomes[i];
	fail_msg("slab-movable has no outcome %s", name);
	return NULL;
}

static bool says(const char *(*fn)(void))
{
	const char *why = fn ? fn() : NULL;

	if (why)
		printf("    %s\n", why);
	return why != NULL;
}

/*
 * A frozen slab refcount: A never holds a slab page, nothing it could
 * count about one can happen.  No slab test: taking the page needs no
 * race.  Tests a build does not make cannot turn a page away.
 */
static void test_slab_movable_structural_and_sequential(void **state)
{
	bool frozen = IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN);
	bool lone = IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE);
	bool two = IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE);
	const char *a_side[] = { "taken-as-movable", "passed-checks",
				 "met-slab-life", "refused-1", "refused-locked" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(a_side); i++)
		assert_int_equal(says(sm_outcome(a_side[i])->structural), frozen);
	assert_int_equal(says(sm_outcome("refused-2")->structural), frozen || lone);
	assert_int_equal(says(sm_outcome("refused-3")->structural),
			 frozen || lone || two);
	assert_false(says(sm_outcome("no-reference")->structural));
	assert_int_equal(says(sm_outcome("taken-as-movable")->sequential),
			 lone && !frozen);
	assert_int_equal(says(sm_outcome("passed-checks")->sequential),
			 lone && !frozen);
	assert_false(says(sm_outcome("met-slab-life")->sequential));
}

/*
 * Interleaved: every trial that met the slab's life is counted once by
 * where A stopped, and passed-checks are those past every test; a
 * structural outcome stays at zero; the window (reached_trials) is
 * passed-checks and refused-3.
 */
static void test_slab_movable_outcomes_partition(void **state)
{
	static const char *const stops[] = { "refused-1", "refused-2",
		"refused-3", "refused-locked", "taken-as-movable", "isolated" };
	json_t *r = race_test_run("slab-movable", 0,
				  race_test_emulated() ? 2000 : 100000, -1);
	unsigned long met, sum = 0, passed, reached;
	size_t i;

	assert_non_null(r);
	race_test_print(r);
	met = race_test_count(r, "met-slab-life");
	for (i = 0; i < ARRAY_SIZE(stops); i++) {
		sum += race_test_count(r, stops[i]);
		if (says(sm_outcome(stops[i])->structural))
			assert_int_equal(race_test_count(r, stops[i]), 0);
	}
	assert_int_equal(sum, met);
	assert_int_equal(met + race_test_count(r, "no-reference"),
			 race_test_trials(r));
	passed = race_test_count(r, "passed-checks");
	assert_int_equal(passed, race_test_count(r, "refused-locked") +
				 race_test_count(r, "taken-as-movable") +
				 race_test_count(r, "isolated"));
	reached = json_integer_value(json_object_get(r, "reached_trials"));
	assert_int_equal(reached, passed + race_test_count(r, "refused-3"));
	json_decref(r);
}

/*
 * Vlastimil Babka's order with the barriers: the LKMM says no slab page
 * gets past the three tests at all (herd7 on the twin with passed-checks'
 * condition, bench/races/README.md), so none may here, on any machine.
 */
static void test_slab_movable_reverse_order_with_barriers_passes_none(void **state)
{
	json_t *r;

	if (!IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE_SLAB_MOVABLE) ||
	    !IS_ENABLED(CONFIG_FB_SLAB_BARRIERS_WMB_RMB))
		skip();
	r = race_test_run("slab-movable", 0,
			  race_test_emulated() ? 2000 : 1000000, -1);
	assert_non_null(r);
	race_test_print(r);
	printf("    met-slab-life %lu, refused-3 %lu\n",
	       race_test_count(r, "met-slab-life"),
	       race_test_count(r, "refused-3"));
	assert_int_equal(race_test_count(r, "passed-checks"), 0);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_serialised_keeps_sequences,
						unfold_on, unfold_off),
		cmocka_unit_test_setup_teardown(test_unfold_only_serialised,
						unfold_on, unfold_off),
		cmocka_unit_test_setup_teardown(test_unfolded_serialised_never_bad,
						unfold_on, unfold_off),
		cmocka_unit_test(test_slab_movable_structural_and_sequential),
		cmocka_unit_test(test_slab_movable_outcomes_partition),
		cmocka_unit_test(test_slab_movable_reverse_order_with_barriers_passes_none),
	};

	return race_test_run_group(tests);
}

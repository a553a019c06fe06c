// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine itself: a missed deadline is an outcome and the run goes
 * on; too few allowed CPUs is one clear error; the race command's errors
 * and its JSON; the window map's fixed table, its aim (on a simulated
 * window, with fixed seeds: no timing), the adaptive deadline, and the
 * map a real run writes.
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
#include "race-deadline.h"
#include "race-window.h"
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

static unsigned int nu_check(struct race_trial *t)
{
	struct never_unlocked *d = t->data;

	return RACE_CLASS(d->ret == -ETIMEDOUT && d->missed == 1 ?
			  NU_TIMED_OUT : NU_LOCKED);
}

static const struct race_outcome nu_outcomes[] = {
	[NU_TIMED_OUT] = { .name = "timed-out", .bad = true },
	[NU_LOCKED] = { .name = "locked" },
};

/* The never_unlocked trial, which both scenarios below run. */
#define NU_TRIAL                                                               \
	.trial_size = sizeof(struct never_unlocked),                           \
	.pages_per_trial = 1,                                                  \
	.reset = nu_reset,                                                     \
	.check = nu_check,                                                     \
	RACE_OUTCOMES(nu_outcomes)

static const struct race_scenario never_unlocked = {
	.name = "test-never-unlocked",
	.description = "test only: lock_page on a page locked forever",
	.roles = { { "lock_page", nu_wait }, { "idle", nu_idle } },
	.nr_roles = 2,
	.sleeps = true,
	NU_TRIAL,
};
DEFINE_RACE_SCENARIO(never_unlocked);

/* Three roles that cannot fold. */
static const struct race_scenario three = {
	.name = "test-three-roles",
	.description = "test only: three roles",
	.roles = { { "idle", nu_idle }, { "idle", nu_idle }, { "idle", nu_idle } },
	.nr_roles = 3,
	NU_TRIAL,
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
	assert_int_equal(race_run_json(&s, 1, &p, results, err, sizeof(err)), 0);
	r = json_array_get(results, 0);
	/* Every wait ended at its deadline, every trial was run and counted. */
	assert_int_equal(race_test_trials(r), 300);
	assert_int_equal(race_test_count(r, "timed-out"), 300);
	assert_int_equal(race_test_count(r, "locked"), 0);
	json_decref(results);
}

static void test_one_cpu_error(void **state)
{
	const struct race_scenario *s = race_scenario_find("lost-waiters");
	struct race_params p;
	cpu_set_t saved;
	json_t *results = json_array();
	char err[256] = "";

	race_params_default(&p);
	race_test_with_cpus(1, &saved);
	assert_int_equal(race_run_json(&s, 1, &p, results, err, sizeof(err)), -1);
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
	if (race_test_with_cpus(2, &saved))
		skip();
	assert_int_equal(race_run_json(&s, 1, &p, results, err, sizeof(err)), -1);
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
	assert_int_equal(RACE("LU", "--aim", "maybe"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--deadline-floor-us", "-1"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--trials"), EXIT_ERROR);
	assert_int_equal(RACE("--seconds", "1"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--json", "/nonexistent/dir/out.json"),
			 EXIT_ERROR);
	/* A reference that cannot be read, a negative extension: errors. */
	assert_int_equal(RACE("LU", "--trials", "10", "--reference",
			      "/nonexistent/races.json"), EXIT_ERROR);
	assert_int_equal(RACE("LU", "--extend", "-1"), EXIT_ERROR);
	race_test_with_cpus(1, &saved);
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
	assert_int_equal(json_integer_value(json_object_get(doc, "version")), 2);
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

/* ---- the window map ---------------------------------------------------- */

static void test_window_table(void **state)
{
	int b;

	assert_int_equal(race_window_bin(0), RACE_WINDOW_NR_BINS / 2);
	assert_true(race_window_lo(RACE_WINDOW_NR_BINS / 2) == 0);
	for (b = 0; b < RACE_WINDOW_NR_BINS; b++) {
		double lo = race_window_lo(b), hi = race_window_hi(b);

		assert_true(lo < hi);
		/* Mirrored around zero, half-open [lo, hi). */
		assert_true(lo == -race_window_hi(RACE_WINDOW_NR_BINS - 1 - b));
		assert_int_equal(race_window_bin(lo), b);
		assert_int_equal(race_window_bin(hi - 0.001), b);
		if (b + 1 < RACE_WINDOW_NR_BINS)
			assert_true(hi == race_window_lo(b + 1));
	}
	/* The near lookup agrees with the edges, at and between them. */
	for (b = -4 * RACE_WINDOW_NEAR_NS - 40; b < 4 * RACE_WINDOW_NEAR_NS + 40; b++) {
		double ns = b / 4.0;
		int want = 0;

		while (want + 1 < RACE_WINDOW_NR_BINS &&
		       race_window_lo(want + 1) <= ns)
			want++;
		assert_int_equal(race_window_bin(ns), want);
	}
	/* Beyond the table: the open outer bins. */
	assert_int_equal(race_window_bin(-1e12), 0);
	assert_int_equal(race_window_bin(1e12), RACE_WINDOW_NR_BINS - 1);
	assert_int_equal(race_window_bin(0.0 / 0.0), 0);
}

/*
 * A simulated race: hits with probability @peak at measured offsets in
 * [40, 48) ns, @base elsewhere; the measured offset is the intended one
 * plus a deterministic spread of +-6 ns, as a real counter's would be.
 */
static void simulate(struct race_window *w, unsigned int batches,
		     double peak, double base, bool racy_signal)
{
	struct race_window_tally *t = calloc(1, sizeof(*t));
	int16_t bins[1024];
	uint64_t rng = 42;
	unsigned int k, i;

	assert_non_null(t);
	for (k = 0; k < batches; k++) {
		race_window_plan(w, bins, 1024, 100);
		for (i = 0; i < 1024; i++) {
			double o = race_window_draw(w, bins[i]), u;

			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			o += (double)(rng >> 60) - 6;
			rng = rng * 6364136223846793005ull + 1442695040888963407ull;
			u = (double)(rng >> 11) / 9007199254740992.0;
			if (u < (o >= 40 && o < 48 ? peak : base))
				race_window_note(t, o, bins[i], !racy_signal,
						 racy_signal, 1);
			else
				race_window_note(t, o, bins[i], false, false, 2);
		}
		race_window_merge(w, t);
	}
	free(t);
}

/*
 * A fresh window (free() it) planned by @plan from @seed over [@lo, @hi)
 * ns, after @batches batches of the race simulate() makes.
 */
static struct race_window *simulated(enum race_plan plan, uint64_t seed,
				     double lo, double hi,
				     unsigned int batches, bool racy_signal)
{
	struct race_window *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	race_window_init(w, plan, seed);
	race_window_set_range(w, lo, hi);
	simulate(w, batches, 0.05, 0.0002, racy_signal);
	return w;
}

static uint64_t aimed_in(const struct race_window *w, double lo, double hi)
{
	uint64_t n = 0;
	int b;

	for (b = race_window_bin(lo); b <= race_window_bin(hi - 0.001); b++)
		n += w->aim[b].trials;
	return n;
}

static void test_window_aim_finds_window(void **state)
{
	struct race_window *w = simulated(RACE_PLAN_AIMED, 1, -512, 512, 200,
					  false);

	printf("    aimed at [32, 64): %llu of %llu trials, %llu bad\n",
	       (unsigned long long)aimed_in(w, 32, 64),
	       (unsigned long long)w->trials, (unsigned long long)w->bad);
	/* A uniform sweep puts 1 bin in ~24 there; the aim most of them. */
	assert_true(aimed_in(w, 32, 64) * 2 > w->trials);
	/* Exploration keeps every bin of the range measured. */
	for (int b = w->lo_bin; b <= w->hi_bin; b++)
		assert_true(w->aim[b].trials >= w->sweep_min);
	/* The map counts measured offsets: every trial is in it once. */
	{
		uint64_t n = 0, bad = 0;

		for (int b = 0; b < RACE_WINDOW_NR_BINS; b++) {
			n += w->map[b].trials;
			bad += w->map[b].bad;
			assert_int_equal(w->outcomes[b][0], w->map[b].bad);
		}
		assert_int_equal(n, 200 * 1024);
		assert_int_equal(bad, w->bad);
	}
	free(w);
}

static void test_window_racy_signal_then_uniform(void **state)
{
	/* No bad outcome ever (a fixing variant): the racy ones steer. */
	struct race_window *w = simulated(RACE_PLAN_AIMED, 2, -512, 512, 100,
					  true);
	uint64_t most = 0, least = UINT64_MAX;

	assert_int_equal(w->bad, 0);
	assert_true(aimed_in(w, 32, 64) * 2 > w->trials);
	free(w);

	/* The uniform plan never aims: every bin of the range alike. */
	w = simulated(RACE_PLAN_UNIFORM, 3, -512, 512, 100, false);
	for (int b = 0; b < RACE_WINDOW_NR_BINS; b++) {
		if (b < w->lo_bin || b > w->hi_bin) {
			assert_int_equal(w->aim[b].trials, 0);
			continue;
		}
		if (w->aim[b].trials > most)
			most = w->aim[b].trials;
		if (w->aim[b].trials < least)
			least = w->aim[b].trials;
	}
	assert_true(most < least + least / 5);
	free(w);
}

static void test_window_widens(void **state)
{
	/* The window [40, 48) lies beyond the first range: found anyway. */
	struct race_window *w = simulated(RACE_PLAN_AIMED, 4, -32, 16, 100,
					  false);

	assert_true(race_window_hi(w->hi_bin) >= 48);
	assert_true(aimed_in(w, 32, 64) * 4 > w->trials);
	free(w);
}

/*
 * A merge takes every bin a tally counted, the outermost ones too, each
 * into its own bin (measured and intended apart), and leaves the tally
 * empty for the next batch.
 */
static void test_window_merge_every_bin(void **state)
{
	struct race_window_tally *t = calloc(1, sizeof(*t)), *zero;
	struct race_window w;
	int last = RACE_WINDOW_NR_BINS - 1, b;

	zero = calloc(1, sizeof(*zero));
	assert_non_null(t);
	assert_non_null(zero);
	race_window_init(&w, RACE_PLAN_UNIFORM, 1);
	race_window_note(t, -1e12, -1, true, false, 1);
	race_window_note(t, 1e12, 5, false, true, 4);
	race_window_note(t, 1e12, -1, false, false, 2);
	race_window_note(t, 0, last, true, true, 3);
	race_window_merge(&w, t);
	assert_memory_equal(t, zero, sizeof(*t));
	assert_int_equal(w.trials, 4);
	assert_int_equal(w.bad, 2);
	assert_int_equal(w.racy, 2);
	assert_int_equal(w.map[0].trials, 1);
	assert_int_equal(w.map[0].bad, 1);
	assert_int_equal(w.outcomes[0][0], 1);
	assert_int_equal(w.map[last].trials, 2);
	assert_int_equal(w.map[last].racy, 1);
	assert_int_equal(w.outcomes[last][1], 1);
	assert_int_equal(w.outcomes[last][2], 1);
	b = race_window_bin(0);
	assert_int_equal(w.map[b].trials, 1);
	assert_int_equal(w.outcomes[b][0] + w.outcomes[b][1], 2);
	assert_int_equal(w.aim[5].trials, 1);
	assert_int_equal(w.aim[5].racy, 1);
	assert_int_equal(w.aim[last].trials, 1);
	assert_int_equal(w.aim[last].bad, 1);
	assert_int_equal(w.aim[0].trials, 0);
	/* A second batch adds to the first. */
	race_window_note(t, -1e12, -1, false, false, 2);
	race_window_merge(&w, t);
	assert_int_equal(w.map[0].trials, 2);
	assert_int_equal(w.outcomes[0][1], 1);
	assert_int_equal(w.trials, 5);
	assert_memory_equal(t, zero, sizeof(*t));
	free(zero);
	free(t);
}

/* @n wake-ups of @ns each, noted in @t. */
static void note_wakes(struct race_wake_tally *t, int n, double ns)
{
	for (int i = 0; i < n; i++)
		race_wake_note(t, ns);
}

/* @d's deadline once @t, with @n more wake-ups of @ns, is merged in. */
static uint64_t merged(struct race_deadline *d, struct race_wake_tally *t,
		       int n, double ns)
{
	note_wakes(t, n, ns);
	race_deadline_merge(d, t);
	return d->ns;
}

static void test_deadline_adapts(void **state)
{
	struct race_deadline d;
	struct race_wake_tally t = { 0 };

	race_deadline_init(&d, true, 20000, 200000);
	assert_int_equal(d.ns, 200000);
	/* Too few woken trials: the maximum stays. */
	assert_int_equal(merged(&d, &t, RACE_DEADLINE_MIN_SAMPLES - 1, 1000),
			 200000);
	/* Woken within about 1 us: 8 us, but never below the floor. */
	assert_int_equal(merged(&d, &t, 1, 1000), 20000);
	/* Slow wakers (5 us) move it up: 8 x the 95th percentile. */
	merged(&d, &t, 1000, 5000);
	assert_true(d.ns >= 8 * 5000 && d.ns <= 8 * 5000 * 1.2);
	assert_true(d.pctl_ns >= 5000);
	/*
	 * A tail of 4% at 100 us (a VM waking an idle vCPU) is not the
	 * waker's time: the 95th percentile stays in the bulk.
	 */
	race_deadline_init(&d, true, 20000, 200000);
	note_wakes(&t, 960, 1000);
	assert_int_equal(merged(&d, &t, 40, 100000), 20000);
	/* A tail of 6% is: then a waker that slow is common. */
	assert_int_equal(merged(&d, &t, 30, 100000), 200000);
	/* A fixed deadline reports the latency but keeps its value. */
	race_deadline_init(&d, false, 20000, 200000);
	assert_int_equal(merged(&d, &t, 100, 1000), 200000);
	assert_true(d.pctl_ns >= 1000);
}

static void check_window_json(json_t *r, const char *plan)
{
	json_t *w = json_object_get(r, "window"), *b;
	unsigned long long n = 0, bad = 0;
	double prev = -2e9;
	size_t i;

	assert_non_null(w);
	assert_string_equal(json_string_value(json_object_get(w, "unit")), "ns");
	assert_string_equal(json_string_value(json_object_get(w, "plan")), plan);
	json_array_foreach(json_object_get(w, "bins"), i, b) {
		double lo = json_number_value(json_object_get(b, "lo"));

		/* Bins of the one global table, in order. */
		assert_true(lo > prev);
		assert_int_equal(race_window_bin(lo),
				 race_window_bin(json_number_value(
					 json_object_get(b, "hi")) - 0.001));
		prev = lo;
		n += json_integer_value(json_object_get(b, "trials"));
		bad += json_integer_value(json_object_get(b, "bad"));
	}
	/* Every measured trial is in the map once; LU's one bad class is
	 * counted once per trial, so the map's bad trials are its count. */
	assert_int_equal(n, race_test_trials(r));
	assert_int_equal(bad, race_test_count(r, "or-lost"));
	assert_non_null(strstr(json_string_value(json_object_get(r, "message")),
			       "plan "));
}

static void test_run_writes_window(void **state)
{
	json_t *r;

	r = race_test_run("LU", 0, 20000, -1);
	assert_non_null(r);
	check_window_json(r, "aimed");
	assert_true(json_is_object(json_object_get(r, "deadline")));
	json_decref(r);
	r = race_test_run("LU", 0, 5000, 8);
	assert_non_null(r);
	check_window_json(r, "jitter");
	json_decref(r);
}

/* ---- running on for a forbidden zero (race --extend) -------------------- */

static double need_of(const struct race_scenario *s, enum fb_pair_class pc,
		      void *arg)
{
	(void)s;
	(void)pc;
	return *(double *)arg;
}

/* @name for @seconds, then on for up to @extend while under @need reached. */
static json_t *run_extended(const char *name, double seconds, double extend,
			    double need)
{
	const struct race_scenario *s = race_scenario_find(name);
	struct race_params p;
	json_t *results, *r;
	char err[512];

	assert_non_null(s);
	race_params_default(&p);
	p.seconds = seconds;
	p.extend_seconds = extend;
	p.need = need_of;
	p.need_arg = &need;
	p.quiet = true;
	results = json_array();
	if (race_run_json(&s, 1, &p, results, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	r = json_incref(json_array_get(results, 0));
	json_decref(results);
	return r;
}

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static double extended(json_t *r)
{
	return num(json_object_get(r, "exposure"), "extended_seconds");
}

static void test_extend_runs_on_for_the_need(void **state)
{
	json_t *r;

	/* SB+mb is forbidden everywhere: more than any run reaches, to the bound. */
	r = run_extended("SB+mb", 0.02, 0.05, 1e15);
	assert_int_equal(num(r, "bad_trials"), 0);
	assert_true(extended(r) > 0);
	assert_true(num(r, "seconds") >= 0.07);
	assert_true(num(r, "seconds") - extended(r) >= 0.02);
	json_decref(r);
	/* One reached trial: it stops when it has it, not at its bound. */
	r = run_extended("SB+mb", 0.02, 60, 1);
	assert_true(num(r, "reached_trials") >= 1);
	assert_true(num(r, "seconds") < 60);
	json_decref(r);
	/* No need known: on time. */
	r = run_extended("SB+mb", 0.02, 60, 0);
	assert_true(extended(r) == 0);
	json_decref(r);
}

/* SB is not forbidden: its zero is not a verdict, nothing to earn. */
static void test_extend_only_forbidden(void **state)
{
	json_t *r = run_extended("SB", 0.02, 60, 1e15);

	assert_true(extended(r) == 0);
	assert_true(num(r, "seconds") < 60);
	json_decref(r);
}

/* Every surface says how long a zero took: race_result_worth(). */
static void test_extend_in_words(void **state)
{
	struct race_result r = {
		.expect = EXPECT_FORBIDDEN, .reached = 71, .seconds = 3.1,
		.extended_seconds = 2.1,
		.d = { .exposure = RES_EXPOSED, .needed = 59,
		       .verdict = RES_PASS },
	};
	char buf[256];

	race_result_worth(&r, buf, sizeof(buf));
	assert_string_equal(buf, "PASS (exposed: 71 reached >= 59 needed, run on 2.1 s past its 1 s)");
	r.extended_seconds = 0;
	race_result_worth(&r, buf, sizeof(buf));
	assert_string_equal(buf, "PASS (exposed: 71 reached >= 59 needed)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_miss_counted),
		cmocka_unit_test(test_one_cpu_error),
		cmocka_unit_test(test_too_many_roles_error),
		cmocka_unit_test(test_cli_errors),
		cmocka_unit_test(test_cli_json),
		cmocka_unit_test(test_window_table),
		cmocka_unit_test(test_window_aim_finds_window),
		cmocka_unit_test(test_window_racy_signal_then_uniform),
		cmocka_unit_test(test_window_widens),
		cmocka_unit_test(test_window_merge_every_bin),
		cmocka_unit_test(test_deadline_adapts),
		cmocka_unit_test(test_run_writes_window),
		cmocka_unit_test(test_extend_runs_on_for_the_need),
		cmocka_unit_test(test_extend_only_forbidden),
		cmocka_unit_test(test_extend_in_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

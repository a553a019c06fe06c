// SPDX-License-Identifier: GPL-2.0
/*
 * Witnesses against their outcomes, on every seed race of this build.
 *
 * Each seed scenario runs with a witness pass (race --witness); every
 * timeline it keeps, read back from its JSON as races.json carries it,
 * must tell the story of the outcome it is filed under: the events that
 * story needs are there, with the values it needs, and in an order their
 * stamps allow.
 *
 * An order is checked only where the stamps bound it (trace.h: a
 * tracepoint stamps, then reads what it shows; the stamps are fenced):
 * "X before Y" holds when a stamp taken before X is no later than one
 * taken after Y, give or take race_witness_apart() (the counters' skew
 * plus their resolution) - never a duration or a rate.  Under qemu only
 * function is checked: the witnesses exist, parse, and carry the events.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <flagbench/page-flags.h>
#include <flagbench/slab.h>
#include <flagbench/variant.h>
#include "pingpong.h"
#include "race_helpers.h"

#define MEASURE_SECONDS 1.0
#define WITNESS_SECONDS 1.0
#define EMULATED_TRIALS 2000UL

struct ctx {
	const struct race_result *r;
	const struct race_witness *w;
	bool emulated;
	bool ok;
};

static void inconsistent(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	printf("  %s/%s, %s: ", c->r->scenario, c->r->variant, c->w->outcome);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (c->ok)
		race_witness_print(stdout, c->r, c->w, 100);
	c->ok = false;
}

/* The first event @name of @role (-1: any role but A's) at or after @from. */
static int find_from(const struct ctx *c, int role, const char *name, int from)
{
	for (int i = from; i < c->w->nr; i++) {
		const struct race_event *e = &c->w->ev[i];

		if ((role < 0 ? e->role != 0 : e->role == role) &&
		    !strcmp(e->name, name))
			return i;
	}
	return -1;
}

static int find(const struct ctx *c, int role, const char *name)
{
	return find_from(c, role, name, 0);
}

/* @name of @role must be there: its index, or -1 and a failure. */
static int need(struct ctx *c, int role, const char *name)
{
	int i = find(c, role, name);

	if (i < 0)
		inconsistent(c, "no event \"%s\" in role %c", name,
		     role < 0 ? 'B' : 'A' + role);
	return i;
}

/* The event before event @i in its role: its stamp precedes all @i did. */
static int prev_of(const struct ctx *c, int i)
{
	for (int k = i - 1; k >= 0; k--)
		if (c->w->ev[k].role == c->w->ev[i].role)
			return k;
	return -1;
}

/* The next event of event @i's role: its stamp follows all @i did. */
static int next_of(const struct ctx *c, int i)
{
	for (int k = i + 1; k < c->w->nr; k++)
		if (c->w->ev[k].role == c->w->ev[i].role)
			return k;
	return -1;
}

/*
 * Event @i's stamp is no later than event @j's, but for the skew and the
 * resolution: @i bounds from below something that happened before
 * something @j bounds from above.
 */
static void before(struct ctx *c, int i, int j, const char *why)
{
	const struct race_event *a, *b;

	if (i < 0 || j < 0)
		return;	/* need() said so */
	a = &c->w->ev[i];
	b = &c->w->ev[j];
	if (c->emulated || a->ns <= b->ns + race_witness_apart(c->r))
		return;
	inconsistent(c, "%s: \"%s\" at %.1f ns is after \"%s\" at %.1f ns by more than %.1f ns",
	     why, a->name, a->ns, b->name, b->ns, race_witness_apart(c->r));
}

static bool bit(unsigned long word, int nr)
{
	return nr >= 0 && (word >> nr & 1);
}

/* Event @i's value, which must be of @kind. */
static unsigned long value(struct ctx *c, int i, enum race_value kind)
{
	if (i < 0)
		return 0;
	if (c->w->ev[i].kind != kind)
		inconsistent(c, "\"%s\" has no value of the kind it should", c->w->ev[i].name);
	return c->w->ev[i].value;
}

static void expect(struct ctx *c, bool cond, const char *what)
{
	if (!cond)
		inconsistent(c, "%s", what);
}

/* Every witness: well formed, and each role's start and return there. */
static void check_shape(struct ctx *c)
{
	const struct race_witness *w = c->w;
	bool seen_traced = false;

	for (int i = 0; i < w->nr; i++) {
		expect(c, w->ev[i].role >= 0 && w->ev[i].role < c->r->nr_roles,
		       "an event of no role");
		expect(c, !i || w->ev[i].ns >= w->ev[i - 1].ns,
		       "events out of time order");
		if (strcmp(w->ev[i].name, "start") && strcmp(w->ev[i].name, "return"))
			seen_traced = true;
	}
	for (int k = 0; k < c->r->nr_roles; k++) {
		need(c, k, "start");
		need(c, k, "return");
	}
	expect(c, seen_traced, "no tracepoint recorded, only the engine's start and return");
	expect(c, w->closest == !(c->r->bad > 0),
	       "a closest approach where bad trials were seen, or the reverse");
}

/* ---- lost-waiters (seed 001) ------------------------------------------- */

static void check_lost_waiters(struct ctx *c)
{
	bool atomic = find(c, 0, "ClearPageIsolated") >= 0;
	const char *o = c->w->outcome;
	int load, store, w, d;
	unsigned long ww;

	load = need(c, 0, atomic ? "ClearPageIsolated" : "__ClearPageIsolated load");
	store = need(c, 0, atomic ? "ClearPageIsolated done" :
				    "__ClearPageIsolated store");
	w = need(c, 1, "SetPageWaiters");
	ww = value(c, w, RACE_VALUE_WORD);
	if (!strcmp(o, "not-woken") || !strcmp(o, "waiters-lost") ||
	    !strcmp(o, "rescued")) {
		unsigned long lw = value(c, load, RACE_VALUE_WORD);
		unsigned long sw = value(c, store, RACE_VALUE_WORD);

		expect(c, bit(lw, PG_isolated) && !bit(lw, PG_waiters),
		       "A's clear did not start from PG_isolated set and PG_waiters clear");
		expect(c, !bit(sw, PG_isolated) && !bit(sw, PG_waiters),
		       "A's clear did not leave PG_isolated and PG_waiters clear");
		before(c, load, w, "B's SetPageWaiters lands after A's load");
		/* B's own read still saw PG_isolated: A's store came later. */
		if (bit(ww, PG_isolated))
			before(c, w, store, "and before A's store");
		/* Its sleep ended at its deadline, or by A's rescue. */
		d = find(c, 1, "rescued");
		if (d >= 0)
			before(c, need(c, 0, "rescue"), d,
			       "A's rescue came before B's return");
		else
			d = need(c, 1, "deadline");
		before(c, need(c, 0, "unlock_page returned"), d,
		       "A had unlocked before B's deadline");
		if (!strcmp(o, "waiters-lost") || !strcmp(o, "rescued"))
			expect(c, !bit(value(c, d, RACE_VALUE_WORD), PG_waiters),
			       "PG_waiters still set at B's deadline");
		if (!strcmp(o, "rescued"))
			expect(c, find(c, 1, "rescued") >= 0,
			       "a rescued trial without B's \"rescued\"");
		return;
	}
	if (strcmp(o, "woken") && strcmp(o, "no-sleep"))
		return;
	/* The window, hit correctly: why the waiter was not lost. */
	expect(c, bit(ww, PG_locked) &&
		  (bit(ww, PG_isolated) || !bit(ww, PG_waiters)),
	       "B's announcement is not in the window");
	if (bit(ww, PG_isolated)) {
		before(c, w, store, "B saw PG_isolated set: A's clear came later");
		/*
		 * Woken: A's unlock saw PG_waiters, so A's clear kept it.  No
		 * sleep: B's recheck found the lock free, so a clear that wiped
		 * it lost nobody (seen under qemu-ppc64le, where the unlock can
		 * land between B's announcement and its recheck); the clear
		 * stored before B returned.
		 */
		if (!strcmp(o, "woken"))
			expect(c, bit(value(c, store, RACE_VALUE_WORD), PG_waiters),
			       "B was woken, but A's clear after its announcement lost PG_waiters");
		else
			before(c, store, need(c, 1, "return"),
			       "B took the lock free: A's clear came before B's return");
	}
	if (!strcmp(o, "woken"))
		need(c, 1, "woken");
}

/* ---- compaction-mapcount (seed 000) ------------------------------------ */

static void check_compaction_mapcount(struct ctx *c)
{
	const char *o = c->w->outcome;
	int lru, check, done, slab_cache, slab, isolate, seen;

	if (strcmp(o, "mapcount-on-slab") && strcmp(o, "isolated-slab") &&
	    strcmp(o, "met-slab"))
		return;
	lru = need(c, 0, "PageLRU");
	isolate = need(c, 1, "isolate_lru_page");
	slab_cache = need(c, 1, "page->slab_cache = s");
	slab = need(c, 1, "__SetPageSlab");
	expect(c, value(c, lru, RACE_VALUE_TEST), "A's PageLRU was false");
	expect(c, value(c, isolate, RACE_VALUE_TEST), "B did not isolate the page");
	expect(c, bit(value(c, slab, RACE_VALUE_WORD), PG_slab),
	       "B's __SetPageSlab left no PG_slab");
	before(c, lru, isolate, "A read PG_lru before B's isolate_lru_page cleared it");
	check = need(c, 0, "racy check");
	done = find_from(c, 0, "racy check: skip", check < 0 ? 0 : check);
	seen = find_from(c, 0, "PageSlab", check < 0 ? 0 : check);
	if (!strcmp(o, "mapcount-on-slab")) {
		/* page_mapcount()'s assertion read PG_slab inside the check. */
		before(c, slab_cache, done, "B's __SetPageSlab came before the check's PageSlab read");
		return;
	}
	if (!strcmp(o, "isolated-slab"))
		seen = need(c, 0, "isolated: PageSlab");
	expect(c, seen >= 0 && value(c, seen, RACE_VALUE_TEST),
	       "A's PageSlab did not see the slab page");
	if (seen >= 0)
		before(c, slab_cache, next_of(c, seen),
		       "B's __SetPageSlab came before A's PageSlab read");
}

/* ---- refcount-freeze (seed 002) ---------------------------------------- */

static void check_refcount_freeze(struct ctx *c)
{
	const char *o = c->w->outcome;
	int get = need(c, 1, "get_page_unless_zero"), freeze, put, fail_at;
	bool got = value(c, get, RACE_VALUE_TEST);

	if (!strcmp(o, "frozen-under-reader")) {
		/* Frozen with B's reference in the count, or under its put. */
		freeze = need(c, 0, "page_ref_freeze");
		need(c, 1, "put_page");
		expect(c, got, "B held no reference");
		before(c, get, freeze, "B's reference was taken before A's freeze");
	} else if (!strcmp(o, "put-on-zero")) {
		/*
		 * The tracepoint reads the count, then put_page()'s own
		 * check reads it again: a count other than zero here means
		 * A's freeze landed between the two.
		 */
		put = need(c, 1, "put_page");
		freeze = need(c, 0, "page_ref_freeze");
		if (value(c, put, RACE_VALUE_COUNT) != 0)
			before(c, put, freeze,
			       "B's traced count was not zero, so A's freeze came after it");
		before(c, put, need(c, 0, "page_ref_unfreeze"),
		       "B's put read the frozen count before A's unfreeze");
	} else if (!strcmp(o, "reader-met-freeze")) {
		expect(c, !got, "B's get_page_unless_zero succeeded");
		need(c, 0, "page_ref_freeze");
		before(c, get, need(c, 0, "page_ref_unfreeze"),
		       "B met the freeze before A's unfreeze");
	} else if (!strcmp(o, "freeze-failed") && c->w->closest) {
		fail_at = find(c, 0, "page_count");
		if (fail_at < 0)
			fail_at = need(c, 0, "page_ref_freeze failed");
		expect(c, got, "B held no reference");
		before(c, get, fail_at, "B's reference was taken before A's count");
	}
}

/* ---- migration-entry (seed 003) ---------------------------------------- */

/* The first event @name of role B, at or after @from, whose test came out @v. */
static int find_test_from(const struct ctx *c, const char *name, bool v,
			  int from)
{
	for (int i = find_from(c, 1, name, from); i >= 0;
	     i = find_from(c, 1, name, i + 1))
		if (c->w->ev[i].kind == RACE_VALUE_TEST && c->w->ev[i].value == v)
			return i;
	return -1;
}

static int find_test(const struct ctx *c, const char *name, bool v)
{
	return find_test_from(c, name, v, 0);
}

/* The entry was left behind: A's second walk missed what its first found. */
static void check_walk_missed(struct ctx *c)
{
	int unmap = need(c, 0, "try_to_unmap: entry");
	int remove = need(c, 0, "remove_migration_ptes");
	int adjust = need(c, 1, "vma_adjust: vm_start");

	expect(c, value(c, unmap, RACE_VALUE_TEST), "try_to_unmap installed no entry");
	expect(c, value(c, remove, RACE_VALUE_COUNT) == 0,
	       "remove_migration_ptes restored the entry");
	/* B's start bounds its vma_adjust from below. */
	before(c, need(c, 1, "start"), remove,
	       "exec's vma_adjust began before A's second walk");
	before(c, unmap, need(c, 1, "move_page_tables"),
	       "A's second walk came before exec's move_page_tables");
	(void)adjust;
}

static void check_migration_entry(struct ctx *c)
{
	const char *o = c->w->outcome;
	int met;

	if (!strcmp(o, "walk-missed")) {
		check_walk_missed(c);
		return;
	}
	if (!strcmp(o, "dangling-cleaned") || !strcmp(o, "remapped-old")) {
		need(c, 1, "dangling entry removed");
		return;
	}
	if (strcmp(o, "entry-unlocked") && strcmp(o, "entry-stuck"))
		return;
	check_walk_missed(c);
	met = find_test(c, "migration entry: PG_locked", false);
	if (met < 0) {
		inconsistent(c, "B never met the entry with its page unlocked");
		return;
	}
	/* A's remove_migration_ptes stamp comes before its unlock_page. */
	before(c, need(c, 0, "remove_migration_ptes"), next_of(c, met),
	       "A unlocked the page before B looked at PG_locked");
	/* B may have failed on it earlier too, before it saw PG_locked clear. */
	if (!strcmp(o, "entry-stuck"))
		expect(c, find_test_from(c, "get_page_unless_zero", false, met + 1) >= 0,
		       "B's get_page_unless_zero did not fail on the freed page after B met the entry unlocked");
}

/* ---- slab-movable (seed 004) ------------------------------------------- */

/*
 * A's tests before the page lock, one event once they have all run
 * ("!PageSlab, __PageMovable: passed"): its index or -1, whether they
 * passed, and how many tests it names.
 */
static int prelock(const struct ctx *c, bool *passed, int *tests)
{
	for (int i = 0; i < c->w->nr; i++) {
		const char *name = c->w->ev[i].name, *end = strrchr(name, ':');

		if (c->w->ev[i].role || !end)
			continue;
		if (strcmp(end, ": passed") && strcmp(end, ": refused"))
			continue;
		*passed = !strcmp(end, ": passed");
		*tests = 1;
		for (const char *p = name; p < end; p++)
			*tests += *p == ',';
		return i;
	}
	return -1;
}

static void check_slab_movable(struct ctx *c)
{
	const char *o = c->w->outcome;
	int word = need(c, -1, "mapping word"), tests = 0, at, movable;
	bool passed = false;
	/* B's event before alloc_slab_page() bounds its store from below. */
	int set = word < 0 ? -1 : prev_of(c, word);

	at = prelock(c, &passed, &tests);
	if (at < 0) {
		inconsistent(c, "no tests before the lock: A held no reference");
		return;
	}
	if (!strcmp(o, "taken-as-movable") || !strcmp(o, "passed-checks")) {
		int reset = find(c, -1, "__free_slab done");

		expect(c, passed, "a test before the lock turned the page away");
		expect(c, value(c, word, RACE_VALUE_WORD) ==
			  (unsigned long)LIST_POISON2,
		       "B's slab left no LIST_POISON2 in the word");
		/* A's tests read the slab's word after B stored it. */
		before(c, set, at, "B's mapping word store came before A's tests read it");
		if (strcmp(o, "taken-as-movable"))
			return;
		movable = need(c, 0, "PageMovable");
		expect(c, value(c, movable, RACE_VALUE_TEST),
		       "PageMovable under the lock was false");
		expect(c, !value(c, need(c, 0, "movable_ops valid"), RACE_VALUE_TEST),
		       "the movable_operations were valid");
		if (reset >= 0 && movable >= 0)
			before(c, movable, reset,
			       "A's PageMovable read the slab's word before its reset");
	} else if (!strcmp(o, "refused-3")) {
		expect(c, tests == 3 && !passed,
		       "not two tests passed and the third refused");
	}
}

/* ---- the runs ---------------------------------------------------------- */

static const struct {
	const char *scenario;
	void (*check)(struct ctx *c);
} seeds[] = {
	{ "lost-waiters", check_lost_waiters },
	{ "compaction-mapcount", check_compaction_mapcount },
	{ "refcount-freeze", check_refcount_freeze },
	{ "migration-entry", check_migration_entry },
	{ "slab-movable", check_slab_movable },
};

/* @r as races.json carries it, read back; false when it does not parse. */
static bool read_back(const struct race_result *r, struct race_result *back)
{
	json_t *j = race_result_to_json(r);
	char err[256];
	int ret;

	memset(back, 0, sizeof(*back));
	ret = race_result_from_json(j, back, err, sizeof(err));
	json_decref(j);
	if (ret)
		printf("  %s: its JSON does not read back: %s\n", r->scenario, err);
	return !ret;
}

/*
 * Every witness of @r; false if one is inconsistent, or if there is none
 * and the result does not say what the pass spent looking.  *@kept counts
 * results with witnesses.
 */
static bool check_result(const struct race_result *r,
			 void (*check)(struct ctx *c), bool emulated,
			 int *kept)
{
	struct ctx c = { .r = r, .emulated = emulated, .ok = true };
	char why[256];

	if (!(r->bad > 0) && !(r->reached > 0)) {
		printf("  %s: no trial reached the window: nothing to witness\n",
		       r->scenario);
		return true;
	}
	if (!r->nr_witnesses) {
		/* A narrow window the tracepoints' own time closes. */
		if (race_witness_missing(r, why, sizeof(why))) {
			printf("  %s: %.0f bad, %.0f reached; %s\n", r->scenario,
			       r->bad, r->reached, why);
			return true;
		}
		printf("  %s: %.0f bad, %.0f reached, no witness and no pass said\n",
		       r->scenario, r->bad, r->reached);
		return false;
	}
	(*kept)++;
	for (int i = 0; i < r->nr_witnesses; i++) {
		c.w = &r->w[i];
		check_shape(&c);
		check(&c);
	}
	printf("  %s: %d witnesses (%s), skew %.0f ns, resolution %.1f ns: %s\n",
	       r->scenario, r->nr_witnesses,
	       r->w[0].closest ? "closest approaches" : "bad outcomes",
	       r->skew_ns, r->resolution_ns, c.ok ? "consistent" : "NOT consistent");
	return c.ok;
}

static bool witness_seed(const char *name, void (*check)(struct ctx *c),
			 int *kept)
{
	const struct race_scenario *s = race_scenario_find(name);
	bool emulated = race_test_emulated(), ok = true;
	struct race_results rs = { 0 };
	struct race_params p;
	char err[512];

	if (!s) {
		printf("  no scenario %s\n", name);
		return false;
	}
	race_params_default(&p);
	p.seconds = emulated ? 0 : MEASURE_SECONDS;
	p.trials = emulated ? EMULATED_TRIALS : 0;
	p.witness = 3;
	p.witness_seconds = emulated ? 4 * WITNESS_SECONDS : WITNESS_SECONDS;
	p.quiet = true;
	if (race_run(&s, 1, &p, &rs, err, sizeof(err))) {
		printf("  %s: %s\n", name, err);
		race_results_free(&rs);
		return false;
	}
	for (int k = 0; k < rs.nr; k++) {
		struct race_result back;

		if (!read_back(&rs.r[k], &back)) {
			ok = false;
			continue;
		}
		ok &= check_result(&back, check, emulated, kept);
		race_result_free(&back);
	}
	race_results_free(&rs);
	return ok;
}

static void test_witnesses_consistent(void **state)
{
	bool ok = true;
	int kept = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++)
		ok &= witness_seed(seeds[i].scenario, seeds[i].check, &kept);
	/* Some seed race reaches its window in every build: a pass keeps it. */
	printf("  %d results with witnesses\n", kept);
	assert_true(ok && kept > 0);
}

/*
 * A calibration shape's roles have no tracepoint: a timeline of their
 * start and return says nothing the window map does not, so none is kept
 * (and its pass ends at once).
 */
static void test_shapes_untraced(void **state)
{
	const struct race_scenario *s = race_scenario_find("SB");
	struct race_results rs = { 0 };
	struct race_params p;
	char err[512];

	(void)state;
	assert_non_null(s);
	race_params_default(&p);
	p.seconds = 0;
	p.trials = race_test_emulated() ? EMULATED_TRIALS : 100000;
	p.witness = 3;
	p.quiet = true;
	assert_int_equal(race_run(&s, 1, &p, &rs, err, sizeof(err)), 0);
	for (int k = 0; k < rs.nr; k++) {
		printf("  SB: %.0f reached, %d witnesses\n", rs.r[k].reached,
		       rs.r[k].nr_witnesses);
		assert_int_equal(rs.r[k].nr_witnesses, 0);
	}
	race_results_free(&rs);
}

/*
 * The skew is bounds, each way: measured from CPU a to b and from b to a,
 * the two must leave room for one offset (b's minus a's, and its
 * opposite).  Plain counter reads, taken out of order with the exchange,
 * gave +85 and +70 ns on a guest, where the two must be opposite.
 */
static void test_skew_bounds_agree(void **state)
{
	double ab, ba, uab, uba;
	int cpu[2], n = 0;
	cpu_set_t set;

	(void)state;
	if (race_test_timing_foreign() ||
	    sched_getaffinity(0, sizeof(set), &set)) {
		printf("  timing not the code's own here: skipped\n");
		return;
	}
	for (int c = 0; c < CPU_SETSIZE && n < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	if (n < 2) {
		printf("  one CPU: no skew to bound\n");
		return;
	}
	ab = fb_clock_skew_ns(cpu[0], cpu[1], &uab);
	ba = fb_clock_skew_ns(cpu[1], cpu[0], &uba);
	printf("  CPU %d to %d: %.1f +- %.1f ns; back: %.1f +- %.1f ns\n",
	       cpu[0], cpu[1], ab, uab, ba, uba);
	assert_true(isfinite(ab) && isfinite(ba) && uab >= 0 && uba >= 0);
	/* [ab - uab, ab + uab] and [-ba - uba, -ba + uba] overlap. */
	assert_true(fabs(ab + ba) <= uab + uba);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_witnesses_consistent),
		cmocka_unit_test(test_shapes_untraced),
		cmocka_unit_test(test_skew_bounds_agree),
	};

	printf("variant %s on %s%s\n", this_variant.name, this_variant.arch,
	       race_test_emulated() ? " (emulated)" : "");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Where a race runs: the roles a scenario needs with the CPUs allowed
 * (its folded roles when fewer, or all of them sharing CPUs when a
 * serialised run asks), the pair classes asked for, one set of CPUs per
 * class or, with --pairs each, per ordered pair, and the budget split
 * between them; and the order of a serialised run's roles.  race_plan()
 * says so without running; race_run() runs every scenario on each set,
 * one run at a time.  race.c holds the map of the engine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "pingpong.h"
#include "race-run.h"
#include "race.h"
#include "topology.h"

static int pick_cpus(struct fb_topology *t, enum fb_pair_class c, int n,
		     int *cpus, char *err, size_t errlen)
{
	int all[256], nr, i, k;

	if (!fb_topology_pick(t, c, n, cpus, err, errlen))
		return 0;
	/* No n CPUs pairwise of class c: the first two are, the rest anywhere. */
	if (n <= 2 || fb_topology_pick(t, c, 2, cpus, err, errlen))
		return -1;
	nr = fb_topology_cpus(t, all, 256);
	for (k = 2, i = 0; i < nr && k < n; i++)
		if (all[i] != cpus[0] && all[i] != cpus[1])
			cpus[k++] = all[i];
	return k == n ? 0 : -1;
}

static int classes_for(struct fb_topology *t, unsigned int want,
		       unsigned int *out, char *err, size_t errlen)
{
	unsigned int present = fb_topology_classes_present(t), c;

	want &= ~RACE_PAIRS_EACH;
	if (!present) {
		*out = 0;
		return 0;
	}
	if (!want) {
		/* The closest and the farthest pair present. */
		*out = (present & -present) |
		       (1u << (31 - __builtin_clz(present)));
		return 0;
	}
	if (want == (1u << FB_NR_PAIR_CLASSES) - 1) {
		/* --pairs all: every class present, as the help says. */
		*out = present;
		return 0;
	}
	for (c = 0; c < FB_NR_PAIR_CLASSES; c++)
		if ((want & (1u << c)) && !(present & (1u << c))) {
			char names[64] = "";

			for (unsigned int k = 0; k < FB_NR_PAIR_CLASSES; k++)
				if (present & (1u << k))
					snprintf(names + strlen(names),
						 sizeof(names) - strlen(names),
						 "%s%s", names[0] ? "," : "",
						 fb_pair_class_name(k));
			snprintf(err, errlen,
				 "no allowed CPU pair of class %s (present: %s)",
				 fb_pair_class_name(c), names);
			return -1;
		}
	*out = want;
	return 0;
}

/*
 * FLAGBENCH_RACE_UNFOLD=1: run a scenario's own roles even on fewer CPUs
 * than it has roles, some roles sharing a CPU (time-sliced), instead of
 * its folded roles.  Serialised runs only: roles that take turns on a CPU
 * never meet, which is all a serialised run asks of them, and the test of
 * serialised mode needs the unfolded roles on a two-CPU machine.  1 when
 * asked, 0 when not, -1 with a message when asked for an interleaved run.
 */
static int unfold_asked(const struct race_params *p, char *err, size_t errlen)
{
	const char *e = getenv("FLAGBENCH_RACE_UNFOLD");

	if (!e || !*e || !strcmp(e, "0"))
		return 0;
	if (strcmp(e, "1")) {
		snprintf(err, errlen, "FLAGBENCH_RACE_UNFOLD: '%s' is not 0 or 1", e);
		return -1;
	}
	if (p->order == RACE_INTERLEAVED) {
		snprintf(err, errlen,
			 "FLAGBENCH_RACE_UNFOLD=1 needs --serialise: roles sharing a CPU would not race");
		return -1;
	}
	return 1;
}

/* The roles @s runs with @nr_cpus CPUs, or NULL with a message. */
static const struct race_role *roles_for(const struct race_scenario *s,
					 const struct race_params *p,
					 int nr_cpus, unsigned int *nr,
					 struct fb_topology *t, char *err,
					 size_t errlen)
{
	char allowed[128] = "";
	int cpus[64], n, i, unfold = unfold_asked(p, err, errlen);

	if (unfold < 0)
		return NULL;
	if ((int)s->nr_roles <= nr_cpus || unfold) {
		*nr = s->nr_roles;
		return s->roles;
	}
	if (s->nr_folded_roles && (int)s->nr_folded_roles <= nr_cpus) {
		*nr = s->nr_folded_roles;
		return s->folded_roles;
	}
	n = fb_topology_cpus(t, cpus, 64);
	for (i = 0; i < n; i++)
		snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
			 "%s%d", i ? "," : "", cpus[i]);
	snprintf(err, errlen, "scenario %s needs %u CPUs, %d allowed: %s",
		 s->name, race_min_cpus(s), nr_cpus, allowed);
	return NULL;
}

/* One run of a scenario: the class of its first pair, and its CPUs. */
struct race_slot {
	enum fb_pair_class pc;
	int cpus[RACE_MAX_ROLES];
};

#define RACE_MAX_SLOTS (RACE_EACH_MAX_PAIRS + 2 * FB_NR_PAIR_CLASSES)

/*
 * The runs of a scenario with @nr_roles roles: one per class in @classes
 * (the first CPUs found of that class), or with RACE_PAIRS_EACH one per
 * ordered pair, the other roles on the first other allowed CPUs.  The
 * number of slots, or -1 with a message.
 */
static int plan_slots(struct fb_topology *t, unsigned int classes,
		      unsigned int nr_roles, struct race_slot *slots,
		      char *err, size_t errlen)
{
	int (*pairs)[2], all[256], nr_all, np, n = 0, i, j, k;

	if (!(classes & RACE_PAIRS_EACH)) {
		for (i = 0; i < FB_NR_PAIR_CLASSES; i++) {
			if (!(classes & (1u << i)))
				continue;
			slots[n].pc = i;
			if (pick_cpus(t, i, nr_roles, slots[n].cpus, err, errlen))
				return -1;
			n++;
		}
		return n;
	}
	if (fb_topology_nr_cpus(t) < 2 || nr_roles < 2) {
		snprintf(err, errlen, "--pairs each: needs two roles on two allowed CPUs");
		return -1;
	}
	pairs = calloc(RACE_MAX_SLOTS, sizeof(*pairs));
	if (!pairs) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	np = fb_topology_each_pair(t, RACE_EACH_MAX_PAIRS, pairs, RACE_MAX_SLOTS);
	nr_all = fb_topology_cpus(t, all, 256);
	for (i = 0; i < np; i++) {
		struct race_slot *sl = &slots[n];

		sl->pc = fb_cpu_pair_class(t, pairs[i][0], pairs[i][1]);
		sl->cpus[0] = pairs[i][0];
		sl->cpus[1] = pairs[i][1];
		for (k = 2, j = 0; j < nr_all && k < (int)nr_roles; j++)
			if (all[j] != sl->cpus[0] && all[j] != sl->cpus[1])
				sl->cpus[k++] = all[j];
		if (k < (int)nr_roles)
			continue;	/* not enough CPUs for the third role */
		n++;
	}
	free(pairs);
	if (!n) {
		snprintf(err, errlen, "--pairs each: no pair with room for %u roles",
			 nr_roles);
		return -1;
	}
	return n;
}

/*
 * With unfolded roles on fewer CPUs (FLAGBENCH_RACE_UNFOLD): the slots hold
 * @placed CPUs; role k >= @placed shares role k % @placed's.
 */
static void share_cpus(struct race_slot *slots, int n, unsigned int placed,
		       unsigned int nr_roles)
{
	unsigned int k;
	int i;

	for (i = 0; i < n; i++)
		for (k = placed; k < nr_roles; k++)
			slots[i].cpus[k] = slots[i].cpus[k % placed];
}

/* The CPUs @nr_roles roles take on @t: one each, or all there are. */
static unsigned int cpus_placed(struct fb_topology *t, unsigned int nr_roles)
{
	int nr = fb_topology_nr_cpus(t);

	return nr > 0 && (unsigned int)nr < nr_roles ? (unsigned int)nr : nr_roles;
}

/*
 * Serialised order (race-thread.c waits by it): a role runs a trial only
 * once the role before it in the order has finished that trial; the first
 * role of the order never waits (no slots, no jitter: the roles never
 * meet).  Forward is role order.  Reversed, the sequences of roles (a role
 * and those that follow it) swap places, each still in role order: a role
 * that follows another always runs right after it, and the first role of
 * a sequence waits for the last role of the sequence after its own.
 */
int race_serial_prev(const struct race_run *r, int role)
{
	int n = (int)r->nr_roles, next = role + 1;

	if (r->p->order == RACE_SERIALISED || (role && r->roles[role].follows))
		return role - 1;
	while (next < n && r->roles[next].follows)
		next++;
	if (next >= n)
		return -1;
	while (next + 1 < n && r->roles[next + 1].follows)
		next++;
	return next;
}

/*
 * The scenario's budget (a calibration shape's own seconds, if given);
 * --pairs each: split between the pairs.
 */
static void split_budget(const struct race_scenario *s,
			 const struct race_params *p, int nslots,
			 struct race_params *q)
{
	*q = *p;
	if (!s->seed && p->seconds > 0 && p->shape_seconds > 0)
		q->seconds = p->shape_seconds;
	if (!(p->pair_mask & RACE_PAIRS_EACH) || nslots < 1)
		return;
	q->seconds /= nslots;
	q->trials = p->trials ? (p->trials + nslots - 1) / nslots : 0;
	q->witness_seconds = p->witness_seconds / nslots;
	q->extend_seconds = p->extend_seconds / nslots;
}

static json_t *pair_json(const struct race_slot *sl)
{
	return json_pack("{s:[i,i], s:s}", "cpus", sl->cpus[0], sl->cpus[1],
			 "class", fb_pair_class_name(sl->pc));
}

json_t *race_plan(const struct race_scenario *s, const struct race_params *p,
		  char *err, size_t errlen)
{
	struct fb_topology *t = fb_topology_get(err, errlen);
	const struct race_role *roles;
	struct race_slot *slots;
	struct race_params q;
	unsigned int classes, nr_roles, r;
	json_t *plan;
	int n, i;

	if (!t)
		return NULL;
	roles = roles_for(s, p, fb_topology_nr_cpus(t), &nr_roles, t, err,
			  errlen);
	if (!roles || classes_for(t, p->pair_mask, &classes, err, errlen))
		return NULL;
	classes |= p->pair_mask & RACE_PAIRS_EACH;
	slots = calloc(RACE_MAX_SLOTS, sizeof(*slots));
	if (!slots) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	n = plan_slots(t, classes, cpus_placed(t, nr_roles), slots, err, errlen);
	if (n < 0) {
		free(slots);
		return NULL;
	}
	share_cpus(slots, n, cpus_placed(t, nr_roles), nr_roles);
	split_budget(s, p, n, &q);
	plan = json_array();
	for (i = 0; i < n; i++) {
		json_t *cpus = json_array(), *jroles = json_array(), *e;

		for (r = 0; r < nr_roles; r++) {
			json_array_append_new(cpus, json_integer(slots[i].cpus[r]));
			json_array_append_new(jroles, json_string(roles[r].name));
		}
		e = json_pack("{s:s, s:o, s:o, s:f, s:I}", "pair_class",
			      fb_pair_class_name(slots[i].pc), "cpus", cpus,
			      "roles", jroles, "seconds", q.seconds, "trials",
			      (json_int_t)q.trials);
		if (p->pair_mask & RACE_PAIRS_EACH)
			json_object_set_new(e, "pair", pair_json(&slots[i]));
		json_array_append_new(plan, e);
	}
	free(slots);
	return plan;
}

int race_run(const struct race_scenario *const *scenarios, int nr,
	     const struct race_params *p, struct race_results *results,
	     char *err, size_t errlen)
{
	struct fb_topology *t = fb_topology_get(err, errlen);
	unsigned int classes, nr_roles;
	struct race_slot *slots;
	struct race_params q;
	int i, k, n;

	if (!t)
		return -1;
	if (fb_topology_here(t, err, errlen))
		return -1;
	/* Check everything before running anything. */
	for (i = 0; i < nr; i++)
		if (!roles_for(scenarios[i], p, fb_topology_nr_cpus(t),
			       &nr_roles, t, err, errlen))
			return -1;
	if (classes_for(t, p->pair_mask, &classes, err, errlen))
		return -1;
	classes |= p->pair_mask & RACE_PAIRS_EACH;
	slots = calloc(RACE_MAX_SLOTS, sizeof(*slots));
	if (!slots) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < nr; i++) {
		const struct race_role *roles =
			roles_for(scenarios[i], p, fb_topology_nr_cpus(t),
				  &nr_roles, t, err, errlen);
		unsigned int placed = cpus_placed(t, nr_roles);

		n = plan_slots(t, classes, placed, slots, err, errlen);
		if (n < 0)
			goto fail;
		share_cpus(slots, n, placed, nr_roles);
		split_budget(scenarios[i], p, n, &q);
		for (k = 0; k < n; k++) {
			/* The machine's state where and when the run starts. */
			double xcpu = fb_pingpong_ns(slots[k].cpus[0],
						     slots[k].cpus[1]);

			if (race_run_one(scenarios[i], &q, t, slots[k].pc,
					 slots[k].cpus, roles, nr_roles, results,
					 err, errlen))
				goto fail;
			results->r[results->nr - 1].xcpu_ns = xcpu;
			if (p->pair_mask & RACE_PAIRS_EACH) {
				struct race_result *res = &results->r[results->nr - 1];

				res->has_pair = true;
				res->pair_cpus[0] = slots[k].cpus[0];
				res->pair_cpus[1] = slots[k].cpus[1];
				res->pair_of = strdup(fb_pair_class_name(slots[k].pc));
			}
		}
	}
	free(slots);
	return 0;
fail:
	free(slots);
	return -1;
}

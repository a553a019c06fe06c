// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine's registry: the scenarios DEFINE_RACE_SCENARIO() puts
 * in the fb_races section, each one's expectation in this variant, and the
 * counted assertion sites its outcomes name.  No threads and no clock;
 * race.c holds the map of the engine.
 */
#include <string.h>
#include <flagbench/mmdebug.h>
#include <flagbench/variant.h>
#include "race-run.h"
#include "race.h"

extern const struct race_scenario *const __start_fb_races[]
	__attribute__((weak));
extern const struct race_scenario *const __stop_fb_races[]
	__attribute__((weak));

const struct race_scenario *const *race_scenarios_begin(void)
{
	return __start_fb_races;
}

const struct race_scenario *const *race_scenarios_end(void)
{
	return __stop_fb_races;
}

const struct race_scenario *race_scenario_find(const char *name)
{
	const struct race_scenario *const *s;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
		if (!strcmp((*s)->name, name))
			return *s;
	return NULL;
}

static bool variant_names(const struct variant *v, const char *scenario)
{
	unsigned int i;

	for (i = 0; i < v->nr_expectations; i++)
		if (!strcmp(v->expectations[i].scenario, scenario))
			return true;
	return false;
}

enum expectation race_expectation(const struct race_scenario *s,
				  const char *arch)
{
	const struct race_arch_expect *e;
	enum expectation any = EXPECT_ALLOWED;

	if (variant_names(&this_variant, s->name) || !s->expect)
		return variant_expectation(&this_variant, s->name, arch);
	for (e = s->expect; e->arch || e->expect != EXPECT_ALLOWED; e++) {
		if (!e->arch) {
			any = e->expect;
			break;
		}
		if (arch && !strcmp(e->arch, arch))
			return e->expect;
	}
	return any;
}

unsigned int race_min_cpus(const struct race_scenario *s)
{
	if (s->nr_folded_roles && s->nr_folded_roles < s->nr_roles)
		return s->nr_folded_roles;
	return s->nr_roles;
}

unsigned long race_sites_hits(struct vm_bug_site *const *sites)
{
	unsigned long sum = 0;

	for (; *sites; sites++)
		sum += __atomic_load_n(&(*sites)->hits, __ATOMIC_RELAXED);
	return sum;
}

int race_find_sites(const char *func, const char *cond,
		    struct vm_bug_site **sites, int max)
{
	struct vm_bug_site *site;
	int n = 0;

	for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++)
		if (!strcmp(site->cond, cond) &&
		    (!func || !strcmp(site->func, func)) && n < max - 1)
			sites[n++] = site;
	sites[n] = NULL;
	return n;
}

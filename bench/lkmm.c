// SPDX-License-Identifier: GPL-2.0
/*
 * This build's LKMM twins (flagbench/lkmm-twins.h, generated from
 * bench/races/lkmm-verdicts.tsv for the variant's knobs), and what
 * describe says of them beside the expectations they must agree with.
 */
#include <stdio.h>
#include <string.h>
#include <flagbench/lkmm-twins.h>
#include "lkmm.h"
#include "race.h"

#define FB_LKMM_ENTRY(_s, _t, _v, _p, _n, _st, _hw, _herd, _lkmm, _k)        \
	{ .scenario = _s, .twin = _t, .verdict = _v, .positive = _p,          \
	  .negative = _n, .states = _st, .hardware = _hw, .herd7 = _herd,     \
	  .lkmm = _lkmm, .knobs = _k },

static const struct lkmm_twin lkmm_twins[] = {
	FB_LKMM_TWINS(FB_LKMM_ENTRY)
};

static const char *const lkmm_arches[] = { FB_LKMM_ARCHES };

const struct lkmm_twin *lkmm_twin_for(const char *scenario)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(lkmm_twins); i++)
		if (!strcmp(lkmm_twins[i].scenario, scenario))
			return &lkmm_twins[i];
	return NULL;
}

bool lkmm_hardware_permits(const struct lkmm_twin *t, const char *arch)
{
	size_t len = strlen(arch);
	const char *p = t->hardware;

	while (*p) {
		if (!strncmp(p, arch, len) && (p[len] == ',' || !p[len]))
			return true;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return false;
}

/*
 * describe's "lkmm": every twin of this build with herd7's counts, the
 * architectures whose hardware permits the outcome, and the expectation
 * the engine would check on each architecture (race_expectation(), the
 * one rule), so that a test can hold them against each other.
 */
json_t *lkmm_describe_json(void)
{
	json_t *out = json_array();
	size_t i, a;

	for (i = 0; i < ARRAY_SIZE(lkmm_twins); i++) {
		const struct lkmm_twin *t = &lkmm_twins[i];
		const struct race_scenario *s = race_scenario_find(t->scenario);
		json_t *hw = json_array(), *exp = json_object(), *j;

		for (a = 0; a < ARRAY_SIZE(lkmm_arches); a++) {
			if (lkmm_hardware_permits(t, lkmm_arches[a]))
				json_array_append_new(
					hw, json_string(lkmm_arches[a]));
			if (s)
				json_object_set_new(exp, lkmm_arches[a],
					json_string(expectation_name(
						race_expectation(s, lkmm_arches[a]))));
		}
		j = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:o, s:s, s:s, s:s, s:o}",
			      "scenario", t->scenario, "twin", t->twin,
			      "verdict", t->verdict, "scenario_registered",
			      s != NULL, "positive", (json_int_t)t->positive,
			      "negative", (json_int_t)t->negative, "states",
			      (json_int_t)t->states, "hardware", hw, "herd7",
			      t->herd7, "lkmm", t->lkmm, "knobs", t->knobs,
			      "expectations", exp);
		json_array_append_new(out, j);
	}
	return out;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Every counted assertion a scenario's outcome names is compiled into the
 * pre-fix build (every logic knob at its default): in a fixing build an
 * assertion with no site means the fix deleted it, and the outcome is
 * reported "structural"; here it can only mean a misspelt function or
 * condition, which would otherwise pass silently as a fix nobody made.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <flagbench/mmdebug.h>
#include <flagbench/variant.h>
#include "race.h"

/* The primitives' knobs change no kernel logic: any value is pre-fix. */
static bool pre_fix_build(void)
{
	for (unsigned int i = 0; i < this_variant.nr_knobs; i++) {
		const struct variant_knob *k = &this_variant.knobs[i];

		if (!strcmp(k->name, "bitops") || !strcmp(k->name, "arm64_atomics"))
			continue;
		if (strcmp(k->value, k->default_value))
			return false;
	}
	return true;
}

static void test_assertions_have_sites(void **state)
{
	const struct race_scenario *const *s;
	struct vm_bug_site *sites[64];
	unsigned int checked = 0, missing = 0;

	(void)state;
	if (!pre_fix_build())
		skip();
	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		for (unsigned int i = 0; i < (*s)->nr_outcomes; i++) {
			const struct race_outcome *o = &(*s)->outcomes[i];

			if (!o->assert_cond)
				continue;
			checked++;
			if (race_find_sites(o->assert_func, o->assert_cond, sites,
					    64) > 0)
				continue;
			fprintf(stderr, "%s: outcome %s counts the assertion (%s) in %s, which no site of this pre-fix build has\n",
				(*s)->name, o->name, o->assert_cond,
				o->assert_func ? o->assert_func : "any function");
			missing++;
		}
	}
	assert_int_equal(missing, 0);
	/* The seeds count two assertions: this test looked at them. */
	assert_true(checked >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_assertions_have_sites),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

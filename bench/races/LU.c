// SPDX-License-Identifier: GPL-2.0
/*
 * LU: lost update, a calibration shape, and seed 001 in its barest form.
 *
 *	P0				P1
 *	__clear_bit(1, &page->flags)	set_bit(7, &page->flags)
 *
 * exists (bit 7 clear at the end): the non-atomic read-modify-write read
 * the word before the atomic OR and wrote it back after, wiping the OR
 * (__ClearPageIsolated against SetPageWaiters, without the page lock
 * around it).  Observable on every architecture: x86's plain btr is a
 * load and a store to the cache, arm64 and POWER spell them out.
 */
#include <flagbench/bitops.h>
#include "race.h"

#define LU_RMW_BIT 1	/* PG_referenced in v6.1; any bit of the word */
#define LU_OR_BIT 7	/* PG_waiters's bit in v6.1 */

enum { LU_LOST, LU_KEPT };

static void lu_rmw(struct race_trial *t)
{
	__clear_bit(LU_RMW_BIT, &t->pages[0].flags);
}

static void lu_or(struct race_trial *t)
{
	set_bit(LU_OR_BIT, &t->pages[0].flags);
}

static void lu_reset(struct race_trial *t)
{
	t->pages[0].flags = 1UL << LU_RMW_BIT;
}

static unsigned int lu_check(struct race_trial *t)
{
	return RACE_CLASS(test_bit(LU_OR_BIT, &t->pages[0].flags) ? LU_KEPT :
								    LU_LOST);
}

static const struct race_outcome lu_outcomes[] = {
	[LU_LOST] = { .name = "or-lost", .bad = true,
		      .help = "the atomic OR was overwritten by the non-atomic RMW" },
	[LU_KEPT] = { .name = "or-kept", .help = "both updates survived" },
};

static const struct race_arch_expect lu_expect[] = {
	{ NULL, EXPECT_REPRODUCE },
};

static const struct race_scenario lu = {
	.name = "LU",
	.description = "a non-atomic __clear_bit racing an atomic set_bit on one word: the OR is lost, on every architecture",
	.roles = { { "__clear_bit", lu_rmw }, { "set_bit", lu_or } },
	.nr_roles = 2,
	.pages_per_trial = 1,
	.reset = lu_reset,
	.check = lu_check,
	.outcomes = lu_outcomes,
	.nr_outcomes = ARRAY_SIZE(lu_outcomes),
	.expect = lu_expect,
};
DEFINE_RACE_SCENARIO(lu);

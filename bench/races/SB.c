// SPDX-License-Identifier: GPL-2.0
/*
 * SB: store buffering, a calibration shape (herdtools7 naming).
 *
 *	P0			P1
 *	WRITE_ONCE(x, 1)	WRITE_ONCE(y, 1)
 *	r0 = READ_ONCE(y)	r1 = READ_ONCE(x)
 *
 * exists (r0 == 0 && r1 == 0): each load passes the other CPU's store in
 * its store buffer.  Allowed by x86-TSO, arm64 and POWER alike; on x86 it
 * is the one reordering there is, and shows often.
 */
#include <flagbench/compiler.h>
#include "race.h"

struct sb {
	unsigned long x __aligned(64);
	unsigned long y __aligned(64);
	unsigned long r0 __aligned(64);
	unsigned long r1;
};

enum { SB_BOTH_ZERO, SB_ONE_SAW, SB_BOTH_SAW };

static void sb_p0(struct race_trial *t)
{
	struct sb *d = t->data;

	WRITE_ONCE(d->x, 1);
	d->r0 = READ_ONCE(d->y);
}

static void sb_p1(struct race_trial *t)
{
	struct sb *d = t->data;

	WRITE_ONCE(d->y, 1);
	d->r1 = READ_ONCE(d->x);
}

static void sb_reset(struct race_trial *t)
{
	struct sb *d = t->data;

	d->x = d->y = 0;
	d->r0 = d->r1 = 2;
}

static unsigned int sb_check(struct race_trial *t)
{
	struct sb *d = t->data;

	return RACE_CLASS(d->r0 + d->r1 == 0 ? SB_BOTH_ZERO :
			  d->r0 + d->r1 == 1 ? SB_ONE_SAW : SB_BOTH_SAW);
}

static const struct race_outcome sb_outcomes[] = {
	[SB_BOTH_ZERO] = { .name = "r0=0,r1=0", .bad = true,
			   .help = "both loads passed the other side's store" },
	[SB_ONE_SAW] = { .name = "one-saw", .help = "one side ran first" },
	[SB_BOTH_SAW] = { .name = "r0=1,r1=1", .racy = true,
			  .help = "both stores before both loads: the roles overlapped" },
};

static const struct race_arch_expect sb_expect[] = {
	{ "x86_64", EXPECT_REPRODUCE },
	{ NULL, EXPECT_ALLOWED },
};

static const struct race_scenario sb = {
	.name = "SB",
	.description = "store buffering without barriers: r0=0,r1=0 is allowed everywhere and common on x86",
	.roles = { { "WRITE_ONCE(x)+READ_ONCE(y)", sb_p0 },
		   { "WRITE_ONCE(y)+READ_ONCE(x)", sb_p1 } },
	.nr_roles = 2,
	.trial_size = sizeof(struct sb),
	.reset = sb_reset,
	.check = sb_check,
	.outcomes = sb_outcomes,
	.nr_outcomes = ARRAY_SIZE(sb_outcomes),
	.expect = sb_expect,
};
DEFINE_RACE_SCENARIO(sb);

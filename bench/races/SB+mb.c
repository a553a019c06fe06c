// SPDX-License-Identifier: GPL-2.0
/*
 * SB+mb: store buffering with smp_mb() between store and load.
 *
 *	P0			P1
 *	WRITE_ONCE(x, 1)	WRITE_ONCE(y, 1)
 *	smp_mb()		smp_mb()
 *	r0 = READ_ONCE(y)	r1 = READ_ONCE(x)
 *
 * exists (r0 == 0 && r1 == 0) is forbidden on every architecture: the full
 * barrier drains the store buffer before the load (mfence or a locked op
 * on x86, dmb ish on arm64, sync on POWER).
 */
#include <flagbench/barrier.h>
#include "race.h"

struct sbmb {
	unsigned long x __aligned(64);
	unsigned long y __aligned(64);
	unsigned long r0 __aligned(64);
	unsigned long r1;
};

enum { SB_BOTH_ZERO, SB_ONE_SAW, SB_BOTH_SAW };

static void sbmb_p0(struct race_trial *t)
{
	struct sbmb *d = t->data;

	WRITE_ONCE(d->x, 1);
	smp_mb();
	d->r0 = READ_ONCE(d->y);
}

static void sbmb_p1(struct race_trial *t)
{
	struct sbmb *d = t->data;

	WRITE_ONCE(d->y, 1);
	smp_mb();
	d->r1 = READ_ONCE(d->x);
}

static void sbmb_reset(struct race_trial *t)
{
	struct sbmb *d = t->data;

	d->x = d->y = 0;
	d->r0 = d->r1 = 2;
}

static unsigned int sbmb_check(struct race_trial *t)
{
	struct sbmb *d = t->data;

	return RACE_CLASS(d->r0 + d->r1 == 0 ? SB_BOTH_ZERO :
			  d->r0 + d->r1 == 1 ? SB_ONE_SAW : SB_BOTH_SAW);
}

static const struct race_outcome sbmb_outcomes[] = {
	[SB_BOTH_ZERO] = { .name = "r0=0,r1=0", .bad = true,
			   .help = "both loads passed the other side's store" },
	[SB_ONE_SAW] = { .name = "one-saw", .help = "one side ran first" },
	[SB_BOTH_SAW] = { .name = "r0=1,r1=1", .racy = true,
			  .help = "both stores before both loads: the roles overlapped" },
};

static const struct race_arch_expect sbmb_expect[] = {
	{ NULL, EXPECT_FORBIDDEN },
};

static const struct race_scenario sbmb = {
	.name = "SB+mb",
	.description = "store buffering with smp_mb(): r0=0,r1=0 is forbidden everywhere",
	.roles = { { "WRITE_ONCE(x)+smp_mb+READ_ONCE(y)", sbmb_p0 },
		   { "WRITE_ONCE(y)+smp_mb+READ_ONCE(x)", sbmb_p1 } },
	.nr_roles = 2,
	.trial_size = sizeof(struct sbmb),
	.reset = sbmb_reset,
	.check = sbmb_check,
	.outcomes = sbmb_outcomes,
	.nr_outcomes = ARRAY_SIZE(sbmb_outcomes),
	.expect = sbmb_expect,
};
DEFINE_RACE_SCENARIO(sbmb);

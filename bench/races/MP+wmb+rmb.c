// SPDX-License-Identifier: GPL-2.0
/*
 * MP+wmb+rmb: message passing with smp_wmb() and smp_rmb().
 *
 *	P0			P1
 *	WRITE_ONCE(x, 1)	r0 = READ_ONCE(y)
 *	smp_wmb()		smp_rmb()
 *	WRITE_ONCE(y, 1)	r1 = READ_ONCE(x)
 *
 * exists (r0 == 1 && r1 == 0) is forbidden on every architecture: the
 * pairing seed 004 adds between slab allocation/freeing and
 * isolate_movable_page() (dmb ishst/ishld on arm64, lwsync on POWER,
 * compiler barriers on x86).
 */
#include <flagbench/barrier.h>
#include "race.h"

struct mpwr {
	unsigned long x __aligned(64);
	unsigned long y __aligned(64);
	unsigned long r0 __aligned(64);
	unsigned long r1;
};

enum { MP_FLAG_NO_DATA, MP_BOTH, MP_NEITHER, MP_DATA_NO_FLAG };

static void mpwr_p0(struct race_trial *t)
{
	struct mpwr *d = t->data;

	WRITE_ONCE(d->x, 1);
	smp_wmb();
	WRITE_ONCE(d->y, 1);
}

static void mpwr_p1(struct race_trial *t)
{
	struct mpwr *d = t->data;

	d->r0 = READ_ONCE(d->y);
	smp_rmb();
	d->r1 = READ_ONCE(d->x);
}

static void mpwr_reset(struct race_trial *t)
{
	struct mpwr *d = t->data;

	d->x = d->y = 0;
	d->r0 = d->r1 = 2;
}

static unsigned int mpwr_check(struct race_trial *t)
{
	struct mpwr *d = t->data;

	if (d->r0 == 1)
		return RACE_CLASS(d->r1 ? MP_BOTH : MP_FLAG_NO_DATA);
	return RACE_CLASS(d->r1 ? MP_DATA_NO_FLAG : MP_NEITHER);
}

static const struct race_outcome mpwr_outcomes[] = {
	[MP_FLAG_NO_DATA] = { .name = "r0=1,r1=0", .bad = true,
			      .help = "the flag was seen before the data" },
	[MP_BOTH] = { .name = "r0=1,r1=1", .help = "P0 ran first" },
	[MP_NEITHER] = { .name = "r0=0,r1=0", .help = "P1 ran first" },
	[MP_DATA_NO_FLAG] = { .name = "r0=0,r1=1", .racy = true,
			      .help = "P1's loads straddled P0's stores: the roles overlapped" },
};

static const struct race_arch_expect mpwr_expect[] = {
	{ NULL, EXPECT_FORBIDDEN },
};

static const struct race_scenario mpwr = {
	.name = "MP+wmb+rmb",
	.description = "message passing with smp_wmb/smp_rmb: r0=1,r1=0 is forbidden everywhere",
	.roles = { { "WRITE_ONCE(x)+smp_wmb+WRITE_ONCE(y)", mpwr_p0 },
		   { "READ_ONCE(y)+smp_rmb+READ_ONCE(x)", mpwr_p1 } },
	.nr_roles = 2,
	.trial_size = sizeof(struct mpwr),
	.reset = mpwr_reset,
	.check = mpwr_check,
	.outcomes = mpwr_outcomes,
	.nr_outcomes = ARRAY_SIZE(mpwr_outcomes),
	.expect = mpwr_expect,
};
DEFINE_RACE_SCENARIO(mpwr);

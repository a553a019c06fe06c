// SPDX-License-Identifier: GPL-2.0
/*
 * MP: message passing without barriers, a calibration shape.
 *
 *	P0			P1
 *	WRITE_ONCE(x, 1)	r0 = READ_ONCE(y)
 *	WRITE_ONCE(y, 1)	r1 = READ_ONCE(x)
 *
 * exists (r0 == 1 && r1 == 0): the flag seen before the data.  x86-TSO
 * keeps stores in order and loads in order, so it never shows on x86
 * hardware; arm64 and POWER allow it (smp_wmb/smp_rmb, MP+wmb+rmb, are
 * what forbids it there: seed 004's barriers are this shape).
 */
#include <flagbench/compiler.h>
#include "race.h"

struct mp {
	unsigned long x __aligned(64);
	unsigned long y __aligned(64);
	unsigned long r0 __aligned(64);
	unsigned long r1;
};

enum { MP_FLAG_NO_DATA, MP_BOTH, MP_NEITHER, MP_DATA_NO_FLAG };

static void mp_p0(struct race_trial *t)
{
	struct mp *d = t->data;

	WRITE_ONCE(d->x, 1);
	WRITE_ONCE(d->y, 1);
}

static void mp_p1(struct race_trial *t)
{
	struct mp *d = t->data;

	d->r0 = READ_ONCE(d->y);
	d->r1 = READ_ONCE(d->x);
}

static void mp_reset(struct race_trial *t)
{
	struct mp *d = t->data;

	d->x = d->y = 0;
	d->r0 = d->r1 = 2;
}

static unsigned int mp_check(struct race_trial *t)
{
	struct mp *d = t->data;

	if (d->r0 == 1)
		return RACE_CLASS(d->r1 ? MP_BOTH : MP_FLAG_NO_DATA);
	return RACE_CLASS(d->r1 ? MP_DATA_NO_FLAG : MP_NEITHER);
}

static const struct race_outcome mp_outcomes[] = {
	[MP_FLAG_NO_DATA] = { .name = "r0=1,r1=0", .bad = true,
			      .help = "the flag was seen before the data" },
	[MP_BOTH] = { .name = "r0=1,r1=1", .help = "P0 ran first" },
	[MP_NEITHER] = { .name = "r0=0,r1=0", .help = "P1 ran first" },
	[MP_DATA_NO_FLAG] = { .name = "r0=0,r1=1", .racy = true,
			      .help = "P1's loads straddled P0's stores: the roles overlapped" },
};

static const struct race_arch_expect mp_expect[] = {
	{ "x86_64", EXPECT_FORBIDDEN },
	{ NULL, EXPECT_ALLOWED },
};

static const struct race_scenario mp = {
	.name = "MP",
	.description = "message passing without barriers: r0=1,r1=0 never shows on x86 hardware, allowed on arm64 and POWER",
	.roles = { { "WRITE_ONCE(x)+WRITE_ONCE(y)", mp_p0 },
		   { "READ_ONCE(y)+READ_ONCE(x)", mp_p1 } },
	.nr_roles = 2,
	.trial_size = sizeof(struct mp),
	.reset = mp_reset,
	.check = mp_check,
	.outcomes = mp_outcomes,
	.nr_outcomes = ARRAY_SIZE(mp_outcomes),
	.expect = mp_expect,
};
DEFINE_RACE_SCENARIO(mp);

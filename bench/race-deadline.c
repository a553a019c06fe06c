// SPDX-License-Identifier: GPL-2.0
/* The adaptive deadline of sleeping roles: see race-deadline.h. */
#include <string.h>
#include "race-deadline.h"

void race_deadline_init(struct race_deadline *d, bool adaptive,
			uint64_t floor_ns, uint64_t max_ns)
{
	memset(d, 0, sizeof(*d));
	d->adaptive = adaptive;
	d->max_ns = max_ns;
	d->floor_ns = floor_ns < max_ns ? floor_ns : max_ns;
	d->ns = d->lo_ns = d->hi_ns = max_ns;
}

/* The upper edge of the bucket holding the RACE_DEADLINE_PERCENTILE-th. */
static uint64_t percentile(const struct race_deadline *d)
{
	uint64_t want = d->samples -
			d->samples * (100 - RACE_DEADLINE_PERCENTILE) / 100, sum = 0;
	int b;

	for (b = 0; b < RACE_WAKE_BUCKETS - 1; b++) {
		sum += d->hist[b];
		if (sum >= want)
			break;
	}
	return (uint64_t)exp2((b + 1) / 4.0);
}

void race_deadline_merge(struct race_deadline *d, struct race_wake_tally *t)
{
	uint64_t ns;
	int b;

	for (b = 0; b < RACE_WAKE_BUCKETS; b++) {
		d->hist[b] += t->hist[b];
		d->samples += t->hist[b];
	}
	memset(t, 0, sizeof(*t));
	if (d->samples < RACE_DEADLINE_MIN_SAMPLES)
		return;
	d->pctl_ns = percentile(d);
	if (!d->adaptive)
		return;
	ns = RACE_DEADLINE_FACTOR * d->pctl_ns;
	if (ns < d->floor_ns)
		ns = d->floor_ns;
	if (ns > d->max_ns)
		ns = d->max_ns;
	d->ns = ns;
	if (ns < d->lo_ns)
		d->lo_ns = ns;
	if (ns > d->hi_ns)
		d->hi_ns = ns;
}

/* The JSON key, the rule below, race --help and the README name them. */
_Static_assert(RACE_DEADLINE_FACTOR == 8 && RACE_DEADLINE_PERCENTILE == 95,
	       "update waker_p95_ns and the rule's words with the constants");

json_t *race_deadline_json(const struct race_deadline *d)
{
	return json_pack("{s:b, s:I, s:I, s:I, s:[I,I], s:I, s:I, s:s}",
			 "adaptive", d->adaptive, "ns", (json_int_t)d->ns,
			 "floor_ns", (json_int_t)d->floor_ns, "max_ns",
			 (json_int_t)d->max_ns, "range_ns",
			 (json_int_t)d->lo_ns, (json_int_t)d->hi_ns,
			 "waker_samples", (json_int_t)d->samples,
			 "waker_p95_ns", (json_int_t)d->pctl_ns, "rule",
			 "8 x the 95th percentile of the wakers' time in woken (racy) trials, from the sleeper's start until every other role returned, within [floor_ns, max_ns]; max_ns until 32 were seen");
}

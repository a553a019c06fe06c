// SPDX-License-Identifier: GPL-2.0
/*
 * How long a slot is (race-run.h race_slots_adapt()): after each slotted
 * batch the leader widens or narrows the period between trials, from how
 * many came late and the slowest role's median trial.  The measurement
 * adapts its period so, and the witness pass its own: the tracepoints make
 * every role slower, and a slot sized for the measurement leaves nearly
 * every traced trial late, run wherever it happens to start.
 */
#include "race-run.h"

static uint64_t ticks(const struct race_run *r, double ns)
{
	double t = ns / r->ns_per_tick;

	return t < 1 ? 1 : (uint64_t)t;
}

void race_slots_adapt(struct race_run *r, uint64_t *period, unsigned long n,
		      unsigned long late, uint64_t busy)
{
	/*
	 * A slot is the slowest role's median trial and a half: the median,
	 * not the mean, so that a preempted role (a shared machine) or a
	 * missed deadline does not stretch every later slot.  Offsets are
	 * not in it: each trial's slot grows by its own.
	 */
	if (r->anchored) {
		/*
		 * Anchored slots start after every role returned: the
		 * period is only the time for the last role's "done" to
		 * reach the others.  Widen while a quarter are late, narrow
		 * while almost none are.
		 */
		if (n >= 16 && late * 4 > n && *period < ticks(r, 5000))
			*period += *period / 2 + 1;
		else if (n >= 16 && late * 32 < n && *period > ticks(r, 50))
			*period -= *period / 8;
		goto out;
	}
	if (n >= 16 && busy)
		*period = (3 * *period + busy + busy / 2) / 4 + 1;
	/*
	 * The loop's own cost is not in busy: most slots late, widen, but
	 * never past four medians (or 250 ns, the loop's own counter reads
	 * when a role is only a few instructions long): lateness from
	 * preemption (more threads than CPUs) is not cured by waiting
	 * longer, and must not grow the period without bound.
	 */
	if (n >= 16 && late * 4 > n &&
	    (*period < 4 * busy || *period < ticks(r, 250)))
		*period += *period / 2 + 1;
out:
	if (*period > r->max_period)
		*period = r->max_period;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The race engine: runs a scenario's roles on pinned CPUs, trial after
 * trial, and counts what the checker sees.  See race.h for a scenario's
 * side of the contract and bench/races/README.md for the parameters.
 *
 * The one map of the engine, split by concern as litmus7's run-time is
 * (the other files' headers point here):
 *
 *   race-registry.c  the scenarios, their expectations, assertion sites
 *   race-place.c     which CPUs: race_plan() and race_run(), one
 *                    race_run_one() per set of CPUs
 *   race-run.c       one run: allocation, site resolution, threads, result
 *   race-thread.c    a role's thread: barrier, slots and offsets, the
 *                    batch loop (its header says how roles are aligned),
 *                    a shape's packed batch (race.h, race_packed)
 *   race-check.c     classification: the checker's mask of classes, the
 *                    window map's tally, the median trial; a packed
 *                    batch's runs
 *   race-leader.c    the leader between batches: sum, adapt, aim
 *   race-collect.c   a finished run as its typed result (race-result.h)
 *   race-window.c    the window map and the aim
 *   race-deadline.c  sleeping roles' adaptive deadline
 *   race-witness.c   the witness pass
 *   cycles.c         the counter;  results.c  verdicts and intervals
 *
 * race-run.h holds the structures they share.  This file: the parameters'
 * defaults and names.
 */
#include <string.h>
#include "race-deadline.h"
#include "race.h"

const char *race_order_name(int order)
{
	switch (order) {
	case RACE_SERIALISED:
		return "serialised";
	case RACE_SERIALISED_REVERSE:
		return "serialised-reverse";
	default:
		return "interleaved";
	}
}

void race_params_default(struct race_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seconds = 1;
	p->jitter = -1;
	p->aim = true;
	p->deadline_ns = 200 * 1000;
	p->deadline_floor_ns = RACE_DEADLINE_FLOOR_NS;
	p->adaptive_deadline = true;
	p->batch = 1024;
	p->witness_seconds = 0.5;
	p->irq_ns = RACE_IRQ_DEFAULT_NS;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The witness pass: after a run's measurement, the same run goes on with
 * its roles' tracepoints on (core/include/flagbench/trace.h), aimed where
 * the measurement found the window, until it holds up to K trials of
 * each bad outcome class it saw (or, when it saw none, of each window
 * class: a fix's closest approach), or its time budget ends.  Nothing it
 * runs is counted: the rates are the measurement's alone.
 */
#ifndef FLAGBENCH_BENCH_RACE_WITNESS_H
#define FLAGBENCH_BENCH_RACE_WITNESS_H

#include <pthread.h>
#include <stdbool.h>
#include "race-result.h"

/* Events per role and trial: a trial's story fits in a mail. */
#define RACE_WITNESS_EVENTS 24

struct race_run;

struct race_witnesses {
	unsigned int want;		/* per class */
	unsigned int mask;		/* the classes witnessed */
	bool closest;			/* no bad seen: window classes */
	bool untraced;			/* a trial of it recorded nothing */
	unsigned int got[32];
	uint64_t end_ns;		/* the pass's budget, in ktime */
	uint64_t period;		/* its slots' (race-leader.c) */
	uint64_t start_ns;
	unsigned long trials;		/* run with tracepoints on */
	struct fb_trace *traces;	/* [trial * nr_roles + role] */
	struct fb_trace_event *ev;
	pthread_mutex_t lock;
	int nr;
	struct race_witness *w;
	double skew_ns, resolution_ns;
};

/*
 * Buffers for the pass, when @r's parameters ask for it, and the skew of
 * the counters of @cpus and their resolution: 0 or -1.
 */
int race_witness_alloc(struct race_run *r, const int *cpus);
/* Measurement over: pick the classes; false when there is none to show. */
bool race_witness_begin(struct race_run *r);
/* Trial @i of the batch showed @seen (a mask of classes) at @offset ns. */
void race_witness_note(struct race_run *r, unsigned long i, unsigned int seen,
		       double offset);
/* Every class has its K, or the budget is spent. */
bool race_witness_done(struct race_run *r);
/* Hand the witnesses to the typed result (which then owns them). */
void race_witness_move(struct race_run *r, struct race_result *res);
void race_witness_free(struct race_run *r);

#endif /* FLAGBENCH_BENCH_RACE_WITNESS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One race result, typed: what a scenario's run on one CPU pair found and
 * what it is worth.  The engine fills it from its counters and renders it
 * (the terminal, races.json); the report tool reads races.json back into
 * the same struct, checks every stored word against the rules, and its
 * summary, page and gate render it.  JSON exists only at the file
 * boundary: race_result_to_json() writes it, race_result_from_json()
 * reads and validates it; nothing else looks a key up.
 *
 * Linked into every flagbench-<variant> and into flagbench-report, like
 * results.c, whose rules decide the verdict (res_race_decide()).
 */
#ifndef FLAGBENCH_BENCH_RACE_RESULT_H
#define FLAGBENCH_BENCH_RACE_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "results.h"

#define RACE_RESULT_FORMAT "flagbench-race"
/* 2: exposure (reached, needed, reference), structural and sequential. */
#define RACE_RESULT_VERSION 2
#define RACE_RESULT_MAX_ROLES 3
#define RACE_RESULT_MAX_NAME 128	/* bytes of a name */

struct race_result_outcome {
	char *name;
	char *help;
	bool bad;
	/* Seen only when the roles met: marks the window (reached_trials). */
	bool racy;
	char *structural;	/* why this build cannot produce it, or NULL */
	char *sequential;	/* why it needs no race in this build, or NULL */
	double count;
};

struct race_result_assertion {
	char *macro, *cond, *func, *file;
	int line;
	double hits;
};

/* What an event's value is (trace.h's kinds), and so how it reads. */
enum race_value {
	RACE_VALUE_NONE,	/* a step */
	RACE_VALUE_WORD,	/* a word read or written: hex */
	RACE_VALUE_COUNT,	/* a count: signed decimal */
	RACE_VALUE_TEST,	/* a test's result: true or false */
};

/* One event of a witnessed trial: a role's step, when, and what it saw. */
struct race_event {
	int role;		/* index into roles[] */
	char *name;		/* "SetPageWaiters", "__ClearPageIsolated" */
	double ns;		/* from the trial's first event */
	enum race_value kind;
	unsigned long value;	/* the word, count or result seen there */
};

/*
 * How one trial happened: its events in time order.  A bad trial
 * witnesses its outcome; in a fix build, a trial in the reference's
 * window ("closest approach") shows why the bad outcome did not follow.
 */
struct race_witness {
	char *outcome;		/* the bad class, or the window class reached */
	bool closest;
	double offset_ns;	/* the trial's measured offset */
	int nr;
	struct race_event *ev;
};

/* The pre-fix build's result a zero is sized by (res_race_counts). */
struct race_result_ref {
	char *variant;
	double bad, reached;
};

struct race_result {
	char *scenario, *variant, *arch, *seed, *pair_class, *order;
	int nr_roles;
	int cpus[RACE_RESULT_MAX_ROLES];
	char *roles[RACE_RESULT_MAX_ROLES];
	double trials, seconds;
	/*
	 * Of @seconds, those it ran on past its planned seconds for a
	 * forbidden zero's reached trials (race_params.extend_seconds).
	 */
	double extended_seconds;
	double reached;		/* trials with a racy or bad outcome */
	double bad;		/* bad_trials: THE bad count (results.h) */
	enum expectation expect;
	int nr_outcomes;
	struct race_result_outcome *o;
	int nr_assertions;
	struct race_result_assertion *a;
	/* window.bins: ascending, on the one offset table (race-window.h) */
	int nr_bins;
	struct res_bin *bins;
	/* Per bin, shown and never compared: racy trials, aimed trials. */
	double (*bin_seen)[2];
	char *plan;		/* window.summary: the sampling plan, in words */
	char *lkmm_verdict, *lkmm_twin;	/* herd7's word and file, or NULL */
	/*
	 * The machine's state: one-way cache-line transfer time between the
	 * first two roles' CPUs, measured just before the run (pingpong.h);
	 * NAN when not measured.
	 */
	double xcpu_ns;
	int jitter_spins;	/* --jitter MAX, 0: aimed */
	char *counter;		/* the cycle counter slots were timed with */
	double ticks_per_ns, period_ns, late_fraction;
	bool has_ref;
	struct race_result_ref ref;
	/* Decided by race_result_decide(), from everything above. */
	struct res_race_decision d;
	/*
	 * What the zero is worth where the reference hit (res_at_window()):
	 * at_variant NULL when the reference has no such bins.  Set with
	 * the reference, by race_result_set_ref().
	 */
	const char *at_variant;
	struct res_at_window at;
	/*
	 * The witness pass (race --witness K): a few trials' timelines,
	 * with the counter's resolution and the measured clock skew between
	 * the CPUs; events of two roles closer than both together are
	 * unordered (race_witness_apart()).
	 */
	int nr_witnesses;
	struct race_witness *w;
	double skew_ns, resolution_ns;
	/* The pass's trials and seconds (0: no pass), kept witnesses or not. */
	double witness_trials, witness_seconds;
	/* `race --pairs each`: the ordered CPU pair and its class. */
	bool has_pair;
	int pair_cpus[2];
	char *pair_of;		/* the pair's class, as pair_class */
	/*
	 * The engine's detail that no rule reads (the window map's plan and
	 * per-class bins, the deadline), carried as written; NULL if absent.
	 */
	json_t *window, *deadline;
};

/* Every bad outcome cannot be produced by this build. */
bool race_result_structural(const struct race_result *r);
/* The first bad outcome's reason to need no race here, or NULL. */
const char *race_result_sequential(const struct race_result *r);

/* r->d from r's counts, expectation, claims and reference. */
void race_result_decide(struct race_result *r);

/*
 * The reference for @r among @n results: another variant's result of the
 * same scenario and pair class that saw bad trials in reached ones, its
 * outcome a race (not sequential), the most bad trials; NULL if none.
 */
const struct race_result *race_result_pick_ref(const struct race_result *r,
					       const struct race_result *c,
					       int n);
/* The same for a run not made yet: @variant's @scenario on @pair_class. */
const struct race_result *race_result_pick_ref_for(const char *variant,
						   const char *scenario,
						   const char *pair_class,
						   const struct race_result *c,
						   int n);
/* The reached trials @ref says a zero needs (res_race_need()). */
double race_result_need(const struct race_result *ref);
/* Size @r's zero by @ref (NULL: none), then decide again. */
void race_result_set_ref(struct race_result *r, const struct race_result *ref);

/*
 * Two results' machine states differ when their cross-CPU latencies are
 * more than RACE_STATE_RATIO apart: their rates are then not comparable
 * as measurements of the code alone.  The ratio, >= 1 (NAN: unknown).
 */
#define RACE_STATE_RATIO 2.0
double race_result_state_ratio(const struct race_result *a,
			       const struct race_result *b);

/* The one-line message: counts, both bounds, exposure, verdict. */
void race_result_message(const struct race_result *r, char *buf, size_t len);
/* "PASS (exposed: 93,434 reached >= 10 needed)": the verdict and its worth. */
void race_result_worth(const struct race_result *r, char *buf, size_t len);

/* ---- a witness, as a timeline (race-timeline.c) ---- */

/*
 * How far apart two roles' events must be to be ordered by their stamps:
 * the counters' measured skew plus their resolution.
 */
double race_witness_apart(const struct race_result *r);
/*
 * Event @i of @w is not ordered by its stamp with some event of another
 * role: one lies within race_witness_apart() of it, before or after.
 * The one rule the terminal, summary.txt and the page mark "~" by.
 */
bool race_witness_unordered(const struct race_result *r,
			    const struct race_witness *w, int i);
/*
 * @e's label: its name, and its value where it has one, as its kind
 * reads ("SetPageWaiters 0x40081", "put_page 0", "PageSlab true").
 */
void race_event_label(const struct race_event *e, char *buf, size_t len);
/*
 * Why @r, which saw bad or window trials, shows no witness: the pass's
 * trials in which none came again ("no witness: none came again in 70432
 * traced trials, 0.5 s").  False when it has witnesses or saw nothing.
 */
bool race_witness_missing(const struct race_result *r, char *buf, size_t len);
/*
 * @w as a timeline people paste into a mail, @width columns at most: one
 * lane per role, ns from the trial's first event, each event's label in
 * its role's lane (a label longer than its lane runs on over the empty
 * lanes to its right); "~" marks the unordered.
 */
void race_witness_print(FILE *f, const struct race_result *r,
			const struct race_witness *w, int width);

json_t *race_result_to_json(const struct race_result *r);
/*
 * Read and check one element of races.json "results": every count in
 * range, the stored observation, exposure, needed and verdict equal to
 * what the rules give (else the file is refused).  0, or -1 with one line
 * in @err; @r is then half filled: race_result_free() it.
 */
int race_result_from_json(json_t *j, struct race_result *r, char *err,
			  size_t errlen);
void race_result_free(struct race_result *r);
/* @n results, @r itself included. */
void race_result_array_free(struct race_result *r, int n);
/* @n witnesses and their events, @w itself included. */
void race_witnesses_free(struct race_witness *w, int n);
/* r->bins from r->window, which the engine wrote (race-collect.c). */
void race_result_bins_from_window(struct race_result *r);

/* A growing list of results, as a run produces them. */
struct race_results {
	int nr, cap;
	struct race_result *r;
};
/* A new zeroed result at the end, or NULL (out of memory). */
struct race_result *race_results_add(struct race_results *rs);
void race_results_free(struct race_results *rs);

/*
 * A races.json document: its results and the worst verdict over them.
 * race_file_read() checks the format, the version and the stored overall
 * verdict against the rows.
 */
struct race_file {
	char *variant, *arch;
	bool emulated;
	int nr;
	struct race_result *r;
	enum res_verdict verdict;
	json_t *topology, *skipped;	/* carried as written */
};
enum res_verdict race_results_worst(const struct race_result *r, int n);
int race_file_from_json(json_t *j, struct race_file *f, char *err,
			size_t errlen);
void race_file_free(struct race_file *f);

#endif /* FLAGBENCH_BENCH_RACE_RESULT_H */

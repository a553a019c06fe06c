/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flagbench-report: reads result bundles (reports/FORMAT.md) and turns them
 * into charts, pages, summaries and gate verdicts.  It never runs a
 * benchmark: data flows bundle -> scripts/, one way.
 *
 * Exit status everywhere: 0 pass, 1 fail, 2 error or undecidable.
 */
#ifndef FLAGBENCH_REPORT_H
#define FLAGBENCH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "cli.h"
#include "race-result.h"
#include "text.h"
#include "results.h"

#define BUNDLE_FORMAT "flagbench-bundle"
/*
 * 2: verdicts rest on exposure (races.json version 2) and code.json parts
 * carry layouts (version 2).  Version 1 bundles are read too: the reader
 * decides by each part's own version, and a version 1 bundle whose
 * races.json is version 1 is refused by that part's line.
 */
#define BUNDLE_VERSION 2
#define BUNDLE_VERSION_TEXT "2"
#define BUNDLE_VERSION_MIN 1

/* Verdicts are results.h's enum res_verdict: one vocabulary. */

/* ---- stats.c ---- */
double stat_mean(const double *x, int n);
double stat_median(const double *x, int n);
double stat_stddev(const double *x, int n);	/* sample (n-1); 0 if n < 2 */
/* ---- load.c, parts.c, bundle.c ---- */
/*
 * What a bundle may hold, generous for real runs (a --full run has 40
 * rounds, a few hundred benchmarks, 240 CPU pairs per scenario): a bundle
 * past any of them is refused, so that no crafted count can size an array
 * or a quadratic loop (the Hodges-Lehmann estimate is n^2 in the rounds).
 */
#define FB_MAX_THREADS (1 << 20)	/* more threads than any machine runs */
#define FB_MAX_CPU (1 << 20)		/* a CPU number of a pair */
#define FB_MAX_VARIANTS 32
#define FB_MAX_ROUND 1000		/* flagbench_round: 1..N */
#define FB_MAX_SAMPLES 1000		/* samples of one benchmark */
#define FB_MAX_BENCHMARKS 2048		/* benchmarks of one throughput part */
#define FB_MAX_ENTRIES 100000		/* entries of one throughput part */
#define FB_MAX_RESULTS 4096		/* results of one race part */
#define FB_MAX_SCENARIOS 256		/* scenarios of one bundle */
#define FB_MAX_OUTCOMES 64		/* outcome classes of one result */
#define FB_MAX_BINS 256			/* window bins of one result (62 real) */
#define FB_MAX_NAME 128			/* bytes of a name */
/*
 * Bytes of all parts of one bundle.  A throughput part at FB_MAX_SAMPLES
 * samples of 66 benchmarks is about 17 MB, 540 MB for FB_MAX_VARIANTS;
 * parts are read one at a time (168 MB of them: 9.5 s, 93 MB resident).
 */
#define FB_CAP_BUNDLE (1024u << 20)

/* Size caps per kind of file read (bytes); the largest real ones are 1 MB. */
#define FB_CAP_INDEX (8u << 20)		/* bundle.json */
#define FB_CAP_PART (64u << 20)		/* a part's JSON */
#define FB_CAP_PICTURE (16u << 20)	/* machine/topology.svg, .png */
#define FB_CAP_TEXT (16u << 20)		/* CSS, lscpu -J, CMake's files */

struct tp_bench {
	char *name;		/* run_name: "bitops/clear_bit", ".../threads:2" */
	char *family;		/* name without "/threads:N" */
	int threads;
	int nreps;		/* iteration samples (repetitions) */
	double *ns;		/* ns_per_op per repetition */
	int *round;		/* run-bench round of each sample; -1: none */
	double *ops;		/* ops_per_s per repetition (total) */
	double mean, median, stddev;	/* of ns */
	double ops_median;
	double cycles, instructions, cache_misses;	/* per op; NAN if absent */
	bool aggregate_only;	/* no per-repetition samples in the file */
};

struct tp_run {
	char *placement;
	bool perf_supported;
	char *perf_reason;
	int nr;
	struct tp_bench *b;
	json_t *index;			/* name -> index in b */
};

struct variant_data {
	char *name;
	json_t *describe;		/* NULL if missing */
	json_t *code;			/* code.json "benchmarks": family -> hash */
	json_t *code_races;		/* code.json "races": scenario -> hash */
	json_t *code_layout;		/* code.json "layout": family -> hash */
	json_t *code_race_layout;	/* code.json "race_layout" */
	struct tp_run *tp;		/* NULL if missing/failed */
	int nr_races;
	struct race_result *races;	/* per scenario x pair class */
	json_t *by_scenario;		/* scenario -> index of its last result */
	bool races_present;
	enum res_verdict race_verdict;	/* races.json's, checked against its rows */
};

struct bundle {
	char *dir;
	char *id;			/* directory's base name */
	int dirfd;			/* the bundle's directory, open */
	size_t bytes;			/* read from it so far */
	json_t *j;			/* bundle.json, its text cleaned */
	const char *arch, *cpu_model, *started, *profile;
	bool emulated, complete;
	/* From the rows (bundle_compute_verdict()): the one every view shows. */
	enum res_verdict verdict;
	int nr_variants;
	struct variant_data *v;
};

/*
 * Load @dir; NULL and one line in @err on failure.  A bundle whose stored
 * "verdict" disagrees with the one its rows give is refused, as is any
 * name with control characters or bidi overrides.
 */
struct bundle *bundle_load(const char *dir, char *err, size_t errlen);
/* The same, the stored verdict unread: for the gate and `bundle finish`. */
struct bundle *bundle_load_rows(const char *dir, char *err, size_t errlen);
/* @dir already open as @fd (a history directory's entry), taken over. */
struct bundle *bundle_load_fd(int fd, const char *dir, char *err,
			      size_t errlen);
/* The steps: the tree checked and bundle.json read (@fd taken over)... */
struct bundle *bundle_open(int fd, const char *dir, char *err, size_t errlen);
/* ...and one part of @v, @file relative to the bundle. */
int bundle_load_part(struct bundle *b, struct variant_data *v,
		     const char *kind, const char *file, char *err,
		     size_t errlen);
/* bundle.json's shape (format, version, machine, variants, kinds, parts). */
int bundle_json_check(json_t *j, const char *dir, char *err, size_t errlen);
/* @dir/bundle.json, read as a bundle's files are and its shape checked. */
json_t *bundle_index_read(const char *dir, char *err, size_t errlen);
void bundle_free(struct bundle *b);
struct variant_data *bundle_variant(struct bundle *b, const char *name);
struct tp_bench *tp_find(struct tp_run *r, const char *name);
/* parts.c: a throughput and a race part, parsed and range-checked. */
struct tp_run *tp_parse(json_t *j, char *err, size_t errlen);
void tp_free(struct tp_run *r);
int races_parse(json_t *j, struct variant_data *v, char *err, size_t errlen);
/* The last result of @scenario in @v, or NULL (an index, not a scan). */
struct race_result *race_last(struct variant_data *v, const char *scenario);
/* A JSON value as its text, for messages: "1" stays "1", not 0. */
const char *json_text(json_t *v, char *buf, size_t len);
/* "x86_64", or "aarch64 (emulated)" */
const char *bundle_arch_label(const struct bundle *b, char *buf, size_t len);
/* Worst race verdict over variants; RES_INCOMPLETE if !complete and no FAIL. */
enum res_verdict bundle_compute_verdict(struct bundle *b);
/* ---- validate.c ---- */
/*
 * A name (variant, scenario, pair class, outcome, benchmark): 1 to
 * FB_MAX_NAME bytes with no control character (C0, DEL, C1) and no bidi
 * override or isolate, which would print as something else.
 */
bool name_ok(const char *s);
/* printable(), text_clean(): text.h, shared with the engine's reader. */
/* text_clean() on every string value of @j (keys are never printed). */
void json_clean_strings(json_t *j);
/* A count: a whole number in [0, 2^53], which a double holds exactly. */
bool is_count(double v);
/* The invariants of a loaded part / bundle: 0, or -1 with one line in @err. */
int part_validate(const struct variant_data *v, const char *kind, char *err,
		  size_t len);
/* vsnprintf into @err; -1, for `return seterr(...)`. */
int seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* describe, race, throughput, code: the kinds a bundle's parts have. */
bool bundle_part_kind_known(const char *kind);
/* The part of @variant of @kind in a bundle.json's "parts", or NULL. */
json_t *bundle_find_part(json_t *parts, const char *variant, const char *kind);
int bundle_validate(const struct bundle *b, char *err, size_t len);
/* A part's file name: relative, no "..": never read outside the bundle. */
bool bundle_path_inside(const char *file);
/* `flagbench-report bundle ...`: init, part, finish. */
int cmd_bundle(int argc, char **argv);

/* ---- gate.c ---- */
int cmd_gate(int argc, char **argv);
/* lockstep.c: the turn-taker of a throughput round (run-bench). */
int cmd_lockstep(int argc, char **argv);

/* ---- safe-io.c: every read and write (see there) ---- */
struct sio_dir {
	int fd;
	char path[4096];	/* for messages */
};
/* The directory the user named, made with its parents if @create. */
int sio_dir_open(struct sio_dir *d, const char *path, bool create);
/* @rel below @parent, no component a link; missing ones made if @create. */
int sio_dir_sub(struct sio_dir *d, const struct sio_dir *parent,
		const char *rel, bool create);
void sio_dir_close(struct sio_dir *d);
/* A regular file @rel below @dirfd, at most @cap bytes, NUL-terminated. */
char *sio_read_at(int dirfd, const char *rel, size_t cap, size_t *len,
		  char *err, size_t errlen);
/* A file the user named (the last component must not be a link). */
char *sio_read_path(const char *path, size_t cap, size_t *len, char *err,
		    size_t errlen);
/* @buf as JSON, duplicate keys refused; the error never quotes the text. */
json_t *sio_parse_json(const char *buf, size_t len, char *err, size_t errlen);
/* sio_read_path() and sio_parse_json(). */
json_t *sio_load_json_path(const char *path, size_t cap, char *err,
			   size_t errlen);
/* Regular files and directories only, each file with one name. */
int sio_tree_check(int dirfd, char *err, size_t errlen);

struct sio_file {
	FILE *f;
	const struct sio_dir *d;
	char name[256], tmp[300];
};
/* @name in @d: written to a fresh temporary, renamed by sio_commit(). */
FILE *sio_create(struct sio_file *sf, const struct sio_dir *d,
		 const char *name);
int sio_commit(struct sio_file *sf);
void sio_discard(struct sio_file *sf);
int sio_write_json(json_t *json, const struct sio_dir *d, const char *name);
int sio_move(const struct sio_dir *from, const char *name,
	     const struct sio_dir *to, const char *as);
/* A fresh directory of ours (mode 0700) in @parent, as mkdtemp makes. */
int sio_private_dir(struct sio_dir *d, const struct sio_dir *parent,
		    const char *prefix);
void sio_private_remove(struct sio_dir *d, const struct sio_dir *parent);

/* ---- charts.c, plot.c ---- */
enum gnuplot_state { GP_UNTRIED, GP_OK, GP_MISSING, GP_HUNG };
struct chart_opts {
	const char *gnuplot_dir;	/* scripts/gnuplot */
	bool no_plot;			/* write data files only */
	double timeout;			/* seconds one gnuplot run may take */
	enum gnuplot_state gnuplot;	/* found, missing or hung: then no more */
};
/* Why the charts are missing, for the page; NULL when they were drawn. */
const char *charts_note(const struct chart_opts *o);

/*
 * Where one report's charts go: OUTDIR/charts and its data/, and a private
 * directory (charts/.gnuplot-XXXXXXXX) where the data files are written
 * and gnuplot runs; what it draws is moved into place by plot_publish().
 */
struct chart_ctx {
	struct chart_opts *o;
	struct sio_dir charts, data, priv, priv_data;
	json_t *made;			/* charts drawn: {name, title, ...} */
};
int plot_begin(struct chart_ctx *c, const struct sio_dir *out,
	       struct chart_opts *o, json_t *made);
/* What was written and drawn into charts/ and charts/data/; cleans up. */
int plot_end(struct chart_ctx *c);
/* A data file data/@name in the private directory... */
FILE *plot_data(struct chart_ctx *c, struct sio_file *sf, const char *name);
/* ...named data/@name.@ext. */
FILE *plot_file(struct chart_ctx *c, struct sio_file *sf, const char *name,
		const char *ext);
/*
 * Run gnuplot's @script in the private directory with only -e
 * "name='NAME'; NUMS" (@name a plain file name, @nums numbers we print):
 * data, never code; bounded by o->timeout.  1: not drawn (no gnuplot, or
 * it hung: said once, on the page too), 0: drawn, -1: failed.
 */
int plot_run(struct chart_ctx *c, const char *script, const char *name,
	     const char *nums);
/* Record a drawn chart in c->made. */
void plot_made(struct chart_ctx *c, const char *name, const char *title,
	       const char *group);

/* Charts of one bundle into @out/charts; c->made lists the drawn ones. */
int charts_bundle(struct bundle *b, struct chart_ctx *c);
int charts_cross(struct bundle **bs, int n, struct chart_ctx *c);
/* The scenarios of @b's race results, in order, each once (new array). */
json_t *race_scenario_names(struct bundle *b, bool with_window);

/* window.c: each race's window map, one chart per scenario. */
int charts_windows(struct bundle *b, struct chart_ctx *c);
int charts_history(struct bundle **bs, int n, struct chart_ctx *c);
/* pairmap.c: per-pair race maps of `race --pairs each` results. */
int pairmap_charts(struct bundle *b, struct chart_ctx *c);
bool pairmap_any(struct bundle *b);
/* The page's section body: the pair classes pooled. */
void pairmap_html(struct bundle *b, FILE *f);
/* witness.c: the witnesses' timelines as inline SVG; witness_any(): are there any. */
bool witness_any(const struct bundle *b);
void witness_html(struct bundle *b, FILE *f);

/* ---- compare.c ---- */
/*
 * Code identity of one benchmark or race in two builds (code.json):
 * identical bytes at the same offsets in their cache lines, identical
 * bytes elsewhere in the lines (layout-differs: the timing may differ),
 * other bytes, or not known.  Files without layout (code.json version 1)
 * compare bytes only.
 */
enum code_identity { CODE_UNKNOWN, CODE_DIFFERS, CODE_LAYOUT, CODE_IDENTICAL };

/* What a comparison is asked: the gate's options, or the report's. */
struct compare_rules {
	double alpha, threshold;
	bool ignore_identity;	/* every benchmark and race judged alone */
	bool same_bundle;	/* samples paired by round, not in order */
	bool emulated;		/* a side ran under qemu: throughput not gated */
};
const char *code_identity_name(enum code_identity c);
enum code_identity code_identity_of(json_t *base, json_t *cand,
				    json_t *base_layout, json_t *cand_layout,
				    const char *key);

/*
 * The throughput comparison of two variants, computed once (compare.c) and
 * rendered by the gate's table, gate.json, summary.txt and index.html.
 * Samples are paired by run-bench round; each pair gives a log ratio; the
 * exact Wilcoxon signed-rank test and Holm's adjustment (results.h) decide
 * significance, the Hodges-Lehmann ratio the effect.  Benchmarks whose
 * machine code is identical in both builds are controls: never gated,
 * they set the noise floor; one that moves makes the run undecidable,
 * for layout when its code sits elsewhere in the cache lines, for noise
 * when not.  Each row carries its power (res_paired_power()): the
 * smallest slowdown the run could have detected, and the rounds the
 * threshold needs.
 */
struct tp_row {
	struct tp_bench *base, *cand;
	struct res_paired c;
	bool control;		/* identical bytes: measured, never gated */
	enum code_identity identity;
	double base_cv, cand_cv;
};

struct tp_comparison {
	int nr;
	struct tp_row *rows;
	int nr_gated, nr_controls;
	int nr_layout;		/* controls whose layout differs */
	double floor;		/* largest |ratio - 1| of significant controls */
	double spread;		/* median |ratio - 1| of the controls */
	int min_rounds;		/* fewest pairs of any row */
	bool identity_known;	/* both variants carry code.json */
	bool layout_known;	/* ... with layouts (version 2) */
	bool ignore_identity;
	bool emulated;		/* measured, never decided (tp_not_gated()) */
	bool paired_by_round;	/* same bundle, round numbers matched */
	struct tp_row *noisy;	/* a control of the same layout that moved */
	struct tp_row *moved_layout;	/* one of another layout that moved */
	double alpha, threshold;
	/*
	 * Can the gated family decide at all: need_rounds is the least n
	 * with nr_gated * 2 / 2^n < alpha; reachable_p the smallest Holm p
	 * the run's rounds allow (nr_gated * 2 / 2^min_rounds, at most 1).
	 */
	int need_rounds;
	double reachable_p;
	bool decidable;
	/* Power over the gated rows: median and largest MDE (INFINITY:
	 * none detectable), how many reach the threshold, and the rounds
	 * every one of them would need for it (-1: unknown). */
	double mde_median, mde_max;
	const struct tp_row *mde_worst;
	int nr_detect;
	int rounds_needed;
	/* The finding: the gated slowdown with the smallest Holm p, or NULL. */
	const struct tp_row *worst;
};

void tp_comparison_build(struct variant_data *base, struct variant_data *cand,
			 const struct compare_rules *rules,
			 struct tp_comparison *cmp);
void tp_comparison_free(struct tp_comparison *cmp);
/* Why the comparison decides nothing (an emulated side), or NULL. */
const char *tp_not_gated(const struct tp_comparison *cmp);
/* " (N at other offsets in their cache lines)" or "", in @buf. */
const char *tp_layout_note(const struct tp_comparison *cmp, char *buf,
			   size_t len);
/* "undecided: ..." when the comparison cannot decide, else NULL (@buf). */
const char *tp_undecided(const struct tp_comparison *cmp, char *buf,
			 size_t len);

/*
 * The race comparison of two variants, computed once (compare.c) like
 * the throughput one: per result of the candidate, the baseline's of the
 * same scenario and pair class, the exact rate comparison (results.h),
 * the candidate's zero sized by the baseline as the gate sizes it, the
 * machine's state on both sides, and what the gate finds.  Races whose
 * code is identical in both builds are controls; the largest nonzero move
 * among them is the drift floor a change must pass.
 */
enum race_finding {
	RF_NONE,
	RF_SEEN,	/* forbidden outcome observed: FAIL */
	RF_UNEXPOSED,	/* forbidden, 0 bad, too few reached: undecided */
	RF_SHORT,	/* reproduce unmet in a run too short for the rate */
	RF_UNSEEN,	/* reproduce unmet */
};

struct race_row {
	const struct race_result *br;	/* the baseline's, or NULL */
	const struct race_result *cr;	/* the candidate's, as read */
	/* cr, its zero sized by br: a copy whose strings are borrowed */
	struct race_result cand;
	struct res_rate_cmp c;
	enum code_identity identity;	/* of the race's code in both builds */
	bool control;		/* identical code: shows the drift */
	double state_ratio;	/* cross-CPU latencies apart, >= 1; NAN */
	/* Trials a 95% chance of one hit needs at br's rate; hits expected. */
	double needed, expected;
	enum race_finding finding;
};

struct race_comparison {
	bool present;		/* both sides have race results */
	int nr;
	struct race_row *rows;
	int nr_controls;
	double floor;		/* |log ratio| of the drift; 0: none */
	int nr_base_only;	/* results the candidate did not run */
	const struct race_result **base_only;
};

void race_comparison_build(const struct variant_data *base,
			   const struct variant_data *cand,
			   const struct compare_rules *rules,
			   struct race_comparison *rc);
void race_comparison_free(struct race_comparison *rc);
/* The two sides ran in different states of the machine (RACE_STATE_RATIO). */
bool race_row_state_differs(const struct race_row *w);
/* A nonzero change within the drift floor: same. */
bool race_row_within_drift(const struct race_row *w, double floor);
/*
 * The rate ratio as every surface prints it: "1.5 (95% 1.2..1.9)",
 * "<= 0.0205 (95%)" (candidate 0), ">= 3.1 (95%)" (baseline 0), "-" (none).
 */
const char *race_ratio_text(const struct race_row *w, char *buf, size_t len);

/* Every variant of a bundle against its baseline, for the page and summary. */
struct bundle_comparisons {
	const char *baseline;
	struct variant_data *base;	/* NULL: no such variant */
	struct compare_rules rules;
	int nr;				/* b->nr_variants; base's are empty */
	struct tp_comparison *tp;
	struct race_comparison *races;
};
/* @baseline: --baseline, or NULL: bundle.json's "baseline", else the first. */
void bundle_comparisons_build(struct bundle *b, const char *baseline,
			      const struct compare_rules *rules,
			      struct bundle_comparisons *bc);
void bundle_comparisons_free(struct bundle_comparisons *bc);

/* ---- html.c / text.c ---- */
struct report_opts {
	const char *baseline;		/* variant compared against; NULL: first */
	const char *css_path;		/* reports/style.css */
	struct compare_rules rules;	/* alpha, threshold, code identity */
	const char *charts_note;	/* why there are no charts, or NULL */
};
/* html.c: what every page shares. */
FILE *html_page_begin(struct sio_file *sf, const struct sio_dir *out,
		      const char *title, const struct report_opts *ro);
/* The page's tail, and the file committed: 0 or -1. */
int html_page_end(struct sio_file *sf);
/* A relative link to a file of ours, percent-encoded (never a scheme). */
void html_href(FILE *f, const char *path, const char *suffix);
/* A race result's verdict cell: the word, its exposure, the worth as title. */
void html_race_verdict_cell(FILE *f, const struct race_result *r);
/* The drawn charts of @groups (NULL-terminated; NULL: all), or why none. */
void html_charts(FILE *f, json_t *charts, const struct report_opts *ro,
		 const char *const *groups);
int html_charts_count(json_t *charts, const char *const *groups);
/* html-compare.c: the page's comparisons with the baseline. */
void html_race_changes(FILE *f, struct bundle *b,
		       const struct bundle_comparisons *bc);
void html_throughput(FILE *f, struct bundle *b,
		     const struct bundle_comparisons *bc);
/* One bundle's page, rendering @bc (every variant against the baseline). */
int html_bundle(struct bundle *b, const struct bundle_comparisons *bc,
		const struct sio_dir *out, const struct report_opts *ro,
		json_t *charts);
int html_cross(struct bundle **bs, int n, const struct sio_dir *out,
	       const struct report_opts *ro, json_t *charts);
int html_index(struct bundle **bs, int n, const struct sio_dir *out,
	       const struct report_opts *ro, json_t *charts);
int text_summary(struct bundle *b, const struct bundle_comparisons *bc,
		 FILE *f);
int cmd_report(int argc, char **argv);
int cmd_summary(int argc, char **argv);

/* ---- util.c ---- */
/* One line on stderr, its controls made harmless (text_clean()). */
void fb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* CLOCK_MONOTONIC in seconds. */
double mono_s(void);
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);
/* A directory the user named, with its parents (links in it followed). */
int mkdir_p(const char *path);
/*
 * Write @json to @path atomically (safe-io.c: a fresh temporary in the
 * directory the user named, renamed over the file); 0 or -1.  @compact
 * drops the indentation, for files of many thousand entries.
 */
int write_json_atomic(json_t *json, const char *path, bool compact);
void html_escape(FILE *f, const char *s);
/* Safe for a file name: "bitops/clear_bit" -> "bitops-clear_bit". */
void slugify(const char *s, char *out, size_t len);
const char *jstr(json_t *o, const char *key, const char *dflt);
double jnum(json_t *o, const char *key, double dflt);

#endif /* FLAGBENCH_REPORT_H */

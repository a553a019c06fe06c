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
#include "results.h"

enum {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_ERROR = 2,
};

#define BUNDLE_FORMAT "flagbench-bundle"
#define BUNDLE_VERSION 1

/* Verdicts, ordered so that the worst is the largest. */
enum verdict { V_PASS, V_WARN, V_INCOMPLETE, V_FAIL, V_NONE };
const char *verdict_name(enum verdict v);
enum verdict verdict_parse(const char *s);	/* V_NONE if unknown */

/* ---- stats.c ---- */
double stat_mean(const double *x, int n);
double stat_median(const double *x, int n);
double stat_stddev(const double *x, int n);	/* sample (n-1); 0 if n < 2 */
/*
 * Two-sided Mann-Whitney U test of @x against @y, as scipy's mannwhitneyu
 * (which Google Benchmark's compare.py calls) with method "auto": the exact
 * distribution when both samples are at most 8 long and have no ties, else
 * the normal approximation with tie correction and continuity correction.
 * Returns the p-value; *u_out (if not NULL) gets U of @x.
 */
double mann_whitney_u(const double *x, int nx, const double *y, int ny,
		      double *u_out, bool *exact_out);
enum mwu_method { MWU_AUTO, MWU_EXACT, MWU_ASYMPTOTIC };
double mann_whitney_u_method(const double *x, int nx, const double *y, int ny,
			     enum mwu_method method, double *u_out,
			     bool *exact_out);
/* Smallest two-sided p-value the exact test can give for n against n. */
double mwu_min_p(int n);
/* ---- bundle.c ---- */
/* More threads than any machine runs: a bundle claiming so is refused. */
#define FB_MAX_THREADS (1 << 20)

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
};

struct race_outcome {
	char *name;
	bool bad;
	double count, per_million, lo, hi;
	bool upper_bound;
};

struct race_result {
	char *scenario, *pair_class, *expectation, *verdict, *message;
	char *lkmm_verdict, *lkmm_twin;	/* the LKMM twin's; "" if none */
	double trials, seconds;
	double bad_count;		/* the engine's bad_trials, as read */
	const char *observation;	/* the engine's word, as read */
	double bad_lo, bad_hi;		/* 95% per million (res_binom_ci) */
	int nr_bins;			/* window.bins, if the engine wrote them */
	struct res_bin *bins;
	int nr_outcomes;
	struct race_outcome *o;
	int nr_assertions;
	json_t *assertions;		/* borrowed from the races JSON */
	json_t *window;			/* the window map (a reference), or NULL */
	/*
	 * Where the bundle's other variant with the most bad trials of this
	 * scenario and pair class hit (res_at_window()): at_variant NULL
	 * when none did or the bins do not pair.  Set by bundle_load().
	 */
	const char *at_variant;
	struct res_at_window at;
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
	bool races_present;
	char *race_verdict;
};

struct bundle {
	char *dir;
	char *id;			/* directory's base name */
	json_t *j;			/* bundle.json */
	const char *arch, *cpu_model, *started, *profile;
	bool emulated, complete;
	enum verdict verdict;
	int nr_variants;
	struct variant_data *v;
};

/* Load @dir; NULL and one line in @err on failure. */
struct bundle *bundle_load(const char *dir, char *err, size_t errlen);
void bundle_free(struct bundle *b);
struct variant_data *bundle_variant(struct bundle *b, const char *name);
struct tp_bench *tp_find(struct tp_run *r, const char *name);
/* "x86_64", or "aarch64 (emulated)" */
const char *bundle_arch_label(const struct bundle *b, char *buf, size_t len);
/* Worst race verdict over variants; V_INCOMPLETE if !complete and no FAIL. */
enum verdict bundle_compute_verdict(struct bundle *b);
/* Verdict of one race result, recomputed from its counts and expectation. */
enum verdict result_verdict(const struct race_result *r);
/* ---- validate.c ---- */
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

/* ---- charts.c ---- */
struct chart_opts {
	const char *gnuplot_dir;	/* scripts/gnuplot */
	bool no_plot;			/* write data files only */
};
/* Charts of one bundle into @outdir/charts; list of written base names. */
int charts_bundle(struct bundle *b, const char *outdir,
		  const struct chart_opts *o, json_t *made);
int charts_cross(struct bundle **bs, int n, const char *outdir,
		 const struct chart_opts *o, json_t *made);
/* The scenarios of @b's race results, in order, each once (new array). */
json_t *race_scenario_names(struct bundle *b, bool with_window);

/*
 * Run gnuplot's @script in @outdir/charts with only -e "name='NAME'; NUMS"
 * (@name a plain file name, @nums numbers we print): data, never code.
 */
int chart_gnuplot(const struct chart_opts *o, const char *outdir,
		  const char *script, const char *name, const char *nums);

/* window.c: each race's window map, one chart per scenario. */
int charts_windows(struct bundle *b, const char *outdir,
		   const struct chart_opts *o, json_t *made);
int charts_history(struct bundle **bs, int n, const char *outdir,
		   const struct chart_opts *o, json_t *made);
/* pairmap.c: per-pair race maps of `race --pairs each` results. */
int pairmap_charts(struct bundle *b, const char *outdir,
		   const struct chart_opts *o, json_t *made);
void pairmap_html(struct bundle *b, FILE *f);

/* ---- html.c / text.c ---- */
struct report_opts {
	const char *baseline;		/* variant compared against; NULL: first */
	const char *css_path;		/* reports/style.css */
	double alpha, threshold;
	bool ignore_identity;
};
int html_bundle(struct bundle *b, const char *outdir,
		const struct report_opts *ro, json_t *charts);
int html_cross(struct bundle **bs, int n, const char *outdir,
	       const struct report_opts *ro, json_t *charts);
int html_index(struct bundle **bs, int n, const char *outdir,
	       const struct report_opts *ro, json_t *charts);
int text_summary(struct bundle *b, FILE *f, const struct report_opts *ro);
/* The variant others are compared with: --baseline, bundle.json "baseline", first. */
const char *report_baseline(struct bundle *b, const struct report_opts *ro);
int cmd_report(int argc, char **argv);
int cmd_summary(int argc, char **argv);

/* ---- compare.c ---- */
/*
 * Code identity of one benchmark or race in two builds (code.json):
 * identical bytes at the same offsets in their cache lines, identical
 * bytes elsewhere in the lines (layout-differs: the timing may differ),
 * other bytes, or not known.  Files without layout (code.json version 1)
 * compare bytes only.
 */
enum code_identity { CODE_UNKNOWN, CODE_DIFFERS, CODE_LAYOUT, CODE_IDENTICAL };
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
};

void tp_comparison_build(struct variant_data *base, struct variant_data *cand,
			 bool same_bundle, double alpha, double threshold,
			 bool ignore_identity, struct tp_comparison *cmp);
void tp_comparison_free(struct tp_comparison *cmp);
/* " (N at other offsets in their cache lines)" or "", in @buf. */
const char *tp_layout_note(const struct tp_comparison *cmp, char *buf,
			   size_t len);
/* "undecided: ..." when the comparison cannot decide, else NULL (@buf). */
const char *tp_undecided(const struct tp_comparison *cmp, char *buf,
			 size_t len);

/* ---- util.c ---- */
void fb_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);
int mkdir_p(const char *path);
/* Write @json to @path atomically (temp file + rename); 0 or -1. */
int write_json_atomic(json_t *json, const char *path);
/* Open @path.tmp.PID for writing; commit_file() renames it into place. */
FILE *open_tmp(const char *path, char *tmp, size_t tmplen);
int commit_file(FILE *f, const char *tmp, const char *path);
char *read_file(const char *path, size_t *len);
void html_escape(FILE *f, const char *s);
/* Safe for a file name: "bitops/clear_bit" -> "bitops-clear_bit". */
void slugify(const char *s, char *out, size_t len);
const char *jstr(json_t *o, const char *key, const char *dflt);
double jnum(json_t *o, const char *key, double dflt);

#endif /* FLAGBENCH_REPORT_H */

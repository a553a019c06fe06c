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
/* Regularized incomplete beta I_x(a, b). */
double betai(double a, double b, double x);
/*
 * Clopper-Pearson interval for k successes in n trials at level 1-alpha.
 * k == 0: lo = 0; k == n: hi = 1.
 */
void binom_ci(double k, double n, double alpha, double *lo, double *hi);
/*
 * Ratio of two Poisson rates (k1/t1) / (k2/t2) with its exact conditional
 * interval (binomial on k1 given k1 + k2).  hi is INFINITY when k2 == 0.
 */
void rate_ratio_ci(double k1, double t1, double k2, double t2, double alpha,
		   double *ratio, double *lo, double *hi);

/* ---- bundle.c ---- */
struct tp_bench {
	char *name;		/* run_name: "bitops/clear_bit", ".../threads:2" */
	char *family;		/* name without "/threads:N" */
	int threads;
	int nreps;		/* iteration samples (repetitions) */
	double *ns;		/* ns_per_op per repetition */
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
	double trials, seconds;
	double bad_count;		/* sum over bad outcomes */
	double bad_lo, bad_hi;		/* 95% per million, recomputed */
	int nr_outcomes;
	struct race_outcome *o;
	int nr_assertions;
	json_t *assertions;		/* borrowed from the races JSON */
	json_t *window;			/* borrowed: the window map, or NULL */
};

struct variant_data {
	char *name;
	json_t *describe;		/* NULL if missing */
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
/* window.c: each race's window map, one chart per scenario. */
int charts_windows(struct bundle *b, const char *outdir,
		   const struct chart_opts *o, json_t *made);
int charts_history(struct bundle **bs, int n, const char *outdir,
		   const struct chart_opts *o, json_t *made);

/* ---- html.c / text.c ---- */
struct report_opts {
	const char *baseline;		/* variant compared against; NULL: first */
	const char *css_path;		/* reports/style.css */
	double alpha, threshold;
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

/* Comparison of one benchmark, shared by the gate, the page and the text. */
struct tp_cmp {
	double change;		/* relative change of the median ns/op */
	double base_cv, cand_cv;	/* stddev / mean */
	double p;		/* NAN if not testable */
	bool exact, significant;
};
void tp_compare(const struct tp_bench *base, const struct tp_bench *cand,
		double alpha, struct tp_cmp *c);

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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The result rules, once: linked into every flagbench-<variant> (the race
 * engine decides with them) and into flagbench-report (the gate, the page
 * and the summary render what they decide).  Pure C and libm; no jansson,
 * no core/ headers, so that both sides can link it as it is.
 *
 * Rules kept here and nowhere else:
 *  - a scenario's bad count is bad_trials, trials with at least one bad
 *    outcome, counted per trial by the engine (litmus7's Positive);
 *  - the verdict from the expectation and bad_trials;
 *  - litmus7's Observation word;
 *  - one interval method: exact Clopper-Pearson on k of n trials;
 *  - two race rates compared by the exact conditional binomial test,
 *    standardised to the candidate's window bins when both have them;
 *  - Holm's step-down adjustment over one comparison's benchmarks;
 *  - the paired per-round throughput test (exact Wilcoxon signed-rank on
 *    the per-round log ratios) and the significance-and-effect decision;
 *  - its power: the rounds it needs to reject at all after Holm, the
 *    minimum detectable effect, the rounds a given effect needs.
 */
#ifndef FLAGBENCH_RESULTS_H
#define FLAGBENCH_RESULTS_H

#include <stdbool.h>
#include <flagbench/variant.h>	/* enum expectation: one vocabulary */

#define RES_ALPHA 0.05

/*
 * Ordered so that the worst is the largest.  INCOMPLETE is a bundle's
 * (a part missing, a run interrupted), never one race result's.
 */
enum res_verdict { RES_PASS, RES_WARN, RES_INCOMPLETE, RES_FAIL };


const char *res_verdict_name(enum res_verdict v);
int res_verdict_parse(const char *s);	/* -1 if unknown */
/* expectation_name()'s words back; -1 for any other. */
int res_expect_parse(const char *s);

/*
 * How much a zero is worth.  A forbidden outcome not seen is earned only
 * by trials that reached the race window: enough of them that the
 * pre-fix build's in-window rate (the reference) would have shown one
 * with 95% probability.
 */
enum res_exposure {
	RES_SEEN,		/* bad trials seen: exposure is not in question */
	RES_EXPOSED,		/* reached >= needed */
	RES_UNSIZED,		/* reached > 0, but no reference rate sizes the need */
	RES_UNEXPOSED,		/* reached < needed (or none reached): WARN */
	RES_STRUCTURAL,		/* this build cannot produce the outcome */
};
const char *res_exposure_name(enum res_exposure x);
int res_exposure_parse(const char *s);	/* -1 if unknown */

/* What a race result's verdict is decided from. */
struct res_race_counts {
	enum expectation expect;
	double trials, reached, bad;	/* bad: bad_trials, the one count */
	bool structural;	/* every bad outcome: the build cannot produce it */
	/* The reference: the pre-fix build's bad trials of its reached. */
	bool has_ref;
	double ref_bad, ref_reached;
};

struct res_race_decision {
	enum res_verdict verdict;
	enum res_exposure exposure;
	/*
	 * Reached trials a zero needs: the fewest n with (1 - p)^n <= alpha,
	 * p = ref_bad / ref_reached; 0 when nothing sizes it.
	 */
	double needed;
	const char *observation;	/* litmus7's word, or "Structural" */
	double lo, hi;		/* 95% bounds of bad per trial */
	double rlo, rhi;	/* and per reached trial (0, 1 if none reached) */
};

/*
 * The verdict, once for every surface.  Seen: FAIL when forbidden (also
 * against a structural claim, which the run then contradicts), else PASS.
 * Not seen: structural, PASS (WARN when reproduce was expected);
 * reproduce, WARN; forbidden, PASS when exposed or unsized, WARN when
 * unexposed; allowed, PASS.
 */
void res_race_decide(const struct res_race_counts *c, double alpha,
		     struct res_race_decision *d);
/* Reached trials for a 95% (1 - alpha) chance at in-window rate @p. */
double res_exposure_needed(double p, double alpha);
/* The reached trials a zero needs by a reference's counts (0: unsized). */
double res_race_need(double ref_bad, double ref_reached, double alpha);
/* litmus7's word for @bad of @trials: "Never", "Sometimes", "Always". */
const char *res_observation(double bad_trials, double trials);

/*
 * The one interval: exact (Clopper-Pearson) two-sided 1-alpha interval of
 * a proportion, @k of @n trials.  k == 0: lo = 0; k == n: hi = 1.
 */
void res_binom_ci(double k, double n, double alpha, double *lo, double *hi);
/* Regularized incomplete beta I_x(a, b). */
double res_betai(double a, double b, double x);
/* P(X >= k) and P(X <= k) for X ~ Binomial(n, p), exact to double. */
double res_binom_upper(double k, double n, double p);
double res_binom_lower(double k, double n, double p);

/* One window bin of a race result (window.bins of races.json). */
struct res_bin {
	double lo, hi;		/* ns offsets, from the one global table */
	double trials, bad;
};

/*
 * A result lists the bins it spent trials in, ascending, from the one
 * offset table: two results' lists differ in length and pair by edges.
 * The index of the first bin that is empty or not after the one before
 * it, or -1: the rules below pair bins only in lists without one.
 */
int res_bins_disorder(const struct res_bin *b, int n);

enum res_change {
	RES_NO_EVENTS,		/* 0 and 0: nothing to compare */
	RES_SAME,		/* not significantly different */
	RES_LOWER,
	RES_CLOSED,		/* candidate 0, significantly lower */
	RES_HIGHER,
	RES_OPENED,		/* baseline 0, significantly higher */
};
const char *res_change_name(enum res_change c);

struct res_rate_cmp {
	double base_bad, base_trials, cand_bad, cand_trials;
	/*
	 * Candidate bad trials expected at the baseline's rate: over the
	 * candidate's bins when both results carry bins with the same edges
	 * (sum over b of n_cand,b * k_base,b / n_base,b; the lists pair by
	 * edges, as each lists only the bins it spent trials in; a bin the
	 * baseline never tried at its overall rate base_bad / base_trials),
	 * else cand_trials * base_bad / base_trials.
	 */
	double expected;
	bool standardised;
	double unmatched_trials;	/* candidate's, in bins the baseline never tried */
	double ratio, lo, hi;	/* candidate/baseline rate ratio, exact 95% */
	double p;		/* two-sided exact conditional binomial */
	enum res_change change;
};

/*
 * Compare candidate with baseline.  Given k = base_bad + cand_bad, the
 * candidate's count is Binomial(k, w theta / (1 + w theta)), theta the
 * rate ratio and w the candidate's exposure relative to the baseline's
 * (cand_trials / base_trials, or expected / base_bad when standardised).
 * Bins may be NULL / 0.
 */
void res_rate_compare(double base_bad, double base_trials,
		      const struct res_bin *base_bins, int nr_base_bins,
		      double cand_bad, double cand_trials,
		      const struct res_bin *cand_bins, int nr_cand_bins,
		      double alpha, struct res_rate_cmp *c);

/*
 * Race rates drift between runs more than Poisson allows (the machine's
 * state changes): races whose code is identical in both builds show how
 * much.  res_rate_moved() is a significant change's size, |log ratio|
 * (for closed or opened, of the interval's bound nearest 1), else 0; the
 * largest over identical-code races is the drift floor.  res_rate_beyond()
 * keeps a change only when its whole 95% interval lies past exp(+-floor),
 * else makes it RES_SAME (floor 0: unchanged).
 */
double res_rate_moved(const struct res_rate_cmp *c);
void res_rate_beyond(struct res_rate_cmp *c, double floor);

/*
 * Where another result's window was: @cand's trials and bad trials in the
 * bins where @ref counted bad trials (both on the one offset table), how
 * many such bins and their span, and the exact 1-alpha upper bound of
 * @cand's bad rate there.  What a fix's "Never" is worth is the trials it
 * spent where the pre-fix build hit.  False when the bins do not pair or
 * @ref has no bad trial in them.
 */
struct res_at_window {
	int bins;
	double lo, hi;		/* ns: the lowest edge, the highest */
	double trials, bad;
	double rate_hi;		/* upper bound of bad / trials, 0..1 */
};
bool res_at_window(const struct res_bin *ref, int nr_ref,
		   const struct res_bin *cand, int nr_cand, double alpha,
		   struct res_at_window *w);

/*
 * A reproduce expectation unmet: was the run long enough to expect a hit
 * at the reference rate (@ref_bad of @ref_trials)?  Returns the trials a
 * run needs for a 95% chance of at least one hit (0 if @ref_bad is 0);
 * *expected gets the hits expected in @trials.
 */
double res_trials_needed(double ref_bad, double ref_trials, double trials,
			 double *expected);

/* Holm's step-down adjusted p-values; NaN entries stay NaN, not counted. */
void res_holm(const double *p, int n, double *adj);

/*
 * Two-sided Wilcoxon signed-rank test of @d (zeros dropped, as Wilcoxon
 * did), exact over the 2^n sign patterns given the (mid)ranks for up to
 * RES_WILCOXON_EXACT_MAX differences, normal approximation with tie
 * correction above.  *n_used gets the nonzero differences.
 */
#define RES_WILCOXON_EXACT_MAX 60
double res_wilcoxon(const double *d, int n, int *n_used);
/* Smallest p the exact test can give with @n differences: 2 / 2^n. */
double res_wilcoxon_min_p(int n);
/* Hodges-Lehmann estimate: median of the Walsh averages of @d. */
double res_hodges_lehmann(const double *d, int n);
/*
 * The largest t with P(T <= t) <= alpha / 2 for the signed-rank statistic
 * T of n differences (exact over the 2^n sign patterns up to
 * RES_WILCOXON_EXACT_MAX, normal approximation above); -1 when none.
 */
int res_signed_rank_crit(int n, double alpha);
/*
 * Its 1 - alpha confidence interval (Walsh averages t+1 and N-t, of N,
 * sorted: the interval the signed-rank test inverts); -inf..inf when n is
 * too small for any.
 */
void res_hodges_lehmann_ci(const double *d, int n, double alpha, double *lo,
			   double *hi);

enum res_tp_status { RES_TP_SAME, RES_TP_SLOWER, RES_TP_FASTER };
const char *res_tp_status_name(enum res_tp_status s);

/* One benchmark, baseline against candidate, paired by round. */
struct res_paired {
	int rounds;		/* pairs with both samples */
	double ratio;		/* exp(Hodges-Lehmann of log(cand/base)) */
	double lo, hi;		/* its 95% interval (res_hodges_lehmann_ci) */
	double p;		/* Wilcoxon signed-rank, two-sided */
	double p_adj;		/* Holm over the family (res_holm) */
	bool significant;	/* p_adj < alpha */
	enum res_tp_status status;
	double scale;		/* spread of the log ratios (res_paired_scale) */
	double mde;		/* res_paired_power(): fraction, INFINITY: none */
	int rounds_needed;	/* for the effect asked of res_paired_power() */
};

/*
 * A round's sample from its @n repetitions' ns/op (NAN if none): their
 * median, for one thread as for several (the gate's, where two sides'
 * turns cannot be paired: res_round_log_ratio()).  The fastest of one thread's
 * would be its cost if the machine only added time; a shared host also
 * lends some: a one-cycle loop on the 2-vCPU EPYC guest runs 0.28 ns in
 * about one repetition in seven and 0.35 ns in the rest, so the fastest
 * of six caught the rare level in about half the rounds and the paired
 * ratio of identical code swung by up to 10%.  The median stays with the
 * common level and still drops a stolen slice (controls over 3% of about
 * 1,000 in four runs of six: 85 with the fastest, 42 with the median; in
 * one of twelve: 15 and 0); where threads meet, the fastest was luck.
 */
double res_round_sample(const double *ns, int n);
/*
 * A round's paired log ratio from its repetitions taken in turns: the
 * median of log(cand_ns[i] / base_ns[i]), NAN if no pair is whole.  In
 * lockstep the i-th repetitions of both builds ran one after the other,
 * milliseconds apart, so the host's level (the one-cycle loop's 0.28 or
 * 0.35 ns, a neighbour's burst) is in both; the ratio of the two sides'
 * medians mixes turns seconds apart.  A/A on the 2-vCPU EPYC guest, four
 * runs of 22 rounds of twelve: the spread (IQR) of the per-round log
 * ratios, median over 66 benchmarks, 0.64 times the medians' (bitops/
 * test_bit 10.7% against 23%, page/PageIsolated 6.5% against 11.3%).
 */
double res_round_log_ratio(const double *base_ns, const double *cand_ns, int n);
/* Ratio and p of one benchmark from per-round ns/op; p_adj = p. */
void res_paired_compare(const double *base_ns, const double *cand_ns, int n,
			struct res_paired *c);
/* The same from per-round log ratios (non-finite ones left out). */
void res_paired_compare_logs(const double *d, int n, struct res_paired *c);
/*
 * The decision, after p_adj is set: slower (faster) when significant, the
 * ratio above (below) 1 and its 95% interval reaching past
 * 1 + max(threshold, floor) (1 - ...): the change is not shown to be
 * smaller than the threshold.  floor is the largest |ratio - 1| of the
 * identical-code controls (0: none).
 */
void res_paired_decide(struct res_paired *c, double alpha, double threshold,
		       double floor);

/*
 * Power of the paired test, so that a run says what it could have seen.
 * The smallest p the exact test reaches with n rounds is 2 / 2^n; after
 * Holm over @k benchmarks the smallest adjusted p is k times that, so no
 * change can be significant below res_paired_min_rounds(alpha, k) rounds
 * (k * 2 / 2^n < alpha).  k < 1 counts as 1.
 */
int res_paired_min_rounds(double alpha, int k);
/* Standard normal quantile: z with P(Z <= z) = p, 0 < p < 1. */
double res_normal_quantile(double p);
/*
 * Spread of @n per-round log ratios, robust to a preempted round:
 * 1.4826 * MAD (the standard deviation for normal data); the sample
 * standard deviation when the MAD is 0 (most rounds equal); NAN if n < 2.
 */
double res_paired_scale(const double *d, int n);
/*
 * Minimum detectable effect, the smallest slowdown (fraction) that n
 * rounds with per-round log ratios of spread @scale detect with power
 * RES_POWER at level alpha / k (Holm's first step, the bar every one of k
 * benchmarks is sure to face): exp(delta) - 1 with
 *	delta = (z(1 - alpha / 2k) + z(RES_POWER)) * scale / sqrt(n * 3 / pi),
 * 3 / pi being the Wilcoxon test's efficiency against the paired t test on
 * normal data.  INFINITY below res_paired_min_rounds(alpha, k); NAN when
 * the scale is unknown.
 */
#define RES_POWER 0.8
double res_paired_mde(double scale, int n, double alpha, int k);
/*
 * Rounds at which the minimum detectable effect is @effect (fraction):
 * the least n with res_paired_mde(scale, n, alpha, k) <= effect, at least
 * res_paired_min_rounds(alpha, k); -1 when the scale is unknown or
 * effect <= 0.  Capped at RES_MAX_ROUNDS.
 */
#define RES_MAX_ROUNDS 99999
int res_paired_rounds_for(double scale, double effect, double alpha, int k);
/* c->mde and c->rounds_needed (for @effect) in a family of @k. */
void res_paired_power(struct res_paired *c, double alpha, int k,
		      double effect);

#endif /* FLAGBENCH_RESULTS_H */

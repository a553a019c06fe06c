// SPDX-License-Identifier: GPL-2.0
/*
 * The result rules (bench/results.c) against values computed independently:
 * unless a comment says otherwise, with python3's fractions and math.comb
 * by direct summation of binomial probabilities, Clopper-Pearson bounds by
 * bisection on those exact sums, and Wilcoxon p-values by enumerating all
 * 2^n sign patterns with midranks (the script is in each comment's words;
 * none of it uses the incomplete beta or the DP the library uses).
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "results.h"

#define near(a, b, eps) assert_true(fabs((a) - (b)) <= (eps))

static enum res_verdict verdict_of(enum expectation e, double bad,
				    double reached, struct res_race_decision *d)
{
	struct res_race_counts c = { .expect = e, .trials = 1000,
				     .reached = reached, .bad = bad };

	res_race_decide(&c, RES_ALPHA, d);
	return d->verdict;
}

static void test_verdict_and_word(void **state)
{
	struct res_race_decision d;

	assert_int_equal(verdict_of(EXPECT_FORBIDDEN, 1, 10, &d), RES_FAIL);
	assert_int_equal(d.exposure, RES_SEEN);
	assert_int_equal(verdict_of(EXPECT_REPRODUCE, 0, 10, &d), RES_WARN);
	assert_int_equal(verdict_of(EXPECT_REPRODUCE, 3, 10, &d), RES_PASS);
	assert_int_equal(verdict_of(EXPECT_ALLOWED, 3, 10, &d), RES_PASS);
	assert_int_equal(res_expect_parse("forbidden"), EXPECT_FORBIDDEN);
	assert_int_equal(res_expect_parse("sometimes"), -1);
	assert_int_equal(res_verdict_parse("INCOMPLETE"), RES_INCOMPLETE);
	assert_int_equal(res_verdict_parse("pass"), -1);
	assert_int_equal(res_exposure_parse("unexposed"), RES_UNEXPOSED);
	assert_string_equal(res_observation(0, 10), "Never");
	assert_string_equal(res_observation(3, 10), "Sometimes");
	assert_string_equal(res_observation(10, 10), "Always");
	assert_string_equal(res_verdict_name(RES_WARN), "WARN");
}

/* @c decided at RES_ALPHA into @d: with exposure @e and verdict @v. */
static void decides(const struct res_race_counts *c,
		    struct res_race_decision *d, enum res_exposure e,
		    enum res_verdict v)
{
	res_race_decide(c, RES_ALPHA, d);
	assert_int_equal(d->exposure, e);
	assert_int_equal(d->verdict, v);
}

/*
 * A forbidden zero is worth the trials that reached the window: enough
 * that the reference's in-window rate p would have shown a bad trial with
 * 95% probability, the fewest n with (1 - p)^n <= 0.05.
 */
static void test_exposure(void **state)
{
	struct res_race_counts c = { .expect = EXPECT_FORBIDDEN,
				     .trials = 1e6, .bad = 0, .has_ref = true,
				     .ref_bad = 1, .ref_reached = 100 };
	struct res_race_decision d;

	/* p = 0.01: log(0.05) / log(0.99) = 298.07, so 299 trials. */
	near(res_exposure_needed(0.01, 0.05), 299, 0);
	assert_true(pow(0.99, 299) <= 0.05 && pow(0.99, 298) > 0.05);
	near(res_exposure_needed(1, 0.05), 1, 0);
	near(res_exposure_needed(0, 0.05), 0, 0);
	c.reached = 298;
	decides(&c, &d, RES_UNEXPOSED, RES_WARN);
	near(d.needed, 299, 0);
	c.reached = 299;
	decides(&c, &d, RES_EXPOSED, RES_PASS);
	/* Nothing reached: unexposed, with or without a reference. */
	c.reached = 0;
	decides(&c, &d, RES_UNEXPOSED, RES_WARN);
	c.has_ref = false;
	decides(&c, &d, RES_UNEXPOSED, RES_WARN);
	/* Reached, but no pre-fix rate: unsized, its bound all it shows. */
	c.reached = 5;
	decides(&c, &d, RES_UNSIZED, RES_PASS);
	near(d.needed, 0, 0);
	/* A reference that never hit sizes nothing either. */
	c.has_ref = true;
	c.ref_bad = 0;
	decides(&c, &d, RES_UNSIZED, RES_PASS);
}

/* A build that cannot produce the outcome: structural, never "0 in N". */
static void test_structural(void **state)
{
	struct res_race_counts c = { .expect = EXPECT_FORBIDDEN,
				     .trials = 1e6, .structural = true };
	struct res_race_decision d;

	decides(&c, &d, RES_STRUCTURAL, RES_PASS);
	assert_string_equal(d.observation, "Structural");
	c.expect = EXPECT_REPRODUCE;
	res_race_decide(&c, RES_ALPHA, &d);
	assert_int_equal(d.verdict, RES_WARN);
	/* Seen where the build claims it cannot be: the claim is wrong. */
	c.expect = EXPECT_ALLOWED;
	c.bad = 1;
	c.reached = 1;
	decides(&c, &d, RES_SEEN, RES_FAIL);
}

/* R's binom.test(k, n)$conf.int gives the same digits. */
static void test_clopper_pearson(void **state)
{
	double lo, hi;

	res_binom_ci(0, 10, 0.05, &lo, &hi);
	near(lo, 0, 0);
	near(hi, 0.3084971078187607, 1e-9);	/* 1 - 0.025^(1/10) */
	res_binom_ci(5, 10, 0.05, &lo, &hi);
	near(lo, 0.18708602844739852, 1e-9);
	near(hi, 0.8129139715526015, 1e-9);
	res_binom_ci(3, 20, 0.05, &lo, &hi);
	near(lo, 0.03207093718546371, 1e-9);
	near(hi, 0.37892682654531396, 1e-9);
	res_binom_ci(0, 1e6, 0.05, &lo, &hi);
	near(hi * 1e6, 3.68879, 1e-4);		/* -ln(0.025) */
	res_binom_ci(10, 10, 0.05, &lo, &hi);
	near(hi, 1, 0);
	near(lo, pow(0.025, 0.1), 1e-9);
}

static void test_binomial_tails(void **state)
{
	/* sum_{i>=3} C(10,i) .2^i .8^(10-i), and sum_{i<=3}. */
	near(res_binom_upper(3, 10, 0.2), 0.3222004736, 1e-10);
	near(res_binom_lower(3, 10, 0.2), 0.8791261184, 1e-10);
	near(res_binom_upper(0, 10, 0.2), 1, 0);
	near(res_binom_lower(10, 10, 0.2), 1, 0);
}

static void test_rate_compare(void **state)
{
	struct res_rate_cmp c;
	struct res_bin bb[] = { { 0, 10, 1000, 10 }, { 10, 20, 1000, 0 } };
	struct res_bin cb[] = { { 0, 10, 100, 0 }, { 10, 20, 1900, 1 } };
	struct res_bin other[] = { { 0, 5, 100, 0 }, { 5, 20, 1900, 1 } };

	/* 20 against 5 in equal trials: 2 P(X <= 5 | 25, 1/2). */
	res_rate_compare(20, 1e6, NULL, 0, 5, 1e6, NULL, 0, 0.05, &c);
	near(c.p, 0.004077315330505371, 1e-12);
	near(c.ratio, 0.25, 1e-12);
	near(c.lo, 0.0733200649936937, 1e-8);
	near(c.hi, 0.6864470953754613, 1e-8);
	assert_int_equal(c.change, RES_LOWER);
	assert_false(c.standardised);
	/* The previous round's lost-waiters: 142 in 1.66M, then 0 in 2.13M. */
	res_rate_compare(142, 1.66e6, NULL, 0, 0, 2.13e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_CLOSED);
	near(c.hi, 0.020511048989936484, 1e-8);
	near(c.p / 2.452509407129872e-51, 1, 1e-6);
	/*
	 * Window bins: the baseline's hits all sit in the first bin, the
	 * candidate spent its trials in the second, so at the baseline's
	 * rates it expected 100 * 10/1000 = 1 hit; it had 1: the same.
	 * Unbinned, 1 against 10 in equal trials looks lower (p = 3/256).
	 */
	res_rate_compare(10, 2000, bb, 2, 1, 2000, cb, 2, 0.05, &c);
	assert_true(c.standardised);
	near(c.expected, 1, 1e-12);
	near(c.ratio, 1, 1e-12);
	near(c.p, 1, 1e-12);
	near(c.lo, 0.02304269665748958, 1e-8);
	near(c.hi, 7.02939032451682, 1e-6);
	assert_int_equal(c.change, RES_SAME);
	/*
	 * Each result lists only the bins it spent trials in: the lists
	 * pair by edges, not by position.
	 */
	res_rate_compare(10, 2000, bb, 2, 1, 100, cb, 1, 0.05, &c);
	assert_true(c.standardised);
	near(c.expected, 1, 1e-12);
	{
		struct res_bin b3[] = { { -10, 0, 500, 5 }, { 0, 10, 1000, 10 },
					{ 10, 20, 1000, 0 } };

		res_rate_compare(15, 2500, b3, 3, 1, 2000, cb, 2, 0.05, &c);
		assert_true(c.standardised);
		near(c.expected, 1, 1e-12);
		assert_true(c.unmatched_trials == 0);
		/*
		 * A candidate bin the baseline never tried has no rate of
		 * its own: the baseline's overall rate stands in there, and
		 * the other bins keep theirs: 500 * 10/2000 + 1000 * 10/1000
		 * + 1000 * 0/1000.
		 */
		res_rate_compare(10, 2000, bb, 2, 1, 2500, b3, 3, 0.05, &c);
		assert_true(c.standardised);
		near(c.expected, 12.5, 1e-12);
		near(c.unmatched_trials, 500, 1e-12);
		/* Not one candidate bin with a baseline rate: unbinned. */
		res_rate_compare(10, 2000, bb + 1, 1, 1, 100, cb, 1, 0.05, &c);
		assert_false(c.standardised);
		near(c.expected, 0.5, 1e-12);
	}
	res_rate_compare(10, 2000, bb, 2, 1, 2000, other, 2, 0.05, &c);
	assert_false(c.standardised);		/* edges differ */
	near(c.p, 0.01171875, 1e-12);
	near(c.hi, 0.702939032451682, 1e-8);
	assert_int_equal(c.change, RES_LOWER);
	/* Nothing anywhere: nothing to say. */
	res_rate_compare(0, 1e6, NULL, 0, 0, 1e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_NO_EVENTS);
	/* Opened: none before, 12 after. 2 * 0.5^12. */
	res_rate_compare(0, 1e6, NULL, 0, 12, 1e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_OPENED);
	near(c.p, 2 * pow(0.5, 12), 1e-15);
	/* An opened race moved at least its interval's lower bound. */
	near(res_rate_moved(&c), log(c.lo), 1e-12);
	assert_true(res_rate_moved(&c) > 0);
}

/*
 * The drift floor: a control that doubled moved log 2; another race's
 * x1.5 (interval about 1.38..1.63) is within it and becomes the same,
 * while a closed one (interval up to 0.02) stays closed.  Floor 0 keeps
 * every decision.
 */
static void test_rate_beyond_drift(void **state)
{
	struct res_rate_cmp c;
	double floor;

	res_rate_compare(1000, 1e6, NULL, 0, 2000, 1e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_HIGHER);
	floor = res_rate_moved(&c);
	near(floor, log(2), 1e-12);

	res_rate_compare(1000, 1e6, NULL, 0, 1500, 1e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_HIGHER);
	res_rate_beyond(&c, 0);
	assert_int_equal(c.change, RES_HIGHER);
	res_rate_beyond(&c, floor);
	assert_int_equal(c.change, RES_SAME);
	assert_true(c.p < 0.05);	/* the test's own answer is kept */

	res_rate_compare(1000, 1e6, NULL, 0, 400, 1e6, NULL, 0, 0.05, &c);
	assert_int_equal(c.change, RES_LOWER);
	near(res_rate_moved(&c), -log(0.4), 1e-12);
	res_rate_beyond(&c, floor);		/* x0.4 is past x0.5 */
	assert_int_equal(c.change, RES_LOWER);

	res_rate_compare(142, 1.66e6, NULL, 0, 0, 2.13e6, NULL, 0, 0.05, &c);
	res_rate_beyond(&c, floor);
	assert_int_equal(c.change, RES_CLOSED);
	res_rate_beyond(&c, -log(c.hi) + 1e-9);	/* a floor past its bound */
	assert_int_equal(c.change, RES_SAME);
	/* No significant change moved nothing. */
	res_rate_compare(0, 1e6, NULL, 0, 0, 1e6, NULL, 0, 0.05, &c);
	near(res_rate_moved(&c), 0, 0);
}

static void test_trials_needed(void **state)
{
	double e;

	/* ceil(log(0.05) / log(1 - 1e-4)) */
	near(res_trials_needed(100, 1e6, 1000, &e), 29956, 0);
	near(e, 0.1, 1e-12);
	near(res_trials_needed(0, 1e6, 1000, &e), 0, 0);
}

/* R: p.adjust(c(.01, .04, .03, .005), "holm") = .03 .06 .06 .02 */
static void test_holm(void **state)
{
	double p[] = { 0.01, 0.04, NAN, 0.03, 0.005 }, adj[5];

	res_holm(p, 5, adj);
	near(adj[0], 0.03, 1e-15);
	near(adj[1], 0.06, 1e-15);
	assert_true(isnan(adj[2]));
	near(adj[3], 0.06, 1e-15);
	near(adj[4], 0.02, 1e-15);
}

static void test_wilcoxon(void **state)
{
	double a[] = { 0.1, -0.05, 0.2, 0.15, 0.3, -0.02, 0.25, 0.12 };
	double ties[] = { 1, 2, 2, -3, 4, 4, 5, 0 };
	double all[12];
	int i, n;

	near(res_wilcoxon(a, 8, &n), 5.0 / 128, 1e-15);
	assert_int_equal(n, 8);
	near(res_wilcoxon(ties, 8, &n), 7.0 / 64, 1e-15);
	assert_int_equal(n, 7);			/* the zero is dropped */
	for (i = 0; i < 12; i++)
		all[i] = i + 1;
	near(res_wilcoxon(all, 12, NULL), 1.0 / 2048, 1e-15);
	near(res_wilcoxon_min_p(12), 1.0 / 2048, 1e-15);
	for (i = 0; i < 12; i++)
		all[i] = -all[i];
	near(res_wilcoxon(all, 12, NULL), 1.0 / 2048, 1e-15);
}

static void test_paired(void **state)
{
	double base[12], cand[12], w[] = { 1, 2, 9 };
	struct res_paired c;
	int i;

	/* Walsh averages of 1 2 9: 1 1.5 2 5 5.5 9, median 3.5. */
	near(res_hodges_lehmann(w, 3), 3.5, 1e-15);
	for (i = 0; i < 12; i++) {
		base[i] = 10 + (i % 3);
		cand[i] = base[i] * 1.10;
	}
	res_paired_compare(base, cand, 12, &c);
	near(c.ratio, 1.10, 1e-12);
	near(c.lo, 1.10, 1e-12);
	near(c.hi, 1.10, 1e-12);
	/* Twelve equal log ratios: ranks tie, all positive: 2 / 2^12. */
	near(c.p, 2.0 / 4096, 1e-15);
	res_paired_decide(&c, 0.05, 0.05, 0);
	assert_int_equal(c.status, RES_TP_SLOWER);
	/* Not beyond what the identical-code controls moved. */
	res_paired_decide(&c, 0.05, 0.05, 0.12);
	assert_int_equal(c.status, RES_TP_SAME);
	/* Not significant after the family's adjustment. */
	c.p_adj = 0.2;
	res_paired_decide(&c, 0.05, 0.05, 0);
	assert_int_equal(c.status, RES_TP_SAME);
	assert_false(c.significant);
	/*
	 * At the threshold: +4% whose interval reaches +6% is not shown to
	 * be below 5%, and fails; one whose interval stops at +4.5% does not.
	 */
	c.p_adj = 0.001;
	c.ratio = 1.04, c.lo = 1.02, c.hi = 1.06;
	res_paired_decide(&c, 0.05, 0.05, 0);
	assert_int_equal(c.status, RES_TP_SLOWER);
	c.hi = 1.045;
	res_paired_decide(&c, 0.05, 0.05, 0);
	assert_int_equal(c.status, RES_TP_SAME);
	c.ratio = 0.96, c.lo = 0.94, c.hi = 0.98;
	res_paired_decide(&c, 0.05, 0.05, 0);
	assert_int_equal(c.status, RES_TP_FASTER);
}

/*
 * A round's sample: the median of its repetitions, for one thread as for
 * several (a host that lends time makes the fastest a rare level); what
 * is not a time is skipped, nothing left is NAN.
 */
static void test_round_sample(void **state)
{
	double reps[] = { 2.31, 1.89, 2.26, NAN, 2.35, -1, 1.91 };
	double none[] = { NAN, 0 };

	/* 1.89 1.91 2.26 2.31 2.35: the middle one, not the fastest. */
	near(res_round_sample(reps, 7), 2.26, 0);
	/* 2.31 1.89 2.26 and a NAN: the median of three. */
	near(res_round_sample(reps, 4), 2.26, 0);
	near(res_round_sample(reps, 2), (2.31 + 1.89) / 2, 1e-15);
	assert_true(isnan(res_round_sample(none, 2)));
	assert_true(isnan(res_round_sample(none, 0)));
}

/*
 * A round's paired log ratio: turn by turn.  The host's level moves both
 * sides of a turn, but in the third it changed between them: base 1 2 1
 * 2 1, candidate 1.05 2.1 2.1 2.1 1.05 is 5% slower in four turns of five,
 * where the medians (1 and 2.1) say 110%.  Turns with a side that is not
 * a time are left out; none left is NAN.
 */
static void test_round_log_ratio(void **state)
{
	double base[] = { 1, 2, 1, 2, 1, 1, NAN };
	double cand[] = { 1.05, 2.1, 2.1, 2.1, 1.05, -1, 3 };
	double none[] = { NAN, 0 };

	near(res_round_log_ratio(base, cand, 2), log(1.05), 1e-15);
	near(res_round_log_ratio(base, cand, 5), log(1.05), 1e-15);
	near(log(res_round_sample(cand, 5) / res_round_sample(base, 5)),
	     log(2.1), 1e-15);
	/* The sixth and seventh turns are not whole: as five. */
	near(res_round_log_ratio(base, cand, 7), log(1.05), 1e-15);
	assert_true(isnan(res_round_log_ratio(none, cand, 2)));
	assert_true(isnan(res_round_log_ratio(base, cand, 0)));
}

/* Per-round log ratios: the same ratio and p as from the ns/op pairs. */
static void test_paired_compare_logs(void **state)
{
	double base[] = { 1, 2, 1.5, 1.1, 1.3, 1.2, 0.9, 1.4 };
	double cand[] = { 1.1, 2.3, 1.6, 1.2, 1.3, 1.4, 1, 1.5 };
	double d[9];
	struct res_paired a, b;
	int i;

	for (i = 0; i < 8; i++)
		d[i] = log(cand[i] / base[i]);
	d[8] = NAN;
	res_paired_compare(base, cand, 8, &a);
	res_paired_compare_logs(d, 9, &b);
	assert_int_equal(b.rounds, 8);
	near(b.ratio, a.ratio, 0);
	near(b.p, a.p, 0);
	near(b.scale, a.scale, 0);
}

/*
 * The signed-rank critical values, by enumerating the 2^n sign patterns:
 * the largest t with P(T <= t) <= .025 is -1 for 5 (2/32 > .05), 0 for
 * 6, 3 for 8, 13 for 12 (the published table's).  The interval of the
 * power test's d below: its 36 Walsh averages sorted, the 4th and the
 * 33rd, -.01 and .04.
 */
static void test_hl_interval(void **state)
{
	double d[] = { 0.01, -0.02, 0.03, 0, 0.05, -0.01, 0.02, 0.04 };
	double lo, hi;

	assert_int_equal(res_signed_rank_crit(5, 0.05), -1);
	assert_int_equal(res_signed_rank_crit(6, 0.05), 0);
	assert_int_equal(res_signed_rank_crit(8, 0.05), 3);
	assert_int_equal(res_signed_rank_crit(12, 0.05), 13);
	res_hodges_lehmann_ci(d, 8, 0.05, &lo, &hi);
	near(lo, -0.01, 1e-15);
	near(hi, 0.04, 1e-15);
	res_hodges_lehmann_ci(d, 5, 0.05, &lo, &hi);
	assert_true(isinf(lo) && isinf(hi));
}

/*
 * Power, by hand (python3's statistics.NormalDist for the quantiles):
 * d = .01 -.02 .03 0 .05 -.01 .02 .04, median .015, absolute deviations
 * .005 .035 .015 .015 .035 .025 .005 .025, MAD .02, scale 1.4826 * .02 =
 * .029652.  alpha .05, one benchmark: z(.975) + z(.8) = 1.959964 +
 * .841621 = 2.801585; delta = 2.801585 * .029652 / sqrt(8 * 3 / pi) =
 * .0300555, MDE e^delta - 1 = .0305120.  A 1% effect needs
 * (2.801585 * .029652 / ln 1.01)^2 * pi / 3 = 72.99 -> 73 rounds; 5%
 * needs 3.04 -> 4, but the exact test needs 6 to reach p < .05 at all
 * (2 / 2^6 = .031).  Ten benchmarks: Holm's first step is .005, which
 * 2 / 2^n reaches from n = 9 (2 / 512 = .0039): 8 rounds detect nothing.
 */
static void test_power(void **state)
{
	double d[] = { 0.01, -0.02, 0.03, 0, 0.05, -0.01, 0.02, 0.04 };
	double flat[] = { 0.1, 0.1, 0.1, 0.1, 0.3 };
	double base[8], cand[8];
	struct res_paired c;
	int i;

	near(res_normal_quantile(0.975), 1.959963984540054, 1e-9);
	near(res_normal_quantile(0.8), 0.8416212335729144, 1e-9);
	near(res_paired_scale(d, 8), 0.029652, 1e-12);
	/* MAD 0: the sample standard deviation, sqrt(.032 / 4). */
	near(res_paired_scale(flat, 5), 0.08944271909999159, 1e-12);
	assert_true(isnan(res_paired_scale(d, 1)));
	near(res_paired_mde(0.029652, 8, 0.05, 1), 0.030511953054843794, 1e-9);
	assert_int_equal(res_paired_rounds_for(0.029652, 0.01, 0.05, 1), 73);
	assert_true(res_paired_mde(0.029652, 73, 0.05, 1) <= 0.01);
	assert_true(res_paired_mde(0.029652, 72, 0.05, 1) > 0.01);
	assert_int_equal(res_paired_rounds_for(0.029652, 0.05, 0.05, 1), 6);
	assert_int_equal(res_paired_min_rounds(0.05, 1), 6);
	assert_int_equal(res_paired_min_rounds(0.05, 4), 8);	/* 4 * 2/128 */
	assert_int_equal(res_paired_min_rounds(0.05, 10), 9);
	assert_true(isinf(res_paired_mde(0.029652, 8, 0.05, 10)));
	assert_int_equal(res_paired_rounds_for(0.029652, 0.05, 0.05, 10), 9);
	assert_int_equal(res_paired_rounds_for(NAN, 0.05, 0.05, 1), -1);
	/* Through res_paired_compare(): the same log ratios, then power. */
	for (i = 0; i < 8; i++) {
		base[i] = 10;
		cand[i] = 10 * exp(d[i]);
	}
	res_paired_compare(base, cand, 8, &c);
	near(c.scale, 0.029652, 1e-12);
	res_paired_power(&c, 0.05, 1, 0.01);
	near(c.mde, 0.030511953054843794, 1e-9);
	assert_int_equal(c.rounds_needed, 73);
}

/*
 * 50,000 rounds would be 1.25e9 Walsh averages, counted in an int that
 * overflows: an absurd n is refused (NaN), never allocated.
 */
static void test_hodges_lehmann_bounded(void **state)
{
	static double d[50000];

	assert_true(isnan(res_hodges_lehmann(d, 50000)));
	assert_true(isnan(res_hodges_lehmann(d, 0)));
	near(res_hodges_lehmann(d, 1000), 0, 0);
}

/* A fix's trials where the pre-fix build hit, and what they bound. */
static void test_at_window(void **state)
{
	const struct res_bin ref[4] = {
		{ -64, -48, 1000, 0 }, { -48, -32, 1000, 30 },
		{ -32, -24, 500, 0 }, { -24, -16, 800, 4 },
	};
	struct res_bin cand[4] = {
		{ -64, -48, 7, 0 }, { -48, -32, 400000, 0 },
		{ -32, -24, 900000, 0 }, { -24, -16, 600000, 0 },
	};
	struct res_at_window w;

	/* Only the bins where ref was bad count, not those between. */
	assert_true(res_at_window(ref, 4, cand, 4, 0.05, &w));
	assert_int_equal(w.bins, 2);
	near(w.lo, -48, 0);
	near(w.hi, -16, 0);
	near(w.trials, 1e6, 0);
	near(w.bad, 0, 0);
	near(w.rate_hi * 1e6, 3.68879, 1e-4);
	cand[3].bad = 2;
	assert_true(res_at_window(ref, 4, cand, 4, 0.05, &w));
	near(w.bad, 2, 0);
	/*
	 * The candidate lists only bins it spent trials in: a bin of the
	 * window it never tried adds a bin and no trials.
	 */
	assert_true(res_at_window(ref, 4, cand, 3, 0.05, &w));
	assert_int_equal(w.bins, 2);
	near(w.trials, 400000, 0);
	assert_true(res_at_window(ref, 4, cand + 2, 2, 0.05, &w));
	near(w.trials, 600000, 0);
	/* Other edges, or a reference with nothing bad: no window. */
	cand[1].lo = -40;
	assert_false(res_at_window(ref, 4, cand, 4, 0.05, &w));
	assert_false(res_at_window(ref + 2, 1, cand + 2, 1, 0.05, &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdict_and_word),
		cmocka_unit_test(test_exposure),
		cmocka_unit_test(test_structural),
		cmocka_unit_test(test_clopper_pearson),
		cmocka_unit_test(test_binomial_tails),
		cmocka_unit_test(test_rate_compare),
		cmocka_unit_test(test_rate_beyond_drift),
		cmocka_unit_test(test_trials_needed),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_wilcoxon),
		cmocka_unit_test(test_paired),
		cmocka_unit_test(test_round_sample),
		cmocka_unit_test(test_round_log_ratio),
		cmocka_unit_test(test_paired_compare_logs),
		cmocka_unit_test(test_hodges_lehmann_bounded),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_hl_interval),
		cmocka_unit_test(test_at_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

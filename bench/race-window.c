// SPDX-License-Identifier: GPL-2.0
/*
 * The window map and the aim: see race-window.h.
 *
 * The table's edges grow by half-octaves (4 ns steps up to 16 ns, then
 * 16, 24, 32, 48, 64, ...), mirrored below zero: fine where the seeds'
 * windows are (a few to a few hundred ns: one instruction's load and
 * store, a lock's hold time), coarse out to a sleeping role's 131 us.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "race-window.h"

/* The open outermost bins are written as one second: no trial is that late. */
const double race_window_edges[RACE_WINDOW_NR_BINS + 1] = {
	-1e9, -131072, -98304, -65536, -49152, -32768, -24576, -16384, -12288,
	-8192, -6144, -4096, -3072, -2048, -1536, -1024, -768, -512, -384,
	-256, -192, -128, -96, -64, -48, -32, -24, -16, -12, -8, -4,
	0, 4, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768,
	1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 24576, 32768,
	49152, 65536, 98304, 131072, 1e9,
};
int8_t race_window_near_bins[2 * RACE_WINDOW_NEAR_NS];

__attribute__((constructor)) static void near_bins_init(void)
{
	int ns, b = 0;

	for (ns = -RACE_WINDOW_NEAR_NS; ns < RACE_WINDOW_NEAR_NS; ns++) {
		while (race_window_edges[b + 1] <= ns)
			b++;
		race_window_near_bins[ns + RACE_WINDOW_NEAR_NS] = (int8_t)b;
	}
}

static uint64_t next_rng(uint64_t *s)
{
	uint64_t x = (*s += 0x9e3779b97f4a7c15ull);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Uniform in (0, 1). */
static double uniform(uint64_t *s)
{
	return ((next_rng(s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(uint64_t *s)
{
	return sqrt(-2 * log(uniform(s))) * cos(2 * M_PI * uniform(s));
}

/* Marsaglia and Tsang's gamma variate, shape @a >= 1. */
static double gamma_variate(uint64_t *s, double a)
{
	double d = a - 1.0 / 3, c = 1 / sqrt(9 * d);

	for (;;) {
		double x = normal(s), v = 1 + c * x, u;

		if (v <= 0)
			continue;
		v = v * v * v;
		u = uniform(s);
		/* Their squeeze: implies the test below, without its logs. */
		if (u < 1 - 0.0331 * (x * x) * (x * x))
			return d * v;
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v;
	}
}

/* Gamma(a) for a whole a <= 16: minus the log of a product of uniforms. */
static double gamma_small(uint64_t *s, double a)
{
	double p = uniform(s);
	int i;

	if (a > 16 || a != floor(a))
		return gamma_variate(s, a);
	for (i = 1; i < (int)a; i++)
		p *= uniform(s);
	return -log(p);
}

static double beta_variate(uint64_t *s, double a, double b)
{
	double x = gamma_small(s, a), y;

	/*
	 * A bin with thousands of misses: Gamma(b) is b within a few
	 * percent (sd sqrt(b)), far inside the spread of Gamma(a); the
	 * leader plans every batch while the roles wait, so save the draw.
	 */
	y = b > 4096 ? b : gamma_variate(s, b);
	return x / (x + y);
}

void race_window_init(struct race_window *w, enum race_plan plan,
		      uint64_t seed)
{
	memset(w, 0, sizeof(*w));
	w->plan = plan;
	w->rng = seed;
	w->explore = 0.1;
	w->sweep_min = 128;
	w->trial_ns = 100;
	race_window_set_range(w, -256, 256);
}

void race_window_set_range(struct race_window *w, double lo_ns, double hi_ns)
{
	w->lo_bin = race_window_bin(lo_ns);
	w->hi_bin = race_window_bin(hi_ns);
	/* The open outer bins are measured, never aimed at. */
	if (w->lo_bin < 1)
		w->lo_bin = 1;
	if (w->hi_bin > RACE_WINDOW_NR_BINS - 2)
		w->hi_bin = RACE_WINDOW_NR_BINS - 2;
	if (w->hi_bin < w->lo_bin)
		w->hi_bin = w->lo_bin;
}

/* What the aim counts as a hit: bad trials once there are enough of them
 * to steer by; until then every trial that shows the roles overlapped. */
static uint64_t signal(const struct race_window *w, int b)
{
	const struct race_bin_counts *c = &w->aim[b];
	uint64_t k = w->bad >= 8 ? c->bad : c->bad + c->racy;

	return k < c->trials ? k : c->trials;
}

static double bin_cost(int b, double trial_ns)
{
	double lo = fabs(race_window_lo(b)), hi = fabs(race_window_hi(b));

	/* A trial at offset o takes its slot plus |o| (the later role waits). */
	return trial_ns + (lo + hi) / 2;
}

/* Exploration looks this many bins past each end of the range. */
#define OUTER_BINS 2

static int outer_lo(const struct race_window *w)
{
	return w->lo_bin - OUTER_BINS < 1 ? 1 : w->lo_bin - OUTER_BINS;
}

static int outer_hi(const struct race_window *w)
{
	return w->hi_bin + OUTER_BINS > RACE_WINDOW_NR_BINS - 2 ?
	       RACE_WINDOW_NR_BINS - 2 : w->hi_bin + OUTER_BINS;
}

/*
 * The best bin (posterior mean hits per second, among those with a hit
 * and a sweep's worth of trials) is at an edge of the range or past it:
 * the window may go on there, take it in.
 */
uint64_t race_window_signal(const struct race_window *w, uint64_t bad,
			    uint64_t racy)
{
	return w->bad >= 8 ? bad : bad + racy;
}

int race_window_arm(struct race_window *w)
{
	double best = -1;
	int a, at = RACE_ARM_SLOTTED;

	if (w->plan != RACE_PLAN_AIMED || !w->swept)
		return RACE_ARM_SLOTTED;
	/* Each way a few batches first. */
	for (a = 0; a < 2; a++)
		if (w->arm_batches[a] < 4)
			return a;
	/*
	 * Then a tenth of the time explores, shared by the two ways: by
	 * time, not by batch, as a slotted batch of a short race (SB) takes
	 * ten times a free one, and one batch in twenty slotted was 45% of
	 * the run.
	 */
	a = uniform(&w->rng) < 0.5 ? RACE_ARM_SLOTTED : RACE_ARM_FREE;
	if (uniform(&w->rng) < 0.1 * fmin(w->arm_ns[0] / w->arm_n[0],
					  w->arm_ns[1] / w->arm_n[1]) /
			       (w->arm_ns[a] / w->arm_n[a]))
		return a;
	/* Poisson rate of hits per second: Gamma(1 + k) / exposure. */
	for (a = 0; a < 2; a++) {
		double rate = gamma_variate(&w->rng, 1.0 + w->arm_signal[a]) /
			      w->arm_ns[a];

		if (rate > best) {
			best = rate;
			at = a;
		}
	}
	return at;
}

void race_window_arm_note(struct race_window *w, int arm, uint64_t signal,
			  double ns)
{
	int a;

	/*
	 * Forget slowly (half-life about 70 batches): the slotted way gets
	 * better as the aim narrows, and a shared machine's load comes and
	 * goes; an early verdict must not stick.
	 */
	for (a = 0; a < 2; a++) {
		w->arm_signal[a] *= 0.99;
		w->arm_ns[a] *= 0.99;
		w->arm_n[a] *= 0.99;
	}
	w->arm_signal[arm] += (double)signal;
	w->arm_ns[arm] += ns > 1 ? ns : 1;
	w->arm_n[arm] += 1;
	w->arm_batches[arm]++;
}

static void widen(struct race_window *w)
{
	int b, at = -1, lo = outer_lo(w), hi = outer_hi(w);
	double best = -1;

	for (b = lo; b <= hi; b++) {
		double m = (signal(w, b) + 1.0) / (w->aim[b].trials + 2.0) /
			   bin_cost(b, w->trial_ns);

		if (signal(w, b) && w->aim[b].trials >= w->sweep_min &&
		    m > best) {
			best = m;
			at = b;
		}
	}
	if (at < 0)
		return;
	if (at <= w->lo_bin)
		w->lo_bin = at - OUTER_BINS < 1 ? 1 : at - OUTER_BINS;
	if (at >= w->hi_bin)
		w->hi_bin = at + OUTER_BINS > RACE_WINDOW_NR_BINS - 2 ?
			    RACE_WINDOW_NR_BINS - 2 : at + OUTER_BINS;
}

void race_window_merge(struct race_window *w, struct race_window_tally *t)
{
	int b, o;
	bool swept = true;

	for (; t->touched; t->touched &= t->touched - 1) {
		b = __builtin_ctzll(t->touched);
		w->map[b].trials += t->map[b].trials;
		w->map[b].bad += t->map[b].bad;
		w->map[b].racy += t->map[b].racy;
		w->trials += t->map[b].trials;
		w->bad += t->map[b].bad;
		w->racy += t->map[b].racy;
		w->aim[b].trials += t->aim[b].trials;
		w->aim[b].bad += t->aim[b].bad;
		w->aim[b].racy += t->aim[b].racy;
		for (o = 0; o < RACE_WINDOW_MAX_OUTCOMES; o++)
			w->outcomes[b][o] += t->outcomes[b][o];
		memset(&t->map[b], 0, sizeof(t->map[b]));
		memset(&t->aim[b], 0, sizeof(t->aim[b]));
		memset(t->outcomes[b], 0, sizeof(t->outcomes[b]));
	}
	for (b = w->lo_bin; b <= w->hi_bin; b++)
		if (w->aim[b].trials < w->sweep_min)
			swept = false;
	w->swept = swept;
	if (w->plan == RACE_PLAN_AIMED && swept)
		widen(w);
}

static int uniform_bin(struct race_window *w)
{
	unsigned int span = (unsigned int)(w->hi_bin - w->lo_bin + 1);

	return w->lo_bin + (int)(next_rng(&w->rng) % span);
}

/* An exploring trial: a quarter of them look just past the range. */
static int explore_bin(struct race_window *w)
{
	uint64_t x = next_rng(&w->rng);
	int lo = outer_lo(w), hi = outer_hi(w);

	if (x & 3 || (lo == w->lo_bin && hi == w->hi_bin))
		return uniform_bin(w);
	x >>= 2;
	if ((x & 1 && lo < w->lo_bin) || hi == w->hi_bin)
		return lo + (int)((x >> 1) % (uint64_t)(w->lo_bin - lo));
	return w->hi_bin + 1 + (int)((x >> 1) % (uint64_t)(hi - w->hi_bin));
}

/* Thompson sampling: the bin whose sampled hit rate per second is highest. */
static int thompson_bin(struct race_window *w, double trial_ns)
{
	double best = -1;
	int b, at = w->lo_bin;

	for (b = w->lo_bin; b <= w->hi_bin; b++) {
		uint64_t n = w->aim[b].trials, k = signal(w, b);
		double theta = beta_variate(&w->rng, 1.0 + (double)k,
					    1.0 + (double)(n - k));

		theta /= bin_cost(b, trial_ns);
		if (theta > best) {
			best = theta;
			at = b;
		}
	}
	return at;
}

/* Thompson draws per batch, each picking the bin of 1/CHUNKS of its trials. */
#define CHUNKS 1

void race_window_plan(struct race_window *w, int16_t *bins, unsigned int n,
		      double trial_ns)
{
	unsigned int i, c, per = (n + CHUNKS - 1) / CHUNKS, left = 0;
	/* explore in 1/65536ths: 0.1 is 0.100006 */
	uint32_t cut = (uint32_t)(w->explore * 65536 + 0.5);
	uint64_t bits = 0;

	w->trial_ns = trial_ns;
	if (w->plan != RACE_PLAN_AIMED || !w->swept) {
		for (i = 0; i < n; i++)
			bins[i] = (int16_t)uniform_bin(w);
		return;
	}
	for (c = 0; c * per < n; c++) {
		int at = thompson_bin(w, trial_ns);

		for (i = c * per; i < n && i < (c + 1) * per; i++) {
			/*
			 * Whether to explore, from 16 bits of a draw, four
			 * trials a draw: the leader plans while the roles
			 * wait, and a draw per trial was a tenth of LU's
			 * batch.
			 */
			if (!left) {
				bits = next_rng(&w->rng);
				left = 4;
			}
			bins[i] = (int16_t)((bits & 0xffff) < cut ?
					    explore_bin(w) : at);
			bits >>= 16;
			left--;
		}
	}
}

double race_window_draw(struct race_window *w, int bin)
{
	double lo = race_window_lo(bin), hi = race_window_hi(bin);

	if (lo < -RACE_WINDOW_MAX_AIM_NS)
		lo = -RACE_WINDOW_MAX_AIM_NS;
	if (hi > RACE_WINDOW_MAX_AIM_NS)
		hi = RACE_WINDOW_MAX_AIM_NS;
	return lo + (hi - lo) * uniform(&w->rng);
}

const char *race_plan_name(enum race_plan plan)
{
	switch (plan) {
	case RACE_PLAN_AIMED:
		return "aimed";
	case RACE_PLAN_UNIFORM:
		return "uniform";
	default:
		return "jitter";
	}
}

void race_window_span(const struct race_window *w, double *lo, double *hi,
		      uint64_t *trials)
{
	uint64_t trim = w->trials / 200, below = 0, above = 0, n = 0;
	int a = w->lo_bin, z = w->hi_bin, b;

	if (w->plan == RACE_PLAN_JITTER) {
		/* Not aimed: trim bins holding at most 0.5% each side. */
		a = 0;
		z = RACE_WINDOW_NR_BINS - 1;
		while (a < z && below + w->map[a].trials <= trim)
			below += w->map[a++].trials;
		while (z > a && above + w->map[z].trials <= trim)
			above += w->map[z--].trials;
	}
	for (b = a; b <= z; b++)
		n += w->map[b].trials;
	*lo = race_window_lo(a);
	*hi = race_window_hi(z);
	*trials = n;
}

/* The plan's interrupts, for the end of its summary ("" if none). */
static void describe_irq(const struct race_window *w, char *buf, size_t len)
{
	*buf = 0;
	if (w->irq_point)
		snprintf(buf, len,
			 "; every trial an interrupt of 0-%.0f ns armed in %s at \"%s\" (taken in %llu)",
			 w->irq_max_ns, w->irq_role, w->irq_point,
			 (unsigned long long)w->irq_taken);
}

void race_window_describe(const struct race_window *w, char *buf, size_t len)
{
	double lo, hi;
	uint64_t n;
	int b, most = 0;
	char irq[256];

	describe_irq(w, irq, sizeof(irq));
	race_window_span(w, &lo, &hi, &n);
	if (!w->bad) {
		snprintf(buf, len, "plan %s: Never over offsets [%.0f, %.0f] ns in %llu trials%s",
			 race_plan_name(w->plan), lo, hi, (unsigned long long)n,
			 irq);
		return;
	}
	for (b = 1; b < RACE_WINDOW_NR_BINS; b++)
		if (w->map[b].bad > w->map[most].bad)
			most = b;
	snprintf(buf, len,
		 "plan %s over offsets [%.0f, %.0f] ns (%llu trials there); most bad at [%.0f, %.0f) ns: %llu in %llu trials%s",
		 race_plan_name(w->plan), lo, hi, (unsigned long long)n,
		 race_window_lo(most), race_window_hi(most),
		 (unsigned long long)w->map[most].bad,
		 (unsigned long long)w->map[most].trials, irq);
}

json_t *race_window_json(const struct race_window *w)
{
	json_t *bins = json_array();
	double lo, hi;
	uint64_t n;
	char desc[RACE_WINDOW_DESC_LEN];
	json_t *j;
	int b;

	for (b = 0; b < RACE_WINDOW_NR_BINS; b++) {
		const struct race_bin_counts *c = &w->map[b];
		json_t *classes = json_object();
		int o;

		if (!c->trials && !w->aim[b].trials) {
			json_decref(classes);
			continue;
		}
		for (o = 0; o < RACE_WINDOW_MAX_OUTCOMES; o++)
			if (w->names[o] && w->outcomes[b][o])
				json_object_set_new(classes, w->names[o],
					json_integer((json_int_t)w->outcomes[b][o]));
		json_array_append_new(bins, json_pack(
			"{s:f, s:f, s:I, s:I, s:I, s:I, s:o}", "lo",
			race_window_lo(b), "hi", race_window_hi(b), "trials",
			(json_int_t)c->trials, "bad", (json_int_t)c->bad,
			"racy", (json_int_t)c->racy, "aimed",
			(json_int_t)w->aim[b].trials, "outcomes", classes));
	}
	race_window_span(w, &lo, &hi, &n);
	race_window_describe(w, desc, sizeof(desc));
	j = json_pack("{s:s, s:s, s:s, s:s, s:[f,f], s:f, s:{s:[f,f], s:I}, s:{s:I, s:I, s:I, s:s}, s:s, s:o}",
			 "unit", "ns", "plan", race_plan_name(w->plan),
			 "table", RACE_WINDOW_TABLE, "offset",
			 "measured start of the second role minus the first's, per trial (a packed batch's: per run of 64 trials, at the run's start)",
			 "range", race_window_lo(w->lo_bin),
			 race_window_hi(w->hi_bin), "explore",
			 w->plan == RACE_PLAN_AIMED ? w->explore : 1.0,
			 "covered", "ns", lo, hi, "trials", (json_int_t)n,
			 "batches", "slotted", (json_int_t)w->arm_batches[RACE_ARM_SLOTTED],
			 "free", (json_int_t)w->arm_batches[RACE_ARM_FREE],
			 "packed", (json_int_t)w->packed_batches, "rule",
			 "plan aimed: each batch slotted (trials at their aimed offsets) or free (back to back, no slots; mapped, not aimed; packed: a calibration shape's trials side by side, each role over them in one loop), by Thompson sampling on hits per second, a tenth of the time exploring",
			 "summary", desc, "bins", bins);
	if (j && w->irq_point)
		json_object_set_new(j, "interrupt", json_pack(
			"{s:s, s:s, s:f, s:I, s:s}", "point", w->irq_point,
			"role", w->irq_role, "max_ns", w->irq_max_ns, "taken",
			(json_int_t)w->irq_taken, "rule",
			"every trial, every variant and order alike: one interrupt armed at the point, its handler's time uniform in [0, max_ns] ns, taken when the role passes the point (KCSAN's delay injection, kernel/kcsan/core.c); taken counts the measured trials that took it"));
	return j;
}

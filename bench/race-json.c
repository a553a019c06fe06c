// SPDX-License-Identifier: GPL-2.0
/*
 * What a race run says: its element of races.json "results" (outcomes
 * with their intervals, the assertion sites that fired, window map,
 * deadline, verdict and message), and the worst verdict of a list.  Every
 * rule behind a verdict or an interval is results.c's; this file renders
 * a finished struct race_run (race-run.h), which race-batch.c fills and
 * race-place.c starts; race.c lists every part.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <flagbench/mmdebug.h>
#include <flagbench/variant.h>
#include "cycles.h"
#include "lkmm.h"
#include "race-deadline.h"
#include "race-run.h"
#include "race-window.h"
#include "race.h"
#include "results.h"
#include "topology.h"

static json_t *outcome_json(const struct race_outcome *o, unsigned long count,
			    unsigned long trials, double seconds)
{
	double lo, hi, scale = trials ? 1e6 / trials : 0;

	/* The one interval (results.h), in trials: k of n. */
	res_binom_ci(count < trials ? count : trials, trials, RES_ALPHA, &lo, &hi);
	lo *= trials;
	hi *= trials;
	return json_pack("{s:s, s:b, s:I, s:f, s:f, s:[f,f], s:b, s:s}",
			 "name", o->name, "bad", o->bad, "count",
			 (json_int_t)count, "per_million", count * scale,
			 "per_second", seconds > 0 ? count / seconds : 0.0,
			 "ci95_per_million", lo * scale, hi * scale,
			 "upper_bound", count == 0, "help",
			 o->help ? o->help : "");
}

static json_t *assertions_json(struct race_run *r)
{
	json_t *a = json_array();
	struct vm_bug_site *site;
	size_t n = 0;

	for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++, n++) {
		unsigned long hits = __atomic_load_n(&site->hits, __ATOMIC_RELAXED) -
				     r->site_base[n];

		if (!hits)
			continue;
		json_array_append_new(a, json_pack(
			"{s:s, s:s, s:s, s:s, s:i, s:I, s:f}", "macro",
			site->macro, "cond", site->cond, "func", site->func,
			"file", site->file, "line", site->line, "hits",
			(json_int_t)hits, "per_million",
			r->trials ? hits * 1e6 / r->trials : 0.0));
	}
	return a;
}

static void format_message(char *buf, size_t len, struct race_run *r,
			   enum expectation e, const char *verdict,
			   unsigned long bad)
{
	const struct race_scenario *s = r->s;
	double lo, hi, rlo, rhi, scale = r->trials ? 1e6 / r->trials : 0;
	double rscale = r->reached ? 1e6 / r->reached : 0;
	char names[128] = "", plan[256];
	unsigned int i;

	/* Every rate is read with its sampling plan beside it. */
	race_window_describe(&r->win, plan, sizeof(plan));
	for (i = 0; i < s->nr_outcomes; i++)
		if (s->outcomes[i].bad)
			snprintf(names + strlen(names), sizeof(names) - strlen(names),
				 "%s%s", names[0] ? "+" : "", s->outcomes[i].name);
	/*
	 * Two bounds: over every trial, and over the trials that reached the
	 * window (a racy or bad outcome), where "0 lost in 1,426 sleeps" is
	 * the evidence a forbidden verdict really has.
	 */
	res_binom_ci(bad, r->trials, RES_ALPHA, &lo, &hi);
	res_binom_ci(bad, r->reached, RES_ALPHA, &rlo, &rhi);
	lo *= r->trials;
	hi *= r->trials;
	rlo *= r->reached;
	rhi *= r->reached;
	if (bad)
		snprintf(buf, len,
			 "%s: %s %lu in %lu trials (%.4g per million, 95%% CI %.4g-%.4g); %lu in %lu trials that reached the window (%.4g per million, 95%% CI %.4g-%.4g; %s), expected %s: %s",
			 s->name, names, bad, r->trials, bad * scale, lo * scale,
			 hi * scale, bad, r->reached, bad * rscale,
			 rlo * rscale, rhi * rscale, plan, expectation_name(e),
			 verdict);
	else if (r->reached)
		snprintf(buf, len,
			 "%s: %s 0 in %lu trials (< %.4g per million, 95%%); 0 in %lu trials that reached the window (< %.4g per million, 95%%; %s), expected %s: %s",
			 s->name, names, r->trials, hi * scale, r->reached,
			 rhi * rscale, plan, expectation_name(e), verdict);
	else
		snprintf(buf, len,
			 "%s: %s 0 in %lu trials (< %.4g per million, 95%%); no trial reached the window (%s), expected %s: %s",
			 s->name, names, r->trials, hi * scale, plan,
			 expectation_name(e), verdict);
}

json_t *race_result_json(struct race_run *r, enum fb_pair_class pc,
			 const int *cpus)
{
	const struct race_scenario *s = r->s;
	const char *arch = this_variant.arch;
	/* Serialised, the roles never meet: a bad outcome is never allowed. */
	enum expectation e = r->p->order != RACE_INTERLEAVED ?
		EXPECT_FORBIDDEN : race_expectation(s, arch);
	const struct lkmm_twin *twin;
	/* Calibrated once: the rate the run's slots were timed with. */
	double ticks_per_ns = fb_cycles_per_ns();
	json_t *res, *outcomes = json_array();
	json_t *jcpus = json_array(), *roles = json_array();
	unsigned long bad = 0;
	const char *verdict;
	char msg[768];
	unsigned int i;

	for (i = 0; i < r->nr_roles; i++) {
		json_array_append_new(jcpus, json_integer(cpus[i]));
		json_array_append_new(roles, json_string(r->roles[i].name));
	}
	for (i = 0; i < s->nr_outcomes; i++) {
		json_array_append_new(outcomes, outcome_json(&s->outcomes[i],
							     r->counts[i],
							     r->trials, r->seconds));
	}
	bad = r->bad_trials;
	verdict = res_verdict_name(res_race_verdict(
		res_expect_parse(expectation_name(e)), bad));
	format_message(msg, sizeof(msg), r, e, verdict, bad);
	res = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:I, s:f}",
			"scenario", s->name, "variant", this_variant.name, "arch",
			arch, "seed", s->seed, "pair_class",
			fb_pair_class_name(pc), "cpus", jcpus, "roles", roles,
			"trials", (json_int_t)r->trials, "seconds", r->seconds);
	json_object_set_new(res, "order",
			    json_string(race_order_name(r->p->order)));
	json_object_set_new(res, "reached_trials",
			    json_integer((json_int_t)r->reached));
	json_object_set_new(res, "bad_trials", json_integer((json_int_t)bad));
	json_object_set_new(res, "observation",
			    json_string(res_observation(bad, r->trials)));
	json_object_set_new(res, "jitter", json_pack(
		"{s:i, s:b, s:s, s:s}", "max_spins", r->jitter,
		"calibrated", false, "spin",
		"one empty compiler-barrier loop iteration (about a cycle)",
		"sides",
		"with --jitter MAX (plan jitter), each trial, every role but the first is offset by a random -max..+max spins from it; the earlier side waits"));
	json_object_set_new(res, "window", race_window_json(&r->win));
	json_object_set_new(res, "deadline", race_deadline_json(&r->dl));
	json_object_set_new(res, "alignment", json_pack(
		"{s:s, s:f, s:f, s:f}", "counter", fb_cycles_name(),
		"ticks_per_ns", ticks_per_ns, "period_ns",
		r->period / ticks_per_ns, "late_fraction",
		r->slots ? (double)r->late / r->slots : 0.0));
	json_object_set_new(res, "deadline_ns",
			    json_integer((json_int_t)r->dl.ns));
	json_object_set_new(res, "outcomes", outcomes);
	json_object_set_new(res, "assertions", assertions_json(r));
	json_object_set_new(res, "expectation", json_string(expectation_name(e)));
	json_object_set_new(res, "verdict", json_string(verdict));
	json_object_set_new(res, "message", json_string(msg));
	twin = lkmm_twin_for(s->name);
	if (twin)	/* the model's verdict, shown beside the count */
		json_object_set_new(res, "lkmm", lkmm_result_json(twin));
	return res;
}

const char *race_worst_verdict(json_t *results)
{
	const char *worst = "PASS";
	json_t *r;
	size_t i;

	json_array_foreach(results, i, r) {
		const char *v = json_string_value(json_object_get(r, "verdict"));

		if (!v)
			continue;
		if (!strcmp(v, "FAIL"))
			return "FAIL";
		if (!strcmp(v, "WARN"))
			worst = "WARN";
	}
	return worst;
}

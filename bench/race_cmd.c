// SPDX-License-Identifier: GPL-2.0
/*
 * `flagbench-<variant> race SCENARIO...`: run scenarios, print the table
 * and the litmus-style observations, write the race JSON; and the
 * "scenarios" key of `list`.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flagbench/variant.h>
#include "command.h"
#include "machine.h"
#include "race.h"
#include "topology.h"

static const char race_usage[] =
	"SCENARIO...|all [--seconds S] [--trials N] [--pairs CLASS,...|all]\n"
	"        [--aim on|off] [--jitter MAX|auto] [--deadline-us US]\n"
	"        [--deadline-floor-us US] [--batch N] [--json FILE] [--map] [--quiet]";

static void race_help(void)
{
	const struct race_scenario *const *s;

	printf("usage: flagbench-%s race %s\n\n", this_variant.name, race_usage);
	printf(
"Run each scenario's roles on pinned CPUs, trial after trial, and count\n"
"each outcome class; check the bad ones against this variant's expectation\n"
"(forbidden and observed: FAIL; reproduce and not observed: WARN).\n\n"
"  --seconds S      bound per scenario and CPU pair (default 1; 0: none)\n"
"  --trials N       stop measuring after N trials (default: no bound)\n"
"  --pairs LIST     CPU pair classes to run on: smt,l2,l3,package,none or\n"
"                   all (default: the closest and the farthest present)\n"
"  --aim on|off     every trial records the roles' measured relative start\n"
"                   and bins its outcome on a fixed table of ns offsets\n"
"                   (the window map); on (default): sweep a range twice the\n"
"                   roles' duration, then spend 90%% of the trials where the\n"
"                   map says hits are likeliest per second (Thompson\n"
"                   sampling) and 10%% uniformly (a quarter of them just\n"
"                   past the range, which widens when hits show there),\n"
"                   each batch slotted at those offsets or free-running\n"
"                   (back to back, measured), whichever hits more per second;\n"
"                   off: the sweep only\n"
"  --jitter MAX|auto  instead of aiming, a random -MAX..+MAX short spins\n"
"                   (an empty loop iteration, about a cycle) between the\n"
"                   roles (plan jitter); auto: as if not given\n"
"  --deadline-us US every sleep of a role ends after US microseconds at the\n"
"                   latest (default 200); a missed deadline is an outcome\n"
"  --deadline-floor-us US  the deadline adapts to 8x the 99th percentile of\n"
"                   woken trials' duration, never below US (default 20);\n"
"                   equal to --deadline-us: a fixed deadline\n"
"  --batch N        trial instances per batch (default 1024)\n"
"  --json FILE      write the results as JSON (format flagbench-race v1)\n"
"  --map            print each result's window map (bins with trials)\n"
"  --quiet          no table on the terminal\n\n"
"Exit status: 0 pass (or warn), 1 a forbidden outcome was observed,\n"
"2 error.\n\nscenarios:\n");
	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
		printf("  %-20s %s%s%s\n", (*s)->name,
		       (*s)->seed ? "seed " : "calibration",
		       (*s)->seed ? (*s)->seed : "", "");
}

static int parse_double(const char *opt, const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end || *v < 0) {
		fb_error("%s: not a non-negative number: '%s'", opt, s);
		return -1;
	}
	return 0;
}

static int parse_ulong(const char *opt, const char *s, unsigned long *v)
{
	double d;

	/* 1e6 is accepted: trial counts are written that way. */
	if (parse_double(opt, s, &d))
		return -1;
	if (d != (double)(unsigned long)d) {
		fb_error("%s: not a whole number: '%s'", opt, s);
		return -1;
	}
	*v = (unsigned long)d;
	return 0;
}

static int parse_pairs(const char *s, unsigned int *mask)
{
	char buf[128], *tok, *save;

	*mask = 0;
	if (!strcmp(s, "all")) {
		*mask = (1u << FB_NR_PAIR_CLASSES) - 1;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = fb_pair_class_parse(tok);

		if (c < 0) {
			fb_error("--pairs: unknown class '%s' (smt, l2, l3, package, none, all)",
				 tok);
			return -1;
		}
		*mask |= 1u << c;
	}
	if (!*mask) {
		fb_error("--pairs: empty list");
		return -1;
	}
	return 0;
}

/* Fail early, before minutes of racing, if the result cannot be written. */
static int check_writable(const char *path)
{
	char tmp[PATH_MAX];
	int fd;

	if (!strcmp(path, "-"))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.probe.%d", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0) {
		fb_error("--json: cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

static void print_result(json_t *r)
{
	json_t *o, *ci;
	size_t i;
	char cpus[64] = "";
	json_t *c;
	size_t k;

	json_array_foreach(json_object_get(r, "cpus"), k, c)
		snprintf(cpus + strlen(cpus), sizeof(cpus) - strlen(cpus), "%s%lld",
			 k ? "," : "", (long long)json_integer_value(c));
	printf("%-20s %-7s cpus %-7s %12lld trials %7.2f s  jitter %d%s  period %.0f ns, %.1f%% late\n",
	       json_string_value(json_object_get(r, "scenario")),
	       json_string_value(json_object_get(r, "pair_class")), cpus,
	       (long long)json_integer_value(json_object_get(r, "trials")),
	       json_real_value(json_object_get(r, "seconds")),
	       (int)json_integer_value(json_object_get(
		       json_object_get(r, "jitter"), "max_spins")),
	       json_is_true(json_object_get(json_object_get(r, "jitter"),
					    "calibrated")) ? " (auto)" : "",
	       json_real_value(json_object_get(json_object_get(r, "alignment"),
					       "period_ns")),
	       100 * json_real_value(json_object_get(
			     json_object_get(r, "alignment"), "late_fraction")));
	printf("    %-24s %12s %14s %25s %14s\n", "outcome", "count",
	       "per million", "95% CI per million", "per second");
	json_array_foreach(json_object_get(r, "outcomes"), i, o) {
		ci = json_object_get(o, "ci95_per_million");
		printf("    %-22s%s %12lld %14.4g     [%9.4g, %9.4g] %14.4g\n",
		       json_string_value(json_object_get(o, "name")),
		       json_is_true(json_object_get(o, "bad")) ? " *" : "  ",
		       (long long)json_integer_value(json_object_get(o, "count")),
		       json_real_value(json_object_get(o, "per_million")),
		       json_real_value(json_array_get(ci, 0)),
		       json_real_value(json_array_get(ci, 1)),
		       json_real_value(json_object_get(o, "per_second")));
	}
	json_array_foreach(json_object_get(r, "assertions"), i, o)
		printf("    assertion %s(%s) in %s: %lld hits\n",
		       json_string_value(json_object_get(o, "macro")),
		       json_string_value(json_object_get(o, "cond")),
		       json_string_value(json_object_get(o, "func")),
		       (long long)json_integer_value(json_object_get(o, "hits")));
	printf("    %s %s\n\n", json_string_value(json_object_get(r, "verdict")),
	       json_string_value(json_object_get(r, "message")));
}

/* The window map: hit probability against the measured offset, per bin. */
static void print_window_map(json_t *r)
{
	json_t *w = json_object_get(r, "window"), *b;
	size_t i;

	printf("    window map (%s plan), offset = second role's start minus the first's:\n",
	       json_string_value(json_object_get(w, "plan")));
	printf("    %10s %10s %12s %10s %10s %12s %12s %10s\n", "lo ns", "hi ns",
	       "trials", "bad", "racy", "bad/trial", "95% CI hi", "aimed");
	json_array_foreach(json_object_get(w, "bins"), i, b) {
		long long n = json_integer_value(json_object_get(b, "trials"));
		long long k = json_integer_value(json_object_get(b, "bad"));
		double lo, hi;

		poisson_ci95((unsigned long)k, &lo, &hi);
		printf("    %10.0f %10.0f %12lld %10lld %10lld %12.3g %12.3g %10lld\n",
		       json_number_value(json_object_get(b, "lo")),
		       json_number_value(json_object_get(b, "hi")), n, k,
		       (long long)json_integer_value(json_object_get(b, "racy")),
		       n ? (double)k / n : 0.0, n ? hi / n : 0.0,
		       (long long)json_integer_value(json_object_get(b, "aimed")));
	}
	printf("\n");
}

/* litmus7: "Observation NAME Never|Sometimes POSITIVE NEGATIVE". */
static void print_observations(json_t *results)
{
	const struct race_scenario *const *s;

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		unsigned long long bad = 0, trials = 0;
		bool seen = false;
		json_t *r, *o;
		size_t i, k;

		json_array_foreach(results, i, r) {
			if (strcmp(json_string_value(json_object_get(r, "scenario")),
				   (*s)->name))
				continue;
			seen = true;
			trials += json_integer_value(json_object_get(r, "trials"));
			/* A trial is positive if any bad outcome was counted;
			 * the counts of separate bad classes may overlap, so
			 * the largest stands for them. */
			{
				unsigned long long worst = 0;

				json_array_foreach(json_object_get(r, "outcomes"), k, o)
					if (json_is_true(json_object_get(o, "bad")) &&
					    (unsigned long long)json_integer_value(
						    json_object_get(o, "count")) > worst)
						worst = json_integer_value(
							json_object_get(o, "count"));
				bad += worst;
			}
		}
		if (!seen)
			continue;
		if (bad > trials)
			bad = trials;
		printf("Observation %s %s %llu %llu\n", (*s)->name,
		       bad ? "Sometimes" : "Never", bad, trials - bad);
	}
}

static int race_main(int argc, char **argv)
{
	const struct race_scenario **list;
	struct race_params p;
	const char *json_path = NULL;
	json_t *results, *doc;
	char err[512];
	int i, n = 0, ret;
	bool all = false, show_map = false;

	race_params_default(&p);
	list = calloc((size_t)argc + (race_scenarios_end() - race_scenarios_begin()),
		      sizeof(*list));
	if (!list)
		return EXIT_ERROR;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long ul;
		double d;

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			race_help();
			free(list);
			return EXIT_PASS;
		}
		if (!strcmp(a, "--quiet")) {
			p.quiet = true;
			continue;
		}
		if (!strcmp(a, "--map")) {
			show_map = true;
			continue;
		}
		if (a[0] == '-' && a[1] == '-') {
			if (!v) {
				fb_error("%s needs a value", a);
				goto bad;
			}
			i++;
			if (!strcmp(a, "--seconds")) {
				if (parse_double(a, v, &p.seconds))
					goto bad;
			} else if (!strcmp(a, "--trials")) {
				if (parse_ulong(a, v, &p.trials))
					goto bad;
			} else if (!strcmp(a, "--pairs")) {
				if (parse_pairs(v, &p.pair_mask))
					goto bad;
			} else if (!strcmp(a, "--jitter")) {
				if (!strcmp(v, "auto"))
					p.jitter = -1;
				else if (parse_ulong(a, v, &ul) || ul > 100000) {
					if (ul > 100000)
						fb_error("--jitter: at most 100000 spins");
					goto bad;
				} else
					p.jitter = (int)ul;
			} else if (!strcmp(a, "--aim")) {
				if (strcmp(v, "on") && strcmp(v, "off")) {
					fb_error("--aim: on or off, not '%s'", v);
					goto bad;
				}
				p.aim = !strcmp(v, "on");
			} else if (!strcmp(a, "--deadline-floor-us")) {
				if (parse_double(a, v, &d) || d > 1e7) {
					if (d > 1e7)
						fb_error("--deadline-floor-us: between 0 and 10000000");
					goto bad;
				}
				p.deadline_floor_ns = (uint64_t)(d * 1000);
			} else if (!strcmp(a, "--deadline-us")) {
				if (parse_double(a, v, &d) || d <= 0 || d > 1e7) {
					if (d <= 0 || d > 1e7)
						fb_error("--deadline-us: between 0 and 10000000");
					goto bad;
				}
				p.deadline_ns = (uint64_t)(d * 1000);
			} else if (!strcmp(a, "--batch")) {
				if (parse_ulong(a, v, &ul) || !ul || ul > 65536) {
					if (!ul || ul > 65536)
						fb_error("--batch: between 1 and 65536");
					goto bad;
				}
				p.batch = (unsigned int)ul;
			} else if (!strcmp(a, "--json")) {
				json_path = v;
			} else {
				fb_error("race: unknown option '%s' (try race --help)", a);
				goto bad;
			}
			continue;
		}
		if (!strcmp(a, "all")) {
			all = true;
			continue;
		}
		list[n] = race_scenario_find(a);
		if (!list[n]) {
			fb_error("race: unknown scenario '%s' (try race --help)", a);
			goto bad;
		}
		n++;
	}
	if (all) {
		const struct race_scenario *const *s;

		n = 0;
		for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
			list[n++] = *s;
	}
	if (!n) {
		fb_error("race: no scenario given (try race --help)");
		goto bad;
	}
	if (!p.seconds && !p.trials) {
		fb_error("race: --seconds 0 needs --trials N: a run must be bounded");
		goto bad;
	}
	if (json_path && check_writable(json_path))
		goto bad;

	results = json_array();
	if (race_run(list, n, &p, results, err, sizeof(err))) {
		fb_error("%s", err);
		json_decref(results);
		goto bad;
	}
	if (!p.quiet) {
		size_t k;
		json_t *r;

		json_array_foreach(results, k, r) {
			print_result(r);
			if (show_map)
				print_window_map(r);
		}
		print_observations(results);
	}
	ret = !strcmp(race_worst_verdict(results), "FAIL") ? EXIT_FAIL : EXIT_PASS;
	if (json_path) {
		char e[64];
		struct fb_topology *t = fb_topology_get(e, sizeof(e));
		const char *how;
		bool emu = fb_emulated(&how);

		doc = json_pack("{s:s, s:i, s:s, s:s, s:b, s:s, s:o, s:o, s:s}",
				"format", "flagbench-race", "version", 1,
				"variant", this_variant.name, "arch",
				this_variant.arch, "emulated", emu,
				"emulated_how", how, "topology",
				t ? fb_topology_json(t) : json_null(), "results",
				json_incref(results), "verdict",
				race_worst_verdict(results));
		if (fb_write_json(doc, json_path))
			ret = EXIT_ERROR;
		json_decref(doc);
	}
	json_decref(results);
	free(list);
	return ret;
bad:
	free(list);
	return EXIT_ERROR;
}

DEFINE_FB_COMMAND("race", race_main, race_usage,
		  "run race scenarios on pinned CPUs and check the variant's expectations");

static json_t *list_scenarios(void)
{
	const struct race_scenario *const *s;
	json_t *a = json_array();

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		json_t *roles = json_array(), *folded = json_array();
		json_t *outcomes = json_array();
		unsigned int i;

		for (i = 0; i < (*s)->nr_roles; i++)
			json_array_append_new(roles, json_string((*s)->roles[i].name));
		for (i = 0; i < (*s)->nr_folded_roles; i++)
			json_array_append_new(folded,
					      json_string((*s)->folded_roles[i].name));
		for (i = 0; i < (*s)->nr_outcomes; i++)
			json_array_append_new(outcomes, json_pack(
				"{s:s, s:b, s:s}", "name", (*s)->outcomes[i].name,
				"bad", (*s)->outcomes[i].bad, "help",
				(*s)->outcomes[i].help ? (*s)->outcomes[i].help : ""));
		json_array_append_new(a, json_pack(
			"{s:s, s:s?, s:s, s:o, s:o, s:o, s:s}", "name",
			(*s)->name, "seed", (*s)->seed, "description",
			(*s)->description, "roles", roles, "folded_roles",
			folded, "outcomes", outcomes, "expectation",
			expectation_name(race_expectation(*s, this_variant.arch))));
	}
	return a;
}

DEFINE_FB_LISTER("scenarios", list_scenarios);

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
#include <sys/stat.h>
#include <flagbench/variant.h>
#include "command.h"
#include "machine.h"
#include "options.h"
#include "race.h"
#include "results.h"
#include "topology.h"

static const char race_usage[] =
	"SCENARIO...|all [--seconds S] [--trials N] [--pairs CLASS,...|all|each]\n"
	"        [--aim on|off] [--jitter MAX|auto] [--deadline-us US]\n"
	"        [--deadline-floor-us US] [--batch N] [--serialise forward|reverse]\n"
	"        [--json FILE] [--map] [--quiet] [--dry-run]";

static int opt_aim(const struct fb_option *opt, const char *s)
{
	bool *aim = opt->value;

	if (strcmp(s, "on") && strcmp(s, "off")) {
		fb_error("--aim: on or off, not '%s'", s);
		return -1;
	}
	*aim = !strcmp(s, "on");
	return 0;
}

static int opt_serialise(const struct fb_option *opt, const char *s)
{
	int *order = opt->value;

	if (!strcmp(s, "forward"))
		*order = RACE_SERIALISED;
	else if (!strcmp(s, "reverse"))
		*order = RACE_SERIALISED_REVERSE;
	else {
		fb_error("--serialise: '%s' is not forward or reverse", s);
		return -1;
	}
	return 0;
}

/* --pairs LIST (race and topology): a pair_mask, or -1 having said why. */
int race_parse_pairs(const char *s, unsigned int *mask)
{
	char buf[128], *tok, *save;

	*mask = 0;
	/* "all" is every class this machine has, not all five. */
	if (!strcmp(s, "all")) {
		*mask = (1u << FB_NR_PAIR_CLASSES) - 1;
		return 0;
	}
	if (!strcmp(s, "each")) {
		*mask = RACE_PAIRS_EACH;
		return 0;
	}
	if (strlen(s) >= sizeof(buf)) {
		fb_error("--pairs: list too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int c = fb_pair_class_parse(tok);

		if (c < 0) {
			fb_error("--pairs: unknown class '%s' (smt, l2, l3, package, none, all, each)",
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

static int opt_pairs(const struct fb_option *opt, const char *s)
{
	return race_parse_pairs(s, opt->value);
}

static int opt_jitter(const struct fb_option *opt, const char *s)
{
	unsigned long ul;

	if (!strcmp(s, "auto")) {
		*(int *)opt->value = -1;
		return 0;
	}
	if (fb_parse_ulong("--jitter", s, 0, 100000, &ul))
		return -1;
	*(int *)opt->value = (int)ul;
	return 0;
}

/* Fail early, before minutes of racing, if the result cannot be written. */
static int check_writable(const char *path)
{
	char tmp[PATH_MAX];
	struct stat st;
	int fd;

	if (!strcmp(path, "-"))
		return 0;
	if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
		fb_error("--json: %s is a directory", path);
		return -1;
	}
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
	printf("    order %s, %lld trials reached the window\n",
	       json_string_value(json_object_get(r, "order")),
	       (long long)json_integer_value(json_object_get(r, "reached_trials")));
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
		double lo = 0, hi = 0;

		if (n)
			res_binom_ci(k, n, RES_ALPHA, &lo, &hi);
		printf("    %10.0f %10.0f %12lld %10lld %10lld %12.3g %12.3g %10lld\n",
		       json_number_value(json_object_get(b, "lo")),
		       json_number_value(json_object_get(b, "hi")), n, k,
		       (long long)json_integer_value(json_object_get(b, "racy")),
		       n ? (double)k / n : 0.0, hi,
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
		json_t *r;
		size_t i;

		json_array_foreach(results, i, r) {
			if (strcmp(json_string_value(json_object_get(r, "scenario")),
				   (*s)->name))
				continue;
			seen = true;
			trials += json_integer_value(json_object_get(r, "trials"));
			/* The engine's per-trial count (results.h). */
			bad += json_integer_value(json_object_get(r, "bad_trials"));
		}
		if (!seen)
			continue;
		printf("Observation %s %s %llu %llu\n", (*s)->name,
		       res_observation(bad, trials), bad, trials - bad);
	}
}

static void race_help(const struct fb_option *opts)
{
	const struct race_scenario *const *s;

	printf("usage: flagbench-%s race %s\n\n", this_variant.name, race_usage);
	printf(
"Run each scenario's roles on pinned CPUs, trial after trial, and count\n"
"each outcome class; check the bad ones against this variant's expectation\n"
"(forbidden and observed: FAIL; reproduce and not observed: WARN).\n\n");
	fb_options_help(stdout, opts);
	printf("\nA scenario that needs more CPUs than are allowed is skipped, with\n"
	       "one line on standard error and an entry in the JSON's \"skipped\".\n"
	       "Exit status: 0 pass (or warn), 1 a forbidden outcome was observed,\n"
	       "2 error (also when no scenario can run).\n\nscenarios:\n");
	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
		printf("  %-20s %s%s%s\n", (*s)->name,
		       (*s)->seed ? "seed " : "calibration",
		       (*s)->seed ? (*s)->seed : "", "");
}

/*
 * Keep the scenarios this machine can run; say once, on stderr and in
 * @skipped, why each other one is left out.  The number kept.
 */
static int drop_unrunnable(const struct race_scenario **list, int n,
			   json_t *skipped)
{
	char e[128];
	struct fb_topology *t = fb_topology_get(e, sizeof(e));
	int i, kept = 0, cpus;

	if (!t)
		return n;	/* race_run() reports it */
	cpus = fb_topology_nr_cpus(t);
	for (i = 0; i < n; i++) {
		const struct race_scenario *s = list[i];
		unsigned int need = s->nr_folded_roles &&
				    s->nr_folded_roles < s->nr_roles ?
				    s->nr_folded_roles : s->nr_roles;
		char why[160];

		if ((int)need <= cpus) {
			list[kept++] = s;
			continue;
		}
		snprintf(why, sizeof(why), "needs %u CPUs, %d allowed", need,
			 cpus);
		fb_error("race: skipping scenario %s: %s", s->name, why);
		json_array_append_new(skipped, json_pack("{s:s, s:s}",
			"scenario", s->name, "reason", why));
	}
	return kept;
}

static int race_main(int argc, char **argv)
{
	const struct race_scenario **list = NULL;
	struct race_params p;
	const char *json_path = NULL, **pos = NULL;
	json_t *results, *doc, *skipped;
	double deadline_us, floor_us;
	char err[512];
	int i, n = 0, npos, ret;
	bool all = false, dry_run = false, show_map = false;

	race_params_default(&p);
	deadline_us = p.deadline_ns / 1000.0;
	floor_us = p.deadline_floor_ns / 1000.0;
	/* Every bound is here; the engine trusts what it is given. */
	const struct fb_option opts[] = {
		OPT_DOUBLE("seconds", &p.seconds, "S", 0, 86400,
			   "bound per scenario and CPU pair (default 1, at most\n"
			   "86400; 0: none, then --trials bounds it), the\n"
			   "window sweep included"),
		OPT_ULONG("trials", &p.trials, "N", 0, 1e15,
			  "stop measuring after N trials (default: no bound)"),
		OPT_CALLBACK("pairs", &p.pair_mask, "LIST", opt_pairs,
			     "CPU pair classes to run on: smt,l2,l3,package,none,\n"
			     "or all: every class present (default: the closest\n"
			     "and the farthest present); each: every ordered pair\n"
			     "of allowed CPUs (at most 240, evenly spread, plus\n"
			     "one of each class missed), the --seconds and --trials\n"
			     "of a scenario split between them"),
		OPT_CALLBACK("aim", &p.aim, "on|off", opt_aim,
			     "every trial records the roles' measured relative\n"
			     "start and bins its outcome on a fixed table of ns\n"
			     "offsets (the window map); on (default): sweep a range\n"
			     "twice the roles' duration, then spend 90% of the\n"
			     "trials where the map says hits are likeliest per\n"
			     "second (Thompson sampling) and 10% uniformly (a\n"
			     "quarter of them just past the range, which widens\n"
			     "when hits show there), each batch slotted at those\n"
			     "offsets or free-running (back to back, measured),\n"
			     "whichever hits more per second; off: the sweep only"),
		OPT_CALLBACK("jitter", &p.jitter, "MAX|auto", opt_jitter,
			     "instead of aiming, a random -MAX..+MAX short spins\n"
			     "(0..100000; an empty loop iteration, about a cycle)\n"
			     "between the roles (plan jitter); auto: as if not\n"
			     "given"),
		OPT_DOUBLE("deadline-us", &deadline_us, "US", 1, 1e7,
			   "every sleep of a role ends after US microseconds at\n"
			   "the latest (default 200, 1..10000000); a missed\n"
			   "deadline is an outcome"),
		OPT_DOUBLE("deadline-floor-us", &floor_us, "US", 0, 1e7,
			   "the deadline adapts to 8x the 95th percentile of\n"
			   "the waker's time in woken trials (from the sleeper's\n"
			   "start until the others returned), never below US (default 20,\n"
			   "at most --deadline-us); equal to --deadline-us: a\n"
			   "fixed deadline"),
		OPT_UINTEGER("batch", &p.batch, "N", 1, 65536,
			     "trial instances per batch (default 1024, 1..65536)"),
		OPT_CALLBACK("serialise", &p.order, "forward|reverse",
			     opt_serialise,
			     "run each trial's roles strictly one after the other,\n"
			     "in role order or its reverse, a scenario's role\n"
			     "sequences kept whole (no slots, no jitter): the roles\n"
			     "never meet, so no bad outcome may show (\"order\" in\n"
			     "the JSON; default: interleaved); environment\n"
			     "FLAGBENCH_RACE_UNFOLD=1: a scenario's unfolded roles\n"
			     "even on fewer CPUs, sharing them"),
		OPT_STRING("json", &json_path, "FILE",
			   "write the results as JSON (format flagbench-race v1)"),
		OPT_BOOLEAN("map", &show_map,
			    "print each result's window map (bins with trials)"),
		OPT_BOOLEAN("quiet", &p.quiet, "no table on the terminal"),
		OPT_BOOLEAN("dry-run", &dry_run,
			    "check the arguments, the output file and the CPUs,\n"
			    "and stop before measuring (exit 0 or 2)"),
		OPT_END()
	};

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			race_help(opts);
			return EXIT_PASS;
		}
	pos = calloc((size_t)argc, sizeof(*pos));
	list = calloc((size_t)argc + (race_scenarios_end() - race_scenarios_begin()),
		      sizeof(*list));
	if (!list || !pos)
		goto bad;
	if (fb_parse_options(argc, argv, opts, "race", race_usage, pos, argc,
			     &npos))
		goto bad;
	p.deadline_ns = (uint64_t)(deadline_us * 1000);	/* <= 1e10: exact */
	if (floor_us > deadline_us)
		floor_us = deadline_us;	/* a floor above the maximum: fixed */
	p.deadline_floor_ns = (uint64_t)(floor_us * 1000);
	for (i = 0; i < npos; i++) {
		if (!strcmp(pos[i], "all")) {
			all = true;
			continue;
		}
		list[n] = race_scenario_find(pos[i]);
		if (!list[n]) {
			fb_error("race: unknown scenario '%s' (try race --help)",
				 pos[i]);
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
	skipped = json_array();
	n = drop_unrunnable(list, n, skipped);
	if (!n) {
		fb_error("race: no scenario can run on the allowed CPUs");
		json_decref(skipped);
		goto bad;
	}
	if (dry_run) {
		json_decref(skipped);
		free(list);
		free(pos);
		return EXIT_PASS;
	}

	results = json_array();
	if (race_run(list, n, &p, results, err, sizeof(err))) {
		fb_error("%s", err);
		json_decref(results);
		json_decref(skipped);
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

		doc = json_pack("{s:s, s:i, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:s}",
				"format", "flagbench-race", "version", 1,
				"variant", this_variant.name, "arch",
				this_variant.arch, "emulated", emu,
				"emulated_how", how, "topology",
				t ? fb_topology_json(t) : json_null(), "results",
				json_incref(results), "skipped",
				json_incref(skipped), "verdict",
				race_worst_verdict(results));
		if (fb_write_json(doc, json_path))
			ret = EXIT_ERROR;
		json_decref(doc);
	}
	json_decref(results);
	json_decref(skipped);
	/* Results that never reached standard output are lost results. */
	if (fflush(stdout) || ferror(stdout)) {
		fb_error("race: cannot write standard output: %s",
			 strerror(errno));
		ret = EXIT_ERROR;
	}
	free(list);
	free(pos);
	return ret;
bad:
	free(list);
	free(pos);
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

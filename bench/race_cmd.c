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
#include "race-result.h"
#include "race.h"
#include "results.h"
#include "topology.h"

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

/* @word (giving @word_value) or a whole number in [@lo, @hi]. */
static int word_or_number(const char *flag, const char *s, const char *word,
			  long word_value, unsigned long lo, unsigned long hi,
			  long *out)
{
	unsigned long ul;

	if (!strcmp(s, word)) {
		*out = word_value;
		return 0;
	}
	if (fb_parse_ulong(flag, s, lo, hi, &ul))
		return -1;
	*out = (long)ul;
	return 0;
}

static int opt_jitter(const struct fb_option *opt, const char *s)
{
	long v;

	if (word_or_number("--jitter", s, "auto", -1, 0, 100000, &v))
		return -1;
	*(int *)opt->value = (int)v;
	return 0;
}

static int opt_irq(const struct fb_option *opt, const char *s)
{
	long v;

	if (word_or_number("--irq", s, "off", 0, 1, 100000, &v))
		return -1;
	*(double *)opt->value = (double)v;
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

static void print_result(const struct race_result *r)
{
	char cpus[64] = "", msg[1024];
	int i;

	for (i = 0; i < r->nr_roles; i++)
		snprintf(cpus + strlen(cpus), sizeof(cpus) - strlen(cpus), "%s%d",
			 i ? "," : "", r->cpus[i]);
	printf("%-20s %-7s cpus %-7s %12.0f trials %7.2f s  jitter %d  period %.0f ns, %.1f%% late  xcpu %.0f ns\n",
	       r->scenario, r->pair_class, cpus, r->trials, r->seconds,
	       r->jitter_spins, r->period_ns, 100 * r->late_fraction,
	       r->xcpu_ns);
	printf("    %-24s %12s %14s %25s %14s\n", "outcome", "count",
	       "per million", "95% CI per million", "per second");
	for (i = 0; i < r->nr_outcomes; i++) {
		const struct race_result_outcome *o = &r->o[i];
		double lo, hi;

		res_binom_ci(o->count, r->trials, RES_ALPHA, &lo, &hi);
		printf("    %-22s%s %12.0f %14.4g     [%9.4g, %9.4g] %14.4g\n",
		       o->name, o->bad ? " *" : "  ", o->count,
		       o->count / r->trials * 1e6, lo * 1e6, hi * 1e6,
		       r->seconds > 0 ? o->count / r->seconds : 0.0);
		if (o->bad && o->structural)
			printf("      structural: %s\n", o->structural);
		if (o->bad && o->sequential)
			printf("      sequential, not a race: %s\n", o->sequential);
	}
	for (i = 0; i < r->nr_assertions; i++)
		printf("    assertion %s(%s) in %s: %.0f hits\n", r->a[i].macro,
		       r->a[i].cond, r->a[i].func, r->a[i].hits);
	race_result_message(r, msg, sizeof(msg));
	printf("    order %s, %.0f trials reached the window\n", r->order,
	       r->reached);
	printf("    %s %s\n\n", res_verdict_name(r->d.verdict), msg);
}

/* The window map: hit probability against the measured offset, per bin. */
static void print_window_map(const struct race_result *r)
{
	printf("    window map (%s), offset = second role's start minus the first's:\n",
	       r->plan ? r->plan : "no plan");
	printf("    %10s %10s %12s %10s %10s %12s %12s %10s\n", "lo ns", "hi ns",
	       "trials", "bad", "racy", "bad/trial", "95% CI hi", "aimed");
	for (int i = 0; i < r->nr_bins; i++) {
		const struct res_bin *b = &r->bins[i];
		double lo = 0, hi = 0;

		if (b->trials > 0)
			res_binom_ci(b->bad, b->trials, RES_ALPHA, &lo, &hi);
		printf("    %10.0f %10.0f %12.0f %10.0f %10.0f %12.3g %12.3g %10.0f\n",
		       b->lo, b->hi, b->trials, b->bad, r->bin_seen[i][0],
		       b->trials > 0 ? b->bad / b->trials : 0.0, hi,
		       r->bin_seen[i][1]);
	}
	printf("\n");
}

/*
 * litmus7: "Observation NAME Never|Sometimes POSITIVE NEGATIVE", one line
 * per result (each pair class its own), as summary.txt and the gate print
 * it; a structural result says so instead of a count.
 */
static void print_observations(const struct race_results *rs)
{
	for (int i = 0; i < rs->nr; i++) {
		const struct race_result *r = &rs->r[i];

		if (r->d.exposure == RES_STRUCTURAL)
			printf("Observation %s Structural\n", r->scenario);
		else
			printf("Observation %s %s %.0f %.0f\n", r->scenario,
			       r->d.observation, r->bad, r->trials - r->bad);
	}
}

/* --reference FILE, as often as given: pre-fix builds' races.json files. */
#define RACE_MAX_REFS 1024

struct race_refs {
	const char *path[RACE_MAX_REFS];
	int nr;
	struct race_file f[RACE_MAX_REFS];
	int nr_read;
	/* Every file's results, side by side (shallow: the files own them). */
	struct race_result *all;
	int nr_all;
};

static int opt_reference(const struct fb_option *opt, const char *path)
{
	struct race_refs *refs = opt->value;

	if (refs->nr == RACE_MAX_REFS) {
		fb_error("--reference: more than %d files", RACE_MAX_REFS);
		return -1;
	}
	refs->path[refs->nr++] = path;
	return 0;
}

/* Every --reference file read and checked, before anything runs. */
static int read_references(struct race_refs *refs)
{
	for (int i = 0; i < refs->nr; i++) {
		const char *path = refs->path[i];
		json_error_t je;
		char err[256];
		json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

		if (!j) {
			fb_error("--reference %s: %s (line %d)", path, je.text,
				 je.line);
			return -1;
		}
		if (race_file_from_json(j, &refs->f[i], err, sizeof(err))) {
			fb_error("--reference %s: %s", path, err);
			race_file_free(&refs->f[i]);
			json_decref(j);
			return -1;
		}
		refs->nr_read++;
		refs->nr_all += refs->f[i].nr;
		json_decref(j);
	}
	refs->all = calloc(refs->nr_all ? (size_t)refs->nr_all : 1,
			   sizeof(*refs->all));
	if (!refs->all) {
		fb_error("--reference: out of memory");
		return -1;
	}
	for (int i = 0, k = 0; i < refs->nr_read; k += refs->f[i++].nr)
		memcpy(&refs->all[k], refs->f[i].r,
		       (size_t)refs->f[i].nr * sizeof(*refs->all));
	return 0;
}

static void free_references(struct race_refs *refs)
{
	free(refs->all);
	refs->all = NULL;
	refs->nr_all = 0;
	for (int i = 0; i < refs->nr_read; i++)
		race_file_free(&refs->f[i]);
	refs->nr_read = 0;
}

/* The reference for @variant's @scenario on @pair_class over every file. */
static const struct race_result *best_reference(const struct race_refs *refs,
						const char *variant,
						const char *scenario,
						const char *pair_class)
{
	return race_result_pick_ref_for(variant, scenario, pair_class,
					refs->all, refs->nr_all);
}

/* race_params.need: what the run about to start needs to earn a zero. */
static double reference_need(const struct race_scenario *s,
			     enum fb_pair_class pc, void *arg)
{
	const struct race_result *ref = best_reference(
		arg, this_variant.name, s->name, fb_pair_class_name(pc));

	return ref ? race_result_need(ref) : 0;
}

/* Each result's zero sized by its reference, as its run was. */
static void apply_references(struct race_results *rs,
			     const struct race_refs *refs)
{
	for (int i = 0; i < rs->nr; i++) {
		const struct race_result *ref = best_reference(
			refs, rs->r[i].variant, rs->r[i].scenario,
			rs->r[i].pair_class);

		if (ref)
			race_result_set_ref(&rs->r[i], ref);
	}
}

static int write_results(const struct race_results *rs, json_t *skipped,
			 const char *path)
{
	char e[64];
	struct fb_topology *t = fb_topology_get(e, sizeof(e));
	json_t *doc, *results = json_array();
	const char *how;
	bool emu = fb_emulated(&how);
	int ret;

	for (int i = 0; i < rs->nr; i++)
		json_array_append_new(results, race_result_to_json(&rs->r[i]));
	doc = json_pack("{s:s, s:i, s:s, s:s, s:b, s:s, s:o, s:o, s:O, s:s}",
			"format", RACE_RESULT_FORMAT, "version",
			RACE_RESULT_VERSION, "variant", this_variant.name, "arch",
			this_variant.arch, "emulated", emu, "emulated_how", how,
			"topology", t ? fb_topology_json(t) : json_null(),
			"results", results, "skipped", skipped, "verdict",
			res_verdict_name(race_results_worst(rs->r, rs->nr)));
	ret = fb_write_json(doc, path);
	json_decref(doc);
	return ret;
}

static void race_help_tail(FILE *f)
{
	const struct race_scenario *const *s;

	fprintf(f, "\nA scenario that needs more CPUs than are allowed is skipped, with\n"
		"one line on standard error and an entry in the JSON's \"skipped\".\n"
		"Exit status: 0 pass (or warn), 1 a forbidden outcome was observed,\n"
		"2 error (also when no scenario can run).\n\nscenarios:\n");
	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
		fprintf(f, "  %-20s %s%s\n", (*s)->name,
			(*s)->seed ? "seed " : "calibration",
			(*s)->seed ? (*s)->seed : "");
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
		unsigned int need = race_min_cpus(s);
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

/* What one `race` command line asks for. */
struct race_cmd {
	struct race_params p;
	const char *json_path;
	struct race_refs refs;
	double deadline_us, floor_us;
	bool dry_run, show_map;
	const struct race_scenario **list;
	int n;
};

/* Every bound is here; the engine trusts what it is given. */
#define RACE_OPTIONS(c) {                                                     \
	OPT_DOUBLE("seconds", &(c)->p.seconds, "S", 0, 86400,                 \
		   "bound per scenario and CPU pair (default 1, at most\n"      \
		   "86400; 0: none, then --trials bounds it), the\n"            \
		   "window sweep included"),                                    \
	OPT_DOUBLE("shape-seconds", &(c)->p.shape_seconds, "S", 0, 86400,     \
		   "the same for a calibration shape (LU, MP, SB and the\n"   \
		   "like: millions of trials a second, where a seed race\n"   \
		   "runs thousands); default 0: --seconds"),                    \
	OPT_ULONG("trials", &(c)->p.trials, "N", 0, 1e15,                     \
		  "stop measuring after N trials (default: no bound)"),        \
	OPT_CALLBACK("pairs", &(c)->p.pair_mask, "LIST", opt_pairs,           \
		     "CPU pair classes to run on: smt,l2,l3,package,none,\n"    \
		     "or all: every class present (default: the closest\n"     \
		     "and the farthest present); each: every ordered pair\n"    \
		     "of allowed CPUs (at most 240, evenly spread, plus\n"      \
		     "one of each class missed), the --seconds and --trials\n"  \
		     "of a scenario split between them"),                       \
	OPT_CALLBACK("aim", &(c)->p.aim, "on|off", opt_aim,                   \
		     "every trial records the roles' measured relative\n"       \
		     "start and bins its outcome on a fixed table of ns\n"      \
		     "offsets (the window map); on (default): sweep a range\n"  \
		     "twice the roles' duration, then spend 90% of the\n"       \
		     "trials where the map says hits are likeliest per\n"       \
		     "second (Thompson sampling) and 10% uniformly (a\n"        \
		     "quarter of them just past the range, which widens\n"      \
		     "when hits show there), each batch slotted at those\n"     \
		     "offsets or free-running (back to back, measured),\n"      \
		     "whichever hits more per second; off: the sweep only"),    \
	OPT_CALLBACK("jitter", &(c)->p.jitter, "MAX|auto", opt_jitter,        \
		     "instead of aiming, a random -MAX..+MAX short spins\n"     \
		     "(0..100000; an empty loop iteration, about a cycle)\n"    \
		     "between the roles (plan jitter); auto: as if not\n"       \
		     "given"),                                                  \
	OPT_CALLBACK("irq", &(c)->p.irq_ns, "MAX_NS|off", opt_irq,           \
		     "a scenario with an interrupt point in its window (a\n"   \
		     "path that runs with interrupts on) takes one interrupt\n"\
		     "there every trial, its handler's time uniform in\n"      \
		     "[0, MAX_NS] ns (1..100000; default 1024), in every\n"    \
		     "variant and order alike, as KCSAN widens windows with\n" \
		     "random delays; part of the plan each result states;\n"  \
		     "off: none (the window is then only as wide as the\n"    \
		     "path's own loads)"),                                      \
	OPT_DOUBLE("deadline-us", &(c)->deadline_us, "US", 1, 1e7,            \
		   "every sleep of a role ends after US microseconds at\n"      \
		   "the latest (default 200, 1..10000000); a missed\n"          \
		   "deadline is an outcome"),                                   \
	OPT_DOUBLE("deadline-floor-us", &(c)->floor_us, "US", 0, 1e7,         \
		   "the deadline adapts to 8x the 95th percentile of\n"         \
		   "the waker's time in woken trials (from the sleeper's\n"     \
		   "start until the others returned), never below US (default 20,\n" \
		   "at most --deadline-us); equal to --deadline-us: a\n"        \
		   "fixed deadline"),                                           \
	OPT_UINTEGER("batch", &(c)->p.batch, "N", 1, 65536,                   \
		     "trial instances per batch (default 1024, 1..65536)"),    \
	OPT_CALLBACK("serialise", &(c)->p.order, "forward|reverse",           \
		     opt_serialise,                                             \
		     "run each trial's roles strictly one after the other,\n"   \
		     "in role order or its reverse, a scenario's role\n"        \
		     "sequences kept whole (no slots, no jitter): the roles\n"  \
		     "never meet, so no bad outcome may show (\"order\" in\n"  \
		     "the JSON; default: interleaved); environment\n"          \
		     "FLAGBENCH_RACE_UNFOLD=1: a scenario's unfolded roles\n"   \
		     "even on fewer CPUs, sharing them"),                       \
	OPT_UINTEGER("witness", &(c)->p.witness, "K", 0, 16,                 \
		     "after measuring, replay with tracepoints on and keep\n"   \
		     "up to K trials of each bad outcome seen, or, none seen,\n"\
		     "of each window outcome (a fix's closest approach), as\n"  \
		     "timelines (default 0: none; nothing replayed counts)"),   \
	OPT_DOUBLE("witness-seconds", &(c)->p.witness_seconds, "S", 0.01, 600,\
		   "the witness pass's budget per result (default 0.5)"),       \
	OPT_CALLBACK("reference", &(c)->refs, "FILE", opt_reference,          \
		     "a pre-fix build's races.json (as often as there are\n"   \
		     "such builds; each scenario and pair class takes the\n"   \
		     "result with the most bad trials): a forbidden outcome\n"\
		     "not seen then needs enough trials in the window that\n"  \
		     "the reference's in-window rate would have shown one\n"   \
		     "(95%); fewer: unexposed (WARN); without: unsized"),       \
	OPT_DOUBLE("extend", &(c)->p.extend_seconds, "S", 0, 86400,           \
		   "a forbidden outcome not seen whose reference needs\n"      \
		   "more trials in the window than --seconds gave runs on,\n"  \
		   "up to S seconds more, until it has them or a bad\n"        \
		   "outcome shows (default 0: every run stops on time)"),      \
	OPT_STRING("json", &(c)->json_path, "FILE",                           \
		   "write the results as JSON (format flagbench-race v2)"),    \
	OPT_BOOLEAN("map", &(c)->show_map,                                    \
		    "print each result's window map (bins with trials)"),       \
	OPT_BOOLEAN("quiet", &(c)->p.quiet, "no table on the terminal"),      \
	OPT_BOOLEAN("dry-run", &(c)->dry_run,                                 \
		    "check the arguments, the output file and the CPUs,\n"      \
		    "and stop before measuring (exit 0 or 2)"),                 \
	OPT_END()                                                             \
}

/* The scenarios named (or "all"), in c->list; -1 having said why. */
static int pick_scenarios(struct race_cmd *c, const char **pos, int npos)
{
	bool all = false;

	for (int i = 0; i < npos; i++) {
		if (!strcmp(pos[i], "all")) {
			all = true;
			continue;
		}
		c->list[c->n] = race_scenario_find(pos[i]);
		if (!c->list[c->n]) {
			fb_error("race: unknown scenario '%s' (try race --help)",
				 pos[i]);
			return -1;
		}
		c->n++;
	}
	if (all) {
		const struct race_scenario *const *s;

		c->n = 0;
		for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
			c->list[c->n++] = *s;
	}
	if (!c->n) {
		fb_error("race: no scenario given (try race --help)");
		return -1;
	}
	return 0;
}

/* Parse and check the whole command line: 0, 1 for --help, -1 on error. */
static int race_parse(struct race_cmd *c, int argc, char **argv)
{
	const struct fb_option opts[] = RACE_OPTIONS(c);
	const struct fb_cmdline cl = {
		.cmd = "race", .args = "SCENARIO...|all", .opts = opts,
		.about = "Run each scenario's roles on pinned CPUs, trial after trial, and count\n"
			 "each outcome class; check the bad ones against this variant's expectation\n"
			 "(forbidden and observed: FAIL; reproduce and not observed: WARN).",
		.tail = race_help_tail,
	};
	const char **pos;
	int npos, ret = -1;

	/* Help first: "race --help --seconds x" is a question, not an error. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fb_cmdline_help(stdout, &cl);
			return 1;
		}
	pos = calloc((size_t)argc, sizeof(*pos));
	if (!pos)
		return -1;
	if (fb_parse_cmdline(&cl, argc, argv, pos, argc, &npos) ||
	    pick_scenarios(c, pos, npos))
		goto out;
	c->p.deadline_ns = (uint64_t)(c->deadline_us * 1000);	/* <= 1e10: exact */
	if (c->floor_us > c->deadline_us)
		c->floor_us = c->deadline_us;	/* a floor above the maximum: fixed */
	c->p.deadline_floor_ns = (uint64_t)(c->floor_us * 1000);
	if (!c->p.seconds && !c->p.trials) {
		fb_error("race: --seconds 0 needs --trials N: a run must be bounded");
		goto out;
	}
	if (c->json_path && check_writable(c->json_path))
		goto out;
	if (read_references(&c->refs))
		goto out;
	c->p.need = reference_need;
	c->p.need_arg = &c->refs;
	ret = 0;
out:
	free(pos);
	return ret;
}

/* Run, print, write: the exit status. */
static int race_execute(struct race_cmd *c, json_t *skipped)
{
	struct race_results rs = { 0 };
	char err[512];
	int ret;

	if (race_run(c->list, c->n, &c->p, &rs, err, sizeof(err))) {
		fb_error("%s", err);
		race_results_free(&rs);
		return EXIT_ERROR;
	}
	apply_references(&rs, &c->refs);
	if (!c->p.quiet) {
		for (int k = 0; k < rs.nr; k++) {
			print_result(&rs.r[k]);
			if (c->show_map)
				print_window_map(&rs.r[k]);
			for (int w = 0; w < rs.r[k].nr_witnesses; w++) {
				race_witness_print(stdout, &rs.r[k],
						   &rs.r[k].w[w], 80);
				putchar('\n');
			}
		}
		print_observations(&rs);
	}
	ret = race_results_worst(rs.r, rs.nr) == RES_FAIL ? EXIT_FAIL : EXIT_PASS;
	if (c->json_path && write_results(&rs, skipped, c->json_path))
		ret = EXIT_ERROR;
	race_results_free(&rs);
	/* Results that never reached standard output are lost results. */
	if (fflush(stdout) || ferror(stdout)) {
		fb_error("race: cannot write standard output: %s",
			 strerror(errno));
		ret = EXIT_ERROR;
	}
	return ret;
}

static int race_main(int argc, char **argv)
{
	struct race_cmd c = { 0 };
	json_t *skipped;
	int ret;

	race_params_default(&c.p);
	c.deadline_us = c.p.deadline_ns / 1000.0;
	c.floor_us = c.p.deadline_floor_ns / 1000.0;
	c.list = calloc((size_t)argc + (race_scenarios_end() - race_scenarios_begin()),
			sizeof(*c.list));
	if (!c.list)
		return EXIT_ERROR;
	ret = race_parse(&c, argc, argv);
	if (ret) {
		free_references(&c.refs);
		free(c.list);
		return ret > 0 ? EXIT_PASS : EXIT_ERROR;
	}
	skipped = json_array();
	c.n = drop_unrunnable(c.list, c.n, skipped);
	if (!c.n) {
		fb_error("race: no scenario can run on the allowed CPUs");
		ret = EXIT_ERROR;
	} else if (!c.dry_run) {
		ret = race_execute(&c, skipped);
	}
	json_decref(skipped);
	free_references(&c.refs);
	free(c.list);
	return ret;
}

DEFINE_FB_COMMAND("race", race_main, "SCENARIO...|all [OPTIONS]",
		  "run race scenarios on pinned CPUs and check the variant's expectations");

static json_t *outcome_list_json(const struct race_scenario *s)
{
	json_t *outcomes = json_array();

	for (unsigned int i = 0; i < s->nr_outcomes; i++) {
		const struct race_outcome *o = &s->outcomes[i];

		json_array_append_new(outcomes, json_pack(
			"{s:s, s:b, s:b, s:s, s:s?, s:s?}", "name", o->name,
			"bad", o->bad, "racy", o->racy, "help",
			o->help ? o->help : "", "structural",
			o->structural ? o->structural() : NULL,
			"sequential", o->sequential ? o->sequential() : NULL));
	}
	return outcomes;
}

static json_t *role_list_json(const struct race_role *roles, unsigned int n)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(a, json_string(roles[i].name));
	return a;
}

/*
 * `list`'s "scenarios": what run-bench and the report read instead of
 * --help text; "cpus" is the fewest CPUs each runs on.
 */
static json_t *list_scenarios(void)
{
	const struct race_scenario *const *s;
	json_t *a = json_array();

	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++)
		json_array_append_new(a, json_pack(
			"{s:s, s:s?, s:s, s:o, s:o, s:i, s:o, s:s}", "name",
			(*s)->name, "seed", (*s)->seed, "description",
			(*s)->description, "roles",
			role_list_json((*s)->roles, (*s)->nr_roles),
			"folded_roles",
			role_list_json((*s)->folded_roles, (*s)->nr_folded_roles),
			"cpus", (int)race_min_cpus(*s), "outcomes",
			outcome_list_json(*s), "expectation",
			expectation_name(race_expectation(*s, this_variant.arch))));
	return a;
}

DEFINE_FB_LISTER("scenarios", list_scenarios);

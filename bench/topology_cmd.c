// SPDX-License-Identifier: GPL-2.0
/*
 * `flagbench-<variant> topology [--dry-run]`: the machine as the harness
 * sees it (this one, or one described by --topology / FB_TOPOLOGY), its CPU
 * pairs by class, and with --dry-run the CPUs every race scenario and every
 * benchmark would use, without running anything.  A lab plans a run on its
 * 2-socket SMT2 x86 or its POWER10 from an lstopo XML here; the tests check
 * pair classes and placements on such described machines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flagbench/variant.h>
#include "command.h"
#include "options.h"
#include "race.h"
#include "throughput.h"
#include "topology-source.h"
#include "topology.h"

/* What one `topology` command line asks for. */
struct topology_cmd {
	const char *source, *cpuset, *json_path, *pairs;
	unsigned int pair_mask;
	enum fb_placement placement;
	bool dry_run;
};

static int opt_pairs(const struct fb_option *opt, const char *s)
{
	struct topology_cmd *c = opt->value;

	c->pairs = s;
	return race_parse_pairs(s, &c->pair_mask);
}

int fb_placement_option(const struct fb_option *opt, const char *v)
{
	int p = fb_placement_parse(v);

	if (p < 0) {
		fb_error("--placement needs compact or scatter, not '%s'", v);
		return -1;
	}
	*(enum fb_placement *)opt->value = p;
	return 0;
}

static void topology_help_tail(FILE *f)
{
	fprintf(f, "\nA machine past %d PUs is refused, as is an XML file that is not a regular\n"
		"file, is over %u MiB or nests elements over %d deep: one line, exit 2.\n",
		FB_MAX_CPUS, FB_XML_MAX_BYTES >> 20, FB_XML_MAX_DEPTH);
}

/* The whole command line into @c: 0, FB_OPT_HELP, or -1 having said why. */
static int topology_parse(struct topology_cmd *c, int argc, char **argv)
{
	const struct fb_option opts[] = {
		OPT_STRING("topology", &c->source, "SRC",
			   "plan for another machine: an lstopo --of xml file, or\n"
			   "synthetic:DESC in hwloc's synthetic syntax (e.g.\n"
			   "\"package:2 l3:1 core:8 pu:2\"); same as FB_TOPOLOGY=SRC"),
		OPT_STRING("cpuset", &c->cpuset, "LIST",
			   "its allowed CPUs, e.g. 0-7,16 (same as FB_CPUSET; this\n"
			   "machine's are taken from taskset/cgroups)"),
		OPT_BOOLEAN("dry-run", &c->dry_run,
			    "also print the CPUs each race scenario (with --pairs, as\n"
			    "`race` would) and each benchmark (with --placement: an\n"
			    "n-thread run takes the first n CPUs of one order) would\n"
			    "use; nothing is run"),
		OPT_CALLBACK("pairs", c, "LIST", opt_pairs,
			     "with --dry-run, the races' CPU pair classes, as race\n"
			     "--pairs takes them (default: the closest and the\n"
			     "farthest present)"),
		OPT_CALLBACK("placement", &c->placement, "compact|scatter",
			     fb_placement_option,
			     "with --dry-run, the benchmarks' placement order\n"
			     "(default compact)"),
		OPT_STRING("json", &c->json_path, "FILE",
			   "write all of it as JSON (- for stdout)"),
		OPT_END()
	};
	const struct fb_cmdline cl = {
		.cmd = "topology", .args = "", .opts = opts,
		.about = "The machine as hwloc shows it, restricted to the allowed CPUs, and its\n"
			 "ordered CPU pairs by what they share (smt, l2, l3, package, none).",
		.tail = topology_help_tail,
	};
	int npos, ret;

	c->placement = FB_PLACE_COMPACT;
	ret = fb_parse_cmdline(&cl, argc, argv, NULL, 0, &npos);
	if (ret)
		return ret;
	if (c->source)
		setenv("FB_TOPOLOGY", c->source, 1);
	if (c->cpuset)
		setenv("FB_CPUSET", c->cpuset, 1);
	return 0;
}

/*
 * Every ordered pair of allowed CPUs, counted by class, and the first.
 * A class is symmetric, so each unordered pair counts twice, and the
 * first ordered pair of a class always has its lower CPU first.
 */
static json_t *pair_table(struct fb_topology *t)
{
	int n = fb_topology_nr_cpus(t), *cpus, i, j;
	long count[FB_NR_PAIR_CLASSES] = { 0 };
	int first[FB_NR_PAIR_CLASSES][2];
	json_t *a = json_array();

	cpus = calloc(n, sizeof(*cpus));
	if (!cpus)
		return a;
	fb_topology_cpus(t, cpus, n);
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			enum fb_pair_class c = fb_cpu_pair_class(t, cpus[i], cpus[j]);

			if (!count[c]) {
				first[c][0] = cpus[i];
				first[c][1] = cpus[j];
			}
			count[c] += 2;
		}
	free(cpus);
	for (i = 0; i < FB_NR_PAIR_CLASSES; i++)
		json_array_append_new(a, count[i] ?
			json_pack("{s:s, s:I, s:[i,i]}", "class",
				  fb_pair_class_name(i), "ordered_pairs",
				  (json_int_t)count[i], "first", first[i][0],
				  first[i][1]) :
			json_pack("{s:s, s:I, s:n}", "class",
				  fb_pair_class_name(i), "ordered_pairs",
				  (json_int_t)0, "first"));
	return a;
}

static void print_cpus(const char *prefix, json_t *cpus)
{
	json_t *c;
	size_t i;

	printf("%s", prefix);
	json_array_foreach(cpus, i, c)
		printf("%s%lld", i ? "," : "", (long long)json_integer_value(c));
}

static json_t *race_plans(unsigned int pair_mask, char *err, size_t errlen)
{
	const struct race_scenario *const *s;
	struct race_params p;
	json_t *all = json_object();

	race_params_default(&p);
	p.pair_mask = pair_mask;
	for (s = race_scenarios_begin(); s < race_scenarios_end(); s++) {
		json_t *plan = race_plan(*s, &p, err, errlen);

		if (!plan) {
			json_decref(all);
			return NULL;
		}
		json_object_set_new(all, (*s)->name, plan);
	}
	return all;
}

/*
 * The CPUs of the benchmarks: an n-thread run takes the first n CPUs of
 * one placement order (fb_topology_place), so the order is given once,
 * as long as the most threads a run has, instead of once per thread count
 * (quadratic in the CPUs, hundreds of MB for a POWER10).
 */
static json_t *bench_plans(struct fb_topology *t, enum fb_placement pl,
			   char *err, size_t errlen)
{
	const struct fb_benchmark *b;
	int n = fb_topology_nr_cpus(t), i, *cpus;
	json_t *all = json_object(), *order = json_array();

	if (n > TP_MAX_THREADS)
		n = TP_MAX_THREADS;
	cpus = calloc(n, sizeof(*cpus));
	if (!cpus || fb_topology_place(t, pl, n, cpus, err, errlen)) {
		if (!cpus)
			snprintf(err, errlen, "out of memory");
		free(cpus);
		json_decref(all);
		json_decref(order);
		return NULL;
	}
	for (i = 0; i < n; i++)
		json_array_append_new(order, json_integer(cpus[i]));
	free(cpus);
	for (b = fb_benchmarks_begin(); b < fb_benchmarks_end(); b++) {
		bool scaling = b->flags & FB_BENCH_SCALING;

		json_object_set_new(all, b->name, json_pack("{s:b, s:i}",
			"scaling", scaling, "max_threads", scaling ? n : 1));
	}
	return json_pack("{s:s, s:o, s:o}", "placement", fb_placement_name(pl),
			 "order", order, "benchmarks", all);
}

/* Each benchmark's thread counts, and the CPUs the first n threads take. */
static void print_bench_plans(json_t *plans)
{
	json_t *bs = json_object_get(plans, "benchmarks"), *v;
	const char *name;

	printf("\nbenchmarks (placement %s; n threads run on the first n CPUs of:\n  ",
	       json_string_value(json_object_get(plans, "placement")));
	print_cpus("", json_object_get(plans, "order"));
	printf(")\n");
	json_object_foreach(bs, name, v) {
		json_int_t max = json_integer_value(json_object_get(v, "max_threads"));

		if (json_is_true(json_object_get(v, "scaling")))
			printf("  %-40s 1-%lld threads\n", name, (long long)max);
		else
			printf("  %-40s 1 thread\n", name);
	}
}

static void print_text(json_t *doc)
{
	json_t *m = json_object_get(doc, "topology"), *e, *plans, *v;
	const char *name;
	size_t i;

	printf("%s%s: %lld PUs, %lld cores, %lld packages, %lld NUMA nodes, SMT %s\n",
	       json_string_value(json_object_get(doc, "source")),
	       "", (long long)json_integer_value(json_object_get(m, "pus")),
	       (long long)json_integer_value(json_object_get(m, "cores")),
	       (long long)json_integer_value(json_object_get(m, "packages")),
	       (long long)json_integer_value(json_object_get(m, "numa_nodes")),
	       json_is_true(json_object_get(m, "smt")) ? "yes" : "no");
	print_cpus("allowed CPUs: ", json_object_get(m, "allowed_cpus"));
	printf("\n\n%-8s %14s  %s\n", "class", "ordered pairs", "first");
	json_array_foreach(json_object_get(doc, "pairs"), i, e) {
		json_t *f = json_object_get(e, "first");

		printf("%-8s %14lld  ", json_string_value(json_object_get(e, "class")),
		       (long long)json_integer_value(json_object_get(e, "ordered_pairs")));
		if (json_is_array(f))
			printf("%lld,%lld\n", (long long)json_integer_value(json_array_get(f, 0)),
			       (long long)json_integer_value(json_array_get(f, 1)));
		else
			printf("-\n");
	}
	plans = json_object_get(doc, "races");
	if (plans) {
		printf("\nraces (%s):\n", json_string_value(json_object_get(doc, "pairs_asked")));
		json_object_foreach(plans, name, v)
			json_array_foreach(v, i, e) {
				printf("  %-20s %-8s", name,
				       json_string_value(json_object_get(e, "pair_class")));
				print_cpus(" cpus ", json_object_get(e, "cpus"));
				printf("  %.3g s\n", json_real_value(json_object_get(e, "seconds")));
			}
	}
	plans = json_object_get(doc, "throughput");
	if (plans)
		print_bench_plans(plans);
}

/* --dry-run: the races' and the benchmarks' CPUs, into @doc; -1 if none. */
static int add_plans(json_t *doc, struct fb_topology *t, const char *pairs,
		     unsigned int pair_mask, enum fb_placement placement)
{
	char err[512];
	json_t *plan;

	json_object_set_new(doc, "pairs_asked",
			    json_string(pairs ? pairs : "closest and farthest"));
	plan = race_plans(pair_mask, err, sizeof(err));
	if (!plan) {
		fb_error("topology: races: %s", err);
		return -1;
	}
	json_object_set_new(doc, "races", plan);
	plan = bench_plans(t, placement, err, sizeof(err));
	if (!plan) {
		fb_error("topology: benchmarks: %s", err);
		return -1;
	}
	json_object_set_new(doc, "throughput", plan);
	return 0;
}

static int topology_main(int argc, char **argv)
{
	struct topology_cmd c = { 0 };
	int ret = EXIT_ERROR;
	struct fb_topology *t;
	char err[512];
	json_t *doc;

	ret = topology_parse(&c, argc, argv);
	if (ret)
		return ret == FB_OPT_HELP ? EXIT_PASS : EXIT_ERROR;
	ret = EXIT_ERROR;
	if (getenv("FB_CPUSET") && !getenv("FB_TOPOLOGY")) {
		fb_error("topology: --cpuset/FB_CPUSET is for a described machine; use taskset here");
		return EXIT_ERROR;
	}
	fb_topology_reset();	/* the options above may name another machine */
	t = fb_topology_get(err, sizeof(err));
	if (!t) {
		fb_error("topology: %s", err);
		return EXIT_ERROR;
	}
	doc = json_pack("{s:s, s:o, s:o}", "source",
			fb_topology_described(t) ? getenv("FB_TOPOLOGY") : "this machine",
			"topology", fb_topology_json(t), "pairs", pair_table(t));
	if (c.dry_run &&
	    add_plans(doc, t, c.pairs, c.pair_mask, c.placement))
		goto out;
	if (c.json_path)
		ret = fb_write_json(doc, c.json_path) ? EXIT_ERROR : EXIT_PASS;
	else
		ret = EXIT_PASS;
	if (!c.json_path || strcmp(c.json_path, "-"))
		print_text(doc);
out:
	json_decref(doc);
	return ret;
}

DEFINE_FB_COMMAND("topology", topology_main, "[OPTIONS]",
		  "the machine's CPU pairs by class; --dry-run: the CPUs every scenario and benchmark would use");

/*
 * `list`'s "cpus_allowed": the CPUs a race or benchmark may use here
 * (taskset, cgroups), as `race` counts them; null on a described machine
 * or when hwloc cannot tell.
 */
static json_t *list_cpus_allowed(void)
{
	char err[256];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));

	if (!t || fb_topology_described(t))
		return json_null();
	return json_integer(fb_topology_nr_cpus(t));
}

DEFINE_FB_LISTER("cpus_allowed", list_cpus_allowed);


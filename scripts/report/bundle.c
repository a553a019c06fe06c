// SPDX-License-Identifier: GPL-2.0
/*
 * The few writes run-bench asks for while a run is under way (bundle init,
 * part, finish, rounds) and `bundle check`: every write replaces
 * bundle.json atomically, so that an interrupted run always leaves a
 * readable bundle that says what is missing.  Reading is load.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include "report.h"

static const char *const part_kinds[] = { "describe", "race", "throughput",
					   "code" };
#define NR_PART_KINDS 4

bool bundle_part_kind_known(const char *kind)
{
	for (int i = 0; i < NR_PART_KINDS; i++)
		if (!strcmp(kind, part_kinds[i]))
			return true;
	return false;
}

/* ------------------------------------------------------- bundle subcommands */

static void iso_now(char *buf, size_t len)
{
	time_t t = time(NULL);

	strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", localtime(&t));
}

static json_t *split_list(const char *s)
{
	json_t *a = json_array();
	char *copy = xstrdup(s), *tok, *save = NULL;

	for (tok = strtok_r(copy, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save))
		json_array_append_new(a, json_string(tok));
	free(copy);
	return a;
}

/* lscpu -J: [{"field": "Model name:", "data": "..."}] (children nested). */
static const char *lscpu_field(json_t *list, const char *field)
{
	json_t *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *f = jstr(e, "field", "");
		const char *r;

		if (!strcmp(f, field))
			return jstr(e, "data", NULL);
		r = lscpu_field(json_object_get(e, "children"), field);
		if (r)
			return r;
	}
	return NULL;
}

static int lscpu_int(json_t *list, const char *field, int dflt)
{
	const char *s = lscpu_field(list, field);

	return s && isdigit((unsigned char)*s) ? atoi(s) : dflt;
}

static void machine_from_lscpu(json_t *m, const char *path)
{
	char err[256];
	json_t *j = path ? sio_load_json_path(path, FB_CAP_TEXT, err,
					      sizeof(err)) : NULL;
	json_t *l = json_object_get(j, "lscpu");
	int sockets, cores_per, threads_per;

	if (!l) {
		json_object_set_new(m, "cpu_model", json_string("unknown"));
		json_decref(j);
		return;
	}
	sockets = lscpu_int(l, "Socket(s):", 1);
	cores_per = lscpu_int(l, "Core(s) per socket:", 1);
	threads_per = lscpu_int(l, "Thread(s) per core:", 1);
	json_object_set_new(m, "cpu_model", json_string(
		lscpu_field(l, "Model name:") ?: "unknown"));
	json_object_set_new(m, "cpus", json_integer(lscpu_int(l, "CPU(s):", 0)));
	json_object_set_new(m, "cores", json_integer(sockets * cores_per));
	json_object_set_new(m, "packages", json_integer(sockets));
	json_object_set_new(m, "numa_nodes",
			    json_integer(lscpu_int(l, "NUMA node(s):", 1)));
	json_object_set_new(m, "smt", json_boolean(threads_per > 1));
	json_object_set_new(m, "threads_per_core", json_integer(threads_per));
	json_decref(j);
}

static char *cache_value(const char *cache, const char *key)
{
	char err[256], *text, *p, *e, *r = NULL;
	size_t kl = strlen(key);

	text = sio_read_path(cache, FB_CAP_TEXT, NULL, err, sizeof(err));
	for (p = text; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (e)
			*e = 0;
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			char *eq = strchr(p, '=');

			r = eq ? xstrdup(eq + 1) : NULL;
			break;
		}
		if (!e)
			break;
	}
	free(text);
	return r;
}

/* "GNU 12.2.0" from CMakeFiles/<version>/CMakeCCompiler.cmake next to the cache. */
static char *compiler_from_cmake(const char *cache)
{
	char pattern[4096], *dir = xstrdup(cache), *text, *id, *ver, out[256];
	glob_t g;

	snprintf(pattern, sizeof(pattern), "%s/CMakeFiles/*/CMakeCCompiler.cmake",
		 dirname(dir));
	free(dir);
	if (glob(pattern, 0, NULL, &g) || !g.gl_pathc)
		return NULL;
	text = sio_read_path(g.gl_pathv[g.gl_pathc - 1], FB_CAP_TEXT, NULL,
			     out, sizeof(out));
	globfree(&g);
	id = text ? strstr(text, "set(CMAKE_C_COMPILER_ID \"") : NULL;
	ver = text ? strstr(text, "set(CMAKE_C_COMPILER_VERSION \"") : NULL;
	if (!id || !ver) {
		free(text);
		return NULL;
	}
	id += strlen("set(CMAKE_C_COMPILER_ID \"");
	ver += strlen("set(CMAKE_C_COMPILER_VERSION \"");
	snprintf(out, sizeof(out), "%.*s %.*s", (int)strcspn(id, "\""), id,
		 (int)strcspn(ver, "\""), ver);
	free(text);
	return xstrdup(out);
}

static void machine_from_cmake(json_t *m, const char *cache)
{
	char *cc = cache ? cache_value(cache, "CMAKE_C_COMPILER") : NULL;
	char *type = cache ? cache_value(cache, "CMAKE_BUILD_TYPE") : NULL;
	char *flags = cache ? cache_value(cache, "CMAKE_C_FLAGS") : NULL;
	char *cfg = NULL, *ver = cache ? compiler_from_cmake(cache) : NULL;
	char key[128], all[1024];

	if (type && *type) {
		snprintf(key, sizeof(key), "CMAKE_C_FLAGS_%s", type);
		for (char *p = key; *p; p++)
			*p = toupper((unsigned char)*p);
		cfg = cache_value(cache, key);
	}
	snprintf(all, sizeof(all), "%s%s%s", flags ? flags : "",
		 flags && *flags && cfg ? " " : "", cfg ? cfg : "");
	json_object_set_new(m, "compiler", json_string(
		ver ? ver : cc ? cc : "unknown"));
	json_object_set_new(m, "compiler_path", json_string(cc ? cc : ""));
	json_object_set_new(m, "build_type", json_string(type ? type : ""));
	json_object_set_new(m, "cflags", json_string(all));
	free(cc), free(type), free(flags), free(cfg), free(ver);
}

static int bundle_usage(void)
{
	fputs("usage: flagbench-report bundle init DIR --profile P --variants LIST\n"
	      "           --scenarios LIST [--kinds LIST] [--arch A] [--emulated 0|1]\n"
	      "           [--lscpu FILE] [--cmake-cache FILE] [--commit SHA]\n"
	      "           [--dirty 0|1] [--host NAME] [--baseline VARIANT]\n"
	      "       flagbench-report bundle part DIR VARIANT KIND ok|failed|missing\n"
	      "           [--file F] [--error MSG]\n"
	      "       flagbench-report bundle finish DIR [--interrupted REASON]\n"
	      "       flagbench-report bundle check DIR [--json]\n"
	      "           (--json: {\"bundle\", \"complete\", \"finished\",\n"
	      "           \"verdict\"}, the verdict recomputed from the rows)\n"
	      "       flagbench-report bundle rounds OUT ROUND1.json ROUND2.json ...\n"
	      "           (one Google Benchmark JSON of every sample, each tagged\n"
	      "           \"flagbench_round\": its round, the context of round 1)\n",
	      stderr);
	return EXIT_ERROR;
}

static const char *opt(int argc, char **argv, const char *name,
		       const char *dflt)
{
	for (int i = 0; i + 1 < argc; i++)
		if (!strcmp(argv[i], name))
			return argv[i + 1];
	return dflt;
}

static int bundle_write(const char *dir, json_t *j)
{
	struct sio_dir d;
	int ret;

	if (sio_dir_open(&d, dir, false))
		return EXIT_ERROR;
	ret = sio_write_json(j, &d, "bundle.json") ? EXIT_ERROR : EXIT_PASS;
	sio_dir_close(&d);
	return ret;
}

/* bundle.json of a bundle being written, its shape checked; or NULL. */
static json_t *index_read(const char *dir)
{
	char err[1024];
	json_t *j = bundle_index_read(dir, err, sizeof(err));

	if (!j)
		fb_err("%s", err);
	return j;
}

static int bundle_init(int argc, char **argv)
{
	const char *dir = argv[0];
	json_t *m = json_object(), *j;
	struct utsname u;
	char now[64];
	int ret;

	if (!opt(argc, argv, "--profile", NULL) ||
	    !opt(argc, argv, "--variants", NULL) ||
	    !opt(argc, argv, "--scenarios", NULL))
		return bundle_usage();
	uname(&u);
	iso_now(now, sizeof(now));
	json_object_set_new(m, "arch", json_string(opt(argc, argv, "--arch", u.machine)));
	json_object_set_new(m, "emulated", json_boolean(
		!strcmp(opt(argc, argv, "--emulated", "0"), "1")));
	json_object_set_new(m, "host", json_string(opt(argc, argv, "--host", u.nodename)));
	json_object_set_new(m, "host_arch", json_string(u.machine));
	machine_from_lscpu(m, opt(argc, argv, "--lscpu", NULL));
	json_object_set_new(m, "kernel", json_string(u.release));
	machine_from_cmake(m, opt(argc, argv, "--cmake-cache", NULL));
	json_object_set_new(m, "perf", json_pack("{s:b, s:s}", "supported", 0,
						 "reason", "no throughput part yet"));
	j = json_pack("{s:s, s:i, s:b, s:s, s:n, s:s, s:o, s:{s:s, s:b}, s:o, s:o, s:o, s:[], s:s}",
		      "format", BUNDLE_FORMAT, "version", BUNDLE_VERSION,
		      "complete", 0, "started", now, "finished",
		      "profile", opt(argc, argv, "--profile", ""), "machine", m,
		      "suite", "commit", opt(argc, argv, "--commit", "unknown"),
		      "dirty", !strcmp(opt(argc, argv, "--dirty", "0"), "1"),
		      "variants", split_list(opt(argc, argv, "--variants", "")),
		      "scenarios", split_list(opt(argc, argv, "--scenarios", "")),
		      "kinds", split_list(opt(argc, argv, "--kinds",
					      "describe,race,throughput")),
		      "parts", "verdict", "INCOMPLETE");
	if (j && opt(argc, argv, "--baseline", NULL))
		json_object_set_new(j, "baseline",
				    json_string(opt(argc, argv, "--baseline", "")));
	if (!j) {
		fb_err("bundle init: cannot build bundle.json");
		return EXIT_ERROR;
	}
	if (mkdir_p(dir)) {
		fb_err("cannot create %s: %s", dir, strerror(errno));
		json_decref(j);
		return EXIT_ERROR;
	}
	ret = bundle_write(dir, j);
	json_decref(j);
	return ret;
}

json_t *bundle_find_part(json_t *parts, const char *variant, const char *kind)
{
	json_t *p;
	size_t i;

	json_array_foreach(parts, i, p)
		if (!strcmp(jstr(p, "variant", ""), variant) &&
		    !strcmp(jstr(p, "kind", ""), kind))
			return p;
	return NULL;
}

static void set_part(json_t *parts, const char *variant, const char *kind,
		     const char *status, const char *file, const char *error)
{
	json_t *p = bundle_find_part(parts, variant, kind);

	if (!p) {
		p = json_object();
		json_array_append_new(parts, p);
	}
	json_object_set_new(p, "variant", json_string(variant));
	json_object_set_new(p, "kind", json_string(kind));
	json_object_set_new(p, "file", file ? json_string(file) : json_null());
	json_object_set_new(p, "status", json_string(status));
	json_object_set_new(p, "error", error ? json_string(error) : json_null());
}

static int bundle_part(int argc, char **argv)
{
	const char *dir = argv[0], *status;
	json_t *j;
	int ret;

	if (argc < 4)
		return bundle_usage();
	status = argv[3];
	if (!bundle_part_kind_known(argv[2]) ||
	    (strcmp(status, "ok") && strcmp(status, "failed") &&
	     strcmp(status, "missing"))) {
		fb_err("bundle part: kind must be describe|race|throughput|code, status ok|failed|missing");
		return EXIT_ERROR;
	}
	j = index_read(dir);
	if (!j)
		return EXIT_ERROR;
	set_part(json_object_get(j, "parts"), argv[1], argv[2], status,
		 opt(argc, argv, "--file", NULL), opt(argc, argv, "--error", NULL));
	ret = bundle_write(dir, j);
	json_decref(j);
	return ret;
}

/*
 * Check every part that claims "ok" by parsing it, so that a truncated or
 * malformed file is reported as failed here rather than by every reader;
 * as the readers do (load.c), from a tree of regular files only, each
 * file inside the bundle.  -1: the bundle cannot be read at all.
 */
static int validate_parts(const char *dir, json_t *j)
{
	struct bundle *probe;
	json_t *p;
	size_t i;
	char err[1024];
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fb_err("%s: %s", dir, strerror(errno));
		return -1;
	}
	probe = bundle_open(fd, dir, err, sizeof(err));
	if (!probe) {
		fb_err("%s", err);
		return -1;
	}
	json_array_foreach(json_object_get(j, "parts"), i, p) {
		struct variant_data *v = bundle_variant(probe, jstr(p, "variant", ""));

		if (!v || strcmp(jstr(p, "status", ""), "ok"))
			continue;
		if (bundle_load_part(probe, v, jstr(p, "kind", ""),
				     jstr(p, "file", NULL), err, sizeof(err))) {
			json_object_set_new(p, "status", json_string("failed"));
			json_object_set_new(p, "error", json_string(err));
		}
	}
	bundle_free(probe);
	return 0;
}

/* The first throughput context's perf status describes the machine's. */
static void machine_perf(struct bundle *b, json_t *m)
{
	for (int i = 0; i < b->nr_variants; i++) {
		struct tp_run *r = b->v[i].tp;

		if (!r)
			continue;
		json_object_set_new(m, "perf", json_pack("{s:b, s:s}",
			"supported", r->perf_supported, "reason", r->perf_reason));
		return;
	}
}

static int bundle_finish(int argc, char **argv)
{
	const char *dir = argv[0], *why = opt(argc, argv, "--interrupted", NULL);
	json_t *j, *parts, *vs, *kinds, *vn, *kn, *p;
	struct bundle *b;
	bool complete = !why;
	char err[1024], now[64];
	size_t i, k;
	int ret;

	j = index_read(dir);
	if (!j)
		return EXIT_ERROR;
	parts = json_object_get(j, "parts");
	vs = json_object_get(j, "variants");
	kinds = json_object_get(j, "kinds");
	/* Whatever was asked for and never reported is missing. */
	json_array_foreach(vs, i, vn)
		json_array_foreach(kinds, k, kn)
			if (!bundle_find_part(parts, json_string_value(vn),
				       json_string_value(kn)))
				set_part(parts, json_string_value(vn),
					 json_string_value(kn), "missing", NULL,
					 why ? why : "not run");
	if (validate_parts(dir, j)) {
		json_decref(j);
		return EXIT_ERROR;
	}
	json_array_foreach(parts, i, p)
		if (strcmp(jstr(p, "status", ""), "ok"))
			complete = false;
	json_object_set_new(j, "complete", json_boolean(complete));
	if (why)
		json_object_set_new(j, "interrupted", json_string(why));
	/*
	 * Still unfinished as written here: its verdict stays INCOMPLETE
	 * until the one from the parts is written with "finished" below, so
	 * that no reader ever sees a finished bundle whose verdict is not
	 * its rows'.
	 */
	if (bundle_write(dir, j)) {
		json_decref(j);
		return EXIT_ERROR;
	}
	/* Verdict from the parts as written. */
	b = bundle_load_rows(dir, err, sizeof(err));
	if (!b) {
		fb_err("%s", err);
		json_decref(j);
		return EXIT_ERROR;
	}
	b->complete = complete;
	iso_now(now, sizeof(now));
	json_object_set_new(j, "finished", json_string(now));
	json_object_set_new(j, "verdict",
			    json_string(res_verdict_name(bundle_compute_verdict(b))));
	machine_perf(b, json_object_get(j, "machine"));
	ret = bundle_write(dir, j);
	if (!ret)
		printf("%s\n", jstr(j, "verdict", "?"));
	bundle_free(b);
	json_decref(j);
	return ret;
}

static void bundle_check_json(const char *dir, struct bundle *b)
{
	json_t *o = json_pack("{s:s, s:b, s:b, s:s}", "bundle", dir,
			      "complete", b->complete, "finished",
			      json_is_string(json_object_get(b->j, "finished")),
			      "verdict",
			      res_verdict_name(bundle_compute_verdict(b)));
	char *s = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;

	printf("%s\n", s ? s : "{}");
	free(s);
	json_decref(o);
}

static int bundle_check(int argc, char **argv)
{
	const char *dir = NULL;
	bool as_json = false;
	struct bundle *b;
	char err[1024];

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			as_json = true;
		} else if (!dir && argv[i][0] != '-') {
			dir = argv[i];
		} else {
			fb_err("bundle check: unexpected argument '%s'", argv[i]);
			return EXIT_ERROR;
		}
	}
	if (!dir)
		return bundle_usage();
	b = bundle_load(dir, err, sizeof(err));
	if (!b) {
		fb_err("%s", err);
		return EXIT_ERROR;
	}
	if (as_json)
		bundle_check_json(dir, b);
	else
		printf("%s: %s, %d variants, %s, verdict %s\n", b->id, b->arch,
		       b->nr_variants, b->complete ? "complete" : "incomplete",
		       res_verdict_name(b->verdict));
	bundle_free(b);
	/* A script reads this line: no line is an error, never a pass. */
	if (fflush(stdout) || ferror(stdout)) {
		fb_err("bundle check: cannot write standard output");
		return EXIT_ERROR;
	}
	return EXIT_PASS;
}

/* Whether a Google Benchmark "benchmarks" array has per-repetition entries. */
static bool has_iterations(json_t *list)
{
	json_t *e;
	size_t k;

	json_array_foreach(list, k, e) {
		const char *t = json_string_value(json_object_get(e, "run_type"));

		if (!t || !strcmp(t, "iteration"))
			return true;
	}
	return false;
}

/*
 * run-bench runs each variant's throughput once per round, in a fresh
 * process; the rounds are the replication unit, so every sample keeps its
 * round number for the gate to pair.  A round's aggregates (mean, median,
 * stddev, cv of its repetitions) stay in its own file only: readers compute
 * them from the repetitions, and they were 40% of the merged file.  The
 * merged file is written without indentation (a quarter smaller again): at
 * twelve repetitions, 22 rounds and 19 variants it must fit the bundle's
 * FB_CAP_BUNDLE.
 */
static int bundle_rounds(int argc, char **argv)
{
	json_t *out = NULL, *all = json_array(), *j, *e;
	char err[1024];
	size_t k;
	int i, ret;
	bool reps;

	for (i = 1; i < argc; i++) {
		j = sio_load_json_path(argv[i], FB_CAP_PART, err, sizeof(err));
		if (!j || !json_is_array(json_object_get(j, "benchmarks"))) {
			fb_err("bundle rounds: %s: not Google Benchmark JSON%s%s",
			       argv[i], j ? "" : ": ", j ? "" : err);
			json_decref(j);
			json_decref(all);
			json_decref(out);
			return EXIT_ERROR;
		}
		reps = has_iterations(json_object_get(j, "benchmarks"));
		json_array_foreach(json_object_get(j, "benchmarks"), k, e) {
			const char *t = json_string_value(json_object_get(e, "run_type"));

			if (reps && t && !strcmp(t, "aggregate"))
				continue;
			json_object_set_new(e, "flagbench_round", json_integer(i));
			json_array_append(all, e);
		}
		if (!out)
			out = json_incref(j);
		json_decref(j);
	}
	json_object_set_new(out, "benchmarks", all);
	json_object_set_new(json_object_get(out, "context"), "flagbench_rounds",
			    json_integer(argc - 1));
	ret = write_json_atomic(out, argv[0], true) ? EXIT_ERROR : EXIT_PASS;
	json_decref(out);
	return ret;
}

int cmd_bundle(int argc, char **argv)
{
	if (argc < 3)
		return bundle_usage();
	if (!strcmp(argv[1], "init"))
		return bundle_init(argc - 2, argv + 2);
	if (!strcmp(argv[1], "part"))
		return bundle_part(argc - 2, argv + 2);
	if (!strcmp(argv[1], "finish"))
		return bundle_finish(argc - 2, argv + 2);
	if (!strcmp(argv[1], "check"))
		return bundle_check(argc - 2, argv + 2);
	if (!strcmp(argv[1], "rounds") && argc >= 4)
		return bundle_rounds(argc - 2, argv + 2);
	return bundle_usage();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `flagbench-<v> throughput`: its own options from the one table, Google
 * Benchmark's flags checked and passed on, the output file checked before
 * and completed with context.flagbench after.  The runner is
 * throughput.c's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <flagbench/compiler.h>
#include <flagbench/variant.h>
#include "command.h"
#include "options.h"
#include "perf-record.h"
#include "throughput.h"
#include "throughput-run.h"

struct tp_opts {
	enum fb_placement placement;
	int threads[TP_MAX_THREADS];
	int nr_threads;			/* 0: 1 .. allowed CPUs */
	const char *perf_record;
	const char *lockstep;		/* the round's turn-taker's socket */
	bool interleaved;		/* --benchmark_enable_random_interleaving */
	int repetitions;		/* --benchmark_repetitions */
	/* Google Benchmark's flags, peeked at, passed on as they are. */
	const char *out;
	const char *out_format;
	const char *format;		/* --benchmark_format, the display */
	const char *filter;
	double min_time;		/* --benchmark_min_time, seconds */
	int gb_argc;
	char **gb_argv;
};

/* "1,2,4" or "1-4" or "1-3,8": thread counts, each 1 .. TP_MAX_THREADS. */
static int parse_threads(const char *s, struct tp_opts *o)
{
	const char *p = s;

	o->nr_threads = 0;
	while (*p) {
		char *end;
		long a = strtol(p, &end, 10), b;

		if (end == p || a < 1 || a > TP_MAX_THREADS)
			return -1;
		b = a;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a || b > TP_MAX_THREADS)
				return -1;
		}
		for (; a <= b; a++) {
			if (o->nr_threads == TP_MAX_THREADS)
				return -1;
			o->threads[o->nr_threads++] = (int)a;
		}
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return o->nr_threads ? 0 : -1;
}

static const char *flag_value(const char *arg, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(arg, name, len) || arg[len] != '=')
		return NULL;
	return arg + len + 1;
}

/*
 * A repetition count, from --benchmark_repetitions or the environment's
 * BENCHMARK_REPETITIONS: digits only, so that what is checked is what
 * Google Benchmark's strtol reads.
 */
static int parse_repetitions(const char *name, const char *v, int *reps)
{
	unsigned long ul;

	if (!*v || strspn(v, "0123456789") != strlen(v)) {
		fb_error("%s: not a whole number: '%s'", name, v);
		return -1;
	}
	if (fb_parse_ulong(name, v, 1, 100000, &ul))
		return -1;
	*reps = (int)ul;
	return 0;
}

/*
 * Google Benchmark 1.7 reads its numeric flags with strtol/strtod and no
 * range: --benchmark_repetitions=-1 aborts in std::length_error, =0 runs
 * nothing and exits 0, a negative or huge --benchmark_min_time is taken as
 * it is.  The flags we rely on are checked here, by the one option parser's
 * conversions, before Google Benchmark sees them, and their values kept.
 */
static int check_gbench_flag(struct tp_opts *o, const char *a)
{
	const char *v;
	double d;

	if ((v = flag_value(a, "--benchmark_repetitions")))
		return parse_repetitions("--benchmark_repetitions", v,
					 &o->repetitions);
	if ((v = flag_value(a, "--benchmark_min_time")))
		return fb_parse_double("--benchmark_min_time", v, 1e-6, 86400,
				       &o->min_time);
	if ((v = flag_value(a, "--benchmark_min_warmup_time")))
		return fb_parse_double("--benchmark_min_warmup_time", v, 0, 86400, &d);
	if (!strcmp(a, "--benchmark_repetitions") ||
	    !strcmp(a, "--benchmark_min_time") ||
	    !strcmp(a, "--benchmark_min_warmup_time")) {
		fb_error("throughput: Google Benchmark flags take their value "
			 "after '=': %s=...", a);
		return -1;
	}
	return 0;
}

/* A boolean flag's value as Google Benchmark 1.7.1 reads it. */
static bool gbench_truthy(const char *v)
{
	if (!*v)
		return true;
	if (!v[1])
		return isalnum((unsigned char)*v) && !strchr("0fFnN", *v);
	return strcasecmp(v, "false") && strcasecmp(v, "no") && strcasecmp(v, "off");
}

static bool valid_format(const char *f)
{
	return !strcmp(f, "console") || !strcmp(f, "json") || !strcmp(f, "csv");
}

static int opt_threads(const struct fb_option *opt, const char *v)
{
	if (parse_threads(v, opt->value)) {
		fb_error("throughput: --threads needs a list of counts such as "
			 "1,2,4 or 1-4 (1..%d)", TP_MAX_THREADS);
		return -1;
	}
	return 0;
}

/*
 * One of Google Benchmark's flags, @a: checked, noted where we need its
 * value, and passed on.  Google Benchmark exits 0 with its usage on a bad
 * format name, and 1 on an unwritable output file: those are checked
 * here, as errors, with the numeric flags we rely on.
 */
static int take_gbench_flag(struct tp_opts *o, const char *a)
{
	const char *v;

	if (strncmp(a, "--", 2)) {
		fb_error("throughput: unknown option '%s' (try --help)", a);
		return -1;
	}
	if ((v = flag_value(a, "--benchmark_out")))
		o->out = v;
	if ((v = flag_value(a, "--benchmark_out_format")))
		o->out_format = v;
	if ((v = flag_value(a, "--benchmark_filter")))
		o->filter = v;
	if ((v = flag_value(a, "--benchmark_format")))
		o->format = v;
	if (((v = flag_value(a, "--benchmark_out_format")) ||
	     (v = flag_value(a, "--benchmark_format"))) && !valid_format(v)) {
		fb_error("throughput: %.*s must be console, json or csv",
			 (int)(strchr(a, '=') - a), a);
		return -1;
	}
	if (check_gbench_flag(o, a))
		return -1;
	if ((v = flag_value(a, "--benchmark_enable_random_interleaving")))
		o->interleaved = gbench_truthy(v);
	else if (!strcmp(a, "--benchmark_enable_random_interleaving"))
		o->interleaved = true;
	if (!strcmp(a, "--benchmark_out") || !strcmp(a, "--benchmark_filter")) {
		fb_error("throughput: Google Benchmark flags take their "
			 "value after '=': %s=...", a);
		return -1;
	}
	o->gb_argv[o->gb_argc++] = (char *)a;
	return 0;
}

/*
 * Our own options from the one table, before Google Benchmark's, which are
 * collected for gbench_init().
 */
static int parse_opts(int argc, char **argv, struct tp_opts *o)
{
	const struct fb_option opts[] = {
		OPT_CALLBACK("placement", &o->placement, "compact|scatter",
			     fb_placement_option,
			     "pin thread i of an N-thread run to the i-th CPU of\n"
			     "this order: compact (SMT siblings, shared caches\n"
			     "first, default) or scatter (cores, packages, NUMA\n"
			     "nodes first)"),
		OPT_CALLBACK("threads", o, "LIST", opt_threads,
			     "thread counts for the scaling benchmarks, e.g.\n"
			     "1,2,4 or 1-4 (default: 1 .. allowed CPUs)"),
		OPT_STRING("perf-record", &o->perf_record, "DIR",
			   "also run the contended benchmarks (or\n"
			   "--benchmark_filter's) under `perf stat` and\n"
			   "`perf c2c` where it works; outputs in DIR"),
		OPT_STRING("lockstep", &o->lockstep, "SOCKET",
			   "take turns with the round's other processes\n"
			   "through `flagbench-report lockstep` at SOCKET:\n"
			   "each benchmark's runs go round them all in turn"),
		OPT_PASS("benchmark_",
			 "Google Benchmark's flags, FLAG=VALUE: _filter=RE,\n"
			 "_repetitions=N (1..100000), _min_time=S (> 0),\n"
			 "_out=FILE, _out_format=json, ..."),
		OPT_PASS("v=", "Google Benchmark's verbosity"),
		OPT_END()
	};
	const struct fb_cmdline cl = {
		.cmd = "throughput", .args = "", .opts = opts,
		.about = "Run this build's throughput benchmarks through Google Benchmark.\n"
			 "The JSON output (--benchmark_out) is Google Benchmark's, with\n"
			 "context.flagbench added.",
	};
	const char **pass;
	int i, npass, ret = -1;

	o->placement = FB_PLACE_COMPACT;
	/* Its flags' defaults come from the environment. */
	if (getenv("BENCHMARK_ENABLE_RANDOM_INTERLEAVING"))
		o->interleaved = gbench_truthy(getenv("BENCHMARK_ENABLE_RANDOM_INTERLEAVING"));
	o->repetitions = 1;
	/*
	 * Google Benchmark 1.7 aborts on a negative repetition count; the
	 * min time is also the threaded runs' (TP_THREADED_MIN_TIME_SCALE
	 * times it), which would otherwise keep our default.
	 */
	if (getenv("BENCHMARK_MIN_TIME") &&
	    fb_parse_double("BENCHMARK_MIN_TIME", getenv("BENCHMARK_MIN_TIME"),
			    1e-6, 86400, &o->min_time))
		return -1;
	if (getenv("BENCHMARK_REPETITIONS") &&
	    parse_repetitions("BENCHMARK_REPETITIONS",
			      getenv("BENCHMARK_REPETITIONS"), &o->repetitions))
		return -1;
	o->gb_argv[o->gb_argc++] = argv[0];
	pass = calloc((size_t)argc, sizeof(*pass));
	if (!pass)
		return -1;
	ret = fb_parse_cmdline(&cl, argc, argv, pass, argc, &npass);
	for (i = 0; !ret && i < npass; i++)
		if (take_gbench_flag(o, pass[i]))
			ret = -1;
	/* Turns pair the processes' runs by their order: one order for all. */
	if (!ret && o->lockstep && o->interleaved) {
		fb_error("throughput: --lockstep and random interleaving do not go "
			 "together (each process would run its own order)");
		ret = -1;
	}
	o->gb_argv[o->gb_argc] = NULL;
	free(pass);
	return ret;
}

/* Can the output file be written?  Without leaving an empty one behind. */
static int check_out(const char *path)
{
	struct stat sb;
	bool existed = !stat(path, &sb);
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fb_error("throughput: cannot write %s: %s", path,
			 strerror(errno));
		return -1;
	}
	close(fd);
	if (!existed)
		unlink(path);
	return 0;
}

/*
 * Google Benchmark writes NaN and Infinity as bare words (the cv of a
 * counter whose mean is 0): not JSON.  They become null, which every
 * reader, Google Benchmark's compare.py included, takes.
 */
static char *read_gb_json(const char *path)
{
	static const char *const words[] = { "-Infinity", "Infinity", "-NaN",
					     "NaN", "-nan", "nan", "-inf", "inf" };
	char *buf = NULL, *out, *o;
	size_t len = 0, i;
	const char *p;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, 0, f) < 0) {
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	/* "null" is at most one longer than what it replaces. */
	out = o = malloc(2 * strlen(buf) + 1);
	if (!out) {
		free(buf);
		return NULL;
	}
	for (p = buf; *p;) {
		bool replaced = false;

		if (p[0] == ':' && p[1] == ' ') {
			for (i = 0; i < ARRAY_SIZE(words); i++) {
				size_t wl = strlen(words[i]);

				if (!strncmp(p + 2, words[i], wl) &&
				    strchr(",\n }", p[2 + wl])) {
					memcpy(o, ": null", 6);
					o += 6;
					p += 2 + wl;
					replaced = true;
					break;
				}
			}
		}
		if (!replaced)
			*o++ = *p++;
	}
	*o = 0;
	free(buf);
	return out;
}

/* Google Benchmark's JSON, with context.flagbench added, rewritten whole. */
static int add_context(const char *path, json_t *ctx)
{
	json_error_t jerr;
	json_t *root, *context;
	char *text;
	int ret;

	text = read_gb_json(path);
	if (!text) {
		fb_error("throughput: cannot read back %s: %s", path,
			 strerror(errno));
		return -1;
	}
	root = json_loads(text, 0, &jerr);
	free(text);
	if (!root) {
		fb_error("throughput: cannot read back %s: %s (line %d)", path,
			 jerr.text, jerr.line);
		return -1;
	}
	context = json_object_get(root, "context");
	if (!json_is_object(context)) {
		fb_error("throughput: %s has no context object", path);
		json_decref(root);
		return -1;
	}
	json_object_set(context, "flagbench", ctx);
	ret = fb_write_json(root, path);
	json_decref(root);
	return ret;
}

static bool context_added;

/* Connect to the round's turn-taker: the socket, or -1 (said why). */
static int lockstep_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fb_error("throughput: --lockstep: socket path too long: %s", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fb_error("throughput: cannot reach the lockstep turn-taker at %s: %s",
			 path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Run what @o asks for: the exit status. */
static int tp_run(struct tp_opts *o, int argc, char **argv)
{
	json_t *ctx = NULL, *record = NULL;
	int ret = EXIT_ERROR, lockstep_fd = -1, passes;

	/* First: the turn-taker waits for every process of the round. */
	if (o->lockstep) {
		lockstep_fd = lockstep_connect(o->lockstep);
		if (lockstep_fd < 0)
			goto out;
		gbench_lockstep(lockstep_fd);
	}
	if (tp_setup(o->placement, o->threads, o->nr_threads))
		goto out;
	/*
	 * In lockstep, repetitions run in passes over the list, so that a
	 * benchmark's lie across the process's life: a host's state held
	 * for some milliseconds (seen in one-cycle loops, levels 25% apart)
	 * falls on one, not on several in a row.  Random interleaving does
	 * that elsewhere; in lockstep every process runs one order.
	 */
	passes = o->lockstep && o->repetitions > 1 ? o->repetitions : 1;
	if (passes > 1) {
		o->gb_argv[o->gb_argc++] = (char *)"--benchmark_repetitions=1";
		o->gb_argv[o->gb_argc] = NULL;
	}
	if (gbench_init(&o->gb_argc, o->gb_argv)) {
		fb_error("throughput: Google Benchmark rejected its flags "
			 "(see above)");
		goto out;
	}
	if (tp_register(o->threads, o->nr_threads, o->min_time, passes))
		goto out;
	if (o->perf_record) {
		record = fb_perf_record(o->perf_record, argc, argv, o->filter);
		if (!record)
			goto out;
	}
	/* Once per process: Google Benchmark refuses to replace a key. */
	if (!context_added) {
		gbench_add_context("flagbench_variant", this_variant.name);
		context_added = true;
	}
	if (!gbench_run(o->format, o->out ? (o->out_format ? o->out_format : "json") : NULL)) {
		fb_error("throughput: no benchmark matches the filter%s%s",
			 o->filter ? " " : "", o->filter ? o->filter : "");
		goto out;
	}
	if (!gbench_output_ok() || fflush(stdout) || ferror(stdout)) {
		fb_error("throughput: cannot write standard output: the results "
			 "shown there are lost");
		goto out;
	}
	ctx = tp_context_json(record);
	record = NULL;
	/* How the samples were taken: in turns with a round's other builds. */
	if (ctx) {
		json_object_set_new(ctx, "lockstep", json_boolean(o->lockstep));
		json_object_set_new(ctx, "passes", json_integer(passes));
	}
	if (o->out && (!o->out_format || !strcmp(o->out_format, "json")) &&
	    add_context(o->out, ctx))
		goto out;
	if (tp_setup_failures()) {
		fb_error("throughput: %d benchmark thread(s) could not be set up "
			 "(see error_occurred in the results)",
			 tp_setup_failures());
		goto out;
	}
	ret = EXIT_PASS;
out:
	json_decref(ctx);
	json_decref(record);
	tp_teardown();
	if (lockstep_fd >= 0) {
		gbench_lockstep(-1);
		close(lockstep_fd);
	}
	return ret;
}

int fb_throughput_main(int argc, char **argv)
{
	struct tp_opts o = { .min_time = TP_GBENCH_MIN_TIME };
	int ret = EXIT_ERROR, i;

	/* Room for argv[0] and --benchmark_repetitions=1 (tp_run()). */
	o.gb_argv = calloc(argc + 2, sizeof(char *));
	if (!o.gb_argv)
		return EXIT_ERROR;
	i = parse_opts(argc, argv, &o);
	if (i == FB_OPT_HELP)
		ret = EXIT_PASS;
	else if (!i && (!o.out || !check_out(o.out)))
		ret = tp_run(&o, argc, argv);
	free(o.gb_argv);
	return ret;
}

static int cmd_throughput(int argc, char **argv)
{
	return fb_throughput_main(argc, argv);
}
DEFINE_FB_COMMAND("throughput", cmd_throughput,
		  "[OPTIONS] [--benchmark_FLAG=VALUE...]",
		  "flag, refcount and lock operation costs through Google "
		  "Benchmark, pinned, with perf counters");

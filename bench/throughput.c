// SPDX-License-Identifier: GPL-2.0
/*
 * `flagbench-<v> throughput`: the registered benchmarks through Google
 * Benchmark, each thread pinned by the placement policy, with per-thread
 * perf counters, and Google Benchmark's JSON completed with this build's
 * context (context.flagbench).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <flagbench/mm.h>
#include <flagbench/variant.h>
#include "command.h"
#include "machine.h"
#include "options.h"
#include "perf.h"
#include "perf-record.h"
#include "throughput.h"
#include "topology.h"

json_t *variant_describe_json(void);	/* describe.c */

#define TP_THREAD_MEM 4096	/* one page of its own per thread */
#define TP_SHARED_MEM (2 * 4096)	/* the shared page, then the shared line */

extern const struct fb_benchmark __start_fb_benchmarks[]
	__attribute__((weak));
extern const struct fb_benchmark __stop_fb_benchmarks[]
	__attribute__((weak));

const struct fb_benchmark *fb_benchmarks_begin(void)
{
	return __start_fb_benchmarks;
}

const struct fb_benchmark *fb_benchmarks_end(void)
{
	return __stop_fb_benchmarks;
}

/* One run of the command: what the hooks need, set before any thread. */
static struct tp {
	struct fb_topology *topo;
	enum fb_placement placement;
	int nr_cpus;
	int *place[TP_MAX_THREADS + 1];	/* [n]: CPUs for an n-thread run */
	void *shared;			/* TP_SHARED_MEM, near place[1][0] */
	cpu_set_t main_affinity;	/* restored after each benchmark */
	atomic_int setup_failures;
} tp;

struct tp_thread {
	int cpu;
	void *mem;			/* TP_THREAD_MEM, near cpu */
	struct fb_perf_thread perf;
	struct timespec t0;
	uint64_t ticks0;
	double elapsed_ns;		/* timed, pauses excluded */
	uint64_t ticks;
};

/* The hooks' per-thread data, set by tp_enter() for the benchmark. */
static __thread struct tp_thread *tp_current;

static struct tp_thread *tp_thread(struct gbench_state *st)
{
	(void)st;
	return tp_current;
}

struct page *fb_bench_page(struct gbench_state *st)
{
	return tp_thread(st)->mem;
}

struct page *fb_bench_shared_page(struct gbench_state *st)
{
	(void)st;
	return tp.shared;
}

unsigned long *fb_bench_shared_line(struct gbench_state *st)
{
	(void)st;
	return (unsigned long *)((char *)tp.shared + 4096);
}

int fb_bench_cpu(struct gbench_state *st)
{
	return tp_thread(st)->cpu;
}

/* A page as the allocator hands it out: one reference, no flags. */
static void tp_init_page(struct page *page)
{
	init_free_page(page);
	prep_new_page(page);
}

static int tp_enter(struct gbench_state *st, void **data)
{
	int n = gbench_threads(st), i = gbench_thread_index(st);
	struct tp_thread *t;
	char msg[128];
	int ret;

	t = calloc(1, sizeof(*t));
	if (!t)
		goto fail;
	*data = t;
	tp_current = t;
	t->cpu = -1;
	if (n > tp.nr_cpus || !tp.place[n]) {
		gbench_skip_with_error(st, "more threads than allowed CPUs");
		goto fail;
	}
	t->cpu = tp.place[n][i];
	ret = fb_pin_self(tp.topo, t->cpu);
	if (ret) {
		snprintf(msg, sizeof(msg), "cannot pin to CPU %d: %s", t->cpu,
			 strerror(-ret));
		gbench_skip_with_error(st, msg);
		goto fail;
	}
	t->mem = fb_alloc_near(tp.topo, TP_THREAD_MEM, t->cpu);
	if (!t->mem) {
		gbench_skip_with_error(st, "cannot allocate the thread's page");
		goto fail;
	}
	tp_init_page(t->mem);
	/*
	 * The others wait for thread 0 at the loop's start barrier, so the
	 * shared memory is reset before anyone touches it.
	 */
	if (i == 0) {
		memset(tp.shared, 0, TP_SHARED_MEM);
		tp_init_page(tp.shared);
	}
	fb_perf_thread_open(&t->perf);
	return 0;
fail:
	atomic_fetch_add(&tp.setup_failures, 1);
	return -1;
}

static double ts_ns(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	       (double)(b->tv_nsec - a->tv_nsec);
}

static void tp_start(struct gbench_state *st, void *data)
{
	struct tp_thread *t = data;

	fb_perf_thread_enable(&t->perf);
	t->ticks0 = fb_ticks();
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
}

static void tp_pause(struct gbench_state *st, void *data)
{
	struct tp_thread *t = data;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	t->ticks += fb_ticks() - t->ticks0;
	fb_perf_thread_disable(&t->perf);
	t->elapsed_ns += ts_ns(&t->t0, &now);
}

static void tp_stop(struct gbench_state *st, void *data)
{
	struct tp_thread *t = data;
	int64_t iters = gbench_iterations(st);
	struct fb_perf_values v;
	double ops;
	int e;

	tp_pause(st, data);
	if (gbench_error_occurred(st) || iters <= 0 || t->elapsed_ns <= 0)
		return;
	ops = (double)iters;
	/*
	 * Rates from each thread's own timed span, summed over threads (the
	 * total) or averaged (per thread): Google Benchmark's kIsRate would
	 * divide by the threads' summed CPU time.
	 */
	gbench_counter(st, "ns_per_op", t->elapsed_ns / ops,
		       GBENCH_COUNTER_AVG_THREADS);
	gbench_counter(st, "ops_per_s", ops * 1e9 / t->elapsed_ns,
		       GBENCH_COUNTER_DEFAULT);
	gbench_counter(st, "ops_per_s_per_thread", ops * 1e9 / t->elapsed_ns,
		       GBENCH_COUNTER_AVG_THREADS);
	gbench_counter(st, "ticks_per_op", (double)t->ticks / ops,
		       GBENCH_COUNTER_AVG_THREADS);
	fb_perf_thread_read(&t->perf, &v);
	if (v.hw_valid) {
		char name[64];

		for (e = 0; e < FB_PERF_NR_HW; e++) {
			snprintf(name, sizeof(name), "%s_per_op",
				 fb_perf_hw_name(e));
			gbench_counter(st, name, v.hw[e] / ops,
				       GBENCH_COUNTER_AVG_THREADS);
		}
		gbench_counter(st, "perf_running_ratio", v.hw_running_ratio,
			       GBENCH_COUNTER_AVG_THREADS);
	}
	if (v.sw_valid) {
		/* Totals over threads: a pinned run should migrate never. */
		gbench_counter(st, "context_switches",
			       v.sw[FB_PERF_CONTEXT_SWITCHES], 0);
		gbench_counter(st, "cpu_migrations", v.sw[FB_PERF_CPU_MIGRATIONS],
			       0);
		gbench_counter(st, "page_faults", v.sw[FB_PERF_PAGE_FAULTS], 0);
	}
}

static void tp_resume(struct gbench_state *st, void *data)
{
	tp_start(st, data);
}

static void tp_leave(struct gbench_state *st, void *data)
{
	struct tp_thread *t = data;

	if (t) {
		fb_perf_thread_close(&t->perf);
		fb_free_near(tp.topo, t->mem, TP_THREAD_MEM);
		free(t);
	}
	tp_current = NULL;
	/* Thread 0 is the main thread: give it back its whole cpuset. */
	if (gbench_thread_index(st) == 0)
		sched_setaffinity(0, sizeof(tp.main_affinity), &tp.main_affinity);
}

static const struct gbench_hooks tp_hooks = {
	.enter = tp_enter,
	.start = tp_start,
	.stop = tp_stop,
	.pause = tp_pause,
	.resume = tp_resume,
	.leave = tp_leave,
};

/* --- options ----------------------------------------------------------- */

struct tp_opts {
	enum fb_placement placement;
	int threads[TP_MAX_THREADS];
	int nr_threads;			/* 0: 1 .. allowed CPUs */
	const char *perf_record;
	/* Google Benchmark's flags, peeked at, passed on as they are. */
	const char *out;
	const char *out_format;
	const char *format;		/* --benchmark_format, the display */
	const char *filter;
	int gb_argc;
	char **gb_argv;
};

/* After the option table that --help prints. */
static void usage_tail(void)
{
	printf("\nRun this build's throughput benchmarks through Google Benchmark.\n"
	       "The JSON output (--benchmark_out) is Google Benchmark's, with\n"
	       "context.flagbench added.\n");
}

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
 * Google Benchmark 1.7 reads its numeric flags with strtol/strtod and no
 * range: --benchmark_repetitions=-1 aborts in std::length_error, =0 runs
 * nothing and exits 0, a negative or huge --benchmark_min_time is taken as
 * it is.  The flags we rely on are checked here, by the one option parser's
 * conversions, before Google Benchmark sees them.
 */
static int check_gbench_flag(const char *a)
{
	unsigned long ul;
	const char *v;
	double d;

	if ((v = flag_value(a, "--benchmark_repetitions"))) {
		/* Digits only: what we check must be what strtol reads. */
		if (!*v || strspn(v, "0123456789") != strlen(v)) {
			fb_error("--benchmark_repetitions: not a whole number: '%s'", v);
			return -1;
		}
		return fb_parse_ulong("--benchmark_repetitions", v, 1, 100000, &ul);
	}
	if ((v = flag_value(a, "--benchmark_min_time")))
		return fb_parse_double("--benchmark_min_time", v, 1e-6, 86400, &d);
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

static bool valid_format(const char *f)
{
	return !strcmp(f, "console") || !strcmp(f, "json") || !strcmp(f, "csv");
}

static const char tp_usage[] =
	"[--placement compact|scatter] [--threads LIST] [--perf-record DIR]\n"
	"        [--benchmark_FLAG=VALUE...]";

static int opt_placement(const struct fb_option *opt, const char *v)
{
	int p = fb_placement_parse(v);

	if (p < 0) {
		fb_error("throughput: --placement needs compact or scatter");
		return -1;
	}
	*(enum fb_placement *)opt->value = p;
	return 0;
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
 * Our own options from the one table, and Google Benchmark's collected for
 * gbench_init().  Google Benchmark exits 0 with its usage on a bad format
 * name, and 1 on an unwritable output file: those are checked here, as
 * errors, with the numeric flags we rely on.
 */
static int parse_opts(int argc, char **argv, struct tp_opts *o)
{
	const struct fb_option opts[] = {
		OPT_CALLBACK("placement", &o->placement, "P", opt_placement,
			     "pin thread i of an N-thread run to the i-th CPU of\n"
			     "P's order: compact (SMT siblings, shared caches\n"
			     "first, default) or scatter (cores, packages, NUMA\n"
			     "nodes first)"),
		OPT_CALLBACK("threads", o, "LIST", opt_threads,
			     "thread counts for the scaling benchmarks, e.g.\n"
			     "1,2,4 or 1-4 (default: 1 .. allowed CPUs)"),
		OPT_STRING("perf-record", &o->perf_record, "DIR",
			   "also run the contended benchmarks (or\n"
			   "--benchmark_filter's) under `perf stat` and\n"
			   "`perf c2c` where it works; outputs in DIR"),
		OPT_PASS("benchmark_",
			 "Google Benchmark's flags, FLAG=VALUE: _filter=RE,\n"
			 "_repetitions=N (1..100000), _min_time=S (> 0),\n"
			 "_out=FILE, _out_format=json, ..."),
		OPT_PASS("v=", "Google Benchmark's verbosity"),
		OPT_END()
	};
	const char *v, **pass;
	int i, npass;

	o->placement = FB_PLACE_COMPACT;
	o->gb_argv[o->gb_argc++] = argv[0];
	pass = calloc((size_t)argc, sizeof(*pass));
	if (!pass)
		return -1;
	i = fb_parse_options(argc, argv, opts, "throughput", tp_usage, pass,
			     argc, &npass);
	if (i == FB_OPT_HELP) {
		free(pass);
		return i;
	}
	if (i)
		goto fail;
	for (i = 0; i < npass; i++) {
		const char *a = pass[i];

		if (strncmp(a, "--", 2)) {
			fb_error("throughput: unknown option '%s' (try --help)",
				 a);
			goto fail;
		}
		if ((v = flag_value(a, "--benchmark_out")))
			o->out = v;
		if ((v = flag_value(a, "--benchmark_out_format")))
			o->out_format = v;
		if ((v = flag_value(a, "--benchmark_filter")))
			o->filter = v;
		if ((v = flag_value(a, "--benchmark_format")))
			o->format = v;
		if ((v = flag_value(a, "--benchmark_out_format")) ||
		    (v = flag_value(a, "--benchmark_format"))) {
			if (!valid_format(v)) {
				fb_error("throughput: %.*s must be console, json or csv",
					 (int)(strchr(a, '=') - a), a);
				goto fail;
			}
		}
		if (check_gbench_flag(a))
			goto fail;
		if (!strcmp(a, "--benchmark_out") ||
		    !strcmp(a, "--benchmark_filter")) {
			fb_error("throughput: Google Benchmark flags take their "
				 "value after '=': %s=...", a);
			goto fail;
		}
		o->gb_argv[o->gb_argc++] = (char *)a;
	}
	o->gb_argv[o->gb_argc] = NULL;
	free(pass);
	return 0;
fail:
	free(pass);
	return -1;
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

/* --- context and registration ----------------------------------------- */

static json_t *placement_json(void)
{
	json_t *j = json_object();
	char key[16];
	int n, i;

	for (n = 1; n <= tp.nr_cpus && n <= TP_MAX_THREADS; n++) {
		json_t *cpus = json_array();

		for (i = 0; i < n; i++)
			json_array_append_new(cpus, json_integer(tp.place[n][i]));
		snprintf(key, sizeof(key), "%d", n);
		json_object_set_new(j, key, cpus);
	}
	return j;
}

static json_t *perf_json(json_t *record)
{
	const char *hw_reason, *sw_reason;
	bool hw = fb_perf_hw_supported(&hw_reason);
	bool sw = fb_perf_sw_supported(&sw_reason);
	json_t *j;

	j = json_pack("{s:b, s:s, s:b, s:s, s:[sss], s:s, s:s}", "supported", hw,
		      "reason", hw ? "" : hw_reason, "software_supported", sw,
		      "software_reason", sw ? "" : sw_reason, "events",
		      "cycles", "instructions", "cache-misses", "ticks",
		      fb_ticks_source(), "hitm",
		      "not counted per benchmark (no portable raw event); use "
		      "--perf-record, which runs perf c2c where it works");
	if (record)
		json_object_set_new(j, "record", record);
	return j;
}

static json_t *context_json(json_t *record)
{
	const char *how = NULL;
	bool emulated = fb_emulated(&how);

	return json_pack("{s:s, s:s, s:b, s:s, s:s, s:o, s:o, s:o, s:o, s:i}",
			 "variant", this_variant.name, "arch", fb_arch_name(),
			 "emulated", emulated, "emulated_how", how ? how : "",
			 "placement", fb_placement_name(tp.placement),
			 "placement_cpus", placement_json(), "topology",
			 fb_topology_json(tp.topo), "perf", perf_json(record),
			 "describe", variant_describe_json(), "batch",
			 FB_BENCH_BATCH);
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

static int cmp_benchmark(const void *a, const void *b)
{
	const struct fb_benchmark *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* By name: the linker's order is no order a reader can rely on. */
static const struct fb_benchmark **sorted_benchmarks(size_t *nr)
{
	const struct fb_benchmark **v, *b;
	size_t n = 0;

	v = calloc(fb_benchmarks_end() - fb_benchmarks_begin() + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (b = fb_benchmarks_begin(); b < fb_benchmarks_end(); b++)
		v[n++] = b;
	qsort(v, n, sizeof(*v), cmp_benchmark);
	*nr = n;
	return v;
}

static int register_all(const struct tp_opts *o)
{
	const struct fb_benchmark **v, *b;
	int scaling[TP_MAX_THREADS], nr = 0, i, ret = 0;
	size_t n, k;

	if (o->nr_threads) {
		for (i = 0; i < o->nr_threads; i++)
			scaling[nr++] = o->threads[i];
	} else {
		for (i = 1; i <= tp.nr_cpus && i <= TP_MAX_THREADS; i++)
			scaling[nr++] = i;
	}
	v = sorted_benchmarks(&n);
	if (!v) {
		fb_error("throughput: out of memory");
		return -1;
	}
	gbench_clear();
	for (k = 0; k < n && !ret; k++) {
		struct gbench_spec spec = { 0 };

		b = v[k];
		if (b->flags & FB_BENCH_SCALING) {
			spec.threads = scaling;
			spec.nr_threads = nr;
		}
		if (b->flags & FB_BENCH_NATIVE_CXX)
			ret = gbench_register_native_reference(b->name, &spec);
		else
			ret = gbench_register(b->name, b->fn, b->arg, &spec);
		if (ret)
			fb_error("throughput: cannot register %s", b->name);
	}
	free(v);
	return ret ? -1 : 0;
}

static int setup_placement(const struct tp_opts *o)
{
	char err[256];
	int n, i;

	tp.topo = fb_topology_get(err, sizeof(err));
	if (!tp.topo) {
		fb_error("throughput: topology: %s", err);
		return -1;
	}
	if (fb_topology_here(tp.topo, err, sizeof(err))) {
		fb_error("throughput: %s", err);
		return -1;
	}
	tp.placement = o->placement;
	tp.nr_cpus = fb_topology_nr_cpus(tp.topo);
	for (i = 0; i < o->nr_threads; i++) {
		if (o->threads[i] > tp.nr_cpus) {
			fb_error("throughput: --threads %d but only %d CPU%s "
				 "allowed (taskset/cgroup)", o->threads[i],
				 tp.nr_cpus, tp.nr_cpus == 1 ? "" : "s");
			return -1;
		}
	}
	for (n = 1; n <= tp.nr_cpus && n <= TP_MAX_THREADS; n++) {
		tp.place[n] = calloc(n, sizeof(int));
		if (!tp.place[n] ||
		    fb_topology_place(tp.topo, tp.placement, n, tp.place[n], err,
				      sizeof(err))) {
			fb_error("throughput: placement: %s", tp.place[n] ? err :
				 "out of memory");
			return -1;
		}
	}
	tp.shared = fb_alloc_near(tp.topo, TP_SHARED_MEM, tp.place[1][0]);
	if (!tp.shared) {
		fb_error("throughput: cannot allocate shared pages");
		return -1;
	}
	return 0;
}

static void teardown_placement(void)
{
	int n;

	if (tp.shared)
		fb_free_near(tp.topo, tp.shared, TP_SHARED_MEM);
	for (n = 0; n <= TP_MAX_THREADS; n++) {
		free(tp.place[n]);
		tp.place[n] = NULL;
	}
	tp.shared = NULL;
	gbench_set_hooks(NULL);
	sched_setaffinity(0, sizeof(tp.main_affinity), &tp.main_affinity);
}

static bool context_added;

int fb_throughput_main(int argc, char **argv)
{
	struct tp_opts o = { 0 };
	json_t *ctx = NULL, *record = NULL;
	const char *reason;
	int ret = EXIT_ERROR, i;
	size_t ran;

	o.gb_argv = calloc(argc + 1, sizeof(char *));
	if (!o.gb_argv)
		goto out_free;
	i = parse_opts(argc, argv, &o);
	if (i == FB_OPT_HELP) {
		usage_tail();
		ret = EXIT_PASS;
	}
	if (i)
		goto out_free;
	if (o.out && check_out(o.out))
		goto out_free;
	if (sched_getaffinity(0, sizeof(tp.main_affinity), &tp.main_affinity)) {
		fb_error("throughput: sched_getaffinity: %s", strerror(errno));
		goto out_free;
	}
	if (setup_placement(&o))
		goto out;
	if (gbench_init(&o.gb_argc, o.gb_argv)) {
		fb_error("throughput: Google Benchmark rejected its flags "
			 "(see above)");
		goto out;
	}
	if (!fb_perf_hw_supported(&reason))
		fprintf(stderr, "flagbench-%s: throughput: no hardware counters: "
			"%s; carrying on with %s ticks and software counters\n",
			this_variant.name, reason, fb_ticks_source());
	atomic_store(&tp.setup_failures, 0);
	gbench_set_hooks(&tp_hooks);
	if (register_all(&o))
		goto out;
	if (o.perf_record) {
		record = fb_perf_record(o.perf_record, argc, argv, o.filter);
		if (!record)
			goto out;
	}
	/* Once per process: Google Benchmark refuses to replace a key. */
	if (!context_added) {
		gbench_add_context("flagbench_variant", this_variant.name);
		context_added = true;
	}
	ran = gbench_run(o.format);
	if (!ran) {
		fb_error("throughput: no benchmark matches the filter%s%s",
			 o.filter ? " " : "", o.filter ? o.filter : "");
		goto out;
	}
	if (!gbench_output_ok() || fflush(stdout) || ferror(stdout)) {
		fb_error("throughput: cannot write standard output: the results "
			 "shown there are lost");
		goto out;
	}
	ctx = context_json(record);
	record = NULL;
	if (o.out && (!o.out_format || !strcmp(o.out_format, "json")) &&
	    add_context(o.out, ctx))
		goto out;
	if (atomic_load(&tp.setup_failures)) {
		fb_error("throughput: %d benchmark thread(s) could not be set up "
			 "(see error_occurred in the results)",
			 atomic_load(&tp.setup_failures));
		goto out;
	}
	ret = EXIT_PASS;
out:
	json_decref(ctx);
	json_decref(record);
	teardown_placement();
out_free:
	free(o.gb_argv);
	return ret;
}

static int cmd_throughput(int argc, char **argv)
{
	return fb_throughput_main(argc, argv);
}
DEFINE_FB_COMMAND("throughput", cmd_throughput, tp_usage,
		  "flag, refcount and lock operation costs through Google "
		  "Benchmark, pinned, with perf counters");

json_t *fb_benchmarks_json(void)
{
	const struct fb_benchmark **v;
	json_t *out = json_array();
	size_t n, k;

	v = sorted_benchmarks(&n);
	for (k = 0; v && k < n; k++)
		json_array_append_new(out, json_pack(
			"{s:s, s:b, s:s}", "name", v[k]->name, "scaling",
			(v[k]->flags & FB_BENCH_SCALING) != 0, "help", v[k]->help));
	free(v);
	return out;
}
DEFINE_FB_LISTER("benchmarks", fb_benchmarks_json);

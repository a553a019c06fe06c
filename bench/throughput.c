// SPDX-License-Identifier: GPL-2.0
/*
 * The throughput runner: the registered benchmarks through Google
 * Benchmark, each thread pinned by the placement policy, with per-thread
 * perf counters, and this build's context for Google Benchmark's JSON
 * (context.flagbench).  The command line is throughput-cmd.c's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <flagbench/mm.h>
#include <flagbench/variant.h>
#include "command.h"
#include "cycles.h"
#include "machine.h"
#include "perf.h"
#include "throughput.h"
#include "throughput-run.h"
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
	bool affinity_saved;
	atomic_int setup_failures;
	double min_time;		/* the runs' (the flag or BENCHMARK_MIN_TIME) */
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
	t->ticks0 = fb_cycles();
	clock_gettime(CLOCK_MONOTONIC, &t->t0);
}

static void tp_pause(struct gbench_state *st, void *data)
{
	struct tp_thread *t = data;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	t->ticks += fb_cycles() - t->ticks0;
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
		      fb_cycles_name(), "hitm",
		      "not counted per benchmark (no portable raw event); use "
		      "--perf-record, which runs perf c2c where it works");
	if (record)
		json_object_set_new(j, "record", record);
	return j;
}

/*
 * The file this process runs from: run-bench runs each round from a fresh
 * copy, so that the physical pages holding the code are the round's draw
 * (run-bench, round_text()); the inode tells the rounds' copies apart.
 */
static json_t *exe_json(void)
{
	char path[4096];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	struct stat sb;
	json_t *j;

	if (n < 0 || stat("/proc/self/exe", &sb))
		return json_null();
	path[n] = '\0';
	j = json_pack("{s:I}", "inode", (json_int_t)sb.st_ino);
	/* A path that is not UTF-8 has no JSON string: the inode still tells. */
	if (j)
		json_object_set_new(j, "path", json_string(path) ?: json_null());
	return j ?: json_null();
}

json_t *tp_context_json(json_t *record)
{
	const char *how = NULL;
	bool emulated = fb_emulated(&how);

	return json_pack("{s:s, s:s, s:b, s:s, s:s, s:o, s:o, s:o, s:o, s:i, s:f, s:i, s:o}",
			 "variant", this_variant.name, "arch", fb_arch_name(),
			 "emulated", emulated, "emulated_how", how ? how : "",
			 "placement", fb_placement_name(tp.placement),
			 "placement_cpus", placement_json(), "topology",
			 fb_topology_json(tp.topo), "perf", perf_json(record),
			 "describe", variant_describe_json(), "batch",
			 FB_BENCH_BATCH, "min_time", tp.min_time,
			 "threaded_min_time_scale",
			 TP_THREADED_MIN_TIME_SCALE, "exe", exe_json());
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

/*
 * @b into Google Benchmark: a scaling one for each of the @nr counts of
 * @scaling, one registration per count: a run of several threads starts
 * them at a barrier and ends with the last, so a late start or a stolen
 * slice of either weighs on it as on a single-thread run
 * TP_THREADED_MIN_TIME_SCALE times shorter; it runs that many times
 * @min_time (Google Benchmark's flag's value).
 */
static int register_one(const struct fb_benchmark *b, const int *scaling,
			int nr, double min_time)
{
	struct gbench_spec spec = { 0 };
	int runs = 1, i, ret = 0;

	if (b->flags & FB_BENCH_SCALING) {
		spec.nr_threads = 1;
		runs = nr;
	}
	for (i = 0; i < runs && !ret; i++) {
		if (b->flags & FB_BENCH_SCALING) {
			spec.threads = &scaling[i];
			spec.min_time = scaling[i] > 1 ?
				min_time * TP_THREADED_MIN_TIME_SCALE : 0;
		}
		if (b->flags & FB_BENCH_NATIVE_CXX)
			ret = gbench_register_native_reference(b->name, &spec);
		else
			ret = gbench_register(b->name, b->fn, b->arg, &spec);
	}
	if (ret)
		fb_error("throughput: cannot register %s", b->name);
	return ret;
}

/*
 * Every benchmark, by name, for each of @threads (@nr_threads 0: 1 ..
 * allowed CPUs) where it scales.  @passes > 1: the whole list that many
 * times (Google Benchmark told to run one repetition), so that a
 * benchmark's repetitions lie across the process's life (gbench_passes()).
 */
static int register_all(const int *threads, int nr_threads, double min_time,
			int passes)
{
	const struct fb_benchmark **v;
	int scaling[TP_MAX_THREADS], nr = 0, i, p, ret = 0;
	size_t n, k;

	if (nr_threads) {
		for (i = 0; i < nr_threads; i++)
			scaling[nr++] = threads[i];
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
	gbench_passes(passes);
	for (p = 0; p < passes && !ret; p++)
		for (k = 0; k < n && !ret; k++)
			ret = register_one(v[k], scaling, nr, min_time);
	free(v);
	return ret ? -1 : 0;
}

/*
 * Pin the n-thread runs by @placement, check @threads against the allowed
 * CPUs, and allocate the shared pages.
 */
int tp_setup(enum fb_placement placement, const int *threads, int nr_threads)
{
	char err[256];
	int n, i;

	if (sched_getaffinity(0, sizeof(tp.main_affinity), &tp.main_affinity)) {
		fb_error("throughput: sched_getaffinity: %s", strerror(errno));
		return -1;
	}
	tp.affinity_saved = true;
	tp.topo = fb_topology_get(err, sizeof(err));
	if (!tp.topo) {
		fb_error("throughput: topology: %s", err);
		return -1;
	}
	if (fb_topology_here(tp.topo, err, sizeof(err))) {
		fb_error("throughput: %s", err);
		return -1;
	}
	tp.placement = placement;
	tp.nr_cpus = fb_topology_nr_cpus(tp.topo);
	for (i = 0; i < nr_threads; i++) {
		if (threads[i] > tp.nr_cpus) {
			fb_error("throughput: --threads %d but only %d CPU%s "
				 "allowed (taskset/cgroup)", threads[i],
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

void tp_teardown(void)
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
	if (tp.affinity_saved)
		sched_setaffinity(0, sizeof(tp.main_affinity), &tp.main_affinity);
	tp.affinity_saved = false;
}

/*
 * The hooks on, the failures' count at zero, and every benchmark
 * registered (after gbench_init()).
 */
int tp_register(const int *threads, int nr_threads, double min_time,
		int passes)
{
	const char *reason;

	if (!fb_perf_hw_supported(&reason))
		fprintf(stderr, "flagbench-%s: throughput: no hardware counters: "
			"%s; carrying on with %s ticks and software counters\n",
			this_variant.name, reason, fb_cycles_name());
	atomic_store(&tp.setup_failures, 0);
	tp.min_time = min_time;
	gbench_set_hooks(&tp_hooks);
	return register_all(threads, nr_threads, min_time, passes);
}

int tp_setup_failures(void)
{
	return atomic_load(&tp.setup_failures);
}


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

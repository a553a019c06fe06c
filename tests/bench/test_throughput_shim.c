// SPDX-License-Identifier: GPL-2.0
/*
 * The C shim: a benchmark written in C registers, runs, and its counters,
 * the harness's counters and Google Benchmark's aggregates reach the JSON,
 * with context.flagbench; no PMU is reported, not fatal.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "bench/throughput-test.h"

static volatile unsigned long word;
static int paused_ok;

static void bm_counter(struct gbench_state *st, long arg)
{
	int64_t n = 0;

	assert_int_equal(arg, 42);
	fb_bench_loop(st) {
		word ^= 1;
		n++;
		/* Untimed work inside the loop, as a benchmark would reset. */
		if (n == 1) {
			gbench_pause(st);
			paused_ok = gbench_thread_index(st) == 0 &&
				    gbench_threads(st) == 1;
			gbench_resume(st);
		}
	}
	gbench_set_items_processed(st, n);
	gbench_counter(st, "test_value", 42.0, GBENCH_COUNTER_AVG_THREADS);
	gbench_counter(st, "test_per_iter", (double)n,
		       GBENCH_COUNTER_AVG_ITERATIONS);
}
DEFINE_FB_BENCHMARK("test/shim_counter", bm_counter, 42, 0,
		    "test: counters through the shim");

static void bm_fails(struct gbench_state *st, long arg)
{
	gbench_skip_with_error(st, "test: this benchmark cannot set up");
}
DEFINE_FB_BENCHMARK("test/shim_error", bm_fails, 0, 0,
		    "test: a C benchmark reporting an error");

/*
 * Lockstep: every thread of every run works inside a turn the
 * coordinator gave, and asks again before the next run.
 */
static atomic_int turn_held, lockstep_entries, lockstep_outside;

static void bm_lockstep(struct gbench_state *st, long arg)
{
	atomic_fetch_add(&lockstep_entries, 1);
	if (!atomic_load(&turn_held))
		atomic_fetch_add(&lockstep_outside, 1);
	fb_bench_loop(st) {
		word ^= 1;
	}
	if (!atomic_load(&turn_held))
		atomic_fetch_add(&lockstep_outside, 1);
}
DEFINE_FB_BENCHMARK("test/shim_lockstep", bm_lockstep, 0, FB_BENCH_SCALING,
		    "test: runs only in their lockstep turns");

static double num(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);

	assert_non_null(v);
	assert_true(json_is_number(v));
	return json_number_value(v);
}

static void test_counters_in_json(void **state)
{
	char out[512];
	json_t *root, *b, *fb, *perf;

	tp_out_path(out, sizeof(out), "shim");
	paused_ok = 0;
	assert_int_equal(tp_run(out, "^test/shim_counter$", "1", NULL, NULL), 0);
	assert_true(paused_ok);
	root = tp_load(out);
	assert_non_null(root);
	b = tp_find(root, "test/shim_counter");
	assert_non_null(b);
	assert_true(num(b, "iterations") >= FB_BENCH_BATCH);
	assert_true(num(b, "test_value") == 42.0);
	assert_true(num(b, "test_per_iter") == 1.0);
	assert_true(num(b, "items_per_second") > 0);
	assert_true(num(b, "ns_per_op") > 0);
	assert_true(num(b, "ops_per_s") > 0);
	assert_true(num(b, "ops_per_s_per_thread") > 0);
	assert_true(num(b, "ticks_per_op") > 0);

	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	assert_non_null(fb);
	assert_string_equal(json_string_value(json_object_get(fb, "variant")),
			    this_variant.name);
	assert_non_null(json_object_get(fb, "topology"));
	assert_true(json_is_boolean(json_object_get(fb, "emulated")));
	perf = json_object_get(fb, "perf");
	assert_non_null(perf);
	/* No PMU: said so, run carried on; a PMU: its counters are there. */
	if (json_is_false(json_object_get(perf, "supported"))) {
		assert_true(strlen(json_string_value(
				json_object_get(perf, "reason"))) > 0);
		assert_null(json_object_get(b, "cycles_per_op"));
	} else {
		assert_true(num(b, "cycles_per_op") > 0);
		assert_true(num(b, "instructions_per_op") > 0);
	}
	json_decref(root);
	unlink(out);
}

static void test_repetitions_aggregate(void **state)
{
	const char *want[] = { "mean", "median", "stddev", "cv" };
	char out[512];
	json_t *root, *b;
	int seen = 0, i;
	size_t k;

	tp_out_path(out, sizeof(out), "reps");
	assert_int_equal(tp_run(out, "^test/shim_counter$", "2", NULL, NULL), 0);
	root = tp_load(out);
	assert_non_null(root);	/* NaN (cv of a zero counter) made valid */
	json_array_foreach(json_object_get(root, "benchmarks"), k, b) {
		const char *rt = json_string_value(json_object_get(b, "run_type"));
		const char *an;

		if (!rt || strcmp(rt, "aggregate"))
			continue;
		an = json_string_value(json_object_get(b, "aggregate_name"));
		for (i = 0; i < 4; i++)
			if (an && !strcmp(an, want[i]))
				seen |= 1 << i;
	}
	assert_int_equal(seen, 0xf);
	json_decref(root);
	unlink(out);
}

/*
 * Google Benchmark reads the thread's CPU time (a system call) as it
 * starts and stops its timer, and a busy machine preempts right there
 * (gbench_keep_running_batch()).  This test's clock_gettime(), which the
 * library's calls reach as the executable's symbol, makes every such read
 * take a millisecond while slow_cputime is set, as a preemption would.
 */
static volatile int slow_cputime;

int clock_gettime(clockid_t clk, struct timespec *ts)
{
	int ret = (int)syscall(SYS_clock_gettime, clk, ts);
	struct timespec t0, t;

	if (clk == CLOCK_THREAD_CPUTIME_ID && slow_cputime) {
		syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t0);
		do
			syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t);
		while ((t.tv_sec - t0.tv_sec) * 1000000000L +
		       (t.tv_nsec - t0.tv_nsec) < 1000000L);
	}
	return ret;
}

/*
 * So the harness's span lies inside the timer and takes in none of the
 * reads: with each a millisecond long, a run's ns_per_op times its
 * iterations is under its real_time's by two milliseconds at least (the
 * start's read and bm_counter's pause's).  With the stop hook after the
 * last call, the stop's read fell in the span: about a millisecond
 * measured where no work was, and the difference was one.
 */
static void test_span_inside_timer(void **state)
{
	char out[512];
	json_t *root, *b;
	int runs = 0;
	size_t k;

	tp_out_path(out, sizeof(out), "span");
	slow_cputime = 1;
	assert_int_equal(tp_run(out, "^test/shim_counter$", "3",
				"--benchmark_min_time=0.00002", NULL), 0);
	slow_cputime = 0;
	root = tp_load(out);
	assert_non_null(root);
	json_array_foreach(json_object_get(root, "benchmarks"), k, b) {
		const char *rt = json_string_value(json_object_get(b, "run_type"));
		double iters, ours, theirs;

		if (!rt || strcmp(rt, "iteration"))
			continue;
		runs++;
		iters = num(b, "iterations");
		ours = num(b, "ns_per_op") * iters;
		theirs = num(b, "real_time") * iters;
		/* The pause and resume in bm_counter read it twice more. */
		if (theirs - ours < 1.9e6)
			fail_msg("repetition %d: %.0f ns measured, Google Benchmark's %.0f",
				 runs, ours, theirs);
	}
	assert_int_equal(runs, 3);
	json_decref(root);
	unlink(out);
}

struct fake_coordinator {
	int listen_fd;
	int requests, keys_1, keys_2, bad;
	char order[64];		/* the thread counts asked for, runs merged */
	size_t nr_order;
};

/* `flagbench-report lockstep` for one process: holds each turn 1 ms. */
static void *fake_coordinator(void *arg)
{
	struct fake_coordinator *fc = arg;
	char line[256], c;
	size_t len = 0;
	int fd = accept(fc->listen_fd, NULL, NULL);

	while (fd >= 0 && read(fd, line + len, 1) == 1) {
		if (line[len] != '\n' && ++len < sizeof(line) - 1)
			continue;
		line[len] = '\0';
		len = 0;
		atomic_store(&turn_held, 0);
		fc->requests++;
		if (!strcmp(line, "W test/shim_lockstep\t1"))
			fc->keys_1++;
		else if (!strcmp(line, "W test/shim_lockstep\t2"))
			fc->keys_2++;
		else
			fc->bad++;
		/* The thread count's digit, once for consecutive requests. */
		c = line[strlen(line) - 1];
		if (fc->nr_order < sizeof(fc->order) - 1 &&
		    (!fc->nr_order || fc->order[fc->nr_order - 1] != c))
			fc->order[fc->nr_order++] = c;
		usleep(1000);
		atomic_store(&turn_held, 1);
		if (write(fd, "G", 1) != 1)
			break;
	}
	atomic_store(&turn_held, 0);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void test_lockstep_turns(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct fake_coordinator fc = { 0 };
	char out[512], opt[sizeof(sa.sun_path) + 16];
	pthread_t t;
	json_t *root, *fb, *b;
	size_t k;

	tp_out_path(out, sizeof(out), "lockstep");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/fb-ls-%d", (int)getpid());
	unlink(sa.sun_path);
	fc.listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fc.listen_fd >= 0);
	assert_int_equal(bind(fc.listen_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fc.listen_fd, 1), 0);
	assert_int_equal(pthread_create(&t, NULL, fake_coordinator, &fc), 0);
	snprintf(opt, sizeof(opt), "--lockstep=%s", sa.sun_path);
	assert_int_equal(tp_run(out, "^test/shim_lockstep", "2", opt,
				"--threads=1,2"), 0);
	pthread_join(t, NULL);
	close(fc.listen_fd);
	unlink(sa.sun_path);
	/*
	 * Both thread counts, two repetitions each: one turn a measured run,
	 * the short runs before it inside it; every thread of every run
	 * inside one.  The repetitions run in passes: each count's second
	 * after the other's first, not one after the other.
	 */
	assert_int_equal(fc.bad, 0);
	assert_int_equal(fc.keys_1, 2);
	assert_int_equal(fc.keys_2, 2);
	assert_true(atomic_load(&lockstep_entries) >= fc.keys_1 + 2 * fc.keys_2);
	assert_int_equal(atomic_load(&lockstep_outside), 0);
	fc.order[fc.nr_order] = '\0';
	assert_string_equal(fc.order, "1212");
	root = tp_load(out);
	assert_non_null(root);
	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	assert_true(json_is_true(json_object_get(fb, "lockstep")));
	assert_int_equal(json_integer_value(json_object_get(fb, "passes")), 2);
	/* In the order they ran, told as two repetitions of one each. */
	json_array_foreach(json_object_get(root, "benchmarks"), k, b) {
		const char *n = json_string_value(json_object_get(b, "name"));

		assert_true(k < 4);
		assert_string_equal(json_string_value(json_object_get(b, "run_type")),
				    "iteration");
		assert_string_equal(n, k % 2 ? "test/shim_lockstep/threads:2" :
					       "test/shim_lockstep/threads:1");
		assert_int_equal(num(b, "repetitions"), 2);
		assert_int_equal(num(b, "repetition_index"), k / 2);
	}
	assert_int_equal(k, 4);
	json_decref(root);
	unlink(out);
}

static void test_error_is_reported(void **state)
{
	char out[512];
	json_t *root, *b;

	tp_out_path(out, sizeof(out), "err");
	/* The run completes; the benchmark carries Google Benchmark's error. */
	assert_int_equal(tp_run(out, "^test/shim_error$", "1", NULL, NULL), 0);
	root = tp_load(out);
	assert_non_null(root);
	b = tp_find(root, "test/shim_error");
	assert_non_null(b);
	assert_true(json_is_true(json_object_get(b, "error_occurred")));
	assert_non_null(strstr(json_string_value(json_object_get(b,
				"error_message")), "cannot set up"));
	json_decref(root);
	unlink(out);
}

/* The shim's own benchmarks exist in every build, by the same names. */
static void test_shim_reference_registered(void **state)
{
	json_t *list = fb_benchmarks_json(), *b;
	int found = 0;
	size_t i;

	json_array_foreach(list, i, b) {
		const char *n = json_string_value(json_object_get(b, "name"));

		found += !strcmp(n, "shim/cxx_native") ||
			 !strcmp(n, "shim/c_batch") ||
			 !strcmp(n, "bitops/clear_bit") ||
			 !strcmp(n, "bitops/__clear_bit") ||
			 !strcmp(n, "paths/migrate_clear_isolated") ||
			 !strcmp(n, "contended/clear_bit/same-word");
	}
	assert_int_equal(found, 6);
	json_decref(list);
}

static void test_native_and_shim_run(void **state)
{
	char out[512];
	json_t *root;

	tp_out_path(out, sizeof(out), "native");
	assert_int_equal(tp_run(out, "^shim/(cxx_native|c_batch)$", "1", NULL,
				NULL), 0);
	root = tp_load(out);
	assert_non_null(root);
	assert_non_null(tp_find(root, "shim/cxx_native"));
	assert_non_null(tp_find(root, "shim/c_batch"));
	assert_true(json_number_value(json_object_get(
			tp_find(root, "shim/cxx_native"), "ns_per_op")) > 0);
	json_decref(root);
	unlink(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counters_in_json),
		cmocka_unit_test(test_repetitions_aggregate),
		cmocka_unit_test(test_span_inside_timer),
		cmocka_unit_test(test_lockstep_turns),
		cmocka_unit_test(test_error_is_reported),
		cmocka_unit_test(test_shim_reference_registered),
		cmocka_unit_test(test_native_and_shim_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

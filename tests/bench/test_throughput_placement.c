// SPDX-License-Identifier: GPL-2.0
/*
 * Placement: each benchmark thread runs where the policy puts it (seen
 * with sched_getcpu() inside the benchmark), a restricted cpuset is
 * respected, and the main thread gets its affinity back.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "bench/throughput-test.h"
#include "topology.h"

#define MAX_T 64

static int seen_cpu[MAX_T], told_cpu[MAX_T];
static volatile int moved;

static void bm_where(struct gbench_state *st, long arg)
{
	int i = gbench_thread_index(st);
	int cpu = sched_getcpu();

	if (i < MAX_T) {
		seen_cpu[i] = cpu;
		told_cpu[i] = fb_bench_cpu(st);
	}
	fb_bench_loop(st) {
		if (__fb_b == 0 && sched_getcpu() != cpu)
			moved = 1;
	}
}
DEFINE_FB_BENCHMARK("test/where", bm_where, 0, FB_BENCH_SCALING,
		    "test: where each thread runs");

static struct fb_topology *topo(void)
{
	char err[256];
	struct fb_topology *t = fb_topology_get(err, sizeof(err));

	if (!t)
		fail_msg("topology: %s", err);
	return t;
}

static void check_policy(const char *policy)
{
	int n = fb_topology_nr_cpus(topo()), want[MAX_T], i;
	char out[512], threads[32], err[256];
	cpu_set_t before, after;

	if (n > MAX_T)
		n = MAX_T;
	assert_int_equal(fb_topology_place(topo(), fb_placement_parse(policy), n,
					   want, err, sizeof(err)), 0);
	snprintf(threads, sizeof(threads), "--threads=%d", n);
	tp_out_path(out, sizeof(out), policy);
	memset(seen_cpu, -1, sizeof(seen_cpu));
	moved = 0;
	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	assert_int_equal(tp_run(out, "^test/where/", "1",
				policy[0] == 'c' ? "--placement=compact" :
						   "--placement=scatter",
				threads), 0);
	for (i = 0; i < n; i++) {
		assert_int_equal(told_cpu[i], want[i]);
		assert_int_equal(seen_cpu[i], want[i]);
	}
	assert_false(moved);
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
	unlink(out);
}

static void test_compact(void **state)
{
	check_policy("compact");
}

static void test_scatter(void **state)
{
	check_policy("scatter");
}

static void test_placement_recorded(void **state)
{
	char out[512];
	json_t *root, *fb, *pc;

	tp_out_path(out, sizeof(out), "recorded");
	assert_int_equal(tp_run(out, "^test/where/threads:1$", "1",
				"--placement", "scatter"), 0);
	root = tp_load(out);
	assert_non_null(root);
	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	assert_string_equal(json_string_value(json_object_get(fb, "placement")),
			    "scatter");
	pc = json_object_get(fb, "placement_cpus");
	assert_int_equal(json_object_size(pc), fb_topology_nr_cpus(topo()));
	assert_int_equal(json_integer_value(json_array_get(
				json_object_get(pc, "1"), 0)), seen_cpu[0]);
	json_decref(root);
	unlink(out);
}

/*
 * In a child bound to the last allowed CPU (as taskset would): the run
 * uses that CPU only, offers one thread, and refuses two.
 */
static int restricted_child(int cpu)
{
	char out[512];
	cpu_set_t one;
	json_t *root, *fb, *allowed;
	int n;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return 10;
	tp_out_path(out, sizeof(out), "restricted");
	memset(seen_cpu, -1, sizeof(seen_cpu));
	if (tp_run(out, "^test/where/", "1", NULL, NULL))
		return 11;
	if (seen_cpu[0] != cpu || seen_cpu[1] != -1)
		return 12;
	root = tp_load(out);
	if (!root)
		return 13;
	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	allowed = json_object_get(json_object_get(fb, "topology"),
				  "allowed_cpus");
	n = (int)json_array_size(allowed);
	if (n != 1 || json_integer_value(json_array_get(allowed, 0)) != cpu)
		return 14;
	if (json_object_size(json_object_get(fb, "placement_cpus")) != 1)
		return 15;
	json_decref(root);
	unlink(out);
	/* Two threads on one allowed CPU: a clear error, exit 2. */
	if (tp_run(out, "^test/where/", "1", "--threads", "2") != 2)
		return 16;
	return 0;
}

static void test_restricted_cpuset(void **state)
{
	int cpus[1024], n = fb_topology_cpus(topo(), cpus, 1024), status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(restricted_child(cpus[n - 1]));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_scatter),
		cmocka_unit_test(test_placement_recorded),
		cmocka_unit_test(test_restricted_cpuset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

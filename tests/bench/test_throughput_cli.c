// SPDX-License-Identifier: GPL-2.0
/*
 * flagbench-<variant> throughput as a user runs it: bad options and bad
 * Google Benchmark flags give one clear error and exit 2 (never a crash or
 * Google Benchmark's exit 0 with its usage); a good run writes JSON with
 * context.flagbench; `list` has the benchmarks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "bench/throughput-test.h"

extern char **environ;
static char exe[PATH_MAX];
static char errfile[PATH_MAX], outfile[PATH_MAX];

/*
 * Under qemu-user (FB_EMULATED=1) a foreign child cannot be exec'd
 * directly (binfmt_misc may be missing): run it through the emulator the
 * cross toolchain uses; LD_LIBRARY_PATH for the sysroot is in our env.
 */
static int add_emulator(char **argv)
{
	const char *e = getenv("FB_EMULATED");

	if (!e || strcmp(e, "1"))
		return 0;
#if defined(__aarch64__)
	argv[0] = "qemu-aarch64";
	argv[1] = "-L";
	argv[2] = "/usr/aarch64-linux-gnu";
	return 3;
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	argv[0] = "qemu-ppc64le";
	argv[1] = "-L";
	argv[2] = "/usr/powerpc64le-linux-gnu";
	return 3;
#else
	return 0;
#endif
}

/* Run the executable with @args (NULL-terminated); exit status. */
static int run(const char *const *args)
{
	posix_spawn_file_actions_t fa;
	char *argv[20];
	int i, status;
	pid_t pid;

	i = add_emulator(argv);
	argv[i++] = exe;
	for (; *args && i < 19; args++)
		argv[i++] = (char *)*args;
	argv[i] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, outfile,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, errfile,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_int_equal(posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ),
			 0);
	posix_spawn_file_actions_destroy(&fa);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));	/* never a signal */
	return WEXITSTATUS(status);
}

static char *slurp(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

static void expect_error(const char *const *args, const char *needle)
{
	char *err;

	assert_int_equal(run(args), 2);
	err = slurp(errfile);
	if (!strstr(err, needle))
		fail_msg("stderr lacks '%s':\n%s", needle, err);
}

/*
 * Command lines `throughput ARGS` refuses (exit 2), and what its stderr
 * must say.  Those whose first argument is --benchmark_... are Google
 * Benchmark's flags, checked before Google Benchmark sees them.
 */
static const struct refused {
	const char *args[4];
	const char *needle;
} refused[] = {
	{ { "--bogus" }, "throughput: unknown option '--bogus'" },
	{ { "--placement", "diagonal" }, "--placement needs" },
	{ { "--placement" }, "--placement needs" },
	{ { "--threads", "0" }, "--threads needs" },
	{ { "--threads", "1,x" }, "--threads needs" },
	{ { "--threads", "1024" }, "CPU" },
	{ { "stray" }, "unknown option 'stray'" },
	{ { "--lockstep", "/nonexistent/sock" },
	  "cannot reach the lockstep turn-taker at /nonexistent/sock" },
	{ { "--lockstep" }, "--lockstep" },
	/* Random interleaving would give each process its own order. */
	{ { "--lockstep", "/nonexistent/sock",
	    "--benchmark_enable_random_interleaving" }, "do not go together" },
	{ { "--lockstep", "/nonexistent/sock",
	    "--benchmark_enable_random_interleaving=Yes" }, "do not go together" },
	{ { "--lockstep", "/nonexistent/sock",
	    "--benchmark_enable_random_interleaving=off" },
	  "cannot reach the lockstep turn-taker" },
	{ { "--benchmark_no_such_flag=1" }, "unrecognized command-line flag" },
	{ { "--benchmark_min_time=soon" },
	  "--benchmark_min_time: not a finite number" },
	/* Google Benchmark 1.7 aborts on -1 and runs nothing on 0. */
	{ { "--benchmark_repetitions=-1" },
	  "--benchmark_repetitions: not a whole number" },
	{ { "--benchmark_repetitions=0" }, "out of range" },
	{ { "--benchmark_min_time=-1" }, "out of range" },
	{ { "--benchmark_out_format=xml" }, "must be console, json or csv" },
	{ { "--benchmark_out=/nonexistent/dir/x.json" }, "cannot write" },
	{ { "--benchmark_filter=^no-such-benchmark$" }, "no benchmark matches" },
};

/* Each of refused[] that is (@gb) or is not a Google Benchmark flag. */
static void expect_refused(bool gb)
{
	const struct refused *r;
	int i, checked = 0;

	for (r = refused; r < refused + ARRAY_SIZE(refused); r++) {
		const char *args[ARRAY_SIZE(r->args) + 2] = { "throughput" };

		if (!strncmp(r->args[0], "--benchmark_", 12) != gb)
			continue;
		for (i = 0; i < (int)ARRAY_SIZE(r->args) && r->args[i]; i++)
			args[i + 1] = r->args[i];
		expect_error(args, r->needle);
		checked++;
	}
	assert_true(checked > 0);
}

static void test_bad_own_options(void **state)
{
	expect_refused(false);
}

static void test_bad_gb_flags(void **state)
{
	expect_refused(true);
}

/* Google Benchmark's defaults from the environment: checked as the flags. */
static void test_bad_env(void **state)
{
	static const char *const args[] = { "throughput", NULL };
	static const char *const vars[] = { "BENCHMARK_REPETITIONS",
					    "BENCHMARK_MIN_TIME" };
	static const char *const bad[] = { "-1", "0", "lots" };

	for (size_t v = 0; v < sizeof(vars) / sizeof(vars[0]); v++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(setenv(vars[v], bad[i], 1), 0);
			expect_error(args, vars[v]);
		}
		unsetenv(vars[v]);
	}
}

/*
 * The min time the runs used (threaded ones scale it): the environment's,
 * or the flag's over it.
 */
static double env_min_time(const char *flag)
{
	char out[600], oflag[640];
	json_t *root;
	double t;

	tp_out_path(out, sizeof(out), "mintime");
	snprintf(oflag, sizeof(oflag), "--benchmark_out=%s", out);
	assert_int_equal(setenv("BENCHMARK_MIN_TIME", "0.002", 1), 0);
	assert_int_equal(run((const char *[]){ "throughput",
				"--benchmark_filter=^bitops/__clear_bit$",
				oflag, flag, NULL }), 0);
	unsetenv("BENCHMARK_MIN_TIME");
	root = tp_load(out);
	assert_non_null(root);
	t = json_real_value(json_object_get(json_object_get(json_object_get(
		root, "context"), "flagbench"), "min_time"));
	json_decref(root);
	unlink(out);
	return t;
}

static void test_env_min_time(void **state)
{
	assert_true(env_min_time(NULL) == 0.002);
	assert_true(env_min_time("--benchmark_min_time=0.003") == 0.003);
}

static void test_good_run(void **state)
{
	char out[600], oflag[640];
	json_t *root, *fb;

	tp_out_path(out, sizeof(out), "cli");
	snprintf(oflag, sizeof(oflag), "--benchmark_out=%s", out);
	assert_int_equal(run((const char *[]){ "throughput",
				"--benchmark_filter=^bitops/(clear_bit|__clear_bit)$",
				TP_MIN_TIME, oflag, NULL }), 0);
	root = tp_load(out);
	assert_non_null(root);
	assert_non_null(tp_find(root, "bitops/clear_bit"));
	assert_non_null(tp_find(root, "bitops/__clear_bit"));
	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	assert_string_equal(json_string_value(json_object_get(fb, "variant")),
			    this_variant.name);
	assert_string_equal(json_string_value(json_object_get(fb, "placement")),
			    "compact");
	json_decref(root);
	unlink(out);
	/* No PMU is said once, not per benchmark. */
	{
		char *err = slurp(errfile), *p = strstr(err, "no hardware counters");

		if (p)
			assert_null(strstr(p + 1, "no hardware counters"));
	}
}

/*
 * A run of two threads lasts threaded_min_time_scale times the min time
 * and keeps its plain name: in the file, in the display (JSON here), and
 * repeated under random interleaving.  One CPU allowed: no run of two.
 */
static void test_threaded_names(void **state)
{
	char out[600], oflag[640];
	const char *name = "contended/set_bit/same-word/threads:2";
	json_t *root, *fb, *e;
	size_t i, reps = 0;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip();
	tp_out_path(out, sizeof(out), "threaded");
	snprintf(oflag, sizeof(oflag), "--benchmark_out=%s", out);
	assert_int_equal(run((const char *[]){ "throughput", "--threads", "1,2",
				"--benchmark_filter=^contended/set_bit/same-word",
				"--benchmark_repetitions=2",
				"--benchmark_enable_random_interleaving=true",
				"--benchmark_format=json", TP_MIN_TIME, oflag,
				NULL }), 0);
	/* The display is Google Benchmark's own JSON (bare NaN words). */
	assert_null(strstr(slurp(outfile), "min_time"));
	assert_non_null(strstr(slurp(outfile), name));
	root = tp_load(out);
	assert_non_null(root);
	json_array_foreach(json_object_get(root, "benchmarks"), i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));

		assert_non_null(n);
		assert_null(strstr(n, "min_time"));
		reps += !strcmp(n, name);
	}
	assert_true(reps >= 2);
	fb = json_object_get(json_object_get(root, "context"), "flagbench");
	assert_int_equal(json_integer_value(json_object_get(fb,
				"threaded_min_time_scale")),
			 TP_THREADED_MIN_TIME_SCALE);
	json_decref(root);
	unlink(out);
}

static void test_list_and_help(void **state)
{
	json_t *root, *b;
	json_error_t jerr;

	assert_int_equal(run((const char *[]){ "list", NULL }), 0);
	root = json_loads(slurp(outfile), 0, &jerr);
	assert_non_null(root);
	b = json_object_get(root, "benchmarks");
	assert_true(json_array_size(b) > 20);
	json_decref(root);
	assert_int_equal(run((const char *[]){ "throughput", "--help", NULL }), 0);
	assert_non_null(strstr(slurp(outfile), "--placement"));
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_own_options),
		cmocka_unit_test(test_bad_gb_flags),
		cmocka_unit_test(test_bad_env),
		cmocka_unit_test(test_env_min_time),
		cmocka_unit_test(test_good_run),
		cmocka_unit_test(test_threaded_names),
		cmocka_unit_test(test_list_and_help),
	};
	char self[PATH_MAX];
	const char *tmp = getenv("TMPDIR");
	ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);

	/* Tests are in <build>/tests, executables in <build>/bin. */
	if (len <= 0)
		return 1;
	self[len] = 0;
	snprintf(exe, sizeof(exe), "%s/../bin/flagbench-%s", dirname(self),
		 this_variant.name);
	snprintf(errfile, sizeof(errfile), "%s/fb-tp-cli-%d.err",
		 tmp ? tmp : "/tmp", (int)getpid());
	snprintf(outfile, sizeof(outfile), "%s/fb-tp-cli-%d.out",
		 tmp ? tmp : "/tmp", (int)getpid());
	(void)argc;
	(void)argv;
	len = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(errfile);
	unlink(outfile);
	return (int)len;
}

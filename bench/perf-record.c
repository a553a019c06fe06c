// SPDX-License-Identifier: GPL-2.0
/* --perf-record: contended runs under perf stat and perf c2c; see perf-record.h. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "command.h"
#include "perf-record.h"

extern char **environ;

#define MAX_ARGS 256

struct child_cmd {
	char *argv[MAX_ARGS];
	int argc;
};

static void push(struct child_cmd *c, const char *s)
{
	if (c->argc < MAX_ARGS - 1)
		c->argv[c->argc++] = (char *)s;
	c->argv[c->argc] = NULL;
}

/* Every argument up to NULL. */
static void push_all(struct child_cmd *c, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, c);
	while ((s = va_arg(ap, const char *)))
		push(c, s);
	va_end(ap);
}

/* Own options that take a separate value. */
static bool takes_value(const char *a)
{
	return !strcmp(a, "--placement") || !strcmp(a, "--threads") ||
	       !strcmp(a, "--perf-record");
}

/* The throughput run perf watches: same options, no outputs, no recursion. */
static void child_run(struct child_cmd *c, const char *exe, int argc,
		      char **argv, const char *filter_arg)
{
	int i;

	push(c, exe);
	push(c, "throughput");
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--perf-record")) {
			i++;
			continue;
		}
		if (!strncmp(a, "--perf-record=", 14) ||
		    !strncmp(a, "--benchmark_out", 15) ||
		    !strncmp(a, "--benchmark_filter=", 19) ||
		    !strncmp(a, "--benchmark_format=", 19))
			continue;
		push(c, a);
		if (takes_value(a) && i + 1 < argc)
			push(c, argv[++i]);
	}
	push(c, filter_arg);
}

/* Run @argv with stdout and stderr to files; exit status, or -errno. */
static int run(char **argv, const char *out, const char *err)
{
	posix_spawn_file_actions_t fa;
	int ret, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err,
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		return -ret;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static json_t *step_json(const char *what, int ret, const char *files)
{
	char why[256];

	if (ret == 0)
		return json_pack("{s:s, s:s}", "status", "ok", "files", files);
	if (ret < 0)
		snprintf(why, sizeof(why), "%s: cannot run perf: %s", what,
			 strerror(-ret));
	else
		snprintf(why, sizeof(why), "%s exited with %d (see its .err file)",
			 what, ret);
	return json_pack("{s:s, s:s, s:s}", "status", "failed", "reason", why,
			 "files", files);
}

json_t *fb_perf_record(const char *dir, int argc, char **argv,
		       const char *filter)
{
	char exe[PATH_MAX], filter_arg[1024], p[6][PATH_MAX + 32];
	struct child_cmd stat = { 0 }, c2c = { 0 }, rep = { 0 };
	json_t *j;
	ssize_t len;
	int ret;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fb_error("throughput: --perf-record: cannot create %s: %s", dir,
			 strerror(errno));
		return NULL;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) {
		fb_error("throughput: --perf-record: cannot find this "
			 "executable: %s", strerror(errno));
		return NULL;
	}
	exe[len] = 0;
	snprintf(filter_arg, sizeof(filter_arg), "--benchmark_filter=%s",
		 filter ? filter : "^contended/");
	snprintf(p[0], sizeof(p[0]), "%s/perf-stat.txt", dir);
	snprintf(p[1], sizeof(p[1]), "%s/perf-stat.out", dir);
	snprintf(p[2], sizeof(p[2]), "%s/perf-stat.err", dir);
	snprintf(p[3], sizeof(p[3]), "%s/perf-c2c.data", dir);
	snprintf(p[4], sizeof(p[4]), "%s/perf-c2c.err", dir);
	snprintf(p[5], sizeof(p[5]), "%s/perf-c2c.txt", dir);

	/* perf stat -d: the default events and the L1/LLC ones, per run. */
	push_all(&stat, "perf", "stat", "-d", "-o", p[0], "--", NULL);
	child_run(&stat, exe, argc, argv, filter_arg);
	fprintf(stderr, "flagbench: throughput: perf stat of %s -> %s\n",
		filter_arg + 19, dir);
	ret = run(stat.argv, p[1], p[2]);
	j = json_pack("{s:s, s:s, s:o}", "dir", dir, "filter", filter_arg + 19,
		      "stat", step_json("perf stat", ret,
					"perf-stat.txt perf-stat.out perf-stat.err"));

	/* perf c2c needs load/store sampling (x86 mem-loads, arm64 SPE). */
	push_all(&c2c, "perf", "c2c", "record", "-o", p[3], "--", NULL);
	child_run(&c2c, exe, argc, argv, filter_arg);
	ret = run(c2c.argv, "/dev/null", p[4]);
	if (ret == 0) {
		push_all(&rep, "perf", "c2c", "report", "--stdio", "-i", p[3],
			 NULL);
		ret = run(rep.argv, p[5], p[4]);
	} else {
		unlink(p[3]);
	}
	json_object_set_new(j, "c2c", step_json("perf c2c", ret,
			    ret ? "perf-c2c.err" :
				  "perf-c2c.data perf-c2c.txt perf-c2c.err"));
	return j;
}

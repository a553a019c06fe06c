/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for tests/bench/test_throughput_*.c: run the throughput command
 * in-process (the test's own benchmarks are registered there too) or the
 * built flagbench-<variant> executable, and read back its JSON.
 * Google Benchmark keeps its flags between runs in one process, so every
 * in-process run names filter, min time, repetitions and output itself.
 */
#ifndef FLAGBENCH_TESTS_THROUGHPUT_TEST_H
#define FLAGBENCH_TESTS_THROUGHPUT_TEST_H

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <flagbench/variant.h>
#include "throughput.h"

#define TP_MIN_TIME "--benchmark_min_time=0.01"

/* A fresh output path under $TMPDIR, removed by tp_unlink(). */
static inline void tp_out_path(char *buf, size_t len, const char *tag)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/fb-tp-%s-%s-%d.json", dir ? dir : "/tmp",
		 this_variant.name, tag, (int)getpid());
}

/* flagbench-<variant> throughput ARGS..., in this process; exit status. */
static inline int tp_run(const char *out, const char *filter, const char *reps,
			 const char *a1, const char *a2)
{
	char fbuf[512], obuf[4096], rbuf[64];
	char *argv[10];
	int argc = 0;

	snprintf(fbuf, sizeof(fbuf), "--benchmark_filter=%s", filter);
	snprintf(obuf, sizeof(obuf), "--benchmark_out=%s", out);
	snprintf(rbuf, sizeof(rbuf), "--benchmark_repetitions=%s",
		 reps ? reps : "1");
	argv[argc++] = "throughput";
	argv[argc++] = fbuf;
	argv[argc++] = TP_MIN_TIME;
	argv[argc++] = rbuf;
	argv[argc++] = obuf;
	argv[argc++] = "--benchmark_out_format=json";
	if (a1)
		argv[argc++] = (char *)a1;
	if (a2)
		argv[argc++] = (char *)a2;
	argv[argc] = NULL;
	fflush(stdout);
	return fb_throughput_main(argc, argv);
}

static inline json_t *tp_load(const char *path)
{
	json_error_t err;
	json_t *j = json_load_file(path, 0, &err);

	if (!j)
		fprintf(stderr, "%s: %s (line %d)\n", path, err.text, err.line);
	return j;
}

/* The first benchmark entry named @name (run_type iteration), or NULL. */
static inline json_t *tp_find(json_t *root, const char *name)
{
	json_t *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		if (!strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	}
	return NULL;
}

#endif /* FLAGBENCH_TESTS_THROUGHPUT_TEST_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Between the throughput command (throughput-cmd.c: options, files) and
 * its runner (throughput.c: placement, hooks, registration, context).
 */
#ifndef FLAGBENCH_BENCH_THROUGHPUT_RUN_H
#define FLAGBENCH_BENCH_THROUGHPUT_RUN_H

#include <jansson.h>
#include "topology.h"

/*
 * Pin an n-thread run's threads by @placement, check the thread counts
 * asked for (@nr_threads of them; 0: 1 .. allowed CPUs) against the
 * allowed CPUs, allocate the shared pages; 0 or -1 (said).
 */
int tp_setup(enum fb_placement placement, const int *threads, int nr_threads);
/*
 * After gbench_init(): the hooks on and every benchmark registered, once
 * or, @passes > 1, once a pass (gbench_passes(); the caller has told
 * Google Benchmark to run one repetition).
 */
int tp_register(const int *threads, int nr_threads, double min_time,
		int passes);
/* context.flagbench of the output file (takes @record, perf-record's). */
json_t *tp_context_json(json_t *record);
/* Benchmark threads that could not be pinned or given their memory. */
int tp_setup_failures(void);
/* Undo tp_setup() and tp_register(), the main thread's cpuset restored. */
void tp_teardown(void);

#endif /* FLAGBENCH_BENCH_THROUGHPUT_RUN_H */

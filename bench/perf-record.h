/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --perf-record DIR: run the contended benchmarks again, once under
 * `perf stat` and once under `perf c2c record` (where the machine has the
 * memory-access events it needs), keeping perf's outputs in DIR.
 */
#ifndef FLAGBENCH_BENCH_PERF_RECORD_H
#define FLAGBENCH_BENCH_PERF_RECORD_H

#include <jansson.h>

/*
 * @argc/@argv: the throughput command's own; the child runs the same
 * options without --perf-record and the output flags, on @filter's
 * benchmarks (NULL: "^contended/").  What happened, as JSON: a perf that
 * is missing or fails is recorded there, not fatal.  NULL (reported) if
 * DIR cannot be made.
 */
json_t *fb_perf_record(const char *dir, int argc, char **argv,
		       const char *filter);

#endif /* FLAGBENCH_BENCH_PERF_RECORD_H */

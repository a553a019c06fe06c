/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A C face for Google Benchmark (1.7.1, as Debian ships it).
 *
 * bench/gbench_shim.cc is the only C++ in the project: everything measured
 * is C, compiled per variant, and reaches Google Benchmark through here.
 * The run loop goes by batches (gbench_keep_running_batch()): a call back
 * into C++ per operation would add 1-2 ns to a 1 ns bit operation, one call
 * per batch adds nothing measurable ("shim/..." benchmarks check that).
 *
 * Google Benchmark's own flags (--benchmark_filter, _repetitions,
 * _min_time in plain seconds, _out, _out_format, ...) pass through
 * gbench_init() untouched, and its JSON schema is left as it is.
 */
#ifndef FLAGBENCH_BENCH_GBENCH_H
#define FLAGBENCH_BENCH_GBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One thread's benchmark::State, with what the shim keeps beside it. */
struct gbench_state;

typedef void (*gbench_fn)(struct gbench_state *st, long arg);

/* benchmark::Counter::Flags, same bits. */
enum gbench_counter_flags {
	GBENCH_COUNTER_DEFAULT = 0,
	GBENCH_COUNTER_RATE = 1 << 0,		/* divided by the run's seconds */
	GBENCH_COUNTER_AVG_THREADS = 1 << 1,	/* averaged over threads */
	GBENCH_COUNTER_ITERATION_INVARIANT = 1 << 2,	/* times iterations */
	GBENCH_COUNTER_AVG_ITERATIONS = 1 << 3,	/* per iteration */
};

/* How a benchmark is registered. */
struct gbench_spec {
	const int *threads;	/* thread counts, one run each; NULL: {1} */
	int nr_threads;
	bool real_time;		/* wall clock instead of CPU time (threads) */
	double min_time;	/* seconds; 0: --benchmark_min_time's */
	int64_t iterations;	/* fixed count; 0: let Google Benchmark pick */
};

/*
 * Called around each thread's run of every benchmark, outside the timed
 * region, except start (just after the timer started) and stop (just
 * before it stops, so that the span inside lies within the timer and
 * takes in neither of its system calls: gbench_keep_running_batch());
 * pause comes before the timer pauses, resume after it resumes.  The
 * harness uses them for pinning and per-thread perf counters, so that no
 * benchmark has to care.  @data is one pointer per thread run.
 */
struct gbench_hooks {
	int (*enter)(struct gbench_state *st, void **data);	/* 0 or skip */
	void (*start)(struct gbench_state *st, void *data);
	void (*stop)(struct gbench_state *st, void *data);
	void (*pause)(struct gbench_state *st, void *data);
	void (*resume)(struct gbench_state *st, void *data);
	void (*leave)(struct gbench_state *st, void *data);
};

/*
 * Parse and remove Google Benchmark's flags from @argc/@argv; -1 (message
 * printed) if a --benchmark_* flag is malformed or unknown to it.
 */
int gbench_init(int *argc, char **argv);
/* Forget every registered benchmark (a second run in one process). */
void gbench_clear(void);
int gbench_register(const char *name, gbench_fn fn, long arg,
		    const struct gbench_spec *spec);
/*
 * The shim's reference: fb_shim_op() (shim-op.h) in Google Benchmark's
 * native C++ loop, to compare with the same operation run from C.
 */
int gbench_register_native_reference(const char *name,
				     const struct gbench_spec *spec);
void gbench_set_hooks(const struct gbench_hooks *hooks);
/*
 * Every benchmark was registered @passes times, once a pass, and runs one
 * repetition (--benchmark_repetitions=1): the outputs tell its runs as
 * @passes repetitions of one (repetition_index: the pass), and the
 * display shows their median once the last has run.  1: registered once
 * (Google Benchmark's repetitions).
 */
void gbench_passes(int passes);
/*
 * Take turns with the other processes of a round through @fd, a socket
 * connected to `flagbench-report lockstep`: before each iteration run of
 * every benchmark registered from now on, ask for the turn and wait for
 * it (the process exits, status 2, if the turn-taker goes); the runs
 * that find the iteration count and the measured run keep the turn
 * until the run is reported.  Each benchmark must run one repetition a
 * registration (gbench_passes()).  -1: none.
 */
void gbench_lockstep(int fd);
/* A string in the JSON "context" (Google Benchmark's custom context). */
void gbench_add_context(const char *key, const char *value);
/*
 * Run what the filter selects, displayed as @format ("console", "json",
 * "csv"; NULL: console, coloured on a terminal), and written as
 * @out_format (the same words) to --benchmark_out's file when there is
 * one (@out_format NULL exactly when there is not); the number of
 * benchmarks run.
 */
size_t gbench_run(const char *format, const char *out_format);
/* Did the display reach standard output?  (Results lost otherwise.) */
bool gbench_output_ok(void);

/* The run loop: while (gbench_keep_running_batch(st, n)) { n ops }. */
bool gbench_keep_running_batch(struct gbench_state *st, int64_t n);
/* Inside the loop only (Google Benchmark checks): untimed work. */
void gbench_pause(struct gbench_state *st);
void gbench_resume(struct gbench_state *st);
int gbench_thread_index(const struct gbench_state *st);
int gbench_threads(const struct gbench_state *st);
int64_t gbench_iterations(const struct gbench_state *st);
void gbench_set_items_processed(struct gbench_state *st, int64_t items);
void gbench_counter(struct gbench_state *st, const char *name, double value,
		    unsigned int flags);
/* Report the run as failed with @msg; the loop then does not run. */
void gbench_skip_with_error(struct gbench_state *st, const char *msg);
bool gbench_error_occurred(const struct gbench_state *st);

/*
 * benchmark::DoNotOptimize and ClobberMemory for C: the value is assumed
 * read (it must be computed), memory is assumed read and written.
 */
#define gbench_do_not_optimize(v)                                              \
	do {                                                                   \
		__typeof__(v) __gb_v = (v);                                    \
		__asm__ __volatile__("" : : "r,m"(__gb_v) : "memory");         \
	} while (0)
#define gbench_clobber_memory() ({ __asm__ __volatile__("" : : : "memory"); })

#ifdef __cplusplus
}
#endif

#endif /* FLAGBENCH_BENCH_GBENCH_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The C shim over Google Benchmark 1.7.1: see gbench.h.  The only C++ in
 * the project; it adapts, it measures nothing itself.
 */
#include <benchmark/benchmark.h>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <unistd.h>
#include <string>
#include <time.h>
#include <utility>
#include <vector>

#include "gbench.h"
#include "shim-op.h"

struct gbench_state {
	benchmark::State *s;
	void *data;		// the hooks' per-thread pointer
	bool started;		// the timed loop has begun
	bool stopped;
	int64_t done;		// iterations of the batches handed out
};

static struct gbench_hooks shim_hooks;

/* The stop hook, once per thread run, however the loop ended. */
static void stop_once(struct gbench_state *st)
{
	if (st->stopped)
		return;
	st->stopped = true;
	if (shim_hooks.stop)
		shim_hooks.stop(st, st->data);
}

static void run_c_benchmark(benchmark::State &s, gbench_fn fn, long arg)
{
	struct gbench_state st = { &s, nullptr, false, false, 0 };

	if (shim_hooks.enter && shim_hooks.enter(&st, &st.data)) {
		if (!s.error_occurred())
			s.SkipWithError("benchmark thread setup failed");
		goto out;
	}
	fn(&st, arg);
	/*
	 * Google Benchmark aborts when a benchmark returns before its loop
	 * ran out; a C benchmark that could not set up says why instead.
	 */
	if (!st.started && !s.error_occurred())
		s.SkipWithError("benchmark returned without running its loop");
	if (st.started)
		stop_once(&st);
out:
	if (shim_hooks.leave)
		shim_hooks.leave(&st, st.data);
}

/*
 * The reference: the same operation as shim/c_batch, in Google
 * Benchmark's own idiom, with the same hooks (pinning, counters).
 */
static void run_native_reference(benchmark::State &s)
{
	struct gbench_state st = { &s, nullptr, false, false, 0 };
	static volatile unsigned long word;

	if (shim_hooks.enter && shim_hooks.enter(&st, &st.data)) {
		if (!s.error_occurred())
			s.SkipWithError("benchmark thread setup failed");
		goto out;
	}
	st.started = true;
	if (shim_hooks.start)
		shim_hooks.start(&st, st.data);
	for (auto _ : s)
		fb_shim_op(&word);
	if (shim_hooks.stop)
		shim_hooks.stop(&st, st.data);
out:
	if (shim_hooks.leave)
		shim_hooks.leave(&st, st.data);
}

/*
 * Lockstep (gbench_lockstep()): before each of a benchmark's iteration
 * runs, in Google Benchmark's Setup() (the main thread, before the run's
 * threads start), ask the round's turn-taker and wait for the turn.
 * 1.7.1's Setup() is not told which benchmark it is for, so each
 * registration gets its own, one of a table that differ by the index
 * they pass.
 */
#define LOCKSTEP_MAX 512
static int lockstep_fd = -1;
static int64_t lockstep_hold_ns;
static std::vector<std::string> lockstep_names;
static size_t lockstep_held = SIZE_MAX;	/* the turn's benchmark */
static int lockstep_held_threads;
static int64_t lockstep_granted_ns;

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void lockstep_turn(size_t i, int threads)
{
	std::string msg;
	size_t off = 0;
	ssize_t n = 0;
	char g = 0;

	if (lockstep_fd < 0)
		return;
	/*
	 * Google Benchmark's short runs that find the iteration count (1,
	 * 10, 100... iterations) keep the turn they began in: a turn costs
	 * two wake-ups (about 0.1 ms here), a third of such a run.  A
	 * measured run lasts the min time, the hold, so each asks anew.
	 */
	if (i == lockstep_held && threads == lockstep_held_threads &&
	    mono_ns() - lockstep_granted_ns < lockstep_hold_ns)
		return;
	msg = "W " + lockstep_names[i] + "\t" + std::to_string(threads) + "\n";
	while (off < msg.size()) {
		n = write(lockstep_fd, msg.data() + off, msg.size() - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	while (off == msg.size() && (n = read(lockstep_fd, &g, 1)) < 0 && errno == EINTR)
		;
	if (off == msg.size() && n == 1 && g == 'G') {
		lockstep_held = i;
		lockstep_held_threads = threads;
		lockstep_granted_ns = mono_ns();
		return;
	}
	/*
	 * Without the turn-taker the round's processes would run at once,
	 * on each other's CPUs: no result beats a wrong one.  Setup() runs
	 * with no benchmark thread alive.
	 */
	fprintf(stderr, "flagbench: throughput: the round's lockstep turn-taker "
		"is gone; stopping before %s\n", lockstep_names[i].c_str());
	fflush(stdout);
	_exit(2);
}

template <size_t I> static void lockstep_setup(const benchmark::State &s)
{
	lockstep_turn(I, s.threads());
}

template <size_t... I>
static constexpr std::array<void (*)(const benchmark::State &), sizeof...(I)>
lockstep_table(std::index_sequence<I...>)
{
	return { { &lockstep_setup<I>... } };
}

static constexpr auto lockstep_setups =
	lockstep_table(std::make_index_sequence<LOCKSTEP_MAX>{});

static int lockstep_attach(benchmark::internal::Benchmark *b, const char *name)
{
	if (lockstep_fd < 0)
		return 0;
	if (lockstep_names.size() >= LOCKSTEP_MAX) {
		fprintf(stderr, "flagbench: throughput: lockstep takes at most %d "
			"benchmarks\n", LOCKSTEP_MAX);
		return -1;
	}
	b->Setup(lockstep_setups[lockstep_names.size()]);
	lockstep_names.push_back(name);
	return 0;
}

static void apply_spec(benchmark::internal::Benchmark *b,
		       const struct gbench_spec *spec)
{
	/* Without Threads(), names carry no "/threads:1" suffix. */
	if (!spec)
		return;
	if (spec->threads && spec->nr_threads > 0) {
		for (int i = 0; i < spec->nr_threads; i++)
			b->Threads(spec->threads[i]);
	}
	if (spec->real_time)
		b->UseRealTime();
	if (spec->min_time > 0)
		b->MinTime(spec->min_time);
	if (spec->iterations > 0)
		b->Iterations(spec->iterations);
}

extern "C" {

int gbench_init(int *argc, char **argv)
{
	/*
	 * Google Benchmark keeps argv[0] as the context's executable name
	 * and reads it at every later run: give it a copy that lives on,
	 * whatever the caller's argv was (tests run more than once).
	 */
	if (*argc > 0) {
		static std::string program;

		program = argv[0];
		argv[0] = const_cast<char *>(program.c_str());
	}
	benchmark::Initialize(argc, argv);
	/* Prints "error: unrecognized command-line flag: ..." itself. */
	return benchmark::ReportUnrecognizedArguments(*argc, argv) ? -1 : 0;
}

void gbench_clear(void)
{
	benchmark::ClearRegisteredBenchmarks();
	lockstep_names.clear();
}

void gbench_lockstep(int fd, double hold_s)
{
	lockstep_fd = fd;
	lockstep_hold_ns = (int64_t)(hold_s * 1e9);
	lockstep_held = SIZE_MAX;
}

int gbench_register(const char *name, gbench_fn fn, long arg,
		    const struct gbench_spec *spec)
{
	benchmark::internal::Benchmark *b;

	b = benchmark::RegisterBenchmark(name, run_c_benchmark, fn, arg);
	if (!b)
		return -1;
	apply_spec(b, spec);
	return lockstep_attach(b, name);
}

int gbench_register_native_reference(const char *name,
				     const struct gbench_spec *spec)
{
	benchmark::internal::Benchmark *b;

	b = benchmark::RegisterBenchmark(name, run_native_reference);
	if (!b)
		return -1;
	apply_spec(b, spec);
	return lockstep_attach(b, name);
}

void gbench_set_hooks(const struct gbench_hooks *hooks)
{
	if (hooks)
		shim_hooks = *hooks;
	else
		shim_hooks = gbench_hooks();
}

void gbench_add_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

/*
 * A reporter that passes every run on to @inner without the
 * "/min_time:..." Google Benchmark puts in a name whose MinTime() was set:
 * the threaded runs' longer time is how they are measured, not what, and
 * a benchmark keeps one name in every run and bundle.
 */
class plain_names : public benchmark::BenchmarkReporter {
public:
	explicit plain_names(benchmark::BenchmarkReporter *inner) : inner_(inner) {}

	bool ReportContext(const Context &context) override
	{
		streams();
		return inner_->ReportContext(context);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		std::vector<Run> plain(runs);

		for (auto &r : plain)
			r.run_name.min_time.clear();
		streams();
		inner_->ReportRuns(plain);
	}
	void Finalize() override
	{
		streams();
		inner_->Finalize();
	}

private:
	/* Google Benchmark points ours at the output file after creating it. */
	void streams()
	{
		inner_->SetOutputStream(&GetOutputStream());
		inner_->SetErrorStream(&GetErrorStream());
	}
	std::unique_ptr<benchmark::BenchmarkReporter> inner_;
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static benchmark::BenchmarkReporter *new_reporter(const char *format, bool colour)
{
	if (format && !strcmp(format, "json"))
		return new benchmark::JSONReporter();
	if (format && !strcmp(format, "csv"))
		return new benchmark::CSVReporter();	/* deprecated, still a flag */
	return new benchmark::ConsoleReporter(
		colour ? benchmark::ConsoleReporter::OO_Color :
			 benchmark::ConsoleReporter::OO_None);
}

size_t gbench_run(const char *format, const char *out_format)
{
	/*
	 * Our own reporters each run: 1.7.1's default one is a static that
	 * its first run deletes, so a second run in one process (the tests)
	 * would use it after free.
	 */
	plain_names display(new_reporter(format, isatty(STDOUT_FILENO)));
	std::unique_ptr<plain_names> file;

	if (out_format)
		file.reset(new plain_names(new_reporter(out_format, false)));
	return benchmark::RunSpecifiedBenchmarks(&display, file.get());
}
#pragma GCC diagnostic pop

bool gbench_output_ok(void)
{
	/* The display reporters write to std::cout; a full disk sets failbit. */
	std::cout.flush();
	return !std::cout.fail();
}

/*
 * The hooks' span lies inside Google Benchmark's timer and never takes in
 * its edges: the call that starts the loop starts its timer, then reads
 * the thread's CPU time, a system call (CLOCK_THREAD_CPUTIME_ID), and the
 * call that ends it does the same on stopping.  Under EEVDF that read
 * updates the task's runtime and reschedules it if its slice is spent, so
 * a busy machine preempts the thread right there, for a slice (3-6 ms
 * here).  The start hook runs after the first call; the stop hook runs
 * before the last one, known from the count (it returns false once the
 * batches handed out reach max_iterations).  With the stop after it, a
 * loaded run's ns_per_op and real_time disagreed up to 10-19 times in a
 * fifth of the single-thread entries.
 */
bool gbench_keep_running_batch(struct gbench_state *st, int64_t n)
{
	bool more;

	if (st->started && st->done >= st->s->max_iterations)
		stop_once(st);
	more = st->s->KeepRunningBatch(n);
	if (!st->started) {
		st->started = true;
		if (more && shim_hooks.start)
			shim_hooks.start(st, st->data);
		else if (!more)
			st->stopped = true;
	} else if (!more) {
		stop_once(st);
	}
	if (more)
		st->done += n;
	return more;
}

void gbench_pause(struct gbench_state *st)
{
	if (shim_hooks.pause)
		shim_hooks.pause(st, st->data);
	st->s->PauseTiming();
}

void gbench_resume(struct gbench_state *st)
{
	st->s->ResumeTiming();
	if (shim_hooks.resume)
		shim_hooks.resume(st, st->data);
}

int gbench_thread_index(const struct gbench_state *st)
{
	return st->s->thread_index();
}

int gbench_threads(const struct gbench_state *st)
{
	return st->s->threads();
}

int64_t gbench_iterations(const struct gbench_state *st)
{
	return st->s->iterations();
}

void gbench_set_items_processed(struct gbench_state *st, int64_t items)
{
	st->s->SetItemsProcessed(items);
}

void gbench_counter(struct gbench_state *st, const char *name, double value,
		    unsigned int flags)
{
	st->s->counters[name] = benchmark::Counter(
		value, static_cast<benchmark::Counter::Flags>(flags));
}

void gbench_skip_with_error(struct gbench_state *st, const char *msg)
{
	st->s->SkipWithError(msg);
}

bool gbench_error_occurred(const struct gbench_state *st)
{
	return st->s->error_occurred();
}

} // extern "C"

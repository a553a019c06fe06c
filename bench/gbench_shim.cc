// SPDX-License-Identifier: GPL-2.0
/*
 * The C shim over Google Benchmark 1.7.1: see gbench.h.  The only C++ in
 * the project; it adapts, it measures nothing itself.
 */
#include <benchmark/benchmark.h>
#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
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
/* gbench_passes(): how many times each benchmark was registered. */
static int shim_passes = 1;

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
 * name gets its own, one of a table that differ by the index they pass.
 */
#define LOCKSTEP_MAX 512
static int lockstep_fd = -1;
static std::vector<std::string> lockstep_names;
static size_t lockstep_held = SIZE_MAX;	/* the turn's benchmark */
static int lockstep_held_threads;

static void lockstep_turn(size_t i, int threads)
{
	std::string msg;
	size_t off = 0;
	ssize_t n = 0;
	char g = 0;

	if (lockstep_fd < 0)
		return;
	/*
	 * Google Benchmark finds a run's iteration count by short runs (1,
	 * 10, 100... iterations), then makes the measured run and reports
	 * it: they all keep the turn they began in, which the report ends
	 * (lockstep_release()).  In lockstep each registration runs one
	 * repetition (gbench_passes()), so every measured run is reported
	 * before the next run is set up.
	 */
	if (i == lockstep_held && threads == lockstep_held_threads)
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

/* A run was reported: the next asks for a turn. */
static void lockstep_release(void)
{
	lockstep_held = SIZE_MAX;
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
	/*
	 * One index a name: a benchmark registered once per pass
	 * (gbench_passes()) asks as one, and the table bounds names.
	 */
	for (size_t i = 0; i < lockstep_names.size(); i++) {
		if (lockstep_names[i] == name) {
			b->Setup(lockstep_setups[i]);
			return 0;
		}
	}
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

void gbench_lockstep(int fd)
{
	lockstep_fd = fd;
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

void gbench_passes(int passes)
{
	shim_passes = passes > 1 ? passes : 1;
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

static double median(std::vector<double> v)
{
	size_t n = v.size();

	if (!n)
		return 0;
	std::sort(v.begin(), v.end());
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A reporter that passes every run on to @inner without the
 * "/min_time:..." Google Benchmark puts in a name whose MinTime() was set:
 * the threaded runs' longer time is how they are measured, not what, and
 * a benchmark keeps one name in every run and bundle.  Run in passes, a
 * benchmark's runs are told as the repetitions of one, numbered by pass;
 * the display (@medians) shows their median once all have run, as
 * Google Benchmark's aggregates do for repetitions.
 */
class plain_names : public benchmark::BenchmarkReporter {
public:
	plain_names(benchmark::BenchmarkReporter *inner, bool medians)
		: inner_(inner), medians_(medians && shim_passes > 1) {}

	bool ReportContext(const Context &context) override
	{
		streams();
		return inner_->ReportContext(context);
	}
	void ReportRuns(const std::vector<Run> &runs) override
	{
		std::vector<Run> plain, done;
		Run m;

		lockstep_release();
		for (Run r : runs) {
			r.run_name.min_time.clear();
			if (shim_passes > 1 && r.run_type == Run::RT_Iteration) {
				std::string name = r.benchmark_name();
				int k = seen_[name]++;

				r.repetitions = shim_passes;
				r.repetition_index = k;
				if (medians_) {
					std::vector<Run> &pass = runs_[name];

					pass.push_back(r);
					/* A failed run says why, as it is. */
					if (r.error_occurred)
						plain.push_back(r);
					if (k + 1 == shim_passes && median_run(pass, &m))
						done.push_back(m);
					continue;
				}
			}
			plain.push_back(r);
		}
		plain.insert(plain.end(), done.begin(), done.end());
		streams();
		if (!plain.empty())
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
	/*
	 * Google Benchmark's "median" aggregate of the runs that did not
	 * fail, of any lengths, in @m; false if all failed.
	 */
	static bool median_run(const std::vector<Run> &v, Run *m)
	{
		std::vector<double> real, cpu;
		std::vector<const Run *> ok;

		for (const Run &r : v) {
			if (r.error_occurred || r.iterations <= 0)
				continue;
			ok.push_back(&r);
			real.push_back(r.real_accumulated_time / (double)r.iterations);
			cpu.push_back(r.cpu_accumulated_time / (double)r.iterations);
		}
		if (ok.empty())
			return false;
		*m = *ok.front();
		m->run_type = Run::RT_Aggregate;
		m->aggregate_name = "median";
		m->aggregate_unit = benchmark::kTime;
		m->repetition_index = Run::no_repetition_index;
		/* Google Benchmark's aggregates count runs, not iterations. */
		m->iterations = (int64_t)ok.size();
		m->real_accumulated_time = median(real) * (double)ok.size();
		m->cpu_accumulated_time = median(cpu) * (double)ok.size();
		for (auto &c : m->counters) {
			std::vector<double> x;

			for (const Run *r : ok) {
				auto it = r->counters.find(c.first);

				if (it != r->counters.end())
					x.push_back(it->second.value);
			}
			c.second.value = median(x);
		}
		return true;
	}
	std::unique_ptr<benchmark::BenchmarkReporter> inner_;
	bool medians_;
	std::map<std::string, int> seen_;	/* runs so far, by name */
	std::map<std::string, std::vector<Run>> runs_;	/* @medians' */
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
	plain_names display(new_reporter(format, isatty(STDOUT_FILENO)), true);
	std::unique_ptr<plain_names> file;

	if (out_format)
		file.reset(new plain_names(new_reporter(out_format, false), false));
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints, in the spirit of the kernel's trace_*() calls: a named
 * event and a value at a step of a modelled path that a race turns on
 * ("SetPageWaiters", the flags word it saw).  Off, as whenever rates are
 * measured, one costs a thread-local load and a branch not taken; on, the
 * thread's buffer records it with a stamp of the caller's clock (the race
 * engine's witness pass, bench/race-witness.c).  Kept to slow paths and
 * the roles' own steps: never inside a bit operation, an atomic or a
 * function that throughput measures as such.
 *
 * One rule for every tracepoint: it stamps, then reads what it shows.
 * With the harness's fenced clock (bench/cycles.h fb_cycles_fenced()) an
 * event's stamp follows everything its thread did before the tracepoint
 * (stores included: visible to all by then) and precedes everything after
 * it, the read of its own value included.  So an event placed after an
 * operation ("__ClearPageIsolated store") stamps a bound that operation
 * was done by; a test or a read (trace_fb_test, trace_fb_read) stamps a
 * bound its read came after.
 */
#ifndef FLAGBENCH_TRACE_H
#define FLAGBENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <flagbench/compiler.h>

/* What an event's value is, and so how it reads. */
enum fb_trace_kind {
	FB_TRACE_STEP,		/* no value */
	FB_TRACE_WORD,		/* a word read or written: in hex */
	FB_TRACE_COUNT,		/* a count (refcount, ptes): signed decimal */
	FB_TRACE_TEST,		/* a test's result: true or false */
};

struct fb_trace_event {
	const char *name;
	uint64_t stamp;
	unsigned long value;
	enum fb_trace_kind kind;
};

/* One thread's events of one trial. */
struct fb_trace {
	unsigned int nr, cap;
	struct fb_trace_event *ev;
	uint64_t (*clock)(void);	/* the harness's cycle counter */
};

/* This thread's buffer while recording, else NULL. */
extern __thread struct fb_trace *fb_trace_cur;

/* A new event, stamped now, a step until given a value; NULL when full. */
struct fb_trace_event *fb_trace_stamp(struct fb_trace *t, const char *name);

/*
 * @expr, of @kind, read right after the stamp; off, @expr is not
 * evaluated at all, so that the path makes no extra access to a word
 * another CPU is racing on.
 */
#define trace_fb_kind(name, kind_, expr)                                      \
	do {                                                                   \
		struct fb_trace *__t = fb_trace_cur;                           \
		struct fb_trace_event *__e;                                    \
									       \
		if (unlikely(__t != NULL) &&                                   \
		    (__e = fb_trace_stamp(__t, (name)))) {                     \
			__e->value = (unsigned long)(expr);                    \
			__e->kind = (kind_);                                   \
		}                                                              \
	} while (0)

/* A word (the flags after an RMW, a mapping word) as it is now. */
#define trace_fb_read(name, expr) trace_fb_kind(name, FB_TRACE_WORD, expr)
/* A count (a refcount, ptes restored). */
#define trace_fb_count(name, expr) trace_fb_kind(name, FB_TRACE_COUNT, expr)

/* A word the code holds. */
static __always_inline void trace_fb(const char *name, unsigned long value)
{
	trace_fb_kind(name, FB_TRACE_WORD, value);
}

/* A step with no value worth showing. */
static __always_inline void trace_fb_step(const char *name)
{
	struct fb_trace *t = fb_trace_cur;

	if (unlikely(t != NULL))
		fb_trace_stamp(t, name);
}

/*
 * An event stamped now whose value the code is about to compute for
 * itself (NULL when off): trace_fb_value() fills it in.  The stamp comes
 * before the read, as in trace_fb_read(), without a second read.
 */
static __always_inline struct fb_trace_event *trace_fb_begin(const char *name)
{
	struct fb_trace *t = fb_trace_cur;

	return unlikely(t != NULL) ? fb_trace_stamp(t, name) : NULL;
}

static __always_inline void trace_fb_value_kind(struct fb_trace_event *e,
						enum fb_trace_kind kind,
						unsigned long value)
{
	if (unlikely(e != NULL)) {
		e->value = value;
		e->kind = kind;
	}
}

static __always_inline void trace_fb_value(struct fb_trace_event *e,
					   unsigned long value)
{
	trace_fb_value_kind(e, FB_TRACE_WORD, value);
}

/*
 * A test whose result decides the path, stamped before it reads: the
 * value of @expr, recorded under @name and returned (evaluated once, on
 * or off).
 */
#define trace_fb_test(name, expr)                                             \
	({                                                                     \
		struct fb_trace_event *__e = trace_fb_begin(name);             \
		bool __v = (expr);                                             \
									       \
		trace_fb_value_kind(__e, FB_TRACE_TEST, __v);                  \
		__v;                                                           \
	})

#endif /* FLAGBENCH_TRACE_H */

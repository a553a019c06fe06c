/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints, in the spirit of the kernel's trace_*() calls: a named
 * event and a value at a step of a modelled path that a race turns on
 * ("SetPageWaiters", the flags word it saw).  Off, as whenever rates are
 * measured, one costs a thread-local load and a branch not taken; on, the
 * thread's buffer records it with a stamp of the caller's clock (the race
 * engine's witness pass, bench/race-witness.c).  Kept to slow paths and
 * the roles' own steps: never inside a bit operation that throughput
 * measures.
 */
#ifndef FLAGBENCH_TRACE_H
#define FLAGBENCH_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <flagbench/compiler.h>

struct fb_trace_event {
	const char *name;
	uint64_t stamp;
	unsigned long value;
	bool has_value;
};

/* One thread's events of one trial. */
struct fb_trace {
	unsigned int nr, cap;
	struct fb_trace_event *ev;
	uint64_t (*clock)(void);	/* the harness's cycle counter */
};

/* This thread's buffer while recording, else NULL. */
extern __thread struct fb_trace *fb_trace_cur;

void fb_trace_record(struct fb_trace *t, const char *name, bool has_value,
		     unsigned long value);

static __always_inline void trace_fb(const char *name, unsigned long value)
{
	struct fb_trace *t = fb_trace_cur;

	if (unlikely(t != NULL))
		fb_trace_record(t, name, true, value);
}

/* A step with no value worth showing. */
static __always_inline void trace_fb_step(const char *name)
{
	struct fb_trace *t = fb_trace_cur;

	if (unlikely(t != NULL))
		fb_trace_record(t, name, false, 0);
}

#endif /* FLAGBENCH_TRACE_H */

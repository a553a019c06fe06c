/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt points: a named place inside a race window, on a path that
 * runs with interrupts on, where an interrupt may arrive and hold the
 * path for as long as its handler runs while the other CPUs go on.  A
 * race whose window is a few loads long happens in the kernel mostly
 * that way (or by preemption there); the race engine makes it happen on
 * purpose, the way KCSAN widens windows with random delays at the
 * accesses it watches (kernel/kcsan/core.c, delay_access(),
 * CONFIG_KCSAN_DELAY_RANDOMIZE).
 *
 * Off - whenever throughput is measured, and in a race run that does
 * not deliver interrupts - a point costs a load of one global word and
 * a branch not taken.  Only on a role's own path, between the accesses
 * of its window: never inside a bit operation, an atomic or a function
 * that throughput measures as such.  The engine arms one interrupt per
 * trial for one thread (the role's); the first point that thread passes
 * takes it.
 *
 * A global, not a thread-local word: a new thread-local variable moves
 * every other one's offset from the thread pointer, and so the bytes of
 * every function that reads one (fb_bench_page(), current, ...): the
 * throughput benchmarks' code would no longer be the code measured
 * before (scripts/code-identity).
 */
#ifndef FLAGBENCH_INTERRUPT_H
#define FLAGBENCH_INTERRUPT_H

#include <stddef.h>
#include <stdint.h>
#include <flagbench/compiler.h>

struct fb_irq {
	const void *owner;	/* the thread taking them: its current */
	/*
	 * The witness's events: where (the scenario's name for the point),
	 * and the handler's end.  The harness's strings, not core's: a new
	 * string here would move the ones measured code loads.
	 */
	const char *enter, *exit;
	uint64_t ticks;		/* the armed handler's time; 0: none armed */
	uint64_t (*clock)(void);	/* the harness's cycle counter */
	unsigned long taken;	/* interrupts delivered */
};

/* The interrupt source while the engine delivers them, else NULL. */
extern struct fb_irq *fb_irq_source;

/*
 * If @irq is this thread's and armed, take it: irq_enter, the handler's
 * time, irq_exit.
 */
void fb_irq_deliver(struct fb_irq *irq);

/* An interrupt point: the comment at the call says which window it is in. */
static __always_inline void fb_irq_point(void)
{
	struct fb_irq *irq = READ_ONCE(fb_irq_source);

	if (unlikely(irq != NULL))
		fb_irq_deliver(irq);
}

#endif /* FLAGBENCH_INTERRUPT_H */

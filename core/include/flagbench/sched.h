/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sleeping side of the model: each thread is a task with a deadline.
 *
 * The kernel's page waits sleep until woken, forever if the wake-up is lost
 * (seed 001).  Here every sleep ends at the task's deadline at the latest:
 * the modelled function then returns -ETIMEDOUT and the task's
 * missed_wakeups counter says a wake-up was lost, so a race engine counts
 * the bug instead of hanging on it.
 */
#ifndef FLAGBENCH_SCHED_H
#define FLAGBENCH_SCHED_H

#include <stdint.h>
#include <flagbench/compiler.h>

/* Used when a task never set a deadline: long, but still finite. */
#define TASK_DEFAULT_WAIT_NS (2ull * 1000 * 1000 * 1000)

struct task_struct {
	uint64_t wait_deadline_ns;	/* CLOCK_MONOTONIC; 0: now + default */
	unsigned long sleeps;		/* waits that found the word unchanged */
	unsigned long missed_wakeups;	/* sleeps ended by the deadline */
};

extern __thread struct task_struct current_task;
#define current (&current_task)

uint64_t ktime_get_ns(void);

/* Every later sleep of this thread ends by @ns from now at the latest. */
static inline void set_wait_timeout_ns(uint64_t ns)
{
	current->wait_deadline_ns = ktime_get_ns() + ns;
}

static inline void clear_wait_deadline(void)
{
	current->wait_deadline_ns = 0;
}

/*
 * A sleep spins on its word this long (or to its deadline, if sooner)
 * before it takes the futex: a wake-up that comes meanwhile never has to
 * get the CPU back, which on a busy machine takes a time slice of the
 * task that ran instead, and on an idle vCPU the host's wake-up (65 us
 * at the 99th percentile on a 2-vCPU guest).  The model's sleeps are
 * the kernel's schedule(): what the roles do to memory is the same.
 */
#define FUTEX_SPIN_NS (200ull * 1000)

/*
 * Sleep while *@uaddr == @val, until woken or the task's deadline.
 * Returns 0 when woken (or the value changed), -ETIMEDOUT at the deadline.
 */
int futex_wait_deadline(uint32_t *uaddr, uint32_t val);
void futex_wake(uint32_t *uaddr, int nr);

#endif /* FLAGBENCH_SCHED_H */

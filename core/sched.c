// SPDX-License-Identifier: GPL-2.0
/* Tasks, time and the futex the model sleeps on: see sched.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <flagbench/barrier.h>
#include <flagbench/sched.h>

/* Spins between two looks at the clock while spinning on a futex word. */
#define FUTEX_SPIN_CLOCK_EVERY 64

__thread struct task_struct current_task;

uint64_t ktime_get_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t task_deadline(void)
{
	if (!current->wait_deadline_ns)
		return ktime_get_ns() + TASK_DEFAULT_WAIT_NS;
	return current->wait_deadline_ns;
}

/*
 * Until *@uaddr != @val (true) or the clock reaches @end (false), on the
 * CPU: a wake-up that comes meanwhile is seen without the futex.
 */
static bool spin_while(uint32_t *uaddr, uint32_t val, uint64_t end)
{
	unsigned int i;

	for (;;) {
		for (i = 0; i < FUTEX_SPIN_CLOCK_EVERY; i++) {
			if (__atomic_load_n(uaddr, __ATOMIC_ACQUIRE) != val)
				return true;
			cpu_relax();
		}
		if (ktime_get_ns() >= end)
			return false;
	}
}

int futex_wait_deadline(uint32_t *uaddr, uint32_t val)
{
	uint64_t deadline = task_deadline(), now = ktime_get_ns();
	uint64_t spin_end = now + FUTEX_SPIN_NS;

	if (__atomic_load_n(uaddr, __ATOMIC_ACQUIRE) != val)
		return 0;
	current->sleeps++;
	if (spin_while(uaddr, val, spin_end < deadline ? spin_end : deadline))
		return 0;
	for (;;) {
		uint64_t now = ktime_get_ns();
		struct timespec rel;
		long ret;

		if (__atomic_load_n(uaddr, __ATOMIC_ACQUIRE) != val)
			return 0;
		if (now >= deadline) {
			current->missed_wakeups++;
			return -ETIMEDOUT;
		}
		rel.tv_sec = (deadline - now) / 1000000000ull;
		rel.tv_nsec = (deadline - now) % 1000000000ull;
		ret = syscall(SYS_futex, uaddr, FUTEX_WAIT_PRIVATE, val, &rel,
			      NULL, 0);
		if (ret == 0 || errno == EAGAIN)
			continue;	/* woken or changed: re-read the word */
		if (errno != ETIMEDOUT && errno != EINTR)
			return -errno;
	}
}

void futex_wake(uint32_t *uaddr, int nr)
{
	syscall(SYS_futex, uaddr, FUTEX_WAKE_PRIVATE, nr, NULL, NULL, 0);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test-and-test-and-set spinlock on the architecture's atomics: enough
 * for the model's page_table_lock, lru_lock and wait-queue locks, which are
 * never the measured operation.  (The kernel's qspinlock is not modelled.)
 * Ordered as the kernel's are (include/asm-generic/qspinlock.h, v6.1:
 * atomic_try_cmpxchg_acquire to lock, a release store to unlock): acquire
 * and release only, so a fully ordered lock cannot hide a missing barrier
 * in the code it protects.
 */
#ifndef FLAGBENCH_SPINLOCK_H
#define FLAGBENCH_SPINLOCK_H

#include <flagbench/atomic.h>
#include <flagbench/barrier.h>

typedef struct {
	atomic_t locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { { 0 } }

static __always_inline void spin_lock_init(spinlock_t *lock)
{
	atomic_set(&lock->locked, 0);
}

static __always_inline void spin_lock(spinlock_t *lock)
{
	for (;;) {
		if (atomic_cmpxchg_acquire(&lock->locked, 0, 1) == 0)
			return;
		while (atomic_read(&lock->locked))
			cpu_relax();
	}
}

static __always_inline bool spin_trylock(spinlock_t *lock)
{
	return atomic_cmpxchg_acquire(&lock->locked, 0, 1) == 0;
}

static __always_inline void spin_unlock(spinlock_t *lock)
{
	atomic_set_release(&lock->locked, 0);
}

#endif /* FLAGBENCH_SPINLOCK_H */

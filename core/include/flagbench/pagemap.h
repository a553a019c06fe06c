/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page lock, PG_waiters and the page wait queues.
 * Models include/linux/pagemap.h and mm/filemap.c, v5.17 (lock_page,
 * unlock_page, wait_on_page_bit_common) and v5.0 (put_and_wait_on_page_locked).
 *
 * Where the kernel sleeps in TASK_UNINTERRUPTIBLE, the model's waits end
 * at the task's deadline (sched.h), or earlier when an observer proves
 * the wake-up lost (page_rescue_lost_waiters), and return -ETIMEDOUT: the
 * lock is then NOT held, and current->missed_wakeups says why.
 */
#ifndef FLAGBENCH_PAGEMAP_H
#define FLAGBENCH_PAGEMAP_H

#include <errno.h>
#include <flagbench/mm.h>
#include <flagbench/sched.h>

enum behavior {
	EXCLUSIVE,	/* lock_page(): take the bit on wake-up */
	SHARED,		/* wait_on_page_locked(): wait for it to clear */
	DROP,		/* put_and_wait_on_page_locked(): drop our ref first */
};

static __always_inline bool trylock_page(struct page *page)
{
	return likely(!test_and_set_bit_lock(PG_locked, &page->flags));
}

static __always_inline bool folio_trylock(struct folio *folio)
{
	return trylock_page(&folio->page);
}

int wait_on_page_bit_common(struct page *page, int bit_nr,
			    enum behavior behavior);

/*
 * Not the kernel's: the flags word this thread read right after the first
 * SetPageWaiters() of its last wait_on_page_bit_common() (0 if it never
 * got that far).  That read is program-ordered after the set on the same
 * word, so it returns the set's own write or a later one: with PG_locked
 * still set and either PG_isolated still set or PG_waiters already gone,
 * the announcement came while the page's holder held the lock and before
 * its clear of PG_isolated stored (seed 001's window, which the waiter's
 * set_bit cannot report: it returns nothing).  A clear that lands between
 * the set and this read, a few instructions apart, is missed: the marker
 * can undercount the window, never count a trial outside it.
 */
extern __thread unsigned long page_waiters_announced_flags;

/* Did the announcement @flags records come inside seed 001's window? */
static __always_inline bool page_waiters_announced_in_window(unsigned long flags)
{
	if (!FB_HAVE_PG_WAITERS() || !FB_HAVE_PG_ISOLATED())
		return false;
	if (!test_bit(PG_locked, &flags))
		return false;
	return test_bit(PG_isolated, &flags) || !test_bit(PG_waiters, &flags);
}

static __always_inline int __lock_page(struct page *page)
{
	return wait_on_page_bit_common(page, PG_locked, EXCLUSIVE);
}

/* Returns 0 with the page locked, or -ETIMEDOUT without it. */
static __always_inline int lock_page(struct page *page)
{
	if (trylock_page(page))
		return 0;
	return __lock_page(page);
}

static __always_inline int wait_on_page_locked(struct page *page)
{
	if (!PageLocked(page))
		return 0;
	return wait_on_page_bit_common(page, PG_locked, SHARED);
}

/*
 * Drop a reference and wait for the page to be unlocked, without touching
 * the page after the put (mm/filemap.c v5.0): migration may free it.
 */
int put_and_wait_on_page_locked(struct page *page);

void wake_up_page_bit(struct page *page, int bit_nr);
void unlock_page(struct page *page);

/*
 * Not the kernel's: an observer's look at @page's wait queue once every
 * unlock_page() of @page that could wake a waiter has returned and nobody
 * else will lock it (a race's trial, its waker done).  A waiter still
 * queued and not woken, while its bit and PG_waiters are clear, will
 * never be woken (a lost wake-up, seed 001): end its sleep now instead of
 * at its deadline.  Its wait returns -ETIMEDOUT as at the deadline, a
 * missed wake-up counted and page_wait_rescues incremented: never a wake.
 * Returns the number of waiters rescued.
 */
unsigned int page_rescue_lost_waiters(struct page *page);

/* Not the kernel's: this thread's waits page_rescue_lost_waiters() ended. */
extern __thread unsigned long page_wait_rescues;

static __always_inline void folio_unlock(struct folio *folio)
{
	unlock_page(&folio->page);
}

#endif /* FLAGBENCH_PAGEMAP_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The page lock and its waiters: mm/filemap.c v5.17 (lock_page,
 * unlock_page, PG_waiters) and v5.0 (put_and_wait_on_page_locked).
 *
 * Waiters run in their own thread with a deadline: one that must be woken
 * has a long one (FB_WAKE_BOUND_NS) that only bounds a broken build, one
 * that must not be woken has a short one and has to come back with
 * -ETIMEDOUT and a missed wake-up counted, never hang.  The main thread
 * acts only once the waiter is asleep (its task has taken a futex sleep),
 * so every outcome asserted here is deterministic.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core_test.h"

#include <flagbench/pagemap.h>

/* Long enough for qemu; a waiter that reaches it was never woken. */
#define LOST_WAKEUP_DEADLINE_NS (300ull * 1000 * 1000)

enum { NR_PAGES = 4 };

struct waiter {
	pthread_t thread;
	struct page *page;
	int (*op)(struct page *page);
	uint64_t timeout_ns;
	bool unlock_after;	/* a lock_page waiter releases what it got */
	struct task_struct *task;	/* published once the thread runs */
	int finished, may_exit;
	/* Results, copied from the waiter's task before it exits. */
	int ret;
	unsigned long sleeps, missed_wakeups, rescues;
};

static int op_lock_page(struct page *page)
{
	return lock_page(page);
}

static int op_wait_on_page_locked(struct page *page)
{
	return wait_on_page_locked(page);
}

static int op_put_and_wait(struct page *page)
{
	return put_and_wait_on_page_locked(page);
}

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;

	set_wait_timeout_ns(w->timeout_ns);
	__atomic_store_n(&w->task, current, __ATOMIC_RELEASE);
	w->ret = w->op(w->page);
	if (w->unlock_after && !w->ret)
		unlock_page(w->page);
	w->sleeps = current->sleeps;
	w->missed_wakeups = current->missed_wakeups;
	w->rescues = page_wait_rescues;
	__atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
	/* Keep current_task alive while the main thread may still look. */
	while (!__atomic_load_n(&w->may_exit, __ATOMIC_ACQUIRE))
		fb_sleep_ms(1);
	return NULL;
}

static void start_waiter(struct waiter *w, struct page *page,
			 int (*op)(struct page *), uint64_t timeout_ns,
			 bool unlock_after)
{
	memset(w, 0, sizeof(*w));
	w->page = page;
	w->op = op;
	w->timeout_ns = timeout_ns;
	w->unlock_after = unlock_after;
	assert_int_equal(pthread_create(&w->thread, NULL, waiter_fn, w), 0);
}

static void join_waiter(struct waiter *w)
{
	__atomic_store_n(&w->may_exit, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(w->thread, NULL), 0);
}

/* The waiter is queued, past its last look at the bit, and asleep. */
static bool waiter_asleep(void *arg)
{
	struct waiter *w = arg;
	struct task_struct *task = __atomic_load_n(&w->task, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(&w->finished, __ATOMIC_ACQUIRE))
		return true;	/* the assertions on w->ret will say why */
	return task && __atomic_load_n(&task->sleeps, __ATOMIC_RELAXED) > 0;
}

static void wait_until_asleep(struct waiter *w)
{
	assert_true(fb_wait_for(waiter_asleep, w, FB_WAKE_BOUND_MS));
	assert_false(__atomic_load_n(&w->finished, __ATOMIC_ACQUIRE));
}

static bool waiter_finished(void *arg)
{
	struct waiter *w = arg;

	return __atomic_load_n(&w->finished, __ATOMIC_ACQUIRE);
}

/*
 * @page locked here and a waiter doing @op on it, asleep when this
 * returns; every sleep of the waiter ends by @timeout_ns.
 */
static void sleeper_on_locked(struct waiter *w, struct page *page,
			      int (*op)(struct page *), uint64_t timeout_ns)
{
	assert_true(trylock_page(page));
	start_waiter(w, page, op, timeout_ns, false);
	wait_until_asleep(w);
}

/* The waiter, joined, returned @ret and missed @missed wake-ups. */
static void joined(struct waiter *w, int ret, unsigned long missed)
{
	join_waiter(w);
	assert_int_equal(w->ret, ret);
	assert_int_equal(w->missed_wakeups, missed);
}

/* PG_waiters as @set, where the layout has the bit (2.6.34 had none). */
static void assert_waiters(struct page *page, bool set)
{
	if (FB_HAVE_PG_WAITERS())
		assert_int_equal(PageWaiters(page), set);
}

/*
 * @page locked here for good: a waiter doing @op comes back at its
 * deadline with -ETIMEDOUT and the missed wake-up counted.
 */
static void times_out_on_locked(struct page *page, int (*op)(struct page *))
{
	struct waiter w;

	assert_true(trylock_page(page));
	start_waiter(&w, page, op, LOST_WAKEUP_DEADLINE_NS, false);
	assert_true(fb_wait_for(waiter_finished, &w, FB_WAKE_BOUND_MS));
	joined(&w, -ETIMEDOUT, 1);
}

/*
 * Two waiters doing @op on @page, which is locked here, and then woken
 * by one unlock_page(): both come back with 0 and no missed wake-up.
 */
static void two_woken_by_unlock(struct page *page, int (*op)(struct page *),
				bool unlock_after)
{
	struct waiter w[2];
	int i;

	assert_true(trylock_page(page));
	for (i = 0; i < 2; i++) {
		start_waiter(&w[i], page, op, FB_WAKE_BOUND_NS, unlock_after);
		wait_until_asleep(&w[i]);
	}
	assert_waiters(page, true);
	unlock_page(page);
	for (i = 0; i < 2; i++)
		joined(&w[i], 0, 0);
}

/* @op on @page, which nobody holds: 0 at once, without a sleep. */
static void returns_at_once(struct page *page, int (*op)(struct page *))
{
	unsigned long sleeps = current->sleeps;

	assert_int_equal(op(page), 0);
	assert_int_equal(current->sleeps, sleeps);
}

static int setup(void **state)
{
	return fb_mem_map_setup(state, NR_PAGES);
}

static void test_trylock_page_and_unlock_page(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	assert_true(trylock_page(page));
	assert_true(PageLocked(page));
	assert_false(trylock_page(page));
	assert_true(folio_test_locked(page_folio(page)));
	unlock_page(page);
	assert_false(PageLocked(page));
	assert_true(folio_trylock(page_folio(page)));
	folio_unlock(page_folio(page));
	assert_false(PageLocked(page));
	assert_int_equal(vm_bug_hits(NULL), 0);

	/* Unlocking an unlocked page is a counted VM_BUG_ON_PAGE. */
	unlock_page(page);
	assert_int_equal(vm_bug_hits("!PageLocked(page)"), 1);
	assert_false(PageLocked(page));
}

static void test_lock_page_uncontended_takes_lock_without_sleeping(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	returns_at_once(page, op_lock_page);
	assert_true(PageLocked(page));
	assert_waiters(page, false);
	unlock_page(page);
}

static void test_lock_page_waiter_is_woken_by_unlock_page(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_lock_page, FB_WAKE_BOUND_NS);
	assert_waiters(page, true);
	unlock_page(page);
	joined(&w, 0, 0);

	assert_true(w.sleeps >= 1);
	assert_true(PageLocked(page));	/* the waiter's now */
	/* Its waiter gone, PG_waiters went with the wake-up. */
	assert_waiters(page, false);
	unlock_page(page);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/*
 * The lock is released by a bare clear_bit_unlock(): no wake-up at all.
 * The waiter must come back at its deadline, without the lock and with the
 * missed wake-up counted, and must have left the wait queue.
 */
static void test_waiter_never_woken_returns_etimedout_at_deadline(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_lock_page, LOST_WAKEUP_DEADLINE_NS);
	clear_bit_unlock(PG_locked, &page->flags);
	joined(&w, -ETIMEDOUT, 1);

	assert_false(PageLocked(page));
	/*
	 * Nobody is queued any more: the next unlock that sees PG_waiters
	 * finds no waiter for the page and clears the stale bit.
	 */
	assert_true(trylock_page(page));
	unlock_page(page);
	assert_waiters(page, false);
}

/*
 * Seed 001: a non-atomic update of the flags word wipes PG_waiters while
 * the waiter sleeps; unlock_page()'s clear_bit_unlock_is_negative_byte()
 * then says "no waiters" and the wake-up is lost.  2.6.34 had no
 * PG_waiters and looked at the wait queue itself: the waiter is woken.
 */
static void test_waiters_bit_wiped_loses_the_wakeup(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_lock_page,
			  FB_HAVE_PG_WAITERS() ? LOST_WAKEUP_DEADLINE_NS :
						 FB_WAKE_BOUND_NS);
	__ClearPageWaiters(page);
	unlock_page(page);
	if (!FB_HAVE_PG_WAITERS()) {
		joined(&w, 0, 0);
		assert_true(PageLocked(page));
		unlock_page(page);
		return;
	}
	joined(&w, -ETIMEDOUT, 1);
	assert_false(PageLocked(page));
	assert_false(PageWaiters(page));
}

/*
 * The observer's rescue: the same lost wake-up, but the waiter, whose
 * deadline only bounds a broken build, comes back at once, without the
 * lock, as at a deadline: a missed wake-up and a rescue counted, no wake.
 */
static void test_rescue_ends_a_lost_waiters_sleep(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	if (!FB_HAVE_PG_WAITERS())
		skip();	/* nothing to lose: the wiped-bit test shows why */
	sleeper_on_locked(&w, page, op_lock_page, FB_WAKE_BOUND_NS);
	__ClearPageWaiters(page);
	unlock_page(page);
	assert_int_equal(page_rescue_lost_waiters(page), 1);
	joined(&w, -ETIMEDOUT, 1);
	assert_int_equal(w.rescues, 1);
	assert_false(PageLocked(page));
	/* Dequeued: nothing left to rescue, the next unlock wakes nobody. */
	assert_int_equal(page_rescue_lost_waiters(page), 0);
	assert_true(trylock_page(page));
	unlock_page(page);
	/* Only the lock's: refcount-assert counts the wipe itself. */
	assert_int_equal(vm_bug_hits("!PageLocked(page)"), 0);
}

/* Still locked: its holder's unlock may yet come; no rescue. */
static void test_rescue_leaves_a_waiter_of_a_locked_page(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_lock_page, FB_WAKE_BOUND_NS);
	__ClearPageWaiters(page);
	assert_int_equal(page_rescue_lost_waiters(page), 0);
	assert_false(__atomic_load_n(&w.finished, __ATOMIC_ACQUIRE));
	/* Let the waiter go: announce it again, as a new waiter would. */
	SetPageWaiters(page);
	unlock_page(page);
	joined(&w, 0, 0);
	assert_int_equal(w.rescues, 0);
	unlock_page(page);
}

/*
 * PG_waiters still set: the next unlock_page() would wake the waiter, so
 * it is not lost though nobody holds the lock; no rescue, and the waiter
 * meets its deadline.
 */
static void test_rescue_leaves_a_waiter_with_pg_waiters_set(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_lock_page, LOST_WAKEUP_DEADLINE_NS);
	clear_bit_unlock(PG_locked, &page->flags);
	assert_int_equal(page_rescue_lost_waiters(page), 0);
	joined(&w, -ETIMEDOUT, 1);
	assert_int_equal(w.rescues, 0);
}

/*
 * A wake-up issued is never taken for a lost one, whether the woken
 * waiter has run yet or not: unlock_page() dequeued it before returning.
 */
static void test_rescue_after_a_wakeup_finds_nothing(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_wait_on_page_locked, FB_WAKE_BOUND_NS);
	unlock_page(page);
	assert_int_equal(page_rescue_lost_waiters(page), 0);
	joined(&w, 0, 0);
	assert_int_equal(w.rescues, 0);
}

static void test_wait_on_page_locked_returns_at_once_when_unlocked(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	returns_at_once(page, op_wait_on_page_locked);
	assert_false(PageLocked(page));
}

static void test_wait_on_page_locked_wakes_without_taking_the_lock(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	sleeper_on_locked(&w, page, op_wait_on_page_locked, FB_WAKE_BOUND_NS);
	unlock_page(page);
	joined(&w, 0, 0);

	assert_false(PageLocked(page));
	assert_waiters(page, false);
}

static void test_wait_on_page_locked_held_forever_times_out(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	times_out_on_locked(page, op_wait_on_page_locked);
	assert_true(PageLocked(page));
	unlock_page(page);
}

/* v5.0: the waiter's reference goes once it is queued, before it sleeps. */
static void test_put_and_wait_on_page_locked_drops_the_reference(void **state)
{
	struct page *page = fb_alloc_page(0);
	struct waiter w;

	(void)state;
	get_page(page);	/* the faulting task's reference: 2 */
	sleeper_on_locked(&w, page, op_put_and_wait, FB_WAKE_BOUND_NS);
	assert_int_equal(page_ref_count(page), 1);	/* dropped while asleep */
	unlock_page(page);
	joined(&w, 0, 0);

	assert_int_equal(page_ref_count(page), 1);
	assert_false(PageLocked(page));
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_put_and_wait_on_unlocked_page_drops_at_once(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	get_page(page);
	returns_at_once(page, op_put_and_wait);
	assert_int_equal(page_ref_count(page), 1);
}

static void test_put_and_wait_timed_out_still_dropped_its_reference(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	get_page(page);
	times_out_on_locked(page, op_put_and_wait);
	assert_int_equal(page_ref_count(page), 1);
	unlock_page(page);
}

/* Shared waiters are all woken; the bit goes with the last of them. */
static void test_waiters_bit_cleared_when_last_shared_waiter_woken(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	two_woken_by_unlock(page, op_wait_on_page_locked, false);
	assert_waiters(page, false);
}

/*
 * Exclusive waiters are woken one at a time: each takes the lock and its
 * unlock wakes the next, which only works if PG_waiters stays set while
 * one of them is still queued.
 */
static void test_exclusive_waiters_hand_the_lock_on_one_by_one(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	two_woken_by_unlock(page, op_lock_page, true);
	assert_false(PageLocked(page));
	assert_waiters(page, false);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fb_mem_map_teardown)
		T(test_trylock_page_and_unlock_page),
		T(test_lock_page_uncontended_takes_lock_without_sleeping),
		T(test_lock_page_waiter_is_woken_by_unlock_page),
		T(test_waiter_never_woken_returns_etimedout_at_deadline),
		T(test_waiters_bit_wiped_loses_the_wakeup),
		T(test_rescue_ends_a_lost_waiters_sleep),
		T(test_rescue_leaves_a_waiter_of_a_locked_page),
		T(test_rescue_leaves_a_waiter_with_pg_waiters_set),
		T(test_rescue_after_a_wakeup_finds_nothing),
		T(test_wait_on_page_locked_returns_at_once_when_unlocked),
		T(test_wait_on_page_locked_wakes_without_taking_the_lock),
		T(test_wait_on_page_locked_held_forever_times_out),
		T(test_put_and_wait_on_page_locked_drops_the_reference),
		T(test_put_and_wait_on_unlocked_page_drops_at_once),
		T(test_put_and_wait_timed_out_still_dropped_its_reference),
		T(test_waiters_bit_cleared_when_last_shared_waiter_woken),
		T(test_exclusive_waiters_hand_the_lock_on_one_by_one),
#undef T
	};

	return cmocka_run_group_tests_name("page lock and waiters", tests,
					   NULL, NULL);
}

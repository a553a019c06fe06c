// SPDX-License-Identifier: GPL-2.0
/*
 * The page lock's sleeping side: hashed wait queues and PG_waiters.
 * Models mm/filemap.c, v5.17 (wait_on_page_bit_common, wake_up_page_bit,
 * unlock_page, wake_page_function) and v5.0 (put_and_wait_on_page_locked's
 * DROP behaviour); with the v2.6.34 layout, which has no PG_waiters, a
 * waiter queues itself before it tests the bit (kernel/wait.c
 * __wait_on_bit_lock) and unlock_page wakes whenever the hashed queue is
 * non-empty, as 2.6.34 did.
 *
 * Each waiter sleeps on its own futex word, set by the waker that removes
 * it from the queue (the kernel's WQ_FLAG_WOKEN), so waiters of other pages
 * hashed to the same queue can never rescue a lost wake-up by accident.
 * Simplified: the v5.17 lock hand-off to an exclusive waiter is not
 * modelled; a woken exclusive waiter retries test_and_set_bit_lock.
 */
#include <errno.h>
#include <flagbench/list.h>
#include <flagbench/pagemap.h>
#include <flagbench/spinlock.h>
#include <flagbench/trace.h>

#define PAGE_WAIT_TABLE_BITS 8
#define PAGE_WAIT_TABLE_SIZE (1 << PAGE_WAIT_TABLE_BITS)
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
} __aligned(64);

/* wait_page_queue.woken, the waiter's futex word. */
enum {
	WAIT_QUEUED,
	WAIT_WOKEN,	/* a waker dequeued us: the kernel's WQ_FLAG_WOKEN */
	WAIT_RESCUED,	/* page_rescue_lost_waiters(): not a wake-up */
};

struct wait_page_queue {
	struct page *page;
	int bit_nr;
	enum behavior behavior;
	uint32_t woken;		/* WAIT_*, set by whoever dequeued us */
	struct list_head entry;
};

static struct wait_queue_head page_wait_table[PAGE_WAIT_TABLE_SIZE];

__thread unsigned long page_waiters_announced_flags;
__thread unsigned long page_wait_rescues;

__attribute__((constructor)) static void page_wait_table_init(void)
{
	int i;

	for (i = 0; i < PAGE_WAIT_TABLE_SIZE; i++) {
		spin_lock_init(&page_wait_table[i].lock);
		INIT_LIST_HEAD(&page_wait_table[i].head);
	}
}

/* hash_ptr() of include/linux/hash.h */
static struct wait_queue_head *page_waitqueue(struct page *page)
{
	uint64_t h = (uint64_t)(uintptr_t)page * GOLDEN_RATIO_64;

	return &page_wait_table[h >> (64 - PAGE_WAIT_TABLE_BITS)];
}

/* Does the bit let this waiter through now (taking it if EXCLUSIVE)? */
static bool page_bit_acquired(struct page *page, int bit_nr,
			      enum behavior behavior)
{
	if (behavior == EXCLUSIVE)
		return !test_and_set_bit_lock(bit_nr, &page->flags);
	return !test_bit(bit_nr, &page->flags);
}

/*
 * include/linux/wait.h finish_wait(), v5.17: the waker unlinks the entry
 * after waking us (wake_page_function); until it has, the entry - on our
 * stack - is still its to touch, so we must not return before.
 */
static void finish_wait(struct wait_queue_head *q, struct wait_page_queue *wait)
{
	if (!list_empty_careful(&wait->entry)) {
		spin_lock(&q->lock);
		list_del_init(&wait->entry);
		spin_unlock(&q->lock);
	}
}

/*
 * Not the kernel's: seed 001's window marker (pagemap.h), the flags word
 * right after the first SetPageWaiters(), and the witness's event,
 * stamped between the set and the marker's read of the word.
 */
static __always_inline void announce_marker(struct page *page)
{
	struct fb_trace_event *ev = trace_fb_begin("SetPageWaiters");

	page_waiters_announced_flags = READ_ONCE(page->flags);
	trace_fb_value(ev, page_waiters_announced_flags);
}

/*
 * The witness's look at the word when the wake-up never came: @how the
 * sleep ended, "deadline" or "rescued" (by the observer).
 */
static __always_inline void trace_sleep_end(struct page *page,
					    enum behavior behavior,
					    const char *how)
{
	/* A DROP waiter's page may be gone: no look. */
	if (behavior == DROP)
		trace_fb_step(how);
	else
		trace_fb_read(how, READ_ONCE(page->flags));
}

/*
 * kernel/wait.c __wait_on_bit_lock(), v2.6.34, under q->lock: queue @wait,
 * then test the bit; prepare_to_wait_exclusive() queues us, and
 * set_current_state()'s barrier orders that before the test of the bit;
 * the unlocker clears the bit and then looks at the queue, so one of us
 * sees the other.  True if the bit let us through (dequeued again).
 */
static bool queue_then_test(struct wait_queue_head *q,
			    struct wait_page_queue *wait)
{
	list_add_tail(&wait->entry, &q->head);
	spin_unlock(&q->lock);
	smp_mb();
	if (!page_bit_acquired(wait->page, wait->bit_nr, wait->behavior))
		return false;
	finish_wait(q, wait);
	return true;
}

int wait_on_page_bit_common(struct page *page, int bit_nr,
			    enum behavior behavior)
{
	struct wait_queue_head *q = page_waitqueue(page);
	struct wait_page_queue wait = {
		.page = page,
		.bit_nr = bit_nr,
		.behavior = behavior,
	};
	bool dropped = false, announced = false;
	uint32_t woken;
	int ret;

	for (;;) {
		__atomic_store_n(&wait.woken, WAIT_QUEUED, __ATOMIC_RELAXED);
		spin_lock(&q->lock);
		if (!FB_HAVE_PG_WAITERS()) {
			if (queue_then_test(q, &wait)) {
				ret = 0;
				goto out;
			}
			goto queued;
		}
		/*
		 * Announce ourselves before the last look at the bit: the
		 * unlocker clears PG_locked and then tests PG_waiters, so one
		 * of us sees the other.  Unless a non-atomic RMW of the flags
		 * word wipes PG_waiters in between (seed 001).
		 */
		SetPageWaiters(page);
		if (!announced) {
			announce_marker(page);
			announced = true;
		}
		if (page_bit_acquired(page, bit_nr, behavior)) {
			spin_unlock(&q->lock);
			ret = 0;
			goto out;
		}
		list_add_tail(&wait.entry, &q->head);
		spin_unlock(&q->lock);
queued:

		/* v5.0 DROP: the reference goes once we are queued. */
		if (behavior == DROP && !dropped) {
			trace_fb_count("put_page", page_ref_count(page));
			put_page(page);
			dropped = true;
		}

		trace_fb_step("sleep");
		ret = futex_wait_deadline(&wait.woken, WAIT_QUEUED);
		if (ret) {
			spin_lock(&q->lock);
			woken = __atomic_load_n(&wait.woken, __ATOMIC_ACQUIRE);
			if (woken == WAIT_QUEUED)
				list_del_init(&wait.entry);
			spin_unlock(&q->lock);
			if (woken == WAIT_QUEUED) {
				trace_sleep_end(page, behavior, "deadline");
				return ret;	/* the wake-up never came */
			}
		} else {
			woken = __atomic_load_n(&wait.woken, __ATOMIC_ACQUIRE);
		}
		if (woken == WAIT_RESCUED) {
			/* Dequeued by the observer: still a lost wake-up. */
			if (!ret)
				current->missed_wakeups++;
			page_wait_rescues++;
			trace_sleep_end(page, behavior, "rescued");
			finish_wait(q, &wait);
			return -ETIMEDOUT;
		}
		ret = 0;	/* woken, perhaps just as time ran out */
		trace_fb_step("woken");
		finish_wait(q, &wait);
		/* A DROP waiter must not look at the page again. */
		if (behavior == DROP)
			return 0;
		if (page_bit_acquired(page, bit_nr, behavior))
			return 0;
	}
out:
	if (behavior == DROP && !dropped) {
		trace_fb_count("put_page", page_ref_count(page));
		put_page(page);
	}
	return ret;
}

int put_and_wait_on_page_locked(struct page *page)
{
	return wait_on_page_bit_common(page, PG_locked, DROP);
}

void wake_up_page_bit(struct page *page, int bit_nr)
{
	struct wait_queue_head *q = page_waitqueue(page);
	struct list_head *pos, *next;
	enum behavior behavior;
	bool page_match = false;

	spin_lock(&q->lock);
	for (pos = q->head.next; pos != &q->head; pos = next) {
		struct wait_page_queue *wait =
			container_of(pos, struct wait_page_queue, entry);

		next = pos->next;
		if (wait->page != page || wait->bit_nr != bit_nr)
			continue;
		page_match = true;
		/*
		 * mm/filemap.c wake_page_function(), v5.17: copy what we need
		 * of the entry first: once woken, a shared or DROP waiter may
		 * return, and its entry is on its stack.
		 */
		behavior = wait->behavior;
		/* Someone took the lock already: leave the waiter queued. */
		if (behavior == EXCLUSIVE && test_bit(bit_nr, &page->flags))
			break;
		__atomic_store_n(&wait->woken, WAIT_WOKEN, __ATOMIC_RELEASE);
		/* A wake of a word already reused is only a spurious wake-up. */
		futex_wake(&wait->woken, 1);
		/*
		 * The absolute last thing we do: pairs with finish_wait() in
		 * the waiter, which may free the entry right after this.
		 */
		list_del_init_careful(&wait->entry);
		if (behavior == EXCLUSIVE)
			break;
	}
	/*
	 * v5.17: with no waiter left for this page, PG_waiters goes; a queue
	 * shared with other pages may leave it set, which is only slower.
	 */
	if (FB_HAVE_PG_WAITERS() && (list_empty(&q->head) || !page_match))
		ClearPageWaiters(page);
	spin_unlock(&q->lock);
}

static bool page_waitqueue_active(struct page *page)
{
	struct wait_queue_head *q = page_waitqueue(page);

	return READ_ONCE(q->head.next) != &q->head;
}

void unlock_page(struct page *page)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (FB_HAVE_PG_WAITERS()) {
		/* PG_waiters is bit 7: the unlock tells us, in one atomic op. */
		_Static_assert(PG_waiters < 0 || (PG_waiters == 7 && PG_locked < 7),
			       "PG_waiters must be bit 7, in PG_locked's byte");
		if (clear_bit_unlock_is_negative_byte(PG_locked, &page->flags))
			wake_up_page_bit(page, PG_locked);
		return;
	}
	/* v2.6.34: no PG_waiters; look at the hashed queue after the unlock. */
	clear_bit_unlock(PG_locked, &page->flags);
	smp_mb__after_atomic();
	if (page_waitqueue_active(page))
		wake_up_page_bit(page, PG_locked);
}

/*
 * Not the kernel's: see pagemap.h.  A waiter is lost when it is still
 * queued, not dequeued by a wake (a wake in flight has dequeued it
 * already: wake_up_page_bit() does both under q->lock), while its bit is
 * clear and PG_waiters is clear: no unlock_page() will look at the queue.
 * In v5.17 a queued waiter keeps PG_waiters set (the waiter sets it under
 * q->lock before queueing, wake_up_page_bit() clears it under q->lock
 * only once none is left), so only a lost announcement leaves this state.
 */
unsigned int page_rescue_lost_waiters(struct page *page)
{
	struct wait_queue_head *q = page_waitqueue(page);
	struct list_head *pos, *next;
	unsigned int n = 0;

	/* v2.6.34: unlock_page() looks at the queue itself, nothing to lose. */
	if (!FB_HAVE_PG_WAITERS())
		return 0;
	/*
	 * Unlocked first looks, so that a trial whose waiter was woken does
	 * not take q->lock again: a stale look only leaves a lost waiter to
	 * its deadline, the checks that decide are made under q->lock.
	 */
	if (!page_waitqueue_active(page) || PageWaiters(page))
		return 0;
	spin_lock(&q->lock);
	/* Read under q->lock: no waiter can set PG_waiters meanwhile. */
	if (PageWaiters(page))
		goto out;
	for (pos = q->head.next; pos != &q->head; pos = next) {
		struct wait_page_queue *wait =
			container_of(pos, struct wait_page_queue, entry);

		next = pos->next;
		if (wait->page != page || test_bit(wait->bit_nr, &page->flags))
			continue;
		/* Stamped before the store: the waiter returns after it. */
		trace_fb_step("rescue");
		/* As wake_up_page_bit(): the entry is gone once we store. */
		__atomic_store_n(&wait->woken, WAIT_RESCUED, __ATOMIC_RELEASE);
		futex_wake(&wait->woken, 1);
		list_del_init_careful(&wait->entry);
		n++;
	}
out:
	spin_unlock(&q->lock);
	return n;
}

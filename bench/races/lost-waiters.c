// SPDX-License-Identifier: GPL-2.0
/*
 * lost-waiters, seed 001 (Andrew Yang, "mm/migrate: fix race between lock
 * page and clear PG_Isolated", March 2022).
 *
 *	A (compaction putback)			B (anyone locking the page)
 *	putback_movable_pages_one():
 *	  lock_page(page)
 *						trylock_page() fails
 *						lock_page(): SetPageWaiters,
 *						  sleep
 *	  __ClearPageIsolated(page)   <- may overwrite PG_waiters
 *	  unlock_page(page): no PG_waiters, nobody woken
 *
 * The page is an isolated balloon page (PG_isolated, __SetPageMovable with
 * balloon_mops, two references: its owner's and isolation's).  A is the
 * kernel's putback of it, so PG_isolated is cleared the variant's way
 * (__ClearPageIsolated in v5.17, ClearPageIsolated with the fix).  B sleeps
 * with a deadline; a sleep the deadline ends is only a lost wake-up if A's
 * unlock_page() had returned before that deadline (A records when): a
 * slow A is a deadline miss, counted apart, never the bug.  Once A is done,
 * it looks at the wait queue (page_rescue_lost_waiters, pagemap.h): B
 * still queued, unwoken, with the page unlocked and PG_waiters clear is
 * lost for good, and its sleep ends then rather than at the deadline (a
 * bad trial then costs a wake-up, not a deadline: on a busy machine the
 * adaptive deadline is 5-10 times the floor).  The same rule classifies
 * it: the rescue only brings B's return forward.
 *
 * A trial starts where the diagram does: A's lock_page() has returned.
 * The reset takes the page lock as that uncontended lock_page() does
 * (its trylock_page() fast path), so that B always meets a locked page
 * while A is inside the window; a trial whose roles start with A's
 * lock_page() spends almost all its time in B winning the lock before A
 * (96% of trials at the best offset measured), which is not this race.
 * B coming after A's unlock_page() is counted as "after-unlock".
 *
 * Roles: A follows mm/migrate.c putback_movable_pages() of v5.17 for one
 * page from lock_page() on (putback_movable_page, unlock_page, put_page);
 * B follows include/linux/pagemap.h trylock_page() and lock_page() (its
 * trylock, then __lock_page()) and mm/filemap.c
 * __folio_lock()/folio_wait_bit_common() of v5.17.
 *
 * The window is B's SetPageWaiters() landing while A holds the lock and
 * before A's clear of PG_isolated has stored its result: only then can a
 * non-atomic clear wipe it.  B's set_bit returns nothing, so the marker is
 * the flags word B reads right after it (page_waiters_announced_flags,
 * core/include/flagbench/pagemap.h): PG_locked still set, and PG_isolated
 * still set or PG_waiters already wiped.  "woken" and "no-sleep" are the
 * trials B announced itself in the window; the same endings with the
 * announcement after A's clear, and B taking the lock at lock_page()'s
 * own trylock without announcing itself at all, are counted apart and do
 * not mark the window.
 */
#include <flagbench/migrate.h>
#include <flagbench/pagemap.h>
#include <flagbench/trace.h>
#include <string.h>
#include "race.h"

struct lost_waiters {
	uint64_t a_done_ns;	/* after A's unlock_page() returned */
	int b_ret __aligned(64);	/* B's lock_page(); 1: B won trylock */
	bool b_retried;		/* lock_page()'s own trylock won */
	unsigned long b_sleeps;	/* waits B took (sched.h sleeps) */
	uint64_t b_deadline_ns;
	bool b_waiters_at_timeout;
	bool b_rescued;		/* A's look at the queue ended B's sleep */
	unsigned long b_announced;	/* page_waiters_announced_flags */
};

enum {
	LW_NOT_WOKEN,
	LW_WAITERS_LOST,
	LW_WOKEN,
	LW_NO_SLEEP,
	LW_WOKEN_AFTER_CLEAR,
	LW_NO_SLEEP_AFTER_CLEAR,
	LW_SECOND_TRYLOCK,
	LW_AFTER_UNLOCK,
	LW_DEADLINE_MISS,
	LW_RESCUED,
};

static void lw_putback(struct race_trial *t)
{
	struct lost_waiters *d = t->data;
	struct page *page = &t->pages[0];

	putback_movable_pages_one_locked(page);
	trace_fb_read("unlock_page returned", READ_ONCE(page->flags));
	d->a_done_ns = ktime_get_ns();
	put_page(page);
	/* Not the kernel's: A is done; a waiter it left queued is lost. */
	page_rescue_lost_waiters(page);
}

static void lw_lock(struct race_trial *t)
{
	struct lost_waiters *d = t->data;
	struct page *page = &t->pages[0];
	unsigned long sleeps = current->sleeps, rescues = page_wait_rescues;

	d->b_deadline_ns = current->wait_deadline_ns;
	if (trylock_page(page)) {
		trace_fb_step("trylock_page took it");
		d->b_ret = 1;
		unlock_page(page);
		return;
	}
	trace_fb_read("trylock_page failed", READ_ONCE(page->flags));
	/* lock_page(), open-coded to tell its trylock from its wait. */
	page_waiters_announced_flags = 0;
	if (trylock_page(page)) {
		trace_fb_step("lock_page's trylock took it");
		d->b_retried = true;
	} else {
		d->b_ret = __lock_page(page);
	}
	d->b_announced = page_waiters_announced_flags;
	d->b_sleeps = current->sleeps - sleeps;
	d->b_rescued = page_wait_rescues != rescues;
	if (!d->b_ret)
		unlock_page(page);
	else
		d->b_waiters_at_timeout = PageWaiters(page);
}

static void lw_reset(struct race_trial *t)
{
	struct lost_waiters *d = t->data;
	struct page *page = &t->pages[0];

	memset(d, 0, sizeof(*d));
	init_free_page(page);
	prep_new_page(page);
	/* Isolated by compaction: a reference, PG_isolated, movable. */
	__SetPageMovable(page, &balloon_mops);
	get_page(page);
	SetPageIsolated(page);
	/*
	 * A's lock_page(), uncontended, so its trylock_page() fast path;
	 * it cannot fail: no role runs while the engine resets a trial.
	 */
	(void)trylock_page(page);
}

static unsigned int lw_check(struct race_trial *t)
{
	struct lost_waiters *d = t->data;

	bool in_window = page_waiters_announced_in_window(d->b_announced);
	unsigned int mask;

	if (d->b_ret == 1)
		return RACE_CLASS(LW_AFTER_UNLOCK);
	if (d->b_retried)
		return RACE_CLASS(LW_SECOND_TRYLOCK);
	if (!d->b_ret) {
		if (d->b_sleeps)
			return RACE_CLASS(in_window ? LW_WOKEN :
					  LW_WOKEN_AFTER_CLEAR);
		return RACE_CLASS(in_window ? LW_NO_SLEEP :
				  LW_NO_SLEEP_AFTER_CLEAR);
	}
	/*
	 * B's deadline, or A's look at the queue, ended its sleep: was A's
	 * wake-up due before the deadline?
	 */
	if (d->a_done_ns >= d->b_deadline_ns)
		return RACE_CLASS(LW_DEADLINE_MISS);
	mask = RACE_CLASS(LW_NOT_WOKEN);
	/* B sets PG_waiters before sleeping; only an RMW clears it without
	 * waking B. */
	if (!d->b_waiters_at_timeout)
		mask |= RACE_CLASS(LW_WAITERS_LOST);
	if (d->b_rescued)
		mask |= RACE_CLASS(LW_RESCUED);
	return mask;
}

/*
 * v2.6.34 has neither flag: the putback's clear of PG_isolated compiles to
 * nothing, and a waiter queues itself on the hashed wait queue, which
 * unlock_page() looks at after clearing PG_locked.  No RMW is left that
 * could wipe an announcement.
 */
static const char *lw_no_rmw(void)
{
	if (FB_HAVE_PG_WAITERS() && FB_HAVE_PG_ISOLATED())
		return NULL;
	return "this layout has no PG_isolated or no PG_waiters: no read-modify-write of the flags word can lose a waiter's announcement";
}

static const struct race_outcome lw_outcomes[] = {
	[LW_NOT_WOKEN] = { .name = "not-woken", .bad = true,
		.structural = lw_no_rmw,
		.help = "B slept past its deadline although A had unlocked the page before it" },
	[LW_WAITERS_LOST] = { .name = "waiters-lost", .bad = true,
		.structural = lw_no_rmw,
		.help = "of those, PG_waiters was clear while B was still queued: wiped by A's RMW" },
	[LW_WOKEN] = { .name = "woken", .racy = true,
		.help = "B announced itself (SetPageWaiters) while A held the lock and before A's clear of PG_isolated stored, slept, and A's unlock woke it: the window, hit correctly" },
	[LW_NO_SLEEP] = { .name = "no-sleep", .racy = true,
		.help = "B announced itself in the window, but the lock came free before B slept" },
	[LW_WOKEN_AFTER_CLEAR] = { .name = "woken-after-clear",
		.help = "B slept and was woken, but announced itself after A's clear of PG_isolated had stored: outside the window" },
	[LW_NO_SLEEP_AFTER_CLEAR] = { .name = "no-sleep-after-clear",
		.help = "B announced itself after A's clear (or, without PG_waiters, queued itself) and took the lock before sleeping: outside the window" },
	[LW_SECOND_TRYLOCK] = { .name = "second-trylock",
		.help = "B's first trylock failed but lock_page()'s own trylock took the lock: B never announced itself" },
	[LW_AFTER_UNLOCK] = { .name = "after-unlock",
		.help = "B's trylock came after A's unlock_page(): the roles did not meet" },
	[LW_DEADLINE_MISS] = { .name = "deadline-miss",
		.help = "B's deadline passed before A had unlocked (A slow or preempted): not the bug" },
	[LW_RESCUED] = { .name = "rescued",
		.help = "of the not-woken, those whose sleep ended as soon as A was done, B found still queued unwoken with the page unlocked and PG_waiters clear, instead of at the deadline" },
};

static const struct race_scenario lost_waiters = {
	.name = "lost-waiters",
	.seed = "001",
	.description = "A (putback_movable_pages, page locked) clears PG_isolated under the page lock while B fails trylock_page and sleeps: a non-atomic clear wipes PG_waiters and B is never woken",
	.roles = { { "putback_movable_pages_one_locked", lw_putback },
		   { "trylock_page+lock_page", lw_lock } },
	.nr_roles = 2,
	.trial_size = sizeof(struct lost_waiters),
	.pages_per_trial = 1,
	.sleeps = true,
	.reset = lw_reset,
	.check = lw_check,
	RACE_OUTCOMES(lw_outcomes),
	/* v5.17: the non-atomic RMW wipes PG_waiters on every architecture. */
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_REPRODUCE),
};
DEFINE_RACE_SCENARIO(lost_waiters);

// SPDX-License-Identifier: GPL-2.0
/*
 * The markers the seed scenarios count their windows and bad outcomes by,
 * single-threaded where one thread can produce the state: a sequence that
 * produces it and one that does not, in this build.
 *
 *   000 cc.nr_isolated_slab: compaction isolated a page that was slab
 *   001 page_waiters_announced_flags: a waiter announced itself while the
 *       lock holder held the lock and before its clear of PG_isolated
 *   002 the private data and its reference moving with the page; the
 *       reference a fault holds while it waits (fault_wait)
 *   003 migration_entry_unlocked: the fault met an unlocked entry, in
 *       every build; what the clean-up maps back
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_test.h"

#include <flagbench/compaction.h>
#include <flagbench/migrate.h>
#include <flagbench/slab.h>

enum { NR_PAGES = 4 };

#define SURPLUS_PUT IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON)
#define CLEANUP IS_ENABLED(CONFIG_FB_MIGRATION_ENTRY_CLEANUP)
#define WINDOW_FLAGS (FB_HAVE_PG_WAITERS() && FB_HAVE_PG_ISOLATED())
/* A flag's bit, or none where the layout lacks the flag (v2.6.34). */
#define FLAG_BIT(pg) ((pg) >= 0 ? 1UL << ((pg) & (BITS_PER_LONG - 1)) : 0)

static int setup(void **state)
{
	return fb_seed_setup(state, NR_PAGES);
}

/* ---- seed 000: what compaction isolates -------------------------------- */

/* An anonymous page on @lruvec, mapped once, one reference (the pte's). */
static struct page *lru_anon_page(unsigned long pfn, struct lruvec *lruvec,
				  struct anon_vma *av)
{
	struct page *page = fb_alloc_page(pfn);

	WRITE_ONCE(page->mapping, (struct address_space *)
		   ((unsigned long)av | PAGE_MAPPING_ANON));
	atomic_set(&page->_mapcount, 0);
	lru_cache_add(lruvec, page);
	return page;
}

/*
 * A page on the LRU that is also a slab page cannot exist: the racy check
 * can only meet the slab page once it left the LRU, and the recheck under
 * the lru_lock stops it.  Made by hand, it shows the count is A's own
 * record of what it took, whatever the check in front of it.
 */
static void test_isolated_slab_page_is_counted(void **state)
{
	static struct anon_vma av;
	struct lruvec lruvec = { 0 };
	struct compact_control cc = { 0 };
	struct page *plain, *slab;

	(void)state;
	spin_lock_init(&lruvec.lru_lock);
	plain = lru_anon_page(0, &lruvec, &av);
	slab = lru_anon_page(1, &lruvec, &av);
	SetPageSlab(slab);
	isolate_migratepages_block(&cc, 0, 2);
	assert_int_equal(cc.nr_migratepages, 2);
	assert_int_equal(cc.nr_isolated_slab, 1);
	assert_false(PageLRU(plain));
	assert_false(PageLRU(slab));
}

/* The same scan over an ordinary page records nothing. */
static void test_isolated_plain_page_is_not_counted(void **state)
{
	static struct anon_vma av;
	struct lruvec lruvec = { 0 };
	struct compact_control cc = { 0 };

	(void)state;
	spin_lock_init(&lruvec.lru_lock);
	lru_anon_page(0, &lruvec, &av);
	isolate_migratepages_block(&cc, 0, 1);
	assert_int_equal(cc.nr_migratepages, 1);
	assert_int_equal(cc.nr_isolated_slab, 0);
	assert_int_equal(cc.nr_racy_slab, 0);
}

/* v5.7's allocate_slab(): the slab's word, then PG_slab, one reference. */
static void test_allocate_slab_v5_7(void **state)
{
	struct kmem_cache s = { .name = "kmalloc-64", .objects = 64 };
	struct page *page = pfn_to_page(0);

	(void)state;
	assert_ptr_equal(allocate_slab_v5_7(&s, page), page);
	assert_true(PageSlab(page));
	assert_ptr_equal(page->slab_cache, &s);
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(page->objects, 64);
	assert_null(page_mapping(page));	/* a slab page has none */
}

/* ---- seed 001: the waiter's announcement ------------------------------ */

/* An isolated balloon page whose lock the putback holds, as lost-waiters'. */
static struct page *locked_isolated_page(unsigned long pfn)
{
	struct page *page = fb_alloc_page(pfn);

	__SetPageMovable(page, &balloon_mops);
	get_page(page);
	SetPageIsolated(page);
	assert_true(trylock_page(page));
	return page;
}

/* B announces itself before the holder's clear: the window. */
static void test_waiter_announced_before_the_clear(void **state)
{
	struct page *page = locked_isolated_page(0);

	(void)state;
	page_waiters_announced_flags = 0;
	set_wait_timeout_ns(1000 * 1000);	/* nobody unlocks */
	assert_int_equal(__lock_page(page), -ETIMEDOUT);
	if (!FB_HAVE_PG_WAITERS()) {
		/* v2.6.34: the waiter queues itself; nothing is announced */
		assert_int_equal(page_waiters_announced_flags, 0);
		return;
	}
	assert_true(page_waiters_announced_flags & (1UL << PG_locked));
	assert_int_equal(page_waiters_announced_in_window(page_waiters_announced_flags),
			 WINDOW_FLAGS);
}

/* B announces itself after the holder's clear stored: outside it. */
static void test_waiter_announced_after_the_clear(void **state)
{
	struct page *page = locked_isolated_page(0);

	(void)state;
	ClearPageIsolated(page);
	page_waiters_announced_flags = 0;
	set_wait_timeout_ns(1000 * 1000);
	assert_int_equal(__lock_page(page), -ETIMEDOUT);
	assert_int_equal(page_waiters_announced_flags & (1UL << PG_locked),
			 FB_HAVE_PG_WAITERS() ? 1UL << PG_locked : 0);
	assert_false(page_waiters_announced_in_window(page_waiters_announced_flags));
}

/*
 * What the waiter's read can show, by hand: PG_waiters already gone while
 * the lock is held is the holder's non-atomic store wiping it (in the
 * window); nothing counts once the lock is free.
 */
static void test_waiter_announcement_words(void **state)
{
	unsigned long locked = 1UL << PG_locked;

	(void)state;
	if (!WINDOW_FLAGS)
		skip();	/* no PG_waiters or PG_isolated: never the window */
	assert_true(page_waiters_announced_in_window(locked));
	assert_false(page_waiters_announced_in_window(locked | FLAG_BIT(PG_waiters)));
	assert_false(page_waiters_announced_in_window(FLAG_BIT(PG_isolated)));
	assert_false(page_waiters_announced_in_window(0));
}

/* A lock taken at lock_page()'s trylock announces nothing. */
static void test_trylock_announces_nothing(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	page_waiters_announced_flags = 0;
	assert_int_equal(lock_page(page), 0);
	assert_int_equal(page_waiters_announced_flags, 0);
	unlock_page(page);
}

/* ---- seed 002: private data, and what a waiting fault holds ----------- */

/* An xfs page with iomap's private data, isolated, locked; and its target. */
static struct page *locked_xfs_page(struct address_space *as,
				    struct page **newpage)
{
	struct page *page = fb_alloc_page(0);	/* the page cache's */

	spin_lock_init(&as->i_pages_lock);
	page->mapping = as;
	attach_page_private(page, 0xb0ff);
	get_page(page);				/* isolation's */
	assert_true(trylock_page(page));
	*newpage = fb_alloc_page(1);
	assert_true(trylock_page(*newpage));
	return page;
}

/*
 * v5.0 iomap_migrate_page(): the data and its reference go to the new
 * page, so the old one is free once isolation lets go.  With the surplus
 * put there is no reference to move, and only a reader's makes the freeze
 * succeed.
 */
static void test_migration_moves_private_data_and_reference(void **state)
{
	static struct address_space as = { .name = "xfs" };
	struct page *newpage, *page = locked_xfs_page(&as, &newpage);

	(void)state;
	if (SURPLUS_PUT) {
		assert_int_equal(move_to_new_page(newpage, page), -EAGAIN);
		assert_true(get_page_unless_zero(page));	/* a reader */
	}
	assert_int_equal(move_to_new_page(newpage, page), MIGRATEPAGE_SUCCESS);
	assert_false(PagePrivate(page));
	assert_int_equal(page->private, 0);
	assert_true(PagePrivate(newpage));
	assert_int_equal(newpage->private, 0xb0ff);
	/* allocation + page cache (+ private data) */
	assert_int_equal(page_ref_count(newpage), SURPLUS_PUT ? 2 : 3);
	unlock_page(page);
	if (SURPLUS_PUT)
		put_page(page);				/* the reader's */
	put_page(page);					/* isolation's */
	assert_true(PageBuddy(page));
	assert_int_equal(vm_bug_hits(NULL), 0);
}

struct fault {
	pthread_t thread;
	struct mm_struct *mm;
	pte_t *pte;
	struct task_struct *task;	/* published once the thread runs */
	int ret, finished, may_exit;
};

static void *fault_fn(void *arg)
{
	struct fault *f = arg;

	set_wait_timeout_ns(FB_WAKE_BOUND_NS);
	__atomic_store_n(&f->task, current, __ATOMIC_RELEASE);
	f->ret = __migration_entry_wait(f->mm, f->pte);
	__atomic_store_n(&f->finished, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&f->may_exit, __ATOMIC_ACQUIRE))
		fb_sleep_ms(1);
	return NULL;
}

static bool fault_asleep(void *arg)
{
	struct fault *f = arg;
	struct task_struct *task = __atomic_load_n(&f->task, __ATOMIC_ACQUIRE);

	return task && __atomic_load_n(&task->sleeps, __ATOMIC_RELAXED) > 0;
}

/*
 * A fault asleep on a page under migration: with put_and_wait it holds no
 * reference and the freeze can succeed; before 9a1ea439b16b it holds one
 * through the wait and the freeze fails - Hugh Dickins's "almost
 * impossible before" in seed 002.
 */
static void test_waiting_fault_holds_its_reference_only_before_9a1ea439b16b(void **state)
{
	static struct mm_struct mm;
	struct fault f = { .mm = &mm };
	pte_t pte;
	struct page *page = fb_alloc_page(0);
	bool held = IS_ENABLED(CONFIG_FB_FAULT_WAIT_WAIT_LOCKED);

	(void)state;
	spin_lock_init(&mm.page_table_lock);
	assert_true(trylock_page(page));
	pte = swp_entry_to_pte(make_migration_entry(page, 0));
	f.pte = &pte;
	assert_int_equal(pthread_create(&f.thread, NULL, fault_fn, &f), 0);
	assert_true(fb_wait_for(fault_asleep, &f, FB_WAKE_BOUND_MS));
	assert_int_equal(page_ref_count(page), held ? 2 : 1);
	assert_int_equal(page_ref_freeze(page, 1), !held);
	if (!held)
		page_ref_unfreeze(page, 1);
	unlock_page(page);
	__atomic_store_n(&f.may_exit, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(f.thread, NULL), 0);
	assert_int_equal(f.ret, 0);
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/* ---- seed 003: an entry met unlocked, and what the clean-up does ------ */

/* migration_entry_to_page() counts an unlocked page in every build. */
static void test_unlocked_entry_is_counted_in_every_build(void **state)
{
	struct page *page = fb_alloc_page(0);
	swp_entry_t entry = make_migration_entry(page, 1);

	(void)state;
	assert_true(trylock_page(page));
	migration_entry_to_page(entry, !CLEANUP);
	assert_int_equal(migration_entry_unlocked, 0);
	unlock_page(page);
	migration_entry_to_page(entry, !CLEANUP);
	assert_int_equal(migration_entry_unlocked, 1);
	assert_int_equal(vm_bug_hits("!locked && lock_required"), !CLEANUP);
}

struct dangling {
	struct mm_struct mm;
	struct anon_vma av;
	pte_t pte;
};

/*
 * unmap_and_move()'s steps with the second rmap walk missing the entry
 * (as exec's move of its stack makes it miss): migration succeeded, the
 * new page has the contents, the entry is left behind.  Isolation's
 * reference to the old page is still held: the putback comes next.
 */
static struct page *migrate_leaving_entry(struct dangling *d,
					  struct page **newpage)
{
	struct page *page = fb_alloc_page(0);	/* becomes the pte's */

	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->mm.page_table_lock);
	d->av.mm = &d->mm;
	d->av.nr_ptes = 0;
	page_add_new_anon_rmap(page, &d->av, &d->pte);
	get_page(page);				/* isolation's */
	*newpage = fb_alloc_page(1);
	assert_true(trylock_page(page));
	assert_true(trylock_page(*newpage));
	assert_true(try_to_unmap(page));
	assert_int_equal(move_to_new_page(*newpage, page), MIGRATEPAGE_SUCCESS);
	migrate_page_copy(*newpage, page);
	unlock_page(*newpage);
	unlock_page(page);
	assert_true(is_migration_entry(pte_to_swp_entry(d->pte)));
	return page;
}

/*
 * Before the putback: the clean-up maps the entry's page - the old one -
 * back; strict stops at the BUG_ON.  Both met the entry unlocked.
 */
static void test_dangling_entry_before_the_putback(void **state)
{
	static struct dangling d;
	struct page *newpage, *page = migrate_leaving_entry(&d, &newpage);

	(void)state;
	set_wait_timeout_ns(FB_WAKE_BOUND_NS);	/* a wait here would be a bug */
	assert_int_equal(migration_entry_wait(&d.mm, &d.pte), 0);
	assert_int_equal(migration_entry_unlocked, 1);
	if (CLEANUP) {
		assert_true(pte_present(d.pte));
		assert_int_equal(pte_pfn(d.pte), page_to_pfn(page));
		assert_null(page->mapping);	/* emptied by migration */
		assert_int_equal(page_ref_count(page), 2);  /* isolation + pte */
	} else {
		assert_int_equal(vm_bug_hits("!locked && lock_required"), 1);
		assert_true(is_swap_pte(d.pte));
	}
	assert_int_equal(page_ref_count(newpage), 1);	/* nothing maps it */
}

/*
 * After the putback the old page is free: the fault's
 * get_page_unless_zero() fails, nothing removes the entry, and every
 * fault comes back to it (strict would have stopped at the first).
 */
static void test_dangling_entry_after_the_putback(void **state)
{
	static struct dangling d;
	struct page *newpage, *page = migrate_leaving_entry(&d, &newpage);
	int i;

	(void)state;
	put_page(page);				/* putback_lru_page() */
	assert_true(PageBuddy(page));
	for (i = 0; i < 3; i++)
		assert_int_equal(migration_entry_wait(&d.mm, &d.pte), 0);
	assert_true(is_swap_pte(d.pte));
	assert_int_equal(migration_entry_unlocked, 3);
	assert_int_equal(migration_dangling_removed, 0);
	assert_true(PageBuddy(page));
	(void)newpage;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fb_seed_teardown)
		T(test_isolated_slab_page_is_counted),
		T(test_isolated_plain_page_is_not_counted),
		T(test_allocate_slab_v5_7),
		T(test_waiter_announced_before_the_clear),
		T(test_waiter_announced_after_the_clear),
		T(test_waiter_announcement_words),
		T(test_trylock_announces_nothing),
		T(test_migration_moves_private_data_and_reference),
		T(test_waiting_fault_holds_its_reference_only_before_9a1ea439b16b),
		T(test_unlocked_entry_is_counted_in_every_build),
		T(test_dangling_entry_before_the_putback),
		T(test_dangling_entry_after_the_putback),
#undef T
	};

	return cmocka_run_group_tests_name("seed markers", tests, NULL, NULL);
}

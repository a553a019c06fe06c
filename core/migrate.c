// SPDX-License-Identifier: GPL-2.0
/*
 * Page migration: see include/flagbench/migrate.h for which release each
 * function follows.  The knobs choose the code the seeds' patches changed.
 */
#include <errno.h>
#include <flagbench/kconfig.h>
#include <flagbench/migrate.h>
#include <flagbench/trace.h>

__thread unsigned long migration_dangling_removed;
__thread unsigned long migration_temporary_stack_skipped;
__thread unsigned long migration_entry_wait_got;
__thread enum isolate_movable_stop isolate_movable_page_stop;
__thread unsigned long migration_entry_wait_frozen;
__thread unsigned long migration_entry_unlocked;

/* mm/balloon_compaction.c, v6.1: a driver that always lets go. */
static bool balloon_page_isolate(struct page *page, int mode)
{
	(void)page;
	(void)mode;
	return true;
}

static int balloon_page_migrate(struct page *dst, struct page *src, int mode)
{
	(void)mode;
	__SetPageMovable(dst, page_movable_ops(src));
	return MIGRATEPAGE_SUCCESS;
}

static void balloon_page_putback(struct page *page)
{
	(void)page;
}

const struct movable_operations balloon_mops __aligned(8) = {
	.isolate_page = balloon_page_isolate,
	.migrate_page = balloon_page_migrate,
	.putback_page = balloon_page_putback,
};

/*
 * The kernel would call through whatever page_movable_ops() returns; the
 * model only knows one driver, so anything else is the wild pointer that
 * crashes seed 004's kernel.
 */
static bool movable_ops_valid(const struct movable_operations *mops)
{
	return mops == &balloon_mops;
}

/*
 * Seed 001: PG_isolated is cleared under the page lock, while a waiter may
 * be setting PG_waiters in the same word (the v5.17 putback paths).  The
 * fix made the clears atomic.  The witness pass sees the flags word just
 * before the clear and just after it: the non-atomic clear's load and
 * store lie between the two, and a waiter's SetPageWaiters that lands
 * there is gone from the second.
 */
static __always_inline void migrate_clear_isolated(struct page *page)
{
	if (IS_ENABLED(CONFIG_FB_ISOLATED_BITOPS_ATOMIC)) {
		trace_fb_read("ClearPageIsolated", READ_ONCE(page->flags));
		ClearPageIsolated(page);
		trace_fb_read("ClearPageIsolated done", READ_ONCE(page->flags));
		return;
	}
	trace_fb_read("__ClearPageIsolated load", READ_ONCE(page->flags));
	__ClearPageIsolated(page);
	trace_fb_read("__ClearPageIsolated store", READ_ONCE(page->flags));
}

bool PageMovable(struct page *page)
{
	VM_BUG_ON_PAGE(!PageLocked(page), page);
	if (!__PageMovable(page))
		return false;
	return page_movable_ops(page) != NULL;
}

/* Between isolate_movable_page()'s checks; pairs with the slab's smp_wmb. */
static __always_inline void movable_check_rmb(void)
{
	if (IS_ENABLED(CONFIG_FB_SLAB_BARRIERS_WMB_RMB))
		smp_rmb();
}

/*
 * The checks before the page lock, in the order movable_check selects:
 * 0 when the page passed them all, else which test (1, 2 or 3 in that
 * order) turned it away.
 */
static __always_inline unsigned int movable_precheck(struct page *page)
{
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE)) {
		/* Hugh Dickins's first thought: !PageSlab() before __PageMovable() */
		if (unlikely(PageSlab(page)))
			return 1;
		movable_check_rmb();
		return unlikely(!__PageMovable(page)) ? 2 : 0;
	}
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE_SLAB)) {
		/* v6.2 (8b8817630ae8) */
		if (unlikely(PageSlab(page)))
			return 1;
		/* Pairs with smp_wmb() in slab freeing, e.g. SLUB's __free_slab() */
		movable_check_rmb();
		if (unlikely(!__PageMovable(page)))
			return 2;
		/* Pairs with smp_wmb() in slab allocation, e.g. SLUB's alloc_slab_page() */
		movable_check_rmb();
		return unlikely(PageSlab(page)) ? 3 : 0;
	}
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE_SLAB_MOVABLE)) {
		/* Vlastimil Babka's second thought in seed 004 */
		if (unlikely(!__PageMovable(page)))
			return 1;
		movable_check_rmb();
		if (unlikely(PageSlab(page)))
			return 2;
		movable_check_rmb();
		return unlikely(!__PageMovable(page)) ? 3 : 0;
	}
	/* v6.1: no slab test at all. */
	return unlikely(!__PageMovable(page)) ? 1 : 0;
}

/*
 * The tests before the lock, for the witness pass, recorded once they have
 * all run, @failed as movable_precheck() returned it: a stamp between two
 * of them would hold them apart by its own time, tens of ns, and an edge
 * of a slab's life (its alloc_slab_page(), a few ns from the refcount to
 * PG_slab) can then never fall between them.  Their order is the build's.
 */
static __always_inline void trace_precheck(unsigned int failed)
{
	static const char *const slab_movable[] = {
		"!PageSlab, __PageMovable: passed", "PageSlab: refused",
		"!PageSlab, !__PageMovable: refused",
	};
	static const char *const slab_movable_slab[] = {
		"!PageSlab, __PageMovable, !PageSlab: passed",
		"PageSlab: refused", "!PageSlab, !__PageMovable: refused",
		"!PageSlab, __PageMovable, PageSlab: refused",
	};
	static const char *const movable_slab_movable[] = {
		"__PageMovable, !PageSlab, __PageMovable: passed",
		"!__PageMovable: refused", "__PageMovable, PageSlab: refused",
		"__PageMovable, !PageSlab, !__PageMovable: refused",
	};
	static const char *const movable[] = {
		"__PageMovable: passed", "!__PageMovable: refused",
	};

	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE))
		trace_fb_step(slab_movable[failed]);
	else if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE_SLAB))
		trace_fb_step(slab_movable_slab[failed]);
	else if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE_SLAB_MOVABLE))
		trace_fb_step(movable_slab_movable[failed]);
	else
		trace_fb_step(movable[failed]);
}

/*
 * Models mm/migrate.c:isolate_movable_page(), v6.1 (the v6.2 checks of
 * 8b8817630ae8 and Vlastimil Babka's reverse order as movable_check
 * choices).  v6.1 sets PG_isolated atomically (SetPageIsolated(), since
 * the v5.18 fix of seed 001), whatever isolated_bitops says of the v5.17
 * putback paths below.  isolate_movable_page_stop records where the call
 * ended: the model's marker, no timing.
 */
int isolate_movable_page(struct page *page, isolate_mode_t mode)
{
	const struct movable_operations *mops;
	unsigned int failed;
	int ret = -EBUSY;

	isolate_movable_page_stop = IMP_NO_REFERENCE;
	/*
	 * Avoid burning cycles with pages that are yet under __free_pages(),
	 * or just got freed under us.
	 */
	if (unlikely(!get_page_unless_zero(page))) {
		trace_fb_step("get_page_unless_zero failed");
		goto out;
	}

	/*
	 * Check PageMovable before holding a PG_lock because page's owner
	 * assumes anybody doesn't touch PG_lock of newly allocated page
	 * so unconditionally grabbing the lock ruins page's owner side.
	 */
	failed = movable_precheck(page);
	trace_precheck(failed);
	if (failed) {
		isolate_movable_page_stop = IMP_CHECK_1 + failed - 1;
		goto out_putpage;
	}

	isolate_movable_page_stop = IMP_LOCK_BUSY;
	if (unlikely(!trace_fb_test("trylock_page", trylock_page(page))))
		goto out_putpage;

	isolate_movable_page_stop = IMP_NOT_MOVABLE_LOCKED;
	if (!trace_fb_test("PageMovable", PageMovable(page)) ||
	    PageIsolated(page))
		goto out_no_isolated;

	mops = page_movable_ops(page);
	VM_BUG_ON_PAGE(!mops, page);
	if (!trace_fb_test("movable_ops valid", movable_ops_valid(mops))) {
		/* Here the kernel jumps through a slab's list pointer. */
		BUG_ON(!movable_ops_valid(mops));
		isolate_movable_page_stop = IMP_BAD_OPS;
		ret = -EFAULT;
		goto out_no_isolated;
	}

	isolate_movable_page_stop = IMP_DRIVER_REFUSED;
	if (!mops->isolate_page(page, mode))
		goto out_no_isolated;

	/* Driver shouldn't use PG_isolated bit of page->flags */
	WARN_ON_ONCE(PageIsolated(page));
	SetPageIsolated(page);
	unlock_page(page);
	isolate_movable_page_stop = IMP_ISOLATED;
	return 0;

out_no_isolated:
	unlock_page(page);
out_putpage:
	put_page(page);
out:
	return ret;
}

void putback_movable_page(struct page *page)
{
	const struct movable_operations *mops = page_movable_ops(page);

	mops->putback_page(page);
	migrate_clear_isolated(page);
}

/*
 * The rest of putback_movable_pages()'s work on one movable page once
 * lock_page() has returned: a race scenario whose window lies inside the
 * page lock starts here, from a page its reset locked as that
 * lock_page() would have.
 */
void putback_movable_pages_one_locked(struct page *page)
{
	if (PageMovable(page))
		putback_movable_page(page);
	else
		migrate_clear_isolated(page);
	unlock_page(page);
}

int putback_movable_pages_one(struct page *page)
{
	int ret;

	/*
	 * We isolated non-lru movable page so here we can use
	 * __PageMovable because LRU page's mapping cannot have
	 * PAGE_MAPPING_MOVABLE.
	 */
	if (unlikely(__PageMovable(page))) {
		VM_BUG_ON_PAGE(!PageIsolated(page), page);
		ret = lock_page(page);
		if (ret)
			return ret;	/* never woken: the page stays isolated */
		putback_movable_pages_one_locked(page);
	}
	put_page(page);
	return 0;
}

int expected_page_refs(struct page *page)
{
	int expected_count = 1;

	if (page_mapping(page))
		expected_count += 1 + page_has_private(page);
	return expected_count;
}

void attach_page_private(struct page *page, unsigned long data)
{
	/*
	 * PagePrivate promises a reference that expected_page_refs() counts.
	 * With surplus_put, it is the one the v5.0-rc iomap code gave back
	 * without having taken it (fixed by 8e47a457321c, seed 002): the
	 * count is one short and a freeze can succeed under a reader.
	 */
	if (!IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON))
		get_page(page);
	page->private = data;
	SetPagePrivate(page);
}

int migrate_page_move_mapping(struct address_space *mapping,
			      struct page *newpage, struct page *page,
			      int extra_count)
{
	int expected_count = expected_page_refs(page) + extra_count;

	if (!mapping) {
		/* Anonymous page without mapping */
		if (page_count(page) != expected_count)
			return -EAGAIN;
		newpage->index = page->index;
		newpage->mapping = page->mapping;
		if (PageSwapBacked(page))
			__SetPageSwapBacked(newpage);
		return MIGRATEPAGE_SUCCESS;
	}

	spin_lock(&mapping->i_pages_lock);
	/*
	 * The kernel looks the page up in the xarray; the model's slot is the
	 * mapping word, which for a swap cache page is its anon_vma, so ask
	 * page_mapping() (swapper_space for those) rather than page->mapping.
	 */
	if (page_count(page) != expected_count ||
	    page_mapping(page) != mapping) {
		trace_fb_count("page_count", page_count(page));
		spin_unlock(&mapping->i_pages_lock);
		return -EAGAIN;
	}
	/* From here nobody may take a new reference: get_page_unless_zero fails. */
	if (!page_ref_freeze(page, expected_count)) {
		trace_fb_count("page_ref_freeze failed", page_ref_count(page));
		spin_unlock(&mapping->i_pages_lock);
		return -EAGAIN;
	}
	trace_fb_count("page_ref_freeze", expected_count);

	/* Now we know that no one else is looking at the page. */
	newpage->index = page->index;
	newpage->mapping = page->mapping;
	page_ref_add(newpage, 1);	/* add cache reference */
	if (PageSwapBacked(page)) {
		__SetPageSwapBacked(newpage);
		if (PageSwapCache(page)) {
			SetPageSwapCache(newpage);
			newpage->private = page->private;
		}
	}
	if (PageDirty(page)) {
		ClearPageDirty(page);
		SetPageDirty(newpage);
	}
	/*
	 * Drop cache reference from old page by unfreezing
	 * to one less reference.
	 */
	page_ref_unfreeze(page, expected_count - 1);
	trace_fb_count("page_ref_unfreeze", expected_count - 1);
	spin_unlock(&mapping->i_pages_lock);
	return MIGRATEPAGE_SUCCESS;
}

/*
 * fs/iomap.c iomap_migrate_page(), v5.0 (xfs's ->migratepage, seed 002's
 * filesystem): the page cache entry moves, then the private data and the
 * reference PagePrivate stands for move to the new page.  With
 * surplus_put, v5.0-rc4's, before 8e47a457321c: iomap_page_create() took no
 * reference, and the data moves without one.  (The copy of the contents
 * is not modelled.)
 */
int iomap_migrate_page(struct address_space *mapping, struct page *newpage,
		       struct page *page)
{
	int ret = migrate_page_move_mapping(mapping, newpage, page, 0);

	if (ret != MIGRATEPAGE_SUCCESS)
		return ret;
	if (page_has_private(page)) {
		ClearPagePrivate(page);
		if (!IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON))
			get_page(newpage);
		newpage->private = page->private;	/* set_page_private() */
		page->private = 0;
		if (!IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON))
			put_page(page);
		SetPagePrivate(newpage);
	}
	return MIGRATEPAGE_SUCCESS;
}

/*
 * mm/migrate.c move_to_new_page(), v5.0, with v5.17's handling of
 * PG_isolated for non-LRU movable pages.  An LRU page goes to its
 * mapping's ->migratepage: migrate_page() (the mapping and refcount
 * alone) for anonymous and swap cache pages, iomap_migrate_page() for the
 * model's one filesystem.
 */
int move_to_new_page(struct page *newpage, struct page *page)
{
	int rc;

	VM_BUG_ON_PAGE(!PageLocked(page), page);
	VM_BUG_ON_PAGE(!PageLocked(newpage), newpage);

	if (likely(!__PageMovable(page))) {
		struct address_space *mapping = page_mapping(page);

		if (mapping && mapping != &swapper_space)
			rc = iomap_migrate_page(mapping, newpage, page);
		else
			rc = migrate_page_move_mapping(mapping, newpage, page, 0);
		/* Anon and movable mappings stay for PageAnon() until the free. */
		if (rc == MIGRATEPAGE_SUCCESS &&
		    !((unsigned long)page->mapping & PAGE_MAPPING_FLAGS))
			page->mapping = NULL;
		return rc;
	}

	/*
	 * In case of non-lru page, it could be released after
	 * isolation step. In that case, we shouldn't try migration.
	 */
	VM_BUG_ON_PAGE(!PageIsolated(page), page);
	if (!PageMovable(page)) {
		migrate_clear_isolated(page);
		return MIGRATEPAGE_SUCCESS;
	}
	rc = page_movable_ops(page)->migrate_page(newpage, page, 0);
	if (rc == MIGRATEPAGE_SUCCESS && __PageMovable(page)) {
		/*
		 * We clear PG_movable under page_lock so any compactor
		 * cannot try to migrate this page.
		 */
		migrate_clear_isolated(page);
	}
	return rc;
}

void page_add_new_anon_rmap(struct page *page, struct anon_vma *anon_vma,
			    pte_t *ptep)
{
	/* The caller's reference becomes the pte's. */
	WRITE_ONCE(page->mapping, (struct address_space *)
		   ((unsigned long)anon_vma | PAGE_MAPPING_ANON));
	if (anon_vma->nr_ptes < ANON_VMA_MAX_PTES)
		anon_vma->ptes[anon_vma->nr_ptes++] = ptep;
	atomic_inc(&page->_mapcount);
	spin_lock(&anon_vma->mm->page_table_lock);
	WRITE_ONCE(*ptep, mk_pte(page));
	spin_unlock(&anon_vma->mm->page_table_lock);
}

/* mm/rmap.c try_to_unmap_one(TTU_MIGRATION), v2.6.34, at @ptep. */
static void try_to_unmap_one(struct page *page, struct mm_struct *mm,
			     pte_t *ptep)
{
	spinlock_t *ptl = &mm->page_table_lock;
	pte_t pte;

	spin_lock(ptl);
	pte = READ_ONCE(*ptep);
	if (pte_present(pte) && pte_pfn(pte) == page_to_pfn(page)) {
		WRITE_ONCE(*ptep, swp_entry_to_pte(make_migration_entry(page, 1)));
		atomic_dec(&page->_mapcount);	/* page_remove_rmap */
		put_page(page);	/* the pte's reference */
	}
	spin_unlock(ptl);
}

/*
 * The one vma of @anon_vma by rmap_walk_anon()/try_to_unmap_anon(),
 * v2.6.34: the pte where vma_address() says @page is, under the anon_vma
 * lock; NULL when the vma does not cover it now.
 */
static pte_t *anon_vma_pte(struct anon_vma *anon_vma, struct page *page)
{
	struct vm_area_struct *vma = anon_vma->vma;
	unsigned long address = vma_address(page, vma);

	if (address == (unsigned long)-EFAULT)
		return NULL;
	return pte_offset_map(vma->vm_mm, address);
}

int try_to_unmap(struct page *page)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	int i;

	if (!anon_vma)
		return !page_mapped(page);
	if (anon_vma->vma) {
		pte_t *ptep;

		spin_lock(&anon_vma->lock);
		/*
		 * a8bef8ff6ea1: during exec, a temporary VMA is setup and
		 * later moved.  The VMA is moved under the anon_vma lock but
		 * not the page tables leading to a race where migration
		 * cannot find the migration ptes.  Rather than increasing
		 * the locking requirements of exec(), migration skips
		 * temporary VMAs until after exec() completes.
		 */
		if (IS_ENABLED(CONFIG_FB_EXEC_STACK_SKIP_TEMPORARY) &&
		    is_vma_temporary_stack(anon_vma->vma))
			migration_temporary_stack_skipped++;
		else if ((ptep = anon_vma_pte(anon_vma, page)))
			try_to_unmap_one(page, anon_vma->mm, ptep);
		spin_unlock(&anon_vma->lock);
		return !page_mapped(page);
	}
	for (i = 0; i < anon_vma->nr_ptes; i++)
		try_to_unmap_one(page, anon_vma->mm, anon_vma->ptes[i]);
	return !page_mapped(page);
}

int remove_migration_pte(struct page *new, struct mm_struct *mm, pte_t *ptep,
			 struct page *old)
{
	spinlock_t *ptl = &mm->page_table_lock;
	swp_entry_t entry;
	pte_t pte;

	spin_lock(ptl);
	pte = READ_ONCE(*ptep);
	if (!is_swap_pte(pte))
		goto unlock;
	entry = pte_to_swp_entry(pte);
	if (!is_migration_entry(entry) ||
	    migration_entry_to_page(entry, true) != old)
		goto unlock;
	get_page(new);
	atomic_inc(&new->_mapcount);	/* page_add_anon_rmap */
	WRITE_ONCE(*ptep, mk_pte(new));
	spin_unlock(ptl);
	return 1;
unlock:
	spin_unlock(ptl);
	return 0;
}

int remove_migration_ptes(struct anon_vma *anon_vma, struct page *old,
			  struct page *new)
{
	int i, restored = 0;

	if (!anon_vma)
		return 0;
	if (anon_vma->vma) {
		/* rmap_walk_anon(new, remove_migration_pte, old), v2.6.34 */
		pte_t *ptep;

		spin_lock(&anon_vma->lock);
		ptep = anon_vma_pte(anon_vma, new);
		if (ptep)
			restored = remove_migration_pte(new, anon_vma->mm, ptep, old);
		spin_unlock(&anon_vma->lock);
		return restored;
	}
	for (i = 0; i < anon_vma->nr_ptes; i++)
		restored += remove_migration_pte(new, anon_vma->mm,
						 anon_vma->ptes[i], old);
	return restored;
}

/*
 * mm/migrate.c migrate_page_copy(), v2.6.34, less the copy of the contents
 * (the model's pages have none; a scenario copies its own): once the new
 * page has it, the old page loses its page cache or anon identity.
 */
void migrate_page_copy(struct page *newpage, struct page *page)
{
	if (PageUptodate(page))
		SetPageUptodate(newpage);
	if (PageDirty(page)) {
		ClearPageDirty(page);
		SetPageDirty(newpage);
	}
	ClearPageSwapCache(page);
	ClearPageActive(page);
	ClearPagePrivate(page);
	page->private = 0;
	WRITE_ONCE(page->mapping, NULL);
}

/*
 * mm/migrate.c unmap_and_move(), v2.6.34, from the trylock of the old page
 * (here lock_page(): "force"): unmap into migration entries, migrate_page()
 * (move_to_new_page() and migrate_page_copy()), remove the entries (to
 * the new page on success), unlock, and putback_lru_page() both pages,
 * which drops migration's references: a migrated old page is freed, and
 * so is a new page nothing mapped.  The model has no LRU to put back on.
 */
int unmap_and_move(struct page *newpage, struct page *page)
{
	struct anon_vma *anon_vma;
	int rc;

	rc = lock_page(page);
	if (rc)
		return rc;

	anon_vma = page_anon_vma(page);
	if (!trylock_page(newpage)) {
		rc = -EAGAIN;
		goto unlock;
	}
	try_to_unmap(page);
	rc = -EAGAIN;
	if (!page_mapped(page)) {
		rc = move_to_new_page(newpage, page);
		if (!rc)
			migrate_page_copy(newpage, page);
	}
	remove_migration_ptes(anon_vma, page, rc ? page : newpage);
	unlock_page(newpage);
unlock:
	unlock_page(page);
	if (rc != -EAGAIN)
		put_page(page);
	put_page(newpage);
	return rc;
}

/* Under the ptl: the page @ptep's migration entry names, or NULL. */
static struct page *pte_migration_page(pte_t *ptep, bool lock_required)
{
	pte_t pte = READ_ONCE(*ptep);
	swp_entry_t entry;

	if (!is_swap_pte(pte))
		return NULL;
	entry = pte_to_swp_entry(pte);
	if (!is_migration_entry(entry))
		return NULL;
	return migration_entry_to_page(entry, lock_required);
}

/*
 * The fault's reference: get_page_unless_zero(), as both releases take it
 * ("Once radix-tree replacement of page migration started, page_count
 * *must* be zero ... Even failed, page fault will occur again"), and the
 * model's record of which way it went.
 */
static bool migration_entry_get_page(struct page *page)
{
	if (!trace_fb_test("get_page_unless_zero",
			   get_page_unless_zero(page))) {
		migration_entry_wait_frozen++;
		return false;
	}
	migration_entry_wait_got++;
	return true;
}

/*
 * wait_on_page_locked(page); put_page(page); - the fault's wait before
 * 9a1ea439b16b.  A wait its deadline ended is a fault the kernel would
 * still have asleep with its reference: the reference stays taken (the
 * trial is a deadline miss), rather than put at an instant the kernel
 * never would, such as inside a migration's freeze.
 */
static int wait_then_put(struct page *page)
{
	int ret = wait_on_page_locked(page);

	if (!ret) {
		trace_fb_count("put_page", page_ref_count(page));
		put_page(page);
	}
	return ret;
}

/*
 * mm/migrate.c migration_entry_wait(), v2.6.34: a reference, then
 * wait_on_page_locked() holding it, then put_page().  With
 * migration_entry=cleanup, seed 003's patch: an entry whose page is
 * unlocked is dangling; under the page lock it becomes a pte of the page
 * the entry names - remove_migration_pte(page, ..., page), the old page -
 * and the pte is looked at again.
 */
int migration_entry_wait(struct mm_struct *mm, pte_t *ptep)
{
	bool lock_required = !IS_ENABLED(CONFIG_FB_MIGRATION_ENTRY_CLEANUP);
	spinlock_t *ptl = &mm->page_table_lock;
	struct page *page;
	int ret;

recheck:
	spin_lock(ptl);
	page = pte_migration_page(ptep, lock_required);
	if (!page || !migration_entry_get_page(page))
		goto out;

	/* If unlocked, this is a dangling migration pte that needs removal */
	if (!lock_required && !PageLocked(page)) {
		spin_unlock(ptl);
		ret = lock_page(page);
		if (!ret) {
			remove_migration_pte(page, mm, ptep, page);
			trace_fb_step("dangling entry removed");
			unlock_page(page);
			migration_dangling_removed++;
		}
		put_page(page);
		if (ret)
			return ret;
		goto recheck;
	}
	spin_unlock(ptl);
	return wait_then_put(page);
out:
	spin_unlock(ptl);
	return 0;
}

/*
 * mm/migrate.c __migration_entry_wait(), v5.0: put_and_wait_on_page_locked()
 * (9a1ea439b16b) drops the reference once the fault is queued for the
 * page lock.  With fault_wait=wait-locked, the code before that commit
 * (v4.20, as v2.6.34): wait_on_page_locked() holding the reference, then
 * put_page().
 */
int __migration_entry_wait(struct mm_struct *mm, pte_t *ptep)
{
	spinlock_t *ptl = &mm->page_table_lock;
	struct page *page;

	spin_lock(ptl);
	page = pte_migration_page(ptep, true);
	if (!page || !migration_entry_get_page(page)) {
		spin_unlock(ptl);
		return 0;
	}
	spin_unlock(ptl);
	if (!IS_ENABLED(CONFIG_FB_FAULT_WAIT_WAIT_LOCKED))
		return put_and_wait_on_page_locked(page);
	return wait_then_put(page);
}

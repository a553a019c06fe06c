// SPDX-License-Identifier: GPL-2.0
/*
 * Compaction's isolation scan, reduced to what seed 000 is about.
 * Models mm/compaction.c isolate_migratepages_block(), v5.7: free pages are
 * skipped, non-LRU movable pages go to isolate_movable_page(), LRU pages
 * meet the racy pinned-page check before the lru_lock, are rechecked under
 * it and isolated with a reference (__isolate_lru_page()).
 */
#include <errno.h>
#include <flagbench/compaction.h>
#include <flagbench/interrupt.h>
#include <flagbench/kconfig.h>
#include <flagbench/migrate.h>
#include <flagbench/trace.h>

/*
 * Not a string literal, nor in .rodata: there it would move the strings
 * that measured code loads, and so that code's bytes as
 * scripts/code-identity compares them.
 */
const char compaction_irq_point[]
	__attribute__((section(".data.rel.ro.fb_irq_point"))) =
	"irq_enter: PageLRU passed, racy check next";

bool compaction_racy_check_fails(struct page *page)
{
	/*
	 * Migration will fail if an anonymous page is pinned in memory,
	 * so avoid taking lru_lock and isolating it unnecessarily in an
	 * admittedly racy check.
	 */
	if (IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_OPEN_CODED)) {
		/*
		 * Seed 000's patch: page_mapcount() open-coded, and an extra
		 * reference allowed for file and swap cache pages.  A file page
		 * with buffers in page->private holds one more, and is turned
		 * away although it migrates well (Hugh Dickins's objection).
		 */
		return !PageCompound(page) &&
		       page_count(page) > atomic_read(&page->_mapcount) + 1 +
						  (!PageAnon(page) || PageSwapCache(page));
	}
	if (IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_NO_ASSERT))
		return !page_mapping(page) &&
		       page_count(page) > _page_mapcount(page);
	/* v5.7: page_mapcount() asserts !PageSlab, which the race breaks. */
	return !page_mapping(page) && page_count(page) > page_mapcount(page);
}

/*
 * Seed 000's patch, second hunk: "Recheck page extra references under
 * lock", after the PageLRU recheck.  The page cannot leave the LRU while
 * the lru_lock is held, so page_mapcount()'s VM_BUG_ON(PageSlab) cannot
 * fire here; Hugh Dickins called the recheck "rather superfluous".
 */
static bool compaction_locked_recheck_fails(struct page *page)
{
	if (!IS_ENABLED(CONFIG_FB_COMPACTION_CHECK_OPEN_CODED))
		return false;
	return page_count(page) > page_mapcount(page) +
					  (!PageAnon(page) || PageSwapCache(page));
}

unsigned long isolate_migratepages_block(struct compact_control *cc,
					 unsigned long low_pfn,
					 unsigned long end_pfn)
{
	for (; low_pfn < end_pfn; low_pfn++) {
		struct page *page = pfn_to_page(low_pfn);
		struct lruvec *lruvec;
		bool racy_fails;

		if (PageBuddy(page))
			continue;

		if (!trace_fb_test("PageLRU", PageLRU(page))) {
			/* Non-LRU movable pages (balloon, zsmalloc, ...). */
			if (unlikely(__PageMovable(page)) && !PageIsolated(page) &&
			    !isolate_movable_page(page, 0))
				cc->nr_movable++;
			continue;
		}

		/*
		 * The lru_lock is not held (this model takes it per page), so
		 * interrupts are on: one arriving now holds PageLRU's answer
		 * while its handler runs, and the page may leave the LRU, be
		 * freed and become a slab page meanwhile - seed 000's window
		 * (an interrupt point for the race engine, interrupt.h).
		 */
		fb_irq_point();

		/*
		 * The witness brackets the check: its reads (page_count,
		 * page_mapcount and the assertion's PageSlab) lie between.
		 */
		trace_fb_step("racy check");
		racy_fails = compaction_racy_check_fails(page);
		trace_fb_test("racy check: skip", racy_fails);
		if (trace_fb_test("PageSlab", PageSlab(page)))
			cc->nr_racy_slab++;
		if (racy_fails) {
			cc->nr_racy_skipped++;
			continue;
		}

		lruvec = page_lruvec(page);
		if (!lruvec)
			continue;
		spin_lock(&lruvec->lru_lock);
		/* Recheck PageLRU under lock; then take a reference, as
		 * __isolate_lru_page. */
		if (!PageLRU(page) || compaction_locked_recheck_fails(page) ||
		    !get_page_unless_zero(page)) {
			spin_unlock(&lruvec->lru_lock);
			continue;
		}
		/* What the isolation took: a slab page? (the model's count) */
		if (trace_fb_test("isolated: PageSlab", PageSlab(page)))
			cc->nr_isolated_slab++;
		ClearPageLRU(page);
		lruvec->nr_pages--;
		spin_unlock(&lruvec->lru_lock);
		cc->nr_migratepages++;
	}
	return low_pfn;
}

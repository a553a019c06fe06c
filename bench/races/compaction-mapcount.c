// SPDX-License-Identifier: GPL-2.0
/*
 * compaction-mapcount, seed 000 (Konstantin Khlebnikov, "mm/compaction:
 * avoid VM_BUG_ON(PageSlab()) in page_mapcount()", May 2020; Hugh Dickins's
 * reply).
 *
 *	A (kcompactd)				B (the page's life goes on)
 *	isolate_migratepages_block():
 *	  PageLRU(page) == true
 *						isolate_lru_page(page)
 *						page_remove_rmap, put_page x2: freed
 *						allocate_slab(): slab_cache,
 *						  then PageSlab
 *	  !page_mapping(page) &&
 *	  page_count(page) > page_mapcount(page)
 *	      VM_BUG_ON_PAGE(PageSlab(page))
 *
 * Page 0 is an anonymous page mapped once, on an LRU of its own.  The racy
 * check is the compaction_check knob's: page_mapcount() with its assertion
 * (v5.7), the open-coded test of the patch (with its recheck under the
 * lru_lock), or _page_mapcount() without the assertion (Hugh's
 * suggestion).  Two bad outcomes: the assertion's hit count, and what
 * Hugh's answer rests on - that a check which stops asserting is harmless
 * because a slab page it waves through is never isolated: A's own record
 * of having taken a reference on a page that was a slab page then.  The
 * first has no live site once the assertion is gone (the engine calls it
 * structural there); the second is live in every build.  "met-slab"
 * counts the trials whose racy check met the page as a slab page, in
 * every variant: the window both are stated over.
 *
 * Roles: A follows mm/compaction.c isolate_migratepages_block() of v5.7
 * (include/linux/mm.h page_mapcount() of v5.7 for the assertion); B follows
 * mm/vmscan.c isolate_lru_page(), mm/rmap.c page_remove_rmap() and
 * mm/swap.c put_page() of v5.7, then mm/slub.c allocate_slab() of v5.7,
 * which stores the kmem_cache in the mapping word before __SetPageSlab().
 *
 * The window.  A's side of it is a handful of loads of one cache line
 * (PageLRU, then page_mapping()'s, page_count()'s and page_mapcount()'s),
 * a few nanoseconds; B's is a lock, four atomics and a page's worth of
 * stores, a hundred or more.  A meets B's whole sequence inside it only
 * when something holds A there: in the kernel, an interrupt or
 * preemption (v5.7 may come to the check with the lru_lock still held
 * from the page before, interrupts off, but then B cannot take the page
 * off the LRU at all: whenever the race can happen, interrupts are on).
 * So A's path has an interrupt point right after PageLRU said yes
 * (core/compaction.c): the engine arms one interrupt per trial there,
 * its handler's time swept over [0, --irq] ns, in every variant alike.
 * It changes when A reads, never what: the bad outcomes are still read
 * from the state the roles left, serialised they still cannot show, and
 * `--irq off` measures the bare window.
 *
 * Page 1 is Hugh's objection made a number: a file page with buffers in
 * page->private, mapped once, on the LRU: a good migration candidate that
 * the open-coded test turns away (its private reference is one more than
 * the test allows).  Nobody races for it: A either isolates it or not.
 */
#include <string.h>
#include <flagbench/compaction.h>
#include <flagbench/migrate.h>
#include <flagbench/slab.h>
#include <flagbench/trace.h>
#include "race.h"

struct compaction_mapcount {
	struct lruvec lruvec;
	struct anon_vma anon_vma;
	struct address_space mapping;
	int b_isolate;		/* isolate_lru_page(): 0 or -EBUSY */
	unsigned long a_isolated;
	unsigned long a_met_slab;	/* cc.nr_racy_slab */
	unsigned long a_isolated_slab;	/* cc.nr_isolated_slab */
};

enum {
	CM_MAPCOUNT_ON_SLAB,
	CM_ISOLATED_SLAB,
	CM_MET_SLAB,
	CM_GOOD_REJECTED,
	CM_A_ISOLATED,
	CM_B_SLAB,
};

/* v5.7's struct page: a slab page's mapping word is its kmem_cache. */
static struct kmem_cache cm_cache = {
	.name = "kmalloc-64",
	.mapping_word = &cm_cache,
};

static void cm_compact(struct race_trial *t)
{
	struct compaction_mapcount *d = t->data;
	struct compact_control cc = { 0 };
	unsigned long pfn = page_to_pfn(&t->pages[0]);

	isolate_migratepages_block(&cc, pfn, pfn + 2);
	d->a_isolated = cc.nr_migratepages;
	d->a_met_slab = cc.nr_racy_slab;
	d->a_isolated_slab = cc.nr_isolated_slab;
}

static void cm_free_realloc(struct race_trial *t)
{
	struct compaction_mapcount *d = t->data;
	struct page *page = &t->pages[0];

	d->b_isolate = isolate_lru_page(page);
	trace_fb_test("isolate_lru_page", !d->b_isolate);
	if (d->b_isolate)
		return;	/* compaction took it first */
	atomic_dec(&page->_mapcount);	/* page_remove_rmap(): munmap */
	put_page(page);			/* isolate_lru_page's */
	put_page(page);			/* the mapping's: freed */
	trace_fb_count("put_page: freed", page_ref_count(page));
	allocate_slab_v5_7(&cm_cache, page);
}

static void cm_reset(struct race_trial *t)
{
	struct compaction_mapcount *d = t->data;
	struct page *anon = &t->pages[0], *file = &t->pages[1];

	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->lruvec.lru_lock);
	spin_lock_init(&d->mapping.i_pages_lock);
	d->mapping.name = "ext4";

	init_free_page(anon);
	prep_new_page(anon);	/* the pte's reference */
	SetPageSwapBacked(anon);
	WRITE_ONCE(anon->mapping, (struct address_space *)
		   ((unsigned long)&d->anon_vma | PAGE_MAPPING_ANON));
	atomic_set(&anon->_mapcount, 0);	/* mapped once */
	lru_cache_add(&d->lruvec, anon);

	init_free_page(file);
	prep_new_page(file);	/* the page cache's reference */
	file->mapping = &d->mapping;
	file->index = 1;
	SetPageUptodate(file);
	attach_page_private(file, 0xb0ff);	/* buffer heads */
	get_page(file);				/* mapped once */
	atomic_set(&file->_mapcount, 0);
	lru_cache_add(&d->lruvec, file);
}

static unsigned int cm_check(struct race_trial *t)
{
	struct compaction_mapcount *d = t->data;
	unsigned int seen = 0;

	if (d->a_met_slab)
		seen |= RACE_CLASS(CM_MET_SLAB);
	if (d->a_isolated_slab)
		seen |= RACE_CLASS(CM_ISOLATED_SLAB);
	if (!d->b_isolate && PageSlab(&t->pages[0]))
		seen |= RACE_CLASS(CM_B_SLAB);
	else
		seen |= RACE_CLASS(CM_A_ISOLATED);
	/* Still on the LRU: the racy check turned it away. */
	if (PageLRU(&t->pages[1]))
		seen |= RACE_CLASS(CM_GOOD_REJECTED);
	return seen;
}

static const struct race_outcome cm_outcomes[] = {
	[CM_MAPCOUNT_ON_SLAB] = { .name = "mapcount-on-slab", .bad = true,
		.assert_func = "page_mapcount", .assert_cond = "PageSlab(page)",
		.help = "page_mapcount() asked about a slab page: VM_BUG_ON_PAGE(PageSlab(page)) hits" },
	[CM_ISOLATED_SLAB] = { .name = "isolated-slab", .bad = true,
		.help = "compaction took a reference on a slab page and isolated it: what a racy check that stops asserting must never lead to (Hugh Dickins: it only needs to be right most of the time)" },
	[CM_MET_SLAB] = { .name = "met-slab", .racy = true,
		.help = "the racy check ran on a page that PageLRU had passed and that was a slab page by the check's end: the window, in every variant, whether or not page_mapcount asserts" },
	[CM_GOOD_REJECTED] = { .name = "good-rejected",
		.help = "a file page with private data, a good candidate, turned away by the racy check" },
	[CM_A_ISOLATED] = { .name = "a-isolated",
		.help = "compaction isolated the anonymous page before B could" },
	[CM_B_SLAB] = { .name = "b-slab",
		.help = "B freed the page and it became a slab page" },
};

static const struct race_scenario compaction_mapcount = {
	.name = "compaction-mapcount",
	.seed = "000",
	.description = "isolate_migratepages_block's racy check outside the lru_lock meets a page freed and reallocated as slab: VM_BUG_ON(PageSlab) in page_mapcount, or the slab page isolated; and file pages with buffers the open-coded check rejects",
	.roles = { { "isolate_migratepages_block", cm_compact },
		   { "isolate_lru_page+put_page+allocate_slab", cm_free_realloc } },
	.nr_roles = 2,
	.trial_size = sizeof(struct compaction_mapcount),
	.pages_per_trial = 2,
	.reset = cm_reset,
	.check = cm_check,
	RACE_OUTCOMES(cm_outcomes),
	/* The window is a few loads: an interrupt there is how it opens. */
	.irq_point = compaction_irq_point,
	.irq_role = 0,
	/* v5.7: page_mapcount()'s VM_BUG_ON meets the slab page everywhere. */
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_REPRODUCE),
};
DEFINE_RACE_SCENARIO(compaction_mapcount);

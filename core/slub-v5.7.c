// SPDX-License-Identifier: GPL-2.0
/*
 * A slab page as v5.7's SLUB makes one, for seed 000 (compaction-mapcount),
 * whose kernel is v5.7.  core/slub.c models v6.1, where alloc_slab_page()
 * sets the flag before the slab's word at page->mapping is stored; v5.7 had
 * them the other way round.
 */
#include <flagbench/slab.h>
#include <flagbench/trace.h>

/*
 * Models mm/slub.c allocate_slab(), v5.7, up to the freelist: the page
 * from alloc_slab_page() (alloc_pages()), then "page->objects =
 * oo_objects(oo); page->slab_cache = s; __SetPageSlab(page);".  Between
 * the two stores the page's mapping word is a kmem_cache pointer but
 * PageSlab is still false, so page_mapping() returns that pointer and the
 * racy check of isolate_migratepages_block() stops before page_mapcount().
 * The freelist loop that follows (not modelled) writes only the objects
 * and the freelist word, which nothing in that check reads.
 */
struct page *allocate_slab_v5_7(struct kmem_cache *s, struct page *page)
{
	prep_new_page(page);
	page->objects = s->objects;
	WRITE_ONCE(page->slab_cache, s);
	trace_fb_step("page->slab_cache = s");
	__SetPageSlab(page);
	trace_fb_read("__SetPageSlab", READ_ONCE(page->flags));
	page->inuse = page->objects;
	page->frozen = 1;
	return page;
}

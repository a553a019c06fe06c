// SPDX-License-Identifier: GPL-2.0
/*
 * mem_map and the order-0 allocator's per-page work.
 * Models mm/page_alloc.c, v6.1: post_alloc_hook/prep_new_page and
 * free_pages_prepare's checks; free lists are not modelled.
 */
#include <flagbench/mm.h>

struct page *mem_map;
unsigned long max_mapnr;
struct address_space swapper_space = { .name = "swapper" };

void set_mem_map(struct page *map, unsigned long nr)
{
	mem_map = map;
	max_mapnr = nr;
}

/* Every flag the model names: a free page has none of them. */
#define PAGE_FLAGS_CHECK_AT_PREP (~0UL)

void init_free_page(struct page *page)
{
	page->flags = 0;
	page->mapping = NULL;
	page->index = 0;
	page->private = 0;
	page->memcg_data = 0;
	page->lru.next = page->lru.prev = NULL;
	set_page_count(page, 0);
	page->page_type = ~0u;	/* _mapcount == -1 */
	__SetPageBuddy(page);
}

void post_alloc_hook(struct page *page)
{
	__ClearPageBuddy(page);
	page->private = 0;
}

void set_page_refcounted(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page), page);
	set_page_count(page, 1);
}

void prep_new_page(struct page *page)
{
	post_alloc_hook(page);
	set_page_refcounted(page);
}

/* What free_page_is_bad() complains about, as one condition. */
static bool page_bad_at_free(struct page *page)
{
	return atomic_read(&page->_mapcount) != -1 || page->mapping != NULL ||
	       page_ref_count(page) != 0 ||
	       (page->flags & (1UL << PG_locked | 1UL << PG_slab |
			       1UL << PG_lru | 1UL << PG_writeback));
}

void free_unref_page(struct page *page)
{
	/* Anon and movable pages keep their mapping word until here (v5.0). */
	if ((unsigned long)page->mapping & PAGE_MAPPING_FLAGS)
		page->mapping = NULL;
	VM_BUG_ON_PAGE(page_bad_at_free(page), page);
	/* Refcount zero: nobody else may look, so plain stores are fine. */
	page->flags &= ~PAGE_FLAGS_CHECK_AT_PREP;
	page->mapping = NULL;
	page->memcg_data = 0;
	page->page_type = ~0u;
	__SetPageBuddy(page);
}

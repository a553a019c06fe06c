/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference helpers, mapcount, mem_map and the order-0 page allocator.
 * Models include/linux/mm.h (v5.0 get/put, v5.7 page_mapcount),
 * mm/util.c page_mapping() (v5.7) and mm/page_alloc.c (v6.1, order 0).
 */
#ifndef FLAGBENCH_MM_H
#define FLAGBENCH_MM_H

#include <flagbench/page-flags.h>
#include <flagbench/page_ref.h>

/*
 * mem_map: the model's physical memory, one array of pages so that pfns,
 * migration entries and pfn_to_page() work as in the kernel.  The harness
 * allocates it (aligned, on the right NUMA node) and hands it over.
 */
extern struct page *mem_map;
extern unsigned long max_mapnr;

void set_mem_map(struct page *map, unsigned long nr);

static __always_inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + pfn;
}

static __always_inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static __always_inline int page_count(const struct page *page)
{
	return page_ref_count(page);
}

/* include/linux/mm.h v5.0: refcount must not be zero (or about to wrap). */
static __always_inline bool page_ref_zero_or_close_to_overflow(struct page *page)
{
	return ((unsigned int)page_ref_count(page) + 127u) <= 127u;
}

static __always_inline void get_page(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_zero_or_close_to_overflow(page), page);
	page_ref_inc(page);
}

static __always_inline void folio_get(struct folio *folio)
{
	get_page(&folio->page);
}

/* A speculative reference: fails on a free or frozen page. */
static __always_inline bool get_page_unless_zero(struct page *page)
{
	return page_ref_add_unless(page, 1, 0);
}

static __always_inline bool folio_try_get(struct folio *folio)
{
	return folio_ref_add_unless(folio, 1, 0);
}

/* The VM_BUG_ON that seed 002's oops shows, at mm.h:546 in v5.0. */
static __always_inline int put_page_testzero(struct page *page)
{
	VM_BUG_ON_PAGE(page_ref_count(page) == 0, page);
	return page_ref_dec_and_test(page);
}

void __put_page(struct page *page);

static __always_inline void put_page(struct page *page)
{
	if (put_page_testzero(page))
		__put_page(page);
}

static __always_inline void folio_put(struct folio *folio)
{
	put_page(&folio->page);
}

/* _mapcount starts at -1: the number of ptes mapping the page, minus one. */
static __always_inline void page_mapcount_reset(struct page *page)
{
	atomic_set(&page->_mapcount, -1);
}

/* page_mapcount() without the slab assertion (Hugh Dickins's suggestion). */
static __always_inline int _page_mapcount(struct page *page)
{
	return atomic_read(&page->_mapcount) + 1;
}

/*
 * v5.7: mapcount of a page that can be mapped to userspace.  The assertion
 * documents that slab pages are never asked; the racy compaction check of
 * seed 000 asks anyway.
 */
static __always_inline int page_mapcount(struct page *page)
{
	VM_BUG_ON_PAGE(PageSlab(page), page);
	return _page_mapcount(page);
}

static __always_inline bool page_mapped(struct page *page)
{
	return atomic_read(&page->_mapcount) >= 0;
}

/* mm/util.c v5.7; swap cache pages answer with the swap address space. */
extern struct address_space swapper_space;

static __always_inline struct address_space *page_mapping(struct page *page)
{
	unsigned long mapping;

	/* This happens if someone calls flush_dcache_page on slab page */
	if (unlikely(PageSlab(page)))
		return NULL;
	if (unlikely(PageSwapCache(page)))
		return &swapper_space;
	mapping = (unsigned long)READ_ONCE(page->mapping);
	if (mapping & PAGE_MAPPING_ANON)
		return NULL;
	return (struct address_space *)(mapping & ~PAGE_MAPPING_FLAGS);
}

static __always_inline bool page_has_private(const struct page *page)
{
	return PagePrivate(page);
}

/*
 * Order-0 allocation and freeing of a given page (the model has no free
 * lists: a scenario owns its pages and says which one is allocated).
 * prep_new_page() takes a PageBuddy page to one reference; free_unref_page()
 * checks and resets it the way free_pages_prepare() does, counting a bad
 * page instead of printing one.
 */
void prep_new_page(struct page *page);
/* prep_new_page() is these two; a frozen allocation skips the second. */
void post_alloc_hook(struct page *page);
void set_page_refcounted(struct page *page);
void free_unref_page(struct page *page);
/* Put a page of mem_map in the free state (buddy, refcount 0). */
void init_free_page(struct page *page);

#endif /* FLAGBENCH_MM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page and folio reference counts.
 * Models include/linux/page_ref.h, v6.1 (page_ref_freeze/unfreeze as in v5.0).
 */
#ifndef FLAGBENCH_PAGE_REF_H
#define FLAGBENCH_PAGE_REF_H

#include <flagbench/atomic.h>
#include <flagbench/mm_types.h>
#include <flagbench/mmdebug.h>

static __always_inline int page_ref_count(const struct page *page)
{
	return atomic_read((atomic_t *)&page->_refcount);
}

static __always_inline int folio_ref_count(const struct folio *folio)
{
	return page_ref_count(&folio->page);
}

static __always_inline void set_page_count(struct page *page, int v)
{
	atomic_set(&page->_refcount, v);
}

/* A new page starts with one reference, its allocator's. */
static __always_inline void init_page_count(struct page *page)
{
	set_page_count(page, 1);
}

static __always_inline void page_ref_add(struct page *page, int nr)
{
	atomic_add(nr, &page->_refcount);
}

static __always_inline void page_ref_sub(struct page *page, int nr)
{
	atomic_sub(nr, &page->_refcount);
}

static __always_inline void page_ref_inc(struct page *page)
{
	atomic_inc(&page->_refcount);
}

static __always_inline void page_ref_dec(struct page *page)
{
	atomic_dec(&page->_refcount);
}

static __always_inline int page_ref_sub_and_test(struct page *page, int nr)
{
	return atomic_sub_and_test(nr, &page->_refcount);
}

static __always_inline int page_ref_inc_return(struct page *page)
{
	return atomic_inc_return(&page->_refcount);
}

static __always_inline int page_ref_dec_and_test(struct page *page)
{
	return atomic_dec_and_test(&page->_refcount);
}

static __always_inline int page_ref_dec_return(struct page *page)
{
	return atomic_dec_return(&page->_refcount);
}

/* Fully ordered on success: what a speculative reference relies on. */
static __always_inline bool page_ref_add_unless(struct page *page, int nr, int u)
{
	return atomic_add_unless(&page->_refcount, nr, u);
}

static __always_inline bool folio_ref_add_unless(struct folio *folio, int nr,
						 int u)
{
	return page_ref_add_unless(&folio->page, nr, u);
}

/*
 * Succeeds only if the count is exactly @count, and leaves it at zero so
 * that get_page_unless_zero()/folio_try_get() fail until the unfreeze.
 */
static __always_inline int page_ref_freeze(struct page *page, int count)
{
	return likely(atomic_cmpxchg(&page->_refcount, count, 0) == count);
}

static __always_inline int folio_ref_freeze(struct folio *folio, int count)
{
	return page_ref_freeze(&folio->page, count);
}

static __always_inline void page_ref_unfreeze(struct page *page, int count)
{
	VM_BUG_ON_PAGE(page_ref_count(page) != 0, page);
	VM_BUG_ON(count == 0);
	atomic_set_release(&page->_refcount, count);
}

static __always_inline void folio_ref_unfreeze(struct folio *folio, int count)
{
	page_ref_unfreeze(&folio->page, count);
}

#endif /* FLAGBENCH_PAGE_REF_H */

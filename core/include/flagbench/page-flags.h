/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page*, SetPage*, ClearPage*, __SetPage*, __ClearPage* and the folio forms.
 * Models include/linux/page-flags.h, v6.1 (PAGEFLAG, __PAGEFLAG,
 * TESTSCFLAG...), with the bit numbers of the release the build selects.
 *
 * Every flag gets both the atomic and the non-atomic family here: which one
 * a modelled path calls is the variant's choice, as it was the patch's.
 */
#ifndef FLAGBENCH_PAGE_FLAGS_H
#define FLAGBENCH_PAGE_FLAGS_H

#include <flagbench/atomic.h>
#include <flagbench/bitops.h>
#include <flagbench/mm_types.h>
#include <flagbench/mmdebug.h>
#include <flagbench/page-flags-layout.h>

/*
 * The low bits of page->mapping, include/linux/page-flags.h v6.1.
 * Bit 1 set and bit 0 clear says "movable, mapping points at the
 * movable_operations"; a slab word with bit 1 set looks exactly like that
 * (seed 004).
 */
#define PAGE_MAPPING_ANON 0x1
#define PAGE_MAPPING_MOVABLE 0x2
#define PAGE_MAPPING_KSM (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)
#define PAGE_MAPPING_FLAGS (PAGE_MAPPING_ANON | PAGE_MAPPING_MOVABLE)

#define FB_PAGE_TEST(lname, uname)                                             \
	static __always_inline bool Page##uname(const struct page *page)       \
	{                                                                      \
		return test_bit(PG_##lname, &page->flags);                     \
	}                                                                      \
	static __always_inline bool folio_test_##lname(const struct folio *f)  \
	{                                                                      \
		return test_bit(PG_##lname, &f->page.flags);                   \
	}

#define FB_PAGE_ATOMIC(lname, uname)                                           \
	static __always_inline void SetPage##uname(struct page *page)          \
	{                                                                      \
		set_bit(PG_##lname, &page->flags);                             \
	}                                                                      \
	static __always_inline void ClearPage##uname(struct page *page)        \
	{                                                                      \
		clear_bit(PG_##lname, &page->flags);                           \
	}                                                                      \
	static __always_inline bool TestSetPage##uname(struct page *page)      \
	{                                                                      \
		return test_and_set_bit(PG_##lname, &page->flags);             \
	}                                                                      \
	static __always_inline bool TestClearPage##uname(struct page *page)    \
	{                                                                      \
		return test_and_clear_bit(PG_##lname, &page->flags);           \
	}                                                                      \
	static __always_inline void folio_set_##lname(struct folio *f)         \
	{                                                                      \
		set_bit(PG_##lname, &f->page.flags);                           \
	}                                                                      \
	static __always_inline void folio_clear_##lname(struct folio *f)       \
	{                                                                      \
		clear_bit(PG_##lname, &f->page.flags);                         \
	}

/*
 * The non-atomic forms are only safe while nobody else can see the page:
 * the pgflags_assert knob adds Matthew Wilcox's check from seed 001 that
 * the refcount is zero, counted rather than fatal.
 */
#define FB_PAGE_NONATOMIC(lname, uname)                                        \
	static __always_inline void __SetPage##uname(struct page *page)        \
	{                                                                      \
		VM_BUG_ON_PGFLAGS(atomic_read(&page->_refcount), page);        \
		__set_bit(PG_##lname, &page->flags);                           \
	}                                                                      \
	static __always_inline void __ClearPage##uname(struct page *page)      \
	{                                                                      \
		VM_BUG_ON_PGFLAGS(atomic_read(&page->_refcount), page);        \
		__clear_bit(PG_##lname, &page->flags);                         \
	}                                                                      \
	static __always_inline void __folio_set_##lname(struct folio *f)       \
	{                                                                      \
		VM_BUG_ON_PGFLAGS(atomic_read(&f->page._refcount), &f->page);  \
		__set_bit(PG_##lname, &f->page.flags);                         \
	}                                                                      \
	static __always_inline void __folio_clear_##lname(struct folio *f)     \
	{                                                                      \
		VM_BUG_ON_PGFLAGS(atomic_read(&f->page._refcount), &f->page);  \
		__clear_bit(PG_##lname, &f->page.flags);                       \
	}

#define FB_PAGEFLAG(lname, uname)                                              \
	FB_PAGE_TEST(lname, uname)                                             \
	FB_PAGE_ATOMIC(lname, uname)                                           \
	FB_PAGE_NONATOMIC(lname, uname)

FB_PAGEFLAG(locked, Locked)
FB_PAGEFLAG(error, Error)
FB_PAGEFLAG(referenced, Referenced)
FB_PAGEFLAG(uptodate, Uptodate)
FB_PAGEFLAG(dirty, Dirty)
FB_PAGEFLAG(lru, LRU)
FB_PAGEFLAG(active, Active)
FB_PAGEFLAG(slab, Slab)
FB_PAGEFLAG(owner_priv_1, OwnerPriv1)
FB_PAGEFLAG(reserved, Reserved)
FB_PAGEFLAG(private, Private)
FB_PAGEFLAG(writeback, Writeback)
FB_PAGEFLAG(head, Head)
FB_PAGEFLAG(mappedtodisk, MappedToDisk)
FB_PAGEFLAG(reclaim, Reclaim)
FB_PAGEFLAG(swapbacked, SwapBacked)
FB_PAGEFLAG(unevictable, Unevictable)
FB_PAGEFLAG(mlocked, Mlocked)

/*
 * Flags a release may lack (PG_waiters, PG_isolated and PG_workingset are
 * absent from 2.6.34).  There the tests read false and the updates do
 * nothing; the paths that depend on them check FB_HAVE_PG_*() and take the
 * release's own way instead (2.6.34 wakes page waiters unconditionally).
 */
#define FB_HAVE_PG_WAITERS() (PG_waiters >= 0)
#define FB_HAVE_PG_ISOLATED() (PG_isolated >= 0)

/*
 * One update of an optional flag, by @op: nothing where the release lacks
 * the flag.  The non-atomic ones take the pgflags_assert check as above.
 */
#define FB_PAGE_OPTIONAL_UPDATE(fn, op, lname, check)                          \
	static __always_inline void fn(struct page *page)                      \
	{                                                                      \
		check;                                                         \
		if (PG_##lname >= 0)                                           \
			op(PG_##lname, &page->flags);                          \
	}

#define FB_PAGEFLAG_OPTIONAL(lname, uname)                                     \
	static __always_inline bool Page##uname(const struct page *page)       \
	{                                                                      \
		return PG_##lname >= 0 && test_bit(PG_##lname, &page->flags);  \
	}                                                                      \
	FB_PAGE_OPTIONAL_UPDATE(SetPage##uname, set_bit, lname, )              \
	FB_PAGE_OPTIONAL_UPDATE(ClearPage##uname, clear_bit, lname, )          \
	FB_PAGE_OPTIONAL_UPDATE(__SetPage##uname, __set_bit, lname,            \
		VM_BUG_ON_PGFLAGS(atomic_read(&page->_refcount), page))        \
	FB_PAGE_OPTIONAL_UPDATE(__ClearPage##uname, __clear_bit, lname,        \
		VM_BUG_ON_PGFLAGS(atomic_read(&page->_refcount), page))

FB_PAGEFLAG_OPTIONAL(waiters, Waiters)
FB_PAGEFLAG_OPTIONAL(isolated, Isolated)
FB_PAGEFLAG_OPTIONAL(workingset, Workingset)

/* PG_swapcache is owner_priv_1 on swap-backed pages (v6.1). */
static __always_inline bool PageSwapCache(const struct page *page)
{
	return PageSwapBacked(page) && test_bit(PG_swapcache, &page->flags);
}

static __always_inline void SetPageSwapCache(struct page *page)
{
	set_bit(PG_swapcache, &page->flags);
}

static __always_inline void ClearPageSwapCache(struct page *page)
{
	clear_bit(PG_swapcache, &page->flags);
}

/* The model has order-0 pages only; a head page is the one compound form. */
static __always_inline bool PageCompound(const struct page *page)
{
	return PageHead(page);
}

static __always_inline bool PageAnon(const struct page *page)
{
	return ((unsigned long)READ_ONCE(page->mapping) & PAGE_MAPPING_ANON) != 0;
}

static __always_inline bool __PageMovable(const struct page *page)
{
	return ((unsigned long)READ_ONCE(page->mapping) & PAGE_MAPPING_FLAGS) ==
	       PAGE_MAPPING_MOVABLE;
}

static __always_inline bool __folio_test_movable(const struct folio *folio)
{
	return __PageMovable(&folio->page);
}

/*
 * page_type lives in _mapcount's word and is "set" by clearing a bit
 * (include/linux/page-flags.h PAGE_TYPE_OPS, v6.1); free pages are PageBuddy.
 */
#define PAGE_TYPE_BASE 0xf0000000u
#define PG_buddy 0x00000080u
#define PageType(page, flag)                                                   \
	((READ_ONCE((page)->page_type) & (PAGE_TYPE_BASE | (flag))) == PAGE_TYPE_BASE)

static __always_inline bool PageBuddy(const struct page *page)
{
	return PageType(page, PG_buddy);
}

static __always_inline void __SetPageBuddy(struct page *page)
{
	VM_BUG_ON_PAGE(!PageType(page, 0), page);
	page->page_type &= ~PG_buddy;
}

static __always_inline void __ClearPageBuddy(struct page *page)
{
	VM_BUG_ON_PAGE(!PageBuddy(page), page);
	page->page_type |= PG_buddy;
}

#endif /* FLAGBENCH_PAGE_FLAGS_H */

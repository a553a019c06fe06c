// SPDX-License-Identifier: GPL-2.0
/*
 * The Page* families the variants change, uncontended.  The non-atomic
 * forms run on a page with a zero refcount, where the refcount-assert
 * variant's VM_BUG_ON_PGFLAGS holds: what is measured is the check, not a
 * counted hit.  paths/migrate_* measure them where migration calls them.
 */
#include <flagbench/mm.h>
#include "../throughput.h"

#define BM_PAGE(_op, _refs, _help)                                             \
	static void bm_##_op(struct gbench_state *st, long arg)                \
	{                                                                      \
		struct page *page = fb_bench_page(st);                         \
                                                                               \
		set_page_count(page, _refs);                                   \
		fb_bench_loop(st)                                              \
			_op(page);                                             \
	}                                                                      \
	DEFINE_FB_BENCHMARK("page/" #_op, bm_##_op, 0, 0, _help)

BM_PAGE(SetPageIsolated, 1, "atomic set of PG_isolated");
BM_PAGE(ClearPageIsolated, 1, "atomic clear of PG_isolated (seed 001's fix)");
BM_PAGE(__SetPageIsolated, 0, "non-atomic set of PG_isolated");
BM_PAGE(__ClearPageIsolated, 0, "non-atomic clear of PG_isolated (seed 001)");
BM_PAGE(SetPageWaiters, 1, "atomic set of PG_waiters (the waiter's side)");

static void bm_PageIsolated(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st)
		gbench_do_not_optimize(PageIsolated(page));
}
DEFINE_FB_BENCHMARK("page/PageIsolated", bm_PageIsolated, 0, 0,
		    "test of PG_isolated");

static void bm_folio_slab(struct gbench_state *st, long arg)
{
	struct folio *folio = page_folio(fb_bench_page(st));

	set_page_count(&folio->page, 0);
	fb_bench_loop(st) {
		__folio_set_slab(folio);
		__folio_clear_slab(folio);
	}
}
DEFINE_FB_BENCHMARK("page/__folio_set_slab+__folio_clear_slab", bm_folio_slab,
		    0, 0, "the slab flag alone, without barriers or mapping word");

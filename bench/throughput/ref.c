// SPDX-License-Identifier: GPL-2.0
/* Reference counts: get/put, speculative gets, freeze/unfreeze; uncontended. */
#include <flagbench/mm.h>
#include "../throughput.h"

static void bm_get_put(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		get_page(page);
		put_page(page);
	}
}
DEFINE_FB_BENCHMARK("ref/get_page+put_page", bm_get_put, 0, 0,
		    "reference round trip on a page with one reference");

static void bm_get_unless_zero(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		gbench_do_not_optimize(get_page_unless_zero(page));
		put_page(page);
	}
}
DEFINE_FB_BENCHMARK("ref/get_page_unless_zero+put_page", bm_get_unless_zero,
		    0, 0, "speculative reference round trip (succeeds)");

static void bm_folio_try_get(struct gbench_state *st, long arg)
{
	struct folio *folio = page_folio(fb_bench_page(st));

	fb_bench_loop(st) {
		gbench_do_not_optimize(folio_try_get(folio));
		folio_put(folio);
	}
}
DEFINE_FB_BENCHMARK("ref/folio_try_get+folio_put", bm_folio_try_get, 0, 0,
		    "folio speculative reference round trip (succeeds)");

static void bm_folio_try_get_frozen(struct gbench_state *st, long arg)
{
	struct folio *folio = page_folio(fb_bench_page(st));

	set_page_count(&folio->page, 0);
	fb_bench_loop(st)
		gbench_do_not_optimize(folio_try_get(folio));
}
DEFINE_FB_BENCHMARK("ref/folio_try_get/frozen", bm_folio_try_get_frozen, 0, 0,
		    "folio_try_get failing on a zero (frozen) refcount");

static void bm_freeze(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		gbench_do_not_optimize(page_ref_freeze(page, 1));
		page_ref_unfreeze(page, 1);
	}
}
DEFINE_FB_BENCHMARK("ref/page_ref_freeze+page_ref_unfreeze", bm_freeze, 0, 0,
		    "migration's freeze of the expected count and its release");

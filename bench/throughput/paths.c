// SPDX-License-Identifier: GPL-2.0
/*
 * The seed paths as this variant builds them.  Same names in every build:
 * comparing one name between two builds is the cost of that fix.
 */
#include <errno.h>
#include <flagbench/compaction.h>
#include <flagbench/kconfig.h>
#include <flagbench/migrate.h>
#include <flagbench/slab.h>
#include "../throughput.h"

/* A kmem_cache whose slabs leave a plain pointer in the mapping word. */
static struct kmem_cache bench_cache __aligned(8);

/* Seed 000: isolate_migratepages_block's racy check on a mapped anon page. */
static void bm_compaction_racy_check(struct gbench_state *st, long arg)
{
	static struct anon_vma_stub {
		long pad;
	} anon __aligned(8);
	struct page *page = fb_bench_page(st);

	SetPageLRU(page);
	WRITE_ONCE(page->mapping, (struct address_space *)
		   ((unsigned long)&anon | PAGE_MAPPING_ANON));
	atomic_set(&page->_mapcount, 0);
	fb_bench_loop(st)
		gbench_do_not_optimize(compaction_racy_check_fails(page));
}
DEFINE_FB_BENCHMARK("paths/compaction_racy_check", bm_compaction_racy_check, 0,
		    0, "the compaction_check knob's racy pinned-page check, "
		    "mapped anon page");

/* Seeds 001/004: isolate a movable page and put it back. */
static void bm_isolate_putback(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);
	int bad = 0;

	__SetPageMovable(page, &balloon_mops);
	set_wait_timeout_ns(TASK_DEFAULT_WAIT_NS);
	fb_bench_loop(st) {
		bad |= isolate_movable_page(page, 0);
		/* Drops the reference isolation took. */
		bad |= putback_movable_pages_one(page) ? 1 : 0;
	}
	clear_wait_deadline();
	if (bad)
		gbench_skip_with_error(st, "isolate_movable_page or putback failed");
}
DEFINE_FB_BENCHMARK("paths/isolate_movable_page+putback", bm_isolate_putback,
		    0, 0, "isolate_movable_page (the movable_check knob's checks, "
		    "isolated_bitops' set) and putback_movable_pages");

/* Seed 004: the checks turning a slab page away, in the variant's order. */
static void bm_isolate_slab(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);
	int ok = 0;

	bench_cache.name = "flagbench";
	bench_cache.mapping_word = &bench_cache;
	init_free_page(page);
	alloc_slab_page(&bench_cache, page);
	fb_bench_loop(st)
		ok |= isolate_movable_page(page, 0) == 0;
	__free_slab(&bench_cache, page);
	prep_new_page(page);
	if (ok)
		gbench_skip_with_error(st, "a slab page was isolated");
}
DEFINE_FB_BENCHMARK("paths/isolate_movable_page/slab", bm_isolate_slab, 0, 0,
		    "isolate_movable_page refusing a slab page: refcount, "
		    "PageSlab and __PageMovable checks as the variant orders them");

/* Seed 004: a slab page's life, with or without the barriers. */
static void bm_slab_alloc_free(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	bench_cache.name = "flagbench";
	bench_cache.mapping_word = &bench_cache;
	init_free_page(page);
	fb_bench_loop(st) {
		alloc_slab_page(&bench_cache, page);
		__free_slab(&bench_cache, page);
	}
	prep_new_page(page);
}
DEFINE_FB_BENCHMARK("paths/alloc_slab_page+__free_slab", bm_slab_alloc_free, 0,
		    0, "__folio_set_slab and the mapping word, and back, with the "
		    "slab_barriers and slab_refcount knobs' choices");

/*
 * Seed 001: the isolated_bitops knob's PG_isolated updates, on a page as
 * migration holds it (locked, one reference): the refcount-assert variant
 * counts its VM_BUG_ON_PGFLAGS here, as it would fire there.  The model's
 * migration clears PG_isolated this way (v5.17's putback paths); its
 * isolate_movable_page() sets it as v6.1 does, with SetPageIsolated().
 */
static __always_inline void migrate_clear_isolated(struct page *page)
{
	if (IS_ENABLED(CONFIG_FB_ISOLATED_BITOPS_ATOMIC))
		ClearPageIsolated(page);
	else
		__ClearPageIsolated(page);
}

static __always_inline void migrate_set_isolated(struct page *page)
{
	if (IS_ENABLED(CONFIG_FB_ISOLATED_BITOPS_ATOMIC))
		SetPageIsolated(page);
	else
		__SetPageIsolated(page);
}

/*
 * The isolated_bitops knob's @op on PG_isolated, alone in the loop: one
 * body for the set and the clear, so that the two differ in @op only.
 */
#define DEFINE_MIGRATE_ISOLATED_BENCHMARK(op, help)                            \
	static void bm_##op(struct gbench_state *st, long arg)                 \
	{                                                                      \
		struct page *page = fb_bench_page(st);                         \
									       \
		__SetPageLocked(page);                                         \
		fb_bench_loop(st)                                              \
			op(page);                                              \
		__ClearPageLocked(page);                                       \
	}                                                                      \
	DEFINE_FB_BENCHMARK("paths/" #op, bm_##op, 0, 0, help)

DEFINE_MIGRATE_ISOLATED_BENCHMARK(migrate_clear_isolated,
				  "the isolated_bitops knob's clear of PG_isolated");
DEFINE_MIGRATE_ISOLATED_BENCHMARK(migrate_set_isolated,
				  "the isolated_bitops knob's set of PG_isolated");

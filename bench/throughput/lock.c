// SPDX-License-Identifier: GPL-2.0
/* The page lock round trip, uncontended (no waiters: no wake-up). */
#include <flagbench/pagemap.h>
#include "../throughput.h"

static void bm_trylock(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		gbench_do_not_optimize(trylock_page(page));
		unlock_page(page);
	}
}
DEFINE_FB_BENCHMARK("lock/trylock_page+unlock_page", bm_trylock, 0, 0,
		    "page lock round trip by trylock");

static void bm_lock(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	set_wait_timeout_ns(TASK_DEFAULT_WAIT_NS);
	fb_bench_loop(st) {
		gbench_do_not_optimize(lock_page(page));
		unlock_page(page);
	}
	clear_wait_deadline();
}
DEFINE_FB_BENCHMARK("lock/lock_page+unlock_page", bm_lock, 0, 0,
		    "page lock round trip by lock_page (never sleeps here)");

// SPDX-License-Identifier: GPL-2.0
/*
 * Every bit operation, atomic and not, on a page's flags word, uncontended.
 * The bit numbers are compile-time constants as in the kernel's callers
 * (x86 then uses the byte-wide locked forms).  One iteration is the named
 * operation; "a+b" names a round trip that leaves the word as it found it,
 * for operations whose cost depends on the bit's state.
 */
#include <flagbench/bitops.h>
#include <flagbench/mm.h>
#include "../throughput.h"

#define BM_BIT(_op, _name, _help)                                              \
	static void bm_##_op(struct gbench_state *st, long arg)                \
	{                                                                      \
		struct page *page = fb_bench_page(st);                         \
                                                                               \
		fb_bench_loop(st)                                              \
			_op(PG_referenced, &page->flags);                      \
	}                                                                      \
	DEFINE_FB_BENCHMARK(_name, bm_##_op, 0, 0, _help)

BM_BIT(set_bit, "bitops/set_bit", "atomic set of PG_referenced");
BM_BIT(clear_bit, "bitops/clear_bit", "atomic clear of PG_referenced");
BM_BIT(__set_bit, "bitops/__set_bit", "non-atomic set of PG_referenced");
BM_BIT(__clear_bit, "bitops/__clear_bit", "non-atomic clear of PG_referenced");
BM_BIT(clear_bit_unlock, "bitops/clear_bit_unlock",
       "release-ordered atomic clear (the bit is already clear)");
BM_BIT(__clear_bit_unlock, "bitops/__clear_bit_unlock",
       "release-ordered non-atomic clear (the bit is already clear)");

static void bm_test_bit(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st)
		gbench_do_not_optimize(test_bit(PG_referenced, &page->flags));
}
DEFINE_FB_BENCHMARK("bitops/test_bit", bm_test_bit, 0, 0,
		    "test of PG_referenced, reloaded every time");

/* A test-and-set then a test-and-clear of PG_referenced, both succeeding. */
#define BM_TEST_AND_ROUND_TRIP(_set, _clear, _help)                            \
	static void bm_##_set(struct gbench_state *st, long arg)               \
	{                                                                      \
		struct page *page = fb_bench_page(st);                         \
									       \
		fb_bench_loop(st) {                                            \
			gbench_do_not_optimize(_set(PG_referenced,             \
						    &page->flags));            \
			gbench_do_not_optimize(_clear(PG_referenced,           \
						      &page->flags));          \
		}                                                              \
	}                                                                      \
	DEFINE_FB_BENCHMARK("bitops/" #_set "+" #_clear, bm_##_set, 0, 0, _help)

BM_TEST_AND_ROUND_TRIP(test_and_set_bit, test_and_clear_bit,
		       "fully ordered test-and-set then test-and-clear, both succeeding");
BM_TEST_AND_ROUND_TRIP(__test_and_set_bit, __test_and_clear_bit,
		       "non-atomic test-and-set then test-and-clear, both succeeding");

static void bm_test_and_set_bit_lock_held(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	set_bit(PG_locked, &page->flags);
	fb_bench_loop(st)
		gbench_do_not_optimize(test_and_set_bit_lock(PG_locked,
							     &page->flags));
	clear_bit(PG_locked, &page->flags);
}
DEFINE_FB_BENCHMARK("bitops/test_and_set_bit_lock", bm_test_and_set_bit_lock_held,
		    0, 0, "acquire test-and-set of a held PG_locked (a failing trylock)");

static void bm_lock_unlock(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		gbench_do_not_optimize(test_and_set_bit_lock(PG_locked,
							     &page->flags));
		clear_bit_unlock(PG_locked, &page->flags);
	}
}
DEFINE_FB_BENCHMARK("bitops/test_and_set_bit_lock+clear_bit_unlock",
		    bm_lock_unlock, 0, 0, "bit lock round trip");

static void bm_negative_byte(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st)
		gbench_do_not_optimize(clear_bit_unlock_is_negative_byte(
			PG_locked, &page->flags));
}
DEFINE_FB_BENCHMARK("bitops/clear_bit_unlock_is_negative_byte",
		    bm_negative_byte, 0, 0,
		    "unlock_page's clear-and-test-PG_waiters (bit already clear)");

static void bm_lock_unlock_negative(struct gbench_state *st, long arg)
{
	struct page *page = fb_bench_page(st);

	fb_bench_loop(st) {
		gbench_do_not_optimize(test_and_set_bit_lock(PG_locked,
							     &page->flags));
		gbench_do_not_optimize(clear_bit_unlock_is_negative_byte(
			PG_locked, &page->flags));
	}
}
DEFINE_FB_BENCHMARK("bitops/test_and_set_bit_lock+clear_bit_unlock_is_negative_byte",
		    bm_lock_unlock_negative, 0, 0,
		    "the page lock's bit operations, without the wake-up path");

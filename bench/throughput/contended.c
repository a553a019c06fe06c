// SPDX-License-Identifier: GPL-2.0
/*
 * Contended forms, 1 .. N threads (each pinned by --placement):
 *   same-word  every thread on the same page's flags word, its own bit
 *   same-line  each thread on its own word of one shared cache line
 *   disjoint   each thread on its own page (its own 4 KiB, near its CPU)
 * Bit numbers vary with the thread, so the compiler emits the variable
 * form (x86: lock btr/bts) in all three: only the address differs.
 * ops_per_s is the total over threads, ops_per_s_per_thread its share.
 */
#include <flagbench/pagemap.h>
#include "../throughput.h"

enum form { SAME_WORD, SAME_LINE, DISJOINT };

static volatile unsigned long *word_for(struct gbench_state *st, long form)
{
	int i = gbench_thread_index(st);

	switch (form) {
	case SAME_WORD:
		return &fb_bench_shared_page(st)->flags;
	case SAME_LINE:
		return &fb_bench_shared_line(st)[i % 8];
	default:
		return &fb_bench_page(st)->flags;
	}
}

/* A bit of the thread's own, clear of PG_locked/PG_waiters' byte. */
static long bit_for(struct gbench_state *st)
{
	return 8 + gbench_thread_index(st) % 48;
}

#define BM_CONTENDED(_op)                                                      \
	static void bm_c_##_op(struct gbench_state *st, long form)             \
	{                                                                      \
		volatile unsigned long *w = word_for(st, form);                \
		long nr = bit_for(st);                                         \
                                                                               \
		gbench_do_not_optimize(nr);                                    \
		fb_bench_loop(st)                                              \
			_op(nr, w);                                            \
	}                                                                      \
	DEFINE_FB_BENCHMARK("contended/" #_op "/same-word", bm_c_##_op,        \
			    SAME_WORD, FB_BENCH_SCALING,                       \
			    #_op ", threads on one flags word");               \
	DEFINE_FB_BENCHMARK("contended/" #_op "/same-line", bm_c_##_op,        \
			    SAME_LINE, FB_BENCH_SCALING,                       \
			    #_op ", threads on words of one cache line");      \
	DEFINE_FB_BENCHMARK("contended/" #_op "/disjoint", bm_c_##_op,         \
			    DISJOINT, FB_BENCH_SCALING,                        \
			    #_op ", threads on their own pages")

BM_CONTENDED(clear_bit);
BM_CONTENDED(__clear_bit);
BM_CONTENDED(set_bit);

static void bm_c_test_bit(struct gbench_state *st, long form)
{
	volatile unsigned long *w = word_for(st, form);
	long nr = bit_for(st);

	gbench_do_not_optimize(nr);
	fb_bench_loop(st)
		gbench_do_not_optimize(test_bit(nr, w));
}
DEFINE_FB_BENCHMARK("contended/test_bit/same-word", bm_c_test_bit, SAME_WORD,
		    FB_BENCH_SCALING, "test_bit, readers sharing one word");
DEFINE_FB_BENCHMARK("contended/test_bit/disjoint", bm_c_test_bit, DISJOINT,
		    FB_BENCH_SCALING, "test_bit, readers on their own pages");

static struct page *page_for(struct gbench_state *st, long form)
{
	return form == SAME_WORD ? fb_bench_shared_page(st) : fb_bench_page(st);
}

static void bm_c_get_put(struct gbench_state *st, long form)
{
	struct page *page = page_for(st, form);

	fb_bench_loop(st) {
		get_page(page);
		put_page(page);
	}
}
DEFINE_FB_BENCHMARK("contended/get_page+put_page/same-word", bm_c_get_put,
		    SAME_WORD, FB_BENCH_SCALING, "refcount round trips on one page");
DEFINE_FB_BENCHMARK("contended/get_page+put_page/disjoint", bm_c_get_put,
		    DISJOINT, FB_BENCH_SCALING, "refcount round trips, own pages");

static void bm_c_trylock(struct gbench_state *st, long form)
{
	struct page *page = page_for(st, form);

	/* Only unlock what was taken: a failed trylock is a counted op too. */
	fb_bench_loop(st) {
		if (trylock_page(page))
			unlock_page(page);
	}
}
DEFINE_FB_BENCHMARK("contended/trylock_page+unlock_page/same-word", bm_c_trylock,
		    SAME_WORD, FB_BENCH_SCALING, "page lock attempts on one page");
DEFINE_FB_BENCHMARK("contended/trylock_page+unlock_page/disjoint", bm_c_trylock,
		    DISJOINT, FB_BENCH_SCALING, "page lock round trips, own pages");

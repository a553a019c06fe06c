// SPDX-License-Identifier: GPL-2.0
/*
 * Seed 004's paths, single-threaded: slab pages from allocation to free
 * (slab_barriers, slab_refcount), and what isolate_movable_page() makes of
 * a page in each state a slab's life leaves it in (movable_check), down to
 * which test turned it away (isolate_movable_page_stop).  The races are
 * the harness's business (bench/races/slab-movable.c); these are the
 * deterministic semantics it counts by.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_test.h"

#include <flagbench/migrate.h>
#include <flagbench/slab.h>

enum { NR_PAGES = 8 };

#define SLAB_FROZEN IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN)
#define PGFLAGS_ASSERT IS_ENABLED(CONFIG_FB_PGFLAGS_ASSERT_REFCOUNT_ZERO)

static int setup(void **state)
{
	return fb_mem_map_setup(state, NR_PAGES);
}

/*
 * This build's tests before the page lock, in order: 'S' a PageSlab()
 * that turns a slab page away, 'M' a __PageMovable() that turns away a
 * page whose word does not say movable.
 */
static const char *check_order(void)
{
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE))
		return "SM";
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE_SLAB))
		return "SMS";
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE_SLAB_MOVABLE))
		return "MSM";
	return "M";
}

/* Where a referenced page with PG_slab @slab and a movable word stops. */
static enum isolate_movable_stop expected_stop(bool slab, bool movable)
{
	const char *c = check_order();
	int i;

	for (i = 0; c[i]; i++)
		if ((c[i] == 'S' && slab) || (c[i] == 'M' && !movable))
			return IMP_CHECK_1 + i;
	return IMP_BAD_OPS;	/* the word is LIST_POISON2, no driver's */
}

/*
 * A referenced page in one of the states a slab's life goes through, as
 * isolate_movable_page() may find it between two of its tests: PG_slab
 * set or clear, the word LIST_POISON2 or NULL.
 */
static struct page *slab_state_page(unsigned long pfn, bool slab, bool poison)
{
	struct page *page = pfn_to_page(pfn);

	prep_new_page(page);	/* the slab's reference */
	if (slab)
		__SetPageSlab(page);
	page->mapping = poison ? LIST_POISON2 : NULL;
	return page;
}

/*
 * Each state, each order: the first test whose answer turns the page
 * away is the stop recorded; a page no test turns away reaches the lock
 * and is called through.  A test between them that sees the other side
 * of an edge is what the race counts as refused-2 or refused-3.
 */
static void test_isolate_movable_page_stops_at_the_first_failing_test(void **state)
{
	int s, p, through = 0;

	(void)state;
	for (s = 0; s <= 1; s++)
		for (p = 0; p <= 1; p++) {
			struct page *page = slab_state_page(2 * s + p, s, p);
			enum isolate_movable_stop want = expected_stop(s, p);
			int ret = isolate_movable_page(page, 0);

			print_message("PageSlab %d, word %s: stop %d, want %d (%s)\n",
				      s, p ? "LIST_POISON2" : "NULL",
				      isolate_movable_page_stop, want, check_order());
			assert_int_equal(isolate_movable_page_stop, want);
			assert_int_equal(ret, want == IMP_BAD_OPS ? -EFAULT : -EBUSY);
			assert_int_equal(isolate_movable_passed_checks(want),
					 want == IMP_BAD_OPS);
			assert_int_equal(page_ref_count(page), 1);
			assert_false(PageLocked(page));
			through += want == IMP_BAD_OPS;
		}
	/* A clear PG_slab with the poisoned word, and without a slab test
	 * a set one too, got through to be called. */
	assert_int_equal(through, IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE) ? 2 : 1);
	assert_int_equal(vm_bug_hits("!movable_ops_valid(mops)"), through);
}

/* The stops after the tests: no reference, the lock, PageMovable(), done. */
static void test_isolate_movable_page_stops_around_the_lock(void **state)
{
	struct page *free = pfn_to_page(0);
	struct page *page = fb_alloc_page(1);

	(void)state;
	assert_int_equal(isolate_movable_page(free, 0), -EBUSY);
	assert_int_equal(isolate_movable_page_stop, IMP_NO_REFERENCE);

	assert_int_equal(lock_page(page), 0);
	__SetPageMovable(page, &balloon_mops);
	assert_int_equal(isolate_movable_page(page, 0), -EBUSY);
	assert_int_equal(isolate_movable_page_stop, IMP_LOCK_BUSY);
	/* A driver let go of it: "movable", no movable_operations. */
	__ClearPageMovable(page);
	unlock_page(page);
	assert_int_equal(isolate_movable_page(page, 0), -EBUSY);
	assert_int_equal(isolate_movable_page_stop, IMP_NOT_MOVABLE_LOCKED);

	__SetPageMovable(page, &balloon_mops);
	assert_int_equal(isolate_movable_page(page, 0), 0);
	assert_int_equal(isolate_movable_page_stop, IMP_ISOLATED);
	/* A release without PG_isolated (before v4.8) has nothing to set. */
	assert_int_equal(PageIsolated(page), FB_HAVE_PG_ISOLATED());
	assert_int_equal(other_hits(), 0);
	/* v6.1 sets PG_isolated atomically: nothing for refcount-assert. */
	assert_int_equal(pgflags_hits(), 0);
}

/*
 * A slab page whose mapping word is LIST_POISON2.  v6.1's lone
 * __PageMovable() takes it for movable and the kernel calls through the
 * poison (-EFAULT here, and a counted BUG_ON); a PageSlab test in any order
 * turns it away; a frozen slab refcount stops it at get_page_unless_zero().
 */
static void test_isolate_movable_page_on_poisoned_slab_page(void **state)
{
	struct kmem_cache s = { .name = "kmalloc-64", .mapping_word = LIST_POISON2 };
	struct page *page = alloc_slab_page(&s, pfn_to_page(0));
	int expect, refs = page_ref_count(page);

	(void)state;
	assert_true(__PageMovable(page));
	if (SLAB_FROZEN || !IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE))
		expect = -EBUSY;
	else
		expect = -EFAULT;

	assert_int_equal(isolate_movable_page(page, 0), expect);
	assert_int_equal(vm_bug_hits("!movable_ops_valid(mops)"),
			 expect == -EFAULT);
	assert_int_equal(isolate_movable_page_stop,
			 SLAB_FROZEN ? IMP_NO_REFERENCE : expected_stop(true, true));
	/* Whatever it decided, it gave back what it took. */
	assert_int_equal(page_ref_count(page), refs);
	assert_false(PageLocked(page));
	assert_true(PageSlab(page));
	assert_false(PageIsolated(page));
	assert_ptr_equal(page->slab_cache, LIST_POISON2);
}

/* Before struct slab's rearrangement the word was the kmem_cache pointer. */
static void test_isolate_movable_page_on_plain_slab_page(void **state)
{
	struct kmem_cache s = { .name = "kmalloc-64" };
	struct page *page;

	(void)state;
	s.mapping_word = &s;
	page = alloc_slab_page(&s, pfn_to_page(0));
	assert_false(__PageMovable(page));
	assert_int_equal(isolate_movable_page(page, 0), -EBUSY);
	assert_int_equal(page_ref_count(page), SLAB_FROZEN ? 0 : 1);
	assert_int_equal(other_hits(), 0);
}

/*
 * allocate_slab() (v6.1): the mapping word as alloc_slab_page() leaves it,
 * the counters of a fresh slab, and a freelist that visits every object
 * once, in address order, with its pointers at s->offset.
 */
static void test_allocate_slab_threads_the_freelist(void **state)
{
	enum { SIZE = 64, OBJECTS = 8 };
	struct kmem_cache s = { .name = "kmalloc-64", .mapping_word = LIST_POISON2,
				.size = SIZE, .offset = SIZE / 2, .objects = OBJECTS };
	_Alignas(64) char mem[SIZE * OBJECTS + SIZE];
	struct page *page = pfn_to_page(1);
	char *p;
	unsigned int n = 0;

	(void)state;
	memset(mem, 0x5a, sizeof(mem));
	assert_ptr_equal(allocate_slab(&s, page, mem), page);
	assert_true(PageSlab(page));
	assert_ptr_equal(page->slab_cache, LIST_POISON2);
	assert_int_equal(page->objects, OBJECTS);
	assert_int_equal(page->inuse, 0);
	assert_int_equal(page->frozen, 0);
	for (p = page->freelist; p; p = *(char **)(p + s.offset)) {
		assert_ptr_equal(p, mem + n * SIZE);
		assert_true(++n <= OBJECTS);
	}
	assert_int_equal(n, OBJECTS);
	/* Nothing past the last object was written. */
	assert_int_equal((unsigned char)mem[SIZE * OBJECTS + s.offset], 0x5a);

	__free_slab(&s, page);
	assert_false(PageSlab(page));
	assert_null(page->mapping);
	assert_int_equal(other_hits(), 0);
}

static void test_alloc_slab_page_and_free_slab(void **state)
{
	struct kmem_cache s = { .name = "kmalloc-64", .mapping_word = LIST_POISON2 };
	struct page *page = pfn_to_page(0);

	(void)state;
	assert_ptr_equal(alloc_slab_page(&s, page), page);
	assert_true(PageSlab(page));
	assert_false(PageBuddy(page));
	assert_int_equal(page_ref_count(page), SLAB_FROZEN ? 0 : 1);
	assert_ptr_equal(page->slab_cache, LIST_POISON2);
	/* A frozen slab refuses speculative references (v6.2's direction). */
	assert_int_equal(folio_try_get(page_folio(page)), !SLAB_FROZEN);
	if (!SLAB_FROZEN)
		put_page(page);	/* the folio_try_get's */

	__free_slab(&s, page);
	assert_false(PageSlab(page));
	assert_null(page->mapping);
	assert_int_equal(page_ref_count(page), 0);
	assert_true(PageBuddy(page));	/* back to the allocator */
	assert_int_equal(other_hits(), 0);
	/* __folio_set_slab/__folio_clear_slab on a referenced page (001). */
	assert_int_equal(pgflags_hits(), PGFLAGS_ASSERT && !SLAB_FROZEN ? 2 : 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fb_mem_map_teardown)
		T(test_isolate_movable_page_stops_at_the_first_failing_test),
		T(test_isolate_movable_page_stops_around_the_lock),
		T(test_isolate_movable_page_on_poisoned_slab_page),
		T(test_isolate_movable_page_on_plain_slab_page),
		T(test_alloc_slab_page_and_free_slab),
		T(test_allocate_slab_threads_the_freelist),
#undef T
	};

	return cmocka_run_group_tests_name("slab paths", tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Reference counts: include/linux/page_ref.h and mm.h (v5.0 get/put,
 * page_ref_freeze/unfreeze), and the order-0 allocator's entry and exit
 * (mm/page_alloc.c v6.1).  A refcount misuse is a counted VM_BUG_ON, never
 * a crash, and the model goes on as a CONFIG_DEBUG_VM=n kernel would.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core_test.h"

enum { NR_PAGES = 4 };

static int setup(void **state)
{
	return fb_mem_map_setup(state, NR_PAGES);
}

static void test_get_page_and_put_page_count_references(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	assert_int_equal(page_ref_count(page), 1);
	get_page(page);
	assert_int_equal(page_ref_count(page), 2);
	folio_get(page_folio(page));
	assert_int_equal(folio_ref_count(page_folio(page)), 3);
	put_page(page);
	put_page(page);
	assert_int_equal(page_count(page), 1);
	assert_false(PageBuddy(page));
	/* The last put frees the page. */
	put_page(page);
	assert_int_equal(page_ref_count(page), 0);
	assert_true(PageBuddy(page));
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_get_page_unless_zero_fails_at_zero_only(void **state)
{
	struct page *page = pfn_to_page(0);

	(void)state;
	assert_int_equal(page_ref_count(page), 0);	/* free */
	assert_false(get_page_unless_zero(page));
	assert_false(folio_try_get(page_folio(page)));
	assert_int_equal(page_ref_count(page), 0);

	prep_new_page(page);
	assert_true(get_page_unless_zero(page));
	assert_int_equal(page_ref_count(page), 2);
	assert_true(folio_try_get(page_folio(page)));
	assert_int_equal(page_ref_count(page), 3);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_page_ref_freeze_succeeds_only_at_exact_count(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	get_page(page);	/* 2: the owner's and ours */
	assert_false(page_ref_freeze(page, 1));
	assert_false(page_ref_freeze(page, 3));
	assert_int_equal(page_ref_count(page), 2);
	assert_true(page_ref_freeze(page, 2));
	assert_int_equal(page_ref_count(page), 0);
	page_ref_unfreeze(page, 2);
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

/* Migration's rule: a reference someone else holds makes the freeze fail. */
static void test_page_ref_freeze_fails_while_extra_reference_held(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	get_page(page);	/* the expected count is 2 */
	assert_true(get_page_unless_zero(page));	/* a speculative reader */
	assert_false(page_ref_freeze(page, 2));
	assert_int_equal(page_ref_count(page), 3);	/* untouched */
	put_page(page);	/* the reader is done */
	assert_true(page_ref_freeze(page, 2));
	page_ref_unfreeze(page, 2);
}

static void test_frozen_page_refuses_speculative_references(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	assert_true(folio_ref_freeze(page_folio(page), 1));
	assert_false(get_page_unless_zero(page));
	assert_false(folio_try_get(page_folio(page)));
	assert_int_equal(page_ref_count(page), 0);
	/* Frozen is not free: the page did not go back to the allocator. */
	assert_false(PageBuddy(page));
	folio_ref_unfreeze(page_folio(page), 1);
	assert_true(get_page_unless_zero(page));
	assert_int_equal(page_ref_count(page), 2);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

static void test_page_ref_unfreeze_misuse_is_counted(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	page_ref_unfreeze(page, 1);	/* not frozen */
	assert_int_equal(vm_bug_hits("page_ref_count(page) != 0"), 1);
	assert_true(page_ref_freeze(page, 1));
	page_ref_unfreeze(page, 0);	/* unfreezing to nothing */
	assert_int_equal(vm_bug_hits("count == 0"), 1);
}

/*
 * Seed 002's oops: put_page() on a page whose count is already zero hits
 * put_page_testzero()'s VM_BUG_ON_PAGE.  Here it is counted, the count
 * underflows as with CONFIG_DEBUG_VM=n, and nothing is freed twice.
 */
static void test_put_page_on_zero_refcount_is_counted_not_fatal(void **state)
{
	struct page *page = fb_alloc_page(0);

	(void)state;
	put_page(page);	/* the owner's: freed */
	assert_true(PageBuddy(page));
	assert_int_equal(vm_bug_hits("page_ref_count(page) == 0"), 0);
	put_page(page);	/* the surplus put */
	assert_int_equal(vm_bug_hits("page_ref_count(page) == 0"), 1);
	assert_int_equal(page_ref_count(page), -1);
	assert_true(PageBuddy(page));
}

static void test_get_page_on_zero_refcount_is_counted(void **state)
{
	struct page *page = pfn_to_page(0);

	(void)state;
	get_page(page);
	assert_int_equal(vm_bug_hits("page_ref_zero_or_close_to_overflow(page)"), 1);
	assert_int_equal(page_ref_count(page), 1);
}

static void test_init_free_page_leaves_a_clean_free_page(void **state)
{
	struct page *page = pfn_to_page(1);

	(void)state;
	page->flags = ~0UL;
	page->mapping = (struct address_space *)0x1234;
	page->private = 42;
	set_page_count(page, 7);
	init_free_page(page);
	assert_int_equal(page->flags, 0);
	assert_null(page->mapping);
	assert_int_equal(page->private, 0);
	assert_int_equal(page_ref_count(page), 0);
	assert_true(PageBuddy(page));
}

static void test_prep_new_page_takes_a_free_page_to_one_reference(void **state)
{
	struct page *page = pfn_to_page(1);

	(void)state;
	page->private = 99;	/* buddy order, in the kernel */
	prep_new_page(page);
	assert_false(PageBuddy(page));
	assert_int_equal(page_ref_count(page), 1);
	assert_int_equal(atomic_read(&page->_mapcount), -1);
	assert_int_equal(page->private, 0);
	assert_int_equal(page->flags, 0);
	assert_int_equal(vm_bug_hits(NULL), 0);

	/* Allocating a page somebody references is counted. */
	set_page_refcounted(page);
	assert_int_equal(vm_bug_hits("page_ref_count(page)"), 1);
}

static void test_free_unref_page_resets_and_checks_the_page(void **state)
{
	struct page *page = fb_alloc_page(2);

	(void)state;
	/* An anon page keeps its mapping word until the free (v5.0). */
	page->mapping = (struct address_space *)(0x1000UL | PAGE_MAPPING_ANON);
	SetPageUptodate(page);
	SetPageSwapBacked(page);
	put_page(page);
	assert_int_equal(page->flags, 0);
	assert_null(page->mapping);
	assert_true(PageBuddy(page));
	assert_int_equal(vm_bug_hits(NULL), 0);

	/* A locked page with a reference is bad at free: counted. */
	prep_new_page(page);
	SetPageLocked(page);
	free_unref_page(page);
	assert_int_equal(vm_bug_hits("page_bad_at_free(page)"), 1);
	assert_true(PageBuddy(page));
}

/*
 * Two threads: a speculative reader (get_page_unless_zero / put_page, as in
 * __migration_entry_wait) and a freezer (page_ref_freeze at the owner's
 * count / page_ref_unfreeze, as migrate_page_move_mapping).  Whenever the
 * freeze succeeds the reader holds no reference, and whenever the reader
 * gets one the page is not frozen.
 */
struct freeze_race {
	struct page *page;
	unsigned long iters;
	pthread_barrier_t start;
	int reader_holds;	/* between a successful get and its put */
	int frozen;		/* between a successful freeze and its unfreeze */
	int done;		/* threads past their own iteration count */
	unsigned long gets, freezes, refused_gets, refused_freezes;
	unsigned long reader_saw_frozen, freezer_saw_reader;
};

/*
 * Each thread runs its iterations and then keeps going (up to a cap) until
 * the other has run its own, so the two loops overlap even when one thread
 * gets a whole time slice to itself at the start.
 */
static bool freeze_race_more(struct freeze_race *r, unsigned long i)
{
	if (i < r->iters)
		return true;
	if (i == r->iters)
		__atomic_fetch_add(&r->done, 1, __ATOMIC_RELAXED);
	return i < 20 * r->iters && __atomic_load_n(&r->done, __ATOMIC_RELAXED) < 2;
}

/*
 * One thread's side of the race, the same steps for both: take (a
 * reference, or the frozen count), say so in @holds, look at the other
 * side's flag, clear @holds, give back.
 */
struct freeze_side {
	struct freeze_race *r;
	bool (*take)(struct page *page);
	void (*give_back)(struct page *page);
	int *holds, *other_holds;
	unsigned long *taken, *refused, *saw_other;
};

static void *freeze_race_side(void *arg)
{
	struct freeze_side *s = arg;
	struct freeze_race *r = s->r;
	unsigned long i;

	pthread_barrier_wait(&r->start);
	for (i = 0; freeze_race_more(r, i); i++) {
		if (!s->take(r->page)) {
			(*s->refused)++;
			continue;
		}
		__atomic_store_n(s->holds, 1, __ATOMIC_RELAXED);
		if (__atomic_load_n(s->other_holds, __ATOMIC_RELAXED))
			(*s->saw_other)++;
		(*s->taken)++;
		__atomic_store_n(s->holds, 0, __ATOMIC_RELAXED);
		s->give_back(r->page);
	}
	return NULL;
}

/* get_page_unless_zero() is fully ordered on success. */
static bool reader_get(struct page *page)
{
	return get_page_unless_zero(page);
}

/* put_page()'s dec_and_test is fully ordered: the flag is clear first. */
static void reader_put(struct page *page)
{
	put_page(page);
}

static bool freezer_freeze(struct page *page)
{
	return page_ref_freeze(page, 1);
}

/* A release store: the flag is clear before the count is back. */
static void freezer_unfreeze(struct page *page)
{
	page_ref_unfreeze(page, 1);
}

static void test_freeze_never_succeeds_under_a_speculative_reference(void **state)
{
	struct freeze_race r = { 0 };
	struct freeze_side reader = {
		&r, reader_get, reader_put, &r.reader_holds, &r.frozen,
		&r.gets, &r.refused_gets, &r.reader_saw_frozen,
	};
	struct freeze_side freezer = {
		&r, freezer_freeze, freezer_unfreeze, &r.frozen, &r.reader_holds,
		&r.freezes, &r.refused_freezes, &r.freezer_saw_reader,
	};
	pthread_t reader_thread, freezer_thread;

	(void)state;
	r.page = fb_alloc_page(3);	/* the owner's reference: count 1 */
	r.iters = fb_iterations(200000, 20000);
	pthread_barrier_init(&r.start, NULL, 2);
	assert_int_equal(pthread_create(&reader_thread, NULL, freeze_race_side,
					&reader), 0);
	assert_int_equal(pthread_create(&freezer_thread, NULL, freeze_race_side,
					&freezer), 0);
	pthread_join(reader_thread, NULL);
	pthread_join(freezer_thread, NULL);
	pthread_barrier_destroy(&r.start);

	print_message("%lu gets (%lu refused), %lu freezes (%lu refused)\n",
		      r.gets, r.refused_gets, r.freezes, r.refused_freezes);
	assert_int_equal(r.freezer_saw_reader, 0);
	assert_int_equal(r.reader_saw_frozen, 0);
	/* Nothing lost or left over: the owner's reference alone remains. */
	assert_int_equal(page_ref_count(r.page), 1);
	assert_true(r.gets + r.refused_gets >= r.iters);
	assert_true(r.freezes + r.refused_freezes >= r.iters);
	assert_int_equal(vm_bug_hits(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, fb_mem_map_teardown)
		T(test_get_page_and_put_page_count_references),
		T(test_get_page_unless_zero_fails_at_zero_only),
		T(test_page_ref_freeze_succeeds_only_at_exact_count),
		T(test_page_ref_freeze_fails_while_extra_reference_held),
		T(test_frozen_page_refuses_speculative_references),
		T(test_page_ref_unfreeze_misuse_is_counted),
		T(test_put_page_on_zero_refcount_is_counted_not_fatal),
		T(test_get_page_on_zero_refcount_is_counted),
		T(test_init_free_page_leaves_a_clean_free_page),
		T(test_prep_new_page_takes_a_free_page_to_one_reference),
		T(test_free_unref_page_resets_and_checks_the_page),
		T(test_freeze_never_succeeds_under_a_speculative_reference),
#undef T
	};

	return cmocka_run_group_tests_name("page refcounts", tests, NULL, NULL);
}

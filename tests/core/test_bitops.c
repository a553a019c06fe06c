// SPDX-License-Identifier: GPL-2.0
/*
 * Each bit operation through the page-flags families, on one page, as
 * include/linux/page-flags.h v6.1 defines them: PageX tests, SetPageX and
 * ClearPageX are atomic, __SetPageX/__ClearPageX plain, TestSet/TestClear
 * return the old bit; only the named bit ever changes.  Plus the lock bitops,
 * the unlock-and-test-waiters operation, the mapping-word tests and
 * PageBuddy's page_type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <flagbench/migrate.h>
#include <flagbench/slab.h>

struct flag_ops {
	const char *name;
	int bit;
	bool (*test)(const struct page *page);
	void (*set)(struct page *page);
	void (*clear)(struct page *page);
	void (*__set)(struct page *page);
	void (*__clear)(struct page *page);
	bool (*test_set)(struct page *page);
	bool (*test_clear)(struct page *page);
};

#define FLAG_OPS(lname, uname)                                                 \
	{ #lname, PG_##lname, Page##uname, SetPage##uname, ClearPage##uname,   \
	  __SetPage##uname, __ClearPage##uname, TestSetPage##uname,            \
	  TestClearPage##uname }

static const struct flag_ops flags[] = {
	FLAG_OPS(locked, Locked),
	FLAG_OPS(error, Error),
	FLAG_OPS(referenced, Referenced),
	FLAG_OPS(uptodate, Uptodate),
	FLAG_OPS(dirty, Dirty),
	FLAG_OPS(lru, LRU),
	FLAG_OPS(active, Active),
	FLAG_OPS(slab, Slab),
	FLAG_OPS(owner_priv_1, OwnerPriv1),
	FLAG_OPS(reserved, Reserved),
	FLAG_OPS(private, Private),
	FLAG_OPS(writeback, Writeback),
	FLAG_OPS(head, Head),
	FLAG_OPS(mappedtodisk, MappedToDisk),
	FLAG_OPS(reclaim, Reclaim),
	FLAG_OPS(swapbacked, SwapBacked),
	FLAG_OPS(unevictable, Unevictable),
	FLAG_OPS(mlocked, Mlocked),
};

/* Flags a release may lack: no TestSet/TestClear in the kernel either. */
static const struct flag_ops optional_flags[] = {
	{ "waiters", PG_waiters, PageWaiters, SetPageWaiters, ClearPageWaiters,
	  __SetPageWaiters, __ClearPageWaiters, NULL, NULL },
	{ "isolated", PG_isolated, PageIsolated, SetPageIsolated,
	  ClearPageIsolated, __SetPageIsolated, __ClearPageIsolated, NULL, NULL },
	{ "workingset", PG_workingset, PageWorkingset, SetPageWorkingset,
	  ClearPageWorkingset, __SetPageWorkingset, __ClearPageWorkingset, NULL,
	  NULL },
};

/* Backgrounds: no other bit set, every other bit set, a mixed pattern. */
static const unsigned long backgrounds[] = { 0, ~0UL, 0xa5a5a5a5a5a5a5a5UL };

/*
 * A page nobody else references (refcount 0), so the non-atomic forms are
 * legitimate and a refcount-assert build counts nothing.
 */
static void page_with(struct page *page, unsigned long f)
{
	memset(page, 0, sizeof(*page));
	page->flags = f;
}

static void check_one_flag(const struct flag_ops *op, unsigned long bg)
{
	unsigned long mask = 1UL << op->bit;
	struct page page;

	page_with(&page, bg & ~mask);
	assert_false(op->test(&page));
	op->set(&page);
	assert_true(op->test(&page));
	assert_int_equal(page.flags, bg | mask);
	op->set(&page);	/* idempotent */
	assert_int_equal(page.flags, bg | mask);
	op->clear(&page);
	assert_false(op->test(&page));
	assert_int_equal(page.flags, bg & ~mask);

	op->__set(&page);
	assert_true(op->test(&page));
	assert_int_equal(page.flags, bg | mask);
	op->__clear(&page);
	assert_false(op->test(&page));
	assert_int_equal(page.flags, bg & ~mask);

	if (!op->test_set)
		return;
	assert_false(op->test_set(&page));	/* returns the old bit */
	assert_int_equal(page.flags, bg | mask);
	assert_true(op->test_set(&page));
	assert_int_equal(page.flags, bg | mask);
	assert_true(op->test_clear(&page));
	assert_int_equal(page.flags, bg & ~mask);
	assert_false(op->test_clear(&page));
	assert_int_equal(page.flags, bg & ~mask);
}

static void test_page_flag_families_change_only_their_bit(void **state)
{
	unsigned long pgflags_hits = vm_bug_hits(NULL);
	unsigned int i, b;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(flags); i++)
		for (b = 0; b < ARRAY_SIZE(backgrounds); b++)
			check_one_flag(&flags[i], backgrounds[b]);
	/* Refcount 0 throughout: not even VM_BUG_ON_PGFLAGS may count. */
	assert_int_equal(vm_bug_hits(NULL), pgflags_hits);
}

static void test_optional_flags_work_where_the_release_has_them(void **state)
{
	unsigned int i, b;
	struct page page;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(optional_flags); i++) {
		const struct flag_ops *op = &optional_flags[i];

		if (op->bit >= 0) {
			for (b = 0; b < ARRAY_SIZE(backgrounds); b++)
				check_one_flag(op, backgrounds[b]);
			continue;
		}
		/* 2.6.34: the flag reads false and its updates do nothing. */
		page_with(&page, 0);
		op->set(&page);
		op->__set(&page);
		assert_false(op->test(&page));
		assert_int_equal(page.flags, 0);
		page_with(&page, ~0UL);
		op->clear(&page);
		op->__clear(&page);
		assert_false(op->test(&page));
		assert_int_equal(page.flags, ~0UL);
	}
}

/* PG_isolated is PG_reclaim under another name, as in the kernel since 4.8. */
static void test_isolated_is_reclaim_alias(void **state)
{
	struct page page;

	(void)state;
	if (!FB_HAVE_PG_ISOLATED())
		return;
	page_with(&page, 0);
	SetPageIsolated(&page);
	assert_true(PageReclaim(&page));
	ClearPageReclaim(&page);
	assert_false(PageIsolated(&page));
	assert_int_equal(page.flags, 0);
}

/* v6.1: PG_swapcache means swap cache only on a swap-backed page. */
static void test_swapcache_needs_swapbacked(void **state)
{
	struct page page;

	(void)state;
	page_with(&page, 0);
	SetPageSwapCache(&page);
	assert_int_equal(page.flags, 1UL << PG_swapcache);
	assert_false(PageSwapCache(&page));
	SetPageSwapBacked(&page);
	assert_true(PageSwapCache(&page));
	ClearPageSwapCache(&page);
	assert_false(PageSwapCache(&page));
	assert_int_equal(page.flags, 1UL << PG_swapbacked);
}

static void test_test_and_set_bit_lock_then_clear_bit_unlock(void **state)
{
	unsigned int b;

	(void)state;
	for (b = 0; b < ARRAY_SIZE(backgrounds); b++) {
		unsigned long bg = backgrounds[b] & ~(1UL << PG_locked);
		struct page page;

		page_with(&page, bg);
		assert_false(test_and_set_bit_lock(PG_locked, &page.flags));
		assert_int_equal(page.flags, bg | 1UL << PG_locked);
		/* Held: a second locker is told so and changes nothing. */
		assert_true(test_and_set_bit_lock(PG_locked, &page.flags));
		assert_int_equal(page.flags, bg | 1UL << PG_locked);
		clear_bit_unlock(PG_locked, &page.flags);
		assert_int_equal(page.flags, bg);

		assert_true(trylock_page(&page));
		assert_false(trylock_page(&page));
		assert_true(PageLocked(&page));
		clear_bit_unlock(PG_locked, &page.flags);
		assert_false(PageLocked(&page));
	}
}

/*
 * unlock_page()'s one atomic op: clear PG_locked, return bit 7 of the
 * result, which is PG_waiters in every release that has PG_waiters.
 */
static void test_clear_bit_unlock_is_negative_byte_returns_waiters(void **state)
{
	static const int others[] = { 1, 6, 8, 15, 31, 63 };
	struct page page;
	unsigned int i;

	(void)state;
	if (FB_HAVE_PG_WAITERS())
		assert_int_equal(PG_waiters, 7);

	page_with(&page, 1UL << PG_locked | 1UL << 7);
	assert_true(clear_bit_unlock_is_negative_byte(PG_locked, &page.flags));
	assert_int_equal(page.flags, 1UL << 7);	/* waiters stay */

	page_with(&page, 1UL << PG_locked);
	assert_false(clear_bit_unlock_is_negative_byte(PG_locked, &page.flags));
	assert_int_equal(page.flags, 0);

	/* No other bit makes the byte negative. */
	for (i = 0; i < ARRAY_SIZE(others); i++) {
		unsigned long f = 1UL << PG_locked | 1UL << others[i];

		page_with(&page, f);
		assert_false(clear_bit_unlock_is_negative_byte(PG_locked,
							       &page.flags));
		assert_int_equal(page.flags, f & ~(1UL << PG_locked));
	}

	if (FB_HAVE_PG_WAITERS()) {
		page_with(&page, 0);
		assert_true(trylock_page(&page));
		SetPageWaiters(&page);
		assert_true(clear_bit_unlock_is_negative_byte(PG_locked,
							      &page.flags));
		assert_false(PageLocked(&page));
		assert_true(PageWaiters(&page));
	}
}

static void page_with_mapping(struct page *page, unsigned long word)
{
	page_with(page, 0);
	page->mapping = (struct address_space *)word;
}

static void test_mapping_word_low_bits_make_anon_and_movable(void **state)
{
	static struct address_space file = { .name = "file" };
	static struct anon_vma anon_vma;
	struct page page;

	(void)state;
	page_with_mapping(&page, 0);
	assert_false(PageAnon(&page));
	assert_false(__PageMovable(&page));

	page_with_mapping(&page, (unsigned long)&file);
	assert_false(PageAnon(&page));
	assert_false(__PageMovable(&page));

	page_with_mapping(&page, (unsigned long)&anon_vma | PAGE_MAPPING_ANON);
	assert_true(PageAnon(&page));
	assert_false(__PageMovable(&page));
	assert_ptr_equal(page_anon_vma(&page), &anon_vma);

	/* KSM: both bits; anon, not movable. */
	page_with_mapping(&page, (unsigned long)&anon_vma | PAGE_MAPPING_KSM);
	assert_true(PageAnon(&page));
	assert_false(__PageMovable(&page));
	assert_null(page_anon_vma(&page));

	page_with(&page, 0);
	__SetPageMovable(&page, &balloon_mops);
	assert_false(PageAnon(&page));
	assert_true(__PageMovable(&page));
	assert_true(__folio_test_movable(page_folio(&page)));
	assert_ptr_equal(page_movable_ops(&page), &balloon_mops);

	/* The driver let go: the word keeps only the movable bit. */
	__ClearPageMovable(&page);
	assert_int_equal((unsigned long)page.mapping, PAGE_MAPPING_MOVABLE);
	assert_true(__PageMovable(&page));
}

/*
 * Seed 004: list_del() leaves LIST_POISON2 in slab_list.prev, which the
 * rearranged struct slab put in the mapping word.  0x122 has bit 1 set and
 * bit 0 clear: __PageMovable() cannot tell it from movable_operations.
 */
static void test_list_poison2_mapping_word_looks_movable(void **state)
{
	struct page page;

	(void)state;
	page_with(&page, 0);
	page.slab_cache = LIST_POISON2;
	assert_ptr_equal(page.mapping, LIST_POISON2);
	assert_true(__PageMovable(&page));
	assert_false(PageAnon(&page));
	assert_int_equal((unsigned long)page_movable_ops(&page),
			 0x120 + POISON_POINTER_DELTA);
}

static void test_page_buddy_lives_in_page_type(void **state)
{
	unsigned long bug = vm_bug_hits("!PageType(page, 0)");
	struct page page;

	(void)state;
	page_with(&page, 0);
	page_mapcount_reset(&page);	/* _mapcount -1: page_type ~0 */
	assert_false(PageBuddy(&page));
	__SetPageBuddy(&page);
	assert_true(PageBuddy(&page));
	assert_int_equal(page.page_type, ~PG_buddy);
	assert_int_equal(page.flags, 0);	/* not a page flag */
	__ClearPageBuddy(&page);
	assert_false(PageBuddy(&page));
	assert_int_equal(atomic_read(&page._mapcount), -1);

	/* init_free_page() is how a page enters the free state. */
	init_free_page(&page);
	assert_true(PageBuddy(&page));
	assert_int_equal(page_ref_count(&page), 0);
	assert_int_equal(vm_bug_hits("!PageType(page, 0)"), bug);

	/* A mapped page's _mapcount is no page_type: counted, not fatal. */
	page_with(&page, 0);
	atomic_set(&page._mapcount, 0);
	__SetPageBuddy(&page);
	assert_int_equal(vm_bug_hits("!PageType(page, 0)"), bug + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_flag_families_change_only_their_bit),
		cmocka_unit_test(test_optional_flags_work_where_the_release_has_them),
		cmocka_unit_test(test_isolated_is_reclaim_alias),
		cmocka_unit_test(test_swapcache_needs_swapbacked),
		cmocka_unit_test(test_test_and_set_bit_lock_then_clear_bit_unlock),
		cmocka_unit_test(test_clear_bit_unlock_is_negative_byte_returns_waiters),
		cmocka_unit_test(test_mapping_word_low_bits_make_anon_and_movable),
		cmocka_unit_test(test_list_poison2_mapping_word_looks_movable),
		cmocka_unit_test(test_page_buddy_lives_in_page_type),
	};

	return cmocka_run_group_tests_name("page flag bitops", tests, NULL,
					   NULL);
}

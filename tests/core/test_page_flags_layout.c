// SPDX-License-Identifier: GPL-2.0
/*
 * struct page's layout and the enum pageflags tables, against the kernel.
 *
 * The expected numbers below are written out by hand from each release's
 * include/linux/page-flags.h (64-bit, CONFIG_MMU=y, CONFIG_MEMORY_FAILURE=y,
 * 2.6.34 with CONFIG_PAGEFLAGS_EXTENDED=y), not derived from core/'s table:
 * a typo on either side shows up as a mismatch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <flagbench/mm.h>
#include <flagbench/variant.h>

enum { V2_6_34, V5_0, V5_7, V5_17, V6_1, NR_RELEASES };

static const char *const releases[NR_RELEASES] = {
	"v2.6.34", "v5.0", "v5.7", "v5.17", "v6.1"
};

#define NA (-1)	/* the flag does not exist in that release */

struct expected_flag {
	const char *name;
	int bit[NR_RELEASES];
};

/*
 * v2.6.34: include/linux/page-flags.h of the 2.6.33-2.6.37 generation
 *          (PG_buddy and PG_tail real bits, PG_swapcache its own bit 16,
 *          no PG_waiters, no PG_isolated).
 * v5.0:    include/linux/page-flags.h, torvalds/linux d483da5bc78b
 *          (PG_workingset 6 and PG_waiters 7 inserted in v4.10/v4.20,
 *          PG_error moved to 8; PG_swapcache = PG_owner_priv_1 since v4.10;
 *          PG_isolated = PG_reclaim since v4.8).
 * v5.7, v5.17: the same enum; only aliases this table does not test moved.
 * v6.1:    include/linux/page-flags.h of the 6.1 generation (the stored copy
 *          is an Android GKI tree whose PG_oem_reserved_* come after
 *          PG_mlocked and change none of these).
 */
static const struct expected_flag expected[] = {
	/*                 2.6.34 5.0  5.7  5.17 6.1 */
	{ "locked",      {  0,    0,   0,   0,   0 } },
	{ "error",       {  1,    8,   8,   8,   8 } },
	{ "referenced",  {  2,    1,   1,   1,   1 } },
	{ "uptodate",    {  3,    2,   2,   2,   2 } },
	{ "dirty",       {  4,    3,   3,   3,   3 } },
	{ "lru",         {  5,    4,   4,   4,   4 } },
	{ "active",      {  6,    5,   5,   5,   5 } },
	{ "workingset",  { NA,    6,   6,   6,   6 } },
	{ "waiters",     { NA,    7,   7,   7,   7 } },
	{ "slab",        {  7,    9,   9,   9,   9 } },
	{ "owner_priv_1", { 8,   10,  10,  10,  10 } },
	{ "private",     { 11,   13,  13,  13,  13 } },
	{ "writeback",   { 13,   15,  15,  15,  15 } },
	{ "head",        { 14,   16,  16,  16,  16 } },
	{ "swapcache",   { 16,   10,  10,  10,  10 } },
	{ "mappedtodisk", { 17,  17,  17,  17,  17 } },
	{ "reclaim",     { 18,   18,  18,  18,  18 } },
	{ "isolated",    { NA,   18,  18,  18,  18 } },
	{ "swapbacked",  { 20,   19,  19,  19,  19 } },
	{ "unevictable", { 21,   20,  20,  20,  20 } },
	{ "mlocked",     { 22,   21,  21,  21,  21 } },
};

static const struct page_flag_bits *table_row(const char *name)
{
	unsigned int i;

	for (i = 0; i < page_flag_table_size; i++)
		if (!strcmp(page_flag_table[i].name, name))
			return &page_flag_table[i];
	return NULL;
}

/* The column of core's table that this build selected. */
static int build_column(void)
{
	int i;

	for (i = 0; i < NR_RELEASES; i++)
		if (!strcmp(releases[i], FB_LAYOUT_RELEASE))
			return i;
	fail_msg("release %s is not in the table", FB_LAYOUT_RELEASE);
	return -1;
}

static void test_struct_page_is_64_bytes_with_kernel_offsets(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct page), 64);
	assert_int_equal(offsetof(struct page, flags), 0);
	assert_int_equal(offsetof(struct page, lru), 8);
	assert_int_equal(offsetof(struct page, mapping), 24);
	assert_int_equal(offsetof(struct page, index), 32);
	assert_int_equal(offsetof(struct page, private), 40);
	assert_int_equal(offsetof(struct page, _mapcount), 48);
	assert_int_equal(offsetof(struct page, page_type), 48);
	assert_int_equal(offsetof(struct page, _refcount), 52);
	assert_int_equal(offsetof(struct page, memcg_data), 56);
	/* SLUB's struct slab overlays: slab_cache is the mapping word. */
	assert_int_equal(offsetof(struct page, slab_list), 8);
	assert_int_equal(offsetof(struct page, slab_cache), 24);
	/* CONFIG_HAVE_ALIGNED_STRUCT_PAGE: cmpxchg_double on freelist. */
	assert_int_equal(_Alignof(struct page), 2 * sizeof(unsigned long));
	assert_int_equal(sizeof(struct folio), sizeof(struct page));
}

static void test_page_array_allocated_aligned_is_cache_line_aligned(void **state)
{
	enum { NR = 37 };
	struct page *map = aligned_alloc(64, NR * sizeof(struct page));
	int i;

	(void)state;
	assert_non_null(map);
	/* Every page then owns exactly one cache line. */
	for (i = 0; i < NR; i++) {
		assert_int_equal((uintptr_t)&map[i] % 64, 0);
		assert_int_equal((uintptr_t)&map[i]._refcount / 64,
				 (uintptr_t)&map[i].flags / 64);
	}
	free(map);
}

static void test_release_columns_are_the_five_seed_releases(void **state)
{
	int i;

	(void)state;
	assert_int_equal(FB_PAGEFLAGS_NR_RELEASES, NR_RELEASES);
	for (i = 0; i < NR_RELEASES; i++)
		assert_string_equal(page_flags_releases[i], releases[i]);
}

static void test_flag_table_matches_each_release_page_flags_h(void **state)
{
	unsigned int i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(expected); i++) {
		const struct page_flag_bits *row = table_row(expected[i].name);

		if (!row)
			fail_msg("PG_%s missing from page_flag_table",
				 expected[i].name);
		for (r = 0; r < NR_RELEASES; r++) {
			if (row->bit[r] == expected[i].bit[r])
				continue;
			fail_msg("PG_%s in %s: table %d, page-flags.h %d",
				 expected[i].name, releases[r], row->bit[r],
				 expected[i].bit[r]);
		}
	}
}

/* Two names for one bit exist only where the kernel declares an alias. */
static void test_flag_table_shares_bits_only_for_kernel_aliases(void **state)
{
	unsigned int i, j;
	int r;

	(void)state;
	for (r = 0; r < NR_RELEASES; r++) {
		for (i = 0; i < page_flag_table_size; i++) {
			const struct page_flag_bits *a = &page_flag_table[i];

			if (a->bit[r] < 0)
				continue;
			assert_in_range(a->bit[r], 0, BITS_PER_LONG - 1);
			for (j = i + 1; j < page_flag_table_size; j++) {
				const struct page_flag_bits *b = &page_flag_table[j];
				bool alias;

				if (a->bit[r] != b->bit[r])
					continue;
				alias = (!strcmp(b->name, "isolated") &&
					 !strcmp(a->name, "reclaim")) ||
					(!strcmp(b->name, "swapcache") &&
					 !strcmp(a->name, "owner_priv_1") &&
					 r != V2_6_34);
				if (!alias)
					fail_msg("%s: PG_%s and PG_%s share bit %d",
						 releases[r], a->name, b->name,
						 a->bit[r]);
			}
		}
	}
}

/* "Must be bit #7 and in the same byte as PG_locked" (v5.0 page-flags.h). */
static void test_waiters_is_bit_7_in_locked_byte_where_it_exists(void **state)
{
	const struct page_flag_bits *waiters = table_row("waiters");
	const struct page_flag_bits *locked = table_row("locked");
	int r;

	(void)state;
	assert_non_null(waiters);
	assert_non_null(locked);
	for (r = 0; r < NR_RELEASES; r++) {
		if (waiters->bit[r] < 0)
			continue;
		assert_int_equal(waiters->bit[r], 7);
		assert_int_equal(locked->bit[r] / 8, waiters->bit[r] / 8);
	}
}

static void test_build_enum_equals_its_release_column(void **state)
{
	const struct {
		const char *name;
		int value;
	} build[] = {
		{ "locked", PG_locked },	{ "error", PG_error },
		{ "referenced", PG_referenced }, { "uptodate", PG_uptodate },
		{ "dirty", PG_dirty },		{ "lru", PG_lru },
		{ "active", PG_active },	{ "workingset", PG_workingset },
		{ "waiters", PG_waiters },	{ "slab", PG_slab },
		{ "owner_priv_1", PG_owner_priv_1 },
		{ "private", PG_private },	{ "writeback", PG_writeback },
		{ "head", PG_head },		{ "swapcache", PG_swapcache },
		{ "mappedtodisk", PG_mappedtodisk },
		{ "reclaim", PG_reclaim },	{ "isolated", PG_isolated },
		{ "swapbacked", PG_swapbacked },
		{ "unevictable", PG_unevictable }, { "mlocked", PG_mlocked },
	};
	int col = build_column();
	unsigned int i, j;

	(void)state;
	/* The knob, the layout macro and the variant all name one release. */
	assert_string_equal(FB_LAYOUT_RELEASE, FB_KNOB_VALUE_page_flags_layout);
	assert_string_equal(this_variant.page_flags_release, FB_LAYOUT_RELEASE);
	for (i = 0; i < ARRAY_SIZE(build); i++) {
		for (j = 0; j < ARRAY_SIZE(expected); j++)
			if (!strcmp(expected[j].name, build[i].name))
				break;
		assert_true(j < ARRAY_SIZE(expected));
		if (build[i].value != expected[j].bit[col])
			fail_msg("PG_%s = %d in this %s build, page-flags.h says %d",
				 build[i].name, build[i].value, FB_LAYOUT_RELEASE,
				 expected[j].bit[col]);
	}
	assert_int_equal(FB_HAVE_PG_WAITERS(), col != V2_6_34);
	assert_int_equal(FB_HAVE_PG_ISOLATED(), col != V2_6_34);
}

static const char *fmt(unsigned long flags)
{
	static char buf[256];

	return format_page_flags(flags, buf, sizeof(buf));
}

static void test_format_page_flags_prints_names_in_enum_order(void **state)
{
	char want[128];

	(void)state;
	assert_string_equal(fmt(0), "");
	assert_string_equal(fmt(1UL << PG_locked), "locked");
	assert_string_equal(fmt(1UL << PG_lru | 1UL << PG_locked |
				1UL << PG_uptodate),
			    "locked|uptodate|lru");
	/* A flag the release lacks is -1: no shift by it, even unreached. */
	if (FB_HAVE_PG_WAITERS())
		assert_string_equal(fmt(1UL << PG_locked |
					1UL << (FB_HAVE_PG_WAITERS() ? PG_waiters : 0)),
				    "locked|waiters");
	snprintf(want, sizeof(want), "slab|0x%lx", 1UL << 40);
	assert_string_equal(fmt(1UL << PG_slab | 1UL << 40), want);
}

/* PG_isolated and PG_swapcache are other names of a bit: printed once. */
static void test_format_page_flags_prints_an_alias_once(void **state)
{
	(void)state;
	assert_string_equal(fmt(1UL << PG_reclaim), "reclaim");
	if (FB_HAVE_PG_ISOLATED())
		assert_string_equal(fmt(1UL << (FB_HAVE_PG_ISOLATED() ? PG_isolated : 0)),
				    "reclaim");
	if (PG_swapcache == PG_owner_priv_1)
		assert_string_equal(fmt(1UL << PG_swapcache), "owner_priv_1");
	else
		assert_string_equal(fmt(1UL << PG_swapcache), "swapcache");
}

static void test_format_page_flags_stays_inside_a_short_buffer(void **state)
{
	char buf[16];
	unsigned int i;

	(void)state;
	memset(buf, 'X', sizeof(buf));
	format_page_flags(~0UL, buf, 8);
	assert_non_null(memchr(buf, '\0', 8));
	for (i = 8; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'X');
	assert_int_equal(strncmp(buf, "locked|", 7), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_page_is_64_bytes_with_kernel_offsets),
		cmocka_unit_test(test_page_array_allocated_aligned_is_cache_line_aligned),
		cmocka_unit_test(test_release_columns_are_the_five_seed_releases),
		cmocka_unit_test(test_flag_table_matches_each_release_page_flags_h),
		cmocka_unit_test(test_flag_table_shares_bits_only_for_kernel_aliases),
		cmocka_unit_test(test_waiters_is_bit_7_in_locked_byte_where_it_exists),
		cmocka_unit_test(test_build_enum_equals_its_release_column),
		cmocka_unit_test(test_format_page_flags_prints_names_in_enum_order),
		cmocka_unit_test(test_format_page_flags_prints_an_alias_once),
		cmocka_unit_test(test_format_page_flags_stays_inside_a_short_buffer),
	};

	return cmocka_run_group_tests_name("page flags layout", tests, NULL,
					   NULL);
}

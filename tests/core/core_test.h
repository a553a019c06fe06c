/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the tests of core/: a small mem_map, iteration counts
 * that shrink under an emulator, and bounded waits for another thread to
 * reach a state.  Included by tests/core/test_*.c only (cmocka first).
 */
#ifndef FB_TESTS_CORE_TEST_H
#define FB_TESTS_CORE_TEST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <flagbench/migrate.h>
#include <flagbench/mm.h>
#include <flagbench/sched.h>
#include <flagbench/swapops.h>

/* Set by tests/CMakeLists.txt when the binary runs under qemu-user. */
static inline bool fb_emulated(void)
{
	const char *s = getenv("FB_EMULATED");

	return s && strcmp(s, "0");
}

static inline unsigned long fb_iterations(unsigned long native,
					  unsigned long emulated)
{
	return fb_emulated() ? emulated : native;
}

/*
 * A mem_map of @nr free pages, cache-line aligned as the harness allocates
 * it, so that pfns and migration entries work.
 */
static inline struct page *fb_mem_map_create(unsigned long nr)
{
	struct page *map = aligned_alloc(64, nr * sizeof(struct page));
	unsigned long i;

	assert_non_null(map);
	memset(map, 0, nr * sizeof(struct page));
	set_mem_map(map, nr);
	for (i = 0; i < nr; i++)
		init_free_page(&map[i]);
	return map;
}

/* Hits of the refcount-assert experiment's VM_BUG_ON_PGFLAGS (seed 001). */
static inline unsigned long pgflags_hits(void)
{
	return vm_bug_hits("atomic_read(&page->_refcount)") +
	       vm_bug_hits("atomic_read(&f->page._refcount)");
}

/* VM_BUG_ON hits other than the refcount-assert experiment's. */
static inline unsigned long other_hits(void)
{
	return vm_bug_hits(NULL) - pgflags_hits();
}

static inline void fb_mem_map_destroy(struct page *map)
{
	set_mem_map(NULL, 0);
	free(map);
}

/* A cmocka setup: a fresh mem_map of @nr pages, no assertion hit yet. */
static inline int fb_mem_map_setup(void **state, unsigned long nr)
{
	*state = fb_mem_map_create(nr);
	vm_bug_reset();
	return 0;
}

/* Its teardown. */
static inline int fb_mem_map_teardown(void **state)
{
	fb_mem_map_destroy(*state);
	return 0;
}

/*
 * The seed paths' setup: a fresh mem_map of @nr pages, and nothing the
 * paths count (assertions, migration entries met unlocked or cleaned up,
 * temporary stacks skipped) counted yet.
 */
static inline int fb_seed_setup(void **state, unsigned long nr)
{
	migration_entry_unlocked = 0;
	migration_dangling_removed = 0;
	migration_temporary_stack_skipped = 0;
	return fb_mem_map_setup(state, nr);
}

/* Its teardown, which also drops the wait deadline a test may have set. */
static inline int fb_seed_teardown(void **state)
{
	clear_wait_deadline();
	return fb_mem_map_teardown(state);
}

/* A page as the allocator hands it out: one reference, no flags. */
static inline struct page *fb_alloc_page(unsigned long pfn)
{
	struct page *page = pfn_to_page(pfn);

	assert_true(PageBuddy(page));
	prep_new_page(page);
	return page;
}

static inline void fb_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Poll @ok(@arg) for up to @ms milliseconds.  Only ever a bound on a wait
 * that the test expects to end well before it, never a timing threshold.
 */
static inline bool fb_wait_for(bool (*ok)(void *arg), void *arg,
			       unsigned int ms)
{
	uint64_t deadline = ktime_get_ns() + (uint64_t)ms * 1000000ull;

	while (!ok(arg)) {
		if (ktime_get_ns() > deadline)
			return false;
		fb_sleep_ms(1);
	}
	return true;
}

/* How long a waiter that must be woken may sleep before the test fails. */
#define FB_WAKE_BOUND_NS (20ull * 1000 * 1000 * 1000)
#define FB_WAKE_BOUND_MS 20000

#endif /* FB_TESTS_CORE_TEST_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page migration: isolating movable pages, moving the mapping under a frozen
 * refcount, migration entries and the faults that meet them.
 * Models mm/migrate.c of v6.1 (isolate_movable_page), v5.17 (putback and
 * move_to_new_page's PG_isolated handling), v5.0 (migrate_page_move_mapping,
 * move_to_new_page, __migration_entry_wait; fs/iomap.c iomap_migrate_page)
 * and v2.6.34 with seed 003's patch (unmap_and_move, migrate_page_copy,
 * try_to_unmap and remove_migration_ptes by rmap walk,
 * migration_entry_wait and its clean-up of dangling entries) and
 * a8bef8ff6ea1 (skip exec's temporary stack).
 */
#ifndef FLAGBENCH_MIGRATE_H
#define FLAGBENCH_MIGRATE_H

#include <flagbench/pagemap.h>
#include <flagbench/swapops.h>

#define MIGRATEPAGE_SUCCESS 0
typedef unsigned int isolate_mode_t;

/* The model's one movable-page driver (mm/balloon_compaction.c, v6.1). */
extern const struct movable_operations balloon_mops;

/* v6.1 __SetPageMovable(): the mapping word says "movable, ops here". */
static __always_inline void __SetPageMovable(struct page *page,
					     const struct movable_operations *mops)
{
	WRITE_ONCE(page->mapping, (struct address_space *)((unsigned long)mops |
							   PAGE_MAPPING_MOVABLE));
}

static __always_inline void __ClearPageMovable(struct page *page)
{
	WRITE_ONCE(page->mapping, (struct address_space *)PAGE_MAPPING_MOVABLE);
}

static __always_inline const struct movable_operations *
page_movable_ops(struct page *page)
{
	return (const struct movable_operations *)
		((unsigned long)READ_ONCE(page->mapping) - PAGE_MAPPING_MOVABLE);
}

/* mm/compaction.c v6.1; the page must be locked. */
bool PageMovable(struct page *page);

/*
 * 0 when isolated (a reference held, PG_isolated set); -EBUSY when not;
 * -EFAULT when the checks let a page through whose mapping word is not a
 * movable_operations: the kernel would call through that pointer and crash
 * (seed 004's slab page taken as movable).  Counted at its own site too.
 */
int isolate_movable_page(struct page *page, isolate_mode_t mode);

/*
 * Where this thread's last isolate_movable_page() call ended, set by the
 * code path itself (the model's marker for seed 004; no timing, and no
 * kernel counterpart).  In this order: every value from IMP_LOCK_BUSY on
 * passed all the tests before the page lock.
 */
enum isolate_movable_stop {
	IMP_NO_REFERENCE,	/* get_page_unless_zero() failed */
	IMP_CHECK_1,		/* the first test before the lock turned it away */
	IMP_CHECK_2,		/* the second (movable_check's order) */
	IMP_CHECK_3,		/* the third */
	IMP_LOCK_BUSY,		/* trylock_page() failed */
	IMP_NOT_MOVABLE_LOCKED,	/* PageMovable()/PageIsolated() under the lock */
	IMP_BAD_OPS,		/* -EFAULT: no movable_operations behind the word */
	IMP_DRIVER_REFUSED,	/* mops->isolate_page() said no */
	IMP_ISOLATED,
};
extern __thread enum isolate_movable_stop isolate_movable_page_stop;

static inline bool isolate_movable_passed_checks(enum isolate_movable_stop s)
{
	return s >= IMP_LOCK_BUSY;
}

/* Called with the page locked: the driver takes it back, PG_isolated goes. */
void putback_movable_page(struct page *page);
/* mm/migrate.c v5.17 putback_movable_pages() for one isolated page. */
int putback_movable_pages_one(struct page *page);
/* Its body from lock_page() on, to unlock_page(): the caller locked @page. */
void putback_movable_pages_one_locked(struct page *page);
/*
 * Called with both pages locked; clears PG_isolated on success (v5.17).
 * A page with a mapping other than the swap cache's migrates as xfs's do
 * (iomap_migrate_page()): its private data and reference move too.
 */
int move_to_new_page(struct page *newpage, struct page *page);
/* fs/iomap.c v5.0 (v5.0-rc4's with surplus_put): mapping, then private data. */
int iomap_migrate_page(struct address_space *mapping, struct page *newpage,
		       struct page *page);
/* v2.6.34's, less the contents: the old page's identity goes. */
void migrate_page_copy(struct page *newpage, struct page *page);

/* Attach fs-private data, with the reference a filesystem should take. */
void attach_page_private(struct page *page, unsigned long data);
/* Migrate the page cache entry and refcount from @page to @newpage. */
int migrate_page_move_mapping(struct address_space *mapping,
			      struct page *newpage, struct page *page,
			      int extra_count);
/* Migration's final refcount check: what a page with a mapping must hold. */
int expected_page_refs(struct page *page);

/* Replace every pte mapping @page by a migration entry (TTU_MIGRATION). */
int try_to_unmap(struct page *page);
/* Turn @ptep's entry for @old back into a pte of @new, under the ptl. */
/* 1 if it restored the pte, 0 if @ptep held no migration entry for @old. */
int remove_migration_pte(struct page *new, struct mm_struct *mm, pte_t *ptep,
			 struct page *old);
/* The number of ptes restored (the kernel's walk does not count them). */
int remove_migration_ptes(struct anon_vma *anon_vma, struct page *old,
			  struct page *new);

/*
 * v2.6.34: migrate the isolated @page (its reference is the caller's) to
 * the free @newpage: lock, unmap into migration entries, move the mapping,
 * restore the ptes (to @newpage on success), unlock, and put both pages
 * back (putback_lru_page()): a migrated old page is then free.  0 or
 * -EAGAIN/-ETIMEDOUT.
 */
int unmap_and_move(struct page *newpage, struct page *page);

/*
 * A fault met a swap pte (v2.6.34).  If it is a migration entry, take a
 * reference, wait for the page lock holding it, put it; with the cleanup
 * knob, remove a dangling entry to an unlocked page (seed 003's patch).
 * Returns 0 (fault again), or -ETIMEDOUT if a wait hit the deadline.
 */
int migration_entry_wait(struct mm_struct *mm, pte_t *ptep);

/*
 * The same in v5.0: the reference is dropped once queued
 * (put_and_wait_on_page_locked), or, with fault_wait=wait-locked, held
 * through the wait as before 9a1ea439b16b.  No clean-up.
 */
int __migration_entry_wait(struct mm_struct *mm, pte_t *ptep);

/* How many dangling entries this thread removed (the cleanup knob). */
extern __thread unsigned long migration_dangling_removed;
/*
 * What this thread's faults on migration entries met: a reference taken
 * (got) or a zero count (frozen: frozen by migration, or the page freed)
 * - the model's record of what the fault held, for seeds 002 and 003.
 */
extern __thread unsigned long migration_entry_wait_got;
extern __thread unsigned long migration_entry_wait_frozen;
/* How many temporary exec stacks this thread's try_to_unmap skipped. */
extern __thread unsigned long migration_temporary_stack_skipped;

#endif /* FLAGBENCH_MIGRATE_H */

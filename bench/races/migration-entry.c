// SPDX-License-Identifier: GPL-2.0
/*
 * migration-entry, seed 003 (Mel Gorman and Christoph Lameter, "mm,
 * migration: Allow the migration of PageSwapCache pages", April 2010).
 *
 *	A (unmap_and_move)			B (a fault: do_swap_page)
 *	lock_page(page)
 *	try_to_unmap(): pte = migration entry
 *	move_to_new_page()
 *	remove_migration_ptes(): skipped, no
 *	  anon_vma for an unmapped swapcache
 *	  page: the entry dangles
 *	unlock_page(page)
 *						migration_entry_wait():
 *						  migration_entry_to_page():
 *						  BUG_ON(!PageLocked(page))
 *
 * The page is an anonymous swap cache page mapped by one pte, isolated for
 * migration.  A migrates it; with the dangling_entry knob (the unmapped
 * swapcache path the thread suspects) its pte keeps the migration entry.
 * B faults on the pte and, like the kernel, faults again after each
 * migration_entry_wait() until the pte maps a page (at most
 * ME_MAX_REFAULTS times).  Strict kernels hit the BUG_ON; with Mel's patch
 * (migration_entry=cleanup) the fault removes the dangling entry instead.
 */
#include <pthread.h>
#include <string.h>
#include <flagbench/migrate.h>
#include "race.h"

#define ME_MAX_REFAULTS 4

struct migration_entry {
	struct mm_struct mm;
	struct anon_vma anon_vma;
	pte_t pte;
	int a_rc;
	int b_ret __aligned(64);
	int b_faults;		/* migration_entry_wait() calls */
	bool b_bug;		/* the BUG_ON fired in B's fault */
	bool b_present;		/* the pte mapped a page in the end */
	unsigned long b_cleaned;	/* dangling entries B removed */
};

enum {
	ME_ENTRY_UNLOCKED,
	ME_DANGLING_CLEANED,
	ME_NO_ENTRY,
	ME_WAITED,
	ME_REFAULT_LIMIT,
	ME_DEADLINE_MISS,
	ME_MIGRATE_FAILED,
};

static struct vm_bug_site *me_sites[4];
static pthread_once_t me_once = PTHREAD_ONCE_INIT;

static void me_find_sites(void)
{
	race_find_sites("migration_entry_to_page", "!PageLocked(p) && lock_required",
			me_sites, ARRAY_SIZE(me_sites));
}

static void me_migrate(struct race_trial *t)
{
	struct migration_entry *d = t->data;

	d->a_rc = unmap_and_move(&t->pages[1], &t->pages[0]);
}

static void me_fault(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	unsigned long bugs = race_sites_hits(me_sites);
	unsigned long cleaned = migration_dangling_removed;
	pte_t pte = READ_ONCE(d->pte);

	/* do_swap_page() is only entered for a swap pte. */
	while (is_swap_pte(pte) && d->b_faults < ME_MAX_REFAULTS) {
		d->b_faults++;
		d->b_ret = __migration_entry_wait(&d->mm, &d->pte);
		if (race_sites_hits(me_sites) != bugs) {
			d->b_bug = true;	/* the kernel stops here */
			break;
		}
		if (d->b_ret)
			break;
		pte = READ_ONCE(d->pte);
	}
	d->b_present = pte_present(READ_ONCE(d->pte));
	d->b_cleaned = migration_dangling_removed - cleaned;
}

static void me_reset(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	struct page *page = &t->pages[0], *newpage = &t->pages[1];

	pthread_once(&me_once, me_find_sites);
	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->mm.page_table_lock);
	d->anon_vma.mm = &d->mm;

	init_free_page(page);
	prep_new_page(page);		/* the swap cache's reference */
	SetPageSwapBacked(page);
	SetPageSwapCache(page);
	page->private = 0x42;		/* its swap entry */
	get_page(page);			/* becomes the pte's */
	page_add_new_anon_rmap(page, &d->anon_vma, &d->pte);
	get_page(page);			/* isolate_lru_page()'s */

	init_free_page(newpage);
	prep_new_page(newpage);
}

static void me_check(struct race_trial *t, unsigned long *counts)
{
	struct migration_entry *d = t->data;

	if (d->a_rc)
		counts[ME_MIGRATE_FAILED]++;
	if (!d->b_faults) {
		counts[ME_NO_ENTRY]++;
		return;
	}
	if (d->b_bug)
		counts[ME_ENTRY_UNLOCKED]++;
	else if (d->b_ret)
		counts[ME_DEADLINE_MISS]++;
	else if (!d->b_present)
		counts[ME_REFAULT_LIMIT]++;
	else if (!d->b_cleaned)
		counts[ME_WAITED]++;
	if (d->b_cleaned)
		counts[ME_DANGLING_CLEANED]++;
}

static const struct race_outcome me_outcomes[] = {
	[ME_ENTRY_UNLOCKED] = { .name = "entry-unlocked", .bad = true,
		.help = "a fault met a migration entry whose page was unlocked: BUG_ON(!PageLocked(p)) in migration_entry_to_page" },
	[ME_DANGLING_CLEANED] = { .name = "dangling-cleaned", .racy = true,
		.help = "the fault removed a dangling migration entry (seed 003's patch)" },
	[ME_NO_ENTRY] = { .name = "no-entry",
		.help = "B faulted before A unmapped the page" },
	[ME_WAITED] = { .name = "waited", .racy = true,
		.help = "B met the entry while A held the page lock, waited, and found the page mapped" },
	[ME_REFAULT_LIMIT] = { .name = "refault-limit",
		.help = "still a migration entry after the bounded refaults" },
	[ME_DEADLINE_MISS] = { .name = "deadline-miss",
		.help = "B's wait for the page lock reached its deadline" },
	[ME_MIGRATE_FAILED] = { .name = "migrate-failed",
		.help = "unmap_and_move() failed (B held a reference at the freeze)" },
};

static const struct race_scenario migration_entry = {
	.name = "migration-entry",
	.seed = "003",
	.description = "unmap_and_move of an unmapped-swapcache page leaves a migration entry behind; a fault on it meets an unlocked page: BUG_ON in migration_entry_to_page, or the dangling entry is cleaned up",
	.roles = { { "unmap_and_move", me_migrate },
		   { "do_swap_page:migration_entry_wait", me_fault } },
	.nr_roles = 2,
	.trial_size = sizeof(struct migration_entry),
	.pages_per_trial = 2,
	.sleeps = true,
	.reset = me_reset,
	.check = me_check,
	.outcomes = me_outcomes,
	.nr_outcomes = ARRAY_SIZE(me_outcomes),
};
DEFINE_RACE_SCENARIO(migration_entry);

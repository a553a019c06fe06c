// SPDX-License-Identifier: GPL-2.0
/*
 * refcount-freeze, seed 002 (Artem Savkov and Hugh Dickins, "mm: race in
 * put_and_wait_on_page_locked()", February 2019).
 *
 *	A (migration, page locked,		B (a fault on the migration
 *	   migration entry installed)		   entry: do_swap_page)
 *						__migration_entry_wait():
 *						  get_page_unless_zero(page)
 *	migrate_page_move_mapping():
 *	  page_ref_freeze(page, expected)
 *						put_and_wait_on_page_locked():
 *						  put_page(): count is 0!
 *	  page_ref_unfreeze(page, expected - 1)
 *	remove_migration_ptes(), unlock_page(), put_page()
 *
 * The freeze must fail while B holds its reference: it succeeds only if
 * someone gave back a reference it never took (the iomap bug, 8e47a457321c:
 * the surplus_put knob, where attach_page_private() takes no reference).
 *
 * Each trial starts where unmap_and_move() has locked the old page (a file
 * page with private data in the page cache, isolated for migration) and
 * the new one, and replaced the pte with a migration entry.  A is the
 * rest: move_to_new_page() (the freeze), remove_migration_ptes(), the
 * unlocks and the isolation reference's put_page().  B is the fault.
 *
 * Roles: A follows mm/migrate.c of v5.0 (move_to_new_page(), with fs/iomap.c
 * iomap_migrate_page(): migrate_page_move_mapping() with page_ref_freeze()
 * of include/linux/page_ref.h, then the private data and its reference
 * moved to the new page; remove_migration_ptes()); B follows mm/migrate.c
 * __migration_entry_wait() and mm/filemap.c put_and_wait_on_page_locked()
 * of v5.0 (9a1ea439b16b), or with fault_wait=wait-locked the code before
 * that commit: wait_on_page_locked() holding the reference, then
 * put_page().
 *
 * Outcomes from what the roles saw, trial by trial.  frozen-under-reader:
 * A's freeze succeeded while B held a reference.  Either B's own put_page
 * met the frozen count (put_and_wait drops the reference while A may be
 * between freeze and unfreeze: the seed's VM_BUG_ON, which B's role
 * watches), or the count A froze had B's reference in it: the owners held
 * one fewer than expected_page_refs() (the reset records what they hold,
 * A what it froze at), and B is the only other holder - the way the bug
 * shows before 9a1ea439b16b, where B puts its reference only after A's
 * unlock and nothing oopses at once.  Then the put on zero as the
 * assertion counts it.  That both RMWs succeed on one word is the
 * ordering question Hugh Dickins set aside ("a barrier missing somewhere"
 * on arm64 and power): they cannot both win unless a reference was given
 * back that was never taken, so without surplus_put frozen-under-reader
 * is forbidden on every architecture and would show a broken
 * get_page_unless_zero/page_ref_freeze pair.  "reader-met-freeze" (B's
 * get failed on the frozen count) and, without the surplus put,
 * "freeze-failed" (B's reference stopped the freeze) mark the window.
 *
 * The old page is freed once migration is done with it, in every build:
 * its private data and their reference went to the new page (v5.0's
 * iomap_migrate_page(); without that the model once counted the free as
 * "freed-in-use", an artefact of not moving PagePrivate).
 */
#include <pthread.h>
#include <string.h>
#include <flagbench/migrate.h>
#include <flagbench/trace.h>
#include "race.h"

struct refcount_freeze {
	struct mm_struct mm;
	struct address_space mapping;
	struct anon_vma rmap;	/* the pte list remove_migration_ptes walks */
	pte_t pte;
	int owner_refs;		/* the owners' references, before any role */
	int a_expected;		/* expected_page_refs(): what A freezes at */
	int a_rc;		/* move_to_new_page() */
	int b_ret __aligned(64);	/* __migration_entry_wait() */
	bool b_got;		/* its get_page_unless_zero succeeded */
	bool b_met_frozen;	/* its get_page_unless_zero met a frozen count */
	bool b_put_on_zero;	/* its put_page found the count at zero */
};

enum {
	RF_FROZEN_UNDER_READER,
	RF_PUT_ON_ZERO,
	RF_READER_MET_FREEZE,
	RF_MIGRATED,
	RF_FREEZE_FAILED,
	RF_DEADLINE_MISS,
};

static struct vm_bug_site *rf_sites[64];	/* one per inlined copy */
static pthread_once_t rf_once = PTHREAD_ONCE_INIT;

static void rf_find_sites(void)
{
	race_find_sites("put_page_testzero", "page_ref_count(page) == 0",
			rf_sites, ARRAY_SIZE(rf_sites));
}

static void rf_migrate(struct race_trial *t)
{
	struct refcount_freeze *d = t->data;
	struct page *page = &t->pages[0], *newpage = &t->pages[1];
	int restored;

	d->a_expected = expected_page_refs(page);
	d->a_rc = move_to_new_page(newpage, page);
	restored = remove_migration_ptes(&d->rmap, page,
					 d->a_rc ? page : newpage);
	trace_fb_count("remove_migration_ptes", restored);
	unlock_page(newpage);
	unlock_page(page);
	trace_fb_step("unlock_page");
	put_page(page);	/* migrate_pages() drops isolation's reference */
}

static void rf_fault(struct race_trial *t)
{
	struct refcount_freeze *d = t->data;
	unsigned long got = migration_entry_wait_got;
	unsigned long frozen = migration_entry_wait_frozen;
	unsigned long zero = race_sites_hits(rf_sites);

	d->b_ret = __migration_entry_wait(&d->mm, &d->pte);
	d->b_got = migration_entry_wait_got != got;
	d->b_met_frozen = migration_entry_wait_frozen != frozen;
	d->b_put_on_zero = race_sites_hits(rf_sites) != zero;
}

static void rf_reset(struct race_trial *t)
{
	struct refcount_freeze *d = t->data;
	struct page *page = &t->pages[0], *newpage = &t->pages[1];

	pthread_once(&rf_once, rf_find_sites);
	memset(d, 0, sizeof(*d));
	spin_lock_init(&d->mm.page_table_lock);
	spin_lock_init(&d->mapping.i_pages_lock);
	d->mapping.name = "xfs";
	d->rmap.mm = &d->mm;
	d->rmap.nr_ptes = 1;
	d->rmap.ptes[0] = &d->pte;

	init_free_page(page);
	prep_new_page(page);		/* the page cache's reference */
	page->mapping = &d->mapping;
	page->index = 0x19;
	SetPageUptodate(page);
	attach_page_private(page, 0xb0ff);	/* iomap_page_create() */
	get_page(page);			/* isolate_lru_page()'s */
	trylock_page(page);		/* unmap_and_move() */
	/* try_to_unmap(): the pte is a migration entry, its reference gone. */
	d->pte = swp_entry_to_pte(make_migration_entry(page, 0));

	init_free_page(newpage);
	prep_new_page(newpage);
	trylock_page(newpage);
	d->owner_refs = page_ref_count(page);
}

static unsigned int rf_check(struct race_trial *t)
{
	struct refcount_freeze *d = t->data;
	unsigned int seen = 0;

	if (d->b_ret)
		seen |= RACE_CLASS(RF_DEADLINE_MISS);
	if (d->b_met_frozen)
		seen |= RACE_CLASS(RF_READER_MET_FREEZE);
	if (d->a_rc)
		return seen | RACE_CLASS(RF_FREEZE_FAILED);
	seen |= RACE_CLASS(RF_MIGRATED);
	/*
	 * B's reference, taken and still held when its put met the freeze;
	 * or in the count A froze, the owners' being one short of it - unless
	 * B's wait ended at its deadline, where B keeps a reference the
	 * kernel's sleeping fault would hold too, but only the deadline let
	 * B get out of A's way (serialised in reverse, every trial).
	 */
	if ((d->b_got && d->b_put_on_zero) ||
	    (!d->b_ret && d->owner_refs < d->a_expected))
		seen |= RACE_CLASS(RF_FROZEN_UNDER_READER);
	return seen;
}

static const struct race_outcome rf_outcomes[] = {
	[RF_FROZEN_UNDER_READER] = { .name = "frozen-under-reader", .bad = true,
		.help = "page_ref_freeze succeeded while B held a reference: B's put_page met the frozen count, or the count A froze had B's reference in it (the owners held one fewer than expected)" },
	[RF_PUT_ON_ZERO] = { .name = "put-on-zero", .bad = true,
		.assert_func = "put_page_testzero",
		.assert_cond = "page_ref_count(page) == 0",
		.help = "put_page on a zero (frozen) refcount: VM_BUG_ON_PAGE(page_ref_count(page) == 0)" },
	[RF_READER_MET_FREEZE] = { .name = "reader-met-freeze", .racy = true,
		.help = "B's get_page_unless_zero met the frozen count and failed: the fault came inside the freeze" },
	[RF_MIGRATED] = { .name = "migrated", .help = "the freeze succeeded" },
	/*
	 * Without the surplus put, a failed freeze is B's reference met by
	 * A's freeze: the window.  With it, the freeze fails exactly when B
	 * held nothing at that instant: not the window, so not racy.
	 */
	[RF_FREEZE_FAILED] = { .name = "freeze-failed",
		.racy = !IS_ENABLED(CONFIG_FB_SURPLUS_PUT_ON),
		.help = "B's reference made the freeze fail, as it must (with surplus_put: B held none at the freeze)" },
	[RF_DEADLINE_MISS] = { .name = "deadline-miss",
		.help = "B's wait for the page lock reached its deadline" },
};

static const struct race_scenario refcount_freeze = {
	.name = "refcount-freeze",
	.seed = "002",
	.description = "migrate_page_move_mapping's page_ref_freeze against a fault's get_page_unless_zero + put_and_wait_on_page_locked (or, before 9a1ea439b16b, wait_on_page_locked + put_page); with a surplus put_page the freeze succeeds under the reader",
	.roles = { { "move_to_new_page+remove_migration_ptes+unlock_page", rf_migrate },
		   { "__migration_entry_wait", rf_fault } },
	.nr_roles = 2,
	.trial_size = sizeof(struct refcount_freeze),
	.pages_per_trial = 2,
	.sleeps = true,
	.reset = rf_reset,
	.check = rf_check,
	RACE_OUTCOMES(rf_outcomes),
	/*
	 * Without a surplus put, the freeze and get_page_unless_zero() are
	 * RMWs on one word: whichever comes second sees the other, on every
	 * architecture.
	 */
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_FORBIDDEN),
};
DEFINE_RACE_SCENARIO(refcount_freeze);

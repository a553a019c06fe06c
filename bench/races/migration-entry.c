// SPDX-License-Identifier: GPL-2.0
/*
 * migration-entry, seed 003 (Mel Gorman and Christoph Lameter, "mm,
 * migration: Allow the migration of PageSwapCache pages", April 2010).
 *
 * The thread's suspect, the unmapped swapcache page, "cannot be the case"
 * (Mel): try_to_unmap installs no entry for an unmapped page.  Its
 * "dangling migration PTEs coming from somewhere" were the race the thread
 * converged on (Andrea Arcangeli: "migrate.c requires rmap to be able to
 * find all ptes mapping a page at all times"; Mel's fix a8bef8ff6ea1, May
 * 2010): exec moves its temporary stack while the stack page migrates.
 *
 *	A (unmap_and_move)			B (exec, then its first touch)
 *	lock_page(page)
 *	try_to_unmap(): rmap walk finds the
 *	  pte at the old address: entry
 *						shift_arg_pages():
 *						  vma_adjust(): vm_start down
 *	move_to_new_page()
 *	remove_migration_ptes(): the rmap
 *	  walk looks at the new address:
 *	  nothing there, the entry is missed
 *	unlock_page(page)
 *						  move_page_tables(): the entry
 *						    moves to the new address
 *						do_swap_page():
 *						  migration_entry_wait():
 *						  BUG_ON(!PageLocked(page))
 *
 * Roles, all v2.6.34: A is mm/migrate.c unmap_and_move() with mm/rmap.c's
 * try_to_unmap_anon() and rmap_walk_anon() (vma_address() from the vma as
 * it is at that instant), migrate_page() and the putback_lru_page() of
 * both pages that frees a migrated old page; B is fs/exec.c
 * shift_arg_pages() (mm/mmap.c vma_adjust(), mm/mremap.c
 * move_page_tables()), then setup_arg_pages() clearing
 * VM_STACK_INCOMPLETE_SETUP and a fault on the moved stack page
 * (mm/memory.c do_swap_page(), mm/migrate.c migration_entry_wait():
 * get_page_unless_zero(), wait_on_page_locked(), put_page(); seed 003's
 * patch under migration_entry=cleanup), faulting again while the pte is a
 * swap pte, at most ME_MAX_REFAULTS times.  The knob
 * exec_stack=skip-temporary is a8bef8ff6ea1: try_to_unmap leaves the
 * temporary stack alone.
 *
 * The bad outcomes, each from the roles' own records, in every build: the
 * fault met a migration entry whose page was unlocked (the question the
 * BUG_ON asks, answered whether or not this build asks it); and what Mel's
 * clean-up does with such an entry.  His patch maps back the page the
 * entry names - remove_migration_pte(page, vma, address, page) - which
 * after a successful migration is the old page: its contents and its anon
 * identity went to the new page, which nothing maps any more, and
 * migration's putback is freeing it.  If the putback wins, the entry names
 * a free page: get_page_unless_zero() fails at every fault and nothing
 * removes the entry (the kernel faults again until the page is reused).
 * The window: remove_migration_ptes() found nothing, so the entry was left
 * behind ("walk-missed", A's record).
 *
 * The page is the top page of a four-page anonymous stack at 8 pages,
 * moved down by 6, isolated for migration.  Serialised, the rmap always
 * finds the pte: nothing dangles.
 */
#include <pthread.h>
#include <string.h>
#include <flagbench/migrate.h>
#include <flagbench/trace.h>
#include "race.h"

#define ME_MAX_REFAULTS 4
/*
 * The temporary stack: ME_STACK_PAGES pages from ME_STACK, moved down by
 * ME_SHIFT.  The migrating page is the top one, the last that
 * move_page_tables() moves; the others are mapped by pages nobody
 * migrates, so that the move has the work of a real argument stack.
 */
#define ME_STACK_PAGES 4
#define ME_STACK (8UL << PAGE_SHIFT)
#define ME_SHIFT (6UL << PAGE_SHIFT)
#define ME_TOP (ME_STACK + ((ME_STACK_PAGES - 1UL) << PAGE_SHIFT))

struct migration_entry {
	struct mm_struct mm;
	struct vm_area_struct vma;
	struct anon_vma anon_vma;
	int a_rc;
	bool a_unmapped;	/* try_to_unmap installed the entry */
	bool a_skipped;		/* try_to_unmap skipped the temporary stack */
	int a_restored;		/* ptes remove_migration_ptes restored */
	int b_ret __aligned(64);
	int b_faults;		/* migration_entry_wait() calls */
	bool b_bug;		/* the BUG_ON fired in B's fault */
	bool b_present;		/* the pte mapped a page in the end */
	bool b_unlocked;	/* a fault met the entry's page unlocked */
	bool b_got;		/* a fault took a reference on the page */
	unsigned long b_cleaned;	/* dangling entries B removed */
	/* The two pages' contents, for migrate_page_copy(). */
	char old_data[4096] __aligned(64);
	char new_data[4096] __aligned(64);
};

enum {
	ME_ENTRY_UNLOCKED,
	ME_REMAPPED_OLD,
	ME_ENTRY_STUCK,
	ME_WALK_MISSED,
	ME_DANGLING_CLEANED,
	ME_WAITED,
	ME_UNMAP_MISSED,
	ME_STACK_SKIPPED,
	ME_NO_ENTRY,
	ME_REFAULT_LIMIT,
	ME_DEADLINE_MISS,
};

static struct vm_bug_site *me_sites[64];	/* one per inlined copy */
static pthread_once_t me_once = PTHREAD_ONCE_INIT;

static void me_find_sites(void)
{
	race_find_sites("migration_entry_to_page", "!locked && lock_required",
			me_sites, ARRAY_SIZE(me_sites));
}

/*
 * unmap_and_move(), v2.6.34 (core/migrate.c has it whole), recording what
 * each rmap walk found.
 */
static void me_migrate(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	struct page *page = &t->pages[0], *newpage = &t->pages[1];
	unsigned long skipped = migration_temporary_stack_skipped;
	int rc;

	rc = lock_page(page);
	if (rc)
		goto out;
	if (!trylock_page(newpage)) {
		rc = -EAGAIN;
		goto unlock;
	}
	try_to_unmap(page);
	d->a_unmapped = !page_mapped(page);
	trace_fb_test("try_to_unmap: entry", d->a_unmapped);
	d->a_skipped = migration_temporary_stack_skipped != skipped;
	rc = page_mapped(page) ? -EAGAIN : move_to_new_page(newpage, page);
	/*
	 * v2.6.34 migrate_page(): after the mapping, migrate_page_copy()
	 * copies the contents (copy_highpage) - the bulk of the time the
	 * entries are installed - and wipes the old page's identity.
	 */
	if (!rc) {
		memcpy(d->new_data, d->old_data, sizeof(d->new_data));
		migrate_page_copy(newpage, page);
	}
	d->a_restored = remove_migration_ptes(&d->anon_vma, page,
					      rc ? page : newpage);
	trace_fb_count("remove_migration_ptes", d->a_restored);
	unlock_page(newpage);
unlock:
	unlock_page(page);
	trace_fb_step("unlock_page");
	/* putback_lru_page() of both: a migrated old page is freed here. */
	if (rc != -EAGAIN)
		put_page(page);
	put_page(newpage);
out:
	d->a_rc = rc;
}

/* setup_arg_pages(): move the stack, end its setup, touch it. */
static void me_exec(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	unsigned long bugs = race_sites_hits(me_sites);
	unsigned long cleaned = migration_dangling_removed;
	unsigned long unlocked = migration_entry_unlocked;
	unsigned long got = migration_entry_wait_got;
	pte_t *ptep = pte_offset_map(&d->mm, ME_TOP - ME_SHIFT);
	pte_t pte;

	shift_arg_pages(&d->vma, ME_SHIFT);
	WRITE_ONCE(d->vma.vm_flags,
		   d->vma.vm_flags & ~VM_STACK_INCOMPLETE_SETUP);

	/* do_swap_page() is only entered for a swap pte. */
	pte = READ_ONCE(*ptep);
	while (is_swap_pte(pte) && d->b_faults < ME_MAX_REFAULTS) {
		d->b_faults++;
		d->b_ret = migration_entry_wait(&d->mm, ptep);
		if (race_sites_hits(me_sites) != bugs) {
			d->b_bug = true;	/* the kernel stops here */
			break;
		}
		if (d->b_ret)
			break;
		pte = READ_ONCE(*ptep);
	}
	d->b_present = pte_present(READ_ONCE(*ptep));
	d->b_cleaned = migration_dangling_removed - cleaned;
	d->b_unlocked = migration_entry_unlocked != unlocked;
	d->b_got = migration_entry_wait_got != got;
}

static void me_reset(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	struct page *page = &t->pages[0], *newpage = &t->pages[1];
	unsigned int i;

	pthread_once(&me_once, me_find_sites);
	memset(d, 0, offsetof(struct migration_entry, old_data));
	spin_lock_init(&d->mm.page_table_lock);
	spin_lock_init(&d->anon_vma.lock);
	/* __bprm_mm_init(): the temporary stack vma, one page here. */
	d->vma.vm_mm = &d->mm;
	d->vma.vm_start = ME_STACK;
	d->vma.vm_end = ME_STACK + ((unsigned long)ME_STACK_PAGES << PAGE_SHIFT);
	d->vma.vm_pgoff = ME_STACK >> PAGE_SHIFT;
	d->vma.vm_flags = VM_GROWSDOWN | VM_STACK_INCOMPLETE_SETUP;
	d->mm.new_pmd_needed = true;	/* the new stack is in a new pmd */
	d->vma.anon_vma = &d->anon_vma;
	d->anon_vma.mm = &d->mm;
	d->anon_vma.vma = &d->vma;

	init_free_page(page);
	prep_new_page(page);		/* becomes the pte's */
	page->index = ME_TOP >> PAGE_SHIFT;	/* linear_page_index() */
	page_add_new_anon_rmap(page, &d->anon_vma,
			       pte_offset_map(&d->mm, ME_TOP));
	get_page(page);			/* isolate_lru_page()'s */

	/* The rest of the stack: arguments and environment, not migrating. */
	for (i = 0; i + 1 < ME_STACK_PAGES; i++) {
		struct page *p = &t->pages[2 + i];

		init_free_page(p);
		prep_new_page(p);
		p->index = (ME_STACK >> PAGE_SHIFT) + i;
		WRITE_ONCE(*pte_offset_map(&d->mm, ME_STACK + (i << PAGE_SHIFT)),
			   mk_pte(p));
	}

	init_free_page(newpage);
	prep_new_page(newpage);
}

/* After a successful migration, the clean-up mapped the old page back. */
static bool me_remapped_old(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	pte_t pte = READ_ONCE(*pte_offset_map(&d->mm, ME_TOP - ME_SHIFT));

	return d->b_cleaned && !d->a_rc && pte_present(pte) &&
	       pte_pfn(pte) == page_to_pfn(&t->pages[0]);
}

/* The fault gave up on an entry that names a free page. */
static bool me_entry_stuck(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	pte_t pte = READ_ONCE(*pte_offset_map(&d->mm, ME_TOP - ME_SHIFT));

	return is_swap_pte(pte) && PageBuddy(&t->pages[0]);
}

static unsigned int me_check(struct race_trial *t)
{
	struct migration_entry *d = t->data;
	unsigned int seen = 0;

	if (d->a_skipped)
		seen |= RACE_CLASS(ME_STACK_SKIPPED);
	else if (!d->a_unmapped)
		seen |= RACE_CLASS(ME_UNMAP_MISSED);
	else if (!d->a_restored)
		seen |= RACE_CLASS(ME_WALK_MISSED);
	if (!d->b_faults)
		return seen | RACE_CLASS(ME_NO_ENTRY);
	if (d->b_unlocked)
		seen |= RACE_CLASS(ME_ENTRY_UNLOCKED);
	if (d->b_cleaned)
		seen |= RACE_CLASS(ME_DANGLING_CLEANED);
	if (me_remapped_old(t))
		seen |= RACE_CLASS(ME_REMAPPED_OLD);
	if (d->b_bug)
		return seen;	/* the kernel stopped at the BUG_ON */
	if (d->b_ret)
		seen |= RACE_CLASS(ME_DEADLINE_MISS);
	else if (!d->b_present && me_entry_stuck(t))
		seen |= RACE_CLASS(ME_ENTRY_STUCK);
	else if (!d->b_present)
		seen |= RACE_CLASS(ME_REFAULT_LIMIT);
	else if (!d->b_unlocked && d->b_got)
		seen |= RACE_CLASS(ME_WAITED);
	return seen;
}

/*
 * a8bef8ff6ea1: try_to_unmap() installs no entry while exec's stack is
 * temporary, and once exec has cleared the flag both rmap walks see the
 * moved vma and the moved pte (the LKMM twin's Never): no entry is ever
 * left behind for the fault to meet unlocked.
 */
static const char *me_no_dangling(void)
{
	if (!IS_ENABLED(CONFIG_FB_EXEC_STACK_SKIP_TEMPORARY))
		return NULL;
	return "exec_stack=skip-temporary (a8bef8ff6ea1): no migration entry is ever left behind in exec's stack, so no fault meets one unlocked";
}

/* The clean-up's outcomes: none without a dangling entry, or without it. */
static const char *me_no_cleanup(const char *strict)
{
	if (me_no_dangling())
		return me_no_dangling();
	return IS_ENABLED(CONFIG_FB_MIGRATION_ENTRY_CLEANUP) ? NULL : strict;
}

static const char *me_no_remap(void)
{
	return me_no_cleanup("migration_entry=strict: no clean-up in this build; a dangling entry is a BUG_ON, nothing maps a page back");
}

static const char *me_no_stuck(void)
{
	return me_no_cleanup("migration_entry=strict: the BUG_ON stops the fault at its first look at a dangling entry (a freed page is unlocked)");
}

static const struct race_outcome me_outcomes[] = {
	[ME_ENTRY_UNLOCKED] = { .name = "entry-unlocked", .bad = true,
		.structural = me_no_dangling,
		.help = "the process faulted on a migration entry whose page was unlocked (migration_entry_to_page's look at PG_locked, before its BUG_ON decides: counted in every build)" },
	[ME_REMAPPED_OLD] = { .name = "remapped-old", .bad = true,
		.structural = me_no_remap,
		.help = "after a successful migration, the clean-up mapped the old page back in the entry's place: the page migration emptied and is freeing, not the new one that has the contents" },
	[ME_ENTRY_STUCK] = { .name = "entry-stuck", .bad = true,
		.structural = me_no_stuck,
		.help = "the dangling entry names a page migration has freed: get_page_unless_zero fails at every fault and nothing removes the entry (the kernel faults again until the page is reused)" },
	[ME_WALK_MISSED] = { .name = "walk-missed", .racy = true,
		.help = "the window: remove_migration_ptes' rmap walk found no entry where exec's vma_adjust said the page was, before move_page_tables brought it there: the entry was left behind" },
	[ME_DANGLING_CLEANED] = { .name = "dangling-cleaned", .racy = true,
		.help = "the fault removed a dangling migration entry (seed 003's patch)" },
	[ME_WAITED] = { .name = "waited",
		.help = "the fault met the entry while migration held the page lock, waited holding a reference, and found the page mapped: the roles met, but nothing was left behind" },
	[ME_UNMAP_MISSED] = { .name = "unmap-missed",
		.help = "try_to_unmap's rmap walk came between exec's vma_adjust and move_page_tables and found no pte: migration gave up (-EAGAIN) and left no entry" },
	/*
	 * Not racy: migration skips the stack whenever exec has not finished
	 * with it, even when the roles run one after the other.
	 */
	[ME_STACK_SKIPPED] = { .name = "stack-skipped",
		.help = "try_to_unmap met exec's temporary stack and left it alone (a8bef8ff6ea1)" },
	[ME_NO_ENTRY] = { .name = "no-entry",
		.help = "the process's first touch found its stack page mapped" },
	[ME_REFAULT_LIMIT] = { .name = "refault-limit",
		.help = "still a migration entry after the bounded refaults" },
	[ME_DEADLINE_MISS] = { .name = "deadline-miss",
		.help = "the fault's wait for the page lock reached its deadline" },
};

static const struct race_scenario migration_entry = {
	.name = "migration-entry",
	.seed = "003",
	.description = "exec's shift_arg_pages moves the stack's pte between migration's two rmap walks: the migration entry is left behind, and the process's fault meets it with the page unlocked (BUG_ON in migration_entry_to_page), or cleans it up by mapping the old page back",
	.roles = { { "unmap_and_move", me_migrate },
		   { "shift_arg_pages+do_swap_page", me_exec } },
	.nr_roles = 2,
	.trial_size = sizeof(struct migration_entry),
	.pages_per_trial = 2 + ME_STACK_PAGES - 1,
	.sleeps = true,
	.reset = me_reset,
	.check = me_check,
	RACE_OUTCOMES(me_outcomes),
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_REPRODUCE),
};
DEFINE_RACE_SCENARIO(migration_entry);

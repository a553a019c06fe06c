// SPDX-License-Identifier: GPL-2.0
/*
 * slab-movable, seed 004 (Vlastimil Babka and Hyeonggon Yoo, "amusing SLUB
 * compaction bug when CC_OPTIMIZE_FOR_SIZE", October 2022).
 *
 *	A (isolate_movable_page)	B (slab alloc)		C (slab free)
 *	folio_try_get()
 *	folio_test_slab() == false
 *					__folio_set_slab()
 *					smp_wmb()
 *					mapping word = LIST_POISON2
 *					freelist through the objects
 *	smp_rmb()
 *	__folio_test_movable() == true
 *								folio->mapping = NULL
 *								smp_wmb()
 *								__folio_clear_slab()
 *	smp_rmb()
 *	folio_test_slab() == false
 *	folio_trylock(), PageMovable(), page_movable_ops()->isolate_page()
 *
 * A slab's list pointer in the word that is folio->mapping can be
 * LIST_POISON2, whose low bits say "movable".  isolate_movable_page()'s
 * checks before the page lock, their order and barriers (movable_check,
 * slab_barriers) and slab pages' refcount (slab_refcount=frozen) are the
 * variant's.  The bad outcome is the model's -EFAULT: the checks let a
 * page through whose mapping word is not a movable_operations, and the
 * kernel would have called through it.
 *
 * Roles: A follows mm/migrate.c isolate_movable_page() of v6.1 (with the
 * v6.2 checks of 8b8817630ae8 under movable_check=slab-movable-slab); B
 * and C follow mm/slub.c allocate_slab() and __free_slab() of v6.1 with
 * the struct slab layout of v6.2 (65505d1f2338, below).
 *
 * The slab lives at least as long as allocate_slab() takes to thread the
 * freelist through its 64 objects, after the mapping word is stored: in
 * the kernel a slab then serves objects for microseconds or more, and in
 * v6.2 its word is LIST_POISON2 from remove_partial() on.  The model
 * keeps only that least life, which one thread allocating and freeing in
 * turn has too.  Before, B stored the word and C cleared it at once, and
 * folded on two CPUs the slab lived a few nanoseconds.
 *
 * Three roles need three CPUs; with two, B allocates and frees as one
 * role (the reply's interleaving needs alloc and free both inside A's
 * checks, which one thread doing both in turn can produce).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <flagbench/migrate.h>
#include <flagbench/slab.h>
#include "race.h"

/* How long C waits for B's slab before giving up (spins of a load). */
#define SM_FREE_WAIT_SPINS 100000

/* kmalloc-cg-64 in v6.1: 64-byte objects, an order-0 slab of 4 KiB. */
#define SM_OBJECT_SIZE 64
#define SM_SLAB_BYTES 4096

struct slab_movable {
	int a_ret;			/* isolate_movable_page() */
	bool a_got;			/* its folio_try_get() succeeded */
	int allocated __aligned(64);	/* B is done: C may free */
	bool c_gave_up;
	/* The slab's memory: its objects, which allocate_slab() threads. */
	char objects[SM_SLAB_BYTES] __aligned(64);
};

enum {
	SM_TAKEN_AS_MOVABLE,
	SM_MET_SLAB_LIFE,
	SM_BUSY,
	SM_ISOLATED,
	SM_FREE_SKIPPED,
};

/*
 * The word at folio->mapping of a SLUB page: in v6.1 it is slab_cache, an
 * aligned pointer that never looks movable; v6.2's rearrangement of struct
 * slab (65505d1f2338, which came with the fix 8b8817630ae8) put
 * slab_list.prev there, and LIST_POISON2 has PAGE_MAPPING_MOVABLE's bit.
 * The race is the v6.2 layout's, before the fix.
 */
static struct kmem_cache sm_cache = {
	.name = "kmalloc-cg-64",
	.mapping_word = LIST_POISON2,
	.size = SM_OBJECT_SIZE,
	/* calculate_sizes(): the free pointer mid-object, no RCU or ctor */
	.offset = SM_OBJECT_SIZE / 2,
	.objects = SM_SLAB_BYTES / SM_OBJECT_SIZE,
};

static void sm_isolate(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	unsigned long got = isolate_movable_page_got;

	d->a_ret = isolate_movable_page(&t->pages[0], 0);
	d->a_got = isolate_movable_page_got != got;
}

static void sm_alloc(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	allocate_slab(&sm_cache, &t->pages[0], d->objects);
	__atomic_store_n(&d->allocated, 1, __ATOMIC_RELEASE);
}

static void sm_free(struct race_trial *t)
{
	struct slab_movable *d = t->data;
	unsigned long spins = 0;

	while (!__atomic_load_n(&d->allocated, __ATOMIC_ACQUIRE))
		if (++spins > SM_FREE_WAIT_SPINS) {
			d->c_gave_up = true;	/* B was late: no free */
			return;
		}
	__free_slab(&sm_cache, &t->pages[0]);
}

static void sm_alloc_free(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	allocate_slab(&sm_cache, &t->pages[0], d->objects);
	__free_slab(&sm_cache, &t->pages[0]);
}

static void sm_reset(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	/* The objects need no reset: allocate_slab() writes every free
	 * pointer, and nothing reads the rest. */
	memset(d, 0, offsetof(struct slab_movable, objects));
	init_free_page(&t->pages[0]);
}

static void sm_check(struct race_trial *t, unsigned long *counts)
{
	struct slab_movable *d = t->data;

	if (d->c_gave_up)
		counts[SM_FREE_SKIPPED]++;
	if (d->a_got)
		counts[SM_MET_SLAB_LIFE]++;
	if (d->a_ret == -EFAULT)
		counts[SM_TAKEN_AS_MOVABLE]++;
	else if (d->a_ret)
		counts[SM_BUSY]++;
	else
		counts[SM_ISOLATED]++;
}

static const struct race_outcome sm_outcomes[] = {
	[SM_TAKEN_AS_MOVABLE] = { .name = "taken-as-movable", .bad = true,
		.help = "isolate_movable_page() passed a slab page to its movable_operations (-EFAULT)" },
	[SM_MET_SLAB_LIFE] = { .name = "met-slab-life", .racy = true,
		.help = "isolate_movable_page()'s folio_try_get() took a reference: its checks ran while the page was allocated (the slab's life), the window" },
	[SM_BUSY] = { .name = "busy",
		.help = "isolate_movable_page() turned the page away (-EBUSY)" },
	[SM_ISOLATED] = { .name = "isolated",
		.help = "isolated as a movable page: impossible here, no driver owns it" },
	[SM_FREE_SKIPPED] = { .name = "free-skipped",
		.help = "C waited for B's allocation past its bound and did not free" },
};

/* v6.1: no slab test before the page lock, no barriers: everywhere. */
static const struct race_arch_expect sm_expect[] = {
	{ NULL, EXPECT_REPRODUCE },
};

static const struct race_scenario slab_movable = {
	.name = "slab-movable",
	.seed = "004",
	.description = "isolate_movable_page's checks against a slab page allocated and freed under it, whose mapping word is LIST_POISON2: a slab page taken as movable",
	.roles = { { "isolate_movable_page", sm_isolate },
		   { "allocate_slab", sm_alloc },
		   { "__free_slab", sm_free } },
	.nr_roles = 3,
	.folded_roles = { { "isolate_movable_page", sm_isolate },
			  { "allocate_slab+__free_slab", sm_alloc_free } },
	.nr_folded_roles = 2,
	.trial_size = sizeof(struct slab_movable),
	.pages_per_trial = 1,
	.reset = sm_reset,
	.check = sm_check,
	.outcomes = sm_outcomes,
	.nr_outcomes = ARRAY_SIZE(sm_outcomes),
	.expect = sm_expect,
};
DEFINE_RACE_SCENARIO(slab_movable);

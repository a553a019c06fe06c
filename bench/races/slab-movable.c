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
 * kernel would have called through it.  Where the checks let it through
 * and which test turned it away otherwise, the model's
 * isolate_movable_page() says itself (isolate_movable_page_stop).
 *
 * Roles: A follows mm/migrate.c isolate_movable_page() of v6.1 (with the
 * v6.2 checks of 8b8817630ae8 under movable_check=slab-movable-slab); B
 * and C follow mm/slub.c allocate_slab() and __free_slab() of v6.1 (with
 * slab_barriers, v6.2's smp_wmb()s and free order) with the struct slab
 * layout of v6.2 (130d4df57390, below).
 *
 * The life modelled: the word is LIST_POISON2 from the allocation on, for
 * at least as long as allocate_slab() takes to thread the freelist
 * through its 64 objects, then C frees the slab.  In v6.2 a new slab's
 * word is NULL (the page allocator's) and becomes LIST_POISON2 only when
 * remove_partial()'s list_del() takes the slab off a node's partial list;
 * the model moves that store up to the earliest instant the seed's patch
 * orders it at, right after __folio_set_slab() and its smp_wmb(): the
 * tightest allocation edge a slab can have, and the least life.  Its free
 * edge is the release's __free_slab().  The LKMM twins have no time, so
 * the move changes none of their verdicts; it changes how often an edge
 * is met.
 *
 * Three roles need three CPUs; with two, B allocates and frees as one
 * role (the reply's interleaving needs alloc and free both inside A's
 * checks, which one thread doing both in turn can produce).  C follows B:
 * a serialised run, in either order, frees only a slab B has allocated.
 */
#include <stddef.h>
#include <string.h>
#include <flagbench/kconfig.h>
#include <flagbench/migrate.h>
#include <flagbench/slab.h>
#include <flagbench/trace.h>
#include "race.h"

/* How long C waits for B's slab before giving up (spins of a load). */
#define SM_FREE_WAIT_SPINS 100000

/* kmalloc-cg-64 in v6.1: 64-byte objects, an order-0 slab of 4 KiB. */
#define SM_OBJECT_SIZE 64
#define SM_SLAB_BYTES 4096

struct slab_movable {
	enum isolate_movable_stop a_stop;	/* where isolate_movable_page() ended */
	int allocated __aligned(64);	/* B is done: C may free */
	bool c_gave_up;
	/* The slab's memory: its objects, which allocate_slab() threads. */
	char objects[SM_SLAB_BYTES] __aligned(64);
};

enum {
	SM_TAKEN_AS_MOVABLE,
	SM_PASSED_CHECKS,
	SM_MET_SLAB_LIFE,
	SM_REFUSED_1,
	SM_REFUSED_2,
	SM_REFUSED_3,
	SM_REFUSED_LOCKED,
	SM_NO_REFERENCE,
	SM_ISOLATED,
	SM_FREE_SKIPPED,
};

/*
 * The word at folio->mapping of a SLUB page: in v6.1 it is slab_cache, an
 * aligned pointer that never looks movable; v6.2's rearrangement of struct
 * slab (130d4df57390, 65505d1f2338 in linux-next, which came with the fix
 * 8b8817630ae8) put slab_list.prev there (and rcu_head.func, Hugh
 * Dickins's crash), and LIST_POISON2 has PAGE_MAPPING_MOVABLE's bit.  The
 * race is the v6.2 layout's, before the fix.
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

	isolate_movable_page(&t->pages[0], 0);
	d->a_stop = isolate_movable_page_stop;
}

/*
 * __free_slab(), and after it an event for the witness (throughput
 * measures it as such: no tracepoint inside): its clear of PG_slab and
 * reset of the word, in the variant's order, are done by then.  None just
 * before it, as for alloc_slab_page() (core/slub.c allocate_slab()).
 */
static void sm_free_slab(struct page *page)
{
	__free_slab(&sm_cache, page);
	trace_fb_step("__free_slab done");
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
	sm_free_slab(&t->pages[0]);
}

static void sm_alloc_free(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	allocate_slab(&sm_cache, &t->pages[0], d->objects);
	sm_free_slab(&t->pages[0]);
}

static void sm_reset(struct race_trial *t)
{
	struct slab_movable *d = t->data;

	/* The objects need no reset: allocate_slab() writes every free
	 * pointer, and nothing reads the rest. */
	memset(d, 0, offsetof(struct slab_movable, objects));
	init_free_page(&t->pages[0]);
}

/*
 * Every trial in which A got a reference met the slab's life (the only
 * reference there is to take is the slab's own), and is counted once by
 * where A stopped; those that passed every test before the lock, once
 * more.  The window is where the tests saw both sides of an edge of the
 * life: passed-checks (with a slab test; without one, the life itself),
 * or refused-3, the third test catching what the first two let by.
 */
static unsigned int sm_check(struct race_trial *t)
{
	struct slab_movable *d = t->data;
	enum isolate_movable_stop stop = d->a_stop;
	unsigned int seen = 0;

	if (d->c_gave_up)
		seen |= RACE_CLASS(SM_FREE_SKIPPED);
	switch (stop) {
	case IMP_NO_REFERENCE:
		return seen | RACE_CLASS(SM_NO_REFERENCE);
	case IMP_CHECK_1:
	case IMP_CHECK_2:
	case IMP_CHECK_3:
		seen |= RACE_CLASS(SM_REFUSED_1 + (stop - IMP_CHECK_1));
		break;
	case IMP_BAD_OPS:
		seen |= RACE_CLASS(SM_TAKEN_AS_MOVABLE);
		break;
	case IMP_ISOLATED:
		seen |= RACE_CLASS(SM_ISOLATED);
		break;
	default:	/* trylock, PageMovable()/PageIsolated(), the driver */
		seen |= RACE_CLASS(SM_REFUSED_LOCKED);
		break;
	}
	seen |= RACE_CLASS(SM_MET_SLAB_LIFE);
	if (isolate_movable_passed_checks(stop))
		seen |= RACE_CLASS(SM_PASSED_CHECKS);
	return seen;
}

/* A frozen slab refcount: A never holds the page, whatever it checks. */
static const char *sm_frozen(void)
{
	if (!IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN))
		return NULL;
	return "slab_refcount=frozen: a slab page's refcount is zero for its whole life, so isolate_movable_page()'s get_page_unless_zero() fails at every instant and it never reads the page's flags or mapping word";
}

/* The number of tests isolate_movable_page() makes before the lock. */
static unsigned int sm_nr_checks(void)
{
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE))
		return 1;
	if (IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_SLAB_MOVABLE))
		return 2;
	return 3;
}

static const char *sm_no_check_2(void)
{
	if (sm_nr_checks() < 2)
		return "movable_check=movable: one test before the page lock";
	return sm_frozen();
}

static const char *sm_no_check_3(void)
{
	if (sm_nr_checks() < 3)
		return "movable_check=movable or slab-movable: no third test before the page lock";
	return sm_frozen();
}

/*
 * v6.1's lone __PageMovable(): any A during the slab's life, once its word
 * is LIST_POISON2, gets through, alone (tests/core/test_slab_paths.c).
 */
static const char *sm_no_slab_test(void)
{
	if (sm_frozen())
		return NULL;
	if (!IS_ENABLED(CONFIG_FB_MOVABLE_CHECK_MOVABLE))
		return NULL;
	return "movable_check=movable: no PageSlab() test, so isolate_movable_page() takes a slab page whose word is LIST_POISON2 with nothing running concurrently: every A during that part of the slab's life does; the rate measures the life's length, not a race";
}

static const struct race_outcome sm_outcomes[] = {
	[SM_TAKEN_AS_MOVABLE] = { .name = "taken-as-movable", .bad = true,
		.help = "isolate_movable_page() passed a slab page to its movable_operations (-EFAULT)",
		.structural = sm_frozen, .sequential = sm_no_slab_test },
	[SM_PASSED_CHECKS] = { .name = "passed-checks", .racy = true,
		.help = "isolate_movable_page() held the slab's reference and passed every test before the page lock, one of which read the slab's LIST_POISON2 word (the window: what the tests are there to stop; PageMovable() under the lock decides)",
		.structural = sm_frozen, .sequential = sm_no_slab_test },
	[SM_MET_SLAB_LIFE] = { .name = "met-slab-life",
		.help = "isolate_movable_page()'s folio_try_get() took the slab's reference: its checks ran while the page was allocated (the slab's life)",
		.structural = sm_frozen },
	[SM_REFUSED_1] = { .name = "refused-1",
		.help = "with the slab's reference, the first test before the page lock (movable_check's order) turned the page away",
		.structural = sm_frozen },
	[SM_REFUSED_2] = { .name = "refused-2",
		.help = "with the slab's reference, the second test before the page lock turned the page away",
		.structural = sm_no_check_2 },
	[SM_REFUSED_3] = { .name = "refused-3", .racy = true,
		.help = "with the slab's reference, the third test before the page lock turned the page away, after the first two had seen the page in and out of its slab life (a clear PG_slab and the LIST_POISON2 word): an edge of the life fell between the tests, the window",
		.structural = sm_no_check_3 },
	[SM_REFUSED_LOCKED] = { .name = "refused-locked",
		.help = "passed every test before the page lock, then trylock_page() failed or PageMovable()/PageIsolated() under the lock turned the page away",
		.structural = sm_frozen },
	[SM_NO_REFERENCE] = { .name = "no-reference",
		.help = "folio_try_get() failed: the page was free (or its refcount frozen), so no check ran" },
	[SM_ISOLATED] = { .name = "isolated",
		.help = "isolated as a movable page: impossible here, no driver owns it" },
	[SM_FREE_SKIPPED] = { .name = "free-skipped",
		.help = "C waited for B's allocation past its bound and did not free" },
};

static const struct race_scenario slab_movable = {
	.name = "slab-movable",
	.seed = "004",
	.description = "isolate_movable_page's checks against a slab page allocated and freed under it, whose mapping word is LIST_POISON2: a slab page taken as movable",
	.roles = { { "isolate_movable_page", sm_isolate },
		   { "allocate_slab", sm_alloc },
		   { "__free_slab", sm_free, .follows = true } },
	.nr_roles = 3,
	.folded_roles = { { "isolate_movable_page", sm_isolate },
			  { "allocate_slab+__free_slab", sm_alloc_free } },
	.nr_folded_roles = 2,
	.trial_size = sizeof(struct slab_movable),
	.pages_per_trial = 1,
	.reset = sm_reset,
	.check = sm_check,
	RACE_OUTCOMES(sm_outcomes),
	/* v6.1: no slab test before the page lock, no barriers: everywhere. */
	.expect = RACE_EXPECT_EVERYWHERE(EXPECT_REPRODUCE),
};
DEFINE_RACE_SCENARIO(slab_movable);

// SPDX-License-Identifier: GPL-2.0
/*
 * Slab pages coming from and going back to the page allocator.
 * Models mm/slub.c alloc_slab_page(), allocate_slab() and __free_slab(),
 * v6.1, with the smp_wmb()s and the free-side reordering of seed 004's
 * patch (slab_barriers) and slab pages that never hold a reference
 * (slab_refcount=frozen).
 */
#include <flagbench/barrier.h>
#include <flagbench/kconfig.h>
#include <flagbench/slab.h>
#include <flagbench/trace.h>

struct page *alloc_slab_page(struct kmem_cache *s, struct page *page)
{
	struct folio *folio = page_folio(page);

	if (IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN))
		post_alloc_hook(page);	/* refcount stays 0: folio_try_get fails */
	else
		prep_new_page(page);

	__folio_set_slab(folio);
	if (IS_ENABLED(CONFIG_FB_SLAB_BARRIERS_WMB_RMB)) {
		/* Make the flag visible before any changes to folio->mapping */
		smp_wmb();
	}
	/*
	 * The slab now uses the word that is folio->mapping for itself: in
	 * v6.1 its slab_cache (an aligned pointer, never "movable"), from
	 * v6.2's struct slab rearrangement (130d4df57390) slab_list.prev,
	 * which can be LIST_POISON2: the kmem_cache says which.  v6.2 SLUB
	 * leaves the page allocator's NULL here and stores LIST_POISON2 only
	 * in remove_partial()'s list_del(), later in the slab's life; the
	 * model stores it at once, the earliest a store to the word may
	 * follow the flag (the smp_wmb() above orders every later one).
	 */
	WRITE_ONCE(page->slab_cache, s->mapping_word);
	return page;
}

/* set_freepointer(), without CONFIG_SLAB_FREELIST_HARDENED's obfuscation. */
static inline void set_freepointer(struct kmem_cache *s, void *object, void *fp)
{
	*(void **)((char *)object + s->offset) = fp;
}

/*
 * allocate_slab(), v6.1, without debugging, KASAN or a shuffled freelist:
 * the slab's counters, then the freelist threaded through every object.
 * The mapping word was stored before this loop (alloc_slab_page() above
 * does allocate_slab()'s "slab->slab_cache = s", and the model's
 * LIST_POISON2, see there), so a slab whose word looks movable looks so
 * for the whole loop: the least life the model gives a slab.
 */
struct page *allocate_slab(struct kmem_cache *s, struct page *page, void *start)
{
	char *p, *next;
	unsigned int idx;

	alloc_slab_page(s, page);
	/*
	 * For the witness, after alloc_slab_page() (which throughput measures
	 * as such): PG_slab and the word are set by now.  No event comes just
	 * before it: its fenced stamp would drain the store buffer and change
	 * how the refcount, PG_slab and the word reach another CPU, and
	 * slab-movable's edge races need them as they are.
	 */
	trace_fb_read("mapping word", (unsigned long)READ_ONCE(page->mapping));
	page->objects = s->objects;
	page->inuse = 0;
	page->frozen = 0;

	p = start;
	page->freelist = p;
	for (idx = 0; idx + 1 < s->objects; idx++) {
		next = p + s->size;
		set_freepointer(s, p, next);
		p = next;
	}
	set_freepointer(s, p, NULL);
	trace_fb_step("freelist done");
	return page;
}

void __free_slab(struct kmem_cache *s, struct page *page)
{
	struct folio *folio = page_folio(page);

	(void)s;
	if (IS_ENABLED(CONFIG_FB_SLAB_BARRIERS_WMB_RMB)) {
		WRITE_ONCE(folio->page.mapping, NULL);
		/* Make the mapping reset visible before clearing the flag */
		smp_wmb();
		__folio_clear_slab(folio);
	} else {
		/* v6.1 order: the flag goes first, the mapping word after. */
		__folio_clear_slab(folio);
		WRITE_ONCE(folio->page.mapping, NULL);
	}
	page_mapcount_reset(page);

	/* __free_pages(): the slab's reference, unless it never had one. */
	if (IS_ENABLED(CONFIG_FB_SLAB_REFCOUNT_FROZEN)) {
		free_unref_page(page);	/* checks the count is still zero */
		return;
	}
	put_page(page);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slab pages as the page allocator sees them.
 * Models mm/slub.c alloc_slab_page() and __free_slab(), v6.1, with seed
 * 004's barriers and v6.2's frozen-refcount direction as knobs.
 */
#ifndef FLAGBENCH_SLAB_H
#define FLAGBENCH_SLAB_H

#include <flagbench/mm.h>

#define POISON_POINTER_DELTA 0xdead000000000000UL
/* list_del() leaves this in slab_list.prev: bit 1 is set. */
#define LIST_POISON2 ((void *)(0x122 + POISON_POINTER_DELTA))

struct kmem_cache {
	const char *name;
	/*
	 * What this cache's slabs leave in the word that is folio->mapping:
	 * the kmem_cache pointer in v5.7's struct page, or, once struct slab
	 * was rearranged, a list pointer that can be LIST_POISON2 (seed 004).
	 */
	void *mapping_word;
};

/* Make the free @page a slab page of @s; returns it. */
struct page *alloc_slab_page(struct kmem_cache *s, struct page *page);
/* Give the slab page back to the page allocator. */
void __free_slab(struct kmem_cache *s, struct page *page);

#endif /* FLAGBENCH_SLAB_H */

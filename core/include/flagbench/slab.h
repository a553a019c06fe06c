/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slab pages as the page allocator sees them.
 * Models mm/slub.c alloc_slab_page(), allocate_slab() and __free_slab(),
 * v6.1, with seed 004's barriers and v6.2's frozen-refcount direction as
 * knobs.
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
	 * was rearranged (v6.2, 130d4df57390), a list pointer that is
	 * LIST_POISON2 after list_del() (seed 004); alloc_slab_page() stores
	 * it at allocation (see there).
	 */
	void *mapping_word;
	/* What allocate_slab() needs to thread a new slab's freelist. */
	unsigned int size;	/* object size with its metadata */
	unsigned int offset;	/* free pointer offset in an object */
	unsigned int objects;	/* oo_objects(s->oo): objects per slab */
};

/* Make the free @page a slab page of @s; returns it. */
struct page *alloc_slab_page(struct kmem_cache *s, struct page *page);
/*
 * Make the free @page a slab of @s whose objects live at @start (the
 * page's memory, s->objects * s->size bytes), freelist and all; returns it.
 */
struct page *allocate_slab(struct kmem_cache *s, struct page *page, void *start);
/*
 * v5.7's allocate_slab() on the free @page, up to its freelist: the
 * kmem_cache in the mapping word, then PG_slab (core/slub-v5.7.c).
 */
struct page *allocate_slab_v5_7(struct kmem_cache *s, struct page *page);
/* Give the slab page back to the page allocator. */
void __free_slab(struct kmem_cache *s, struct page *page);

#endif /* FLAGBENCH_SLAB_H */

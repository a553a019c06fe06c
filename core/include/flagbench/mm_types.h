/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct page and struct folio, laid out as on a 64-bit kernel.
 * Models include/linux/mm_types.h, v6.1 (x86-64, arm64 and ppc64 share it).
 */
#ifndef FLAGBENCH_MM_TYPES_H
#define FLAGBENCH_MM_TYPES_H

#include <flagbench/compiler.h>
#include <flagbench/spinlock.h>
#include <flagbench/types.h>

struct address_space;

typedef unsigned long pgoff_t;

/*
 * Only the order-0 page-cache/anon arm of the kernel's union is spelled out:
 * it is where flags, mapping and private live, and what slab overlays (its
 * slab_cache word is the mapping word).  Offsets: flags 0, lru 8, mapping 24,
 * index 32, private 40, _mapcount 48, _refcount 52, memcg_data 56.
 */
struct page {
	unsigned long flags;	/* atomic and non-atomic bitops race here */
	union {
		struct {
			struct list_head lru;
			struct address_space *mapping;
			pgoff_t index;
			unsigned long private;
		};
		struct {	/* SLUB's struct slab overlays the same words */
			struct list_head slab_list;
			void *slab_cache;	/* the mapping word */
			void *freelist;		/* first free object */
			union {
				unsigned long counters;
				struct {
					unsigned inuse:16;
					unsigned objects:15;
					unsigned frozen:1;
				};
			};
		};
	};
	union {
		atomic_t _mapcount;
		unsigned int page_type;
	};
	atomic_t _refcount;
	unsigned long memcg_data;
} __aligned(2 * sizeof(unsigned long));	/* CONFIG_HAVE_ALIGNED_STRUCT_PAGE */

_Static_assert(sizeof(struct page) == 64, "struct page must be 64 bytes");
_Static_assert(__builtin_offsetof(struct page, mapping) == 24, "mapping word");
_Static_assert(__builtin_offsetof(struct page, slab_cache) == 24, "slab overlay");
_Static_assert(__builtin_offsetof(struct page, private) == 40, "private");
_Static_assert(__builtin_offsetof(struct page, freelist) == 32, "slab freelist");
_Static_assert(__builtin_offsetof(struct page, counters) == 40, "slab counters");
_Static_assert(__builtin_offsetof(struct page, _mapcount) == 48, "_mapcount");
_Static_assert(__builtin_offsetof(struct page, _refcount) == 52, "_refcount");

/* An order-0 folio is its page; the model has no large folios. */
struct folio {
	struct page page;
};

#define page_folio(p) ((struct folio *)(p))
#define folio_page(f, n) (&(f)->page + (n))

/* Models the movable-page hooks of include/linux/migrate.h, v6.1. */
struct movable_operations {
	bool (*isolate_page)(struct page *page, int mode);
	int (*migrate_page)(struct page *dst, struct page *src, int mode);
	void (*putback_page)(struct page *page);
};

/* A file's page cache; the model's "xarray slot" is page->mapping itself. */
struct address_space {
	const char *name;
	spinlock_t i_pages_lock;	/* xa_lock(&mapping->i_pages) */
	unsigned long nrpages;
};

#endif /* FLAGBENCH_MM_TYPES_H */

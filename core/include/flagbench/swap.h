/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The LRU, one lruvec per memcg as in the kernel; the model keeps the
 * page's lruvec in its memcg_data word so independent trials never share
 * an lru_lock.  Models include/linux/swap.h, mm/swap.c and mm/vmscan.c, v5.7.
 */
#ifndef FLAGBENCH_SWAP_H
#define FLAGBENCH_SWAP_H

#include <flagbench/mm.h>
#include <flagbench/spinlock.h>

struct lruvec {
	spinlock_t lru_lock;
	unsigned long nr_pages;
};

static __always_inline struct lruvec *page_lruvec(const struct page *page)
{
	return (struct lruvec *)READ_ONCE(page->memcg_data);
}

/* Put a page on @lruvec's LRU (the LRU itself holds no reference). */
void lru_cache_add(struct lruvec *lruvec, struct page *page);
/* Take a page off its LRU, with a reference: 0, or -EBUSY if not on it. */
int isolate_lru_page(struct page *page);

#endif /* FLAGBENCH_SWAP_H */

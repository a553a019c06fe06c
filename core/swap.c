// SPDX-License-Identifier: GPL-2.0
/* The LRU and the last put.  Models mm/swap.c and mm/vmscan.c, v5.7. */
#include <errno.h>
#include <flagbench/swap.h>

void lru_cache_add(struct lruvec *lruvec, struct page *page)
{
	WRITE_ONCE(page->memcg_data, (unsigned long)lruvec);
	spin_lock(&lruvec->lru_lock);
	SetPageLRU(page);
	lruvec->nr_pages++;
	spin_unlock(&lruvec->lru_lock);
}

int isolate_lru_page(struct page *page)
{
	struct lruvec *lruvec = page_lruvec(page);
	int ret = -EBUSY;

	VM_BUG_ON_PAGE(!page_count(page), page);
	if (PageLRU(page) && lruvec) {
		spin_lock(&lruvec->lru_lock);
		if (PageLRU(page)) {
			get_page(page);
			ClearPageLRU(page);
			lruvec->nr_pages--;
			ret = 0;
		}
		spin_unlock(&lruvec->lru_lock);
	}
	return ret;
}

/* __page_cache_release(): the last reference went, leave the LRU too. */
static void __page_cache_release(struct page *page)
{
	if (PageLRU(page)) {
		struct lruvec *lruvec = page_lruvec(page);

		spin_lock(&lruvec->lru_lock);
		__ClearPageLRU(page);	/* refcount 0: nobody else looks */
		lruvec->nr_pages--;
		spin_unlock(&lruvec->lru_lock);
	}
}

void __put_page(struct page *page)
{
	__page_cache_release(page);
	free_unref_page(page);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of compaction's isolation scan that seed 000 is about.
 * Models mm/compaction.c isolate_migratepages_block(), v5.7, and the LRU
 * isolation of mm/vmscan.c, v5.7.
 */
#ifndef FLAGBENCH_COMPACTION_H
#define FLAGBENCH_COMPACTION_H

#include <flagbench/swap.h>

struct compact_control {
	unsigned long nr_migratepages;	/* isolated by this scan */
	unsigned long nr_racy_skipped;	/* turned away by the racy check */
	/*
	 * Not the kernel's: LRU pages that were slab pages by the end of the
	 * racy check, i.e. freed and reallocated since PageLRU said yes -
	 * what seed 000's check meets, whether or not it asserts.
	 */
	unsigned long nr_racy_slab;
	/*
	 * Not the kernel's either: pages this scan isolated (took a
	 * reference on and off the LRU) that were slab pages when it took
	 * them - what the racy check's wrong answers would cost if the
	 * locked recheck did not stop them (Hugh Dickins in seed 000: the
	 * check "only needs to be right most of the time").
	 */
	unsigned long nr_isolated_slab;
	unsigned long nr_movable;	/* non-LRU movable pages isolated */
};

/*
 * Scan [low_pfn, end_pfn) and isolate what can be migrated.  The racy
 * check before the lru_lock is the compaction_check knob's: page_mapcount()
 * with its VM_BUG_ON (v5.7), the open-coded test of seed 000's patch (with
 * its recheck of the references under the lru_lock), or _page_mapcount()
 * without the assertion.  Returns the pfn it stopped at.
 */
unsigned long isolate_migratepages_block(struct compact_control *cc,
					 unsigned long low_pfn,
					 unsigned long end_pfn);

/*
 * The interrupt point in seed 000's window (interrupt.h): PageLRU has
 * said yes, the racy check has not begun; its name in the witness.
 */
extern const char compaction_irq_point[];

/*
 * True if the racy check turns @page away (the "goto isolate_fail").
 * Exposed so a scenario can ask it of page kinds directly.
 */
bool compaction_racy_check_fails(struct page *page);

#endif /* FLAGBENCH_COMPACTION_H */

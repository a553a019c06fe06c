/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page table entries, swap entries and migration entries.
 * Models include/linux/swapops.h and include/linux/swap.h, v2.6.34 and v5.0
 * (unchanged between them for what is modelled here).
 */
#ifndef FLAGBENCH_SWAPOPS_H
#define FLAGBENCH_SWAPOPS_H

#include <errno.h>
#include <flagbench/mm.h>
#include <flagbench/spinlock.h>
#include <flagbench/trace.h>

#define MAX_SWAPFILES_SHIFT 5
#define SWP_MIGRATION_NUM 2
#define SWP_HWPOISON_NUM 1
#define MAX_SWAPFILES                                                          \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_MIGRATION_NUM - SWP_HWPOISON_NUM)
#define SWP_HWPOISON MAX_SWAPFILES
#define SWP_MIGRATION_READ (MAX_SWAPFILES + SWP_HWPOISON_NUM)
#define SWP_MIGRATION_WRITE (MAX_SWAPFILES + SWP_HWPOISON_NUM + 1)

typedef struct {
	unsigned long val;
} swp_entry_t;

#define SWP_TYPE_SHIFT(e) (sizeof((e).val) * 8 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK(e) ((1UL << SWP_TYPE_SHIFT(e)) - 1)

static __always_inline swp_entry_t swp_entry(unsigned long type,
					     unsigned long offset)
{
	swp_entry_t ret;

	ret.val = (type << SWP_TYPE_SHIFT(ret)) | (offset & SWP_OFFSET_MASK(ret));
	return ret;
}

static __always_inline unsigned int swp_type(swp_entry_t entry)
{
	return entry.val >> SWP_TYPE_SHIFT(entry);
}

static __always_inline unsigned long swp_offset(swp_entry_t entry)
{
	return entry.val & SWP_OFFSET_MASK(entry);
}

/*
 * A pte, with an architecture-neutral encoding in the spirit of x86's:
 * bit 0 present; a present pte holds the pfn from bit 12; a swap pte holds
 * the type in bits 1-5 and the offset from bit 7.
 */
typedef struct {
	unsigned long pte;
} pte_t;

#define _PAGE_PRESENT 0x1UL
#define PAGE_SHIFT 12

static __always_inline bool pte_none(pte_t pte)
{
	return pte.pte == 0;
}

static __always_inline bool pte_present(pte_t pte)
{
	return pte.pte & _PAGE_PRESENT;
}

static __always_inline pte_t mk_pte(struct page *page)
{
	pte_t pte = { (page_to_pfn(page) << PAGE_SHIFT) | _PAGE_PRESENT };

	return pte;
}

static __always_inline unsigned long pte_pfn(pte_t pte)
{
	return pte.pte >> PAGE_SHIFT;
}

static __always_inline bool is_swap_pte(pte_t pte)
{
	return !pte_none(pte) && !pte_present(pte);
}

static __always_inline pte_t swp_entry_to_pte(swp_entry_t entry)
{
	pte_t pte = { ((unsigned long)swp_type(entry) << 1) |
		      (swp_offset(entry) << 7) };

	return pte;
}

static __always_inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry((pte.pte >> 1) & ((1UL << MAX_SWAPFILES_SHIFT) - 1),
			 pte.pte >> 7);
}

static __always_inline swp_entry_t make_migration_entry(struct page *page,
							int write)
{
	return swp_entry(write ? SWP_MIGRATION_WRITE : SWP_MIGRATION_READ,
			 page_to_pfn(page));
}

static __always_inline int is_migration_entry(swp_entry_t entry)
{
	return unlikely(swp_type(entry) == SWP_MIGRATION_READ ||
			swp_type(entry) == SWP_MIGRATION_WRITE);
}

/*
 * Not the kernel's: how many migration_entry_to_page() calls of this thread
 * found the entry's page unlocked, counted from the same look at PG_locked
 * that the BUG_ON below decides on, in every build - also where the BUG_ON
 * is not asked (migration_entry=cleanup): seed 003's "the fault met a
 * migration entry whose page was unlocked", whatever the build does next.
 */
extern __thread unsigned long migration_entry_unlocked;

/*
 * Any use of a migration entry may only occur while the page is locked:
 * the BUG_ON that dangling entries hit in seed 003.  @lock_required is
 * Mel Gorman's parameter from that thread; strict callers pass true.
 */
static __always_inline struct page *migration_entry_to_page(swp_entry_t entry,
							    bool lock_required)
{
	struct page *p = pfn_to_page(swp_offset(entry));
	bool locked = trace_fb_test("migration entry: PG_locked", PageLocked(p));

	migration_entry_unlocked += !locked;
	BUG_ON(!locked && lock_required);
	return p;
}

/*
 * The reverse map of an anonymous page: page->mapping points here (with
 * PAGE_MAPPING_ANON).  Either it lists the ptes that map the page (ptes[],
 * enough where no address matters), or it names the vma the page lives in
 * and the walk computes the pte's address from the vma, as v2.6.34's
 * rmap_walk_anon() does with vma_address() - the form seed 003's race
 * needs, since exec moves a vma under it.
 */
#define ANON_VMA_MAX_PTES 4
/* The model's address space: MM_NR_PTES pages from address 0. */
#define MM_NR_PTES 16

struct mm_struct {
	spinlock_t page_table_lock;	/* the ptl of every pte of this mm */
	pte_t pgtable[MM_NR_PTES];	/* the pte of address a: [a >> PAGE_SHIFT] */
	/*
	 * A page table page move_page_tables() must allocate for a
	 * destination no pmd covers yet (alloc_new_pmd): set, it zeroes
	 * pte_page first, as pte_alloc_one()'s __GFP_ZERO does.  The model's
	 * ptes stay in pgtable[]; this is the work, not the storage.
	 */
	bool new_pmd_needed;
	unsigned long pte_page[512] __aligned(64);
};

/* include/linux/mm.h, v2.6.34 (and a8bef8ff6ea1 for the exec stack). */
#define VM_SEQ_READ 0x00008000UL
#define VM_RAND_READ 0x00010000UL
#define VM_GROWSDOWN 0x00000100UL
/* An otherwise impossible combination marks exec's temporary stack. */
#define VM_STACK_INCOMPLETE_SETUP (VM_RAND_READ | VM_SEQ_READ)

struct vm_area_struct {
	struct mm_struct *vm_mm;
	unsigned long vm_start, vm_end;	/* [vm_start, vm_end) */
	unsigned long vm_pgoff;		/* page offset of vm_start */
	unsigned long vm_flags;
	struct anon_vma *anon_vma;
};

struct anon_vma {
	struct mm_struct *mm;
	spinlock_t lock;		/* vma_adjust() against rmap walks */
	struct vm_area_struct *vma;	/* set: walk by vma_address() */
	int nr_ptes;
	pte_t *ptes[ANON_VMA_MAX_PTES];
};

/* The pte of @address in @mm, or NULL outside the model's page table. */
static __always_inline pte_t *pte_offset_map(struct mm_struct *mm,
					     unsigned long address)
{
	unsigned long i = address >> PAGE_SHIFT;

	return i < MM_NR_PTES ? &mm->pgtable[i] : NULL;
}

/*
 * mm/rmap.c vma_address(), v2.6.34: where @page should be mapped in @vma,
 * from the vma as it is now; -EFAULT when outside it.
 */
static __always_inline unsigned long vma_address(struct page *page,
						 struct vm_area_struct *vma)
{
	unsigned long pgoff = page->index;
	unsigned long address;

	address = READ_ONCE(vma->vm_start) +
		  ((pgoff - READ_ONCE(vma->vm_pgoff)) << PAGE_SHIFT);
	if (address < READ_ONCE(vma->vm_start) ||
	    address >= READ_ONCE(vma->vm_end))
		return (unsigned long)-EFAULT;
	return address;
}

/* include/linux/mm.h, a8bef8ff6ea1 (May 2010). */
static __always_inline bool is_vma_temporary_stack(struct vm_area_struct *vma)
{
	int maybe_stack = READ_ONCE(vma->vm_flags) & VM_GROWSDOWN;

	if (!maybe_stack)
		return false;
	return (READ_ONCE(vma->vm_flags) & VM_STACK_INCOMPLETE_SETUP) ==
	       VM_STACK_INCOMPLETE_SETUP;
}

/*
 * fs/exec.c shift_arg_pages(), v2.6.34: move exec's temporary stack vma
 * down by @shift bytes - vma_adjust() to cover old and new range (under
 * the anon_vma lock), move_page_tables() (under the page table lock
 * only), vma_adjust() to the new range.  Between the first two, the rmap
 * computes the new address while the ptes are still at the old one.
 */
int shift_arg_pages(struct vm_area_struct *vma, unsigned long shift);
/* mm/mmap.c vma_adjust(), v2.6.34, for a vma alone in its anon_vma. */
void vma_adjust(struct vm_area_struct *vma, unsigned long start,
		unsigned long end, unsigned long pgoff);
/* mm/mremap.c move_page_tables(), v2.6.34, within one mm. */
unsigned long move_page_tables(struct vm_area_struct *vma,
			       unsigned long old_addr,
			       struct vm_area_struct *new_vma,
			       unsigned long new_addr, unsigned long len);

static __always_inline struct anon_vma *page_anon_vma(struct page *page)
{
	unsigned long mapping = (unsigned long)READ_ONCE(page->mapping);

	if ((mapping & PAGE_MAPPING_FLAGS) != PAGE_MAPPING_ANON)
		return NULL;
	return (struct anon_vma *)(mapping - PAGE_MAPPING_ANON);
}

/* Map @page at @ptep for the first time (do_anonymous_page's part). */
void page_add_new_anon_rmap(struct page *page, struct anon_vma *anon_vma,
			    pte_t *ptep);

#endif /* FLAGBENCH_SWAPOPS_H */

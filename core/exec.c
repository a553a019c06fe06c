// SPDX-License-Identifier: GPL-2.0
/*
 * exec's move of its temporary stack, the other side of seed 003's race:
 * fs/exec.c shift_arg_pages(), mm/mmap.c vma_adjust() and mm/mremap.c
 * move_page_tables(), v2.6.34, reduced to one vma alone in its anon_vma
 * and one mm whose page table is a flat array (swapops.h).
 */
#include <string.h>
#include <flagbench/migrate.h>
#include <flagbench/trace.h>

void vma_adjust(struct vm_area_struct *vma, unsigned long start,
		unsigned long end, unsigned long pgoff)
{
	struct anon_vma *anon_vma = NULL;

	/* v2.6.34: the anon_vma lock is taken when vm_start moves. */
	if (vma->anon_vma && start != vma->vm_start) {
		anon_vma = vma->anon_vma;
		spin_lock(&anon_vma->lock);
	}
	WRITE_ONCE(vma->vm_start, start);
	WRITE_ONCE(vma->vm_end, end);
	WRITE_ONCE(vma->vm_pgoff, pgoff);
	if (anon_vma)
		spin_unlock(&anon_vma->lock);
}

unsigned long move_page_tables(struct vm_area_struct *vma,
			       unsigned long old_addr,
			       struct vm_area_struct *new_vma,
			       unsigned long new_addr, unsigned long len)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long done;

	(void)new_vma;
	/*
	 * alloc_new_pmd(): exec's new stack address is usually under no pmd
	 * yet, so a page table page is allocated and zeroed (__pte_alloc)
	 * before any pte moves - with the vma already moved.
	 */
	if (mm->new_pmd_needed) {
		memset(mm->pte_page, 0, sizeof(mm->pte_page));
		spin_lock(&mm->page_table_lock);	/* pmd_populate */
		mm->new_pmd_needed = false;
		spin_unlock(&mm->page_table_lock);
	}
	/* move_ptes(): the old and the new pte under the (one) ptl. */
	spin_lock(&mm->page_table_lock);
	for (done = 0; done < len; done += 1UL << PAGE_SHIFT) {
		pte_t *old_pte = pte_offset_map(mm, old_addr + done);
		pte_t *new_pte = pte_offset_map(mm, new_addr + done);
		pte_t pte;

		if (!old_pte || !new_pte)
			break;
		pte = READ_ONCE(*old_pte);
		if (pte_none(pte))
			continue;
		WRITE_ONCE(*old_pte, (pte_t){ 0 });	/* ptep_clear_flush */
		WRITE_ONCE(*new_pte, pte);		/* set_pte_at */
	}
	spin_unlock(&mm->page_table_lock);
	return done;
}

int shift_arg_pages(struct vm_area_struct *vma, unsigned long shift)
{
	unsigned long old_start = vma->vm_start;
	unsigned long old_end = vma->vm_end;
	unsigned long length = old_end - old_start;
	unsigned long new_start = old_start - shift;
	unsigned long new_end = old_end - shift;

	/* cover the whole range: [new_start, old_end) */
	vma_adjust(vma, new_start, old_end, vma->vm_pgoff);
	trace_fb("vma_adjust: vm_start", new_start);

	/*
	 * move the page tables downwards, on failure we rely on
	 * process cleanup to remove whatever mess we made.
	 */
	if (length != move_page_tables(vma, old_start, vma, new_start, length))
		return -ENOMEM;
	trace_fb_step("move_page_tables");

	/* Shrink the vma to just the new range.  Always succeeds. */
	vma_adjust(vma, new_start, new_end, vma->vm_pgoff);
	return 0;
}

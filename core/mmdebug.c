// SPDX-License-Identifier: GPL-2.0
/* Counted assertions: see include/flagbench/mmdebug.h. */
#include <string.h>
#include <flagbench/mm.h>
#include <flagbench/mmdebug.h>

/* GNU ld defines these for a section whose name is a C identifier. */
extern struct vm_bug_site __start_fb_vm_bug[] __attribute__((weak));
extern struct vm_bug_site __stop_fb_vm_bug[] __attribute__((weak));

/* Keeps the section present in a build whose code asserts nothing. */
static struct vm_bug_site never_hit
	__attribute__((__section__("fb_vm_bug"), __used__)) = {
	.macro = "BUG_ON",
	.cond = "flagbench: placeholder, never hit",
	.func = "vm_bug_sites_begin",
	.file = __FILE__,
	.line = __LINE__,
};

struct vm_bug_site *vm_bug_sites_begin(void)
{
	return __start_fb_vm_bug ? __start_fb_vm_bug : &never_hit;
}

struct vm_bug_site *vm_bug_sites_end(void)
{
	return __stop_fb_vm_bug ? __stop_fb_vm_bug : &never_hit + 1;
}

__thread unsigned long *vm_bug_thread_hits;

void vm_bug_hit(struct vm_bug_site *site, const struct page *page)
{
	__atomic_fetch_add(&site->hits, 1, __ATOMIC_RELAXED);
	if (vm_bug_thread_hits)
		vm_bug_thread_hits[site - vm_bug_sites_begin()]++;
	if (__atomic_exchange_n(&site->first_taken, 1, __ATOMIC_ACQ_REL))
		return;
	/* Only the first hit pays for the snapshot, as dump_page() would. */
	if (page) {
		memcpy(site->first_raw, page, sizeof(site->first_raw));
		/* dump_page() prints the pfn; a page outside mem_map has none. */
		site->first_pfn = mem_map && page >= mem_map &&
						  page < mem_map + max_mapnr ?
					  page_to_pfn(page) : ~0UL;
	}
	__atomic_store_n(&site->first_valid, page ? 1 : 0, __ATOMIC_RELEASE);
}

unsigned long vm_bug_hits(const char *cond)
{
	unsigned long sum = 0;
	struct vm_bug_site *s;

	for (s = vm_bug_sites_begin(); s < vm_bug_sites_end(); s++)
		if (!cond || !strcmp(s->cond, cond))
			sum += __atomic_load_n(&s->hits, __ATOMIC_RELAXED);
	return sum;
}

void vm_bug_reset(void)
{
	struct vm_bug_site *s;

	for (s = vm_bug_sites_begin(); s < vm_bug_sites_end(); s++) {
		s->hits = 0;
		s->first_taken = 0;
		s->first_valid = 0;
		s->first_pfn = 0;
		memset(s->first_raw, 0, sizeof(s->first_raw));
	}
}

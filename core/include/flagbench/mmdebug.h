/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VM_BUG_ON() and friends that count instead of crashing.
 * Models include/linux/mmdebug.h and include/asm-generic/bug.h, v6.1.
 *
 * Each assertion site is a static record placed in the "fb_vm_bug" linker
 * section, so the harness can list every site of a build, hit or not.  A hit
 * bumps the site's counter and keeps the first offending page's raw state
 * (what dump_page() would have printed); execution then goes on, as it would
 * with CONFIG_DEBUG_VM=n, so one race can be counted millions of times.
 */
#ifndef FLAGBENCH_MMDEBUG_H
#define FLAGBENCH_MMDEBUG_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

struct page;

/* The raw words of a struct page, as dump_page()'s "raw:" lines show them. */
#define PAGE_DUMP_WORDS 8

struct vm_bug_site {
	const char *macro;	/* "VM_BUG_ON_PAGE", "BUG_ON", ... */
	const char *cond;	/* the asserted condition, as written */
	const char *func;
	const char *file;
	int line;
	unsigned long hits;		/* updated with relaxed atomics */
	int first_taken;		/* 0 until the first hit claims it */
	int first_valid;		/* the snapshot below is complete */
	unsigned long first_pfn;	/* ~0UL: the page is not in mem_map */
	unsigned long first_raw[PAGE_DUMP_WORDS];
} __aligned(8);

void vm_bug_hit(struct vm_bug_site *site, const struct page *page);

/*
 * Per thread, when the harness gives one: this thread's hits of every
 * site, indexed as vm_bug_sites_begin()[i].  A hit belongs to the thread
 * that ran into it, and so to the trial that thread was running.
 */
extern __thread unsigned long *vm_bug_thread_hits;

/* Every site of this build, in link order; first==last when there are none. */
struct vm_bug_site *vm_bug_sites_begin(void);
struct vm_bug_site *vm_bug_sites_end(void);
/* Total hits of every site whose condition is cond (NULL: all sites). */
unsigned long vm_bug_hits(const char *cond);
/* Zero all counters and snapshots (between runs, never during one). */
void vm_bug_reset(void);

#define __VM_BUG_SITE(_macro, _cond)                                           \
	({                                                                     \
		static struct vm_bug_site __site                               \
			__attribute__((__section__("fb_vm_bug"), __used__)) = { \
				.macro = _macro,                               \
				.cond = _cond,                                 \
				.func = __func__,                              \
				.file = __FILE__,                              \
				.line = __LINE__,                              \
			};                                                     \
		&__site;                                                       \
	})

/*
 * Evaluates to the condition, like the kernel's WARN_ON().  The condition's
 * text is taken by the outer macro, before its macros are expanded.
 */
#define __VM_BUG_COUNT(_macro, cond, text, page)                               \
	({                                                                     \
		bool __bug = unlikely(!!(cond));                               \
		if (__bug)                                                     \
			vm_bug_hit(__VM_BUG_SITE(_macro, text), (page));       \
		__bug;                                                         \
	})

#define BUG_ON(cond) ((void)__VM_BUG_COUNT("BUG_ON", cond, #cond, NULL))
#define VM_BUG_ON(cond) ((void)__VM_BUG_COUNT("VM_BUG_ON", cond, #cond, NULL))
#define VM_BUG_ON_PAGE(cond, page)                                             \
	((void)__VM_BUG_COUNT("VM_BUG_ON_PAGE", cond, #cond, page))
#define VM_BUG_ON_FOLIO(cond, folio)                                           \
	((void)__VM_BUG_COUNT("VM_BUG_ON_FOLIO", cond, #cond,                  \
			      (const struct page *)(folio)))
#define WARN_ON_ONCE(cond) __VM_BUG_COUNT("WARN_ON_ONCE", cond, #cond, NULL)

/*
 * VM_BUG_ON_PGFLAGS is compiled in only where the variant asks for it
 * (CONFIG_DEBUG_VM_PGFLAGS in the kernel; the pgflags_assert knob here).
 */
#include <flagbench/kconfig.h>
#if IS_ENABLED(CONFIG_FB_PGFLAGS_ASSERT_REFCOUNT_ZERO)
#define VM_BUG_ON_PGFLAGS(cond, page)                                          \
	((void)__VM_BUG_COUNT("VM_BUG_ON_PGFLAGS", cond, #cond, page))
#else
#define VM_BUG_ON_PGFLAGS(cond, page) ((void)sizeof(cond))
#endif

#endif /* FLAGBENCH_MMDEBUG_H */

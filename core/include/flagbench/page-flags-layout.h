/* SPDX-License-Identifier: GPL-2.0 */
/*
 * enum pageflags as five kernel releases number it, one selected per build.
 *
 * Each column was read from that release's include/linux/page-flags.h for a
 * 64-bit kernel with CONFIG_MMU=y, CONFIG_MEMORY_FAILURE=y and, in 2.6.34,
 * CONFIG_PAGEFLAGS_EXTENDED=y.  -1: the flag does not exist in that release.
 * Aliases (PG_isolated, PG_swapcache) share the bit of the flag they alias.
 */
#ifndef FLAGBENCH_PAGE_FLAGS_LAYOUT_H
#define FLAGBENCH_PAGE_FLAGS_LAYOUT_H

#include <flagbench/kconfig.h>

/*      name            v2.6.34 v5.0  v5.7  v5.17 v6.1 */
#define FB_PAGEFLAGS(FLAG)                                                     \
	FLAG(locked,        0,  0,  0,  0,  0)                                 \
	FLAG(error,         1,  8,  8,  8,  8)                                 \
	FLAG(referenced,    2,  1,  1,  1,  1)                                 \
	FLAG(uptodate,      3,  2,  2,  2,  2)                                 \
	FLAG(dirty,         4,  3,  3,  3,  3)                                 \
	FLAG(lru,           5,  4,  4,  4,  4)                                 \
	FLAG(active,        6,  5,  5,  5,  5)                                 \
	FLAG(workingset,   -1,  6,  6,  6,  6)                                 \
	FLAG(waiters,      -1,  7,  7,  7,  7)                                 \
	FLAG(slab,          7,  9,  9,  9,  9)                                 \
	FLAG(owner_priv_1,  8, 10, 10, 10, 10)                                 \
	FLAG(arch_1,        9, 11, 11, 11, 11)                                 \
	FLAG(reserved,     10, 12, 12, 12, 12)                                 \
	FLAG(private,      11, 13, 13, 13, 13)                                 \
	FLAG(private_2,    12, 14, 14, 14, 14)                                 \
	FLAG(writeback,    13, 15, 15, 15, 15)                                 \
	FLAG(head,         14, 16, 16, 16, 16)                                 \
	FLAG(swapcache,    16, 10, 10, 10, 10) /* = owner_priv_1 since 4.10 */ \
	FLAG(mappedtodisk, 17, 17, 17, 17, 17)                                 \
	FLAG(reclaim,      18, 18, 18, 18, 18)                                 \
	FLAG(isolated,     -1, 18, 18, 18, 18) /* = reclaim since 4.8 */       \
	FLAG(swapbacked,   20, 19, 19, 19, 19)                                 \
	FLAG(unevictable,  21, 20, 20, 20, 20)                                 \
	FLAG(mlocked,      22, 21, 21, 21, 21)

#define FB_PAGEFLAGS_RELEASES "v2.6.34", "v5.0", "v5.7", "v5.17", "v6.1"
#define FB_PAGEFLAGS_NR_RELEASES 5

#if IS_ENABLED(CONFIG_FB_PAGE_FLAGS_LAYOUT_V2_6_34)
#define FB_LAYOUT_PICK(a, b, c, d, e) a
#define FB_LAYOUT_RELEASE "v2.6.34"
#elif IS_ENABLED(CONFIG_FB_PAGE_FLAGS_LAYOUT_V5_0)
#define FB_LAYOUT_PICK(a, b, c, d, e) b
#define FB_LAYOUT_RELEASE "v5.0"
#elif IS_ENABLED(CONFIG_FB_PAGE_FLAGS_LAYOUT_V5_7)
#define FB_LAYOUT_PICK(a, b, c, d, e) c
#define FB_LAYOUT_RELEASE "v5.7"
#elif IS_ENABLED(CONFIG_FB_PAGE_FLAGS_LAYOUT_V5_17)
#define FB_LAYOUT_PICK(a, b, c, d, e) d
#define FB_LAYOUT_RELEASE "v5.17"
#else
#define FB_LAYOUT_PICK(a, b, c, d, e) e
#define FB_LAYOUT_RELEASE "v6.1"
#endif

enum pageflags {
#define FB_FLAG_ENUM(name, a, b, c, d, e) PG_##name = FB_LAYOUT_PICK(a, b, c, d, e),
	FB_PAGEFLAGS(FB_FLAG_ENUM)
#undef FB_FLAG_ENUM
};

/* The full table, for describe and for the tests that check every column. */
struct page_flag_bits {
	const char *name;
	int bit[FB_PAGEFLAGS_NR_RELEASES];
};

extern const char *const page_flags_releases[FB_PAGEFLAGS_NR_RELEASES];
extern const struct page_flag_bits page_flag_table[];
extern const unsigned int page_flag_table_size;

/*
 * Write the names of the flags set in @flags (this build's layout), as
 * dump_page()'s "flags: (...)" does, into @buf.  Returns @buf.
 */
char *format_page_flags(unsigned long flags, char *buf, size_t size);

#endif /* FLAGBENCH_PAGE_FLAGS_LAYOUT_H */

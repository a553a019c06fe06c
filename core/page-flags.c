// SPDX-License-Identifier: GPL-2.0
/* The per-release flag tables, and dump_page()-style flag names. */
#include <stdio.h>
#include <string.h>
#include <flagbench/page-flags.h>

const char *const page_flags_releases[FB_PAGEFLAGS_NR_RELEASES] = {
	FB_PAGEFLAGS_RELEASES
};

const struct page_flag_bits page_flag_table[] = {
#define FB_FLAG_ROW(name, a, b, c, d, e) { #name, { a, b, c, d, e } },
	FB_PAGEFLAGS(FB_FLAG_ROW)
#undef FB_FLAG_ROW
};

const unsigned int page_flag_table_size = ARRAY_SIZE(page_flag_table);

/* The column of this build's release, found by name. */
static int layout_column(void)
{
	int i;

	for (i = 0; i < FB_PAGEFLAGS_NR_RELEASES; i++)
		if (!strcmp(page_flags_releases[i], FB_LAYOUT_RELEASE))
			return i;
	return FB_PAGEFLAGS_NR_RELEASES - 1;
}

char *format_page_flags(unsigned long flags, char *buf, size_t size)
{
	int col = layout_column();
	unsigned long named = 0;
	size_t len = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < page_flag_table_size && len < size; i++) {
		int bit = page_flag_table[i].bit[col];

		/* An alias prints once, under the first name of its bit. */
		if (bit < 0 || !(flags & (1UL << bit)) || (named & (1UL << bit)))
			continue;
		named |= 1UL << bit;
		len += snprintf(buf + len, size - len, "%s%s", len ? "|" : "",
				page_flag_table[i].name);
	}
	if (flags & ~named && len < size)
		snprintf(buf + len, size - len, "%s0x%lx", len ? "|" : "",
			 flags & ~named);
	return buf;
}

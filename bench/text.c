// SPDX-License-Identifier: GPL-2.0
/* Names and free text that print as they are (text.h). */
#include <stdint.h>
#include <string.h>
#include "text.h"

enum char_class { CH_OK, CH_SPACE, CH_BAD };

/*
 * The character at @s (UTF-8; *@len gets its bytes): CH_SPACE for tabs and
 * line breaks, CH_BAD for other controls (C0, DEL, C1), the bidi controls
 * that reorder what a terminal or a page shows (U+061C, U+200E/F,
 * U+202A..E, U+2066..9) and bytes that are not UTF-8.
 */
static enum char_class char_class(const unsigned char *s, size_t *len)
{
	unsigned int cp, n, i;

	*len = 1;
	if (*s < 0x80) {
		if (*s == '\t' || *s == '\n' || *s == '\r')
			return CH_SPACE;
		return *s < 0x20 || *s == 0x7f ? CH_BAD : CH_OK;
	}
	n = *s >= 0xf0 && *s <= 0xf4 ? 4 : *s >= 0xe0 ? 3 : *s >= 0xc2 ? 2 : 0;
	if (!n || *s > 0xf4)
		return CH_BAD;
	cp = *s & (0x7f >> n);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return CH_BAD;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*len = n;
	if (cp <= 0x9f)
		return CH_BAD;
	if (cp == 0x2028 || cp == 0x2029)
		return CH_SPACE;
	if (cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return CH_BAD;
	return CH_OK;
}

bool printable(const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len;

	if (!*s || strlen(s) > max)
		return false;
	for (; *p; p += len)
		if (char_class(p, &len) != CH_OK)
			return false;
	return true;
}

void text_clean(char *s)
{
	unsigned char *p = (unsigned char *)s, *o = p;
	size_t len;

	while (*p) {
		switch (char_class(p, &len)) {
		case CH_OK:
			memmove(o, p, len);
			o += len;
			break;
		case CH_SPACE:
			*o++ = ' ';
			break;
		case CH_BAD:
			*o++ = '?';
			break;
		}
		p += len;
	}
	*o = 0;
}


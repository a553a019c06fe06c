/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names and free text a terminal and a page show as they are: one rule
 * for the engine's reader of races.json and the report's of a bundle.
 */
#ifndef FLAGBENCH_BENCH_TEXT_H
#define FLAGBENCH_BENCH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * 1 to @max bytes of UTF-8 with no control character (C0, DEL, C1) and
 * no bidi override or isolate (U+061C, U+200E/F, U+202A..E, U+2066..9),
 * which would print as something else.
 */
bool printable(const char *s, size_t max);
/*
 * Free text made safe to print, in place: controls and bidi formatting
 * characters become '?', tabs and line breaks a space.
 */
void text_clean(char *s);

#endif /* FLAGBENCH_BENCH_TEXT_H */

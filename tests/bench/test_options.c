// SPDX-License-Identifier: GPL-2.0
/*
 * The one option table (bench/options.h) drives both the parsing and the
 * --help of a command line: every option of the table is in the usage
 * line and in the option list, the usage line wraps, a command without
 * options still answers --help, and what the table does not hold is
 * refused with one line.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "options.h"

static double seconds;
static unsigned long trials;
static const char *json;
static bool quiet;

static const struct fb_option opts[] = {
	OPT_DOUBLE("seconds", &seconds, "S", 0, 60, "how long"),
	OPT_ULONG("trials", &trials, "N", 1, 1e9, "how many,\nat most"),
	OPT_STRING("json", &json, "FILE", "where"),
	OPT_BOOLEAN("quiet", &quiet, "no table"),
	OPT_PASS("benchmark_", "passed on"),
	OPT_END()
};

static const struct fb_cmdline cl = {
	.cmd = "probe", .args = "THING...", .opts = opts,
	.about = "Probes a thing.",
};

static char *help_of(const struct fb_cmdline *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fb_cmdline_help(f, c);
	fclose(f);
	return buf;
}

static void test_help_from_table(void **state)
{
	char *h = help_of(&cl), *line, *save = NULL;
	const char *want[] = { "[--seconds S]", "[--trials N]", "[--json FILE]",
			       "[--quiet]", "[--benchmark_...]", "  --seconds S",
			       "  --trials N", "  --json FILE", "  --quiet",
			       "  --benchmark_...", "Probes a thing.",
			       "usage: ", " probe THING... [--seconds S]",
			       "                    at most\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(h, want[i]))
			fail_msg("--help lacks '%s':\n%s", want[i], h);
	for (line = strtok_r(h, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) <= 80);
	free(h);
}

static void test_help_without_options(void **state)
{
	static const struct fb_option none[] = { OPT_END() };
	const struct fb_cmdline bare = { .cmd = "bare", .args = "",
					 .opts = none };
	char *h = help_of(&bare);

	(void)state;
	assert_non_null(strstr(h, " bare\n"));
	assert_null(strstr(h, "--"));
	free(h);
}

static int parse(const char *const *args, const char **pos, int maxpos)
{
	char *argv[16] = { "probe" };
	int argc = 1, npos;

	for (; *args; args++)
		argv[argc++] = (char *)*args;
	return fb_parse_cmdline(&cl, argc, argv, pos, maxpos, &npos);
}

static void test_parse(void **state)
{
	const char *pos[4];

	(void)state;
	assert_int_equal(parse((const char *[]){ "x", "--seconds=2", "--trials",
						 "1e3", "--quiet", NULL },
			       pos, 4), 0);
	assert_true(seconds == 2 && trials == 1000 && quiet);
	assert_string_equal(pos[0], "x");
	assert_int_equal(parse((const char *[]){ "--help", NULL }, pos, 4),
			 FB_OPT_HELP);
	assert_int_equal(parse((const char *[]){ "--bogus", NULL }, pos, 4), -1);
	assert_int_equal(parse((const char *[]){ "--seconds", "inf", NULL },
			       pos, 4), -1);
	assert_int_equal(parse((const char *[]){ "--quiet=1", NULL }, pos, 4),
			 -1);
	assert_int_equal(parse((const char *[]){ "--json", NULL }, pos, 4), -1);
	/* No room for arguments: each is one refused, not a crash. */
	assert_int_equal(parse((const char *[]){ "x", NULL }, NULL, 0), -1);
	assert_int_equal(parse((const char *[]){ "--benchmark_x=1", NULL },
			       NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_from_table),
		cmocka_unit_test(test_help_without_options),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Typed, range-checked command-line options, declared in one table that
 * drives both the parsing and --help, after perf's parse-options.h
 * (tools/lib/subcmd/parse-options.h: OPT_UINTEGER('t', "threads", ...)).
 *
 * Every numeric option has a range; NaN, infinities, trailing junk and
 * values that do not fit the target type are refused before any cast, with
 * one line naming the option and the range.  No parser can forget a check
 * because no command parses numbers itself.
 */
#ifndef FLAGBENCH_BENCH_OPTIONS_H
#define FLAGBENCH_BENCH_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

enum fb_opt_type {
	FB_OPT_END,
	FB_OPT_BOOLEAN,		/* bool *, no value */
	FB_OPT_UINTEGER,	/* unsigned int *, min..max */
	FB_OPT_ULONG,		/* unsigned long *, min..max (<= 2^53) */
	FB_OPT_DOUBLE,		/* double *, finite, min..max */
	FB_OPT_STRING,		/* const char **, non-empty */
	FB_OPT_CALLBACK,	/* cb(opt, value): 0 or -1 (it says why) */
	FB_OPT_PASS,		/* "--PREFIX..." goes to pos[] as it is */
};

struct fb_option {
	enum fb_opt_type type;
	const char *long_name;	/* without the leading "--" */
	const char *argh;	/* "S", "N", "LIST" in --help */
	void *value;
	double min, max;
	int (*cb)(const struct fb_option *opt, const char *arg);
	const char *help;	/* may hold '\n': continued, indented */
};

#define OPT_BOOLEAN(l, v, h)                                                   \
	{ .type = FB_OPT_BOOLEAN, .long_name = (l), .value = (v), .help = (h) }
#define OPT_UINTEGER(l, v, a, lo, hi, h)                                       \
	{ .type = FB_OPT_UINTEGER, .long_name = (l), .argh = (a),              \
	  .value = (v), .min = (lo), .max = (hi), .help = (h) }
#define OPT_ULONG(l, v, a, lo, hi, h)                                          \
	{ .type = FB_OPT_ULONG, .long_name = (l), .argh = (a), .value = (v),   \
	  .min = (lo), .max = (hi), .help = (h) }
#define OPT_DOUBLE(l, v, a, lo, hi, h)                                         \
	{ .type = FB_OPT_DOUBLE, .long_name = (l), .argh = (a), .value = (v),  \
	  .min = (lo), .max = (hi), .help = (h) }
#define OPT_STRING(l, v, a, h)                                                 \
	{ .type = FB_OPT_STRING, .long_name = (l), .argh = (a), .value = (v),  \
	  .help = (h) }
#define OPT_CALLBACK(l, v, a, f, h)                                            \
	{ .type = FB_OPT_CALLBACK, .long_name = (l), .argh = (a),              \
	  .value = (v), .cb = (f), .help = (h) }
#define OPT_PASS(prefix, h)                                                    \
	{ .type = FB_OPT_PASS, .long_name = (prefix), .argh = "...",           \
	  .help = (h) }
#define OPT_END() { .type = FB_OPT_END }

/* Largest integer a double holds exactly: the bound of FB_OPT_ULONG. */
#define FB_OPT_MAX_EXACT 9007199254740992.0

enum { FB_OPT_HELP = 1 };

/*
 * One command line, whole: its name, the arguments before the options
 * ("SCENARIO...|all", or ""), a paragraph before the option table and a
 * function printing what follows it (either may be NULL), and the table.
 * --help is generated from it: the usage line (the options' synopsis
 * from the table), the paragraph, the table, the tail.
 */
struct fb_cmdline {
	const char *cmd;
	const char *args;
	const char *about;
	void (*tail)(FILE *f);
	const struct fb_option *opts;
};

/*
 * Parse argv[1..argc-1] by @c ("--name VALUE", "--name=VALUE"); anything
 * not starting with "--" goes to @pos (at most @maxpos; *npos set).
 * "--help" and "-h" print fb_cmdline_help() to stdout and return
 * FB_OPT_HELP.  Returns 0, FB_OPT_HELP, or -1 after one error line
 * (fb_error).
 */
int fb_parse_cmdline(const struct fb_cmdline *c, int argc, char **argv,
		     const char **pos, int maxpos, int *npos);
/* --help: usage, paragraph, table, tail. */
void fb_cmdline_help(FILE *f, const struct fb_cmdline *c);
/* The table as --help prints it. */
void fb_options_help(FILE *f, const struct fb_option *opts);

/* The checked conversions, for callbacks and pass-through flags. */
int fb_parse_double(const char *opt, const char *s, double min, double max,
		    double *v);
int fb_parse_ulong(const char *opt, const char *s, double min, double max,
		   unsigned long *v);

#endif /* FLAGBENCH_BENCH_OPTIONS_H */

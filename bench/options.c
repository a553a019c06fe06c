// SPDX-License-Identifier: GPL-2.0
/*
 * One option parser for every command: see options.h.  The checks happen
 * here once, on the text and then on the double, before any conversion to
 * an integer type, so an out-of-range value is an error message and never
 * an undefined cast.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "command.h"
#include "options.h"

int fb_parse_double(const char *opt, const char *s, double min, double max,
		    double *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	/* strtod takes "nan", "inf" and "infinity": numbers we refuse. */
	if (end == s || *end || !isfinite(d) || (errno == ERANGE && d != 0)) {
		fb_error("%s: not a finite number: '%s'", opt, s);
		return -1;
	}
	if (d < min || d > max) {
		fb_error("%s: %s is out of range [%g, %g]", opt, s, min, max);
		return -1;
	}
	*v = d;
	return 0;
}

int fb_parse_ulong(const char *opt, const char *s, double min, double max,
		   unsigned long *v)
{
	double d;

	/* 1e6 is accepted: trial counts are written that way. */
	if (max > FB_OPT_MAX_EXACT)
		max = FB_OPT_MAX_EXACT;
	if (fb_parse_double(opt, s, min, max, &d))
		return -1;
	if (d != floor(d)) {
		fb_error("%s: not a whole number: '%s'", opt, s);
		return -1;
	}
	*v = (unsigned long)d;	/* 0 <= min <= d <= 2^53: exact */
	return 0;
}

static int set_value(const struct fb_option *o, const char *name,
		     const char *arg)
{
	unsigned long ul;
	double d;

	switch (o->type) {
	case FB_OPT_UINTEGER:
		if (fb_parse_ulong(name, arg, o->min,
				   o->max < 4294967295.0 ? o->max : 4294967295.0,
				   &ul))
			return -1;
		*(unsigned int *)o->value = (unsigned int)ul;
		return 0;
	case FB_OPT_ULONG:
		if (fb_parse_ulong(name, arg, o->min, o->max, &ul))
			return -1;
		*(unsigned long *)o->value = ul;
		return 0;
	case FB_OPT_DOUBLE:
		if (fb_parse_double(name, arg, o->min, o->max, &d))
			return -1;
		*(double *)o->value = d;
		return 0;
	case FB_OPT_STRING:
		if (!*arg) {
			fb_error("%s: empty value", name);
			return -1;
		}
		*(const char **)o->value = arg;
		return 0;
	case FB_OPT_CALLBACK:
		return o->cb(o, arg);
	default:
		return -1;
	}
}

static const struct fb_option *find(const struct fb_option *opts,
				    const char *name, size_t len)
{
	for (; opts->type != FB_OPT_END; opts++)
		if (opts->type == FB_OPT_PASS) {
			if (!strncmp(opts->long_name, name,
				     strlen(opts->long_name)))
				return opts;
		} else if (strlen(opts->long_name) == len &&
		    !strncmp(opts->long_name, name, len))
			return opts;
	return NULL;
}

void fb_options_help(FILE *f, const struct fb_option *opts)
{
	for (; opts->type != FB_OPT_END; opts++) {
		char head[64];
		const char *h;

		snprintf(head, sizeof(head), "--%s%s%s", opts->long_name,
			 opts->argh && opts->type != FB_OPT_PASS ? " " : "",
			 opts->argh ? opts->argh : "");
		fprintf(f, "  %-18s", head);
		if (strlen(head) > 18)
			fprintf(f, "\n  %-18s", "");
		for (h = opts->help; *h; h++) {
			fputc(*h, f);
			if (*h == '\n')
				fprintf(f, "  %-18s", "");
		}
		fputc('\n', f);
	}
}

/* Where the usage line wraps, and how far its continuations are indented. */
#define USAGE_WIDTH 78
#define USAGE_INDENT 8

/* "usage: flagbench-v race ARGS [--seconds S] ...", wrapped. */
static void usage_line(FILE *f, const struct fb_cmdline *c)
{
	const struct fb_option *o;
	int col = fprintf(f, "usage: %s %s%s%s", program_invocation_short_name,
			  c->cmd, c->args[0] ? " " : "", c->args);

	for (o = c->opts; o->type != FB_OPT_END; o++) {
		char item[96];
		int n = snprintf(item, sizeof(item), "[--%s%s%s]",
				 o->long_name,
				 o->argh && o->type != FB_OPT_PASS ? " " : "",
				 o->argh ? o->argh : "");

		if (col + 1 + n > USAGE_WIDTH) {
			col = fprintf(f, "\n%*s", USAGE_INDENT, "") - 1;
		} else {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%s", item);
	}
	fputc('\n', f);
}

void fb_cmdline_help(FILE *f, const struct fb_cmdline *c)
{
	usage_line(f, c);
	if (c->about)
		fprintf(f, "\n%s\n", c->about);
	if (c->opts->type != FB_OPT_END) {
		fputc('\n', f);
		fb_options_help(f, c->opts);
	}
	if (c->tail)
		c->tail(f);
}

/* A word that is not an option: the next positional argument. */
static int positional(const struct fb_cmdline *c, const char *a,
		      const char **pos, int maxpos, int *npos)
{
	if (*npos < maxpos) {
		pos[(*npos)++] = a;
		return 0;
	}
	if (maxpos)
		fb_error("%s: too many arguments", c->cmd);
	else
		fb_error("%s: unexpected argument '%s' (try --help)", c->cmd, a);
	return -1;
}

/* "--name[=VALUE]" at argv[*i]: found in @c's table and set; -1 said why. */
static int long_option(const struct fb_cmdline *c, int argc, char **argv,
		       int *i, const char **pos, int maxpos, int *npos)
{
	const char *a = argv[*i], *eq = strchr(a + 2, '='), *arg;
	size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	const struct fb_option *o = find(c->opts, a + 2, len);
	char name[80];

	snprintf(name, sizeof(name), "--%.*s", (int)len, a + 2);
	/* Unknown first, so that "--typo" is not "needs a value". */
	if (!o) {
		fb_error("%s: unknown option '%s' (try --help)", c->cmd, name);
		return -1;
	}
	if (o->type == FB_OPT_PASS)
		return positional(c, a, pos, maxpos, npos);
	if (o->type == FB_OPT_BOOLEAN) {
		if (eq) {
			fb_error("%s: %s takes no value", c->cmd, name);
			return -1;
		}
		*(bool *)o->value = true;
		return 0;
	}
	if (eq) {
		arg = eq + 1;
	} else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2)) {
		/* "--seconds --quiet" lacks a value; --json=--x is a file. */
		arg = argv[++*i];
	} else {
		fb_error("%s: %s needs a value (%s)", c->cmd, name,
			 o->argh ? o->argh : "?");
		return -1;
	}
	return set_value(o, name, arg);
}

int fb_parse_cmdline(const struct fb_cmdline *c, int argc, char **argv,
		     const char **pos, int maxpos, int *npos)
{
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fb_cmdline_help(stdout, c);
			return FB_OPT_HELP;
		}
		if (!strncmp(a, "--", 2) && a[2]) {
			if (long_option(c, argc, argv, &i, pos, maxpos, npos))
				return -1;
			continue;
		}
		if (a[0] == '-' && a[1]) {
			fb_error("%s: unknown option '%s' (try --help)", c->cmd, a);
			return -1;
		}
		if (positional(c, a, pos, maxpos, npos))
			return -1;
	}
	return 0;
}
